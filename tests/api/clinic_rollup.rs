//! The clinic rollup (issue 18): after a mixed workload (referrals moved over HTTP, the
//! generator's bulk path, a rebuild from the referrals) the rollup equals the pair
//! counters summed per clinic, and a clinic admin's figures, read from the rollup, equal
//! the same figures recounted from the pair counters as the page read them before.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use handoff::domain::analytics::{Metric, Period, percent, percentile, week_key, week_start};

use crate::helpers::*;

type PairRow = (String, String, String, String, String, String, i64, i64);
/// Sent, accepted and the time-to-accept histogram of one receiver or clinic.
type TopSums = (i64, i64, BTreeMap<i64, i64>);
/// A top table's line before it is written out: name, sent, accepted, histogram.
type TopLine = (String, i64, i64, Vec<(i64, i64)>);

/// Every pair counter: (week, sender clinic, receiver, receiver clinic, metric, detail,
/// bucket, n).
fn pair_rows(app: &TestApp) -> Vec<PairRow> {
    use handoff::db::schema::referral_stats as s;
    s::table
        .select((
            s::week,
            s::sender_clinic_id,
            s::receiver_id,
            s::receiver_clinic_id,
            s::metric,
            s::detail,
            s::bucket,
            s::n,
        ))
        .load(&mut *app.conn())
        .unwrap()
}

fn non_zero<K: Ord>(m: BTreeMap<K, i64>) -> BTreeMap<K, i64> {
    m.into_iter().filter(|(_, n)| *n != 0).collect()
}

/// Asserts that both rollup tables hold exactly the pair counters summed per clinic (each
/// side) and per (sender's clinic, receiver) for the ranked metrics, zero counters aside.
pub(crate) fn assert_rollup_equals_the_pair_counters(app: &TestApp) {
    use handoff::db::schema::{clinic_receiver_stats as r, clinic_stats as c};
    type ClinicKey = (String, String, String, String, String, i64);
    type ReceiverKey = (String, String, String, String, String, String, i64);
    let (mut clinics, mut receivers) = (
        BTreeMap::<ClinicKey, i64>::new(),
        BTreeMap::<ReceiverKey, i64>::new(),
    );
    for (week, sc, rid, rc, metric, detail, bucket, n) in pair_rows(app) {
        for (clinic, side) in [(&sc, "sent"), (&rc, "received")] {
            let k = (
                clinic.clone(),
                side.to_string(),
                metric.clone(),
                week.clone(),
                detail.clone(),
                bucket,
            );
            *clinics.entry(k).or_default() += n;
        }
        if ["sent", "accepted", "tta", "triaged"].contains(&metric.as_str()) {
            *receivers
                .entry((sc, metric, week, rid, rc, detail, bucket))
                .or_default() += n;
        }
    }
    let kept: Vec<(ClinicKey, i64)> = c::table
        .select((
            (
                c::clinic_id,
                c::side,
                c::metric,
                c::week,
                c::detail,
                c::bucket,
            ),
            c::n,
        ))
        .load(&mut *app.conn())
        .unwrap();
    let kept_receivers: Vec<(ReceiverKey, i64)> = r::table
        .select((
            (
                r::sender_clinic_id,
                r::metric,
                r::week,
                r::receiver_id,
                r::receiver_clinic_id,
                r::detail,
                r::bucket,
            ),
            r::n,
        ))
        .load(&mut *app.conn())
        .unwrap();
    let clinics = non_zero(clinics);
    assert!(!clinics.is_empty(), "a workload to compare");
    assert_eq!(non_zero(kept.into_iter().collect()), clinics);
    assert_eq!(
        non_zero(kept_receivers.into_iter().collect()),
        non_zero(receivers)
    );
    assert_practitioner_rollup_equals_the_pair_counters(app);
}

/// Asserts that `practitioner_stats` holds exactly the pair counters summed per sender
/// (sent side) and per receiver (received side), zero counters aside.
fn assert_practitioner_rollup_equals_the_pair_counters(app: &TestApp) {
    use handoff::db::schema::{practitioner_stats as p, referral_stats as s};
    type Key = (String, String, String, String, String, i64);
    let pairs: Vec<(String, String, String, String, String, i64, i64)> = s::table
        .select((
            s::week,
            s::sender_id,
            s::receiver_id,
            s::metric,
            s::detail,
            s::bucket,
            s::n,
        ))
        .load(&mut *app.conn())
        .unwrap();
    let mut want = BTreeMap::<Key, i64>::new();
    for (week, sender, receiver, metric, detail, bucket, n) in pairs {
        for (user, side) in [(sender, "sent"), (receiver, "received")] {
            let k = (
                user,
                side.to_string(),
                metric.clone(),
                week.clone(),
                detail.clone(),
                bucket,
            );
            *want.entry(k).or_default() += n;
        }
    }
    let kept: Vec<(Key, i64)> = p::table
        .select((
            (
                p::user_id,
                p::side,
                p::metric,
                p::week,
                p::detail,
                p::bucket,
            ),
            p::n,
        ))
        .load(&mut *app.conn())
        .unwrap();
    let want = non_zero(want);
    assert!(!want.is_empty(), "a workload to compare");
    assert_eq!(non_zero(kept.into_iter().collect()), want);
}

/// One CSV export's data rows, unquoted.
async fn csv(app: &TestApp, s: &Session, table: &str, period: &str) -> Vec<Vec<String>> {
    let (status, body) = app
        .get(&s.client, &format!("/analytics.csv?table={table}&{period}"))
        .await;
    assert!(status.is_success(), "{table}: {body}");
    body.lines()
        .skip(1)
        .map(|l| {
            let inner = l.strip_prefix('"').and_then(|l| l.strip_suffix('"'));
            inner
                .unwrap_or_else(|| panic!("{table}: {l}"))
                .split("\",\"")
                .map(str::to_string)
                .collect()
        })
        .collect()
}

fn opt(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The top table rows (name, sent, accepted, conversion, tta median, tta p90) of
/// `(sent, accepted, tta histogram)` per id, as the report ranks them.
fn ranked(lines: HashMap<String, TopSums>, name: impl Fn(&str) -> String) -> Vec<Vec<String>> {
    let mut out: Vec<TopLine> = lines
        .into_iter()
        .filter(|(_, (sent, _, _))| *sent > 0)
        .map(|(id, (sent, acc, h))| (name(&id), sent, acc, h.into_iter().collect()))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.truncate(handoff::services::analytics::TOP);
    out.into_iter()
        .map(|(name, sent, acc, h)| {
            vec![
                name,
                sent.to_string(),
                acc.to_string(),
                opt(percent(acc, sent)),
                opt(percentile(&h, 50)),
                opt(percentile(&h, 90)),
            ]
        })
        .collect()
}

/// Asserts that the clinic admin `admin`'s exports over the last `weeks` weeks equal the
/// figures recounted from the pair counters grouped by their clinic columns (what the page
/// summed before the rollup existed). Returns how many referrals the clinic sent in the
/// period, so that a caller can tell an empty comparison.
pub(crate) async fn assert_clinic_figures_equal_a_recount(
    app: &TestApp,
    admin: &str,
    weeks: i64,
) -> i64 {
    let today = app.clock_now().date();
    let period = Period {
        from: week_start(today) - Duration::weeks(weeks - 1),
        to: today,
    };
    let query = format!("from={}&to={}", period.from, period.to);
    let (from, to) = period.week_keys();
    let clinic = handoff::db::users::get(&mut app.conn(), &app.user_id(admin))
        .unwrap()
        .clinic_id;
    let rows: Vec<PairRow> = pair_rows(app)
        .into_iter()
        .filter(|r| r.0 >= from && r.0 <= to)
        .collect();
    let sum = |side_sent: bool, metric: &str, week: Option<&str>| -> i64 {
        rows.iter()
            .filter(|r| (if side_sent { &r.1 } else { &r.3 }) == &clinic)
            .filter(|r| r.4 == metric && week.is_none_or(|w| r.0 == w))
            .map(|r| r.7)
            .sum()
    };
    let hist = |metric: &str| -> Vec<(i64, i64)> {
        let mut h = BTreeMap::<i64, i64>::new();
        for r in rows.iter().filter(|r| r.1 == clinic && r.4 == metric) {
            *h.entry(r.6).or_default() += r.7;
        }
        h.into_iter().collect()
    };
    // Every expectation first, then the exports one after another: a client left idle
    // past the server's keep-alive (a slow recount on a busy machine) can lose its
    // connection under the next request.
    let mut expected: Vec<(&str, Vec<Vec<String>>)> = Vec::new();

    let weekly: Vec<Vec<String>> = period
        .weeks()
        .into_iter()
        .map(|w: NaiveDate| {
            let k = week_key(w);
            let n = |sent: bool, m: &str| sum(sent, m, Some(&k)).to_string();
            vec![
                w.to_string(),
                n(true, "sent"),
                n(false, "received"),
                n(true, "accepted"),
                n(true, "completed"),
            ]
        })
        .collect();
    expected.push(("weekly", weekly));

    let (sent, accepted) = (sum(true, "sent", None), sum(true, "accepted", None));
    let (tta, ttc) = (hist("tta"), hist("ttc"));
    let summary: Vec<Vec<String>> = [
        ("sent", sent.to_string()),
        ("received", sum(false, "received", None).to_string()),
        ("accepted", accepted.to_string()),
        ("completed", sum(true, "completed", None).to_string()),
        ("conversion_percent", opt(percent(accepted, sent))),
        ("time_to_accept_median_hours", opt(percentile(&tta, 50))),
        ("time_to_accept_p90_hours", opt(percentile(&tta, 90))),
        ("time_to_completion_median_hours", opt(percentile(&ttc, 50))),
        ("time_to_completion_p90_hours", opt(percentile(&ttc, 90))),
    ]
    .into_iter()
    .map(|(k, v)| vec![k.to_string(), v])
    .collect();
    expected.push(("summary", summary));

    let reasons: Vec<Vec<String>> = handoff::domain::referral::REJECT_REASONS
        .iter()
        .map(|(code, label)| {
            let n: i64 = rows
                .iter()
                .filter(|r| r.1 == clinic && r.4 == "rejected" && r.5 == *code)
                .map(|r| r.7)
                .sum();
            vec![label.to_string(), n.to_string()]
        })
        .collect();
    expected.push(("reasons", reasons));

    let (mut people, mut clinics) = (HashMap::new(), HashMap::new());
    for r in rows.iter().filter(|r| r.1 == clinic) {
        for (key, map) in [(&r.2, &mut people), (&r.3, &mut clinics)] {
            let e: &mut TopSums = map.entry(key.clone()).or_default();
            match r.4.as_str() {
                "sent" => e.0 += r.7,
                "accepted" => e.1 += r.7,
                "tta" => *e.2.entry(r.6).or_default() += r.7,
                _ => {}
            }
        }
    }
    let user_name = |id: &str| {
        handoff::db::users::get(&mut app.conn(), id)
            .unwrap()
            .display_name
    };
    let clinic_name = |id: &str| handoff::db::clinics::get(&mut app.conn(), id).unwrap().name;
    expected.push(("specialists", ranked(people, user_name)));
    expected.push(("clinics", ranked(clinics, clinic_name)));

    let line = |side_sent: bool| {
        let sums: Vec<(Metric, String, i64, i64)> = rows
            .iter()
            .filter(|r| (if side_sent { &r.1 } else { &r.3 }) == &clinic)
            .filter_map(|r| Metric::parse(&r.4).map(|m| (m, r.5.clone(), r.6, r.7)))
            .filter(|(m, ..)| {
                matches!(
                    m,
                    Metric::Asked
                        | Metric::Answered
                        | Metric::TimeToAnswer
                        | Metric::Converted
                        | Metric::Referred
                )
            })
            .collect();
        let l = handoff::domain::analytics::questions::question_line(&sums);
        vec![
            l.asked.to_string(),
            l.answered.to_string(),
            opt(l.answer_median),
            opt(l.without_referral),
            l.converted.to_string(),
            opt(l.converted_share),
        ]
    };
    let questions: Vec<Vec<String>> = [("asked", line(true)), ("asked_of", line(false))]
        .into_iter()
        .map(|(side, mut v)| {
            v.insert(0, side.to_string());
            v
        })
        .collect();
    expected.push(("questions", questions));
    let s = app.login(admin, PW).await;
    for (table, rows) in expected {
        assert_eq!(
            csv(app, &s, table, &query).await,
            rows,
            "{admin}, {table}, {query}"
        );
    }
    sent
}

#[tokio::test]
async fn the_clinic_rollup_equals_the_pair_counters_and_gives_the_clinic_pages_figures() {
    let (app, _) = crate::analytics::fixed_data_set().await;
    // Moved over HTTP (track, in each transition's transaction).
    assert_rollup_equals_the_pair_counters(&app);
    // The generator's bulk path, on top of counters that exist already.
    handoff::services::seed::generate_network_referrals(&app.svc, 3000).unwrap();
    assert_rollup_equals_the_pair_counters(&app);
    for admin in [ADMIN, OTHER_ADMIN] {
        for weeks in [12, 52, 104] {
            let sent = assert_clinic_figures_equal_a_recount(&app, admin, weeks).await;
            assert!(sent > 0, "{admin}, {weeks} weeks: a clinic that sent");
        }
    }
    // A rebuild from the referrals: the pair counters go (as on a database from before
    // analytics), the stale rollup with them, and both are filled again.
    diesel::delete(handoff::db::schema::referral_stats::table)
        .execute(&mut *app.conn())
        .unwrap();
    assert!(handoff::services::analytics::backfill_if_needed(&app.svc).unwrap() > 0);
    assert_rollup_equals_the_pair_counters(&app);
    assert_clinic_figures_equal_a_recount(&app, ADMIN, 104).await;
}
