DROP TABLE jobs;
DROP TABLE clock_reminders;
DROP TABLE clinic_clocks;
DROP INDEX referrals_inbox_status_due;
DROP INDEX referrals_due;
DROP INDEX referrals_sender_due;
DROP INDEX referrals_inbox_due;
UPDATE referrals SET status = 'cancelled', cancel_reason = 'expired' WHERE status = 'expired';
ALTER TABLE referrals DROP COLUMN due_at;
ALTER TABLE referrals DROP CONSTRAINT referrals_status_check;
ALTER TABLE referrals ADD CONSTRAINT referrals_status_check CHECK (status IN ('draft', 'awaiting_patient',
    'declined_by_patient', 'sent', 'need_info', 'visit_required', 'accepted', 'completed', 'rejected',
    'cancelled'));
