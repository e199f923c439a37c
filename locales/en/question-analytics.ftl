# Advice questions on the analytics page (issue 16).
question-analytics-title = Advice questions
question-analytics-hint = Questions asked in the period, counted apart from referrals (the referral figures above leave them out). The time to answer runs from the specialist receiving the question to the answer. Answered without a referral: of the questions answered, the share from which no referral was sent. Turned into a referral: of the questions answered or turned into a referral, the share the specialist turned into a referral to themselves.
question-analytics-caption-own = Advice questions you asked and were asked
question-analytics-caption-clinic = Advice questions the clinic's practitioners asked and were asked
question-analytics-figure = Figure
question-analytics-by-you = You asked
question-analytics-of-you = You were asked
question-analytics-by-clinic = The clinic asked
question-analytics-of-clinic = The clinic was asked
question-analytics-asked = Questions asked
question-analytics-answered = Answered with advice
question-analytics-median = Time to answer, median
question-analytics-without-referral = Answered without a referral (share of those answered)
question-analytics-converted = Turned into a referral
question-analytics-converted-share = Turned into a referral (share of those answered or turned into a referral)
