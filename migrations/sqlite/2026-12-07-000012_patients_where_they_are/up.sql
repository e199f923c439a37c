-- Patients where they are (issue 13): a language on accounts and on charts, a time zone on
-- practices, personal links for patients without a portal account, and calendar entries.

-- '' means "not chosen": the browser's Accept-Language decides.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
-- The language e-mails and the patient link speak to a patient who has no account.
ALTER TABLE patients ADD COLUMN language TEXT NOT NULL DEFAULT '';
-- Opening hours are wall-clock times in this zone (an IANA name); appointments are stored
-- in UTC. Existing practices were run on UTC wall clocks, so they keep exactly their slots.
ALTER TABLE practices ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';

-- A calendar entry keeps one UID across reschedules (the new appointment row inherits it)
-- and a SEQUENCE that grows with every change, so calendar apps update the entry in place.
ALTER TABLE appointments ADD COLUMN calendar_uid TEXT;
ALTER TABLE appointments ADD COLUMN calendar_seq BIGINT NOT NULL DEFAULT 0;

-- A patient's personal link to one referral: random nonce, only its token's hash stored,
-- expiring, withdrawable, every use audited.
CREATE TABLE patient_links (
    id TEXT PRIMARY KEY NOT NULL,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    patient_id TEXT NOT NULL REFERENCES patients(id),
    token_hash TEXT NOT NULL UNIQUE,
    nonce TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    last_used_at TIMESTAMP,
    uses BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX patient_links_referral ON patient_links(referral_id, created_at);

-- Mail to patients: the iCalendar attachment (text/calendar), the patient link whose URL
-- `{plink}` stands for, and the appointment a reminder is about (a reminder whose visit was
-- cancelled or moved is dropped, not sent).
ALTER TABLE outbox ADD COLUMN calendar TEXT;
ALTER TABLE outbox ADD COLUMN patient_link_id TEXT REFERENCES patient_links(id);
ALTER TABLE outbox ADD COLUMN appointment_id TEXT REFERENCES appointments(id);
CREATE INDEX outbox_appointment ON outbox(appointment_id);

-- A patient approving through their link records their own consent (method 'link'); they
-- have no account, so nobody else is named as having recorded it. SQLite cannot alter a
-- CHECK or a NOT NULL: rebuild the table (nothing references it).
CREATE TABLE consents_new (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    recipient_id TEXT NOT NULL REFERENCES users(id),
    method TEXT NOT NULL CHECK (method IN ('verbal', 'in_app', 'link')),
    scope TEXT NOT NULL,
    recorded_by TEXT REFERENCES users(id),
    recorded_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP
);
INSERT INTO consents_new SELECT id, patient_id, referral_id, recipient_id, method, scope, recorded_by, recorded_at, withdrawn_at FROM consents;
DROP TABLE consents;
ALTER TABLE consents_new RENAME TO consents;
CREATE INDEX consents_referral ON consents(referral_id);
CREATE INDEX consents_patient ON consents(patient_id);
