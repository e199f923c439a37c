-- Due times per day (issue 18): the inbox's and the sent list's "overdue" count walked every
-- referral of the party due before now; at 1,000,000 network referrals that is about
-- 19,000 of one GP's (69 % of the sent list's instructions), and 7,000 of a receiver's with
-- 10,000. Now "overdue" is these counters summed over the days before today (UTC) plus
-- today's from the (party, due time) index, which also gives "due today". Kept by a trigger
-- in the statement of every change to a referral, like `open_loop_days`; per status, since
-- the inbox counts only the statuses that reached the receiver.
CREATE TABLE due_days (
    side TEXT NOT NULL CHECK (side IN ('receiver', 'sender')),
    user_id TEXT NOT NULL,
    day TEXT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (side, user_id, day, status) INCLUDE (n)
);
INSERT INTO due_days (side, user_id, day, status, n)
    SELECT 'receiver', receiver_id, to_char(due_at, 'YYYY-MM-DD'), status, COUNT(*)
    FROM referrals WHERE due_at IS NOT NULL
    GROUP BY receiver_id, to_char(due_at, 'YYYY-MM-DD'), status;
INSERT INTO due_days (side, user_id, day, status, n)
    SELECT 'sender', sender_id, to_char(due_at, 'YYYY-MM-DD'), status, COUNT(*)
    FROM referrals WHERE due_at IS NOT NULL
    GROUP BY sender_id, to_char(due_at, 'YYYY-MM-DD'), status;

-- One statement, its rows in key order (as referral_counts_change). OLD is NULL on
-- INSERT, NEW on DELETE.
CREATE FUNCTION due_days_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.due_at IS NOT DISTINCT FROM NEW.due_at
       AND OLD.status = NEW.status AND OLD.sender_id = NEW.sender_id
       AND OLD.receiver_id = NEW.receiver_id THEN
        RETURN NULL;
    END IF;
    INSERT INTO due_days AS c (side, user_id, day, status, n)
        SELECT s, u, d, st, SUM(x) FROM (
            SELECT 'receiver' AS s, OLD.receiver_id AS u,
                   to_char(OLD.due_at, 'YYYY-MM-DD') AS d, OLD.status AS st, -1 AS x
                WHERE TG_OP <> 'INSERT' AND OLD.due_at IS NOT NULL
            UNION ALL SELECT 'sender', OLD.sender_id, to_char(OLD.due_at, 'YYYY-MM-DD'),
                   OLD.status, -1
                WHERE TG_OP <> 'INSERT' AND OLD.due_at IS NOT NULL
            UNION ALL SELECT 'receiver', NEW.receiver_id, to_char(NEW.due_at, 'YYYY-MM-DD'),
                   NEW.status, 1
                WHERE TG_OP <> 'DELETE' AND NEW.due_at IS NOT NULL
            UNION ALL SELECT 'sender', NEW.sender_id, to_char(NEW.due_at, 'YYYY-MM-DD'),
                   NEW.status, 1
                WHERE TG_OP <> 'DELETE' AND NEW.due_at IS NOT NULL) t
        GROUP BY s, u, d, st HAVING SUM(x) <> 0 ORDER BY s, u, d, st
        ON CONFLICT (side, user_id, day, status) DO UPDATE SET n = c.n + excluded.n;
    RETURN NULL;
END;
$$;
CREATE TRIGGER due_days_change
    AFTER INSERT OR UPDATE OF due_at, status, sender_id, receiver_id OR DELETE
    ON referrals FOR EACH ROW EXECUTE FUNCTION due_days_change();
