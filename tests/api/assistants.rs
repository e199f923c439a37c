//! Acting on behalf of (issue 15): an assistant prepares their practitioner's referral,
//! which leaves only when the practitioner signs it; they answer requests for information;
//! every row records who did it and for whom.

use diesel::prelude::*;
use reqwest::StatusCode;

use crate::builders::*;
use crate::helpers::*;

const ANITA: &str = "anita.rao@lakeside.example";
const KAVYA: &str = "kavya.iyer@lakeside.example";

/// (actor, on_behalf_of) of the audit rows of `action` about `subject`.
fn audit_rows(app: &TestApp, action: &str, subject: &str) -> Vec<(Option<String>, Option<String>)> {
    use handoff::db::schema::audit_events as a;
    a::table
        .filter(a::action.eq(action))
        .filter(a::subject_id.eq(subject))
        .select((a::actor_id, a::on_behalf_of))
        .load(&mut *app.conn())
        .unwrap()
}

fn version_of(app: &TestApp, id: &str) -> String {
    use handoff::db::schema::referral_moves as m;
    let v: i64 = m::table
        .filter(m::id.eq(id))
        .select(m::version)
        .first(&mut *app.conn())
        .unwrap();
    v.to_string()
}

/// The admin's form for a new assistant, with a valid password.
async fn add_assistant(
    app: &TestApp,
    admin: &Session,
    (name, email): (&str, &str),
    principal: &str,
) -> (StatusCode, String) {
    let (status, body, _) = app
        .send(
            admin,
            "/admin/assistants",
            &[
                ("display_name", name),
                ("email", email),
                ("password", "a long enough passphrase"),
                ("password_confirm", "a long enough passphrase"),
                ("principals", principal),
            ],
        )
        .await;
    (status, body)
}

#[tokio::test]
async fn an_assistants_draft_is_sent_only_when_the_practitioner_signs_it() {
    let app = TestApp::spawn().await;
    let anita = app.login(ANITA, PW).await;
    let (anita_id, asha_id) = (app.user_id(ANITA), app.user_id(GP));
    let pid = app.patient_id("Aarav Sharma");

    // She works with Dr Kulkarni's patients, and the page says for whom.
    let (status, list) = app.get(&anita.client, "/patients").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.contains("Aarav") && list.contains("for Dr Asha Kulkarni"),
        "{list}"
    );
    let (status, _) = app.get(&anita.client, &format!("/patients/{pid}")).await;
    assert_eq!(status, StatusCode::OK);
    let viewed = audit_rows(&app, "chart_viewed", &pid);
    assert!(
        viewed.contains(&(Some(anita_id.clone()), Some(asha_id.clone()))),
        "the chart view names the assistant and whom she works for: {viewed:?}"
    );

    // Her composer has no send button: she saves it ready to sign.
    let (_, composer) = app
        .get(
            &anita.client,
            &format!(
                "/patients/{pid}/refer/new?to={}",
                app.user_id(OTHER_CLINIC_DOC)
            ),
        )
        .await;
    assert!(composer.contains("value=\"to_sign\"") && !composer.contains("value=\"send\""));
    let (status, body, id) = app.referral().by(&anita).post("to_sign").await.parts();
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", problem_in(&body));
    let id = id.expect("a draft");
    assert_eq!(status_of(&app, &id), "draft");
    // Her page has no send form, and posting one is refused.
    let (_, page) = app.get(&anita.client, &format!("/referrals/{id}")).await;
    assert!(!page.contains(&format!("/referrals/{id}/submit")));
    assert!(page.contains(&format!("/referrals/{id}/to-sign")));
    let (status, body, _) = app
        .send(
            &anita,
            &format!("/referrals/{id}/submit"),
            &[
                ("version", &version_of(&app, &id)),
                ("consent_verbal", "on"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("the practitioner signs"), "{body}");
    assert_eq!(status_of(&app, &id), "draft");

    // Dr Kulkarni finds it on her list, reviews it and sends it.
    let gp = app.login(GP, PW).await;
    let (_, to_sign) = app.get(&gp.client, "/to-sign").await;
    assert!(
        to_sign.contains(&id) && to_sign.contains("Prepared by Anita Rao"),
        "{to_sign}"
    );
    let (_, notes) = app.get(&gp.client, "/notifications").await;
    assert!(notes.contains("Anita Rao prepared a referral for you to sign"));
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(
        page.contains("Prepared by Anita Rao for you to sign"),
        "{page}"
    );
    assert!(
        page.contains("Anita Rao for Dr Asha Kulkarni"),
        "the timeline names both"
    );
    app.act(&gp, &id, "submit", &[("consent_verbal", "on")])
        .await
        .ok("the practitioner signs");
    assert_eq!(status_of(&app, &id), "sent");
    let (_, to_sign) = app.get(&gp.client, "/to-sign").await;
    assert!(!to_sign.contains(&id), "off the list once sent");
    let prepared = audit_rows(&app, "referral_prepared", &id);
    assert_eq!(
        prepared,
        vec![(Some(anita_id.clone()), Some(asha_id.clone()))]
    );

    // The receiver asks for information; Anita answers it for Dr Kulkarni, but she neither
    // withdraws it nor writes messages in her name.
    let farah = app.login(OTHER_CLINIC_DOC, PW).await;
    app.act(&farah, &id, "request_info", &[("note", "Latest ECG")])
        .await
        .ok("ask");
    let (_, page) = app.get(&anita.client, &format!("/referrals/{id}")).await;
    assert!(!page.contains(&format!("/referrals/{id}/cancel")));
    let ask = page
        .split("name=\"answer_")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("an ask for her to answer")
        .to_string();
    app.act(
        &anita,
        &id,
        "provide_info",
        &[(&format!("answer_{ask}"), "ECG of last week: sinus rhythm")],
    )
    .await
    .ok("the assistant answers");
    assert_eq!(status_of(&app, &id), "sent");
    let moves = audit_rows(&app, "referral_transition", &id);
    assert!(
        moves.contains(&(Some(anita_id.clone()), Some(asha_id.clone()))),
        "{moves:?}"
    );
    let (status, _, _) = app
        .send(
            &anita,
            &format!("/referrals/{id}/cancel"),
            &[("version", &version_of(&app, &id)), ("reason", "no")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(status_of(&app, &id), "sent");

    // The patient's "who viewed my data" names the assistant and whom she acted for.
    let aarav = app.login(PATIENT_A, PW).await;
    let (_, access) = app.get(&aarav.client, "/portal/access").await;
    assert!(
        access.contains("Anita Rao for Dr Asha Kulkarni"),
        "{access}"
    );
    // And the clinic's audit log says for whom each of her rows was.
    let admin = app.login(ADMIN, PW).await;
    let (_, log) = app
        .get(&admin.client, &format!("/admin/audit?actor={anita_id}"))
        .await;
    assert!(log.contains("assistant · for Dr Asha Kulkarni"), "{log}");
}

#[tokio::test]
async fn an_assistant_works_only_for_whom_the_clinic_named() {
    let app = TestApp::spawn().await;
    let pid = app.patient_id("Aarav Sharma");
    // Kavya works for Dr Mehta, who does not care for Aarav.
    let kavya = app.login(KAVYA, PW).await;
    let (status, _) = app.get(&kavya.client, &format!("/patients/{pid}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let made = app.referral().from(GP).in_state(State::Sent).await;
    let (status, _) = app
        .get(&kavya.client, &format!("/referrals/{}", made.id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Nobody else's account: her password page is her own, analytics and cover are not hers.
    let (status, _) = app.get(&kavya.client, "/analytics").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.get(&kavya.client, "/account/away").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // She cannot switch to someone she does not work for.
    let (status, _, _) = app
        .send(
            &kavya,
            "/account/acting-for",
            &[("practitioner_id", &app.user_id(GP))],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The admin names Dr Kulkarni too: Kavya's sessions end, and she signs in again to
    // work for either.
    let admin = app.login(ADMIN, PW).await;
    let kavya_id = app.user_id(KAVYA);
    let (status, body, _) = app
        .send(
            &admin,
            &format!("/admin/assistants/{kavya_id}"),
            &[
                ("principals", &app.user_id(GP)),
                ("principals", &app.user_id(GP2)),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", problem_in(&body));
    let (status, _) = app.get(&kavya.client, "/patients").await;
    assert_ne!(status, StatusCode::OK, "her old session ended");
    let kavya = app.login(KAVYA, PW).await;
    let (status, body, _) = app
        .send(
            &kavya,
            "/account/acting-for",
            &[("practitioner_id", &app.user_id(GP))],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", problem_in(&body));
    let (status, _) = app.get(&kavya.client, &format!("/patients/{pid}")).await;
    assert_eq!(status, StatusCode::OK);

    // Redirecting Dr Kulkarni's declined referral is hers to do, not her assistant's.
    let declined = app.referral().from(GP).in_state(State::Rejected).await;
    let (status, _, _) = app
        .referral()
        .by(&kavya)
        .redirected_from(&declined.id)
        .post("to_sign")
        .await
        .parts();
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(status_of(&app, &declined.id), "rejected");
    // A lost phone: the admin may remove an assistant's second factor (she has none: 409).
    let (status, _, _) = app
        .send(
            &admin,
            &format!("/admin/practitioners/{kavya_id}/second-factor/reset"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Adding one: every mistake beside its field, nothing typed lost but the password.
    let (status, body, _) = app
        .send(
            &admin,
            "/admin/assistants",
            &[
                ("display_name", "Ritu Shah"),
                ("email", "not an address"),
                ("password", "short"),
                ("password_confirm", "short"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("value=\"Ritu Shah\"") && !body.contains("value=\"short\""));
    assert!(body.contains("Choose at least one practitioner this assistant works for."));
    // Another clinic's practitioner is not one to work for.
    let ritu = ("Ritu Shah", "ritu.shah@lakeside.example");
    let farah = app.user_id(OTHER_CLINIC_DOC);
    let (status, _) = add_assistant(&app, &admin, ritu, &farah).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = add_assistant(&app, &admin, ritu, &app.user_id(GP2)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", problem_in(&body));
    let ritu = app
        .login("ritu.shah@lakeside.example", "a long enough passphrase")
        .await;
    let (_, page) = app.get(&ritu.client, "/patients").await;
    assert!(page.contains("for Dr Rohan Mehta"));

    // Leaving the clinic: unticked, she can no longer sign in and her session ends.
    let ritu_id = app.user_id("ritu.shah@lakeside.example");
    let (status, body, _) = app
        .send(&admin, &format!("/admin/assistants/{ritu_id}"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", problem_in(&body));
    let (status, _) = app.get(&ritu.client, "/patients").await;
    assert_ne!(status, StatusCode::OK);
    let (_, status, body, _) = app
        .try_login("ritu.shah@lakeside.example", "a long enough passphrase")
        .await;
    assert_ne!(
        status,
        StatusCode::SEE_OTHER,
        "a deactivated assistant cannot sign in: {body}"
    );
}

#[tokio::test]
async fn the_receivers_assistant_books_the_visit_for_the_patient() {
    let app = TestApp::spawn().await;
    const LAKSHMI: &str = "lakshmi.narayan@northgate.example";
    let made = app
        .referral()
        .from(GP)
        .to(LAKSHMI)
        .in_state(State::Accepted)
        .await;
    let id = made.id;
    // Northgate's admin gives Dr Narayan an assistant.
    let admin = app.login("admin@northgate.example", PW).await;
    let leela = ("Leela Das", "leela.das@northgate.example");
    let (status, body) = add_assistant(&app, &admin, leela, &app.user_id(LAKSHMI)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", problem_in(&body));
    let leela = app
        .login("leela.das@northgate.example", "a long enough passphrase")
        .await;
    let (status, page) = app.get(&leela.client, &format!("/referrals/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("/referrals/{id}/book")), "offered");
    assert!(
        !page.contains(&format!("/referrals/{id}/complete")),
        "completing is the clinician's"
    );
    let (status, calendar) = app
        .get(&leela.client, &format!("/referrals/{id}/book"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(calendar.contains("Book a visit for Aarav Sharma"));
    let slot = calendar
        .split("<option value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a free slot")
        .to_string();
    let (status, body, _) = app
        .send(
            &leela,
            &format!("/referrals/{id}/book"),
            &[("starts_at", &slot)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", problem_in(&body));
    // One visit per referral: a second booking is refused, and the button is gone.
    let (status, _, _) = app
        .send(
            &leela,
            &format!("/referrals/{id}/book"),
            &[("starts_at", &slot)],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, page) = app.get(&leela.client, &format!("/referrals/{id}")).await;
    assert!(!page.contains(&format!("/referrals/{id}/book")));
    assert!(
        page.contains("Leela Das for Dr Lakshmi Narayan"),
        "the timeline"
    );

    // The patient sees it, is told, and may move it; the audit row names both.
    let aarav = app.login(PATIENT_A, PW).await;
    let (_, visits) = app.get(&aarav.client, "/appointments").await;
    assert!(visits.contains("Lakshmi Narayan"), "{visits}");
    let (_, notes) = app.get(&aarav.client, "/notifications").await;
    assert!(notes.contains("practice booked your visit"), "{notes}");
    // The patient booking the same referral again is told it is booked already.
    let lakshmi_id = app.user_id(LAKSHMI);
    let (_, cal) = app
        .get(
            &aarav.client,
            &format!("/practitioners/{lakshmi_id}?referral={id}"),
        )
        .await;
    let other = cal
        .split("<option value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("another free slot")
        .to_string();
    let (status, _, _) = app
        .send(
            &aarav,
            &format!("/practitioners/{lakshmi_id}/book"),
            &[("starts_at", &other), ("referral", &id)],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "one visit per referral");
    use handoff::db::schema::audit_events as a;
    let rows: Vec<(Option<String>, Option<String>)> = a::table
        .filter(a::action.eq("visit_booked"))
        .select((a::actor_id, a::on_behalf_of))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(
        rows,
        vec![(
            Some(app.user_id("leela.das@northgate.example")),
            Some(app.user_id(LAKSHMI))
        )]
    );
}

#[tokio::test]
async fn deactivating_a_practitioner_ends_their_assistants_sessions() {
    let app = TestApp::spawn().await;
    let kavya = app.login(KAVYA, PW).await;
    assert_eq!(app.get(&kavya.client, "/patients").await.0, StatusCode::OK);
    let admin = app.login(ADMIN, PW).await;
    let rohan = app.user_id(GP2);
    // The practitioner's form without "active": deactivated.
    let (status, body, _) = app
        .send(
            &admin,
            &format!("/admin/practitioners/{rohan}"),
            &[
                ("display_name", "Dr Rohan Mehta"),
                ("email", GP2),
                ("title", "Dr"),
                ("specialty", "General practice"),
                ("city", "Pune"),
                ("languages", "English"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", problem_in(&body));
    assert_ne!(
        app.get(&kavya.client, "/patients").await.0,
        StatusCode::OK,
        "nobody goes on acting for a deactivated practitioner"
    );
}
