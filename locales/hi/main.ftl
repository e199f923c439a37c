## पेज का ढांचा: नेविगेशन, भाषा मेनू, फ़ुटर।

skip-to-content = मुख्य सामग्री पर जाएँ
nav-menu = मेनू
nav-main = मुख्य
nav-patients = मरीज़
nav-inbox = इनबॉक्स
nav-sent = भेजे गए
nav-messages = संदेश
nav-calendar = कैलेंडर
nav-analytics = विश्लेषण
nav-my-record = मेरा रिकॉर्ड
nav-referrals = रेफ़रल
nav-appointments = अपॉइंटमेंट
nav-consents = सहमतियाँ
nav-access = मेरा डेटा किसने देखा
nav-clinic = क्लिनिक
nav-audit = ऑडिट लॉग
nav-notifications = सूचनाएँ
nav-unread = अपठित
nav-account = पासवर्ड
nav-sign-out = साइन आउट
language-label = भाषा:
language-saved = अब भाषा हिन्दी है।
footer-tagline = Handoff · क्लिनिकों के बीच व्यवस्थित रेफ़रल
