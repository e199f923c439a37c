## पानाची चौकट: नेव्हिगेशन, भाषा मेनू, तळटीप.

skip-to-content = मुख्य मजकुराकडे जा
nav-menu = मेनू
nav-main = मुख्य
nav-patients = रुग्ण
nav-inbox = इनबॉक्स
nav-sent = पाठवलेले
nav-messages = संदेश
nav-calendar = दिनदर्शिका
nav-analytics = विश्लेषण
nav-my-record = माझी नोंद
nav-referrals = रेफरल
nav-appointments = भेटीच्या वेळा
nav-consents = संमती
nav-access = माझी माहिती कोणी पाहिली
nav-clinic = दवाखाना
nav-audit = ऑडिट नोंदवही
nav-notifications = सूचना
nav-unread = न वाचलेल्या
nav-account = पासवर्ड
nav-sign-out = साइन आउट
language-label = भाषा:
language-saved = आता भाषा मराठी आहे.
footer-tagline = Handoff · दवाखान्यांमधील सुव्यवस्थित रेफरल

## पानांची शीर्षके (ब्राउझर टॅब).

title-sign-in = साइन इन
title-account = खाते
title-who-viewed-my-data = माझी माहिती कोणी पाहिली
title-my-consents = माझ्या संमती
title-my-appointments = माझ्या भेटीच्या वेळा
title-messages = संदेश
title-notifications = सूचना
title-my-referrals = माझे रेफरल
title-my-health-record = माझी आरोग्य नोंद
title-second-factor = दुसरी पडताळणी
title-second-step = दुसरी पायरी
title-sessions = सत्रे
title-patients = रुग्ण
title-register-a-patient = रुग्णाची नोंदणी
title-my-practice = माझा दवाखाना
title-calendar = दिनदर्शिका
