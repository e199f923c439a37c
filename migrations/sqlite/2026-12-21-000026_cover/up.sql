-- Issue 15, cover: a practitioner away from `first_day` to `last_day` (both included, in
-- the clinic's calendar) names a colleague of their clinic who covers. A referral sent to
-- them on one of those days goes to the colleague, and `referrals.covering_for` keeps whom
-- it was addressed to (the timeline, the inbox and the sender say "covering for Dr X").
CREATE TABLE away_periods (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    covering_id TEXT NOT NULL REFERENCES users(id),
    first_day DATE NOT NULL,
    last_day DATE NOT NULL,
    note TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (first_day <= last_day),
    CHECK (covering_id <> user_id)
);
-- "Is X away today": one index range per practitioner, bounded by their few periods.
CREATE INDEX away_periods_user ON away_periods(user_id, last_day);
ALTER TABLE referrals ADD COLUMN covering_for TEXT;

-- A hand-over passes the patient's consent to the receiver on to the colleague covering
-- for them (method 'cover', recorded by the receiver; the patient sees and may withdraw
-- it). SQLite cannot alter a CHECK: rebuild the table (nothing references it).
CREATE TABLE consents_new (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    recipient_id TEXT NOT NULL REFERENCES users(id),
    method TEXT NOT NULL CHECK (method IN ('verbal', 'in_app', 'link', 'cover', 'service')),
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
