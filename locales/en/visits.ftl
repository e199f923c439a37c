## E-mails to patients: their personal link, and their visits (with calendar entries).
## `$link` and `$manage` are filled in when the e-mail is sent.

plink-greeting = Dear { $name },
plink-mail-approve-subject = Please approve your referral to { $receiver }
plink-mail-approve-body =
    Dear { $name },

    { $sender } would like to refer you to { $receiver }. Before the referral is sent, your clinic asks for your approval.

    Open your personal link to read who, when and why, and to approve or decline:
    { $link }

    No account is needed. The link is valid until { $expires }; please do not forward it.
plink-mail-book-first-subject = { $receiver } would like to see you: please book a visit
plink-mail-book-first-body =
    Dear { $name },

    { $receiver } has looked at the referral from { $sender } and would like to see you first.

    Open your personal link to choose a time from the calendar, and to read what to bring:
    { $link }

    No account is needed. The link is valid until { $expires }; please do not forward it.
plink-mail-visit-required-subject = { $receiver } would like to see you
plink-mail-visit-required-body =
    Dear { $name },

    { $receiver } has looked at the referral from { $sender } and would like to see you first. Their practice will contact you to arrange a time.

    You can follow your referral here:
    { $link }

    The link is valid until { $expires }; please do not forward it.
plink-mail-accepted-book-subject = Your referral to { $receiver } was accepted: please book a visit
plink-mail-accepted-book-body =
    Dear { $name },

    { $receiver } has accepted the referral from { $sender }.

    Open your personal link to book a visit from the calendar, and to read what to bring:
    { $link }

    No account is needed. The link is valid until { $expires }; please do not forward it.
plink-mail-accepted-subject = Your referral to { $receiver } was accepted
plink-mail-accepted-body =
    Dear { $name },

    { $receiver } has accepted the referral from { $sender }. Their practice will contact you.

    You can follow your referral here:
    { $link }

    The link is valid until { $expires }; please do not forward it.
plink-mail-completed-subject = { $receiver } has sent the outcome of your referral
plink-mail-completed-body =
    Dear { $name },

    { $receiver } has finished and sent the outcome to { $sender }, who will talk it through with you.

    You can see where your referral stands here:
    { $link }

    The link is valid until { $expires }; please do not forward it.

visit-ics-summary = Visit with { $who }
visit-ics-bring = What to bring: { $bring }
visit-mail-bring = What to bring: { $bring }
visit-mail-booked-subject = Your visit with { $who }: { $when }
visit-mail-booked-body =
    Dear { $name },

    Your visit with { $who } is booked for { $when }.
    Where: { $where }

    The calendar entry is attached. To cancel or move the visit: { $manage }
visit-mail-moved-subject = Your visit with { $who } was moved: { $when }
visit-mail-moved-body =
    Dear { $name },

    Your visit with { $who } is now on { $when }.
    Where: { $where }

    The attached calendar entry replaces the earlier one. To cancel or move the visit: { $manage }
visit-mail-cancelled-subject = Your visit with { $who } is cancelled
visit-mail-cancelled-body =
    Dear { $name },

    Your visit with { $who } on { $when } is cancelled. The attached entry removes it from your calendar.

    To book another time: { $manage }
visit-mail-reminder-subject = Reminder: your visit with { $who } tomorrow
visit-mail-reminder-body =
    Dear { $name },

    A reminder of your visit with { $who } on { $when }.
    Where: { $where }

    If you cannot come, please cancel or move it so that someone else can have the time: { $manage }

## The patient's link page.

plink-page-title = Your referral to { $receiver }
plink-page-valid = Your personal link · valid until { $date } · please do not forward it
plink-to = To
plink-from = From
plink-when = Sent
plink-why = Why
plink-bring = What to bring
plink-visits = Your visits
plink-cancel-visit = Cancel this visit
plink-move-visit = Move it to another time
plink-book-title = Book a visit
plink-move-title = Choose the new time
plink-times-in = Times are in { $zone } time.
plink-no-slots = There are no free times in the next four weeks. Please call the practice.
plink-time = Time
plink-book = Book
plink-move = Move the visit here
plink-snapshot = What your doctor shared
plink-access = Who viewed this referral
plink-access-hint = Every time someone opens this referral, or your link is used, it is recorded here.
plink-access-empty = Nobody has viewed it yet.
plink-access-pages = Access log pages
plink-access-older = Older entries
plink-access-when = When
plink-access-who = Who
plink-access-what = What
plink-booked = Your visit is booked. A calendar entry is on its way to your e-mail.
plink-cancelled = The visit is cancelled. A cancellation for your calendar is on its way to your e-mail.
plink-approved = Thank you. Your referral has been sent to the specialist.
plink-declined = You declined. Your doctor has been told.
book-times-in = Times are in { $zone } time.

## The referrer's view of the patient's link (on the referral page).

ref-plink-title = The patient's personal link
ref-plink-explain = The patient has no portal account: Handoff writes to { $email } when the referral needs them, with a personal link to this referral.
ref-plink-live = The link is valid until { $date } and was opened { $uses } time(s).
ref-plink-none = There is no live link now (it was withdrawn or ran out, or none was needed yet).
ref-plink-withdraw = Withdraw the link
ref-plink-send = Send a new link

## Forms: the practice's time zone, the patient's language.

practice-time-zone = Time zone
practice-time-zone-hint = An IANA name, like Asia/Kolkata. Your hours are in this zone, and patients see every time in it.
patients-language = Language for e-mails and the personal link
patients-language-hint = Without a portal account, the patient hears from Handoff by e-mail in this language.

## What the patient reads of a referral's status and timeline (a rejection reads "In review").

patient-status-not-sent = Not sent
patient-status-approval-needed = Your approval is needed
patient-status-declined = You declined
patient-status-sent = Sent to { $receiver }
patient-status-in-review = In review
patient-status-book-visit = Book a visit
patient-status-see-you-first = { $receiver } would like to see you first
patient-status-accepted = Accepted by { $receiver }
patient-status-completed = Completed
patient-status-cancelled = Cancelled
patient-status-expired = Closed without a decision
patient-status-report-ready = Report ready
patient-event-for-approval = Sent to you for approval
patient-event-sent = Sent to the specialist
patient-event-approved = You approved sharing your information
patient-event-declined = You declined
patient-event-see-you-first = The specialist wants to see you first: { $note }
patient-event-accepted = Accepted
patient-event-completed = Completed
patient-event-cancelled = Cancelled
patient-event-expired = Closed without a decision. Your doctor has been told and can refer you again.
patient-event-consent-withdrawn = You withdrew your consent to share the clinical details
patient-event-updated = Updated

## The receiver's default "what to bring", by kind of referral (shown in the reader's language
## as long as the receiver did not change it).

bring-default-specialist = Photo ID, this referral, a list of your current medicines, and any recent test results or letters.
bring-default-order = Photo ID, this referral, and any earlier results or images of the same test.
bring-default-admission = Photo ID, this referral, all current medicines in their boxes, and clothes and toiletries for a few days.

## Notifications to the patient (written in their language when made).

notice-approval-needed = A referral needs your approval.
notice-sent = Your referral was sent.
notice-book-visit = Please book a visit for your referral.
notice-see-you-first = The specialist would like to see you before deciding on your referral; you will be told how the visit is arranged.
notice-accepted = Your referral was accepted.
notice-completed = Your referral is complete.
notice-cancelled = A referral about you was cancelled.
notice-expired = A referral about you was closed without a decision. Your doctor has been told.
notice-updated = Your referral was updated.
flash-visit-booked = Visit booked. It is in your appointments.
flash-visit-cancelled = Appointment cancelled. The slot is free again; book another time from the practitioner's calendar.

## The e-mail copy of a notification (for people who turned it on): no patient details.

mail-notification-subject = New notification in Handoff
mail-notification-body =
    Dear { $name },

    There is something new for you in Handoff. Sign in to read it:
    { $link }

    You get these e-mails because you turned them on; turn them off under Account.
