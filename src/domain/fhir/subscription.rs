//! R4 Subscriptions (rest-hook) on Task: what a client asks for, the resource as the server
//! shows it, and the notification it sends. A notification carries no clinical content:
//! the Task's id, version, status and whose turn it is. The client reads the Task itself
//! through the API (audited as a view); the version lets it drop a repeat.

use chrono::{NaiveDateTime, TimeDelta};
use serde_json::{Value, json};

use super::inbound::Refused;
use super::search::{self, Searched};
use super::{business_status, instant, task_status};
use crate::domain::referral::{Party, Status};

/// A subscription as a client asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requested {
    pub criteria: String,
    pub endpoint: String,
    /// "Name: value" lines sent with each delivery.
    pub headers: Vec<String>,
    /// The Task goes in the body (PUT {endpoint}/Task/{id}); without, an empty POST.
    pub with_payload: bool,
}

/// The criteria's search parameters (`Task?status=requested` → status=requested).
pub fn criteria_params(criteria: &str) -> Result<Vec<(String, String)>, String> {
    let query = criteria
        .strip_prefix("Task")
        .map(|q| q.trim_start_matches('?'))
        .ok_or_else(|| {
            "criteria must be a Task search, such as Task?status=requested".to_string()
        })?;
    let params: Vec<(String, String)> = serde_urlencoded::from_str(query)
        .map_err(|_| "criteria is not a query string".to_string())?;
    if params.iter().any(|(k, _)| k == "_count" || k == "_cursor") {
        return Err("criteria takes search parameters, not paging".into());
    }
    search::parse(Searched::Task, &params).map_err(|e| format!("criteria: {e}"))?;
    Ok(params)
}

/// Where deliveries may go: any https URL, or http on this machine (a test's receiver).
pub fn endpoint_allowed(url: &str) -> bool {
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"];
    let host_ends = |rest: &str| rest.is_empty() || rest.starts_with(['/', ':']);
    (url.starts_with("https://") && url.len() > "https://".len())
        || loopback
            .iter()
            .any(|p| url.strip_prefix(p).is_some_and(host_ends))
}

/// Reads a Subscription a client POSTs.
pub fn read_subscription(v: &Value) -> Result<Requested, Refused> {
    let unprocessable = |m: &str| Refused::Unprocessable(m.to_string());
    if v["resourceType"] != "Subscription" {
        return Err(Refused::Malformed("The body is not a Subscription.".into()));
    }
    if !matches!(v["status"].as_str(), Some("requested" | "active")) {
        return Err(unprocessable(
            "A new Subscription's status is requested (or active).",
        ));
    }
    let criteria = v["criteria"]
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_string();
    criteria_params(&criteria).map_err(Refused::Unprocessable)?;
    let channel = &v["channel"];
    if channel["type"] != "rest-hook" {
        return Err(unprocessable(
            "This server delivers rest-hook subscriptions only.",
        ));
    }
    let endpoint = channel["endpoint"]
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_string();
    if !endpoint_allowed(&endpoint) || endpoint.len() > 500 {
        return Err(unprocessable(
            "channel.endpoint must be an https URL (http only on this machine).",
        ));
    }
    let with_payload = match channel["payload"].as_str() {
        None => false,
        Some(m) if m.starts_with("application/fhir+json") || m == "application/json" => true,
        Some(other) => {
            return Err(Refused::Unprocessable(format!(
                "channel.payload \"{other}\": deliveries are application/fhir+json or empty."
            )));
        }
    };
    let mut headers = Vec::new();
    for h in channel["header"].as_array().into_iter().flatten() {
        let h = h.as_str().unwrap_or_default();
        let ok = h.split_once(':').is_some_and(|(n, _)| {
            !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        }) && !h.contains(['\r', '\n'])
            && h.len() <= 1000;
        if !ok {
            return Err(Refused::Unprocessable(format!(
                "channel.header \"{h}\" is not \"Name: value\"."
            )));
        }
        headers.push(h.to_string());
    }
    if headers.len() > 5 {
        return Err(unprocessable("At most five channel.header lines."));
    }
    Ok(Requested {
        criteria,
        endpoint,
        headers,
        with_payload,
    })
}

/// A stored subscription as the API shows it.
pub struct Shown<'a> {
    pub id: &'a str,
    pub status: &'a str,
    pub criteria: &'a str,
    pub endpoint: &'a str,
    pub headers: &'a [String],
    pub with_payload: bool,
    pub error: Option<&'a str>,
}

/// The Subscription resource.
pub fn resource(s: &Shown<'_>) -> Value {
    let mut channel = json!({ "type": "rest-hook", "endpoint": s.endpoint });
    if s.with_payload {
        channel["payload"] = json!("application/fhir+json");
    }
    if !s.headers.is_empty() {
        channel["header"] = json!(s.headers);
    }
    let mut v = json!({
        "resourceType": "Subscription",
        "id": s.id,
        "status": s.status,
        "reason": "Changes of referrals, for the client's record system",
        "criteria": s.criteria,
        "channel": channel,
    });
    if let Some(e) = s.error {
        v["error"] = json!(e);
    }
    v
}

/// What a notification says of a referral.
pub struct Changed<'a> {
    pub id: &'a str,
    pub version: i64,
    pub status: Status,
    pub updated_at: NaiveDateTime,
    pub sender_id: &'a str,
    pub receiver_id: &'a str,
    pub patient_id: &'a str,
}

/// The notification's body: the Task without clinical content.
pub fn notification(c: &Changed<'_>) -> Value {
    let mut v = json!({
        "resourceType": "Task",
        "id": c.id,
        "meta": { "versionId": c.version.to_string(), "lastUpdated": instant(c.updated_at) },
        "status": task_status(c.status),
        "intent": "order",
        "focus": { "reference": format!("ServiceRequest/{}", c.id) },
        "lastModified": instant(c.updated_at),
    });
    if let Some(b) = business_status(c.status, super::Visits::default()) {
        v["businessStatus"] = json!({ "text": b });
    }
    let owner = match c.status.turn() {
        Some(Party::Sender) => Some(format!("Practitioner/{}", c.sender_id)),
        Some(Party::Receiver) => Some(format!("Practitioner/{}", c.receiver_id)),
        Some(Party::Patient) => Some(format!("Patient/{}", c.patient_id)),
        _ => None,
    };
    if let Some(o) = owner {
        v["owner"] = json!({ "reference": o });
    }
    v
}

/// Attempts before a delivery is given up and its subscription marked in error.
pub const MAX_ATTEMPTS: i64 = 12;

/// When to try again after `attempts` failed attempts: 30 s, doubling, at most an hour
/// apart; `None` once [`MAX_ATTEMPTS`] are spent (about seven hours in all).
pub fn retry_after(attempts: i64) -> Option<TimeDelta> {
    (attempts < MAX_ATTEMPTS).then(|| {
        let shift = u32::try_from(attempts.clamp(1, 8) - 1).unwrap_or(0);
        TimeDelta::seconds((30_i64 << shift).min(3600))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(endpoint: &str, criteria: &str) -> Value {
        json!({ "resourceType": "Subscription", "status": "requested", "reason": "x",
            "criteria": criteria,
            "channel": { "type": "rest-hook", "endpoint": endpoint,
                "payload": "application/fhir+json", "header": ["Authorization: Bearer s3cret"] } })
    }

    #[test]
    fn a_subscription_reads_with_its_criteria_checked() {
        let r =
            read_subscription(&sub("https://ehr.example/hooks", "Task?status=requested")).unwrap();
        assert!(r.with_payload);
        assert_eq!(r.headers, vec!["Authorization: Bearer s3cret".to_string()]);
        assert!(read_subscription(&sub("http://127.0.0.1:9/h", "Task")).is_ok());
        for (endpoint, criteria) in [
            ("http://ehr.example/hooks", "Task"),
            ("http://127.0.0.1.evil.example/", "Task"),
            ("ftp://127.0.0.1/", "Task"),
            ("https://ehr.example/", "Patient?name=x"),
            ("https://ehr.example/", "Task?status=done"),
            ("https://ehr.example/", "Task?_count=5"),
        ] {
            assert!(
                read_subscription(&sub(endpoint, criteria)).is_err(),
                "{endpoint} {criteria}"
            );
        }
        let mut bad = sub("https://ehr.example/", "Task");
        bad["channel"]["header"] = json!(["X: a\r\nInjected: b"]);
        assert!(read_subscription(&bad).is_err());
    }

    #[test]
    fn retries_back_off_then_stop() {
        assert_eq!(retry_after(1), Some(TimeDelta::seconds(30)));
        assert_eq!(retry_after(2), Some(TimeDelta::seconds(60)));
        assert_eq!(retry_after(9), Some(TimeDelta::seconds(3600)));
        assert_eq!(retry_after(MAX_ATTEMPTS), None);
    }

    #[test]
    fn a_notification_names_the_version_and_the_turn_not_the_patient() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 12, 7)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let v = notification(&Changed {
            id: "r1",
            version: 4,
            status: Status::Sent,
            updated_at: t,
            sender_id: "s",
            receiver_id: "rx",
            patient_id: "p",
        });
        assert_eq!(v["meta"]["versionId"], "4");
        assert_eq!(v["status"], "requested");
        assert_eq!(v["owner"]["reference"], "Practitioner/rx");
        assert!(v.get("for").is_none() && v.get("input").is_none());
    }
}
