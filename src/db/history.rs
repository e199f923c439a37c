//! A patient's referral history: their referrals of a period with who sent them to whom.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{practitioners, referrals, users};
use crate::domain::referral::{Kind, Status};

/// One of the patient's referrals as a history shows it: no clinical details.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub id: String,
    pub sender_id: String,
    pub sender_name: String,
    pub receiver_id: String,
    pub receiver_name: String,
    pub receiver_specialty: String,
    pub status: Status,
    /// An advice question rather than a referral.
    pub kind: Kind,
    pub redirected: bool,
    /// When it was sent, or created if it never was.
    pub at: NaiveDateTime,
}

/// A patient's referrals that left draft and were created or sent since `since`, newest
/// first (at most 50: a history, not an archive).
pub fn recent_for_patient(
    conn: &mut DbConn,
    patient_id: &str,
    since: NaiveDateTime,
) -> QueryResult<Vec<HistoryRow>> {
    type Row = (
        String,
        String,
        String,
        Status,
        Kind,
        Option<String>,
        NaiveDateTime,
        Option<NaiveDateTime>,
    );
    let rows: Vec<Row> = referrals::table
        .filter(referrals::patient_id.eq(patient_id))
        .filter(referrals::status.ne(Status::Draft))
        .filter(
            referrals::submitted_at
                .ge(since)
                .or(referrals::created_at.ge(since)),
        )
        .order((referrals::created_at.desc(), referrals::id.desc()))
        .limit(50)
        .select((
            referrals::id,
            referrals::sender_id,
            referrals::receiver_id,
            referrals::status,
            referrals::kind,
            referrals::redirected_to,
            referrals::created_at,
            referrals::submitted_at,
        ))
        .load(conn)?;
    // A patient's history names the same few doctors over and over: bind each id once.
    let mut ids: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    ids.extend(rows.iter().map(|r| r.2.as_str()));
    ids.sort_unstable();
    ids.dedup();
    let names: Vec<(String, String)> = users::table
        .filter(users::id.eq_any(&ids))
        .select((users::id, users::display_name))
        .load(conn)?;
    let specialties: Vec<(String, String)> = practitioners::table
        .filter(practitioners::user_id.eq_any(&ids))
        .select((practitioners::user_id, practitioners::specialty))
        .load(conn)?;
    let find = |list: &[(String, String)], id: &str| {
        list.iter()
            .find(|(u, _)| u == id)
            .map_or(String::new(), |(_, v)| v.clone())
    };
    Ok(rows
        .into_iter()
        .map(
            |(id, sender_id, receiver_id, status, kind, redirected_to, created, submitted)| {
                HistoryRow {
                    sender_name: find(&names, &sender_id),
                    receiver_name: find(&names, &receiver_id),
                    receiver_specialty: find(&specialties, &receiver_id),
                    id,
                    sender_id,
                    receiver_id,
                    status,
                    kind,
                    redirected: redirected_to.is_some(),
                    at: submitted.unwrap_or(created),
                }
            },
        )
        .collect())
}
