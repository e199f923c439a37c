use reqwest::StatusCode;

use crate::builders::*;
use crate::helpers::*;

#[tokio::test]
async fn a_patient_sees_only_their_own_record() {
    let app = TestApp::spawn().await;
    let a = app.login(PATIENT_A, PW).await;
    let own = app.patient_id("Aarav Sharma");
    let other = app.patient_id("Neha Shetty");
    let (status, body) = app.get(&a.client, "/portal").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Aarav Sharma"));
    assert!(!body.contains("Neha"));
    assert!(!body.contains("Record vitals"), "the portal is read-only");
    let (status, body) = app.get(&a.client, &format!("/patients/{own}")).await;
    assert_eq!(status, StatusCode::OK, "their own chart, read-only");
    assert!(!body.contains("Record vitals"));
    for path in [
        format!("/patients/{other}"),
        "/patients".to_string(),
        "/admin".to_string(),
    ] {
        let (status, body) = app.get(&a.client, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(!body.contains("Neha Shetty"), "{path}");
    }
    let (status, _, _) = app
        .send(
            &a,
            &format!("/patients/{own}/allergies"),
            &[("substance", "x"), ("reaction", "y"), ("severity", "mild")],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "patients cannot write their chart"
    );
}

#[tokio::test]
async fn a_practitioner_without_a_care_relationship_cannot_open_or_change_the_chart() {
    let app = TestApp::spawn().await;
    let pid = app.patient_id("Aarav Sharma");
    for who in [UNRELATED, OTHER_CLINIC_DOC] {
        let s = app.login(who, PW).await;
        let (status, body) = app.get(&s.client, &format!("/patients/{pid}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        assert!(!body.contains("Aarav"), "{who}");
        let (status, _, _) = app
            .send(
                &s,
                &format!("/patients/{pid}/complaints"),
                &[("description", "intrusion")],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        let (_, list) = app.get(&s.client, "/patients?q=sharma").await;
        assert!(
            !list.contains("Aarav"),
            "{who} does not find the patient in their list"
        );
    }
    // Clinic admins run the clinic; they do not read charts.
    let admin = app.login(ADMIN, PW).await;
    assert_eq!(
        app.get(&admin.client, &format!("/patients/{pid}")).await.0,
        StatusCode::FORBIDDEN
    );
    // Signed out: to the sign-in page, then back.
    let c = app.client();
    let r = app.get_raw(&c, &format!("/patients/{pid}")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        format!("/login?next=%2Fpatients%2F{pid}")
    );
}

#[tokio::test]
async fn chart_views_are_audited_before_the_page_is_returned() {
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    app.get(&s.client, &format!("/patients/{pid}")).await;
    app.get(&s.client, &format!("/patients/{pid}")).await;
    let n = app.audit_count(Audit::action("chart_viewed").subject(&pid));
    assert_eq!(n, 2);
    let rows = handoff::db::audit::for_patient(&mut app.conn(), &pid).unwrap();
    assert_eq!(rows[0].actor_role, "practitioner");
    assert_eq!(rows[0].ip, "127.0.0.1");
}

#[tokio::test]
async fn unknown_pages_and_records_get_a_404_page_in_the_layout() {
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    for path in [
        "/nope",
        "/patients/00000000-0000-0000-0000-000000000000",
        "/patients/x/files/y",
    ] {
        let (status, body) = app.get(&s.client, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            body.contains("Page not found") && body.contains("<main"),
            "{path}"
        );
    }
}

/// A referral from the GP to the cardiologist with a message, a snapshot section, and an
/// ask answered in text and with a file; returns its id and the file's download path.
pub(crate) async fn shared_referral(app: &TestApp, gp: &Session, rx: &Session) -> (String, String) {
    let pid = app.patient_id("Aarav Sharma");
    let id = app
        .referral()
        .by(gp)
        .patient_id(&pid)
        .to(OTHER_CLINIC_DOC)
        .reason("Palpitations")
        .message("SECRET-MESSAGE about the family history")
        .section("complaint", "SECRET-SNAPSHOT palpitations at rest")
        .in_state(State::Sent)
        .await
        .id;
    app.act(rx, &id, "request_info", &[("note", "Prior ECG")])
        .await
        .ok("request_info");
    answer_the_ask_with_a_file(app, gp, &id).await;
    let (_, page) = app.get(&rx.client, &format!("/referrals/{id}")).await;
    for secret in [
        "SECRET-MESSAGE",
        "SECRET-SNAPSHOT",
        "SECRET-ANSWER",
        "letter.pdf",
    ] {
        assert!(page.contains(secret), "before: the receiver reads {secret}");
    }
    let file = page
        .split("href=\"")
        .find(|p| p.starts_with(&format!("/referrals/{id}/attachments/")))
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    (id, file)
}

/// What the receiver can still open, and the sender keeps everything.
async fn assert_receiver_cut_off(
    app: &TestApp,
    gp: &Session,
    rx: &Session,
    id: &str,
    file: &str,
    why: &str,
) {
    let (status, page) = app.get(&rx.client, &format!("/referrals/{id}")).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{why}: the referral itself stays listed"
    );
    for secret in [
        "SECRET-MESSAGE",
        "SECRET-SNAPSHOT",
        "SECRET-ANSWER",
        "letter.pdf",
    ] {
        assert!(
            !page.contains(secret),
            "{why}: the receiver no longer reads {secret}"
        );
    }
    assert!(!page.contains(file), "{why}: no link to the answer file");
    let r = app.get_raw(&rx.client, file).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "{why}: the file");
    assert!(!r.text().await.unwrap().contains("SECRET ECG"));
    let r = app
        .get_raw(&rx.client, &format!("/referrals/{id}/letter.pdf"))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "{why}: the letter");
    // The sender's own record is untouched.
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(
        page.contains("SECRET-SNAPSHOT") && page.contains("SECRET-ANSWER"),
        "{why}"
    );
    let r = app.get_raw(&gp.client, file).await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{why}: the sender keeps the file"
    );
}

#[tokio::test]
async fn the_receiver_loses_the_shared_details_and_files_when_consent_is_withdrawn() {
    let app = TestApp::spawn().await;
    let (gp, rx) = (
        app.login(GP, PW).await,
        app.login(OTHER_CLINIC_DOC, PW).await,
    );
    let (id, file) = shared_referral(&app, &gp, &rx).await;
    let patient = app.login(PATIENT_A, PW).await;
    withdraw_first_consent(&app, &patient).await;
    assert_receiver_cut_off(&app, &gp, &rx, &id, &file, "consent withdrawn").await;
}

#[tokio::test]
async fn the_receiver_loses_the_shared_details_when_the_referral_is_cancelled_or_declined() {
    let app = TestApp::spawn().await;
    let (gp, rx) = (
        app.login(GP, PW).await,
        app.login(OTHER_CLINIC_DOC, PW).await,
    );
    let (cancelled, file) = shared_referral(&app, &gp, &rx).await;
    app.act(&gp, &cancelled, "cancel", &[("note", "Seen elsewhere")])
        .await
        .ok("cancel");
    assert_receiver_cut_off(&app, &gp, &rx, &cancelled, &file, "cancelled").await;

    let (declined, file) = shared_referral(&app, &gp, &rx).await;
    app.act(
        &rx,
        &declined,
        "reject",
        &[("code", "out_of_scope"), ("note", "Please refer elsewhere")],
    )
    .await
    .ok("reject");
    assert_receiver_cut_off(&app, &gp, &rx, &declined, &file, "declined by the receiver").await;
}
