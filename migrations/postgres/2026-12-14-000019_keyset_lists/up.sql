-- Keyset pages on every list (issue 18): each list's order is an index that ends with the
-- row's id (the tie-breaker its cursor names), so a page is one index range, however long
-- the history.

-- The thread list, latest message first, walked per side of the pair.
DROP INDEX threads_a;
DROP INDEX threads_b;
CREATE INDEX threads_a ON threads(a_id, last_message_at, id);
CREATE INDEX threads_b ON threads(b_id, last_message_at, id);

-- Notifications newest first (notifications_user still counts the unread ones).
CREATE INDEX notifications_user_created ON notifications(user_id, created_at, id);

-- The patient's appointments soonest first, and the practitioner's week: the unique index
-- on (practitioner_id, starts_at) is partial, which a query with a bound status cannot use.
DROP INDEX appointments_patient;
CREATE INDEX appointments_patient ON appointments(patient_id, starts_at, id);
CREATE INDEX appointments_practitioner ON appointments(practitioner_id, starts_at, id);

-- The clinics an audit row concerns: the clinic it was filed under (the actor's) and the
-- clinic of the patient it names. The admin's audit page walks its clinic's range newest
-- first instead of sorting "filed here or about one of our patients" over the whole log;
-- the row's action and time are copied so its filters are checked in the same walk.
-- Written with the row, in its transaction; append-only like the log it indexes (a deleted
-- scope would hide a row from the admin without breaking the chain).
CREATE TABLE audit_scopes (
    clinic_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    action TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    PRIMARY KEY (clinic_id, seq)
);
INSERT INTO audit_scopes (clinic_id, seq, action, at)
    SELECT clinic_id, seq, action, at FROM audit_events WHERE clinic_id IS NOT NULL;
INSERT INTO audit_scopes (clinic_id, seq, action, at)
    SELECT p.clinic_id, e.seq, e.action, e.at FROM audit_events e JOIN patients p ON p.id = e.patient_id
    WHERE e.clinic_id IS NULL OR e.clinic_id <> p.clinic_id;
CREATE FUNCTION audit_scopes_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_scopes is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_scopes_no_update BEFORE UPDATE OR DELETE ON audit_scopes
    FOR EACH ROW EXECUTE FUNCTION audit_scopes_append_only();
CREATE TRIGGER audit_scopes_no_truncate BEFORE TRUNCATE ON audit_scopes
    FOR EACH STATEMENT EXECUTE FUNCTION audit_scopes_append_only();
