//! The clock's tables: each clinic's rules, the reminders already sent, the referrals whose
//! due time or expiry has come, and the jobs the instances share under a lease.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::referral_moves as referrals;
use super::schema::{clinic_clocks, clock_reminders, jobs, users};
use crate::domain::referral::{Kind, Status};

/// `INSERT ... ON CONFLICT DO NOTHING` on either backend (the multi-connection backend has
/// no upsert of its own): the count says whether the row is new.
macro_rules! insert_or_skip {
    ($conn:expr, $table:expr, $row:expr) => {
        match $conn {
            DbConn::Sqlite(c) => diesel::insert_into($table)
                .values($row)
                .on_conflict_do_nothing()
                .execute(c),
            DbConn::Pg(c) => diesel::insert_into($table)
                .values($row)
                .on_conflict_do_nothing()
                .execute(c),
        }
    };
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = clinic_clocks)]
pub struct ClinicClock {
    pub clinic_id: String,
    pub routine_triage_days: i64,
    pub urgent_triage_days: i64,
    pub emergency_triage_hours: i64,
    pub need_info_days: i64,
    pub approval_days: i64,
    pub book_visit_days: i64,
    pub outcome_days: i64,
    pub remind_before_hours: i64,
    pub escalate_after_days: i64,
    pub expire_after_days: i64,
    pub auto_close_days: i64,
    pub holidays: String,
    pub time_zone: String,
    pub updated_at: NaiveDateTime,
    pub advice_days: i64,
}

/// The clinic's own rules, if its admin ever saved them.
pub fn of_clinic(conn: &mut DbConn, clinic_id: &str) -> QueryResult<Option<ClinicClock>> {
    clinic_clocks::table
        .find(clinic_id)
        .select(ClinicClock::as_select())
        .first(conn)
        .optional()
}

/// The rules of the clinic a user works in (`None`: that clinic kept the defaults).
pub fn of_user(conn: &mut DbConn, user_id: &str) -> QueryResult<Option<ClinicClock>> {
    users::table
        .inner_join(clinic_clocks::table.on(clinic_clocks::clinic_id.eq(users::clinic_id)))
        .filter(users::id.eq(user_id))
        .select(ClinicClock::as_select())
        .first(conn)
        .optional()
}

/// Every clinic's saved rules (a handful of rows: one per clinic that changed them).
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<ClinicClock>> {
    clinic_clocks::table
        .select(ClinicClock::as_select())
        .load(conn)
}

/// Saves a clinic's rules (insert or replace).
pub fn save(conn: &mut DbConn, row: &ClinicClock) -> QueryResult<usize> {
    let n = diesel::update(clinic_clocks::table.find(&row.clinic_id))
        .set(row)
        .execute(conn)?;
    if n == 1 {
        return Ok(n);
    }
    diesel::insert_into(clinic_clocks::table)
        .values(row)
        .execute(conn)
}

/// What the clock needs of an open referral.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = referrals)]
pub struct Waiting {
    pub id: String,
    pub kind: Kind,
    pub status: Status,
    pub version: i64,
    pub priority: String,
    pub see_by: Option<String>,
    pub patient_id: String,
    pub sender_id: String,
    pub sender_clinic_id: String,
    pub receiver_id: String,
    pub waiting_since: NaiveDateTime,
    pub due_at: Option<NaiveDateTime>,
}

/// Referrals due by `until` that have no `stage` reminder for their current due time yet,
/// soonest first: a range of the due-time index, bounded by what is due, never by history.
pub fn due_without(
    conn: &mut DbConn,
    until: NaiveDateTime,
    stage: &str,
    limit: i64,
) -> QueryResult<Vec<Waiting>> {
    let sent = clock_reminders::table
        .filter(clock_reminders::referral_id.eq(referrals::id))
        .filter(clock_reminders::due_at.nullable().eq(referrals::due_at))
        .filter(clock_reminders::stage.eq(stage));
    referrals::table
        .filter(referrals::due_at.le(until))
        .filter(diesel::dsl::not(diesel::dsl::exists(sent)))
        .order((referrals::due_at.asc(), referrals::id.asc()))
        .limit(limit)
        .select(Waiting::as_select())
        .load(conn)
}

/// Referrals in `statuses` that have waited since before `before`, oldest first.
pub fn waiting_since_before(
    conn: &mut DbConn,
    statuses: &[Status],
    before: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Waiting>> {
    referrals::table
        .filter(referrals::status.eq_any(statuses))
        .filter(referrals::waiting_since.lt(before))
        .order((referrals::waiting_since.asc(), referrals::id.asc()))
        .limit(limit)
        .select(Waiting::as_select())
        .load(conn)
}

/// Records that `stage` went out for this due time. Returns 0 when it already had (another
/// instance, an earlier run): the caller then sends nothing.
pub fn remember(
    conn: &mut DbConn,
    referral_id: &str,
    due_at: NaiveDateTime,
    stage: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let row = (
        clock_reminders::referral_id.eq(referral_id),
        clock_reminders::due_at.eq(due_at),
        clock_reminders::stage.eq(stage),
        clock_reminders::sent_at.eq(now),
    );
    insert_or_skip!(conn, clock_reminders::table, row)
}

/// How many reminders of `stage` went out for a referral (tests and `handoff jobs`).
pub fn reminders_sent(
    conn: &mut DbConn,
    referral_id: &str,
) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    clock_reminders::table
        .filter(clock_reminders::referral_id.eq(referral_id))
        .order(clock_reminders::sent_at.asc())
        .select((clock_reminders::stage, clock_reminders::due_at))
        .load(conn)
}

/// Sets a referral's due time if it is still at `version` (the clinic changed its rules).
pub fn set_due(
    conn: &mut DbConn,
    id: &str,
    version: i64,
    due: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    diesel::update(
        referrals::table
            .filter(referrals::id.eq(id))
            .filter(referrals::version.eq(version)),
    )
    .set(referrals::due_at.eq(due))
    .execute(conn)
}

/// The open referrals whose due time runs on a clinic's rules: received by its members
/// (triage, booking, outcome) or sent by them (answers, approvals).
pub fn open_of_clinic(conn: &mut DbConn, clinic_id: &str) -> QueryResult<Vec<Waiting>> {
    let members = users::table
        .filter(users::clinic_id.eq(clinic_id))
        .select(users::id);
    referrals::table
        .filter(referrals::due_at.is_not_null())
        .filter(
            referrals::receiver_id
                .eq_any(members)
                .or(referrals::sender_clinic_id.eq(clinic_id)),
        )
        .select(Waiting::as_select())
        .load(conn)
}

/// The admins of a clinic (who escalations go to).
pub fn admins_of(conn: &mut DbConn, clinic_id: &str) -> QueryResult<Vec<String>> {
    users::table
        .filter(users::clinic_id.eq(clinic_id))
        .filter(users::role.eq(crate::domain::people::Role::ClinicAdmin.as_str()))
        .filter(users::active.eq(true))
        .select(users::id)
        .load(conn)
}

/// The clinic a user works in.
pub fn clinic_of(conn: &mut DbConn, user_id: &str) -> QueryResult<Option<String>> {
    users::table
        .find(user_id)
        .select(users::clinic_id)
        .first(conn)
        .optional()
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = jobs)]
pub struct Job {
    pub name: String,
    pub every_seconds: i64,
    pub next_run_at: NaiveDateTime,
    pub lease_owner: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
    pub last_started_at: Option<NaiveDateTime>,
    pub last_finished_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub runs: i64,
    pub failures: i64,
}

/// Creates the job row if it is missing (each instance at start; the first one wins).
pub fn ensure_job(
    conn: &mut DbConn,
    name: &str,
    every_seconds: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let row = (
        jobs::name.eq(name),
        jobs::every_seconds.eq(every_seconds),
        jobs::next_run_at.eq(now),
        jobs::runs.eq(0),
        jobs::failures.eq(0),
    );
    insert_or_skip!(conn, jobs::table, row)?;
    Ok(())
}

pub fn jobs(conn: &mut DbConn) -> QueryResult<Vec<Job>> {
    jobs::table
        .order(jobs::name.asc())
        .select(Job::as_select())
        .load(conn)
}

/// Takes the job's lease if it is due and nobody holds a live lease: one compare-and-set,
/// so of several instances asking at once exactly one gets it.
pub fn claim(
    conn: &mut DbConn,
    name: &str,
    owner: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        jobs::table
            .filter(jobs::name.eq(name))
            .filter(jobs::next_run_at.le(now))
            .filter(jobs::lease_until.is_null().or(jobs::lease_until.lt(now))),
    )
    .set((
        jobs::lease_owner.eq(owner),
        jobs::lease_until.eq(until),
        jobs::last_started_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Ends the owner's lease and sets the next run; a lease taken over by another instance
/// (this one was too slow) is left alone.
pub fn finish(
    conn: &mut DbConn,
    name: &str,
    owner: &str,
    now: NaiveDateTime,
    next: NaiveDateTime,
    error: Option<&str>,
) -> QueryResult<usize> {
    diesel::update(
        jobs::table
            .filter(jobs::name.eq(name))
            .filter(jobs::lease_owner.eq(owner)),
    )
    .set((
        jobs::lease_owner.eq(None::<String>),
        jobs::lease_until.eq(None::<NaiveDateTime>),
        jobs::last_finished_at.eq(now),
        jobs::next_run_at.eq(next),
        jobs::last_error.eq(error),
        jobs::runs.eq(jobs::runs + 1),
        jobs::failures.eq(jobs::failures + i64::from(error.is_some())),
    ))
    .execute(conn)
}

/// Makes a job due now (a change that needs it soon, or `handoff jobs --run`).
pub fn due_now(conn: &mut DbConn, name: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(jobs::table.filter(jobs::name.eq(name)))
        .set(jobs::next_run_at.eq(now))
        .execute(conn)
}

/// Open referrals past their due time, and due within the next `window`.
pub fn due_counts(
    conn: &mut DbConn,
    now: NaiveDateTime,
    window: chrono::Duration,
) -> QueryResult<(i64, i64)> {
    let overdue = referrals::table
        .filter(referrals::due_at.lt(now))
        .count()
        .get_result(conn)?;
    let soon = referrals::table
        .filter(referrals::due_at.ge(now))
        .filter(referrals::due_at.lt(now + window))
        .count()
        .get_result(conn)?;
    Ok((overdue, soon))
}

/// Outbox messages by status (queued, sending, sent, failed).
pub fn outbox_counts(conn: &mut DbConn) -> QueryResult<Vec<(String, i64)>> {
    use super::schema::outbox;
    outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .order(outbox::status.asc())
        .load(conn)
}

/// Messages not sent yet (queued, or being sent): the outbox's depth. The
/// (status, next_attempt_at) index answers it without reading the sent mail.
pub fn outbox_depth(conn: &mut DbConn) -> QueryResult<i64> {
    use super::schema::outbox;
    outbox::table
        .filter(outbox::status.eq_any(["queued", "sending"]))
        .count()
        .get_result(conn)
}

/// Jobs due and not held by a live lease: waiting for an instance to run them.
pub fn jobs_waiting(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<i64> {
    jobs::table
        .filter(jobs::next_run_at.le(now))
        .filter(jobs::lease_until.is_null().or(jobs::lease_until.lt(now)))
        .count()
        .get_result(conn)
}

/// Accepted referrals with a drafted outcome and a visit marked attended that began before
/// `before`, with that visit's end: the clock completes them with the draft.
pub fn attended_with_draft(
    conn: &mut DbConn,
    before: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<(Waiting, NaiveDateTime)>> {
    use super::schema::appointments;
    referrals::table
        .inner_join(appointments::table.on(appointments::referral_id.eq(referrals::id.nullable())))
        .filter(referrals::status.eq(Status::Accepted))
        .filter(referrals::outcome_summary.is_not_null())
        .filter(appointments::status.eq(crate::domain::schedule::VisitStatus::Attended))
        .filter(appointments::starts_at.lt(before))
        .order((appointments::starts_at.asc(), referrals::id.asc()))
        .limit(limit)
        .select((Waiting::as_select(), appointments::ends_at))
        .load(conn)
}

/// Saves the receiver's draft outcome on an accepted referral still at `version` (the clock
/// completes the referral with it after an attended visit).
pub fn save_outcome_draft(
    conn: &mut DbConn,
    id: &str,
    version: i64,
    (summary, advice): (&str, &str),
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        referrals::table
            .filter(referrals::id.eq(id))
            .filter(referrals::version.eq(version))
            .filter(referrals::status.eq(Status::Accepted)),
    )
    .set((
        referrals::outcome_summary.eq(summary),
        referrals::outcome_advice.eq(advice),
        referrals::updated_at.eq(at),
        referrals::version.eq(referrals::version + 1),
    ))
    .execute(conn)
}

/// Records many reminders as already sent, many rows per statement (the generator's
/// history): (referral, due time, stage, sent at).
pub fn remember_many(
    conn: &mut DbConn,
    rows: &[(String, NaiveDateTime, &'static str, NaiveDateTime)],
) -> QueryResult<()> {
    for chunk in rows.chunks(500) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(id, due, stage, at)| {
                (
                    clock_reminders::referral_id.eq(id),
                    clock_reminders::due_at.eq(due),
                    clock_reminders::stage.eq(*stage),
                    clock_reminders::sent_at.eq(at),
                )
            })
            .collect();
        // New referrals only: nothing to skip.
        match conn {
            DbConn::Sqlite(c) => diesel::insert_into(clock_reminders::table)
                .values(&values)
                .execute(c)?,
            DbConn::Pg(c) => diesel::insert_into(clock_reminders::table)
                .values(&values)
                .execute(c)?,
        };
    }
    Ok(())
}

/// A referral's due time as it stands (read before a transition overwrites it).
pub fn due_of(conn: &mut DbConn, id: &str) -> QueryResult<Option<NaiveDateTime>> {
    referrals::table
        .find(id)
        .select(referrals::due_at)
        .first::<Option<NaiveDateTime>>(conn)
        .optional()
        .map(Option::flatten)
}
