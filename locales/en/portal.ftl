## Signing in, the account pages, notifications, messages, the patient's portal pages,
## booking a visit and joining a clinic.

## Sign in (login.html, login_code.html)

login-title = Sign in to Handoff
login-lead = For practitioners, patients and clinic administrators.
login-email = E-mail
login-password = Password
login-submit = Sign in
login-code-title = Second step
login-code-lead = Open your authenticator app and type the six-digit code it shows for Handoff. Lost your phone? Type one of your recovery codes instead.
login-code-label = Code
login-code-continue = Continue
login-code-cancel = Cancel

## Password and e-mail notifications (password.html)

account-password-title = Change your password
account-password-lead = Changing it signs you out on every other device.
account-password-current = Current password
account-password-new = New password
account-password-hint = At least 10 characters. A few unrelated words work well.
account-password-again = New password again
account-password-submit = Change password
account-mail-title = E-mail notifications
account-mail-label = Also tell me by e-mail when there is something new. The e-mail says only that there is something to read, never which patient.
account-save = Save

## Second factor (account/second_factor.html)

account-2fa-title = Second factor
account-2fa-done-lead = Your second factor is set up. From now on, signing in asks for a code from your app.
account-2fa-recovery-title = Your recovery codes
account-2fa-recovery-text = Each works once, instead of a code, if you lose your phone. Print them or keep them somewhere safe: they are shown only now.
account-2fa-continue = Continue to Handoff
account-2fa-enrolled-lead = Signing in asks for a code from your authenticator app.
account-2fa-codes-left = { $count } of 10 recovery codes left.
account-2fa-codes-low = Ask your clinic's administrator to reset your second factor; you then set it up again, with new codes.
account-2fa-required = Your clinic requires a second factor for its staff. Set it up to continue.
account-2fa-lead = A second factor keeps your patients' records safe even if someone learns your password.
account-2fa-step-install = Install an authenticator app on your phone (for example FreeOTP, Aegis, Google Authenticator or Microsoft Authenticator).
account-2fa-step-scan = Scan this code with it:
account-2fa-qr-alt = QR code for setting up Handoff in an authenticator app
account-2fa-or-key = or type this key:
account-2fa-key-kind = (time-based, 6 digits, 30 seconds).
account-2fa-step-type = Type the six-digit code the app shows:
account-2fa-code = Code from the app
account-2fa-submit = Turn on the second factor

## Sessions and sign-in alerts (account/sessions.html)

account-sessions-title = Where you are signed in
account-sessions-lead = Sessions end after 30 minutes without use and 12 hours after sign-in. End any you do not recognise, then change your password.
account-sessions-region = Sessions
account-sessions-browser = Browser
account-sessions-address = Address
account-sessions-signed-in = Signed in
account-sessions-last-used = Last used
account-sessions-action = Action
account-sessions-this-device = This device
account-sessions-end-one = Sign out this one
account-sessions-end-others = Sign out everywhere else
account-alerts-title = Sign-in alerts
account-alerts-label = E-mail me when my account is signed in from a browser it was not signed in from before.

## Notifications (notifications.html)

portal-notifications-title = Notifications
portal-notifications-empty = Nothing new.
portal-notifications-pages = Notification pages
portal-notifications-older = Older notifications
portal-notifications-new = New

## Messages (threads/list.html, threads/show.html)

thread-messages = Messages
thread-list-empty = No conversations yet. Referrals start them.
thread-list-pages = Conversation pages
thread-list-older = Older conversations
thread-unread = unread
thread-with-colleague = Colleague
thread-with-patient = Practitioner and patient
# $at: day and time, "2026-12-07 10:30"
thread-last-message = last message { $at } UTC
thread-breadcrumb = Breadcrumb
thread-open-referral = Open the referral
thread-book-visit = Book a visit
thread-write = Write a message
thread-send = Send

## Who viewed my data (portal/access.html)

portal-access-title = Who viewed my data
portal-access-lead = Every time someone outside your own care team opened your records, and every time your information was shared. Your own doctors' routine use of your record is not listed.
portal-access-empty = Nobody outside your care team has opened your records.
portal-access-pages = Access log pages
portal-access-older = Older entries
portal-access-caption = Accesses to your records, newest first
portal-access-when = When (UTC)
portal-access-who = Who
portal-access-what = What

## My consents (portal/consents.html)

portal-consents-title = My consents
portal-consents-lead = What you agreed to share, with whom. Withdrawing stops the receiving doctor from opening the shared details from that moment; they still see that the referral exists.
portal-consents-empty = You have not given any consent to share.
portal-consent-shared-with = Shared with { $recipient }
# $reason: the referral's reason, as the referring doctor wrote it
portal-consent-for = For: { $reason }
portal-consent-the-referral = the referral
# $at: day and time, "2026-12-07 10:30"
portal-consent-verbal = You told your doctor, who recorded it on { $at } UTC
portal-consent-portal = You approved it in the portal on { $at } UTC
# $date: "2026-12-07"
portal-consent-withdrawn = Withdrawn { $date }
portal-consent-withdraw = Withdraw consent

## My referrals (referrals/patient_list.html)

portal-referrals-title = My referrals
portal-referrals-empty = You have no referrals.
portal-referral-to = To { $receiver }
portal-referral-from = From { $sender }

## My appointments (schedule/mine.html)

appt-mine-title = My appointments
appt-mine-empty = No appointments. When a specialist accepts a referral, use “Book a visit”.
appt-mine-pages = Appointment pages
appt-mine-later = Later appointments
appt-with = With { $who }
appt-for-referral = for your referral
appt-cancel = Cancel
appt-reschedule = Reschedule
# A visit's status, by its stored code.
appt-status-booked = Booked
appt-status-attended = Attended
appt-status-no_show = Missed
appt-status-cancelled = Cancelled

## A practitioner's page and booking (practitioners/show.html)

# $languages: as the practitioner's clinic wrote them, "English, Marathi"
book-speaks = Speaks { $languages }.
book-accepting = Accepting referrals
book-not-accepting = Not accepting referrals
book-title = Book a visit
book-title-reschedule = Choose the new time
book-visit-length = visits of { $count } minutes
book-no-slots = No free slots in the next four weeks.
book-time = Time
book-submit = Book

## Joining a clinic (join.html)

join-title = Join { $clinic } on Handoff
join-lead = { $clinic } has added you as one of its practitioners.
join-name = Name
join-specialty = Specialty
join-sign-in-address = Sign-in address
join-takes-over = Choosing a password takes over the account that received your referrals by e-mail.
join-referrals-move =
    { $count ->
        [one] The referral sent to you so far moves into your Handoff inbox, and the links in earlier e-mails stop working.
       *[other] The { $count } referrals sent to you so far move into your Handoff inbox, and the links in earlier e-mails stop working.
    }
# $until: day and time, "7 December 2026 10:30"
join-open-until = The invitation is open until { $until } UTC.
join-password = Choose a password
join-password-hint = At least 10 characters. A few unrelated words work well.
join-password-again = The password again
join-submit = Join { $clinic }
join-not-you = Not you, or not expected? Close this page: nothing changes unless you choose a password.
