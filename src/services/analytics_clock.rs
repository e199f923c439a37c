//! The clock's analytics (issue 14): the share of referrals the receiver triaged within
//! the service level and the time spent in each state, kept as counters in the same
//! transaction as each move (see [`crate::domain::analytics::clock`]) and read as sums, so
//! the page never reads the history. A leaf: the analytics service asks it.

use std::collections::HashMap;

use crate::db::DbConn;
use crate::db::analytics::{self as q, ClockBefore, Scope};
use crate::db::referrals::{Referral, TransitionChanges};
use crate::domain::analytics::clock::{
    LevelLine, StateLine, is_triage, level_lines, move_contributions, state_lines,
};
use crate::domain::analytics::{Contribution, Metric, percent};
use crate::error::AppResult;

/// The clock's counters a move adds 1 to: the first triage against the due time before
/// the move (`clock`) and the time in the state it leaves. The analytics service writes
/// them with the others, in the move's transaction.
pub fn contributions(
    before: &Referral,
    changes: &TransitionChanges,
    clock: ClockBefore,
) -> Vec<Contribution> {
    let (Some(to), Some(at)) = (changes.status, changes.updated_at) else {
        return Vec::new();
    };
    if to == before.status {
        return Vec::new();
    }
    let first_triage =
        (is_triage(before.status, to) && !clock.decided).then_some((at, clock.due_at));
    move_contributions(
        changes.submitted_at.or(before.submitted_at),
        &before.priority,
        first_triage,
        Some((before.status, before.waiting_since, at)),
    )
}

/// Triaged within the level for one receiver or clinic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelOf {
    pub id: String,
    pub name: String,
    pub triaged: i64,
    pub within: i64,
    pub share: Option<i64>,
}

/// The clock's part of the report.
#[derive(Debug, Clone, Default)]
pub struct ClockFigures {
    /// Per priority, then the total.
    pub levels: Vec<LevelLine>,
    pub specialists: Vec<LevelOf>,
    pub clinics: Vec<LevelOf>,
    pub states: Vec<StateLine>,
}

fn ranked(
    map: HashMap<String, (i64, i64)>,
    names: &[(String, String)],
    top: usize,
) -> Vec<LevelOf> {
    let mut out: Vec<LevelOf> = map
        .into_iter()
        .filter(|(_, (t, _))| *t > 0)
        .map(|(id, (triaged, within))| LevelOf {
            name: names
                .iter()
                .find(|(i, _)| *i == id)
                .map_or_else(|| "Unknown".to_string(), |(_, n)| n.clone()),
            id,
            triaged,
            within,
            share: percent(within, triaged),
        })
        .collect();
    out.sort_by(|a, b| b.triaged.cmp(&a.triaged).then_with(|| a.name.cmp(&b.name)));
    out.truncate(top);
    out
}

/// The clock's figures for the scope's referrals submitted in weeks [from, to].
pub fn figures(
    c: &mut DbConn,
    scope: Scope<'_>,
    from: &str,
    to: &str,
    top: usize,
) -> AppResult<ClockFigures> {
    let (mut triage, mut states) = (Vec::new(), Vec::new());
    let mut people: HashMap<String, (i64, i64)> = HashMap::new();
    let mut clinics: HashMap<String, (i64, i64)> = HashMap::new();
    for s in q::clock_sums(c, scope, from, to)? {
        match Metric::parse(&s.metric) {
            Some(Metric::Triaged) => {
                for (key, map) in [
                    (&s.receiver_id, &mut people),
                    (&s.receiver_clinic_id, &mut clinics),
                ] {
                    let e = map.entry(key.clone()).or_default();
                    e.0 += s.n;
                    if s.bucket == 1 {
                        e.1 += s.n;
                    }
                }
                triage.push((s.detail, s.bucket, s.n));
            }
            Some(Metric::InState) => states.push((s.detail, s.bucket, s.n)),
            _ => {}
        }
    }
    let person_ids: Vec<String> = people.keys().cloned().collect();
    let clinic_ids: Vec<String> = clinics.keys().cloned().collect();
    Ok(ClockFigures {
        levels: level_lines(&triage),
        specialists: ranked(people, &q::user_names(c, &person_ids)?, top),
        clinics: ranked(clinics, &q::clinic_names(c, &clinic_ids)?, top),
        states: state_lines(&states),
    })
}
