-- Advice questions (issue 16): a question is a referral row of kind 'advice' with its own
-- small lifecycle in the same machine (asked -> answered, or converted into a referral),
-- and a referral may be returned to its sender with advice.
ALTER TABLE referrals DROP CONSTRAINT referrals_kind_check;
ALTER TABLE referrals ADD CONSTRAINT referrals_kind_check CHECK (kind IN ('specialist', 'lab', 'imaging',
    'admission', 'external', 'advice'));
ALTER TABLE referrals DROP CONSTRAINT referrals_status_check;
ALTER TABLE referrals ADD CONSTRAINT referrals_status_check CHECK (status IN ('draft', 'awaiting_patient',
    'declined_by_patient', 'sent', 'need_info', 'visit_required', 'accepted', 'completed', 'rejected',
    'cancelled', 'expired', 'answered', 'converted', 'returned'));

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
