//! Refused attempts per client and scope (see `domain::security::Limit`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::throttle_events;

/// Counts one refused attempt.
pub fn record(conn: &mut DbConn, scope: &str, client: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(throttle_events::table)
        .values((
            throttle_events::id.eq(super::new_id()),
            throttle_events::scope.eq(scope),
            throttle_events::client.eq(client),
            throttle_events::at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Refused attempts of `client` in `scope` since `since` (an index range).
pub fn count(
    conn: &mut DbConn,
    scope: &str,
    client: &str,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    throttle_events::table
        .filter(throttle_events::scope.eq(scope))
        .filter(throttle_events::client.eq(client))
        .filter(throttle_events::at.ge(since))
        .count()
        .get_result(conn)
}

/// Forgets attempts older than any window.
pub fn purge(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(throttle_events::table.filter(throttle_events::at.lt(before))).execute(conn)
}
