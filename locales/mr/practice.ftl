## डॉक्टरांची कामाची पाने: इनबॉक्स, पाठवलेले रेफरल, रेफरल लिहिणे, तज्ज्ञ शोध, रुग्ण,
## विश्लेषण, दवाखान्याचे प्रशासन आणि ऑडिट नोंदवही, प्रॅक्टिसच्या वेळा आणि आठवडा, आणि
## नेटवर्कबाहेरील डॉक्टरचे लिंक पान.

## इनबॉक्स

inbox-title = इनबॉक्स
inbox-lead = तुम्हाला पाठवलेले रेफरल, सर्वात जास्त वेळ वाट पाहणारे आधी.
inbox-by-status = स्थितीनुसार रेफरल
inbox-status = स्थिती
inbox-any = कोणतीही
inbox-priority = प्राधान्य
inbox-turn = कोणाची पाळी
inbox-anyone = कोणीही
inbox-turn-mine = माझी
inbox-turn-sender = रेफर करणाऱ्यांची
inbox-turn-patient = रुग्णाची
inbox-from = पाठवणारे
inbox-received-from = या तारखेपासून मिळालेले
inbox-received-until = या तारखेपर्यंत मिळालेले
inbox-sort = क्रम
inbox-sort-oldest = सर्वात जास्त वेळ वाट पाहणारे आधी
inbox-sort-urgent = सर्वात तातडीचे आधी
inbox-filter = फिल्टर करा
inbox-clear = साफ करा
inbox-empty = येथे काहीही नाही.
inbox-caption = आलेले रेफरल
inbox-col-patient = रुग्ण
inbox-col-waiting-since = कधीपासून प्रतीक्षेत
inbox-pages = इनबॉक्सची पाने
inbox-next-page = पुढील पान

## पाठवलेले रेफरल

sent-title = पाठवलेले रेफरल
sent-open-loops = अपूर्ण रेफरल
sent-open-loops-hint = तुम्ही पाठवलेले जे रेफरल पूर्ण झालेले नाहीत, रद्द झालेले नाहीत किंवा रुग्णाने नाकारलेले नाहीत, पाठवल्यापासून गेलेल्या वेळेनुसार.
sent-open-by-age = गेलेल्या वेळेनुसार अपूर्ण रेफरल
sent-sent-on = { $date } रोजी पाठवले
sent-by-status = स्थितीनुसार रेफरल
sent-all = सर्व
sent-empty = कोणतेही रेफरल नाहीत.
sent-caption = तुम्ही पाठवलेले रेफरल
sent-col-patient = रुग्ण
sent-col-to = कोणाला
sent-col-status = स्थिती
sent-col-last-change = शेवटचा बदल

## रेफरल लिहिणे

compose-breadcrumb = तुम्ही येथे आहात
compose-find-specialist = तज्ज्ञ शोधा
compose-crumb-referral = रेफरल
compose-title = { $name } यांना रेफर करा
compose-to = कोणाला
compose-admission = रुग्णालयात दाखल: पॅकेटमध्ये व्हायटल्स, सध्याची प्रिस्क्रिप्शन्स, ॲलर्जी आणि अलीकडील भेटी असणे आवश्यक आहे. हे आपोआप तातडीचे मानले जाते.
compose-not-accepting = { $name } सध्या रेफरल स्वीकारत नाहीत. तुम्ही तरीही पाठवू शकता; उशीर होऊ शकतो किंवा रेफरल दुसऱ्याकडे पाठवले जाऊ शकते.
compose-choose-else = दुसरे कोणी निवडा
compose-outside-address = नेटवर्कबाहेर: पाठवल्यावर { $address } यांना रेफरल पत्र PDF स्वरूपात आणि वैयक्तिक लिंक ई-मेलने मिळेल.
compose-outside-hint = नेटवर्कबाहेरील डॉक्टरांना रेफरल पत्र PDF स्वरूपात आणि वैयक्तिक लिंक ई-मेलने मिळते. ते खाते न उघडता वेबवर, किंवा ई-मेलला उत्तर देऊन प्रतिसाद देतात.
compose-ext-name = डॉक्टरांचे नाव
compose-ext-email = ई-मेल पत्ता
compose-ext-specialty = विशेषता
compose-ext-practice = दवाखाना किंवा रुग्णालय
compose-directory-instead = त्याऐवजी निर्देशिकेत कोणाला तरी शोधा
compose-refer-outside = नेटवर्कबाहेरील डॉक्टरांना रेफर करा
compose-why = का, आणि किती लवकर
compose-priority = प्राधान्य
compose-see-by = कधीपर्यंत तपासावे (ऐच्छिक)
compose-reason = रेफरलचे कारण
compose-tests = मागवलेल्या तपासण्या (प्रत्येक ओळीत एक)
compose-message = स्वीकारणाऱ्यांसाठी संदेश (ऐच्छिक)
compose-snapshot = क्लिनिकल सारांश
compose-snapshot-hint = रुग्णाच्या चार्टमधून आधीच भरलेले. काय शेअर करायचे ते टिक करा आणि गरजेनुसार मजकूर बदला; फक्त टिक केलेले भागच दवाखान्याबाहेर जातात, आणि तेही फक्त रुग्णाच्या संमतीने.
compose-section-text = { $section } चा तपशील
compose-no-files = चार्टमध्ये लॅब किंवा इमेजिंगची कोणतीही फाइल नाही.
compose-doctor-only = फक्त डॉक्टरांसाठी: रुग्णाला दिसेल की त्यांना रेफर केले आहे, कोणाकडे आणि त्याची स्थिती, पण क्लिनिकल सारांश कधीच नाही
compose-consent = संमती
compose-approval = हा दवाखाना रेफरलसाठी रुग्णांची मंजुरी घेतो. पाठवल्यावर { $name } यांना दिसेल की रेफरल कोणाला आणि का जात आहे आणि नेमके काय शेअर केले जाईल, आणि ते रुग्ण पोर्टलमध्ये मंजुरी देतील किंवा नाकारतील. त्यांची मंजुरी हीच संमती आहे.
compose-verbal-consent = मी खात्री करतो/करते की { $name } यांनी टिक केलेले भाग स्वीकारणाऱ्यांशी शेअर करण्यास तोंडी संमती दिली आहे.
compose-send-for-approval = मंजुरीसाठी रुग्णाला पाठवा
compose-send = रेफरल पाठवा
compose-save-draft = ड्राफ्ट म्हणून जतन करा

## तज्ज्ञ शोधणे

search-breadcrumb = तुम्ही येथे आहात
search-crumb = दुसऱ्या तज्ज्ञांना रेफर करा
search-title = { $name } यांच्यासाठी तज्ज्ञ शोधा
search-redirecting = नाकारलेले रेफरल पुन्हा पाठवत आहात: दुसरे कोणी निवडा; ड्राफ्ट त्यातूनच आधी भरलेला असेल.
search-name-or-specialty = नाव किंवा विशेषता
search-placeholder = उदा. cardio, Siddiqui
search-hint = नावाचा काही भागही चालतो, आणि एखादे अक्षर चुकले तरीही.
search-city = शहर
search-any-city = कोणतेही शहर
search-language = भाषा
search-any-language = कोणतीही भाषा
search-submit = शोधा
search-found =
    { $count ->
        [0] एकही डॉक्टर किंवा सेवा सापडली नाही
        [one] { $count } निकाल
       *[other] { $count } निकाल
    }
search-none = काहीही जुळले नाही. कमी शब्द वापरा, किंवा एखादा फिल्टर काढा.
search-not-listed = निर्देशिकेत नाहीत?
search-refer-outside = नेटवर्कबाहेरील डॉक्टरांना रेफर करा
search-refer-outside-after = : त्यांना PDF पत्र आणि वैयक्तिक लिंक ई-मेलने मिळते.
search-speaks = भाषा: { $languages }
search-accepting = रेफरल स्वीकारत आहेत
search-not-accepting = रेफरल स्वीकारत नाहीत
search-refer-to = { $name } यांना रेफर करा
search-result-pages = निकालांची पाने
search-previous = मागील
search-page = पान { $page }
search-page-of = (एकूण { $pages } पैकी)
search-next = पुढील

## रुग्ण

patients-title = तुमचे रुग्ण
patients-register = रुग्णाची नोंदणी करा
patients-search-label = नाव किंवा जन्मतारखेने शोधा
patients-search-placeholder = उदा. Sharma किंवा 1980-04-23
patients-search = शोधा
patients-count = { $count } रुग्ण
patients-matching = — “{ $query }” शी जुळणारे
patients-none = एकही रुग्ण सापडला नाही.
patients-none-hint = नावाचा काही भाग, किंवा 1980-04-23 सारखी जन्मतारीख वापरून पाहा.
patients-caption = रुग्ण, पान { $page }
patients-col-name = नाव
patients-col-dob = जन्मतारीख
patients-col-record = नोंद क्र.
patients-col-phone = फोन
patients-pages = पाने
patients-previous = मागील
patients-page = पान { $page }
patients-page-of = (एकूण { $pages } पैकी)
patients-next = पुढील
patients-new-title = रुग्णाची नोंदणी करा
patients-new-lead = तुम्ही रुग्णाच्या केअर टीममध्ये असाल. “ऐच्छिक” लिहिलेली क्षेत्रे रिकामी ठेवता येतात.
patients-given-name = नाव
patients-family-name = आडनाव
patients-date-of-birth = जन्मतारीख
patients-sex = लिंग
patients-record-number = नोंद क्रमांक
patients-record-number-hint = या रुग्णासाठी दवाखान्याचा स्वतःचा क्रमांक.
patients-phone = फोन (ऐच्छिक)
patients-portal = रुग्ण पोर्टल (ऐच्छिक)
patients-portal-hint = ई-मेल आणि तात्पुरत्या पासवर्डने रुग्ण साइन इन करून आपली नोंद पाहू शकतो.
patients-email = ई-मेल (ऐच्छिक)
patients-portal-password = पोर्टलचा तात्पुरता पासवर्ड (ऐच्छिक)
patients-portal-password-hint = किमान 10 अक्षरे; रुग्णाला तो प्रत्यक्ष भेटून सांगा.
patients-register-submit = रुग्णाची नोंदणी करा
patients-cancel = रद्द करा

## विश्लेषण

analytics-title = रेफरल विश्लेषण
analytics-scope-clinic = { $who } च्या डॉक्टरांनी पाठवलेले प्रत्येक रेफरल
analytics-scope-own = तुम्ही पाठवलेले आणि तुम्हाला मिळालेले रेफरल
analytics-period-from = , सोमवारपासून सुरू होणारे आठवडे, { $from }
analytics-period-to = ते { $to } (UTC). दर आणि वेळा या कालावधीत पाठवलेल्या रेफरलच्या आहेत.
analytics-from = पासून
analytics-to = पर्यंत
analytics-period-hint = पूर्ण आठवडे, सोमवार ते रविवार (UTC), जास्तीत जास्त दोन वर्षे.
analytics-show = दाखवा
analytics-last-12-weeks = मागील 12 आठवडे
analytics-summary = सारांश
analytics-sent = पाठवलेले
analytics-received = मिळालेले
analytics-accepted = स्वीकारलेले
analytics-completed = पूर्ण
analytics-conversion-long = कन्व्हर्जन (स्वीकारलेले किंवा पूर्ण ÷ पाठवलेले)
analytics-conversion = कन्व्हर्जन
analytics-tta-median = स्वीकारायला लागलेला वेळ, मीडियन
analytics-tta-p90 = स्वीकारायला लागलेला वेळ, 90 वा पर्सेंटाइल
analytics-ttc-median = पूर्ण व्हायला लागलेला वेळ, मीडियन
analytics-ttc-p90 = पूर्ण व्हायला लागलेला वेळ, 90 वा पर्सेंटाइल
analytics-p90 = 90 वा पर्सेंटाइल
analytics-times-hint = स्वीकारण्याचा वेळ रेफरल स्वीकारणाऱ्यांकडे सोपवल्यापासून मोजला जातो; पूर्ण होण्याचा वेळ पाठवल्यापासून. दोन दिवसांपर्यंत वेळ तासांत, नंतर दोन आठवड्यांपर्यंत दिवसांत, त्यानंतर आठवड्यांत दाखवला जातो.
analytics-export = CSV डाउनलोड करा
analytics-weekly = दर आठवड्याचे रेफरल
analytics-chart-max = कमाल { $max }
analytics-weekly-caption = दर आठवड्याचे रेफरल (सोमवारपासून सुरू होणारा आठवडा)
analytics-week-starting = आठवड्याची सुरुवात
analytics-reasons = नाकारण्याची कारणे
analytics-reasons-caption = स्वीकारणाऱ्यांनी नाकारलेले रेफरल, कारणानुसार
analytics-reason = कारण
analytics-declined = नाकारलेले
analytics-open-loops = गेलेल्या वेळेनुसार अपूर्ण रेफरल
analytics-open-loops-hint = पाठवलेले पण अजून पूर्ण न झालेले, रद्द न झालेले किंवा रुग्णाने न नाकारलेले, पाठवल्यापासून गेलेल्या वेळेनुसार, आत्तापर्यंत.
analytics-age = गेलेला वेळ
analytics-open-loops-col = अपूर्ण रेफरल
analytics-top-specialists = सर्वाधिक रेफर केलेले तज्ज्ञ
analytics-none-sent = या कालावधीत एकही रेफरल पाठवले नाही.
analytics-top-specialists-caption = या कालावधीत सर्वाधिक रेफर केलेले { $count } डॉक्टर
analytics-specialist = तज्ज्ञ
analytics-outside-network = (नेटवर्कबाहेर)
analytics-top-clinics = सर्वाधिक रेफर केलेले दवाखाने
analytics-top-clinics-caption = या कालावधीत सर्वाधिक रेफर केलेल्या { $count } संस्था
analytics-clinic = दवाखाना

## दवाखान्याचे प्रशासन

admin-settings = रेफरल सेटिंग्ज
admin-requires-approval = रेफरल पाठवण्यापूर्वी रुग्णांची मंजुरी आवश्यक आहे
admin-booking-prompts = रुग्णांना “भेट बुक करा” सूचना दाखवा
admin-second-factor-required = डॉक्टर आणि प्रशासकांनी दुसरी पडताळणी पायरी (ऑथेंटिकेटर ॲप) वापरणे आवश्यक आहे; प्रत्येकजण पुढच्या साइन-इनच्या वेळी ती सेट करेल
admin-save-settings = सेटिंग्ज जतन करा
admin-failed-sign-ins = अयशस्वी साइन-इन
admin-wrong-codes = दुसऱ्या पायरीचे चुकीचे कोड
admin-practitioners = डॉक्टर
admin-add-practitioner = डॉक्टर जोडा
admin-practitioners-caption = { $clinic } चे डॉक्टर
admin-col-name = नाव
admin-col-specialty = विशेषता
admin-col-languages = भाषा
admin-col-referrals = रेफरल
admin-col-account = खाते
admin-col-sent = पाठवल्याची तारीख
admin-col-status = स्थिती
admin-col-action = कृती
admin-accepting = स्वीकारत आहेत
admin-not-accepting = स्वीकारत नाहीत
admin-active = सक्रिय
admin-deactivated = निष्क्रिय
admin-invitations = नेटवर्कबाहेरील डॉक्टरांना पाठवलेली निमंत्रणे
admin-invitations-hint = प्रत्येक डॉक्टर ई-मेलने आलेली लिंक उघडून आणि पासवर्ड निवडून सामील होतात.
admin-invitations-caption = खुली निमंत्रणे
admin-invitation-ran-out = { $date } रोजी संपले
admin-invitation-open-until = { $date } पर्यंत खुले
admin-withdraw = मागे घ्या
admin-withdraw-invitation-to = ({ $name } यांना पाठवलेले निमंत्रण)
admin-full-name = पूर्ण नाव
admin-full-name-hint = रुग्णांना जसे दिसावे तसे, उपाधीशिवाय (डॉ. इ.).
admin-title-field = उपाधी
admin-email = ई-मेल (साइन इनसाठी)
admin-specialty = विशेषता
admin-city = शहर
admin-languages = भाषा
admin-languages-hint = स्वल्पविरामाने (,) वेगळे करा.
admin-accepting-referrals = रेफरल स्वीकारत आहेत
admin-account-active = खाते सक्रिय (टिक काढल्यास ते सगळीकडून साइन आउट होतील)
admin-initial-password = सुरुवातीचा पासवर्ड
admin-initial-password-hint = या पत्त्यावर आधीपासून रेफरल मिळणाऱ्या नेटवर्कबाहेरील डॉक्टरांना त्याऐवजी ई-मेलने निमंत्रण जाते, आणि ते स्वतःचा पासवर्ड निवडतात.
admin-password = पासवर्ड
admin-password-hint = किमान 10 अक्षरे.
admin-password-again = पासवर्ड पुन्हा
admin-save = जतन करा
admin-cancel = रद्द करा
admin-second-factor = दुसरी पडताळणी पायरी
admin-second-factor-hint = जर त्यांचा ऑथेंटिकेटर ॲप असलेला फोन हरवला असेल, तर त्यांची दुसरी पडताळणी पायरी काढून टाका: ते साइन आउट होतील आणि पुढच्या साइन-इनच्या वेळी नवीन सेट करतील.
admin-reset-second-factor = दुसरी पडताळणी पायरी रीसेट करा

## ऑडिट नोंदवही

admin-audit-lead = या दवाखान्याच्या कर्मचाऱ्यांशी आणि रुग्णांशी संबंधित प्रत्येक कृती: पाहणे, बदल, एक्सपोर्ट, साइन-इन आणि संमतीतील बदल. नोंदी हॅश-चेनने जोडलेल्या आहेत;
admin-audit-lead-after = त्यात बदल झालेला नाही हे सिद्ध करते.
admin-audit-title = ऑडिट नोंदवही
admin-audit-actor = वापरकर्ता (ई-मेल किंवा ID)
admin-audit-patient-id = रुग्ण ID
admin-audit-action = कृती
admin-audit-any = कोणतीही
admin-audit-from = पासून
admin-audit-until = पर्यंत
admin-audit-filter = फिल्टर करा
admin-audit-clear = साफ करा
admin-audit-export = CSV डाउनलोड करा
admin-audit-empty = एकही नोंद नाही.
admin-audit-caption = ऑडिट नोंदी, सर्वात नवीन आधी
admin-audit-col-when = केव्हा (UTC)
admin-audit-col-who = कोणी
admin-audit-col-subject = विषय
admin-audit-col-patient = रुग्ण
admin-audit-col-from = कुठून
admin-audit-pages = ऑडिटची पाने
admin-audit-older = जुन्या नोंदी
admin-audit-checkpoint-title = स्वाक्षरी केलेले चेकपॉइंट
admin-audit-checkpoint-lead = सर्व्हर वेळोवेळी नोंदवहीच्या सर्वात नवीन नोंदीवर डेटाबेसबाहेर ठेवलेल्या किल्लीने स्वाक्षरी करतो आणि ती स्वाक्षरी वेगळी ठेवतो. नंतर बदललेला इतिहास, सर्व हॅश पुन्हा मोजले तरी, चेकपॉइंटशी जुळत नाही.
admin-audit-checkpoint-latest = सर्वात नवीन चेकपॉइंट:
admin-audit-checkpoint-key = स्वाक्षरी करणारी किल्ली
admin-audit-checkpoint-other-key = (या सर्व्हरची किल्ली नाही)
admin-audit-checkpoint-none = अद्याप एकही चेकपॉइंट घेतलेला नाही.
admin-audit-checkpoint-now = आता चेकपॉइंटवर स्वाक्षरी करा

## प्रॅक्टिसच्या वेळा

practice-title = माझी प्रॅक्टिस
practice-lead = शेड्युलिंग पोर्टलमधील तुमच्या वेळा. रुग्ण तुमच्या प्रोफाइलवरून पुढील चार आठवड्यांतील रिकामे स्लॉट बुक करतात; रेफर केलेल्या रुग्णांना “भेट बुक करा” बटण मिळते.
practice-location = ठिकाण
practice-location-hint = रुग्ण जिथे येतात, उदा. खोली 4, हार्बर हेल्थ सेंटर
practice-visit-minutes = भेटीचा कालावधी (मिनिटे)
practice-weekly-hours = साप्ताहिक वेळा
practice-hours-hint = उदा. 09:00-13:00; अनेक वेळा स्वल्पविरामाने वेगळ्या करा; रिकामे म्हणजे बंद.
practice-monday = सोमवार
practice-tuesday = मंगळवार
practice-wednesday = बुधवार
practice-thursday = गुरुवार
practice-friday = शुक्रवार
practice-saturday = शनिवार
practice-sunday = रविवार
practice-days-off = सुट्टीचे दिवस (प्रत्येक ओळीत एक तारीख, उदा. 2026-12-25)
practice-save = प्रॅक्टिस जतन करा

## आठवडा

week-title = { $date } पासून सुरू होणारा आठवडा
week-weeks = आठवडे
week-previous = मागील आठवडा
week-my-practice = माझी प्रॅक्टिस
week-next = पुढील आठवडा
week-no-appointments = एकही भेट नाही.
week-referral = रेफरल

## नेटवर्कबाहेरील डॉक्टरची वैयक्तिक लिंक

outside-link-valid = Handoff द्वारे तुम्हाला पाठवलेले रेफरल · ही वैयक्तिक लिंक { $until } UTC पर्यंत वैध आहे
outside-referred-by = , रेफर करणारे: { $sender }
outside-from = पाठवणारे
outside-to = कोणाला
outside-patient = रुग्ण
outside-born = , जन्म { $date }
outside-record = , नोंद { $record }
outside-priority = प्राधान्य
outside-see-by = { $date } पर्यंत तपासावे
outside-reason = कारण
outside-message = संदेश
outside-download-letter = रेफरल पत्र डाउनलोड करा (PDF)
outside-your-outcome = तुमचा निष्कर्ष
outside-advice = सल्ला
outside-snapshot = क्लिनिकल सारांश
outside-no-sections = कोणताही क्लिनिकल भाग शेअर केलेला नाही.
outside-reply-title = रेफर करणाऱ्या डॉक्टरांना लिहा
outside-reply-files = फाइल्स (ऐच्छिक): PDF, प्रतिमा, DICOM किंवा मजकूर
outside-send = पाठवा
outside-asks = तुम्ही मागितलेली माहिती
outside-answered = उत्तर मिळाले
outside-open = उत्तर बाकी
outside-files = फाइल्स
outside-bytes = { $size } बाइट
sent-pages = पाठवलेल्या रेफरलची पाने
sent-next-page = जुने रेफरल
