-- Advice questions on the analytics page (issue 16): questions count apart from referrals,
-- in five more counters: asked, answered, the time to answer ('tt_answer'), converted by
-- the specialist, and referred (a referral made from the question was sent).
ALTER TABLE referral_stats DROP CONSTRAINT referral_stats_metric_check;
ALTER TABLE referral_stats ADD CONSTRAINT referral_stats_metric_check CHECK (metric IN ('sent', 'received', 'reached', 'accepted', 'completed', 'rejected', 'tta', 'ttc', 'open', 'triaged', 'in_state', 'asked', 'answered', 'tt_answer', 'converted', 'referred'));
