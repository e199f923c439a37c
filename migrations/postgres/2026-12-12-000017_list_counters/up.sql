-- Issue 18: lists whose counts do not grow with history. The inbox's and the sent list's
-- counts per status, and the inbox's sender filter, come from counters a trigger keeps in
-- the statement of every change to a referral (whichever code path makes it), instead of
-- counting a practitioner's referrals on every page view. The open loops get an index of
-- their own: a generated column that is the submission time while the loop is open (the
-- statuses of domain::referral::OPEN_LOOP, not redirected) and NULL afterwards.
CREATE TABLE referral_counts (
    user_id TEXT NOT NULL,
    -- 'sent': the referrals user_id sent, in any status; 'inbox': those addressed to
    -- user_id, in any status (the inbox reads only the statuses it shows).
    side TEXT NOT NULL CHECK (side IN ('sent', 'inbox')),
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (user_id, side, status)
);
CREATE TABLE referral_pairs (
    receiver_id TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (receiver_id, sender_id, status)
);
INSERT INTO referral_counts (user_id, side, status, n)
    SELECT sender_id, 'sent', status, COUNT(*) FROM referrals GROUP BY sender_id, status;
INSERT INTO referral_counts (user_id, side, status, n)
    SELECT receiver_id, 'inbox', status, COUNT(*) FROM referrals GROUP BY receiver_id, status;
INSERT INTO referral_pairs (receiver_id, sender_id, status, n)
    SELECT receiver_id, sender_id, status, COUNT(*) FROM referrals
    GROUP BY receiver_id, sender_id, status;

-- One statement per table and change, its rows in key order: two transactions moving a
-- receiver's referrals sent -> need_info and need_info -> sent at once would otherwise
-- lock the two counters crosswise and deadlock. (OLD is NULL on INSERT, NEW on DELETE: TG_OP says which.)
CREATE FUNCTION referral_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = NEW.status AND OLD.sender_id = NEW.sender_id
       AND OLD.receiver_id = NEW.receiver_id THEN
        RETURN NULL;
    END IF;
    INSERT INTO referral_counts AS c (user_id, side, status, n)
        SELECT u, s, st, SUM(d) FROM (
            SELECT OLD.sender_id AS u, 'sent' AS s, OLD.status AS st, -1 AS d WHERE TG_OP <> 'INSERT'
            UNION ALL SELECT OLD.receiver_id, 'inbox', OLD.status, -1 WHERE TG_OP <> 'INSERT'
            UNION ALL SELECT NEW.sender_id, 'sent', NEW.status, 1 WHERE TG_OP <> 'DELETE'
            UNION ALL SELECT NEW.receiver_id, 'inbox', NEW.status, 1 WHERE TG_OP <> 'DELETE') x
        GROUP BY u, s, st HAVING SUM(d) <> 0 ORDER BY u, s, st
        ON CONFLICT (user_id, side, status) DO UPDATE SET n = c.n + excluded.n;
    INSERT INTO referral_pairs AS p (receiver_id, sender_id, status, n)
        SELECT r, se, st, SUM(d) FROM (
            SELECT OLD.receiver_id AS r, OLD.sender_id AS se, OLD.status AS st, -1 AS d WHERE TG_OP <> 'INSERT'
            UNION ALL SELECT NEW.receiver_id, NEW.sender_id, NEW.status, 1 WHERE TG_OP <> 'DELETE') x
        GROUP BY r, se, st HAVING SUM(d) <> 0 ORDER BY r, se, st
        ON CONFLICT (receiver_id, sender_id, status) DO UPDATE SET n = p.n + excluded.n;
    RETURN NULL;
END;
$$;
CREATE TRIGGER referral_counts_change AFTER INSERT OR UPDATE OF status, sender_id, receiver_id OR DELETE
    ON referrals FOR EACH ROW EXECUTE FUNCTION referral_counts_change();

ALTER TABLE referrals ADD COLUMN open_since TIMESTAMP GENERATED ALWAYS AS (
    CASE WHEN status IN ('awaiting_patient', 'sent', 'need_info', 'visit_required', 'accepted', 'rejected')
              AND redirected_to IS NULL
         THEN submitted_at END) STORED;
CREATE INDEX referrals_open_loops ON referrals(sender_id, open_since, id) WHERE open_since IS NOT NULL;

-- The sent list pages newest change first (and in one status) by keyset: the id ends
-- both orders so a page never sorts.
DROP INDEX referrals_sender;
CREATE INDEX referrals_sender ON referrals(sender_id, status, updated_at, id);
CREATE INDEX referrals_sent_recent ON referrals(sender_id, updated_at, id);
