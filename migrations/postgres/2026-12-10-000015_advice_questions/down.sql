DROP INDEX questions_made;
DROP TABLE questions;
ALTER TABLE clinic_clocks DROP COLUMN advice_days;
UPDATE referrals SET status = 'completed' WHERE status IN ('answered', 'converted');
UPDATE referrals SET status = 'rejected', reject_code = 'other' WHERE status = 'returned';
UPDATE referrals SET kind = 'specialist' WHERE kind = 'advice';
ALTER TABLE referrals DROP CONSTRAINT referrals_status_check;
ALTER TABLE referrals ADD CONSTRAINT referrals_status_check CHECK (status IN ('draft', 'awaiting_patient',
    'declined_by_patient', 'sent', 'need_info', 'visit_required', 'accepted', 'completed', 'rejected',
    'cancelled', 'expired'));
ALTER TABLE referrals DROP CONSTRAINT referrals_kind_check;
ALTER TABLE referrals ADD CONSTRAINT referrals_kind_check CHECK (kind IN ('specialist', 'lab', 'imaging',
    'admission', 'external'));
