//! A page of a FHIR search read in one statement per table: the referrals, their patients,
//! people, clinics, live consents, the viewer's care relationships, visits, attachments and
//! due times. The service applies the referral page's rules to these rows.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::asks::Attachment;
use super::clinics::Clinic;
use super::patients::Patient;
use super::referrals::{Consent, Referral};
use super::schedule::Appointment;
use super::schema::{
    appointments, attachments, care_relationships, clinics, consents, patients, practitioners,
    referrals, users,
};
use super::users::{Practitioner, User};

/// Everything a page of Tasks is written from.
pub struct PageRows {
    pub referrals: Vec<Referral>,
    pub patients: Vec<Patient>,
    pub users: Vec<User>,
    pub practitioners: Vec<Practitioner>,
    pub clinics: Vec<Clinic>,
    /// Live consents, newest first.
    pub consents: Vec<Consent>,
    /// Patients whose care team the viewer is in.
    pub cared_for: Vec<String>,
    pub visits: Vec<Appointment>,
    pub attachments: Vec<Attachment>,
    pub due: Vec<(String, Option<NaiveDateTime>)>,
}

/// Reads the rows of the referrals `ids` for `viewer`.
pub fn load(conn: &mut DbConn, viewer: &str, ids: &[String]) -> QueryResult<PageRows> {
    let referrals: Vec<Referral> = referrals::table
        .filter(referrals::id.eq_any(ids))
        .select(Referral::as_select())
        .load(conn)?;
    let patient_ids: Vec<&str> = referrals.iter().map(|r| r.patient_id.as_str()).collect();
    let mut people: Vec<&str> = referrals
        .iter()
        .flat_map(|r| [r.sender_id.as_str(), r.receiver_id.as_str()])
        .collect();
    people.sort_unstable();
    people.dedup();
    let patients = patients::table
        .filter(patients::id.eq_any(&patient_ids))
        .select(Patient::as_select())
        .load(conn)?;
    let users = users::table
        .filter(users::id.eq_any(&people))
        .select(User::as_select())
        .load(conn)?;
    let practitioners: Vec<Practitioner> = practitioners::table
        .filter(practitioners::user_id.eq_any(&people))
        .select(Practitioner::as_select())
        .load(conn)?;
    let mut clinic_ids: Vec<&str> = practitioners
        .iter()
        .map(|p| p.clinic_id.as_str())
        .chain(referrals.iter().map(|r| r.sender_clinic_id.as_str()))
        .collect();
    clinic_ids.sort_unstable();
    clinic_ids.dedup();
    let clinics = clinics::table
        .filter(clinics::id.eq_any(&clinic_ids))
        .select(Clinic::as_select())
        .load(conn)?;
    let consents = consents::table
        .filter(consents::referral_id.eq_any(ids))
        .filter(consents::withdrawn_at.is_null())
        .order(consents::recorded_at.desc())
        .select(Consent::as_select())
        .load(conn)?;
    let cared_for = care_relationships::table
        .filter(care_relationships::practitioner_id.eq(viewer))
        .filter(care_relationships::patient_id.eq_any(&patient_ids))
        .select(care_relationships::patient_id)
        .load(conn)?;
    let visits = appointments::table
        .filter(appointments::referral_id.eq_any(ids))
        .order(appointments::starts_at.asc())
        .select(Appointment::as_select())
        .load(conn)?;
    let attachments = attachments::table
        .filter(attachments::referral_id.eq_any(ids))
        .order((attachments::uploaded_at.asc(), attachments::id.asc()))
        .select(Attachment::as_select())
        .load(conn)?;
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let due = super::due::due_times(conn, &id_refs)?;
    Ok(PageRows {
        referrals,
        patients,
        users,
        practitioners,
        clinics,
        consents,
        cared_for,
        visits,
        attachments,
        due,
    })
}
