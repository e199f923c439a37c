//! Cover (issue 15): an away practitioner's new referrals go to the colleague covering for
//! them, the sender is told, and open referrals are handed over in one step.

use diesel::prelude::*;
use reqwest::StatusCode;

use crate::builders::*;
use crate::helpers::*;

const COVER: &str = "meera.iyer@harbour.example";

fn today(app: &TestApp) -> chrono::NaiveDate {
    handoff::services::referrals::cover::today(&app.svc, app.clock_now())
}

fn receiver_of(app: &TestApp, id: &str) -> (String, Option<String>) {
    use handoff::db::schema::referral_moves as m;
    m::table
        .filter(m::id.eq(id))
        .select((m::receiver_id, m::covering_for))
        .first(&mut *app.conn())
        .unwrap()
}

async fn set_away(app: &TestApp, s: &Session, days: i64, cover: &str) -> (StatusCode, String) {
    let first = today(app).to_string();
    let last = (today(app) + chrono::Days::new(days as u64)).to_string();
    let (status, body, _) = app
        .send(
            s,
            "/account/away",
            &[
                ("first_day", &first),
                ("last_day", &last),
                ("covering_id", cover),
                ("note", "At a conference"),
            ],
        )
        .await;
    (status, body)
}

#[tokio::test]
async fn a_referral_to_someone_away_goes_to_their_cover_and_the_sender_is_told() {
    let app = TestApp::spawn().await;
    let farah = app.login(OTHER_CLINIC_DOC, PW).await;
    let meera_id = app.user_id(COVER);
    let (status, page) = app.get(&farah.client, "/account/away").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Plan an absence") && page.contains("Meera Iyer"));

    // Mistakes come back beside their fields, with what was typed.
    let (status, body, _) = app
        .send(
            &farah,
            "/account/away",
            &[
                ("first_day", "2031-02-10"),
                ("last_day", "2031-02-01"),
                ("covering_id", ""),
                ("note", "Family wedding"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Choose the colleague who covers for you."),
        "{body}"
    );
    assert!(body.contains("value=\"Family wedding\""));
    // A practitioner of another clinic cannot cover.
    let (status, body) = set_away(&app, &farah, 3, &app.user_id(GP)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("active colleague of your clinic"), "{body}");

    let (status, _) = set_away(&app, &farah, 3, &meera_id).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&farah.client, "/account/away").await;
    assert!(page.contains("At a conference") && page.contains("You are away today"));
    // Overlapping the one planned: refused.
    let (status, body) = set_away(&app, &farah, 1, &meera_id).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("You are already away from"), "{body}");

    // The directory and the composer say so before anything is sent.
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let (_, found) = app
        .get(&gp.client, &format!("/patients/{pid}/refer?q=Farah"))
        .await;
    let until = (today(&app) + chrono::Days::new(3)).to_string();
    assert!(found.contains(&format!("Away until {until}")), "{found}");
    assert!(found.contains("Meera Iyer covers"));
    let farah_id = app.user_id(OTHER_CLINIC_DOC);
    let (_, composer) = app
        .get(
            &gp.client,
            &format!("/patients/{pid}/refer/new?to={farah_id}"),
        )
        .await;
    assert!(composer.contains("Meera Iyer, who covers, will receive this referral"));
    let (_, profile) = app
        .get(&gp.client, &format!("/practitioners/{farah_id}"))
        .await;
    assert!(
        profile.contains(&format!("Away until {until}")),
        "{profile}"
    );

    let made = app.referral().by(&gp).in_state(State::Sent).await;
    assert_eq!(
        receiver_of(&app, &made.id),
        (meera_id.clone(), Some(farah_id.clone()))
    );
    let (_, notes) = app.get(&gp.client, "/notifications").await;
    assert!(
        notes.contains(
            "Farah Siddiqui is away; Dr Meera Iyer, covering for them, receives this referral."
        ),
        "{notes}"
    );
    let (_, page) = app
        .get(&gp.client, &format!("/referrals/{}", made.id))
        .await;
    assert!(page.contains("Covering for Dr Farah Siddiqui"), "{page}");
    // The patient's consent names whoever has it, so the cover reads what was shared.
    let meera = app.login(COVER, PW).await;
    let (status, page) = app
        .get(&meera.client, &format!("/referrals/{}", made.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Chest tightness"), "{page}");
    let (_, inbox) = app.get(&meera.client, "/inbox").await;
    assert!(inbox.contains(&made.id));
    // The away receiver does not have it.
    let (status, _) = app
        .get(&farah.client, &format!("/referrals/{}", made.id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, inbox) = app.get(&farah.client, "/inbox").await;
    assert!(!inbox.contains(&made.id));
    // The cover accepts it like any referral of theirs.
    let version = version_in(&page, &format!("/referrals/{}/accept", made.id));
    let (status, _, _) = app
        .send(
            &meera,
            &format!("/referrals/{}/accept", made.id),
            &[("version", &version), ("note", "")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // Ended today: the next referral reaches Farah again.
    let (_, page) = app.get(&farah.client, "/account/away").await;
    let id = page
        .split("action=\"/account/away/")
        .nth(1)
        .and_then(|s| s.split("/end").next())
        .unwrap()
        .to_string();
    let (status, _, _) = app
        .send(&meera, &format!("/account/away/{id}/end"), &[])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "only the absent ends it");
    let (status, _, _) = app
        .send(&farah, &format!("/account/away/{id}/end"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let next = app
        .referral()
        .by(&gp)
        .patient("Neha Shetty")
        .in_state(State::Sent)
        .await;
    assert_eq!(receiver_of(&app, &next.id), (farah_id, None));
    let (status, _, _) = app.send(&farah, "/account/away/hand-over", &[]).await;
    assert_eq!(status, StatusCode::CONFLICT, "nobody covers any more");
}

#[tokio::test]
async fn open_referrals_are_handed_over_in_one_step_and_the_counters_follow() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let farah = app.login(OTHER_CLINIC_DOC, PW).await;
    let meera_id = app.user_id(COVER);
    let farah_id = app.user_id(OTHER_CLINIC_DOC);
    let sent = app.referral().by(&gp).in_state(State::Sent).await;
    let accepted = app
        .referral()
        .by(&gp)
        .patient("Neha Shetty")
        .receiver_session(&farah)
        .in_state(State::Accepted)
        .await;
    let done = app
        .referral()
        .by(&gp)
        .patient("Ravi Farooq")
        .receiver_session(&farah)
        .in_state(State::Completed)
        .await;

    let (status, _) = set_away(&app, &farah, 5, &meera_id).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&farah.client, "/account/away").await;
    assert!(
        page.contains("2 open referral(s) can be handed over"),
        "{page}"
    );
    let (status, _, _) = app.send(&farah, "/account/away/hand-over", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&farah.client, "/account/away").await;
    assert!(
        page.contains("2 referral(s) handed over to Dr Meera Iyer"),
        "{page}"
    );
    for r in [&sent, &accepted] {
        assert_eq!(
            receiver_of(&app, &r.id),
            (meera_id.clone(), Some(farah_id.clone()))
        );
    }
    assert_eq!(receiver_of(&app, &done.id), (farah_id.clone(), None));

    // The sender and the patient are told; the patient's consent passed on, on the record.
    let (_, notes) = app.get(&gp.client, "/notifications").await;
    assert!(
        notes.contains("Meera Iyer is covering for Dr Farah Siddiqui and now has this referral.")
    );
    let patient = app.login(PATIENT_A, PW).await;
    let (_, consents) = app.get(&patient.client, "/portal/consents").await;
    assert!(
        consents.contains("to the colleague covering for them"),
        "{consents}"
    );
    let meera = app.login(COVER, PW).await;
    let (_, page) = app
        .get(&meera.client, &format!("/referrals/{}", sent.id))
        .await;
    assert!(page.contains("Passed on by the receiver to the colleague covering for them"));
    assert!(
        page.contains(
            "action=\"/referrals/{}/accept\""
                .replace("{}", &sent.id)
                .as_str()
        )
    );

    // Withdrawing the consent the patient gave withdraws what was passed on from it.
    let original: String = {
        use handoff::db::schema::consents as k;
        k::table
            .filter(k::referral_id.eq(&sent.id))
            .filter(k::method.eq("verbal"))
            .select(k::id)
            .first(&mut *app.conn())
            .unwrap()
    };
    let (_, consents) = app.get(&patient.client, "/portal/consents").await;
    let csrf = csrf_of(&consents);
    let (status, _, _) = app
        .post(
            &patient.client,
            &format!("/portal/consents/{original}/withdraw"),
            &[("csrf_token", csrf.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app
        .get(&meera.client, &format!("/referrals/{}", sent.id))
        .await;
    assert!(
        !page.contains("Chest tightness"),
        "the cover lost it with the consent"
    );

    // The audit log says who moved what.
    use handoff::db::schema::audit_events as a;
    let moved: i64 = a::table
        .filter(a::action.eq("referral_handed_over"))
        .filter(a::actor_id.eq(&farah_id))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(moved, 2);

    // The analytics counters moved with them, as a rebuild from the referrals finds them.
    let kept = crate::analytics::rebuildable_counters(&app);
    assert!(kept.iter().any(|k| k.2 == meera_id && k.3 == "accepted"));
    diesel::delete(handoff::db::schema::referral_stats::table)
        .execute(&mut *app.conn())
        .unwrap();
    handoff::services::analytics::backfill_if_needed(&app.svc).unwrap();
    assert_eq!(crate::analytics::rebuildable_counters(&app), kept);
    crate::clinic_rollup::assert_rollup_equals_the_pair_counters(&app);
    // A second hand-over finds nothing left to move.
    let (status, _, _) = app.send(&farah, "/account/away/hand-over", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&farah.client, "/account/away").await;
    assert!(page.contains("0 referral(s) handed over"), "{page}");
}
