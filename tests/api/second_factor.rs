//! The second factor, sessions people can see, and the per-address sign-in limit. Codes are
//! computed here from the shared secret shown on the enrolment page, at the app's clock.

use chrono::Duration;
use diesel::prelude::*;
use handoff::domain::second_factor::{code_for_step, secret_bytes, step_at};
use reqwest::StatusCode;

use crate::builders::Audit;
use crate::helpers::*;

const FARAH: &str = OTHER_CLINIC_DOC; // Harbour: the demo clinic that requires a second factor

/// Posts the sign-in form on a fresh client with this browser name; returns the client,
/// where it was sent, and the page's CSRF token for the next step.
async fn password_step(app: &TestApp, email: &str, ua: &str) -> (reqwest::Client, String) {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(ua.to_string())
        .build()
        .unwrap();
    let (_, body) = app.get(&c, "/login").await;
    let (status, body, loc) = app
        .post(
            &c,
            "/login",
            &[
                ("csrf_token", &csrf_of(&body)),
                ("email", email),
                ("password", PW),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    (c, loc.unwrap_or_default())
}

fn code_at(app: &TestApp, secret: &str, steps_off: i64) -> String {
    let step = step_at(app.clock_now().and_utc().timestamp()) + steps_off;
    code_for_step(&secret_bytes(secret).unwrap(), step).unwrap()
}

async fn send_code(
    app: &TestApp,
    c: &reqwest::Client,
    code: &str,
) -> (StatusCode, String, Option<String>) {
    let (_, page) = app.get(c, "/login/code").await;
    app.post(
        c,
        "/login/code",
        &[("csrf_token", &csrf_of(&page)), ("code", code)],
    )
    .await
}

/// Enrols Farah on a fresh client; returns the secret and the recovery codes.
async fn enrol(app: &TestApp) -> (reqwest::Client, String, Vec<String>) {
    let (c, to) = password_step(app, FARAH, "Firefox/1 (X11; Linux)").await;
    assert_eq!(
        to, "/account/second-factor",
        "the clinic requires it: enrol first"
    );
    let (status, _) = app.get(&c, "/inbox").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "nothing else opens before enrolment"
    );
    let (status, page) = app.get(&c, "/account/second-factor").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("requires a second factor"));
    assert!(
        page.contains("src=\"data:image/svg+xml;base64,"),
        "the QR code is drawn here"
    );
    let secret = page
        .split("<code class=\"secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(secret.len(), 32, "160 bits in base32");
    let csrf = csrf_of(&page);
    // A wrong code: the form comes back with the error beside the field, same secret.
    let (status, page, _) = app
        .post(
            &c,
            "/account/second-factor",
            &[("csrf_token", &csrf), ("code", "000000")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("field-error") && page.contains("does not match"));
    assert!(page.contains(&secret), "the same secret is shown again");
    let (status, page, _) = app
        .post(
            &c,
            "/account/second-factor",
            &[("csrf_token", &csrf), ("code", &code_at(app, &secret, 0))],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let codes: Vec<String> = page
        .split("<li><code>")
        .skip(1)
        .map(|p| p.split('<').next().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 10, "ten recovery codes, shown once");
    let (status, _) = app.get(&c, "/inbox").await;
    assert_eq!(status, StatusCode::OK, "enrolled: the app opens");
    (c, secret, codes)
}

#[tokio::test]
async fn a_required_second_factor_is_set_up_then_asked_with_skew_replay_and_recovery_codes() {
    let app = TestApp::spawn().await;
    app.require_second_factor("Harbour Health Centre", true);
    let (_, secret, codes) = enrol(&app).await;

    // Signing in again: the password alone signs nobody in. (Two steps later, so that
    // the step before this one is not the step enrolment used.)
    app.clock.advance(Duration::seconds(60));
    let (c, to) = password_step(&app, FARAH, "Firefox/1 (X11; Linux)").await;
    assert_eq!(to, "/login/code");
    let (status, _) = app.get(&c, "/inbox").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "not signed in before the code"
    );
    // One step behind (a phone clock a little slow) is accepted...
    let late = code_at(&app, &secret, -1);
    let (status, _, _) = send_code(&app, &c, &code_at(&app, &secret, -2)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "two steps off is too far");
    let (status, _, loc) = send_code(&app, &c, &late).await;
    assert_eq!((status, loc.as_deref()), (StatusCode::SEE_OTHER, Some("/")));
    assert_eq!(app.get(&c, "/inbox").await.0, StatusCode::OK);
    // ...and never again (replay), nor an older one.
    let (c, _) = password_step(&app, FARAH, "Firefox/1 (X11; Linux)").await;
    let (status, body, _) = send_code(&app, &c, &late).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("already used"));
    // One step ahead (a phone clock a little fast) is accepted.
    let (status, _, _) = send_code(&app, &c, &code_at(&app, &secret, 1)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // A recovery code works once, typed in capitals with a space.
    let (c, _) = password_step(&app, FARAH, "Firefox/1 (X11; Linux)").await;
    let typed = codes[3].to_uppercase().replace('-', " ");
    assert_eq!(send_code(&app, &c, &typed).await.0, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&c, "/account/second-factor").await;
    assert!(page.contains("9 of 10 recovery codes left"), "{page}");
    let (c, _) = password_step(&app, FARAH, "Firefox/1 (X11; Linux)").await;
    assert_eq!(
        send_code(&app, &c, &codes[3]).await.0,
        StatusCode::UNAUTHORIZED
    );

    // Five wrong codes: the sixth is refused unchecked, even the right one.
    app.clock.advance(Duration::seconds(90));
    // Three wrong so far (two steps off, the replay, the used recovery code).
    for _ in 0..2 {
        assert_eq!(
            send_code(&app, &c, "123456").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let (status, body, _) = send_code(&app, &c, &code_at(&app, &secret, 0)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(body.contains("Too many wrong codes"));
    let failed = app.audit_count(Audit::action("second_factor_failed"));
    assert_eq!(failed, 5, "every wrong code is audited");
    // The limit lifts after its window (the password step is asked again: the first
    // one waited too long).
    app.clock.advance(Duration::minutes(16));
    let (c, _) = password_step(&app, FARAH, "Firefox/1 (X11; Linux)").await;
    assert_eq!(
        send_code(&app, &c, &code_at(&app, &secret, 0)).await.0,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_abandoned_second_step_expires_and_patients_are_not_asked() {
    let app = TestApp::spawn().await;
    app.require_second_factor("Harbour Health Centre", true);
    let (_, secret, _) = enrol(&app).await;
    app.clock.advance(Duration::seconds(30));
    let (c, _) = password_step(&app, FARAH, "Firefox/1 (X11; Linux)").await;
    let csrf = csrf_of(&app.get(&c, "/login/code").await.1);
    app.clock.advance(Duration::minutes(6));
    let code = code_at(&app, &secret, 0);
    let (status, _, loc) = app
        .post(&c, "/login/code", &[("csrf_token", &csrf), ("code", &code)])
        .await;
    assert_eq!(
        (status, loc.as_deref()),
        (StatusCode::SEE_OTHER, Some("/login"))
    );
    assert_eq!(app.get(&c, "/inbox").await.0, StatusCode::SEE_OTHER);
    // The clinic's requirement is for its staff; a patient signs in with the password.
    let (_, to) = password_step(&app, "diya.menon@patients.example", "Firefox/1").await;
    assert_eq!(to, "/");
}

#[tokio::test]
async fn people_see_their_sessions_end_one_or_all_others_and_hear_of_a_new_browser() {
    let app = TestApp::spawn().await;
    let (laptop, _) = password_step(&app, GP, "Mozilla/5.0 (Windows NT 10.0) Firefox/133.0").await;
    app.clock.advance(Duration::minutes(1));
    let (phone, _) = password_step(
        &app,
        GP,
        "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36",
    )
    .await;
    let (tablet, _) = password_step(&app, GP, "Mozilla/5.0 (Windows NT 10.0) Firefox/133.0").await;
    let alerts: Vec<(String, String)> = {
        use handoff::db::schema::outbox;
        outbox::table
            .filter(outbox::kind.eq("sign_in_alert"))
            .select((outbox::to_addr, outbox::body))
            .load(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(
        alerts.len(),
        1,
        "the phone is new; the first sign-in and the same laptop are not"
    );
    assert_eq!(alerts[0].0, GP);
    assert!(alerts[0].1.contains("Chrome on Android") && alerts[0].1.contains("/account/sessions"));

    let (status, page) = app.get(&laptop, "/account/sessions").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.matches("<tr><td>").count(), 3, "three sessions");
    assert!(page.contains("Firefox on Windows") && page.contains("Chrome on Android"));
    assert!(page.contains("127.0.0.1"));
    assert_eq!(page.matches("This device").count(), 1);
    // Sign out the phone from the laptop.
    let phone_page = app.get(&phone, "/account/sessions").await.1;
    assert!(
        phone_page.contains("Chrome on Android <span class=\"tag tag-current\">This device"),
        "the phone sees itself as this device"
    );
    let row = page
        .split("<tr>")
        .find(|r| r.contains("Chrome on Android"))
        .unwrap();
    let action = row
        .split("action=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let (status, _, _) = app
        .post(&laptop, action, &[("csrf_token", &csrf_of(&page))])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&phone, "/inbox").await.0,
        StatusCode::SEE_OTHER,
        "the phone is signed out"
    );
    assert_eq!(app.get(&tablet, "/inbox").await.0, StatusCode::OK);
    // Everywhere else: the tablet goes, the laptop stays.
    let (_, page) = app.get(&laptop, "/account/sessions").await;
    let (status, _, _) = app
        .post(
            &laptop,
            "/account/sessions/end-others",
            &[("csrf_token", &csrf_of(&page))],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&tablet, "/inbox").await.0, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&laptop, "/inbox").await.0, StatusCode::OK);
    // Nobody ends another person's session: an id that is not theirs is a 404.
    let other = app.login(GP2, PW).await;
    let (status, _, _) = app.send(&other, action, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The alert can be turned off.
    let (_, page) = app.get(&laptop, "/account/sessions").await;
    app.post(
        &laptop,
        "/account/sign-in-alerts",
        &[("csrf_token", &csrf_of(&page))],
    )
    .await;
    password_step(&app, GP, "curl/8.5.0").await;
    let n: i64 = {
        use handoff::db::schema::outbox;
        outbox::table
            .filter(outbox::kind.eq("sign_in_alert"))
            .count()
            .get_result(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(n, 1, "no alert once turned off");
}

#[tokio::test]
async fn one_address_spraying_many_accounts_is_stopped_and_emails_fold_like_the_stored_ones() {
    let app = TestApp::spawn().await;
    // Full-width letters and upper case are the same address (NFKC, then lower case).
    let (_, to) = password_step(&app, " ＡＳＨＡ.Kulkarni@Lakeside.Example ", "Firefox/1").await;
    assert_eq!(to, "/");
    let c = app.client();
    for i in 0..30 {
        let (_, body) = app.get(&c, "/login").await;
        let (status, _, _) = app
            .post(
                &c,
                "/login",
                &[
                    ("csrf_token", &csrf_of(&body)),
                    ("email", &format!("nobody{i}@lakeside.example")),
                    ("password", "wrong password"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    // The 31st attempt from this address is refused before any password is checked,
    // even for a real account with its right password.
    let (_, body) = app.get(&c, "/login").await;
    let (status, body, _) = app
        .post(
            &c,
            "/login",
            &[
                ("csrf_token", &csrf_of(&body)),
                ("email", GP2),
                ("password", PW),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("from your network"));
    app.clock.advance(Duration::minutes(16));
    password_step(&app, GP2, "Firefox/1").await;
}

/// Signs in through a proxy that forwarded `forwarded_for`; the answer's status.
async fn sign_in_via(app: &TestApp, forwarded_for: &str, email: &str, pw: &str) -> StatusCode {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert("x-forwarded-for", forwarded_for.parse().unwrap());
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(h)
        .build()
        .unwrap();
    let (_, body) = app.get(&c, "/login").await;
    let (status, _, _) = app
        .post(
            &c,
            "/login",
            &[
                ("csrf_token", &csrf_of(&body)),
                ("email", email),
                ("password", pw),
            ],
        )
        .await;
    status
}

/// The address the audit log recorded for `email`'s last sign-in.
fn sign_in_address(app: &TestApp, email: &str) -> String {
    use handoff::db::schema::audit_events as a;
    a::table
        .filter(a::action.eq("login"))
        .filter(a::actor_id.eq(app.user_id(email)))
        .order(a::seq.desc())
        .select(a::ip)
        .first(&mut *app.conn())
        .unwrap()
}

/// Behind a load balancer every request comes from the balancer's address: one client's
/// 30 failures would refuse everyone. With the balancer trusted, each client is counted and
/// audited at the address the balancer appended, whatever it wrote in the header itself.
#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_throttled_and_audited_apart() {
    let app = TestApp::spawn_with(|s| s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    for i in 0..30 {
        let to = format!("nobody{i}@lakeside.example");
        // The client claims 192.0.2.1; the proxy appended where it really came from.
        let status = sign_in_via(&app, "192.0.2.1, 203.0.113.66", &to, "wrong password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let status = sign_in_via(&app, "192.0.2.1, 203.0.113.66", GP2, PW).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the guesser is stopped"
    );
    let status = sign_in_via(&app, "203.0.113.66", GP, PW).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "at its address, any account"
    );
    // Another client behind the same balancer signs in, and is audited at its address.
    assert_eq!(
        sign_in_via(&app, "203.0.113.7", GP, PW).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(sign_in_address(&app, GP), "203.0.113.7");

    // Without the setting the header is anybody's claim: ignored.
    let app = TestApp::spawn().await;
    assert_eq!(
        sign_in_via(&app, "203.0.113.7", GP, PW).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(sign_in_address(&app, GP), "127.0.0.1");
}

#[tokio::test]
async fn requests_that_store_nothing_leave_no_session_rows() {
    use handoff::db::schema::sessions;
    let app = TestApp::spawn().await;
    let rows = || -> i64 {
        sessions::table
            .count()
            .get_result(&mut *app.conn())
            .unwrap()
    };
    let before = rows();
    for _ in 0..50 {
        let c = app.client();
        assert_eq!(app.get(&c, "/healthz").await.0, StatusCode::OK);
        assert_eq!(
            app.get_raw(&c, "/static/app.css").await.status(),
            StatusCode::OK
        );
        assert_eq!(app.get(&c, "/no-such-page").await.0, StatusCode::NOT_FOUND);
    }
    assert_eq!(
        rows(),
        before,
        "150 cookieless requests, no session written"
    );
    // The sign-in form needs its token: one row for that visitor, and it signs in.
    password_step(&app, GP, "Firefox/1").await;
    assert_eq!(rows(), before + 1);
    // The background worker's purge removes sessions past their timeout, signed in or not.
    let later = app.clock_now() + Duration::minutes(31);
    let purged = handoff::services::mail::purge_expired(&app.svc.pool, later).unwrap();
    assert!(purged >= 1, "the idle session is purged");
    assert_eq!(rows(), 0);
}

#[tokio::test]
async fn a_clinic_admin_requires_a_second_factor_and_resets_a_lost_one() {
    let app = TestApp::spawn().await;
    let admin = app.login(ADMIN, PW).await;
    let (status, page) = app.get(&admin.client, "/admin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("name=\"second_factor_required\"") && page.contains("Failed sign-ins"));
    let (status, _, _) = app
        .send(
            &admin,
            "/admin/settings",
            &[
                ("second_factor_required", "on"),
                ("requires_patient_approval", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Lakeside's GP now sets one up at the next sign-in; its patients do not.
    let (_, to) = password_step(&app, GP, "Firefox/1").await;
    assert_eq!(to, "/account/second-factor");
    let (_, to) = password_step(&app, PATIENT_A, "Firefox/1").await;
    assert_eq!(to, "/");

    // Harbour's cardiologist lost her phone: her admin resets the second factor.
    let harbour = app.login(OTHER_ADMIN, PW).await;
    app.require_second_factor("Harbour Health Centre", true);
    let (farah, _, _) = enrol(&app).await;
    let farah_id = app.user_id(FARAH);
    let reset = format!("/admin/practitioners/{farah_id}/second-factor/reset");
    let (status, _, _) = app.send(&admin, &reset, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not another clinic's admin");
    let (status, _, _) = app.send(&harbour, &reset, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&farah, "/inbox").await.0,
        StatusCode::SEE_OTHER,
        "signed out"
    );
    let (_, to) = password_step(&app, FARAH, "Firefox/1").await;
    assert_eq!(
        to, "/account/second-factor",
        "a new one at the next sign-in"
    );
    let (status, _, _) = app.send(&harbour, &reset, &[]).await;
    assert_eq!(status, StatusCode::CONFLICT, "nothing left to reset");
}
