-- Referral analytics: weekly counters per (sender, receiver), kept in the transaction of
-- every referral change, so the analytics pages and the directory sum a few hundred rows
-- instead of reading every referral. Durations are histograms (bucket = lower edge in
-- hours, see src/domain/analytics.rs). Rows are filled for existing referrals at start-up
-- (services::analytics::backfill_if_needed), not here: the bucketing lives in one place.
CREATE TABLE referral_stats (
    week TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    receiver_id TEXT NOT NULL,
    sender_clinic_id TEXT NOT NULL,
    receiver_clinic_id TEXT NOT NULL,
    metric TEXT NOT NULL CHECK (metric IN ('sent', 'received', 'reached', 'accepted', 'completed', 'rejected', 'tta', 'ttc', 'open')),
    detail TEXT NOT NULL,
    bucket BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (week, sender_id, receiver_id, metric, detail, bucket)
);
-- Covering indexes: each analytics query reads only the index, one range per metric.
CREATE INDEX referral_stats_sender_clinic ON referral_stats(sender_clinic_id, metric, week, receiver_id, receiver_clinic_id, detail, bucket, n);
CREATE INDEX referral_stats_sender ON referral_stats(sender_id, metric, week, receiver_id, receiver_clinic_id, detail, bucket, n);
CREATE INDEX referral_stats_receiver_clinic ON referral_stats(receiver_clinic_id, metric, week, n);
CREATE INDEX referral_stats_receiver ON referral_stats(receiver_id, metric, week, bucket, n);
-- Recent open loops by age, per clinic and per sender, counted from the index.
CREATE INDEX referrals_clinic_open ON referrals(sender_clinic_id, status, submitted_at);
CREATE INDEX referrals_sender_open ON referrals(sender_id, status, submitted_at);
