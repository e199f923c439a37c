//! A clinic's services in its analytics: each service's referrals of the period, counted
//! under the service and under the member who took each one (or as still waiting in its
//! queue).

use chrono::NaiveDateTime;

use crate::db::analytics::Scope;
use crate::db::{self, DbConn};
use crate::domain::analytics::Period;
use crate::error::AppResult;

/// One service's figures.
#[derive(Debug, Clone)]
pub struct ServiceFigures {
    pub name: String,
    /// Addressed to it and submitted in the period.
    pub total: i64,
    /// Still waiting in its queue.
    pub waiting: i64,
    /// (member's name, how many they took), most first.
    pub by_member: Vec<(String, i64)>,
}

fn bounds(period: &Period) -> (NaiveDateTime, NaiveDateTime) {
    let start = period.from.and_hms_opt(0, 0, 0).unwrap_or_default();
    let end = (period.to + chrono::Days::new(1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    (start, end)
}

/// The figures of the clinic's services (none for a practitioner's own report).
pub fn figures(
    c: &mut DbConn,
    scope: Scope<'_>,
    period: &Period,
) -> AppResult<Vec<ServiceFigures>> {
    let Scope::Clinic(clinic) = scope else {
        return Ok(Vec::new());
    };
    let rows = db::services::referrals_by_holder(c, clinic, bounds(period))?;
    let mut out: Vec<ServiceFigures> = Vec::new();
    for card in db::services::of_clinic(c, clinic)? {
        let mine: Vec<&(String, String, i64)> =
            rows.iter().filter(|(s, ..)| *s == card.row.id).collect();
        let waiting = mine
            .iter()
            .filter(|(s, h, _)| s == h)
            .map(|(.., n)| n)
            .sum();
        let mut by_member = Vec::new();
        for (_, holder, n) in mine.iter().filter(|(s, h, _)| s != h) {
            by_member.push((db::users::get(c, holder)?.display_name, *n));
        }
        by_member.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out.push(ServiceFigures {
            name: card.name,
            total: mine.iter().map(|(.., n)| n).sum(),
            waiting,
            by_member,
        });
    }
    Ok(out)
}
