//! The clock of a referral (issue 14, first part): when the party whose turn it is must
//! act, from the state, the priority and the clinic's service levels. Working days skip
//! weekends and the clinic's holidays, counted on the clinic's wall clock; the see-by date
//! wins when it is earlier. Times in and out are UTC.
//!
//! The lists and pages read due times through the helpers at the end: whether one is
//! overdue, the "overdue" and "due today" filters, and what a patient is asked to do by when.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use chrono_tz::Tz;

use super::calendar::{to_local, to_utc};
use super::referral::{Party, Priority, Status};

/// A clinic's service levels: how long each turn may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceLevels {
    /// Routine triage (accept, decline, ask or see first), in working days.
    pub routine_triage_days: i64,
    /// Urgent triage, in working days.
    pub urgent_triage_days: i64,
    /// Emergency triage, in clock hours (emergencies do not wait for Monday).
    pub emergency_triage_hours: i64,
    /// The referrer answers a request for information, in working days.
    pub need_info_days: i64,
    /// The patient approves or declines, in working days.
    pub approval_days: i64,
    /// The patient books the visit the receiver asked for, in calendar days.
    pub book_visit_days: i64,
    /// The receiver sends the outcome after accepting, in calendar days.
    pub outcome_days: i64,
    /// The specialist answers an advice question, in working days (whatever its priority:
    /// a question that cannot wait a day is a referral).
    pub advice_days: i64,
}

impl Default for ServiceLevels {
    /// The defaults: routine triage within 5 working days, urgent within 1, emergency
    /// within 2 hours; information within 3 working days, approval within 3; a visit
    /// booked within 14 days; the outcome within 30 days of acceptance; an advice question
    /// answered within a working week (5 working days).
    fn default() -> Self {
        ServiceLevels {
            routine_triage_days: 5,
            urgent_triage_days: 1,
            emergency_triage_hours: 2,
            need_info_days: 3,
            approval_days: 3,
            book_visit_days: 14,
            outcome_days: 30,
            advice_days: 5,
        }
    }
}

/// The days a clinic counts as working days, on its wall clock.
#[derive(Debug, Clone, Copy)]
pub struct WorkCalendar<'a> {
    pub zone: Tz,
    pub holidays: &'a [NaiveDate],
}

impl WorkCalendar<'_> {
    /// Whether the clinic works on `d` (Monday to Friday, not a holiday).
    pub fn works_on(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&d)
    }

    /// The end (next midnight, UTC) of the `n`th working day after the local day of `from`.
    fn end_of_working_day(&self, from: NaiveDateTime, n: i64) -> NaiveDateTime {
        let mut day = to_local(from, self.zone).date();
        let mut left = n.max(1);
        // At most a few years of holidays could be skipped: bounded, never endless.
        for _ in 0..3660 {
            day = day.succ_opt().unwrap_or(day);
            if self.works_on(day) {
                left -= 1;
                if left == 0 {
                    break;
                }
            }
        }
        self.local_midnight_after(day)
    }

    /// The UTC instant the local day `d` ends.
    fn local_midnight_after(&self, d: NaiveDate) -> NaiveDateTime {
        let next = d.succ_opt().unwrap_or(d).and_time(NaiveTime::MIN);
        // Midnight never falls in a gap in practice; an hour later if it ever does.
        to_utc(next, self.zone)
            .or_else(|| to_utc(next + Duration::hours(1), self.zone))
            .unwrap_or(next)
    }
}

/// Whether someone must act by a time in `status` (the states [`due_at`] answers for).
pub fn has_due(status: Status) -> bool {
    matches!(
        status,
        Status::Sent
            | Status::NeedInfo
            | Status::AwaitingPatient
            | Status::VisitRequired
            | Status::Accepted
    )
}

/// When the party whose turn it is must act, for a referral (or, with `question`, an advice
/// question) that entered `status` at `since`; `None` for states nobody has to act in
/// (draft, closed ones).
pub fn due_at(
    question: bool,
    status: Status,
    priority: Priority,
    since: NaiveDateTime,
    see_by: Option<NaiveDate>,
    levels: &ServiceLevels,
    cal: &WorkCalendar<'_>,
) -> Option<NaiveDateTime> {
    let due = match status {
        Status::Sent if question => cal.end_of_working_day(since, levels.advice_days),
        Status::Sent => match priority {
            Priority::Emergency => since + Duration::hours(levels.emergency_triage_hours),
            Priority::Urgent => cal.end_of_working_day(since, levels.urgent_triage_days),
            Priority::Routine => cal.end_of_working_day(since, levels.routine_triage_days),
        },
        Status::NeedInfo => cal.end_of_working_day(since, levels.need_info_days),
        Status::AwaitingPatient => cal.end_of_working_day(since, levels.approval_days),
        Status::VisitRequired => since + Duration::days(levels.book_visit_days),
        Status::Accepted => since + Duration::days(levels.outcome_days),
        Status::Draft
        | Status::DeclinedByPatient
        | Status::Rejected
        | Status::Completed
        | Status::Cancelled
        | Status::Expired
        | Status::Answered
        | Status::Converted
        | Status::Returned => return None,
    };
    // The referrer's see-by date is the patient's clinical deadline: it wins when earlier,
    // for every turn that leads to seeing the patient.
    let see_by = see_by.map(|d| cal.local_midnight_after(d));
    Some(match see_by {
        Some(s) if s < due && status != Status::Accepted => s,
        _ => due,
    })
}

/// How a due time reads now: a Fluent key and its count ("due in 3 h", "2 days overdue").
pub fn in_words(now: NaiveDateTime, due: NaiveDateTime) -> (&'static str, i64) {
    let left = due - now;
    let hours = left.num_hours();
    match left {
        l if l >= Duration::hours(48) => ("due-in-days", l.num_days()),
        l if l >= Duration::zero() => ("due-in-hours", hours.max(1)),
        l if l > -Duration::hours(48) => ("overdue-hours", (-hours).max(1)),
        l => ("overdue-days", -l.num_days()),
    }
}

/// Whether a due time has passed.
pub fn is_overdue(now: NaiveDateTime, due: NaiveDateTime) -> bool {
    due < now
}

/// The message that says whose turn a status is ("Whose turn: the patient").
pub fn turn_key(status: Status) -> &'static str {
    match status.turn() {
        Some(Party::Sender) => "ref-turn-sender",
        Some(Party::Receiver) => "ref-turn-receiver",
        Some(Party::Patient) => "ref-turn-patient",
        Some(Party::Other) | None => "ref-turn-nobody",
    }
}

/// The UTC instant the local day of `now` ends in `tz` (next local midnight).
pub fn end_of_local_day(now: NaiveDateTime, tz: Tz) -> NaiveDateTime {
    WorkCalendar {
        zone: tz,
        holidays: &[],
    }
    .local_midnight_after(to_local(now, tz).date())
}

/// The last local day a due time leaves: a turn due at midnight is due "by" the day
/// that midnight ends.
pub fn last_day(due: NaiveDateTime, tz: Tz) -> NaiveDate {
    (to_local(due, tz) - Duration::seconds(1)).date()
}

/// A list's filter on due times (a URL value: `overdue` or `today`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueFilter {
    /// Due before now.
    Overdue,
    /// Due from now until the end of today on the app's wall clock.
    Today,
}

impl DueFilter {
    pub fn parse(s: &str) -> Option<DueFilter> {
        match s {
            "overdue" => Some(DueFilter::Overdue),
            "today" => Some(DueFilter::Today),
            _ => None,
        }
    }

    /// The window [from, before) of due times the filter keeps.
    pub fn window(
        self,
        now: NaiveDateTime,
        tz: Tz,
    ) -> (Option<NaiveDateTime>, Option<NaiveDateTime>) {
        match self {
            DueFilter::Overdue => (None, Some(now)),
            DueFilter::Today => (Some(now), Some(end_of_local_day(now, tz))),
        }
    }
}

/// What the patient is asked to do by the due time, when it is their turn: approve or
/// decline the referral, or book the visit the receiver asked for (not once one is booked,
/// and only when the receiver runs a practice the patient books with: otherwise the
/// receiver's practice arranges the time, and a service waits for a member to take it).
/// The message takes `$date`.
pub fn patient_ask(
    status: Status,
    visit_booked: bool,
    receiver_books: bool,
) -> Option<&'static str> {
    match status {
        Status::AwaitingPatient => Some("due-patient-approve-by"),
        Status::VisitRequired if !visit_booked && receiver_books => Some("due-patient-book-by"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, mi, 0))
            .unwrap_or_default()
    }

    /// (status, priority, since, see-by, the due time wanted).
    type Case = (
        Status,
        Priority,
        NaiveDateTime,
        Option<NaiveDate>,
        Option<NaiveDateTime>,
    );

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn due_times_follow_state_priority_working_days_holidays_and_see_by() {
        let kolkata: Tz = "Asia/Kolkata".parse().unwrap_or(Tz::UTC);
        let diwali = [day(2026, 11, 9)];
        let cal = WorkCalendar {
            zone: kolkata,
            holidays: &diwali,
        };
        let l = ServiceLevels::default();
        use Priority::*;
        use Status::*;
        // (status, priority, since UTC, see-by, due UTC); IST is UTC+05:30, so a local
        // midnight is 18:30 UTC the day before.
        let cases: [Case; 10] = [
            // Monday 2 Nov, 10:00 IST: 5 working days is Monday 9 Nov, a holiday: Tuesday 10.
            (
                Sent,
                Routine,
                at(2026, 11, 2, 4, 30),
                None,
                Some(at(2026, 11, 10, 18, 30)),
            ),
            // Friday 6 Nov: urgent, 1 working day skips the weekend and Monday's holiday.
            (
                Sent,
                Urgent,
                at(2026, 11, 6, 4, 30),
                None,
                Some(at(2026, 11, 10, 18, 30)),
            ),
            // Emergencies run on the clock, weekends included.
            (
                Sent,
                Emergency,
                at(2026, 11, 7, 4, 30),
                None,
                Some(at(2026, 11, 7, 6, 30)),
            ),
            // 20:00 UTC Monday is already Tuesday 01:30 in Pune: counting starts Wednesday.
            (
                Sent,
                Urgent,
                at(2026, 11, 2, 20, 0),
                None,
                Some(at(2026, 11, 4, 18, 30)),
            ),
            // An earlier see-by date wins (its end, local midnight).
            (
                Sent,
                Routine,
                at(2026, 11, 2, 4, 30),
                Some(day(2026, 11, 4)),
                Some(at(2026, 11, 4, 18, 30)),
            ),
            // A later one does not.
            (
                Sent,
                Urgent,
                at(2026, 11, 2, 4, 30),
                Some(day(2026, 12, 1)),
                Some(at(2026, 11, 3, 18, 30)),
            ),
            (
                NeedInfo,
                Routine,
                at(2026, 11, 4, 4, 30),
                None,
                Some(at(2026, 11, 10, 18, 30)),
            ),
            (
                VisitRequired,
                Routine,
                at(2026, 11, 2, 4, 30),
                None,
                Some(at(2026, 11, 16, 4, 30)),
            ),
            (
                Accepted,
                Urgent,
                at(2026, 11, 2, 4, 30),
                Some(day(2026, 11, 3)),
                Some(at(2026, 12, 2, 4, 30)),
            ),
            (Completed, Emergency, at(2026, 11, 2, 4, 30), None, None),
        ];
        for (status, priority, since, see_by, want) in cases {
            assert_eq!(
                due_at(false, status, priority, since, see_by, &l, &cal),
                want,
                "{status:?} {priority:?} since {since}"
            );
        }
        for s in [Draft, DeclinedByPatient, Rejected, Cancelled] {
            assert_eq!(
                due_at(false, s, Routine, at(2026, 11, 2, 4, 30), None, &l, &cal),
                None
            );
        }
    }

    #[test]
    fn has_due_names_exactly_the_states_with_a_due_time() {
        let cal = WorkCalendar {
            zone: Tz::UTC,
            holidays: &[],
        };
        let since = at(2026, 11, 2, 4, 30);
        for s in crate::domain::referral::ALL_STATUSES {
            let due = due_at(
                false,
                s,
                Priority::Routine,
                since,
                None,
                &ServiceLevels::default(),
                &cal,
            );
            assert_eq!(has_due(s), due.is_some(), "{s:?}");
        }
    }

    #[test]
    fn a_due_time_reads_in_hours_then_days() {
        let now = at(2026, 11, 2, 10, 0);
        assert_eq!(in_words(now, now + Duration::hours(3)), ("due-in-hours", 3));
        assert_eq!(in_words(now, now + Duration::days(3)), ("due-in-days", 3));
        assert_eq!(
            in_words(now, now - Duration::hours(5)),
            ("overdue-hours", 5)
        );
        assert_eq!(in_words(now, now - Duration::days(2)), ("overdue-days", 2));
        assert_eq!(
            in_words(now, now + Duration::minutes(10)),
            ("due-in-hours", 1)
        );
    }

    #[test]
    fn today_ends_at_local_midnight_and_a_midnight_due_time_falls_on_the_day_before() {
        let kolkata: Tz = "Asia/Kolkata".parse().unwrap_or(Tz::UTC);
        // 20:00 UTC is 01:30 IST the next day: today ends at 18:30 UTC that day.
        let now = at(2026, 11, 2, 20, 0);
        assert_eq!(end_of_local_day(now, kolkata), at(2026, 11, 3, 18, 30));
        assert_eq!(
            DueFilter::Today.window(now, kolkata),
            (Some(now), Some(at(2026, 11, 3, 18, 30)))
        );
        assert_eq!(DueFilter::Overdue.window(now, kolkata), (None, Some(now)));
        assert_eq!(DueFilter::parse("soon"), None);
        // Due at midnight IST starting 11 Nov: the patient has until 10 Nov.
        assert_eq!(
            last_day(at(2026, 11, 10, 18, 30), kolkata),
            day(2026, 11, 10)
        );
        assert_eq!(
            last_day(at(2026, 11, 10, 4, 30), kolkata),
            day(2026, 11, 10)
        );
        assert!(is_overdue(now, now - Duration::minutes(1)));
        assert!(!is_overdue(now, now));
    }

    #[test]
    fn a_patient_is_asked_only_on_their_own_turn() {
        assert_eq!(
            patient_ask(Status::AwaitingPatient, false, false),
            Some("due-patient-approve-by")
        );
        assert_eq!(
            patient_ask(Status::VisitRequired, false, true),
            Some("due-patient-book-by")
        );
        assert_eq!(patient_ask(Status::VisitRequired, true, true), None);
        // Nobody to book with: the receiver's practice (or the member who takes it from a
        // service's queue) arranges the time.
        assert_eq!(patient_ask(Status::VisitRequired, false, false), None);
        for s in [
            Status::Sent,
            Status::NeedInfo,
            Status::Accepted,
            Status::Expired,
        ] {
            assert_eq!(patient_ask(s, false, true), None);
        }
        assert_eq!(turn_key(Status::Sent), "ref-turn-receiver");
        assert_eq!(turn_key(Status::Completed), "ref-turn-nobody");
    }
}
