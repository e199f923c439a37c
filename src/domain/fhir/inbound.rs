//! What a record system sends: a `transaction` Bundle that refers a patient (Patient,
//! ServiceRequest, Task, Consent), and a Task update that moves a referral. Read here into
//! the composer's and the commands' own inputs, so an API referral is checked and saved by
//! exactly the code a browser's is.

use serde_json::Value;

use crate::domain::people::PatientInput;
use crate::domain::referral::Command;

/// Why a request cannot be done: 400 (not a request this server reads) or 422 (read, but
/// not a referral it can make).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    Malformed(String),
    Unprocessable(String),
}

/// The patient the referral is about.
#[derive(Debug, Clone)]
pub enum PatientRef {
    /// `Patient/{id}`: a patient of the caller's clinic.
    Existing(String),
    /// A Patient entry: matched by its identifier (the clinic's record number), created
    /// from the entry when no patient of the clinic has it.
    ByIdentifier { mrn: String, input: PatientInput },
}

/// One entry of the request, in order, for the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Patient,
    ServiceRequest,
    Task,
    Consent,
    /// The n-th file (a DocumentReference with the content inline).
    Document(usize),
}

/// A file a DocumentReference carries: it becomes a lab or imaging file of the chart,
/// shared in the snapshot, as a composer's chosen chart file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileIn {
    pub title: String,
    /// "lab" or "imaging" (DocumentReference.category text or code "imaging").
    pub kind: String,
    /// The content, base64 as FHIR carries it.
    pub data: String,
}

/// A referral as a transaction asks for it.
#[derive(Debug, Clone)]
pub struct Referral {
    pub patient: PatientRef,
    /// `Task.requester` / `ServiceRequest.requester`, when given: must be the caller.
    pub requester: Option<String>,
    pub receiver_id: String,
    /// The app's priority code.
    pub priority: String,
    pub see_by: String,
    pub reason: String,
    pub message: String,
    /// Shared sections (key, text), from `Task.input` typed with the snapshot-section codes.
    pub sections: Vec<(String, String)>,
    /// `Task.status` `requested` sends; `draft` saves a draft.
    pub send: bool,
    /// The practitioner attests the patient's consent (a Consent entry, `active`).
    pub consent: Option<ConsentIn>,
    /// Why another referral is needed while one is open (`Task.input` "duplicate-reason").
    pub duplicate_reason: String,
    /// Files to share (DocumentReference entries).
    pub files: Vec<FileIn>,
    pub entries: Vec<Entry>,
}

/// A Consent entry: to whom, covering which sections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentIn {
    pub recipient_id: Option<String>,
    /// Section keys (`provision.code`); empty: every shared section.
    pub scope: Vec<String>,
}

fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        cur = match p.parse::<usize>() {
            Ok(i) => &cur[i],
            Err(_) => &cur[*p],
        };
    }
    cur.as_str().unwrap_or_default()
}

/// The id of a `Type/id` reference (or a bare id), if it names `kind`.
fn id_of(reference: &str, kind: &str) -> Option<String> {
    let (t, id) = reference.rsplit_once('/')?;
    let t = t.rsplit('/').next().unwrap_or(t);
    (t == kind && super::is_id(id)).then(|| id.to_string())
}

/// A code of `system_suffix` (`…/CodeSystem/snapshot-section`) in a CodeableConcept.
fn code_in(concept: &Value, system_suffix: &str) -> Option<String> {
    concept["coding"].as_array()?.iter().find_map(|c| {
        s(c, &["system"])
            .ends_with(system_suffix)
            .then(|| s(c, &["code"]).to_string())
    })
}

/// Reads a `transaction` Bundle into a referral.
pub fn read_transaction(bundle: &Value) -> Result<Referral, Refused> {
    let bad = |m: &str| Refused::Malformed(m.to_string());
    if bundle["resourceType"] != "Bundle" || bundle["type"] != "transaction" {
        return Err(bad(
            "POST to the base takes a Bundle of type transaction; resources are created through one.",
        ));
    }
    let entries = bundle["entry"]
        .as_array()
        .ok_or_else(|| bad("The transaction has no entry."))?;
    let (mut patient, mut request, mut task, mut consent) = (None, None, None, None);
    let mut patient_url = String::new();
    let mut order = Vec::new();
    let mut files = Vec::new();
    for e in entries {
        let r = &e["resource"];
        let method = s(e, &["request", "method"]);
        if !matches!(method, "POST" | "PUT") {
            return Err(bad(
                "Each entry needs request.method POST (or PUT for the Patient).",
            ));
        }
        let slot = match s(r, &["resourceType"]) {
            "Patient" => {
                patient_url = s(e, &["fullUrl"]).to_string();
                order.push(Entry::Patient);
                &mut patient
            }
            "ServiceRequest" => {
                order.push(Entry::ServiceRequest);
                &mut request
            }
            "Task" => {
                order.push(Entry::Task);
                &mut task
            }
            "Consent" => {
                order.push(Entry::Consent);
                &mut consent
            }
            "DocumentReference" => {
                order.push(Entry::Document(files.len()));
                files.push(file_in(r)?);
                continue;
            }
            "" => return Err(bad("An entry has no resource.")),
            other => {
                return Err(Refused::Unprocessable(format!(
                    "A referral transaction holds Patient, ServiceRequest, Task, Consent and DocumentReference; {other} is not taken."
                )));
            }
        };
        if slot.replace(r).is_some() {
            return Err(bad(
                "The transaction holds one referral: one entry of each type.",
            ));
        }
    }
    let request = request.ok_or_else(|| bad("The transaction has no ServiceRequest."))?;
    let task = task.ok_or_else(|| bad("The transaction has no Task."))?;
    let subject = s(request, &["subject", "reference"]);
    let patient = match (patient, id_of(subject, "Patient")) {
        (Some(p), _) if subject == patient_url || subject.is_empty() => {
            let mrn = p["identifier"]
                .as_array()
                .and_then(|ids| ids.iter().map(|i| s(i, &["value"])).find(|v| !v.is_empty()))
                .ok_or_else(|| {
                    Refused::Unprocessable(
                        "The Patient needs an identifier (the clinic's record number) to be matched or registered.".into(),
                    )
                })?;
            PatientRef::ByIdentifier {
                mrn: mrn.to_string(),
                input: PatientInput {
                    given_name: p["name"][0]["given"]
                        .as_array()
                        .map(|g| {
                            g.iter()
                                .filter_map(Value::as_str)
                                .collect::<Vec<_>>()
                                .join(" ")
                        })
                        .unwrap_or_default(),
                    family_name: s(p, &["name", "0", "family"]).to_string(),
                    date_of_birth: s(p, &["birthDate"]).to_string(),
                    sex: match s(p, &["gender"]) {
                        "" => "unknown".to_string(),
                        g => g.to_string(),
                    },
                    mrn: mrn.to_string(),
                    phone: telecom(p, "phone"),
                    email: telecom(p, "email"),
                },
            }
        }
        (None, Some(id)) => PatientRef::Existing(id),
        _ => {
            return Err(bad(
                "ServiceRequest.subject must be Patient/{id} or the fullUrl of the transaction's Patient.",
            ));
        }
    };
    let performer = request["performer"][0]["reference"]
        .as_str()
        .unwrap_or_default();
    let receiver_id = id_of(performer, "PractitionerRole")
        .or_else(|| id_of(performer, "Practitioner"))
        .ok_or_else(|| {
            Refused::Unprocessable(
                "ServiceRequest.performer must name the receiver: PractitionerRole/{id} or Practitioner/{id} from the directory.".into(),
            )
        })?;
    let requester = [task, request]
        .iter()
        .map(|r| s(r, &["requester", "reference"]))
        .find(|r| !r.is_empty())
        .map(|r| id_of(r, "Practitioner").unwrap_or_else(|| r.to_string()));
    let priority = match s(request, &["priority"]) {
        "" | "routine" => "routine",
        "urgent" => "urgent",
        "stat" | "asap" => "emergency",
        other => {
            return Err(bad(&format!(
                "ServiceRequest.priority \"{other}\" is not routine, urgent, asap or stat."
            )));
        }
    };
    let send = match s(task, &["status"]) {
        "requested" => true,
        "draft" => false,
        other => {
            return Err(Refused::Unprocessable(format!(
                "A new Task is requested (send) or draft (save); not \"{other}\"."
            )));
        }
    };
    let mut sections = Vec::new();
    let mut duplicate_reason = String::new();
    for i in task["input"].as_array().into_iter().flatten() {
        let text = s(i, &["valueString"]).to_string();
        if let Some(key) = code_in(&i["type"], "/snapshot-section") {
            sections.push((key, text));
        } else if code_in(&i["type"], "/task-input").as_deref() == Some("duplicate-reason") {
            duplicate_reason = text;
        }
    }
    let consent = match consent {
        None => None,
        Some(c) if s(c, &["status"]) != "active" => {
            return Err(Refused::Unprocessable(
                "The Consent must be active: it records that the patient agreed to share.".into(),
            ));
        }
        Some(c) => Some(ConsentIn {
            recipient_id: c["provision"]["actor"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| s(a, &["reference", "reference"]))
                .find_map(|r| id_of(r, "Practitioner").or_else(|| id_of(r, "PractitionerRole"))),
            scope: c["provision"]["code"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|k| code_in(k, "/snapshot-section"))
                .collect(),
        }),
    };
    Ok(Referral {
        patient,
        requester,
        receiver_id,
        priority: priority.into(),
        see_by: s(request, &["occurrencePeriod", "end"])
            .get(..10)
            .unwrap_or_default()
            .to_string(),
        reason: request["reasonCode"][0]["text"]
            .as_str()
            .or(task["description"].as_str())
            .unwrap_or_default()
            .to_string(),
        message: s(request, &["note", "0", "text"]).to_string(),
        sections,
        send,
        consent,
        duplicate_reason,
        files,
        entries: order,
    })
}

/// A DocumentReference with its content inline.
fn file_in(r: &Value) -> Result<FileIn, Refused> {
    let attachment = &r["content"][0]["attachment"];
    let data = s(attachment, &["data"]).to_string();
    if data.is_empty() {
        return Err(Refused::Unprocessable(
            "A DocumentReference carries its file inline (content.attachment.data, base64); links are not fetched.".into(),
        ));
    }
    let title = [s(attachment, &["title"]), s(r, &["description"])]
        .into_iter()
        .find(|t| !t.trim().is_empty())
        .unwrap_or("Attached file")
        .trim()
        .to_string();
    let category = r["category"].to_string().to_lowercase();
    Ok(FileIn {
        title,
        kind: if category.contains("imaging") {
            "imaging"
        } else {
            "lab"
        }
        .into(),
        data,
    })
}

fn telecom(p: &Value, system: &str) -> String {
    p["telecom"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| s(t, &["system"]) == system)
        .map(|t| s(t, &["value"]).to_string())
        .unwrap_or_default()
}

/// A Task update: the command it stands for and the command's form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub command: Command,
    /// The reject reason's code, the note, or the outcome summary.
    pub code: String,
    pub note: String,
    pub summary: String,
    pub advice: String,
}

/// Reads the Task a record system PUTs (or the Task after its PATCH) into the command that
/// moves the referral there from `current` (the Task's `status` now).
pub fn read_move(task: &Value, current: &str) -> Result<Move, Refused> {
    if task["resourceType"] != "Task" {
        return Err(Refused::Malformed("The body is not a Task.".into()));
    }
    let status = s(task, &["status"]);
    let business = code_in(&task["businessStatus"], "/task-business-status");
    let reason_text = s(task, &["statusReason", "text"]).to_string();
    let output = |code: &str| {
        task["output"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|o| code_in(&o["type"], "/task-output").as_deref() == Some(code))
            .map(|o| s(o, &["valueString"]).to_string())
            .unwrap_or_default()
    };
    let command = match (status, business.as_deref()) {
        (s, _) if s == current && business.is_none() => {
            return Err(Refused::Unprocessable(format!(
                "The Task is {current} already: change status (accepted, rejected, completed, cancelled) or businessStatus (need-info, visit-required)."
            )));
        }
        ("accepted", _) => Command::Accept,
        ("rejected", _) => Command::Reject,
        ("completed", _) => Command::Complete,
        ("cancelled", _) => Command::Cancel,
        ("received", Some("need-info")) => Command::RequestInfo,
        ("received", Some("visit-required")) => Command::RequireVisit,
        (other, b) => {
            return Err(Refused::Unprocessable(format!(
                "A Task moves to accepted, rejected, completed or cancelled, or to received with businessStatus need-info or visit-required; not {other}{}.",
                b.map(|b| format!(" ({b})")).unwrap_or_default()
            )));
        }
    };
    Ok(Move {
        command,
        code: code_in(&task["statusReason"], "/reject-reason").unwrap_or_default(),
        note: reason_text,
        summary: output("outcome"),
        advice: output("advice"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fhir::patch::apply_patch;
    use serde_json::json;

    fn transaction() -> Value {
        json!({
            "resourceType": "Bundle", "type": "transaction",
            "entry": [
                { "fullUrl": "urn:uuid:p1", "request": { "method": "POST", "url": "Patient" },
                  "resource": { "resourceType": "Patient",
                    "identifier": [{ "system": "urn:mrn", "value": "LFC-9" }],
                    "name": [{ "family": "Rao", "given": ["Meera", "K"] }],
                    "gender": "female", "birthDate": "1970-02-03",
                    "telecom": [{ "system": "phone", "value": "+91 1" }] } },
                { "fullUrl": "urn:uuid:s1", "request": { "method": "POST", "url": "ServiceRequest" },
                  "resource": { "resourceType": "ServiceRequest", "status": "active",
                    "intent": "order", "priority": "urgent",
                    "subject": { "reference": "urn:uuid:p1" },
                    "requester": { "reference": "Practitioner/u-gp" },
                    "performer": [{ "reference": "PractitionerRole/u-rx" }],
                    "reasonCode": [{ "text": "Palpitations" }],
                    "occurrencePeriod": { "end": "2027-01-05" },
                    "note": [{ "text": "Thanks" }] } },
                { "fullUrl": "urn:uuid:t1", "request": { "method": "POST", "url": "Task" },
                  "resource": { "resourceType": "Task", "status": "requested", "intent": "order",
                    "focus": { "reference": "urn:uuid:s1" },
                    "input": [
                      { "type": { "coding": [{ "system": "https://h/fhir/r4/CodeSystem/snapshot-section", "code": "complaint" }] },
                        "valueString": "Racing heart" } ] } },
                { "fullUrl": "urn:uuid:c1", "request": { "method": "POST", "url": "Consent" },
                  "resource": { "resourceType": "Consent", "status": "active",
                    "provision": { "actor": [{ "reference": { "reference": "Practitioner/u-rx" } }] } } }
            ]
        })
    }

    #[test]
    fn a_transaction_reads_into_the_composers_input() {
        let r = read_transaction(&transaction()).unwrap();
        assert_eq!(r.receiver_id, "u-rx");
        assert_eq!(r.requester.as_deref(), Some("u-gp"));
        assert_eq!(r.priority, "urgent");
        assert_eq!(
            (r.reason.as_str(), r.message.as_str()),
            ("Palpitations", "Thanks")
        );
        assert_eq!(r.see_by, "2027-01-05");
        assert_eq!(
            r.sections,
            vec![("complaint".to_string(), "Racing heart".to_string())]
        );
        assert!(r.send);
        assert_eq!(r.consent.unwrap().recipient_id.as_deref(), Some("u-rx"));
        let PatientRef::ByIdentifier { mrn, input } = r.patient else {
            panic!("a Patient entry")
        };
        assert_eq!(
            (mrn.as_str(), input.given_name.as_str()),
            ("LFC-9", "Meera K")
        );
        assert_eq!(input.phone, "+91 1");
        assert_eq!(
            r.entries,
            vec![
                Entry::Patient,
                Entry::ServiceRequest,
                Entry::Task,
                Entry::Consent
            ]
        );
    }

    #[test]
    fn a_transaction_that_is_not_a_referral_is_refused_with_the_reason() {
        type Change = Box<dyn Fn(&mut Value)>;
        let cases: Vec<(Change, &str)> = vec![
            (Box::new(|b| b["type"] = json!("batch")), "transaction"),
            (
                Box::new(|b| b["entry"][1]["resource"]["performer"] = json!([])),
                "performer",
            ),
            (
                Box::new(|b| b["entry"][1]["resource"]["priority"] = json!("soon")),
                "soon",
            ),
            (
                Box::new(|b| b["entry"][2]["resource"]["status"] = json!("accepted")),
                "accepted",
            ),
            (
                Box::new(|b| b["entry"][3]["resource"]["status"] = json!("draft")),
                "active",
            ),
            (
                Box::new(|b| b["entry"][0]["resource"]["identifier"] = json!([])),
                "identifier",
            ),
            (
                Box::new(|b| b["entry"][2]["resource"]["resourceType"] = json!("Observation")),
                "Observation",
            ),
            (
                Box::new(|b| b["entry"][1]["request"]["method"] = json!("DELETE")),
                "method",
            ),
        ];
        for (change, says) in cases {
            let mut b = transaction();
            change(&mut b);
            let e = read_transaction(&b).unwrap_err();
            let text = match &e {
                Refused::Malformed(t) | Refused::Unprocessable(t) => t,
            };
            assert!(text.contains(says), "{says}: {e:?}");
        }
    }

    #[test]
    fn a_task_update_names_its_command_and_a_patch_applies() {
        let mut task = json!({ "resourceType": "Task", "status": "requested" });
        apply_patch(
            &mut task,
            &json!([
                { "op": "test", "path": "/status", "value": "requested" },
                { "op": "replace", "path": "/status", "value": "rejected" },
                { "op": "add", "path": "/statusReason", "value": {
                    "coding": [{ "system": "x/CodeSystem/reject-reason", "code": "no_capacity" }],
                    "text": "Full until March" } }
            ]),
        )
        .unwrap();
        let m = read_move(&task, "requested").unwrap();
        assert_eq!(m.command, Command::Reject);
        assert_eq!(
            (m.code.as_str(), m.note.as_str()),
            ("no_capacity", "Full until March")
        );
        assert!(
            read_move(&task, "rejected").is_err(),
            "no change, no command"
        );
        assert!(apply_patch(&mut task, &json!([{ "op": "move", "path": "/status" }])).is_err());
        assert!(
            apply_patch(
                &mut task,
                &json!([{ "op": "test", "path": "/status", "value": "x" }])
            )
            .is_err()
        );
        let info = json!({ "resourceType": "Task", "status": "received",
            "businessStatus": { "coding": [{ "system": "h/CodeSystem/task-business-status", "code": "need-info" }] },
            "statusReason": { "text": "Prior ECG" } });
        assert_eq!(
            read_move(&info, "requested").unwrap().command,
            Command::RequestInfo
        );
    }
}
