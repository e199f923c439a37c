//! The Bundles the API answers with: the export (`collection`), a search's page
//! (`searchset`) and a Task's `history`.

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::resources::{Ctx, all, patient_name, reference, task, typed};
use super::{Record, business_status, instant, owner};
use crate::domain::referral::Party;

/// The export: every resource of the referral in one `collection` Bundle.
pub fn collection(ctx: Ctx<'_>, r: &Record, id: &str, now: NaiveDateTime) -> Value {
    let entries: Vec<Value> = all(ctx, r)
        .into_iter()
        .map(|res| json!({ "fullUrl": ctx.full_url(&res), "resource": res }))
        .collect();
    json!({
        "resourceType": "Bundle",
        "id": id,
        "meta": { "lastUpdated": instant(now) },
        "type": "collection",
        "timestamp": instant(now),
        "entry": entries,
    })
}

/// `Task/{id}/_history`: the Task as it stood after each move of the referral, newest
/// first. Past states carry their status, business status, owner and time; only the
/// current one carries a version (the one an update's If-Match names).
pub fn task_history(ctx: Ctx<'_>, r: &Record, id: &str) -> Value {
    let current = task(ctx, r);
    let moves: Vec<&super::EventInfo> = r.events.iter().filter(|e| e.to_status.is_some()).collect();
    let mut entries = Vec::new();
    for (i, e) in moves.iter().enumerate().rev() {
        let newest = i + 1 == moves.len();
        let status = e.to_status.unwrap_or(r.status);
        let resource = if newest && status == r.status {
            current.clone()
        } else {
            let mut past = current.clone();
            if let Some(o) = past.as_object_mut() {
                for k in [
                    "statusReason",
                    "businessStatus",
                    "owner",
                    "restriction",
                    "output",
                ] {
                    o.remove(k);
                }
            }
            past["status"] = json!(super::task_status(status));
            past["meta"] = json!({ "lastUpdated": instant(e.at) });
            past["lastModified"] = json!(instant(e.at));
            if let Some(b) = business_status(status, super::Visits::default()) {
                past["businessStatus"] = typed(ctx, "task-business-status", b, b);
            }
            let who = match owner(status) {
                Some(Party::Sender) => {
                    Some(reference("Practitioner", &r.sender.id, &r.sender.name))
                }
                Some(Party::Receiver) => {
                    Some(reference("Practitioner", &r.receiver.id, &r.receiver.name))
                }
                Some(Party::Patient) => Some(reference("Patient", &r.patient.id, &patient_name(r))),
                _ => None,
            };
            if let Some(w) = who {
                past["owner"] = w;
            }
            past
        };
        entries.push(json!({
            "fullUrl": ctx.full_url(&current),
            "resource": resource,
            "request": { "method": if i == 0 { "POST" } else { "PUT" },
                "url": if i == 0 { "Task".to_string() } else { format!("Task/{}", r.id) } },
            "response": { "status": if i == 0 { "201 Created" } else { "200 OK" },
                "lastModified": instant(e.at) },
        }));
    }
    json!({ "resourceType": "Bundle", "id": id, "type": "history", "total": entries.len(),
        "entry": entries })
}

/// A search's answer: the matches of one page, and the link to the next.
pub fn searchset(
    ctx: Ctx<'_>,
    id: &str,
    resources: Vec<Value>,
    self_url: &str,
    next_url: Option<&str>,
) -> Value {
    let mut links = vec![json!({ "relation": "self", "url": self_url })];
    if let Some(n) = next_url {
        links.push(json!({ "relation": "next", "url": n }));
    }
    let entries: Vec<Value> = resources
        .into_iter()
        .map(|res| {
            json!({ "fullUrl": ctx.full_url(&res), "resource": res,
                "search": { "mode": "match" } })
        })
        .collect();
    let mut v = json!({ "resourceType": "Bundle", "id": id, "type": "searchset", "link": links });
    if !entries.is_empty() {
        v["entry"] = json!(entries);
    }
    v
}
