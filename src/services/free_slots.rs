//! A practice's free slots: the calendar the patient's booking page and the practice's
//! booking for the patient both show.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::Services;
use super::visit_times::zone_of;
use crate::db;
use crate::domain::calendar::to_local;
use crate::domain::schedule::{BOOKING_DAYS, free_slots};
use crate::error::AppResult;

/// One day of the calendar with its free start times.
pub struct CalendarDay {
    pub date: NaiveDate,
    pub slots: Vec<NaiveDateTime>,
}

/// A practitioner's free slots for the next four weeks (empty if they have no practice).
pub fn calendar(svc: &Services, practitioner_id: &str) -> AppResult<Vec<CalendarDay>> {
    let now = svc.now();
    let mut conn = svc.conn()?;
    let Some(p) = db::practices::get(&mut conn, practitioner_id)? else {
        return Ok(Vec::new());
    };
    let hours = db::schedule::hours(&mut conn, practitioner_id)?;
    let off = db::schedule::days_off(&mut conn, practitioner_id)?;
    // Hours are the practice's wall clock: the grid is laid out in its zone.
    let tz = zone_of(&p);
    let taken: Vec<NaiveDateTime> = db::schedule::taken(
        &mut conn,
        practitioner_id,
        now,
        now + Duration::days(BOOKING_DAYS + 1),
    )?
    .into_iter()
    .map(|t| to_local(t, tz))
    .collect();
    let local_now = to_local(now, tz);
    let mut days: Vec<CalendarDay> = Vec::new();
    for t in free_slots(
        &hours,
        &off,
        &taken,
        p.visit_minutes,
        local_now,
        BOOKING_DAYS,
    ) {
        match days.last_mut() {
            Some(d) if d.date == t.date() => d.slots.push(t),
            _ => days.push(CalendarDay {
                date: t.date(),
                slots: vec![t],
            }),
        }
    }
    Ok(days)
}
