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
