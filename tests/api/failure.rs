//! The failure suite: a server killed mid-write, the database going away and coming back,
//! a full disk during an upload, and two app instances serving one database.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::prelude::*;
use futures::future::join_all;
use reqwest::StatusCode;

use crate::builders::*;
use crate::helpers::*;

async fn send_to(app: &TestApp, s: &Session, receiver: &str) -> String {
    app.referral()
        .by(s)
        .to(receiver)
        .reason("Palpitations")
        .section("complaint", "Palpitations at night")
        .in_state(State::Sent)
        .await
        .id
}

#[tokio::test]
async fn two_instances_on_one_database_serve_one_workflow() {
    let a = TestApp::spawn().await;
    let b = a.another_instance().await;
    let gp = a.login(GP, PW).await;
    let rx_a = a.login(OTHER_CLINIC_DOC, PW).await;
    let rx_b = b.login(OTHER_CLINIC_DOC, PW).await;

    // Sent through one instance, accepted through the other, seen through the first.
    let id = send_to(&a, &gp, OTHER_CLINIC_DOC).await;
    b.act(&rx_b, &id, "accept", &[])
        .await
        .ok("accept on the other instance");
    let (_, page) = a.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(page.contains("status-accepted"));

    // 20 concurrent transitions of one version, spread over both: exactly one wins.
    let id = send_to(&a, &gp, OTHER_CLINIC_DOC).await;
    let (_, page) = a.get(&rx_a.client, &format!("/referrals/{id}")).await;
    let v = version_in(&page, &format!("/referrals/{id}/accept"));
    let tries = (0..20).map(|i| {
        let (app, s) = if i % 2 == 0 { (&a, &rx_a) } else { (&b, &rx_b) };
        let (cmd, form): (&str, Vec<(&str, &str)>) = if i % 4 < 2 {
            ("accept", vec![("version", v.as_str())])
        } else {
            (
                "reject",
                vec![
                    ("version", v.as_str()),
                    ("code", "out_of_scope"),
                    ("note", "Please see a neurologist"),
                ],
            )
        };
        let path = format!("/referrals/{id}/{cmd}");
        async move { app.send(s, &path, &form).await.0 }
    });
    let statuses = join_all(tries).await;
    let won = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    let lost = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((won, lost), (1, 19), "{statuses:?}");
    let transitions = a.event_count(&id, &["accept", "reject"]);
    assert_eq!(transitions, 1, "one event in the timeline");
}

#[tokio::test]
async fn the_database_going_away_gives_a_503_and_the_app_recovers_without_a_restart() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let profile = format!("/patients/{pid}");
    assert_eq!(app.get(&gp.client, &profile).await.0, StatusCode::OK);

    match (pg_admin_url(), app.pg_database()) {
        (Some(admin), Some(name)) => {
            // PostgreSQL: the server stops accepting connections to the database and
            // ends the app's (as a failover or a restart does).
            let mut c = diesel::PgConnection::establish(&admin).unwrap();
            diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
                .execute(&mut c)
                .unwrap();
            diesel::sql_query(format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            ))
            .execute(&mut c)
            .unwrap();
            let (status, body) = app.get(&gp.client, &profile).await;
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
            assert!(body.contains("Temporarily unavailable"));
            // The load balancer's probe says so, in one word and without driver messages.
            let (status, body) = app.get(&app.client(), "/readyz").await;
            assert_eq!(
                (status, body.trim()),
                (StatusCode::SERVICE_UNAVAILABLE, "not ready: database")
            );
            diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
                .execute(&mut c)
                .unwrap();
        }
        _ => {
            // SQLite: another process holds the write lock past the busy timeout.
            let path = app.settings.data_dir.join("handoff.db");
            let mut other = diesel::SqliteConnection::establish(path.to_str().unwrap()).unwrap();
            // It waits its turn: the app's job scheduler takes the write lock for a moment
            // every poll (its lease claims).
            diesel::connection::SimpleConnection::batch_execute(
                &mut other,
                "PRAGMA busy_timeout = 5000; BEGIN EXCLUSIVE;",
            )
            .unwrap();
            // A chart view writes its audit row before the page is shown: it must wait,
            // then say the database is unavailable rather than show unaudited data.
            let (status, body) = app.get(&gp.client, &profile).await;
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
            assert!(body.contains("Temporarily unavailable"));
            assert!(!body.contains("Aarav"), "nothing unaudited was shown");
            diesel::connection::SimpleConnection::batch_execute(&mut other, "ROLLBACK;").unwrap();
        }
    }
    // Back: the same server answers again, the same session still signed in.
    let mut last = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..20 {
        last = app.get(&gp.client, &profile).await.0;
        if last == StatusCode::OK {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(last, StatusCode::OK);
    assert_eq!(app.get(&app.client(), "/readyz").await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_full_disk_during_an_upload_says_so_and_leaves_no_partial_file() {
    // The files folder is a 256 KiB tmpfs: a 700 KB upload (under the 1 MiB limit) fills it.
    let app = TestApp::spawn_with(|s| {
        folder_store(s);
        let files = s.data_dir.join("files");
        std::fs::create_dir_all(&files).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
            .arg(&files)
            .status()
            .map(|st| st.success())
            .unwrap_or(false);
        assert!(ok, "mounting a small tmpfs needs root (CI runs as root)");
    })
    .await;
    let files = app.settings.data_dir.join("files");
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(files.clone());
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.resize(700_000, b' ');
    let form = reqwest::multipart::Form::new()
        .text("kind", "lab")
        .text("title", "Full disk scan")
        .part(
            "file",
            reqwest::multipart::Part::bytes(pdf)
                .file_name("scan.pdf")
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
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = r.text().await.unwrap();
    assert!(body.contains("disk is full"), "{body}");
    // Nothing partial anywhere: no stored file, no staging file, no chart row.
    let leftovers: Vec<_> = walk(&files);
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let (_, page) = app.get(&gp.client, &format!("/patients/{pid}")).await;
    assert!(!page.contains("Full disk scan"));
    // The app goes on working: a small file still fits.
    let form = reqwest::multipart::Form::new()
        .text("kind", "lab")
        .text("title", "Small report")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec())
                .file_name("small.pdf")
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
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(d) = std::fs::read_dir(dir) {
        for e in d.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// The real `handoff serve` in a child process.
pub(crate) struct Server {
    child: std::process::Child,
    pub(crate) base: String,
}

impl Server {
    async fn start(data_dir: &std::path::Path, db: Option<&str>, port: u16) -> Server {
        Self::start_with(data_dir, db, port, |_| {}).await
    }

    /// [`Server::start`], with the command adjusted by `adjust` (environment, output).
    pub(crate) async fn start_with(
        data_dir: &std::path::Path,
        db: Option<&str>,
        port: u16,
        adjust: impl FnOnce(&mut std::process::Command),
    ) -> Server {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_handoff"));
        cmd.args([
            "serve",
            "--demo",
            // Every referral in the database is one this test made.
            "--no-history",
            "--workers",
            "2",
            "--port",
            &port.to_string(),
        ])
        .env("HANDOFF_DATA_DIR", data_dir)
        .env("RUST_LOG", "error")
        .env_remove("HANDOFF_SESSION_SECRET")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
        match db {
            Some(u) => cmd.env("DATABASE_URL", u),
            None => cmd.env_remove("DATABASE_URL"),
        };
        adjust(&mut cmd);
        let child = cmd.spawn().expect("start handoff serve");
        // Owned at once, so a server that never answers is still killed and reaped.
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let c = reqwest::Client::new();
        for _ in 0..300 {
            if c.get(format!("{}/healthz", server.base))
                .send()
                .await
                .is_ok()
            {
                return server;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the server did not start");
    }

    fn kill9(&mut self) {
        // SIGKILL: no shutdown code runs, as in a power cut of the process.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

pub(crate) async fn sign_in(base: &str, email: &str) -> (reqwest::Client, String) {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = c
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = c
        .post(format!("{base}/login"))
        .form(&[
            ("csrf_token", csrf_of(&page).as_str()),
            ("email", email),
            ("password", PW),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = c
        .get(format!("{base}/account/password"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (c, csrf_of(&page))
}

#[tokio::test]
async fn killed_mid_submissions_the_server_restarts_with_every_acknowledged_referral_whole() {
    let dir = std::env::temp_dir().join(format!("handoff-kill-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let pg = pg_admin_url().map(|u| fresh_pg_database(&u));
    let db = pg.as_ref().map(|(u, _)| u.as_str());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Server::start(&dir, db, port).await;
    let base = server.base.clone();
    let (c, csrf) = sign_in(&base, GP).await;
    let url = handoff::db::DbUrl::parse(
        &db.map(str::to_string)
            .unwrap_or_else(|| format!("sqlite://{}", dir.join("handoff.db").display())),
    )
    .unwrap();
    let pool = handoff::db::build_pool(&url, 2).unwrap();
    let (pid, to): (String, String) = {
        use handoff::db::schema::{patients, users};
        let mut conn = pool.get().unwrap();
        (
            patients::table
                .filter(patients::search_name.eq("aarav sharma"))
                .select(patients::id)
                .first(&mut *conn)
                .unwrap(),
            users::table
                .filter(users::email.eq(OTHER_CLINIC_DOC))
                .select(users::id)
                .first(&mut *conn)
                .unwrap(),
        )
    };

    let acked = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let done = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..500)
        .map(|i| {
            let (c, csrf, base, pid, to) = (
                c.clone(),
                csrf.clone(),
                base.clone(),
                pid.clone(),
                to.clone(),
            );
            let (acked, done) = (acked.clone(), done.clone());
            tokio::spawn(async move {
                let mut form = ComposeForm {
                    receiver_id: Some(to),
                    reason: format!("Submission {i}"),
                    // All go to one receiver for one patient: repeats on purpose.
                    duplicate_reason: Some("Load test".into()),
                    ..ComposeForm::default()
                };
                form.section("complaint", "Palpitations", true);
                let mut fields = vec![("csrf_token".to_string(), csrf)];
                fields.extend(form.fields("send"));
                let r = c
                    .post(format!("{base}/patients/{pid}/referrals"))
                    .form(&fields)
                    .send()
                    .await;
                if let Ok(r) = r
                    && r.status() == StatusCode::SEE_OTHER
                    && let Some(l) = r.headers().get("location")
                {
                    let id = l.to_str().unwrap().trim_start_matches("/referrals/");
                    acked.lock().unwrap().push(id.to_string());
                    done.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    // Kill the server once a fair share has been acknowledged, with the rest in flight (up to
    // 90 s for the first 60). Every submission here moves the same counter rows (one sender,
    // one receiver, one day), so they commit one after another; a loaded CI machine took over
    // 12 s, and 30 s gave 42 once each also wrote the day counters and the practitioner
    // rollup (11 s for the whole test on a quiet machine).
    for _ in 0..4500 {
        if done.load(Ordering::SeqCst) >= 60 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    server.kill9();
    join_all(tasks).await;
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 60 && acked.len() < 500,
        "{} acknowledged",
        acked.len()
    );

    // Restarted on the same data: every acknowledged referral is there, sent, whole.
    let server = Server::start(&dir, db, port).await;
    use handoff::db::schema::{consents, referral_events, referrals};
    let mut conn = pool.get().unwrap();
    let rows: Vec<(String, String, Option<chrono::NaiveDateTime>)> = referrals::table
        .select((referrals::id, referrals::status, referrals::submitted_at))
        .load(&mut *conn)
        .unwrap();
    for id in &acked {
        let row = rows.iter().find(|r| &r.0 == id);
        assert!(
            matches!(row, Some((_, s, Some(_))) if s == "sent"),
            "acknowledged referral {id} is missing or not sent: {row:?}"
        );
    }
    for (id, status, submitted) in &rows {
        let kinds: Vec<String> = referral_events::table
            .filter(referral_events::referral_id.eq(id))
            .select(referral_events::kind)
            .load(&mut *conn)
            .unwrap();
        assert!(!kinds.is_empty(), "referral {id} has no history");
        match status.as_str() {
            "sent" => {
                assert!(
                    submitted.is_some() && kinds.iter().any(|k| k == "submit"),
                    "{id}"
                );
                let consent: i64 = consents::table
                    .filter(consents::referral_id.eq(id))
                    .count()
                    .get_result(&mut *conn)
                    .unwrap();
                assert_eq!(consent, 1, "a sent referral {id} has its consent");
            }
            // Saved but not yet sent when the process died: a whole draft, never sent.
            "draft" => assert!(submitted.is_none() && !kinds.iter().any(|k| k == "submit")),
            other => panic!("referral {id} in unexpected state {other}"),
        }
    }
    // The audit chain is intact, and the restarted server serves the referrals.
    drop(conn);
    let mut verify = std::process::Command::new(env!("CARGO_BIN_EXE_handoff"));
    verify.arg("verify-audit").env("HANDOFF_DATA_DIR", &dir);
    match db {
        Some(u) => verify.env("DATABASE_URL", u),
        None => verify.env_remove("DATABASE_URL"),
    };
    let out = verify.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let (c, _) = sign_in(&server.base, GP).await;
    let r = c
        .get(format!("{}/referrals/{}", server.base, acked[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    drop(server);
    drop(pool);
    let _ = std::fs::remove_dir_all(&dir);
    if let (Some(admin), Some((_, name))) = (pg_admin_url(), &pg)
        && let Ok(mut c) = diesel::PgConnection::establish(&admin)
    {
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut c);
    }
}
