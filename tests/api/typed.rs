//! A refused form loses nothing: a stale (409), unreadable (400), expired (403) or too large
//! (413) submission shows what was typed, so it can be copied into the fresh form, and
//! never shows a password, a one-time code or the form's token.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::builders::*;
use crate::helpers::*;

const CARDIO: &str = "farah.siddiqui@harbour.example";
const NOTE: &str = "Outside our catchment area; Dr Rao at Northgate sees these within a week.";

fn typed_section(body: &str) -> &str {
    body.split_once("What you typed")
        .map(|(_, rest)| rest)
        .unwrap_or("")
}

#[tokio::test]
async fn a_stale_decision_shows_the_note_that_was_typed() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let id = app
        .referral()
        .by(&gp)
        .patient_id(&pid)
        .to(CARDIO)
        .reason("Palpitations on exertion")
        .section("complaint", "Palpitations for 2 weeks")
        .in_state(State::Sent)
        .await
        .id;
    let rx = app.login(CARDIO, PW).await;
    let (_, page) = app.get(&rx.client, &format!("/referrals/{id}")).await;
    let version = version_in(&page, &format!("/referrals/{id}/reject"));
    // The sender cancels while the receiver writes a long note.
    app.act(&gp, &id, "cancel", &[("note", "Patient moved away")])
        .await;
    let (status, body, _) = app
        .send(
            &rx,
            &format!("/referrals/{id}/reject"),
            &[
                ("version", &version),
                ("code", "out_of_scope"),
                ("note", NOTE),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let typed = typed_section(&body);
    assert!(typed.contains(NOTE), "the note is shown again: {body}");
    assert!(!typed.contains(&rx.csrf), "the form's token is not shown");
    assert!(
        !typed.contains(&format!(">{version}</textarea>")),
        "internal fields are not shown"
    );
    assert_eq!(status_of(&app, &id), "cancelled", "nothing was changed");
}

#[tokio::test]
async fn a_field_sent_twice_is_a_400_that_shows_both_values() {
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    let (status, body, _) = app
        .send(
            &s,
            "/patients",
            &[
                ("given_name", "Ira"),
                ("family_name", "Sen-Gupta"),
                ("family_name", "Sengupta"),
                ("date_of_birth", "1991-05-06"),
                ("sex", "female"),
                ("mrn", "LA-2001"),
                ("portal_password", "ira portal pass"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let typed = typed_section(&body);
    for v in ["Ira", "Sen-Gupta", "Sengupta", "LA-2001", "1991-05-06"] {
        assert!(typed.contains(v), "{v} is shown again: {body}");
    }
    assert!(
        !body.contains("ira portal pass"),
        "passwords are never shown"
    );
}

/// Posts a form with a token from a session that ended, as a browser does: `site` is its
/// Sec-Fetch-Site header (same-origin for our own page, cross-site for another site's).
async fn post_expired(
    app: &TestApp,
    s: &Session,
    path: &str,
    form: &[(&str, &str)],
    site: &str,
) -> (StatusCode, String) {
    let mut f = vec![("csrf_token", "from-a-session-that-ended")];
    f.extend_from_slice(form);
    let r = s
        .client
        .post(app.url(path))
        .header("sec-fetch-site", site)
        .form(&f)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn an_expired_form_token_shows_the_text_but_not_the_password() {
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let complaint = [(
        "description",
        "Breathless on the second flight of stairs since March",
    )];
    let path = format!("/patients/{pid}/complaints");
    let (status, body) = post_expired(&app, &s, &path, &complaint, "same-origin").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        typed_section(&body).contains("Breathless on the second flight of stairs since March"),
        "{body}"
    );
    // Another site's forged post gets the refusal, without its text shown under our name.
    let (status, body) = post_expired(&app, &s, &path, &complaint, "cross-site").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!body.contains("What you typed") && !body.contains("Breathless"));
    let passwords = [
        ("current_password", PW),
        ("new_password", "a long new pass phrase 77"),
    ];
    let (status, body) =
        post_expired(&app, &s, "/account/password", &passwords, "same-origin").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        !body.contains("What you typed"),
        "nothing but passwords was typed"
    );
    assert!(!body.contains("a long new pass phrase 77"));
}

#[tokio::test]
async fn a_refused_upload_shows_its_title_again() {
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let url = app.url(&format!("/patients/{pid}/files?csrf_token={}", s.csrf));
    let big = [b"%PDF-1.4\n".to_vec(), vec![b'a'; 1024 * 1024 + 10]].concat();
    let form = Form::new()
        .text("kind", "imaging")
        .text("title", "Echocardiogram, 4 March, Dr Bose's report")
        .part("file", Part::bytes(big).file_name("echo.pdf"));
    let r = s.client.post(&url).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body = r.text().await.unwrap();
    assert!(body.contains("larger than the limit of 1 MB"), "{body}");
    assert!(
        typed_section(&body).contains("Echocardiogram, 4 March, Dr Bose&#x27;s report")
            || typed_section(&body).contains("Echocardiogram, 4 March, Dr Bose&#39;s report"),
        "{body}"
    );
}
