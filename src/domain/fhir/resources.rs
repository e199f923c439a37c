//! The JSON of each resource a referral is written as, and the Bundles that carry them.

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::{
    ConsentInfo, Person, Record, business_status, gender, instant, owner, priority_code,
    request_status, task_status,
};
use crate::domain::referral::{Party, Status, reject_reason_label};

/// Where the resources live: `base` is the API's address (`https://host/fhir/r4`); the
/// code systems of Handoff's own codes are named under it.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub base: &'a str,
}

impl Ctx<'_> {
    /// The canonical URL of one of Handoff's code systems.
    pub fn codes(&self, name: &str) -> String {
        format!("{}/CodeSystem/{name}", self.base)
    }

    /// The absolute URL of a resource (a Bundle entry's `fullUrl`).
    pub fn full_url(&self, resource: &Value) -> String {
        format!(
            "{}/{}/{}",
            self.base,
            resource["resourceType"].as_str().unwrap_or_default(),
            resource["id"].as_str().unwrap_or_default()
        )
    }
}

/// The label doctor-only parts carry (HL7 v3 Confidentiality "restricted").
fn restricted() -> Value {
    json!({
        "system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
        "code": "R",
        "display": "restricted"
    })
}

pub(super) fn reference(kind: &str, id: &str, display: &str) -> Value {
    json!({ "reference": format!("{kind}/{id}"), "display": display })
}

fn meta(version: i64, updated: NaiveDateTime, doctor_only: bool) -> Value {
    let mut m = json!({ "versionId": version.to_string(), "lastUpdated": instant(updated) });
    if doctor_only {
        m["security"] = json!([restricted()]);
    }
    m
}

/// The patient.
pub fn patient(ctx: Ctx<'_>, r: &Record) -> Value {
    let p = &r.patient;
    let mut v = json!({
        "resourceType": "Patient",
        "id": p.id,
        "identifier": [{ "system": ctx.codes("mrn"), "value": p.mrn }],
        "name": [{ "family": p.family_name, "given": [p.given_name] }],
        "gender": gender(&p.sex),
        "managingOrganization": { "reference": format!("Organization/{}", p.clinic_id) },
    });
    if !p.birth_date.is_empty() {
        v["birthDate"] = json!(p.birth_date);
    }
    let mut telecom = Vec::new();
    if !p.phone.is_empty() {
        telecom.push(json!({ "system": "phone", "value": p.phone }));
    }
    if !p.email.is_empty() {
        telecom.push(json!({ "system": "email", "value": p.email }));
    }
    if !telecom.is_empty() {
        v["telecom"] = json!(telecom);
    }
    v
}

/// A practitioner (the person).
pub fn practitioner(p: &Person) -> Value {
    let mut v = json!({
        "resourceType": "Practitioner",
        "id": p.id,
        "active": true,
        "name": [{ "text": p.name }],
    });
    if !p.email.is_empty() {
        v["telecom"] = json!([{ "system": "email", "value": p.email }]);
    }
    v
}

/// A practitioner in their clinic, with their specialty.
pub fn practitioner_role(p: &Person) -> Value {
    let mut v = json!({
        "resourceType": "PractitionerRole",
        "id": p.id,
        "active": true,
        "practitioner": reference("Practitioner", &p.id, &p.name),
        "organization": reference("Organization", &p.clinic_id, &p.clinic_name),
    });
    if !p.specialty.is_empty() {
        v["specialty"] = json!([{ "text": p.specialty }]);
    }
    v
}

/// A clinic.
pub fn organization(id: &str, name: &str) -> Value {
    json!({ "resourceType": "Organization", "id": id, "active": true, "name": name })
}

/// The request: what is asked of whom, how urgently, for which patient.
pub fn service_request(ctx: Ctx<'_>, r: &Record) -> Value {
    let mut v = json!({
        "resourceType": "ServiceRequest",
        "id": r.id,
        "meta": meta(r.version, r.updated_at, false),
        "status": request_status(r.status),
        "intent": "order",
        "category": [{ "coding": [{
            "system": "http://snomed.info/sct", "code": "3457005", "display": "Patient referral"
        }] }],
        "code": { "coding": [{ "system": ctx.codes("referral-kind"), "code": r.kind.as_str(),
            "display": r.kind.label() }], "text": format!("{} referral", r.kind.label()) },
        "priority": priority_code(r.priority),
        "subject": reference("Patient", &r.patient.id, &patient_name(r)),
        "authoredOn": instant(r.submitted_at.unwrap_or(r.created_at)),
        "requester": reference("Practitioner", &r.sender.id, &r.sender.name),
        "performer": [reference("PractitionerRole", &r.receiver.id, &r.receiver.name)],
    });
    if !r.reason.is_empty() {
        v["reasonCode"] = json!([{ "text": r.reason }]);
    }
    if let Some(d) = &r.see_by {
        v["occurrencePeriod"] = json!({ "end": d });
    }
    if r.snapshot.is_some() {
        v["supportingInfo"] = json!([{
            "reference": format!("DocumentReference/{}-snapshot", r.id),
            "display": "Clinical snapshot"
        }]);
    }
    if !r.message.is_empty() {
        v["note"] = json!([{ "text": r.message }]);
    }
    v
}

pub(super) fn patient_name(r: &Record) -> String {
    format!("{} {}", r.patient.given_name, r.patient.family_name)
}

pub(super) fn typed(ctx: Ctx<'_>, system: &str, code: &str, display: &str) -> Value {
    json!({ "coding": [{ "system": ctx.codes(system), "code": code, "display": display }],
        "text": display })
}

/// The task: where the referral stands, whose turn it is and by when.
pub fn task(ctx: Ctx<'_>, r: &Record) -> Value {
    let mut v = json!({
        "resourceType": "Task",
        "id": r.id,
        "meta": meta(r.version, r.updated_at, r.doctor_only && r.snapshot.is_some()),
        "status": task_status(r.status),
        "intent": "order",
        "priority": priority_code(r.priority),
        "code": { "coding": [{ "system": "http://hl7.org/fhir/CodeSystem/task-code",
            "code": "fulfill", "display": "Fulfill the focal request" }] },
        "focus": { "reference": format!("ServiceRequest/{}", r.id) },
        "for": reference("Patient", &r.patient.id, &patient_name(r)),
        "authoredOn": instant(r.created_at),
        "lastModified": instant(r.updated_at),
        "requester": reference("Practitioner", &r.sender.id, &r.sender.name),
    });
    if !r.reason.is_empty() {
        v["description"] = json!(r.reason);
    }
    if let Some(b) = business_status(r.status, r.visits) {
        v["businessStatus"] = typed(ctx, "task-business-status", b, b);
    }
    if let Some(reason) = status_reason(ctx, r) {
        v["statusReason"] = reason;
    }
    match owner(r.status) {
        Some(Party::Sender) => {
            v["owner"] = reference("Practitioner", &r.sender.id, &r.sender.name);
        }
        Some(Party::Receiver) => {
            v["owner"] = reference("Practitioner", &r.receiver.id, &r.receiver.name);
        }
        Some(Party::Patient) => {
            v["owner"] = reference("Patient", &r.patient.id, &patient_name(r));
        }
        _ => {}
    }
    if let Some(due) = r.due_at {
        v["restriction"] = json!({ "period": { "end": instant(due) } });
    }
    let input = task_input(ctx, r);
    if !input.is_empty() {
        v["input"] = json!(input);
    }
    let output = task_output(ctx, r);
    if !output.is_empty() {
        v["output"] = json!(output);
    }
    v
}

fn status_reason(ctx: Ctx<'_>, r: &Record) -> Option<Value> {
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    Some(match r.status {
        Status::Rejected | Status::Returned => {
            let code = r.reject_code.as_deref().unwrap_or("other");
            let mut v = typed(ctx, "reject-reason", code, reject_reason_label(code));
            if let Some(note) = r.reject_note.as_deref().filter(|n| !n.is_empty()) {
                v["text"] = json!(note);
            }
            v
        }
        Status::Cancelled => json!({ "text": text(&r.cancel_reason) }),
        Status::DeclinedByPatient => json!({ "text": text(&r.decline_reason) }),
        Status::Expired => json!({ "text": "Nobody acted before the clinic's expiry period" }),
        _ => return None,
    })
    .filter(|v| v["text"].as_str().is_some_and(|t| !t.is_empty()) || v.get("coding").is_some())
}

fn task_input(ctx: Ctx<'_>, r: &Record) -> Vec<Value> {
    let mut input = Vec::new();
    if !r.message.is_empty() {
        input.push(json!({
            "type": typed(ctx, "task-input", "message", "Message to the receiver"),
            "valueString": r.message,
        }));
    }
    if let Some(s) = &r.snapshot {
        for sec in &s.sections {
            input.push(json!({
                "type": typed(ctx, "snapshot-section", &sec.key, &sec.title),
                "valueString": sec.text,
            }));
        }
        for f in &s.files {
            input.push(json!({
                "type": typed(ctx, "snapshot-section", "labs", "Lab and imaging files"),
                "valueString": f.title,
            }));
        }
        input.push(json!({
            "type": typed(ctx, "task-input", "snapshot", "Clinical snapshot"),
            "valueReference": { "reference": format!("DocumentReference/{}-snapshot", r.id) },
        }));
    }
    input
}

fn task_output(ctx: Ctx<'_>, r: &Record) -> Vec<Value> {
    let mut output = Vec::new();
    let closed = matches!(
        r.status,
        Status::Completed | Status::Answered | Status::Returned | Status::Converted
    );
    if closed {
        if let Some(s) = r.outcome_summary.as_deref().filter(|s| !s.is_empty()) {
            output.push(json!({
                "type": typed(ctx, "task-output", "outcome", "Outcome summary"),
                "valueString": s,
            }));
        }
        if let Some(a) = r.outcome_advice.as_deref().filter(|s| !s.is_empty()) {
            output.push(json!({
                "type": typed(ctx, "task-output", "advice", "Advice"),
                "valueString": a,
            }));
        }
    }
    for f in r.files.iter().filter(|f| f.uploaded_by == r.receiver.id) {
        output.push(json!({
            "type": typed(ctx, "task-output", "report", "Report from the receiver"),
            "valueReference": { "reference": format!("DocumentReference/{}", f.id),
                "display": f.title },
        }));
    }
    output
}

/// A consent record: live ones `active`, withdrawn ones `inactive`.
pub fn consent(ctx: Ctx<'_>, r: &Record, k: &ConsentInfo) -> Value {
    let method = match k.method.as_str() {
        "verbal" => "Given verbally; the practitioner attests it",
        "cover" => "Passed on by the receiver to the colleague covering for them",
        "service" => "Passed on within the service the patient consented to",
        _ => "Given by the patient in the app",
    };
    let sections: Vec<Value> = k
        .scope
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            json!({ "coding": [{ "system": ctx.codes("snapshot-section"), "code": s,
                "display": crate::domain::snapshot::section_title(s) }] })
        })
        .collect();
    let mut provision = json!({
        "type": "permit",
        "actor": [{
            "role": { "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                "code": "IRCP", "display": "information recipient" }] },
            "reference": { "reference": format!("Practitioner/{}", k.recipient_id) }
        }],
        "data": [{ "meaning": "related",
            "reference": { "reference": format!("ServiceRequest/{}", r.id) } }],
    });
    if !sections.is_empty() {
        provision["code"] = json!(sections);
    }
    if let Some(w) = k.withdrawn_at {
        provision["period"] = json!({ "start": instant(k.recorded_at), "end": instant(w) });
    }
    let mut v = json!({
        "resourceType": "Consent",
        "id": k.id,
        "status": if k.withdrawn_at.is_some() { "inactive" } else { "active" },
        "scope": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/consentscope",
            "code": "patient-privacy", "display": "Privacy Consent" }] },
        "category": [{ "coding": [{ "system": "http://loinc.org", "code": "59284-0",
            "display": "Patient Consent" }], "text": method }],
        "patient": reference("Patient", &r.patient.id, &patient_name(r)),
        "dateTime": instant(k.recorded_at),
        "organization": [{ "reference": format!("Organization/{}", r.patient.clinic_id) }],
        "policyRule": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "OPTIN", "display": "opt-in" }] },
        "provision": provision,
    });
    match &k.recorded_by {
        Some(by) => v["performer"] = json!([{ "reference": format!("Practitioner/{by}") }]),
        None => v["performer"] = json!([{ "reference": format!("Patient/{}", r.patient.id) }]),
    }
    v
}

/// The receiver's need-info asks and the sender's answers.
pub fn communications(r: &Record) -> Vec<Value> {
    let mut out = Vec::new();
    for a in &r.asks {
        let based = json!([{ "reference": format!("ServiceRequest/{}", r.id) }]);
        let subject = json!({ "reference": format!("Patient/{}", r.patient.id) });
        out.push(json!({
            "resourceType": "Communication",
            "id": a.id,
            "basedOn": based,
            "status": "completed",
            "subject": subject,
            "sent": instant(a.created_at),
            "sender": reference("Practitioner", &r.receiver.id, &r.receiver.name),
            "recipient": [reference("Practitioner", &r.sender.id, &r.sender.name)],
            "payload": [{ "contentString": a.text }],
        }));
        if let (Some(answer), Some(at)) = (&a.answer, a.answered_at) {
            out.push(json!({
                "resourceType": "Communication",
                "id": format!("{}-answer", a.id),
                "basedOn": based,
                "inResponseTo": [{ "reference": format!("Communication/{}", a.id) }],
                "status": "completed",
                "subject": subject,
                "sent": instant(at),
                "sender": reference("Practitioner", &r.sender.id, &r.sender.name),
                "recipient": [reference("Practitioner", &r.receiver.id, &r.receiver.name)],
                "payload": [{ "contentString": answer }],
            }));
        }
    }
    out
}

/// The snapshot as one document (when the caller may read it) and each attached file.
pub fn documents(r: &Record) -> Vec<Value> {
    use base64::Engine;
    let mut out = Vec::new();
    let related = json!({ "related": [{ "reference": format!("ServiceRequest/{}", r.id) }] });
    let subject = json!({ "reference": format!("Patient/{}", r.patient.id) });
    if let Some(s) = &r.snapshot {
        let mut text = String::new();
        for sec in &s.sections {
            text.push_str(&format!("{}\n{}\n\n", sec.title, sec.text));
        }
        for f in &s.files {
            text.push_str(&format!("File: {}\n", f.title));
        }
        let mut v = json!({
            "resourceType": "DocumentReference",
            "id": format!("{}-snapshot", r.id),
            "status": "current",
            "description": "Clinical snapshot",
            "subject": subject,
            "date": instant(r.submitted_at.unwrap_or(r.updated_at)),
            "author": [{ "reference": format!("Practitioner/{}", r.sender.id) }],
            "content": [{ "attachment": {
                "contentType": "text/plain; charset=utf-8",
                "data": base64::engine::general_purpose::STANDARD.encode(text.trim_end()),
                "title": "Clinical snapshot",
            } }],
            "context": related,
        });
        if r.doctor_only {
            v["securityLabel"] = json!([{ "coding": [restricted()] }]);
            v["meta"] = json!({ "security": [restricted()] });
        }
        out.push(v);
    }
    for f in &r.files {
        // With its content, the file travels as a Binary the attachment points to; else
        // the attachment links to the app's download (which applies the same rules).
        let url = match f.content {
            Some(_) => format!("Binary/{}", f.id),
            None => f.url.clone(),
        };
        let mut v = json!({
            "resourceType": "DocumentReference",
            "id": f.id,
            "status": "current",
            "description": f.title,
            "subject": subject,
            "date": instant(f.uploaded_at),
            "author": [{ "reference": format!("Practitioner/{}", f.uploaded_by) }],
            "content": [{ "attachment": {
                "contentType": f.content_type,
                "url": url,
                "size": f.size_bytes.max(0),
                "title": f.title,
                "creation": instant(f.uploaded_at),
            } }],
            "context": related,
        });
        if r.doctor_only {
            v["securityLabel"] = json!([{ "coding": [restricted()] }]);
        }
        out.push(v);
    }
    out
}

/// The files' content, for those loaded with it (only what the caller may open: the
/// receiver's within the patient's live consent).
pub fn binaries(r: &Record) -> Vec<Value> {
    r.files
        .iter()
        .filter_map(|f| {
            let data = f.content.as_ref()?;
            let mut v = json!({
                "resourceType": "Binary",
                "id": f.id,
                "contentType": f.content_type,
                "securityContext": { "reference": format!("DocumentReference/{}", f.id) },
                "data": data,
            });
            if r.doctor_only {
                v["meta"] = json!({ "security": [restricted()] });
            }
            Some(v)
        })
        .collect()
}

/// One Provenance per timeline event: who moved the referral, when, and how.
pub fn provenances(ctx: Ctx<'_>, r: &Record) -> Vec<Value> {
    r.events
        .iter()
        .map(|e| {
            let who = match &e.actor_id {
                Some(id) => json!({ "reference": format!("Practitioner/{id}"), "display": e.who }),
                None => json!({ "display": e.who }),
            };
            let mut v = json!({
                "resourceType": "Provenance",
                "id": e.id,
                "target": [{ "reference": format!("Task/{}", r.id) }],
                "recorded": instant(e.at),
                "activity": typed(ctx, "referral-event", &e.kind, &e.kind.replace('_', " ")),
                "agent": [{ "who": who }],
            });
            if !e.note.is_empty() {
                v["reason"] = json!([{ "text": e.note }]);
            }
            v
        })
        .collect()
}

/// Every resource of the referral the caller may see, in the order a reader wants them.
pub fn all(ctx: Ctx<'_>, r: &Record) -> Vec<Value> {
    let mut out = vec![
        task(ctx, r),
        service_request(ctx, r),
        patient(ctx, r),
        practitioner(&r.sender),
        practitioner_role(&r.sender),
        practitioner(&r.receiver),
        practitioner_role(&r.receiver),
        organization(&r.sender.clinic_id, &r.sender.clinic_name),
    ];
    if r.receiver.clinic_id != r.sender.clinic_id {
        out.push(organization(&r.receiver.clinic_id, &r.receiver.clinic_name));
    }
    if r.patient.clinic_id != r.sender.clinic_id && r.patient.clinic_id != r.receiver.clinic_id {
        out.push(organization(&r.patient.clinic_id, ""));
    }
    out.extend(r.consents.iter().map(|k| consent(ctx, r, k)));
    out.extend(communications(r));
    out.extend(documents(r));
    out.extend(binaries(r));
    out.extend(provenances(ctx, r));
    out
}

/// An error as FHIR reports it. `code` is an IssueType (`not-found`, `forbidden`,
/// `invalid`, `conflict`, `login`, ...).
pub fn operation_outcome(code: &str, text: &str) -> Value {
    json!({
        "resourceType": "OperationOutcome",
        "issue": [{ "severity": "error", "code": code, "diagnostics": text }],
    })
}
