//! The duplicate guard and the patient's history (issue 16, part 4): a referral repeating
//! an open one to the same receiver or specialty needs a reason, which the receiver reads;
//! both doctors see the patient's referrals of the year; a redirected referral is no
//! longer an open loop, in /sent and in the analytics counters.

use diesel::prelude::*;
use reqwest::StatusCode;

use crate::builders::*;
use crate::helpers::*;

const CARDIO: &str = "farah.siddiqui@harbour.example"; // Cardiology
const CARDIO_2: &str = "ananya.bose@northgate.example"; // Cardiology too
const NEURO: &str = "lakshmi.narayan@northgate.example"; // Neurology

/// The value of the first `name="<name>" value="…"` in a page.
fn value_of(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let rest = page
        .split(&marker)
        .nth(1)
        .expect("the field is on the page");
    rest.split('"').next().unwrap().to_string()
}

/// The draft a refused send kept, from the re-rendered composer's form action.
fn draft_of(page: &str) -> String {
    let rest = page
        .split("action=\"/referrals/")
        .nth(1)
        .expect("the composer edits the kept draft");
    rest.split('/').next().unwrap().to_string()
}

/// The open-loops card of /sent.
fn open_loops(page: &str) -> &str {
    page.split("id=\"h-open\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap()
}

#[tokio::test]
async fn a_repeat_of_an_open_referral_warns_and_is_sent_only_with_a_reason_the_receiver_reads() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let first = app
        .referral()
        .by(&gp)
        .patient_id(&pid)
        .to(NEURO)
        .reason("FIRST-REASON-QX headaches")
        .in_state(State::Sent)
        .await
        .id;
    assert_eq!(
        app.event_count(&first, &["duplicate_reason"]),
        0,
        "nothing to repeat: no reason recorded"
    );

    // The same receiver again: refused once, the draft kept, what was typed kept.
    let (status, body, none) = app
        .referral()
        .by(&gp)
        .patient_id(&pid)
        .to(NEURO)
        .reason("Second look at the scan")
        .post("send")
        .await
        .parts();
    assert_eq!(status, StatusCode::CONFLICT, "{}", problem_in(&body));
    assert!(none.is_none());
    assert!(
        body.contains("Another referral is still open")
            && body.contains("name=\"duplicate_reason\"")
            && body.contains("Second look at the scan")
            && body.contains("Still open"),
        "the warning, the reason field and the history"
    );
    let id = draft_of(&body);
    assert_eq!(status_of(&app, &id), "draft");
    let version = value_of(&body, "version");

    // With a reason it goes, and the reason is on the timeline and in the audit log.
    let neuro_id = app.user_id(NEURO);
    let form = ComposeForm {
        receiver_id: Some(neuro_id),
        reason: "Second look at the scan".into(),
        duplicate_reason: Some("The family asks for an earlier date".into()),
        ..ComposeForm::default()
    };
    let mut fields = form.fields("send");
    fields.push(("version".into(), version));
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, body, location) = app
        .send(&gp, &format!("/referrals/{id}/edit"), &fields)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", problem_in(&body));
    assert_eq!(
        location.as_deref(),
        Some(format!("/referrals/{id}").as_str())
    );
    assert_eq!(status_of(&app, &id), "sent");
    assert_eq!(app.event_count(&id, &["duplicate_reason"]), 1);
    assert_eq!(
        app.audit_count(Audit::action("referral_duplicate_reason").subject(&id)),
        1
    );

    // The receiver reads the reason and the patient's history, without the other
    // referral's clinical details.
    let rx = app.login(NEURO, PW).await;
    let (_, page) = app.get(&rx.client, &format!("/referrals/{id}")).await;
    assert!(page.contains("The family asks for an earlier date"));
    assert!(page.contains("referrals in the last 12 months") && page.contains("Neurology"));
    assert!(!page.contains("FIRST-REASON-QX"));

    // A different receiver of the same specialty is a repeat too (case does not matter).
    let (status, body, _) = app
        .referral()
        .by(&gp)
        .patient_id(&pid)
        .to(CARDIO)
        .post("send")
        .await
        .parts();
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", problem_in(&body));
    let (status, _, _) = app
        .referral()
        .by(&gp)
        .patient_id(&pid)
        .to(CARDIO_2)
        .post("send")
        .await
        .parts();
    assert_eq!(status, StatusCode::CONFLICT, "cardiology is open already");

    // The patient never reads the triage reason.
    let patient = app.login(PATIENT_A, PW).await;
    let (_, page) = app.get(&patient.client, &format!("/referrals/{id}")).await;
    assert!(!page.contains("The family asks for an earlier date"));

    // Once the referral is cancelled the receiver no longer reads the patient's history,
    // as with every shared detail.
    app.act(&gp, &id, "cancel", &[("note", "Seen elsewhere")])
        .await
        .ok("cancel");
    let (_, page) = app.get(&rx.client, &format!("/referrals/{id}")).await;
    assert!(!page.contains("referrals in the last 12 months"), "{page}");
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(
        page.contains("referrals in the last 12 months"),
        "the sender still does"
    );
}

#[tokio::test]
async fn a_referral_repeating_nothing_open_is_sent_without_a_question() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let first = app
        .referral()
        .by(&gp)
        .patient_id(&pid)
        .to(NEURO)
        .in_state(State::Sent)
        .await
        .id;
    // Another specialty: no question asked.
    let (status, body, id) = app
        .referral()
        .by(&gp)
        .patient_id(&pid)
        .to(CARDIO)
        .post("send")
        .await
        .parts();
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", problem_in(&body));
    let id = id.unwrap();
    assert_eq!(app.event_count(&id, &["duplicate_reason"]), 0);
    // A closed loop is no repeat either.
    let posted = app
        .act(&gp, &first, "cancel", &[("note", "Seen elsewhere")])
        .await;
    assert_eq!(
        posted.status,
        StatusCode::SEE_OTHER,
        "{}",
        problem_in(&posted.body)
    );
    let (status, body, _) = app
        .referral()
        .by(&gp)
        .patient_id(&pid)
        .to(NEURO)
        .post("send")
        .await
        .parts();
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", problem_in(&body));
    // The composer lists the patient's referrals of the year.
    let neuro = app.user_id(NEURO);
    let (_, page) = app
        .get(&gp.client, &format!("/patients/{pid}/refer/new?to={neuro}"))
        .await;
    assert!(page.contains("referrals in the last 12 months"));
    assert!(page.contains("Cancelled") && page.contains("Cardiology"));
    assert!(
        page.contains("Another referral is still open"),
        "the new neurology referral is open: the reason field shows before sending"
    );
}

#[tokio::test]
async fn a_redirected_referral_leaves_no_open_loop_in_sent_or_the_counters() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let me = app.user_id(GP);
    let pid = app.patient_id("Aarav Sharma");
    let id = app
        .referral()
        .by(&gp)
        .patient_id(&pid)
        .to(NEURO)
        .in_state(State::Sent)
        .await
        .id;
    let rx = app.login(NEURO, PW).await;
    let posted = app
        .act(
            &rx,
            &id,
            "reject",
            &[
                ("code", "out_of_scope"),
                ("note", "Please send to cardiology"),
            ],
        )
        .await;
    assert_eq!(
        posted.status,
        StatusCode::SEE_OTHER,
        "{}",
        problem_in(&posted.body)
    );
    let (_, sent) = app.get(&gp.client, "/sent").await;
    assert!(
        open_loops(&sent).contains(&id),
        "declined: still the sender's loop"
    );
    let open_before = counter(&app, "open", &me);

    let (status, body, new_id) = app
        .referral()
        .by(&gp)
        .patient_id(&pid)
        .to(CARDIO)
        .redirected_from(&id)
        .post("draft")
        .await
        .parts();
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", problem_in(&body));
    assert!(new_id.is_some());
    let (_, sent) = app.get(&gp.client, "/sent").await;
    assert!(
        !open_loops(&sent).contains(&id),
        "redirected: no loop of its own"
    );
    assert_eq!(counter(&app, "open", &me), open_before - 1);

    // The counters rebuilt from the referrals agree.
    diesel::delete(handoff::db::schema::referral_stats::table)
        .execute(&mut *app.conn())
        .unwrap();
    assert!(handoff::services::analytics::backfill_if_needed(&app.svc).unwrap() > 0);
    assert_eq!(counter(&app, "open", &me), open_before - 1);
}
