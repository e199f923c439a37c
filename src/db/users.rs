use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{external_doctors, practitioners, services, users};
use crate::domain::people::{fold, fold_languages};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub display_name: String,
    pub clinic_id: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub password_changed_at: NaiveDateTime,
    /// The account's language code; "" leaves it to the browser.
    pub language: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = practitioners)]
pub struct Practitioner {
    pub user_id: String,
    pub clinic_id: String,
    pub title: String,
    pub specialty: String,
    pub city: String,
    pub languages: String,
    pub accepting_referrals: bool,
    pub bio: String,
}

pub fn insert(conn: &mut DbConn, u: &User) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(u)
        .execute(conn)
        .map(|_| ())
}

/// Writes the folded comparison keys along with every insert and update, so they can
/// never disagree with the city and languages they are computed from.
fn folded_keys(
    p: &Practitioner,
) -> (
    diesel::dsl::Eq<practitioners::city_key, String>,
    diesel::dsl::Eq<practitioners::languages_key, String>,
) {
    (
        practitioners::city_key.eq(fold(&p.city)),
        practitioners::languages_key.eq(fold_languages(&p.languages)),
    )
}

pub fn insert_practitioner(conn: &mut DbConn, p: &Practitioner) -> QueryResult<()> {
    diesel::insert_into(practitioners::table)
        .values((p, folded_keys(p)))
        .execute(conn)
        .map(|_| ())
}

pub fn get(conn: &mut DbConn, id: &str) -> QueryResult<User> {
    users::table.find(id).select(User::as_select()).first(conn)
}

pub fn by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn email_taken(conn: &mut DbConn, email: &str, except_user: Option<&str>) -> QueryResult<bool> {
    let mut q = users::table
        .filter(users::email.eq(email))
        .select(users::id)
        .into_boxed();
    if let Some(id) = except_user {
        q = q.filter(users::id.ne(id));
    }
    Ok(q.first::<String>(conn).optional()?.is_some())
}

pub fn set_password(
    conn: &mut DbConn,
    id: &str,
    hash: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::password_changed_at.eq(at),
        ))
        .execute(conn)
}

pub fn update_identity(
    conn: &mut DbConn,
    id: &str,
    display_name: &str,
    email: &str,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::display_name.eq(display_name), users::email.eq(email)))
        .execute(conn)
}

pub fn set_active(conn: &mut DbConn, id: &str, active: bool) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set(users::active.eq(active))
        .execute(conn)
}

pub fn get_practitioner(conn: &mut DbConn, user_id: &str) -> QueryResult<(User, Practitioner)> {
    users::table
        .inner_join(practitioners::table)
        .filter(users::id.eq(user_id))
        .select((User::as_select(), Practitioner::as_select()))
        .first(conn)
}

/// A practitioner by user id, if there is one.
pub fn find_practitioner(
    conn: &mut DbConn,
    user_id: &str,
) -> QueryResult<Option<(User, Practitioner)>> {
    get_practitioner(conn, user_id).optional()
}

pub fn update_practitioner(conn: &mut DbConn, p: &Practitioner) -> QueryResult<usize> {
    diesel::update(practitioners::table.find(&p.user_id))
        .set((p, folded_keys(p)))
        .execute(conn)
}

/// Practitioners of a clinic, by name (people: its services are receivers, not colleagues).
pub fn clinic_practitioners(
    conn: &mut DbConn,
    clinic_id: &str,
) -> QueryResult<Vec<(User, Practitioner)>> {
    users::table
        .inner_join(practitioners::table)
        .left_join(services::table.on(services::id.eq(users::id)))
        .filter(practitioners::clinic_id.eq(clinic_id))
        .filter(services::id.is_null())
        .order(users::display_name.asc())
        .select((User::as_select(), Practitioner::as_select()))
        .load(conn)
}

/// (user id, clinic id) of every practitioner (not the services).
pub fn all_practitioners(conn: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    practitioners::table
        .left_join(services::table.on(services::id.eq(practitioners::user_id)))
        .filter(services::id.is_null())
        .select((practitioners::user_id, practitioners::clinic_id))
        .order(practitioners::user_id.asc())
        .load(conn)
}

/// Who a notice goes to, in one read: the user, their address if they are a doctor outside
/// the network, and whether they asked for notices by e-mail.
pub fn notice_target(conn: &mut DbConn, id: &str) -> QueryResult<(User, Option<String>, bool)> {
    users::table
        .left_join(external_doctors::table.on(external_doctors::user_id.eq(users::id)))
        .filter(users::id.eq(id))
        .select((
            User::as_select(),
            external_doctors::email.nullable(),
            users::email_notifications,
        ))
        .first(conn)
}

pub fn set_language(conn: &mut DbConn, user_id: &str, code: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set(users::language.eq(code))
        .execute(conn)
}

/// (id, display name) of each of `ids` that exists.
pub fn names(conn: &mut DbConn, ids: &[&str]) -> QueryResult<Vec<(String, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load(conn)
}
