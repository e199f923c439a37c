//! API clients of the FHIR API: who they act for, their scopes, their token's hash.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::DbConn;
use super::schema::{api_clients, users};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_clients)]
pub struct ApiClient {
    pub id: String,
    pub clinic_id: String,
    pub name: String,
    /// The practitioner it acts for.
    pub user_id: String,
    /// SMART v2 scopes, space-separated.
    pub scopes: String,
    pub token_hash: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConn, c: &ApiClient) -> QueryResult<usize> {
    diesel::insert_into(api_clients::table)
        .values(c)
        .execute(conn)
}

/// The client a token hash names, with whether the practitioner it acts for may still sign
/// in (a deactivated account's clients stop with it).
pub fn by_token_hash(conn: &mut DbConn, hash: &str) -> QueryResult<Option<(ApiClient, bool)>> {
    api_clients::table
        .inner_join(users::table.on(users::id.eq(api_clients::user_id)))
        .filter(api_clients::token_hash.eq(hash))
        .select((ApiClient::as_select(), users::active))
        .first(conn)
        .optional()
}

/// A clinic's clients, newest first, with the name of the practitioner each acts for.
pub fn of_clinic(conn: &mut DbConn, clinic_id: &str) -> QueryResult<Vec<(ApiClient, String)>> {
    api_clients::table
        .inner_join(users::table.on(users::id.eq(api_clients::user_id)))
        .filter(api_clients::clinic_id.eq(clinic_id))
        .order((api_clients::created_at.desc(), api_clients::id.desc()))
        .select((ApiClient::as_select(), users::display_name))
        .load(conn)
}

/// Revokes a live client of the clinic (compare-and-set: 0 when it was revoked already or
/// is another clinic's).
pub fn revoke(
    conn: &mut DbConn,
    clinic_id: &str,
    id: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        api_clients::table
            .filter(api_clients::id.eq(id))
            .filter(api_clients::clinic_id.eq(clinic_id))
            .filter(api_clients::revoked_at.is_null()),
    )
    .set(api_clients::revoked_at.eq(now))
    .execute(conn)
}

/// Records a use: written at most once a minute per client, so a busy client does not
/// write a row on every read.
pub fn touch(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        api_clients::table.filter(api_clients::id.eq(id)).filter(
            api_clients::last_used_at
                .is_null()
                .or(api_clients::last_used_at.lt(now - TimeDelta::minutes(1))),
        ),
    )
    .set(api_clients::last_used_at.eq(now))
    .execute(conn)
}
