## A practitioner's working pages: inbox, sent referrals, writing a referral, the
## directory search, patients, analytics, the clinic's administration and audit log,
## the practice hours and week, and an outside doctor's link page.

## Inbox (referrals/inbox.html)

inbox-title = Inbox
inbox-lead = Referrals sent to you, oldest waiting first.
inbox-by-status = Referrals by status
inbox-status = Status
inbox-any = Any
inbox-priority = Priority
inbox-turn = Whose turn
inbox-anyone = Anyone
inbox-turn-mine = Mine
inbox-turn-sender = The referrer's
inbox-turn-patient = The patient's
inbox-from = From
inbox-received-from = Received from
inbox-received-until = Received until
inbox-sort = Sort
inbox-sort-oldest = Oldest waiting first
inbox-sort-urgent = Most urgent first
inbox-filter = Filter
inbox-clear = Clear
inbox-empty = Nothing here.
inbox-caption = Incoming referrals
inbox-col-patient = Patient
inbox-col-waiting-since = Waiting since
inbox-pages = Inbox pages
inbox-next-page = Next page

## Sent referrals (referrals/sent.html)

sent-title = Sent referrals
sent-open-loops = Open loops
sent-open-loops-hint = Referrals you sent that are not completed, cancelled or declined by the patient, by time since sending.
sent-open-by-age = Open loops by age
# $date: the day it was sent (2026-12-07)
sent-sent-on = Sent { $date }
sent-by-status = Referrals by status
sent-all = All
sent-empty = No referrals.
sent-caption = Referrals you sent
sent-col-patient = Patient
sent-col-to = To
sent-col-status = Status
sent-col-last-change = Last change

## Writing a referral (referrals/compose.html)

compose-breadcrumb = Breadcrumb
compose-find-specialist = Find a specialist
compose-crumb-referral = Referral
# $name: the patient's full name
compose-title = Refer { $name }
compose-to = To
compose-admission = Hospital admission: the packet must carry vitals, current prescriptions, allergies and recent visits. It is urgent by default.
compose-not-accepting = { $name } is not accepting referrals at the moment. You can still send; expect a delay or a redirect.
compose-choose-else = Choose someone else
# $address: the outside doctor's e-mail address
compose-outside-address = Outside the network: { $address } gets the letter as a PDF and a personal link by e-mail when you send.
compose-outside-hint = A doctor outside the network gets the referral letter as a PDF and a personal link by e-mail. They answer on the web, without an account, or by replying to the e-mail.
compose-ext-name = Doctor's name
compose-ext-email = E-mail address
compose-ext-specialty = Specialty
compose-ext-practice = Practice or hospital
compose-directory-instead = Find someone in the directory instead
compose-refer-outside = Refer to a doctor outside the network
compose-why = Why, and how soon
compose-priority = Priority
compose-see-by = See by (optional)
compose-reason = Reason for referral
compose-tests = Tests asked for (one per line)
compose-message = Message to the receiver (optional)
compose-snapshot = Clinical snapshot
compose-snapshot-hint = Prefilled from the chart. Tick what to share and edit the text as needed; only ticked sections leave the clinic, and only with the patient's consent.
# $section: the section's title (Allergies, Current medication...)
compose-section-text = { $section } text
compose-no-files = No lab or imaging files on the chart.
compose-doctor-only = Doctor-only: the patient sees that they were referred, to whom and the status, never the snapshot
compose-consent = Consent
# $name: the patient's given name
compose-approval = This clinic asks patients to approve referrals. On sending, { $name } sees who it is to, why, and exactly what would be shared, and approves or declines in the patient portal. Their approval is the consent.
compose-verbal-consent = I confirm that { $name } gave verbal consent to share the ticked sections with the receiver.
compose-send-for-approval = Send to the patient for approval
compose-send = Send referral
compose-save-draft = Save as draft

## Finding a specialist (referrals/search.html)

search-breadcrumb = Breadcrumb
search-crumb = Refer to another specialist
search-title = Find a specialist for { $name }
search-redirecting = Redirecting a declined referral: choose someone else; the draft is prefilled from it.
search-name-or-specialty = Name or specialty
search-placeholder = e.g. cardio, Siddiqui
search-hint = Part of a name works, and so does a name with a letter wrong.
search-city = City
search-any-city = Any city
search-language = Language
search-any-language = Any language
search-submit = Search
search-found =
    { $count ->
        [one] { $count } result
       *[other] { $count } results
    }
search-none = Nobody matches. Try fewer words, or remove a filter.
# Followed by a link (search-refer-outside), then search-refer-outside-after.
search-not-listed = Not in the directory?
search-refer-outside = Refer to a doctor outside the network
search-refer-outside-after = : they get a PDF letter and a personal link by e-mail.
# $languages: the languages the practitioner speaks, as the practitioner wrote them
search-speaks = Speaks { $languages }
search-accepting = Accepting referrals
search-not-accepting = Not accepting referrals
search-refer-to = Refer to { $name }
search-result-pages = Result pages
search-previous = Previous
search-page = Page { $page }
# Follows search-page.
search-page-of = of { $pages }
search-next = Next

## Patients (patients/list.html, patients/new.html)

patients-title = Your patients
patients-register = Register a patient
patients-search-label = Search by name or date of birth
patients-search-placeholder = e.g. Sharma or 1980-04-23
patients-search = Search
patients-count =
    { $count ->
        [one] { $count } patient
       *[other] { $count } patients
    }
# After patients-count when searching; $query is what was typed.
patients-matching = matching “{ $query }”
patients-none = No patients found.
patients-none-hint = Try part of the name, or a date of birth like 1980-04-23.
# Followed by patients-page-of.
patients-caption = Patients, page { $page }
patients-col-name = Name
patients-col-dob = Date of birth
patients-col-record = Record no.
patients-col-phone = Phone
patients-pages = Pages
patients-previous = Previous
patients-page = Page { $page }
# Follows patients-page and patients-caption.
patients-page-of = of { $pages }
patients-next = Next
patients-new-title = Register a patient
patients-new-lead = You will be in the patient's care team. Fields marked optional may be left empty.
patients-given-name = Given name
patients-family-name = Family name
patients-date-of-birth = Date of birth
patients-sex = Sex
patients-record-number = Record number
patients-record-number-hint = The clinic's own number for this patient.
patients-phone = Phone (optional)
patients-portal = Patient portal (optional)
patients-portal-hint = With an e-mail and a temporary password the patient can sign in and see their record.
patients-email = E-mail (optional)
patients-portal-password = Temporary portal password (optional)
patients-portal-password-hint = At least 10 characters; tell it to the patient in person.
patients-register-submit = Register patient
patients-cancel = Cancel

## Analytics (analytics/index.html)

analytics-title = Referral analytics
# $who: the clinic's name
analytics-scope-clinic = Every referral sent by the practitioners of { $who }
analytics-scope-own = The referrals you sent and received
# Follows analytics-scope-clinic or analytics-scope-own, and is followed by analytics-period-to;
# $from and $to are days (2026-09-07).
analytics-period-from = , weeks starting Monday { $from }
analytics-period-to = to { $to } (UTC). Rates and times are for referrals sent in the period.
analytics-from = From
analytics-to = To
analytics-period-hint = Whole weeks, Monday to Sunday (UTC), at most two years.
analytics-show = Show
analytics-last-12-weeks = Last 12 weeks
analytics-summary = Summary
analytics-sent = Sent
analytics-received = Received
analytics-accepted = Accepted
analytics-completed = Completed
analytics-conversion-long = Conversion (accepted or completed ÷ sent)
analytics-conversion = Conversion
analytics-tta-median = Time to accept, median
analytics-tta-p90 = Time to accept, 90th percentile
analytics-ttc-median = Time to completion, median
analytics-ttc-p90 = Time to completion, 90th percentile
analytics-p90 = 90th percentile
analytics-times-hint = Time to accept runs from when the receiver was handed the referral; time to completion from when it was sent. Times are exact to the hour up to two days, then by day up to two weeks, then by week.
analytics-export = Export CSV
analytics-weekly = Referrals per week
# The largest value on a chart's scale.
analytics-chart-max = max { $max }
analytics-weekly-caption = Referrals per week (week starting Monday)
analytics-week-starting = Week starting
analytics-reasons = Decline reasons
analytics-reasons-caption = Referrals declined by the receiver, by reason
analytics-reason = Reason
analytics-declined = Declined
analytics-open-loops = Open loops by age
analytics-open-loops-hint = Sent and not yet completed, cancelled or declined by the patient, by time since sending, as of now.
analytics-age = Age
analytics-open-loops-col = Open loops
analytics-top-specialists = Top specialists referred to
analytics-none-sent = No referrals sent in the period.
analytics-top-specialists-caption = The { $count } practitioners referred to most in the period
analytics-specialist = Specialist
analytics-outside-network = (outside the network)
analytics-top-clinics = Top clinics referred to
analytics-top-clinics-caption = The { $count } organisations referred to most in the period
analytics-clinic = Clinic

## The clinic's administration (admin/index.html, admin/practitioner.html)

admin-settings = Referral settings
admin-requires-approval = Patients must approve referrals before they are sent
admin-booking-prompts = Show “Book a visit” prompts to patients
admin-second-factor-required = Practitioners and administrators must use a second factor (an authenticator app); each sets one up at their next sign-in
admin-save-settings = Save settings
admin-failed-sign-ins = Failed sign-ins
admin-wrong-codes = Wrong second-step codes
admin-practitioners = Practitioners
admin-add-practitioner = Add a practitioner
admin-practitioners-caption = Practitioners of { $clinic }
admin-col-name = Name
admin-col-specialty = Specialty
admin-col-languages = Languages
admin-col-referrals = Referrals
admin-col-account = Account
admin-col-sent = Sent
admin-col-status = Status
admin-col-action = Action
admin-accepting = Accepting
admin-not-accepting = Not accepting
admin-active = Active
admin-deactivated = Deactivated
admin-invitations = Invitations to doctors outside the network
admin-invitations-hint = Each doctor joins by opening the link e-mailed to them and choosing a password.
admin-invitations-caption = Open invitations
admin-invitation-ran-out = Ran out { $date }
admin-invitation-open-until = Open until { $date }
admin-withdraw = Withdraw
# Read by screen readers after admin-withdraw.
admin-withdraw-invitation-to = the invitation to { $name }
admin-full-name = Full name
admin-full-name-hint = As patients should see it, without the title.
admin-title-field = Title
admin-email = E-mail (used to sign in)
admin-specialty = Specialty
admin-city = City
admin-languages = Languages
admin-languages-hint = Separated by commas.
admin-accepting-referrals = Accepting referrals
admin-account-active = Account active (unticking signs them out everywhere)
admin-initial-password = Initial password
admin-initial-password-hint = A doctor outside the network who already receives referrals at this address is invited by e-mail instead, and chooses their own password.
admin-password = Password
admin-password-hint = At least 10 characters.
admin-password-again = Password again
admin-save = Save
admin-cancel = Cancel
admin-second-factor = Second factor
admin-second-factor-hint = If they lost the phone with their authenticator app, remove their second factor: they are signed out and set up a new one at their next sign-in.
admin-reset-second-factor = Reset the second factor

## The audit log (admin/audit.html)

# Followed by the command "handoff verify-audit", then admin-audit-lead-after.
admin-audit-lead = Every view, change, export, sign-in and consent change concerning this clinic's staff and patients. Rows are hash-chained;
admin-audit-lead-after = proves they were not altered.
admin-audit-title = Audit log
admin-audit-actor = Actor (e-mail or id)
admin-audit-patient-id = Patient id
admin-audit-action = Action
admin-audit-any = Any
admin-audit-from = From
admin-audit-until = Until
admin-audit-filter = Filter
admin-audit-clear = Clear
admin-audit-export = Export CSV
admin-audit-empty = No entries.
admin-audit-caption = Audit entries, newest first
admin-audit-col-when = When (UTC)
admin-audit-col-who = Who
admin-audit-col-subject = Subject
admin-audit-col-patient = Patient
# The column of the address the request came from.
admin-audit-col-from = From
admin-audit-pages = Audit pages
admin-audit-older = Older entries
admin-audit-checkpoint-title = Signed checkpoints
admin-audit-checkpoint-lead = Now and then the server signs the log's latest row with a key kept outside the database and stores the signature apart from it. A history rewritten later no longer matches the checkpoints, even with every hash recomputed.
admin-audit-checkpoint-latest = Latest checkpoint:
admin-audit-checkpoint-key = signed by the key
admin-audit-checkpoint-other-key = (not this server's key)
admin-audit-checkpoint-none = No checkpoint has been taken yet.
admin-audit-checkpoint-now = Sign a checkpoint now

## Practice hours (schedule/practice.html)

practice-title = My practice
practice-lead = Your hours in the scheduling portal. Patients book open slots from your profile for the next four weeks; referred patients get a “Book a visit” button.
practice-location = Location
practice-location-hint = Where patients come, e.g. Room 4, Harbour Health Centre
practice-visit-minutes = Visit length (minutes)
practice-weekly-hours = Weekly hours
practice-hours-hint = Like 09:00-13:00; several ranges separated by commas; empty means closed.
practice-monday = Monday
practice-tuesday = Tuesday
practice-wednesday = Wednesday
practice-thursday = Thursday
practice-friday = Friday
practice-saturday = Saturday
practice-sunday = Sunday
practice-days-off = Days off (one date per line, like 2026-12-25)
practice-save = Save practice

## A practitioner's week (schedule/week.html)

# $date: the Monday (English pages: " 7 December 2026"; other languages: "सोमवार 7 दिसंबर 2026").
week-title = Week of { $date }
week-weeks = Weeks
week-previous = Previous week
week-my-practice = My practice
week-next = Next week
week-no-appointments = No appointments.
week-referral = referral

## An outside doctor's personal link (link/show.html)

# $until: day and time (2026-12-07 10:30)
outside-link-valid = Referral sent to you through Handoff · this personal link is valid until { $until } UTC
# After the patient's name; $sender: the referring practitioner
outside-referred-by = , referred by { $sender }
outside-from = From
outside-to = To
outside-patient = Patient
# After the patient's name; $date: date of birth
outside-born = , born { $date }
# After outside-born; $record: the clinic's record number
outside-record = , record { $record }
outside-priority = Priority
outside-see-by = see by { $date }
outside-reason = Reason
outside-message = Message
outside-download-letter = Download the referral letter (PDF)
outside-your-outcome = Your outcome
outside-advice = Advice
outside-snapshot = Clinical snapshot
outside-no-sections = No clinical sections are shared.
outside-reply-title = Write to the referring practitioner
outside-reply-files = Files (optional): PDF, images, DICOM or text
outside-send = Send
outside-asks = Information you asked for
outside-answered = Answered
outside-open = Open
outside-files = Files
outside-bytes = { $size } bytes
sent-pages = Sent list pages
sent-next-page = Older referrals
