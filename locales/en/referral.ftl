## Codes stored in the database, read by their code: l.tk("status", …), l.tk("priority", …),
## l.tk("visit", …). The English equals Status::label, the priorities' labels and
## VisitStatus::label.

status-draft = Draft
status-awaiting_patient = Awaiting patient approval
status-declined_by_patient = Declined by patient
status-sent = Sent
status-need_info = Information requested
status-visit_required = Visit required
status-accepted = Accepted
status-completed = Completed
status-rejected = Declined by receiver
status-cancelled = Cancelled
status-expired = Expired (nobody acted in time)

priority-routine = Routine
priority-urgent = Urgent
priority-emergency = Emergency

visit-booked = Booked
visit-attended = Attended
visit-no_show = Missed
visit-cancelled = Cancelled

## The referral page (templates/referrals/show.html), as its sender, its receiver and the
## patient see it.

ref-referral = Referral
ref-kind-specialist = Specialist referral
ref-kind-admission = Admission referral
ref-kind-lab = Lab referral
ref-kind-imaging = Imaging referral
# $date: the day it was created, 2026-12-07
ref-created = created { $date }
ref-turn-sender = Whose turn: the referring practitioner
ref-turn-receiver = Whose turn: the receiving practitioner
ref-turn-patient = Whose turn: the patient
ref-turn-nobody = Whose turn: nobody: this referral is closed
# $who: whose turn it is, as the code names them, in English (for a party the lines above
# do not name)
ref-turn = Whose turn: { $who }
ref-from = From
ref-to = To
ref-priority = Priority
ref-see-by = see by { $date }
ref-reason = Reason
ref-tests = Tests asked for
ref-message = Message
ref-privacy = Privacy
ref-doctor-only = Doctor-only
ref-book-visit = Book a visit
ref-letter = Referral letter (PDF)

## An out-of-network referral, as its sender sees it.

ref-outside-heading = Outside the network
# Before and after the receiver's e-mail address, which is shown in bold between them.
ref-outside-answers-before = { $name } answers through a personal link sent to
ref-outside-answers-after = , or by replying to the e-mail.
ref-mail-caption = E-mail
ref-mail-queued = Queued
ref-mail-what = What
ref-mail-to = To
ref-mail-delivery = Delivery
# After the delivery state ("sent"); $time: 14:05
ref-mail-sent-at = at { $time } UTC
ref-mail-last-error = Last error: { $error }
ref-links-caption = Links
ref-links-created = Created
ref-links-valid-until = Valid until
ref-links-state = State
ref-links-opened = Opened
# How many times the link was opened.
ref-link-uses = { $count } time(s)
ref-link-last-used = , last { $time } UTC
# $why: the mail system's reason, in English
ref-not-delivered = Not delivered: { $why }.
ref-letter-not-arrived = The letter to { $email } did not arrive.
ref-address-label = Correct address
ref-address-hint = The letter is sent again to this address with a new link; the old link stops working.
ref-address-submit = Correct the address and resend
ref-held-heading = Unverified reply from { $from }
ref-held-received = Received { $time } UTC.
# $reason: why it was held, in English
ref-held-because = Held because { $reason }.
ref-held-files = Files: { $files }
ref-held-post = Post to the timeline
ref-held-discard = Discard
ref-link-withdraw = Withdraw the link
ref-link-resend = Send the letter again with a new link

## The rest of the referral page.

ref-reply-files = Files from { $name }
ref-size-bytes = { $count } bytes
ref-bring-heading = What to bring
ref-bring-change = Change what the patient should bring
ref-save = Save
ref-rejected-heading = Declined by the receiver
ref-rejected-untold = The patient has not been told; they see “In review” until you redirect or cancel.
ref-visits = Visits
ref-visit-attended = Attended
ref-visit-no-show = Did not come
ref-book-again = Book another time
ref-outcome = Outcome
ref-advice = Advice
ref-outcome-with-doctor = Your referral is complete. Your doctor will discuss the outcome with you.
ref-shared-heading = What is shared
ref-snapshot-heading = Clinical snapshot
ref-no-sections = No clinical sections are shared.
# A shared section's title, by its key (the empty default: the title stored with the
# snapshot).
ref-section =
    { $code ->
        [complaint] Chief complaint
        [vitals] Vitals
        [medications] Medications and draft prescriptions
        [allergies] Allergies
        [labs] Lab and imaging files
        [visits] Recent visits
       *[unknown] {""}
    }
ref-consent = Consent
ref-consent-verbal = Verbal, attested by the referring practitioner
ref-consent-portal = Approved by the patient in the portal
ref-asks-heading = Information requested
ref-ask-round = (request { $round })
ref-ask-answered = Answered
ref-ask-open = Open
ref-answer-withheld = The answer is no longer shared with you.
ref-reports = Reports

## The timeline (templates/referrals/timeline.html, also on the outside doctor's link page).

timeline-heading = Timeline

## The command forms (templates/referrals/commands.html, also on the outside doctor's link
## page).

cmd-heading-outside = Your answer
cmd-heading-patient = Your decision
cmd-heading = What you can do now
cmd-verbal-consent = The patient gave verbal consent to share the ticked sections with { $name }.
cmd-send-for-approval = Send to the patient for approval
cmd-send = Send referral
cmd-edit-draft = Edit draft
cmd-approve-explain = Approving sends this referral to { $name } and shares the sections shown above.
cmd-approve = Approve and share
cmd-decline-reason = Reason (optional, shown to your doctor)
cmd-decline = Decline
cmd-note-optional = Note (optional)
cmd-accept-hint-outside = Shown to the referring practitioner and the patient.
cmd-accept = Accept
cmd-note-to-patient = Note to the patient (optional)
cmd-accept-hint = Shown to the patient and the referrer.
cmd-accept-next = Accept and open next
cmd-request-info = Ask for information
cmd-request-info-label = What is missing (one item per line)
cmd-require-visit = Ask to see the patient first
cmd-require-visit-submit = Ask for a visit
cmd-reject-summary = Decline this referral
cmd-reason = Reason
# A reason for declining, by its code. Keep the empty default: for a code this file does not
# know, the page shows the code's own label instead.
cmd-reject-reason =
    { $code ->
        [duplicate] Duplicate referral
        [incomplete] Incomplete information
        [out_of_scope] Out of scope for this practice
        [no_capacity] No capacity
        [other] Other
       *[unknown] {""}
    }
cmd-reject-note-outside = Note to the referring practitioner
cmd-reject-note = Note to the referrer
cmd-reject-untold = The patient is not told of a decline.
cmd-reject = Decline referral
cmd-provide-heading = Answer the request
# $ask: the question asked
cmd-files-for = Files for “{ $ask }”
cmd-attach = Attach
cmd-anything-else = Anything else (optional)
cmd-provide = Send the information
cmd-report-order = Upload the report (this completes the order)
cmd-report = Consult note or report (optional)
cmd-outcome-summary = Outcome summary
cmd-outcome-advice = Advice for the referrer and the patient
cmd-complete-outside = Send the outcome and close the referral
cmd-complete = Complete with outcome
cmd-redirect = Redirect to someone else
cmd-cancel-summary = Cancel this referral
cmd-cancel-reason = Reason for cancelling
cmd-cancel = Cancel referral

## The patient's chart (templates/patients/profile.html), for practitioners and, as "My
## record", for the patient.

profile-age = { $count } years
# By the stored code; the empty default makes the page show the code's own label.
profile-sex =
    { $code ->
        [female] Female
        [male] Male
        [other] Other
        [unknown] Not recorded
       *[unrecognised] {""}
    }
profile-born = Born { $date }
profile-record = Record { $mrn }
profile-phone = Phone { $phone }
profile-more-actions = More actions for this patient
profile-refer = Refer to another specialist
profile-record-vitals = Record vitals
profile-add-medication = Add medication or draft prescription
profile-write-visit = Write a visit note
profile-upload-file = Upload a lab or imaging file
profile-share = Share with a colleague
profile-complaints = Chief complaints
profile-none-recorded = None recorded.
profile-onset = Onset { $onset }
profile-recorded = recorded { $date }
profile-add-complaint = Add a complaint
profile-complaint = Complaint
profile-onset-optional = Onset (optional)
profile-onset-hint = For example: 3 weeks, since March
profile-save-complaint = Save complaint
profile-vitals = Vitals
profile-bp-trend = Systolic blood pressure trend
# The trends' descriptions: "5 readings, lowest 118, highest 142 mmHg, oldest on the left."
profile-trend-readings =
    { $count ->
        [one] { $count } reading
       *[other] { $count } readings
    }
profile-trend-lowest = lowest { $value }
profile-trend-highest-mmhg = highest { $value } mmHg
profile-trend-highest-bpm = highest { $value } beats per minute
profile-trend-oldest-left = oldest on the left.
# Before the range of the trend's readings: "Systolic, 118–142 mmHg".
profile-systolic-short = Systolic
# Before the range of the trend's readings: "Heart rate, 62–88 /min".
profile-heart-rate = Heart rate
profile-per-minute = /min
profile-hr-trend = Heart rate trend
profile-no-vitals = No vitals recorded.
profile-vitals-caption = Vitals, newest first
profile-taken = Taken
profile-bp = BP (mmHg)
profile-pulse = Pulse (/min)
profile-temp = Temp (°C)
profile-spo2 = SpO₂
profile-weight = Weight (kg)
profile-systolic = Systolic (mmHg)
profile-diastolic = Diastolic (mmHg)
profile-temperature = Temperature (°C)
profile-spo2-percent = SpO₂ (%)
profile-taken-at = Taken at (empty means now)
profile-save-vitals = Save vitals
profile-medications = Medications
profile-medications-caption = Medications and draft prescriptions
profile-medicine = Medicine
profile-dose = Dose
profile-frequency = Frequency
profile-status = Status
# A medication's status by its code; the empty default makes the page show the code's own label.
profile-med-status =
    { $code ->
        [current] Current
        [draft] Draft prescription
        [stopped] Stopped
       *[unknown] {""}
    }
profile-note-optional = Note (optional)
profile-save-medication = Save medication
profile-allergies = Allergies
profile-no-allergies = No known allergies recorded.
# The severity tag beside an allergy, lower case, by its code.
profile-severity-tag =
    { $code ->
        [mild] mild
        [moderate] moderate
        [severe] severe
       *[unknown] { $code }
    }
profile-add-allergy = Add an allergy
profile-substance = Substance
profile-severity = Severity
# The severity choices of the allergy form, by code (empty default: the code's own label).
profile-severity-option =
    { $code ->
        [mild] Mild
        [moderate] Moderate
        [severe] Severe
       *[unknown] {""}
    }
profile-reaction = Reaction
profile-save-allergy = Save allergy
profile-visits = Visits
profile-no-visits = No visits recorded.
profile-visit-date = Visit date
profile-reason = Reason
profile-notes = Notes
profile-save-visit = Save visit
profile-files = Lab and imaging files
profile-no-files = No files.
# A chart file's kind, by code ("other": a file of no known kind; empty default: the
# code's own label).
profile-file-kind =
    { $code ->
        [lab] Lab result
        [imaging] Imaging
        [other] File
       *[unknown] {""}
    }
profile-kind = Kind
profile-title = Title
profile-title-hint = For example: HbA1c, 12 Nov
profile-file = File
profile-file-hint = PDF, PNG, JPEG, DICOM or plain text; checked by content.
profile-upload = Upload
profile-referrals = Referrals
profile-no-referrals = No referrals yet. Use the menu (⋯) to refer this patient.
profile-care-team = Care team
profile-leave-care-team = Leave the care team
profile-remove-from-care-team = Take off the care team
profile-share-chart = Share this chart with a colleague
profile-add-to-care-team = Add to care team
