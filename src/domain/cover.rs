//! Cover: a practitioner away for some days names a colleague who takes their new
//! referrals. The rules here decide what a valid absence is, who actually receives a
//! referral sent on a given day, and which open referrals an away practitioner can hand
//! over in one step.

use chrono::NaiveDate;

use super::forms::{FieldErrors, optional_text, required_date};
use super::referral::Status;

/// The longest absence one period may cover: beyond that a clinic changes who receives
/// (or deactivates the account), rather than redirecting a year of referrals.
pub const MAX_DAYS: i64 = 183;

/// How far ahead an absence may be planned.
pub const MAX_AHEAD_DAYS: i64 = 366;

/// The longest note ("on leave", "at a conference").
pub const NOTE_MAX: usize = 200;

/// One absence, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Away {
    pub user_id: String,
    pub covering_id: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

impl Away {
    /// Whether `day` falls in the absence (both ends included).
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.first_day <= day && day <= self.last_day
    }
}

/// The absence form as posted.
#[derive(Debug, Clone, Default)]
pub struct AwayForm {
    pub first_day: String,
    pub last_day: String,
    pub covering_id: String,
    pub note: String,
}

/// A valid absence, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAway {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub covering_id: String,
    pub note: String,
}

impl AwayForm {
    /// Checks the form on `today` (the clinic's calendar day). `colleagues` are the ids of
    /// the active practitioners of the clinic other than `me` (who may cover); `mine` are
    /// `me`'s absences already planned, which a new one may not overlap.
    pub fn validate(
        &self,
        me: &str,
        today: NaiveDate,
        colleagues: &[String],
        mine: &[Away],
    ) -> Result<NewAway, FieldErrors> {
        let mut e = FieldErrors::new();
        let first = required_date(&mut e, "first_day", "First day away", &self.first_day);
        let last = required_date(&mut e, "last_day", "Last day away", &self.last_day);
        let note = optional_text(&mut e, "note", "Note", &self.note, NOTE_MAX);
        let covering = self.covering_id.trim();
        if covering.is_empty() {
            e.add("covering_id", "Choose the colleague who covers for you.");
        } else if covering == me {
            e.add("covering_id", "You cannot cover for yourself.");
        } else if !colleagues.iter().any(|c| c == covering) {
            e.add(
                "covering_id",
                "Choose an active colleague of your clinic to cover for you.",
            );
        }
        if let (Some(first), Some(last)) = (first, last) {
            if last < today {
                e.add("last_day", "The last day away has already passed.");
            } else if last < first {
                e.add("last_day", "The last day away comes before the first.");
            } else if (last - first).num_days() + 1 > MAX_DAYS {
                e.add(
                    "last_day",
                    format!("One absence covers at most {MAX_DAYS} days."),
                );
            } else if (first - today).num_days() > MAX_AHEAD_DAYS {
                e.add(
                    "first_day",
                    format!("Plan an absence at most {MAX_AHEAD_DAYS} days ahead."),
                );
            } else if let Some(o) = mine
                .iter()
                .find(|a| a.first_day <= last && first <= a.last_day)
            {
                e.add(
                    "first_day",
                    format!(
                        "You are already away from {} to {}: end that absence first.",
                        o.first_day, o.last_day
                    ),
                );
            }
        }
        match (first, last) {
            (Some(first_day), Some(last_day)) => e.into_result(NewAway {
                // An absence that began in the past counts from today: nothing before it
                // changes.
                first_day: first_day.max(today),
                last_day,
                covering_id: covering.to_string(),
                note,
            }),
            _ => Err(e),
        }
    }
}

/// Who receives a referral addressed to `receiver` on `day`, given the absences of the
/// practitioners concerned (`away` holds any number of them, of anyone): the receiver if
/// they are not away, else their cover, or the cover's own cover if the colleague is away
/// too, and so on. A chain that comes back to someone already asked, or has no one
/// present at its end, leaves the referral with the receiver it was addressed to (waiting
/// for their return, as before cover existed) rather than with someone also away.
/// Returns the covering practitioner, or `None` when the receiver takes it themselves.
pub fn receiver_on(receiver: &str, day: NaiveDate, away: &[Away]) -> Option<String> {
    let away_on = |who: &str| away.iter().find(|a| a.user_id == who && a.covers(day));
    let mut asked = vec![receiver.to_string()];
    let mut current = away_on(receiver)?;
    loop {
        let next = current.covering_id.clone();
        if asked.contains(&next) {
            return None;
        }
        match away_on(&next) {
            None => return Some(next),
            Some(a) => {
                asked.push(next);
                current = a;
            }
        }
    }
}

/// Whether an away practitioner may hand this referral over to their cover in one step:
/// one waiting on them or on its sender or patient before any visit with them, with no
/// visit booked with them (a booked visit stays theirs, or the patient would turn up to
/// the wrong doctor).
pub fn may_hand_over(status: Status, has_booked_visit: bool) -> bool {
    HAND_OVER.contains(&status) && !has_booked_visit
}

/// The statuses a hand-over moves (a booked visit keeps one, see [`may_hand_over`]).
pub const HAND_OVER: [Status; 4] = [
    Status::Sent,
    Status::NeedInfo,
    Status::VisitRequired,
    Status::Accepted,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn away(who: &str, cover: &str, from: &str, to: &str) -> Away {
        Away {
            user_id: who.into(),
            covering_id: cover.into(),
            first_day: day(from),
            last_day: day(to),
        }
    }
    fn form(first: &str, last: &str, cover: &str) -> AwayForm {
        AwayForm {
            first_day: first.into(),
            last_day: last.into(),
            covering_id: cover.into(),
            note: String::new(),
        }
    }

    #[test]
    fn a_referral_goes_to_the_cover_only_on_the_days_away() {
        let periods = [away("x", "y", "2026-12-10", "2026-12-12")];
        assert_eq!(receiver_on("x", day("2026-12-09"), &periods), None);
        for d in ["2026-12-10", "2026-12-11", "2026-12-12"] {
            assert_eq!(receiver_on("x", day(d), &periods).as_deref(), Some("y"));
        }
        assert_eq!(receiver_on("x", day("2026-12-13"), &periods), None);
        assert_eq!(receiver_on("y", day("2026-12-11"), &periods), None);
    }

    #[test]
    fn a_cover_away_too_passes_it_on_and_a_circle_keeps_it_with_the_receiver() {
        let chain = [
            away("x", "y", "2026-12-01", "2026-12-31"),
            away("y", "z", "2026-12-05", "2026-12-06"),
        ];
        assert_eq!(
            receiver_on("x", day("2026-12-05"), &chain).as_deref(),
            Some("z")
        );
        assert_eq!(
            receiver_on("x", day("2026-12-07"), &chain).as_deref(),
            Some("y")
        );
        let circle = [
            away("x", "y", "2026-12-01", "2026-12-31"),
            away("y", "x", "2026-12-01", "2026-12-31"),
        ];
        assert_eq!(receiver_on("x", day("2026-12-05"), &circle), None);
        let longer = [
            away("x", "y", "2026-12-01", "2026-12-31"),
            away("y", "z", "2026-12-01", "2026-12-31"),
            away("z", "y", "2026-12-01", "2026-12-31"),
        ];
        assert_eq!(receiver_on("x", day("2026-12-05"), &longer), None);
    }

    #[test]
    fn the_form_names_each_mistake_beside_its_field() {
        let today = day("2026-12-07");
        let colleagues = vec!["y".to_string(), "z".to_string()];
        let ok = form("2026-12-10", "2026-12-12", "y")
            .validate("x", today, &colleagues, &[])
            .unwrap();
        assert_eq!(
            (ok.first_day, ok.last_day),
            (day("2026-12-10"), day("2026-12-12"))
        );
        // Begun already: it counts from today.
        let begun = form("2026-12-01", "2026-12-12", "y")
            .validate("x", today, &colleagues, &[])
            .unwrap();
        assert_eq!(begun.first_day, today);
        let err =
            |f: AwayForm, mine: &[Away]| f.validate("x", today, &colleagues, mine).unwrap_err();
        let e = err(form("", "tomorrow", ""), &[]);
        assert_eq!(e.get("first_day"), Some("First day away is required."));
        assert!(e.get("last_day").unwrap().contains("date like"));
        assert!(e.get("covering_id").unwrap().contains("Choose"));
        assert_eq!(
            err(form("2026-12-10", "2026-12-12", "x"), &[]).get("covering_id"),
            Some("You cannot cover for yourself.")
        );
        assert!(
            err(form("2026-12-10", "2026-12-12", "stranger"), &[])
                .get("covering_id")
                .unwrap()
                .contains("active colleague")
        );
        assert!(
            err(form("2026-12-01", "2026-12-06", "y"), &[])
                .get("last_day")
                .unwrap()
                .contains("already passed")
        );
        assert!(
            err(form("2026-12-12", "2026-12-10", "y"), &[])
                .get("last_day")
                .unwrap()
                .contains("before the first")
        );
        assert!(
            err(form("2026-12-10", "2027-12-10", "y"), &[])
                .get("last_day")
                .unwrap()
                .contains("at most 183 days")
        );
        assert!(
            err(form("2028-01-10", "2028-01-12", "y"), &[])
                .get("first_day")
                .unwrap()
                .contains("days ahead")
        );
        let planned = [away("x", "z", "2026-12-11", "2026-12-20")];
        assert!(
            err(form("2026-12-10", "2026-12-12", "y"), &planned)
                .get("first_day")
                .unwrap()
                .contains("already away from 2026-12-11 to 2026-12-20")
        );
        let long_note = AwayForm {
            note: "n".repeat(NOTE_MAX + 1),
            ..form("2026-12-10", "2026-12-12", "y")
        };
        assert!(err(long_note, &[]).get("note").is_some());
    }

    #[test]
    fn only_referrals_without_a_booked_visit_are_handed_over() {
        assert!(may_hand_over(Status::Sent, false));
        assert!(may_hand_over(Status::Accepted, false));
        assert!(!may_hand_over(Status::Accepted, true));
        for s in [
            Status::Draft,
            Status::AwaitingPatient,
            Status::Completed,
            Status::Rejected,
            Status::Cancelled,
        ] {
            assert!(!may_hand_over(s, false), "{s:?}");
        }
    }
}
