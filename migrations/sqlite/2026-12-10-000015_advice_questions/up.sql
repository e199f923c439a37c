-- Advice questions (issue 16): a question is a referral row of kind 'advice' with its own
-- small lifecycle in the same machine (asked -> answered, or converted into a referral),
-- and a referral may be returned to its sender with advice. Both need new values in the
-- CHECKs: SQLite cannot alter a CHECK, so the referrals table is rebuilt as in the clock's
-- migration (the runner turns foreign keys off around it and checks them afterwards).
CREATE TABLE referrals_new (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL DEFAULT 'specialist' CHECK (kind IN ('specialist', 'lab', 'imaging', 'admission', 'external', 'advice')),
    patient_id TEXT NOT NULL REFERENCES patients(id),
    sender_id TEXT NOT NULL REFERENCES users(id),
    sender_clinic_id TEXT NOT NULL REFERENCES clinics(id),
    receiver_id TEXT NOT NULL REFERENCES users(id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'awaiting_patient', 'declined_by_patient', 'sent', 'need_info',
        'visit_required', 'accepted', 'completed', 'rejected', 'cancelled', 'expired', 'answered', 'converted',
        'returned')),
    version BIGINT NOT NULL,
    priority TEXT NOT NULL CHECK (priority IN ('routine', 'urgent', 'emergency')),
    priority_rank BIGINT NOT NULL,
    see_by TEXT,
    reason TEXT NOT NULL,
    message TEXT NOT NULL,
    doctor_only BOOLEAN NOT NULL,
    snapshot TEXT NOT NULL,
    scope TEXT NOT NULL,
    what_to_bring TEXT NOT NULL,
    redirected_from TEXT REFERENCES referrals(id),
    redirected_to TEXT REFERENCES referrals(id),
    reject_code TEXT,
    reject_note TEXT,
    cancel_reason TEXT,
    decline_reason TEXT,
    outcome_summary TEXT,
    outcome_advice TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    received_at TIMESTAMP,
    accepted_at TIMESTAMP,
    completed_at TIMESTAMP,
    waiting_since TIMESTAMP NOT NULL,
    -- When the party whose turn it is must act (NULL: nobody must); written with the status.
    due_at TIMESTAMP
);
INSERT INTO referrals_new SELECT id, kind, patient_id, sender_id, sender_clinic_id, receiver_id, status, version,
    priority, priority_rank, see_by, reason, message, doctor_only, snapshot, scope, what_to_bring,
    redirected_from, redirected_to, reject_code, reject_note, cancel_reason, decline_reason,
    outcome_summary, outcome_advice, created_at, updated_at, submitted_at, received_at, accepted_at,
    completed_at, waiting_since, due_at FROM referrals;
DROP TABLE referrals;
ALTER TABLE referrals_new RENAME TO referrals;
CREATE INDEX referrals_inbox ON referrals(receiver_id, status, waiting_since, id);
CREATE INDEX referrals_inbox_waiting ON referrals(receiver_id, waiting_since, id);
CREATE INDEX referrals_inbox_senders ON referrals(receiver_id, sender_id, status);
CREATE INDEX referrals_inbox_priority ON referrals(receiver_id, priority_rank, waiting_since, id);
CREATE INDEX referrals_sender ON referrals(sender_id, status, updated_at);
CREATE INDEX referrals_patient ON referrals(patient_id, created_at);
CREATE INDEX referrals_clinic_open ON referrals(sender_clinic_id, status, submitted_at);
CREATE INDEX referrals_sender_open ON referrals(sender_id, status, submitted_at);
-- The lists' "most overdue first" and the clock job's scan read these ranges.
CREATE INDEX referrals_inbox_due ON referrals(receiver_id, due_at, id);
CREATE INDEX referrals_sender_due ON referrals(sender_id, due_at, id);
CREATE INDEX referrals_due ON referrals(due_at);
-- The inbox's overdue and due-today counts (only what reached the receiver counts).
CREATE INDEX referrals_inbox_status_due ON referrals(receiver_id, status, due_at);


-- What a question carries besides its referral row: whether the sender allowed the
-- specialist to turn it into a referral, whether the answer recommends one, and the
-- referral it became (converted) or the recommended one the sender sent: linked both ways
-- (a referral finds its question through the index).
CREATE TABLE questions (
    referral_id TEXT PRIMARY KEY NOT NULL REFERENCES referrals(id),
    may_convert BOOLEAN NOT NULL,
    recommends BOOLEAN NOT NULL DEFAULT FALSE,
    made_referral_id TEXT REFERENCES referrals(id),
    made_how TEXT CHECK (made_how IN ('converted', 'recommended'))
);
CREATE INDEX questions_made ON questions(made_referral_id);

-- The clinic's service level for answering a question (one working week by default).
ALTER TABLE clinic_clocks ADD COLUMN advice_days BIGINT NOT NULL DEFAULT 5;
