//! The composer's snapshot sections, prefilled from the patient's chart: the latest
//! complaints, vitals, current medications and draft prescriptions, allergies, files and
//! visits, each a text the sender may edit or untick.

use crate::db::chart::FileRow;
use crate::db::{self, DbConn};
use crate::domain::snapshot::SECTIONS;
use crate::error::AppResult;

/// One section of the composer: key, title, text, ticked.
pub struct ComposerSection {
    pub key: &'static str,
    pub title: &'static str,
    pub text: String,
    pub ticked: bool,
}

/// The sections (ticked when they have something to say; labs never by default) and the
/// patient's files.
pub(super) fn prefill(
    conn: &mut DbConn,
    patient_id: &str,
) -> AppResult<(Vec<ComposerSection>, Vec<FileRow>)> {
    let chart = db::chart::load_chart(conn, patient_id)?;
    let complaint = chart
        .complaints
        .iter()
        .take(3)
        .map(|c| {
            if c.onset.is_empty() {
                c.description.clone()
            } else {
                format!("{} (onset {})", c.description, c.onset)
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let vitals = chart
        .vitals
        .iter()
        .rev()
        .take(3)
        .map(|v| {
            let mut parts = Vec::new();
            if let (Some(s), Some(d)) = (v.systolic, v.diastolic) {
                parts.push(format!("BP {s}/{d} mmHg"));
            }
            if let Some(h) = v.heart_rate {
                parts.push(format!("pulse {h}/min"));
            }
            if let Some(t) = v.temperature_dc {
                parts.push(format!("temp {} °C", crate::domain::forms::fmt_tenths(t)));
            }
            if let Some(o) = v.spo2 {
                parts.push(format!("SpO2 {o} %"));
            }
            if let Some(w) = v.weight_dag {
                parts.push(format!("weight {} kg", crate::domain::forms::fmt_tenths(w)));
            }
            format!("{}: {}", v.taken_at.format("%Y-%m-%d"), parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n");
    let medications = chart
        .medications
        .iter()
        .filter(|m| m.status != "stopped")
        .map(|m| {
            let kind = if m.status == "draft" {
                "draft prescription"
            } else {
                "current"
            };
            format!("{} {}, {} ({kind})", m.name, m.dose, m.frequency)
        })
        .collect::<Vec<_>>()
        .join("\n");
    let allergies = if chart.allergies.is_empty() {
        "No known allergies recorded.".to_string()
    } else {
        chart
            .allergies
            .iter()
            .map(|a| format!("{}: {} ({})", a.substance, a.reaction, a.severity))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let visits = chart
        .visits
        .iter()
        .take(3)
        .map(|(v, by)| format!("{} · {} · {}\n{}", v.visited_on, v.reason, by, v.notes))
        .collect::<Vec<_>>()
        .join("\n\n");
    let labs = if chart.files.is_empty() {
        String::new()
    } else {
        "See the attached files.".to_string()
    };
    let texts = [complaint, vitals, medications, allergies, labs, visits];
    let sections = SECTIONS
        .iter()
        .zip(texts)
        .map(|((key, title), text)| ComposerSection {
            key,
            title,
            ticked: !text.is_empty() && *key != "labs",
            text,
        })
        .collect();
    Ok((sections, chart.files))
}
