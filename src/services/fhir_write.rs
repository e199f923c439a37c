//! What a record system changes through the FHIR API: a referral made by a `transaction`
//! Bundle, and a Task moved by a conditional update. Both go through the services the
//! browser's forms use (the composer's `save_draft`, the lifecycle's `apply`), so the same
//! rules hold: no consent, no send; the patient's approval where the clinic asks for it;
//! every move a compare-and-set.

use serde_json::{Value, json};

use super::api_clients::{ApiCaller, Side};
use super::fhir::{base_url, record};
use super::referrals::compose::{DraftInput, save_draft};
use super::referrals::{apply, duplicates};
use super::{Caller, Services};
use crate::db;
use crate::domain::fhir::inbound::{self, Entry, PatientRef, Refused};
use crate::domain::fhir::resources::{self, Ctx};
use crate::domain::fhir::scope::Permission;
use crate::domain::fhir::{instant, task_status};
use crate::domain::forms::FieldErrors;
use crate::domain::policy::{Action, Actor};
use crate::domain::referral::Command;
use crate::domain::referral::form::CommandForm;
use crate::domain::snapshot::{ComposerInput, validate_composer};
use crate::error::{AppError, AppResult};

fn refused(r: Refused) -> AppError {
    match r {
        Refused::Malformed(m) => AppError::BadRequest(m),
        Refused::Unprocessable(m) => unprocessable("transaction", m),
    }
}

fn unprocessable(field: &'static str, m: impl Into<String>) -> AppError {
    let mut e = FieldErrors::new();
    e.add(field, m);
    AppError::Invalid(e)
}

fn may(api: &ApiCaller, resource: &str, permission: Permission) -> AppResult<()> {
    api.caller.authorize(
        &Action::UseApi {
            scopes: &api.scopes,
            resource,
            permission,
        },
        "",
    )
}

/// `POST /fhir/r4` with a `transaction` Bundle: makes the referral (and registers the
/// patient if no patient of the clinic has the identifier) and answers with a
/// `transaction-response`. Everything is checked before the first write.
pub fn transaction(svc: &Services, api: &ApiCaller, bundle: &Value) -> AppResult<Value> {
    for resource in ["ServiceRequest", "Task"] {
        may(api, resource, Permission::Create)?;
    }
    let t = inbound::read_transaction(bundle).map_err(refused)?;
    if t.consent.is_some() {
        may(api, "Consent", Permission::Create)?;
    }
    // A clinic's client sends as the clinic's practitioner the Task names as requester.
    let api = match (&api.clinic, &t.requester) {
        (None, _) => api.clone(),
        (Some(_), Some(requester)) => api.as_practitioner(svc, requester)?,
        (Some(_), None) => {
            return Err(unprocessable(
                "requester",
                "A client of the whole clinic names the sending practitioner: Task.requester = Practitioner/<id> of the clinic.",
            ));
        }
    };
    let api = &api;
    let caller = &api.caller;
    let Actor::Practitioner { user_id, clinic_id } = &caller.actor else {
        return Err(AppError::forbidden());
    };
    if t.requester.as_ref().is_some_and(|r| r != user_id) {
        return Err(unprocessable(
            "requester",
            "The requester must be the practitioner this client acts for.",
        ));
    }
    let now = svc.now();
    let input = ComposerInput {
        receiver_id: t.receiver_id.clone(),
        priority: t.priority.clone(),
        see_by: t.see_by.clone(),
        reason: t.reason.clone(),
        message: t.message.clone(),
        consent_verbal: t.consent.as_ref().map(|_| "on".into()),
        action: if t.send { "send" } else { "draft" }.into(),
        ..ComposerInput::default()
    };
    // The files: decoded and their types sniffed before anything is written.
    let mut uploads = Vec::new();
    for f in &t.files {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(f.data.trim())
            .map_err(|_| {
                unprocessable(
                    "file",
                    format!("{}: content.attachment.data is not base64.", f.title),
                )
            })?;
        if crate::domain::files::sniff(&bytes[..bytes.len().min(512)]).is_none() {
            return Err(unprocessable(
                "file",
                format!(
                    "{}: this file type is not accepted. Send {}.",
                    f.title,
                    crate::domain::files::ALLOWED_TYPES_TEXT
                ),
            ));
        }
        if bytes.len() as u64 > svc.max_upload_bytes {
            return Err(AppError::TooLarge(format!("{} is too large.", f.title)));
        }
        uploads.push(super::patients::Upload {
            kind: f.kind.clone(),
            title: f.title.chars().take(200).collect(),
            original_name: f.title.chars().take(200).collect(),
            bytes,
        });
    }
    // Files travel in the snapshot's "labs" section, which the consent must cover.
    let mut sections = t.sections.clone();
    if !uploads.is_empty() && !sections.iter().any(|(k, _)| k == "labs") {
        let titles: Vec<&str> = t.files.iter().map(|f| f.title.as_str()).collect();
        sections.push(("labs".into(), titles.join("\n")));
    }
    // The composer's own checks, before anything is written.
    validate_composer(&input, sections.clone(), Vec::new(), now.date())
        .map_err(AppError::Invalid)?;
    let mut conn = svc.conn()?;
    let (patient_id, new_patient) = match &t.patient {
        PatientRef::Existing(id) => (Some(id.clone()), None),
        PatientRef::ByIdentifier { mrn, input } => {
            match db::patients::id_by_mrn(&mut conn, clinic_id, mrn)? {
                Some(id) => (Some(id), None),
                None => {
                    may(api, "Patient", Permission::Create)?;
                    crate::domain::people::validate_patient(input, now.date())
                        .map_err(AppError::Invalid)?;
                    (None, Some(input.clone()))
                }
            }
        }
    };
    let receiver = db::users::find_practitioner(&mut conn, &t.receiver_id)?;
    match &receiver {
        None => {
            return Err(unprocessable(
                "receiver_id",
                "ServiceRequest.performer names no practitioner of the directory.",
            ));
        }
        Some((u, _)) if !u.active => {
            return Err(unprocessable(
                "receiver_id",
                "This practitioner's account is not active.",
            ));
        }
        Some((u, _)) if u.id == *user_id => {
            return Err(unprocessable(
                "receiver_id",
                "You cannot refer a patient to yourself.",
            ));
        }
        _ => {}
    }
    if let Some(k) = &t.consent {
        if k.recipient_id.as_ref().is_some_and(|r| *r != t.receiver_id) {
            return Err(unprocessable(
                "consent",
                "The Consent's provision.actor must be the referral's receiver.",
            ));
        }
        let uncovered: Vec<&str> = sections
            .iter()
            .map(|(key, _)| key.as_str())
            .filter(|key| !k.scope.is_empty() && !k.scope.iter().any(|s| s == key))
            .collect();
        if !uncovered.is_empty() {
            return Err(unprocessable(
                "consent",
                format!(
                    "The Consent does not cover every shared section: {}.",
                    uncovered.join(", ")
                ),
            ));
        }
    }
    let patient_clinic = match &patient_id {
        // The chart is the caller's to refer from, as in the composer, before anything
        // about the patient (their clinic's rule, their open referrals) is said.
        Some(id) => {
            let (p, facts) = super::patients::facts(&mut conn, caller, id)?;
            caller.authorize(&Action::EditChart(&facts), "")?;
            p.clinic_id
        }
        None => clinic_id.clone(),
    };
    let approval = db::clinics::get(&mut conn, &patient_clinic)?.requires_patient_approval;
    if t.send && t.consent.is_none() && !approval {
        return Err(unprocessable(
            "consent",
            "No consent, no send: add an active Consent entry recording that the patient agreed to share with the receiver.",
        ));
    }
    if let (Some(pid), true) = (&patient_id, t.send) {
        let open = duplicates::for_composer(&mut conn, pid, Some(&t.receiver_id), now, None)?
            .into_iter()
            .find(|h| h.duplicate && h.open);
        if let (Some(h), true) = (open, t.duplicate_reason.trim().is_empty()) {
            return Err(AppError::Conflict(format!(
                "Task/{} is an open referral of this patient to this receiver; to send another, give the reason in a Task.input of type duplicate-reason.",
                h.id
            )));
        }
    }
    drop(conn);
    // The writes: the patient (if new), the draft, the send.
    let registered = new_patient.is_some();
    let patient_id = match (patient_id, new_patient) {
        (Some(id), _) => id,
        (None, Some(p)) => super::patients::register(
            svc,
            caller,
            &super::patients::RegistrationInput {
                patient: p,
                ..Default::default()
            },
        )?,
        (None, None) => return Err(AppError::NotFound),
    };
    let mut file_ids = Vec::with_capacity(uploads.len());
    for up in uploads {
        file_ids.push(super::patients::upload_file(svc, caller, &patient_id, up)?);
    }
    let (id, version) = save_draft(
        svc,
        caller,
        &DraftInput {
            patient_id: patient_id.clone(),
            existing: None,
            input,
            sections,
            file_ids,
            external: None,
        },
    )?;
    if t.send {
        let form = CommandForm {
            version: version.to_string(),
            consent_verbal: t.consent.is_some(),
            note: t.duplicate_reason.trim().to_string(),
            ..CommandForm::default()
        };
        apply(svc, caller, &id, Command::Submit, &form)?;
    }
    let (r, consent_id) = {
        let mut conn = svc.conn()?;
        let r = db::referrals::get(&mut conn, &id)?;
        let k = db::fhir::consents_of_referral(&mut conn, &id)?
            .pop()
            .map(|k| k.id);
        (r, k)
    };
    let entries: Vec<Value> = t
        .entries
        .iter()
        .map(|e| {
            let (status, location) = match e {
                Entry::Patient if registered => ("201 Created", format!("Patient/{patient_id}")),
                Entry::Patient => ("200 OK", format!("Patient/{patient_id}")),
                Entry::ServiceRequest => (
                    "201 Created",
                    format!("ServiceRequest/{id}/_history/{}", r.version),
                ),
                Entry::Task => ("201 Created", format!("Task/{id}/_history/{}", r.version)),
                Entry::Consent => (
                    "201 Created",
                    consent_id
                        .as_ref()
                        .map_or_else(String::new, |k| format!("Consent/{k}")),
                ),
                // A file of the chart now, which the referral's snapshot shares.
                Entry::Document(_) => ("201 Created", format!("DocumentReference/{id}-snapshot")),
            };
            json!({ "response": {
                "status": status,
                "location": location,
                "etag": format!("W/\"{}\"", r.version),
                "lastModified": instant(r.updated_at),
            } })
        })
        .collect();
    Ok(json!({
        "resourceType": "Bundle",
        "id": db::new_id(),
        "type": "transaction-response",
        "entry": entries,
    }))
}

/// The body of a Task update.
pub enum Update {
    /// `PUT`: the whole Task as it should be.
    Put(Value),
    /// `PATCH`: a JSON Patch applied to the Task as it is.
    Patch(Value),
}

/// `PUT` / `PATCH /fhir/r4/Task/{id}` with `If-Match: W/"{version}"`: moves the referral
/// (accept, reject with a coded reason, complete with the outcome, ask for information,
/// require a visit, cancel). A stale version is a 412; nothing changes.
pub fn update_task(
    svc: &Services,
    api: &ApiCaller,
    id: &str,
    if_match: Option<&str>,
    update: Update,
) -> AppResult<Value> {
    may(api, "Task", Permission::Update)?;
    // A clinic's client moves the referral as its party of the clinic: the receiver where
    // they are of it, else the sender (whose one move here is a cancel).
    let api = &api.for_referral(svc, id, Side::Either)?;
    let caller: &Caller = &api.caller;
    let version = if_match
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .ok_or_else(|| {
            AppError::BadRequest(
                "An update needs If-Match: W/\"<versionId>\" (the Task's meta.versionId), so two updates cannot both win.".into(),
            )
        })?
        .parse::<i64>()
        .map_err(|_| AppError::BadRequest("If-Match must be W/\"<versionId>\".".into()))?;
    let base = base_url(svc);
    let ctx = Ctx { base: &base };
    let current = record(svc, caller, id)?;
    if current.version != version {
        return Err(AppError::PreconditionFailed(format!(
            "Task/{id} is at version {}, not {version}: read it again.",
            current.version
        )));
    }
    let task = match update {
        Update::Put(t) => t,
        Update::Patch(ops) => {
            let mut t = resources::task(ctx, &current);
            crate::domain::fhir::patch::apply_patch(&mut t, &ops).map_err(refused)?;
            t
        }
    };
    if task["id"].as_str().is_some_and(|t| t != id) {
        return Err(AppError::BadRequest(
            "The Task's id is not the one in the URL.".into(),
        ));
    }
    let m = inbound::read_move(&task, task_status(current.status)).map_err(refused)?;
    // The sender's move (a cancel) by a clinic's client: as the sender, when of the clinic.
    let as_sender;
    let caller = if api.clinic.is_some() && m.command.by() == crate::domain::referral::Party::Sender
    {
        as_sender = api.for_referral(svc, id, Side::Sender)?;
        &as_sender.caller
    } else {
        caller
    };
    let form = CommandForm {
        version: version.to_string(),
        note: m.note,
        code: m.code,
        summary: m.summary,
        advice: m.advice,
        ..CommandForm::default()
    };
    match apply(svc, caller, id, m.command, &form) {
        Ok(_) => {}
        // Refused: either another update won the compare-and-set since the version was
        // read (412), or the command does not apply where the referral stands (409).
        Err(AppError::Conflict(m)) => {
            let now = db::referrals::get(&mut *svc.conn()?, id)?.version;
            return Err(if now == version {
                AppError::Conflict(m)
            } else {
                AppError::PreconditionFailed(m)
            });
        }
        Err(e) => return Err(e),
    }
    Ok(resources::task(ctx, &record(svc, caller, id)?))
}
