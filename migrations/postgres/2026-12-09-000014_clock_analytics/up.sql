-- The clock on the analytics page (issue 14): two more counters, the first triage within
-- the service level ('triaged') and the time spent in each state ('in_state').
ALTER TABLE referral_stats DROP CONSTRAINT referral_stats_metric_check;
ALTER TABLE referral_stats ADD CONSTRAINT referral_stats_metric_check CHECK (metric IN ('sent', 'received', 'reached', 'accepted', 'completed', 'rejected', 'tta', 'ttc', 'open', 'triaged', 'in_state'));
