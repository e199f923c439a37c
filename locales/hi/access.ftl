## "मेरा डेटा किसने देखा": हर ऑडिट प्रविष्टि का मरीज़ के लिए अर्थ, और किसने किया।

access-chart-viewed = आपका स्वास्थ्य रिकॉर्ड खोला
access-file-downloaded = एक फ़ाइल डाउनलोड की ({ $detail })
access-snapshot-viewed = रेफ़रल के साथ साझा की गई क्लिनिकल जानकारी पढ़ी
access-referral-viewed = आपके बारे में एक रेफ़रल खोला
access-submitted = आपके बारे में एक रेफ़रल भेजा
access-approved = आपने एक रेफ़रल को मंज़ूरी दी
access-declined = आपने एक रेफ़रल के लिए मना किया
access-require-visit = निर्णय से पहले आपसे मिलना चाहा
access-accepted = आपके बारे में एक रेफ़रल स्वीकार किया
access-completed = आपके बारे में एक रेफ़रल पूरा किया
access-cancelled = आपके बारे में एक रेफ़रल रद्द किया
access-consent-recorded = जानकारी साझा करने की सहमति दर्ज की गई
access-consent-withdrawn = सहमति वापस ली गई
access-care-team-added = आपका रिकॉर्ड एक सहकर्मी के साथ साझा किया ({ $detail })
access-thread-viewed = उनके साथ आपके संदेश पढ़े
access-message-sent = आपको संदेश लिखा
access-link-used = आपका निजी लिंक इस्तेमाल हुआ
access-link-refused = किसी ने आपका निजी लिंक वापस लिए जाने या समय पूरा होने के बाद खोलने की कोशिश की
access-other = { $detail }
access-role-practitioner = डॉक्टर
access-role-patient = मरीज़
access-role-clinic_admin = क्लिनिक व्यवस्थापक
access-role-external = नेटवर्क के बाहर के डॉक्टर
access-role-patient_link = आपका निजी लिंक
access-role-system = Handoff
access-role-anonymous = साइन इन नहीं
