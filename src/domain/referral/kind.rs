//! What kind of handoff a referral is, how pressing it is, and why a receiver may decline it.

use std::fmt;

use super::status::Status;

/// The kind of referral, from the receiver's organisation: a hospital takes admissions,
/// labs and imaging centres take orders, everyone else specialist referrals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Specialist,
    Admission,
    Lab,
    Imaging,
    /// An advice question: the specialist answers without taking the patient over (NHS
    /// e-RS "Advice and Guidance"), or converts it into a referral to themselves.
    Advice,
}

/// Every kind.
pub const ALL_KINDS: [Kind; 5] = [
    Kind::Specialist,
    Kind::Admission,
    Kind::Lab,
    Kind::Imaging,
    Kind::Advice,
];

/// Snapshot sections an admission packet must carry.
pub const ADMISSION_SECTIONS: [&str; 4] = ["vitals", "medications", "allergies", "visits"];

impl Kind {
    /// The value stored in `referrals.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Specialist => "specialist",
            Kind::Admission => "admission",
            Kind::Lab => "lab",
            Kind::Imaging => "imaging",
            Kind::Advice => "advice",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Kind> {
        ALL_KINDS.into_iter().find(|k| k.as_str() == s)
    }

    /// How the kind reads in a heading ("Lab referral").
    pub fn label(self) -> &'static str {
        match self {
            Kind::Specialist => "Specialist",
            Kind::Admission => "Admission",
            Kind::Lab => "Lab",
            Kind::Imaging => "Imaging",
            Kind::Advice => "Advice",
        }
    }

    /// An advice question rather than a referral.
    pub fn is_question(self) -> bool {
        self == Kind::Advice
    }

    /// How practitioners read a status of this kind: a question is "asked", not "sent".
    pub fn status_label(self, status: &Status) -> &'static str {
        match (self, *status) {
            (Kind::Advice, Status::Sent) => "Asked",
            _ => status.label(),
        }
    }

    /// The kind a receiver's organisation (`clinics.kind`) takes.
    pub fn for_organisation(organisation_kind: &str) -> Kind {
        match organisation_kind {
            "hospital" => Kind::Admission,
            "lab" => Kind::Lab,
            "imaging" => Kind::Imaging,
            _ => Kind::Specialist,
        }
    }

    /// An order (lab or imaging) carries the tests asked for and completes when the report
    /// is uploaded.
    pub fn is_order(self) -> bool {
        matches!(self, Kind::Lab | Kind::Imaging)
    }

    /// An order must list the tests asked for.
    pub fn lacks_tests(self, tests: &str) -> bool {
        self.is_order() && tests.trim().is_empty()
    }

    /// An admission is urgent unless the sender says otherwise.
    pub fn default_priority(self) -> Priority {
        if self == Kind::Admission {
            Priority::Urgent
        } else {
            Priority::Routine
        }
    }

    /// The required sections missing from `scope` (comma-separated keys).
    pub fn missing_sections(self, scope: &str) -> Vec<&'static str> {
        if self != Kind::Admission {
            return Vec::new();
        }
        let have: Vec<&str> = scope.split(',').collect();
        ADMISSION_SECTIONS
            .into_iter()
            .filter(|s| !have.contains(s))
            .collect()
    }

    /// The message of [`Kind::default_what_to_bring`] (`bring-default-*`), which readers
    /// see in their language while the receiver has not changed the text.
    pub fn default_what_to_bring_key(self) -> &'static str {
        match self {
            Kind::Lab | Kind::Imaging => "bring-default-order",
            Kind::Admission => "bring-default-admission",
            Kind::Specialist | Kind::Advice => "bring-default-specialist",
        }
    }

    /// What a patient is told to bring, by default.
    pub fn default_what_to_bring(self) -> &'static str {
        match self {
            Kind::Lab | Kind::Imaging => {
                "Photo ID, this referral, and any earlier results or images of the same test."
            }
            Kind::Admission => {
                "Photo ID, this referral, all current medicines in their boxes, and clothes and toiletries for a few days."
            }
            Kind::Specialist | Kind::Advice => {
                "Photo ID, this referral, a list of your current medicines, and any recent test results or letters."
            }
        }
    }
}

/// The message to show for a referral's stored "what to bring": the kind's default message
/// while the text is still that default (so each reader gets it in their language).
pub fn what_to_bring_key(kind: Kind, text: &str) -> Option<&'static str> {
    (text == kind.default_what_to_bring()).then(|| kind.default_what_to_bring_key())
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Statuses in which a submitted referral's loop is still open for its sender.
pub const OPEN_LOOP: [Status; 6] = [
    Status::AwaitingPatient,
    Status::Sent,
    Status::NeedInfo,
    Status::VisitRequired,
    Status::Accepted,
    Status::Rejected,
];

/// The age bands of open loops, in days since submission: under 7, 7 to 30, over 30.
pub const OPEN_LOOP_BANDS: [(&str, i64, i64); 3] = [
    ("under 7 days", 0, 7),
    ("7–30 days", 7, 30),
    ("over 30 days", 30, i64::MAX),
];

/// Priority of a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    Routine,
    Urgent,
    Emergency,
}

pub const PRIORITIES: [(&str, &str); 3] = [
    ("routine", "Routine"),
    ("urgent", "Urgent"),
    ("emergency", "Emergency"),
];

impl Priority {
    pub fn parse(s: &str) -> Option<Priority> {
        match s {
            "routine" => Some(Priority::Routine),
            "urgent" => Some(Priority::Urgent),
            "emergency" => Some(Priority::Emergency),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Routine => "routine",
            Priority::Urgent => "urgent",
            Priority::Emergency => "emergency",
        }
    }
    /// Sort rank, most pressing first.
    pub fn rank(self) -> i64 {
        match self {
            Priority::Emergency => 0,
            Priority::Urgent => 1,
            Priority::Routine => 2,
        }
    }
}

/// Coded reasons a receiver declines a referral.
pub const REJECT_REASONS: [(&str, &str); 5] = [
    ("duplicate", "Duplicate referral"),
    ("incomplete", "Incomplete information"),
    ("out_of_scope", "Out of scope for this practice"),
    ("no_capacity", "No capacity"),
    ("other", "Other"),
];

/// The label of a reject reason code.
pub fn reject_reason_label(code: &str) -> &'static str {
    REJECT_REASONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Other", |(_, l)| l)
}
