//! The clinical snapshot a referral carries: sections prefilled from the chart, ticked and
//! edited by the sender, frozen (as JSON) on submit, and only ever shown within the scope of
//! the patient's consent.

use serde::{Deserialize, Serialize};

use super::forms::FieldErrors;

/// The sections a snapshot can hold, in display order: (key, title).
pub const SECTIONS: [(&str, &str); 6] = [
    ("complaint", "Chief complaint"),
    ("vitals", "Vitals"),
    ("medications", "Medications and draft prescriptions"),
    ("allergies", "Allergies"),
    ("labs", "Lab and imaging files"),
    ("visits", "Recent visits"),
];

/// The title of a section key.
pub fn section_title(key: &str) -> &'static str {
    SECTIONS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("Section", |(_, t)| t)
}

/// One shared section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub key: String,
    pub title: String,
    pub text: String,
}

/// A lab or imaging file shared with the referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedFile {
    pub id: String,
    pub title: String,
}

/// The snapshot: only the ticked sections, with the sender's text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub sections: Vec<Section>,
    pub files: Vec<SharedFile>,
}

impl Snapshot {
    /// The section keys it holds, comma-separated (the consent scope).
    pub fn scope(&self) -> String {
        self.sections
            .iter()
            .map(|s| s.key.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Whether any text in the snapshot contains `needle` (tests use it to prove absence).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// Parses stored JSON; unreadable JSON is an empty snapshot.
    pub fn from_json(s: &str) -> Snapshot {
        serde_json::from_str(s).unwrap_or_default()
    }

    /// Keeps only the sections in `scope` (a consent's scope): a snapshot is never shown
    /// beyond what the patient agreed to share.
    pub fn within(&self, scope: &str) -> Snapshot {
        let allowed: Vec<&str> = scope.split(',').filter(|s| !s.is_empty()).collect();
        Snapshot {
            sections: self
                .sections
                .iter()
                .filter(|s| allowed.contains(&s.key.as_str()))
                .cloned()
                .collect(),
            files: if allowed.contains(&"labs") {
                self.files.clone()
            } else {
                Vec::new()
            },
        }
    }
}

/// Whether a consent with scope `consented` covers every section of `wanted`.
pub fn scope_covers(consented: &str, wanted: &str) -> bool {
    let have: Vec<&str> = consented.split(',').filter(|s| !s.is_empty()).collect();
    wanted
        .split(',')
        .filter(|s| !s.is_empty())
        .all(|w| have.contains(&w))
}

/// The composer's input, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ComposerInput {
    #[serde(default)]
    pub receiver_id: String,
    #[serde(default)]
    pub priority: String,
    #[serde(default)]
    pub see_by: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub doctor_only: Option<String>,
    #[serde(default)]
    pub consent_verbal: Option<String>,
    /// "draft" or "send".
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub redirected_from: String,
    /// Present when the composer asks for advice instead of referring.
    #[serde(default)]
    pub ask: Option<String>,
    /// The sender allows the specialist to turn the question into a referral.
    #[serde(default)]
    pub may_convert: Option<String>,
}

/// A validated referral draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub receiver_id: String,
    pub priority: String,
    pub see_by: Option<chrono::NaiveDate>,
    pub reason: String,
    pub message: String,
    pub doctor_only: bool,
    pub snapshot: Snapshot,
}

/// Validates the composer. `sections` are the ticked (key, text) pairs and `files` the
/// chosen files (already checked to belong to the patient).
pub fn validate_composer(
    input: &ComposerInput,
    sections: Vec<(String, String)>,
    files: Vec<SharedFile>,
    today: chrono::NaiveDate,
) -> Result<Draft, FieldErrors> {
    use super::forms::{optional_text, required_text};
    let mut e = FieldErrors::new();
    if input.receiver_id.trim().is_empty() {
        e.add("receiver_id", "Choose who to refer to.");
    }
    let priority = input.priority.trim().to_string();
    if super::referral::Priority::parse(&priority).is_none() {
        e.add("priority", "Choose routine, urgent or emergency.");
    }
    let see_by = if input.see_by.trim().is_empty() {
        None
    } else {
        match chrono::NaiveDate::parse_from_str(input.see_by.trim(), "%Y-%m-%d") {
            Ok(d) if d < today => {
                e.add("see_by", "The see-by date cannot be in the past.");
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                e.add("see_by", "Enter a date like 2026-12-01.");
                None
            }
        }
    };
    let reason = required_text(&mut e, "reason", "Reason for referral", &input.reason, 2000);
    let message = optional_text(&mut e, "message", "Message", &input.message, 4000);
    let mut out = Vec::new();
    for (key, text) in sections {
        if !SECTIONS.iter().any(|(k, _)| *k == key) {
            continue;
        }
        if text.chars().count() > 20_000 {
            e.add(
                "sections",
                format!(
                    "{} is too long (at most 20,000 characters).",
                    section_title(&key)
                ),
            );
        }
        out.push(Section {
            title: section_title(&key).to_string(),
            key,
            text: text.trim().to_string(),
        });
    }
    out.sort_by_key(|s| SECTIONS.iter().position(|(k, _)| *k == s.key));
    let has_labs = out.iter().any(|s| s.key == "labs");
    e.into_result(Draft {
        receiver_id: input.receiver_id.trim().to_string(),
        priority,
        see_by,
        reason,
        message,
        doctor_only: input.doctor_only.is_some(),
        snapshot: Snapshot {
            sections: out,
            files: if has_labs { files } else { Vec::new() },
        },
    })
}

/// What the receiver may see of a frozen snapshot: the sections that the live consent given
/// to them covers, or nothing without one. `consents` are the live ones, as
/// (recipient, scope).
pub fn shared_with_receiver<'a>(
    snapshot_json: &str,
    receiver_id: &str,
    mut consents: impl Iterator<Item = (&'a str, &'a str)>,
) -> Option<Snapshot> {
    consents
        .find(|(recipient, _)| *recipient == receiver_id)
        .map(|(_, scope)| Snapshot::from_json(snapshot_json).within(scope))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn input() -> ComposerInput {
        ComposerInput {
            receiver_id: "u1".into(),
            priority: "urgent".into(),
            see_by: "2026-12-01".into(),
            reason: "Chest pain on exertion".into(),
            ..Default::default()
        }
    }

    #[test]
    fn composer_keeps_ticked_sections_in_order() {
        let d = validate_composer(
            &input(),
            vec![
                ("allergies".into(), "Penicillin".into()),
                ("complaint".into(), " Pain ".into()),
                ("bogus".into(), "x".into()),
            ],
            vec![SharedFile {
                id: "f".into(),
                title: "ECG".into(),
            }],
            today(),
        )
        .unwrap();
        assert_eq!(d.snapshot.scope(), "complaint,allergies");
        assert_eq!(d.snapshot.sections[0].text, "Pain");
        assert!(
            d.snapshot.files.is_empty(),
            "files travel only with the labs section"
        );
    }

    #[test]
    fn composer_errors_by_field() {
        let mut i = input();
        i.reason = " ".into();
        i.priority = "whenever".into();
        i.see_by = "2020-01-01".into();
        let e = validate_composer(&i, vec![], vec![], today()).unwrap_err();
        assert_eq!(e.get("reason"), Some("Reason for referral is required."));
        assert!(e.get("priority").is_some());
        assert_eq!(
            e.get("see_by"),
            Some("The see-by date cannot be in the past.")
        );
    }

    #[test]
    fn scope_limits_what_is_shown() {
        let s = Snapshot {
            sections: vec![
                Section {
                    key: "complaint".into(),
                    title: "C".into(),
                    text: "pain".into(),
                },
                Section {
                    key: "labs".into(),
                    title: "L".into(),
                    text: "ecg".into(),
                },
            ],
            files: vec![SharedFile {
                id: "f".into(),
                title: "ECG".into(),
            }],
        };
        let w = s.within("complaint");
        assert_eq!(w.sections.len(), 1);
        assert!(w.files.is_empty());
        assert_eq!(s.within("").sections.len(), 0);
        assert!(scope_covers("complaint,labs,vitals", "labs,complaint"));
        assert!(!scope_covers("complaint", "complaint,labs"));
        assert_eq!(Snapshot::from_json(&s.to_json()), s);
    }
}
