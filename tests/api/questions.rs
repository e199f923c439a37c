//! Advice questions and returns with advice (issue 16, parts 1 to 3): a question is asked,
//! asked about and answered, and all three parties read what is theirs; with the sender's
//! permission the specialist turns it into a referral that carries its snapshot and
//! consent, linked both ways; without it they recommend one, which the sender sends in one
//! click; a referral returned with advice closes, tells the sender (not the patient), and
//! its advice reaches the patient only when the sender sends it.

use diesel::prelude::*;
use reqwest::StatusCode;

use crate::builders::*;
use crate::helpers::*;

const CARDIO: &str = "farah.siddiqui@harbour.example";
const NEURO: &str = "lakshmi.narayan@northgate.example";

/// The question's own row: (may_convert, recommends, made_referral_id, made_how).
fn question_row(app: &TestApp, id: &str) -> (bool, bool, Option<String>, Option<String>) {
    use handoff::db::schema::questions as q;
    q::table
        .find(id)
        .select((
            q::may_convert,
            q::recommends,
            q::made_referral_id,
            q::made_how,
        ))
        .first(&mut *app.conn())
        .expect("the question's row")
}

/// (kind, sender, receiver, snapshot, reason) of a referral.
fn referral_row(app: &TestApp, id: &str) -> (String, String, String, String, String) {
    use handoff::db::schema::referrals as r;
    r::table
        .find(id)
        .select((
            r::kind,
            r::sender_id,
            r::receiver_id,
            r::snapshot,
            r::reason,
        ))
        .first(&mut *app.conn())
        .expect("the referral")
}

fn live_consents(app: &TestApp, referral_id: &str) -> i64 {
    use handoff::db::schema::consents as k;
    k::table
        .filter(k::referral_id.eq(referral_id))
        .filter(k::withdrawn_at.is_null())
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

fn due_of(app: &TestApp, id: &str) -> Option<chrono::NaiveDateTime> {
    use handoff::db::schema::referral_moves as m;
    m::table
        .find(id)
        .select(m::due_at)
        .first(&mut *app.conn())
        .unwrap()
}

/// The id of the first ask a page's answer form carries (`answer_<id>`).
fn ask_id_in(page: &str) -> String {
    let rest = page
        .split("name=\"answer_")
        .nth(1)
        .expect("an ask to answer");
    rest.split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_question_is_asked_asked_about_and_answered_and_each_party_reads_what_is_theirs() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let cardio = app.login(CARDIO, PW).await;
    let q = app
        .referral()
        .by(&gp)
        .to(CARDIO)
        .question(false)
        .reason("Is a statin enough for LDL 4.1 at 52?")
        .receiver_session(&cardio)
        .in_state(State::Sent)
        .await
        .id;
    let (kind, ..) = referral_row(&app, &q);
    assert_eq!(kind, "advice");
    // A week to answer: five working days from now, on the clinic's clock.
    let due = due_of(&app, &q).expect("an asked question is due");
    let days = (due - app.clock_now()).num_days();
    assert!((5..=9).contains(&days), "due in {days} days");
    let page = app
        .page_with(&gp.client, &format!("/referrals/{q}"), "Asked")
        .await;
    assert!(page.contains("Advice question"), "the kind is named");
    // Its letter is a question's, not a referral's.
    let pdf = app
        .get_raw(&gp.client, &format!("/referrals/{q}/letter.pdf"))
        .await
        .bytes()
        .await
        .unwrap();
    let letter = crate::external::pdf_text(&pdf);
    assert!(letter.contains("Advice question") && letter.contains("Question"));
    assert!(!letter.contains("Referral letter"), "{letter}");

    // The specialist cannot treat it as a referral (the page offers no accept form; a
    // forged one is refused).
    let (_, page) = app.get(&cardio.client, &format!("/referrals/{q}")).await;
    assert!(!page.contains(&format!("/referrals/{q}/accept")));
    let version = version_in(&page, &format!("/referrals/{q}/answer"));
    let (status, body, _) = app
        .post(
            &cardio.client,
            &format!("/referrals/{q}/accept"),
            &[("csrf_token", &csrf_of(&page)), ("version", &version)],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body.contains("This is an advice question"),
        "{}",
        problem_in(&body)
    );

    // A round of information, then the answer.
    app.act(
        &cardio,
        &q,
        "request_info",
        &[("note", "Latest lipid panel?")],
    )
    .await
    .ok("asking for more");
    assert_eq!(status_of(&app, &q), "need_info");
    let (_, page) = app.get(&gp.client, &format!("/referrals/{q}")).await;
    let ask = ask_id_in(&page);
    let field = format!("answer_{ask}");
    app.act(&gp, &q, "provide_info", &[(&field, "LDL 4.1, HDL 1.0")])
        .await
        .ok("answering the ask");
    assert_eq!(status_of(&app, &q), "sent");
    let empty = app.act(&cardio, &q, "answer", &[("advice", " ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        empty.body.contains("Advice is required"),
        "beside the field"
    );
    app.act(
        &cardio,
        &q,
        "answer",
        &[(
            "advice",
            "ADVICE-QX: atorvastatin 20 mg; lipids again in 3 months",
        )],
    )
    .await
    .ok("answering");
    assert_eq!(status_of(&app, &q), "answered");
    assert_eq!(due_of(&app, &q), None, "nobody must act any more");

    // The sender reads the advice and was told.
    let (_, page) = app.get(&gp.client, &format!("/referrals/{q}")).await;
    assert!(page.contains("ADVICE-QX"));
    assert!(
        !page.contains("/recommended\""),
        "no referral was recommended"
    );
    let (_, notes) = app.get(&gp.client, "/notifications").await;
    assert!(notes.contains("answered your question about Aarav Sharma"));
    // The patient reads that advice was asked and the answer, and was told.
    let patient = app.login(PATIENT_A, PW).await;
    let (status, page) = app.get(&patient.client, &format!("/referrals/{q}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Advice received") && page.contains("ADVICE-QX"));
    assert!(
        !page.contains("Latest lipid panel"),
        "the doctors' round is theirs"
    );
    let (_, notes) = app.get(&patient.client, "/notifications").await;
    assert!(
        notes.contains("A specialist answered your doctor"),
        "{notes}"
    );
    // Answered is closed: a second answer is refused.
    let (_, page) = app.get(&cardio.client, &format!("/referrals/{q}")).await;
    assert!(!page.contains(&format!("action=\"/referrals/{q}/answer\"")));
}

#[tokio::test]
async fn a_doctor_only_answer_stays_between_the_doctors() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let q = app
        .referral()
        .by(&gp)
        .to(CARDIO)
        .question(false)
        .doctor_only()
        .last_step(&[("advice", "PRIVATE-QX: consider a malignancy work-up")])
        .in_state(State::Answered)
        .await
        .id;
    let patient = app.login(PATIENT_A, PW).await;
    let (_, page) = app.get(&patient.client, &format!("/referrals/{q}")).await;
    assert!(
        page.contains("Advice received"),
        "the patient knows advice came back"
    );
    assert!(!page.contains("PRIVATE-QX"), "not what it says");
    let (_, page) = app.get(&gp.client, &format!("/referrals/{q}")).await;
    assert!(page.contains("PRIVATE-QX"));
}

#[tokio::test]
async fn with_permission_the_specialist_turns_the_question_into_a_referral_that_carries_it() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let cardio = app.login(CARDIO, PW).await;
    let gp_id = app.user_id(GP);
    let q = app
        .referral()
        .by(&gp)
        .to(CARDIO)
        .question(true)
        .section("complaint", "SNAP-QX exertional chest tightness")
        .in_state(State::Sent)
        .await
        .id;
    assert!(question_row(&app, &q).0, "permission recorded");
    let (sent_before, accepted_before) = (
        counter(&app, "sent", &gp_id),
        counter(&app, "accepted", &gp_id),
    );
    let page = app
        .page_with(
            &cardio.client,
            &format!("/referrals/{q}"),
            "Turn into a referral",
        )
        .await;
    assert!(page.contains(&format!("action=\"/referrals/{q}/convert\"")));
    let bad = app
        .act(&cardio, &q, "convert", &[("start", "completed")])
        .await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "start is checked"
    );
    app.act(&cardio, &q, "convert", &[("start", "accepted")])
        .await
        .ok("converting");
    assert_eq!(status_of(&app, &q), "converted");
    let (_, _, made, how) = question_row(&app, &q);
    let r = made.expect("the referral it became");
    assert_eq!(how.as_deref(), Some("converted"));
    assert_eq!(status_of(&app, &r), "accepted");
    let (kind, sender, receiver, snapshot, _) = referral_row(&app, &r);
    assert_eq!(kind, "specialist");
    assert_eq!((sender, receiver), (gp_id.clone(), app.user_id(CARDIO)));
    assert!(
        snapshot.contains("SNAP-QX"),
        "the question's snapshot travels"
    );
    assert_eq!(live_consents(&app, &r), 1, "and its consent");
    assert!(due_of(&app, &r).is_some(), "the outcome is due");
    // The counters see one more referral sent and accepted.
    assert_eq!(counter(&app, "sent", &gp_id), sent_before + 1);
    assert_eq!(counter(&app, "accepted", &gp_id), accepted_before + 1);
    // Linked both ways.
    let (_, page) = app.get(&gp.client, &format!("/referrals/{q}")).await;
    assert!(page.contains(&format!("href=\"/referrals/{r}\"")));
    let (_, page) = app.get(&cardio.client, &format!("/referrals/{r}")).await;
    assert!(page.contains(&format!("href=\"/referrals/{q}\"")));
    assert!(
        page.contains("SNAP-QX"),
        "the receiver reads the carried snapshot"
    );
    // The sender and the patient were told; the patient can book.
    let (_, notes) = app.get(&gp.client, "/notifications").await;
    assert!(notes.contains("turned your question about Aarav Sharma into a referral"));
    let patient = app.login(PATIENT_A, PW).await;
    let (_, notes) = app.get(&patient.client, "/notifications").await;
    assert!(notes.contains("the question became a referral"));
    let (_, page) = app.get(&patient.client, &format!("/referrals/{r}")).await;
    assert!(
        page.contains(&format!("?referral={r}")),
        "a Book a visit button"
    );
}

#[tokio::test]
async fn without_permission_the_specialist_recommends_and_the_sender_sends_it_in_one_click() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let cardio = app.login(CARDIO, PW).await;
    let q = app
        .referral()
        .by(&gp)
        .to(CARDIO)
        .question(false)
        .reason("REASON-QX palpitations at night")
        .in_state(State::Sent)
        .await
        .id;
    let (_, page) = app.get(&cardio.client, &format!("/referrals/{q}")).await;
    assert!(
        !page.contains(&format!("/referrals/{q}/convert")),
        "no convert form"
    );
    let version = version_in(&page, &format!("/referrals/{q}/answer"));
    let (status, body, _) = app
        .post(
            &cardio.client,
            &format!("/referrals/{q}/convert"),
            &[
                ("csrf_token", &csrf_of(&page)),
                ("version", &version),
                ("start", "accepted"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("did not allow"), "{}", problem_in(&body));
    app.act(
        &cardio,
        &q,
        "answer",
        &[
            ("advice", "I should see her: a Holter first"),
            ("recommend", "on"),
        ],
    )
    .await
    .ok("answering with a recommendation");
    assert!(question_row(&app, &q).1, "the recommendation is kept");

    let page = app
        .page_with(
            &gp.client,
            &format!("/referrals/{q}"),
            "Send the recommended referral",
        )
        .await;
    let sent = app
        .act_on_page(
            &gp.client,
            &page,
            &format!("/referrals/{q}/recommended"),
            &[],
        )
        .await
        .ok("one click");
    let r = sent.referral_id().expect("to the new referral");
    assert_eq!(
        status_of(&app, &r),
        "sent",
        "sent, with the question's consent"
    );
    let (kind, _, receiver, _, reason) = referral_row(&app, &r);
    assert_eq!(
        (kind.as_str(), reason.as_str()),
        ("specialist", "REASON-QX palpitations at night")
    );
    assert_eq!(receiver, app.user_id(CARDIO));
    let (_, _, made, how) = question_row(&app, &q);
    assert_eq!(
        (made.as_deref(), how.as_deref()),
        (Some(r.as_str()), Some("recommended"))
    );
    let (_, inbox) = app.get(&cardio.client, "/inbox").await;
    assert!(inbox.contains(&format!("/referrals/{r}")));
    // The button is gone, and a second click (an old page) makes nothing.
    let (_, again) = app.get(&gp.client, &format!("/referrals/{q}")).await;
    assert!(!again.contains("Send the recommended referral"));
    let second = app
        .act_on_page(
            &gp.client,
            &page,
            &format!("/referrals/{q}/recommended"),
            &[],
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    let (_, page) = app.get(&gp.client, &format!("/referrals/{r}")).await;
    assert!(
        page.contains(&format!("href=\"/referrals/{q}\"")),
        "linked back"
    );
}

#[tokio::test]
async fn a_referral_returned_with_advice_closes_tells_the_sender_and_reaches_the_patient_only_when_sent()
 {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let r = app
        .referral()
        .by(&gp)
        .to(CARDIO)
        .last_step(&[("advice", "RETURN-QX: try bisoprolol 2.5 mg first")])
        .in_state(State::Returned)
        .await
        .id;
    assert_eq!(due_of(&app, &r), None, "closed: nobody must act");
    let (_, notes) = app.get(&gp.client, "/notifications").await;
    assert!(notes.contains("returned the referral of Aarav Sharma with advice"));
    let page = app
        .page_with(&gp.client, &format!("/referrals/{r}"), "RETURN-QX")
        .await;
    assert!(page.contains("Returned with advice"));
    assert!(page.contains(&format!("href=\"/referrals/{r}/redirect\"")));

    let patient = app.login(PATIENT_A, PW).await;
    let (_, page) = app.get(&patient.client, &format!("/referrals/{r}")).await;
    assert!(page.contains("In review") && !page.contains("RETURN-QX"));

    let gp_page = app
        .page_with(
            &gp.client,
            &format!("/referrals/{r}"),
            "Send this advice to the patient",
        )
        .await;
    app.act_on_page(
        &gp.client,
        &gp_page,
        &format!("/referrals/{r}/share-advice"),
        &[],
    )
    .await
    .ok("sharing the advice");
    let (_, page) = app.get(&patient.client, &format!("/referrals/{r}")).await;
    assert!(page.contains("RETURN-QX") && page.contains("Advice received"));
    let (_, list) = app.get(&patient.client, "/portal/referrals").await;
    assert!(
        list.contains("Advice received"),
        "the list says what the page says"
    );
    let (_, notes) = app.get(&patient.client, "/notifications").await;
    assert!(
        notes.contains("Your doctor sent you a specialist"),
        "{notes}"
    );
    let twice = app
        .act_on_page(
            &gp.client,
            &gp_page,
            &format!("/referrals/{r}/share-advice"),
            &[],
        )
        .await;
    assert!(
        matches!(twice.status, StatusCode::CONFLICT | StatusCode::FORBIDDEN),
        "once: {}",
        twice.status
    );

    // The sender may still send the patient elsewhere; the return stays closed.
    let new = app
        .referral()
        .by(&gp)
        .to(NEURO)
        .redirected_from(&r)
        .in_state(State::Sent)
        .await
        .id;
    assert_eq!(status_of(&app, &r), "returned");
    use handoff::db::schema::referrals as t;
    let to: Option<String> = t::table
        .find(&r)
        .select(t::redirected_to)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(to.as_deref(), Some(new.as_str()));
}

#[tokio::test]
async fn questions_go_to_specialists_in_the_network_only() {
    let app = TestApp::spawn().await;
    let (status, body, id) = app
        .referral()
        .question(false)
        .outside(OutsideDoctor {
            name: "Dr Outside".into(),
            email: "outside.qx@example.org".into(),
            specialty: "Cardiology".into(),
            practice: "Outside Clinic".into(),
        })
        .post("send")
        .await
        .parts();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Advice questions go to specialists in the network"));
    assert!(id.is_none(), "nothing saved");
    // The search asks, whatever the flag's value, and says so.
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    for flag in ["1", "yes"] {
        let (status, page) = app
            .get(&gp.client, &format!("/patients/{pid}/refer?ask={flag}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("Ask a specialist about Aarav Sharma"),
            "{flag}"
        );
        assert!(
            !page.contains("Refer to a doctor outside"),
            "{flag}: no outside doctors"
        );
    }
}

#[tokio::test]
async fn a_patient_without_an_account_gets_the_link_to_the_referral_a_question_became() {
    use crate::external::mail_settings;
    use crate::patient_link::{mails_to, register};
    let app = TestApp::spawn_with(|s| mail_settings(s, None)).await;
    // Registered by a Harbour doctor (no portal account, an e-mail), asked about by her.
    let farah = app.login(CARDIO, PW).await;
    let pid = register(&app, &farah, "neha.rao@example.org", "").await;
    let q = app
        .referral()
        .by(&farah)
        .patient_id(&pid)
        .to("meera.iyer@harbour.example")
        .question(true)
        .in_state(State::AwaitingPatient)
        .await
        .id;
    // Harbour asks patients to approve: the question waits for her, by e-mail.
    let (_, body, _) = eventually("the approval e-mail", || {
        mails_to(&app, "neha.rao@example.org").into_iter().next()
    })
    .await;
    let token = crate::patient_link::token_in(&body);
    let c = app.client();
    let (_, page) = app.get(&c, &format!("/p/{token}")).await;
    app.act_on_page(&c, &page, &format!("/p/{token}/approve"), &[])
        .await
        .ok("approving the question through the link");
    assert_eq!(status_of(&app, &q), "sent");
    let meera = app.login("meera.iyer@harbour.example", PW).await;
    app.act(&meera, &q, "convert", &[("start", "visit_required")])
        .await
        .ok("converting");
    assert!(question_row(&app, &q).2.is_some(), "the referral it became");
    // Her second e-mail is about the new referral: book the first visit, with a link to it.
    let (_, body, _) = eventually("the booking e-mail", || {
        mails_to(&app, "neha.rao@example.org").into_iter().nth(1)
    })
    .await;
    let token = crate::patient_link::token_in(&body);
    let (status, page) = app.get(&c, &format!("/p/{token}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("/p/{token}/book")),
        "she can book: {page}"
    );
}

#[tokio::test]
async fn a_sender_who_left_the_care_team_cannot_send_the_recommended_referral() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let q = app
        .referral()
        .by(&gp)
        .to(CARDIO)
        .question(false)
        .last_step(&[("advice", "I should see him"), ("recommend", "on")])
        .in_state(State::Answered)
        .await;
    let (pid, gp_id) = (q.patient_id.clone(), app.user_id(GP));
    app.send(
        &gp,
        &format!("/patients/{pid}/care-team"),
        &[("practitioner_id", &app.user_id(GP2))],
    )
    .await;
    let (status, _, _) = app
        .send(
            &gp,
            &format!("/patients/{pid}/care-team/{gp_id}/remove"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the GP left the care team");
    let (_, page) = app.get(&gp.client, &format!("/referrals/{}", q.id)).await;
    assert!(
        !page.contains("Send the recommended referral"),
        "not offered"
    );
    let (status, body, _) = app
        .send(
            &gp,
            &format!("/referrals/{}/recommended", q.id),
            &[("version", "3")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{}", problem_in(&body));
    assert!(question_row(&app, &q.id).2.is_none(), "nothing was made");
}
