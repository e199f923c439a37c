//! The scheduling portal's rules: a practice's weekly hours and days off make a calendar of
//! slots; booked slots are taken. Times are the practice's wall-clock times.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::forms::FieldErrors;

/// Opening hours on one weekday (0 = Monday), in minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    pub weekday: u32,
    pub start_minute: i64,
    pub end_minute: i64,
}

/// The weekday names, Monday first.
pub const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Where a booked visit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VisitStatus {
    Booked,
    Attended,
    NoShow,
    Cancelled,
}

/// Every visit status.
pub const ALL_VISIT_STATUSES: [VisitStatus; 4] = [
    VisitStatus::Booked,
    VisitStatus::Attended,
    VisitStatus::NoShow,
    VisitStatus::Cancelled,
];

impl VisitStatus {
    /// The value stored in `appointments.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            VisitStatus::Booked => "booked",
            VisitStatus::Attended => "attended",
            VisitStatus::NoShow => "no_show",
            VisitStatus::Cancelled => "cancelled",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<VisitStatus> {
        ALL_VISIT_STATUSES.into_iter().find(|v| v.as_str() == s)
    }

    /// How both the patient and the practitioner read it.
    pub fn label(self) -> &'static str {
        match self {
            VisitStatus::Booked => "Booked",
            VisitStatus::Attended => "Attended",
            VisitStatus::NoShow => "Missed",
            VisitStatus::Cancelled => "Cancelled",
        }
    }
}

impl std::fmt::Display for VisitStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How far ahead patients can book.
pub const BOOKING_DAYS: i64 = 28;

/// Free slots from `now` for `days` days: every start on the visit-length grid within the
/// hours of each open day, not on a day off, not already booked, not in the past.
pub fn free_slots(
    hours: &[Hours],
    days_off: &[NaiveDate],
    booked: &[NaiveDateTime],
    visit_minutes: i64,
    now: NaiveDateTime,
    days: i64,
) -> Vec<NaiveDateTime> {
    let mut out = Vec::new();
    if visit_minutes <= 0 {
        return out;
    }
    let first = now.date();
    for d in 0..days {
        let day = first + Duration::days(d);
        if days_off.contains(&day) {
            continue;
        }
        let wd = day.weekday().num_days_from_monday();
        for h in hours.iter().filter(|h| h.weekday == wd) {
            let mut m = h.start_minute;
            while m + visit_minutes <= h.end_minute {
                let t = day.and_time(NaiveTime::MIN) + Duration::minutes(m);
                if t > now && !booked.contains(&t) {
                    out.push(t);
                }
                m += visit_minutes;
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether `t` is a slot of this practice at all (on the grid, in hours, not a day off).
pub fn is_slot(
    hours: &[Hours],
    days_off: &[NaiveDate],
    visit_minutes: i64,
    t: NaiveDateTime,
) -> bool {
    if visit_minutes <= 0 || days_off.contains(&t.date()) {
        return false;
    }
    let wd = t.date().weekday().num_days_from_monday();
    let minute = (t - t.date().and_time(NaiveTime::MIN)).num_minutes();
    if t.and_utc().timestamp() % 60 != 0 {
        return false;
    }
    hours.iter().any(|h| {
        h.weekday == wd
            && minute >= h.start_minute
            && minute + visit_minutes <= h.end_minute
            && (minute - h.start_minute) % visit_minutes == 0
    })
}

/// Parses "09:00" into minutes after midnight.
pub fn parse_hhmm(s: &str) -> Option<i64> {
    let t = NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()?;
    Some((t - NaiveTime::MIN).num_minutes())
}

/// Formats minutes after midnight as "09:00".
pub fn fmt_hhmm(m: i64) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// A practice as typed: location, visit length, and per weekday "09:00-13:00" (empty =
/// closed), days off one ISO date per line.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PracticeInput {
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub visit_minutes: String,
    #[serde(default)]
    pub mon: String,
    #[serde(default)]
    pub tue: String,
    #[serde(default)]
    pub wed: String,
    #[serde(default)]
    pub thu: String,
    #[serde(default)]
    pub fri: String,
    #[serde(default)]
    pub sat: String,
    #[serde(default)]
    pub sun: String,
    #[serde(default)]
    pub days_off: String,
    /// The IANA time zone of the hours ("Asia/Kolkata").
    #[serde(default)]
    pub time_zone: String,
}

/// A validated practice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Practice {
    pub location: String,
    pub visit_minutes: i64,
    pub hours: Vec<Hours>,
    pub days_off: Vec<NaiveDate>,
    /// A valid IANA zone name.
    pub time_zone: String,
}

/// Validates the practice form. Each day takes ranges like "09:00-13:00, 14:00-17:00".
pub fn validate_practice(i: &PracticeInput) -> Result<Practice, FieldErrors> {
    let mut e = FieldErrors::new();
    let location = super::forms::required_text(&mut e, "location", "Location", &i.location, 200);
    let visit_minutes = match i.visit_minutes.trim().parse::<i64>() {
        Ok(m) if (5..=240).contains(&m) => m,
        _ => {
            e.add(
                "visit_minutes",
                "Visit length must be between 5 and 240 minutes.",
            );
            0
        }
    };
    let days: [(&'static str, &str); 7] = [
        ("mon", &i.mon),
        ("tue", &i.tue),
        ("wed", &i.wed),
        ("thu", &i.thu),
        ("fri", &i.fri),
        ("sat", &i.sat),
        ("sun", &i.sun),
    ];
    let mut hours = Vec::new();
    for (wd, (field, text)) in days.iter().enumerate() {
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let parsed = part
                .split_once('-')
                .and_then(|(a, b)| Some((parse_hhmm(a)?, parse_hhmm(b)?)));
            match parsed {
                Some((a, b)) if a < b => hours.push(Hours {
                    weekday: wd as u32,
                    start_minute: a,
                    end_minute: b,
                }),
                Some(_) => e.add(field, "The closing time must be after the opening time."),
                None => e.add(
                    field,
                    "Write hours like 09:00-13:00, several separated by commas.",
                ),
            }
        }
    }
    let mut days_off = Vec::new();
    for line in i.days_off.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match NaiveDate::parse_from_str(line, "%Y-%m-%d") {
            Ok(d) => days_off.push(d),
            Err(_) => e.add("days_off", "Write one date per line, like 2026-12-25."),
        }
    }
    let time_zone = match super::calendar::zone(&i.time_zone) {
        Some(tz) => tz.name().to_string(),
        None => {
            e.add(
                "time_zone",
                "Write the time zone as an IANA name, like Asia/Kolkata or Europe/London.",
            );
            String::new()
        }
    };
    if hours.is_empty() && e.get("mon").is_none() {
        e.add("mon", "Open at least one day, or patients cannot book.");
    }
    e.into_result(Practice {
        location,
        visit_minutes,
        hours,
        days_off,
        time_zone,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    // 2026-11-23 is a Monday.
    const MON: Hours = Hours {
        weekday: 0,
        start_minute: 9 * 60,
        end_minute: 10 * 60,
    };

    #[test]
    fn slots_follow_hours_days_off_bookings_and_now() {
        let now = t("2026-11-23 09:10");
        let slots = free_slots(&[MON], &[], &[t("2026-11-23 09:40")], 20, now, 8);
        assert_eq!(
            slots,
            vec![
                t("2026-11-23 09:20"),
                t("2026-11-30 09:00"),
                t("2026-11-30 09:20"),
                t("2026-11-30 09:40")
            ]
        );
        let off = free_slots(
            &[MON],
            &[NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()],
            &[],
            20,
            now,
            8,
        );
        assert_eq!(off, vec![t("2026-11-23 09:20"), t("2026-11-23 09:40")]);
        assert_eq!(
            free_slots(&[MON], &[], &[], 25, t("2026-11-22 00:00"), 2).len(),
            2,
            "a last visit must fit before closing"
        );
    }

    #[test]
    fn only_grid_times_are_slots() {
        assert!(is_slot(&[MON], &[], 20, t("2026-11-23 09:20")));
        assert!(!is_slot(&[MON], &[], 20, t("2026-11-23 09:30")));
        assert!(!is_slot(&[MON], &[], 20, t("2026-11-23 10:00")));
        assert!(
            !is_slot(&[MON], &[], 20, t("2026-11-24 09:00")),
            "Tuesday is closed"
        );
    }

    #[test]
    fn practice_form() {
        let i = PracticeInput {
            location: "Room 4".into(),
            visit_minutes: "20".into(),
            mon: "09:00-12:00, 14:00-16:00".into(),
            wed: "10:00-9:00".into(),
            days_off: "2026-12-25\nnope".into(),
            time_zone: "Asia/Kolkatta".into(),
            ..Default::default()
        };
        let e = validate_practice(&i).unwrap_err();
        assert!(e.get("wed").is_some() && e.get("days_off").is_some());
        assert!(e.get("time_zone").is_some());
        let ok = validate_practice(&PracticeInput {
            wed: String::new(),
            days_off: "2026-12-25".into(),
            time_zone: " Asia/Kolkata ".into(),
            ..i
        })
        .unwrap();
        assert_eq!(ok.time_zone, "Asia/Kolkata");
        assert_eq!(ok.hours.len(), 2);
        assert_eq!(fmt_hhmm(ok.hours[1].start_minute), "14:00");
    }
}
