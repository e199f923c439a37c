//! The clock's analytics, the pure part (issue 14): whether the receiver's first decision
//! came within the service level (by the due time of the Sent state), and how long
//! referrals stay in each state. Both are counters like the others (`referral_stats`, the
//! submission week's cohort), added by the transition that decides or leaves a state;
//! unlike the others they cannot be rebuilt from the referrals (a past due time is not
//! kept), so they are kept by transitions and the generator only.

use chrono::NaiveDateTime;

use super::{Contribution, Metric, bucket_hours, contribution, hours_between, percent, percentile};
use crate::domain::referral::{Priority, Status};

/// The priorities in the order the page lists them.
pub const PRIORITIES: [Priority; 3] = [Priority::Routine, Priority::Urgent, Priority::Emergency];

/// The states whose time is measured (those a referral leaves by someone's move), in
/// lifecycle order.
pub const TIMED_STATES: [Status; 5] = [
    Status::AwaitingPatient,
    Status::Sent,
    Status::NeedInfo,
    Status::VisitRequired,
    Status::Accepted,
];

/// Whether a move from `from` to `to` is the receiver triaging: accepting, declining,
/// asking for information or asking to see the patient first.
pub fn is_triage(from: Status, to: Status) -> bool {
    from == Status::Sent
        && matches!(
            to,
            Status::Accepted | Status::Rejected | Status::NeedInfo | Status::VisitRequired
        )
}

/// Whether a decision at `decided` was within the level: on or before the due time. `None`
/// when there was no due time to meet (nothing to count).
pub fn within_level(decided: NaiveDateTime, due: Option<NaiveDateTime>) -> Option<bool> {
    due.map(|due| decided <= due)
}

/// What one move adds to the clock's counters: the first triage (its priority, in time or
/// late) and the time spent in the state left (`left`: the state, entered, left).
pub fn move_contributions(
    submitted: Option<NaiveDateTime>,
    priority: &str,
    first_triage: Option<(NaiveDateTime, Option<NaiveDateTime>)>,
    left: Option<(Status, NaiveDateTime, NaiveDateTime)>,
) -> Vec<Contribution> {
    let Some(submitted) = submitted else {
        return Vec::new();
    };
    let cohort = submitted.date();
    let mut out = Vec::new();
    if let Some((decided, due)) = first_triage
        && let Some(ok) = within_level(decided, due)
    {
        out.push(contribution(
            cohort,
            Metric::Triaged,
            priority,
            i64::from(ok),
        ));
    }
    if let Some((state, entered, exited)) = left
        && TIMED_STATES.contains(&state)
    {
        let h = bucket_hours(hours_between(entered, exited));
        out.push(contribution(cohort, Metric::InState, state.as_str(), h));
    }
    out
}

/// The share triaged within the level for one priority (or all of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelLine {
    /// The priority's stored value, or empty for the total.
    pub priority: &'static str,
    pub triaged: i64,
    pub within: i64,
    /// within ÷ triaged, in percent.
    pub share: Option<i64>,
}

/// The per-priority lines and the total from the summed `Triaged` counters
/// (detail = priority, bucket = 1 within the level, 0 late).
pub fn level_lines(sums: &[(String, i64, i64)]) -> Vec<LevelLine> {
    let line = |priority: &'static str, pick: &dyn Fn(&str) -> bool| {
        let (mut triaged, mut within) = (0, 0);
        for (p, bucket, n) in sums {
            if pick(p) {
                triaged += n;
                if *bucket == 1 {
                    within += n;
                }
            }
        }
        LevelLine {
            priority,
            triaged,
            within,
            share: percent(within, triaged),
        }
    };
    let mut out: Vec<LevelLine> = PRIORITIES
        .iter()
        .map(|p| line(p.as_str(), &|d: &str| d == p.as_str()))
        .collect();
    out.push(line("", &|_| true));
    out
}

/// The median time in one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateLine {
    pub state: Status,
    /// How many referrals left the state.
    pub left: i64,
    /// Median hours in the state (a bucket's lower edge, see [`bucket_hours`]).
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

/// The timed states' lines from the summed `InState` counters (detail = state, bucket =
/// hours).
pub fn state_lines(sums: &[(String, i64, i64)]) -> Vec<StateLine> {
    TIMED_STATES
        .iter()
        .map(|s| {
            let hist: Vec<(i64, i64)> = sums
                .iter()
                .filter(|(d, _, _)| d == s.as_str())
                .map(|(_, b, n)| (*b, *n))
                .collect();
            StateLine {
                state: *s,
                left: hist.iter().map(|(_, n)| n).sum(),
                median: percentile(&hist, 50),
                p90: percentile(&hist, 90),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, d)
            .and_then(|d| d.and_hms_opt(h, 0, 0))
            .unwrap()
    }

    #[test]
    fn the_first_decision_from_sent_is_triage() {
        assert!(is_triage(Status::Sent, Status::Accepted));
        assert!(is_triage(Status::Sent, Status::Rejected));
        assert!(is_triage(Status::Sent, Status::NeedInfo));
        assert!(is_triage(Status::Sent, Status::VisitRequired));
        assert!(!is_triage(Status::Sent, Status::Cancelled));
        assert!(!is_triage(Status::Sent, Status::Expired));
        assert!(!is_triage(Status::Accepted, Status::Completed));
    }

    #[test]
    fn on_the_due_time_is_within_and_after_it_is_late() {
        assert_eq!(within_level(at(3, 9), Some(at(3, 9))), Some(true));
        assert_eq!(within_level(at(3, 10), Some(at(3, 9))), Some(false));
        assert_eq!(within_level(at(3, 10), None), None);
    }

    #[test]
    fn a_move_counts_its_triage_and_the_time_in_the_state_it_leaves() {
        let c = move_contributions(
            Some(at(2, 9)),
            "urgent",
            Some((at(3, 10), Some(at(3, 9)))),
            Some((Status::Sent, at(2, 9), at(3, 10))),
        );
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].metric, Metric::Triaged);
        assert_eq!((c[0].detail.as_str(), c[0].bucket), ("urgent", 0));
        assert_eq!(c[1].metric, Metric::InState);
        assert_eq!((c[1].detail.as_str(), c[1].bucket), ("sent", 25));
        assert_eq!(c[0].week, "2026-03-02");
        // A draft adds nothing; a terminal state is not timed; no due time, no triage line.
        assert!(move_contributions(None, "routine", None, None).is_empty());
        let c = move_contributions(
            Some(at(2, 9)),
            "routine",
            Some((at(3, 10), None)),
            Some((Status::Completed, at(2, 9), at(3, 10))),
        );
        assert!(c.is_empty());
    }

    #[test]
    fn shares_per_priority_and_in_total() {
        let sums = vec![
            ("routine".to_string(), 1, 3),
            ("routine".to_string(), 0, 1),
            ("urgent".to_string(), 1, 1),
            ("urgent".to_string(), 0, 1),
        ];
        let l = level_lines(&sums);
        assert_eq!(l.len(), 4);
        assert_eq!(
            (l[0].priority, l[0].triaged, l[0].within),
            ("routine", 4, 3)
        );
        assert_eq!(l[0].share, Some(75));
        assert_eq!(l[1].share, Some(50));
        assert_eq!((l[2].triaged, l[2].share), (0, None));
        assert_eq!((l[3].priority, l[3].triaged, l[3].within), ("", 6, 4));
        assert_eq!(l[3].share, Some(67));
    }

    #[test]
    fn medians_per_state() {
        let sums = vec![
            ("sent".to_string(), 2, 1),
            ("sent".to_string(), 5, 1),
            ("sent".to_string(), 48, 1),
            ("accepted".to_string(), 168, 2),
        ];
        let l = state_lines(&sums);
        assert_eq!(l.len(), TIMED_STATES.len());
        let sent = l.iter().find(|s| s.state == Status::Sent).unwrap();
        assert_eq!((sent.left, sent.median, sent.p90), (3, Some(5), Some(48)));
        let acc = l.iter().find(|s| s.state == Status::Accepted).unwrap();
        assert_eq!((acc.left, acc.median), (2, Some(168)));
        let info = l.iter().find(|s| s.state == Status::NeedInfo).unwrap();
        assert_eq!((info.left, info.median), (0, None));
    }
}
