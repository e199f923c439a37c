//! Patients' personal links (one referral each) and the mail about their visits.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::mail::Mail;
use super::schema::{appointments, outbox, patient_links, referrals};
use crate::domain::schedule::VisitStatus;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = patient_links)]
pub struct PatientLink {
    pub id: String,
    pub referral_id: String,
    pub patient_id: String,
    pub token_hash: String,
    pub nonce: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub uses: i64,
}

pub fn insert(conn: &mut DbConn, l: &PatientLink) -> QueryResult<usize> {
    diesel::insert_into(patient_links::table)
        .values(l)
        .execute(conn)
}

pub fn by_hash(conn: &mut DbConn, hash: &str) -> QueryResult<Option<PatientLink>> {
    patient_links::table
        .filter(patient_links::token_hash.eq(hash))
        .select(PatientLink::as_select())
        .first(conn)
        .optional()
}

pub fn get(conn: &mut DbConn, id: &str) -> QueryResult<PatientLink> {
    patient_links::table
        .find(id)
        .select(PatientLink::as_select())
        .first(conn)
}

/// A referral's patient links, newest first.
pub fn for_referral(conn: &mut DbConn, referral_id: &str) -> QueryResult<Vec<PatientLink>> {
    patient_links::table
        .filter(patient_links::referral_id.eq(referral_id))
        .order((patient_links::created_at.desc(), patient_links::id.desc()))
        .select(PatientLink::as_select())
        .load(conn)
}

/// Withdraws every live link of a referral; returns how many.
pub fn revoke_all(conn: &mut DbConn, referral_id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        patient_links::table
            .filter(patient_links::referral_id.eq(referral_id))
            .filter(patient_links::revoked_at.is_null()),
    )
    .set(patient_links::revoked_at.eq(at))
    .execute(conn)
}

/// Keeps a live link open until at least `until` (a booked visit's end).
pub fn extend_to(conn: &mut DbConn, id: &str, until: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        patient_links::table
            .filter(patient_links::id.eq(id))
            .filter(patient_links::revoked_at.is_null())
            .filter(patient_links::expires_at.lt(until)),
    )
    .set(patient_links::expires_at.eq(until))
    .execute(conn)
}

pub fn touch(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(patient_links::table.find(id))
        .set((
            patient_links::last_used_at.eq(at),
            patient_links::uses.eq(patient_links::uses + 1),
        ))
        .execute(conn)
}

/// Drops the reminders still waiting for an appointment (it was cancelled or moved). A
/// reminder a worker has already claimed is checked again by the worker before it sends.
pub fn drop_queued_reminders(conn: &mut DbConn, appointment_id: &str) -> QueryResult<usize> {
    diesel::delete(
        outbox::table
            .filter(outbox::appointment_id.eq(appointment_id))
            .filter(outbox::kind.eq("visit_reminder"))
            .filter(outbox::status.eq("queued")),
    )
    .execute(conn)
}

/// A reminder the worker claimed whose visit was cancelled or moved since it was queued is
/// removed instead of sent; returns whether it was.
pub fn drop_if_visit_gone(conn: &mut DbConn, m: &Mail) -> QueryResult<bool> {
    let (true, Some(id)) = (m.kind == "visit_reminder", &m.appointment_id) else {
        return Ok(false);
    };
    let (status, referral): (VisitStatus, Option<String>) = appointments::table
        .find(id)
        .select((appointments::status, appointments::referral_id))
        .first(conn)?;
    // A visit for a referral that was cancelled or declined since is not coming either.
    let referral_closed = match referral {
        Some(rid) => referrals::table
            .find(rid)
            .select(referrals::status)
            .first::<String>(conn)
            .map(|s| ["cancelled", "rejected", "declined_by_patient"].contains(&s.as_str()))?,
        None => false,
    };
    if status == VisitStatus::Booked && !referral_closed {
        return Ok(false);
    }
    diesel::delete(
        outbox::table
            .filter(outbox::id.eq(&m.id))
            .filter(outbox::status.eq("sending")),
    )
    .execute(conn)?;
    Ok(true)
}
