DROP INDEX referrals_sender_open;
CREATE INDEX referrals_sender_open ON referrals(sender_id, status, submitted_at);
DROP INDEX referrals_clinic_open;
CREATE INDEX referrals_clinic_open ON referrals(sender_clinic_id, status, submitted_at);
CREATE INDEX referral_stats_sender_clinic ON referral_stats(sender_clinic_id, metric, week, receiver_id, receiver_clinic_id, detail, bucket, n);
CREATE INDEX referral_stats_receiver_clinic ON referral_stats(receiver_clinic_id, metric, week, n);
DROP TABLE clinic_receiver_stats;
DROP TABLE clinic_stats;
