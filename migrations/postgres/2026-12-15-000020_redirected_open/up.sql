-- Referrals that were passed on to another receiver, per sender: few, so the sent list can
-- take them from its open-loop total (kept by counters) without walking every open loop.
CREATE INDEX referrals_redirected ON referrals(sender_id, status) WHERE redirected_to IS NOT NULL;
