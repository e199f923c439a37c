DELETE FROM consents WHERE method IN ('cover', 'service');
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
ALTER TABLE referrals DROP COLUMN covering_for;
DROP INDEX away_periods_user;
DROP TABLE away_periods;
