# विश्लेषण पानावरील सल्ल्याचे प्रश्न (issue 16).
question-analytics-title = सल्ल्याचे प्रश्न
question-analytics-hint = कालावधीत विचारलेले प्रश्न, रेफरलपासून वेगळे मोजलेले (वरील रेफरलच्या आकडेवारीत ते नाहीत). उत्तराचा वेळ तज्ज्ञाला प्रश्न मिळाल्यापासून उत्तरापर्यंत मोजला जातो. रेफरलशिवाय उत्तर: उत्तर दिलेल्या प्रश्नांपैकी ज्यांच्यावरून कोणताही रेफरल पाठवला गेला नाही त्यांचा वाटा. रेफरलमध्ये बदललेले: उत्तर दिलेल्या किंवा रेफरलमध्ये बदललेल्या प्रश्नांपैकी तज्ज्ञाने स्वतःकडे रेफरलमध्ये बदललेल्यांचा वाटा.
question-analytics-caption-own = तुम्ही विचारलेले आणि तुम्हाला विचारलेले सल्ल्याचे प्रश्न
question-analytics-caption-clinic = क्लिनिकच्या डॉक्टरांनी विचारलेले आणि त्यांना विचारलेले सल्ल्याचे प्रश्न
question-analytics-figure = आकडा
question-analytics-by-you = तुम्ही विचारले
question-analytics-of-you = तुम्हाला विचारले
question-analytics-by-clinic = क्लिनिकने विचारले
question-analytics-of-clinic = क्लिनिकला विचारले
question-analytics-asked = विचारलेले प्रश्न
question-analytics-answered = सल्ल्यासह उत्तर दिलेले
question-analytics-median = उत्तरासाठी लागलेला वेळ, मध्यक
question-analytics-without-referral = रेफरलशिवाय उत्तर (उत्तर दिलेल्यांचा वाटा)
question-analytics-converted = रेफरलमध्ये बदललेले
question-analytics-converted-share = रेफरलमध्ये बदललेले (उत्तर दिलेल्या किंवा रेफरलमध्ये बदललेल्यांचा वाटा)
