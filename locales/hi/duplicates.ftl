## डुप्लिकेट जाँच और इतिहास (issue 16): पिछले 12 महीनों के रोगी के रेफ़रल।

duplicates-history-heading = पिछले 12 महीनों में इस रोगी के रेफ़रल
duplicates-history-none = पिछले 12 महीनों में इस रोगी का कोई और रेफ़रल नहीं है।
duplicates-col-date = तारीख़
duplicates-col-who = किससे → किसको
duplicates-col-specialty = विशेषज्ञता
duplicates-col-status = स्थिति
duplicates-open = अभी खुला है
duplicates-redirected = नए रेफ़रल की ओर भेजा गया
duplicates-same-receiver-or-specialty = खुला, उसी प्राप्तकर्ता या विशेषज्ञता को
duplicates-warning-heading = एक और रेफ़रल अभी खुला है
duplicates-warning = इस रोगी का उसी प्राप्तकर्ता या विशेषज्ञता को एक रेफ़रल पहले से खुला है (ऊपर चिह्नित)। फिर भी एक और भेजने के लिए कारण बताइए: प्राप्तकर्ता आपका कारण पढ़ेंगे।
duplicates-reason-label = एक और रेफ़रल भेजने का कारण
duplicates-reason-needed = बताइए कि एक और रेफ़रल क्यों ज़रूरी है, या इसे ड्राफ़्ट के रूप में छोड़ दीजिए।
duplicates-not-sent = ड्राफ़्ट के रूप में सहेजा गया; भेजा नहीं गया।
