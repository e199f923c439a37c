//! The security suite: every route of the route table against every role, CSRF on every
//! POST of the route table, security headers on every response, and hostile text stored and
//! shown inert.

use std::collections::{BTreeMap, HashMap};

use handoff::web::routes::ROUTES;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use std::sync::atomic::Ordering;

use crate::builders::*;
use crate::external::{link_token_in, mail_settings, refer_outside, text_of};
use crate::helpers::*;

/// The roles of the matrix, in column order.
const ROLES: [&str; 14] = [
    "signed out",
    "patient",
    "other patient",
    "sender",
    "receiver",
    "unrelated practitioner",
    "other clinic's admin",
    "link holder",
    "patient link holder",
    // Issue 15: a member and the coordinator of Northgate's cardiology service, which none
    // of the fixture's referrals is addressed to: being in a service's queue opens nothing
    // else (tests/api/services.rs has the queue itself).
    "service member",
    "service coordinator",
    // Anita Rao, assistant to the sender (Dr Asha Kulkarni), and Kavya Iyer, assistant to
    // a colleague of the same clinic who does not care for the patient.
    "assistant of the sender",
    "assistant of someone else",
    // Dr Ananya Bose, a member of the service Q (another fixture referral) waits with: on
    // a referral's routes she acts on Q, and may read and claim it, nothing more until she
    // has claimed it (a receiver's command is told "claim it first", 409); elsewhere she is
    // a service member like the column before last but three.
    "member of the receiving service",
];

/// Expected outcome per route and role (columns as in [`ROLES`]): `Y` reaches the handler
/// (a page, a redirect elsewhere than sign-in, or a 400/409/410/413/422 about the input),
/// `N` is refused (403 or 404: nothing shown), `L` is sent to sign in, `*` anything but
/// a 500. A route missing here fails the test: no route ships without its row.
const EXPECTED: &[(&str, &str, &str)] = &[
    ("GET", "/", "LYYYYYYLLYYYYY"),
    ("GET", "/healthz", "YYYYYYYYYYYYYY"),
    ("GET", "/readyz", "YYYYYYYYYYYYYY"),
    // Not configured in the fixture: 404 to everyone, signed in or not (tests/api/metrics.rs).
    ("GET", "/metrics", "NNNNNNNNNNNNNN"),
    ("GET", "/static/app.css", "YYYYYYYYYYYYYY"),
    ("GET", "/static/favicon.svg", "YYYYYYYYYYYYYY"),
    ("GET", "/login", "YYYYYYYYYYYYYY"),
    ("POST", "/login", "YYYYYYYYYYYYYY"),
    ("POST", "/logout", "**************"),
    ("GET", "/login/code", "**************"),
    ("POST", "/login/code", "**************"),
    ("GET", "/account/second-factor", "LYYYYYYLLYYYYY"),
    ("POST", "/account/second-factor", "LYYYYYYLLYYYYY"),
    ("GET", "/account/sessions", "LYYYYYYLLYYYYY"),
    // Cover is a practitioner's: patients and admins are refused; the sender and receiver
    // post an empty form (422) and ask a hand-over with nobody covering (409).
    ("GET", "/account/away", "LNNYYYNLLYYNNY"),
    ("POST", "/account/away", "LNNYYYNLLYYNNY"),
    ("POST", "/account/away/hand-over", "LNNYYYNLLYYNNY"),
    // Nobody's absence.
    ("POST", "/account/away/{id}/end", "LNNNNNNLLNNNNN"),
    // Whom an assistant works for: theirs alone (an empty choice names nobody: 404).
    ("GET", "/account/acting-for", "LNNNNNNLLNNYYN"),
    ("POST", "/account/acting-for", "LNNNNNNLLNNNNN"),
    // A practitioner's own list; an assistant's drafts are signed by their practitioner.
    ("GET", "/to-sign", "LNNYYYNLLYYNNY"),
    ("POST", "/account/sessions/end-others", "LYYYYYYLLYYYYY"),
    ("POST", "/account/sessions/{id}/end", "LNNNNNNLLNNNNN"),
    ("POST", "/account/sign-in-alerts", "LYYYYYYLLYYYYY"),
    ("GET", "/account/password", "LYYYYYYLLYYYYY"),
    ("POST", "/account/password", "LYYYYYYLLYYYYY"),
    ("POST", "/account/notifications", "LYYYYYYLLYYYYY"),
    ("POST", "/language", "YYYYYYYYYYYYYY"),
    ("GET", "/patients", "LNNYYYNLLYYYYY"),
    ("GET", "/patients/new", "LNNYYYNLLYYYYY"),
    ("POST", "/patients", "LNNYYYNLLYYYYY"),
    ("GET", "/patients/{id}", "LYNYNNNLLNNYNN"),
    ("POST", "/patients/{id}/complaints", "LNNYNNNLLNNYNN"),
    ("POST", "/patients/{id}/vitals", "LNNYNNNLLNNYNN"),
    ("POST", "/patients/{id}/medications", "LNNYNNNLLNNYNN"),
    ("POST", "/patients/{id}/allergies", "LNNYNNNLLNNYNN"),
    ("POST", "/patients/{id}/visits", "LNNYNNNLLNNYNN"),
    ("POST", "/patients/{id}/files", "LNNYNNNLLNNYNN"),
    ("GET", "/patients/{id}/files/{file_id}", "LYNYNNNLLNNYNN"),
    ("POST", "/patients/{id}/care-team", "LNNYNNNLLNNNNN"),
    (
        "POST",
        "/patients/{id}/care-team/{user_id}/remove",
        "LNNYNNNLLNNNNN",
    ),
    ("GET", "/patients/{id}/refer", "LNNYNNNLLNNYNN"),
    ("GET", "/patients/{id}/refer/new", "LNNYNNNLLNNYNN"),
    ("POST", "/patients/{id}/referrals", "LNNYNNNLLNNYNN"),
    ("GET", "/referrals/{id}", "LYNYYNNLLNNYNY"),
    // Only an assistant of the sender puts a draft on the list to sign: R was sent (409).
    ("POST", "/referrals/{id}/to-sign", "LNNNNNNLLNNYNN"),
    // The receiver's practice books R's visit: one is booked already (409); nobody else.
    ("GET", "/referrals/{id}/book", "LNNNYNNLLNNNNN"),
    ("POST", "/referrals/{id}/book", "LNNNYNNLLNNNNN"),
    ("GET", "/referrals/{id}/edit", "LNNYNNNLLNNYNN"),
    ("POST", "/referrals/{id}/edit", "LNNYNNNLLNNYNN"),
    ("POST", "/referrals/{id}/submit", "LNNYNNNLLNNNNN"),
    ("POST", "/referrals/{id}/approve", "LYNNNNNLLNNNNN"),
    ("POST", "/referrals/{id}/decline", "LYNNNNNLLNNNNN"),
    ("POST", "/referrals/{id}/request_info", "LNNNYNNLLNNNNY"),
    ("POST", "/referrals/{id}/provide_info", "LNNYNNNLLNNYNN"),
    ("POST", "/referrals/{id}/require_visit", "LNNNYNNLLNNNNY"),
    ("POST", "/referrals/{id}/accept", "LNNNYNNLLNNNNY"),
    ("POST", "/referrals/{id}/reject", "LNNNYNNLLNNNNY"),
    ("POST", "/referrals/{id}/complete", "LNNNYNNLLNNNNY"),
    ("POST", "/referrals/{id}/cancel", "LNNYNNNLLNNNNN"),
    ("POST", "/referrals/{id}/answer", "LNNNYNNLLNNNNY"),
    ("POST", "/referrals/{id}/convert", "LNNNYNNLLNNNNY"),
    ("POST", "/referrals/{id}/return", "LNNNYNNLLNNNNY"),
    ("POST", "/referrals/{id}/recommended", "LNNYNNNLLNNNNN"),
    ("POST", "/referrals/{id}/share-advice", "LNNYNNNLLNNNNN"),
    ("GET", "/referrals/{id}/redirect", "LNNYNNNLLNNYNN"),
    ("POST", "/referrals/{id}/bring", "LNNNYNNLLNNNNN"),
    // A service's queue: R waits with no service, so its receiver is told it is theirs
    // already (409) and everyone else is refused (tests/api/services.rs has the members).
    ("POST", "/referrals/{id}/claim", "LNNNYNNLLNNNNY"),
    ("POST", "/referrals/{id}/assign", "LNNNYNNLLNNNNN"),
    ("POST", "/referrals/{id}/forward", "LNNNYNNLLNNNNN"),
    ("POST", "/referrals/{id}/outcome-draft", "LNNNYNNLLNNNNN"),
    ("POST", "/referrals/{id}/attachments", "LNNYYNNLLNNYNN"),
    (
        "GET",
        "/referrals/{id}/attachments/{file_id}",
        "LNNYYNNLLNNYNN",
    ),
    ("GET", "/referrals/{id}/letter.pdf", "LNNYYNNLLNNYNN"),
    ("GET", "/referrals/{id}/fhir", "LYNYYNNLLNNYNN"),
    ("POST", "/referrals/{id}/link/revoke", "LNNYNNNLLNNYNN"),
    ("POST", "/referrals/{id}/link/resend", "LNNYNNNLLNNYNN"),
    ("POST", "/referrals/{id}/address", "LNNYNNNLLNNYNN"),
    (
        "POST",
        "/referrals/{id}/held/{held_id}/post",
        "LNNYNNNLLNNYNN",
    ),
    (
        "POST",
        "/referrals/{id}/held/{held_id}/discard",
        "LNNYNNNLLNNYNN",
    ),
    ("GET", "/p/{token}", "NNNNNNNNYNNNNN"),
    ("POST", "/p/{token}/approve", "NNNNNNNNYNNNNN"),
    ("POST", "/p/{token}/decline", "NNNNNNNNYNNNNN"),
    ("POST", "/p/{token}/book", "NNNNNNNNYNNNNN"),
    // The appointment is another patient's (the portal patient's, with no referral).
    (
        "POST",
        "/p/{token}/appointments/{id}/cancel",
        "NNNNNNNNNNNNNN",
    ),
    (
        "POST",
        "/referrals/{id}/patient-link/withdraw",
        "LNNYNNNLLNNYNN",
    ),
    (
        "POST",
        "/referrals/{id}/patient-link/send",
        "LNNYNNNLLNNYNN",
    ),
    ("GET", "/l/{token}", "NNNNNNNYNNNNNN"),
    ("GET", "/l/{token}/letter.pdf", "NNNNNNNYNNNNNN"),
    ("GET", "/l/{token}/files/{file_id}", "NNNNNNNYNNNNNN"),
    ("POST", "/l/{token}/accept", "NNNNNNNYNNNNNN"),
    ("POST", "/l/{token}/request_info", "NNNNNNNYNNNNNN"),
    ("POST", "/l/{token}/reject", "NNNNNNNYNNNNNN"),
    ("POST", "/l/{token}/complete", "NNNNNNNYNNNNNN"),
    ("POST", "/l/{token}/reply", "NNNNNNNYNNNNNN"),
    // Every role presents a wrong bearer token from one address: the eleventh in a minute
    // is throttled (429) before its token is looked at.
    ("POST", "/ingest/mail", "NNNNNNNNNN****"),
    // The FHIR API answers bearer tokens, never a session: 401 to every role here (its
    // own matrix, by token, is in fhir.rs); the capability statement is open.
    ("GET", "/fhir/r4/metadata", "YYYYYYYYYYYYYY"),
    ("POST", "/fhir/r4", "**************"),
    ("POST", "/fhir/r4/", "**************"),
    ("GET", "/fhir/r4/{type}", "**************"),
    ("GET", "/fhir/r4/{type}/{id}", "**************"),
    ("GET", "/fhir/r4/Task/{id}/_history", "**************"),
    ("POST", "/fhir/r4/Subscription", "**************"),
    ("DELETE", "/fhir/r4/Subscription/{id}", "**************"),
    ("PUT", "/fhir/r4/Task/{id}", "**************"),
    ("PATCH", "/fhir/r4/Task/{id}", "**************"),
    ("GET", "/analytics", "LNNYYYYLLYYNNY"),
    ("GET", "/analytics.csv", "LNNYYYYLLYYNNY"),
    ("GET", "/inbox", "LNNYYYNLLYYYYY"),
    // What members took from the service the two service columns are in; the queued
    // referral's member is in it too (tests/api/services.rs has the rows themselves).
    ("GET", "/queues/{id}/taken", "LNNNNNNLLYYNNY"),
    ("GET", "/sent", "LNNYYYNLLYYYYY"),
    ("GET", "/practitioners/{id}", "LYYYYYYLLYYYYY"),
    ("POST", "/practitioners/{id}/book", "LYYNNNNLLNNNNN"),
    ("GET", "/practice", "LNNYYYNLLYYYYY"),
    ("POST", "/practice", "LNNYYYNLLYYYYY"),
    ("GET", "/appointments", "LYYYYYNLLYYYYY"),
    ("POST", "/appointments/{id}/cancel", "LYNNNNNLLNNNNN"),
    ("POST", "/appointments/{id}/attended", "LNNNYNNLLNNNNN"),
    ("POST", "/appointments/{id}/no_show", "LNNNYNNLLNNNNN"),
    ("GET", "/threads", "LYYYYYYLLYYYYY"),
    ("GET", "/threads/{id}", "LNNYYNNLLNNYNN"),
    ("POST", "/threads/{id}", "LNNYYNNLLNNNNN"),
    ("GET", "/notifications", "LYYYYYYLLYYYYY"),
    ("GET", "/portal", "LYYNNNNLLNNNNN"),
    ("GET", "/portal/referrals", "LYYNNNNLLNNNNN"),
    ("GET", "/portal/access", "LYYNNNNLLNNNNN"),
    ("GET", "/portal/consents", "LYYNNNNLLNNNNN"),
    ("POST", "/portal/consents/{id}/withdraw", "LYNNNNNLLNNNNN"),
    ("GET", "/admin/audit", "LNNNNNYLLNNNNN"),
    ("GET", "/admin/audit.csv", "LNNNNNYLLNNNNN"),
    ("POST", "/admin/audit/checkpoint", "LNNNNNYLLNNNNN"),
    ("GET", "/admin", "LNNNNNYLLNNNNN"),
    ("POST", "/admin/settings", "LNNNNNYLLNNNNN"),
    ("GET", "/admin/clock", "LNNNNNYLLNNNNN"),
    ("POST", "/admin/clock", "LNNNNNYLLNNNNN"),
    ("GET", "/admin/practitioners/new", "LNNNNNYLLNNNNN"),
    ("POST", "/admin/practitioners", "LNNNNNYLLNNNNN"),
    ("GET", "/admin/practitioners/{id}", "LNNNNNNLLNNNNN"),
    ("POST", "/admin/practitioners/{id}", "LNNNNNNLLNNNNN"),
    (
        "POST",
        "/admin/practitioners/{id}/second-factor/reset",
        "LNNNNNNLLNNNNN",
    ),
    // Nobody's invitation: an admin's own is withdrawn in admin.rs.
    ("POST", "/admin/invitations/{id}/withdraw", "LNNNNNNLLNNNNN"),
    ("GET", "/admin/api-clients", "LNNNNNYLLNNNNN"),
    ("POST", "/admin/api-clients", "LNNNNNYLLNNNNN"),
    // Nobody's client: an admin's own is revoked in fhir.rs.
    ("POST", "/admin/api-clients/{id}/revoke", "LNNNNNNLLNNNNN"),
    // The admin's own clinic's services (an empty form is a 422); nobody's service is a 404.
    ("GET", "/admin/services", "LNNNNNYLLNNNNN"),
    ("POST", "/admin/services", "LNNNNNYLLNNNNN"),
    ("GET", "/admin/services/{id}", "LNNNNNNLLNNNNN"),
    ("POST", "/admin/services/{id}", "LNNNNNNLLNNNNN"),
    // The admin's own clinic's assistants (an empty form is a 422); nobody's is a 404.
    ("GET", "/admin/assistants", "LNNNNNYLLNNNNN"),
    ("POST", "/admin/assistants", "LNNNNNYLLNNNNN"),
    ("POST", "/admin/assistants/{id}", "LNNNNNNLLNNNNN"),
    // The token is the invitation's (a link token is not one); signed in, nobody may use one.
    ("GET", "/join/{token}", "NNNNNNNNNNNNNN"),
    ("POST", "/join/{token}", "NNNNNNNNNNNNNN"),
];

/// The column of the member of the receiving service (acting on the queued referral).
const QUEUE_MEMBER: usize = 13;

/// Routes whose allowed call changes what later rows rely on: run after everything else.
const LAST: &[&str] = &[
    // The queue member's claim makes the queued referral hers.
    "/referrals/{id}/claim",
    "/referrals/{id}/held/{held_id}/post",
    "/referrals/{id}/held/{held_id}/discard",
    "/referrals/{id}/link/revoke",
    "/referrals/{id}/link/resend",
    "/appointments/{id}/cancel",
    "/portal/consents/{id}/withdraw",
    "/account/sessions/end-others",
    "/patients/{id}/care-team/{user_id}/remove",
    "/logout",
];

/// Routes that take multipart bodies (the CSRF token travels in the query).
const MULTIPART: &[&str] = &[
    "/patients/{id}/files",
    "/referrals/{id}/attachments",
    "/l/{token}/reply",
];

fn href_after(page: &str, prefix: &str) -> String {
    let at = page
        .find(prefix)
        .unwrap_or_else(|| panic!("no link starting {prefix}"));
    page[at..].split(['"', '?']).next().unwrap().to_string()
}

struct Fixture {
    app: TestApp,
    /// Role name → (client, CSRF token).
    clients: Vec<(reqwest::Client, String)>,
    params: HashMap<&'static str, String>,
    token: String,
    /// A patient's personal link (a Harbour patient without an account, awaiting approval).
    patient_token: String,
}

async fn anonymous(app: &TestApp) -> (reqwest::Client, String) {
    let c = app.client();
    let (_, body) = app.get(&c, "/login").await;
    let csrf = csrf_of(&body);
    (c, csrf)
}

/// A referral R from the GP to the Harbour cardiologist, waiting for information with a
/// file answered; a chart file; a thread; an appointment of the patient with the receiver;
/// the patient's consent; an out-of-network referral E with a link and a reply file.
async fn fixture() -> Fixture {
    // Every role but the holder presents wrong link tokens: far more than a person would.
    let app = TestApp::spawn_with(|s| {
        mail_settings(s, None);
        s.link_attempts_per_minute = 10_000;
    })
    .await;
    let gp = app.login(GP, PW).await;
    let rx = app.login(OTHER_CLINIC_DOC, PW).await;
    let patient = app.login(PATIENT_A, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();

    let form = Form::new()
        .text("kind", "lab")
        .text("title", "Lipid panel")
        .part(
            "file",
            Part::bytes(pdf.clone())
                .file_name("lipids.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let r = gp
        .client
        .post(app.url(&format!("/patients/{pid}/files?csrf_token={}", gp.csrf)))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, profile) = app.get(&gp.client, &format!("/patients/{pid}")).await;
    let chart_file = href_after(&profile, &format!("/patients/{pid}/files/"));

    // Q: a referral waiting in the queue of Northgate's cardiology service.
    let (service_id, service): (String, String) = {
        use diesel::prelude::*;
        use handoff::db::schema::users;
        users::table
            .filter(users::display_name.eq("Cardiology service, Northgate"))
            .select((users::id, users::email))
            .first(&mut *app.conn())
            .unwrap()
    };
    let queued = app
        .referral()
        .by(&gp)
        .patient("Neha Shetty")
        .to(&service)
        .in_state(State::Sent)
        .await
        .id;

    let farah = app.user_id(OTHER_CLINIC_DOC);
    let rid = app
        .referral()
        .by(&gp)
        .to(OTHER_CLINIC_DOC)
        .reason("Palpitations")
        .section("complaint", "Palpitations at night")
        .receiver_session(&rx)
        .last_step(&[("note", "Recent ECG")])
        .in_state(State::NeedInfo)
        .await
        .id;
    let (_, page) = app.get(&gp.client, &format!("/referrals/{rid}")).await;
    let marker = "name=\"ask_id\" value=\"";
    let at = page.find(marker).expect("an ask to answer") + marker.len();
    let ask = page[at..].split('"').next().unwrap().to_string();
    let form = Form::new().text("ask_id", ask).part(
        "file",
        Part::bytes(pdf.clone())
            .file_name("ecg.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    let r = gp
        .client
        .post(app.url(&format!(
            "/referrals/{rid}/attachments?csrf_token={}",
            gp.csrf
        )))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get(&gp.client, &format!("/referrals/{rid}")).await;
    let attachment = href_after(&page, &format!("/referrals/{rid}/attachments/"));

    let (_, threads) = app.get(&gp.client, "/threads").await;
    let thread = href_after(&threads, "/threads/0");
    // The patient books a visit with the receiver.
    let (_, cal) = app
        .get(&patient.client, &format!("/practitioners/{farah}"))
        .await;
    let marker = "<option value=\"";
    let at = cal.find(marker).expect("a free slot") + marker.len();
    let slot = cal[at..].split('"').next().unwrap().to_string();
    let (status, body, _) = app
        .send(
            &patient,
            &format!("/practitioners/{farah}/book"),
            &[("starts_at", &slot)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (_, mine) = app.get(&patient.client, "/appointments").await;
    let appointment = href_after(&mine, "/appointments/0")
        .trim_end_matches("/cancel")
        .to_string();
    let (_, consents) = app.get(&patient.client, "/portal/consents").await;
    let consent = href_after(&consents, "/portal/consents/0")
        .trim_end_matches("/withdraw")
        .to_string();

    // The out-of-network referral, its link, and a reply with a file through the link.
    let eid = refer_outside(&app, &gp).await;
    let out = app.settings.data_dir.join("mail-out");
    let letter = eventually("the letter", || {
        read_mail_dir(&out)
            .into_iter()
            .find(|m| text_of(m).2.contains("/l/"))
    })
    .await;
    let token = link_token_in(&text_of(&letter).2);
    let holder = anonymous(&app).await;
    let form = Form::new().text("reply", "Report attached").part(
        "file",
        Part::bytes(pdf)
            .file_name("report.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    let r = holder
        .0
        .post(app.url(&format!("/l/{token}/reply?csrf_token={}", holder.1)))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get(&holder.0, &format!("/l/{token}")).await;
    let link_file = href_after(&page, &format!("/l/{token}/files/"));
    // A reply from an address that is not the outside doctor's, held for the sender.
    let reply_to = text_of(&letter).1;
    let stranger = format!(
        "From: someone@elsewhere.example\r\nTo: {reply_to}\r\nSubject: Re\r\nMessage-ID: <held@elsewhere.example>\r\n\r\nHello\r\n"
    );
    let held = handoff::services::inbound::ingest(&app.svc, stranger.as_bytes(), "test").unwrap();
    assert!(matches!(
        held,
        handoff::services::inbound::Ingested::Held(_)
    ));
    let held = {
        use diesel::prelude::*;
        use handoff::db::schema::held_replies::dsl as h;
        h::held_replies
            .select(h::id)
            .first::<String>(&mut *app.conn())
            .unwrap()
    };

    // A patient without an account, asked to approve a referral: her personal link.
    let (status, body, _) = app
        .send(
            &rx,
            "/patients",
            &[
                ("given_name", "Neha"),
                ("family_name", "Rao"),
                ("date_of_birth", "1980-03-04"),
                ("sex", "female"),
                ("mrn", "HH-LINK"),
                ("email", "neha.rao@example.org"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let neha = app.patient_id("Neha Rao");
    app.referral()
        .by(&rx)
        .patient_id(&neha)
        .to("meera.iyer@harbour.example")
        .in_state(State::AwaitingPatient)
        .await;
    let patient_mail = eventually("the patient's link", || {
        read_mail_dir(&out)
            .into_iter()
            .map(|m| text_of(&m).2)
            .find(|b| b.contains("/p/"))
    })
    .await;
    let at = patient_mail.find("/p/").unwrap() + 3;
    let patient_token = patient_mail[at..at + 64].to_string();
    let patient_holder = anonymous(&app).await;

    let mut params = HashMap::new();
    params.insert("patient", pid);
    params.insert("chart_file", chart_file.rsplit('/').next().unwrap().into());
    params.insert("referral", rid);
    params.insert("queued", queued);
    params.insert("service", service_id);
    params.insert("attachment", attachment.rsplit('/').next().unwrap().into());
    params.insert("external_referral", eid);
    params.insert("link_file", link_file.rsplit('/').next().unwrap().into());
    params.insert("thread", thread.rsplit('/').next().unwrap().into());
    params.insert("practitioner", farah);
    params.insert("gp", app.user_id(GP));
    params.insert(
        "appointment",
        appointment.rsplit('/').next().unwrap().into(),
    );
    params.insert("consent", consent.rsplit('/').next().unwrap().into());
    params.insert("held", held);

    let other_patient = app.login("diya.menon@patients.example", PW).await;
    let unrelated = app.login(UNRELATED, PW).await;
    let member = app.login("nikhil.rao@northgate.example", PW).await;
    let coordinator = app.login("sofia.dsouza@northgate.example", PW).await;
    let other_admin = app.login(OTHER_ADMIN, PW).await;
    let anita = app.login("anita.rao@lakeside.example", PW).await;
    let kavya = app.login("kavya.iyer@lakeside.example", PW).await;
    let ananya = app.login("ananya.bose@northgate.example", PW).await;
    let clients = vec![
        anonymous(&app).await,
        (patient.client, patient.csrf),
        (other_patient.client, other_patient.csrf),
        (gp.client, gp.csrf),
        (rx.client, rx.csrf),
        (unrelated.client, unrelated.csrf),
        (other_admin.client, other_admin.csrf),
        holder,
        patient_holder,
        (member.client, member.csrf),
        (coordinator.client, coordinator.csrf),
        (anita.client, anita.csrf),
        (kavya.client, kavya.csrf),
        (ananya.client, ananya.csrf),
    ];
    Fixture {
        app,
        clients,
        params,
        token,
        patient_token,
    }
}

/// The concrete path of a route pattern, for a role (only the link holder has the token).
fn concrete(f: &Fixture, pattern: &str, role: usize) -> String {
    let p = &f.params;
    let id = if pattern.starts_with("/patients/") {
        &p["patient"]
    } else if pattern.starts_with("/referrals/{id}/link/")
        || pattern.starts_with("/referrals/{id}/held/")
        || pattern == "/referrals/{id}/address"
    {
        &p["external_referral"]
    } else if pattern.starts_with("/referrals/") && role == QUEUE_MEMBER {
        &p["queued"]
    } else if pattern.starts_with("/referrals/") {
        &p["referral"]
    } else if pattern.starts_with("/queues/") {
        &p["service"]
    } else if pattern.starts_with("/threads/") {
        &p["thread"]
    } else if pattern.starts_with("/practitioners/") {
        &p["practitioner"]
    } else if pattern.starts_with("/admin/practitioners/") {
        &p["gp"]
    } else if pattern.starts_with("/appointments/")
        || pattern.starts_with("/p/{token}/appointments/")
    {
        &p["appointment"]
    } else if pattern.starts_with("/portal/consents/") {
        &p["consent"]
    } else if pattern.starts_with("/admin/invitations/") {
        "nosuchinvitation"
    } else if pattern.starts_with("/admin/api-clients/") {
        "nosuchclient"
    } else if pattern.starts_with("/admin/services/") {
        "nosuchservice"
    } else if pattern.starts_with("/admin/assistants/") {
        "nosuchassistant"
    } else if pattern.starts_with("/account/away/") {
        // Nobody's absence (ending someone else's is refused in cover.rs).
        "nosuchabsence"
    } else if pattern.starts_with("/account/sessions/") {
        // Nobody's session: the public ids of sessions are random, 16 characters.
        "nosuchsession000"
    } else {
        ""
    };
    let file = if pattern.starts_with("/patients/") {
        &p["chart_file"]
    } else if pattern.starts_with("/l/") {
        &p["link_file"]
    } else {
        &p["attachment"]
    };
    // Everyone but the holder presents a well-formed token that is not a link.
    let token = if role == 7 {
        f.token.clone()
    } else if role == 8 && pattern.starts_with("/p/") {
        f.patient_token.clone()
    } else {
        "0".repeat(64)
    };
    let path = pattern
        .replace("{id}", id)
        .replace("{file_id}", file)
        .replace("{held_id}", &p["held"])
        .replace("{user_id}", &p["gp"])
        .replace("{token}", &token);
    // The export names its table; without one it is a 404 for everyone.
    if path == "/analytics.csv" {
        return format!("{path}?table=weekly");
    }
    path
}

async fn call(f: &Fixture, method: &str, pattern: &str, role: usize) -> reqwest::Response {
    let (client, csrf) = &f.clients[role];
    let path = concrete(f, pattern, role);
    let url = f.app.url(&path);
    if method == "GET" {
        return client.get(url).send().await.unwrap();
    }
    if MULTIPART.contains(&pattern) {
        let form = Form::new().text("note", "");
        return client
            .post(format!("{url}?csrf_token={csrf}"))
            .multipart(form)
            .send()
            .await
            .unwrap();
    }
    // A stale version: a permitted party gets a 409 and nothing changes.
    client
        .post(url)
        .form(&[("csrf_token", csrf.as_str()), ("version", "0")])
        .send()
        .await
        .unwrap()
}

fn classify(r: &reqwest::Response) -> char {
    let s = r.status();
    let to_login = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .is_some_and(|l| l.starts_with("/login"));
    match s {
        StatusCode::SEE_OTHER | StatusCode::FOUND if to_login => 'L',
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => 'N',
        s if s.is_server_error() => '!',
        _ => 'Y',
    }
}

fn assert_security_headers(r: &reqwest::Response, what: &str) {
    let h = r.headers();
    let csp = h
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no CSP"))
        .to_str()
        .unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
        "{what}"
    );
    assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(h["x-frame-options"], "DENY", "{what}");
    assert!(h.contains_key("referrer-policy"), "{what}");
}

#[tokio::test]
async fn hsts_is_sent_over_https_only_and_head_is_answered_like_get() {
    let plain = TestApp::spawn().await;
    let r = plain.get_raw(&plain.client(), "/login").await;
    assert!(
        !r.headers().contains_key("strict-transport-security"),
        "plain HTTP: no HSTS"
    );
    let c = plain.client();
    for (path, want) in [
        ("/login", StatusCode::OK),
        ("/healthz", StatusCode::OK),
        ("/static/app.css", StatusCode::OK),
        ("/no-such-page", StatusCode::NOT_FOUND),
    ] {
        let r = c.head(plain.url(path)).send().await.unwrap();
        assert_eq!(r.status(), want, "HEAD {path}");
        assert!(
            r.bytes().await.unwrap().is_empty(),
            "HEAD {path} has no body"
        );
    }
    let tls = TestApp::spawn_with(|s| s.secure_cookies = true).await;
    let r = tls.get_raw(&tls.client(), "/login").await;
    assert_eq!(
        r.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    assert_security_headers(&r, "HSTS page");
    let s = handoff::config::Settings {
        mail: handoff::config::MailSettings {
            public_url: "https://handoff.clinic.example".into(),
            ..Default::default()
        },
        ..handoff::config::Settings::for_data_dir("data".into(), None)
    };
    assert!(
        s.served_over_https(),
        "an https public address implies Secure cookies and HSTS"
    );
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_policy_says() {
    let f = fixture().await;
    let expected: BTreeMap<(&str, &str), &str> =
        EXPECTED.iter().map(|(m, p, e)| ((*m, *p), *e)).collect();
    let routes: Vec<(String, &str)> = ROUTES.iter().map(|(m, p)| (m.to_uppercase(), *p)).collect();
    for (m, p) in &routes {
        assert!(
            expected.contains_key(&(m.as_str(), *p)),
            "route {m} {p} has no row in the authorization matrix: add one"
        );
    }
    assert_eq!(
        expected.len(),
        routes.len(),
        "the matrix lists a route that does not exist"
    );
    let mut order: Vec<&(String, &str)> = routes.iter().filter(|(m, _)| m == "GET").collect();
    order.extend(
        routes
            .iter()
            .filter(|(m, p)| m == "POST" && !LAST.contains(p)),
    );
    for last in LAST {
        order.extend(routes.iter().filter(|(_, p)| p == last));
    }
    let mut wrong = Vec::new();
    for (m, p) in order {
        let want: Vec<char> = expected[&(m.as_str(), *p)].chars().collect();
        let mut got = String::new();
        for role in 0..ROLES.len() {
            let r = call(&f, m, p, role).await;
            assert_security_headers(&r, &format!("{m} {p} as {}", ROLES[role]));
            let c = classify(&r);
            got.push(c);
            if m == "GET" && r.status() == StatusCode::OK {
                // Seen once already: a second view writes no session.
                let hops = || f.app.svc.metrics.blocking_hops.load(Ordering::SeqCst);
                let before = hops();
                let again = call(&f, m, p, role).await;
                let n = hops() - before;
                let file = again
                    .headers()
                    .get("content-disposition")
                    .is_some_and(|v| v.as_bytes().starts_with(b"attachment"));
                if again.status() == StatusCode::OK && n > 1 && !file {
                    wrong.push(format!(
                        "{m} {p} as {}: {n} blocking-pool hops",
                        ROLES[role]
                    ));
                }
            }
            if c == '!' || (want[role] != '*' && want[role] != c) {
                wrong.push(format!(
                    "{m} {p} as {}: expected {}, got {} ({})",
                    ROLES[role],
                    want[role],
                    c,
                    r.status()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "authorization matrix:\n{}",
        wrong.join("\n")
    );
}

#[tokio::test]
async fn every_post_route_refuses_a_missing_or_wrong_csrf_token() {
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let before = (count_complaints(&app), app.audit_count(Audit::all()));
    for (m, p) in ROUTES.iter().filter(|(m, _)| *m == "post") {
        if *p == handoff::web::middleware::INGEST_PATH {
            continue; // bearer-token endpoint for MTAs, tested in external.rs
        }
        if p.starts_with(handoff::web::middleware::FHIR_PATH) {
            continue; // bearer tokens, no cookie: tested in fhir.rs
        }
        let path = p.replace("{id}", &pid).replace("{token}", &"0".repeat(64));
        for (label, form) in [
            ("missing", vec![("title", "x")]),
            (
                "wrong",
                vec![("csrf_token", "not-the-token"), ("title", "x")],
            ),
        ] {
            let (status, body, _) = app.post(&s.client, &path, &form).await;
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "{m} {p} with a {label} CSRF token"
            );
            assert!(body.contains("security token"), "{p}: the page says why");
        }
    }
    // Every change writes an audit row: none means no POST reached a handler.
    assert_eq!(
        (count_complaints(&app), app.audit_count(Audit::all())),
        before,
        "nothing was written"
    );
    // The session is still valid: the token was refused, not the user.
    let (status, _) = app.get(&s.client, "/patients").await;
    assert_eq!(status, StatusCode::OK);
}

fn count_complaints(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use handoff::db::schema::complaints;
    complaints::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

#[tokio::test]
async fn sql_metacharacters_and_script_are_stored_and_shown_inert() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let hostile = "Robert'); DROP TABLE patients;-- <script>alert(1)</script> \" onmouseover=\"x";
    let (status, body, _) = app
        .send(
            &gp,
            &format!("/patients/{pid}/complaints"),
            &[
                ("text", hostile),
                ("onset", "2026-11-01"),
                ("summary", hostile),
            ],
        )
        .await;
    assert!(
        status == StatusCode::SEE_OTHER || status == StatusCode::UNPROCESSABLE_ENTITY,
        "{status}: {body}"
    );
    let rid = app
        .referral()
        .by(&gp)
        .to(OTHER_CLINIC_DOC)
        .reason(hostile)
        .message(hostile)
        .section("complaint", hostile)
        .in_state(State::Sent)
        .await
        .id;
    let rx = app.login(OTHER_CLINIC_DOC, PW).await;
    for (who, path) in [
        (&gp, format!("/referrals/{rid}")),
        (&rx, format!("/referrals/{rid}")),
        (&rx, "/inbox".to_string()),
        (&gp, "/sent".to_string()),
        (&gp, format!("/patients/{pid}")),
    ] {
        let (status, page) = app.get(&who.client, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            !page.contains("<script>alert(1)</script>"),
            "{path} runs no script"
        );
        assert!(
            !page.contains("\" onmouseover=\"x"),
            "{path}: quotes cannot break out of an attribute"
        );
        assert!(
            page.contains("&#60;script&#62;alert(1)&#60;"),
            "{path} shows it as text: {}",
            page.find("alert(1)")
                .map_or("", |i| &page[i.saturating_sub(40)..i + 40])
        );
    }
    // The text was stored as typed and the tables are all still there.
    let (_, page) = app.get(&gp.client, "/patients").await;
    assert!(page.contains("Aarav"));
    let (_, page) = app.get(&gp.client, &format!("/referrals/{rid}")).await;
    assert!(page.contains("DROP TABLE patients;--"));
}
