//! The audit log: appended under the chain head's row lock, read for the admin page, the
//! patient's access list and the verifier.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{audit_events, audit_head, care_relationships, patients, users};
use crate::domain::audit::{self as chain, Content};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events)]
pub struct AuditRow {
    pub id: String,
    pub seq: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub actor_role: String,
    pub on_behalf_of: Option<String>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub patient_id: Option<String>,
    pub clinic_id: Option<String>,
    pub ip: String,
    pub user_agent: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The timestamp as it enters the hash.
pub fn at_text(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

impl AuditRow {
    /// The hashed content of this row.
    pub fn content<'a>(&'a self, at: &'a str) -> Content<'a> {
        Content {
            seq: self.seq,
            id: &self.id,
            at,
            actor_id: self.actor_id.as_deref(),
            actor_role: &self.actor_role,
            on_behalf_of: self.on_behalf_of.as_deref(),
            action: &self.action,
            subject_type: &self.subject_type,
            subject_id: &self.subject_id,
            patient_id: self.patient_id.as_deref(),
            clinic_id: self.clinic_id.as_deref(),
            ip: &self.ip,
            user_agent: &self.user_agent,
            detail: &self.detail,
        }
    }
}

/// Records `row` in the chain: inside a write transaction on `conn` ([`super::write_tx`]),
/// as that transaction's last statements; otherwise at once.
///
/// Last, because the head row's lock is the one lock every auditing transaction takes:
/// a transaction that held it while waiting for another row (a counter a concurrent
/// transaction had locked before its own audit row) deadlocked on PostgreSQL. Taken last,
/// it is never held while waiting for anything else.
pub fn record(conn: &mut DbConn, row: AuditRow) -> QueryResult<()> {
    match super::at_commit(conn, Box::new(move |c| append(c, row).map(drop))) {
        Ok(()) => Ok(()),
        Err(now) => now(conn),
    }
}

/// Appends a row to the chain. Must run inside the transaction of the change it records:
/// the first statement takes the head row's lock (a write lock on SQLite, a row lock on
/// PostgreSQL), so concurrent appenders queue and each links to the one before. Services
/// go through [`record`].
pub fn append(conn: &mut DbConn, mut row: AuditRow) -> QueryResult<AuditRow> {
    diesel::update(audit_head::table.find(1i64))
        .set(audit_head::seq.eq(audit_head::seq + 1))
        .execute(conn)?;
    let (seq, prev): (i64, String) = audit_head::table
        .find(1i64)
        .select((audit_head::seq, audit_head::hash))
        .first(conn)?;
    row.seq = seq;
    let at = at_text(row.at);
    row.prev_hash = prev.clone();
    row.hash = chain::hash(&prev, &row.content(&at));
    diesel::insert_into(audit_events::table)
        .values(&row)
        .execute(conn)?;
    diesel::update(audit_head::table.find(1i64))
        .set(audit_head::hash.eq(&row.hash))
        .execute(conn)?;
    Ok(row)
}

/// The head of the chain: (last seq, last hash).
pub fn head(conn: &mut DbConn) -> QueryResult<(i64, String)> {
    audit_head::table
        .find(1i64)
        .select((audit_head::seq, audit_head::hash))
        .first(conn)
}

/// The hash of the row at `seq`, if there is such a row (checkpoints are checked by it).
pub fn hash_at(conn: &mut DbConn, seq: i64) -> QueryResult<Option<String>> {
    audit_events::table
        .filter(audit_events::seq.eq(seq))
        .select(audit_events::hash)
        .first(conn)
        .optional()
}

/// Rows after `after_seq`, in chain order (never past the head: rows appended after a
/// verifier read the head are not its business).
pub fn chunk(conn: &mut DbConn, after_seq: i64, limit: i64) -> QueryResult<Vec<AuditRow>> {
    audit_events::table
        .filter(audit_events::seq.gt(after_seq))
        .order(audit_events::seq.asc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)
}

pub fn for_patient(conn: &mut DbConn, patient_id: &str) -> QueryResult<Vec<AuditRow>> {
    audit_events::table
        .filter(audit_events::patient_id.eq(patient_id))
        .order(audit_events::seq.desc())
        .select(AuditRow::as_select())
        .load(conn)
}

pub fn count_action(conn: &mut DbConn, action: &str, subject_id: &str) -> QueryResult<i64> {
    audit_events::table
        .filter(audit_events::action.eq(action))
        .filter(audit_events::subject_id.eq(subject_id))
        .count()
        .get_result(conn)
}

/// Filters of the admin's audit page.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub clinic_id: String,
    pub actor_id: Option<String>,
    pub patient_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    /// Keyset: rows before this seq (newest first).
    pub before_seq: Option<i64>,
    pub limit: i64,
}

/// Audit rows concerning a clinic (its staff acted, or its patients were concerned), newest
/// first, with the actor's name.
pub fn search(conn: &mut DbConn, f: &Filter) -> QueryResult<Vec<(AuditRow, Option<String>)>> {
    let clinic_patients = patients::table
        .filter(patients::clinic_id.eq(f.clinic_id.clone()))
        .select(patients::id.nullable());
    let mut q = audit_events::table
        .left_join(users::table.on(users::id.nullable().eq(audit_events::actor_id)))
        .filter(
            audit_events::clinic_id
                .eq(f.clinic_id.clone())
                .or(audit_events::patient_id.eq_any(clinic_patients)),
        )
        .into_boxed();
    if let Some(a) = &f.actor_id {
        q = q.filter(audit_events::actor_id.eq(a.clone()));
    }
    if let Some(p) = &f.patient_id {
        q = q.filter(audit_events::patient_id.eq(p.clone()));
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_events::action.eq(a.clone()));
    }
    if let Some(t) = f.from {
        q = q.filter(audit_events::at.ge(t));
    }
    if let Some(t) = f.to {
        q = q.filter(audit_events::at.lt(t));
    }
    if let Some(s) = f.before_seq {
        q = q.filter(audit_events::seq.lt(s));
    }
    q.order(audit_events::seq.desc())
        .limit(f.limit)
        .select((AuditRow::as_select(), users::display_name.nullable()))
        .load(conn)
}

/// Actions that share a patient's data: always shown to the patient, whoever did them.
pub const SHARE_ACTIONS: [&str; 5] = [
    "referral_transition",
    "consent_recorded",
    "consent_withdrawn",
    "snapshot_viewed",
    "care_team_added",
];

/// What the patient sees in "Who viewed my data": every access to their records by people
/// outside their care team (and not themselves), and every share, newest first.
pub fn access_for_patient(
    conn: &mut DbConn,
    patient_id: &str,
    patient_user_id: Option<&str>,
) -> QueryResult<Vec<(AuditRow, Option<String>)>> {
    let team: Vec<String> = care_relationships::table
        .filter(care_relationships::patient_id.eq(patient_id))
        .select(care_relationships::practitioner_id)
        .load(conn)?;
    let mut q = audit_events::table
        .left_join(users::table.on(users::id.nullable().eq(audit_events::actor_id)))
        .filter(audit_events::patient_id.eq(patient_id))
        .filter(
            audit_events::actor_id
                .is_null()
                .or(audit_events::actor_id.ne_all(team))
                .or(audit_events::action.eq_any(SHARE_ACTIONS)),
        )
        .into_boxed();
    if let Some(me) = patient_user_id {
        q = q.filter(
            audit_events::actor_id
                .ne(me.to_string())
                .or(audit_events::actor_id.is_null()),
        );
    }
    q.order(audit_events::seq.desc())
        .limit(5000)
        .select((AuditRow::as_select(), users::display_name.nullable()))
        .load(conn)
}

/// Distinct actions, for the filter.
pub fn actions(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    audit_events::table
        .select(audit_events::action)
        .distinct()
        .order(audit_events::action.asc())
        .load(conn)
}
