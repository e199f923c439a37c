//! Absences and cover: who is away when, who covers, and the referrals moved to a cover.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::schema::{appointments, away_periods, referral_moves, referrals, users};
use crate::domain::cover::Away;
use crate::domain::referral::Status;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = away_periods)]
pub struct AwayRow {
    pub id: String,
    pub user_id: String,
    pub covering_id: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub note: String,
    pub created_at: NaiveDateTime,
}

impl AwayRow {
    pub fn away(&self) -> Away {
        Away {
            user_id: self.user_id.clone(),
            covering_id: self.covering_id.clone(),
            first_day: self.first_day,
            last_day: self.last_day,
        }
    }
}

pub fn insert(conn: &mut DbConn, a: &AwayRow) -> QueryResult<usize> {
    diesel::insert_into(away_periods::table)
        .values(a)
        .execute(conn)
}

/// `user_id`'s absences that end on or after `day`, soonest first, with each cover's name.
pub fn upcoming(
    conn: &mut DbConn,
    user_id: &str,
    day: NaiveDate,
) -> QueryResult<Vec<(AwayRow, String)>> {
    away_periods::table
        .inner_join(users::table.on(users::id.eq(away_periods::covering_id)))
        .filter(away_periods::user_id.eq(user_id))
        .filter(away_periods::last_day.ge(day))
        .order((away_periods::first_day.asc(), away_periods::id.asc()))
        .select((AwayRow::as_select(), users::display_name))
        .load(conn)
}

/// The absences on `day` of any of `user_ids` whose cover is still active (one index range
/// each).
pub fn on_day(conn: &mut DbConn, user_ids: &[&str], day: NaiveDate) -> QueryResult<Vec<AwayRow>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    // A cover whose account was deactivated covers nobody: the chain ends before them.
    away_periods::table
        .inner_join(users::table.on(users::id.eq(away_periods::covering_id)))
        .filter(away_periods::user_id.eq_any(user_ids))
        .filter(away_periods::last_day.ge(day))
        .filter(away_periods::first_day.le(day))
        .filter(users::active.eq(true))
        .select(AwayRow::as_select())
        .load(conn)
}

/// Ends one of `user_id`'s absences: one still to come is removed, one under way ends the
/// day before `today` (so referrals sent from today reach them again). 0 when it is not
/// theirs or is over already.
pub fn end(conn: &mut DbConn, user_id: &str, id: &str, today: NaiveDate) -> QueryResult<usize> {
    let mine = away_periods::table
        .filter(away_periods::id.eq(id))
        .filter(away_periods::user_id.eq(user_id))
        .filter(away_periods::last_day.ge(today));
    let removed = diesel::delete(mine.filter(away_periods::first_day.ge(today))).execute(conn)?;
    if removed > 0 {
        return Ok(removed);
    }
    diesel::update(mine)
        .set(away_periods::last_day.eq(today - chrono::Days::new(1)))
        .execute(conn)
}

/// Moves a referral to the colleague covering for its receiver: a compare-and-set on the
/// version it has (the transition that sends it, or a hand-over), which it then bumps.
/// `addressed_to` is whom the sender addressed it to (kept across a chain of covers).
pub fn reassign(
    conn: &mut DbConn,
    (id, version): (&str, i64),
    (from, to): (&str, &str),
    addressed_to: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    use referral_moves as m;
    diesel::update(
        m::table
            .filter(m::id.eq(id))
            .filter(m::version.eq(version))
            .filter(m::receiver_id.eq(from)),
    )
    .set((
        m::receiver_id.eq(to),
        m::covering_for.eq(Some(addressed_to)),
        m::version.eq(m::version + 1),
        m::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Whom the referral was addressed to, when a colleague covering for them has it.
pub fn covering_for(conn: &mut DbConn, id: &str) -> QueryResult<Option<(String, String)>> {
    referral_moves::table
        .inner_join(users::table.on(users::id.nullable().eq(referral_moves::covering_for)))
        .filter(referral_moves::id.eq(id))
        .select((users::id, users::display_name))
        .first(conn)
        .optional()
}

/// The open referrals `receiver_id` has (advice questions left out: they keep counters of
/// their own), with their version and whether a visit with them is booked and still to
/// come: the candidates of a hand-over.
pub fn open_received(
    conn: &mut DbConn,
    receiver_id: &str,
    statuses: &[Status],
    now: NaiveDateTime,
) -> QueryResult<Vec<(String, i64, Status, bool)>> {
    let rows: Vec<(String, i64, Status)> = referrals::table
        .filter(referrals::receiver_id.eq(receiver_id))
        .filter(referrals::status.eq_any(statuses))
        .filter(referrals::kind.ne(crate::domain::referral::Kind::Advice))
        .order((referrals::updated_at.asc(), referrals::id.asc()))
        .select((referrals::id, referrals::version, referrals::status))
        .load(conn)?;
    let ids: Vec<&str> = rows.iter().map(|(id, ..)| id.as_str()).collect();
    let booked: Vec<Option<String>> = if ids.is_empty() {
        Vec::new()
    } else {
        appointments::table
            .filter(appointments::referral_id.eq_any(&ids))
            .filter(appointments::practitioner_id.eq(receiver_id))
            .filter(appointments::status.eq("booked"))
            .filter(appointments::ends_at.gt(now))
            .select(appointments::referral_id)
            .load(conn)?
    };
    Ok(rows
        .into_iter()
        .map(|(id, v, s)| {
            let has = booked.iter().any(|b| b.as_deref() == Some(id.as_str()));
            (id, v, s, has)
        })
        .collect())
}
