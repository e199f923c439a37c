//! The duplicate guard: which of a patient's recent referrals a new one would repeat, and
//! which of them a history shows at all (the last 12 months).

use chrono::{Months, NaiveDateTime};

use super::status::Status;

/// How far back a patient's referral history (and the duplicate guard) looks.
pub const HISTORY_MONTHS: u32 = 12;

/// What the guard knows of one of the patient's earlier referrals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Earlier<'a> {
    pub receiver_id: &'a str,
    pub receiver_specialty: &'a str,
    pub status: Status,
    /// When it was sent (or created, if never sent).
    pub at: NaiveDateTime,
    /// A redirected referral lives on in its new referral: it is no longer a loop of its own.
    pub redirected: bool,
}

/// The oldest time a history of `now` still shows.
pub fn history_since(now: NaiveDateTime) -> NaiveDateTime {
    now.checked_sub_months(Months::new(HISTORY_MONTHS))
        .unwrap_or(NaiveDateTime::MIN)
}

/// Whether a referral is still an open loop for its sender: submitted (a draft is nobody's
/// loop yet), not closed, and not redirected to a new referral.
pub fn is_open_loop(status: Status, redirected: bool) -> bool {
    super::OPEN_LOOP.contains(&status) && !redirected
}

/// Compares specialties the way people type them: case and spacing do not matter.
fn same_specialty(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a == b
}

/// The indexes of `earlier` that a new referral to `receiver_id` (of `specialty`) would
/// duplicate at `now`: open loops of the last 12 months to the same receiver or the same
/// specialty.
pub fn duplicates(
    earlier: &[Earlier<'_>],
    receiver_id: &str,
    specialty: &str,
    now: NaiveDateTime,
) -> Vec<usize> {
    let since = history_since(now);
    earlier
        .iter()
        .enumerate()
        .filter(|(_, e)| e.at >= since && is_open_loop(e.status, e.redirected))
        .filter(|(_, e)| {
            e.receiver_id == receiver_id || same_specialty(e.receiver_specialty, specialty)
        })
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn duplicates_are_open_recent_loops_to_the_same_receiver_or_specialty() {
        use Status as S;
        let now = at("2026-06-15 10:00");
        // (receiver, specialty, status, at, redirected, a duplicate of a new referral to
        // "r1", "Cardiology")
        let table: [(&str, &str, S, &str, bool, bool); 12] = [
            ("r1", "Neurology", S::Sent, "2026-06-01 09:00", false, true),
            (
                "r2",
                " cardiology ",
                S::Accepted,
                "2026-05-01 09:00",
                false,
                true,
            ),
            (
                "r2",
                "CARDIO  LOGY",
                S::Sent,
                "2026-05-01 09:00",
                false,
                false,
            ),
            ("r3", "Neurology", S::Sent, "2026-06-01 09:00", false, false),
            (
                "r1",
                "Neurology",
                S::Completed,
                "2026-06-01 09:00",
                false,
                false,
            ),
            (
                "r1",
                "Neurology",
                S::Cancelled,
                "2026-06-01 09:00",
                false,
                false,
            ),
            (
                "r1",
                "Neurology",
                S::Expired,
                "2026-06-01 09:00",
                false,
                false,
            ),
            (
                "r1",
                "Neurology",
                S::Draft,
                "2026-06-01 09:00",
                false,
                false,
            ),
            (
                "r1",
                "Neurology",
                S::Rejected,
                "2026-06-01 09:00",
                false,
                true,
            ),
            (
                "r1",
                "Neurology",
                S::Rejected,
                "2026-06-01 09:00",
                true,
                false,
            ),
            (
                "r1",
                "Neurology",
                S::NeedInfo,
                "2025-06-15 10:00",
                false,
                true,
            ),
            (
                "r1",
                "Neurology",
                S::NeedInfo,
                "2025-06-15 09:59",
                false,
                false,
            ),
        ];
        let earlier: Vec<Earlier<'_>> = table
            .iter()
            .map(|(r, s, st, t, red, _)| Earlier {
                receiver_id: r,
                receiver_specialty: s,
                status: *st,
                at: at(t),
                redirected: *red,
            })
            .collect();
        let want: Vec<usize> = table
            .iter()
            .enumerate()
            .filter(|(_, row)| row.5)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(duplicates(&earlier, "r1", "Cardiology", now), want);
        assert!(duplicates(&earlier, "r9", "", now).is_empty());
    }

    #[test]
    fn a_redirected_or_unsent_referral_is_no_open_loop() {
        assert!(is_open_loop(Status::Rejected, false));
        assert!(!is_open_loop(Status::Rejected, true));
        assert!(!is_open_loop(Status::Draft, false));
        assert!(is_open_loop(Status::AwaitingPatient, false));
    }
}
