//! The receiver's practice books a referral's visit for the patient (issue 15: the
//! receiver, or their assistant, as a front desk does), from the referral page. The patient
//! may still move or cancel it as if they had booked it.

use super::schedule::{CalendarDay, Slot, book_slot, calendar};
use super::{AuditEntry, Caller, Services, audit};
use crate::db::practices::Practice;
use crate::db::referrals::Referral;
use crate::db::{self, DbConn};
use crate::domain::referral::Party;
use crate::domain::referral::offers::practice_may_book;
use crate::domain::schedule::VisitStatus;
use crate::error::{AppError, AppResult};
use crate::services::referrals::access::load_for;

/// What the booking page shows: the patient, the practice and its free slots.
pub struct BookingPage {
    pub referral_id: String,
    pub patient_name: String,
    pub practice: Practice,
    pub calendar: Vec<CalendarDay>,
}

/// The referral, if the caller's practice may book its visit now (the rule the referral
/// page's button follows).
fn bookable(c: &mut DbConn, caller: &Caller, referral_id: &str) -> AppResult<(Referral, Practice)> {
    let (r, party, status) = load_for(c, caller, referral_id)?;
    if party != Party::Receiver {
        return Err(AppError::forbidden());
    }
    let outside = db::mail::is_external_doctor(c, &r.receiver_id)?;
    let practice = db::practices::get(c, &r.receiver_id)?;
    let booked = db::schedule::for_referral(c, &r.id)?
        .iter()
        .any(|a| a.status == VisitStatus::Booked);
    if !practice_may_book(status, party, outside, practice.is_some(), booked) {
        return Err(AppError::Conflict(
            "There is no visit to book now: the referral is not accepted or waiting for a visit, a visit is already booked, or there is no practice to book with.".into(),
        ));
    }
    let practice = practice.ok_or(AppError::NotFound)?;
    Ok((r, practice))
}

/// The free slots of the receiver's practice, to book the referral's visit (audited: it
/// names the patient).
pub fn page(svc: &Services, caller: &Caller, referral_id: &str) -> AppResult<BookingPage> {
    let now = svc.now();
    let mut conn = svc.conn()?;
    let (r, practice, patient_name) = db::write_tx(&mut conn, |c| -> AppResult<_> {
        let (r, practice) = bookable(c, caller, referral_id)?;
        let p = db::patients::get(c, &r.patient_id)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "booking_viewed",
                subject_type: "referral",
                subject_id: &r.id,
                patient_id: Some(&r.patient_id),
                detail: String::new(),
            },
        )?;
        Ok((r, practice, format!("{} {}", p.given_name, p.family_name)))
    })?;
    Ok(BookingPage {
        calendar: calendar(svc, &r.receiver_id)?,
        referral_id: r.id,
        patient_name,
        practice,
    })
}

/// Books the slot for the patient; they are told by e-mail (with the calendar entry) and in
/// the portal, and may move or cancel it.
pub fn book(
    svc: &Services,
    caller: &Caller,
    referral_id: &str,
    starts_at: &str,
) -> AppResult<String> {
    let (r, _) = bookable(&mut *svc.conn()?, caller, referral_id)?;
    let slot = Slot {
        practitioner_id: &r.receiver_id,
        patient_id: &r.patient_id,
        starts_at,
        referral_id: Some(&r.id),
        by_practice: true,
    };
    book_slot(svc, caller, &slot, None)
}
