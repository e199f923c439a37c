## Duplicate guard and history (issue 16): the patient's referrals of the last 12 months,
## and the reason needed to send another while one is open.

duplicates-history-heading = This patient's referrals in the last 12 months
duplicates-history-none = No other referrals for this patient in the last 12 months.
duplicates-col-date = Date
duplicates-col-who = From → to
duplicates-col-specialty = Specialty
duplicates-col-status = Status
duplicates-open = Still open
duplicates-redirected = Redirected to a new referral
duplicates-same-receiver-or-specialty = Open, to the same receiver or specialty
duplicates-warning-heading = Another referral is still open
duplicates-warning = This patient already has an open referral to the same receiver or specialty (marked above). To send another one anyway, say why: the receiver will read your reason.
duplicates-reason-label = Reason for sending another referral
duplicates-reason-needed = Say why another referral is needed, or leave this one as a draft.
duplicates-not-sent = Saved as a draft; not sent.
