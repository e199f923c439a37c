-- An outside doctor's address lives with the outside doctor, apart from sign-in accounts:
-- a practitioner may refer to any address (a patient's or an admin's too) without learning
-- whether it has an account. Their users row keeps a placeholder address that no one can
-- type or receive mail at.
ALTER TABLE external_doctors ADD COLUMN email TEXT NOT NULL DEFAULT '';
UPDATE external_doctors SET email = (SELECT u.email FROM users u WHERE u.id = external_doctors.user_id);
UPDATE users SET email = 'outside.' || id || '@handoff.invalid'
    WHERE id IN (SELECT user_id FROM external_doctors);
CREATE UNIQUE INDEX external_doctors_email ON external_doctors(email);

-- A clinic's invitation to an outside doctor to take over their account as one of its
-- practitioners: the profile the admin entered, and a signed link (HMAC of the nonce; only
-- its SHA-256 is looked up) mailed to the doctor's address. Accepting is a compare-and-set
-- on accepted_at.
CREATE TABLE practitioner_invitations (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    clinic_id TEXT NOT NULL REFERENCES clinics(id),
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    title TEXT NOT NULL,
    specialty TEXT NOT NULL,
    city TEXT NOT NULL,
    languages TEXT NOT NULL,
    accepting_referrals BOOLEAN NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    nonce TEXT NOT NULL,
    invited_by TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    withdrawn_at TIMESTAMP
);
CREATE INDEX practitioner_invitations_clinic ON practitioner_invitations(clinic_id, created_at);
CREATE INDEX practitioner_invitations_user ON practitioner_invitations(user_id);

-- The invitation an outbox message carries: its link is derived from the invitation's nonce
-- when the message is sent, and only for this column (never from text in a body).
ALTER TABLE outbox ADD COLUMN invitation_id TEXT REFERENCES practitioner_invitations(id);
