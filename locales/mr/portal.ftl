## साइन इन, खात्याची पाने, सूचना, संदेश, रुग्णाच्या पोर्टलची पाने, भेटीची वेळ बुक करणे आणि
## दवाखान्यात सामील होणे.

## साइन इन (login.html, login_code.html)

login-title = Handoff मध्ये साइन इन करा
login-lead = वैद्यकीय व्यावसायिक, रुग्ण आणि दवाखान्यांच्या प्रशासकांसाठी.
login-email = ईमेल
login-password = पासवर्ड
login-submit = साइन इन करा
login-code-title = दुसरी पायरी
login-code-lead = तुमचे ऑथेंटिकेटर ॲप उघडा आणि त्यात Handoff साठी दिसणारा सहा अंकी कोड टाइप करा. फोन हरवला आहे? त्याऐवजी तुमच्या रिकव्हरी कोडपैकी एक टाइप करा.
login-code-label = कोड
login-code-continue = पुढे जा
login-code-cancel = रद्द करा

## पासवर्ड आणि ईमेल सूचना (password.html)

account-password-title = तुमचा पासवर्ड बदला
account-password-lead = पासवर्ड बदलल्यावर तुम्ही इतर सर्व डिव्हाइसवरून साइन आउट व्हाल.
account-password-current = सध्याचा पासवर्ड
account-password-new = नवीन पासवर्ड
account-password-hint = किमान 10 अक्षरे. एकमेकांशी संबंध नसलेले काही शब्द एकत्र वापरल्यास चांगला पासवर्ड होतो.
account-password-again = नवीन पासवर्ड पुन्हा
account-password-submit = पासवर्ड बदला
account-mail-title = ईमेल सूचना
account-mail-label = काही नवीन आल्यावर मला ईमेलनेही कळवा. ईमेलमध्ये फक्त वाचण्यासाठी काहीतरी आहे एवढेच सांगितलेले असते, कोणत्या रुग्णाबद्दल ते कधीच नाही.
account-save = जतन करा

## दुसरी पडताळणी (account/second_factor.html)

account-2fa-title = दुसरी पडताळणी
account-2fa-done-lead = तुमची दुसरी पडताळणी सेट झाली आहे. यापुढे साइन इन करताना तुमच्या ॲपमधील कोड विचारला जाईल.
account-2fa-recovery-title = तुमचे रिकव्हरी कोड
account-2fa-recovery-text = फोन हरवल्यास, ॲपच्या कोडऐवजी यातील प्रत्येक कोड एकदाच वापरता येतो. ते प्रिंट करा किंवा सुरक्षित ठिकाणी ठेवा: ते फक्त आत्ताच दाखवले जात आहेत.
account-2fa-continue = Handoff वर पुढे जा
account-2fa-enrolled-lead = साइन इन करताना तुमच्या ऑथेंटिकेटर ॲपमधील कोड विचारला जातो.
account-2fa-codes-left =
    { $count ->
        [one] 10 पैकी { $count } रिकव्हरी कोड शिल्लक आहे.
       *[other] 10 पैकी { $count } रिकव्हरी कोड शिल्लक आहेत.
    }
account-2fa-codes-low = तुमच्या दवाखान्याच्या प्रशासकांना तुमची दुसरी पडताळणी रीसेट करायला सांगा; त्यानंतर तुम्ही ती नवीन कोडसह पुन्हा सेट कराल.
account-2fa-required = तुमच्या दवाखान्याने कर्मचाऱ्यांसाठी दुसरी पडताळणी आवश्यक केली आहे. पुढे जाण्यासाठी ती सेट करा.
account-2fa-lead = कोणाला तुमचा पासवर्ड कळला तरीही दुसरी पडताळणी तुमच्या रुग्णांच्या नोंदी सुरक्षित ठेवते.
account-2fa-step-install = तुमच्या फोनवर एखादे ऑथेंटिकेटर ॲप इंस्टॉल करा (उदाहरणार्थ FreeOTP, Aegis, Google Authenticator किंवा Microsoft Authenticator).
account-2fa-step-scan = त्या ॲपने हा कोड स्कॅन करा:
account-2fa-qr-alt = ऑथेंटिकेटर ॲपमध्ये Handoff सेट करण्यासाठी QR कोड
account-2fa-or-key = किंवा ही की टाइप करा:
account-2fa-key-kind = (वेळेवर आधारित, 6 अंक, 30 सेकंद).
account-2fa-step-type = ॲपमध्ये दिसणारा सहा अंकी कोड टाइप करा:
account-2fa-code = ॲपमधील कोड
account-2fa-submit = दुसरी पडताळणी सुरू करा

## सेशन आणि साइन-इन सूचना (account/sessions.html)

account-sessions-title = तुम्ही कुठे कुठे साइन इन आहात
account-sessions-lead = 30 मिनिटे वापर न झाल्यास आणि साइन इननंतर 12 तासांनी सेशन संपतात. तुम्ही ओळखत नसलेले कोणतेही सेशन संपवा, आणि मग तुमचा पासवर्ड बदला.
account-sessions-region = सेशन
account-sessions-browser = ब्राउझर
account-sessions-address = IP पत्ता
account-sessions-signed-in = साइन इनची वेळ
account-sessions-last-used = शेवटचा वापर
account-sessions-action = कृती
account-sessions-this-device = हे डिव्हाइस
account-sessions-end-one = या सेशनमधून साइन आउट करा
account-sessions-end-others = इतर सर्व ठिकाणांहून साइन आउट करा
account-alerts-title = साइन-इन सूचना
account-alerts-label = माझ्या खात्यात आधी कधीही साइन इन न झालेल्या ब्राउझरमधून साइन इन झाल्यास मला ईमेल करा.

## सूचना (notifications.html)

portal-notifications-title = सूचना
portal-notifications-empty = काही नवीन नाही.
portal-notifications-pages = सूचनांची पाने
portal-notifications-older = जुन्या सूचना
portal-notifications-new = नवीन

## संदेश (threads/list.html, threads/show.html)

thread-messages = संदेश
thread-list-empty = अजून कोणतेही संभाषण नाही. संभाषणे रेफरलमधून सुरू होतात.
thread-list-pages = संभाषणांची पाने
thread-list-older = जुनी संभाषणे
thread-unread = न वाचलेले
thread-with-colleague = सहकारी
thread-with-patient = वैद्यकीय व्यावसायिक आणि रुग्ण
thread-last-message = शेवटचा संदेश { $at } UTC
thread-breadcrumb = नेव्हिगेशन मार्ग
thread-open-referral = रेफरल उघडा
thread-book-visit = भेटीची वेळ बुक करा
thread-write = संदेश लिहा
thread-send = पाठवा

## माझी माहिती कोणी पाहिली (portal/access.html)

portal-access-title = माझी माहिती कोणी पाहिली
portal-access-lead = तुमच्यावर उपचार करणाऱ्या टीमबाहेरील कोणी तुमच्या नोंदी उघडल्या, किंवा तुमची माहिती शेअर केली गेली, अशी प्रत्येक वेळ येथे दिसते. तुमच्या स्वतःच्या डॉक्टरांनी तुमच्या नोंदींचा केलेला नेहमीचा वापर येथे दाखवला जात नाही.
portal-access-empty = तुमच्यावर उपचार करणाऱ्या टीमबाहेरील कोणीही तुमच्या नोंदी उघडलेल्या नाहीत.
portal-access-pages = प्रवेश नोंदींची पाने
portal-access-older = जुन्या नोंदी
portal-access-caption = तुमच्या नोंदी कधी कधी उघडल्या गेल्या, सर्वात नवीन आधी
portal-access-when = केव्हा (UTC)
portal-access-who = कोणी
portal-access-what = काय

## माझ्या संमती (portal/consents.html)

portal-consents-title = माझ्या संमती
portal-consents-lead = तुम्ही कोणती माहिती कोणासोबत शेअर करण्यास संमती दिली आहे. संमती मागे घेतल्यास, त्या क्षणापासून रेफरल मिळालेले डॉक्टर शेअर केलेला तपशील उघडू शकत नाहीत; रेफरल अस्तित्वात आहे एवढे मात्र त्यांना दिसत राहते.
portal-consents-empty = तुम्ही माहिती शेअर करण्यासाठी कोणतीही संमती दिलेली नाही.
portal-consent-shared-with = { $recipient } यांच्यासोबत शेअर केली
portal-consent-for = कारण: { $reason }
portal-consent-the-referral = रेफरल पाहा
portal-consent-verbal = तुम्ही तुमच्या डॉक्टरांना सांगितले, आणि त्यांनी { $at } UTC रोजी ती नोंदवली
portal-consent-portal = तुम्ही { $at } UTC रोजी पोर्टलमध्ये मंजुरी दिली
portal-consent-withdrawn = { $date } रोजी मागे घेतली
portal-consent-withdraw = संमती मागे घ्या

## माझे रेफरल (referrals/patient_list.html)

portal-referrals-title = माझे रेफरल
portal-referrals-empty = तुमचे कोणतेही रेफरल नाहीत.
portal-referral-to = { $receiver } यांच्याकडे
portal-referral-from = { $sender } यांच्याकडून

## माझ्या भेटीच्या वेळा (schedule/mine.html)

appt-mine-title = माझ्या भेटीच्या वेळा
appt-mine-empty = कोणतीही भेट ठरलेली नाही. एखाद्या तज्ज्ञांनी रेफरल स्वीकारल्यावर “भेटीची वेळ बुक करा” वापरा.
appt-mine-pages = भेटींची पाने
appt-mine-later = नंतरच्या भेटी
appt-with = { $who } यांच्यासोबत
appt-for-referral = तुमच्या रेफरलसाठी
appt-cancel = रद्द करा
appt-reschedule = वेळ बदला
appt-status-booked = बुक केली
appt-status-attended = भेट झाली
appt-status-no_show = चुकली
appt-status-cancelled = रद्द

## वैद्यकीय व्यावसायिकांचे पान आणि बुकिंग (practitioners/show.html)

book-speaks = भाषा: { $languages }.
book-accepting = रेफरल स्वीकारले जात आहेत
book-not-accepting = सध्या रेफरल स्वीकारले जात नाहीत
book-title = भेटीची वेळ बुक करा
book-title-reschedule = नवीन वेळ निवडा
book-visit-length =
    { $count ->
        [one] प्रत्येक भेट { $count } मिनिटाची
       *[other] प्रत्येक भेट { $count } मिनिटांची
    }
book-no-slots = पुढील चार आठवड्यांत एकही वेळ रिकामी नाही.
book-time = वेळ
book-submit = बुक करा

## दवाखान्यात सामील होणे (join.html)

join-title = Handoff वर { $clinic } मध्ये सामील व्हा
join-lead = { $clinic } ने तुम्हाला त्यांच्या वैद्यकीय व्यावसायिकांमध्ये समाविष्ट केले आहे.
join-name = नाव
join-specialty = विशेषज्ञता
join-sign-in-address = साइन-इन पत्ता
join-takes-over = पासवर्ड निवडल्यावर, ज्या खात्यावर तुम्हाला ईमेलने रेफरल मिळत होते ते खाते तुमचे होईल.
join-referrals-move =
    { $count ->
        [one] आतापर्यंत तुम्हाला पाठवलेले रेफरल तुमच्या Handoff इनबॉक्समध्ये येईल, आणि आधीच्या ईमेलमधील लिंक काम करणे बंद करतील.
       *[other] आतापर्यंत तुम्हाला पाठवलेले { $count } रेफरल तुमच्या Handoff इनबॉक्समध्ये येतील, आणि आधीच्या ईमेलमधील लिंक काम करणे बंद करतील.
    }
join-open-until = हे आमंत्रण { $until } UTC पर्यंत खुले आहे.
join-password = पासवर्ड निवडा
join-password-hint = किमान 10 अक्षरे. एकमेकांशी संबंध नसलेले काही शब्द एकत्र वापरल्यास चांगला पासवर्ड होतो.
join-password-again = पासवर्ड पुन्हा
join-submit = { $clinic } मध्ये सामील व्हा
join-not-you = हे तुम्ही नाही, किंवा तुम्हाला हे अपेक्षित नव्हते? हे पान बंद करा: तुम्ही पासवर्ड निवडल्याशिवाय काहीही बदलणार नाही.
