use chrono::Duration;
use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn login_lands_on_the_start_page_for_the_role() {
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    let (status, _) = app.get(&s.client, "/").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, body) = app.get(&s.client, "/patients").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Dr Asha Kulkarni"));
    assert!(
        body.contains("8 patients"),
        "the GP sees her 8 seeded patients"
    );
    let p = app.login(PATIENT_A, PW).await;
    let r = app.get_raw(&p.client, "/").await;
    assert_eq!(r.headers()["location"], "/portal");
}

#[tokio::test]
async fn wrong_password_is_refused_without_saying_which_field() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let (_, body) = app.get(&c, "/login").await;
    let token = csrf_of(&body);
    for (email, pw) in [(GP, "not the password"), ("nobody@nowhere.example", PW)] {
        let (status, body, _) = app
            .post(
                &c,
                "/login",
                &[("csrf_token", &token), ("email", email), ("password", pw)],
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body.contains("The e-mail or password is not right"));
        assert!(
            body.contains(&format!("value=\"{email}\"")),
            "the e-mail is kept"
        );
    }
    let (status, _) = app.get(&c, "/patients").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "still signed out");
}

#[tokio::test]
async fn five_failures_lock_the_account_for_fifteen_minutes_across_restarts() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let (_, body) = app.get(&c, "/login").await;
    let token = csrf_of(&body);
    for _ in 0..5 {
        let (status, _, _) = app
            .post(
                &c,
                "/login",
                &[
                    ("csrf_token", &token),
                    ("email", GP),
                    ("password", "wrong password"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused now, with a clear message.
    let (status, body, _) = app
        .post(
            &c,
            "/login",
            &[("csrf_token", &token), ("email", GP), ("password", PW)],
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("Too many failed sign-ins"), "{body}");
    assert!(body.contains("15 minutes"));

    // A restarted (or second) instance on the same database keeps the lock.
    let second = app.another_instance().await;
    let c2 = second.client();
    let (_, body) = second.get(&c2, "/login").await;
    let t2 = csrf_of(&body);
    let (status, _, _) = second
        .post(
            &c2,
            "/login",
            &[("csrf_token", &t2), ("email", GP), ("password", PW)],
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    // Other accounts are not affected.
    app.login(GP2, PW).await;

    app.clock.advance(Duration::minutes(15));
    app.login(GP, PW).await;
}

#[tokio::test]
async fn the_session_id_changes_at_sign_in() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let r = app.get_raw(&c, "/login").await;
    let before = r
        .cookies()
        .find(|k| k.name() == "handoff_session")
        .expect("cookie")
        .value()
        .to_string();
    let token = csrf_of(&r.text().await.unwrap());
    let r = c
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", GP),
            ("password", PW),
        ])
        .send()
        .await
        .unwrap();
    let cookie = r
        .cookies()
        .find(|k| k.name() == "handoff_session")
        .expect("new cookie");
    assert_ne!(cookie.value(), before);
    assert!(cookie.http_only());
    // The pre-login session id is dead: replaying it does not give a signed-in session.
    let attacker = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = attacker
        .get(app.url("/patients"))
        .header("cookie", format!("handoff_session={before}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let (_, body) = app.get(&c, "/login").await;
    let token = csrf_of(&body);
    let r = c
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", GP),
            ("password", PW),
        ])
        .send()
        .await
        .unwrap();
    // Keep a copy of the cookie as a thief would.
    let stolen = r
        .cookies()
        .find(|k| k.name() == "handoff_session")
        .unwrap()
        .value()
        .to_string();
    let (_, body) = app.get(&c, "/account/password").await;
    let s = Session {
        client: c,
        csrf: csrf_of(&body),
    };
    let thief = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let with_stolen = || {
        thief
            .get(app.url("/patients"))
            .header("cookie", format!("handoff_session={stolen}"))
            .send()
    };
    assert_eq!(
        with_stolen().await.unwrap().status(),
        StatusCode::OK,
        "the copy works while signed in"
    );
    let (status, _, loc) = app.send(&s, "/logout", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(loc.as_deref(), Some("/login"));
    assert_eq!(
        app.get(&s.client, "/patients").await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        with_stolen().await.unwrap().status(),
        StatusCode::SEE_OTHER,
        "the copied cookie no longer works"
    );
    // The cookie still carries the session's state (its user, its token): the server's row
    // is what decides, on every page and every form.
    let pid = app.patient_id("Aarav Sharma");
    for path in [
        "/account/password",
        "/account/sessions",
        "/sent",
        "/notifications",
        &format!("/patients/{pid}"),
    ] {
        let r = thief
            .get(app.url(path))
            .header("cookie", format!("handoff_session={stolen}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(
            r.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login?next="),
            "{path}"
        );
        assert!(!r.text().await.unwrap().contains("Aarav"), "{path}");
    }
    let r = thief
        .post(app.url(&format!("/patients/{pid}/allergies")))
        .header("cookie", format!("handoff_session={stolen}"))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("csrf_token", s.csrf.as_str()),
            ("substance", "Latex"),
            ("reaction", "Rash"),
            ("severity", "mild"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no session, no token");
    let gp = app.login(GP, PW).await;
    let (_, body) = app.get(&gp.client, &format!("/patients/{pid}")).await;
    assert!(!body.contains("Latex"), "nothing was written");
}

#[tokio::test]
async fn a_signed_in_page_is_one_hop_to_the_blocking_pool() {
    use std::sync::atomic::Ordering;
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let rx = app.login(OTHER_CLINIC_DOC, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let hops = || app.svc.metrics.blocking_hops.load(Ordering::SeqCst);
    let profile = format!("/patients/{pid}");
    for (s, path) in [
        (&gp, "/patients"),
        (&gp, profile.as_str()),
        (&gp, "/sent"),
        (&gp, "/analytics"),
        (&gp, "/notifications"),
        (&rx, "/inbox"),
        (&rx, "/threads"),
    ] {
        // The first view may still write the session (a message shown once).
        app.get(&s.client, path).await;
        let before = hops();
        let (status, _) = app.get(&s.client, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(
            hops() - before,
            1,
            "{path}: the session's check, the page's data and the unread count share one hop"
        );
    }
}

#[tokio::test]
async fn an_idle_session_expires_after_thirty_minutes_and_activity_extends_it() {
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    app.clock.advance(Duration::minutes(20));
    assert_eq!(app.get(&s.client, "/patients").await.0, StatusCode::OK);
    app.clock.advance(Duration::minutes(20));
    assert_eq!(
        app.get(&s.client, "/patients").await.0,
        StatusCode::OK,
        "activity kept it alive"
    );
    app.clock.advance(Duration::minutes(31));
    let r = app.get_raw(&s.client, "/patients").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login?next=%2Fpatients");
}

#[tokio::test]
async fn a_session_ends_after_twelve_hours_however_active() {
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    for _ in 0..35 {
        app.clock.advance(Duration::minutes(20));
        assert_eq!(app.get(&s.client, "/patients").await.0, StatusCode::OK);
    }
    app.clock.advance(Duration::minutes(20));
    assert_eq!(
        app.get(&s.client, "/patients").await.0,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_post_without_the_right_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let path = format!("/patients/{pid}/allergies");
    let form = [
        ("substance", "Shellfish"),
        ("reaction", "Swelling"),
        ("severity", "severe"),
    ];
    let (status, body, _) = app.post(&s.client, &path, &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("security token"));
    let mut wrong = vec![("csrf_token", "forged-token")];
    wrong.extend_from_slice(&form);
    let (status, _, _) = app.post(&s.client, &path, &wrong).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, body) = app.get(&s.client, &format!("/patients/{pid}")).await;
    assert!(!body.contains("Shellfish"));
    // The login form is protected too.
    let c = app.client();
    let (status, _, _) = app
        .post(&c, "/login", &[("email", GP), ("password", PW)])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // With the token it goes through.
    let (status, _, _) = app.send(&s, &path, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn changing_the_password_signs_out_other_devices() {
    let app = TestApp::spawn().await;
    let laptop = app.login(GP, PW).await;
    let phone = app.login(GP, PW).await;
    let (status, body, _) = app
        .send(
            &laptop,
            "/account/password",
            &[
                ("current_password", "wrong"),
                ("new_password", "a new long passphrase"),
                ("new_password_confirm", "a new long passphrase"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("This is not your current password."));
    let (status, _, _) = app
        .send(
            &laptop,
            "/account/password",
            &[
                ("current_password", PW),
                ("new_password", "a new long passphrase"),
                ("new_password_confirm", "a new long passphrase"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&laptop.client, "/patients").await.0,
        StatusCode::OK,
        "this device stays in"
    );
    assert_eq!(
        app.get(&phone.client, "/patients").await.0,
        StatusCode::SEE_OTHER,
        "the other is out"
    );
    app.login(GP, "a new long passphrase").await;
}

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    for path in [
        "/login",
        "/patients",
        &format!("/patients/{pid}"),
        "/no-such-page",
        "/static/app.css",
    ] {
        let r = app.get_raw(&s.client, path).await;
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{path}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(h.contains_key("referrer-policy"));
        if !path.starts_with("/static") {
            assert_eq!(h["cache-control"], "no-store", "{path}");
        }
    }
}

#[tokio::test]
async fn reading_a_page_does_not_write_the_session() {
    use diesel::prelude::*;
    use handoff::db::schema::sessions;
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    let seen = |app: &TestApp| -> Vec<chrono::NaiveDateTime> {
        sessions::table
            .filter(sessions::user_id.is_not_null())
            .select(sessions::last_seen_at)
            .load(&mut *app.conn())
            .unwrap()
    };
    let before = seen(&app);
    app.clock.advance(Duration::seconds(10));
    for _ in 0..3 {
        assert_eq!(app.get(&s.client, "/patients").await.0, StatusCode::OK);
    }
    assert_eq!(
        seen(&app),
        before,
        "a page view is a read, not a session write"
    );
    // After the touch interval the idle clock is refreshed, once.
    app.clock.advance(Duration::seconds(61));
    app.get(&s.client, "/patients").await;
    assert_ne!(seen(&app), before);
}

#[tokio::test]
async fn expired_sessions_are_removed_at_the_next_sign_in() {
    use diesel::prelude::*;
    use handoff::db::schema::sessions;
    let app = TestApp::spawn().await;
    app.login(GP, PW).await;
    let count = |app: &TestApp| -> i64 {
        sessions::table
            .count()
            .get_result(&mut *app.conn())
            .unwrap()
    };
    assert!(count(&app) >= 1);
    app.clock.advance(Duration::hours(13));
    app.login(GP2, PW).await;
    assert_eq!(count(&app), 1, "only the new sign-in's session is left");
}

#[tokio::test]
async fn twenty_simultaneous_guesses_check_only_five_passwords() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let (_, body) = app.get(&c, "/login").await;
    let token = csrf_of(&body);
    let guesses = (0..20).map(|i| {
        let (c, token, url) = (c.clone(), token.clone(), app.url("/login"));
        async move {
            c.post(url)
                .form(&[
                    ("csrf_token", token.as_str()),
                    ("email", GP),
                    ("password", &format!("wrong guess {i}")),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures::future::join_all(guesses).await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((checked, refused), (5, 15), "{statuses:?}");
    // The right password is refused too while the lock lasts.
    let (status, _, _) = app
        .post(
            &c,
            "/login",
            &[("csrf_token", &token), ("email", GP), ("password", PW)],
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn next_after_sign_in_is_only_ever_a_local_path() {
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    for next in [
        "%2F%09%2Fevil.example",
        "%2F%0D%0ASet-Cookie:%20x=1",
        "%2F%00x",
        "%2F%0Bx",
        "%2F%0Cx",
        "%2F%5Cevil.example",
        "https:%2F%2Fevil.example",
    ] {
        let r = app.get_raw(&s.client, &format!("/login?next={next}")).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next}");
        assert_eq!(r.headers()["location"], "/", "{next}");
    }
    let r = app.get_raw(&s.client, "/login?next=%2Fpatients").await;
    assert_eq!(r.headers()["location"], "/patients");
    // The same through the form's field.
    let c = app.client();
    let (_, body) = app.get(&c, "/login").await;
    let (status, _, loc) = app
        .post(
            &c,
            "/login",
            &[
                ("csrf_token", &csrf_of(&body)),
                ("email", GP),
                ("password", PW),
                ("next", "/\r\n/evil.example"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(loc.as_deref(), Some("/"));
}
