//! The scheduling portal: a practitioner's practice, its calendar of free slots, booking
//! (the database refuses a second booking of a slot), patients' appointments.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::{AuditEntry, Caller, Services, audit};
use crate::db::practices::Practice as PracticeRow;
use crate::db::schedule::Appointment;
use crate::db::{self, DbConn};
use chrono_tz::Tz;

use super::visit_times::{when_at, zone_of};
use crate::domain::calendar::{to_local, to_utc};
use crate::domain::policy::{Action, Actor};
use crate::domain::referral::Status;
use crate::domain::schedule::{
    BOOKING_DAYS, Hours, PracticeInput, VisitStatus, fmt_hhmm, is_slot, validate_practice,
};
use crate::error::{AppError, AppResult};

/// The practice form, filled with what is saved.
pub fn practice_form(svc: &Services, caller: &Caller) -> AppResult<PracticeInput> {
    caller.authorize(&Action::Refer, "/practice")?;
    let me = caller.user_id()?;
    let mut conn = svc.conn()?;
    let p = db::practices::get(&mut conn, me)?;
    let hours = db::schedule::hours(&mut conn, me)?;
    let days_off = db::schedule::days_off(&mut conn, me)?;
    let day = |wd: u32| {
        hours
            .iter()
            .filter(|h| h.weekday == wd)
            .map(|h| format!("{}-{}", fmt_hhmm(h.start_minute), fmt_hhmm(h.end_minute)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Ok(PracticeInput {
        location: p.as_ref().map(|p| p.location.clone()).unwrap_or_default(),
        visit_minutes: p
            .as_ref()
            .map_or("20".into(), |p| p.visit_minutes.to_string()),
        mon: day(0),
        tue: day(1),
        wed: day(2),
        thu: day(3),
        fri: day(4),
        sat: day(5),
        sun: day(6),
        days_off: days_off
            .iter()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        time_zone: p.as_ref().map_or_else(
            || svc.mail.settings.default_time_zone.clone(),
            |p| p.time_zone.clone(),
        ),
    })
}

/// Saves the caller's practice (creating it the first time).
pub fn save_practice(svc: &Services, caller: &Caller, input: &PracticeInput) -> AppResult<()> {
    caller.authorize(&Action::Refer, "/practice")?;
    let me = caller.user_id()?.to_string();
    let p = validate_practice(input).map_err(AppError::Invalid)?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        db::schedule::save_practice(
            c,
            &PracticeRow {
                practitioner_id: me.clone(),
                location: p.location.clone(),
                visit_minutes: p.visit_minutes,
                created_at: now,
                time_zone: p.time_zone.clone(),
            },
            &p.hours,
            &p.days_off,
        )?;
        db::directory::refresh(c, &me)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "practice_saved",
                subject_type: "practice",
                subject_id: &me,
                patient_id: None,
                detail: format!(
                    "{} opening ranges, {} days off, {} min visits",
                    p.hours.len(),
                    p.days_off.len(),
                    p.visit_minutes
                ),
            },
        )
    })
}

/// A practitioner's practice (location, visit length, time zone), if they run one.
pub fn practice(svc: &Services, practitioner_id: &str) -> AppResult<Option<PracticeRow>> {
    Ok(db::practices::get(&mut *svc.conn()?, practitioner_id)?)
}

pub use super::free_slots::{CalendarDay, calendar};

fn practice_of(
    c: &mut DbConn,
    practitioner_id: &str,
) -> AppResult<(PracticeRow, Vec<Hours>, Vec<NaiveDate>)> {
    let p = db::practices::get(c, practitioner_id)?.ok_or(AppError::NotFound)?;
    Ok((
        p,
        db::schedule::hours(c, practitioner_id)?,
        db::schedule::days_off(c, practitioner_id)?,
    ))
}

/// A signed-in patient books a slot. A referral to this practitioner that wants a visit is
/// tied to the booking and its timeline says so. Two patients can never get the same slot:
/// the database's unique index refuses the second, who gets a 409.
pub fn book(
    svc: &Services,
    caller: &Caller,
    practitioner_id: &str,
    starts_at: &str,
    referral_id: Option<&str>,
    reschedule: Option<&str>,
) -> AppResult<String> {
    let referral_id = referral_id.filter(|r| !r.is_empty());
    let pid = patient_acting(
        caller,
        referral_id,
        &format!("/practitioners/{practitioner_id}"),
    )?;
    let slot = Slot {
        practitioner_id,
        patient_id: &pid,
        starts_at,
        referral_id,
        by_practice: false,
    };
    book_slot(svc, caller, &slot, reschedule)
}

/// A visit to book: with whom, for whom, when (the practice's wall clock,
/// `%Y-%m-%dT%H:%M`), for which referral, and whether the practice books it for the patient
/// (the receiver or their assistant) rather than the patient themselves.
pub(crate) struct Slot<'a> {
    pub practitioner_id: &'a str,
    pub patient_id: &'a str,
    pub starts_at: &'a str,
    pub referral_id: Option<&'a str>,
    pub by_practice: bool,
}

/// Books (or with `reschedule`, moves) a visit once whoever asks was allowed to: the slot
/// is checked against the practice's hours, and the database's unique index gives a slot
/// to one booking only.
pub(crate) fn book_slot(
    svc: &Services,
    caller: &Caller,
    slot: &Slot<'_>,
    reschedule: Option<&str>,
) -> AppResult<String> {
    let Slot {
        practitioner_id,
        patient_id: pid,
        starts_at,
        referral_id,
        by_practice,
    } = *slot;
    let local = NaiveDateTime::parse_from_str(starts_at, "%Y-%m-%dT%H:%M")
        .map_err(|_| AppError::BadRequest("Choose a time from the calendar.".into()))?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let (p, hours, off) = practice_of(c, practitioner_id)?;
        // The calendar offers the practice's wall-clock times; the visit is kept in UTC.
        let t = match zone_of(&p) {
            tz if is_slot(&hours, &off, p.visit_minutes, local) => to_utc(local, tz),
            _ => None,
        };
        let Some(t) = t.filter(|t| *t > now && *t <= now + Duration::days(BOOKING_DAYS + 1)) else {
            return Err(AppError::Conflict(
                "This time is not an open slot any more. Choose another one from the calendar."
                    .into(),
            ));
        };
        // Rescheduling moves a booked visit: the old one is released in the same
        // transaction, so if the new slot is taken the old booking stands.
        let moved = match reschedule.filter(|r| !r.is_empty()) {
            Some(old_id) => {
                let old = db::schedule::get(c, old_id)?;
                // A link holder moves only the visits of their link's referral.
                caller.authorize(
                    &Action::ManageVisit {
                        for_referral: old.referral_id.as_deref(),
                    },
                    "/appointments",
                )?;
                if old.patient_id != pid || old.practitioner_id != practitioner_id {
                    return Err(AppError::NotFound);
                }
                refuse_if_begun(&old, now)?;
                if db::schedule::cancel(c, old_id, now)? == 0 {
                    return Err(AppError::Conflict(
                        "That appointment is no longer booked.".into(),
                    ));
                }
                Some(old)
            }
            None => None,
        };
        let referral_id = referral_id
            .map(str::to_string)
            .or_else(|| moved.as_ref().and_then(|m| m.referral_id.clone()));
        let referral = match referral_id.as_deref() {
            Some(rid) => {
                let r = db::referrals::get(c, rid)?;
                let wants_visit = matches!(r.status, Status::VisitRequired | Status::Accepted);
                if r.patient_id != pid || r.receiver_id != practitioner_id || !wants_visit {
                    return Err(AppError::NotFound);
                }
                // One booked visit per referral, whoever books it (a move cancelled the old
                // one above): the patient and the practice booking at once, the first stands.
                if db::schedule::for_referral(c, rid)?
                    .iter()
                    .any(|a| a.status == VisitStatus::Booked)
                {
                    return Err(AppError::Conflict(
                        "A visit for this referral is already booked: move it from the appointments instead.".into(),
                    ));
                }
                Some(r)
            }
            None => None,
        };
        let id = db::new_id();
        let appointment = Appointment {
            id: id.clone(),
            practitioner_id: practitioner_id.into(),
            patient_id: pid.to_string(),
            starts_at: t,
            ends_at: t + Duration::minutes(p.visit_minutes),
            status: VisitStatus::Booked,
            referral_id: referral.as_ref().map(|r| r.id.clone()),
            created_at: now,
            cancelled_at: None,
            // A moved visit stays the same entry in the patient's calendar.
            calendar_uid: moved.as_ref().map(Appointment::uid),
            calendar_seq: moved.as_ref().map_or(0, |m| m.calendar_seq + 1),
        };
        if !db::insert_once(c, |c| db::schedule::insert(c, &appointment))? {
            return Err(AppError::Conflict(
                "Someone booked this slot a moment ago. Choose another time from the calendar."
                    .into(),
            ));
        }
        let tz = zone_of(&p);
        let when = when_at(t, tz);
        let when = match &moved {
            Some(m) => format!("{when} (moved from {})", when_at(m.starts_at, tz)),
            None => when,
        };
        if let Some(m) = &moved {
            db::patient_links::drop_queued_reminders(c, &m.id)?;
        }
        super::visit_mail::booked(&svc.mail, c, &appointment, moved.is_some(), now)?;
        if let Some(r) = &referral {
            db::referrals::insert_event(
                c,
                &db::referrals::Event {
                    id: db::new_id(),
                    referral_id: r.id.clone(),
                    at: now,
                    actor_id: caller.actor.user_id().map(str::to_string),
                    kind: "visit_booked".into(),
                    from_status: None,
                    to_status: None,
                    note: format!("Visit booked for {when}"),
                    patient_visible: true,
                    acted_by: caller.actor.delegate().map(str::to_string),
                },
            )?;
        }
        let patient = db::patients::get(c, pid)?;
        // Whoever did not book it is told: the practice when the patient booked, the patient
        // (in the portal; the visit mail went above) when the practice did.
        let (told, notice) = if by_practice {
            let name = db::users::get(c, practitioner_id)?.display_name;
            (
                patient.user_id.clone(),
                format!("{name}'s practice booked your visit for {when}"),
            )
        } else {
            (
                Some(practitioner_id.to_string()),
                format!(
                    "{} {} booked a visit for {when}",
                    patient.given_name, patient.family_name
                ),
            )
        };
        if let Some(u) = told {
            super::mail::notify(
                &svc.mail,
                c,
                &u,
                referral.as_ref().map(|r| r.id.as_str()),
                &notice,
                now,
            )?;
        }
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "visit_booked",
                subject_type: "appointment",
                subject_id: &id,
                patient_id: Some(pid),
                detail: format!(
                    "{when}; referral {}",
                    referral.as_ref().map_or("none", |r| r.id.as_str())
                ),
            },
        )?;
        Ok(id)
    })
}

/// The patient a visit is booked, moved or cancelled for: a signed-in patient with a
/// record, or a patient's link holder (on the link's referral only; the policy decides).
fn patient_acting(caller: &Caller, for_referral: Option<&str>, path: &str) -> AppResult<String> {
    caller.authorize(&Action::ManageVisit { for_referral }, path)?;
    match &caller.actor {
        Actor::Patient {
            patient_id: Some(p),
            ..
        }
        | Actor::PatientLink { patient_id: p, .. } => Ok(p.clone()),
        _ => Err(AppError::Forbidden(
            "Only a patient with a record can book a visit.".into(),
        )),
    }
}

/// Books (or moves) the visit of a referral with its receiver: the patient's link names the
/// referral, not the practitioner.
pub fn book_for_referral(
    svc: &Services,
    caller: &Caller,
    referral_id: &str,
    starts_at: &str,
    reschedule: Option<&str>,
) -> AppResult<String> {
    let receiver = db::referrals::get(&mut *svc.conn()?, referral_id)?.receiver_id;
    book(
        svc,
        caller,
        &receiver,
        starts_at,
        Some(referral_id),
        reschedule,
    )
}

/// The same rule that shows the Cancel and Reschedule links: a visit that has begun is the
/// practice's to mark, not the patient's to cancel or move.
fn refuse_if_begun(a: &Appointment, now: NaiveDateTime) -> AppResult<()> {
    if a.status == VisitStatus::Booked && !a.visit().patient_may_cancel(now) {
        return Err(AppError::Conflict(
            "This visit has already begun, so it can no longer be cancelled or moved here. Please contact the practice.".into(),
        ));
    }
    Ok(())
}

/// The patient cancels one of their booked appointments; the slot is free again.
pub fn cancel(svc: &Services, caller: &Caller, id: &str) -> AppResult<()> {
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| -> AppResult<()> {
        let a = db::schedule::get(c, id)?;
        let pid = &patient_acting(caller, a.referral_id.as_deref(), "/appointments")?;
        if &a.patient_id != pid {
            return Err(AppError::NotFound);
        }
        refuse_if_begun(&a, now)?;
        if db::schedule::cancel(c, id, now)? == 0 {
            return Err(AppError::Conflict(
                "This appointment is no longer booked.".into(),
            ));
        }
        let tz = db::practices::get(c, &a.practitioner_id)?.map_or(Tz::UTC, |p| zone_of(&p));
        let when = when_at(a.starts_at, tz);
        super::visit_mail::cancelled(&svc.mail, c, &a, now)?;
        if let Some(rid) = &a.referral_id {
            db::referrals::insert_event(
                c,
                &db::referrals::Event {
                    id: db::new_id(),
                    referral_id: rid.clone(),
                    at: now,
                    actor_id: caller.actor.user_id().map(str::to_string),
                    kind: "visit_cancelled".into(),
                    from_status: None,
                    to_status: None,
                    note: format!("Visit of {when} cancelled by the patient"),
                    patient_visible: true,
                    acted_by: caller.actor.delegate().map(str::to_string),
                },
            )?;
        }
        super::mail::notify(
            &svc.mail,
            c,
            &a.practitioner_id,
            a.referral_id.as_deref(),
            &format!("A patient cancelled the visit of {when}"),
            now,
        )?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "visit_cancelled",
                subject_type: "appointment",
                subject_id: id,
                patient_id: Some(pid),
                detail: when,
            },
        )
    })
}

/// The practitioner records whether the patient came. A no-show tells the referring
/// practitioner and offers the patient a new booking.
pub fn mark_visit(
    svc: &Services,
    caller: &Caller,
    id: &str,
    attended: bool,
) -> AppResult<Option<String>> {
    caller.authorize(&Action::Refer, "/appointments")?;
    let me = caller.user_id()?.to_string();
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let a = db::schedule::get(c, id)?;
        if a.practitioner_id != me {
            return Err(AppError::NotFound);
        }
        // The rule that shows the Attended / Did not come buttons.
        if a.status == VisitStatus::Booked && !a.visit().receiver_may_mark(now) {
            return Err(AppError::Conflict("This visit has not started yet.".into()));
        }
        let status = if attended {
            VisitStatus::Attended
        } else {
            VisitStatus::NoShow
        };
        if db::schedule::mark(c, id, status)? == 0 {
            return Err(AppError::Conflict(
                "This visit was already marked or cancelled.".into(),
            ));
        }
        let tz = db::practices::get(c, &a.practitioner_id)?.map_or(Tz::UTC, |p| zone_of(&p));
        let when = when_at(a.starts_at, tz);
        let patient = db::patients::get(c, &a.patient_id)?;
        if let Some(rid) = &a.referral_id {
            let r = db::referrals::get(c, rid)?;
            let note = if attended {
                format!("Visit of {when} attended")
            } else {
                format!("Missed the visit of {when}")
            };
            db::referrals::insert_event(
                c,
                &db::referrals::Event {
                    id: db::new_id(),
                    referral_id: rid.clone(),
                    at: now,
                    actor_id: Some(me.clone()),
                    kind: if attended {
                        "visit_attended".into()
                    } else {
                        "visit_no_show".into()
                    },
                    from_status: None,
                    to_status: None,
                    note,
                    patient_visible: true,
                    acted_by: caller.actor.delegate().map(str::to_string),
                },
            )?;
            if !attended {
                super::mail::notify(
                    &svc.mail,
                    c,
                    &r.sender_id,
                    Some(rid),
                    &format!(
                        "{} {} did not come to the visit of {when}",
                        patient.given_name, patient.family_name
                    ),
                    now,
                )?;
            }
        }
        if !attended && let Some(u) = &patient.user_id {
            super::mail::notify(
                &svc.mail,
                c,
                u,
                a.referral_id.as_deref(),
                &format!("You missed your visit of {when}. Please book another time."),
                now,
            )?;
        }
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: if attended {
                    "visit_attended"
                } else {
                    "visit_no_show"
                },
                subject_type: "appointment",
                subject_id: id,
                patient_id: Some(&a.patient_id),
                detail: when,
            },
        )?;
        Ok(a.referral_id.clone())
    })
}

/// Today on the caller's practice's wall clock (UTC for a practitioner without a practice).
pub fn today(svc: &Services, caller: &Caller) -> AppResult<NaiveDate> {
    caller.authorize(&Action::Refer, "/calendar")?;
    let p = db::practices::get(&mut *svc.conn()?, caller.user_id()?)?;
    Ok(to_local(svc.now(), p.as_ref().map_or(Tz::UTC, zone_of)).date())
}

/// A practitioner's week: their live appointments from `monday` for seven days.
pub fn week(
    svc: &Services,
    caller: &Caller,
    monday: NaiveDate,
) -> AppResult<Vec<(Appointment, String, String)>> {
    caller.authorize(&Action::Refer, "/calendar")?;
    let me = caller.user_id()?;
    let mut conn = svc.conn()?;
    let practice = db::practices::get(&mut conn, me)?;
    let tz = practice.as_ref().map_or(Tz::UTC, zone_of);
    // The week runs Monday to Sunday on the practice's wall clock.
    let from = monday.and_hms_opt(0, 0, 0).unwrap_or_default();
    let utc = |t| to_utc(t, tz).unwrap_or(t);
    let rows =
        db::schedule::for_practitioner(&mut conn, me, utc(from), utc(from + Duration::days(7)))?;
    Ok(rows
        .into_iter()
        .map(|(mut a, given, family)| {
            a.starts_at = to_local(a.starts_at, tz);
            a.ends_at = to_local(a.ends_at, tz);
            (a, given, family)
        })
        .collect())
}
