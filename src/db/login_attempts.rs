use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::login_attempts;

pub fn record(
    conn: &mut DbConn,
    email: &str,
    at: NaiveDateTime,
    outcome: &str,
    ip: &str,
) -> QueryResult<usize> {
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::id.eq(super::new_id()),
            login_attempts::email.eq(email),
            login_attempts::attempted_at.eq(at),
            login_attempts::outcome.eq(outcome),
            login_attempts::ip.eq(ip),
        ))
        .execute(conn)
}

/// Failed attempts for an account after `since` and after its last successful sign-in.
pub fn recent_failures(
    conn: &mut DbConn,
    email: &str,
    since: NaiveDateTime,
) -> QueryResult<Vec<NaiveDateTime>> {
    let last_success: Option<NaiveDateTime> = login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::outcome.eq("success"))
        .filter(login_attempts::attempted_at.gt(since))
        .select(diesel::dsl::max(login_attempts::attempted_at))
        .first(conn)?;
    let from = last_success.map_or(since, |s| s.max(since));
    login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::outcome.eq("failure"))
        .filter(login_attempts::attempted_at.gt(from))
        .order(login_attempts::attempted_at.desc())
        .limit(20)
        .select(login_attempts::attempted_at)
        .load(conn)
}
