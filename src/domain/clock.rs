//! The clinic's clock rules (issue 14): its service levels, when a reminder goes before and
//! after a due time, when an overdue referral is escalated to the clinic's admin, when a
//! referral nobody moves expires, and which clinic's rules a turn runs on. Pure: the
//! services read the rules, the time and the referral, and ask here what is due.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use super::due::{ServiceLevels, WorkCalendar, due_at};
use super::forms::{FieldErrors, optional_int};
use super::referral::{Party, Priority, Status};

/// One clinic's clock: its service levels and what happens around a due time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockRules {
    pub levels: ServiceLevels,
    /// The "due soon" reminder goes this many hours before the due time.
    pub remind_before_hours: i64,
    /// An overdue referral goes to the clinic's admin this many days after its due time.
    pub escalate_after_days: i64,
    /// A referral nobody moved for this many days (sent, need-info or visit required)
    /// closes as expired.
    pub expire_after_days: i64,
    /// An accepted referral with an attended visit and a drafted outcome is completed with
    /// the draft this many days after the visit (without a draft, the outcome is reminded).
    pub auto_close_days: i64,
    pub holidays: Vec<NaiveDate>,
    pub zone: Tz,
}

impl ClockRules {
    /// The defaults (see [`ServiceLevels::default`]): reminders a day before and at the due
    /// time, escalation two days after it, expiry after 90 days without a move.
    pub fn defaults(zone: Tz) -> Self {
        ClockRules {
            levels: ServiceLevels::default(),
            remind_before_hours: 24,
            escalate_after_days: 2,
            expire_after_days: 90,
            auto_close_days: 7,
            holidays: Vec::new(),
            zone,
        }
    }

    /// The calendar working days are counted on.
    pub fn calendar(&self) -> WorkCalendar<'_> {
        WorkCalendar {
            zone: self.zone,
            holidays: &self.holidays,
        }
    }

    /// When the party whose turn it is must act (see [`due_at`]).
    pub fn due(
        &self,
        question: bool,
        status: Status,
        priority: Priority,
        since: NaiveDateTime,
        see_by: Option<NaiveDate>,
    ) -> Option<NaiveDateTime> {
        due_at(
            question,
            status,
            priority,
            since,
            see_by,
            &self.levels,
            &self.calendar(),
        )
    }
}

/// Whose clinic's rules a turn runs on: the receiver's while the receiver decides, books or
/// reports (their clinic promised the service level), the sender's while the sender or the
/// patient approving the sender's referral must act.
pub fn rules_of(status: Status) -> Party {
    match status {
        Status::Sent | Status::VisitRequired | Status::Accepted => Party::Receiver,
        _ => Party::Sender,
    }
}

/// The three things that may happen around one due time, each at most once, in the order
/// they come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// "Due soon", to whoever's turn it is.
    Near,
    /// "Now overdue", to whoever's turn it is.
    Passed,
    /// To the clinic's admin, some days after the due time.
    Escalated,
}

pub const ALL_STAGES: [Stage; 3] = [Stage::Near, Stage::Passed, Stage::Escalated];

impl Stage {
    /// The value stored in `clock_reminders.stage`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Near => "near",
            Stage::Passed => "passed",
            Stage::Escalated => "escalated",
        }
    }

    /// When the stage is reached for a due time.
    pub fn at(self, due: NaiveDateTime, rules: &ClockRules) -> NaiveDateTime {
        match self {
            Stage::Near => due - Duration::hours(rules.remind_before_hours),
            Stage::Passed => due,
            Stage::Escalated => due + Duration::days(rules.escalate_after_days),
        }
    }
}

/// The stage to act on now for a due time, the latest reached; earlier stages that were
/// missed (the app was down, the rules changed) are not sent late: one reminder, the one
/// that is true now.
pub fn stage_now(due: NaiveDateTime, now: NaiveDateTime, rules: &ClockRules) -> Option<Stage> {
    ALL_STAGES
        .into_iter()
        .rev()
        .find(|s| now >= s.at(due, rules))
}

/// Whether a referral that has waited since `since` in `status` has expired by `now`.
pub fn expired(
    status: Status,
    since: NaiveDateTime,
    now: NaiveDateTime,
    rules: &ClockRules,
) -> bool {
    status.may_expire() && now >= since + Duration::days(rules.expire_after_days)
}

/// Whether an accepted referral is completed by the clock with the receiver's drafted
/// outcome: a visit was attended at least the clinic's period ago and an outcome is drafted.
pub fn auto_closes(
    status: Status,
    has_draft: bool,
    attended_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
    rules: &ClockRules,
) -> bool {
    status == Status::Accepted
        && has_draft
        && attended_at.is_some_and(|at| now >= at + Duration::days(rules.auto_close_days))
}

/// What a practitioner is told about a due time: the patient's name, what is awaited and
/// when it was or is due (in words, already in the reader's language).
pub fn reminder_text(stage: Stage, status: Status, patient: &str, when: &str) -> String {
    let what = match status {
        Status::Sent => "your decision (accept, decline, ask or see first)",
        Status::NeedInfo => "the information the receiver asked for",
        Status::AwaitingPatient => "the patient's approval",
        Status::VisitRequired => "the patient's booking of the first visit",
        Status::Accepted => "the outcome",
        _ => "an answer",
    };
    match stage {
        Stage::Near => format!("Due soon ({when}): the referral for {patient} waits for {what}."),
        Stage::Passed => format!("Overdue ({when}): the referral for {patient} waits for {what}."),
        Stage::Escalated => format!(
            "Escalated: the referral for {patient} is overdue ({when}) and still waits for {what}."
        ),
    }
}

/// The posted fields of the clinic's clock form, as typed.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ClockForm {
    #[serde(default)]
    pub routine_triage_days: String,
    #[serde(default)]
    pub urgent_triage_days: String,
    #[serde(default)]
    pub emergency_triage_hours: String,
    #[serde(default)]
    pub need_info_days: String,
    #[serde(default)]
    pub approval_days: String,
    #[serde(default)]
    pub book_visit_days: String,
    #[serde(default)]
    pub outcome_days: String,
    #[serde(default)]
    pub advice_days: String,
    #[serde(default)]
    pub remind_before_hours: String,
    #[serde(default)]
    pub escalate_after_days: String,
    #[serde(default)]
    pub expire_after_days: String,
    #[serde(default)]
    pub auto_close_days: String,
    #[serde(default)]
    pub holidays: String,
}

impl ClockForm {
    /// The form filled with a clinic's rules.
    pub fn of(r: &ClockRules) -> Self {
        let l = &r.levels;
        ClockForm {
            routine_triage_days: l.routine_triage_days.to_string(),
            urgent_triage_days: l.urgent_triage_days.to_string(),
            emergency_triage_hours: l.emergency_triage_hours.to_string(),
            need_info_days: l.need_info_days.to_string(),
            approval_days: l.approval_days.to_string(),
            book_visit_days: l.book_visit_days.to_string(),
            outcome_days: l.outcome_days.to_string(),
            advice_days: l.advice_days.to_string(),
            remind_before_hours: r.remind_before_hours.to_string(),
            escalate_after_days: r.escalate_after_days.to_string(),
            expire_after_days: r.expire_after_days.to_string(),
            auto_close_days: r.auto_close_days.to_string(),
            holidays: holidays_text(&r.holidays),
        }
    }

    /// Validates every field (each beside its own error) into the clinic's rules.
    pub fn validate(&self, zone: Tz) -> Result<ClockRules, FieldErrors> {
        let mut e = FieldErrors::new();
        let mut num = |field: &'static str, label: &str, v: &str, range| {
            if v.trim().is_empty() {
                e.add(field, format!("{label} is required."));
                return 0;
            }
            optional_int(&mut e, field, label, v, range).unwrap_or(0)
        };
        let levels = ServiceLevels {
            routine_triage_days: num(
                "routine_triage_days",
                "Routine triage",
                &self.routine_triage_days,
                1..=60,
            ),
            urgent_triage_days: num(
                "urgent_triage_days",
                "Urgent triage",
                &self.urgent_triage_days,
                1..=30,
            ),
            emergency_triage_hours: num(
                "emergency_triage_hours",
                "Emergency triage",
                &self.emergency_triage_hours,
                1..=72,
            ),
            need_info_days: num(
                "need_info_days",
                "Answering a request for information",
                &self.need_info_days,
                1..=60,
            ),
            approval_days: num(
                "approval_days",
                "The patient's approval",
                &self.approval_days,
                1..=60,
            ),
            book_visit_days: num(
                "book_visit_days",
                "Booking the first visit",
                &self.book_visit_days,
                1..=180,
            ),
            outcome_days: num("outcome_days", "The outcome", &self.outcome_days, 1..=365),
            advice_days: num(
                "advice_days",
                "Answering an advice question",
                &self.advice_days,
                1..=60,
            ),
        };
        let remind_before_hours = num(
            "remind_before_hours",
            "The reminder",
            &self.remind_before_hours,
            1..=240,
        );
        let escalate_after_days = num(
            "escalate_after_days",
            "Escalation",
            &self.escalate_after_days,
            1..=90,
        );
        let expire_after_days = num(
            "expire_after_days",
            "Expiry",
            &self.expire_after_days,
            7..=730,
        );
        let auto_close_days = num(
            "auto_close_days",
            "Completing with the drafted outcome",
            &self.auto_close_days,
            1..=90,
        );
        let holidays = match parse_holidays(&self.holidays) {
            Ok(h) => h,
            Err(bad) => {
                e.add(
                    "holidays",
                    format!("“{bad}” is not a date: write each holiday as YYYY-MM-DD."),
                );
                Vec::new()
            }
        };
        e.into_result(ClockRules {
            levels,
            remind_before_hours,
            escalate_after_days,
            expire_after_days,
            auto_close_days,
            holidays,
            zone,
        })
    }
}

/// Holidays as stored and shown: YYYY-MM-DD, in order, separated by commas.
pub fn holidays_text(days: &[NaiveDate]) -> String {
    days.iter()
        .map(|d| d.format("%Y-%m-%d").to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses holidays separated by commas, spaces or new lines; the first word that is not a
/// date is returned as the error. Sorted, without repeats.
pub fn parse_holidays(text: &str) -> Result<Vec<NaiveDate>, String> {
    let mut days = Vec::new();
    for w in text.split(|c: char| c == ',' || c.is_whitespace()) {
        let w = w.trim();
        if w.is_empty() {
            continue;
        }
        let d = NaiveDate::parse_from_str(w, "%Y-%m-%d")
            .map_err(|_| w.chars().take(40).collect::<String>())?;
        days.push(d);
    }
    days.sort();
    days.dedup();
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, d)
            .and_then(|d| d.and_hms_opt(h, 0, 0))
            .unwrap_or_default()
    }

    #[test]
    fn one_stage_at_a_time_near_then_passed_then_escalated() {
        let r = ClockRules::defaults(Tz::UTC);
        let due = at(10, 12);
        assert_eq!(stage_now(due, at(9, 11), &r), None);
        assert_eq!(stage_now(due, at(9, 12), &r), Some(Stage::Near));
        assert_eq!(stage_now(due, at(10, 11), &r), Some(Stage::Near));
        assert_eq!(stage_now(due, at(10, 12), &r), Some(Stage::Passed));
        assert_eq!(stage_now(due, at(12, 11), &r), Some(Stage::Passed));
        assert_eq!(stage_now(due, at(12, 12), &r), Some(Stage::Escalated));
        // Down for a week: only the stage that is true now goes out.
        assert_eq!(stage_now(due, at(20, 0), &r), Some(Stage::Escalated));
    }

    #[test]
    fn only_waiting_referrals_expire_after_the_clinics_period() {
        let r = ClockRules {
            expire_after_days: 90,
            ..ClockRules::defaults(Tz::UTC)
        };
        let since = at(1, 0);
        let later = since + Duration::days(90);
        assert!(expired(Status::Sent, since, later, &r));
        assert!(expired(Status::NeedInfo, since, later, &r));
        assert!(!expired(
            Status::Sent,
            since,
            later - Duration::seconds(1),
            &r
        ));
        assert!(!expired(Status::Accepted, since, later, &r));
        assert!(!expired(Status::AwaitingPatient, since, later, &r));
    }

    #[test]
    fn an_attended_visit_with_a_drafted_outcome_closes_after_the_clinics_period() {
        let r = ClockRules::defaults(Tz::UTC);
        let visit = at(1, 9);
        let week = visit + Duration::days(7);
        assert!(auto_closes(Status::Accepted, true, Some(visit), week, &r));
        assert!(!auto_closes(
            Status::Accepted,
            true,
            Some(visit),
            week - Duration::minutes(1),
            &r
        ));
        assert!(
            !auto_closes(Status::Accepted, false, Some(visit), week, &r),
            "no draft: remind"
        );
        assert!(
            !auto_closes(Status::Accepted, true, None, week, &r),
            "no attended visit"
        );
        assert!(!auto_closes(Status::Completed, true, Some(visit), week, &r));
    }

    #[test]
    fn the_receivers_clinic_owns_triage_the_senders_owns_its_answers() {
        assert_eq!(rules_of(Status::Sent), Party::Receiver);
        assert_eq!(rules_of(Status::Accepted), Party::Receiver);
        assert_eq!(rules_of(Status::NeedInfo), Party::Sender);
        assert_eq!(rules_of(Status::AwaitingPatient), Party::Sender);
    }

    #[test]
    fn the_clock_form_keeps_each_error_beside_its_field() {
        let mut f = ClockForm::of(&ClockRules::defaults(Tz::UTC));
        assert_eq!(f.validate(Tz::UTC), Ok(ClockRules::defaults(Tz::UTC)));
        f.urgent_triage_days = "0".into();
        f.outcome_days = "soon".into();
        f.expire_after_days = String::new();
        f.holidays = "2026-11-09, 2026-13-01".into();
        let e = f.validate(Tz::UTC).unwrap_err();
        assert!(
            e.get("urgent_triage_days")
                .is_some_and(|m| m.contains("between 1 and 30"))
        );
        assert!(
            e.get("outcome_days")
                .is_some_and(|m| m.contains("whole number"))
        );
        assert!(
            e.get("expire_after_days")
                .is_some_and(|m| m.contains("required"))
        );
        assert!(e.get("holidays").is_some_and(|m| m.contains("2026-13-01")));
        assert!(e.get("routine_triage_days").is_none());
    }

    #[test]
    fn holidays_read_in_any_order_and_separator() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default();
        assert_eq!(
            parse_holidays("2026-11-09\n2026-01-26,  2026-11-09"),
            Ok(vec![d(1, 26), d(11, 9)])
        );
        assert_eq!(
            holidays_text(&[d(1, 26), d(11, 9)]),
            "2026-01-26, 2026-11-09"
        );
        assert_eq!(parse_holidays(""), Ok(vec![]));
    }

    #[test]
    fn reminders_say_what_is_awaited_and_when() {
        let t = reminder_text(
            Stage::Passed,
            Status::NeedInfo,
            "Aarav Sharma",
            "2 days overdue",
        );
        assert!(
            t.contains("Aarav Sharma") && t.contains("information") && t.contains("2 days overdue")
        );
    }
}
