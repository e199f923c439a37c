//! The patient's own list of appointments, a page at a time (the practitioner's calendar is
//! a week at a time: `schedule::week`).

use chrono_tz::Tz;

use super::{Caller, Services};
use crate::db;
use crate::db::schedule::Appointment;
use crate::domain::calendar::{self, to_local};
use crate::domain::cursor::{self, Page};
use crate::domain::policy::{Action, Actor};
use crate::error::AppResult;

/// Appointments on a page of the patient's list.
pub const PAGE: usize = 25;

/// One of a patient's appointments as their list shows it.
pub struct MyVisit {
    /// Its times on the practice's wall clock (for showing only).
    pub a: Appointment,
    /// The practitioner's name.
    pub who: String,
    /// The practice's zone label ("IST, Asia/Kolkata").
    pub zone: String,
    /// Whether the patient may still cancel or move it (decided on the UTC time).
    pub may_cancel: bool,
}

/// The signed-in patient's appointments, soonest first: the page after `after` (a cursor
/// of an earlier page; anything else is the first).
pub fn my_appointments(svc: &Services, caller: &Caller, after: &str) -> AppResult<Page<MyVisit>> {
    caller.authorize(&Action::UsePortal, "/appointments")?;
    let Actor::Patient {
        patient_id: Some(pid),
        ..
    } = &caller.actor
    else {
        return Ok(Page {
            rows: Vec::new(),
            next: None,
        });
    };
    let after = cursor::decode(after);
    let rows =
        db::schedule::for_patient_page(&mut *svc.conn()?, pid, after.as_ref(), PAGE as i64 + 1)?;
    // The cursor is the stored (UTC) start, taken before the times are made local.
    let page = Page::of(rows, PAGE, |(a, ..)| cursor::encode(a.starts_at, &a.id));
    let now = svc.now();
    Ok(Page {
        next: page.next,
        rows: page
            .rows
            .into_iter()
            .map(|(mut a, who, zone)| {
                let tz = zone.as_deref().and_then(calendar::zone).unwrap_or(Tz::UTC);
                let label = calendar::zone_label(tz, a.starts_at);
                let may_cancel = a.visit().patient_may_cancel(now);
                a.starts_at = to_local(a.starts_at, tz);
                a.ends_at = to_local(a.ends_at, tz);
                MyVisit {
                    a,
                    who,
                    zone: label,
                    may_cancel,
                }
            })
            .collect(),
    })
}
