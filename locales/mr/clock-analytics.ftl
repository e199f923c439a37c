# विश्लेषण पानावरील घड्याळ (issue 14).
clock-analytics-title = सेवा स्तराच्या आत ट्रायाज
clock-analytics-hint = कालावधीत पाठवलेल्या रेफरलवर स्वीकारणाऱ्याचा पहिला निर्णय (स्वीकार, नकार, माहिती मागणे किंवा आधी रुग्णाला पाहणे) रेफरलच्या देय वेळेपर्यंत.
clock-analytics-by-priority = सेवा स्तराच्या आत ट्रायाज, प्राधान्यानुसार
clock-analytics-priority = प्राधान्य
clock-analytics-triaged = ट्रायाज केलेले
clock-analytics-within = स्तराच्या आत
clock-analytics-share = आतला वाटा
clock-analytics-all = सर्व प्राधान्ये
clock-analytics-by-specialist = ज्या तज्ज्ञाकडे पाठवले त्यानुसार
clock-analytics-by-clinic = ज्या क्लिनिककडे पाठवले त्यानुसार
clock-analytics-who = कोणाकडे पाठवले
clock-analytics-chart = सेवा स्तराच्या आत ट्रायाजचा वाटा, प्राधान्यानुसार (टक्के)
clock-analytics-states = प्रत्येक स्थितीतील वेळ
clock-analytics-states-hint = कालावधीत पाठवलेले रेफरल एखादी स्थिती सोडण्यापूर्वी त्यात किती वेळ राहिले.
clock-analytics-state = स्थिती
clock-analytics-left = स्थिती सोडली
clock-analytics-median = मध्यक
