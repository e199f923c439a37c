-- Open loops per submission day (issue 18): the sent list's and the analytics pages'
-- "under 7 days" and "7-30 days" bands counted a month of a sender's (or a clinic's)
-- open loops from the index on every view; at 1,000,000 network referrals that month is
-- about 9,000 of one GP's and was 57 % of the sent list's instructions. Now a band is
-- these counters summed over whole days (30 rows at most) plus the open loops of the one
-- day a band starts in, read from the index. Kept by a trigger in the statement of every
-- change to a referral, like `referral_counts`; `side` says whose: the sender's or the
-- sender's clinic's. `kind` lets analytics leave advice questions out.
CREATE TABLE open_loop_days (
    side TEXT NOT NULL CHECK (side IN ('clinic', 'sender')),
    owner_id TEXT NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (side, owner_id, day, kind) INCLUDE (n)
);
INSERT INTO open_loop_days (side, owner_id, day, kind, n)
    SELECT 'clinic', sender_clinic_id, to_char(open_since, 'YYYY-MM-DD'), kind, COUNT(*)
    FROM referrals WHERE open_since IS NOT NULL
    GROUP BY sender_clinic_id, to_char(open_since, 'YYYY-MM-DD'), kind;
INSERT INTO open_loop_days (side, owner_id, day, kind, n)
    SELECT 'sender', sender_id, to_char(open_since, 'YYYY-MM-DD'), kind, COUNT(*)
    FROM referrals WHERE open_since IS NOT NULL
    GROUP BY sender_id, to_char(open_since, 'YYYY-MM-DD'), kind;

-- One statement, its rows in key order (as referral_counts_change): two transactions
-- cannot lock two day counters crosswise. OLD is NULL on INSERT, NEW on DELETE.
CREATE FUNCTION open_loop_days_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.open_since IS NOT DISTINCT FROM NEW.open_since
       AND OLD.sender_id = NEW.sender_id AND OLD.sender_clinic_id = NEW.sender_clinic_id
       AND OLD.kind = NEW.kind THEN
        RETURN NULL;
    END IF;
    INSERT INTO open_loop_days AS c (side, owner_id, day, kind, n)
        SELECT s, o, d, k, SUM(x) FROM (
            SELECT 'clinic' AS s, OLD.sender_clinic_id AS o,
                   to_char(OLD.open_since, 'YYYY-MM-DD') AS d, OLD.kind AS k, -1 AS x
                WHERE TG_OP <> 'INSERT' AND OLD.open_since IS NOT NULL
            UNION ALL SELECT 'sender', OLD.sender_id, to_char(OLD.open_since, 'YYYY-MM-DD'),
                   OLD.kind, -1
                WHERE TG_OP <> 'INSERT' AND OLD.open_since IS NOT NULL
            UNION ALL SELECT 'clinic', NEW.sender_clinic_id,
                   to_char(NEW.open_since, 'YYYY-MM-DD'), NEW.kind, 1
                WHERE TG_OP <> 'DELETE' AND NEW.open_since IS NOT NULL
            UNION ALL SELECT 'sender', NEW.sender_id, to_char(NEW.open_since, 'YYYY-MM-DD'),
                   NEW.kind, 1
                WHERE TG_OP <> 'DELETE' AND NEW.open_since IS NOT NULL) t
        GROUP BY s, o, d, k HAVING SUM(x) <> 0 ORDER BY s, o, d, k
        ON CONFLICT (side, owner_id, day, kind) DO UPDATE SET n = c.n + excluded.n;
    RETURN NULL;
END;
$$;
CREATE TRIGGER open_loop_days_change
    AFTER INSERT OR UPDATE OF status, redirected_to, submitted_at, sender_id, sender_clinic_id, kind
    OR DELETE ON referrals FOR EACH ROW EXECUTE FUNCTION open_loop_days_change();
