//! Search parameters of `Task` and `ServiceRequest`, read into one [`Query`] the database
//! layer turns into an index range. An unknown parameter or a value the server cannot honour
//! is an error naming it (the server never answers a search it did not do).

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

use super::{TASK_STATUSES, priority_of_code, statuses_of_request_status, statuses_of_task_status};
use crate::domain::cursor::{self, After};
use crate::domain::referral::{ALL_STATUSES, Party, Priority, Status};

/// The resource types a search runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Searched {
    Task,
    ServiceRequest,
}

/// Whose turn a Task's `owner` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Practitioner(String),
    Patient(String),
}

/// A search, as the database layer runs it over the referrals the caller is a party to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    /// Only these statuses (`None`: any).
    pub statuses: Option<Vec<Status>>,
    pub owner: Option<Owner>,
    pub sender: Option<String>,
    pub receiver: Option<String>,
    pub patient: Option<String>,
    pub referral: Option<String>,
    pub priorities: Option<Vec<Priority>>,
    /// Last changed at or after.
    pub updated_from: Option<NaiveDateTime>,
    /// Last changed before.
    pub updated_before: Option<NaiveDateTime>,
    /// Page size.
    pub count: usize,
    /// Where the page starts (most recently changed first).
    pub after: Option<After>,
}

/// The page size without `_count`, and the most a page holds.
pub const DEFAULT_COUNT: usize = 20;
pub const MAX_COUNT: usize = 100;

impl Query {
    /// The statuses a Practitioner owner's turn covers on `party`'s side.
    pub fn turn_statuses(party: Party) -> Vec<Status> {
        ALL_STATUSES
            .into_iter()
            .filter(|s| s.turn() == Some(party))
            .collect()
    }
}

/// Reads the query string's pairs. `Err` names the parameter and what is wrong with it.
pub fn parse(kind: Searched, params: &[(String, String)]) -> Result<Query, String> {
    let mut q = Query {
        count: DEFAULT_COUNT,
        ..Query::default()
    };
    for (name, value) in params {
        let value = value.trim();
        match (kind, name.as_str()) {
            (_, "_count") => {
                q.count = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_COUNT).contains(n))
                    .ok_or_else(|| format!("_count must be a number from 1 to {MAX_COUNT}"))?;
            }
            (_, "_cursor") => q.after = cursor::decode(value),
            (_, "_format") if value.contains("json") => {}
            (Searched::Task, "status") | (Searched::ServiceRequest, "status") => {
                let mut wanted = Vec::new();
                for code in value.split(',') {
                    let found = match kind {
                        Searched::Task => statuses_of_task_status(code),
                        Searched::ServiceRequest => statuses_of_request_status(code),
                    };
                    let known = match kind {
                        Searched::Task => {
                            TASK_STATUSES.contains(&code)
                                || [
                                    "ready",
                                    "in-progress",
                                    "on-hold",
                                    "failed",
                                    "entered-in-error",
                                ]
                                .contains(&code)
                        }
                        Searched::ServiceRequest => [
                            "draft",
                            "active",
                            "on-hold",
                            "revoked",
                            "completed",
                            "entered-in-error",
                            "unknown",
                        ]
                        .contains(&code),
                    };
                    if !known {
                        return Err(format!("status: \"{code}\" is not a status code"));
                    }
                    wanted.extend(found);
                }
                q.statuses = Some(intersect(q.statuses.take(), wanted));
            }
            (Searched::Task, "owner") => {
                let (t, id) = reference(value, &["Practitioner", "Patient"], "owner")?;
                q.owner = Some(if t == "Patient" {
                    Owner::Patient(id)
                } else {
                    Owner::Practitioner(id)
                });
            }
            (_, "requester") => q.sender = Some(reference(value, &["Practitioner"], name)?.1),
            (Searched::ServiceRequest, "performer") => {
                q.receiver = Some(reference(value, &["PractitionerRole", "Practitioner"], name)?.1);
            }
            (_, "patient") | (Searched::Task, "for") | (Searched::ServiceRequest, "subject") => {
                q.patient = Some(reference(value, &["Patient"], name)?.1);
            }
            (Searched::Task, "focus") => {
                q.referral = Some(reference(value, &["ServiceRequest"], name)?.1);
            }
            (_, "_id") => {
                if !super::is_id(value) {
                    return Err("_id: not an id".into());
                }
                q.referral = Some(value.to_string());
            }
            (Searched::ServiceRequest, "priority") => {
                let mut ps = Vec::new();
                for code in value.split(',') {
                    ps.push(priority_of_code(code).ok_or_else(|| {
                        format!("priority: \"{code}\" is not one of routine, urgent, stat")
                    })?);
                }
                q.priorities = Some(ps);
            }
            (Searched::Task, "_lastUpdated") => last_updated(&mut q, value)?,
            (_, other) => {
                let supported = match kind {
                    Searched::Task => {
                        "status, owner, requester, focus, patient, _lastUpdated, _id, _count"
                    }
                    Searched::ServiceRequest => {
                        "patient, requester, performer, status, priority, _id, _count"
                    }
                };
                return Err(format!(
                    "the search parameter \"{other}\" is not supported here; supported: {supported}"
                ));
            }
        }
    }
    Ok(q)
}

fn intersect(have: Option<Vec<Status>>, wanted: Vec<Status>) -> Vec<Status> {
    match have {
        None => wanted,
        Some(h) => h.into_iter().filter(|s| wanted.contains(s)).collect(),
    }
}

/// `Type/id`, a bare id (of the first type allowed), or an absolute URL ending in one.
fn reference(value: &str, types: &[&str], param: &str) -> Result<(String, String), String> {
    let parts: Vec<&str> = value.rsplitn(3, '/').collect();
    let (t, id) = match parts.as_slice() {
        [id] => (types[0], *id),
        [id, t, ..] => (*t, *id),
        _ => unreachable!("rsplitn yields at least one part"),
    };
    if !types.contains(&t) {
        return Err(format!(
            "{param}: a reference to {} is expected, not \"{value}\"",
            types.join(" or ")
        ));
    }
    if !super::is_id(id) {
        return Err(format!("{param}: \"{id}\" is not an id"));
    }
    Ok((t.to_string(), id.to_string()))
}

/// `_lastUpdated=[prefix]date-or-instant`, prefixes eq (the default), gt, ge, lt, le.
fn last_updated(q: &mut Query, value: &str) -> Result<(), String> {
    let bad = || {
        format!(
            "_lastUpdated: \"{value}\" is not [eq|gt|ge|lt|le] followed by a date or an instant"
        )
    };
    let (prefix, rest) = match value.get(..2) {
        Some(p @ ("eq" | "gt" | "ge" | "lt" | "le")) => (p, &value[2..]),
        _ => ("eq", value),
    };
    // A date stands for its whole day; an instant for its microsecond.
    let (start, end) = if let Ok(d) = NaiveDate::parse_from_str(rest, "%Y-%m-%d") {
        let s = d.and_hms_opt(0, 0, 0).ok_or_else(bad)?;
        (s, s + TimeDelta::days(1))
    } else {
        let t = chrono::DateTime::parse_from_rfc3339(rest)
            .map_err(|_| bad())?
            .naive_utc();
        (t, t + TimeDelta::microseconds(1))
    };
    let from = |q: &mut Query, t: NaiveDateTime| {
        q.updated_from = Some(q.updated_from.map_or(t, |f| f.max(t)));
    };
    let before = |q: &mut Query, t: NaiveDateTime| {
        q.updated_before = Some(q.updated_before.map_or(t, |b| b.min(t)));
    };
    match prefix {
        "eq" => {
            from(q, start);
            before(q, end);
        }
        "gt" => from(q, end),
        "ge" => from(q, start),
        "lt" => before(q, start),
        _ => before(q, end),
    }
    Ok(())
}

/// The query string of the next page: the same parameters, `_cursor` replaced.
pub fn next_query(params: &[(String, String)], cursor: &str) -> String {
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .filter(|(k, _)| k != "_cursor")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pairs.push(("_cursor", cursor));
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn task_parameters_read_into_one_query() {
        let q = parse(
            Searched::Task,
            &p(&[
                ("status", "requested,received"),
                ("owner", "Practitioner/u-1"),
                ("patient", "https://h.example/fhir/r4/Patient/p-1"),
                ("focus", "ServiceRequest/r-1"),
                ("_count", "5"),
            ]),
        )
        .unwrap();
        assert_eq!(
            q.statuses,
            Some(vec![Status::Sent, Status::NeedInfo, Status::VisitRequired])
        );
        assert_eq!(q.owner, Some(Owner::Practitioner("u-1".into())));
        assert_eq!(q.patient.as_deref(), Some("p-1"));
        assert_eq!(q.referral.as_deref(), Some("r-1"));
        assert_eq!(q.count, 5);
        // Repeated: both must hold.
        let q = parse(
            Searched::Task,
            &p(&[("status", "requested,received"), ("status", "received")]),
        )
        .unwrap();
        assert_eq!(
            q.statuses,
            Some(vec![Status::NeedInfo, Status::VisitRequired])
        );
        // A code FHIR has that no referral takes matches nothing, and is not an error.
        let q = parse(Searched::Task, &p(&[("status", "on-hold")])).unwrap();
        assert_eq!(q.statuses, Some(vec![]));
    }

    #[test]
    fn last_updated_prefixes_become_a_half_open_range() {
        let day = |d: u32| {
            NaiveDate::from_ymd_opt(2026, 12, d)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
        };
        let q = parse(Searched::Task, &p(&[("_lastUpdated", "2026-12-05")])).unwrap();
        assert_eq!(
            (q.updated_from, q.updated_before),
            (Some(day(5)), Some(day(6)))
        );
        let q = parse(
            Searched::Task,
            &p(&[
                ("_lastUpdated", "gt2026-12-01"),
                ("_lastUpdated", "le2026-12-03"),
            ]),
        )
        .unwrap();
        assert_eq!(
            (q.updated_from, q.updated_before),
            (Some(day(2)), Some(day(4)))
        );
        let q = parse(
            Searched::Task,
            &p(&[("_lastUpdated", "ge2026-12-05T10:00:00+02:00")]),
        )
        .unwrap();
        assert_eq!(q.updated_from, Some(day(5) + TimeDelta::hours(8)));
    }

    #[test]
    fn what_the_server_cannot_honour_is_named() {
        for (kind, name, value, says) in [
            (Searched::Task, "status", "done", "done"),
            (Searched::Task, "owner", "Organization/o1", "owner"),
            (Searched::Task, "code", "x", "code"),
            (Searched::Task, "_count", "0", "_count"),
            (Searched::Task, "_count", "1000", "_count"),
            (Searched::Task, "_lastUpdated", "yesterday", "yesterday"),
            (Searched::Task, "priority", "stat", "priority"),
            (Searched::ServiceRequest, "priority", "asap", "asap"),
            (Searched::ServiceRequest, "owner", "Practitioner/x", "owner"),
            (Searched::ServiceRequest, "patient", "Patient/a b", "a b"),
        ] {
            let e = parse(kind, &p(&[(name, value)])).unwrap_err();
            assert!(e.contains(says), "{name}={value}: {e}");
        }
    }

    #[test]
    fn the_next_page_keeps_every_parameter_but_the_cursor() {
        let params = p(&[("status", "requested"), ("_cursor", "old"), ("_count", "2")]);
        assert_eq!(
            next_query(&params, "123.abc"),
            "status=requested&_count=2&_cursor=123.abc"
        );
    }
}
