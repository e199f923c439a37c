//! How responsive practitioners are, for the directory and the receiver search: sums of
//! the analytics counters over the directory window (see [`super::analytics`]).

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDateTime};

use super::Services;
use crate::db::DbConn;
use crate::db::analytics as q;
use crate::domain::analytics::{self as rules, Metric, percent, percentile};
use crate::error::AppResult;

/// The window of the directory's figures, in days.
pub const DIRECTORY_WINDOW_DAYS: i64 = 90;

fn histogram(map: &BTreeMap<i64, i64>) -> Vec<(i64, i64)> {
    map.iter().map(|(b, n)| (*b, *n)).collect()
}

/// How responsive a practitioner is, over the directory window.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Responsiveness {
    /// Referrals handed to them in the window.
    pub received: i64,
    pub accepted: i64,
    pub acceptance: Option<i64>,
    pub tta_median: Option<i64>,
}

impl Responsiveness {
    /// "Accepts 75 % · answers in 5 h (median)", or that there is too little to say.
    pub fn summary(&self) -> String {
        if self.received == 0 {
            return "No referrals in the last 90 days".into();
        }
        let answers = match self.tta_median {
            Some(h) => format!("median time to accept {}", rules::hours_text(Some(h))),
            None => "none accepted yet".into(),
        };
        format!(
            "Accepted {} of {} referrals in the last 90 days ({}); {answers}",
            self.accepted,
            self.received,
            rules::percent_text(self.acceptance),
        )
    }
}

/// Responsiveness of the listed practitioners only (one grouped query), over referrals
/// submitted in the weeks since the one 90 days before `now`.
pub fn responsiveness(
    conn: &mut DbConn,
    ids: &[String],
    now: NaiveDateTime,
) -> AppResult<HashMap<String, Responsiveness>> {
    let from = rules::week_key((now - Duration::days(DIRECTORY_WINDOW_DAYS)).date());
    let mut acc: HashMap<String, (i64, i64, BTreeMap<i64, i64>)> = HashMap::new();
    for r in q::receivers_since(conn, ids, &from)? {
        let e = acc.entry(r.receiver_id).or_default();
        match Metric::parse(&r.metric) {
            Some(Metric::Reached) => e.0 += r.n,
            Some(Metric::Accepted) => e.1 += r.n,
            Some(Metric::TimeToAccept) => *e.2.entry(r.bucket).or_default() += r.n,
            _ => {}
        }
    }
    Ok(acc
        .into_iter()
        .map(|(id, (received, accepted, tta))| {
            let h = histogram(&tta);
            (
                id,
                Responsiveness {
                    received,
                    accepted,
                    acceptance: percent(accepted, received),
                    tta_median: percentile(&h, 50),
                },
            )
        })
        .collect())
}

/// [`responsiveness`] on a connection of its own.
pub fn responsiveness_of(
    svc: &Services,
    ids: &[String],
) -> AppResult<HashMap<String, Responsiveness>> {
    let now = svc.now();
    let mut conn = svc.conn()?;
    responsiveness(&mut conn, ids, now)
}
