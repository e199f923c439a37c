//! A page of FHIR search results read in one go: one statement per table for the whole
//! page (`db::fhir_page`), then, per referral, the rules the referral page applies
//! (`referrals::view`): what the party reads of the snapshot, the message and the files
//! within the patient's live consent. `tests/api/fhir.rs` holds every searched Task equal
//! to its read, which goes through the page's own loader.

use std::collections::HashMap;

use super::referrals::access::within_consent;
use super::{AuditEntry, Caller, Services};
use crate::db::{self, fhir_page::PageRows};
use crate::domain::fhir::{FileInfo, PatientInfo, Person, Record, Visits};
use crate::domain::referral::offers;
use crate::domain::referral::{Party, Priority, Status};
use crate::domain::schedule::VisitStatus;
use crate::domain::snapshot::Snapshot;
use crate::error::AppResult;

/// The records of the referrals `ids` (in that order) as `caller` may see them; each is
/// audited as a view of the referral, like the page. Referrals the caller is not a party
/// to are left out.
pub fn records(svc: &Services, caller: &Caller, ids: &[String]) -> AppResult<Vec<Record>> {
    let viewer = caller.user_id()?.to_string();
    let rows = {
        let mut conn = svc.conn()?;
        db::read_tx(&mut conn, |c| db::fhir_page::load(c, &viewer, ids))?
    };
    let public = svc
        .mail
        .settings
        .public_url
        .trim_end_matches('/')
        .to_string();
    let PageRows {
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
    } = rows;
    let patients: HashMap<_, _> = patients.into_iter().map(|p| (p.id.clone(), p)).collect();
    let users: HashMap<_, _> = users.into_iter().map(|u| (u.id.clone(), u)).collect();
    let practitioners: HashMap<_, _> = practitioners
        .into_iter()
        .map(|p| (p.user_id.clone(), p))
        .collect();
    let clinics: HashMap<_, _> = clinics
        .into_iter()
        .map(|c| (c.id.clone(), c.name))
        .collect();
    let due: HashMap<_, _> = due.into_iter().collect();
    let mut by_id: HashMap<_, _> = referrals.into_iter().map(|r| (r.id.clone(), r)).collect();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(r) = by_id.remove(id) else {
            continue;
        };
        let party = if r.sender_id == viewer {
            Party::Sender
        } else if r.receiver_id == viewer && r.status.reached_receiver() {
            Party::Receiver
        } else {
            continue;
        };
        let (Some(patient), Some(sender), Some(receiver)) = (
            patients.get(&r.patient_id),
            users.get(&r.sender_id),
            users.get(&r.receiver_id),
        ) else {
            continue;
        };
        let live: Vec<db::referrals::Consent> = consents
            .iter()
            .filter(|k| k.referral_id == r.id)
            .cloned()
            .collect();
        let shared = within_consent(&r, &live);
        let consent_live = shared.is_some();
        let sender_in_care_team = party == Party::Sender && cared_for.contains(&r.patient_id);
        let shared_open = offers::reads_shared(party, r.status, consent_live, sender_in_care_team);
        let snapshot = match party {
            Party::Sender if shared_open => Some(Snapshot::from_json(&r.snapshot)),
            Party::Receiver if consent_live && shared_open => shared,
            _ => None,
        };
        svc.record_view(
            caller,
            AuditEntry {
                action: if snapshot.is_some() {
                    "snapshot_viewed"
                } else {
                    "referral_viewed"
                },
                subject_type: "referral",
                subject_id: &r.id,
                patient_id: Some(&r.patient_id),
                detail: format!("as {party:?}").to_lowercase(),
            },
        )?;
        let rx = practitioners.get(&r.receiver_id);
        let rx_clinic = rx.map(|p| p.clinic_id.clone()).unwrap_or_default();
        // An outcome written on an accepted referral is the receiver's draft.
        let (summary, advice) = if r.status == Status::Accepted {
            (None, None)
        } else {
            (r.outcome_summary.clone(), r.outcome_advice.clone())
        };
        out.push(Record {
            version: r.version,
            status: r.status,
            kind: r.kind,
            priority: Priority::parse(&r.priority).unwrap_or(Priority::Routine),
            reason: r.reason.clone(),
            message: if shared_open {
                r.message.clone()
            } else {
                String::new()
            },
            see_by: r.see_by.clone().filter(|d| !d.is_empty()),
            doctor_only: r.doctor_only,
            created_at: r.created_at,
            updated_at: r.updated_at,
            submitted_at: r.submitted_at,
            reject_code: r.reject_code.clone(),
            reject_note: r.reject_note.clone(),
            cancel_reason: r.cancel_reason.clone(),
            decline_reason: r.decline_reason.clone(),
            outcome_summary: summary,
            outcome_advice: advice,
            due_at: due.get(&r.id).copied().flatten(),
            patient: patient_info(patient),
            sender: Person {
                id: sender.id.clone(),
                name: sender.display_name.clone(),
                email: sender.email.clone(),
                specialty: practitioners
                    .get(&r.sender_id)
                    .map(|p| p.specialty.clone())
                    .unwrap_or_default(),
                clinic_id: sender.clinic_id.clone(),
                clinic_name: clinics
                    .get(&r.sender_clinic_id)
                    .cloned()
                    .unwrap_or_default(),
            },
            receiver: Person {
                id: receiver.id.clone(),
                name: receiver.display_name.clone(),
                email: receiver.email.clone(),
                specialty: rx.map(|p| p.specialty.clone()).unwrap_or_default(),
                clinic_name: clinics.get(&rx_clinic).cloned().unwrap_or_default(),
                clinic_id: rx_clinic,
            },
            snapshot,
            consents: Vec::new(),
            asks: Vec::new(),
            files: attachments
                .iter()
                .filter(|a| a.referral_id == r.id)
                .filter(|a| offers::may_open_file(party, a.purpose, r.doctor_only, shared_open))
                .map(|a| file_info(&public, &r.id, a))
                .collect(),
            events: Vec::new(),
            visits: visits_of(
                visits
                    .iter()
                    .filter(|a| a.referral_id.as_deref() == Some(r.id.as_str())),
            ),
            id: r.id,
        });
    }
    Ok(out)
}

/// The patient as a Record carries them.
pub(super) fn patient_info(p: &db::patients::Patient) -> PatientInfo {
    PatientInfo {
        id: p.id.clone(),
        mrn: p.mrn.clone(),
        given_name: p.given_name.clone(),
        family_name: p.family_name.clone(),
        birth_date: p.date_of_birth.clone(),
        sex: p.sex.clone(),
        phone: p.phone.clone(),
        email: p.email.clone(),
        clinic_id: p.clinic_id.clone(),
    }
}

/// What the referral's visits say for the business status.
pub(super) fn visits_of<'a>(visits: impl Iterator<Item = &'a db::schedule::Appointment>) -> Visits {
    let live: Vec<&db::schedule::Appointment> = visits
        .filter(|a| a.status != VisitStatus::Cancelled)
        .collect();
    Visits {
        booked: live.iter().any(|a| a.status == VisitStatus::Booked),
        no_show: live
            .iter()
            .max_by_key(|a| a.starts_at)
            .is_some_and(|a| a.status == VisitStatus::NoShow),
    }
}

/// An attachment the caller may open, linked to the app's download.
pub(super) fn file_info(public: &str, referral_id: &str, a: &db::asks::Attachment) -> FileInfo {
    FileInfo {
        url: format!("{public}/referrals/{referral_id}/attachments/{}", a.id),
        id: a.id.clone(),
        title: a.original_name.clone(),
        content_type: a.content_type.clone(),
        size_bytes: a.size_bytes,
        uploaded_by: a.uploaded_by.clone(),
        uploaded_at: a.uploaded_at,
        content: None,
    }
}
