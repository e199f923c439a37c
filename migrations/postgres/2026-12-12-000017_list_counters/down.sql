DROP INDEX referrals_sent_recent;
DROP INDEX referrals_sender;
CREATE INDEX referrals_sender ON referrals(sender_id, status, updated_at);
DROP INDEX referrals_open_loops;
ALTER TABLE referrals DROP COLUMN open_since;
DROP TRIGGER referral_counts_change ON referrals;
DROP FUNCTION referral_counts_change();
DROP TABLE referral_pairs;
DROP TABLE referral_counts;
