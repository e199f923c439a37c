//! Second factors, recovery codes and the clinic's "second factor required" setting.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{clinic_security, recovery_codes, second_factors};

/// The shared secret (base32) and the last step accepted, if the user is enrolled.
pub fn get(conn: &mut DbConn, user_id: &str) -> QueryResult<Option<(String, i64)>> {
    second_factors::table
        .find(user_id)
        .select((second_factors::secret, second_factors::last_step))
        .first(conn)
        .optional()
}

/// Enrols the user with `secret` and the hashes of fresh recovery codes; refuses (0) when
/// they are enrolled already.
pub fn enrol(
    conn: &mut DbConn,
    user_id: &str,
    secret: &str,
    step: i64,
    code_hashes: &[String],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let inserted = super::insert_once(conn, |c| {
        diesel::insert_into(second_factors::table)
            .values((
                second_factors::user_id.eq(user_id),
                second_factors::secret.eq(secret),
                second_factors::enabled_at.eq(now),
                second_factors::last_step.eq(step),
            ))
            .execute(c)
    })?;
    if !inserted {
        return Ok(0);
    }
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
        .execute(conn)?;
    for h in code_hashes {
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::id.eq(super::new_id()),
                recovery_codes::user_id.eq(user_id),
                recovery_codes::code_hash.eq(h),
            ))
            .execute(conn)?;
    }
    Ok(1)
}

/// Accepts `step` if it is later than the last accepted one (compare-and-set: the same
/// code sent twice at once is accepted once).
pub fn advance_step(conn: &mut DbConn, user_id: &str, step: i64) -> QueryResult<bool> {
    let n = diesel::update(
        second_factors::table
            .filter(second_factors::user_id.eq(user_id))
            .filter(second_factors::last_step.lt(step)),
    )
    .set(second_factors::last_step.eq(step))
    .execute(conn)?;
    Ok(n == 1)
}

/// Uses up an unused recovery code (compare-and-set on `used_at`).
pub fn use_recovery_code(
    conn: &mut DbConn,
    user_id: &str,
    code_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(user_id))
            .filter(recovery_codes::code_hash.eq(code_hash))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}

/// Recovery codes not yet used.
pub fn codes_left(conn: &mut DbConn, user_id: &str) -> QueryResult<i64> {
    recovery_codes::table
        .filter(recovery_codes::user_id.eq(user_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
}

/// Removes the user's second factor and recovery codes (an admin's reset for a lost phone).
pub fn remove(conn: &mut DbConn, user_id: &str) -> QueryResult<usize> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
        .execute(conn)?;
    diesel::delete(second_factors::table.find(user_id)).execute(conn)
}

/// Whether the clinic's staff must use a second factor.
pub fn required(conn: &mut DbConn, clinic_id: &str) -> QueryResult<bool> {
    Ok(clinic_security::table
        .find(clinic_id)
        .select(clinic_security::second_factor_required)
        .first::<bool>(conn)
        .optional()?
        .unwrap_or(false))
}

/// Sets the clinic's requirement.
pub fn set_required(conn: &mut DbConn, clinic_id: &str, on: bool) -> QueryResult<usize> {
    let n = diesel::update(clinic_security::table.find(clinic_id))
        .set(clinic_security::second_factor_required.eq(on))
        .execute(conn)?;
    if n == 1 {
        return Ok(n);
    }
    diesel::insert_into(clinic_security::table)
        .values((
            clinic_security::clinic_id.eq(clinic_id),
            clinic_security::second_factor_required.eq(on),
        ))
        .execute(conn)
}
