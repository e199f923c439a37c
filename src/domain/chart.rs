//! The patient chart: validated entries for each section, and the vitals trend.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::forms::{
    FieldErrors, optional_int, optional_tenths, optional_text, required_date, required_text,
};

/// A chief complaint as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ComplaintInput {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub onset: String,
}

/// A validated chief complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Complaint {
    pub description: String,
    pub onset: String,
}

/// Validates a chief complaint.
pub fn validate_complaint(i: &ComplaintInput) -> Result<Complaint, FieldErrors> {
    let mut e = FieldErrors::new();
    let description = required_text(&mut e, "description", "Complaint", &i.description, 2000);
    let onset = optional_text(&mut e, "onset", "Onset", &i.onset, 100);
    e.into_result(Complaint { description, onset })
}

/// Vitals as typed (all optional but at least one).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct VitalsInput {
    #[serde(default)]
    pub taken_at: String,
    #[serde(default)]
    pub systolic: String,
    #[serde(default)]
    pub diastolic: String,
    #[serde(default)]
    pub heart_rate: String,
    #[serde(default)]
    pub temperature: String,
    #[serde(default)]
    pub spo2: String,
    #[serde(default)]
    pub weight: String,
}

/// Validated vitals. Temperature in tenths of a degree Celsius, weight in tenths of a kg.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vitals {
    pub taken_at: NaiveDateTime,
    pub systolic: Option<i64>,
    pub diastolic: Option<i64>,
    pub heart_rate: Option<i64>,
    pub temperature_dc: Option<i64>,
    pub spo2: Option<i64>,
    pub weight_dag: Option<i64>,
}

/// Validates vitals; an empty `taken_at` means `now`. Ranges are physiologically plausible
/// bounds that catch typos (a systolic of 1200), not clinical judgements.
pub fn validate_vitals(i: &VitalsInput, now: NaiveDateTime) -> Result<Vitals, FieldErrors> {
    let mut e = FieldErrors::new();
    let taken_at = if i.taken_at.trim().is_empty() {
        now
    } else {
        match NaiveDateTime::parse_from_str(i.taken_at.trim(), "%Y-%m-%dT%H:%M") {
            Ok(t) if t <= now + chrono::Duration::minutes(5) => t,
            Ok(_) => {
                e.add("taken_at", "The time taken cannot be in the future.");
                now
            }
            Err(_) => {
                e.add("taken_at", "Enter a date and time like 2026-11-20T09:30.");
                now
            }
        }
    };
    let systolic = optional_int(
        &mut e,
        "systolic",
        "Systolic pressure",
        &i.systolic,
        40..=300,
    );
    let diastolic = optional_int(
        &mut e,
        "diastolic",
        "Diastolic pressure",
        &i.diastolic,
        20..=200,
    );
    if let (Some(s), Some(d)) = (systolic, diastolic)
        && d >= s
    {
        e.add(
            "diastolic",
            "Diastolic pressure must be lower than systolic.",
        );
    }
    if systolic.is_some() != diastolic.is_some() {
        e.add(
            "systolic",
            "Enter both systolic and diastolic pressure, or neither.",
        );
    }
    let heart_rate = optional_int(&mut e, "heart_rate", "Heart rate", &i.heart_rate, 20..=250);
    let temperature_dc = optional_tenths(
        &mut e,
        "temperature",
        "Temperature",
        &i.temperature,
        300..=450,
    );
    let spo2 = optional_int(&mut e, "spo2", "Oxygen saturation", &i.spo2, 50..=100);
    let weight_dag = optional_tenths(&mut e, "weight", "Weight", &i.weight, 5..=5000);
    let v = Vitals {
        taken_at,
        systolic,
        diastolic,
        heart_rate,
        temperature_dc,
        spo2,
        weight_dag,
    };
    if e.is_empty()
        && v.systolic.is_none()
        && v.heart_rate.is_none()
        && v.temperature_dc.is_none()
        && v.spo2.is_none()
        && v.weight_dag.is_none()
    {
        e.add("systolic", "Enter at least one measurement.");
    }
    e.into_result(v)
}

/// Medication statuses: `draft` is a prescription being prepared, not yet issued.
pub const MEDICATION_STATUSES: [(&str, &str); 3] = [
    ("current", "Current"),
    ("draft", "Draft prescription"),
    ("stopped", "Stopped"),
];

/// How a stored medication status reads; anything unknown reads as stopped (never as
/// current, which would invite a clinician to rely on it).
pub fn medication_status_label(s: &str) -> &'static str {
    MEDICATION_STATUSES
        .iter()
        .find(|(k, _)| *k == s)
        .map_or("Stopped", |(_, l)| l)
}

/// A medication as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct MedicationInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub dose: String,
    #[serde(default)]
    pub frequency: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub note: String,
}

/// A validated medication line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Medication {
    pub name: String,
    pub dose: String,
    pub frequency: String,
    pub status: String,
    pub note: String,
}

/// Validates a medication line.
pub fn validate_medication(i: &MedicationInput) -> Result<Medication, FieldErrors> {
    let mut e = FieldErrors::new();
    let name = required_text(&mut e, "name", "Medicine", &i.name, 200);
    let dose = required_text(&mut e, "dose", "Dose", &i.dose, 100);
    let frequency = required_text(&mut e, "frequency", "Frequency", &i.frequency, 100);
    let status = i.status.trim().to_string();
    if !MEDICATION_STATUSES.iter().any(|(v, _)| *v == status) {
        e.add("status", "Choose current, draft prescription or stopped.");
    }
    let note = optional_text(&mut e, "note", "Note", &i.note, 1000);
    e.into_result(Medication {
        name,
        dose,
        frequency,
        status,
        note,
    })
}

/// Allergy severities.
pub const SEVERITIES: [(&str, &str); 3] = [
    ("mild", "Mild"),
    ("moderate", "Moderate"),
    ("severe", "Severe"),
];

/// An allergy as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct AllergyInput {
    #[serde(default)]
    pub substance: String,
    #[serde(default)]
    pub reaction: String,
    #[serde(default)]
    pub severity: String,
}

/// A validated allergy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allergy {
    pub substance: String,
    pub reaction: String,
    pub severity: String,
}

/// Validates an allergy.
pub fn validate_allergy(i: &AllergyInput) -> Result<Allergy, FieldErrors> {
    let mut e = FieldErrors::new();
    let substance = required_text(&mut e, "substance", "Substance", &i.substance, 200);
    let reaction = required_text(&mut e, "reaction", "Reaction", &i.reaction, 500);
    let severity = i.severity.trim().to_string();
    if !SEVERITIES.iter().any(|(v, _)| *v == severity) {
        e.add("severity", "Choose mild, moderate or severe.");
    }
    e.into_result(Allergy {
        substance,
        reaction,
        severity,
    })
}

/// A visit note as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct VisitInput {
    #[serde(default)]
    pub visited_on: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub notes: String,
}

/// A validated visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub visited_on: NaiveDate,
    pub reason: String,
    pub notes: String,
}

/// Validates a visit; it cannot be dated after `today`.
pub fn validate_visit(i: &VisitInput, today: NaiveDate) -> Result<Visit, FieldErrors> {
    let mut e = FieldErrors::new();
    let visited_on = required_date(&mut e, "visited_on", "Visit date", &i.visited_on);
    if visited_on.is_some_and(|d| d > today) {
        e.add("visited_on", "A visit note cannot be dated in the future.");
    }
    let reason = required_text(&mut e, "reason", "Reason", &i.reason, 300);
    let notes = required_text(&mut e, "notes", "Notes", &i.notes, 10_000);
    e.into_result(Visit {
        visited_on: visited_on.unwrap_or(today),
        reason,
        notes,
    })
}

/// Kinds of chart file.
pub const FILE_KINDS: [(&str, &str); 2] = [("lab", "Lab result"), ("imaging", "Imaging")];

/// One plotted series of the vitals trend, as SVG polyline points in a `width` x `height`
/// box, oldest on the left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trend {
    pub points: String,
    pub min: i64,
    pub max: i64,
    pub count: usize,
}

/// Builds the trend line for the given values (oldest first). Fewer than two values make no
/// line: a single reading is shown as a number, not a trend.
pub fn trend(values: &[i64], width: i64, height: i64) -> Option<Trend> {
    if values.len() < 2 {
        return None;
    }
    let min = *values.iter().min()?;
    let max = *values.iter().max()?;
    let span = (max - min).max(1);
    let pad = 4;
    let n = values.len() as i64;
    let points = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let x = pad + (i as i64) * (width - 2 * pad) / (n - 1);
            let y = pad + (max - v) * (height - 2 * pad) / span;
            format!("{x},{y}")
        })
        .collect::<Vec<_>>()
        .join(" ");
    Some(Trend {
        points,
        min,
        max,
        count: values.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 22)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap()
    }

    #[test]
    fn vitals_need_a_measurement_and_consistent_pressure() {
        let e = validate_vitals(&VitalsInput::default(), now()).unwrap_err();
        assert_eq!(e.get("systolic"), Some("Enter at least one measurement."));
        let i = VitalsInput {
            systolic: "80".into(),
            diastolic: "120".into(),
            ..Default::default()
        };
        assert_eq!(
            validate_vitals(&i, now()).unwrap_err().get("diastolic"),
            Some("Diastolic pressure must be lower than systolic.")
        );
        let i = VitalsInput {
            systolic: "120".into(),
            ..Default::default()
        };
        assert!(
            validate_vitals(&i, now())
                .unwrap_err()
                .get("systolic")
                .is_some()
        );
        let i = VitalsInput {
            systolic: "128".into(),
            diastolic: "82".into(),
            temperature: "37.4".into(),
            weight: "71.5".into(),
            taken_at: "2026-11-21T08:15".into(),
            ..Default::default()
        };
        let v = validate_vitals(&i, now()).unwrap();
        assert_eq!(v.temperature_dc, Some(374));
        assert_eq!(v.weight_dag, Some(715));
        assert_eq!(v.taken_at.to_string(), "2026-11-21 08:15:00");
    }

    #[test]
    fn vitals_refuse_future_time() {
        let i = VitalsInput {
            heart_rate: "70".into(),
            taken_at: "2026-11-23T08:15".into(),
            ..Default::default()
        };
        assert!(
            validate_vitals(&i, now())
                .unwrap_err()
                .get("taken_at")
                .is_some()
        );
    }

    #[test]
    fn medication_status_is_checked() {
        let i = MedicationInput {
            name: "Metformin".into(),
            dose: "500 mg".into(),
            frequency: "twice daily".into(),
            status: "maybe".into(),
            note: "".into(),
        };
        assert!(validate_medication(&i).unwrap_err().get("status").is_some());
        let i = MedicationInput {
            status: "draft".into(),
            ..i
        };
        assert_eq!(validate_medication(&i).unwrap().status, "draft");
    }

    #[test]
    fn allergy_and_complaint() {
        assert!(
            validate_allergy(&AllergyInput::default())
                .unwrap_err()
                .get("substance")
                .is_some()
        );
        let a = validate_allergy(&AllergyInput {
            substance: "Penicillin".into(),
            reaction: "Hives".into(),
            severity: "severe".into(),
        })
        .unwrap();
        assert_eq!(a.severity, "severe");
        assert!(validate_complaint(&ComplaintInput::default()).is_err());
    }

    #[test]
    fn visit_not_in_future() {
        let i = VisitInput {
            visited_on: "2026-12-01".into(),
            reason: "Review".into(),
            notes: "ok".into(),
        };
        assert!(
            validate_visit(&i, now().date())
                .unwrap_err()
                .get("visited_on")
                .is_some()
        );
    }

    #[test]
    fn trend_scales_into_the_box() {
        assert!(trend(&[120], 100, 40).is_none());
        let t = trend(&[120, 140, 130], 100, 40).unwrap();
        assert_eq!(t.points, "4,36 50,4 96,20");
        assert_eq!((t.min, t.max, t.count), (120, 140, 3));
        let flat = trend(&[70, 70], 100, 40).unwrap();
        assert_eq!(flat.points, "4,4 96,4");
    }
}
