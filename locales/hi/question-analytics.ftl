# विश्लेषण पृष्ठ पर सलाह के प्रश्न (issue 16)।
question-analytics-title = सलाह के प्रश्न
question-analytics-hint = अवधि में पूछे गए प्रश्न, रेफ़रल से अलग गिने गए (ऊपर के रेफ़रल आँकड़ों में ये शामिल नहीं हैं)। उत्तर का समय विशेषज्ञ को प्रश्न मिलने से उत्तर तक गिना जाता है। बिना रेफ़रल के उत्तर: उत्तर दिए गए प्रश्नों में से उनका हिस्सा जिनसे कोई रेफ़रल नहीं भेजा गया। रेफ़रल में बदले गए: उत्तर दिए गए या रेफ़रल में बदले गए प्रश्नों में से उनका हिस्सा जिन्हें विशेषज्ञ ने अपने पास रेफ़रल में बदला।
question-analytics-caption-own = आपके पूछे और आपसे पूछे गए सलाह के प्रश्न
question-analytics-caption-clinic = क्लिनिक के चिकित्सकों के पूछे और उनसे पूछे गए सलाह के प्रश्न
question-analytics-figure = आँकड़ा
question-analytics-by-you = आपने पूछे
question-analytics-of-you = आपसे पूछे गए
question-analytics-by-clinic = क्लिनिक ने पूछे
question-analytics-of-clinic = क्लिनिक से पूछे गए
question-analytics-asked = पूछे गए प्रश्न
question-analytics-answered = सलाह के साथ उत्तर दिए गए
question-analytics-median = उत्तर में लगा समय, मीडियन
question-analytics-without-referral = बिना रेफ़रल के उत्तर (उत्तर दिए गए प्रश्नों का हिस्सा)
question-analytics-converted = रेफ़रल में बदले गए
question-analytics-converted-share = रेफ़रल में बदले गए (उत्तर दिए गए या रेफ़रल में बदले गए प्रश्नों का हिस्सा)
