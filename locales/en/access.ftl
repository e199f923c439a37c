## "Who viewed my data": what each kind of audit row means to the patient, and who did it.

access-chart-viewed = Opened your health record
access-file-downloaded = Downloaded a file ({ $detail })
access-snapshot-viewed = Read the clinical details shared with a referral
access-referral-viewed = Opened a referral about you
access-submitted = Sent a referral about you
access-approved = You approved a referral
access-declined = You declined a referral
access-require-visit = Asked to see you before deciding
access-accepted = Accepted a referral about you
access-completed = Completed a referral about you
access-cancelled = Cancelled a referral about you
access-consent-recorded = Consent to share recorded
access-consent-withdrawn = Consent withdrawn
access-care-team-added = Shared your record with a colleague ({ $detail })
access-thread-viewed = Read your messages with them
access-message-sent = Wrote to you
access-link-used = Your personal link was used
access-link-refused = Someone tried your personal link after it was withdrawn or had run out
access-other = { $detail }
access-role-practitioner = practitioner
access-role-patient = patient
access-role-clinic_admin = clinic admin
access-role-external = doctor outside the network
access-role-patient_link = your personal link
access-role-system = Handoff
access-role-anonymous = not signed in
