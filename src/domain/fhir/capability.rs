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
                "description": "A bearer token of an API client a clinic admin created (Authorization: Bearer ...). Scopes follow SMART v2: user/Task.rs, user/*.rs."
            },
            "resource": [
                read("Task", task_params),
                read("ServiceRequest", request_params),
                read("Patient", json!([])),
                read("Practitioner", json!([])),
                read("PractitionerRole", json!([])),
                read("Organization", json!([])),
                read("Consent", json!([])),
                read("Communication", json!([])),
                read("DocumentReference", json!([])),
                read("Provenance", json!([])),
            ],
        }],
    })
}
