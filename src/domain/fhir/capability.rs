//! The CapabilityStatement (`GET /fhir/r4/metadata`).

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::resources::Ctx;
use super::{FHIR_VERSION, instant};

/// `metadata`: what this server does, and only that.
pub fn capability_statement(ctx: Ctx<'_>, now: NaiveDateTime, version: &str) -> Value {
    let read = |t: &str, search: Value| {
        let searched = search.as_array().is_some_and(|a| !a.is_empty());
        let mut v = json!({ "type": t, "interaction": if searched {
            json!([{ "code": "read" }, { "code": "search-type" }])
        } else {
            json!([{ "code": "read" }])
        } });
        if searched {
            v["searchParam"] = search;
        }
        v
    };
    let p = |name: &str, kind: &str| json!({ "name": name, "type": kind });
    let task_params = json!([
        p("status", "token"),
        p("owner", "reference"),
        p("requester", "reference"),
        p("focus", "reference"),
        p("patient", "reference"),
        p("_lastUpdated", "date"),
        p("_count", "number"),
    ]);
    let request_params = json!([
        p("patient", "reference"),
        p("requester", "reference"),
        p("performer", "reference"),
        p("status", "token"),
        p("priority", "token"),
        p("_count", "number"),
    ]);
    let mut resources = vec![
        read("Task", task_params),
        read("ServiceRequest", request_params),
    ];
    for t in [
        "Patient",
        "Practitioner",
        "PractitionerRole",
        "Organization",
        "Consent",
        "Communication",
        "DocumentReference",
        "Binary",
        "Provenance",
    ] {
        resources.push(read(t, json!([])));
    }
    // A Task moves by a versioned update (PUT or JSON Patch with If-Match).
    resources[0]["interaction"]
        .as_array_mut()
        .into_iter()
        .for_each(|a| {
            a.extend([
                json!({ "code": "update" }),
                json!({ "code": "patch" }),
                json!({ "code": "history-instance" }),
            ])
        });
    resources[0]["versioning"] = json!("versioned-update");
    resources.push(json!({
        "type": "Subscription",
        "interaction": [{ "code": "create" }, { "code": "read" }, { "code": "delete" }],
        "documentation": "rest-hook on Task: criteria is a Task search; the notification is the Task's id, version, status and owner (PUT [endpoint]/Task/[id] with a payload, an empty POST without)."
    }));
    resources[0]["updateCreate"] = json!(false);
    json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": instant(now),
        "kind": "instance",
        "software": { "name": "Handoff", "version": version },
        "implementation": { "description": "Handoff referrals", "url": ctx.base },
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [{
            "mode": "server",
            "security": {
                "description": "A bearer token of an API client a clinic admin created (Authorization: Bearer ...). Scopes follow SMART v2: user/Task.rs, user/*.rs for a client acting for one practitioner; system/*.rs, system/*.cud for a client of the whole clinic, whose every call acts as the clinic's practitioner it concerns (a search names one with requester, owner or performer)."
            },
            "resource": resources,
            "interaction": [{
                "code": "transaction",
                "documentation": "A Bundle of Patient (matched by identifier or registered), ServiceRequest, Task and Consent refers the patient, as the composer does."
            }],
        }],
    })
}
