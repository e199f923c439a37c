//! The FHIR R4 API and export: API clients and their tokens, read, search and paging, and
//! that a resource holds exactly what the party's referral page shows.

use reqwest::StatusCode;
use serde_json::Value;

use crate::builders::*;
use crate::helpers::*;
use crate::privacy::shared_referral;

/// A token for a client acting for the practitioner `email`.
fn token(app: &TestApp, email: &str, scopes: &str) -> String {
    handoff::services::api_clients::create_cli(&app.svc, email, "Test EHR", scopes)
        .unwrap()
        .1
}

/// GET with a bearer token: (status, JSON body).
async fn api(app: &TestApp, token: Option<&str>, path: &str) -> (StatusCode, Value) {
    let mut r = app.client().get(app.url(path));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r.send().await.unwrap();
    let status = r.status();
    let kind = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(kind.starts_with("application/fhir+json"), "{path}: {kind}");
    (
        status,
        serde_json::from_str(&r.text().await.unwrap()).unwrap(),
    )
}

/// The resources of a Bundle.
fn entries(b: &Value) -> Vec<Value> {
    b["entry"]
        .as_array()
        .map(|es| es.iter().map(|e| e["resource"].clone()).collect())
        .unwrap_or_default()
}

fn of_type(b: &Value, t: &str) -> Vec<Value> {
    entries(b)
        .into_iter()
        .filter(|r| r["resourceType"] == t)
        .collect()
}

fn ids(b: &Value) -> Vec<String> {
    entries(b)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

fn next_link(b: &Value) -> Option<String> {
    b["link"].as_array().and_then(|ls| {
        ls.iter()
            .find(|l| l["relation"] == "next")
            .map(|l| l["url"].as_str().unwrap().to_string())
    })
}

/// The path of an absolute URL the server wrote (its public address is not the test's).
fn path_of(url: &str) -> String {
    let at = url.find("/fhir/r4/").expect("an API URL");
    url[at..].to_string()
}

fn issue(b: &Value) -> (String, String) {
    assert_eq!(b["resourceType"], "OperationOutcome", "{b}");
    (
        b["issue"][0]["code"].as_str().unwrap().to_string(),
        b["issue"][0]["diagnostics"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn an_admin_creates_a_client_sees_its_token_once_and_revokes_it() {
    let app = TestApp::spawn().await;
    let admin = app.login(ADMIN, PW).await;
    let gp_id = app.user_id(GP);
    // Nothing named, nothing granted: the form comes back with the errors beside the fields.
    let (status, body, _) = app
        .send(
            &admin,
            "/admin/api-clients",
            &[("name", " "), ("practitioner_id", &gp_id)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Name the record system"), "{body}");
    assert!(body.contains("Grant reading, writing or both"));
    // Another clinic's practitioner is not this admin's to grant.
    let (status, body, _) = app
        .send(
            &admin,
            "/admin/api-clients",
            &[
                ("name", "Lakeside EHR"),
                ("practitioner_id", &app.user_id(OTHER_CLINIC_DOC)),
                ("read", "on"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Lakeside EHR"), "what was typed is kept");
    let (status, page, _) = app
        .send(
            &admin,
            "/admin/api-clients",
            &[
                ("name", "Lakeside EHR"),
                ("practitioner_id", &gp_id),
                ("read", "on"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let token = page
        .split("<code id=\"api-token\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert!(token.starts_with("hnd_") && token.len() > 40, "{token}");
    let (status, bundle) = api(&app, Some(&token), "/fhir/r4/Task").await;
    assert_eq!(status, StatusCode::OK, "{bundle}");
    assert_eq!(bundle["type"], "searchset");
    // Shown once: the list names the client, its scopes and its last use, never the token.
    let (_, list) = app.get(&admin.client, "/admin/api-clients").await;
    assert!(!list.contains(&token));
    assert!(list.contains("Lakeside EHR") && list.contains("user/*.rs"));
    assert!(!list.contains("Never"), "the call was recorded as a use");
    // The stored value is a hash of it, not the token.
    let stored: i64 = {
        use diesel::prelude::*;
        handoff::db::schema::api_clients::table
            .filter(handoff::db::schema::api_clients::token_hash.eq(&token))
            .count()
            .get_result(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(stored, 0);
    // Another clinic's admin cannot revoke it; this one can, and the token stops at once.
    let client_id = list
        .split("action=\"/admin/api-clients/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let other = app.login(OTHER_ADMIN, PW).await;
    let (status, _, _) = app
        .send(
            &other,
            &format!("/admin/api-clients/{client_id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        api(&app, Some(&token), "/fhir/r4/Task").await.0,
        StatusCode::OK
    );
    let (status, _, _) = app
        .send(
            &admin,
            &format!("/admin/api-clients/{client_id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, body) = api(&app, Some(&token), "/fhir/r4/Task").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(issue(&body).0, "login");
    let (status, _, _) = app
        .send(
            &admin,
            &format!("/admin/api-clients/{client_id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "revoked once");
    assert_eq!(app.audit_count(Audit::action("api_client_created")), 1);
    assert_eq!(app.audit_count(Audit::action("api_client_revoked")), 1);
}

#[tokio::test]
async fn the_export_holds_what_each_partys_page_shows() {
    let app = TestApp::spawn().await;
    let (gp, rx) = (
        app.login(GP, PW).await,
        app.login(OTHER_CLINIC_DOC, PW).await,
    );
    let (id, _) = shared_referral(&app, &gp, &rx).await;
    let export = |s: &Session| {
        let (app, id) = (&app, id.clone());
        let c = s.client.clone();
        async move {
            let r = c
                .get(app.url(&format!("/referrals/{id}/fhir")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert!(
                r.headers()["content-disposition"]
                    .to_str()
                    .unwrap()
                    .starts_with("attachment")
            );
            serde_json::from_str::<Value>(&r.text().await.unwrap()).unwrap()
        }
    };
    let before = app.audit_count(Audit::action("snapshot_viewed").subject(&id));
    let b = export(&rx).await;
    assert_eq!(
        app.audit_count(Audit::action("snapshot_viewed").subject(&id)),
        before + 1,
        "the export is audited like the page"
    );
    assert_eq!(b["resourceType"], "Bundle");
    assert_eq!(b["type"], "collection");
    let task = &of_type(&b, "Task")[0];
    assert_eq!(task["id"], id.as_str());
    assert_eq!(task["status"], "requested", "sent again after the answer");
    assert_eq!(
        task["owner"]["reference"],
        format!("Practitioner/{}", app.user_id(OTHER_CLINIC_DOC))
    );
    let text = b.to_string();
    for secret in ["SECRET-MESSAGE", "SECRET-SNAPSHOT", "SECRET-ANSWER"] {
        assert!(
            text.contains(secret),
            "the receiver's export holds {secret}"
        );
    }
    assert_eq!(
        of_type(&b, "Communication").len(),
        2,
        "the ask and its answer"
    );
    assert_eq!(of_type(&b, "Consent")[0]["status"], "active");
    assert!(of_type(&b, "ServiceRequest")[0]["supportingInfo"].is_array());
    assert!(!of_type(&b, "Provenance").is_empty());
    let docs = of_type(&b, "DocumentReference");
    assert!(docs.iter().any(|d| d["id"] == format!("{id}-snapshot")));
    assert!(
        docs.iter()
            .any(|d| d["content"][0]["attachment"]["title"] == "ecg.pdf")
    );

    // The patient withdraws consent: the receiver's export loses what their page loses.
    let patient = app.login(PATIENT_A, PW).await;
    withdraw_first_consent(&app, &patient).await;
    let b = export(&rx).await;
    let text = b.to_string();
    for secret in [
        "SECRET-MESSAGE",
        "SECRET-SNAPSHOT",
        "SECRET-ANSWER",
        "ecg.pdf",
    ] {
        assert!(!text.contains(secret), "withdrawn: no {secret} in {text}");
    }
    assert_eq!(of_type(&b, "Consent")[0]["status"], "inactive");
    assert!(of_type(&b, "Task")[0].get("input").is_none());
    // The sender keeps everything; an unrelated colleague gets nothing.
    let b = export(&gp).await;
    assert!(b.to_string().contains("SECRET-SNAPSHOT"));
    let other = app.login(UNRELATED, PW).await;
    let (status, _) = app
        .get(&other.client, &format!("/referrals/{id}/fhir"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn tasks_and_requests_are_searched_and_paged_as_the_parameters_say() {
    let app = TestApp::spawn().await;
    let (gp, rx) = (
        app.login(GP, PW).await,
        app.login(OTHER_CLINIC_DOC, PW).await,
    );
    let gp_id = app.user_id(GP);
    let rx_id = app.user_id(OTHER_CLINIC_DOC);
    let sent: Vec<String> = {
        let mut v = Vec::new();
        for p in ["routine", "urgent", "routine"] {
            v.push(
                app.referral()
                    .by(&gp)
                    .priority(p)
                    .in_state(State::Sent)
                    .await
                    .id,
            );
        }
        v
    };
    let need_info = app
        .referral()
        .by(&gp)
        .receiver_session(&rx)
        .in_state(State::NeedInfo)
        .await;
    let draft = app.referral().by(&gp).in_state(State::Draft).await.id;
    let (gp_t, rx_t) = (
        token(&app, GP, "user/*.rs"),
        token(&app, OTHER_CLINIC_DOC, "user/*.rs"),
    );

    let search = |t: &str, q: &str| {
        let (app, t, q) = (&app, t.to_string(), q.to_string());
        async move {
            let (status, b) = api(app, Some(&t), &format!("/fhir/r4/{q}")).await;
            assert_eq!(status, StatusCode::OK, "{q}: {b}");
            let mut found = ids(&b);
            found.sort();
            found
        }
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    // The receiver never sees the draft; the sender does.
    assert_eq!(
        search(&rx_t, "Task?status=requested").await,
        sorted(sent.clone())
    );
    assert!(!search(&rx_t, "Task").await.contains(&draft));
    assert!(search(&gp_t, "Task").await.contains(&draft));
    assert_eq!(
        search(
            &gp_t,
            &format!("Task?owner=Practitioner/{rx_id}&status=requested")
        )
        .await,
        sorted(sent.clone())
    );
    // Whose turn: the need-info referral is the sender's to answer, the draft too.
    assert_eq!(
        search(&gp_t, &format!("Task?owner=Practitioner/{gp_id}")).await,
        sorted(vec![need_info.id.clone(), draft.clone()])
    );
    assert_eq!(
        search(&rx_t, "Task?status=received").await,
        vec![need_info.id.clone()]
    );
    assert_eq!(
        search(&rx_t, &format!("Task?focus=ServiceRequest/{}", sent[1])).await,
        vec![sent[1].clone()]
    );
    assert_eq!(
        search(
            &gp_t,
            &format!(
                "Task?requester=Practitioner/{gp_id}&patient=Patient/{}",
                need_info.patient_id
            )
        )
        .await
        .len(),
        5
    );
    assert!(
        search(&gp_t, "Task?_lastUpdated=gt2999-01-01")
            .await
            .is_empty()
    );
    assert_eq!(
        search(&gp_t, "Task?_lastUpdated=lt2999-01-01").await.len(),
        5
    );
    assert_eq!(
        search(
            &rx_t,
            &format!("ServiceRequest?performer=PractitionerRole/{rx_id}&priority=urgent")
        )
        .await,
        vec![sent[1].clone()]
    );
    assert_eq!(
        search(&gp_t, "ServiceRequest?status=draft").await,
        vec![draft.clone()]
    );

    // Pages of two: every match once, in order of the last change, newest first.
    let mut seen = Vec::new();
    let mut next = Some("/fhir/r4/Task?_count=2".to_string());
    let mut pages = 0;
    while let Some(path) = next {
        let (status, b) = api(&app, Some(&gp_t), &path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(ids(&b).len() <= 2);
        seen.extend(ids(&b));
        next = next_link(&b).map(|u| path_of(&u));
        pages += 1;
        assert!(pages < 10, "paging ends");
    }
    assert_eq!(pages, 3);
    assert_eq!(sorted(seen.clone()), search(&gp_t, "Task").await);

    // What the server cannot do is said, not silently ignored.
    for (q, says) in [
        ("Task?code=fulfill", "code"),
        ("Task?status=done", "done"),
        ("Task?_count=0", "_count"),
        ("ServiceRequest?priority=asap", "asap"),
        ("Observation?code=x", "Observation"),
    ] {
        let (status, b) = api(&app, Some(&gp_t), &format!("/fhir/r4/{q}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{q}");
        let (code, text) = issue(&b);
        assert_eq!(code, "invalid");
        assert!(text.contains(says), "{q}: {text}");
    }
}

#[tokio::test]
async fn tokens_and_scopes_decide_what_the_api_answers() {
    let app = TestApp::spawn().await;
    let (gp, rx) = (
        app.login(GP, PW).await,
        app.login(OTHER_CLINIC_DOC, PW).await,
    );
    let (id, _) = shared_referral(&app, &gp, &rx).await;
    let gp_t = token(&app, GP, "user/*.rs");
    let task_only = token(&app, GP, "user/Task.r");
    let unrelated = token(&app, UNRELATED, "user/*.rs");
    let task = format!("/fhir/r4/Task/{id}");

    // The capability statement is open and tells what is served.
    let (status, meta) = api(&app, None, "/fhir/r4/metadata").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(meta["fhirVersion"], "4.0.1");
    let served: Vec<&str> = meta["rest"][0]["resource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert!(served.contains(&"Task") && served.contains(&"Consent"));

    for (who, t, want) in [
        ("no token", None, StatusCode::UNAUTHORIZED),
        (
            "a made-up token",
            Some("hnd_madeup"),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "not a client's token at all",
            Some("Basic abc"),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "an unrelated colleague",
            Some(unrelated.as_str()),
            StatusCode::NOT_FOUND,
        ),
        ("the sender", Some(gp_t.as_str()), StatusCode::OK),
        (
            "a Task-only client",
            Some(task_only.as_str()),
            StatusCode::OK,
        ),
    ] {
        let (status, b) = api(&app, t, &task).await;
        assert_eq!(status, want, "{who}: {b}");
    }
    let (status, b) = api(
        &app,
        Some(&task_only),
        &format!("/fhir/r4/ServiceRequest/{id}"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not in its scopes");
    assert_eq!(issue(&b).0, "forbidden");
    let (status, _) = api(&app, Some(&task_only), "/fhir/r4/Task").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "read is not search");

    // Every reference the export makes reads back by id, the same resource.
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}/fhir")).await;
    let bundle: Value = serde_json::from_str(&page).unwrap();
    for e in entries(&bundle) {
        let t = e["resourceType"].as_str().unwrap();
        let path = format!("/fhir/r4/{t}/{}", e["id"].as_str().unwrap());
        let (status, got) = api(&app, Some(&gp_t), &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {got}");
        assert_eq!(got, e, "{path} reads back as exported");
    }
    // Each read is audited as the practitioner, with the client named.
    let named: i64 = {
        use diesel::prelude::*;
        use handoff::db::schema::audit_events as a;
        a::table
            .filter(a::subject_id.eq(&id))
            .filter(a::user_agent.like("API client \"Test EHR\"%"))
            .filter(a::actor_id.eq(app.user_id(GP)))
            .count()
            .get_result(&mut *app.conn())
            .unwrap()
    };
    assert!(named >= 2, "{named} audit rows name the client");

    // A deactivated practitioner's clients stop with their account.
    let admin = app.login(ADMIN, PW).await;
    let (_, form) = app
        .get(
            &admin.client,
            &format!("/admin/practitioners/{}", app.user_id(UNRELATED)),
        )
        .await;
    let field = |name: &str| {
        form.split(&format!("name=\"{name}\""))
            .nth(1)
            .and_then(|s| s.split("value=\"").nth(1))
            .map(|s| s.split('"').next().unwrap().to_string())
            .unwrap_or_default()
    };
    let fields: Vec<(&str, String)> = [
        "display_name",
        "email",
        "title",
        "specialty",
        "city",
        "languages",
    ]
    .into_iter()
    .map(|n| (n, field(n)))
    .collect();
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body, _) = app
        .send(
            &admin,
            &format!("/admin/practitioners/{}", app.user_id(UNRELATED)),
            &form,
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (status, _) = api(&app, Some(&unrelated), "/fhir/r4/Task").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
