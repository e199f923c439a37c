# The clock on the analytics page (issue 14).
clock-analytics-title = Triaged within the service level
clock-analytics-hint = The receiver's first decision (accept, decline, ask for information or to see the patient first) made by the referral's due time, for referrals submitted in the period.
clock-analytics-by-priority = Triaged within the service level, by priority
clock-analytics-priority = Priority
clock-analytics-triaged = Triaged
clock-analytics-within = Within the level
clock-analytics-share = Share within
clock-analytics-all = All priorities
clock-analytics-by-specialist = By specialist referred to
clock-analytics-by-clinic = By clinic referred to
clock-analytics-who = Referred to
clock-analytics-chart = Share triaged within the service level, by priority (percent)
clock-analytics-states = Time in each state
clock-analytics-states-hint = How long referrals submitted in the period stayed in a state before they left it.
clock-analytics-state = State
clock-analytics-left = Left the state
clock-analytics-median = Median
