-- The clinic rollup (issue 18): the weekly counters of `referral_stats` summed per clinic,
-- kept in the same transaction by the same writes (src/db/clinic_rollup.rs), so a clinic
-- admin's analytics page reads rows bounded by weeks x metrics x buckets for any period,
-- not one per practitioner pair. `side` says whether the clinic sent ('sent': the
-- sender's clinic) or received ('received': the receiver's clinic). Both tables are
-- clustered on their key (WITHOUT ROWID): a page's range is one read of the table itself.
-- No CHECK on `metric`: every row comes from a `referral_stats` row, which has one, and a
-- new metric then needs no rebuild of these tables.
CREATE TABLE clinic_stats (
    clinic_id TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('sent', 'received')),
    metric TEXT NOT NULL,
    week TEXT NOT NULL,
    detail TEXT NOT NULL,
    bucket BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (clinic_id, side, metric, week, detail, bucket)
) WITHOUT ROWID;
-- The "top specialists / clinics referred to" tables and triage per receiver rank the
-- receivers of a clinic's referrals: per (sender's clinic, receiver), only the metrics they
-- read (sent, accepted, time to accept, triaged), so they no longer grow with how many of
-- the clinic's practitioners sent to each receiver.
CREATE TABLE clinic_receiver_stats (
    sender_clinic_id TEXT NOT NULL,
    metric TEXT NOT NULL CHECK (metric IN ('sent', 'accepted', 'tta', 'triaged')),
    week TEXT NOT NULL,
    receiver_id TEXT NOT NULL,
    receiver_clinic_id TEXT NOT NULL,
    detail TEXT NOT NULL,
    bucket BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (sender_clinic_id, metric, week, receiver_id, receiver_clinic_id, detail, bucket)
) WITHOUT ROWID;
-- An upgraded database: the rollup is the sum of the counters it already has.
INSERT INTO clinic_stats (clinic_id, side, metric, week, detail, bucket, n)
SELECT sender_clinic_id, 'sent', metric, week, detail, bucket, SUM(n) FROM referral_stats
GROUP BY sender_clinic_id, metric, week, detail, bucket;
INSERT INTO clinic_stats (clinic_id, side, metric, week, detail, bucket, n)
SELECT receiver_clinic_id, 'received', metric, week, detail, bucket, SUM(n) FROM referral_stats
GROUP BY receiver_clinic_id, metric, week, detail, bucket;
INSERT INTO clinic_receiver_stats (sender_clinic_id, metric, week, receiver_id, receiver_clinic_id, detail, bucket, n)
SELECT sender_clinic_id, metric, week, receiver_id, receiver_clinic_id, detail, bucket, SUM(n) FROM referral_stats
WHERE metric IN ('sent', 'accepted', 'tta', 'triaged')
GROUP BY sender_clinic_id, metric, week, receiver_id, receiver_clinic_id, detail, bucket;
-- Only clinic pages read the counters by clinic, and they read the rollup now: two fewer
-- indexes for every counter write to keep.
DROP INDEX referral_stats_sender_clinic;
DROP INDEX referral_stats_receiver_clinic;
-- The open-loop bands (under 7 and 7-30 days) count a month of a clinic's or a
-- practitioner's referrals; with the kind and the redirect in the index as well, that is a
-- read of the index alone instead of one table row per referral (at 1,000,000 referrals a
-- month of one clinic is about 30,000 rows: most of the page's time once the counters
-- came from the rollup).
DROP INDEX referrals_clinic_open;
CREATE INDEX referrals_clinic_open ON referrals(sender_clinic_id, status, submitted_at, kind, redirected_to);
DROP INDEX referrals_sender_open;
CREATE INDEX referrals_sender_open ON referrals(sender_id, status, submitted_at, kind, redirected_to);
