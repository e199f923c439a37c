use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::login_attempts;

/// Records an attempt; returns its id.
pub fn record(
    conn: &mut DbConn,
    email: &str,
    at: NaiveDateTime,
    outcome: &str,
    (ip, user_agent): (&str, &str),
) -> QueryResult<String> {
    let id = super::new_id();
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::id.eq(&id),
            login_attempts::email.eq(email),
            login_attempts::attempted_at.eq(at),
            login_attempts::outcome.eq(outcome),
            login_attempts::ip.eq(ip),
            login_attempts::user_agent.eq(user_agent),
        ))
        .execute(conn)?;
    Ok(id)
}

/// An attempt recorded as failed before its password was checked turned out right.
pub fn mark_success(conn: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::update(login_attempts::table.find(id))
        .set(login_attempts::outcome.eq("success"))
        .execute(conn)
}

/// Serializes the sign-in bookkeeping of one account across connections, until the
/// transaction ends: on PostgreSQL a transaction-scoped advisory lock on the address;
/// SQLite's write transactions already run one at a time.
pub fn lock_account(conn: &mut DbConn, email: &str) -> QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(email)
            .execute(c)?;
    }
    Ok(())
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

/// Whether the account signed in before (other than attempt `except`), and whether any of
/// those sign-ins came from the browser `user_agent`.
pub fn known_browser(
    conn: &mut DbConn,
    email: &str,
    user_agent: &str,
    except: &str,
) -> QueryResult<(bool, bool)> {
    let earlier = login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::outcome.eq("success"))
        .filter(login_attempts::id.ne(except));
    let any: i64 = earlier.count().get_result(conn)?;
    let same: i64 = earlier
        .filter(login_attempts::user_agent.eq(user_agent))
        .count()
        .get_result(conn)?;
    Ok((any > 0, same > 0))
}
