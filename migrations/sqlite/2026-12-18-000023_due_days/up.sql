-- Due times per day (issue 18): the inbox's and the sent list's "overdue" count walked every
-- referral of the party due before now; at 1,000,000 network referrals that is about
-- 19,000 of one GP's (69 % of the sent list's instructions), and 7,000 of a receiver's with
-- 10,000. Now "overdue" is these counters summed over the days before today (UTC) plus
-- today's from the (party, due time) index, which also gives "due today". Kept by triggers
-- in the statement of every change to a referral, like `open_loop_days`; per status, since
-- the inbox counts only the statuses that reached the receiver.
CREATE TABLE due_days (
    side TEXT NOT NULL CHECK (side IN ('receiver', 'sender')),
    user_id TEXT NOT NULL,
    day TEXT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (side, user_id, day, status)
) WITHOUT ROWID;
INSERT INTO due_days (side, user_id, day, status, n)
    SELECT 'receiver', receiver_id, date(due_at), status, COUNT(*) FROM referrals
    WHERE due_at IS NOT NULL GROUP BY receiver_id, date(due_at), status;
INSERT INTO due_days (side, user_id, day, status, n)
    SELECT 'sender', sender_id, date(due_at), status, COUNT(*) FROM referrals
    WHERE due_at IS NOT NULL GROUP BY sender_id, date(due_at), status;

CREATE TRIGGER due_days_insert AFTER INSERT ON referrals
WHEN NEW.due_at IS NOT NULL
BEGIN
    INSERT INTO due_days (side, user_id, day, status, n)
        SELECT s, u, date(NEW.due_at), NEW.status, 1 FROM (
            SELECT 'receiver' AS s, NEW.receiver_id AS u
            UNION ALL SELECT 'sender', NEW.sender_id)
        WHERE true ORDER BY s, u
        ON CONFLICT (side, user_id, day, status) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER due_days_update AFTER UPDATE OF due_at, status, sender_id, receiver_id ON referrals
WHEN (OLD.due_at IS NOT NULL OR NEW.due_at IS NOT NULL)
    AND (OLD.due_at IS NOT NEW.due_at OR OLD.status IS NOT NEW.status
         OR OLD.sender_id IS NOT NEW.sender_id OR OLD.receiver_id IS NOT NEW.receiver_id)
BEGIN
    INSERT INTO due_days (side, user_id, day, status, n)
        SELECT s, u, d, st, SUM(n) FROM (
            SELECT 'receiver' AS s, OLD.receiver_id AS u, date(OLD.due_at) AS d,
                   OLD.status AS st, -1 AS n WHERE OLD.due_at IS NOT NULL
            UNION ALL SELECT 'sender', OLD.sender_id, date(OLD.due_at), OLD.status, -1
                WHERE OLD.due_at IS NOT NULL
            UNION ALL SELECT 'receiver', NEW.receiver_id, date(NEW.due_at), NEW.status, 1
                WHERE NEW.due_at IS NOT NULL
            UNION ALL SELECT 'sender', NEW.sender_id, date(NEW.due_at), NEW.status, 1
                WHERE NEW.due_at IS NOT NULL)
        GROUP BY s, u, d, st HAVING SUM(n) <> 0 ORDER BY s, u, d, st
        ON CONFLICT (side, user_id, day, status) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER due_days_delete AFTER DELETE ON referrals
WHEN OLD.due_at IS NOT NULL
BEGIN
    INSERT INTO due_days (side, user_id, day, status, n)
        SELECT s, u, date(OLD.due_at), OLD.status, -1 FROM (
            SELECT 'receiver' AS s, OLD.receiver_id AS u
            UNION ALL SELECT 'sender', OLD.sender_id)
        WHERE true ORDER BY s, u
        ON CONFLICT (side, user_id, day, status) DO UPDATE SET n = n + excluded.n;
END;
