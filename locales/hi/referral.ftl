## डेटाबेस में रखे कोड: रेफ़रल की स्थिति, प्राथमिकता, विज़िट की स्थिति।

status-draft = ड्राफ़्ट
status-awaiting_patient = मरीज़ की मंज़ूरी का इंतज़ार
status-declined_by_patient = मरीज़ ने अस्वीकार किया
status-sent = भेजा गया
status-need_info = जानकारी माँगी गई
status-visit_required = विज़िट ज़रूरी
status-accepted = स्वीकार किया गया
status-completed = पूरा हुआ
status-rejected = प्राप्तकर्ता ने अस्वीकार किया
status-cancelled = रद्द किया गया
status-expired = समय सीमा समाप्त (समय पर कोई कार्रवाई नहीं हुई)

priority-routine = सामान्य
priority-urgent = तत्काल
priority-emergency = आपातकालीन

visit-booked = बुक है
visit-attended = उपस्थित रहे
visit-no_show = छूट गई
visit-cancelled = रद्द

## रेफ़रल का पेज: भेजने वाले, पाने वाले और मरीज़ के लिए।

ref-referral = रेफ़रल
ref-kind-specialist = विशेषज्ञ रेफ़रल
ref-kind-admission = भर्ती के लिए रेफ़रल
ref-kind-lab = लैब रेफ़रल
ref-kind-imaging = इमेजिंग रेफ़रल
ref-created = { $date } को बनाया गया
ref-turn-sender = किसकी बारी: रेफ़र करने वाले डॉक्टर
ref-turn-receiver = किसकी बारी: रेफ़रल पाने वाले डॉक्टर
ref-turn-patient = किसकी बारी: मरीज़
ref-turn-nobody = किसकी बारी: किसी की नहीं, यह रेफ़रल बंद हो चुका है
ref-turn = किसकी बारी: { $who }
ref-from = भेजने वाले
ref-to = पाने वाले
ref-priority = प्राथमिकता
ref-see-by = { $date } तक देखना है
ref-reason = कारण
ref-tests = माँगी गई जाँचें
ref-message = संदेश
ref-privacy = गोपनीयता
ref-doctor-only = केवल डॉक्टरों के लिए
ref-book-visit = अपॉइंटमेंट बुक करें
ref-letter = रेफ़रल पत्र (PDF)

## नेटवर्क से बाहर का रेफ़रल, भेजने वाले डॉक्टर के लिए।

ref-outside-heading = नेटवर्क से बाहर
ref-outside-answers-before = { $name },
ref-outside-answers-after = {" "}पर भेजे गए निजी लिंक से, या ई-मेल का जवाब देकर, उत्तर देते हैं।
ref-mail-caption = ई-मेल
ref-mail-queued = कतार में लगा
ref-mail-what = क्या
ref-mail-to = किसे
ref-mail-delivery = डिलीवरी
ref-mail-sent-at = { $time } UTC पर
ref-mail-last-error = आख़िरी त्रुटि: { $error }
ref-links-caption = लिंक
ref-links-created = बनाया गया
ref-links-valid-until = कब तक मान्य
ref-links-state = स्थिति
ref-links-opened = खोला गया
ref-link-uses = { $count } बार
ref-link-last-used = , पिछली बार { $time } UTC
ref-not-delivered = नहीं पहुँचा: { $why }।
ref-letter-not-arrived = { $email } को भेजा गया पत्र नहीं पहुँचा।
ref-address-label = सही ई-मेल पता
ref-address-hint = पत्र नए लिंक के साथ इस पते पर फिर से भेजा जाएगा; पुराना लिंक काम करना बंद कर देगा।
ref-address-submit = पता सुधारें और फिर से भेजें
ref-held-heading = { $from } से आया असत्यापित जवाब
ref-held-received = { $time } UTC को मिला।
ref-held-because = रोका गया, क्योंकि { $reason }।
ref-held-files = फ़ाइलें: { $files }
ref-held-post = टाइमलाइन पर डालें
ref-held-discard = हटा दें
ref-link-withdraw = लिंक वापस लें
ref-link-resend = नए लिंक के साथ पत्र फिर से भेजें

## रेफ़रल पेज का बाकी हिस्सा।

ref-reply-files = { $name } से मिली फ़ाइलें
ref-size-bytes = { $count } बाइट
ref-bring-heading = साथ क्या लाएँ
ref-bring-change = मरीज़ को साथ क्या लाना है, यह बदलें
ref-save = सहेजें
ref-rejected-heading = रेफ़रल पाने वाले डॉक्टर ने अस्वीकार किया
ref-rejected-untold = मरीज़ को नहीं बताया गया है; जब तक आप रेफ़रल किसी और को नहीं भेजते या रद्द नहीं करते, उन्हें “समीक्षा में” दिखता है।
ref-visits = विज़िट
ref-visit-attended = उपस्थित रहे
ref-visit-no-show = नहीं आए
ref-book-again = कोई और समय बुक करें
ref-outcome = परिणाम
ref-advice = सलाह
ref-outcome-with-doctor = आपका रेफ़रल पूरा हो गया है। आपके डॉक्टर परिणाम के बारे में आपसे बात करेंगे।
ref-shared-heading = क्या साझा किया गया है
ref-snapshot-heading = क्लिनिकल सारांश
ref-no-sections = कोई क्लिनिकल जानकारी साझा नहीं की गई है।
ref-section =
    { $code ->
        [complaint] मुख्य शिकायत
        [vitals] वाइटल्स
        [medications] दवाइयाँ और ड्राफ़्ट प्रिस्क्रिप्शन
        [allergies] एलर्जी
        [labs] लैब और इमेजिंग फ़ाइलें
        [visits] हाल की विज़िट
       *[unknown] {""}
    }
ref-consent = सहमति
ref-consent-verbal = मौखिक, रेफ़र करने वाले डॉक्टर द्वारा प्रमाणित
ref-consent-portal = मरीज़ ने पोर्टल पर मंज़ूरी दी
ref-asks-heading = माँगी गई जानकारी
ref-ask-round = (अनुरोध { $round })
ref-ask-answered = जवाब दिया गया
ref-ask-open = बाकी
ref-answer-withheld = यह जवाब अब आपके साथ साझा नहीं है।
ref-reports = रिपोर्ट

## टाइमलाइन।

timeline-heading = टाइमलाइन

## रेफ़रल पर की जा सकने वाली कार्रवाइयाँ।

cmd-heading-outside = आपका जवाब
cmd-heading-patient = आपका निर्णय
cmd-heading = अब आप क्या कर सकते हैं
cmd-verbal-consent = मरीज़ ने चुने गए हिस्सों को { $name } के साथ साझा करने के लिए मौखिक सहमति दी है।
cmd-send-for-approval = मंज़ूरी के लिए मरीज़ को भेजें
cmd-send = रेफ़रल भेजें
cmd-edit-draft = ड्राफ़्ट बदलें
cmd-approve-explain = मंज़ूरी देने पर यह रेफ़रल { $name } को भेजा जाएगा और ऊपर दिखाई गई जानकारी साझा की जाएगी।
cmd-approve = मंज़ूरी दें और साझा करें
cmd-decline-reason = कारण (वैकल्पिक, आपके डॉक्टर को दिखेगा)
cmd-decline = अस्वीकार करें
cmd-note-optional = नोट (वैकल्पिक)
cmd-accept-hint-outside = रेफ़र करने वाले डॉक्टर और मरीज़ को दिखेगा।
cmd-accept = स्वीकार करें
cmd-note-to-patient = मरीज़ के लिए नोट (वैकल्पिक)
cmd-accept-hint = मरीज़ और रेफ़र करने वाले डॉक्टर को दिखेगा।
cmd-accept-next = स्वीकार करें और अगला खोलें
cmd-request-info = जानकारी माँगें
cmd-request-info-label = क्या कमी है (हर पंक्ति में एक बात)
cmd-require-visit = पहले मरीज़ को देखने के लिए कहें
cmd-require-visit-submit = विज़िट के लिए बुलाएँ
cmd-reject-summary = यह रेफ़रल अस्वीकार करें
cmd-reason = कारण
cmd-reject-reason =
    { $code ->
        [duplicate] डुप्लिकेट रेफ़रल
        [incomplete] अधूरी जानकारी
        [out_of_scope] इस प्रैक्टिस के दायरे से बाहर
        [no_capacity] अभी क्षमता नहीं है
        [other] अन्य
       *[unknown] {""}
    }
cmd-reject-note-outside = रेफ़र करने वाले डॉक्टर के लिए नोट
cmd-reject-note = रेफ़र करने वाले के लिए नोट
cmd-reject-untold = रेफ़रल अस्वीकार होने की सूचना मरीज़ को नहीं दी जाती।
cmd-reject = रेफ़रल अस्वीकार करें
cmd-provide-heading = अनुरोध का जवाब दें
cmd-files-for = “{ $ask }” के लिए फ़ाइलें
cmd-attach = जोड़ें
cmd-anything-else = कुछ और (वैकल्पिक)
cmd-provide = जानकारी भेजें
cmd-report-order = रिपोर्ट अपलोड करें (इससे ऑर्डर पूरा हो जाएगा)
cmd-report = कंसल्टेशन नोट या रिपोर्ट (वैकल्पिक)
cmd-outcome-summary = परिणाम का सारांश
cmd-outcome-advice = रेफ़र करने वाले डॉक्टर और मरीज़ के लिए सलाह
cmd-complete-outside = परिणाम भेजें और रेफ़रल बंद करें
cmd-complete = परिणाम के साथ पूरा करें
cmd-redirect = किसी और को भेजें
cmd-cancel-summary = यह रेफ़रल रद्द करें
cmd-cancel-reason = रद्द करने का कारण
cmd-cancel = रेफ़रल रद्द करें

## मरीज़ का चार्ट: डॉक्टरों के लिए, और “मेरा रिकॉर्ड” के रूप में मरीज़ के लिए।

profile-age = { $count } वर्ष
profile-sex =
    { $code ->
        [female] महिला
        [male] पुरुष
        [other] अन्य
        [unknown] दर्ज नहीं
       *[unrecognised] {""}
    }
profile-born = जन्म { $date }
profile-record = रिकॉर्ड { $mrn }
profile-phone = फ़ोन { $phone }
profile-more-actions = इस मरीज़ के लिए और विकल्प
profile-refer = किसी दूसरे विशेषज्ञ को रेफ़र करें
profile-record-vitals = वाइटल्स दर्ज करें
profile-add-medication = दवा या ड्राफ़्ट प्रिस्क्रिप्शन जोड़ें
profile-write-visit = विज़िट नोट लिखें
profile-upload-file = लैब या इमेजिंग फ़ाइल अपलोड करें
profile-share = किसी सहकर्मी के साथ साझा करें
profile-complaints = मुख्य शिकायतें
profile-none-recorded = कुछ दर्ज नहीं है।
profile-onset = शुरुआत { $onset }
profile-recorded = { $date } को दर्ज
profile-add-complaint = शिकायत जोड़ें
profile-complaint = शिकायत
profile-onset-optional = शुरुआत (वैकल्पिक)
profile-onset-hint = उदाहरण: 3 हफ़्ते, मार्च से
profile-save-complaint = शिकायत सहेजें
profile-vitals = वाइटल्स
profile-bp-trend = सिस्टोलिक ब्लड प्रेशर का रुझान
profile-trend-readings = { $count } रीडिंग
profile-trend-lowest = सबसे कम { $value }
profile-trend-highest-mmhg = सबसे ज़्यादा { $value } mmHg
profile-trend-highest-bpm = सबसे ज़्यादा { $value } धड़कन प्रति मिनट
profile-trend-oldest-left = सबसे पुरानी रीडिंग बाईं ओर।
profile-systolic-short = सिस्टोलिक
profile-heart-rate = हृदय गति
profile-per-minute = /मिनट
profile-hr-trend = हृदय गति का रुझान
profile-no-vitals = कोई वाइटल्स दर्ज नहीं हैं।
profile-vitals-caption = वाइटल्स, सबसे नए पहले
profile-taken = कब लिया गया
profile-bp = बीपी (mmHg)
profile-pulse = नाड़ी (/मिनट)
profile-temp = तापमान (°C)
profile-spo2 = SpO₂
profile-weight = वज़न (किलो)
profile-systolic = सिस्टोलिक (mmHg)
profile-diastolic = डायस्टोलिक (mmHg)
profile-temperature = तापमान (°C)
profile-spo2-percent = SpO₂ (%)
profile-taken-at = कब लिया गया (खाली छोड़ें तो अभी का समय)
profile-save-vitals = वाइटल्स सहेजें
profile-medications = दवाइयाँ
profile-medications-caption = दवाइयाँ और ड्राफ़्ट प्रिस्क्रिप्शन
profile-medicine = दवा
profile-dose = खुराक
profile-frequency = कितनी बार
profile-status = स्थिति
profile-med-status =
    { $code ->
        [current] चालू
        [draft] ड्राफ़्ट प्रिस्क्रिप्शन
        [stopped] बंद
       *[unknown] {""}
    }
profile-note-optional = नोट (वैकल्पिक)
profile-save-medication = दवा सहेजें
profile-allergies = एलर्जी
profile-no-allergies = कोई ज्ञात एलर्जी दर्ज नहीं है।
profile-severity-tag =
    { $code ->
        [mild] हल्की
        [moderate] मध्यम
        [severe] गंभीर
       *[unknown] { $code }
    }
profile-add-allergy = एलर्जी जोड़ें
profile-substance = पदार्थ
profile-severity = गंभीरता
profile-severity-option =
    { $code ->
        [mild] हल्की
        [moderate] मध्यम
        [severe] गंभीर
       *[unknown] {""}
    }
profile-reaction = प्रतिक्रिया
profile-save-allergy = एलर्जी सहेजें
profile-visits = विज़िट
profile-no-visits = कोई विज़िट दर्ज नहीं है।
profile-visit-date = विज़िट की तारीख़
profile-reason = कारण
profile-notes = नोट्स
profile-save-visit = विज़िट सहेजें
profile-files = लैब और इमेजिंग फ़ाइलें
profile-no-files = कोई फ़ाइल नहीं।
profile-file-kind =
    { $code ->
        [lab] लैब रिपोर्ट
        [imaging] इमेजिंग
        [other] फ़ाइल
       *[unknown] {""}
    }
profile-kind = प्रकार
profile-title = शीर्षक
profile-title-hint = उदाहरण: HbA1c, 12 नवंबर
profile-file = फ़ाइल
profile-file-hint = PDF, PNG, JPEG, DICOM या सादा टेक्स्ट; फ़ाइल का प्रकार उसकी सामग्री से जाँचा जाता है।
profile-upload = अपलोड करें
profile-referrals = रेफ़रल
profile-no-referrals = अभी कोई रेफ़रल नहीं है। इस मरीज़ को रेफ़र करने के लिए मेनू (⋯) का उपयोग करें।
profile-care-team = केयर टीम
profile-leave-care-team = केयर टीम छोड़ें
profile-remove-from-care-team = केयर टीम से हटाएँ
profile-share-chart = यह चार्ट किसी सहकर्मी के साथ साझा करें
profile-add-to-care-team = केयर टीम में जोड़ें
