//! Advice questions on the analytics page (issue 16): questions asked, answered and turned
//! into referrals through the real forms, with the injected clock moved between steps. The
//! page's question figures are checked against numbers computed by hand (next to the
//! data), and the referral figures against the same page before the questions: a question
//! moves none of them, only the referrals made from questions do.

use chrono::{Datelike, Duration, NaiveDateTime};
use diesel::prelude::*;
use reqwest::StatusCode;

use crate::builders::*;
use crate::helpers::*;

const CARDIO: &str = "farah.siddiqui@harbour.example"; // Harbour
const NEURO: &str = "lakshmi.narayan@northgate.example"; // Northgate

fn fig<'a>(page: &'a str, id: &str) -> &'a str {
    let marker = format!("id=\"{id}\">");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no figure {id}"))
        + marker.len();
    page[start..].split('<').next().unwrap()
}

/// Everything the page says about referrals: the sections before the questions' and the
/// ones after it (summary, weekly table and charts, reasons, open loops, the clock's,
/// top specialists and clinics). The export links carry the period's last day, today:
/// that is left out.
fn referral_part(page: &str) -> String {
    let start = page.find("aria-labelledby=\"h-summary\"").expect("summary");
    let questions = page
        .find("aria-labelledby=\"h-questions\"")
        .expect("questions");
    let clock = page.find("aria-labelledby=\"h-levels\"").expect("clock");
    let clinics = page.find("aria-labelledby=\"h-clinics\"").expect("clinics");
    let end = clinics + page[clinics..].find("</section>").expect("end");
    let part = format!("{}{}", &page[start..questions], &page[clock..end]);
    let mut pieces = part.split("&#38;to=");
    let mut out = pieces.next().unwrap_or_default().to_string();
    for p in pieces {
        out.push_str(p.get(10..).unwrap_or_default());
    }
    out
}

/// The six question figures of one side (`by` or `of`).
fn question_figures(page: &str, side: &str) -> [String; 6] {
    [
        "asked",
        "answered",
        "median",
        "without",
        "converted",
        "converted-share",
    ]
    .map(|f| fig(page, &format!("q-{side}-{f}")).to_string())
}

/// Signs in at the clock's current time (a session from a day before would have timed out).
async fn act(app: &TestApp, who: &str, id: &str, cmd: &str, form: &[(&str, &str)]) -> Posted {
    app.act(&app.login(who, PW).await, id, cmd, form)
        .await
        .ok(cmd)
}

async fn ask(app: &TestApp, patient_id: &str, may_convert: bool) -> String {
    app.referral()
        .from(GP)
        .patient_id(patient_id)
        .to(CARDIO)
        .question(may_convert)
        .in_state(State::Sent)
        .await
        .id
}

/// The pages whose referral figures the questions must leave alone: the GP's and the
/// specialist's own, and both clinics' admins'.
const VIEWERS: [&str; 4] = [GP, CARDIO, ADMIN, OTHER_ADMIN];

async fn pages(app: &TestApp) -> Vec<String> {
    let mut out = Vec::new();
    for who in VIEWERS {
        let s = app.login(who, PW).await;
        let (status, page) = app.get(&s.client, "/analytics").await;
        assert_eq!(status, StatusCode::OK, "{who}");
        out.push(page);
    }
    out
}

/// The data set. t0 is a Monday 09:00 some weeks ahead (newer than the demo data). GP
/// (Lakeside) asks CARDIO (Harbour) about Aarav; R0 is an ordinary referral to NEURO.
///
/// | what | asked | then |
/// |---|---|---|
/// | R0 | t0 (referral to NEURO) | accepted t0+1h |
/// | Q1 | t0+1h | answered t0+3h (2 h), no recommendation |
/// | Q4 | t0+1h | answered t0+31h (30 h) recommending a referral, never sent |
/// | Q2 | t0+31h | answered t0+33h (2 h) recommending a referral, sent t0+34h (R_rec) |
/// | Q3 | t0+34h, may convert | converted t0+36h, accepted at once (R_conv) |
/// | Q5 | t0+36h | left open |
///
/// Returns the app and the referral pages as they stood after R0 alone (`before`), and as
/// they stood after Q1 and Q4 (`after_questions`), with the clock at t0+48h.
async fn data_set() -> (TestApp, Vec<String>, Vec<String>) {
    let app = TestApp::spawn().await;
    let today = app.clock_now().date();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let t0: NaiveDateTime = (monday + Duration::days(21)).and_hms_opt(9, 0, 0).unwrap();
    let at = |h: i64| t0 + Duration::hours(h);
    let aarav = app.patient_id("Aarav Sharma");

    app.clock.set(at(0));
    let r0 = app
        .referral()
        .from(GP)
        .patient_id(&aarav)
        .to(NEURO)
        .in_state(State::Sent)
        .await
        .id;
    app.clock.set(at(1));
    act(&app, NEURO, &r0, "accept", &[]).await;
    let before = pages(&app).await;

    let q1 = ask(&app, &aarav, false).await;
    let q4 = ask(&app, &aarav, false).await;
    app.clock.set(at(3));
    act(&app, CARDIO, &q1, "answer", &[("advice", "Start a statin")]).await;
    app.clock.set(at(31));
    let recommend = [("advice", "I should see him"), ("recommend", "on")];
    act(&app, CARDIO, &q4, "answer", &recommend).await;
    let after_questions = pages(&app).await;

    let q2 = ask(&app, &aarav, false).await;
    app.clock.set(at(33));
    act(&app, CARDIO, &q2, "answer", &recommend).await;
    app.clock.set(at(34));
    let sent = act(&app, GP, &q2, "recommended", &[]).await;
    let r_rec = sent.referral_id().expect("to the recommended referral");
    assert_eq!(
        status_of(&app, &r_rec),
        "sent",
        "the recommended one was sent"
    );
    let q3 = ask(&app, &aarav, true).await;
    app.clock.set(at(36));
    act(&app, CARDIO, &q3, "convert", &[("start", "accepted")]).await;
    assert_eq!(status_of(&app, &q3), "converted");
    let _q5 = ask(&app, &aarav, false).await;
    app.clock.set(at(48));
    (app, before, after_questions)
}

#[tokio::test]
async fn questions_have_their_own_figures_and_leave_the_referral_figures_alone() {
    let (app, before, after_questions) = data_set().await;

    // Q1 and Q4 (asked, answered, one recommending a referral nobody sent) changed
    // nothing a referral figure says, on either side or for either clinic.
    for (i, who) in VIEWERS.iter().enumerate() {
        assert_eq!(
            referral_part(&after_questions[i]),
            referral_part(&before[i]),
            "{who}'s referral figures moved with questions alone"
        );
        assert_eq!(question_figures(&before[i], "by")[0], "0");
    }
    assert_eq!(fig(&after_questions[0], "q-by-asked"), "2");
    assert_eq!(fig(&after_questions[1], "q-of-asked"), "2");

    // The questions GP asked: Q1-Q5 = 5; answered Q1 (2 h), Q4 (30 h), Q2 (2 h) = 3, the
    // median of 2, 2, 30 is 2 h; of the 3 answered only Q2's recommended referral was sent,
    // so 2 of 3 (67 %) were answered without a referral; Q3 converted, 1 of the 4 decided
    // (3 answered + 1 converted) = 25 %.
    let want = ["5", "3", "2 h", "67 %", "1", "25 %"].map(String::from);
    let none = ["0", "0", "—", "—", "0", "—"].map(String::from);
    let now = pages(&app).await;
    let [gp, cardio, lakeside, harbour] = [&now[0], &now[1], &now[2], &now[3]];
    assert_eq!(question_figures(gp, "by"), want);
    assert_eq!(question_figures(gp, "of"), none, "nobody asked GP");
    assert!(gp.contains("You were asked</th>"));
    // The specialist sees the same questions as the ones they were asked.
    assert_eq!(question_figures(cardio, "of"), want);
    assert_eq!(question_figures(cardio, "by"), none);
    // Each clinic's admin: Lakeside's practitioners asked them, Harbour's were asked.
    assert_eq!(question_figures(lakeside, "by"), want);
    assert_eq!(question_figures(lakeside, "of"), none);
    assert!(lakeside.contains("The clinic asked</th>"));
    assert_eq!(question_figures(harbour, "of"), want);

    // The referral figures count referrals only: R0, R_rec and R_conv (made from
    // questions, and real referrals). GP sent 3; accepted R0 (in 1 h) and R_conv (at once,
    // 0 h): 2 of 3 = 67 %, median 0 h, p90 1 h.
    assert_eq!(fig(gp, "fig-sent"), "3");
    assert_eq!(fig(gp, "fig-received"), "0");
    assert_eq!(fig(gp, "fig-conversion"), "67 %");
    assert_eq!(fig(gp, "fig-tta-median"), "0 h");
    assert_eq!(fig(gp, "fig-tta-p90"), "1 h");
    assert_eq!(fig(gp, "fig-ttc-median"), "—", "an answer is no completion");
    // CARDIO received the two referrals, not the five questions.
    assert_eq!(fig(cardio, "fig-received"), "2");
    assert_eq!(fig(harbour, "fig-received"), "2");
    assert_eq!(fig(lakeside, "fig-sent"), "3");
    // Open loops: R0, R_rec and R_conv; the open question Q5 is no loop.
    assert!(gp.contains(
        "<tr class=\"open-band\"><th scope=\"row\">under 7 days</th><td class=\"num\">3</td></tr>"
    ));
    // Only R0 left Sent (after 1 h) and was triaged: the questions leaving Sent count in
    // neither of the clock's tables.
    let sent_line = gp
        .split("class=\"state-line\"")
        .skip(1)
        .find(|s| s.contains("Sent</th>"))
        .expect("a Sent line");
    assert!(
        sent_line.contains("<td class=\"num\">1</td><td class=\"num\">1 h</td>"),
        "{sent_line}"
    );
    let all = &gp[gp.find("id=\"level-all\"").expect("level-all")..];
    assert!(
        all.split("</tr>")
            .next()
            .unwrap()
            .contains("</th><td class=\"num\">1</td>"),
        "one triage"
    );
    // The section fits a phone: its table scrolls inside a table-wrap.
    let section = &gp[gp.find("aria-labelledby=\"h-questions\"").unwrap()..];
    assert!(section[..section.find("<table>").unwrap()].contains("class=\"table-wrap\""));

    // In Hindi, the section's words come from the Hindi file.
    let s = app.login(GP, PW).await;
    let (status, _, _) = app.send(&s, "/language", &[("language", "hi")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, hi) = app.get(&s.client, "/analytics").await;
    assert!(hi.contains("सलाह के प्रश्न"), "Hindi title");
}

#[tokio::test]
async fn the_questions_table_exports_as_csv() {
    let (app, _, _) = data_set().await;
    let gp = app.login(GP, PW).await;
    let r = app
        .get_raw(&gp.client, "/analytics.csv?table=questions")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines,
        [
            "questions,asked,answered,time_to_answer_median_hours,\
             answered_without_referral_percent,converted,converted_of_decided_percent",
            "\"asked\",\"5\",\"3\",\"2\",\"67\",\"1\",\"25\"",
            "\"asked_of\",\"0\",\"0\",\"\",\"\",\"0\",\"\"",
        ]
    );
    let exports = app.audit_count(Audit::action("analytics_exported").by(&app.user_id(GP)));
    assert_eq!(exports, 1, "the export is audited");
}

#[tokio::test]
async fn question_counters_rebuilt_from_the_referrals_equal_the_kept_ones() {
    use handoff::db::schema::referral_stats as s;
    let (app, _, _) = data_set().await;
    let load = || crate::analytics::rebuildable_counters(&app);
    let kept = load();
    let metric = |m: &str, detail: &str| -> i64 {
        kept.iter()
            .filter(|r| r.3 == m && r.4 == detail)
            .map(|r| r.6)
            .sum()
    };
    assert_eq!(metric("asked", ""), 5);
    assert_eq!(metric("referred", "converted"), 1);
    assert_eq!(metric("referred", "recommended"), 1);
    crate::clinic_rollup::assert_rollup_equals_the_pair_counters(&app);
    for admin in [ADMIN, OTHER_ADMIN] {
        crate::clinic_rollup::assert_clinic_figures_equal_a_recount(&app, admin, 12).await;
    }
    diesel::delete(s::table).execute(&mut *app.conn()).unwrap();
    let written = handoff::services::analytics::backfill_if_needed(&app.svc).unwrap();
    assert!(written > 0);
    assert_eq!(load(), kept);
    crate::clinic_rollup::assert_rollup_equals_the_pair_counters(&app);
}
