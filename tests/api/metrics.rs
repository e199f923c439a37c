//! What an operator watches: `/metrics` (served only when configured, behind its token or
//! on its own address; requests counted by route pattern, never by path; the pool, the
//! outbox, the job queue and the audit writer), request ids, and JSON logs of a whole
//! workflow that name no patient, address or link token.

use reqwest::StatusCode;

use crate::builders::*;
use crate::external::{dr_rao, link_token_in, text_of};
use crate::failure::{Server, sign_in};
use crate::helpers::*;

const TOKEN: &str = "metrics-token-for-tests-0123456789abcdef";

async fn with_token() -> TestApp {
    TestApp::spawn_with(|s| s.metrics_token = Some(TOKEN.into())).await
}

/// A scrape with the token: (status, body).
async fn scrape(base: &str, token: Option<&str>) -> (StatusCode, String) {
    let mut r = reqwest::Client::new().get(format!("{base}/metrics"));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r.send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

/// The value of the sample `series` (name and labels, as written) in a scrape.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn metrics_answer_404_unless_configured_and_401_without_the_token() {
    let plain = TestApp::spawn().await;
    assert_eq!(scrape(&plain.base, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        scrape(&plain.base, Some(TOKEN)).await.0,
        StatusCode::NOT_FOUND,
        "no token configured: no token opens it"
    );

    let app = with_token().await;
    let gp = app.login(GP, PW).await;
    let before = app.audit_count(Audit::all());
    let r = reqwest::Client::new()
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["www-authenticate"], "Bearer");
    for wrong in [
        "wrong",
        "",
        &TOKEN[..TOKEN.len() - 1],
        &format!("{TOKEN}x"),
        &TOKEN.to_uppercase(),
    ] {
        assert_eq!(
            scrape(&app.base, Some(wrong)).await.0,
            StatusCode::UNAUTHORIZED,
            "{wrong:?}"
        );
    }
    // A signed-in session is no way in either.
    assert_eq!(
        app.get(&gp.client, "/metrics").await.0,
        StatusCode::UNAUTHORIZED
    );

    let r = reqwest::Client::new()
        .get(app.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    assert!(
        r.headers().get("set-cookie").is_none(),
        "a scrape starts no session"
    );
    let text = r.text().await.unwrap();
    assert!(text.contains("# TYPE handoff_http_requests_total counter"));
    assert_eq!(
        app.audit_count(Audit::all()),
        before,
        "a scrape is not audited"
    );
}

#[tokio::test]
async fn requests_are_counted_by_route_pattern_and_the_audit_writer_by_batch() {
    let app = with_token().await;
    let gp = app.login(GP, PW).await;
    let made = app.referral().by(&gp).in_state(State::Sent).await;
    for _ in 0..3 {
        let (status, _) = app
            .get(&gp.client, &format!("/referrals/{}", made.id))
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let stray = uuid::Uuid::now_v7().to_string();
    let (status, _) = app.get(&gp.client, &format!("/nothing/{stray}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, text) = scrape(&app.base, Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    let views = sample(
        &text,
        "handoff_http_requests_total{route=\"/referrals/{id}\",method=\"GET\",status=\"200\"}",
    );
    assert!(views.is_some_and(|n| n >= 3.0), "{text}");
    assert_eq!(
        sample(
            &text,
            "handoff_http_request_duration_seconds_count{route=\"/referrals/{id}\",method=\"GET\"}"
        ),
        views,
        "one latency observation per request"
    );
    assert!(
        sample(
            &text,
            "handoff_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"}"
        )
        .is_some(),
        "{text}"
    );
    assert!(
        sample(
            &text,
            "handoff_http_requests_total{route=\"/login\",method=\"POST\",status=\"303\"}"
        )
        .is_some()
    );
    for secret in [made.id.as_str(), made.patient_id.as_str(), stray.as_str()] {
        assert!(!text.contains(secret), "an id in the metrics: {secret}");
    }
    // Every page view of the referral was audited through the group-commit writer.
    let batches = sample(&text, "handoff_audit_writer_batch_size_count").unwrap();
    let rows = sample(&text, "handoff_audit_writer_batch_size_sum").unwrap();
    assert!(
        batches >= 1.0 && rows >= 3.0,
        "{batches} batches, {rows} rows"
    );
    assert!(rows >= batches);
    assert_eq!(sample(&text, "handoff_db_pool_max_connections"), Some(8.0));
    for gauge in [
        "handoff_db_pool_connections",
        "handoff_db_pool_idle",
        "handoff_db_pool_in_use",
        "handoff_db_pool_waiting",
        "handoff_outbox_depth",
        "handoff_job_queue_depth",
    ] {
        assert!(sample(&text, gauge).is_some(), "{gauge} missing:\n{text}");
        assert!(text.contains(&format!("# TYPE {gauge} gauge\n")));
    }
    assert_eq!(sample(&text, "handoff_db_up"), Some(1.0));
}

#[tokio::test]
async fn every_response_carries_a_request_id_taking_a_well_formed_one_from_the_balancer() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let id_of = |r: &reqwest::Response| r.headers()["x-request-id"].to_str().unwrap().to_string();
    let a = id_of(&app.get_raw(&c, "/login").await);
    let b = id_of(&app.get_raw(&c, "/no-such-page").await);
    assert!(
        a.len() == 32 && a.bytes().all(|x| x.is_ascii_hexdigit()),
        "{a}"
    );
    assert_ne!(a, b, "each request its own id");
    let with = |v: &'static str| c.get(app.url("/healthz")).header("x-request-id", v);
    let r = with("lb-7f3a9c-0001").send().await.unwrap();
    assert_eq!(id_of(&r), "lb-7f3a9c-0001", "the balancer's id is kept");
    let r = with("two words").send().await.unwrap();
    let replaced = id_of(&r);
    assert!(
        replaced != "two words" && replaced.len() == 32,
        "{replaced}"
    );
}

#[tokio::test]
async fn the_outbox_and_job_queue_depths_are_read_at_scrape_time() {
    let app = TestApp::spawn_without_jobs_with(|s| {
        crate::external::mail_settings(s, None);
        s.metrics_token = Some(TOKEN.into());
    })
    .await;
    let gauges = || async {
        let text = scrape(&app.base, Some(TOKEN)).await.1;
        (
            sample(&text, "handoff_outbox_depth").unwrap(),
            sample(&text, "handoff_job_queue_depth").unwrap(),
        )
    };
    assert_eq!(gauges().await, (0.0, 0.0));
    let gp = app.login(GP, PW).await;
    crate::external::refer_outside(&app, &gp).await;
    let queued = {
        use diesel::prelude::*;
        use handoff::db::schema::outbox;
        outbox::table
            .filter(outbox::status.eq("queued"))
            .count()
            .get_result::<i64>(&mut *app.conn())
            .unwrap()
    };
    assert!(queued >= 1, "the letter waits in the outbox");
    // The jobs of an instance that has not run them yet: every one is due but the audit
    // checkpoint, whose first run waits one interval.
    use handoff::services::jobs;
    let specs = jobs::specs(std::time::Duration::from_secs(2), &app.svc.anchor);
    jobs::ensure(&app.svc.pool, &specs, app.clock_now()).unwrap();
    let due_now = specs
        .iter()
        .filter(|s| s.first_run_after == chrono::Duration::zero())
        .count();
    assert_eq!(due_now, specs.len() - 1);
    assert_eq!(gauges().await, (queued as f64, due_now as f64));

    let ran = jobs::run_due(&jobs::Env::of(&app.svc), "t", &specs).unwrap();
    assert_eq!(ran.len(), due_now);
    assert_eq!(gauges().await, (0.0, 0.0), "sent, and nothing due");
}

#[tokio::test]
async fn the_pool_gauges_show_connections_in_use_and_callers_waiting() {
    let app = TestApp::spawn_without_jobs_with(|s| {
        s.metrics_token = Some(TOKEN.into());
        s.db_pool_size = Some(2);
    })
    .await;
    let pool = app.svc.pool.clone();
    let held = (pool.get().unwrap(), pool.get().unwrap());
    let waiter = {
        let pool = pool.clone();
        std::thread::spawn(move || pool.get().is_ok())
    };
    let waiting = |n: usize| {
        let pool = pool.clone();
        async move {
            for _ in 0..100 {
                if pool.stats().waiting >= n {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            panic!("never {n} waiting: {:?}", pool.stats());
        }
    };
    waiting(1).await;
    let base = app.base.clone();
    let scraping = tokio::spawn(async move { scrape(&base, Some(TOKEN)).await });
    // The scrape reads the pool before it waits for a connection of its own.
    waiting(2).await;
    drop(held);
    let (status, text) = scraping.await.unwrap();
    assert_eq!(status, StatusCode::OK);
    assert!(waiter.join().unwrap());
    assert_eq!(sample(&text, "handoff_db_pool_max_connections"), Some(2.0));
    assert_eq!(sample(&text, "handoff_db_pool_in_use"), Some(2.0), "{text}");
    assert_eq!(sample(&text, "handoff_db_pool_idle"), Some(0.0));
    assert_eq!(sample(&text, "handoff_db_pool_waiting"), Some(1.0));
    assert_eq!(pool.stats().waiting, 0);
}

#[tokio::test]
async fn metrics_on_their_own_address_need_no_token_and_leave_the_main_listener() {
    let app = TestApp::spawn_with(|s| {
        s.metrics_addr = Some("127.0.0.1:0".into());
        s.metrics_token = Some(TOKEN.into());
    })
    .await;
    let own = app.metrics_base.clone().unwrap();
    assert_ne!(own, app.base);
    assert_eq!(
        scrape(&app.base, Some(TOKEN)).await.0,
        StatusCode::NOT_FOUND,
        "not on the main listener, token or not"
    );
    let (status, text) = scrape(&own, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("handoff_db_pool_connections "));
    let r = reqwest::get(format!("{own}/login")).await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "no pages on the metrics address"
    );
}

/// A patient without a portal account, registered by the GP in the log test.
const ZUBIN: (&str, &str, &str) = ("Zubin", "Contractor", "zubin.contractor@patients.example");

#[tokio::test]
async fn json_logs_of_a_whole_workflow_carry_request_ids_and_no_patient_or_token() {
    let dir = std::env::temp_dir().join(format!("handoff-logs-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let pg = pg_admin_url().map(|u| fresh_pg_database(&u));
    let db = pg.as_ref().map(|(u, _)| u.as_str());
    // The letter reaches the outside doctor; the mail to the patient is refused for good,
    // so the worker logs a failure about her.
    let sink = SmtpSink::started();
    sink.refuse(ZUBIN.2);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log_path = dir.join("handoff.log");
    let log_file = std::fs::File::create(&log_path).unwrap();
    let server = Server::start_with(&dir.join("data"), db, port, |cmd| {
        cmd.env("HANDOFF_LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .env("HANDOFF_SMTP_HOST", "127.0.0.1")
            .env("HANDOFF_SMTP_PORT", sink.port.to_string())
            .env("HANDOFF_SMTP_TLS", "none")
            .env("HANDOFF_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
            .env("HANDOFF_METRICS_TOKEN", TOKEN)
            .env_remove("HANDOFF_METRICS_ADDR")
            .stderr(log_file);
    })
    .await;
    let base = server.base.clone();

    // A mistyped sign-in with the patient's address, then the GP.
    let browser = || {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    };
    let stranger = browser();
    let login = stranger.get(format!("{base}/login")).send().await.unwrap();
    let page = login.text().await.unwrap();
    let refused = stranger
        .post(format!("{base}/login"))
        .form(&[
            ("csrf_token", csrf_of(&page).as_str()),
            ("email", ZUBIN.2),
            ("password", "not her password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let (gp, csrf) = sign_in(&base, GP).await;
    let post = |path: String, fields: Vec<(String, String)>| {
        let (gp, csrf) = (gp.clone(), csrf.clone());
        async move {
            let mut f = vec![("csrf_token".to_string(), csrf)];
            f.extend(fields);
            let r = gp.post(path).form(&f).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            r.headers()["location"].to_str().unwrap().to_string()
        }
    };
    let pid = post(
        format!("{base}/patients"),
        [
            ("given_name", ZUBIN.0),
            ("family_name", ZUBIN.1),
            ("date_of_birth", "1979-05-06"),
            ("sex", "male"),
            ("mrn", "LK-LOG-1"),
            ("email", ZUBIN.2),
            ("language", ""),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .to_vec(),
    )
    .await
    .trim_start_matches("/patients/")
    .to_string();
    let form = ComposeForm {
        outside: Some(dr_rao()),
        reason: format!("Chest pain, {} {}", ZUBIN.0, ZUBIN.1),
        ..ComposeForm::default()
    };
    let referral = post(
        format!("{base}/patients/{pid}/referrals"),
        form.fields("send"),
    )
    .await;
    let r = gp.get(format!("{base}{referral}")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains(ZUBIN.1));

    // The outside doctor opens the link from the letter, reads it and accepts.
    let letter = eventually("the letter", || {
        sink.messages()
            .into_iter()
            .find(|m| text_of(m).0 == dr_rao().email)
    })
    .await;
    let token = link_token_in(&text_of(&letter).2);
    let doctor = browser();
    let page = doctor
        .get(format!("{base}/l/{token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(ZUBIN.1), "the link page names the patient");
    let pdf = doctor
        .get(format!("{base}/l/{token}/letter.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    let action = format!("/l/{token}/accept");
    let accepted = doctor
        .post(format!("{base}{action}"))
        .form(&[
            ("csrf_token", csrf_of(&page)),
            ("version", version_in(&page, &action)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);

    // A balancer's request id, and a scrape.
    let r = reqwest::Client::new()
        .get(format!("{base}/healthz"))
        .header("x-request-id", "lb-log-test-0001")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "lb-log-test-0001");
    assert_eq!(scrape(&base, Some(TOKEN)).await.0, StatusCode::OK);

    // The accepted referral is written to the patient, whose server refuses it.
    let log = || std::fs::read_to_string(&log_path).unwrap();
    eventually("the refused mail in the log", || {
        log().contains("refused for good").then_some(())
    })
    .await;
    assert!(sink.tries_for(ZUBIN.2) >= 1);
    drop(server);

    let log = log();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(lines.len() >= 15, "{log}");
    for l in &lines {
        for key in ["ts", "level", "target", "msg"] {
            assert!(l[key].is_string(), "{key} missing: {l}");
        }
    }
    let access: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["target"] == handoff::logging::ACCESS)
        .collect();
    assert!(access.len() >= 10, "{log}");
    for a in &access {
        let id = a["request_id"].as_str().unwrap_or_default();
        assert!(handoff::logging::valid_request_id(id), "{a}");
        assert!(a["status"].is_u64() && a["duration_ms"].is_number(), "{a}");
        assert!(["GET", "HEAD", "POST"].contains(&a["method"].as_str().unwrap()));
    }
    let routes: Vec<&str> = access.iter().filter_map(|a| a["route"].as_str()).collect();
    for want in [
        "/l/{token}",
        "/l/{token}/letter.pdf",
        "/l/{token}/accept",
        "/referrals/{id}",
    ] {
        assert!(
            routes.contains(&want),
            "no access line for {want}: {routes:?}"
        );
    }
    assert!(
        access
            .iter()
            .any(|a| a["request_id"] == "lb-log-test-0001" && a["route"] == "/healthz"),
        "the balancer's id is the one logged"
    );
    for secret in [ZUBIN.0, ZUBIN.1, ZUBIN.2, &token, &token[..16], &pid] {
        assert!(
            !log.to_lowercase().contains(&secret.to_lowercase()),
            "{secret} is in the log:\n{log}"
        );
    }
    // The failure about her is there, saying what failed without saying whom.
    let refused = lines
        .iter()
        .find(|l| l["msg"].as_str().unwrap().contains("refused for good"))
        .unwrap();
    assert_eq!(refused["level"], "warn");
    assert!(
        refused["msg"].as_str().unwrap().contains("patient_link"),
        "{refused}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    if let (Some(admin), Some((_, name))) = (pg_admin_url(), &pg) {
        use diesel::prelude::*;
        if let Ok(mut c) = diesel::PgConnection::establish(&admin) {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut c);
        }
    }
}
