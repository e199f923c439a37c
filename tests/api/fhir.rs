//! The FHIR R4 API and export: API clients and their tokens, read, search and paging, and
//! that a resource holds exactly what the party's referral page shows.

use reqwest::StatusCode;
use serde_json::{Value, json};

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
pub(crate) async fn api(app: &TestApp, token: Option<&str>, path: &str) -> (StatusCode, Value) {
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

pub(crate) fn ids(b: &Value) -> Vec<String> {
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

/// Every resource a search finds is the one its read returns (the search reads a page in
/// one go; a read goes through the referral page's loader): returns how many were compared.
async fn search_equals_read(app: &TestApp, token: &str, query: &str) -> usize {
    let (status, b) = api(app, Some(token), &format!("/fhir/r4/{query}")).await;
    assert_eq!(status, StatusCode::OK, "{query}: {b}");
    let found = entries(&b);
    for r in &found {
        let path = format!(
            "/fhir/r4/{}/{}",
            r["resourceType"].as_str().unwrap(),
            r["id"].as_str().unwrap()
        );
        let (_, read) = api(app, Some(token), &path).await;
        assert_eq!(&read, r, "{query}: {path} searched and read differ");
    }
    found.len()
}

pub(crate) fn issue(b: &Value) -> (String, String) {
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
    // The file itself travels as a Binary the DocumentReference points to.
    let ecg = of_type(&b, "Binary")
        .into_iter()
        .find(|x| {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(x["data"].as_str().unwrap())
                .unwrap();
            String::from_utf8_lossy(&bytes).contains("SECRET ECG")
        })
        .expect("the answer file as a Binary");
    let binary = format!("Binary/{}", ecg["id"].as_str().unwrap());
    assert!(
        docs.iter()
            .any(|d| d["content"][0]["attachment"]["url"] == binary.as_str())
    );

    // Searched or read, the receiver's Task is the same: the snapshot and the message in it.
    let rx_t = token(&app, OTHER_CLINIC_DOC, "user/*.rs");
    let gp_t = token(&app, GP, "user/*.rs");
    let (_, found) = api(&app, Some(&rx_t), &format!("/fhir/r4/Task?_id={id}")).await;
    assert!(found.to_string().contains("SECRET-SNAPSHOT"));
    assert_eq!(
        search_equals_read(&app, &rx_t, &format!("Task?_id={id}")).await,
        1
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
    assert!(
        of_type(&b, "Binary").is_empty(),
        "no file content leaves without consent"
    );
    assert!(of_type(&b, "Task")[0].get("input").is_none());
    let (_, found) = api(&app, Some(&rx_t), &format!("/fhir/r4/Task?_id={id}")).await;
    assert!(
        !found.to_string().contains("SECRET"),
        "nor in a search: {found}"
    );
    for q in [format!("Task?_id={id}"), format!("ServiceRequest?_id={id}")] {
        assert_eq!(search_equals_read(&app, &rx_t, &q).await, 1);
        assert_eq!(search_equals_read(&app, &gp_t, &q).await, 1);
    }
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

    // A search finds what a read returns, for either party, in every state here.
    for t in [&gp_t, &rx_t] {
        assert!(search_equals_read(&app, t, "Task?_count=100").await >= 4);
        assert!(search_equals_read(&app, t, "ServiceRequest?_count=100").await >= 4);
    }
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

/// A referral transaction from the GP's record system to the Harbour cardiologist.
pub(crate) fn referral_bundle(app: &TestApp, patient: Value, consent: bool) -> Value {
    let rx = app.user_id(OTHER_CLINIC_DOC);
    let gp = app.user_id(GP);
    let mut entries = vec![
        serde_json::json!({ "fullUrl": "urn:uuid:sr", "request": { "method": "POST", "url": "ServiceRequest" },
          "resource": { "resourceType": "ServiceRequest", "status": "active", "intent": "order",
            "priority": "urgent", "subject": { "reference": "urn:uuid:pt" },
            "requester": { "reference": format!("Practitioner/{gp}") },
            "performer": [{ "reference": format!("PractitionerRole/{rx}") }],
            "reasonCode": [{ "text": "Palpitations on exertion" }],
            "note": [{ "text": "Sent from the EHR" }] } }),
        serde_json::json!({ "fullUrl": "urn:uuid:task", "request": { "method": "POST", "url": "Task" },
          "resource": { "resourceType": "Task", "status": "requested", "intent": "order",
            "focus": { "reference": "urn:uuid:sr" },
            "input": [{ "type": { "coding": [{ "system": "https://any/CodeSystem/snapshot-section", "code": "complaint" }] },
              "valueString": "EHR-SNAPSHOT racing heart for two weeks" }] } }),
    ];
    if patient["resourceType"] == "Patient" {
        entries.insert(
            0,
            serde_json::json!({ "fullUrl": "urn:uuid:pt", "request": { "method": "POST", "url": "Patient" }, "resource": patient }),
        );
    } else {
        entries[0]["resource"]["subject"] = patient;
    }
    if consent {
        entries.push(serde_json::json!({ "fullUrl": "urn:uuid:k", "request": { "method": "POST", "url": "Consent" },
          "resource": { "resourceType": "Consent", "status": "active",
            "provision": { "actor": [{ "reference": { "reference": format!("Practitioner/{rx}") } }] } } }));
    }
    serde_json::json!({ "resourceType": "Bundle", "type": "transaction", "entry": entries })
}

pub(crate) async fn post_json(
    app: &TestApp,
    token: &str,
    path: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let r = app
        .client()
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/fhir+json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, serde_json::from_str(&r.text().await.unwrap()).unwrap())
}

pub(crate) async fn put_task(
    app: &TestApp,
    token: &str,
    id: &str,
    version: &str,
    body: &Value,
    patch: bool,
) -> (StatusCode, Value) {
    let url = app.url(&format!("/fhir/r4/Task/{id}"));
    let c = app.client();
    let r = if patch { c.patch(url) } else { c.put(url) };
    let r = r
        .bearer_auth(token)
        .header("if-match", format!("W/\"{version}\""))
        .header(
            "content-type",
            if patch {
                "application/json-patch+json"
            } else {
                "application/fhir+json"
            },
        )
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, serde_json::from_str(&r.text().await.unwrap()).unwrap())
}

pub(crate) fn referral_count(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    handoff::db::schema::referrals::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

fn patient_count(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    handoff::db::schema::patients::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

#[tokio::test]
async fn a_record_system_refers_a_patient_with_a_transaction() {
    let app = TestApp::spawn().await;
    let write = token(&app, GP, "user/*.rs user/*.cu");
    let read_only = token(&app, GP, "user/*.rs");
    let new_patient = serde_json::json!({ "resourceType": "Patient",
        "identifier": [{ "system": "urn:lakeside:mrn", "value": "EHR-7781" }],
        "name": [{ "family": "Iyer", "given": ["Kavya"] }], "gender": "female", "birthDate": "1984-05-06" });
    let (referrals, patients) = (referral_count(&app), patient_count(&app));

    // Refused, and nothing written: no consent; an unknown receiver; not a transaction;
    // a client that may only read.
    let (status, b) = post_json(
        &app,
        &write,
        "/fhir/r4",
        &referral_bundle(&app, new_patient.clone(), false),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(issue(&b).1.contains("No consent, no send"), "{b}");
    let mut unknown = referral_bundle(&app, new_patient.clone(), true);
    unknown["entry"][1]["resource"]["performer"][0]["reference"] = "PractitionerRole/nobody".into();
    let (status, b) = post_json(&app, &write, "/fhir/r4", &unknown).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(issue(&b).1.contains("no practitioner"), "{b}");
    let (status, b) = post_json(
        &app,
        &write,
        "/fhir/r4",
        &serde_json::json!({ "resourceType": "Bundle", "type": "batch" }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(issue(&b).0, "invalid");
    let (status, _) = post_json(
        &app,
        &read_only,
        "/fhir/r4",
        &referral_bundle(&app, new_patient.clone(), true),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        (referral_count(&app), patient_count(&app)),
        (referrals, patients),
        "nothing half-written"
    );

    // A file that is not one of the accepted types: refused, nothing written.
    let with_file = |data: &str| {
        use base64::Engine;
        let mut b = referral_bundle(&app, new_patient.clone(), true);
        b["entry"].as_array_mut().unwrap().push(serde_json::json!({
            "fullUrl": "urn:uuid:doc", "request": { "method": "POST", "url": "DocumentReference" },
            "resource": { "resourceType": "DocumentReference", "status": "current",
                "content": [{ "attachment": { "contentType": "application/pdf", "title": "ehr-ecg.pdf",
                    "data": base64::engine::general_purpose::STANDARD.encode(data) } }] } }));
        b
    };
    let (status, b) = post_json(
        &app,
        &write,
        "/fhir/r4",
        &with_file("MZ\u{0}\u{0}not a pdf"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(issue(&b).1.contains("not accepted"), "{b}");
    assert_eq!(
        (referral_count(&app), patient_count(&app)),
        (referrals, patients)
    );
    // With consent (and a file): the patient is registered, the referral sent, the file in
    // its snapshot, and it is in the inbox.
    let (status, b) = post_json(
        &app,
        &write,
        "/fhir/r4",
        &with_file("%PDF-1.4\n% EHR FILE\n%%EOF\n"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(b["type"], "transaction-response");
    let statuses: Vec<&str> = b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["response"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["201 Created"; 5]);
    let location = b["entry"][2]["response"]["location"].as_str().unwrap();
    let id = location
        .trim_start_matches("Task/")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(patient_count(&app), patients + 1);
    assert_eq!(status_of(&app, &id), "sent");
    let rx = app.login(OTHER_CLINIC_DOC, PW).await;
    let (_, inbox) = app.get(&rx.client, "/inbox").await;
    assert!(
        inbox.contains(&id) && inbox.contains("Kavya Iyer"),
        "in the receiver's inbox"
    );
    let (_, page) = app.get(&rx.client, &format!("/referrals/{id}")).await;
    assert!(
        page.contains("EHR-SNAPSHOT racing heart"),
        "the snapshot arrived"
    );
    assert!(page.contains("Palpitations on exertion"));
    assert!(
        page.contains("ehr-ecg.pdf"),
        "the file is shared in the snapshot"
    );

    // The same identifier again matches the patient (200), and the open referral to the
    // same receiver is a repeat: refused until a reason is given.
    let (status, b) = post_json(
        &app,
        &write,
        "/fhir/r4",
        &referral_bundle(&app, new_patient.clone(), true),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{b}");
    assert!(issue(&b).1.contains(&id), "names the open referral: {b}");
    let mut again = referral_bundle(&app, new_patient.clone(), true);
    again["entry"][2]["resource"]["input"].as_array_mut().unwrap().push(serde_json::json!({
        "type": { "coding": [{ "system": "https://any/CodeSystem/task-input", "code": "duplicate-reason" }] },
        "valueString": "Second opinion requested by the patient" }));
    let (status, b) = post_json(&app, &write, "/fhir/r4", &again).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(
        b["entry"][0]["response"]["status"], "200 OK",
        "matched, not registered twice"
    );
    assert_eq!(patient_count(&app), patients + 1);
    assert_eq!(referral_count(&app), referrals + 2);
}

#[tokio::test]
async fn the_receivers_record_system_moves_the_task_with_versioned_updates() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let sent = app.referral().by(&gp).in_state(State::Sent).await.id;
    let rx_t = token(&app, OTHER_CLINIC_DOC, "user/*.rs user/*.cu");
    let gp_read = token(&app, GP, "user/*.rs");
    let (_, task) = api(&app, Some(&rx_t), &format!("/fhir/r4/Task/{sent}")).await;
    let v = task["meta"]["versionId"].as_str().unwrap().to_string();

    // Without If-Match: refused; with a read-only token: refused.
    let r = app
        .client()
        .put(app.url(&format!("/fhir/r4/Task/{sent}")))
        .bearer_auth(&rx_t)
        .header("content-type", "application/fhir+json")
        .body(task.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let (status, _) = put_task(&app, &gp_read, &sent, &v, &task, false).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Two updates from the same version at once: one wins, the other is a 412.
    let mut accepted = task.clone();
    accepted["status"] = "accepted".into();
    let mut rejected = task.clone();
    rejected["status"] = "rejected".into();
    rejected["statusReason"] = serde_json::json!({ "coding": [{ "system": "x/CodeSystem/reject-reason", "code": "no_capacity" }], "text": "Full" });
    let (a, b) = tokio::join!(
        put_task(&app, &rx_t, &sent, &v, &accepted, false),
        put_task(&app, &rx_t, &sent, &v, &rejected, false)
    );
    let mut codes = [a.0, b.0];
    codes.sort();
    assert_eq!(
        codes,
        [StatusCode::OK, StatusCode::PRECONDITION_FAILED],
        "{a:?} {b:?}"
    );
    let winner = if a.0 == StatusCode::OK { &a.1 } else { &b.1 };
    let now = status_of(&app, &sent);
    assert_eq!(
        winner["status"],
        if now == "accepted" {
            "accepted"
        } else {
            "rejected"
        }
    );
    assert_eq!(
        app.event_count(&sent, &["accept", "reject"]),
        1,
        "one transition"
    );

    // Completing with the outcome, as a JSON Patch on the accepted Task.
    let id = app.referral().by(&gp).in_state(State::Sent).await.id;
    let (_, t) = api(&app, Some(&rx_t), &format!("/fhir/r4/Task/{id}")).await;
    let (status, t) = put_task(
        &app,
        &rx_t,
        &id,
        t["meta"]["versionId"].as_str().unwrap(),
        &serde_json::json!([{ "op": "replace", "path": "/status", "value": "accepted" }]),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{t}");
    let v = t["meta"]["versionId"].as_str().unwrap().to_string();
    let outcome = serde_json::json!([
        { "op": "replace", "path": "/status", "value": "completed" },
        { "op": "add", "path": "/output", "value": [
            { "type": { "coding": [{ "system": "x/CodeSystem/task-output", "code": "outcome" }] }, "valueString": "EHR-OUTCOME benign ectopics" },
            { "type": { "coding": [{ "system": "x/CodeSystem/task-output", "code": "advice" }] }, "valueString": "Less coffee" } ] }
    ]);
    let (status, t) = put_task(&app, &rx_t, &id, &v, &outcome, true).await;
    assert_eq!(status, StatusCode::OK, "{t}");
    assert_eq!(t["status"], "completed");
    assert_eq!(status_of(&app, &id), "completed");
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(
        page.contains("EHR-OUTCOME benign ectopics"),
        "the sender reads the outcome"
    );
    // The old version again: a 412, nothing changes.
    let (status, b) = put_task(&app, &rx_t, &id, &v, &outcome, true).await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{b}");
    // A move the referral cannot make from where it stands: a 409 (not a 412).
    let (_, t) = api(&app, Some(&rx_t), &format!("/fhir/r4/Task/{id}")).await;
    let (status, b) = put_task(
        &app,
        &rx_t,
        &id,
        t["meta"]["versionId"].as_str().unwrap(),
        &serde_json::json!([{ "op": "replace", "path": "/status", "value": "accepted" }]),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{b}");
    // Its history: the Task after each move, newest first.
    let (status, h) = api(&app, Some(&rx_t), &format!("/fhir/r4/Task/{id}/_history")).await;
    assert_eq!(status, StatusCode::OK, "{h}");
    assert_eq!(h["type"], "history");
    let statuses: Vec<&str> = h["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses[..3],
        ["completed", "accepted", "requested"],
        "{statuses:?}"
    );
    assert_eq!(
        h["entry"][0]["resource"]["meta"]["versionId"],
        t["meta"]["versionId"]
    );
}

/// The API's columns: who presents which token.
const API_CALLERS: [&str; 11] = [
    "no token",
    "revoked token",
    "sender, read",
    "sender, write",
    "receiver, write",
    "same clinic, unrelated",
    "other clinic",
    "Task read only",
    // Clients of a whole clinic (system/ scopes, tests/api/fhir_clinic.rs): a search must
    // name a practitioner of the clinic (400 without one).
    "sender's clinic, write",
    "receiver's clinic, write",
    "third clinic, read",
];

/// Per API route, the status each caller gets (columns as in [`API_CALLERS`]). The bodies
/// are chosen to stop after the decision (a Subscription that is refused, an unchanged
/// Task), so the rows do not depend on one another.
const API_EXPECTED: &[(&str, &str, [u16; 11])] = &[
    ("GET", "/fhir/r4/metadata", [200; 11]),
    (
        "POST",
        "/fhir/r4",
        [401, 401, 403, 400, 400, 400, 400, 403, 400, 400, 403],
    ),
    (
        "POST",
        "/fhir/r4/",
        [401, 401, 403, 400, 400, 400, 400, 403, 400, 400, 403],
    ),
    (
        "GET",
        "/fhir/r4/{type}",
        [401, 401, 200, 200, 200, 200, 200, 403, 400, 400, 400],
    ),
    (
        "GET",
        "/fhir/r4/{type}/{id}",
        [401, 401, 200, 200, 200, 404, 404, 200, 200, 200, 404],
    ),
    (
        "GET",
        "/fhir/r4/Task/{id}/_history",
        [401, 401, 200, 200, 200, 404, 404, 200, 200, 200, 404],
    ),
    (
        "POST",
        "/fhir/r4/Subscription",
        [401, 401, 403, 422, 422, 422, 422, 403, 422, 422, 403],
    ),
    (
        "DELETE",
        "/fhir/r4/Subscription/{id}",
        [401, 401, 403, 404, 404, 404, 404, 403, 404, 404, 403],
    ),
    (
        "PUT",
        "/fhir/r4/Task/{id}",
        [401, 401, 403, 422, 422, 404, 404, 403, 422, 422, 403],
    ),
    (
        "PATCH",
        "/fhir/r4/Task/{id}",
        [401, 401, 403, 422, 422, 404, 404, 403, 422, 422, 403],
    ),
];

#[tokio::test]
async fn every_api_route_answers_every_token_as_the_policy_says() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let id = app.referral().by(&gp).in_state(State::Sent).await.id;
    let write = "user/*.rs user/*.cud";
    let revoked = {
        let (c, t) =
            handoff::services::api_clients::create_cli(&app.svc, GP, "Old EHR", write).unwrap();
        let admin = app.login(ADMIN, PW).await;
        let (status, _, _) = app
            .send(&admin, &format!("/admin/api-clients/{}/revoke", c.id), &[])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        t
    };
    let tokens: [Option<String>; 11] = [
        None,
        Some(revoked),
        Some(token(&app, GP, "user/*.rs")),
        Some(token(&app, GP, write)),
        Some(token(&app, OTHER_CLINIC_DOC, write)),
        Some(token(&app, UNRELATED, write)),
        Some(token(&app, "ananya.bose@northgate.example", write)),
        Some(token(&app, GP, "user/Task.r")),
        Some(crate::fhir_clinic::clinic_token(&app, ADMIN, true).await),
        Some(crate::fhir_clinic::clinic_token(&app, OTHER_ADMIN, true).await),
        Some(crate::fhir_clinic::clinic_token(&app, "admin@northgate.example", false).await),
    ];
    // Clients act for practitioners only: no token for a patient or an admin.
    for email in [PATIENT_A, ADMIN] {
        assert!(handoff::services::api_clients::create_cli(&app.svc, email, "X", write).is_err());
    }
    let routes: Vec<(String, &str)> = handoff::web::routes::ROUTES
        .iter()
        .filter(|(_, p)| p.starts_with("/fhir/r4"))
        .map(|(m, p)| (m.to_uppercase(), *p))
        .collect();
    assert_eq!(
        routes.len(),
        API_EXPECTED.len(),
        "every API route has its row: {routes:?}"
    );
    let (_, task) = api(&app, tokens[3].as_deref(), &format!("/fhir/r4/Task/{id}")).await;
    let version = task["meta"]["versionId"].as_str().unwrap().to_string();
    let mut wrong = Vec::new();
    for (m, p) in &routes {
        let row = API_EXPECTED
            .iter()
            .find(|(em, ep, _)| em == m && ep == p)
            .unwrap_or_else(|| panic!("{m} {p} has no row in API_EXPECTED"));
        let path = p.replace("{type}", "Task").replace(
            "{id}",
            if p.contains("Subscription") {
                "nosuchsubscription"
            } else {
                &id
            },
        );
        for (i, t) in tokens.iter().enumerate() {
            let c = app.client();
            let url = app.url(&path);
            let mut r = match m.as_str() {
                "GET" => c.get(url),
                "DELETE" => c.delete(url),
                "PUT" => c.put(url).header("if-match", format!("W/\"{version}\"")).body(task.to_string()),
                "PATCH" => c
                    .patch(url)
                    .header("if-match", format!("W/\"{version}\""))
                    .header("content-type", "application/json-patch+json")
                    .body("[]"),
                _ if p.contains("Subscription") => c.post(url).body(
                    json!({ "resourceType": "Subscription", "status": "requested", "criteria": "Patient",
                        "channel": { "type": "rest-hook", "endpoint": "https://ehr.example/" } })
                    .to_string(),
                ),
                _ => c.post(url).body(r#"{"resourceType":"Bundle","type":"batch"}"#),
            };
            if m == "PUT" || (m == "POST") {
                r = r.header("content-type", "application/fhir+json");
            }
            if let Some(t) = t {
                r = r.bearer_auth(t);
            }
            let got = r.send().await.unwrap().status().as_u16();
            if got != row.2[i] {
                wrong.push(format!(
                    "{m} {p} as {}: expected {}, got {got}",
                    API_CALLERS[i], row.2[i]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "API matrix:\n{}", wrong.join("\n"));
    assert_eq!(status_of(&app, &id), "sent", "nothing moved");
}
