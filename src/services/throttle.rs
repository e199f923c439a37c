//! Limits on refused attempts per client address, kept in the database so that every app
//! instance counts the same attempts (see `domain::security::Limit`).

use super::Services;
use crate::db;
use crate::domain::security::{Limit, minutes_to_wait};
use crate::error::{AppError, AppResult};

/// Refuses with a 429 page while `client` has used up `limit`.
pub fn check(svc: &Services, limit: Limit, client: &str) -> AppResult<()> {
    let now = svc.now();
    let mut conn = svc.conn()?;
    let n = db::throttle::count(&mut conn, limit.scope, client, now - limit.window)?;
    if limit.reached(n) {
        return Err(AppError::TooMany(format!(
            "Too many refused attempts from your address. Try again in {} minute{}.",
            minutes_to_wait(limit.window),
            if minutes_to_wait(limit.window) == 1 {
                ""
            } else {
                "s"
            }
        )));
    }
    Ok(())
}

/// Counts one refused attempt of `client` against `limit`, in its own transaction (the
/// refused request's own work was rolled back).
pub fn refused(svc: &Services, limit: Limit, client: &str) -> AppResult<()> {
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        db::throttle::record(c, limit.scope, client, now)?;
        db::throttle::purge(c, now - chrono::Duration::hours(1))
    })?;
    Ok(())
}
