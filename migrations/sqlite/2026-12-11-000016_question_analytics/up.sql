-- Advice questions on the analytics page (issue 16): questions count apart from referrals,
-- in five more counters: asked, answered, the time to answer ('tt_answer'), converted by
-- the specialist, and referred (a referral made from the question was sent). SQLite
-- cannot alter a CHECK: the table is rebuilt with its indexes.
CREATE TABLE referral_stats_new (
    week TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    receiver_id TEXT NOT NULL,
    sender_clinic_id TEXT NOT NULL,
    receiver_clinic_id TEXT NOT NULL,
    metric TEXT NOT NULL CHECK (metric IN ('sent', 'received', 'reached', 'accepted', 'completed', 'rejected', 'tta', 'ttc', 'open', 'triaged', 'in_state', 'asked', 'answered', 'tt_answer', 'converted', 'referred')),
    detail TEXT NOT NULL,
    bucket BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (week, sender_id, receiver_id, metric, detail, bucket)
);
INSERT INTO referral_stats_new SELECT week, sender_id, receiver_id, sender_clinic_id, receiver_clinic_id, metric, detail, bucket, n FROM referral_stats;
DROP TABLE referral_stats;
ALTER TABLE referral_stats_new RENAME TO referral_stats;
CREATE INDEX referral_stats_sender_clinic ON referral_stats(sender_clinic_id, metric, week, receiver_id, receiver_clinic_id, detail, bucket, n);
CREATE INDEX referral_stats_sender ON referral_stats(sender_id, metric, week, receiver_id, receiver_clinic_id, detail, bucket, n);
CREATE INDEX referral_stats_receiver_clinic ON referral_stats(receiver_clinic_id, metric, week, n);
CREATE INDEX referral_stats_receiver ON referral_stats(receiver_id, metric, week, bucket, n);
