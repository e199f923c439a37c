## "माझी माहिती कोणी पाहिली": प्रत्येक ऑडिट नोंदीचा रुग्णासाठी अर्थ, आणि ते कोणी केले.

access-chart-viewed = तुमची आरोग्य नोंद उघडली
access-file-downloaded = एक फाइल डाउनलोड केली ({ $detail })
access-snapshot-viewed = रेफरलसोबत सामायिक केलेली क्लिनिकल माहिती वाचली
access-referral-viewed = तुमच्याबद्दलचे एक रेफरल उघडले
access-submitted = तुमच्याबद्दलचे एक रेफरल पाठवले
access-approved = तुम्ही एका रेफरलला मान्यता दिली
access-declined = तुम्ही एका रेफरलला नकार दिला
access-require-visit = निर्णयापूर्वी तुम्हाला भेटण्याची इच्छा व्यक्त केली
access-accepted = तुमच्याबद्दलचे एक रेफरल स्वीकारले
access-completed = तुमच्याबद्दलचे एक रेफरल पूर्ण केले
access-cancelled = तुमच्याबद्दलचे एक रेफरल रद्द केले
access-consent-recorded = माहिती सामायिक करण्याची संमती नोंदवली
access-consent-withdrawn = संमती मागे घेतली
access-care-team-added = तुमची नोंद एका सहकाऱ्यासोबत सामायिक केली ({ $detail })
access-thread-viewed = त्यांच्यासोबतचे तुमचे संदेश वाचले
access-message-sent = तुम्हाला संदेश लिहिला
access-link-used = तुमची वैयक्तिक लिंक वापरली गेली
access-link-refused = तुमची वैयक्तिक लिंक मागे घेतल्यानंतर किंवा मुदत संपल्यानंतर कोणीतरी ती उघडण्याचा प्रयत्न केला
access-other = { $detail }
access-role-practitioner = डॉक्टर
access-role-patient = रुग्ण
access-role-clinic_admin = दवाखाना प्रशासक
access-role-external = नेटवर्कबाहेरील डॉक्टर
access-role-patient_link = तुमची वैयक्तिक लिंक
access-role-system = Handoff
access-role-anonymous = साइन इन नाही
