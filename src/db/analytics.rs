//! Referral analytics: the grouped sums the pages read from the weekly counters
//! (`referral_stats`, written by [`super::analytics_writes`] with the clinic rollup of
//! [`super::clinic_rollup`]): a practitioner's from their pair rows, a clinic's from the
//! rollup; the open-loop counts, and the bulk writes of the generator.
//! Upserts and multi-row inserts do not compile over the MultiConnection, and raw SQL
//! placeholders differ (`?` / `$1`): both are settled here, per backend.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::DbConn;
use super::multi_row::ph;
use super::schema::{referral_stats, referrals, users};
use crate::db::referrals::Referral;
use crate::domain::analytics::rollup::Side;

pub use super::analytics_writes::{StatRow, add};

/// Whether any counter exists.
pub fn any_stats(conn: &mut DbConn) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        referral_stats::table.select(referral_stats::week),
    ))
    .get_result(conn)
}

/// Whether any referral has been submitted.
pub fn any_submitted(conn: &mut DbConn) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        referrals::table
            .filter(referrals::submitted_at.is_not_null())
            .select(referrals::id),
    ))
    .get_result(conn)
}

/// What the counters need of a referral.
pub type TimesRow = (
    String,
    String,
    String,
    String,
    crate::domain::referral::Status,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<String>,
    bool,
    crate::domain::referral::Kind,
);

/// One page (by id) of submitted referrals' (id, sender, receiver, sender clinic, status, submitted,
/// received, accepted, completed, reject code, redirected, kind), for rebuilding the counters.
pub fn submitted_page(conn: &mut DbConn, after: &str, limit: i64) -> QueryResult<Vec<TimesRow>> {
    referrals::table
        .filter(referrals::submitted_at.is_not_null())
        .filter(referrals::id.gt(after))
        .order(referrals::id.asc())
        .limit(limit)
        .select((
            referrals::id,
            referrals::sender_id,
            referrals::receiver_id,
            referrals::sender_clinic_id,
            referrals::status,
            referrals::submitted_at,
            referrals::received_at,
            referrals::accepted_at,
            referrals::completed_at,
            referrals::reject_code,
            referrals::redirected_to.is_not_null(),
            referrals::kind,
        ))
        .load(conn)
}

/// Every user's clinic.
pub fn user_clinics(conn: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    users::table
        .select((users::id, users::clinic_id))
        .load(conn)
}

/// Inserts generated referrals many rows per statement (the generator's fast path).
pub fn insert_referrals(conn: &mut DbConn, rows: &[Referral]) -> QueryResult<()> {
    // 32 columns: 500 rows stay under both backends' limits on bound parameters.
    for chunk in rows.chunks(500) {
        match conn {
            DbConn::Sqlite(c) => diesel::insert_into(referrals::table)
                .values(chunk)
                .execute(c)?,
            DbConn::Pg(c) => diesel::insert_into(referrals::table)
                .values(chunk)
                .execute(c)?,
        };
    }
    Ok(())
}

/// Gives this connection a large page cache (SQLite) for a bulk load, or back the default.
/// With the default 2 MB, inserting a million rows into nine indexes keeps re-reading
/// index pages that no longer fit.
pub fn bulk_cache(conn: &mut DbConn, on: bool) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    if let DbConn::Sqlite(c) = conn {
        c.batch_execute(if on {
            "PRAGMA cache_size = -524288"
        } else {
            "PRAGMA cache_size = -2000"
        })?;
    }
    Ok(())
}

/// For a bulk load on SQLite: drops the referrals table's secondary indexes and returns
/// their definitions, for [`restore_indexes`] to build again afterwards (building an index
/// by sorting a million rows once is far faster than a million random B-tree inserts into
/// each). On PostgreSQL nothing is dropped. Run both inside the load's transaction.
pub fn drop_referral_indexes(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    use diesel::connection::SimpleConnection;
    #[derive(QueryableByName)]
    struct Def {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        sql: String,
    }
    let DbConn::Sqlite(c) = conn else {
        return Ok(Vec::new());
    };
    let defs: Vec<Def> = diesel::sql_query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'referrals' \
         AND sql IS NOT NULL",
    )
    .load(c)?;
    for d in &defs {
        c.batch_execute(&format!("DROP INDEX \"{}\"", d.name.replace('"', "")))?;
    }
    Ok(defs.into_iter().map(|d| d.sql).collect())
}

/// Builds again the indexes [`drop_referral_indexes`] dropped.
pub fn restore_indexes(conn: &mut DbConn, defs: &[String]) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    for sql in defs {
        conn.batch_execute(sql)?;
    }
    Ok(())
}

/// Whose referrals a query covers, on the sending side.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    Clinic(&'a str),
    Practitioner(&'a str),
}

impl Scope<'_> {
    pub(super) fn id(&self) -> &str {
        match self {
            Scope::Clinic(id) | Scope::Practitioner(id) => id,
        }
    }

    /// Where one side's counters of the scope are summed from, as `table WHERE column`
    /// for the query to compare with the scope's id: a clinic's or a practitioner's rollup
    /// (rows per week, metric and bucket, however many people were at the other end).
    pub(super) fn totals(&self, side: Side) -> &'static str {
        match (self, side) {
            (Scope::Clinic(_), Side::Sent) => "clinic_stats WHERE side = 'sent' AND clinic_id",
            (Scope::Clinic(_), Side::Received) => {
                "clinic_stats WHERE side = 'received' AND clinic_id"
            }
            (Scope::Practitioner(_), Side::Sent) => {
                "practitioner_stats WHERE side = 'sent' AND user_id"
            }
            (Scope::Practitioner(_), Side::Received) => {
                "practitioner_stats WHERE side = 'received' AND user_id"
            }
        }
    }

    /// Where the scope's sent counters per receiver are summed from (for the tables that
    /// rank receivers), as [`Self::totals`]: only sent, accepted, time to accept and
    /// triaged are kept per receiver for a clinic.
    pub(super) fn per_receiver(&self) -> &'static str {
        match self {
            Scope::Clinic(_) => "clinic_receiver_stats WHERE sender_clinic_id",
            Scope::Practitioner(_) => "referral_stats WHERE sender_id",
        }
    }
}

/// A counter of one (week, metric, detail, bucket).
#[derive(Debug, Clone, QueryableByName)]
pub struct WeekSum {
    #[diesel(sql_type = Text)]
    pub week: String,
    #[diesel(sql_type = Text)]
    pub metric: String,
    #[diesel(sql_type = Text)]
    pub detail: String,
    #[diesel(sql_type = BigInt)]
    pub bucket: i64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// The sending side's counters in weeks [from, to] (week keys), one row per counter: the
/// caller sums them. No GROUP BY here or below: SQLite sorts the rows for it, comparing
/// text keys, and at 1,000,000 network referrals that sort was half of an analytics page
/// (callgrind), while the caller adds the rows into maps it keeps anyway.
pub fn sent_side(
    conn: &mut DbConn,
    scope: Scope<'_>,
    from: &str,
    to: &str,
) -> QueryResult<Vec<WeekSum>> {
    let sql = format!(
        "SELECT week, metric, detail, bucket, n FROM {src} = {p1} \
         AND metric IN ('sent', 'reached', 'accepted', 'completed', \
         'rejected', 'tta', 'ttc') AND week >= {p2} AND week <= {p3}",
        src = scope.totals(Side::Sent),
        p1 = ph(conn, 1),
        p2 = ph(conn, 2),
        p3 = ph(conn, 3),
    );
    diesel::sql_query(sql)
        .bind::<Text, _>(scope.id())
        .bind::<Text, _>(from)
        .bind::<Text, _>(to)
        .load(conn)
}

/// A weekly count.
#[derive(Debug, Clone, QueryableByName)]
pub struct WeekCount {
    #[diesel(sql_type = Text)]
    pub week: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Referrals received (handed over) in weeks [from, to] by the scope's receivers, one row
/// per counter (several a week: the caller sums them).
pub fn received_weekly(
    conn: &mut DbConn,
    scope: Scope<'_>,
    from: &str,
    to: &str,
) -> QueryResult<Vec<WeekCount>> {
    let sql = format!(
        "SELECT week, n FROM {src} = {p1} \
         AND metric = 'received' AND week >= {p2} AND week <= {p3}",
        src = scope.totals(Side::Received),
        p1 = ph(conn, 1),
        p2 = ph(conn, 2),
        p3 = ph(conn, 3),
    );
    diesel::sql_query(sql)
        .bind::<Text, _>(scope.id())
        .bind::<Text, _>(from)
        .bind::<Text, _>(to)
        .load(conn)
}

/// A counter (or a sum of them) for one receiver (and their clinic), metric and bucket.
#[derive(Debug, Clone, QueryableByName)]
pub struct ReceiverSum {
    #[diesel(sql_type = Text)]
    pub receiver_id: String,
    #[diesel(sql_type = Text)]
    pub receiver_clinic_id: String,
    #[diesel(sql_type = Text)]
    pub metric: String,
    #[diesel(sql_type = BigInt)]
    pub bucket: i64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// The sending side's counters in weeks [from, to] per receiver: how many sent, accepted,
/// and the time-to-accept histogram, one row per counter (per week: the caller sums them).
pub fn by_receiver(
    conn: &mut DbConn,
    scope: Scope<'_>,
    from: &str,
    to: &str,
) -> QueryResult<Vec<ReceiverSum>> {
    let sql = format!(
        "SELECT receiver_id, receiver_clinic_id, metric, bucket, n \
         FROM {src} = {p1} AND week >= {p2} AND week <= {p3} \
         AND metric IN ('sent', 'accepted', 'tta')",
        src = scope.per_receiver(),
        p1 = ph(conn, 1),
        p2 = ph(conn, 2),
        p3 = ph(conn, 3),
    );
    diesel::sql_query(sql)
        .bind::<Text, _>(scope.id())
        .bind::<Text, _>(from)
        .bind::<Text, _>(to)
        .load(conn)
}

/// The receiving side's counters since week `from` for the listed receivers only (one
/// grouped query for a directory page): reached, accepted and the time-to-accept histogram.
pub fn receivers_since(
    conn: &mut DbConn,
    receiver_ids: &[String],
    from: &str,
) -> QueryResult<Vec<ReceiverSum>> {
    if receiver_ids.is_empty() {
        return Ok(Vec::new());
    }
    // SQLite numbers `?` by position: the week comes first in the text as in the binds.
    let list = (0..receiver_ids.len())
        .map(|i| ph(conn, i + 2))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT receiver_id, receiver_clinic_id, metric, bucket, CAST(SUM(n) AS BIGINT) AS n \
         FROM referral_stats \
         WHERE week >= {p1} AND receiver_id IN ({list}) \
         AND metric IN ('reached', 'accepted', 'tta') \
         GROUP BY receiver_id, receiver_clinic_id, metric, bucket",
        p1 = ph(conn, 1),
    );
    let mut q = diesel::sql_query(sql).into_boxed().bind::<Text, _>(from);
    for id in receiver_ids {
        q = q.bind::<Text, _>(id.clone());
    }
    q.load(conn)
}

/// A single sum.
#[derive(Debug, Clone, QueryableByName)]
struct Total {
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    n: Option<i64>,
}

/// Every open loop of the scope now, from the counters.
pub fn open_total(conn: &mut DbConn, scope: Scope<'_>) -> QueryResult<i64> {
    let sql = format!(
        "SELECT CAST(SUM(n) AS BIGINT) AS n FROM {src} = {p1} AND metric = 'open'",
        src = scope.totals(Side::Sent),
        p1 = ph(conn, 1),
    );
    let t: Total = diesel::sql_query(sql)
        .bind::<Text, _>(scope.id())
        .get_result(conn)?;
    Ok(t.n.unwrap_or(0))
}

/// Display names of users.
pub fn user_names(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<(String, String)>> {
    users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load(conn)
}

/// Names of clinics.
pub fn clinic_names(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<(String, String)>> {
    use super::schema::clinics;
    clinics::table
        .filter(clinics::id.eq_any(ids))
        .select((clinics::id, clinics::name))
        .load(conn)
}

/// The network's practitioners for the generator, in a stable order (by e-mail): id,
/// clinic and the clinic's kind.
pub fn generator_practitioners(conn: &mut DbConn) -> QueryResult<Vec<(String, String, String)>> {
    use super::schema::{clinics, practitioners};
    practitioners::table
        .inner_join(users::table.inner_join(clinics::table))
        .order(users::email.asc())
        .select((users::id, users::clinic_id, clinics::kind))
        .load(conn)
}

/// Every care relationship as (practitioner, patient), in a stable order (by the
/// practitioner's e-mail, then the patient's record number).
pub fn care_pairs(conn: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    use super::schema::{care_relationships, patients};
    care_relationships::table
        .inner_join(users::table)
        .inner_join(patients::table)
        .order((users::email.asc(), patients::mrn.asc()))
        .select((
            care_relationships::practitioner_id,
            care_relationships::patient_id,
        ))
        .load(conn)
}

/// One of the clock's counters for one receiver (and clinic), metric, detail and bucket.
#[derive(Debug, Clone, QueryableByName)]
pub struct ClockSum {
    #[diesel(sql_type = Text)]
    pub receiver_id: String,
    #[diesel(sql_type = Text)]
    pub receiver_clinic_id: String,
    #[diesel(sql_type = Text)]
    pub metric: String,
    #[diesel(sql_type = Text)]
    pub detail: String,
    #[diesel(sql_type = BigInt)]
    pub bucket: i64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// The sending side's clock counters in weeks [from, to], one row per counter (the caller
/// sums them): triaged within the level per receiver, and the time in each state (with an
/// empty receiver: no table ranks it).
pub fn clock_sums(
    conn: &mut DbConn,
    scope: Scope<'_>,
    from: &str,
    to: &str,
) -> QueryResult<Vec<ClockSum>> {
    let sql = format!(
        "SELECT receiver_id, receiver_clinic_id, metric, detail, bucket, n \
         FROM {per_receiver} = {p1} AND metric = 'triaged' \
         AND week >= {p2} AND week <= {p3} \
         UNION ALL \
         SELECT '' AS receiver_id, '' AS receiver_clinic_id, metric, detail, bucket, n \
         FROM {totals} = {p4} AND metric = 'in_state' \
         AND week >= {p5} AND week <= {p6}",
        per_receiver = scope.per_receiver(),
        totals = scope.totals(Side::Sent),
        p1 = ph(conn, 1),
        p2 = ph(conn, 2),
        p3 = ph(conn, 3),
        p4 = ph(conn, 4),
        p5 = ph(conn, 5),
        p6 = ph(conn, 6),
    );
    diesel::sql_query(sql)
        .bind::<Text, _>(scope.id())
        .bind::<Text, _>(from)
        .bind::<Text, _>(to)
        .bind::<Text, _>(scope.id())
        .bind::<Text, _>(from)
        .bind::<Text, _>(to)
        .load(conn)
}

/// What the clock's counters need of a referral before a move, in one read: its due time
/// and whether the receiver already made a first decision (a move out of Sent to
/// accepted, declined, information or visit required).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClockBefore {
    pub due_at: Option<NaiveDateTime>,
    pub decided: bool,
}

pub fn clock_before(conn: &mut DbConn, referral_id: &str) -> QueryResult<ClockBefore> {
    use super::schema::referral_events as e;
    use super::schema::referral_moves as m;
    let decided = diesel::dsl::exists(
        e::table
            .filter(e::referral_id.eq(referral_id))
            .filter(e::from_status.eq("sent"))
            .filter(e::to_status.eq_any(["accepted", "rejected", "need_info", "visit_required"])),
    );
    let (due_at, decided) = m::table
        .find(referral_id)
        .select((m::due_at, decided))
        .first::<(Option<NaiveDateTime>, bool)>(conn)
        .optional()?
        .unwrap_or_default();
    Ok(ClockBefore { due_at, decided })
}
