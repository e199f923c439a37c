//! Due times on the lists: read through a raw column fragment (the `referrals` table of the
//! schema stops at 32 columns, see `referral_moves`), paired with list rows, and counted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{referral_moves, referrals};
use crate::domain::referral::{OPEN_LOOP, received_statuses};

/// The due time, read with a raw fragment: the `referrals` table as diesel knows it does
/// not list `due_at` (the 32-column limit); `referral_moves` (the same table) does.
pub(super) fn due_col()
-> diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::Timestamp>> {
    diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Timestamp>>(
        "referrals.due_at",
    )
}

/// Whether the due time is missing (rows nobody must act on sort last).
pub(super) fn due_missing() -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql::<diesel::sql_types::Bool>("(referrals.due_at IS NULL)")
}

/// The submission time of an open loop, read like the due time: a generated column
/// (migration `list_counters`), NULL once the loop closed, with an index of its own.
pub(super) fn open_since()
-> diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::Timestamp>> {
    diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Timestamp>>(
        "referrals.open_since",
    )
}

/// A list's due-time filter and order: due in [from, before), most overdue first.
#[derive(Debug, Clone, Default)]
pub struct DueWindow {
    pub from: Option<NaiveDateTime>,
    pub before: Option<NaiveDateTime>,
    /// Order by due time, earliest (most overdue) first, those without one last.
    pub by_due: bool,
}

/// Keyset cursor of the due order: (due time of the last row shown, its id).
pub type DueCursor = (Option<NaiveDateTime>, String);

/// The due times of these referrals (those nobody must act on have none).
pub fn due_times(
    conn: &mut DbConn,
    ids: &[&str],
) -> QueryResult<Vec<(String, Option<NaiveDateTime>)>> {
    referral_moves::table
        .filter(referral_moves::id.eq_any(ids))
        .select((referral_moves::id, referral_moves::due_at))
        .load(conn)
}

/// How many of a receiver's (or a sender's) referrals are overdue at `now`, and how many
/// more are due before `end_of_today`.
pub fn due_counts(
    conn: &mut DbConn,
    as_receiver: bool,
    user_id: &str,
    now: NaiveDateTime,
    end_of_today: NaiveDateTime,
) -> QueryResult<(i64, i64)> {
    use diesel::dsl::{case_when, count};
    use diesel::sql_types::Integer;
    use referral_moves as m;
    // One walk of the (party, due time) index up to the end of today, counted both ways.
    let mut q = m::table.filter(m::due_at.lt(end_of_today)).into_boxed();
    q = if as_receiver {
        q.filter(m::receiver_id.eq(user_id))
            .filter(m::status.eq_any(received_statuses()))
    } else {
        q.filter(m::sender_id.eq(user_id))
    };
    q.select((
        count(case_when(m::due_at.lt(now), 1.into_sql::<Integer>())),
        count(case_when(m::due_at.ge(now), 1.into_sql::<Integer>())),
    ))
    .get_result(conn)
}

/// A sender's referrals in an `OPEN_LOOP` status that were sent on elsewhere (so not open
/// loops): few, read from an index of their own.
pub fn passed_on(conn: &mut DbConn, sender_id: &str) -> QueryResult<i64> {
    let open: Vec<&str> = OPEN_LOOP.iter().map(|s| s.as_str()).collect();
    referrals::table
        .filter(referrals::sender_id.eq(sender_id))
        .filter(referrals::redirected_to.is_not_null())
        .filter(referrals::status.eq_any(open))
        .count()
        .get_result(conn)
}
