use futures::future::join_all;
use reqwest::StatusCode;

use crate::builders::*;
use crate::helpers::*;

const CARDIO: &str = "farah.siddiqui@harbour.example"; // Harbour (approval clinic), has a practice
const CARDIO_NO_PRACTICE: &str = "ananya.bose@northgate.example";
const NEURO: &str = "lakshmi.narayan@northgate.example"; // has a practice
const HARBOUR_PATIENT: &str = "diya.menon@patients.example";
const HOSPITAL: &str = "sameer.kulkarni@citygeneral.example";
const LAB: &str = "lab.desk@ngdiagnostics.example";

/// The referral these tests compose, from `s` about `patient_id` to `to`: urgent chest
/// pain, a message, the complaint and allergies ticked, verbal consent given (where the
/// composer asks for it).
fn chest_pain<'a>(
    app: &'a TestApp,
    s: &'a Session,
    patient_id: &str,
    to: &str,
) -> ReferralBuilder<'a> {
    app.referral()
        .by(s)
        .patient_id(patient_id)
        .to(to)
        .priority("urgent")
        .reason("Exertional chest pain, please assess")
        .message("Thanks for seeing her soon.")
        .section(
            "complaint",
            "Chest tightness on climbing stairs for 3 weeks",
        )
        .section("allergies", "Penicillin: rash")
}

#[tokio::test]
async fn specialist_search_finds_by_specialty_partial_name_and_a_typo() {
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let (_, profile) = app.get(&s.client, &format!("/patients/{pid}")).await;
    assert!(
        profile.contains(&format!(
            "href=\"/patients/{pid}/refer\">Refer to another specialist"
        )),
        "the three-dot menu offers it"
    );
    let (status, body) = app
        .get(&s.client, &format!("/patients/{pid}/refer?q=cardio"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Dr Farah Siddiqui") && body.contains("Dr Ananya Bose"));
    // Northgate's cardiology service is found by its specialty words beside the people.
    assert!(body.contains("Cardiology service, Northgate"));
    assert!(body.contains("3 results"), "only cardiology");
    let (_, body) = app
        .get(&s.client, &format!("/patients/{pid}/refer?q=siddiqi"))
        .await;
    let first = body
        .find("class=\"result-name\"")
        .map(|i| &body[i..i + 80])
        .unwrap();
    assert!(
        first.contains("Farah Siddiqui"),
        "a letter wrong still finds her first: {first}"
    );
    let (_, body) = app
        .get(&s.client, &format!("/patients/{pid}/refer?q=lakshm"))
        .await;
    assert!(body.contains("Dr Lakshmi Narayan"), "a partial name");
    let (_, body) = app
        .get(
            &s.client,
            &format!("/patients/{pid}/refer?q=cardio&city=Bengaluru"),
        )
        .await;
    assert!(
        body.contains("Dr Ananya Bose") && !body.contains("Dr Farah Siddiqui"),
        "city filter"
    );
    let (_, body) = app
        .get(
            &s.client,
            &format!("/patients/{pid}/refer?language=Bengali"),
        )
        .await;
    assert!(
        body.contains("2 results")
            && body.contains("Dr Ananya Bose")
            && body.contains("Cardiology service, Northgate"),
        "language filter (the service speaks its members' languages)"
    );
    let (_, body) = app.get(&s.client, &format!("/patients/{pid}/refer")).await;
    assert!(
        body.contains("18 results") && body.contains("Page 1 of 2"),
        "the whole network, paginated"
    );
    assert!(
        body.contains("Not accepting referrals"),
        "each result says whether they accept"
    );
}

async fn accept_flow(receiver_email: &str, expect_booking: bool) {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let to = app.user_id(receiver_email);
    let (_, composer) = app
        .get(&gp.client, &format!("/patients/{pid}/refer/new?to={to}"))
        .await;
    assert!(
        composer.contains("Chief complaint") && composer.contains("Penicillin"),
        "prefilled from the chart"
    );
    let (status, body, id) = chest_pain(&app, &gp, &pid, receiver_email)
        .post("send")
        .await
        .parts();
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let id = id.unwrap();
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(page.contains(">Sent<"), "sent without approval step");

    // The request card with the message is in the sender-receiver thread.
    let (_, threads) = app.get(&gp.client, "/threads").await;
    let receiver_name = if expect_booking {
        "Dr Farah Siddiqui"
    } else {
        "Dr Ananya Bose"
    };
    assert!(threads.contains(receiver_name));
    let thread_href = threads
        .split("href=\"/threads/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let (_, thread) = app
        .get(&gp.client, &format!("/threads/{thread_href}"))
        .await;
    assert!(
        thread.contains("Thanks for seeing her soon.")
            && thread.contains("Referral request: Aarav Sharma")
    );

    let rx = app.login(receiver_email, PW).await;
    let (_, inbox) = app.get(&rx.client, "/inbox").await;
    assert!(inbox.contains("Aarav Sharma"));
    let (_, rpage) = app.get(&rx.client, &format!("/referrals/{id}")).await;
    assert!(
        rpage.contains("Chest tightness on climbing stairs"),
        "the receiver sees the consented snapshot"
    );
    let Posted { status, .. } = app.act(&rx, &id, "accept", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let patient = app.login(PATIENT_A, PW).await;
    let (_, pthreads) = app.get(&patient.client, "/threads").await;
    assert!(
        pthreads.contains(receiver_name),
        "accepting opened the receiver-patient thread"
    );
    let th = pthreads
        .split("href=\"/threads/")
        .map(|p| p.split('"').next().unwrap().to_string())
        .skip(1);
    let mut found = false;
    for t in th {
        let (_, page) = app.get(&patient.client, &format!("/threads/{t}")).await;
        if page.contains("I have accepted your referral") {
            found = true;
            assert_eq!(
                page.contains("Book a visit"),
                expect_booking,
                "booking button iff the receiver has a practice"
            );
        }
    }
    assert!(found);
    let (_, mine) = app.get(&patient.client, "/portal/referrals").await;
    assert!(mine.contains(&format!("Accepted by {receiver_name}")));
}

#[tokio::test]
async fn refer_send_accept_with_booking_button_when_the_receiver_has_a_practice() {
    accept_flow(CARDIO, true).await;
}

#[tokio::test]
async fn no_booking_button_when_the_receiver_has_no_practice() {
    accept_flow(CARDIO_NO_PRACTICE, false).await;
}

#[tokio::test]
async fn in_an_approval_clinic_the_patient_decides_first() {
    let app = TestApp::spawn().await;
    let sender = app.login(CARDIO, PW).await; // Harbour's first practitioner cares for its patients
    let pid = app.patient_id("Diya Menon");
    let (status, body, id) = chest_pain(&app, &sender, &pid, NEURO)
        .post("send")
        .await
        .parts();
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let id = id.unwrap();
    let rx = app.login(NEURO, PW).await;
    assert!(!app.get(&rx.client, "/inbox").await.1.contains("Diya Menon"));
    assert_eq!(
        app.get(&rx.client, &format!("/referrals/{id}")).await.0,
        StatusCode::NOT_FOUND
    );

    let patient = app.login(HARBOUR_PATIENT, PW).await;
    let (_, page) = app.get(&patient.client, &format!("/referrals/{id}")).await;
    assert!(
        page.contains("Your approval is needed")
            && page.contains("Chest tightness on climbing stairs"),
        "what would be shared"
    );
    let Posted { status, .. } = app
        .act(
            &patient,
            &id,
            "decline",
            &[("note", "I would rather wait until after the holidays")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        !app.get(&rx.client, "/inbox").await.1.contains("Diya Menon"),
        "nothing reached the receiver"
    );
    assert_eq!(
        app.get(&rx.client, &format!("/referrals/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, threads) = app.get(&sender.client, "/threads").await;
    let t = threads
        .split("href=\"/threads/")
        .map(|p| p.split('"').next().unwrap().to_string())
        .skip(1)
        .collect::<Vec<_>>();
    let mut seen = false;
    for th in t {
        let (_, page) = app.get(&sender.client, &format!("/threads/{th}")).await;
        seen |= page.contains("I would rather wait until after the holidays");
    }
    assert!(
        seen,
        "the referrer sees the patient's answer in their thread with the patient"
    );

    let id2 = chest_pain(&app, &sender, &pid, NEURO)
        .in_state(State::AwaitingPatient)
        .await
        .id;
    let Posted { status, .. } = app.act(&patient, &id2, "approve", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(app.get(&rx.client, "/inbox").await.1.contains("Diya Menon"));
    let (status, page) = app.get(&rx.client, &format!("/referrals/{id2}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Approved by the patient in the portal"));
}

#[tokio::test]
async fn a_rejection_reaches_the_referrer_but_never_the_patient_and_can_be_redirected() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let id = chest_pain(&app, &gp, &pid, NEURO)
        .in_state(State::Sent)
        .await
        .id;
    let rx = app.login(NEURO, PW).await;
    let Posted { status, body, .. } = app
        .act(
            &rx,
            &id,
            "reject",
            &[("code", "out_of_scope"), ("note", "")],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a note is required"
    );
    assert!(body.contains("Note to the referrer is required."));
    let Posted { status, .. } = app
        .act(
            &rx,
            &id,
            "reject",
            &[
                ("code", "out_of_scope"),
                ("note", "Cardiac pain: please send to cardiology"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(
        page.contains("Out of scope for this practice")
            && page.contains("please send to cardiology")
    );
    let patient = app.login(PATIENT_A, PW).await;
    for path in [
        format!("/referrals/{id}"),
        "/portal/referrals".to_string(),
        "/notifications".to_string(),
    ] {
        let (_, p) = app.get(&patient.client, &path).await;
        assert!(
            !p.contains("please send to cardiology")
                && !p.contains("Out of scope")
                && !p.contains("Declined"),
            "{path}"
        );
    }
    assert!(
        app.get(&patient.client, &format!("/referrals/{id}"))
            .await
            .1
            .contains("In review")
    );

    // Redirect: a new draft to someone else, prefilled and linked.
    let r = app
        .get_raw(&gp.client, &format!("/referrals/{id}/redirect"))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cardio = app.user_id(CARDIO);
    let (_, composer) = app
        .get(
            &gp.client,
            &format!("/patients/{pid}/refer/new?to={cardio}&from={id}"),
        )
        .await;
    assert!(
        composer.contains("Exertional chest pain, please assess"),
        "prefilled from the declined referral"
    );
    let (status, body, new_id) = chest_pain(&app, &gp, &pid, CARDIO)
        .redirected_from(&id)
        .post("send")
        .await
        .parts();
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "{}",
        body.split("class=\"alert\"")
            .nth(1)
            .or(body.split("field-error").nth(1))
            .unwrap_or(&body)
    );
    let new_id = new_id.unwrap();
    let (_, mine) = app.get(&patient.client, "/portal/referrals").await;
    assert!(
        mine.contains(&new_id) && !mine.contains(&id),
        "the patient sees the new referral only"
    );
    let (_, old) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(old.contains("Redirected to a new draft"));
    assert!(
        !old.contains("Redirect to someone else"),
        "a referral is redirected once"
    );
}

#[tokio::test]
async fn a_doctor_only_referral_never_shows_its_snapshot_to_the_patient() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let secret = "ZEBRA-SECRET-42 low mood and intrusive thoughts";
    let (status, _, id) = chest_pain(&app, &gp, &pid, CARDIO)
        .doctor_only()
        .section("visits", secret)
        .post("send")
        .await
        .parts();
    assert_eq!(status, StatusCode::SEE_OTHER);
    let id = id.unwrap();
    let rx = app.login(CARDIO, PW).await;
    assert!(
        app.get(&rx.client, &format!("/referrals/{id}"))
            .await
            .1
            .contains("ZEBRA-SECRET-42"),
        "the receiver sees it"
    );
    app.act(&rx, &id, "accept", &[]).await;
    let patient = app.login(PATIENT_A, PW).await;
    let (_, page) = app.get(&patient.client, &format!("/referrals/{id}")).await;
    assert!(
        page.contains("Accepted by Dr Farah Siddiqui"),
        "the patient sees to whom and the status"
    );
    assert!(page.contains("doctor-only"));
    let (_, threads) = app.get(&patient.client, "/threads").await;
    let mut pages = vec![
        page,
        threads.clone(),
        app.get(&patient.client, "/portal/referrals").await.1,
        app.get(&patient.client, "/notifications").await.1,
    ];
    for t in threads
        .split("href=\"/threads/")
        .skip(1)
        .map(|p| p.split('"').next().unwrap().to_string())
    {
        pages.push(app.get(&patient.client, &format!("/threads/{t}")).await.1);
    }
    for p in pages {
        assert!(!p.contains("ZEBRA-SECRET-42"));
    }
}

#[tokio::test]
async fn twenty_concurrent_decisions_give_one_success_and_one_event() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let id = chest_pain(&app, &gp, &pid, CARDIO)
        .in_state(State::Sent)
        .await
        .id;
    let rx = app.login(CARDIO, PW).await;
    let (_, page) = app.get(&rx.client, &format!("/referrals/{id}")).await;
    let version = version_in(&page, &format!("/referrals/{id}/accept"));
    let posts = (0..20).map(|i| {
        let (cmd, extra): (&str, Vec<(&str, &str)>) = if i % 2 == 0 {
            ("accept", vec![])
        } else {
            (
                "reject",
                vec![("code", "no_capacity"), ("note", "Full this month")],
            )
        };
        let mut form = vec![
            ("csrf_token", rx.csrf.as_str()),
            ("version", version.as_str()),
        ];
        form.extend(extra);
        let req = rx
            .client
            .post(app.url(&format!("/referrals/{id}/{cmd}")))
            .form(&form);
        async move { req.send().await.unwrap() }
    });
    let responses = join_all(posts).await;
    let ok = responses
        .iter()
        .filter(|r| r.status() == StatusCode::SEE_OTHER)
        .count();
    let conflicts: Vec<_> = responses
        .into_iter()
        .filter(|r| r.status() == StatusCode::CONFLICT)
        .collect();
    assert_eq!(ok, 1, "exactly one decision wins");
    assert_eq!(conflicts.len(), 19, "every other one is told it lost");
    let body = conflicts.into_iter().next().unwrap().text().await.unwrap();
    assert!(
        body.contains("This referral changed while you were looking at it"),
        "{body}"
    );
    assert_eq!(
        app.event_count(&id, &["accept", "reject"]),
        1,
        "one event in the timeline"
    );
}

#[tokio::test]
async fn outsiders_can_neither_see_nor_act() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let id = chest_pain(&app, &gp, &pid, CARDIO)
        .in_state(State::Sent)
        .await
        .id;
    let version = "2";
    for who in [UNRELATED, "neha.shetty@patients.example", OTHER_ADMIN] {
        let s = app.login(who, PW).await;
        let (status, body) = app.get(&s.client, &format!("/referrals/{id}")).await;
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
            "{who}: {status}"
        );
        assert!(!body.contains("Chest tightness"), "{who}");
        for cmd in ["accept", "reject", "cancel"] {
            let (status, _, _) = app
                .send(
                    &s,
                    &format!("/referrals/{id}/{cmd}"),
                    &[("version", version), ("code", "other"), ("note", "x")],
                )
                .await;
            assert!(
                status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
                "{who} {cmd}: {status}"
            );
        }
        let (_, inbox) = app.get(&s.client, "/inbox").await;
        assert!(!inbox.contains("Aarav Sharma"), "{who}");
    }
    let anon = app.client();
    let r = app.get_raw(&anon, &format!("/referrals/{id}")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
    let (status, _, _) = app
        .post(
            &anon,
            &format!("/referrals/{id}/accept"),
            &[("version", version)],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The sender cannot decide for the receiver.
    let (status, body, _) = app
        .send(
            &gp,
            &format!("/referrals/{id}/accept"),
            &[("version", version)],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("Only the receiving practitioner can accept"));
    let rx = app.login(CARDIO, PW).await;
    let (_, page) = app.get(&rx.client, &format!("/referrals/{id}")).await;
    assert!(page.contains(">Sent<"), "nothing changed");
}

#[tokio::test]
async fn sending_without_consent_is_refused_and_nothing_is_shared() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let (status, body, _) = chest_pain(&app, &gp, &pid, CARDIO)
        .without_consent()
        .post("send")
        .await
        .parts();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("consent to share the ticked sections is needed before sending"));
    assert!(body.contains("Saved as a draft; not sent."));
    assert!(
        body.contains("Chest tightness on climbing stairs"),
        "what was typed is kept"
    );
    let rx = app.login(CARDIO, PW).await;
    assert!(
        !app.get(&rx.client, "/inbox")
            .await
            .1
            .contains("Aarav Sharma")
    );
    let (_, sent) = app.get(&gp.client, "/sent?status=draft").await;
    let id = sent
        .split("href=\"/referrals/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        app.get(&rx.client, &format!("/referrals/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, threads) = app.get(&rx.client, "/threads").await;
    assert!(
        !threads.contains("Asha Kulkarni"),
        "no request card was posted"
    );
    // With consent the same draft goes out.
    let Posted { status, .. } = app
        .act(&gp, &id, "submit", &[("consent_verbal", "on")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        app.get(&rx.client, "/inbox")
            .await
            .1
            .contains("Aarav Sharma")
    );
}

#[tokio::test]
async fn receivers_work_the_inbox_with_filters_and_accept_and_open_next() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let mut ids = Vec::new();
    for (name, prio) in [
        ("Aarav Sharma", "routine"),
        ("Neha Shetty", "emergency"),
        ("Tariq Ahmed", "urgent"),
    ] {
        let pid = app.patient_id(name);
        app.clock.advance(chrono::Duration::minutes(5));
        let (status, body, id) = chest_pain(&app, &gp, &pid, CARDIO)
            .priority(prio)
            .post("send")
            .await
            .parts();
        assert_eq!(
            status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            body.split("field-error").nth(1).unwrap_or("")
        );
        ids.push(id.unwrap());
    }
    let rx = app.login(CARDIO, PW).await;
    let (_, inbox) = app.get(&rx.client, "/inbox").await;
    let pos = |page: &str, n: &str| page.find(n).unwrap();
    assert!(
        pos(&inbox, "Aarav Sharma") < pos(&inbox, "Neha Shetty"),
        "oldest waiting first"
    );
    let (_, by_prio) = app.get(&rx.client, "/inbox?sort=priority").await;
    assert!(
        pos(&by_prio, "Neha Shetty") < pos(&by_prio, "Tariq Ahmed")
            && pos(&by_prio, "Tariq Ahmed") < pos(&by_prio, "Aarav Sharma")
    );
    let (_, urgent) = app.get(&rx.client, "/inbox?priority=urgent").await;
    assert!(urgent.contains("Tariq Ahmed") && !urgent.contains("Neha Shetty"));
    // Accept and open next: lands on the next oldest waiting referral.
    let (_, page) = app.get(&rx.client, &format!("/referrals/{}", ids[0])).await;
    let version = version_in(&page, &format!("/referrals/{}/accept", ids[0]));
    let (status, _, loc) = app
        .send(
            &rx,
            &format!("/referrals/{}/accept", ids[0]),
            &[("version", &version), ("then", "next")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(loc.unwrap(), format!("/referrals/{}", ids[1]));
    let (_, inbox) = app.get(&rx.client, "/inbox").await;
    assert!(inbox.contains("Accepted <span class=\"count\">1</span>"));
    assert!(inbox.contains("Sent <span class=\"count\">2</span>"));
    let (_, notes) = app.get(&gp.client, "/notifications").await;
    assert!(notes.contains("accepted the referral of Aarav Sharma"));
    // Keyset pages: one row a page is not exposed, but an unknown cursor is just the first page.
    assert_eq!(
        app.get(&rx.client, "/inbox?after=garbage").await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn stale_forms_get_a_409_that_says_what_changed() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let id = chest_pain(&app, &gp, &pid, CARDIO)
        .in_state(State::Sent)
        .await
        .id;
    let rx = app.login(CARDIO, PW).await;
    let (_, page) = app.get(&rx.client, &format!("/referrals/{id}")).await;
    let version = version_in(&page, &format!("/referrals/{id}/accept"));
    // The sender cancels meanwhile.
    let Posted { status, .. } = app
        .act(&gp, &id, "cancel", &[("note", "Patient moved away")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, body, _) = app
        .send(
            &rx,
            &format!("/referrals/{id}/accept"),
            &[("version", &version)],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("It is now “Cancelled”"), "{body}");
    // Completing needs both fields.
    let id2 = chest_pain(&app, &gp, &pid, CARDIO)
        .in_state(State::Sent)
        .await
        .id;
    app.act(&rx, &id2, "accept", &[]).await;
    let Posted { status, body, .. } = app
        .act(
            &rx,
            &id2,
            "complete",
            &[
                ("summary", "Stable angina; started on a beta blocker"),
                ("advice", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Advice is required.")
            && body.contains("Stable angina; started on a beta blocker")
    );
    let Posted { status, .. } = app
        .act(
            &rx,
            &id2,
            "complete",
            &[
                ("summary", "Stable angina"),
                ("advice", "Review in 3 months"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let patient = app.login(PATIENT_A, PW).await;
    let (_, page) = app.get(&patient.client, &format!("/referrals/{id2}")).await;
    assert!(page.contains("Completed") && page.contains("Review in 3 months"));
}

#[tokio::test]
async fn crafted_input_gets_a_clear_answer_never_a_500_or_a_leak() {
    let app = TestApp::spawn().await;
    let sender = app.login(CARDIO, PW).await;
    let pid = app.patient_id("Diya Menon");
    // Awaiting the patient's approval: not the receiver's business yet, whatever the filter.
    let id = chest_pain(&app, &sender, &pid, NEURO)
        .in_state(State::AwaitingPatient)
        .await
        .id;
    let rx = app.login(NEURO, PW).await;
    for status in ["draft", "awaiting_patient", "declined_by_patient"] {
        let (code, page) = app
            .get(&rx.client, &format!("/inbox?status={status}"))
            .await;
        assert_eq!(code, StatusCode::OK);
        assert!(!page.contains("Diya Menon"), "{status}");
    }
    for q in [
        "to=%2B262143-12-31",
        "from=-5000-01-01",
        "after=0.-8000000000000000000.x",
        "sort=%00",
    ] {
        let (code, _) = app.get(&rx.client, &format!("/inbox?{q}")).await;
        assert_eq!(code, StatusCode::OK, "{q}: out-of-range values are ignored");
    }
    let (code, _) = app.get(&rx.client, "/inbox?status=%00").await;
    assert!(
        code == StatusCode::OK || code == StatusCode::BAD_REQUEST,
        "{code}"
    );
    for path in ["/referrals/%00", "/threads/%00", "/patients/%00"] {
        let (code, _) = app.get(&rx.client, path).await;
        assert!(
            code == StatusCode::NOT_FOUND
                || code == StatusCode::BAD_REQUEST
                || code == StatusCode::FORBIDDEN,
            "{path}: {code}"
        );
    }
    let (code, body, _) = chest_pain(&app, &sender, &pid, NEURO)
        .reason("nul\u{0}byte")
        .post("send")
        .await
        .parts();
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("contains characters that cannot be stored"));
    // A patient posting with a stale version learns nothing beyond their own view.
    let patient = app.login(HARBOUR_PATIENT, PW).await;
    let (code, body, _) = app
        .send(
            &patient,
            &format!("/referrals/{id}/approve"),
            &[("version", "999")],
        )
        .await;
    assert_eq!(code, StatusCode::CONFLICT);
    assert!(
        body.contains("Your approval is needed") && !body.contains("by Dr"),
        "{body}"
    );
    let (code, _, _) = app
        .send(
            &patient,
            &format!("/referrals/{id}/accept"),
            &[("version", "999")],
        )
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN, "who may act is checked first");
}

#[tokio::test]
async fn need_info_rounds_with_a_checklist_and_files_then_a_report_on_completion() {
    use reqwest::multipart::{Form, Part};
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let id = chest_pain(&app, &gp, &pid, CARDIO)
        .in_state(State::Sent)
        .await
        .id;
    let rx = app.login(CARDIO, PW).await;
    let Posted { status, .. } = app
        .act(
            &rx,
            &id,
            "request_info",
            &[("note", "Prior ECG\nBP trend over 30 days")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(
        page.contains("Prior ECG")
            && page.contains("BP trend over 30 days")
            && page.contains(">Open<")
    );
    let ask_ids: Vec<String> = page
        .split("name=\"answer_")
        .skip(1)
        .map(|p| p.split('"').next().unwrap().to_string())
        .collect();
    assert_eq!(ask_ids.len(), 2);
    // One ask unanswered: refused, with the item named.
    let answer_key = format!("answer_{}", ask_ids[1]);
    let Posted { status, body, .. } = app
        .act(
            &gp,
            &id,
            "provide_info",
            &[(answer_key.as_str(), "Home readings 150/95 average")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("“Prior ECG” has neither"));
    // A file answers the first ask; HTML is refused by content.
    let upload = |ask: &str, name: &str, bytes: Vec<u8>| {
        Form::new()
            .text("ask_id", ask.to_string())
            .part("file", Part::bytes(bytes).file_name(name.to_string()))
    };
    let url = app.url(&format!(
        "/referrals/{id}/attachments?csrf_token={}",
        gp.csrf
    ));
    let r = gp
        .client
        .post(&url)
        .multipart(upload(&ask_ids[0], "ecg.html", b"<html>x</html>".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let ecg = b"%PDF-1.4\n% ECG 2026-10-01\n%%EOF\n".to_vec();
    let r = gp
        .client
        .post(&url)
        .multipart(upload(&ask_ids[0], "ecg.pdf", ecg.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let Posted { status, body, .. } = app
        .act(
            &gp,
            &id,
            "provide_info",
            &[(answer_key.as_str(), "Home readings 150/95 average")],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "{}",
        body.split("field-error").nth(1).unwrap_or("")
    );
    // The receiver sees both answered and opens the file.
    let (_, page) = app.get(&rx.client, &format!("/referrals/{id}")).await;
    assert!(!page.contains(">Open<") && page.contains("Home readings 150/95 average"));
    let href = page
        .split("href=\"")
        .find(|p| p.starts_with(&format!("/referrals/{id}/attachments/")))
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = app.get_raw(&rx.client, &href).await;
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.unwrap().to_vec(), ecg);
    // A second round, then acceptance and a report with the completion.
    let Posted { status, .. } = app
        .act(&rx, &id, "request_info", &[("note", "Lipid panel")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    let ask = page
        .split("name=\"answer_")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let key = format!("answer_{ask}");
    app.act(
        &gp,
        &id,
        "provide_info",
        &[(key.as_str(), "LDL 3.1 mmol/L")],
    )
    .await;
    app.act(&rx, &id, "accept", &[]).await;
    let rurl = app.url(&format!(
        "/referrals/{id}/attachments?csrf_token={}",
        rx.csrf
    ));
    let report = Form::new().part(
        "file",
        Part::bytes(b"Consult note: stable angina.\n".to_vec()).file_name("consult.txt"),
    );
    assert_eq!(
        rx.client
            .post(&rurl)
            .multipart(report)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SEE_OTHER
    );
    app.act(
        &rx,
        &id,
        "complete",
        &[
            ("summary", "Stable angina"),
            ("advice", "Beta blocker; review in 3 months"),
        ],
    )
    .await;
    let patient = app.login(PATIENT_A, PW).await;
    let (_, page) = app.get(&patient.client, &format!("/referrals/{id}")).await;
    assert!(
        page.contains("consult.txt"),
        "the patient gets the report of a referral that is not doctor-only"
    );
    assert!(
        !page.contains("ecg.pdf") && !page.contains("Prior ECG"),
        "but not the doctors' exchange"
    );
    let ecg_href = href.clone();
    assert_eq!(
        app.get(&patient.client, &ecg_href).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_hospital_admission_must_carry_its_packet_and_is_urgent_by_default() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let hospital = app.user_id("sameer.kulkarni@citygeneral.example");
    let (_, composer) = app
        .get(
            &gp.client,
            &format!("/patients/{pid}/refer/new?to={hospital}"),
        )
        .await;
    assert!(composer.contains("Hospital admission"));
    assert!(
        composer.contains("<option value=\"urgent\" selected>"),
        "urgent by default"
    );
    assert!(
        composer.contains("id=\"inc_vitals\" name=\"inc_vitals\" checked"),
        "the packet's sections start ticked"
    );
    // Without medications and visits it is refused, by the sections.
    let (status, body, _) = chest_pain(&app, &gp, &pid, HOSPITAL)
        .section("vitals", "BP 90/60")
        .post("send")
        .await
        .parts();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains(
            "An admission referral must carry Medications and draft prescriptions, Recent visits"
        ),
        "{}",
        body.split("field-error").nth(1).unwrap_or("")
    );
    let (status, _, id) = chest_pain(&app, &gp, &pid, HOSPITAL)
        .section("vitals", "BP 90/60")
        .section("medications", "Aspirin 75 mg")
        .section("visits", "Seen today")
        .post("send")
        .await
        .parts();
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app
        .get(&gp.client, &format!("/referrals/{}", id.unwrap()))
        .await;
    assert!(page.contains("Admission referral"));
}

#[tokio::test]
async fn a_lab_order_carries_its_tests_and_completes_when_the_report_is_uploaded() {
    use reqwest::multipart::{Form, Part};
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let lab = app.user_id("lab.desk@ngdiagnostics.example");
    let (_, composer) = app
        .get(&gp.client, &format!("/patients/{pid}/refer/new?to={lab}"))
        .await;
    assert!(composer.contains("Tests asked for (one per line)"));
    let (status, body, _) = chest_pain(&app, &gp, &pid, LAB)
        .message("")
        .post("send")
        .await
        .parts();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("List the tests asked for"));
    let (status, _, id) = chest_pain(&app, &gp, &pid, LAB)
        .message("HbA1c\nLipid panel")
        .post("send")
        .await
        .parts();
    assert_eq!(status, StatusCode::SEE_OTHER);
    let id = id.unwrap();
    let staff = app.login("lab.desk@ngdiagnostics.example", PW).await;
    let (_, inbox) = app.get(&staff.client, "/inbox").await;
    assert!(
        inbox.contains("Aarav Sharma"),
        "lab staff work the same inbox"
    );
    app.act(&staff, &id, "accept", &[]).await;
    let url = app.url(&format!(
        "/referrals/{id}/attachments?csrf_token={}",
        staff.csrf
    ));
    let report = Form::new().part(
        "file",
        Part::bytes(b"HbA1c 6.1 %\nLDL 3.2 mmol/L\n".to_vec()).file_name("results.txt"),
    );
    assert_eq!(
        staff
            .client
            .post(&url)
            .multipart(report)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SEE_OTHER
    );
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(page.contains(">Completed<") && page.contains("Report uploaded: results.txt"));
    assert!(
        app.get(&gp.client, "/notifications")
            .await
            .1
            .contains("report for Aarav Sharma is ready")
    );
    let patient = app.login(PATIENT_A, PW).await;
    let (_, mine) = app.get(&patient.client, "/portal/referrals").await;
    assert!(mine.contains("Report ready"));
    let (_, notes) = app.get(&patient.client, "/notifications").await;
    assert!(notes.contains("Your report is ready."));
    let (_, page) = app.get(&patient.client, &format!("/referrals/{id}")).await;
    let href = page
        .split("href=\"")
        .find(|p| p.starts_with(&format!("/referrals/{id}/attachments/")))
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        app.get(&patient.client, &href).await.0,
        StatusCode::OK,
        "the patient downloads the report"
    );
}
