//! Need-info asks and referral attachments.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{attachments, referral_asks};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = referral_asks)]
pub struct Ask {
    pub id: String,
    pub referral_id: String,
    pub round: i64,
    pub position: i64,
    pub text: String,
    pub answer: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    pub id: String,
    pub referral_id: String,
    pub ask_id: Option<String>,
    pub purpose: crate::domain::referral::offers::Upload,
    pub original_name: String,
    pub stored_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: NaiveDateTime,
}

pub fn insert_ask(conn: &mut DbConn, a: &Ask) -> QueryResult<usize> {
    diesel::insert_into(referral_asks::table)
        .values(a)
        .execute(conn)
}

/// Every ask of a referral, by round and position.
pub fn asks(conn: &mut DbConn, referral_id: &str) -> QueryResult<Vec<Ask>> {
    referral_asks::table
        .filter(referral_asks::referral_id.eq(referral_id))
        .order((referral_asks::round.asc(), referral_asks::position.asc()))
        .select(Ask::as_select())
        .load(conn)
}

pub fn last_round(conn: &mut DbConn, referral_id: &str) -> QueryResult<i64> {
    Ok(referral_asks::table
        .filter(referral_asks::referral_id.eq(referral_id))
        .select(diesel::dsl::max(referral_asks::round))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

pub fn answer(
    conn: &mut DbConn,
    ask_id: &str,
    text: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(referral_asks::table.find(ask_id))
        .set((
            referral_asks::answer.eq(text),
            referral_asks::answered_at.eq(at),
        ))
        .execute(conn)
}

pub fn insert_attachment(conn: &mut DbConn, a: &Attachment) -> QueryResult<usize> {
    diesel::insert_into(attachments::table)
        .values(a)
        .execute(conn)
}

pub fn attachments(conn: &mut DbConn, referral_id: &str) -> QueryResult<Vec<Attachment>> {
    attachments::table
        .filter(attachments::referral_id.eq(referral_id))
        .order((attachments::uploaded_at.asc(), attachments::id.asc()))
        .select(Attachment::as_select())
        .load(conn)
}

pub fn attachment(conn: &mut DbConn, referral_id: &str, id: &str) -> QueryResult<Attachment> {
    attachments::table
        .filter(attachments::referral_id.eq(referral_id))
        .filter(attachments::id.eq(id))
        .select(Attachment::as_select())
        .first(conn)
}
