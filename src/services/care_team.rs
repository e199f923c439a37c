//! A patient's care team: the practitioners of the clinic who open and edit the chart.
//! Joining it opens the chart; leaving it (or being taken off it) closes the chart and the
//! clinical details of the referrals one sent about the patient.

use super::patients::facts;
use super::{AuditEntry, Caller, Services, audit};
use crate::db::{self, patients::Removal};
use crate::domain::membership::care_team_may_remove;
use crate::domain::policy::Action;
use crate::error::{AppError, AppResult};

/// Takes a practitioner (a colleague, or the caller themselves) off the patient's care
/// team: they no longer open the chart, nor the clinical details of the referrals they sent
/// about the patient (`offers::reads_shared`). The last member stays. Returns whether the
/// caller removed themselves.
pub fn remove_from_care_team(
    svc: &Services,
    caller: &Caller,
    patient_id: &str,
    member_id: &str,
) -> AppResult<bool> {
    let mut conn = svc.conn()?;
    let (_, f) = facts(&mut conn, caller, patient_id)?;
    caller.authorize(&Action::ShareChart(&f), &format!("/patients/{patient_id}"))?;
    let now = svc.now();
    let me = caller.user_id()?.to_string();
    db::write_tx(&mut conn, |c| {
        let name = db::users::get(c, member_id)
            .map(|u| u.display_name)
            .map_err(|_| AppError::NotFound)?;
        match db::patients::remove_care(c, patient_id, (&me, member_id), care_team_may_remove)? {
            Removal::Removed => {}
            Removal::CallerNotInTeam => return Err(AppError::forbidden()),
            Removal::NotInTeam => return Err(AppError::NotFound),
            Removal::Refused => {
                return Err(AppError::Conflict(
                    "This is the patient's only active practitioner: add a colleague to the care team first."
                        .into(),
                ));
            }
        }
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "care_team_removed",
                subject_type: "user",
                subject_id: member_id,
                patient_id: Some(patient_id),
                detail: name,
            },
        )?;
        Ok(member_id == me)
    })
}

/// Adds a colleague of the same clinic to the patient's care team.
pub fn share_with(
    svc: &Services,
    caller: &Caller,
    patient_id: &str,
    colleague_id: &str,
) -> AppResult<()> {
    let mut conn = svc.conn()?;
    let (patient, f) = facts(&mut conn, caller, patient_id)?;
    caller.authorize(&Action::ShareChart(&f), &format!("/patients/{patient_id}"))?;
    let colleague = db::users::get_practitioner(&mut conn, colleague_id)
        .map_err(|_| AppError::BadRequest("Choose a practitioner of this clinic.".into()))?;
    if colleague.1.clinic_id != patient.clinic_id || !colleague.0.active {
        return Err(AppError::BadRequest(
            "Choose a practitioner of this clinic.".into(),
        ));
    }
    let now = svc.now();
    db::write_tx(&mut conn, |c| {
        db::patients::add_care(c, patient_id, colleague_id, now)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "care_team_added",
                subject_type: "user",
                subject_id: colleague_id,
                patient_id: Some(patient_id),
                detail: colleague.0.display_name.clone(),
            },
        )
    })
}
