//! Past one machine (issue 19): backups that restore (`handoff backup` run as a process
//! while referrals are being sent, `handoff restore` into a fresh folder, everything
//! acknowledged before the backup began found whole), their refusals, and `/readyz`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use futures::future::join_all;
use reqwest::StatusCode;

use crate::builders::*;
use crate::helpers::*;

/// Runs the real `handoff` binary on a data folder (SQLite there unless `database_url`).
fn handoff(data_dir: &Path, database_url: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_handoff"));
    cmd.arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    cmd.output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\n{}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn temp_dir(what: &str) -> PathBuf {
    std::env::temp_dir().join(format!("handoff-{what}-{}", uuid::Uuid::now_v7()))
}

/// Removes the test's own folders however the test ends.
struct Cleanup(Vec<PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for d in &self.0 {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

/// Uploads a small PDF to the patient's chart through the chart's form.
async fn upload_chart_file(app: &TestApp, s: &Session, pid: &str, title: &str) {
    let body = format!("%PDF-1.4\n% {title}\n%%EOF\n").into_bytes();
    let r = upload_chart_pdf(app, s, pid, title, body).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "uploading {title}");
}

/// (status, snapshot) of referrals by id, from any SQLite connection.
fn referral_rows(
    conn: &mut SqliteConnection,
    ids: &[String],
) -> std::collections::BTreeMap<String, (String, String)> {
    use handoff::db::schema::referrals as r;
    r::table
        .filter(r::id.eq_any(ids))
        .select((r::id, r::status, r::snapshot))
        .load::<(String, String, String)>(conn)
        .unwrap()
        .into_iter()
        .map(|(id, status, snapshot)| (id, (status, snapshot)))
        .collect()
}

#[tokio::test]
async fn a_backup_taken_under_load_restores_every_referral_acknowledged_before_it() {
    // SQLite only: on PostgreSQL `handoff backup` prints pg_dump's commands instead of
    // copying (tested below), and the copy itself is PostgreSQL's own tool's business.
    if pg_admin_url().is_some() {
        return;
    }
    let app = TestApp::spawn_with(folder_store).await;
    let (dest, restored) = (temp_dir("backup"), temp_dir("restored"));
    let _cleanup = Cleanup(vec![dest.clone(), restored.clone()]);
    let data = app.settings.data_dir.clone();
    let pid = app.patient_id("Aarav Sharma");

    // A file on a referral too (an ask answered), besides the chart files of the load.
    let gp = app.login(GP, PW).await;
    let rx = app.login(OTHER_CLINIC_DOC, PW).await;
    let asked = app.referral().by(&gp).in_state(State::Sent).await.id;
    app.act(&rx, &asked, "request_info", &[("note", "Prior ECG")])
        .await
        .ok("request_info");
    answer_the_ask_with_a_file(&app, &gp, &asked).await;

    // Four senders, each sending referrals through the composer and now and then filing a
    // report, until told to stop; each records when the server acknowledged it.
    let mut senders = Vec::new();
    for _ in 0..4 {
        senders.push(app.login(GP, PW).await);
    }
    let acked: Mutex<Vec<(String, Instant)>> = Mutex::new(vec![(asked.clone(), Instant::now())]);
    let stop = AtomicBool::new(false);
    let load = senders.iter().enumerate().map(|(w, s)| {
        let (app, pid, acked, stop) = (&app, &pid, &acked, &stop);
        async move {
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                let id = app
                    .referral()
                    .by(s)
                    .patient_id(pid)
                    .reason(&format!("Load {w}-{i}"))
                    .section("complaint", &format!("Snapshot of load {w}-{i}"))
                    .in_state(State::Sent)
                    .await
                    .id;
                acked.lock().unwrap().push((id, Instant::now()));
                if i % 3 == 0 {
                    upload_chart_file(app, s, pid, &format!("Report {w}-{i}")).await;
                }
                i += 1;
            }
        }
    });
    let backup = async {
        while acked.lock().unwrap().len() < 12 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let began = Instant::now();
        let (d, to) = (data.clone(), dest.clone());
        let out = tokio::task::spawn_blocking(move || {
            handoff(&d, None, &["backup", to.to_str().unwrap()])
        })
        .await
        .unwrap();
        let ended = Instant::now();
        // The load goes on past the backup before it stops.
        while acked
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, t)| *t > ended)
            .count()
            < 4
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        stop.store(true, Ordering::SeqCst);
        (began, out)
    };
    let (_, (began, out)) = tokio::join!(join_all(load), backup);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("backup written to"),
        "{}",
        text(&out)
    );
    let acked = acked.into_inner().unwrap();
    let before: Vec<String> = acked
        .iter()
        .filter(|(_, t)| *t < began)
        .map(|(id, _)| id.clone())
        .collect();
    assert!(before.len() >= 12, "{} acknowledged before", before.len());
    assert!(acked.len() > before.len(), "the load ran during the backup");

    // Restored into a fresh folder, with the real command.
    let out = handoff(&restored, None, &["restore", dest.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("audit chain ok"),
        "{}",
        text(&out)
    );
    let db = restored.join("handoff.db");
    let mut copy = SqliteConnection::establish(db.to_str().unwrap()).unwrap();

    // Every referral acknowledged before the backup began is there, whole.
    let live = {
        let mut c = SqliteConnection::establish(data.join("handoff.db").to_str().unwrap()).unwrap();
        referral_rows(&mut c, &before)
    };
    let back = referral_rows(&mut copy, &before);
    assert_eq!(
        back.len(),
        before.len(),
        "every acknowledged referral is back"
    );
    assert_eq!(
        back, live,
        "status and snapshot as the live database has them"
    );
    assert!(
        back.values()
            .filter(|(_, snap)| snap.contains("Snapshot of load"))
            .all(|(status, _)| status == "sent")
    );

    // Every file a restored row names is in the restored folder, byte for byte.
    use handoff::db::schema::{attachments, chart_files};
    let mut named: Vec<(String, i64)> = attachments::table
        .select((attachments::stored_name, attachments::size_bytes))
        .load(&mut copy)
        .unwrap();
    assert_eq!(named.len(), 1, "the answer's file");
    named.extend(
        chart_files::table
            .filter(chart_files::title.like("Report %"))
            .select((chart_files::stored_name, chart_files::size_bytes))
            .load::<(String, i64)>(&mut copy)
            .unwrap(),
    );
    assert!(named.len() > 2, "{named:?}");
    for (name, size) in &named {
        let restored_file = restored.join("files").join(name);
        let len = std::fs::metadata(&restored_file)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .len();
        assert_eq!(len as i64, *size, "{name}");
        assert_eq!(
            std::fs::read(&restored_file).unwrap(),
            std::fs::read(app.settings.files_dir().join(name)).unwrap()
        );
    }
    drop(copy);

    // And the restored audit chain verifies, by the command an operator runs.
    let out = handoff(&restored, None, &["verify-audit"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("ok, "),
        "{}",
        text(&out)
    );
}

#[tokio::test]
async fn backup_and_restore_refuse_what_would_mix_or_overwrite() {
    // SQLite only, like the round trip above.
    if pg_admin_url().is_some() {
        return;
    }
    let app = TestApp::spawn_with(folder_store).await;
    app.login(GP, PW).await;
    let data = app.settings.data_dir.clone();
    let (dest, full, tampered) = (temp_dir("backup"), temp_dir("full"), temp_dir("tampered"));
    let _cleanup = Cleanup(vec![dest.clone(), full.clone(), tampered.clone()]);

    // A destination that holds anything is refused, and left as it was.
    std::fs::create_dir_all(&full).unwrap();
    std::fs::write(full.join("notes.txt"), "keep me").unwrap();
    let out = handoff(&data, None, &["backup", full.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("is not an empty folder"),
        "{}",
        text(&out)
    );
    let left: Vec<_> = std::fs::read_dir(&full).unwrap().collect();
    assert_eq!(left.len(), 1);
    // An empty one is fine.
    std::fs::create_dir_all(&dest).unwrap();
    let out = handoff(&data, None, &["backup", dest.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));

    // Restoring over an existing database needs --force; with it, a running app still
    // keeps its database (the file is open).
    let live_before = std::fs::metadata(data.join("handoff.db")).unwrap().len();
    let out = handoff(&data, None, &["restore", dest.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("add --force"), "{}", text(&out));
    let out = handoff(&data, None, &["restore", "--force", dest.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("is in use"), "{}", text(&out));
    assert!(!data.join("handoff.db.restoring").exists(), "nothing left");
    assert_eq!(
        std::fs::metadata(data.join("handoff.db")).unwrap().len(),
        live_before
    );
    assert_eq!(app.get(&app.client(), "/readyz").await.0, StatusCode::OK);

    // A folder without a manifest is no backup.
    let out = handoff(
        &temp_dir("fresh"),
        None,
        &["restore", full.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("not a finished backup"),
        "{}",
        text(&out)
    );

    // A backup whose audit chain was rewritten is not restored.
    std::fs::create_dir_all(&tampered).unwrap();
    for f in ["handoff.db", "manifest.json"] {
        std::fs::copy(dest.join(f), tampered.join(f)).unwrap();
    }
    {
        let mut c =
            SqliteConnection::establish(tampered.join("handoff.db").to_str().unwrap()).unwrap();
        diesel::connection::SimpleConnection::batch_execute(
            &mut c,
            "DROP TRIGGER audit_events_no_update; \
             UPDATE audit_events SET actor_role = 'clinic_admin' WHERE seq = 1;",
        )
        .unwrap();
    }
    let target = temp_dir("from-tampered");
    let _more = Cleanup(vec![target.clone()]);
    let out = handoff(&target, None, &["restore", tampered.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("audit chain is broken"),
        "{}",
        text(&out)
    );
    assert!(!target.join("handoff.db").exists(), "nothing put in place");

    // A backup made by a newer version (a migration this build does not know) is refused:
    // this version's code would misread its tables.
    let newer = temp_dir("newer");
    let _newer = Cleanup(vec![newer.clone()]);
    std::fs::create_dir_all(&newer).unwrap();
    for f in ["handoff.db", "manifest.json"] {
        std::fs::copy(dest.join(f), newer.join(f)).unwrap();
    }
    {
        let mut c =
            SqliteConnection::establish(newer.join("handoff.db").to_str().unwrap()).unwrap();
        diesel::connection::SimpleConnection::batch_execute(
            &mut c,
            "INSERT INTO __diesel_schema_migrations (version) VALUES ('29990101000000');",
        )
        .unwrap();
    }
    let out = handoff(&target, None, &["restore", newer.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("made by a newer Handoff") && text(&out).contains("29990101000000"),
        "{}",
        text(&out)
    );
    assert!(!target.join("handoff.db").exists(), "nothing put in place");
}

#[tokio::test]
async fn on_postgresql_backup_prints_the_commands_and_copies_nothing() {
    // No server is needed: the command prints what to run without connecting.
    let data = temp_dir("pg-data");
    let dest = temp_dir("pg-backup");
    let _cleanup = Cleanup(vec![data.clone(), dest.clone()]);
    let url = "postgres://handoff:s3cret@db.example:5432/handoff";
    let out = handoff(&data, Some(url), &["backup", dest.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let dump = format!(
        "pg_dump --format=custom --file='{}' 'postgres://handoff@db.example:5432/handoff'",
        dest.join("handoff.dump").display()
    );
    assert!(stdout.contains(&dump), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "cp -a '{}' '{}'",
            data.join("files").display(),
            dest.join("files").display()
        )),
        "{stdout}"
    );
    assert!(!text(&out).contains("s3cret"), "no password printed");
    assert!(!dest.exists(), "nothing copied");
}

#[tokio::test]
async fn readyz_answers_ready_only_while_the_store_takes_a_write() {
    let app = TestApp::spawn_with(folder_store).await;
    let c = app.client();
    assert_eq!(
        app.get(&c, "/readyz").await,
        (StatusCode::OK, "ready".to_string())
    );
    // Root ignores permission bits, so the folder is replaced by a regular file: nothing
    // can be written under it, whoever runs the suite.
    let files = app.settings.files_dir();
    let away = app.settings.data_dir.join("files.away");
    std::fs::rename(&files, &away).unwrap();
    std::fs::write(&files, "not a folder").unwrap();
    let not_ready = (
        StatusCode::SERVICE_UNAVAILABLE,
        "not ready: storage".to_string(),
    );
    assert_eq!(app.get(&c, "/readyz").await, not_ready);
    // Liveness does not look at files: the instance is alive, only not ready.
    assert_eq!(
        app.get(&c, "/healthz").await,
        (StatusCode::OK, "ok".to_string())
    );
    // Gone altogether: still not ready, and not recreated empty (a lost mount would be).
    std::fs::remove_file(&files).unwrap();
    assert_eq!(app.get(&c, "/readyz").await, not_ready);
    assert!(!files.exists());
    // Back: ready again, without a restart, and no probe file left behind.
    std::fs::rename(&away, &files).unwrap();
    assert_eq!(
        app.get(&c, "/readyz").await,
        (StatusCode::OK, "ready".to_string())
    );
    let staged: Vec<_> = std::fs::read_dir(files.join("tmp")).unwrap().collect();
    assert!(staged.is_empty(), "{staged:?}");
}
