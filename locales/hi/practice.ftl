## चिकित्सक के कामकाजी पेज: इनबॉक्स, भेजे गए रेफ़रल, रेफ़रल लिखना, विशेषज्ञ खोज,
## मरीज़, विश्लेषण, क्लिनिक प्रशासन और ऑडिट लॉग, प्रैक्टिस का समय और सप्ताह, और
## नेटवर्क से बाहर के डॉक्टर का लिंक पेज।

## इनबॉक्स

inbox-title = इनबॉक्स
inbox-lead = आपको भेजे गए रेफ़रल, सबसे लंबे समय से प्रतीक्षारत पहले।
inbox-by-status = स्थिति के अनुसार रेफ़रल
inbox-status = स्थिति
inbox-any = कोई भी
inbox-priority = प्राथमिकता
inbox-turn = किसकी बारी
inbox-anyone = कोई भी
inbox-turn-mine = मेरी
inbox-turn-sender = रेफ़र करने वाले की
inbox-turn-patient = मरीज़ की
inbox-from = भेजने वाले
inbox-received-from = इस तारीख से प्राप्त
inbox-received-until = इस तारीख तक प्राप्त
inbox-sort = क्रम
inbox-sort-oldest = सबसे लंबे समय से प्रतीक्षारत पहले
inbox-sort-urgent = सबसे अत्यावश्यक पहले
inbox-filter = फ़िल्टर करें
inbox-clear = साफ़ करें
inbox-empty = यहाँ कुछ नहीं है।
inbox-caption = आने वाले रेफ़रल
inbox-col-patient = मरीज़
inbox-col-waiting-since = कब से प्रतीक्षा में
inbox-pages = इनबॉक्स के पेज
inbox-next-page = अगला पेज

## भेजे गए रेफ़रल

sent-title = भेजे गए रेफ़रल
sent-open-loops = अधूरे रेफ़रल
sent-open-loops-hint = आपके भेजे गए वे रेफ़रल जो न पूरे हुए, न रद्द हुए और न मरीज़ ने अस्वीकार किए, भेजे जाने के बाद बीते समय के अनुसार।
sent-open-by-age = बीते समय के अनुसार अधूरे रेफ़रल
sent-sent-on = { $date } को भेजा गया
sent-by-status = स्थिति के अनुसार रेफ़रल
sent-all = सभी
sent-empty = कोई रेफ़रल नहीं।
sent-caption = आपके भेजे गए रेफ़रल
sent-col-patient = मरीज़
sent-col-to = किसे
sent-col-status = स्थिति
sent-col-last-change = अंतिम बदलाव

## रेफ़रल लिखना

compose-breadcrumb = आप यहाँ हैं
compose-find-specialist = विशेषज्ञ खोजें
compose-crumb-referral = रेफ़रल
compose-title = { $name } को रेफ़र करें
compose-to = किसे
compose-admission = अस्पताल में भर्ती: पैकेट में वाइटल्स, वर्तमान प्रिस्क्रिप्शन, एलर्जी और हाल की विज़िट का विवरण होना ज़रूरी है। यह अपने-आप अत्यावश्यक माना जाता है।
compose-not-accepting = { $name } अभी रेफ़रल स्वीकार नहीं कर रहे हैं। आप फिर भी भेज सकते हैं; देरी हो सकती है या रेफ़रल किसी और को भेजा जा सकता है।
compose-choose-else = किसी और को चुनें
compose-outside-address = नेटवर्क से बाहर: भेजने पर { $address } को रेफ़रल पत्र PDF के रूप में और एक व्यक्तिगत लिंक ई-मेल से मिलेगा।
compose-outside-hint = नेटवर्क से बाहर के डॉक्टर को रेफ़रल पत्र PDF के रूप में और एक व्यक्तिगत लिंक ई-मेल से मिलता है। वे बिना अकाउंट के वेब पर, या ई-मेल का जवाब देकर उत्तर देते हैं।
compose-ext-name = डॉक्टर का नाम
compose-ext-email = ई-मेल पता
compose-ext-specialty = विशेषज्ञता
compose-ext-practice = क्लिनिक या अस्पताल
compose-directory-instead = इसके बजाय डायरेक्टरी में किसी को खोजें
compose-refer-outside = नेटवर्क से बाहर के डॉक्टर को रेफ़र करें
compose-why = क्यों, और कितनी जल्दी
compose-priority = प्राथमिकता
compose-see-by = कब तक देखना है (वैकल्पिक)
compose-reason = रेफ़रल का कारण
compose-tests = माँगी गई जाँचें (हर पंक्ति में एक)
compose-message = प्राप्तकर्ता के लिए संदेश (वैकल्पिक)
compose-snapshot = क्लिनिकल सारांश
compose-snapshot-hint = मरीज़ के चार्ट से पहले से भरा गया। जो साझा करना है उस पर टिक करें और ज़रूरत हो तो पाठ बदलें; केवल टिक किए गए हिस्से ही क्लिनिक से बाहर जाते हैं, और वह भी केवल मरीज़ की सहमति से।
compose-section-text = { $section } का विवरण
compose-no-files = चार्ट में लैब या इमेजिंग की कोई फ़ाइल नहीं है।
compose-doctor-only = केवल डॉक्टर के लिए: मरीज़ को दिखेगा कि उन्हें रेफ़र किया गया है, किसके पास और उसकी स्थिति, पर क्लिनिकल सारांश कभी नहीं
compose-consent = सहमति
compose-approval = यह क्लिनिक रेफ़रल से पहले मरीज़ों की मंज़ूरी लेता है। भेजने पर { $name } देख सकेंगे कि रेफ़रल किसे और क्यों भेजा जा रहा है और ठीक-ठीक क्या साझा किया जाएगा, और मरीज़ पोर्टल में मंज़ूरी देंगे या मना करेंगे। उनकी मंज़ूरी ही सहमति है।
compose-verbal-consent = मैं पुष्टि करता/करती हूँ कि { $name } ने टिक किए गए हिस्से प्राप्तकर्ता के साथ साझा करने के लिए मौखिक सहमति दी है।
compose-send-for-approval = मंज़ूरी के लिए मरीज़ को भेजें
compose-send = रेफ़रल भेजें
compose-save-draft = ड्राफ़्ट के रूप में सहेजें

## विशेषज्ञ खोजना

search-breadcrumb = आप यहाँ हैं
search-crumb = किसी अन्य विशेषज्ञ को रेफ़र करें
search-title = { $name } के लिए विशेषज्ञ खोजें
search-redirecting = अस्वीकार किया गया रेफ़रल दोबारा भेजा जा रहा है: किसी और को चुनें; ड्राफ़्ट उसी से पहले से भरा होगा।
search-name-or-specialty = नाम या विशेषज्ञता
search-placeholder = जैसे cardio, Siddiqui
search-hint = नाम का कुछ हिस्सा भी चलेगा, और एक अक्षर गलत हो तब भी।
search-city = शहर
search-any-city = कोई भी शहर
search-language = भाषा
search-any-language = कोई भी भाषा
search-submit = खोजें
search-found =
    { $count ->
        [0] कोई चिकित्सक या सेवा नहीं मिली
        [one] { $count } परिणाम
       *[other] { $count } परिणाम
    }
search-none = कोई मेल नहीं मिला। कम शब्दों से खोजें, या कोई फ़िल्टर हटाएँ।
search-not-listed = डायरेक्टरी में नहीं हैं?
search-refer-outside = नेटवर्क से बाहर के डॉक्टर को रेफ़र करें
search-refer-outside-after = : उन्हें PDF पत्र और एक व्यक्तिगत लिंक ई-मेल से मिलता है।
search-speaks = भाषाएँ: { $languages }
search-accepting = रेफ़रल स्वीकार कर रहे हैं
search-not-accepting = रेफ़रल स्वीकार नहीं कर रहे
search-refer-to = { $name } को रेफ़र करें
search-result-pages = परिणामों के पेज
search-previous = पिछला
search-page = पेज { $page }
search-page-of = (कुल { $pages } में से)
search-next = अगला

## मरीज़

patients-title = आपके मरीज़
patients-register = मरीज़ का पंजीकरण करें
patients-search-label = नाम या जन्म तिथि से खोजें
patients-search-placeholder = जैसे Sharma या 1980-04-23
patients-search = खोजें
patients-count = { $count } मरीज़
patients-matching = — “{ $query }” से मेल खाते
patients-none = कोई मरीज़ नहीं मिला।
patients-none-hint = नाम का कुछ हिस्सा, या 1980-04-23 जैसी जन्म तिथि डालकर देखें।
patients-caption = मरीज़, पेज { $page }
patients-col-name = नाम
patients-col-dob = जन्म तिथि
patients-col-record = रिकॉर्ड नं.
patients-col-phone = फ़ोन
patients-pages = पेज
patients-previous = पिछला
patients-page = पेज { $page }
patients-page-of = (कुल { $pages } में से)
patients-next = अगला
patients-new-title = मरीज़ का पंजीकरण करें
patients-new-lead = आप मरीज़ की केयर टीम में रहेंगे। “वैकल्पिक” लिखे फ़ील्ड खाली छोड़े जा सकते हैं।
patients-given-name = पहला नाम
patients-family-name = उपनाम
patients-date-of-birth = जन्म तिथि
patients-sex = लिंग
patients-record-number = रिकॉर्ड नंबर
patients-record-number-hint = इस मरीज़ के लिए क्लिनिक का अपना नंबर।
patients-phone = फ़ोन (वैकल्पिक)
patients-portal = मरीज़ पोर्टल (वैकल्पिक)
patients-portal-hint = ई-मेल और अस्थायी पासवर्ड से मरीज़ साइन इन करके अपना रिकॉर्ड देख सकता है।
patients-email = ई-मेल (वैकल्पिक)
patients-portal-password = पोर्टल का अस्थायी पासवर्ड (वैकल्पिक)
patients-portal-password-hint = कम से कम 10 अक्षर; मरीज़ को यह खुद मिलकर बताएँ।
patients-register-submit = मरीज़ का पंजीकरण करें
patients-cancel = रद्द करें

## विश्लेषण

analytics-title = रेफ़रल विश्लेषण
analytics-scope-clinic = { $who } के चिकित्सकों द्वारा भेजा गया हर रेफ़रल
analytics-scope-own = आपके भेजे और पाए गए रेफ़रल
analytics-period-from = , सोमवार से शुरू होने वाले सप्ताह, { $from }
analytics-period-to = से { $to } तक (UTC)। दरें और समय इस अवधि में भेजे गए रेफ़रलों के हैं।
analytics-from = से
analytics-to = तक
analytics-period-hint = पूरे सप्ताह, सोमवार से रविवार (UTC), अधिकतम दो वर्ष।
analytics-show = दिखाएँ
analytics-last-12-weeks = पिछले 12 सप्ताह
analytics-summary = सारांश
analytics-sent = भेजे गए
analytics-received = प्राप्त
analytics-accepted = स्वीकृत
analytics-completed = पूर्ण
analytics-conversion-long = कन्वर्ज़न (स्वीकृत या पूर्ण ÷ भेजे गए)
analytics-conversion = कन्वर्ज़न
analytics-tta-median = स्वीकृति में लगा समय, मीडियन
analytics-tta-p90 = स्वीकृति में लगा समय, 90वाँ पर्सेंटाइल
analytics-ttc-median = पूरा होने में लगा समय, मीडियन
analytics-ttc-p90 = पूरा होने में लगा समय, 90वाँ पर्सेंटाइल
analytics-p90 = 90वाँ पर्सेंटाइल
analytics-times-hint = स्वीकृति का समय तब से गिना जाता है जब रेफ़रल प्राप्तकर्ता को सौंपा गया; पूरा होने का समय भेजे जाने से। दो दिन तक समय घंटे में, फिर दो सप्ताह तक दिनों में, फिर सप्ताहों में दिखाया जाता है।
analytics-export = CSV डाउनलोड करें
analytics-weekly = प्रति सप्ताह रेफ़रल
analytics-chart-max = अधिकतम { $max }
analytics-weekly-caption = प्रति सप्ताह रेफ़रल (सोमवार से शुरू होने वाला सप्ताह)
analytics-week-starting = सप्ताह की शुरुआत
analytics-reasons = अस्वीकार करने के कारण
analytics-reasons-caption = प्राप्तकर्ता द्वारा अस्वीकार किए गए रेफ़रल, कारण के अनुसार
analytics-reason = कारण
analytics-declined = अस्वीकृत
analytics-open-loops = बीते समय के अनुसार अधूरे रेफ़रल
analytics-open-loops-hint = भेजे गए पर अभी तक न पूरे हुए, न रद्द हुए और न मरीज़ द्वारा अस्वीकार किए गए, भेजे जाने के बाद बीते समय के अनुसार, इस समय तक।
analytics-age = बीता समय
analytics-open-loops-col = अधूरे रेफ़रल
analytics-top-specialists = सबसे ज़्यादा रेफ़र किए गए विशेषज्ञ
analytics-none-sent = इस अवधि में कोई रेफ़रल नहीं भेजा गया।
analytics-top-specialists-caption = इस अवधि में सबसे ज़्यादा रेफ़र किए गए { $count } चिकित्सक
analytics-specialist = विशेषज्ञ
analytics-outside-network = (नेटवर्क से बाहर)
analytics-top-clinics = सबसे ज़्यादा रेफ़र किए गए क्लिनिक
analytics-top-clinics-caption = इस अवधि में सबसे ज़्यादा रेफ़र की गई { $count } संस्थाएँ
analytics-clinic = क्लिनिक

## क्लिनिक प्रशासन

admin-settings = रेफ़रल सेटिंग्स
admin-requires-approval = रेफ़रल भेजे जाने से पहले मरीज़ों की मंज़ूरी ज़रूरी है
admin-booking-prompts = मरीज़ों को “विज़िट बुक करें” के सुझाव दिखाएँ
admin-second-factor-required = चिकित्सकों और प्रशासकों के लिए दूसरा सत्यापन चरण (ऑथेंटिकेटर ऐप) ज़रूरी है; हर व्यक्ति अगली बार साइन इन करते समय इसे सेट करेगा
admin-save-settings = सेटिंग्स सहेजें
admin-failed-sign-ins = असफल साइन-इन
admin-wrong-codes = दूसरे चरण के गलत कोड
admin-practitioners = चिकित्सक
admin-add-practitioner = चिकित्सक जोड़ें
admin-practitioners-caption = { $clinic } के चिकित्सक
admin-col-name = नाम
admin-col-specialty = विशेषज्ञता
admin-col-languages = भाषाएँ
admin-col-referrals = रेफ़रल
admin-col-account = अकाउंट
admin-col-sent = भेजने की तारीख
admin-col-status = स्थिति
admin-col-action = कार्रवाई
admin-accepting = स्वीकार कर रहे हैं
admin-not-accepting = स्वीकार नहीं कर रहे
admin-active = सक्रिय
admin-deactivated = निष्क्रिय
admin-invitations = नेटवर्क से बाहर के डॉक्टरों को भेजे गए आमंत्रण
admin-invitations-hint = हर डॉक्टर ई-मेल से मिले लिंक को खोलकर और पासवर्ड चुनकर जुड़ता है।
admin-invitations-caption = खुले आमंत्रण
admin-invitation-ran-out = { $date } को समाप्त हो गया
admin-invitation-open-until = { $date } तक खुला
admin-withdraw = वापस लें
admin-withdraw-invitation-to = ({ $name } को भेजा गया आमंत्रण)
admin-full-name = पूरा नाम
admin-full-name-hint = जैसा मरीज़ों को दिखना चाहिए, उपाधि (डॉ. आदि) के बिना।
admin-title-field = उपाधि
admin-email = ई-मेल (साइन इन के लिए)
admin-specialty = विशेषज्ञता
admin-city = शहर
admin-languages = भाषाएँ
admin-languages-hint = अल्पविराम (,) से अलग करें।
admin-accepting-referrals = रेफ़रल स्वीकार कर रहे हैं
admin-account-active = अकाउंट सक्रिय (टिक हटाने पर वे हर जगह से साइन आउट हो जाएँगे)
admin-initial-password = शुरुआती पासवर्ड
admin-initial-password-hint = नेटवर्क से बाहर का कोई डॉक्टर जिसे इस पते पर पहले से रेफ़रल मिलते हैं, उसे इसके बजाय ई-मेल से आमंत्रित किया जाता है, और वह अपना पासवर्ड खुद चुनता है।
admin-password = पासवर्ड
admin-password-hint = कम से कम 10 अक्षर।
admin-password-again = पासवर्ड दोबारा
admin-save = सहेजें
admin-cancel = रद्द करें
admin-second-factor = दूसरा सत्यापन चरण
admin-second-factor-hint = अगर उनका ऑथेंटिकेटर ऐप वाला फ़ोन खो गया है, तो उनका दूसरा सत्यापन चरण हटा दें: वे साइन आउट हो जाएँगे और अगली बार साइन इन करते समय नया सेट करेंगे।
admin-reset-second-factor = दूसरा सत्यापन चरण रीसेट करें

## ऑडिट लॉग

admin-audit-lead = इस क्लिनिक के स्टाफ़ और मरीज़ों से जुड़ी हर गतिविधि: देखना, बदलाव, एक्सपोर्ट, साइन-इन और सहमति में बदलाव। पंक्तियाँ हैश-चेन से जुड़ी हैं;
admin-audit-lead-after = से साबित होता है कि उनमें कोई बदलाव नहीं किया गया।
admin-audit-title = ऑडिट लॉग
admin-audit-actor = उपयोगकर्ता (ई-मेल या ID)
admin-audit-patient-id = मरीज़ ID
admin-audit-action = कार्रवाई
admin-audit-any = कोई भी
admin-audit-from = से
admin-audit-until = तक
admin-audit-filter = फ़िल्टर करें
admin-audit-clear = साफ़ करें
admin-audit-export = CSV डाउनलोड करें
admin-audit-empty = कोई प्रविष्टि नहीं।
admin-audit-caption = ऑडिट प्रविष्टियाँ, सबसे नई पहले
admin-audit-col-when = कब (UTC)
admin-audit-col-who = किसने
admin-audit-col-subject = विषय
admin-audit-col-patient = मरीज़
admin-audit-col-from = कहाँ से
admin-audit-pages = ऑडिट के पेज
admin-audit-older = पुरानी प्रविष्टियाँ
admin-audit-checkpoint-title = हस्ताक्षरित चेकपॉइंट
admin-audit-checkpoint-lead = सर्वर समय-समय पर लॉग की सबसे नई पंक्ति पर डेटाबेस से बाहर रखी कुंजी से हस्ताक्षर करता है और हस्ताक्षर को अलग रखता है। बाद में बदला गया इतिहास, सारे हैश दोबारा गिनने पर भी, चेकपॉइंट से मेल नहीं खाता।
admin-audit-checkpoint-latest = सबसे नया चेकपॉइंट:
admin-audit-checkpoint-key = हस्ताक्षर करने वाली कुंजी
admin-audit-checkpoint-other-key = (इस सर्वर की कुंजी नहीं)
admin-audit-checkpoint-none = अभी तक कोई चेकपॉइंट नहीं लिया गया है।
admin-audit-checkpoint-now = अभी चेकपॉइंट पर हस्ताक्षर करें

## प्रैक्टिस का समय

practice-title = मेरी प्रैक्टिस
practice-lead = शेड्यूलिंग पोर्टल में आपका समय। मरीज़ आपकी प्रोफ़ाइल से अगले चार सप्ताह के खाली स्लॉट बुक करते हैं; रेफ़र किए गए मरीज़ों को “विज़िट बुक करें” बटन मिलता है।
practice-location = स्थान
practice-location-hint = जहाँ मरीज़ आते हैं, जैसे कमरा 4, हार्बर हेल्थ सेंटर
practice-visit-minutes = विज़िट की अवधि (मिनट)
practice-weekly-hours = साप्ताहिक समय
practice-hours-hint = जैसे 09:00-13:00; कई समय-सीमाएँ अल्पविराम से अलग करें; खाली का मतलब बंद।
practice-monday = सोमवार
practice-tuesday = मंगलवार
practice-wednesday = बुधवार
practice-thursday = गुरुवार
practice-friday = शुक्रवार
practice-saturday = शनिवार
practice-sunday = रविवार
practice-days-off = छुट्टी के दिन (हर पंक्ति में एक तारीख, जैसे 2026-12-25)
practice-save = प्रैक्टिस सहेजें

## सप्ताह

week-title = { $date } से शुरू होने वाला सप्ताह
week-weeks = सप्ताह
week-previous = पिछला सप्ताह
week-my-practice = मेरी प्रैक्टिस
week-next = अगला सप्ताह
week-no-appointments = कोई अपॉइंटमेंट नहीं।
week-referral = रेफ़रल

## नेटवर्क से बाहर के डॉक्टर का व्यक्तिगत लिंक

outside-link-valid = Handoff के ज़रिए आपको भेजा गया रेफ़रल · यह व्यक्तिगत लिंक { $until } UTC तक मान्य है
outside-referred-by = , रेफ़र करने वाले: { $sender }
outside-from = भेजने वाले
outside-to = किसे
outside-patient = मरीज़
outside-born = , जन्म { $date }
outside-record = , रिकॉर्ड { $record }
outside-priority = प्राथमिकता
outside-see-by = { $date } तक देखना है
outside-reason = कारण
outside-message = संदेश
outside-download-letter = रेफ़रल पत्र डाउनलोड करें (PDF)
outside-your-outcome = आपका परिणाम
outside-advice = सलाह
outside-snapshot = क्लिनिकल सारांश
outside-no-sections = कोई क्लिनिकल हिस्सा साझा नहीं किया गया है।
outside-reply-title = रेफ़र करने वाले चिकित्सक को लिखें
outside-reply-files = फ़ाइलें (वैकल्पिक): PDF, चित्र, DICOM या टेक्स्ट
outside-send = भेजें
outside-asks = आपके द्वारा माँगी गई जानकारी
outside-answered = उत्तर मिला
outside-open = उत्तर बाकी
outside-files = फ़ाइलें
outside-bytes = { $size } बाइट
sent-pages = भेजे गए रेफ़रल के पेज
sent-next-page = पुराने रेफ़रल
