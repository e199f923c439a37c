# विश्लेषण पृष्ठ पर घड़ी (issue 14)।
clock-analytics-title = सेवा स्तर के भीतर ट्राइएज
clock-analytics-hint = अवधि में भेजे गए रेफ़रल पर प्राप्तकर्ता का पहला निर्णय (स्वीकार, अस्वीकार, जानकारी माँगना या पहले मरीज़ को देखना) रेफ़रल के नियत समय तक।
clock-analytics-by-priority = सेवा स्तर के भीतर ट्राइएज, प्राथमिकता के अनुसार
clock-analytics-priority = प्राथमिकता
clock-analytics-triaged = ट्राइएज किए गए
clock-analytics-within = स्तर के भीतर
clock-analytics-share = भीतर का हिस्सा
clock-analytics-all = सभी प्राथमिकताएँ
clock-analytics-by-specialist = जिस विशेषज्ञ को भेजा, उसके अनुसार
clock-analytics-by-clinic = जिस क्लिनिक को भेजा, उसके अनुसार
clock-analytics-who = किसे भेजा
clock-analytics-chart = सेवा स्तर के भीतर ट्राइएज का हिस्सा, प्राथमिकता के अनुसार (प्रतिशत)
clock-analytics-states = हर स्थिति में समय
clock-analytics-states-hint = अवधि में भेजे गए रेफ़रल किसी स्थिति को छोड़ने से पहले उसमें कितनी देर रहे।
clock-analytics-state = स्थिति
clock-analytics-left = स्थिति छोड़ी
clock-analytics-median = माध्यिका
