## रुग्णांना ई-मेल: त्यांची वैयक्तिक लिंक आणि त्यांच्या भेटी (दिनदर्शिका नोंदीसह).

plink-greeting = प्रिय { $name },
plink-mail-approve-subject = कृपया { $receiver } यांच्याकडील तुमच्या रेफरलला मान्यता द्या
plink-mail-approve-body =
    प्रिय { $name },

    { $sender } तुम्हाला { $receiver } यांच्याकडे रेफर करू इच्छितात. रेफरल पाठवण्यापूर्वी तुमचा दवाखाना तुमची मान्यता मागत आहे.

    कोणाकडे, केव्हा आणि का पाठवले जात आहे हे वाचण्यासाठी आणि मान्यता देण्यासाठी किंवा नकार देण्यासाठी तुमची वैयक्तिक लिंक उघडा:
    { $link }

    कोणत्याही खात्याची गरज नाही. ही लिंक { $expires } पर्यंत वैध आहे; कृपया ती इतर कोणाला पाठवू नका.
plink-mail-book-first-subject = { $receiver } तुम्हाला भेटू इच्छितात: कृपया भेटीची वेळ बुक करा
plink-mail-book-first-body =
    प्रिय { $name },

    { $receiver } यांनी { $sender } यांचे रेफरल पाहिले आहे आणि ते आधी तुम्हाला भेटू इच्छितात.

    दिनदर्शिकेतून वेळ निवडण्यासाठी आणि सोबत काय आणायचे ते वाचण्यासाठी तुमची वैयक्तिक लिंक उघडा:
    { $link }

    कोणत्याही खात्याची गरज नाही. ही लिंक { $expires } पर्यंत वैध आहे; कृपया ती इतर कोणाला पाठवू नका.
plink-mail-visit-required-subject = { $receiver } तुम्हाला भेटू इच्छितात
plink-mail-visit-required-body =
    प्रिय { $name },

    { $receiver } यांनी { $sender } यांचे रेफरल पाहिले आहे आणि ते आधी तुम्हाला भेटू इच्छितात. वेळ ठरवण्यासाठी त्यांचा दवाखाना तुमच्याशी संपर्क साधेल.

    तुमच्या रेफरलची स्थिती तुम्ही येथे पाहू शकता:
    { $link }

    ही लिंक { $expires } पर्यंत वैध आहे; कृपया ती इतर कोणाला पाठवू नका.
plink-mail-accepted-book-subject = { $receiver } यांनी तुमचे रेफरल स्वीकारले आहे: कृपया भेटीची वेळ बुक करा
plink-mail-accepted-book-body =
    प्रिय { $name },

    { $receiver } यांनी { $sender } यांचे रेफरल स्वीकारले आहे.

    दिनदर्शिकेतून भेटीची वेळ बुक करण्यासाठी आणि सोबत काय आणायचे ते वाचण्यासाठी तुमची वैयक्तिक लिंक उघडा:
    { $link }

    कोणत्याही खात्याची गरज नाही. ही लिंक { $expires } पर्यंत वैध आहे; कृपया ती इतर कोणाला पाठवू नका.
plink-mail-accepted-subject = { $receiver } यांनी तुमचे रेफरल स्वीकारले आहे
plink-mail-accepted-body =
    प्रिय { $name },

    { $receiver } यांनी { $sender } यांचे रेफरल स्वीकारले आहे. त्यांचा दवाखाना तुमच्याशी संपर्क साधेल.

    तुमच्या रेफरलची स्थिती तुम्ही येथे पाहू शकता:
    { $link }

    ही लिंक { $expires } पर्यंत वैध आहे; कृपया ती इतर कोणाला पाठवू नका.
plink-mail-completed-subject = { $receiver } यांनी तुमच्या रेफरलचा निष्कर्ष पाठवला आहे
plink-mail-completed-body =
    प्रिय { $name },

    { $receiver } यांनी तपासणी पूर्ण करून निष्कर्ष { $sender } यांना पाठवला आहे; ते याबद्दल तुमच्याशी बोलतील.

    तुमच्या रेफरलची स्थिती तुम्ही येथे पाहू शकता:
    { $link }

    ही लिंक { $expires } पर्यंत वैध आहे; कृपया ती इतर कोणाला पाठवू नका.

visit-ics-summary = { $who } यांच्यासोबत भेट
visit-ics-bring = सोबत आणा: { $bring }
visit-mail-bring = सोबत आणा: { $bring }
visit-mail-booked-subject = { $who } यांच्यासोबत तुमची भेट: { $when }
visit-mail-booked-body =
    प्रिय { $name },

    { $who } यांच्यासोबत तुमची भेट { $when } साठी बुक झाली आहे.
    ठिकाण: { $where }

    दिनदर्शिकेची नोंद सोबत जोडली आहे. भेट रद्द करण्यासाठी किंवा वेळ बदलण्यासाठी: { $manage }
visit-mail-moved-subject = { $who } यांच्यासोबतच्या तुमच्या भेटीची वेळ बदलली आहे: { $when }
visit-mail-moved-body =
    प्रिय { $name },

    { $who } यांच्यासोबत तुमची भेट आता { $when } रोजी आहे.
    ठिकाण: { $where }

    सोबत जोडलेली दिनदर्शिकेची नोंद आधीच्या नोंदीची जागा घेईल. भेट रद्द करण्यासाठी किंवा वेळ बदलण्यासाठी: { $manage }
visit-mail-cancelled-subject = { $who } यांच्यासोबतची तुमची भेट रद्द झाली आहे
visit-mail-cancelled-body =
    प्रिय { $name },

    { $when } रोजीची { $who } यांच्यासोबतची तुमची भेट रद्द झाली आहे. सोबत जोडलेली नोंद ती तुमच्या दिनदर्शिकेतून काढून टाकेल.

    दुसरी वेळ बुक करण्यासाठी: { $manage }
visit-mail-reminder-subject = आठवण: उद्या { $who } यांच्यासोबत तुमची भेट
visit-mail-reminder-body =
    प्रिय { $name },

    { $when } रोजी { $who } यांच्यासोबत तुमची भेट आहे, याची आठवण.
    ठिकाण: { $where }

    तुम्हाला येणे शक्य नसल्यास, कृपया भेट रद्द करा किंवा वेळ बदला, म्हणजे ही वेळ दुसऱ्या रुग्णाला मिळू शकेल: { $manage }

## रुग्णाच्या लिंकचे पान.

plink-page-title = { $receiver } यांच्याकडे तुमचे रेफरल
plink-page-valid = तुमची वैयक्तिक लिंक · { $date } पर्यंत वैध · कृपया ती इतर कोणाला पाठवू नका
plink-to = कोणाकडे
plink-from = कोणाकडून
plink-when = पाठवले
plink-why = कारण
plink-bring = सोबत काय आणायचे
plink-visits = तुमच्या भेटी
plink-cancel-visit = ही भेट रद्द करा
plink-move-visit = दुसरी वेळ निवडा
plink-book-title = भेटीची वेळ बुक करा
plink-move-title = नवी वेळ निवडा
plink-times-in = सर्व वेळा { $zone } वेळेनुसार आहेत.
plink-no-slots = पुढील चार आठवड्यांत कोणतीही वेळ रिकामी नाही. कृपया दवाखान्याला फोन करा.
plink-time = वेळ
plink-book = बुक करा
plink-move = भेट या वेळेवर हलवा
plink-snapshot = तुमच्या डॉक्टरांनी काय सामायिक केले
plink-access = हे रेफरल कोणी पाहिले
plink-access-hint = कोणीही हे रेफरल उघडल्यास किंवा तुमची लिंक वापरली गेल्यास त्याची नोंद येथे होते.
plink-access-empty = अजून कोणीही ते पाहिलेले नाही.
plink-access-when = केव्हा
plink-access-who = कोणी
plink-access-what = काय
plink-booked = तुमची भेट बुक झाली आहे. दिनदर्शिकेची नोंद तुमच्या ई-मेलवर पाठवली जात आहे.
plink-cancelled = भेट रद्द झाली आहे. तुमच्या दिनदर्शिकेसाठी रद्दीकरण तुमच्या ई-मेलवर पाठवले जात आहे.
plink-approved = धन्यवाद. तुमचे रेफरल तज्ज्ञांकडे पाठवले आहे.
plink-declined = तुम्ही नकार दिला आहे. तुमच्या डॉक्टरांना कळवले आहे.
book-times-in = सर्व वेळा { $zone } वेळेनुसार आहेत.

## रेफर करणाऱ्या डॉक्टरांसाठी रुग्णाच्या लिंकची माहिती.

ref-plink-title = रुग्णाची वैयक्तिक लिंक
ref-plink-explain = रुग्णाचे पोर्टल खाते नाही: रेफरलमध्ये त्यांची गरज असेल तेव्हा Handoff { $email } वर या रेफरलच्या वैयक्तिक लिंकसह कळवते.
ref-plink-live = लिंक { $date } पर्यंत वैध आहे आणि { $uses } वेळा उघडली गेली आहे.
ref-plink-none = सध्या कोणतीही सक्रिय लिंक नाही (मागे घेतली, मुदत संपली, किंवा अजून गरज पडली नाही).
ref-plink-withdraw = लिंक मागे घ्या
ref-plink-send = नवी लिंक पाठवा

## फॉर्म: दवाखान्याचा वेळ क्षेत्र, रुग्णाची भाषा.

practice-time-zone = वेळ क्षेत्र
practice-time-zone-hint = IANA नाव, उदा. Asia/Kolkata. तुमच्या वेळा याच क्षेत्रानुसार आहेत आणि रुग्णांना प्रत्येक वेळ याच क्षेत्रात दिसते.
patients-language = ई-मेल आणि वैयक्तिक लिंकची भाषा
patients-language-hint = पोर्टल खाते नसल्यास रुग्णाला Handoff कडून याच भाषेत ई-मेल येतात.

## रुग्णाला रेफरलची स्थिती आणि टाइमलाइन कशी दिसते.

patient-status-not-sent = पाठवलेले नाही
patient-status-approval-needed = तुमची मान्यता हवी आहे
patient-status-declined = तुम्ही नकार दिला
patient-status-sent = { $receiver } यांच्याकडे पाठवले
patient-status-in-review = पुनरावलोकनात
patient-status-book-visit = भेटीची वेळ बुक करा
patient-status-accepted = { $receiver } यांनी स्वीकारले
patient-status-completed = पूर्ण झाले
patient-status-cancelled = रद्द केले
patient-status-report-ready = रिपोर्ट तयार आहे
patient-event-for-approval = तुमच्या मान्यतेसाठी पाठवले
patient-event-sent = तज्ज्ञांकडे पाठवले
patient-event-approved = तुम्ही तुमची माहिती सामायिक करण्यास मान्यता दिली
patient-event-declined = तुम्ही नकार दिला
patient-event-see-you-first = तज्ज्ञ आधी तुम्हाला भेटू इच्छितात: { $note }
patient-event-accepted = स्वीकारले
patient-event-completed = पूर्ण झाले
patient-event-cancelled = रद्द केले
patient-event-consent-withdrawn = तुम्ही क्लिनिकल माहिती सामायिक करण्याची तुमची संमती मागे घेतली
patient-event-updated = अद्ययावत केले

## सोबत काय आणायचे: रेफरलच्या प्रकारानुसार डीफॉल्ट.

bring-default-specialist = फोटो ओळखपत्र, हे रेफरल, तुमच्या सध्याच्या औषधांची यादी, आणि अलीकडील कोणतेही तपासणी अहवाल किंवा पत्रे.
bring-default-order = फोटो ओळखपत्र, हे रेफरल, आणि याच तपासणीचे आधीचे कोणतेही अहवाल किंवा प्रतिमा.
bring-default-admission = फोटो ओळखपत्र, हे रेफरल, सध्याची सर्व औषधे त्यांच्या डब्यांसह, आणि काही दिवसांसाठी कपडे व वैयक्तिक वापराच्या वस्तू.

## रुग्णासाठी सूचना.

notice-approval-needed = एका रेफरलला तुमची मान्यता हवी आहे.
notice-sent = तुमचे रेफरल पाठवले गेले.
notice-book-visit = कृपया तुमच्या रेफरलसाठी भेटीची वेळ बुक करा.
notice-accepted = तुमचे रेफरल स्वीकारले गेले.
notice-completed = तुमचे रेफरल पूर्ण झाले.
notice-cancelled = तुमच्याबद्दलचे एक रेफरल रद्द केले गेले.
notice-updated = तुमच्या रेफरलमध्ये बदल झाला आहे.
flash-visit-booked = भेट बुक झाली. ती तुमच्या भेटीच्या वेळांमध्ये आहे.
flash-visit-cancelled = भेट रद्द झाली. ही वेळ पुन्हा रिकामी आहे; डॉक्टरांच्या दिनदर्शिकेतून दुसरी वेळ बुक करा.
