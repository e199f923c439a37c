//! Visit times as people read them: the practice's wall clock, labelled with its zone.
//! Appointments are stored in UTC; these turn them into what a page or a message shows.

use chrono::NaiveDateTime;
use chrono_tz::Tz;

use crate::db::practices::Practice as PracticeRow;
use crate::db::schedule::Appointment;
use crate::domain::calendar::{self, to_local};

/// Appointments for display: their times moved to the practice's wall clock, with the
/// zone's label. Only for showing: decisions are taken on the stored UTC times.
pub fn localized(
    mut visits: Vec<Appointment>,
    practice: Option<&PracticeRow>,
    now: NaiveDateTime,
) -> (Vec<Appointment>, String) {
    let tz = practice.map_or(Tz::UTC, zone_of);
    let at = visits.first().map_or(now, |a| a.starts_at);
    for a in &mut visits {
        a.starts_at = to_local(a.starts_at, tz);
        a.ends_at = to_local(a.ends_at, tz);
    }
    (visits, calendar::zone_label(tz, at))
}

/// The practice's zone (UTC for a name the database no longer knows).
pub fn zone_of(p: &PracticeRow) -> Tz {
    calendar::zone(&p.time_zone).unwrap_or(Tz::UTC)
}

/// A visit's time as the timeline, notifications and the audit log write it: the
/// practice's wall clock, labelled with its zone.
pub fn when_at(t: NaiveDateTime, tz: Tz) -> String {
    format!(
        "{} ({})",
        to_local(t, tz).format("%A %Y-%m-%d at %H:%M"),
        calendar::zone_label(tz, t)
    )
}
