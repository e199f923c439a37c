//! Referral analytics pages: the report with its charts and tables, and each table as CSV.

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;

use super::extract::{Ctx, Layout};
use super::forms::FormState;
use super::{html, html_status};
use crate::domain::analytics::{BarChart, bar_chart, hours_text, parse_period, percent_text};
use crate::error::AppResult;
use crate::services::analytics::{self as svc, Report};

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    table: String,
}

/// A chart and the words that describe it to people who cannot see it.
pub struct Chart {
    pub id: &'static str,
    pub title: String,
    pub desc: String,
    pub c: BarChart,
}

fn chart(id: &'static str, title: String, series: Vec<(String, i64)>, width: i64) -> Chart {
    let values = series
        .iter()
        .map(|(l, v)| format!("{l}: {v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let desc = if series.is_empty() {
        "No data.".to_string()
    } else {
        format!("Bar chart. {values}. The same numbers are in the table below.")
    };
    Chart {
        id,
        title,
        desc,
        c: bar_chart(&series, width, 180),
    }
}

#[derive(Template)]
#[template(path = "analytics/index.html")]
struct AnalyticsPage {
    l: Layout,
    f: FormState,
    r: Option<Report>,
    charts: Vec<Chart>,
    /// The period as a query string, for the export links.
    period_query: String,
}

impl AnalyticsPage {
    fn hours(&self, h: &Option<i64>) -> String {
        hours_text(*h)
    }
    fn pct(&self, p: &Option<i64>) -> String {
        percent_text(*p)
    }
    fn export(&self, table: &str) -> String {
        format!("/analytics.csv?table={table}&{}", self.period_query)
    }
}

fn charts_for(r: &Report) -> Vec<Chart> {
    let week = |w: &chrono::NaiveDate| w.format("%d %b").to_string();
    let range = format!(
        "weeks starting {} to {}",
        r.weeks.first().map(|w| week(&w.week)).unwrap_or_default(),
        r.weeks.last().map(|w| week(&w.week)).unwrap_or_default()
    );
    vec![
        chart(
            "ch-sent",
            format!("Referrals sent per week, {range}"),
            r.weeks.iter().map(|w| (week(&w.week), w.sent)).collect(),
            640,
        ),
        chart(
            "ch-received",
            format!("Referrals received per week, {range}"),
            r.weeks
                .iter()
                .map(|w| (week(&w.week), w.received))
                .collect(),
            640,
        ),
        chart(
            "ch-reasons",
            "Decline reasons".to_string(),
            r.reasons
                .iter()
                .map(|(code, _, n)| (code.replace('_', " "), *n))
                .collect(),
            420,
        ),
        chart(
            "ch-open",
            "Open loops by age".to_string(),
            r.open_loops
                .iter()
                .map(|(label, n)| (label.to_string(), *n))
                .collect(),
            320,
        ),
        chart(
            "ch-within",
            "Share triaged within the service level, by priority (percent)".to_string(),
            r.clock
                .levels
                .iter()
                .filter(|v| !v.priority.is_empty())
                .map(|v| (v.priority.to_string(), v.share.unwrap_or(0)))
                .collect(),
            320,
        ),
    ]
}

fn values_of(q: &PeriodQuery) -> HashMap<String, String> {
    HashMap::from([
        ("from".to_string(), q.from.trim().to_string()),
        ("to".to_string(), q.to.trim().to_string()),
    ])
}

/// The analytics page: a practitioner's own referrals, or the whole clinic for its admin.
/// A bad period shows the form again with the error beside the field.
pub async fn analytics_page(ctx: Ctx, q: web::Query<PeriodQuery>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let q = q.into_inner();
    let today = ctx.svc.now().date();
    let mut values = values_of(&q);
    let title = "Referral analytics";
    let parsed = parse_period(&q.from, &q.to, today);
    // Whoever may not see analytics is refused before any error about the period; the
    // check and the report share one hop.
    let outcome = ctx
        .run(move |s, caller| {
            svc::check(s, caller)?;
            Ok(match parsed {
                Ok(period) => Ok((period, svc::report(s, caller, period)?)),
                Err(errors) => Err(errors),
            })
        })
        .await?;
    match outcome {
        Ok((period, r)) => {
            values.insert("from".into(), period.from.to_string());
            values.insert("to".into(), period.to.to_string());
            let period_query = serde_urlencoded::to_string([
                ("from", period.from.to_string()),
                ("to", period.to.to_string()),
            ])
            .unwrap_or_default();
            html(&AnalyticsPage {
                l: ctx.layout(title, "analytics").await,
                f: FormState::new("period", values, Default::default()),
                charts: charts_for(&r),
                r: Some(r),
                period_query,
            })
        }
        Err(errors) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &AnalyticsPage {
                l: ctx.layout(title, "analytics").await,
                f: FormState::new("period", values, errors),
                r: None,
                charts: Vec::new(),
                period_query: String::new(),
            },
        ),
    }
}

/// One table of the report as CSV; the export is audited.
pub async fn analytics_csv(ctx: Ctx, q: web::Query<PeriodQuery>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    ctx.run(svc::check).await?;
    let q = q.into_inner();
    let today = ctx.svc.now().date();
    let period = parse_period(&q.from, &q.to, today).map_err(crate::error::AppError::Invalid)?;
    let table = q.table.clone();
    let body = ctx
        .run(move |s, caller| {
            crate::services::analytics_export::export_csv(s, caller, period, &table)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"handoff-analytics-{}-{}-{}.csv\"",
                q.table, period.from, period.to
            ),
        ))
        .body(body))
}
