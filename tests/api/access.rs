//! The authorization matrix over the states that end access: for each state, who still
//! reads a referral's clinical details (the page's message, snapshot and answers, the
//! answer file, the letter). Access ends with its reason: the patient's consent, the
//! referral itself, the sender's place in the care team, the outside doctor's link.

use reqwest::StatusCode;

use crate::builders::*;
use crate::external::{link_token_in, mail_settings, refer_outside, text_of};
use crate::helpers::*;
use crate::privacy::shared_referral;

/// Per state, what the sender and the receiver read: page, file, letter (Y or N each).
const IN_NETWORK: &[(&str, &str, &str)] = &[
    ("live", "YYY", "YYY"),
    ("consent withdrawn", "YYY", "NNN"),
    ("cancelled", "YYY", "NNN"),
    ("declined by the receiver", "YYY", "NNN"),
    ("sender taken off the care team", "NNN", "YYY"),
];

/// Per state, what an outside doctor's link opens: page details, file, letter.
const THROUGH_A_LINK: &[(&str, &str)] = &[
    ("live", "YYY"),
    ("consent withdrawn", "NNN"),
    ("cancelled", "NNN"),
    ("link withdrawn", "NNN"),
    ("link expired", "NNN"),
    // The outside doctor keeps what was shared with them; the sender can no longer send
    // the details again or elsewhere.
    ("sender taken off the care team", "YYY"),
];

fn yn(b: bool) -> char {
    if b { 'Y' } else { 'N' }
}

/// What `client` opens: the page's details (all of `markers`, or none of them), the file,
/// the letter; as three Y/N.
async fn opens(
    app: &TestApp,
    client: &reqwest::Client,
    (page, file, letter): (&str, &str, &str),
    markers: &[&str],
) -> String {
    let (_, body) = app.get(client, page).await;
    let details = markers.iter().all(|m| body.contains(m));
    assert!(
        details || markers.iter().all(|m| !body.contains(m)),
        "all or nothing of the details: {body}"
    );
    let r = app.get_raw(client, file).await;
    let file_ok = r.status() == StatusCode::OK && r.text().await.unwrap().contains("SECRET ECG");
    let letter = app.get_raw(client, letter).await.status() == StatusCode::OK;
    [details, file_ok, letter].into_iter().map(yn).collect()
}

/// Page, file, letter for one signed-in party; the referral itself stays listed.
async fn reads(app: &TestApp, s: &Session, id: &str, file: &str) -> String {
    let (status, _) = app.get(&s.client, &format!("/referrals/{id}")).await;
    assert_eq!(status, StatusCode::OK, "the referral itself stays listed");
    let page = format!("/referrals/{id}");
    let letter = format!("/referrals/{id}/letter.pdf");
    opens(
        app,
        &s.client,
        (&page, file, &letter),
        &["SECRET-MESSAGE", "SECRET-SNAPSHOT", "SECRET-ANSWER"],
    )
    .await
}

/// Brings a referral into a state both kinds share; `false` for any other state.
async fn end_in_common(app: &TestApp, gp: &Session, id: &str, state: &str) -> bool {
    match state {
        "live" => {}
        "consent withdrawn" => {
            let patient = app.login(PATIENT_A, PW).await;
            withdraw_first_consent(app, &patient).await;
        }
        "cancelled" => {
            app.act(gp, id, "cancel", &[("note", "Seen elsewhere")])
                .await
                .ok("cancel");
        }
        _ => return false,
    }
    true
}

/// A colleague joins Aarav's care team, then takes the GP (who sent the referrals) off it;
/// the chart closes to the GP.
async fn take_the_sender_off_the_care_team(app: &TestApp, gp: &Session) {
    let pid = app.patient_id("Aarav Sharma");
    let colleague = app.user_id(GP2);
    let (status, _, _) = app
        .send(
            gp,
            &format!("/patients/{pid}/care-team"),
            &[("practitioner_id", &colleague)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let gp2 = app.login(GP2, PW).await;
    let gp_id = app.user_id(GP);
    let (status, _, _) = app
        .send(
            &gp2,
            &format!("/patients/{pid}/care-team/{gp_id}/remove"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = app.get(&gp.client, &format!("/patients/{pid}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the chart is closed too");
}

async fn in_network_state(state: &str) -> (String, String) {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let rx = app.login(OTHER_CLINIC_DOC, PW).await;
    let (id, file) = shared_referral(&app, &gp, &rx).await;
    match state {
        _ if end_in_common(&app, &gp, &id, state).await => {}
        "declined by the receiver" => {
            app.act(
                &rx,
                &id,
                "reject",
                &[("code", "out_of_scope"), ("note", "Please refer elsewhere")],
            )
            .await
            .ok("reject");
        }
        "sender taken off the care team" => take_the_sender_off_the_care_team(&app, &gp).await,
        other => panic!("no such state {other}"),
    }
    (
        reads(&app, &gp, &id, &file).await,
        reads(&app, &rx, &id, &file).await,
    )
}

#[tokio::test]
async fn who_reads_a_referrals_details_in_each_state_that_ends_access() {
    let mut got = Vec::new();
    for (state, _, _) in IN_NETWORK {
        let (s, r) = in_network_state(state).await;
        got.push(format!("{state}: sender {s}, receiver {r}"));
    }
    let want: Vec<String> = IN_NETWORK
        .iter()
        .map(|(state, s, r)| format!("{state}: sender {s}, receiver {r}"))
        .collect();
    assert_eq!(got, want);
}

/// An outside referral with an answered ask and its file, brought into `state`; returns
/// what a fresh browser with the link opens (page details, file, letter).
async fn outside_state(state: &str) -> String {
    let sink = SmtpSink::started();
    let port = sink.port;
    let app = TestApp::spawn_with(|s| mail_settings(s, Some(port))).await;
    let gp = app.login(GP, PW).await;
    let id = refer_outside(&app, &gp).await;
    let raw = eventually("the letter", || sink.messages().into_iter().next()).await;
    let token = link_token_in(&text_of(&raw).2);
    let doctor = app.client();
    let (_, page) = app.get(&doctor, &format!("/l/{token}")).await;
    app.act_on_page(
        &doctor,
        &page,
        &format!("/l/{token}/request_info"),
        &[("note", "Prior ECG")],
    )
    .await
    .ok("request_info");
    answer_the_ask_with_a_file(&app, &gp, &id).await;
    let (_, page) = app.get(&doctor, &format!("/l/{token}")).await;
    let file = page
        .split("href=\"")
        .find(|p| p.starts_with(&format!("/l/{token}/files/")))
        .expect("the answer file on the link page")
        .split('"')
        .next()
        .unwrap()
        .to_string();
    match state {
        _ if end_in_common(&app, &gp, &id, state).await => {}
        "link withdrawn" => {
            let (status, _, _) = app
                .send(&gp, &format!("/referrals/{id}/link/revoke"), &[])
                .await;
            assert_eq!(status, StatusCode::SEE_OTHER);
        }
        "sender taken off the care team" => {
            take_the_sender_off_the_care_team(&app, &gp).await;
            for (action, form) in [
                ("link/resend", vec![]),
                ("address", vec![("email", "elsewhere@example.org")]),
            ] {
                let (status, _, _) = app
                    .send(&gp, &format!("/referrals/{id}/{action}"), &form)
                    .await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{action}");
            }
        }
        "link expired" => {
            app.clock
                .advance(chrono::Duration::days(30) + chrono::Duration::minutes(1));
        }
        other => panic!("no such state {other}"),
    }
    let page = format!("/l/{token}");
    let letter = format!("/l/{token}/letter.pdf");
    opens(
        &app,
        &app.client(),
        (&page, &file, &letter),
        &["COMPLAINTMARK", "SECRET-ANSWER"],
    )
    .await
}

#[tokio::test]
async fn what_an_outside_doctors_link_opens_in_each_state_that_ends_access() {
    let mut got = Vec::new();
    for (state, _) in THROUGH_A_LINK {
        got.push(format!("{state}: {}", outside_state(state).await));
    }
    let want: Vec<String> = THROUGH_A_LINK
        .iter()
        .map(|(state, w)| format!("{state}: {w}"))
        .collect();
    assert_eq!(got, want);
}

#[tokio::test]
async fn a_care_team_keeps_its_last_member_and_a_leaver_is_told() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let gp_id = app.user_id(GP);
    let leave = format!("/patients/{pid}/care-team/{gp_id}/remove");
    let (_, page) = app.get(&gp.client, &format!("/patients/{pid}")).await;
    assert!(
        !page.contains(&leave),
        "the only member is not offered to leave"
    );
    let (status, body, _) = app.send(&gp, &leave, &[]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("only active practitioner"), "{body}");
    // Someone outside the team cannot take anyone off it.
    let other = app.login(UNRELATED, PW).await;
    let (status, _, _) = app.send(&other, &leave, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // With a colleague in the team, the GP may leave; the chart closes to them.
    let colleague = app.user_id(GP2);
    app.send(
        &gp,
        &format!("/patients/{pid}/care-team"),
        &[("practitioner_id", &colleague)],
    )
    .await;
    let (_, page) = app.get(&gp.client, &format!("/patients/{pid}")).await;
    assert!(page.contains(&leave) && page.contains("Leave the care team"));
    let (status, _, location) = app.send(&gp, &leave, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/patients"));
    let (status, _) = app.get(&gp.client, &format!("/patients/{pid}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = app.send(&gp, &leave, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not in the team any more");
    assert_eq!(app.audit_count(Audit::action("care_team_removed")), 1);
}
