-- The clock (issue 14): a due time on every open referral, each clinic's service levels,
-- the reminders already sent (one per referral, due time and stage, whichever instance
-- sends it), the jobs the instances share under a lease, and 'expired' as a terminal status.
ALTER TABLE referrals DROP CONSTRAINT referrals_status_check;
ALTER TABLE referrals ADD CONSTRAINT referrals_status_check CHECK (status IN ('draft', 'awaiting_patient',
    'declined_by_patient', 'sent', 'need_info', 'visit_required', 'accepted', 'completed', 'rejected',
    'cancelled', 'expired'));
-- When the party whose turn it is must act (NULL: nobody must); written with the status.
ALTER TABLE referrals ADD COLUMN due_at TIMESTAMP;
-- The lists' "most overdue first" and the clock job's scan read these ranges.
CREATE INDEX referrals_inbox_due ON referrals(receiver_id, due_at, id);
CREATE INDEX referrals_sender_due ON referrals(sender_id, due_at, id);
CREATE INDEX referrals_due ON referrals(due_at);
-- The inbox's overdue and due-today counts (only what reached the receiver counts).
CREATE INDEX referrals_inbox_status_due ON referrals(receiver_id, status, due_at);

CREATE TABLE clinic_clocks (
    clinic_id TEXT PRIMARY KEY NOT NULL REFERENCES clinics(id),
    routine_triage_days BIGINT NOT NULL,
    urgent_triage_days BIGINT NOT NULL,
    emergency_triage_hours BIGINT NOT NULL,
    need_info_days BIGINT NOT NULL,
    approval_days BIGINT NOT NULL,
    book_visit_days BIGINT NOT NULL,
    outcome_days BIGINT NOT NULL,
    remind_before_hours BIGINT NOT NULL,
    escalate_after_days BIGINT NOT NULL,
    expire_after_days BIGINT NOT NULL,
    -- An accepted referral whose visit was attended, with an outcome drafted, is completed
    -- with the draft this many days after the visit.
    auto_close_days BIGINT NOT NULL,
    -- The clinic's holidays, YYYY-MM-DD separated by commas.
    holidays TEXT NOT NULL,
    -- The zone the clinic's working days are counted in (an IANA name).
    time_zone TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE clock_reminders (
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    due_at TIMESTAMP NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('near', 'passed', 'escalated')),
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (referral_id, due_at, stage)
);

CREATE TABLE jobs (
    name TEXT PRIMARY KEY NOT NULL,
    every_seconds BIGINT NOT NULL,
    next_run_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    last_started_at TIMESTAMP,
    last_finished_at TIMESTAMP,
    last_error TEXT,
    runs BIGINT NOT NULL,
    failures BIGINT NOT NULL
);
