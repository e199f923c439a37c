# The clock: the clinic's clock settings, outcome drafts.
title-clinic-clock = Clinic clock
clock-link = Service levels, reminders and holidays (the clinic clock)
clock-intro = How long each turn of a referral may take in your clinic, what happens when it is late, and the days you do not work. Working days are Monday to Friday, counted in { $zone }, without your holidays.
clock-levels = Service levels
clock-levels-hint = The receiver's clinic's levels apply while a receiver triages, books or reports; the referrer's clinic's while a referrer or a patient answers. A see-by date that comes earlier wins.
clock-working-days = working days
clock-clock-hours = clock hours, nights and weekends included
clock-calendar-days = calendar days
clock-routine-triage = Routine triage (accept, decline, ask or see first)
clock-urgent-triage = Urgent triage
clock-emergency-triage = Emergency triage
clock-need-info = Answering a request for information
clock-approval = The patient's approval
clock-book-visit = Booking the first visit the receiver asked for
clock-outcome = The outcome after accepting
clock-advice = Answering an advice question
clock-when-late = Reminders, escalation and expiry
clock-remind-before = Remind before the due time
clock-remind-before-hint = hours; a second reminder goes when it passes
clock-escalate-after = Escalate to the clinic's admins
clock-escalate-after-hint = days after the due time
clock-expire-after = Close as expired
clock-expire-after-hint = days without a move (sent, information requested or visit required)
clock-holidays = Holidays
clock-holidays-hint = One date per line or separated by commas, as YYYY-MM-DD.
clock-saved = { $n ->
    [one] Clinic clock saved. { $n } open referral has a new due time.
   *[other] Clinic clock saved. { $n } open referrals have a new due time.
}
clock-auto-close = Complete with the drafted outcome
clock-auto-close-hint = days after an attended visit, when the receiver drafted the outcome
outcome-save-draft = Save as a draft
outcome-draft-hint = A draft is not sent. If you have not completed the referral some days after an attended visit (the clinic sets how many), the draft is sent as the outcome.
outcome-draft-saved = Draft saved. It is not sent yet.
