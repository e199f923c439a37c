-- Issue 15, acting on behalf of: an assistant is a clinic's account that works for named
-- practitioners of that clinic. SQLite cannot alter the role CHECK: rebuild `users` (the
-- migration runner turns foreign keys off around migrations and checks every reference
-- afterwards, see db::run_migrations).
CREATE TABLE users_new (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('practitioner', 'patient', 'clinic_admin', 'assistant')),
    display_name TEXT NOT NULL,
    clinic_id TEXT NOT NULL REFERENCES clinics(id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    password_changed_at TIMESTAMP NOT NULL,
    email_notifications BOOLEAN NOT NULL DEFAULT 0,
    sign_in_alerts BOOLEAN NOT NULL DEFAULT 1,
    language TEXT NOT NULL DEFAULT ''
);
INSERT INTO users_new (id, email, password_hash, role, display_name, clinic_id, active,
    created_at, password_changed_at, email_notifications, sign_in_alerts, language)
SELECT id, email, password_hash, role, display_name, clinic_id, active,
    created_at, password_changed_at, email_notifications, sign_in_alerts, language FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_clinic ON users(clinic_id, role);

-- Whom an assistant works for (practitioners of the assistant's clinic).
CREATE TABLE assistants (
    assistant_id TEXT NOT NULL REFERENCES users(id),
    practitioner_id TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (assistant_id, practitioner_id)
);
CREATE INDEX assistants_practitioner ON assistants(practitioner_id, assistant_id);

-- A draft an assistant prepared, waiting for the practitioner's signature (their "to sign"
-- list); the row goes when the draft is sent or deleted.
CREATE TABLE drafts_to_sign (
    referral_id TEXT PRIMARY KEY NOT NULL REFERENCES referrals(id),
    principal_id TEXT NOT NULL REFERENCES users(id),
    prepared_by TEXT NOT NULL REFERENCES users(id),
    note TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX drafts_to_sign_principal ON drafts_to_sign(principal_id, at);

-- Who did a move when it was done on someone's behalf: `actor_id` stays whose move it is
-- (the practitioner), `acted_by` is the assistant ("by Anita Rao for Dr Asha Kulkarni").
ALTER TABLE referral_events ADD COLUMN acted_by TEXT REFERENCES users(id);
