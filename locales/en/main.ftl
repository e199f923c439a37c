## The page frame: navigation, language menu, footer.

brand = Handoff
skip-to-content = Skip to content
nav-menu = Menu
nav-main = Main
nav-patients = Patients
nav-inbox = Inbox
nav-sent = Sent
nav-messages = Messages
nav-calendar = Calendar
nav-analytics = Analytics
nav-my-record = My record
nav-referrals = Referrals
nav-appointments = Appointments
nav-consents = Consents
nav-access = Who viewed my data
nav-clinic = Clinic
nav-audit = Audit log
nav-notifications = Notifications
nav-unread = unread
nav-account = Password
nav-sign-out = Sign out
language-label = Language:
language-saved = The language is now English.
footer-tagline = Handoff · structured referrals between clinics

## Page titles (the browser's tab), by the English title's words.

title-sign-in = Sign in
title-account = Account
title-who-viewed-my-data = Who viewed my data
title-my-consents = My consents
title-my-appointments = My appointments
title-messages = Messages
title-notifications = Notifications
title-my-referrals = My referrals
title-my-health-record = My health record
title-second-factor = Second factor
title-second-step = Second step
title-sessions = Sessions
title-patients = Patients
title-register-a-patient = Register a patient
title-my-practice = My practice
title-calendar = Calendar
