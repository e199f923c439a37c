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
