-- Open loops per submission day (issue 18): the sent list's and the analytics pages'
-- "under 7 days" and "7-30 days" bands counted a month of a sender's (or a clinic's)
-- open loops from the index on every view; at 1,000,000 network referrals that month is
-- about 9,000 of one GP's and was 57 % of the sent list's instructions. Now a band is
-- these counters summed over whole days (30 rows at most) plus the open loops of the one
-- day a band starts in, read from the index. Kept by triggers in the statement of every
-- change to a referral, like `referral_counts`; `side` says whose: the sender's or the
-- sender's clinic's. `kind` lets analytics leave advice questions out.
CREATE TABLE open_loop_days (
    side TEXT NOT NULL CHECK (side IN ('clinic', 'sender')),
    owner_id TEXT NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (side, owner_id, day, kind)
) WITHOUT ROWID;
INSERT INTO open_loop_days (side, owner_id, day, kind, n)
    SELECT 'clinic', sender_clinic_id, date(open_since), kind, COUNT(*) FROM referrals
    WHERE open_since IS NOT NULL GROUP BY sender_clinic_id, date(open_since), kind;
INSERT INTO open_loop_days (side, owner_id, day, kind, n)
    SELECT 'sender', sender_id, date(open_since), kind, COUNT(*) FROM referrals
    WHERE open_since IS NOT NULL GROUP BY sender_id, date(open_since), kind;

-- The rows in key order, as `referral_counts`' triggers write theirs.
CREATE TRIGGER open_loop_days_insert AFTER INSERT ON referrals
WHEN NEW.open_since IS NOT NULL
BEGIN
    INSERT INTO open_loop_days (side, owner_id, day, kind, n)
        SELECT s, o, date(NEW.open_since), NEW.kind, 1 FROM (
            SELECT 'clinic' AS s, NEW.sender_clinic_id AS o
            UNION ALL SELECT 'sender', NEW.sender_id)
        WHERE true ORDER BY s, o
        ON CONFLICT (side, owner_id, day, kind) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER open_loop_days_update
AFTER UPDATE OF status, redirected_to, submitted_at, sender_id, sender_clinic_id, kind ON referrals
WHEN OLD.open_since IS NOT NEW.open_since OR OLD.sender_id IS NOT NEW.sender_id
    OR OLD.sender_clinic_id IS NOT NEW.sender_clinic_id OR OLD.kind IS NOT NEW.kind
BEGIN
    INSERT INTO open_loop_days (side, owner_id, day, kind, n)
        SELECT s, o, d, k, SUM(n) FROM (
            SELECT 'clinic' AS s, OLD.sender_clinic_id AS o, date(OLD.open_since) AS d,
                   OLD.kind AS k, -1 AS n WHERE OLD.open_since IS NOT NULL
            UNION ALL SELECT 'sender', OLD.sender_id, date(OLD.open_since), OLD.kind, -1
                WHERE OLD.open_since IS NOT NULL
            UNION ALL SELECT 'clinic', NEW.sender_clinic_id, date(NEW.open_since), NEW.kind, 1
                WHERE NEW.open_since IS NOT NULL
            UNION ALL SELECT 'sender', NEW.sender_id, date(NEW.open_since), NEW.kind, 1
                WHERE NEW.open_since IS NOT NULL)
        GROUP BY s, o, d, k HAVING SUM(n) <> 0 ORDER BY s, o, d, k
        ON CONFLICT (side, owner_id, day, kind) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER open_loop_days_delete AFTER DELETE ON referrals
WHEN OLD.open_since IS NOT NULL
BEGIN
    INSERT INTO open_loop_days (side, owner_id, day, kind, n)
        SELECT s, o, date(OLD.open_since), OLD.kind, -1 FROM (
            SELECT 'clinic' AS s, OLD.sender_clinic_id AS o
            UNION ALL SELECT 'sender', OLD.sender_id)
        WHERE true ORDER BY s, o
        ON CONFLICT (side, owner_id, day, kind) DO UPDATE SET n = n + excluded.n;
END;
