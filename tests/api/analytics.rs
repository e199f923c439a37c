//! Referral analytics against a small fixed data set built through the real workflow over
//! HTTP, with the injected clock moved between steps; every figure is checked against a
//! number computed by hand (below, next to the data).

use chrono::{Datelike, Duration, NaiveDateTime};
use diesel::prelude::*;
use reqwest::StatusCode;

use crate::builders::*;
use crate::helpers::*;

const CARDIO: &str = "farah.siddiqui@harbour.example"; // Harbour
const NEURO: &str = "lakshmi.narayan@northgate.example"; // Northgate
const BOSE: &str = "ananya.bose@northgate.example"; // Northgate

/// Signs `from` in at the clock's current time (as every step of the data set does: a
/// session from weeks before would have expired) and sends a referral for `patient_id` to
/// `to`; returns its id.
async fn send(app: &TestApp, from: &str, patient_id: &str, to: &str) -> String {
    app.referral()
        .from(from)
        .patient_id(patient_id)
        .to(to)
        .in_state(State::Sent)
        .await
        .id
}

fn fig<'a>(page: &'a str, id: &str) -> &'a str {
    let marker = format!("id=\"{id}\">");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no figure {id}"))
        + marker.len();
    page[start..].split('<').next().unwrap()
}

fn week_row(week: NaiveDateTime, sent: i64, received: i64, accepted: i64, done: i64) -> String {
    format!(
        "<tr><th scope=\"row\">{}</th><td class=\"num\">{sent}</td><td class=\"num\">{received}</td><td class=\"num\">{accepted}</td><td class=\"num\">{done}</td></tr>",
        week.date()
    )
}

fn top_row(class: &str, name: &str, cells: [&str; 5]) -> String {
    let tds: String = cells
        .iter()
        .map(|c| format!("<td class=\"num\">{c}</td>"))
        .collect();
    format!("<tr class=\"{class}\"><th scope=\"row\">{name}</th>{tds}</tr>")
}

fn band(label: &str, n: i64) -> String {
    format!("<tr class=\"open-band\"><th scope=\"row\">{label}</th><td class=\"num\">{n}</td></tr>")
}

fn reason(code: &str, label: &str, n: i64) -> String {
    format!(
        "<tr id=\"reason-{code}\"><th scope=\"row\">{label}</th><td class=\"num\">{n}</td></tr>"
    )
}

/// The fixed data set. t0 is a Monday 09:00 (week A), a few weeks ahead of the real date so
/// the demo data is older than every referral. GP = Asha Kulkarni and GP2 = Rohan Mehta,
/// both of Lakeside; CARDIO (Harbour), NEURO and BOSE (Northgate) receive.
///
/// | ref | sender | to | submitted | then |
/// |---|---|---|---|---|
/// | R0 | GP | NEURO | t0-14d (week A-2) | left open |
/// | R1 | GP | CARDIO | t0 | accepted t0+2h, completed t0+8d |
/// | R2 | GP | CARDIO | t0 | accepted t0+30h |
/// | R3 | GP | NEURO | t0 | declined t0+5h, no capacity |
/// | R4 | GP2 | CARDIO | t0 | accepted t0+10h, completed t0+9d |
/// | R5 | GP | BOSE | t0+7d (week B) | accepted +4h |
/// | R6 | GP | NEURO | t0+7d | declined +6h, out of scope |
/// | R7 | GP | CARDIO | t0+14d (week C) | left open |
/// | R8 | GP | NEURO | t0+20d (Sunday, week C) | left open |
///
/// The pages are read at t0+21d+2h (Monday of week D).
pub(crate) async fn fixed_data_set() -> (TestApp, NaiveDateTime) {
    let app = TestApp::spawn().await;
    let today = app.clock_now().date();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let t0 = (monday + Duration::days(21)).and_hms_opt(9, 0, 0).unwrap();
    let aarav = app.patient_id("Aarav Sharma");
    let gp2_patient =
        handoff::db::patients::first_of_practitioner(&mut app.conn(), &app.user_id(GP2))
            .unwrap()
            .expect("GP2 cares for a patient");
    let at = |d: i64, h: i64| t0 + Duration::days(d) + Duration::hours(h);

    app.clock.set(at(-14, 0));
    let _r0 = send(&app, GP, &aarav, NEURO).await;
    app.clock.set(at(0, 0));
    let r1 = send(&app, GP, &aarav, CARDIO).await;
    let r2 = send(&app, GP, &aarav, CARDIO).await;
    let r3 = send(&app, GP, &aarav, NEURO).await;
    let r4 = send(&app, GP2, &gp2_patient, CARDIO).await;
    app.clock.set(at(0, 2));
    app.act(&app.login(CARDIO, PW).await, &r1, "accept", &[])
        .await
        .ok("accept");
    app.clock.set(at(0, 5));
    app.act(
        &app.login(NEURO, PW).await,
        &r3,
        "reject",
        &[("code", "no_capacity"), ("note", "Full this month")],
    )
    .await
    .ok("reject");
    app.clock.set(at(0, 10));
    app.act(&app.login(CARDIO, PW).await, &r4, "accept", &[])
        .await
        .ok("accept");
    app.clock.set(at(0, 30));
    app.act(&app.login(CARDIO, PW).await, &r2, "accept", &[])
        .await
        .ok("accept");
    app.clock.set(at(7, 0));
    let r5 = send(&app, GP, &aarav, BOSE).await;
    let r6 = send(&app, GP, &aarav, NEURO).await;
    app.clock.set(at(7, 4));
    app.act(&app.login(BOSE, PW).await, &r5, "accept", &[])
        .await
        .ok("accept");
    app.clock.set(at(7, 6));
    app.act(
        &app.login(NEURO, PW).await,
        &r6,
        "reject",
        &[("code", "out_of_scope"), ("note", "Not neurological")],
    )
    .await
    .ok("reject");
    let outcome = [
        ("summary", "Stable angina"),
        ("advice", "Review in 3 months"),
    ];
    app.clock.set(at(8, 0));
    app.act(&app.login(CARDIO, PW).await, &r1, "complete", &outcome)
        .await
        .ok("complete");
    app.clock.set(at(9, 0));
    app.act(&app.login(CARDIO, PW).await, &r4, "complete", &outcome)
        .await
        .ok("complete");
    app.clock.set(at(14, 0));
    let _r7 = send(&app, GP, &aarav, CARDIO).await;
    app.clock.set(at(20, 0));
    let _r8 = send(&app, GP, &aarav, NEURO).await;
    app.clock.set(at(21, 2));
    (app, t0)
}

#[tokio::test]
async fn every_figure_matches_the_hand_computed_expectation() {
    let (app, t0) = fixed_data_set().await;
    let week = |w: i64| t0 + Duration::weeks(w) - Duration::hours(9);

    // The GP's own referrals: R0-R3 and R5-R8 (8 sent). Accepted: R1, R2, R5 -> 3/8 = 37.5 %
    // -> 38 %. Time to accept 2 h, 30 h, 4 h -> sorted 2, 4, 30: median (2nd) 4 h, p90
    // (3rd) 30 h. Completed R1 in 8 days = 192 h. Declined: R3 no capacity, R6 out of scope.
    let gp = app.login(GP, PW).await;
    let (status, page) = app.get(&gp.client, "/analytics").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("aria-current=\"page\">Analytics<"),
        "nav link"
    );
    assert_eq!(fig(&page, "fig-sent"), "8");
    assert_eq!(fig(&page, "fig-received"), "0");
    assert_eq!(fig(&page, "fig-conversion"), "38 %");
    assert_eq!(fig(&page, "fig-tta-median"), "4 h");
    assert_eq!(fig(&page, "fig-tta-p90"), "30 h");
    assert_eq!(fig(&page, "fig-ttc-median"), "8 d");
    assert_eq!(fig(&page, "fig-ttc-p90"), "8 d");
    // Per week: A-2: R0; A: R1-R3 (R1, R2 accepted; R1 completed); B: R5, R6 (R5
    // accepted); C: R7, R8; D (now): nothing.
    assert!(page.contains(&week_row(week(-2), 1, 0, 0, 0)));
    assert!(page.contains(&week_row(week(-1), 0, 0, 0, 0)));
    assert!(page.contains(&week_row(week(0), 3, 0, 2, 1)));
    assert!(page.contains(&week_row(week(1), 2, 0, 1, 0)));
    assert!(page.contains(&week_row(week(2), 2, 0, 0, 0)));
    assert!(page.contains(&week_row(week(3), 0, 0, 0, 0)));
    assert_eq!(
        page.matches("<tr><th scope=\"row\">").count(),
        12,
        "12 weeks by default"
    );
    assert!(page.contains(&reason("no_capacity", "No capacity", 1)));
    assert!(page.contains(&reason("out_of_scope", "Out of scope for this practice", 1)));
    assert!(page.contains(&reason("duplicate", "Duplicate referral", 0)));
    // Top specialists: NEURO 4 sent (R0, R3, R6, R8), none accepted; CARDIO 3 (R1, R2, R7),
    // 2 accepted = 67 %, times 2 h and 30 h (median the 1st = 2 h, p90 the 2nd = 30 h);
    // BOSE 1, accepted in 4 h.
    let neuro = app.user_id(NEURO);
    let cardio = app.user_id(CARDIO);
    let bose = app.user_id(BOSE);
    let link = |id: &str, name: &str| format!("<a href=\"/practitioners/{id}\">{name}</a>");
    let rows = [
        top_row(
            "top-specialist",
            &link(&neuro, "Dr Lakshmi Narayan"),
            ["4", "0", "0 %", "—", "—"],
        ),
        top_row(
            "top-specialist",
            &link(&cardio, "Dr Farah Siddiqui"),
            ["3", "2", "67 %", "2 h", "30 h"],
        ),
        top_row(
            "top-specialist",
            &link(&bose, "Dr Ananya Bose"),
            ["1", "1", "100 %", "4 h", "4 h"],
        ),
    ];
    let pos: Vec<usize> = rows
        .iter()
        .map(|r| {
            page.find(r.as_str())
                .unwrap_or_else(|| panic!("{r}\n{page}"))
        })
        .collect();
    assert!(pos[0] < pos[1] && pos[1] < pos[2], "most referred to first");
    // Top clinics: Northgate 5 (NEURO 4 + BOSE 1), 1 accepted = 20 %, 4 h; Harbour 3.
    let ng = page
        .find(&top_row(
            "top-clinic",
            "Northgate Specialist Group",
            ["5", "1", "20 %", "4 h", "4 h"],
        ))
        .expect("Northgate row");
    let hb = page
        .find(&top_row(
            "top-clinic",
            "Harbour Health Centre",
            ["3", "2", "67 %", "2 h", "30 h"],
        ))
        .expect("Harbour row");
    assert!(ng < hb);
    // Open loops at t0+21d+2h: R8 (1 day) under 7; R2, R3, R5, R6, R7 (7 to 21 days) 7-30;
    // R0 (35 days) over 30. R1 is completed.
    assert!(page.contains(&band("under 7 days", 1)));
    assert!(page.contains(&band("7–30 days", 5)));
    assert!(page.contains(&band("over 30 days", 1)));
    // Charts: accessible SVG with the numbers also in the tables.
    assert!(page.contains("role=\"img\" aria-labelledby=\"ch-sent-t ch-sent-d\""));
    assert!(page.contains("<title id=\"ch-sent-t\">Referrals sent per week"));
    assert!(!page.contains("style="), "no inline style (CSP)");

    // The clinic admin sees the whole clinic: GP's 8 plus GP2's R4 = 9 sent; accepted R1,
    // R2, R4, R5 = 4/9 = 44.4 % -> 44 %; times to accept 2, 4, 10, 30: median (2nd) 4 h,
    // p90 (4th) 30 h; completions 192 h and 216 h: median 8 d, p90 9 d.
    let admin = app.login(ADMIN, PW).await;
    let (status, page) = app.get(&admin.client, "/analytics").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fig(&page, "fig-sent"), "9");
    assert_eq!(fig(&page, "fig-conversion"), "44 %");
    assert_eq!(fig(&page, "fig-tta-median"), "4 h");
    assert_eq!(fig(&page, "fig-tta-p90"), "30 h");
    assert_eq!(fig(&page, "fig-ttc-median"), "8 d");
    assert_eq!(fig(&page, "fig-ttc-p90"), "9 d");
    assert!(page.contains(&week_row(week(0), 4, 0, 3, 2)));
    // CARDIO now has R1, R2, R4, R7: 4 sent, 3 accepted = 75 %, times 2, 10, 30 h.
    let cardio_row = top_row(
        "top-specialist",
        &link(&cardio, "Dr Farah Siddiqui"),
        ["4", "3", "75 %", "10 h", "30 h"],
    );
    let neuro_row = top_row(
        "top-specialist",
        &link(&neuro, "Dr Lakshmi Narayan"),
        ["4", "0", "0 %", "—", "—"],
    );
    let (c, n) = (page.find(&cardio_row), page.find(&neuro_row));
    assert!(c.is_some() && n.is_some(), "{page}");
    assert!(c < n, "a tie on sent is broken by name");
    assert!(page.contains(&band("7–30 days", 5)));

    // A receiver's own page counts what they received: CARDIO got R1, R2, R4 in week A and
    // R7 in week C, and sent nothing.
    let rx = app.login(CARDIO, PW).await;
    let (_, page) = app.get(&rx.client, "/analytics").await;
    assert_eq!(fig(&page, "fig-sent"), "0");
    assert_eq!(fig(&page, "fig-received"), "4");
    assert!(page.contains(&week_row(week(0), 0, 3, 0, 0)));
    assert!(page.contains(&week_row(week(2), 0, 1, 0, 0)));
    assert_eq!(fig(&page, "fig-conversion"), "—");

    // Another clinic's admin sees their own clinic only: Harbour received 4, sent none.
    let other = app.login(OTHER_ADMIN, PW).await;
    let (_, page) = app.get(&other.client, "/analytics").await;
    assert_eq!(fig(&page, "fig-sent"), "0");
    assert_eq!(fig(&page, "fig-received"), "4");

    // A chosen period: week B only.
    let (status, page) = app
        .get(
            &gp.client,
            &format!(
                "/analytics?from={}&to={}",
                week(1).date(),
                (week(1) + Duration::days(6)).date()
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fig(&page, "fig-sent"), "2");
    assert_eq!(fig(&page, "fig-conversion"), "50 %");
    assert_eq!(fig(&page, "fig-tta-median"), "4 h");
    assert_eq!(fig(&page, "fig-ttc-median"), "—");

    // The directory shows each listed specialist's last 90 days: CARDIO accepted 3 of 4
    // (R1, R2, R4 of R1, R2, R4, R7), times 2, 10, 30 h -> median 10 h; NEURO none of 4.
    let pid = app.patient_id("Aarav Sharma");
    let (_, search) = app
        .get(&gp.client, &format!("/patients/{pid}/refer?q=cardio"))
        .await;
    assert!(
        search.contains(
            "Accepted 3 of 4 referrals in the last 90 days (75 %); median time to accept 10 h"
        ),
        "{search}"
    );
    assert!(
        search.contains(
            "Accepted 1 of 1 referrals in the last 90 days (100 %); median time to accept 4 h"
        ),
        "BOSE is a cardiologist too: {search}"
    );
    let (_, profile) = app
        .get(&gp.client, &format!("/practitioners/{neuro}"))
        .await;
    assert!(
        profile.contains("Accepted 0 of 4 referrals in the last 90 days (0 %); none accepted yet")
    );
    let (_, profile) = app
        .get(&gp.client, &format!("/practitioners/{}", app.user_id(GP2)))
        .await;
    assert!(profile.contains("No referrals in the last 90 days"));
}

#[tokio::test]
async fn csv_exports_carry_the_same_figures_and_are_audited() {
    let (app, _) = fixed_data_set().await;
    let gp = app.login(GP, PW).await;
    let r = app
        .get_raw(&gp.client, "/analytics.csv?table=summary")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let csv = r.text().await.unwrap();
    for line in [
        "figure,value",
        "\"sent\",\"8\"",
        "\"conversion_percent\",\"38\"",
        "\"time_to_accept_median_hours\",\"4\"",
        "\"time_to_accept_p90_hours\",\"30\"",
        "\"time_to_completion_median_hours\",\"192\"",
        "\"time_to_completion_p90_hours\",\"192\"",
    ] {
        assert!(csv.lines().any(|l| l == line), "{line} in\n{csv}");
    }
    let (_, csv) = app
        .get(&gp.client, "/analytics.csv?table=specialists")
        .await;
    assert_eq!(
        csv.lines().nth(1),
        Some("\"Dr Lakshmi Narayan\",\"4\",\"0\",\"0\",\"\",\"\"")
    );
    assert_eq!(
        csv.lines().nth(2),
        Some("\"Dr Farah Siddiqui\",\"3\",\"2\",\"67\",\"2\",\"30\"")
    );
    let (_, csv) = app.get(&gp.client, "/analytics.csv?table=open-loops").await;
    assert!(csv.contains("\"under 7 days\",\"1\"") && csv.contains("\"over 30 days\",\"1\""));
    let (_, csv) = app.get(&gp.client, "/analytics.csv?table=reasons").await;
    assert!(csv.contains("\"No capacity\",\"1\""));
    let (_, csv) = app.get(&gp.client, "/analytics.csv?table=weekly").await;
    assert_eq!(csv.lines().count(), 13, "header and 12 weeks");
    let (status, _) = app.get(&gp.client, "/analytics.csv?table=nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let exports = app.audit_count(Audit::action("analytics_exported").by(&app.user_id(GP)));
    assert_eq!(exports, 5, "every export is audited");
}

#[tokio::test]
async fn only_practitioners_and_clinic_admins_see_analytics_and_bad_periods_are_shown_again() {
    let app = TestApp::spawn().await;
    let patient = app.login(PATIENT_A, PW).await;
    for path in [
        "/analytics",
        "/analytics.csv?table=summary",
        "/analytics?from=bad",
    ] {
        let (status, _) = app.get(&patient.client, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let (status, _) = app.get(&app.client(), "/analytics").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "anonymous: sign in first");

    let gp = app.login(GP, PW).await;
    let (status, page) = app
        .get(&gp.client, "/analytics?from=2026-02-30&to=2026-01-01")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"period-from-error\">From must be a date such as 2026-01-31."));
    assert!(page.contains("aria-invalid=\"true\""));
    let (status, page) = app
        .get(&gp.client, "/analytics?from=2026-03-01&to=2026-01-01")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"period-to-error\">To must be on or after From."));
    let (status, _) = app
        .get(&gp.client, "/analytics.csv?table=summary&from=junk")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // An empty network: no data, no division by zero.
    let (status, page) = app.get(&gp.client, "/analytics").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fig(&page, "fig-sent"), "0");
    assert_eq!(fig(&page, "fig-conversion"), "—");
    let admin = app.login(ADMIN, PW).await;
    let (_, page) = app.get(&admin.client, "/admin").await;
    assert!(
        page.contains("href=\"/analytics\">Analytics<"),
        "admins have the link"
    );
}

#[tokio::test]
async fn counters_rebuilt_from_the_referrals_equal_the_ones_kept_by_transitions() {
    use handoff::db::schema::referral_stats as s;
    let (app, _) = fixed_data_set().await;
    let load = || rebuildable_counters(&app);
    // Generated referrals (the bulk path) land in the same counters as well.
    let n = handoff::services::seed::generate_network_referrals(&app.svc, 3000).unwrap();
    assert_eq!(n, 3000);
    let kept = load();
    assert!(kept.len() > 200, "{kept:?}");
    crate::clinic_rollup::assert_rollup_equals_the_pair_counters(&app);
    diesel::delete(s::table).execute(&mut *app.conn()).unwrap();
    let written = handoff::services::analytics::backfill_if_needed(&app.svc).unwrap();
    assert!(written > 0);
    assert_eq!(load(), kept);
    crate::clinic_rollup::assert_rollup_equals_the_pair_counters(&app);
    assert_eq!(
        handoff::services::analytics::backfill_if_needed(&app.svc).unwrap(),
        0,
        "only when the counters are missing"
    );
}

/// The counters a rebuild from the referrals must reproduce, in a stable order: every
/// non-zero one but the clock's (triaged within the level, time in each state), which the
/// moves alone keep (a past due time is not kept, so no rebuild can know them).
pub(crate) fn rebuildable_counters(
    app: &TestApp,
) -> Vec<(String, String, String, String, String, i64, i64)> {
    use handoff::db::schema::referral_stats as s;
    s::table
        .filter(s::n.ne(0))
        .filter(s::metric.ne_all(["triaged", "in_state"]))
        .order((
            s::week,
            s::sender_id,
            s::receiver_id,
            s::metric,
            s::detail,
            s::bucket,
        ))
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
        .unwrap()
}
