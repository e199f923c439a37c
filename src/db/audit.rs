//! The audit log: appended under the chain head's row lock, read for the admin page, the
//! patient's access list and the verifier.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use diesel::sql_types::{BigInt, Text, Timestamp};

use super::DbConn;
use super::schema::{
    audit_events, audit_head, audit_scopes, care_relationships, clinics, patients, users,
};
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
    let (seq, prev): (i64, String) = diesel::update(audit_head::table.find(1i64))
        .set(audit_head::seq.eq(audit_head::seq + 1))
        .returning((audit_head::seq, audit_head::hash))
        .get_result(conn)?;
    row.seq = seq;
    let at = at_text(row.at);
    row.prev_hash = prev.clone();
    row.hash = chain::hash(&prev, &row.content(&at));
    diesel::insert_into(audit_events::table)
        .values(&row)
        .execute(conn)?;
    scope(conn, &row)?;
    diesel::update(audit_head::table.find(1i64))
        .set(audit_head::hash.eq(&row.hash))
        .execute(conn)?;
    Ok(row)
}

/// Files the row under the clinics it concerns, which the admin's page walks ([`search`]):
/// the clinic it names and its patient's clinic (one statement, 0 to 2 rows; a clinic that
/// does not exist has no admin to read it), with the action and time its filters check.
fn scope(conn: &mut DbConn, row: &AuditRow) -> QueryResult<()> {
    if row.clinic_id.is_none() && row.patient_id.is_none() {
        return Ok(());
    }
    let patients_clinic = patients::table
        .filter(patients::id.nullable().eq(row.patient_id.clone()))
        .select(patients::clinic_id)
        .single_value();
    let concerned = clinics::table
        .filter(
            clinics::id
                .nullable()
                .eq(row.clinic_id.clone())
                .or(clinics::id.nullable().eq(patients_clinic)),
        )
        .select((
            clinics::id,
            row.seq.into_sql::<BigInt>(),
            row.action.clone().into_sql::<Text>(),
            row.at.into_sql::<Timestamp>(),
        ));
    diesel::insert_into(audit_scopes::table)
        .values(concerned)
        .into_columns((
            audit_scopes::clinic_id,
            audit_scopes::seq,
            audit_scopes::action,
            audit_scopes::at,
        ))
        .execute(conn)?;
    Ok(())
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
/// first, with the actor's name: at most `f.limit` before `f.before_seq`.
///
/// Filtered by actor or patient, the walk is that person's range of the log (their own
/// index), keeping the clinic's rows; otherwise it is the clinic's range of
/// `audit_scopes`, and only the page's rows are read from the log. Either way newest first
/// along an index, never a sort of the clinic's whole history; the action and date filters
/// are checked on the rows walked.
pub fn search(conn: &mut DbConn, f: &Filter) -> QueryResult<Vec<(AuditRow, Option<String>)>> {
    if f.actor_id.is_some() || f.patient_id.is_some() {
        return search_by_party(conn, f);
    }
    let mut page = audit_scopes::table
        .filter(audit_scopes::clinic_id.eq(f.clinic_id.clone()))
        .into_boxed();
    if let Some(a) = &f.action {
        page = page.filter(audit_scopes::action.eq(a.clone()));
    }
    if let Some(t) = f.from {
        page = page.filter(audit_scopes::at.ge(t));
    }
    if let Some(t) = f.to {
        page = page.filter(audit_scopes::at.lt(t));
    }
    if let Some(s) = f.before_seq {
        page = page.filter(audit_scopes::seq.lt(s));
    }
    // The page's seqs first, then their rows: joined to the log in one statement,
    // PostgreSQL merge-joined the clinic's range with the whole log's (and the
    // MultiConnection cannot nest a boxed query as a subquery).
    let page: Vec<i64> = page
        .order(audit_scopes::seq.desc())
        .limit(f.limit)
        .select(audit_scopes::seq)
        .load(conn)?;
    let mut rows = Vec::with_capacity(page.len());
    // In slices: SQLite takes at most 32,766 parameters, and the export asks for 100,000.
    for seqs in page.chunks(1000) {
        rows.extend(
            audit_events::table
                .left_join(users::table.on(users::id.nullable().eq(audit_events::actor_id)))
                .filter(audit_events::seq.eq_any(seqs))
                .order(audit_events::seq.desc())
                .select((AuditRow::as_select(), users::display_name.nullable()))
                .load::<(AuditRow, Option<String>)>(conn)?,
        );
    }
    Ok(rows)
}

/// [`search`] for one actor's or one patient's rows.
fn search_by_party(conn: &mut DbConn, f: &Filter) -> QueryResult<Vec<(AuditRow, Option<String>)>> {
    // The same clinics `scope` files a row under: the one it names, its patient's.
    let mut q = audit_events::table
        .left_join(users::table.on(users::id.nullable().eq(audit_events::actor_id)))
        .left_join(patients::table.on(patients::id.nullable().eq(audit_events::patient_id)))
        .filter(
            audit_events::clinic_id
                .eq(f.clinic_id.clone())
                .or(patients::clinic_id.nullable().eq(f.clinic_id.clone())),
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

/// Which of a patient's rows "Who viewed my data" lists, and where its page starts.
#[derive(Debug, Clone, Default)]
pub struct AccessQuery<'a> {
    pub patient_id: &'a str,
    /// The patient's own account: what they did themselves is not listed.
    pub patient_user_id: Option<&'a str>,
    /// Only the rows about this subject (a patient's link sees only its referral's).
    pub subject_id: Option<&'a str>,
    /// Actions never listed.
    pub hidden_actions: &'a [&'a str],
    /// The referral steps listed (a `referral_transition` row's detail starts with
    /// `<step>:`); the others are not.
    pub shown_steps: &'a [&'a str],
    /// Keyset: rows before this seq (newest first).
    pub before_seq: Option<i64>,
    pub limit: i64,
}

type Backend = <DbConn as diesel::Connection>::Backend;
type AccessSource = diesel::helper_types::LeftJoinQuerySource<
    audit_events::table,
    users::table,
    diesel::dsl::Eq<diesel::dsl::Nullable<users::id>, audit_events::actor_id>,
>;
type AccessPredicate =
    Box<dyn BoxableExpression<AccessSource, Backend, SqlType = diesel::sql_types::Bool>>;

/// A `referral_transition` row of one of `steps`, or a row of another action.
fn shown_step(steps: &[&str]) -> AccessPredicate {
    let mut shown: AccessPredicate = Box::new(audit_events::action.ne("referral_transition"));
    for step in steps {
        // `_` and `%` are LIKE's wildcards: a step's own are literal.
        let pattern = step
            .replace('!', "!!")
            .replace('_', "!_")
            .replace('%', "!%");
        shown = Box::new(
            shown.or(audit_events::detail
                .like(format!("{pattern}:%"))
                .escape('!')),
        );
    }
    shown
}

/// What the patient sees in "Who viewed my data": every access to their records by people
/// outside their care team (and not themselves), and every share, newest first: at most
/// `q.limit` rows before `q.before_seq`, one walk of the (patient_id, seq) index that
/// skips only the care team's and the patient's own rows.
pub fn access_for_patient(
    conn: &mut DbConn,
    q: &AccessQuery<'_>,
) -> QueryResult<Vec<(AuditRow, Option<String>)>> {
    let team: Vec<String> = care_relationships::table
        .filter(care_relationships::patient_id.eq(q.patient_id))
        .select(care_relationships::practitioner_id)
        .load(conn)?;
    let mut query = audit_events::table
        .left_join(users::table.on(users::id.nullable().eq(audit_events::actor_id)))
        .filter(audit_events::patient_id.eq(q.patient_id))
        .filter(
            audit_events::actor_id
                .is_null()
                .or(audit_events::actor_id.ne_all(team))
                .or(audit_events::action.eq_any(SHARE_ACTIONS)),
        )
        .filter(audit_events::action.ne_all(q.hidden_actions.to_vec()))
        .filter(shown_step(q.shown_steps))
        .into_boxed();
    if let Some(me) = q.patient_user_id {
        query = query.filter(
            audit_events::actor_id
                .ne(me.to_string())
                .or(audit_events::actor_id.is_null()),
        );
    }
    if let Some(s) = q.subject_id {
        query = query.filter(audit_events::subject_id.eq(s.to_string()));
    }
    if let Some(s) = q.before_seq {
        query = query.filter(audit_events::seq.lt(s));
    }
    query
        .order(audit_events::seq.desc())
        .limit(q.limit)
        .select((AuditRow::as_select(), users::display_name.nullable()))
        .load(conn)
}

#[derive(QueryableByName)]
struct ActionName {
    #[diesel(sql_type = Text)]
    action: String,
}

/// Distinct actions, for the filter: one seek of the (action, ..) index per action, where
/// `SELECT DISTINCT` read the whole index (1.35 s at a million rows on SQLite).
pub fn actions(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    let rows: Vec<ActionName> = diesel::sql_query(
        "WITH RECURSIVE a(action) AS ( \
             SELECT MIN(action) FROM audit_events \
             UNION ALL \
             SELECT (SELECT MIN(e.action) FROM audit_events e WHERE e.action > a.action) \
             FROM a WHERE a.action IS NOT NULL) \
         SELECT action FROM a WHERE action IS NOT NULL",
    )
    .load(conn)?;
    Ok(rows.into_iter().map(|r| r.action).collect())
}
