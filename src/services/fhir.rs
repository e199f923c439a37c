//! The FHIR R4 face of referrals: the export a party downloads, and the read and search of
//! the API (`/fhir/r4/`). Every referral goes through the referral page's own loader
//! (`referrals::view`), so a resource holds exactly what that party's page shows (consent,
//! doctor-only, withdrawn access) and every read is audited like a page view.

use serde_json::Value;

use super::api_clients::{ApiCaller, Side};
use super::fhir_search::{file_info, patient_info, visits_of};
use super::referrals::{ReferralView, view};
use super::{Caller, Services};
use crate::db;
use crate::domain::cursor::{self, Page};
use crate::domain::fhir::resources::{self, Ctx};
use crate::domain::fhir::scope::Permission;
use crate::domain::fhir::search::{self, Searched};
use crate::domain::fhir::{AskInfo, ConsentInfo, EventInfo, Person, Record, is_id};
use crate::domain::policy::Action;
use crate::error::{AppError, AppResult};

/// The API's address: `{public URL}/fhir/r4`.
pub fn base_url(svc: &Services) -> String {
    format!(
        "{}/fhir/r4",
        svc.mail.settings.public_url.trim_end_matches('/')
    )
}

/// The referral as FHIR resources are written from it, for the caller (audited).
pub fn record(svc: &Services, caller: &Caller, id: &str) -> AppResult<Record> {
    record_with(svc, caller, id, false)
}

/// [`record`], with the content of every file the caller may open when `files` (each
/// audited as a download).
pub fn record_with(svc: &Services, caller: &Caller, id: &str, files: bool) -> AppResult<Record> {
    let v = view(svc, caller, id)?;
    // Waiting in a service's queue, a referral is read on its page only: its files and the
    // rest leave once a member has taken it (as the page's downloads do).
    if v.in_queue {
        return Err(AppError::NotFound);
    }
    let mut conn = svc.conn()?;
    let consents = db::fhir::consents_of_referral(&mut conn, id)?;
    // The page does not show the sender's specialty; their PractitionerRole does.
    let specialty = db::users::get_practitioner(&mut conn, &v.sender.id)
        .map(|(_, p)| p.specialty)
        .unwrap_or_default();
    let contents = if files {
        use base64::Engine;
        let mut out = std::collections::HashMap::new();
        for a in &v.attachments {
            svc.record_view(
                caller,
                super::AuditEntry {
                    action: "file_downloaded",
                    subject_type: "attachment",
                    subject_id: &a.id,
                    patient_id: Some(&v.patient.id),
                    detail: format!("{} (FHIR)", a.original_name),
                },
            )?;
            let bytes = svc.store.read_all(&a.stored_name)?;
            out.insert(
                a.id.clone(),
                base64::engine::general_purpose::STANDARD.encode(bytes),
            );
        }
        out
    } else {
        std::collections::HashMap::new()
    };
    let mut r = record_of(svc, v, consents, specialty);
    for f in &mut r.files {
        f.content = contents.get(&f.id).cloned();
    }
    Ok(r)
}

fn record_of(
    svc: &Services,
    v: ReferralView,
    consents: Vec<db::referrals::Consent>,
    sender_specialty: String,
) -> Record {
    let public = svc.mail.settings.public_url.trim_end_matches('/');
    let r = v.referral;
    let visits = visits_of(v.visits.iter());
    Record {
        version: r.version,
        status: v.status,
        kind: r.kind,
        priority: crate::domain::referral::Priority::parse(&r.priority)
            .unwrap_or(crate::domain::referral::Priority::Routine),
        reason: r.reason,
        message: r.message,
        see_by: r.see_by.filter(|d| !d.is_empty()),
        doctor_only: r.doctor_only,
        created_at: r.created_at,
        updated_at: r.updated_at,
        submitted_at: r.submitted_at,
        reject_code: r.reject_code,
        reject_note: r.reject_note,
        cancel_reason: r.cancel_reason,
        decline_reason: r.decline_reason,
        outcome_summary: r.outcome_summary,
        outcome_advice: r.outcome_advice,
        due_at: v.due_at,
        patient: patient_info(&v.patient),
        sender: Person {
            id: v.sender.id,
            name: v.sender.display_name,
            email: v.sender.email,
            specialty: sender_specialty,
            clinic_id: v.sender.clinic_id,
            clinic_name: v.sender_clinic,
        },
        receiver: Person {
            id: v.receiver.id,
            name: v.receiver.display_name,
            email: v.receiver.email,
            specialty: v.receiver_practitioner.specialty,
            clinic_id: v.receiver_practitioner.clinic_id,
            clinic_name: v.receiver_clinic,
        },
        snapshot: v.snapshot,
        consents: consents
            .into_iter()
            .map(|k| ConsentInfo {
                id: k.id,
                method: k.method,
                scope: k.scope,
                recipient_id: k.recipient_id,
                recorded_by: k.recorded_by,
                recorded_at: k.recorded_at,
                withdrawn_at: k.withdrawn_at,
            })
            .collect(),
        asks: v
            .asks
            .into_iter()
            .map(|a| AskInfo {
                id: a.id,
                text: a.text,
                created_at: a.created_at,
                answer: a.answer,
                answered_at: a.answered_at,
            })
            .collect(),
        files: v
            .attachments
            .iter()
            .map(|a| file_info(public, &r.id, a))
            .collect(),
        events: v
            .timeline
            .into_iter()
            .map(|e| EventInfo {
                id: e.id,
                at: e.at,
                actor_id: e.actor_id,
                who: e.who,
                kind: e.kind,
                note: e.note,
                to_status: e.to_status,
            })
            .collect(),
        visits,
        id: r.id,
    }
}

/// The export of one referral: every resource the caller may see, in one Bundle.
pub fn export(svc: &Services, caller: &Caller, id: &str) -> AppResult<Value> {
    let r = record_with(svc, caller, id, true)?;
    let base = base_url(svc);
    Ok(crate::domain::fhir::bundles::collection(
        Ctx { base: &base },
        &r,
        &db::new_id(),
        svc.now(),
    ))
}

/// The resource types the API reads.
pub const READABLE: [&str; 11] = [
    "Task",
    "ServiceRequest",
    "Patient",
    "Practitioner",
    "PractitionerRole",
    "Organization",
    "Consent",
    "Communication",
    "DocumentReference",
    "Binary",
    "Provenance",
];

/// `GET /fhir/r4/{type}/{id}`.
pub fn read(svc: &Services, api: &ApiCaller, resource: &str, id: &str) -> AppResult<Value> {
    if resource == "Subscription" {
        return super::fhir_hooks::read(svc, api, id);
    }
    if !READABLE.contains(&resource) {
        return Err(AppError::BadRequest(format!(
            "This server does not serve {resource} resources; see /fhir/r4/metadata."
        )));
    }
    let caller = &api.caller;
    caller.authorize(
        &Action::UseApi {
            scopes: &api.scopes,
            resource,
            permission: Permission::Read,
        },
        "",
    )?;
    if !is_id(id) {
        return Err(AppError::NotFound);
    }
    let base = base_url(svc);
    let ctx = Ctx { base: &base };
    // The referral the resource is read through, and whom the call acts as on it (for a
    // clinic's client, the clinic's party to it).
    let (referral, api) = match resource {
        "Task" | "ServiceRequest" => (
            Some(id.to_string()),
            api.for_referral(svc, id, Side::Either)?,
        ),
        "Patient" => api.for_patient(svc, id)?,
        "Practitioner" | "PractitionerRole" | "Organization" => (None, api.clone()),
        other => match db::fhir::referral_of(&mut *svc.conn()?, other, id)? {
            Some(r) => {
                let api = api.for_referral(svc, &r, Side::Either)?;
                (Some(r), api)
            }
            None => (None, api.clone()),
        },
    };
    let caller = &api.caller;
    // The directory's public entries: a clinic's client reads them as the clinic's system.
    let directory = |caller: &Caller| match api.clinic {
        Some(_) => Ok(()),
        None => caller.authorize(&Action::Refer, ""),
    };
    match (resource, referral) {
        ("Practitioner" | "PractitionerRole", _) => {
            directory(caller)?;
            let mut conn = svc.conn()?;
            let (u, p) = db::users::get_practitioner(&mut conn, id)?;
            let clinic = db::clinics::get(&mut conn, &p.clinic_id)?;
            let person = Person {
                id: u.id,
                name: u.display_name,
                email: u.email,
                specialty: p.specialty,
                clinic_id: clinic.id,
                clinic_name: clinic.name,
            };
            Ok(if resource == "Practitioner" {
                resources::practitioner(&person)
            } else {
                resources::practitioner_role(&person)
            })
        }
        ("Organization", _) => {
            directory(caller)?;
            let mut conn = svc.conn()?;
            let clinic = db::clinics::get(&mut conn, id)?;
            Ok(resources::organization(&clinic.id, &clinic.name))
        }
        (_, Some(referral)) => {
            let files = matches!(resource, "DocumentReference" | "Binary");
            let r = record_with(svc, caller, &referral, files)?;
            resources::all(ctx, &r)
                .into_iter()
                .find(|v| v["resourceType"] == resource && v["id"] == id)
                .ok_or(AppError::NotFound)
        }
        (_, None) => Err(AppError::NotFound),
    }
}

/// One page of a search, and the query string of the next page, if there is one.
pub struct Found {
    pub resources: Vec<Value>,
    pub next: Option<String>,
}

/// `GET /fhir/r4/{Task|ServiceRequest}?...`: the referrals the client's practitioner is a
/// party to, most recently changed first.
pub fn search(
    svc: &Services,
    api: &ApiCaller,
    resource: &str,
    params: &[(String, String)],
) -> AppResult<Found> {
    let kind = match resource {
        "Task" => Searched::Task,
        "ServiceRequest" => Searched::ServiceRequest,
        other if READABLE.contains(&other) => {
            return Err(AppError::BadRequest(format!(
                "{other} resources are read by id here; search runs on Task and ServiceRequest."
            )));
        }
        other => {
            return Err(AppError::BadRequest(format!(
                "This server does not serve {other} resources; see /fhir/r4/metadata."
            )));
        }
    };
    let caller = &api.caller;
    caller.authorize(
        &Action::UseApi {
            scopes: &api.scopes,
            resource,
            permission: Permission::Search,
        },
        "",
    )?;
    let q = search::parse(kind, params).map_err(AppError::BadRequest)?;
    let api = api.searching(svc, &q)?;
    let caller = &api.caller;
    let viewer = caller.user_id()?.to_string();
    let rows = {
        let mut conn = svc.conn()?;
        db::fhir::search(&mut conn, &viewer, &q)?
    };
    let page = Page::of(rows, q.count, |(id, at)| cursor::encode(*at, id));
    let base = base_url(svc);
    let ctx = Ctx { base: &base };
    let ids: Vec<String> = page.rows.iter().map(|(id, _)| id.clone()).collect();
    let found = super::fhir_search::records(svc, caller, &ids)?
        .iter()
        .map(|r| match kind {
            Searched::Task => resources::task(ctx, r),
            Searched::ServiceRequest => resources::service_request(ctx, r),
        })
        .collect();
    Ok(Found {
        resources: found,
        next: page.next.map(|c| search::next_query(params, &c)),
    })
}

/// `GET /fhir/r4/Task/{id}/_history`: the Task after each move, newest first.
pub fn history(svc: &Services, api: &ApiCaller, id: &str) -> AppResult<Value> {
    api.caller.authorize(
        &Action::UseApi {
            scopes: &api.scopes,
            resource: "Task",
            permission: Permission::Read,
        },
        "",
    )?;
    if !is_id(id) {
        return Err(AppError::NotFound);
    }
    let api = api.for_referral(svc, id, Side::Either)?;
    let r = record(svc, &api.caller, id)?;
    let base = base_url(svc);
    Ok(crate::domain::fhir::bundles::task_history(
        Ctx { base: &base },
        &r,
        &db::new_id(),
    ))
}
