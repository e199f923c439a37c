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
