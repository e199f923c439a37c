## साइन इन, खाते के पेज, सूचनाएँ, संदेश, मरीज़ के पोर्टल के पेज, अपॉइंटमेंट बुक करना और
## क्लिनिक से जुड़ना।

## साइन इन (login.html, login_code.html)

login-title = Handoff में साइन इन करें
login-lead = चिकित्सकों, मरीज़ों और क्लिनिक प्रशासकों के लिए।
login-email = ईमेल
login-password = पासवर्ड
login-submit = साइन इन करें
login-code-title = दूसरा चरण
login-code-lead = अपना ऑथेंटिकेटर ऐप खोलें और उसमें Handoff के लिए दिखाया गया छह अंकों का कोड टाइप करें। फ़ोन खो गया है? तो उसकी जगह अपने रिकवरी कोड में से कोई एक टाइप करें।
login-code-label = कोड
login-code-continue = आगे बढ़ें
login-code-cancel = रद्द करें

## पासवर्ड और ईमेल सूचनाएँ (password.html)

account-password-title = अपना पासवर्ड बदलें
account-password-lead = पासवर्ड बदलने पर आप बाकी सभी डिवाइसों से साइन आउट हो जाएँगे।
account-password-current = मौजूदा पासवर्ड
account-password-new = नया पासवर्ड
account-password-hint = कम से कम 10 अक्षर। कुछ ऐसे शब्द जोड़कर बनाया गया पासवर्ड अच्छा रहता है जिनका आपस में कोई संबंध न हो।
account-password-again = नया पासवर्ड दोबारा
account-password-submit = पासवर्ड बदलें
account-mail-title = ईमेल सूचनाएँ
account-mail-label = कुछ नया होने पर मुझे ईमेल से भी बताएँ। ईमेल में सिर्फ़ इतना लिखा होता है कि पढ़ने के लिए कुछ है, यह कभी नहीं कि किस मरीज़ के बारे में।
account-save = सहेजें

## दूसरा सत्यापन (account/second_factor.html)

account-2fa-title = दूसरा सत्यापन
account-2fa-done-lead = आपका दूसरा सत्यापन सेट हो गया है। अब से साइन इन करते समय आपके ऐप का कोड माँगा जाएगा।
account-2fa-recovery-title = आपके रिकवरी कोड
account-2fa-recovery-text = अगर आपका फ़ोन खो जाए, तो ऐप के कोड की जगह इनमें से हर कोड एक बार काम करता है। इन्हें प्रिंट कर लें या किसी सुरक्षित जगह रखें: ये सिर्फ़ अभी दिखाए जा रहे हैं।
account-2fa-continue = Handoff पर आगे बढ़ें
account-2fa-enrolled-lead = साइन इन करते समय आपके ऑथेंटिकेटर ऐप का कोड माँगा जाता है।
# हिन्दी में "one" में 0 भी आता है, इसलिए यहाँ सिर्फ़ 1 के लिए अलग रूप है।
account-2fa-codes-left =
    { $count ->
        [1] 10 में से { $count } रिकवरी कोड बाकी है।
       *[other] 10 में से { $count } रिकवरी कोड बाकी हैं।
    }
account-2fa-codes-low = अपने क्लिनिक के प्रशासक से अपना दूसरा सत्यापन रीसेट करने को कहें; फिर आप इसे नए कोड के साथ दोबारा सेट करेंगे।
account-2fa-required = आपके क्लिनिक ने अपने स्टाफ़ के लिए दूसरा सत्यापन ज़रूरी किया है। आगे बढ़ने के लिए इसे सेट करें।
account-2fa-lead = दूसरा सत्यापन आपके मरीज़ों के रिकॉर्ड सुरक्षित रखता है, भले ही किसी को आपका पासवर्ड पता चल जाए।
account-2fa-step-install = अपने फ़ोन पर कोई ऑथेंटिकेटर ऐप इंस्टॉल करें (जैसे FreeOTP, Aegis, Google Authenticator या Microsoft Authenticator)।
account-2fa-step-scan = उस ऐप से यह कोड स्कैन करें:
account-2fa-qr-alt = ऑथेंटिकेटर ऐप में Handoff सेट करने के लिए QR कोड
account-2fa-or-key = या यह कुंजी टाइप करें:
account-2fa-key-kind = (समय-आधारित, 6 अंक, 30 सेकंड)।
account-2fa-step-type = ऐप में दिखाया गया छह अंकों का कोड टाइप करें:
account-2fa-code = ऐप में दिखा कोड
account-2fa-submit = दूसरा सत्यापन चालू करें

## सेशन और साइन-इन अलर्ट (account/sessions.html)

account-sessions-title = आप कहाँ-कहाँ साइन इन हैं
account-sessions-lead = सेशन 30 मिनट तक इस्तेमाल न होने पर और साइन इन के 12 घंटे बाद ख़त्म हो जाते हैं। जिस सेशन को आप नहीं पहचानते, उसे ख़त्म करें और फिर अपना पासवर्ड बदलें।
account-sessions-region = सेशन
account-sessions-browser = ब्राउज़र
account-sessions-address = IP पता
account-sessions-signed-in = साइन इन का समय
account-sessions-last-used = आख़िरी इस्तेमाल
account-sessions-action = कार्रवाई
account-sessions-this-device = यह डिवाइस
account-sessions-end-one = इस सेशन से साइन आउट करें
account-sessions-end-others = बाकी सभी जगहों से साइन आउट करें
account-alerts-title = साइन-इन अलर्ट
account-alerts-label = जब मेरे खाते में किसी ऐसे ब्राउज़र से साइन इन हो, जिससे पहले कभी साइन इन नहीं हुआ था, तो मुझे ईमेल करें।

## सूचनाएँ (notifications.html)

portal-notifications-title = सूचनाएँ
portal-notifications-empty = कुछ नया नहीं है।
portal-notifications-pages = सूचनाओं के पेज
portal-notifications-older = पुरानी सूचनाएँ
portal-notifications-new = नया

## संदेश (threads/list.html, threads/show.html)

thread-messages = संदेश
thread-list-empty = अभी कोई बातचीत नहीं है। बातचीत रेफ़रल से शुरू होती है।
thread-list-pages = बातचीत के पेज
thread-list-older = पुरानी बातचीत
thread-unread = अपठित
thread-with-colleague = सहकर्मी
thread-with-patient = चिकित्सक और मरीज़
thread-last-message = आख़िरी संदेश { $at } UTC
thread-breadcrumb = नेविगेशन पथ
thread-open-referral = रेफ़रल खोलें
thread-book-visit = अपॉइंटमेंट बुक करें
thread-write = संदेश लिखें
thread-send = भेजें

## मेरा डेटा किसने देखा (portal/access.html)

portal-access-title = मेरा डेटा किसने देखा
portal-access-lead = यहाँ हर वह मौका दिखता है जब आपके इलाज से जुड़ी टीम के बाहर के किसी व्यक्ति ने आपके रिकॉर्ड खोले, और जब भी आपकी जानकारी साझा की गई। आपके अपने डॉक्टरों द्वारा आपके रिकॉर्ड का रोज़मर्रा का इस्तेमाल यहाँ नहीं दिखाया जाता।
portal-access-empty = आपके इलाज से जुड़ी टीम के बाहर के किसी व्यक्ति ने आपके रिकॉर्ड नहीं खोले हैं।
portal-access-pages = एक्सेस लॉग के पेज
portal-access-older = पुरानी प्रविष्टियाँ
portal-access-caption = आपके रिकॉर्ड कब-कब खोले गए, सबसे नया पहले
portal-access-when = कब (UTC)
portal-access-who = किसने
portal-access-what = क्या

## मेरी सहमतियाँ (portal/consents.html)

portal-consents-title = मेरी सहमतियाँ
portal-consents-lead = आपने कौन-सी जानकारी किसके साथ साझा करने की सहमति दी है। सहमति वापस लेने पर, उसी समय से रेफ़रल पाने वाले डॉक्टर साझा किया गया विवरण नहीं खोल पाएँगे; हाँ, उन्हें यह दिखता रहेगा कि रेफ़रल मौजूद है।
portal-consents-empty = आपने जानकारी साझा करने की कोई सहमति नहीं दी है।
portal-consent-shared-with = { $recipient } के साथ साझा की गई
portal-consent-for = कारण: { $reason }
portal-consent-the-referral = रेफ़रल देखें
portal-consent-verbal = आपने अपने डॉक्टर को बताया, जिन्होंने इसे { $at } UTC पर दर्ज किया
portal-consent-portal = आपने इसे { $at } UTC पर पोर्टल में मंज़ूरी दी
portal-consent-withdrawn = { $date } को वापस ली गई
portal-consent-withdraw = सहमति वापस लें

## मेरे रेफ़रल (referrals/patient_list.html)

portal-referrals-title = मेरे रेफ़रल
portal-referrals-empty = आपका कोई रेफ़रल नहीं है।
portal-referral-to = { $receiver } के लिए
portal-referral-from = { $sender } की ओर से

## मेरे अपॉइंटमेंट (schedule/mine.html)

appt-mine-title = मेरे अपॉइंटमेंट
appt-mine-empty = कोई अपॉइंटमेंट नहीं है। जब कोई विशेषज्ञ रेफ़रल स्वीकार करे, तो “अपॉइंटमेंट बुक करें” चुनें।
appt-mine-pages = अपॉइंटमेंट के पेज
appt-mine-later = बाद के अपॉइंटमेंट
appt-with = { $who } के साथ
appt-for-referral = आपके रेफ़रल के लिए
appt-cancel = रद्द करें
appt-reschedule = समय बदलें
appt-status-booked = बुक है
appt-status-attended = उपस्थित रहे
appt-status-no_show = छूट गया
appt-status-cancelled = रद्द

## चिकित्सक का पेज और बुकिंग (practitioners/show.html)

book-speaks = भाषाएँ: { $languages }।
book-accepting = रेफ़रल लिए जा रहे हैं
book-not-accepting = अभी रेफ़रल नहीं लिए जा रहे
book-title = अपॉइंटमेंट बुक करें
book-title-reschedule = नया समय चुनें
book-visit-length = अपॉइंटमेंट की अवधि { $count } मिनट
book-no-slots = अगले चार हफ़्तों में कोई समय खाली नहीं है।
book-time = समय
book-submit = बुक करें

## क्लिनिक से जुड़ना (join.html)

join-title = Handoff पर { $clinic } से जुड़ें
join-lead = { $clinic } ने आपको अपने चिकित्सकों में शामिल किया है।
join-name = नाम
join-specialty = विशेषज्ञता
join-sign-in-address = साइन-इन पता
join-takes-over = पासवर्ड चुनते ही वह खाता आपका हो जाएगा जिस पर आपको ईमेल से रेफ़रल मिलते थे।
join-referrals-move =
    { $count ->
        [1] अब तक आपको भेजा गया रेफ़रल आपके Handoff इनबॉक्स में आ जाएगा, और पिछले ईमेल के लिंक काम करना बंद कर देंगे।
       *[other] अब तक आपको भेजे गए { $count } रेफ़रल आपके Handoff इनबॉक्स में आ जाएँगे, और पिछले ईमेल के लिंक काम करना बंद कर देंगे।
    }
join-open-until = यह आमंत्रण { $until } UTC तक खुला है।
join-password = पासवर्ड चुनें
join-password-hint = कम से कम 10 अक्षर। कुछ ऐसे शब्द जोड़कर बनाया गया पासवर्ड अच्छा रहता है जिनका आपस में कोई संबंध न हो।
join-password-again = पासवर्ड दोबारा
join-submit = { $clinic } से जुड़ें
join-not-you = यह आप नहीं हैं, या आपको इसकी उम्मीद नहीं थी? यह पेज बंद कर दें: जब तक आप पासवर्ड नहीं चुनते, कुछ नहीं बदलेगा।
