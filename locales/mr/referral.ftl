## डेटाबेसमध्ये ठेवलेले कोड: रेफरलची स्थिती, प्राधान्य, भेटीची स्थिती.

status-draft = मसुदा
status-awaiting_patient = रुग्णाच्या मंजुरीची प्रतीक्षा
status-declined_by_patient = रुग्णाने नाकारले
status-sent = पाठवले
status-need_info = माहिती मागितली आहे
status-visit_required = भेट आवश्यक
status-accepted = स्वीकारले
status-completed = पूर्ण
status-rejected = प्राप्तकर्त्याने नाकारले
status-cancelled = रद्द केले
status-expired = मुदत संपली (वेळेत कोणीही कृती केली नाही)

priority-routine = सामान्य
priority-urgent = तातडीचे
priority-emergency = आपत्कालीन

visit-booked = बुक केली
visit-attended = उपस्थित राहिले
visit-no_show = चुकली
visit-cancelled = रद्द

## रेफरलचे पान: पाठवणारे, स्वीकारणारे डॉक्टर आणि रुग्ण यांच्यासाठी.

ref-referral = रेफरल
ref-kind-specialist = तज्ज्ञ रेफरल
ref-kind-admission = रुग्णालयात दाखल होण्यासाठी रेफरल
ref-kind-lab = लॅब रेफरल
ref-kind-imaging = इमेजिंग रेफरल
ref-created = { $date } रोजी तयार केले
ref-turn-sender = कोणाची पाळी: रेफर करणारे डॉक्टर
ref-turn-receiver = कोणाची पाळी: रेफरल मिळालेले डॉक्टर
ref-turn-patient = कोणाची पाळी: रुग्ण
ref-turn-nobody = कोणाची पाळी: कोणाचीच नाही, हे रेफरल बंद झाले आहे
ref-turn = कोणाची पाळी: { $who }
ref-from = पाठवणारे
ref-to = प्राप्तकर्ते
ref-priority = प्राधान्य
ref-see-by = { $date } पर्यंत तपासावे
ref-reason = कारण
ref-tests = मागवलेल्या चाचण्या
ref-message = संदेश
ref-privacy = गोपनीयता
ref-doctor-only = फक्त डॉक्टरांसाठी
ref-book-visit = भेटीची वेळ बुक करा
ref-letter = रेफरल पत्र (PDF)

## नेटवर्कबाहेरचे रेफरल, पाठवणाऱ्या डॉक्टरांसाठी.

ref-outside-heading = नेटवर्कबाहेर
ref-outside-answers-before = { $name },
ref-outside-answers-after = {" "}वर पाठवलेल्या वैयक्तिक लिंकद्वारे किंवा ई-मेलला उत्तर देऊन प्रतिसाद देतात.
ref-mail-caption = ई-मेल
ref-mail-queued = रांगेत लावले
ref-mail-what = काय
ref-mail-to = कोणाला
ref-mail-delivery = वितरण
ref-mail-sent-at = { $time } UTC ला
ref-mail-last-error = शेवटची त्रुटी: { $error }
ref-links-caption = लिंक
ref-links-created = तयार केली
ref-links-valid-until = कधीपर्यंत वैध
ref-links-state = स्थिती
ref-links-opened = उघडली
ref-link-uses =
    { $count ->
        [one] { $count } वेळ
       *[other] { $count } वेळा
    }
ref-link-last-used = , शेवटची { $time } UTC
ref-not-delivered = पोहोचले नाही: { $why }.
ref-letter-not-arrived = { $email } ला पाठवलेले पत्र पोहोचले नाही.
ref-address-label = योग्य ई-मेल पत्ता
ref-address-hint = पत्र नव्या लिंकसह या पत्त्यावर पुन्हा पाठवले जाईल; जुनी लिंक चालणे बंद होईल.
ref-address-submit = पत्ता दुरुस्त करा आणि पुन्हा पाठवा
ref-held-heading = { $from } कडून आलेले असत्यापित उत्तर
ref-held-received = { $time } UTC रोजी मिळाले.
ref-held-because = रोखून ठेवले, कारण { $reason }.
ref-held-files = फायली: { $files }
ref-held-post = टाइमलाइनवर टाका
ref-held-discard = काढून टाका
ref-link-withdraw = लिंक मागे घ्या
ref-link-resend = नव्या लिंकसह पत्र पुन्हा पाठवा

## रेफरल पानाचा उरलेला भाग.

ref-reply-files = { $name } यांच्याकडून आलेल्या फायली
ref-size-bytes = { $count } बाइट
ref-bring-heading = सोबत काय आणावे
ref-bring-change = रुग्णाने सोबत काय आणावे ते बदला
ref-save = जतन करा
ref-rejected-heading = रेफरल मिळालेल्या डॉक्टरांनी नाकारले
ref-rejected-untold = रुग्णाला कळवलेले नाही; तुम्ही रेफरल दुसरीकडे पाठवेपर्यंत किंवा रद्द करेपर्यंत त्यांना “पुनरावलोकनात” असे दिसते.
ref-visits = भेटी
ref-visit-attended = उपस्थित राहिले
ref-visit-no-show = आले नाहीत
ref-book-again = दुसरी वेळ बुक करा
ref-outcome = निष्कर्ष
ref-advice = सल्ला
ref-outcome-with-doctor = तुमचे रेफरल पूर्ण झाले आहे. तुमचे डॉक्टर निष्कर्षाबद्दल तुमच्याशी चर्चा करतील.
ref-shared-heading = काय शेअर केले आहे
ref-snapshot-heading = क्लिनिकल सारांश
ref-no-sections = कोणतीही क्लिनिकल माहिती शेअर केलेली नाही.
ref-section =
    { $code ->
        [complaint] मुख्य तक्रार
        [vitals] व्हायटल्स
        [medications] औषधे आणि प्रिस्क्रिप्शनचे मसुदे
        [allergies] ॲलर्जी
        [labs] लॅब आणि इमेजिंग फायली
        [visits] अलीकडील भेटी
       *[unknown] {""}
    }
ref-consent = संमती
ref-consent-verbal = तोंडी, रेफर करणाऱ्या डॉक्टरांनी प्रमाणित केलेली
ref-consent-portal = रुग्णाने पोर्टलवर मंजुरी दिली
ref-asks-heading = मागितलेली माहिती
ref-ask-round = (विनंती { $round })
ref-ask-answered = उत्तर दिले
ref-ask-open = प्रलंबित
ref-answer-withheld = हे उत्तर आता तुमच्याशी शेअर केलेले नाही.
ref-reports = रिपोर्ट

## टाइमलाइन.

timeline-heading = टाइमलाइन

## रेफरलवर करता येणाऱ्या कृती.

cmd-heading-outside = तुमचे उत्तर
cmd-heading-patient = तुमचा निर्णय
cmd-heading = आता तुम्ही काय करू शकता
cmd-verbal-consent = निवडलेले विभाग { $name } यांच्याशी शेअर करण्यास रुग्णाने तोंडी संमती दिली आहे.
cmd-send-for-approval = मंजुरीसाठी रुग्णाकडे पाठवा
cmd-send = रेफरल पाठवा
cmd-edit-draft = मसुदा संपादित करा
cmd-approve-explain = मंजुरी दिल्यावर हे रेफरल { $name } यांना पाठवले जाईल आणि वर दाखवलेली माहिती शेअर केली जाईल.
cmd-approve = मंजुरी द्या आणि शेअर करा
cmd-decline-reason = कारण (ऐच्छिक, तुमच्या डॉक्टरांना दिसेल)
cmd-decline = नाकारा
cmd-note-optional = टीप (ऐच्छिक)
cmd-accept-hint-outside = रेफर करणाऱ्या डॉक्टरांना आणि रुग्णाला दिसेल.
cmd-accept = स्वीकारा
cmd-note-to-patient = रुग्णासाठी टीप (ऐच्छिक)
cmd-accept-hint = रुग्णाला आणि रेफर करणाऱ्या डॉक्टरांना दिसेल.
cmd-accept-next = स्वीकारा आणि पुढचे उघडा
cmd-request-info = माहिती मागवा
cmd-request-info-label = काय कमी आहे (प्रत्येक ओळीत एक मुद्दा)
cmd-require-visit = निर्णयापूर्वी रुग्णाला भेटायला सांगा
cmd-require-visit-submit = भेटीसाठी बोलवा
cmd-reject-summary = हे रेफरल नाकारा
cmd-reason = कारण
cmd-reject-reason =
    { $code ->
        [duplicate] डुप्लिकेट रेफरल
        [incomplete] अपूर्ण माहिती
        [out_of_scope] या प्रॅक्टिसच्या कार्यक्षेत्राबाहेर
        [no_capacity] सध्या क्षमता नाही
        [other] इतर
       *[unknown] {""}
    }
cmd-reject-note-outside = रेफर करणाऱ्या डॉक्टरांसाठी टीप
cmd-reject-note = रेफर करणाऱ्यांसाठी टीप
cmd-reject-untold = रेफरल नाकारल्याचे रुग्णाला कळवले जात नाही.
cmd-reject = रेफरल नाकारा
cmd-provide-heading = विनंतीला उत्तर द्या
cmd-files-for = “{ $ask }” साठी फायली
cmd-attach = जोडा
cmd-anything-else = आणखी काही (ऐच्छिक)
cmd-provide = माहिती पाठवा
cmd-report-order = रिपोर्ट अपलोड करा (यामुळे ऑर्डर पूर्ण होईल)
cmd-report = सल्लामसलतीची टीप किंवा रिपोर्ट (ऐच्छिक)
cmd-outcome-summary = निष्कर्षाचा सारांश
cmd-outcome-advice = रेफर करणाऱ्या डॉक्टरांसाठी आणि रुग्णासाठी सल्ला
cmd-complete-outside = निष्कर्ष पाठवा आणि रेफरल बंद करा
cmd-complete = निष्कर्षासह पूर्ण करा
cmd-redirect = दुसऱ्या कोणाकडे पाठवा
cmd-cancel-summary = हे रेफरल रद्द करा
cmd-cancel-reason = रद्द करण्याचे कारण
cmd-cancel = रेफरल रद्द करा

## रुग्णाचा चार्ट: डॉक्टरांसाठी, आणि “माझी नोंद” म्हणून रुग्णासाठी.

profile-age =
    { $count ->
        [one] { $count } वर्ष
       *[other] { $count } वर्षे
    }
profile-sex =
    { $code ->
        [female] स्त्री
        [male] पुरुष
        [other] इतर
        [unknown] नोंद नाही
       *[unrecognised] {""}
    }
profile-born = जन्म { $date }
profile-record = नोंद क्र. { $mrn }
profile-phone = फोन { $phone }
profile-more-actions = या रुग्णासाठी आणखी पर्याय
profile-refer = दुसऱ्या तज्ज्ञांकडे रेफर करा
profile-record-vitals = व्हायटल्स नोंदवा
profile-add-medication = औषध किंवा प्रिस्क्रिप्शनचा मसुदा जोडा
profile-write-visit = भेटीची नोंद लिहा
profile-upload-file = लॅब किंवा इमेजिंग फाइल अपलोड करा
profile-share = सहकाऱ्याशी शेअर करा
profile-complaints = मुख्य तक्रारी
profile-none-recorded = काहीही नोंदवलेले नाही.
profile-onset = सुरुवात { $onset }
profile-recorded = { $date } रोजी नोंदवले
profile-add-complaint = तक्रार जोडा
profile-complaint = तक्रार
profile-onset-optional = सुरुवात (ऐच्छिक)
profile-onset-hint = उदाहरणार्थ: 3 आठवडे, मार्चपासून
profile-save-complaint = तक्रार जतन करा
profile-vitals = व्हायटल्स
profile-bp-trend = सिस्टोलिक रक्तदाबाचा कल
profile-trend-readings = { $count } रीडिंग
profile-trend-lowest = सर्वात कमी { $value }
profile-trend-highest-mmhg = सर्वात जास्त { $value } mmHg
profile-trend-highest-bpm = सर्वात जास्त { $value } ठोके प्रति मिनिट
profile-trend-oldest-left = सर्वात जुने रीडिंग डावीकडे.
profile-systolic-short = सिस्टोलिक
profile-heart-rate = हृदयाचे ठोके
profile-per-minute = /मिनिट
profile-hr-trend = हृदयाच्या ठोक्यांचा कल
profile-no-vitals = कोणतेही व्हायटल्स नोंदवलेले नाहीत.
profile-vitals-caption = व्हायटल्स, सर्वात नवीन आधी
profile-taken = केव्हा घेतले
profile-bp = बीपी (mmHg)
profile-pulse = नाडी (/मिनिट)
profile-temp = तापमान (°C)
profile-spo2 = SpO₂
profile-weight = वजन (किलो)
profile-systolic = सिस्टोलिक (mmHg)
profile-diastolic = डायस्टोलिक (mmHg)
profile-temperature = तापमान (°C)
profile-spo2-percent = SpO₂ (%)
profile-taken-at = केव्हा घेतले (रिकामे ठेवल्यास आताची वेळ)
profile-save-vitals = व्हायटल्स जतन करा
profile-medications = औषधे
profile-medications-caption = औषधे आणि प्रिस्क्रिप्शनचे मसुदे
profile-medicine = औषध
profile-dose = डोस
profile-frequency = किती वेळा
profile-status = स्थिती
profile-med-status =
    { $code ->
        [current] चालू
        [draft] प्रिस्क्रिप्शनचा मसुदा
        [stopped] बंद
       *[unknown] {""}
    }
profile-note-optional = टीप (ऐच्छिक)
profile-save-medication = औषध जतन करा
profile-allergies = ॲलर्जी
profile-no-allergies = कोणतीही ज्ञात ॲलर्जी नोंदवलेली नाही.
profile-severity-tag =
    { $code ->
        [mild] सौम्य
        [moderate] मध्यम
        [severe] तीव्र
       *[unknown] { $code }
    }
profile-add-allergy = ॲलर्जी जोडा
profile-substance = पदार्थ
profile-severity = तीव्रता
profile-severity-option =
    { $code ->
        [mild] सौम्य
        [moderate] मध्यम
        [severe] तीव्र
       *[unknown] {""}
    }
profile-reaction = प्रतिक्रिया
profile-save-allergy = ॲलर्जी जतन करा
profile-visits = भेटी
profile-no-visits = कोणतीही भेट नोंदवलेली नाही.
profile-visit-date = भेटीची तारीख
profile-reason = कारण
profile-notes = नोंदी
profile-save-visit = भेट जतन करा
profile-files = लॅब आणि इमेजिंग फायली
profile-no-files = फायली नाहीत.
profile-file-kind =
    { $code ->
        [lab] लॅब रिपोर्ट
        [imaging] इमेजिंग
        [other] फाइल
       *[unknown] {""}
    }
profile-kind = प्रकार
profile-title = शीर्षक
profile-title-hint = उदाहरणार्थ: HbA1c, 12 नोव्हेंबर
profile-file = फाइल
profile-file-hint = PDF, PNG, JPEG, DICOM किंवा साधा मजकूर; फाइलचा प्रकार तिच्या मजकुरावरून तपासला जातो.
profile-upload = अपलोड करा
profile-referrals = रेफरल
profile-no-referrals = अजून एकही रेफरल नाही. या रुग्णाला रेफर करण्यासाठी मेनू (⋯) वापरा.
profile-care-team = केअर टीम
profile-leave-care-team = केअर टीममधून बाहेर पडा
profile-remove-from-care-team = केअर टीममधून काढा
profile-share-chart = हा चार्ट सहकाऱ्याशी शेअर करा
profile-add-to-care-team = केअर टीममध्ये जोडा
