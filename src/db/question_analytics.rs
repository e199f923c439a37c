//! Advice questions' analytics (issue 16): the question counters' sums for one side of a
//! scope, and the links between a question and the referral made from it that the
//! `Referred` counter follows (the counters themselves live in `referral_stats` and the
//! clinic rollup, written through [`super::analytics::add`]).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::DbConn;
use super::analytics::Scope;
use super::multi_row::ph;
use super::schema::{questions, referrals, users};
use crate::domain::analytics::rollup;

/// A sum of question counters for one (metric, detail, bucket).
#[derive(Debug, Clone, QueryableByName)]
pub struct QuestionSum {
    #[diesel(sql_type = Text)]
    pub metric: String,
    #[diesel(sql_type = Text)]
    pub detail: String,
    #[diesel(sql_type = BigInt)]
    pub bucket: i64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Which side of a question the scope stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The questions the scope asked.
    Asked,
    /// The questions the scope was asked.
    AskedOf,
}

/// The question counters of the scope's side in weeks [from, to] (week keys of the weeks
/// the questions were asked), summed per metric, detail and bucket.
pub fn sums(
    conn: &mut DbConn,
    scope: Scope<'_>,
    side: Side,
    from: &str,
    to: &str,
) -> QueryResult<Vec<QuestionSum>> {
    let sql = format!(
        "SELECT metric, detail, bucket, CAST(SUM(n) AS BIGINT) AS n FROM {src} = {p1} \
         AND metric IN ('asked', 'answered', 'tt_answer', 'converted', \
         'referred') AND week >= {p2} AND week <= {p3} \
         GROUP BY metric, detail, bucket",
        src = scope.totals(match side {
            Side::Asked => rollup::Side::Sent,
            Side::AskedOf => rollup::Side::Received,
        }),
        p1 = ph(conn, 1),
        p2 = ph(conn, 2),
        p3 = ph(conn, 3),
    );
    diesel::sql_query(sql)
        .bind::<Text, _>(scope.id())
        .bind::<Text, _>(from)
        .bind::<Text, _>(to)
        .load(conn)
}

/// A question a referral was made from, with what its counters are keyed by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub sender_id: String,
    pub receiver_id: String,
    pub sender_clinic_id: String,
    pub receiver_clinic_id: String,
    pub submitted_at: NaiveDateTime,
    /// `converted` or `recommended`.
    pub made_how: String,
}

/// The submitted question referral `made_referral_id` was made from, if any.
pub fn origin_of(conn: &mut DbConn, made_referral_id: &str) -> QueryResult<Option<Origin>> {
    let row = questions::table
        .inner_join(referrals::table.on(referrals::id.eq(questions::referral_id)))
        .inner_join(users::table.on(users::id.eq(referrals::receiver_id)))
        .filter(questions::made_referral_id.eq(made_referral_id))
        .filter(referrals::submitted_at.is_not_null())
        .select((
            referrals::sender_id,
            referrals::receiver_id,
            referrals::sender_clinic_id,
            users::clinic_id,
            referrals::submitted_at.assume_not_null(),
            questions::made_how.assume_not_null(),
        ))
        .first::<(String, String, String, String, NaiveDateTime, String)>(conn)
        .optional()?;
    Ok(row.map(|(s, r, sc, rc, at, how)| Origin {
        sender_id: s,
        receiver_id: r,
        sender_clinic_id: sc,
        receiver_clinic_id: rc,
        submitted_at: at,
        made_how: how,
    }))
}

#[derive(QueryableByName)]
struct SentFromQuestion {
    #[diesel(sql_type = Text)]
    sender_id: String,
    #[diesel(sql_type = Text)]
    receiver_id: String,
    #[diesel(sql_type = Text)]
    sender_clinic_id: String,
    #[diesel(sql_type = Timestamp)]
    submitted_at: NaiveDateTime,
}

/// Every submitted question whose recommended referral was sent: (sender, receiver,
/// sender clinic, the question's submission), for rebuilding the `Referred` counters.
pub fn recommended_and_sent(
    conn: &mut DbConn,
) -> QueryResult<Vec<(String, String, String, NaiveDateTime)>> {
    // The referrals table twice (the question, the referral made from it): plain SQL reads
    // more clearly than two aliases, and it has no placeholders to differ.
    let rows: Vec<SentFromQuestion> = diesel::sql_query(
        "SELECT q.sender_id, q.receiver_id, q.sender_clinic_id, q.submitted_at \
         FROM questions x JOIN referrals q ON q.id = x.referral_id \
         JOIN referrals m ON m.id = x.made_referral_id \
         WHERE x.made_how = 'recommended' AND q.submitted_at IS NOT NULL \
         AND m.submitted_at IS NOT NULL",
    )
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.sender_id,
                r.receiver_id,
                r.sender_clinic_id,
                r.submitted_at,
            )
        })
        .collect())
}
