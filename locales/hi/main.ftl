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

## पेज के शीर्षक (ब्राउज़र टैब)।

title-sign-in = साइन इन
title-account = खाता
title-who-viewed-my-data = मेरा डेटा किसने देखा
title-my-consents = मेरी सहमतियाँ
title-my-appointments = मेरे अपॉइंटमेंट
title-messages = संदेश
title-notifications = सूचनाएँ
title-my-referrals = मेरे रेफ़रल
title-my-health-record = मेरा स्वास्थ्य रिकॉर्ड
title-second-factor = दूसरा सत्यापन
title-second-step = दूसरा चरण
title-sessions = सत्र
title-patients = मरीज़
title-register-a-patient = मरीज़ का पंजीकरण
title-my-practice = मेरा क्लिनिक
title-calendar = कैलेंडर
