use diesel::prelude::*;
use futures::future::join_all;
use handoff::services::audit_log::{Verdict, verify};
use reqwest::StatusCode;

use crate::builders::*;
use crate::helpers::*;

const CARDIO: &str = "farah.siddiqui@harbour.example";

fn rows(app: &TestApp, action: &str) -> Vec<handoff::db::audit::AuditRow> {
    use handoff::db::schema::audit_events;
    audit_events::table
        .filter(audit_events::action.eq(action))
        .order(audit_events::seq.asc())
        .select(handoff::db::audit::AuditRow::as_select())
        .load(&mut *app.conn())
        .unwrap()
}

/// Sends a consented referral from the GP to the cardiologist; returns its id.
async fn referral(app: &TestApp, gp: &Session, secret: &str) -> String {
    app.referral()
        .by(gp)
        .to(CARDIO)
        .reason("Palpitations")
        .section("complaint", secret)
        .in_state(State::Sent)
        .await
        .id
}

#[tokio::test]
async fn each_audited_action_writes_exactly_one_row_with_actor_patient_and_subject() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let gp_id = app.user_id(GP);
    let pid = app.patient_id("Aarav Sharma");
    assert_eq!(app.audit_count(Audit::action("login").by(&gp_id)), 1);
    app.get(&gp.client, &format!("/patients/{pid}")).await;
    let views = rows(&app, "chart_viewed");
    assert_eq!(views.len(), 1);
    assert_eq!(
        (
            views[0].actor_id.as_deref(),
            views[0].patient_id.as_deref(),
            views[0].subject_id.as_str()
        ),
        (Some(gp_id.as_str()), Some(pid.as_str()), pid.as_str())
    );
    let id = referral(&app, &gp, "Irregular pulse").await;
    assert_eq!(
        app.audit_count(Audit::action("referral_created").subject(&id)),
        1
    );
    assert_eq!(
        app.audit_count(Audit::action("consent_recorded").subject(&id)),
        1
    );
    assert_eq!(
        app.audit_count(Audit::action("referral_transition").subject(&id)),
        1,
        "the send"
    );
    let rx = app.login(CARDIO, PW).await;
    app.get(&rx.client, &format!("/referrals/{id}")).await;
    let seen = rows(&app, "snapshot_viewed");
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].actor_id.as_deref(),
        Some(app.user_id(CARDIO).as_str())
    );
    assert_eq!(seen[0].patient_id.as_deref(), Some(pid.as_str()));
    // A failed sign-in and a sign-out are rows too.
    let c = app.client();
    let (_, body) = app.get(&c, "/login").await;
    app.post(
        &c,
        "/login",
        &[
            ("csrf_token", &csrf_of(&body)),
            ("email", GP),
            ("password", "wrong"),
        ],
    )
    .await;
    assert_eq!(app.audit_count(Audit::action("login_failed")), 1);
    app.send(&gp, "/logout", &[]).await;
    assert_eq!(app.audit_count(Audit::action("logout")), 1);
    assert_eq!(
        verify(&mut app.conn()).unwrap(),
        Verdict::Ok {
            rows: app.audit_count(Audit::all())
        }
    );
}

#[tokio::test]
async fn the_database_refuses_update_and_delete_on_the_audit_log() {
    let app = TestApp::spawn().await;
    app.login(GP, PW).await;
    let mut conn = app.conn();
    let upd = diesel::sql_query("UPDATE audit_events SET detail = 'rewritten'").execute(&mut *conn);
    assert!(upd.unwrap_err().to_string().contains("append-only"));
    let del = diesel::sql_query("DELETE FROM audit_events").execute(&mut *conn);
    assert!(del.unwrap_err().to_string().contains("append-only"));
    assert_eq!(verify(&mut conn).unwrap(), Verdict::Ok { rows: 1 });
}

#[tokio::test]
async fn a_row_forged_by_raw_sql_is_found_at_its_position() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    for _ in 0..5 {
        app.get(&gp.client, &format!("/patients/{pid}")).await;
    }
    let target = rows(&app, "chart_viewed")[2].seq;
    {
        let mut conn = app.conn();
        let drop = if pg_admin_url().is_some() {
            "ALTER TABLE audit_events DISABLE TRIGGER USER"
        } else {
            "DROP TRIGGER audit_events_no_update"
        };
        diesel::sql_query(drop).execute(&mut *conn).unwrap();
        diesel::sql_query(format!(
            "UPDATE audit_events SET actor_role = 'clinic_admin' WHERE seq = {target}"
        ))
        .execute(&mut *conn)
        .unwrap();
    }
    match verify(&mut app.conn()).unwrap() {
        Verdict::Broken { seq, reason, .. } => {
            assert_eq!(seq, target);
            assert!(reason.contains("altered"), "{reason}");
        }
        v => panic!("forgery not found: {v:?}"),
    }
    // The command says so too, with its own exit status.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_handoff"));
    cmd.args([
        "--data-dir",
        app.settings.data_dir.to_str().unwrap(),
        "verify-audit",
    ])
    .env_remove("DATABASE_URL");
    if let Some(url) = &app.settings.database_url {
        cmd.env("DATABASE_URL", url);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("audit chain broken at row {target}")),
        "{stdout}"
    );
}

#[tokio::test]
async fn verify_audit_prints_ok_with_the_row_count() {
    let app = TestApp::spawn().await;
    app.login(GP, PW).await;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_handoff"));
    cmd.args([
        "--data-dir",
        app.settings.data_dir.to_str().unwrap(),
        "verify-audit",
    ])
    .env_remove("DATABASE_URL");
    if let Some(url) = &app.settings.database_url {
        cmd.env("DATABASE_URL", url);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "ok, 1 rows, 0 checkpoints"
    );
}

#[tokio::test]
async fn eight_concurrent_writers_keep_the_chain_valid() {
    let app = TestApp::spawn().await;
    let pid = app.patient_id("Aarav Sharma");
    let mut sessions = Vec::new();
    for _ in 0..8 {
        sessions.push(app.login(GP, PW).await);
    }
    let before = app.audit_count(Audit::all());
    let work = sessions.iter().map(|s| {
        let url = app.url(&format!("/patients/{pid}"));
        let c = s.client.clone();
        async move {
            for _ in 0..10 {
                assert_eq!(c.get(&url).send().await.unwrap().status(), StatusCode::OK);
            }
        }
    });
    join_all(work).await;
    let after = app.audit_count(Audit::all());
    assert_eq!(after - before, 80);
    assert_eq!(
        verify(&mut app.conn()).unwrap(),
        Verdict::Ok { rows: after }
    );
}

/// A send that repeats an open referral writes its reason's audit row before it moves the
/// analytics counters; a first send moves the counters first. On PostgreSQL, a repeat
/// holding the chain head while waiting for a counter a first send held (which then waited
/// for the head) deadlocked, and sends failed with a 500 under load, until audit rows went
/// last in their transaction.
#[tokio::test]
async fn concurrent_first_and_repeated_sends_all_go_through() {
    use handoff::db::schema::{clinics, patients, referrals};
    let app = TestApp::spawn().await;
    let to = "ananya.bose@northgate.example";
    let aarav = app.patient_id("Aarav Sharma");
    // Aarav already has an open referral to her: his sends below repeat it.
    app.referral().to(to).in_state(State::Sent).await;
    let firsts: Vec<String> = patients::table
        .inner_join(clinics::table.on(clinics::id.eq(patients::clinic_id)))
        .filter(clinics::name.eq("Lakeside Family Clinic"))
        .filter(patients::id.ne(&aarav))
        .select(patients::id)
        .load(&mut *app.conn())
        .unwrap();
    assert!(firsts.len() >= 4, "the demo clinic has patients to refer");
    let mut sessions = Vec::new();
    for _ in 0..8 {
        sessions.push(app.login(GP, PW).await);
    }
    // Each first send among three repeats, all at once.
    let pids: Vec<&String> = firsts
        .iter()
        .flat_map(|p| [p, &aarav, &aarav, &aarav])
        .collect();
    let sends = pids.iter().enumerate().map(|(i, pid)| {
        app.referral()
            .by(&sessions[i % sessions.len()])
            .patient_id(pid)
            .to(to)
            .duplicate_reason("Load: one more on purpose")
            .post("send")
    });
    let answers = join_all(sends).await;
    let refused: Vec<_> = answers
        .iter()
        .filter(|a| a.status != StatusCode::SEE_OTHER)
        .map(|a| {
            (
                a.status,
                a.body.split("<title>").nth(1).map(|t| t.split('<').next()),
            )
        })
        .collect();
    assert!(
        refused.is_empty(),
        "{} of {} sends failed: {refused:?}",
        refused.len(),
        pids.len()
    );
    let sent: i64 = referrals::table
        .filter(referrals::receiver_id.eq(app.user_id(to)))
        .filter(referrals::status.eq("sent"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(sent, pids.len() as i64 + 1);
    let rows = app.audit_count(Audit::all());
    assert_eq!(verify(&mut app.conn()).unwrap(), Verdict::Ok { rows });
}

#[tokio::test]
async fn withdrawing_consent_stops_snapshot_access_at_once() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let id = referral(&app, &gp, "WITHDRAW-ME palpitations at rest").await;
    let rx = app.login(CARDIO, PW).await;
    assert!(
        app.get(&rx.client, &format!("/referrals/{id}"))
            .await
            .1
            .contains("WITHDRAW-ME")
    );
    let patient = app.login(PATIENT_A, PW).await;
    let (_, list) = app.get(&patient.client, "/portal/consents").await;
    assert!(list.contains("Shared with Dr Farah Siddiqui") && list.contains("Chief complaint"));
    let action = withdraw_first_consent(&app, &patient).await;
    let (status, page) = app.get(&rx.client, &format!("/referrals/{id}")).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the receiver still sees that the referral exists"
    );
    assert!(!page.contains("WITHDRAW-ME"), "but not the snapshot");
    assert!(page.contains("withdrew consent"));
    let (_, notes) = app.get(&gp.client, "/notifications").await;
    assert!(notes.contains("withdrew consent"), "the sender is notified");
    let (_, list) = app.get(&patient.client, "/portal/consents").await;
    assert!(list.contains("Withdrawn"));
    let (status, _, _) = app
        .send(&patient, &format!("/portal/consents/{action}"), &[])
        .await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "a second withdrawal is a no-op with a message"
    );
    assert_eq!(
        app.audit_count(
            Audit::action("consent_withdrawn").subject(action.trim_end_matches("/withdraw"))
        ),
        1
    );
}

#[tokio::test]
async fn a_patient_sees_who_viewed_their_data_within_the_second() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    app.get(&gp.client, &format!("/patients/{pid}")).await; // care team: not listed
    let id = referral(&app, &gp, "Chest pain").await;
    let rx = app.login(CARDIO, PW).await;
    app.get(&rx.client, &format!("/referrals/{id}")).await;
    let when = app.clock_now().format("%Y-%m-%d %H:%M:%S").to_string();
    let patient = app.login(PATIENT_A, PW).await;
    let (_, page) = app.get(&patient.client, "/portal/access").await;
    let row = page
        .split("<tr>")
        .find(|r| r.contains("Dr Farah Siddiqui"))
        .expect("the receiver's view is listed");
    assert!(
        row.contains(&when),
        "listed with the second it happened: {row}"
    );
    assert!(row.contains("Read the clinical details"));
    assert!(
        !page.contains("Opened your health record"),
        "the GP's own care is not listed as an access"
    );
    assert!(
        page.contains("Consent to share recorded"),
        "shares are listed"
    );
}

#[tokio::test]
async fn admins_read_filter_and_export_their_clinics_log() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    app.get(&gp.client, &format!("/patients/{pid}")).await;
    let admin = app.login(ADMIN, PW).await;
    let (status, page) = app
        .get(&admin.client, "/admin/audit?action=chart_viewed")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Dr Asha Kulkarni") && page.contains(&pid));
    assert!(!page.contains("<td>login"), "filtered by action");
    let (_, by_actor) = app
        .get(&admin.client, &format!("/admin/audit?actor={GP}"))
        .await;
    assert!(by_actor.contains("chart_viewed"));
    let r = app
        .get_raw(&admin.client, "/admin/audit.csv?action=chart_viewed")
        .await;
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = r.text().await.unwrap();
    assert_eq!(csv.lines().count(), 2, "header and one row: {csv}");
    assert!(csv.contains("\"chart_viewed\""));
    assert_eq!(
        app.audit_count(Audit::action("audit_exported")),
        1,
        "the export is audited"
    );
    let other = app.login(OTHER_ADMIN, PW).await;
    let (_, theirs) = app
        .get(&other.client, "/admin/audit?action=chart_viewed")
        .await;
    assert!(
        !theirs.contains(&pid),
        "another clinic's admin does not see it"
    );
    assert_eq!(
        app.get(&gp.client, "/admin/audit").await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn more_concurrent_views_than_pooled_connections_are_all_served_and_audited() {
    let app = TestApp::spawn().await;
    let pid = app.patient_id("Aarav Sharma");
    let s = app.login(GP, PW).await;
    let before = app.audit_count(Audit::all());
    // The pool has 8 connections; 40 views at once must not starve the audit writer.
    let views = (0..40).map(|_| {
        let req = s.client.get(app.url(&format!("/patients/{pid}")));
        async move { req.send().await.unwrap().status() }
    });
    let statuses = join_all(views).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(app.audit_count(Audit::all()) - before, 40);
    assert_eq!(
        verify(&mut app.conn()).unwrap(),
        Verdict::Ok {
            rows: app.audit_count(Audit::all())
        }
    );
}

#[tokio::test]
async fn a_row_rewritten_with_a_recomputed_hash_is_named_and_replace_is_refused() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    for _ in 0..4 {
        app.get(&gp.client, &format!("/patients/{pid}")).await;
    }
    if pg_admin_url().is_none() {
        // INSERT OR REPLACE deletes the old row: the DELETE trigger must fire for it.
        let r = diesel::sql_query(
            "INSERT OR REPLACE INTO audit_events SELECT * FROM audit_events WHERE seq = 2",
        )
        .execute(&mut *app.conn());
        assert!(r.unwrap_err().to_string().contains("append-only"));
    }
    let target = rows(&app, "chart_viewed")[1].clone();
    let mut forged = target.clone();
    forged.actor_role = "clinic_admin".into();
    let at = handoff::db::audit::at_text(forged.at);
    let rehash = handoff::domain::audit::hash(&forged.prev_hash, &forged.content(&at));
    {
        let mut conn = app.conn();
        let drop = if pg_admin_url().is_some() {
            "ALTER TABLE audit_events DISABLE TRIGGER USER"
        } else {
            "DROP TRIGGER audit_events_no_update"
        };
        diesel::sql_query(drop).execute(&mut *conn).unwrap();
        diesel::sql_query(format!(
            "UPDATE audit_events SET actor_role = 'clinic_admin', hash = '{rehash}' WHERE seq = {}",
            target.seq
        ))
        .execute(&mut *conn)
        .unwrap();
    }
    match verify(&mut app.conn()).unwrap() {
        Verdict::Broken { seq, reason, .. } => {
            assert_eq!(seq, target.seq, "{reason}");
            assert!(reason.contains("altered"));
        }
        v => panic!("not found: {v:?}"),
    }
}

#[tokio::test]
async fn who_viewed_my_data_never_tells_the_patient_of_a_rejection() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let id = referral(&app, &gp, "Chest pain").await;
    let rx = app.login(CARDIO, PW).await;
    let rejected = app
        .act(
            &rx,
            &id,
            "reject",
            &[("code", "no_capacity"), ("note", "Full")],
        )
        .await;
    assert_eq!(rejected.status, StatusCode::SEE_OTHER);
    let patient = app.login(PATIENT_A, PW).await;
    let (_, access) = app.get(&patient.client, "/portal/access").await;
    assert!(access.contains("Sent a referral about you"));
    assert!(
        !access.to_lowercase().contains("reject") && !access.contains("Full"),
        "{access}"
    );
}
