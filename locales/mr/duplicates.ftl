## डुप्लिकेट तपासणी आणि इतिहास (issue 16): मागील 12 महिन्यांतील रुग्णाचे रेफरल.

duplicates-history-heading = मागील 12 महिन्यांतील या रुग्णाचे रेफरल
duplicates-history-none = मागील 12 महिन्यांत या रुग्णाचा दुसरा कोणताही रेफरल नाही.
duplicates-col-date = तारीख
duplicates-col-who = कोणाकडून → कोणाकडे
duplicates-col-specialty = विशेषता
duplicates-col-status = स्थिती
duplicates-open = अजून खुला
duplicates-redirected = नवीन रेफरलकडे वळवला
duplicates-same-receiver-or-specialty = खुला, त्याच प्राप्तकर्त्याकडे किंवा विशेषतेकडे
duplicates-warning-heading = दुसरा रेफरल अजून खुला आहे
duplicates-warning = या रुग्णाचा त्याच प्राप्तकर्त्याकडे किंवा विशेषतेकडे एक रेफरल आधीच खुला आहे (वर चिन्हांकित). तरीही दुसरा पाठवायचा असल्यास कारण लिहा: प्राप्तकर्ता तुमचे कारण वाचतील.
duplicates-reason-label = दुसरा रेफरल पाठवण्याचे कारण
duplicates-reason-needed = दुसरा रेफरल का आवश्यक आहे ते लिहा, किंवा हा मसुदा म्हणून ठेवा.
duplicates-not-sent = मसुदा म्हणून जतन केला; पाठवला नाही.
