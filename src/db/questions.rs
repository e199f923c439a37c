//! What an advice question carries besides its referral row, and the links between a
//! question and the referral it became.

use std::ops::Not;

use diesel::prelude::*;

use super::DbConn;
use super::schema::questions;

/// A question's own row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = questions)]
pub struct Question {
    pub referral_id: String,
    /// The sender allowed the specialist to turn it into a referral.
    pub may_convert: bool,
    /// The answer recommends a referral to the specialist.
    pub recommends: bool,
    /// The referral it became (converted) or the recommended one the sender sent.
    pub made_referral_id: Option<String>,
    /// `converted` or `recommended`.
    pub made_how: Option<String>,
}

/// Records a new question's row (with its draft).
pub fn insert(conn: &mut DbConn, q: &Question) -> QueryResult<usize> {
    diesel::insert_into(questions::table)
        .values(q)
        .execute(conn)
}

/// The question's row, if `referral_id` is a question.
pub fn get(conn: &mut DbConn, referral_id: &str) -> QueryResult<Option<Question>> {
    questions::table
        .find(referral_id)
        .select(Question::as_select())
        .first(conn)
        .optional()
}

/// The question a referral was made from (converted or recommended), if any.
pub fn made_into(conn: &mut DbConn, made_referral_id: &str) -> QueryResult<Option<Question>> {
    questions::table
        .filter(questions::made_referral_id.eq(made_referral_id))
        .select(Question::as_select())
        .first(conn)
        .optional()
}

/// The sender changes their permission on a draft question.
pub fn set_may_convert(conn: &mut DbConn, referral_id: &str, may: bool) -> QueryResult<usize> {
    diesel::update(questions::table.find(referral_id))
        .set(questions::may_convert.eq(may))
        .execute(conn)
}

/// The answer says whether it recommends a referral.
pub fn set_recommends(conn: &mut DbConn, referral_id: &str, yes: bool) -> QueryResult<usize> {
    diesel::update(questions::table.find(referral_id))
        .set(questions::recommends.eq(yes))
        .execute(conn)
}

/// Links the question to the referral it became: a compare-and-set on "not linked yet", so
/// a question makes one referral however many times the button is pressed (0: it already
/// made one).
pub fn link_made(
    conn: &mut DbConn,
    referral_id: &str,
    made_referral_id: &str,
    how: &str,
) -> QueryResult<usize> {
    diesel::update(
        questions::table
            .find(referral_id)
            .filter(questions::made_referral_id.is_null()),
    )
    .set((
        questions::made_referral_id.eq(made_referral_id),
        questions::made_how.eq(how),
    ))
    .execute(conn)
}

/// Moves a referral's version on (a change that is not a transition, such as sharing its
/// advice with the patient): a compare-and-set on the version.
pub fn touch_referral(
    conn: &mut DbConn,
    id: &str,
    version: i64,
    at: chrono::NaiveDateTime,
) -> QueryResult<usize> {
    use super::schema::referrals;
    diesel::update(
        referrals::table
            .filter(referrals::id.eq(id))
            .filter(referrals::version.eq(version)),
    )
    .set((
        referrals::version.eq(version + 1),
        referrals::updated_at.eq(at),
    ))
    .execute(conn)
}

/// Of the referrals `ids`, those whose advice the sender sent to the patient.
pub fn advice_shared_among(conn: &mut DbConn, ids: &[&str]) -> QueryResult<Vec<String>> {
    use super::schema::referral_events as e;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    e::table
        .filter(e::referral_id.eq_any(ids))
        .filter(e::kind.eq("advice_shared"))
        .select(e::referral_id)
        .load(conn)
}

/// Whether the sender sent a returned referral's advice to the patient (its timeline has the
/// event): the page's offer and the once-only guard read the same fact.
pub fn advice_shared(conn: &mut DbConn, referral_id: &str) -> QueryResult<bool> {
    Ok(advice_shared_among(conn, &[referral_id])?.is_empty().not())
}
