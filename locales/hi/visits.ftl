## मरीज़ों को ई-मेल: उनका निजी लिंक और उनकी मुलाक़ातें (कैलेंडर प्रविष्टि सहित)।

plink-greeting = प्रिय { $name },
plink-mail-approve-subject = कृपया { $receiver } के पास अपने रेफ़रल को मंज़ूरी दें
plink-mail-approve-body =
    प्रिय { $name },

    { $sender } आपको { $receiver } के पास रेफ़र करना चाहते हैं। रेफ़रल भेजने से पहले आपका क्लिनिक आपकी मंज़ूरी चाहता है।

    किसके पास, कब और क्यों भेजा जा रहा है, यह पढ़ने और मंज़ूरी देने या मना करने के लिए अपना निजी लिंक खोलें:
    { $link }

    किसी खाते की ज़रूरत नहीं है। यह लिंक { $expires } तक मान्य है; कृपया इसे किसी और को न भेजें।
plink-mail-book-first-subject = { $receiver } आपसे मिलना चाहते हैं: कृपया मुलाक़ात का समय बुक करें
plink-mail-book-first-body =
    प्रिय { $name },

    { $receiver } ने { $sender } का रेफ़रल देखा है और वे पहले आपसे मिलना चाहते हैं।

    कैलेंडर से समय चुनने और साथ क्या लाना है यह पढ़ने के लिए अपना निजी लिंक खोलें:
    { $link }

    किसी खाते की ज़रूरत नहीं है। यह लिंक { $expires } तक मान्य है; कृपया इसे किसी और को न भेजें।
plink-mail-visit-required-subject = { $receiver } आपसे मिलना चाहते हैं
plink-mail-visit-required-body =
    प्रिय { $name },

    { $receiver } ने { $sender } का रेफ़रल देखा है और वे पहले आपसे मिलना चाहते हैं। उनका क्लिनिक समय तय करने के लिए आपसे संपर्क करेगा।

    आप अपने रेफ़रल की स्थिति यहाँ देख सकते हैं:
    { $link }

    यह लिंक { $expires } तक मान्य है; कृपया इसे किसी और को न भेजें।
plink-mail-accepted-book-subject = { $receiver } ने आपका रेफ़रल स्वीकार कर लिया है: कृपया मुलाक़ात बुक करें
plink-mail-accepted-book-body =
    प्रिय { $name },

    { $receiver } ने { $sender } का रेफ़रल स्वीकार कर लिया है।

    कैलेंडर से मुलाक़ात बुक करने और साथ क्या लाना है यह पढ़ने के लिए अपना निजी लिंक खोलें:
    { $link }

    किसी खाते की ज़रूरत नहीं है। यह लिंक { $expires } तक मान्य है; कृपया इसे किसी और को न भेजें।
plink-mail-accepted-subject = { $receiver } ने आपका रेफ़रल स्वीकार कर लिया है
plink-mail-accepted-body =
    प्रिय { $name },

    { $receiver } ने { $sender } का रेफ़रल स्वीकार कर लिया है। उनका क्लिनिक आपसे संपर्क करेगा।

    आप अपने रेफ़रल की स्थिति यहाँ देख सकते हैं:
    { $link }

    यह लिंक { $expires } तक मान्य है; कृपया इसे किसी और को न भेजें।
plink-mail-completed-subject = { $receiver } ने आपके रेफ़रल का परिणाम भेज दिया है
plink-mail-completed-body =
    प्रिय { $name },

    { $receiver } ने जाँच पूरी करके परिणाम { $sender } को भेज दिया है, जो इसके बारे में आपसे बात करेंगे।

    आप अपने रेफ़रल की स्थिति यहाँ देख सकते हैं:
    { $link }

    यह लिंक { $expires } तक मान्य है; कृपया इसे किसी और को न भेजें।

visit-ics-summary = { $who } के साथ मुलाक़ात
visit-ics-bring = साथ लाएँ: { $bring }
visit-mail-bring = साथ लाएँ: { $bring }
visit-mail-booked-subject = { $who } के साथ आपकी मुलाक़ात: { $when }
visit-mail-booked-body =
    प्रिय { $name },

    { $who } के साथ आपकी मुलाक़ात { $when } के लिए बुक हो गई है।
    स्थान: { $where }

    कैलेंडर प्रविष्टि साथ में संलग्न है। मुलाक़ात रद्द करने या उसका समय बदलने के लिए: { $manage }
visit-mail-moved-subject = { $who } के साथ आपकी मुलाक़ात का समय बदल गया है: { $when }
visit-mail-moved-body =
    प्रिय { $name },

    { $who } के साथ आपकी मुलाक़ात अब { $when } को है।
    स्थान: { $where }

    संलग्न कैलेंडर प्रविष्टि पिछली प्रविष्टि की जगह लेगी। मुलाक़ात रद्द करने या उसका समय बदलने के लिए: { $manage }
visit-mail-cancelled-subject = { $who } के साथ आपकी मुलाक़ात रद्द हो गई है
visit-mail-cancelled-body =
    प्रिय { $name },

    { $when } को { $who } के साथ आपकी मुलाक़ात रद्द हो गई है। संलग्न प्रविष्टि इसे आपके कैलेंडर से हटा देगी।

    दूसरा समय बुक करने के लिए: { $manage }
visit-mail-reminder-subject = याद दिलाना: कल { $who } के साथ आपकी मुलाक़ात
visit-mail-reminder-body =
    प्रिय { $name },

    याद दिला दें कि { $when } को { $who } के साथ आपकी मुलाक़ात है।
    स्थान: { $where }

    अगर आप नहीं आ सकते, तो कृपया इसे रद्द करें या समय बदलें, ताकि यह समय किसी और मरीज़ को मिल सके: { $manage }

## मरीज़ के लिंक का पेज।

plink-page-title = { $receiver } के पास आपका रेफ़रल
plink-page-valid = आपका निजी लिंक · { $date } तक मान्य · कृपया इसे किसी और को न भेजें
plink-to = किसके पास
plink-from = किसकी ओर से
plink-when = भेजा गया
plink-why = कारण
plink-bring = साथ क्या लाएँ
plink-visits = आपकी मुलाक़ातें
plink-cancel-visit = यह मुलाक़ात रद्द करें
plink-move-visit = दूसरा समय चुनें
plink-book-title = मुलाक़ात बुक करें
plink-move-title = नया समय चुनें
plink-times-in = सभी समय { $zone } समय के अनुसार हैं।
plink-no-slots = अगले चार हफ़्तों में कोई समय खाली नहीं है। कृपया क्लिनिक को फ़ोन करें।
plink-time = समय
plink-book = बुक करें
plink-move = मुलाक़ात इस समय पर करें
plink-snapshot = आपके डॉक्टर ने क्या साझा किया
plink-access = यह रेफ़रल किसने देखा
plink-access-hint = जब भी कोई यह रेफ़रल खोलता है या आपका लिंक इस्तेमाल होता है, उसका रिकॉर्ड यहाँ रहता है।
plink-access-empty = अभी तक किसी ने इसे नहीं देखा है।
plink-access-pages = एक्सेस लॉग के पेज
plink-access-older = पुरानी प्रविष्टियाँ
plink-access-when = कब
plink-access-who = किसने
plink-access-what = क्या
plink-booked = आपकी मुलाक़ात बुक हो गई है। कैलेंडर प्रविष्टि आपके ई-मेल पर भेजी जा रही है।
plink-cancelled = मुलाक़ात रद्द हो गई है। आपके कैलेंडर के लिए रद्दीकरण आपके ई-मेल पर भेजा जा रहा है।
plink-approved = धन्यवाद। आपका रेफ़रल विशेषज्ञ को भेज दिया गया है।
plink-declined = आपने मना कर दिया है। आपके डॉक्टर को बता दिया गया है।
book-times-in = सभी समय { $zone } समय के अनुसार हैं।

## रेफ़र करने वाले डॉक्टर के लिए मरीज़ के लिंक की जानकारी।

ref-plink-title = मरीज़ का निजी लिंक
ref-plink-explain = मरीज़ का पोर्टल खाता नहीं है: जब रेफ़रल में उनकी ज़रूरत होती है, Handoff { $email } पर इस रेफ़रल के निजी लिंक के साथ लिखता है।
ref-plink-live = लिंक { $date } तक मान्य है और { $uses } बार खोला गया है।
ref-plink-none = अभी कोई सक्रिय लिंक नहीं है (वापस लिया गया, समय पूरा हो गया, या अभी ज़रूरत नहीं पड़ी)।
ref-plink-withdraw = लिंक वापस लें
ref-plink-send = नया लिंक भेजें

## फ़ॉर्म: क्लिनिक का समय क्षेत्र, मरीज़ की भाषा।

practice-time-zone = समय क्षेत्र
practice-time-zone-hint = IANA नाम, जैसे Asia/Kolkata। आपके समय इसी क्षेत्र के अनुसार हैं, और मरीज़ों को हर समय इसी में दिखता है।
patients-language = ई-मेल और निजी लिंक की भाषा
patients-language-hint = पोर्टल खाते के बिना मरीज़ को Handoff से इसी भाषा में ई-मेल मिलते हैं।

## मरीज़ को रेफ़रल की स्थिति और टाइमलाइन कैसे दिखती है।

patient-status-not-sent = नहीं भेजा गया
patient-status-approval-needed = आपकी मंज़ूरी चाहिए
patient-status-declined = आपने मना किया
patient-status-sent = { $receiver } को भेजा गया
patient-status-in-review = समीक्षा में
patient-status-book-visit = मुलाक़ात बुक करें
patient-status-see-you-first = { $receiver } पहले आपसे मिलना चाहते हैं
patient-status-accepted = { $receiver } ने स्वीकार किया
patient-status-completed = पूरा हुआ
patient-status-cancelled = रद्द किया गया
patient-status-expired = बिना निर्णय के बंद
patient-status-report-ready = रिपोर्ट तैयार है
patient-event-for-approval = आपकी मंज़ूरी के लिए भेजा गया
patient-event-sent = विशेषज्ञ को भेजा गया
patient-event-approved = आपने अपनी जानकारी साझा करने की मंज़ूरी दी
patient-event-declined = आपने मना किया
patient-event-see-you-first = विशेषज्ञ पहले आपसे मिलना चाहते हैं: { $note }
patient-event-accepted = स्वीकार किया गया
patient-event-completed = पूरा हुआ
patient-event-cancelled = रद्द किया गया
patient-event-expired = बिना निर्णय के बंद। आपके डॉक्टर को बता दिया गया है और वे आपको फिर से रेफ़र कर सकते हैं।
patient-event-consent-withdrawn = आपने क्लिनिकल जानकारी साझा करने की अपनी सहमति वापस ले ली
patient-event-updated = अपडेट किया गया

## साथ क्या लाएँ: रेफ़रल के प्रकार के अनुसार डिफ़ॉल्ट।

bring-default-specialist = फ़ोटो पहचान पत्र, यह रेफ़रल, आपकी मौजूदा दवाइयों की सूची, और हाल की कोई भी जाँच रिपोर्ट या पत्र।
bring-default-order = फ़ोटो पहचान पत्र, यह रेफ़रल, और इसी जाँच की पहले की कोई भी रिपोर्ट या इमेज।
bring-default-admission = फ़ोटो पहचान पत्र, यह रेफ़रल, मौजूदा सभी दवाइयाँ उनके डिब्बों में, और कुछ दिनों के लिए कपड़े और ज़रूरी निजी सामान।

## मरीज़ के लिए सूचनाएँ।

notice-approval-needed = एक रेफ़रल को आपकी मंज़ूरी चाहिए।
notice-sent = आपका रेफ़रल भेज दिया गया।
notice-book-visit = कृपया अपने रेफ़रल के लिए मुलाक़ात बुक करें।
notice-see-you-first = विशेषज्ञ आपके रेफ़रल पर निर्णय लेने से पहले आपसे मिलना चाहते हैं; मुलाक़ात कैसे तय होगी, यह आपको बताया जाएगा।
notice-accepted = आपका रेफ़रल स्वीकार कर लिया गया।
notice-completed = आपका रेफ़रल पूरा हो गया।
notice-cancelled = आपके बारे में एक रेफ़रल रद्द कर दिया गया।
notice-expired = आपके बारे में एक रेफ़रल बिना निर्णय के बंद हो गया। आपके डॉक्टर को बता दिया गया है।
notice-updated = आपके रेफ़रल में बदलाव हुआ है।
flash-visit-booked = मुलाक़ात बुक हो गई। यह आपके अपॉइंटमेंट में है।
flash-visit-cancelled = अपॉइंटमेंट रद्द हो गया। यह समय फिर से खाली है; डॉक्टर के कैलेंडर से कोई दूसरा समय बुक करें।

## सूचना की ई-मेल प्रति (जिन्होंने इसे चालू किया है): मरीज़ का कोई विवरण नहीं।

mail-notification-subject = Handoff में नई सूचना
mail-notification-body =
    प्रिय { $name },

    Handoff में आपके लिए कुछ नया है। पढ़ने के लिए साइन इन करें:
    { $link }

    आपको ये ई-मेल इसलिए मिलते हैं क्योंकि आपने इन्हें चालू किया है; इन्हें खाता सेटिंग में बंद कर सकते हैं।
