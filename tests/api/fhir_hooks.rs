//! FHIR Subscriptions: a record system is told of each change of its Tasks, at least once,
//! retried while its endpoint is down.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::builders::*;
use crate::helpers::*;

/// What the endpoint received: (method, path, authorization header, body).
type Seen = Arc<Mutex<Vec<(String, String, String, String)>>>;

/// A minimal HTTP endpoint on 127.0.0.1 answering every request with `status`.
async fn endpoint(status: Arc<AtomicU16>) -> (String, Seen) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let (log, status) = (log.clone(), status.clone());
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let (head, body) = loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let len = head
                            .lines()
                            .find_map(|l| {
                                l.to_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if body.len() >= len {
                            break (head.to_string(), body.to_string());
                        }
                    }
                };
                let mut first = head.lines().next().unwrap_or("").split(' ');
                let (method, path) = (
                    first.next().unwrap_or("").to_string(),
                    first.next().unwrap_or("").to_string(),
                );
                let auth = head
                    .lines()
                    .find_map(|l| {
                        l.strip_prefix("authorization: ")
                            .or_else(|| l.strip_prefix("Authorization: "))
                    })
                    .unwrap_or("")
                    .to_string();
                log.lock().unwrap().push((method, path, auth, body));
                let code = status.load(Ordering::SeqCst);
                let reply =
                    format!("HTTP/1.1 {code} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                let _ = sock.write_all(reply.as_bytes()).await;
            });
        }
    });
    (url, seen)
}

/// One run of the job, off the test's runtime (the endpoint answers on it meanwhile).
async fn run(app: &TestApp) -> handoff::services::fhir_hooks::Run {
    let clock: handoff::clock::SharedClock = Arc::new(app.clock.clone());
    let pool = app.svc.pool.clone();
    tokio::task::spawn_blocking(move || handoff::services::fhir_hooks::run(&pool, &clock).unwrap())
        .await
        .unwrap()
}

async fn subscribe(app: &TestApp, token: &str, body: &Value) -> (StatusCode, Value) {
    let r = app
        .client()
        .post(app.url("/fhir/r4/Subscription"))
        .bearer_auth(token)
        .header("content-type", "application/fhir+json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, serde_json::from_str(&r.text().await.unwrap()).unwrap())
}

#[tokio::test]
async fn a_subscriber_is_told_of_each_change_once_and_retried_while_down() {
    let app = TestApp::spawn_without_jobs().await;
    let gp = app.login(GP, PW).await;
    let rx = app.login(OTHER_CLINIC_DOC, PW).await;
    let before = app.referral().by(&gp).in_state(State::Sent).await.id;
    let answer = Arc::new(AtomicU16::new(503));
    let (url, seen) = endpoint(answer.clone()).await;
    let token = handoff::services::api_clients::create_cli(
        &app.svc,
        GP,
        "Hooks EHR",
        "user/*.rs user/*.cu user/Subscription.rd",
    )
    .unwrap()
    .1;
    let sub = |endpoint: &str, criteria: &str| {
        json!({ "resourceType": "Subscription", "status": "requested", "reason": "EHR sync",
            "criteria": criteria,
            "channel": { "type": "rest-hook", "endpoint": endpoint, "payload": "application/fhir+json",
                "header": ["Authorization: Bearer ehr-secret"] } })
    };
    // Refused: an endpoint off this machine over plain http; criteria that are not a Task search.
    for (e, c) in [
        ("http://ehr.example/hooks", "Task"),
        (url.as_str(), "Patient?name=x"),
    ] {
        let (status, b) = subscribe(&app, &token, &sub(e, c)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e} {c}: {b}");
    }
    let (status, s) = subscribe(&app, &token, &sub(&url, "Task")).await;
    assert_eq!(status, StatusCode::OK, "{s}");
    assert_eq!(s["status"], "active");
    let sub_id = s["id"].as_str().unwrap().to_string();

    // What changed before the subscription is not told.
    app.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(run(&app).await.queued, 0);
    // A change: one delivery, attempted while the endpoint answers 503, then retried.
    app.act(&rx, &before, "accept", &[]).await.ok("accept");
    let r = run(&app).await;
    assert_eq!((r.queued, r.delivered, r.failed_attempts), (1, 0, 1));
    assert_eq!(
        run(&app).await,
        Default::default(),
        "not due again before its back-off"
    );
    answer.store(200, Ordering::SeqCst);
    app.clock.advance(chrono::Duration::seconds(31));
    let r = run(&app).await;
    assert_eq!((r.queued, r.delivered), (0, 1));
    assert_eq!(
        run(&app).await,
        Default::default(),
        "delivered once: nothing more"
    );
    let got = seen.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "one failed attempt and one delivery: {got:?}");
    let (method, path, auth, body) = &got[1];
    assert_eq!(
        (method.as_str(), path.as_str()),
        ("PUT", format!("/hooks/Task/{before}").as_str())
    );
    assert_eq!(auth, "Bearer ehr-secret", "the subscriber's own header");
    let task: Value = serde_json::from_str(body).unwrap();
    assert_eq!(task["status"], "accepted");
    let version: i64 = {
        use diesel::prelude::*;
        handoff::db::schema::referrals::table
            .find(&before)
            .select(handoff::db::schema::referrals::version)
            .first(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(
        task["meta"]["versionId"],
        version.to_string(),
        "the version to de-duplicate on"
    );
    assert!(
        task.get("for").is_none() && task.get("input").is_none(),
        "no clinical content"
    );

    // Two more changes, each seen by a run: two deliveries; a referral of someone else: none.
    app.clock.advance(chrono::Duration::seconds(1));
    let another = app.referral().by(&gp).in_state(State::Sent).await.id;
    assert_eq!(run(&app).await.delivered, 1);
    app.clock.advance(chrono::Duration::seconds(1));
    app.act(&gp, &another, "cancel", &[("note", "Seen elsewhere")])
        .await
        .ok("cancel");
    assert_eq!(run(&app).await.delivered, 1);
    app.referral()
        .by(&rx)
        .patient("Diya Menon")
        .to("ananya.bose@northgate.example")
        .in_state(State::AwaitingPatient)
        .await;
    assert_eq!(
        run(&app).await.queued,
        0,
        "not the subscriber's practitioner's referral"
    );
    assert_eq!(seen.lock().unwrap().len(), 4);

    // Switched off: no more deliveries.
    let r = app
        .client()
        .delete(app.url(&format!("/fhir/r4/Subscription/{sub_id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    app.clock.advance(chrono::Duration::seconds(1));
    app.act(
        &rx,
        &before,
        "complete",
        &[("summary", "Fine"), ("advice", "Rest")],
    )
    .await;
    assert_eq!(run(&app).await, Default::default());
}

#[tokio::test]
async fn a_deactivated_practitioners_subscription_falls_silent_until_they_return() {
    let app = TestApp::spawn_without_jobs().await;
    let gp = app.login(GP, PW).await;
    let (url, _seen) = endpoint(Arc::new(AtomicU16::new(200))).await;
    let token = handoff::services::api_clients::create_cli(
        &app.svc,
        GP,
        "Hooks EHR",
        "user/*.rs user/*.cu user/Subscription.rd",
    )
    .unwrap()
    .1;
    let body = json!({ "resourceType": "Subscription", "status": "requested", "reason": "EHR sync",
        "criteria": "Task", "channel": { "type": "rest-hook", "endpoint": url,
            "payload": "application/fhir+json" } });
    let (status, b) = subscribe(&app, &token, &body).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    app.clock.advance(chrono::Duration::seconds(1));
    app.referral().by(&gp).in_state(State::Sent).await;
    let active = |on: bool| {
        use diesel::prelude::*;
        use handoff::db::schema::users;
        diesel::update(users::table.filter(users::id.eq(app.user_id(GP))))
            .set(users::active.eq(on))
            .execute(&mut *app.conn())
            .unwrap();
    };
    active(false);
    assert_eq!(
        run(&app).await.queued,
        0,
        "nothing told for a deactivated account"
    );
    active(true);
    assert_eq!(run(&app).await.queued, 1, "the change waited for them");
}
