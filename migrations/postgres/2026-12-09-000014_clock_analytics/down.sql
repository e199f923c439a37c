DELETE FROM referral_stats WHERE metric IN ('triaged', 'in_state');
ALTER TABLE referral_stats DROP CONSTRAINT referral_stats_metric_check;
ALTER TABLE referral_stats ADD CONSTRAINT referral_stats_metric_check CHECK (metric IN ('sent', 'received', 'reached', 'accepted', 'completed', 'rejected', 'tta', 'ttc', 'open'));
