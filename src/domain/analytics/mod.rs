//! Referral analytics, the pure part: which weekly counters a referral adds to, percentiles
//! from duration histograms, rates, the period form, and (in [`chart`]) the geometry of
//! server-rendered SVG charts; advice questions keep counters of their own ([`questions`]). The database keeps the counters (`referral_stats`, updated in the
//! transaction of every transition, and summed per clinic in the same writes: [`rollup`]),
//! so a page sums a few hundred rows instead of reading every referral; everything here
//! works on those sums.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

use crate::domain::forms::FieldErrors;

pub mod chart;
pub mod clock;
pub mod questions;
pub mod rollup;

pub use chart::{Bar, BarChart, bar_chart};

/// What a counter counts. Every counter but `Received` belongs to the week the referral
/// was submitted (a cohort): "of the referrals sent that week, how many were accepted".
/// The referral metrics count referrals only; advice questions count in the question
/// metrics, from `Asked` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// Submitted (left draft).
    Sent,
    /// Handed to the receiver, in the week it was handed over.
    Received,
    /// Handed to the receiver, in the submission week (denominator of the acceptance rate).
    Reached,
    /// Accepted at some point (including those since completed).
    Accepted,
    /// Completed.
    Completed,
    /// Declined by the receiver; `detail` is the reason code.
    Rejected,
    /// Hours from being handed over to acceptance; `bucket` is [`bucket_hours`].
    TimeToAccept,
    /// Hours from submission to completion; `bucket` is [`bucket_hours`].
    TimeToComplete,
    /// Submitted and still an open loop now (see [`super::referral::OPEN_LOOP`]): summed
    /// over all weeks it gives every open loop without reading the referrals.
    Open,
    /// The receiver's first decision, by priority (`detail`): `bucket` 1 within the
    /// service level, 0 late (see [`clock`]).
    Triaged,
    /// Hours spent in a state (`detail`) before leaving it; `bucket` is [`bucket_hours`].
    InState,
    /// An advice question submitted (see [`questions`]).
    Asked,
    /// A question answered with advice.
    Answered,
    /// Hours from a question reaching the specialist to its answer; `bucket` is
    /// [`bucket_hours`].
    TimeToAnswer,
    /// A question the specialist turned into a referral to themselves.
    Converted,
    /// A referral made from a question and sent; `detail` is how ([`questions::Made`]).
    Referred,
}

/// Every metric, in the order above.
pub const ALL_METRICS: [Metric; 16] = [
    Metric::Sent,
    Metric::Received,
    Metric::Reached,
    Metric::Accepted,
    Metric::Completed,
    Metric::Rejected,
    Metric::TimeToAccept,
    Metric::TimeToComplete,
    Metric::Open,
    Metric::Triaged,
    Metric::InState,
    Metric::Asked,
    Metric::Answered,
    Metric::TimeToAnswer,
    Metric::Converted,
    Metric::Referred,
];

impl Metric {
    /// The value stored in `referral_stats.metric`.
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Sent => "sent",
            Metric::Received => "received",
            Metric::Reached => "reached",
            Metric::Accepted => "accepted",
            Metric::Completed => "completed",
            Metric::Rejected => "rejected",
            Metric::TimeToAccept => "tta",
            Metric::TimeToComplete => "ttc",
            Metric::Open => "open",
            Metric::Triaged => "triaged",
            Metric::InState => "in_state",
            Metric::Asked => "asked",
            Metric::Answered => "answered",
            Metric::TimeToAnswer => "tt_answer",
            Metric::Converted => "converted",
            Metric::Referred => "referred",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Metric> {
        ALL_METRICS.into_iter().find(|m| m.as_str() == s)
    }
}

/// The Monday that starts the week of `d` (weeks run Monday to Sunday, UTC).
pub fn week_start(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// The stored form of a week: its Monday as `YYYY-MM-DD` (sorts as text on both backends).
pub fn week_key(d: NaiveDate) -> String {
    week_start(d).format("%Y-%m-%d").to_string()
}

/// Durations are kept as histograms: exact to the hour for the first two days, then by day
/// up to two weeks, by week up to 13 weeks, and one bucket beyond. Percentiles are exact
/// when the durations fall on those steps and otherwise report the bucket's lower edge.
/// Returns the bucket's lower edge in hours.
pub fn bucket_hours(hours: i64) -> i64 {
    const DAY: i64 = 24;
    const WEEK: i64 = 7 * DAY;
    match hours {
        h if h < 0 => 0,
        h if h < 2 * DAY => h,
        h if h < 2 * WEEK => h / DAY * DAY,
        h if h < 13 * WEEK => h / WEEK * WEEK,
        _ => 13 * WEEK,
    }
}

/// Whole hours from `from` to `to` (rounded down).
pub fn hours_between(from: NaiveDateTime, to: NaiveDateTime) -> i64 {
    (to - from).num_hours()
}

/// The timestamps of a referral that analytics depend on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferralTimes {
    pub submitted_at: Option<NaiveDateTime>,
    pub received_at: Option<NaiveDateTime>,
    pub accepted_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    pub reject_code: Option<String>,
    /// Whether the referral is an open loop (its status is in `OPEN_LOOP` and it was not
    /// redirected).
    pub open: bool,
}

impl ReferralTimes {
    /// Whether a referral in `status` is an open loop; a redirected one lives on in its new
    /// referral, so it is no loop of its own.
    pub fn is_open(status: super::referral::Status, redirected: bool) -> bool {
        super::referral::duplicates::is_open_loop(status, redirected)
    }
}

/// One counter a referral adds 1 to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Contribution {
    /// Monday of the week, `YYYY-MM-DD`.
    pub week: String,
    pub metric: Metric,
    /// The reject reason code for [`Metric::Rejected`], else empty.
    pub detail: String,
    /// The duration bucket for the time metrics, else 0.
    pub bucket: i64,
}

fn contribution(week: NaiveDate, metric: Metric, detail: &str, bucket: i64) -> Contribution {
    Contribution {
        week: week_key(week),
        metric,
        detail: detail.to_string(),
        bucket,
    }
}

/// The counters a referral in this state adds 1 to. A draft adds nothing.
pub fn contributions(t: &ReferralTimes) -> Vec<Contribution> {
    let Some(submitted) = t.submitted_at else {
        return Vec::new();
    };
    let cohort = submitted.date();
    let mut out = vec![contribution(cohort, Metric::Sent, "", 0)];
    if let Some(received) = t.received_at {
        out.push(contribution(received.date(), Metric::Received, "", 0));
        out.push(contribution(cohort, Metric::Reached, "", 0));
        if let Some(accepted) = t.accepted_at {
            out.push(contribution(cohort, Metric::Accepted, "", 0));
            let h = bucket_hours(hours_between(received, accepted));
            out.push(contribution(cohort, Metric::TimeToAccept, "", h));
        }
    }
    if let Some(completed) = t.completed_at {
        out.push(contribution(cohort, Metric::Completed, "", 0));
        let h = bucket_hours(hours_between(submitted, completed));
        out.push(contribution(cohort, Metric::TimeToComplete, "", h));
    }
    if let Some(code) = t.reject_code.as_deref().filter(|c| !c.is_empty()) {
        out.push(contribution(cohort, Metric::Rejected, code, 0));
    }
    if t.open {
        out.push(contribution(cohort, Metric::Open, "", 0));
    }
    out
}

/// What a change of a referral from `before` to `after` does to the counters: each
/// counter with a non-zero change, once, in a stable order.
pub fn deltas(before: &ReferralTimes, after: &ReferralTimes) -> Vec<(Contribution, i64)> {
    difference(contributions(before), contributions(after))
}

/// The counters that move between two sets of contributions, each once with its net change.
fn difference(before: Vec<Contribution>, after: Vec<Contribution>) -> Vec<(Contribution, i64)> {
    let mut all: std::collections::BTreeMap<Contribution, i64> = Default::default();
    for c in before {
        *all.entry(c).or_default() -= 1;
    }
    for c in after {
        *all.entry(c).or_default() += 1;
    }
    all.into_iter().filter(|(_, n)| *n != 0).collect()
}

/// The `p`-th percentile (nearest rank) of a histogram of (value, count): the smallest
/// value with at least `ceil(p/100 * total)` observations at or below it. The median of an
/// even number of values is therefore the lower middle one. `None` when empty.
pub fn percentile(hist: &[(i64, i64)], p: u32) -> Option<i64> {
    let mut sorted: Vec<(i64, i64)> = hist.iter().copied().filter(|(_, n)| *n > 0).collect();
    sorted.sort_unstable();
    let total: i64 = sorted.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let rank = ((i64::from(p) * total + 99) / 100).max(1);
    let mut seen = 0;
    for (v, n) in sorted {
        seen += n;
        if seen >= rank {
            return Some(v);
        }
    }
    None
}

/// `num / den` as a whole percentage (rounded half up), `None` when nothing to divide.
pub fn percent(num: i64, den: i64) -> Option<i64> {
    (den > 0).then(|| (200 * num + den) / (2 * den))
}

/// A percentage as shown in pages and exports ("75 %", or "—" when undefined).
pub fn percent_text(p: Option<i64>) -> String {
    p.map_or_else(|| "—".to_string(), |p| format!("{p} %"))
}

/// A duration in hours as shown ("5 h", "2 d 3 h", "3 d"; "—" when undefined).
pub fn hours_text(h: Option<i64>) -> String {
    match h {
        None => "—".into(),
        Some(h) if h < 48 => format!("{h} h"),
        Some(h) if h % 24 == 0 => format!("{} d", h / 24),
        Some(h) => format!("{} d {} h", h / 24, h % 24),
    }
}

/// A chosen period: whole weeks, from the Monday of `from`'s week to the Sunday of `to`'s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The last 12 weeks up to and including the week of `today`.
    pub fn default_for(today: NaiveDate) -> Period {
        Period {
            from: week_start(today) - Duration::weeks(11),
            to: today,
        }
    }

    /// The Mondays of every week in the period, oldest first.
    pub fn weeks(&self) -> Vec<NaiveDate> {
        let mut w = week_start(self.from);
        let mut out = Vec::new();
        while w <= self.to {
            out.push(w);
            w += Duration::weeks(1);
        }
        out
    }

    /// The first and last week keys, for the counters' `week BETWEEN` filter.
    pub fn week_keys(&self) -> (String, String) {
        (week_key(self.from), week_key(self.to))
    }
}

/// The longest period a page shows, in weeks (a chart of more bars is unreadable).
pub const MAX_WEEKS: i64 = 104;

/// Validates the period form (`YYYY-MM-DD` dates; empty means the default). Errors are
/// keyed by field, for the form to show beside each input.
pub fn parse_period(from: &str, to: &str, today: NaiveDate) -> Result<Period, FieldErrors> {
    let default = Period::default_for(today);
    let mut e = FieldErrors::new();
    let mut date = |field: &'static str, label: &str, v: &str, fallback: NaiveDate| {
        let v = v.trim();
        if v.is_empty() {
            return Some(fallback);
        }
        match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) if (2000..=2100).contains(&d.year()) => Some(d),
            Ok(_) => {
                e.add(field, format!("{label} must be between 2000 and 2100."));
                None
            }
            Err(_) => {
                e.add(field, format!("{label} must be a date such as 2026-01-31."));
                None
            }
        }
    };
    let f = date("from", "From", from, default.from);
    let t = date("to", "To", to, default.to);
    if let (Some(f), Some(t)) = (f, t) {
        if f > t {
            e.add("to", "To must be on or after From.");
        } else if (week_start(t) - week_start(f)).num_weeks() >= MAX_WEEKS {
            e.add(
                "to",
                format!("Choose at most {MAX_WEEKS} weeks (about two years)."),
            );
        }
        return e.into_result(Period { from: f, to: t });
    }
    Err(e)
}

/// The open-loop bands of [`super::referral::OPEN_LOOP_BANDS`] as submission-time ranges:
/// (label, submitted on or after, submitted before) relative to `now`.
pub fn open_loop_ranges(now: NaiveDateTime) -> [(&'static str, NaiveDateTime, NaiveDateTime); 3] {
    // Not NaiveDateTime::MIN: PostgreSQL's timestamps start in 4713 BC.
    let epoch = NaiveDate::from_ymd_opt(1900, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    super::referral::OPEN_LOOP_BANDS.map(|(label, from_days, to_days)| {
        let newest = now - Duration::days(from_days) + Duration::seconds(1);
        let oldest = if to_days == i64::MAX {
            epoch
        } else {
            now - Duration::days(to_days) + Duration::seconds(1)
        };
        (label, oldest, newest)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn weeks_start_on_monday() {
        // 2026-11-22 is a Sunday, 2026-11-16 the Monday before it.
        assert_eq!(week_start(d("2026-11-22")), d("2026-11-16"));
        assert_eq!(week_start(d("2026-11-16")), d("2026-11-16"));
        assert_eq!(week_start(d("2026-11-23")), d("2026-11-23"));
        assert_eq!(week_key(d("2026-11-18")), "2026-11-16");
    }

    #[test]
    fn buckets_are_exact_to_the_hour_for_two_days_then_coarser() {
        assert_eq!(bucket_hours(-3), 0);
        assert_eq!(bucket_hours(0), 0);
        assert_eq!(bucket_hours(47), 47);
        assert_eq!(bucket_hours(49), 48);
        assert_eq!(bucket_hours(24 * 5 + 7), 120);
        assert_eq!(bucket_hours(24 * 20), 14 * 24);
        assert_eq!(bucket_hours(24 * 7 * 20), 13 * 24 * 7);
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        // Values 2, 4, 6, 10 (one each): median is the 2nd (4), p90 the 4th (10).
        let h = [(10, 1), (2, 1), (6, 1), (4, 1)];
        assert_eq!(percentile(&h, 50), Some(4));
        assert_eq!(percentile(&h, 90), Some(10));
        // Odd count: 1, 3, 3, 8, 9 -> median 3, p90 9 (rank ceil(4.5) = 5).
        let h = [(1, 1), (3, 2), (8, 1), (9, 1)];
        assert_eq!(percentile(&h, 50), Some(3));
        assert_eq!(percentile(&h, 90), Some(9));
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[(5, 0)], 50), None);
        assert_eq!(percentile(&[(5, 1)], 90), Some(5));
        // Negative counts (a decremented counter) are ignored.
        assert_eq!(percentile(&[(5, -1), (7, 1)], 50), Some(7));
    }

    #[test]
    fn rates_round_half_up() {
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(1, 8), Some(13));
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(0, 0), None);
        assert_eq!(percent_text(Some(50)), "50 %");
        assert_eq!(percent_text(None), "—");
    }

    #[test]
    fn durations_read_in_hours_then_days() {
        assert_eq!(hours_text(Some(5)), "5 h");
        assert_eq!(hours_text(Some(47)), "47 h");
        assert_eq!(hours_text(Some(72)), "3 d");
        assert_eq!(hours_text(Some(75)), "3 d 3 h");
        assert_eq!(hours_text(None), "—");
    }

    #[test]
    fn a_draft_counts_nowhere_and_a_completed_referral_everywhere() {
        assert!(contributions(&ReferralTimes::default()).is_empty());
        let done = ReferralTimes {
            submitted_at: Some(t("2026-11-20 09:00")),
            received_at: Some(t("2026-11-23 09:00")),
            accepted_at: Some(t("2026-11-23 14:30")),
            completed_at: Some(t("2026-11-30 09:00")),
            reject_code: None,
            open: false,
        };
        let c = contributions(&done);
        let has = |m: Metric, week: &str, bucket: i64| {
            c.iter()
                .any(|x| x.metric == m && x.week == week && x.bucket == bucket)
        };
        assert!(has(Metric::Sent, "2026-11-16", 0));
        // Received in the next week; everything else in the submission week's cohort.
        assert!(has(Metric::Received, "2026-11-23", 0));
        assert!(has(Metric::Reached, "2026-11-16", 0));
        assert!(has(Metric::Accepted, "2026-11-16", 0));
        assert!(
            has(Metric::TimeToAccept, "2026-11-16", 5),
            "5.5 h rounds down"
        );
        assert!(has(Metric::Completed, "2026-11-16", 0));
        assert!(has(Metric::TimeToComplete, "2026-11-16", 10 * 24));
        assert_eq!(c.len(), 7);
    }

    #[test]
    fn deltas_move_only_what_changed() {
        let sent = ReferralTimes {
            submitted_at: Some(t("2026-11-20 09:00")),
            received_at: Some(t("2026-11-20 09:00")),
            open: true,
            ..Default::default()
        };
        let rejected = ReferralTimes {
            reject_code: Some("no_capacity".into()),
            ..sent.clone()
        };
        let d = deltas(&sent, &rejected);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].0.metric, Metric::Rejected);
        assert_eq!(d[0].0.detail, "no_capacity");
        assert_eq!(d[0].1, 1);
        assert!(deltas(&sent, &sent).is_empty());
        let draft = ReferralTimes::default();
        let submit = deltas(&draft, &sent);
        assert_eq!(submit.len(), 4, "sent, received, reached, open");
        assert!(submit.iter().all(|(_, n)| *n == 1));
        let cancelled = ReferralTimes {
            open: false,
            ..sent.clone()
        };
        let d = deltas(&sent, &cancelled);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].0.metric, d[0].1), (Metric::Open, -1));
        assert!(
            ReferralTimes::is_open(super::super::referral::Status::Rejected, false)
                && !ReferralTimes::is_open(super::super::referral::Status::Rejected, true)
                && !ReferralTimes::is_open(super::super::referral::Status::Completed, false)
        );
    }

    #[test]
    fn the_period_form_is_validated_field_by_field() {
        let today = d("2026-11-22");
        let p = parse_period("", "", today).unwrap();
        assert_eq!(p.from, d("2026-08-31"));
        assert_eq!(p.weeks().len(), 12);
        assert_eq!(p.weeks().last(), Some(&d("2026-11-16")));
        let e = parse_period("yesterday", "2026-13-01", today).unwrap_err();
        assert!(e.get("from").unwrap().contains("date such as"));
        assert!(e.get("to").is_some());
        let e = parse_period("2026-11-10", "2026-11-01", today).unwrap_err();
        assert!(e.get("to").unwrap().contains("on or after"));
        assert!(e.get("from").is_none());
        assert!(parse_period("1999-01-01", "", today).is_err());
        assert!(parse_period("2020-01-01", "2026-01-01", today).is_err());
        let p = parse_period("2026-11-18", "2026-11-18", today).unwrap();
        assert_eq!(p.week_keys(), ("2026-11-16".into(), "2026-11-16".into()));
    }

    #[test]
    fn open_loop_ranges_follow_the_bands() {
        let now = t("2026-11-22 12:00");
        let r = open_loop_ranges(now);
        assert_eq!(r.len(), 3);
        // Under 7 days: submitted after 7 days ago (to the second) and up to now.
        assert_eq!(r[0].1, now - Duration::days(7) + Duration::seconds(1));
        assert_eq!(r[0].2, now + Duration::seconds(1));
        assert_eq!(r[1].2, r[0].1);
        assert_eq!(r[2].2, r[1].1);
    }
}
