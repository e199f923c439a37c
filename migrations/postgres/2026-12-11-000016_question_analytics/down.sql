DELETE FROM referral_stats WHERE metric IN ('asked', 'answered', 'tt_answer', 'converted', 'referred');
ALTER TABLE referral_stats DROP CONSTRAINT referral_stats_metric_check;
ALTER TABLE referral_stats ADD CONSTRAINT referral_stats_metric_check CHECK (metric IN ('sent', 'received', 'reached', 'accepted', 'completed', 'rejected', 'tta', 'ttc', 'open', 'triaged', 'in_state'));
