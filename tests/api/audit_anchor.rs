//! The audit chain anchored outside the database: signed checkpoints in the object store
//! catch a history rewritten with every hash recomputed, which the chain alone cannot.

use chrono::Duration;
use diesel::prelude::*;
use handoff::db::audit::{AuditRow, at_text};
use handoff::db::schema::{audit_events, audit_head};
use handoff::domain::audit_anchor::{self as anchor, Checkpoint, Problem};
use handoff::services::audit_anchor::{Taken, Verdict, checkpoint_by_operator, scheduled, verify};
use handoff::services::audit_log;
use handoff::services::jobs;
use handoff::services::store::Store;
use reqwest::StatusCode;

use crate::builders::Audit;
use crate::helpers::*;

/// Adds `n` audited views of a chart.
async fn views(app: &TestApp, s: &Session, n: usize) {
    let pid = app.patient_id("Aarav Sharma");
    for _ in 0..n {
        let (status, _) = app.get(&s.client, &format!("/patients/{pid}")).await;
        assert_eq!(status, StatusCode::OK);
    }
}

/// Takes a checkpoint as `handoff audit-checkpoint` does; returns its seq.
fn checkpoint(app: &TestApp) -> i64 {
    match checkpoint_by_operator(&app.svc).unwrap() {
        Taken::New(cp) => cp.seq,
        other => panic!("no new checkpoint: {other:?}"),
    }
}

fn store(app: &TestApp) -> Store {
    app.svc.store.clone()
}

fn all_rows(app: &TestApp) -> Vec<AuditRow> {
    audit_events::table
        .order(audit_events::seq.asc())
        .select(AuditRow::as_select())
        .load(&mut *app.conn())
        .unwrap()
}

/// What an attacker with write access to the database does: the append-only triggers go.
fn drop_triggers(app: &TestApp) {
    let drops: &[&str] = if pg_admin_url().is_some() {
        &["ALTER TABLE audit_events DISABLE TRIGGER USER"]
    } else {
        &[
            "DROP TRIGGER audit_events_no_update",
            "DROP TRIGGER audit_events_no_delete",
        ]
    };
    for d in drops {
        diesel::sql_query(*d).execute(&mut *app.conn()).unwrap();
    }
}

/// Writes `rows` back as the whole table, every hash recomputed from the first row on, and
/// the head to match: the chain verifies as if this had always been the history.
fn rewrite_history(app: &TestApp, mut rows: Vec<AuditRow>) {
    let mut conn = app.conn();
    let mut prev = handoff::domain::audit::GENESIS.to_string();
    for r in &mut rows {
        r.prev_hash = prev.clone();
        let at = at_text(r.at);
        r.hash = handoff::domain::audit::hash(&prev, &r.content(&at));
        diesel::update(audit_events::table.filter(audit_events::id.eq(&r.id)))
            .set((
                audit_events::actor_role.eq(&r.actor_role),
                audit_events::detail.eq(&r.detail),
                audit_events::prev_hash.eq(&r.prev_hash),
                audit_events::hash.eq(&r.hash),
            ))
            .execute(&mut *conn)
            .unwrap();
        prev = r.hash.clone();
    }
    let last = rows.last().unwrap();
    diesel::update(audit_head::table)
        .set((
            audit_head::seq.eq(last.seq),
            audit_head::hash.eq(&last.hash),
        ))
        .execute(&mut *conn)
        .unwrap();
}

/// `handoff <args>` on the test's data: (exit status, standard output).
fn handoff(app: &TestApp, args: &[&str]) -> (Option<i32>, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_handoff"));
    cmd.arg("--data-dir")
        .arg(&app.settings.data_dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("HANDOFF_AUDIT_KEY")
        .env_remove("HANDOFF_AUDIT_KEY_FILE");
    app.store_env(&mut cmd);
    if let Some(url) = &app.settings.database_url {
        cmd.env("DATABASE_URL", url);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    (out.status.code(), format!("{stdout}{stderr}"))
}

#[tokio::test]
async fn a_history_rewritten_with_valid_hashes_is_named_at_the_first_checkpoint_it_breaks() {
    let app = TestApp::spawn_without_jobs().await;
    let gp = app.login(GP, PW).await;
    views(&app, &gp, 3).await;
    let first = checkpoint(&app);
    views(&app, &gp, 3).await;
    let second = checkpoint(&app);
    views(&app, &gp, 3).await;
    let third = checkpoint(&app);
    assert!(first < second && second < third);

    // The attacker drops the triggers and rewrites the whole table and the head. The row
    // changed lies after the first checkpoint and before the second.
    drop_triggers(&app);
    let mut rows = all_rows(&app);
    let target = rows.iter().position(|r| r.seq == first + 2).unwrap();
    rows[target].actor_role = "clinic_admin".into();
    rows[target].detail = "nothing to see".into();
    let old_second_hash = rows.iter().find(|r| r.seq == second).unwrap().hash.clone();
    rewrite_history(&app, rows);

    // The chain alone is fooled: it verifies.
    let rows = all_rows(&app).len() as i64;
    assert_eq!(
        audit_log::verify(&mut app.conn()).unwrap(),
        audit_log::Verdict::Ok { rows }
    );
    // The checkpoints are not: the first still matches, the second is named.
    let new_second_hash = all_rows(&app)
        .into_iter()
        .find(|r| r.seq == second)
        .unwrap()
        .hash;
    match verify(&app.svc).unwrap() {
        Verdict::Checkpoint { seq, at, problem } => {
            assert_eq!(seq, second);
            assert!(at.starts_with(&app.clock_now().format("%Y-%m-%d").to_string()));
            assert_eq!(
                problem,
                Problem::Rewritten {
                    seq: second,
                    row_hash: new_second_hash.clone(),
                    signed_hash: old_second_hash.clone(),
                }
            );
        }
        v => panic!("the rewrite was not found: {v:?}"),
    }
    // The command says so, with the chain's exit status.
    let (code, out) = handoff(&app, &["verify-audit"]);
    assert_eq!(code, Some(3), "{out}");
    let label = anchor::label(second);
    assert!(
        out.contains(&format!(
            "checkpoint {label} of {}",
            app.clock_now().format("%Y-%m-%d")
        )) && out.contains(&format!(
            "row {second} has hash {new_second_hash}, the checkpoint signed {old_second_hash}: history was rewritten"
        )),
        "{out}"
    );
    // And no new checkpoint vouches for the forged history.
    views(&app, &gp, 1).await;
    let refused = scheduled(
        &app.svc.pool,
        &store(&app),
        &app.svc.anchor,
        app.clock_now(),
    );
    let err = refused.unwrap_err().to_string();
    assert!(err.contains("does not verify"), "{err}");
    assert_eq!(
        store(&app).list_objects(anchor::PREFIX).unwrap().len(),
        3,
        "nothing signed"
    );
}

#[tokio::test]
async fn an_untouched_log_verifies_against_its_checkpoints() {
    let app = TestApp::spawn_without_jobs().await;
    let gp = app.login(GP, PW).await;
    views(&app, &gp, 2).await;
    let first = checkpoint(&app);
    views(&app, &gp, 2).await;
    checkpoint(&app);
    let names = store(&app).list_objects(anchor::PREFIX).unwrap();
    assert_eq!(names[0], format!("audit/checkpoints/{first:012}.json"));
    let rows = all_rows(&app).len() as i64;
    assert_eq!(
        verify(&app.svc).unwrap(),
        Verdict::Ok {
            rows,
            checkpoints: 2
        }
    );
    let (code, out) = handoff(&app, &["verify-audit"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.starts_with(&format!("ok, {rows} rows, 2 checkpoints")),
        "{out}"
    );
    // The command takes one too, and records that it did.
    let (code, out) = handoff(&app, &["audit-checkpoint"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(&format!("signed at row {rows}")), "{out}");
    assert_eq!(app.audit_count(Audit::action("audit_checkpoint")), 3);
}

#[tokio::test]
async fn a_checkpoint_with_a_forged_signature_or_another_key_is_reported() {
    let app = TestApp::spawn_without_jobs().await;
    let gp = app.login(GP, PW).await;
    views(&app, &gp, 2).await;
    let seq = checkpoint(&app);
    let name = anchor::object_name(seq);
    let real: Checkpoint =
        serde_json::from_slice(&store(&app).get_object(&name).unwrap().unwrap()).unwrap();

    // Another key's checkpoint over the same row: named by that key's fingerprint.
    let theirs = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let forged = anchor::sign(&theirs, seq, &real.hash, app.clock_now());
    let put = |cp: &Checkpoint| {
        store(&app)
            .put_object(&name, &serde_json::to_vec(cp).unwrap())
            .unwrap()
    };
    put(&forged);
    match verify(&app.svc).unwrap() {
        Verdict::Checkpoint {
            seq: s,
            problem: Problem::OtherKey { fingerprint },
            ..
        } => {
            assert_eq!(s, seq);
            assert_eq!(fingerprint, anchor::fingerprint(&forged.public_key));
        }
        v => panic!("another key's checkpoint passed: {v:?}"),
    }
    // Our public key with a signature that is not ours.
    let mut faked = real.clone();
    faked.hash = "f".repeat(64);
    put(&faked);
    assert!(matches!(
        verify(&app.svc).unwrap(),
        Verdict::Checkpoint {
            problem: Problem::BadSignature,
            ..
        }
    ));
    let (code, out) = handoff(&app, &["verify-audit"]);
    assert_eq!(code, Some(3), "{out}");
    assert!(out.contains("the signature does not verify"), "{out}");
    // The real one back: all is well again.
    put(&real);
    assert!(matches!(verify(&app.svc).unwrap(), Verdict::Ok { .. }));
}

#[tokio::test]
async fn deleting_the_newest_rows_leaves_a_checkpoint_past_the_head() {
    let app = TestApp::spawn_without_jobs().await;
    let gp = app.login(GP, PW).await;
    views(&app, &gp, 2).await;
    let kept = checkpoint(&app);
    views(&app, &gp, 3).await;
    let gone = checkpoint(&app);
    drop_triggers(&app);
    diesel::delete(audit_events::table.filter(audit_events::seq.gt(kept)))
        .execute(&mut *app.conn())
        .unwrap();
    rewrite_history(&app, all_rows(&app));
    assert!(matches!(
        audit_log::verify(&mut app.conn()).unwrap(),
        audit_log::Verdict::Ok { .. }
    ));
    match verify(&app.svc).unwrap() {
        Verdict::Checkpoint { seq, problem, .. } => {
            assert_eq!(seq, gone);
            assert_eq!(problem, Problem::Deleted { head_seq: kept });
        }
        v => panic!("the deletion was not found: {v:?}"),
    }
}

#[tokio::test]
async fn the_interval_job_signs_only_when_the_log_moved() {
    let app = TestApp::spawn_without_jobs().await;
    let every = app.svc.anchor.every;
    assert_eq!(every, Duration::minutes(60), "the default interval");
    let specs = [jobs::checkpoint_spec(every)];
    let env = jobs::Env::of(&app.svc);
    let count = || store(&app).list_objects(anchor::PREFIX).unwrap().len();
    jobs::ensure(&app.svc.pool, &specs, app.clock_now()).unwrap();
    // Not before one interval has passed.
    assert!(jobs::run_due(&env, "me", &specs).unwrap().is_empty());
    app.clock.advance(every + Duration::seconds(1));
    // An empty log has nothing to sign.
    let ran = jobs::run_due(&env, "me", &specs).unwrap();
    assert!(
        ran[0].1.as_ref().is_ok_and(|s| s.contains("empty")),
        "{ran:?}"
    );
    assert_eq!(count(), 0);
    app.login(GP, PW).await;
    app.clock.advance(every + Duration::seconds(1));
    let ran = jobs::run_due(&env, "me", &specs).unwrap();
    assert!(
        ran[0].1.as_ref().is_ok_and(|s| s.contains("signed")),
        "{ran:?}"
    );
    assert_eq!(count(), 1);
    // An hour without a new row: the job runs and signs nothing.
    app.clock.advance(every + Duration::seconds(1));
    let ran = jobs::run_due(&env, "me", &specs).unwrap();
    assert!(
        ran[0].1.as_ref().is_ok_and(|s| s.contains("not moved")),
        "{ran:?}"
    );
    assert_eq!(count(), 1);
    // A new row: the next run signs it.
    app.login(GP, PW).await;
    app.clock.advance(every + Duration::seconds(1));
    jobs::run_due(&env, "me", &specs).unwrap();
    assert_eq!(count(), 2);
    let (head, _) = handoff::db::audit::head(&mut app.conn()).unwrap();
    assert!(
        store(&app)
            .get_object(&anchor::object_name(head))
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn the_admin_signs_a_checkpoint_from_the_audit_page() {
    let app = TestApp::spawn_without_jobs().await;
    let admin = app.login(ADMIN, PW).await;
    let (_, page) = app.get(&admin.client, "/admin/audit").await;
    assert!(page.contains("No checkpoint has been taken yet."));
    let (status, _, loc) = app.send(&admin, "/admin/audit/checkpoint", &[]).await;
    assert_eq!(
        (status, loc.as_deref()),
        (StatusCode::SEE_OTHER, Some("/admin/audit"))
    );
    let names = store(&app).list_objects(anchor::PREFIX).unwrap();
    assert_eq!(names.len(), 1);
    let seq = anchor::seq_of_name(&names[0]).unwrap();
    let key = app.svc.anchor.key.as_ref().unwrap();
    let fingerprint = anchor::fingerprint(&hex::encode(key.verifying_key().as_bytes()));
    let (_, page) = app.get(&admin.client, "/admin/audit").await;
    let label = anchor::label(seq);
    assert!(
        page.contains(&format!("Checkpoint {label} signed and stored."))
            && page.contains(&format!("<strong>{label}</strong>"))
            && page.contains(&fingerprint)
            && !page.contains("not this server"),
        "{page}"
    );
    // The request is in the log, by the admin.
    let admin_id = app.user_id(ADMIN);
    assert_eq!(
        app.audit_count(Audit::action("audit_checkpoint").by(&admin_id)),
        1
    );
}
