//! Referrals as FHIR R4 (4.0.1) resources: the status mapping, the record a referral is
//! written from, and the JSON of each resource. Pure: the service loads what the caller may
//! see (consent and doctor-only already applied) and hands it over as a [`Record`].
//!
//! Ids: a referral is `Task/{id}` and `ServiceRequest/{id}` (FHIR ids are per type); a
//! person is `Practitioner/{user id}` and `PractitionerRole/{user id}`; a clinic is
//! `Organization/{clinic id}`; consents, asks, attachments and events keep their row ids,
//! an ask's answer is `Communication/{ask id}-answer` and the snapshot is
//! `DocumentReference/{referral id}-snapshot`.

pub mod bundles;
pub mod capability;
pub mod inbound;
pub mod patch;
pub mod resources;
pub mod scope;
pub mod search;
pub mod subscription;

use chrono::NaiveDateTime;

use super::referral::{Kind, Party, Priority, Status};
use super::snapshot::Snapshot;

/// The FHIR release every resource is written in.
pub const FHIR_VERSION: &str = "4.0.1";

/// The media type of every answer of the API.
pub const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";

/// A practitioner at either end, with the clinic they work for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub email: String,
    /// "" when unknown (the sender's specialty is not loaded for every page).
    pub specialty: String,
    pub clinic_id: String,
    pub clinic_name: String,
}

/// The patient as the chart holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientInfo {
    pub id: String,
    pub mrn: String,
    pub given_name: String,
    pub family_name: String,
    /// `YYYY-MM-DD`, or "" when not recorded.
    pub birth_date: String,
    /// One of `people::SEXES`.
    pub sex: String,
    pub phone: String,
    pub email: String,
    pub clinic_id: String,
}

/// A consent record on the referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentInfo {
    pub id: String,
    /// "verbal" or "in_app".
    pub method: String,
    /// The snapshot sections it covers, comma-separated.
    pub scope: String,
    pub recipient_id: String,
    /// Who recorded it; `None` when the patient approved through their personal link.
    pub recorded_by: Option<String>,
    pub recorded_at: NaiveDateTime,
    pub withdrawn_at: Option<NaiveDateTime>,
}

/// A need-info ask and, once given, its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AskInfo {
    pub id: String,
    pub text: String,
    pub created_at: NaiveDateTime,
    pub answer: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
}

/// A file attached to the referral that the caller may open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    pub id: String,
    pub title: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Where the caller downloads it (the app's own access rules apply there too).
    pub url: String,
    pub uploaded_by: String,
    pub uploaded_at: NaiveDateTime,
    /// The file's bytes, base64, when the caller asked for the content (the export, a read
    /// of the DocumentReference or the Binary); `None` in searches and other reads.
    pub content: Option<String>,
}

/// A timeline event the caller may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventInfo {
    pub id: String,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub who: String,
    pub kind: String,
    pub note: String,
    /// Where the event moved the referral, if it moved it.
    pub to_status: Option<Status>,
}

/// Visits booked for the referral, as the businessStatus reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Visits {
    /// A visit is booked and not yet attended, missed or cancelled.
    pub booked: bool,
    /// The latest visit that is not cancelled was missed.
    pub no_show: bool,
}

/// Everything a referral's resources are written from, already limited to what the caller
/// may see: `snapshot` is `None` when the caller may not read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: String,
    pub version: i64,
    pub status: Status,
    pub kind: Kind,
    pub priority: Priority,
    pub reason: String,
    pub message: String,
    /// `YYYY-MM-DD`: the sender wants the patient seen by then.
    pub see_by: Option<String>,
    pub doctor_only: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub reject_code: Option<String>,
    pub reject_note: Option<String>,
    pub cancel_reason: Option<String>,
    pub decline_reason: Option<String>,
    pub outcome_summary: Option<String>,
    pub outcome_advice: Option<String>,
    /// When the current turn is due.
    pub due_at: Option<NaiveDateTime>,
    pub patient: PatientInfo,
    pub sender: Person,
    pub receiver: Person,
    pub snapshot: Option<Snapshot>,
    pub consents: Vec<ConsentInfo>,
    pub asks: Vec<AskInfo>,
    pub files: Vec<FileInfo>,
    pub events: Vec<EventInfo>,
    pub visits: Visits,
}

/// `Task.status` of a referral status (DESIGN section 2, extended to every status).
pub fn task_status(s: Status) -> &'static str {
    match s {
        Status::Draft | Status::AwaitingPatient => "draft",
        Status::Sent => "requested",
        Status::NeedInfo | Status::VisitRequired => "received",
        Status::Accepted => "accepted",
        Status::Completed | Status::Answered | Status::Converted => "completed",
        Status::Rejected | Status::Returned => "rejected",
        Status::Cancelled | Status::DeclinedByPatient | Status::Expired => "cancelled",
    }
}

/// Every `Task.status` code the mapping uses, for the search's validation.
pub const TASK_STATUSES: [&str; 7] = [
    "draft",
    "requested",
    "received",
    "accepted",
    "completed",
    "rejected",
    "cancelled",
];

/// The referral statuses a `Task.status` code stands for.
pub fn statuses_of_task_status(code: &str) -> Vec<Status> {
    super::referral::ALL_STATUSES
        .into_iter()
        .filter(|s| task_status(*s) == code)
        .collect()
}

/// `Task.businessStatus`: the sub-state `status` alone does not tell.
pub fn business_status(s: Status, visits: Visits) -> Option<&'static str> {
    let visit = if visits.no_show {
        Some("no-show")
    } else if visits.booked {
        Some("visit-booked")
    } else {
        None
    };
    match s {
        Status::AwaitingPatient => Some("awaiting-patient"),
        Status::NeedInfo => Some("need-info"),
        Status::VisitRequired => visit.or(Some("visit-required")),
        Status::Accepted => visit,
        Status::Answered => Some("answered"),
        Status::Converted => Some("converted"),
        Status::Returned => Some("returned-with-advice"),
        Status::Expired => Some("expired"),
        Status::DeclinedByPatient => Some("declined-by-patient"),
        _ => None,
    }
}

/// `ServiceRequest.status` of a referral status.
pub fn request_status(s: Status) -> &'static str {
    match s {
        Status::Draft | Status::AwaitingPatient => "draft",
        Status::Sent | Status::NeedInfo | Status::VisitRequired | Status::Accepted => "active",
        Status::Completed | Status::Answered | Status::Converted => "completed",
        Status::Rejected
        | Status::Returned
        | Status::Cancelled
        | Status::DeclinedByPatient
        | Status::Expired => "revoked",
    }
}

/// The referral statuses a `ServiceRequest.status` code stands for.
pub fn statuses_of_request_status(code: &str) -> Vec<Status> {
    super::referral::ALL_STATUSES
        .into_iter()
        .filter(|s| request_status(*s) == code)
        .collect()
}

/// FHIR's request priority (routine | urgent | asap | stat) of a referral priority.
pub fn priority_code(p: Priority) -> &'static str {
    match p {
        Priority::Routine => "routine",
        Priority::Urgent => "urgent",
        Priority::Emergency => "stat",
    }
}

/// The referral priority a FHIR priority code searches for (`asap` has no counterpart).
pub fn priority_of_code(code: &str) -> Option<Priority> {
    match code {
        "routine" => Some(Priority::Routine),
        "urgent" => Some(Priority::Urgent),
        "stat" => Some(Priority::Emergency),
        _ => None,
    }
}

/// Who holds the turn, as `Task.owner` names them.
pub fn owner(status: Status) -> Option<Party> {
    status.turn()
}

/// An instant as FHIR writes it (the app keeps UTC).
pub fn instant(t: NaiveDateTime) -> String {
    t.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Whether `s` is a FHIR id (`[A-Za-z0-9\-\.]{1,64}`).
pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

/// FHIR administrative gender of a chart's sex.
pub fn gender(sex: &str) -> &'static str {
    match sex {
        "female" => "female",
        "male" => "male",
        "other" => "other",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::referral::ALL_STATUSES;

    #[test]
    fn every_status_maps_into_the_codes_fhir_allows_and_back() {
        let task = [
            "draft",
            "requested",
            "received",
            "accepted",
            "rejected",
            "ready",
            "cancelled",
            "in-progress",
            "on-hold",
            "failed",
            "completed",
            "entered-in-error",
        ];
        let request = [
            "draft",
            "active",
            "on-hold",
            "revoked",
            "completed",
            "entered-in-error",
            "unknown",
        ];
        for s in ALL_STATUSES {
            assert!(task.contains(&task_status(s)), "{s}");
            assert!(request.contains(&request_status(s)), "{s}");
            assert!(TASK_STATUSES.contains(&task_status(s)), "{s}");
            assert!(statuses_of_task_status(task_status(s)).contains(&s));
            assert!(statuses_of_request_status(request_status(s)).contains(&s));
        }
        // DESIGN section 2.
        assert_eq!(task_status(Status::AwaitingPatient), "draft");
        assert_eq!(task_status(Status::Sent), "requested");
        assert_eq!(task_status(Status::NeedInfo), "received");
        assert_eq!(task_status(Status::DeclinedByPatient), "cancelled");
        assert_eq!(
            statuses_of_task_status("received"),
            vec![Status::NeedInfo, Status::VisitRequired]
        );
        assert!(statuses_of_task_status("ready").is_empty());
    }

    #[test]
    fn the_business_status_tells_the_sub_states_apart() {
        let none = Visits::default();
        let booked = Visits {
            booked: true,
            no_show: false,
        };
        let missed = Visits {
            booked: false,
            no_show: true,
        };
        assert_eq!(business_status(Status::NeedInfo, none), Some("need-info"));
        assert_eq!(
            business_status(Status::VisitRequired, none),
            Some("visit-required")
        );
        assert_eq!(
            business_status(Status::VisitRequired, booked),
            Some("visit-booked")
        );
        assert_eq!(business_status(Status::Accepted, missed), Some("no-show"));
        assert_eq!(business_status(Status::Accepted, none), None);
        assert_eq!(business_status(Status::Sent, booked), None);
    }

    #[test]
    fn priorities_map_both_ways_and_ids_are_checked() {
        for p in [Priority::Routine, Priority::Urgent, Priority::Emergency] {
            assert_eq!(priority_of_code(priority_code(p)), Some(p));
        }
        assert_eq!(priority_of_code("asap"), None);
        assert!(is_id("0193a5c0-7e1f-7000-8000-000000000000-snapshot"));
        assert!(!is_id(""));
        assert!(!is_id("a/b"));
        assert!(!is_id(&"a".repeat(65)));
        let t = chrono::NaiveDate::from_ymd_opt(2026, 12, 7)
            .unwrap()
            .and_hms_opt(4, 5, 6)
            .unwrap();
        assert_eq!(instant(t), "2026-12-07T04:05:06Z");
    }
}
