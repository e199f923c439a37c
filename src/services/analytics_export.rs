//! The analytics report's tables as CSV (durations in hours, rates in percent), each
//! export audited.

use super::analytics::{TopLine, report};
use super::{AuditEntry, Caller, Services, audit};
use crate::db;
use crate::domain::analytics::Period;
use crate::domain::analytics::questions::QuestionLine;
use crate::error::{AppError, AppResult};

/// The tables a report exports as CSV.
pub const TABLES: [(&str, &str); 7] = [
    ("weekly", "Referrals per week"),
    ("summary", "Conversion and times"),
    ("reasons", "Decline reasons"),
    ("specialists", "Top specialists referred to"),
    ("clinics", "Top clinics referred to"),
    ("open-loops", "Open loops by age"),
    ("questions", "Advice questions"),
];

fn opt(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// One side's question figures as a CSV row.
fn question_row(side: &str, l: &QuestionLine) -> Vec<String> {
    vec![
        side.to_string(),
        l.asked.to_string(),
        l.answered.to_string(),
        opt(l.answer_median),
        opt(l.without_referral),
        l.converted.to_string(),
        opt(l.converted_share),
    ]
}

/// One table of the report as CSV (durations in hours, rates in percent). The export is
/// audited.
pub fn export_csv(
    svc: &Services,
    caller: &Caller,
    period: Period,
    table: &str,
) -> AppResult<String> {
    if !TABLES.iter().any(|(t, _)| *t == table) {
        return Err(AppError::NotFound);
    }
    let r = report(svc, caller, period)?;
    let top_rows = |lines: &[TopLine]| {
        lines
            .iter()
            .map(|t| {
                vec![
                    t.name.clone(),
                    t.sent.to_string(),
                    t.accepted.to_string(),
                    opt(t.conversion),
                    opt(t.tta_median),
                    opt(t.tta_p90),
                ]
            })
            .collect::<Vec<_>>()
    };
    let out = match table {
        "weekly" => crate::domain::csv::table(
            &["week_starting", "sent", "received", "accepted", "completed"],
            r.weeks
                .iter()
                .map(|w| {
                    vec![
                        w.week.to_string(),
                        w.sent.to_string(),
                        w.received.to_string(),
                        w.accepted.to_string(),
                        w.completed.to_string(),
                    ]
                })
                .collect(),
        ),
        "summary" => crate::domain::csv::table(
            &["figure", "value"],
            vec![
                vec!["sent".into(), r.sent.to_string()],
                vec!["received".into(), r.received.to_string()],
                vec!["accepted".into(), r.accepted.to_string()],
                vec!["completed".into(), r.completed.to_string()],
                vec!["conversion_percent".into(), opt(r.conversion)],
                vec!["time_to_accept_median_hours".into(), opt(r.tta_median)],
                vec!["time_to_accept_p90_hours".into(), opt(r.tta_p90)],
                vec!["time_to_completion_median_hours".into(), opt(r.ttc_median)],
                vec!["time_to_completion_p90_hours".into(), opt(r.ttc_p90)],
            ],
        ),
        "reasons" => crate::domain::csv::table(
            &["reason", "declined"],
            r.reasons
                .iter()
                .map(|(_, label, n)| vec![label.to_string(), n.to_string()])
                .collect(),
        ),
        "specialists" => crate::domain::csv::table(
            &[
                "specialist",
                "sent",
                "accepted",
                "conversion_percent",
                "time_to_accept_median_hours",
                "time_to_accept_p90_hours",
            ],
            top_rows(&r.top_specialists),
        ),
        "clinics" => crate::domain::csv::table(
            &[
                "clinic",
                "sent",
                "accepted",
                "conversion_percent",
                "time_to_accept_median_hours",
                "time_to_accept_p90_hours",
            ],
            top_rows(&r.top_clinics),
        ),
        "questions" => crate::domain::csv::table(
            &[
                "questions",
                "asked",
                "answered",
                "time_to_answer_median_hours",
                "answered_without_referral_percent",
                "converted",
                "converted_of_decided_percent",
            ],
            vec![
                question_row("asked", &r.questions.asked),
                question_row("asked_of", &r.questions.asked_of),
            ],
        ),
        _ => crate::domain::csv::table(
            &["age", "open_loops"],
            r.open_loops
                .iter()
                .map(|(label, n)| vec![label.to_string(), n.to_string()])
                .collect(),
        ),
    };
    let now = svc.now();
    let subject = caller
        .actor
        .clinic_id()
        .filter(|_| r.clinic_scope)
        .or(caller.actor.user_id())
        .unwrap_or_default()
        .to_string();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "analytics_exported",
                subject_type: if r.clinic_scope { "clinic" } else { "user" },
                subject_id: &subject,
                patient_id: None,
                detail: format!("{table}; {} to {}", r.period.from, r.period.to),
            },
        )
    })?;
    Ok(out)
}
