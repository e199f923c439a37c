//! A doctor outside the network joins a clinic: the clinic's admin adds them at their
//! address, they get an invitation there, and by choosing a password they take over the
//! account that received their referrals (which move into their inbox).

use reqwest::StatusCode;

use crate::builders::*;
use crate::external::{EXT_EMAIL, link_token_in, mail_settings, refer_outside, text_of};
use crate::helpers::*;

const NEW_PW: &str = "heart rhythm tea garden";

fn rao_form(email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("display_name", "Dr Kiran Rao".into()),
        ("email", email.into()),
        ("title", "Dr".into()),
        ("specialty", "Cardiology".into()),
        ("city", "Pune".into()),
        ("languages", "English, Marathi".into()),
        ("accepting_referrals", "on".into()),
        ("password", "an admin typed this".into()),
        ("password_confirm", "an admin typed this".into()),
    ]
}

async fn add(app: &TestApp, admin: &Session, email: &str) -> (StatusCode, String) {
    let form = rao_form(email);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body, _) = app.send(admin, "/admin/practitioners", &pairs).await;
    (status, body)
}

fn join_token_in(body: &str) -> String {
    let at = body.find("/join/").expect("an invitation link") + 6;
    body[at..at + 64].to_string()
}

/// Waits for the `n`th mail (1-based) and returns (to, text).
async fn nth_mail(sink: &SmtpSink, n: usize) -> (String, String) {
    let raw = eventually("the mail", || sink.messages().get(n - 1).cloned()).await;
    let (to, _, text) = text_of(&raw);
    (to, text)
}

async fn tries_to_sign_in(app: &TestApp, email: &str, password: &str) -> StatusCode {
    app.try_login(email, password).await.1
}

#[tokio::test]
async fn an_outside_doctor_joins_through_the_invitation_and_finds_their_referrals_in_the_inbox() {
    let sink = SmtpSink::started();
    let port = sink.port;
    let app = TestApp::spawn_with(|s| mail_settings(s, Some(port))).await;
    let gp = app.login(GP, PW).await;
    let id = refer_outside(&app, &gp).await;
    let (to, letter) = nth_mail(&sink, 1).await;
    assert_eq!(to, EXT_EMAIL);
    let old_link = link_token_in(&letter);

    // The admin adds Dr Rao, typing the address in another case: an invitation, no account.
    let admin = app.login(ADMIN, PW).await;
    let (status, _) = add(&app, &admin, "Dr.Rao@HeartCare.example").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&admin.client, "/admin").await;
    assert!(page.contains("We e-mailed them an invitation"), "{page}");
    assert!(page.contains("Invitations to doctors outside the network"));
    assert_ne!(
        tries_to_sign_in(&app, EXT_EMAIL, "an admin typed this").await,
        StatusCode::SEE_OTHER,
        "the admin's password makes no account"
    );
    let (to, invitation) = nth_mail(&sink, 2).await;
    assert_eq!(
        to, EXT_EMAIL,
        "the invitation goes to the doctor's own address"
    );
    assert!(
        invitation.contains("Lakeside Family Clinic"),
        "{invitation}"
    );
    let token = join_token_in(&invitation);

    // The invitation page says what joining does; a wrong token shows nothing.
    let c = app.client();
    let (status, _) = app.get(&c, &format!("/join/{}", "0".repeat(64))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, page) = app.get(&c, &format!("/join/{token}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Join Lakeside Family Clinic on Handoff"));
    assert!(
        page.contains("The referral sent to you so far moves"),
        "{page}"
    );
    // Someone signed in may not use it.
    let (status, _) = app.get(&gp.client, &format!("/join/{token}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A weak password is refused beside the field.
    let csrf = csrf_of(&page);
    let (status, body, _) = app
        .post(
            &c,
            &format!("/join/{token}"),
            &[
                ("csrf_token", csrf.as_str()),
                ("password", "password123"),
                ("password_confirm", "password123"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"join-password-error\""), "{body}");
    assert!(!body.contains("password123"), "passwords are not echoed");
    let (status, _, location) = app
        .post(
            &c,
            &format!("/join/{token}"),
            &[
                ("csrf_token", csrf.as_str()),
                ("password", NEW_PW),
                ("password_confirm", NEW_PW),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/login"));
    let (status, _) = app.get(&app.client(), &format!("/join/{token}")).await;
    assert_eq!(status, StatusCode::GONE, "an invitation is used once");

    // Dr Rao signs in with their own address and password; the referral is in the inbox.
    let rao = app.login(EXT_EMAIL, NEW_PW).await;
    let (_, inbox) = app.get(&rao.client, "/inbox").await;
    assert!(inbox.contains("Suspected angina REASONMARK"), "{inbox}");
    let (status, page) = app.get(&rao.client, &format!("/referrals/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("COMPLAINTMARK"),
        "the shared snapshot is theirs"
    );
    assert!(
        page.contains(&format!("/referrals/{id}/accept")),
        "answered in the app now"
    );
    // The e-mailed link ended.
    let (status, _) = app.get(&app.client(), &format!("/l/{old_link}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The directory lists them; the admin sees them among the clinic's practitioners.
    let pid = app.patient_id("Aarav Sharma");
    let (_, found) = app
        .get(&gp.client, &format!("/patients/{pid}/refer?q=rao"))
        .await;
    assert!(found.contains("Dr Kiran Rao"), "{found}");
    let (_, page) = app.get(&admin.client, "/admin").await;
    assert!(page.contains(&format!("{EXT_EMAIL}</span>")));
    assert!(!page.contains("Invitations to doctors outside the network"));
    assert_eq!(app.audit_count(Audit::action("practitioner_invited")), 1);
    assert_eq!(app.audit_count(Audit::action("outside_doctor_joined")), 1);

    // A new outside referral to the same address is refused: they are in the directory.
    let again = app
        .referral()
        .by(&gp)
        .outside(crate::external::dr_rao())
        .reason("Second opinion")
        .section("complaint", "Palpitations")
        .post("send")
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .body
            .contains("belongs to a practitioner in the network")
    );
}

/// Dr Rao (outside the network) got a referral from the GP, and Lakeside's admin added her
/// as a practitioner: the invitation has gone out.
struct Invited {
    sink: SmtpSink,
    app: TestApp,
    gp: Session,
    admin: Session,
    token: String,
}

async fn invited() -> Invited {
    let sink = SmtpSink::started();
    let port = sink.port;
    let app = TestApp::spawn_with(|s| mail_settings(s, Some(port))).await;
    let gp = app.login(GP, PW).await;
    refer_outside(&app, &gp).await;
    nth_mail(&sink, 1).await;
    let admin = app.login(ADMIN, PW).await;
    let (status, _) = add(&app, &admin, EXT_EMAIL).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let token = join_token_in(&nth_mail(&sink, 2).await.1);
    Invited {
        sink,
        app,
        gp,
        admin,
        token,
    }
}

#[tokio::test]
async fn a_withdrawn_invitation_ends_its_link_and_changes_nothing() {
    let Invited {
        sink: _sink,
        app,
        gp: _,
        admin,
        token,
    } = invited().await;
    let (_, page) = app.get(&admin.client, "/admin").await;
    let action = page
        .split("action=\"")
        .find(|p| p.starts_with("/admin/invitations/"))
        .and_then(|p| p.split('"').next())
        .expect("a withdraw button")
        .to_string();
    // Another clinic's admin cannot withdraw it.
    let other = app.login(OTHER_ADMIN, PW).await;
    let (status, _, _) = app.send(&other, &action, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = app.send(&admin, &action, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let c = app.client();
    let (status, page) = app.get(&c, &format!("/join/{token}")).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("withdrew this invitation"), "{page}");
    // Posting the form kept open from before is refused the same way.
    let (_, login) = app.get(&c, "/login").await;
    let csrf = csrf_of(&login);
    let (status, _, _) = app
        .post(
            &c,
            &format!("/join/{token}"),
            &[
                ("csrf_token", csrf.as_str()),
                ("password", NEW_PW),
                ("password_confirm", NEW_PW),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::GONE);
    let (status, _, _) = app.send(&admin, &action, &[]).await;
    assert_eq!(status, StatusCode::CONFLICT, "withdrawn once");
    // Still an outside doctor: the referral waits for the link, not in anyone's inbox.
    assert_eq!(app.audit_count(Audit::action("outside_doctor_joined")), 0);
    assert_ne!(
        tries_to_sign_in(&app, EXT_EMAIL, "an admin typed this").await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_invitation_runs_out_and_text_in_other_mail_never_becomes_one() {
    let Invited {
        sink,
        app,
        gp,
        admin: _,
        token,
    } = invited().await;
    let invitation = nth_mail(&sink, 2).await.1;
    assert!(!invitation.contains("{join}"), "the placeholder is filled");
    // Someone who knows the placeholder writes it into a referral's reason: it stays text.
    let other = app
        .referral()
        .by(&gp)
        .outside(OutsideDoctor {
            name: "Dr Meera Iyer".into(),
            email: "meera.iyer@iyerheart.example".into(),
            specialty: "Cardiology".into(),
            practice: "Iyer Heart Clinic".into(),
        })
        .reason("Palpitations {join} {link}")
        .section("complaint", "Palpitations for 2 weeks")
        // The invitation's referral (cardiology) is still open: a repeat on purpose.
        .duplicate_reason("A second letter to the same doctor")
        .post("send")
        .await;
    assert_eq!(other.status, StatusCode::SEE_OTHER, "{}", other.body);
    let (to, letter) = nth_mail(&sink, 3).await;
    assert_eq!(to, "meera.iyer@iyerheart.example");
    assert!(letter.contains("Palpitations {join}"), "{letter}");
    assert!(
        !letter.contains("/join/"),
        "no invitation link in another mail"
    );
    // Fifteen days later the invitation has run out.
    app.clock.advance(chrono::Duration::days(15));
    let (status, page) = app.get(&app.client(), &format!("/join/{token}")).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("run out"), "{page}");
    let admin = app.login(ADMIN, PW).await;
    let (_, page) = app.get(&admin.client, "/admin").await;
    assert!(page.contains("Ran out"), "the admin sees it ran out");
}

#[tokio::test]
async fn correcting_the_address_withdraws_an_invitation_sent_to_the_old_one() {
    use diesel::prelude::*;
    use handoff::db::schema::practitioner_invitations as inv;
    let mut sink = SmtpSink::reserve();
    sink.refuse(EXT_EMAIL);
    sink.start();
    let app = TestApp::spawn_with(|s| mail_settings(s, Some(sink.port))).await;
    let gp = app.login(GP, PW).await;
    let id = refer_outside(&app, &gp).await;
    app.page_with(
        &gp.client,
        &format!("/referrals/{id}"),
        "Not delivered: mailbox unknown",
    )
    .await;
    let admin = app.login(ADMIN, PW).await;
    let (status, _) = add(&app, &admin, EXT_EMAIL).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let open = |app: &TestApp| -> i64 {
        inv::table
            .filter(inv::withdrawn_at.is_null())
            .count()
            .get_result(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(open(&app), 1);
    let (status, _, _) = app
        .send(
            &gp,
            &format!("/referrals/{id}/address"),
            &[("email", "kiran.rao@heartcare.example")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        open(&app),
        0,
        "whoever reads the wrong mailbox cannot join as the doctor"
    );
}

#[tokio::test]
async fn two_people_accepting_one_invitation_at_once_make_one_account() {
    let Invited {
        sink: _sink,
        app,
        gp: _,
        admin: _,
        token,
    } = invited().await;
    // Two browsers hold the page open and post different passwords at the same moment.
    let mut posts = Vec::new();
    for pw in ["first browser tea garden", "second browser rain forest"] {
        let c = app.client();
        let (_, page) = app.get(&c, &format!("/join/{token}")).await;
        posts.push((c, csrf_of(&page), pw));
    }
    let path = format!("/join/{token}");
    let forms: Vec<[(&str, &str); 3]> = posts
        .iter()
        .map(|(_, csrf, pw)| {
            [
                ("csrf_token", csrf.as_str()),
                ("password", *pw),
                ("password_confirm", *pw),
            ]
        })
        .collect();
    let results = futures::future::join_all(
        posts
            .iter()
            .zip(&forms)
            .map(|((c, _, _), form)| app.post(c, &path, form)),
    )
    .await;
    let statuses: Vec<StatusCode> = results.iter().map(|r| r.0).collect();
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::SEE_OTHER)
            .count(),
        1,
        "one joins: {statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .any(|s| *s == StatusCode::CONFLICT || *s == StatusCode::GONE),
        "the other is told: {statuses:?}"
    );
    // Exactly one of the two passwords signs in.
    let mut signed_in = 0;
    for (_, _, pw) in &posts {
        if app.try_login(EXT_EMAIL, pw).await.1 == StatusCode::SEE_OTHER {
            signed_in += 1;
        }
    }
    assert_eq!(signed_in, 1);
    assert_eq!(app.audit_count(Audit::action("outside_doctor_joined")), 1);
}

#[tokio::test]
async fn guessing_invitation_tokens_is_stopped_per_address() {
    let Invited {
        sink: _sink,
        app,
        token,
        ..
    } = invited().await;
    let c = app.client();
    for i in 0..10 {
        let (status, _) = app.get(&c, &format!("/join/{:064x}", i)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "guess {i}");
    }
    // The eleventh within the minute is refused unchecked, even the right token.
    let (status, _) = app.get(&c, &format!("/join/{token}")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance(chrono::Duration::seconds(61));
    let (status, _) = app.get(&c, &format!("/join/{token}")).await;
    assert_eq!(status, StatusCode::OK, "the limit lifts after a minute");
}
