//! Referrals, their timeline events and consents.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{consents, patients, referral_events, referral_moves, referrals, users};
use crate::domain::referral::{Kind, Status, received_statuses};

pub use super::day_counts::due_counts;
pub use super::due::{DueCursor, DueWindow, due_times};
use super::due::{due_col, due_missing, open_since};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = referrals)]
pub struct Referral {
    pub id: String,
    pub kind: Kind,
    pub patient_id: String,
    pub sender_id: String,
    pub sender_clinic_id: String,
    pub receiver_id: String,
    pub status: Status,
    pub version: i64,
    pub priority: String,
    pub priority_rank: i64,
    pub see_by: Option<String>,
    pub reason: String,
    pub message: String,
    pub doctor_only: bool,
    pub snapshot: String,
    pub scope: String,
    pub what_to_bring: String,
    pub redirected_from: Option<String>,
    pub redirected_to: Option<String>,
    pub reject_code: Option<String>,
    pub reject_note: Option<String>,
    pub cancel_reason: Option<String>,
    pub decline_reason: Option<String>,
    pub outcome_summary: Option<String>,
    pub outcome_advice: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub received_at: Option<NaiveDateTime>,
    pub accepted_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    pub waiting_since: NaiveDateTime,
}

/// What a draft edit may change.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = referrals)]
pub struct DraftChanges {
    pub kind: Kind,
    pub receiver_id: String,
    pub priority: String,
    pub priority_rank: i64,
    pub see_by: Option<String>,
    pub reason: String,
    pub message: String,
    pub doctor_only: bool,
    pub snapshot: String,
    pub scope: String,
    pub updated_at: NaiveDateTime,
}

/// What a transition sets besides status and version; `None` leaves a column alone. Written
/// through `referral_moves` (the same table), which has the due time.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = referral_moves)]
pub struct TransitionChanges {
    pub status: Option<Status>,
    pub updated_at: Option<NaiveDateTime>,
    pub waiting_since: Option<NaiveDateTime>,
    /// `Some(None)` clears the due time (nobody must act any more).
    pub due_at: Option<Option<NaiveDateTime>>,
    pub submitted_at: Option<NaiveDateTime>,
    pub received_at: Option<NaiveDateTime>,
    pub accepted_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    pub redirected_to: Option<String>,
    pub reject_code: Option<String>,
    pub reject_note: Option<String>,
    pub cancel_reason: Option<String>,
    pub decline_reason: Option<String>,
    pub outcome_summary: Option<String>,
    pub outcome_advice: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = referral_events)]
pub struct Event {
    pub id: String,
    pub referral_id: String,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub kind: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub note: String,
    pub patient_visible: bool,
    /// The assistant who made the move for `actor_id`.
    pub acted_by: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = consents)]
pub struct Consent {
    pub id: String,
    pub patient_id: String,
    pub referral_id: String,
    pub recipient_id: String,
    pub method: String,
    pub scope: String,
    /// Who recorded it; `None` when the patient approved through their personal link.
    pub recorded_by: Option<String>,
    pub recorded_at: NaiveDateTime,
    pub withdrawn_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConn, r: &Referral) -> QueryResult<usize> {
    diesel::insert_into(referrals::table)
        .values(r)
        .execute(conn)
}

pub fn get(conn: &mut DbConn, id: &str) -> QueryResult<Referral> {
    referrals::table
        .find(id)
        .select(Referral::as_select())
        .first(conn)
}

/// Saves a draft edit if the draft is still at `version`; returns rows changed (0 = stale).
pub fn update_draft(
    conn: &mut DbConn,
    id: &str,
    version: i64,
    c: &DraftChanges,
) -> QueryResult<usize> {
    diesel::update(
        referrals::table
            .filter(referrals::id.eq(id))
            .filter(referrals::status.eq(Status::Draft))
            .filter(referrals::version.eq(version)),
    )
    .set((c, referrals::version.eq(referrals::version + 1)))
    .execute(conn)
}

/// The compare-and-set of every transition: changes the row only if it is still at
/// (`from`, `version`). Returns rows changed: 1 on success, 0 if someone was first.
pub fn compare_and_set(
    conn: &mut DbConn,
    id: &str,
    from: Status,
    version: i64,
    c: &TransitionChanges,
) -> QueryResult<usize> {
    use super::schema::referral_moves as m;
    diesel::update(
        m::table
            .filter(m::id.eq(id))
            .filter(m::status.eq(from))
            .filter(m::version.eq(version)),
    )
    .set((c, m::version.eq(m::version + 1)))
    .execute(conn)
}

pub fn insert_event(conn: &mut DbConn, e: &Event) -> QueryResult<usize> {
    diesel::insert_into(referral_events::table)
        .values(e)
        .execute(conn)
}

/// The timeline, oldest first, with each actor's name.
pub fn events(conn: &mut DbConn, referral_id: &str) -> QueryResult<Vec<(Event, Option<String>)>> {
    referral_events::table
        .left_join(users::table.on(users::id.nullable().eq(referral_events::actor_id)))
        .filter(referral_events::referral_id.eq(referral_id))
        .order((referral_events::at.asc(), referral_events::id.asc()))
        .select((Event::as_select(), users::display_name.nullable()))
        .load(conn)
}

pub fn count_events(conn: &mut DbConn, referral_id: &str, kind: &str) -> QueryResult<i64> {
    referral_events::table
        .filter(referral_events::referral_id.eq(referral_id))
        .filter(referral_events::kind.eq(kind))
        .count()
        .get_result(conn)
}

pub fn insert_consent(conn: &mut DbConn, c: &Consent) -> QueryResult<usize> {
    diesel::insert_into(consents::table).values(c).execute(conn)
}

/// Inserts many consents, several hundred rows per statement (the generator's history).
pub fn insert_consents(conn: &mut DbConn, rows: &[Consent]) -> QueryResult<()> {
    for chunk in rows.chunks(300) {
        match conn {
            DbConn::Sqlite(c) => diesel::insert_into(consents::table)
                .values(chunk)
                .execute(c)?,
            DbConn::Pg(c) => diesel::insert_into(consents::table)
                .values(chunk)
                .execute(c)?,
        };
    }
    Ok(())
}

/// A patient's consents, newest first.
pub fn consents_of_patient(conn: &mut DbConn, patient_id: &str) -> QueryResult<Vec<Consent>> {
    consents::table
        .filter(consents::patient_id.eq(patient_id))
        .order((consents::recorded_at.desc(), consents::id.desc()))
        .select(Consent::as_select())
        .load(conn)
}

pub fn get_consent(conn: &mut DbConn, id: &str) -> QueryResult<Consent> {
    consents::table
        .find(id)
        .select(Consent::as_select())
        .first(conn)
}

/// Withdraws a live consent (compare-and-set on `withdrawn_at IS NULL`); rows changed.
pub fn withdraw_consent(
    conn: &mut DbConn,
    id: &str,
    patient_id: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        consents::table
            .filter(consents::id.eq(id))
            .filter(consents::patient_id.eq(patient_id))
            .filter(consents::withdrawn_at.is_null()),
    )
    .set(consents::withdrawn_at.eq(at))
    .execute(conn)
}

/// Withdraws the live consents of a referral that were passed on from another (to a
/// colleague covering, or within a service): they go with the consent they came from.
pub fn withdraw_passed_on(
    conn: &mut DbConn,
    referral_id: &str,
    patient_id: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        consents::table
            .filter(consents::referral_id.eq(referral_id))
            .filter(consents::patient_id.eq(patient_id))
            .filter(consents::method.eq_any(["cover", "service"]))
            .filter(consents::withdrawn_at.is_null()),
    )
    .set(consents::withdrawn_at.eq(at))
    .execute(conn)
}

/// Live (not withdrawn) consents for a referral, newest first.
pub fn live_consents(conn: &mut DbConn, referral_id: &str) -> QueryResult<Vec<Consent>> {
    consents::table
        .filter(consents::referral_id.eq(referral_id))
        .filter(consents::withdrawn_at.is_null())
        .order(consents::recorded_at.desc())
        .select(Consent::as_select())
        .load(conn)
}

/// A row of a referral list: the referral, the patient's name, and the other party's name.
pub type ListRow = (Referral, String, String, String);

/// Each row with its patient's, sender's and receiver's names.
pub(crate) fn with_names(conn: &mut DbConn, rows: Vec<Referral>) -> QueryResult<Vec<ListRow>> {
    let mut out = Vec::with_capacity(rows.len());
    // One query per list page for the names, not one per row.
    // Each id bound once: a list names the same few people and patients over and over.
    let mut patient_ids: Vec<&str> = rows.iter().map(|r| r.patient_id.as_str()).collect();
    patient_ids.sort_unstable();
    patient_ids.dedup();
    let mut user_ids: Vec<&str> = rows.iter().map(|r| r.sender_id.as_str()).collect();
    user_ids.extend(rows.iter().map(|r| r.receiver_id.as_str()));
    user_ids.sort_unstable();
    user_ids.dedup();
    let pats: Vec<(String, String, String)> = patients::table
        .filter(patients::id.eq_any(&patient_ids))
        .select((patients::id, patients::given_name, patients::family_name))
        .load(conn)?;
    let names: Vec<(String, String)> = users::table
        .filter(users::id.eq_any(&user_ids))
        .select((users::id, users::display_name))
        .load(conn)?;
    let name_of = |id: &str| {
        names
            .iter()
            .find(|(u, _)| u == id)
            .map_or(String::new(), |(_, n)| n.clone())
    };
    for r in rows {
        let patient = pats
            .iter()
            .find(|(id, _, _)| *id == r.patient_id)
            .map_or(String::new(), |(_, g, f)| format!("{g} {f}"));
        let sender = name_of(&r.sender_id);
        let receiver = name_of(&r.receiver_id);
        out.push((r, patient, sender, receiver));
    }
    Ok(out)
}

/// Inbox filters and position.
#[derive(Debug, Clone, Default)]
pub struct InboxQuery {
    pub statuses: Vec<Status>,
    pub priority: Option<String>,
    pub sender_id: Option<String>,
    pub received_from: Option<NaiveDateTime>,
    pub received_to: Option<NaiveDateTime>,
    pub by_priority: bool,
    /// Keyset cursor: (priority_rank, waiting_since, id) of the last row shown.
    pub after: Option<(i64, NaiveDateTime, String)>,
    /// Due-time filter; with `due.by_due`, the order (and `after_due` its cursor).
    pub due: DueWindow,
    pub after_due: Option<DueCursor>,
    pub limit: i64,
}

type Backend = <DbConn as diesel::Connection>::Backend;

/// The inbox's rows that match `q`'s filters, in no order yet.
fn inbox_filtered<'a>(
    receiver_id: &'a str,
    q: &'a InboxQuery,
) -> referrals::BoxedQuery<'a, Backend> {
    let mut query = referrals::table
        .filter(referrals::receiver_id.eq(receiver_id))
        .into_boxed();
    // Never anything the receiver has not been handed, whatever the filter asks for.
    query = query.filter(referrals::status.eq_any(received_statuses()));
    if !q.statuses.is_empty() {
        query = query.filter(referrals::status.eq_any(q.statuses.clone()));
    }
    if let Some(p) = &q.priority {
        query = query.filter(referrals::priority.eq(p.clone()));
    }
    if let Some(s) = &q.sender_id {
        query = query.filter(referrals::sender_id.eq(s.clone()));
    }
    if let Some(f) = q.received_from {
        query = query.filter(referrals::received_at.ge(f));
    }
    if let Some(t) = q.received_to {
        query = query.filter(referrals::received_at.lt(t));
    }
    if let Some(f) = q.due.from {
        query = query.filter(due_col().ge(f));
    }
    if let Some(b) = q.due.before {
        query = query.filter(due_col().lt(b));
    }
    query
}

/// One page of a receiver's inbox (keyset pagination, so deep pages stay fast).
pub fn inbox(conn: &mut DbConn, receiver_id: &str, q: &InboxQuery) -> QueryResult<Vec<ListRow>> {
    if q.due.by_due {
        return inbox_by_due(conn, receiver_id, q);
    }
    let mut query = inbox_filtered(receiver_id, q);
    if let Some((rank, since, id)) = &q.after {
        let (rank, since, id) = (*rank, *since, id.clone());
        // The `>=` bounds where the index walk starts (an OR alone would not).
        let after_time = referrals::waiting_since
            .ge(since)
            .and(referrals::waiting_since.gt(since).or(referrals::id.gt(id)));
        if q.by_priority {
            query = query.filter(
                referrals::priority_rank
                    .ge(rank)
                    .and(referrals::priority_rank.gt(rank).or(after_time)),
            );
        } else {
            query = query.filter(after_time);
        }
    }
    query = if q.by_priority {
        query.order((
            referrals::priority_rank.asc(),
            referrals::waiting_since.asc(),
            referrals::id.asc(),
        ))
    } else {
        query.order((referrals::waiting_since.asc(), referrals::id.asc()))
    };
    let rows = query
        .limit(q.limit)
        .select(Referral::as_select())
        .load(conn)?;
    with_names(conn, rows)
}

fn inbox_by_due(conn: &mut DbConn, receiver_id: &str, q: &InboxQuery) -> QueryResult<Vec<ListRow>> {
    let rows = by_due(conn, q.limit, q.after_due.as_ref(), || {
        inbox_filtered(receiver_id, q)
    })?;
    with_names(conn, rows)
}

/// A list most overdue first, those nobody must act on last: two walks of the (party, due
/// time, id) index, each stopping at the page's end, instead of one sort of the whole list
/// (SQL puts NULLs first, so "missing last" cannot be one index order).
fn by_due<'a>(
    conn: &mut DbConn,
    limit: i64,
    after: Option<&DueCursor>,
    base: impl Fn() -> referrals::BoxedQuery<'a, Backend>,
) -> QueryResult<Vec<Referral>> {
    let mut rows = Vec::new();
    let in_missing = matches!(after, Some((None, _)));
    if !in_missing {
        let mut due = base().filter(due_col().is_not_null());
        if let Some((Some(d), id)) = after {
            due = due.filter(
                due_col()
                    .gt(*d)
                    .or(due_col().eq(*d).and(referrals::id.gt(id.clone()))),
            );
        }
        rows = due
            .order((due_col().asc(), referrals::id.asc()))
            .limit(limit)
            .select(Referral::as_select())
            .load(conn)?;
    }
    let left = limit - rows.len() as i64;
    if left > 0 {
        let mut missing = base().filter(due_missing());
        if let Some((None, id)) = after {
            missing = missing.filter(referrals::id.gt(id.clone()));
        }
        rows.extend(
            missing
                .order(referrals::id.asc())
                .limit(left)
                .select(Referral::as_select())
                .load(conn)?,
        );
    }
    Ok(rows)
}

/// The sent list's filters and position.
#[derive(Debug, Clone, Default)]
pub struct SentQuery {
    pub status: Option<Status>,
    /// Due-time filter; with `due.by_due`, the order (and `after_due` its cursor).
    pub due: DueWindow,
    /// Keyset cursor of the newest-change order: (updated_at, id) of the last row shown.
    pub after: Option<(NaiveDateTime, String)>,
    pub after_due: Option<DueCursor>,
    pub limit: i64,
}

/// The sender's referrals that match `q`'s filters, in no order yet.
fn sent_filtered<'a>(sender_id: &'a str, q: &'a SentQuery) -> referrals::BoxedQuery<'a, Backend> {
    let mut query = referrals::table
        .filter(referrals::sender_id.eq(sender_id))
        .into_boxed();
    if let Some(s) = q.status {
        query = query.filter(referrals::status.eq(s));
    }
    if let Some(f) = q.due.from {
        query = query.filter(due_col().ge(f));
    }
    if let Some(b) = q.due.before {
        query = query.filter(due_col().lt(b));
    }
    query
}

/// One keyset page of a sender's referrals (newest change or most overdue first), and the
/// sender's `oldest` oldest open loops, named in one lookup.
pub fn sent_by(
    conn: &mut DbConn,
    sender_id: &str,
    q: &SentQuery,
    oldest: i64,
) -> QueryResult<(Vec<ListRow>, Vec<ListRow>)> {
    let mut rows = sent_rows(conn, sender_id, q)?;
    let page = rows.len();
    rows.extend(oldest_open(conn, sender_id, oldest)?);
    let mut named = with_names(conn, rows)?;
    let open = named.split_off(page);
    Ok((named, open))
}

fn sent_rows(conn: &mut DbConn, sender_id: &str, q: &SentQuery) -> QueryResult<Vec<Referral>> {
    if q.due.by_due {
        return by_due(conn, q.limit, q.after_due.as_ref(), || {
            sent_filtered(sender_id, q)
        });
    }
    let mut query = sent_filtered(sender_id, q);
    if let Some((at, id)) = &q.after {
        // The `<=` bounds where the index walk starts (an OR alone would not).
        query = query.filter(
            referrals::updated_at.le(*at).and(
                referrals::updated_at
                    .lt(*at)
                    .or(referrals::id.lt(id.clone())),
            ),
        );
    }
    query
        .order((referrals::updated_at.desc(), referrals::id.desc()))
        .limit(q.limit)
        .select(Referral::as_select())
        .load(conn)
}

/// A sender's oldest open loops: the first entries of the open loops' index.
fn oldest_open(conn: &mut DbConn, sender_id: &str, limit: i64) -> QueryResult<Vec<Referral>> {
    referrals::table
        .filter(referrals::sender_id.eq(sender_id))
        .filter(open_since().is_not_null())
        .order((open_since().asc(), referrals::id.asc()))
        .limit(limit)
        .select(Referral::as_select())
        .load(conn)
}

/// Sets what the patient should bring (compare-and-set on the version); rows changed.
pub fn set_what_to_bring(
    conn: &mut DbConn,
    id: &str,
    version: i64,
    text: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        referrals::table
            .filter(referrals::id.eq(id))
            .filter(referrals::version.eq(version)),
    )
    .set((
        referrals::what_to_bring.eq(text),
        referrals::updated_at.eq(at),
        referrals::version.eq(referrals::version + 1),
    ))
    .execute(conn)
}

/// A patient's referrals that have left draft, newest first.
pub fn for_patient(conn: &mut DbConn, patient_id: &str) -> QueryResult<Vec<ListRow>> {
    let rows = referrals::table
        .filter(referrals::patient_id.eq(patient_id))
        .filter(referrals::status.ne(Status::Draft))
        .order((referrals::created_at.desc(), referrals::id.desc()))
        .select(Referral::as_select())
        .load(conn)?;
    with_names(conn, rows)
}

/// A patient's referrals as the chart shows them to a practitioner in the care team.
pub fn for_chart(conn: &mut DbConn, patient_id: &str) -> QueryResult<Vec<ListRow>> {
    let rows = referrals::table
        .filter(referrals::patient_id.eq(patient_id))
        .order((referrals::created_at.desc(), referrals::id.desc()))
        .limit(20)
        .select(Referral::as_select())
        .load(conn)?;
    with_names(conn, rows)
}

/// Pairs each row of a list with its due time.
pub fn with_due(
    conn: &mut DbConn,
    rows: Vec<ListRow>,
) -> QueryResult<Vec<(ListRow, Option<NaiveDateTime>)>> {
    let ids: Vec<&str> = rows.iter().map(|(r, ..)| r.id.as_str()).collect();
    let due = due_times(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let d = due
                .iter()
                .find(|(id, _)| *id == row.0.id)
                .and_then(|(_, d)| *d);
            (row, d)
        })
        .collect())
}
