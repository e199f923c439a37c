use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn an_admin_changes_settings_and_adds_a_practitioner() {
    let app = TestApp::spawn().await;
    let a = app.login(ADMIN, PW).await;
    let (status, body) = app.get(&a.client, "/admin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Lakeside Family Clinic") && body.contains("Dr Asha Kulkarni"));
    assert!(!body.contains("id=\"requires_patient_approval\" name=\"requires_patient_approval\" type=\"checkbox\" checked"));
    let (status, _, _) = app
        .send(
            &a,
            "/admin/settings",
            &[("requires_patient_approval", "on")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, body) = app.get(&a.client, "/admin").await;
    assert!(body.contains("id=\"requires_patient_approval\" name=\"requires_patient_approval\" type=\"checkbox\" checked"));
    assert!(!body.contains(
        "id=\"show_booking_prompts\" name=\"show_booking_prompts\" type=\"checkbox\" checked"
    ));

    let form = [
        ("display_name", "Tara Menon"),
        ("email", "tara@lakeside.example"),
        ("title", "Dr"),
        ("specialty", "Rheumatology"),
        ("city", "Pune"),
        ("languages", "english, malayalam"),
        ("accepting_referrals", "on"),
        ("password", "tara first pass"),
        ("password_confirm", "tara first pass"),
    ];
    let (status, _, _) = app.send(&a, "/admin/practitioners", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, body) = app.get(&a.client, "/admin").await;
    assert!(body.contains("Tara Menon") && body.contains("English, Malayalam"));
    let (status, body, _) = app.send(&a, "/admin/practitioners", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("An account with this e-mail already exists."));
    let t = app.login("tara@lakeside.example", "tara first pass").await;
    assert_eq!(app.get(&t.client, "/patients").await.0, StatusCode::OK);
}

#[tokio::test]
async fn deactivating_a_practitioner_signs_them_out() {
    let app = TestApp::spawn().await;
    let a = app.login(ADMIN, PW).await;
    let doc = app.login(UNRELATED, PW).await;
    let (_, body) = app.get(&a.client, "/admin").await;
    let marker = "href=\"/admin/practitioners/";
    let ids: Vec<&str> = body
        .split(marker)
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let mut target = None;
    for id in ids {
        let (_, page) = app
            .get(&a.client, &format!("/admin/practitioners/{id}"))
            .await;
        if page.contains(UNRELATED) {
            target = Some(id.to_string());
        }
    }
    let id = target.expect("Vikram's page");
    let (status, _, _) = app
        .send(
            &a,
            &format!("/admin/practitioners/{id}"),
            &[
                ("display_name", "Dr Vikram Joshi"),
                ("email", UNRELATED),
                ("title", "Dr"),
                ("specialty", "Dermatology"),
                ("city", "Pune"),
                ("languages", "English"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&doc.client, "/patients").await.0,
        StatusCode::SEE_OTHER
    );
    let c = app.client();
    let (_, body) = app.get(&c, "/login").await;
    let (status, _, _) = app
        .post(
            &c,
            "/login",
            &[
                ("csrf_token", &csrf_of(&body)),
                ("email", UNRELATED),
                ("password", PW),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_admin_cannot_manage_another_clinic() {
    let app = TestApp::spawn().await;
    let a = app.login(ADMIN, PW).await;
    let (_, body) = app.get(&a.client, "/admin").await;
    let id = body
        .split("href=\"/admin/practitioners/")
        .nth(2)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let other = app.login(OTHER_ADMIN, PW).await;
    let (status, _) = app
        .get(&other.client, &format!("/admin/practitioners/{id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = app
        .send(
            &other,
            &format!("/admin/practitioners/{id}"),
            &[
                ("display_name", "Hijacked"),
                ("email", "h@x.org"),
                ("specialty", "x"),
                ("city", "x"),
                ("languages", "x"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let doc = app.login(GP, PW).await;
    assert_eq!(
        app.get(&doc.client, "/admin").await.0,
        StatusCode::FORBIDDEN
    );
}
