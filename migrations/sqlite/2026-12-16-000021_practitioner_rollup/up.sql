-- The practitioner rollup (issue 18): the weekly counters of `referral_stats` summed per
-- practitioner and side, kept in the same transaction by the same writes as the clinic
-- rollup (src/db/clinic_rollup.rs). A practitioner's analytics totals then read rows
-- bounded by weeks x metrics x buckets, not one per person at the other end: at 1,000,000
-- network referrals a GP's 12 weeks were tens of thousands of pair rows sorted for GROUP BY
-- (35 % of the page's instructions for the sent side alone). The per-receiver "top" tables
-- keep reading the pair counters, which are per receiver already.
CREATE TABLE practitioner_stats (
    user_id TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('sent', 'received')),
    metric TEXT NOT NULL,
    week TEXT NOT NULL,
    detail TEXT NOT NULL,
    bucket BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (user_id, side, metric, week, detail, bucket)
) WITHOUT ROWID;
-- An upgraded database: the rollup is the sum of the counters it already has.
INSERT INTO practitioner_stats (user_id, side, metric, week, detail, bucket, n)
SELECT sender_id, 'sent', metric, week, detail, bucket, SUM(n) FROM referral_stats
GROUP BY sender_id, metric, week, detail, bucket;
INSERT INTO practitioner_stats (user_id, side, metric, week, detail, bucket, n)
SELECT receiver_id, 'received', metric, week, detail, bucket, SUM(n) FROM referral_stats
GROUP BY receiver_id, metric, week, detail, bucket;
