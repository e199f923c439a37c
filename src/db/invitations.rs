//! A clinic's invitations to doctors outside the network to join it as practitioners.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{practitioner_invitations as inv, users};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = inv)]
pub struct Invitation {
    pub id: String,
    pub user_id: String,
    pub clinic_id: String,
    pub email: String,
    pub display_name: String,
    pub title: String,
    pub specialty: String,
    pub city: String,
    pub languages: String,
    pub accepting_referrals: bool,
    pub token_hash: String,
    pub nonce: String,
    pub invited_by: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub withdrawn_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConn, i: &Invitation) -> QueryResult<()> {
    diesel::insert_into(inv::table)
        .values(i)
        .execute(conn)
        .map(|_| ())
}

pub fn get(conn: &mut DbConn, id: &str) -> QueryResult<Invitation> {
    inv::table
        .find(id)
        .select(Invitation::as_select())
        .first(conn)
}

pub fn by_hash(conn: &mut DbConn, hash: &str) -> QueryResult<Option<Invitation>> {
    inv::table
        .filter(inv::token_hash.eq(hash))
        .select(Invitation::as_select())
        .first(conn)
        .optional()
}

/// A clinic's invitations that are neither accepted nor withdrawn (expired ones included,
/// so the admin sees them run out), newest first.
pub fn open_for_clinic(conn: &mut DbConn, clinic_id: &str) -> QueryResult<Vec<Invitation>> {
    inv::table
        .filter(inv::clinic_id.eq(clinic_id))
        .filter(inv::accepted_at.is_null())
        .filter(inv::withdrawn_at.is_null())
        .order((inv::created_at.desc(), inv::id.desc()))
        .select(Invitation::as_select())
        .limit(100)
        .load(conn)
}

/// Withdraws a clinic's open invitations to one doctor (before a new one replaces them).
pub fn withdraw_open(
    conn: &mut DbConn,
    clinic_id: &str,
    user_id: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        inv::table
            .filter(inv::clinic_id.eq(clinic_id))
            .filter(inv::user_id.eq(user_id))
            .filter(inv::accepted_at.is_null())
            .filter(inv::withdrawn_at.is_null()),
    )
    .set(inv::withdrawn_at.eq(at))
    .execute(conn)
}

/// Withdraws every open invitation to one doctor, of any clinic (their address changed).
pub fn withdraw_all_to(conn: &mut DbConn, user_id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        inv::table
            .filter(inv::user_id.eq(user_id))
            .filter(inv::accepted_at.is_null())
            .filter(inv::withdrawn_at.is_null()),
    )
    .set(inv::withdrawn_at.eq(at))
    .execute(conn)
}

/// Withdraws one open invitation of a clinic: compare-and-set, `false` if it was accepted
/// or withdrawn meanwhile (or is not the clinic's).
pub fn withdraw(
    conn: &mut DbConn,
    clinic_id: &str,
    id: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        inv::table
            .find(id)
            .filter(inv::clinic_id.eq(clinic_id))
            .filter(inv::accepted_at.is_null())
            .filter(inv::withdrawn_at.is_null()),
    )
    .set(inv::withdrawn_at.eq(at))
    .execute(conn)?;
    Ok(n == 1)
}

/// Marks an invitation accepted: compare-and-set on it still being open and unexpired.
pub fn accept(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        inv::table
            .find(id)
            .filter(inv::accepted_at.is_null())
            .filter(inv::withdrawn_at.is_null())
            .filter(inv::expires_at.gt(now)),
    )
    .set(inv::accepted_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}

/// Turns an outside doctor's account into a clinic's practitioner account: their real
/// address for sign-in, their own password, the clinic and the name the clinic gave.
pub fn make_account(
    conn: &mut DbConn,
    user_id: &str,
    (email, display_name, clinic_id): (&str, &str, &str),
    password_hash: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set((
            users::email.eq(email),
            users::display_name.eq(display_name),
            users::clinic_id.eq(clinic_id),
            users::password_hash.eq(password_hash),
            users::password_changed_at.eq(at),
            users::active.eq(true),
        ))
        .execute(conn)
}
