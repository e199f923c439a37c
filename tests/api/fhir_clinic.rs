//! A client of the whole clinic (issue 17, `system/` scopes): each call acts as the clinic's
//! practitioner it concerns: a referral's party of the clinic, the practitioner a search or
//! a subscription names, the requester of a transaction. Nothing of another clinic opens.

use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::json;

use crate::builders::*;
use crate::fhir::{api, ids, issue, post_json, put_task, referral_bundle, referral_count};
use crate::helpers::*;

/// A token for a client of the whole clinic of `admin_email`, made on the admin's page.
pub(crate) async fn clinic_token(app: &TestApp, admin_email: &str, write: bool) -> String {
    let admin = app.login(admin_email, PW).await;
    let mut form = vec![
        ("name", "Clinic EHR"),
        ("practitioner_id", "clinic"),
        ("read", "on"),
    ];
    if write {
        form.push(("write", "on"));
    }
    let (status, page, _) = app.send(&admin, "/admin/api-clients", &form).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("The whole clinic (system/ scopes)"), "{page}");
    page.split("<code id=\"api-token\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_clinic_client_acts_as_the_practitioner_each_call_concerns() {
    let app = TestApp::spawn().await;
    let (gp, farah) = (app.user_id(GP), app.user_id(OTHER_CLINIC_DOC));
    let lakeside = clinic_token(&app, ADMIN, true).await;
    let harbour = clinic_token(&app, OTHER_ADMIN, true).await;
    let northgate = clinic_token(&app, "admin@northgate.example", false).await;
    let admin = app.login(ADMIN, PW).await;
    let (_, list) = app.get(&admin.client, "/admin/api-clients").await;
    assert!(list.contains("system/*.rs system/*.cud"), "{list}");

    let gp_s = app.login(GP, PW).await;
    let sent = app.referral().by(&gp_s).in_state(State::Sent).await;

    // Reads: the sender's clinic and the receiver's clinic read the Task; a third clinic
    // finds nothing.
    for t in [&lakeside, &harbour] {
        let (status, task) = api(&app, Some(t), &format!("/fhir/r4/Task/{}", sent.id)).await;
        assert_eq!(status, StatusCode::OK, "{task}");
        assert_eq!(task["requester"]["reference"], format!("Practitioner/{gp}"));
    }
    let (status, _) = api(
        &app,
        Some(&northgate),
        &format!("/fhir/r4/Task/{}", sent.id),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let patient = app.patient_id("Aarav Sharma");
    let (status, p) = api(
        &app,
        Some(&lakeside),
        &format!("/fhir/r4/Patient/{patient}"),
    )
    .await;
    assert_eq!(
        (status, p["id"].as_str()),
        (StatusCode::OK, Some(patient.as_str()))
    );
    let (status, _) = api(
        &app,
        Some(&northgate),
        &format!("/fhir/r4/Patient/{patient}"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Searches: one practitioner of the clinic at a time, as them.
    let (status, b) = api(&app, Some(&lakeside), "/fhir/r4/Task?status=requested").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(issue(&b).1.contains("one practitioner's referrals"), "{b}");
    let (status, b) = api(
        &app,
        Some(&lakeside),
        &format!("/fhir/r4/Task?requester=Practitioner/{gp}&_count=100"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert!(ids(&b).contains(&sent.id));
    let (status, b) = api(
        &app,
        Some(&lakeside),
        &format!("/fhir/r4/Task?requester=Practitioner/{farah}"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "another clinic's practitioner: {b}"
    );
    let (status, b) = api(
        &app,
        Some(&harbour),
        &format!("/fhir/r4/Task?owner=Practitioner/{farah}&status=requested"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert!(
        ids(&b).contains(&sent.id),
        "whose turn it is: the receiver's"
    );
    // Of two practitioners named, the one of the clinic.
    let (status, b) = api(
        &app,
        Some(&harbour),
        &format!(
            "/fhir/r4/ServiceRequest?requester=Practitioner/{gp}&performer=Practitioner/{farah}"
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert!(ids(&b).contains(&sent.id));

    // A transaction sends as the requester it names, who must be of the clinic.
    let before = referral_count(&app);
    let patient_ref = json!({ "reference": format!("Patient/{patient}") });
    let mut bundle = referral_bundle(&app, patient_ref.clone(), true);
    bundle["entry"][0]["resource"]["requester"]["reference"] =
        format!("Practitioner/{farah}").into();
    let (status, b) = post_json(&app, &lakeside, "/fhir/r4", &bundle).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{b}");
    let mut bundle = referral_bundle(&app, patient_ref.clone(), true);
    bundle["entry"][0]["resource"]
        .as_object_mut()
        .unwrap()
        .remove("requester");
    let (status, b) = post_json(&app, &lakeside, "/fhir/r4", &bundle).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(issue(&b).1.contains("requester"), "{b}");
    let (status, b) = post_json(&app, &northgate, "/fhir/r4", &bundle).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "read-only: {b}");
    assert_eq!(referral_count(&app), before, "nothing written");
    // Nobody of the clinic has the referral open already except the one sent above, which
    // the duplicate guard names: give a reason, as the composer would.
    let mut bundle = referral_bundle(&app, patient_ref, true);
    bundle["entry"][1]["resource"]["input"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "type": { "coding": [{ "system": "https://any/CodeSystem/task-input", "code": "duplicate-reason" }] }, "valueString": "Second opinion" }));
    let (status, b) = post_json(&app, &lakeside, "/fhir/r4", &bundle).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let made = b["entry"][0]["response"]["location"]
        .as_str()
        .or(b["entry"][1]["response"]["location"].as_str())
        .unwrap()
        .to_string();
    let made = made.split('/').nth(1).unwrap().to_string();
    let sender: String = {
        use handoff::db::schema::referrals as r;
        r::table
            .find(&made)
            .select(r::sender_id)
            .first(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(sender, gp, "sent as the requester");

    // The receiver's clinic accepts with a versioned update, as the receiver.
    let (_, task) = api(&app, Some(&harbour), &format!("/fhir/r4/Task/{}", sent.id)).await;
    let v = task["meta"]["versionId"].as_str().unwrap().to_string();
    let mut accepted = task.clone();
    accepted["status"] = "accepted".into();
    let (status, _) = put_task(&app, &lakeside, &sent.id, &v, &accepted, false).await;
    assert_ne!(
        status,
        StatusCode::OK,
        "the sender's clinic does not accept"
    );
    let (status, b) = put_task(&app, &harbour, &sent.id, &v, &accepted, false).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(status_of(&app, &sent.id), "accepted");

    // Every call is audited as the practitioner it acted as, the client named.
    let audited: Vec<(Option<String>, String)> = {
        use handoff::db::schema::audit_events as a;
        a::table
            .filter(a::subject_id.eq(&sent.id))
            .filter(a::user_agent.like("API client \"Clinic EHR\"%for the clinic%"))
            .select((a::actor_id, a::action))
            .load(&mut *app.conn())
            .unwrap()
    };
    for who in [&gp, &farah] {
        assert!(
            audited.iter().any(|(w, _)| w.as_ref() == Some(who)),
            "{audited:?}"
        );
    }

    // A subscription is told of the referrals of the practitioner its criteria name.
    let sub = |criteria: &str| {
        json!({ "resourceType": "Subscription", "status": "requested", "reason": "EHR sync",
            "criteria": criteria,
            "channel": { "type": "rest-hook", "endpoint": "http://127.0.0.1:9/hooks",
                "payload": "application/fhir+json" } })
    };
    let (status, b) = post_json(
        &app,
        &lakeside,
        "/fhir/r4/Subscription",
        &sub("Task?status=requested"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "no practitioner named: {b}"
    );
    let (status, b) = post_json(
        &app,
        &lakeside,
        "/fhir/r4/Subscription",
        &sub(&format!("Task?requester=Practitioner/{gp}")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let watched: String = {
        use handoff::db::schema::fhir_subscriptions as f;
        f::table
            .find(b["id"].as_str().unwrap())
            .select(f::user_id)
            .first(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(watched, gp);

    // user/ and system/ do not mix; the command line makes practitioners' clients only.
    assert!(handoff::services::api_clients::create_cli(&app.svc, GP, "X", "system/*.rs").is_err());
    assert!(
        handoff::services::api_clients::create_cli(&app.svc, GP, "X", "user/*.rs system/*.rs")
            .is_err()
    );
}
