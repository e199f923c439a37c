//! Due times as the pages show them: whose turn and when in words for practitioners, and
//! for the patient only what they are asked to do by which day.

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::referrals::Referral;
use crate::domain::due;
use crate::domain::referral::Status;
use crate::i18n::{Arg, Lang};
use crate::services::referrals::DueRow;

/// A due time in words ("due in 3 hours", "2 days overdue"), and whether it has passed.
#[derive(Debug, Clone)]
pub struct DueText {
    pub text: String,
    pub overdue: bool,
}

/// A due time in words, read at `now`; `None` when nobody must act.
pub fn due_text(lang: Lang, now: NaiveDateTime, at: Option<NaiveDateTime>) -> Option<DueText> {
    let at = at?;
    let (key, count) = due::in_words(now, at);
    Some(DueText {
        text: lang.t_with(key, &[("count", Arg::Num(count))]),
        overdue: due::is_overdue(now, at),
    })
}

/// A row of a practitioner's list: the referral, the names, whose turn and when due.
pub struct Line {
    pub r: Referral,
    pub patient: String,
    pub sender: String,
    pub receiver: String,
    /// The message that says whose turn it is.
    pub turn: &'static str,
    pub due: Option<DueText>,
}

/// The rows of a list as a practitioner reads them at `now`.
pub fn lines(lang: Lang, now: NaiveDateTime, rows: Vec<DueRow>) -> Vec<Line> {
    rows.into_iter()
        .map(|((r, patient, sender, receiver), at)| Line {
            turn: due::turn_key(r.status),
            due: due_text(lang, now, at),
            r,
            patient,
            sender,
            receiver,
        })
        .collect()
}

/// What the patient is asked to do and the last day to do it, when it is their turn.
pub fn patient_ask(
    status: Status,
    at: Option<NaiveDateTime>,
    (visit_booked, receiver_books): (bool, bool),
    zone: chrono_tz::Tz,
) -> Option<(&'static str, NaiveDate)> {
    let key = due::patient_ask(status, visit_booked, receiver_books)?;
    Some((key, due::last_day(at?, zone)))
}
