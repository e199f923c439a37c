//! Due times on the lists: read through a raw column fragment (the `referrals` table of the
//! schema stops at 32 columns, see `referral_moves`), paired with list rows, and counted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::referral_moves;
use crate::domain::referral::OPEN_LOOP;

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

/// A sender's referrals in an `OPEN_LOOP` status that were sent on elsewhere (so not open
/// loops): few, read from the partial index `referrals_redirected`. SQLite, without
/// statistics, would rather walk the covering index of every open loop of the sender
/// (at 1,000,000 referrals half the sent list's instructions), so it is told which index
/// (`INDEXED BY`: an error, not a slow page, if the index ever stops fitting the query).
pub fn passed_on(conn: &mut DbConn, sender_id: &str) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let open = OPEN_LOOP
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let hint = match conn {
        DbConn::Sqlite(_) => " INDEXED BY referrals_redirected",
        DbConn::Pg(_) => "",
    };
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM referrals{hint} WHERE sender_id = {} \
         AND redirected_to IS NOT NULL AND status IN ({open})",
        super::multi_row::ph(conn, 1)
    );
    let c: Count = diesel::sql_query(sql)
        .bind::<diesel::sql_types::Text, _>(sender_id)
        .get_result(conn)?;
    Ok(c.n)
}
