//! Starts the real app (real HTTP) per test on its own temporary SQLite file, or on its
//! own PostgreSQL database when TEST_DATABASE_URL is set.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use diesel::prelude::*;
use handoff::clock::ManualClock;
use handoff::config::Settings;
use handoff::db::schema::patients;
use handoff::services::Services;
use handoff::startup::{self, ServerOptions};
use reqwest::StatusCode;
use reqwest::redirect::Policy;

pub const PW: &str = handoff::services::seed::DEMO_PASSWORD;
pub const GP: &str = "asha.kulkarni@lakeside.example";
pub const GP2: &str = "rohan.mehta@lakeside.example";
pub const UNRELATED: &str = "vikram.joshi@lakeside.example";
pub const OTHER_CLINIC_DOC: &str = "farah.siddiqui@harbour.example";
pub const PATIENT_A: &str = "aarav.sharma@patients.example";
pub const ADMIN: &str = "admin@lakeside.example";
pub const OTHER_ADMIN: &str = "admin@harbour.example";

pub struct TestApp {
    pub base: String,
    /// `/metrics`' own listener, when the settings give it one (`metrics_addr`).
    pub metrics_base: Option<String>,
    pub clock: ManualClock,
    pub svc: Services,
    pub settings: Settings,
    dir: PathBuf,
    pg: Option<(String, String)>,
}

/// Which backend the suite runs on.
pub fn pg_admin_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// The S3 API server the suite keeps its files in (`TEST_S3_ENDPOINT`, e.g. moto on
/// http://127.0.0.1:9000 with a bucket `handoff-test`), or none: the folder store.
pub fn s3_endpoint() -> Option<String> {
    std::env::var("TEST_S3_ENDPOINT")
        .ok()
        .filter(|s| !s.is_empty())
}

/// The bucket of the S3 runs (`.ci/run` creates it).
pub const S3_BUCKET: &str = "handoff-test";

/// Points `settings` at an S3 store under a prefix of its own at `endpoint`.
pub fn use_s3(settings: &mut Settings, endpoint: &str) {
    settings.store_url = Some(format!("s3://{S3_BUCKET}/{}", uuid::Uuid::now_v7()));
    settings.store_options = [
        ("aws_endpoint", endpoint),
        ("aws_access_key_id", "test"),
        ("aws_secret_access_key", "test"),
        ("aws_region", "us-east-1"),
        ("aws_allow_http", "true"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
}

/// Keeps the files in the test's folder even when the suite runs against S3: for tests of
/// what only the folder store does (a full disk, `handoff backup` copying the files).
pub fn folder_store(settings: &mut Settings) {
    settings.store_url = None;
    settings.store_options.clear();
}

/// A test's settings: its own folder, its own database, and its own S3 prefix when the
/// suite runs against an S3 server.
fn test_settings(dir: &std::path::Path, pg: Option<&(String, String)>) -> Settings {
    let mut settings = Settings::for_data_dir(dir.to_path_buf(), pg.map(|(u, _)| u.clone()));
    if let Some(endpoint) = s3_endpoint() {
        use_s3(&mut settings, &endpoint);
    }
    settings
}

pub fn fresh_pg_database(admin_url: &str) -> (String, String) {
    let name = format!("handoff_t_{}", uuid::Uuid::now_v7().simple());
    let mut conn = PgConnection::establish(admin_url).expect("connect to TEST_DATABASE_URL");
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .expect("create test database");
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
    (format!("{base}/{name}"), name)
}

impl TestApp {
    /// A new app on an empty database with the demo network seeded.
    pub async fn spawn() -> TestApp {
        let app = Self::spawn_empty().await;
        handoff::services::seed::seed_demo(&app.svc)
            .expect("seed")
            .expect("empty db");
        app.one_factor_demo();
        app
    }

    /// The demo's Harbour clinic requires a second factor; the suite signs in with the
    /// password alone except in the second-factor tests (tests/api/second_factor.rs),
    /// which turn the requirement back on.
    fn one_factor_demo(&self) {
        self.require_second_factor("Harbour Health Centre", false);
    }

    /// Sets a seeded clinic's "second factor required".
    pub fn require_second_factor(&self, clinic: &str, on: bool) {
        use diesel::prelude::*;
        use handoff::db::schema::clinics;
        let mut c = self.conn();
        let id: String = clinics::table
            .filter(clinics::name.eq(clinic))
            .select(clinics::id)
            .first(&mut *c)
            .expect("a seeded clinic");
        handoff::db::second_factor::set_required(&mut c, &id, on).expect("setting");
    }

    /// A seeded app whose settings `f` adjusts first (mail, limits).
    pub async fn spawn_with(f: impl FnOnce(&mut Settings)) -> TestApp {
        let dir = std::env::temp_dir().join(format!("handoff-test-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let pg = pg_admin_url().map(|u| fresh_pg_database(&u));
        let mut settings = test_settings(&dir, pg.as_ref());
        f(&mut settings);
        let app = Self::start(settings, dir, pg, ManualClock::starting_now()).await;
        handoff::services::seed::seed_demo(&app.svc)
            .expect("seed")
            .expect("empty db");
        app.one_factor_demo();
        app
    }

    /// A new app on an empty (migrated) database.
    pub async fn spawn_empty() -> TestApp {
        let dir = std::env::temp_dir().join(format!("handoff-test-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let pg = pg_admin_url().map(|u| fresh_pg_database(&u));
        let settings = test_settings(&dir, pg.as_ref());
        Self::start(settings, dir, pg, ManualClock::starting_now()).await
    }

    /// A second app instance on the same database and files (a restart, or a second
    /// instance behind a load balancer).
    pub async fn another_instance(&self) -> TestApp {
        let mut app = Self::start(
            self.settings.clone(),
            self.dir.clone(),
            None,
            self.clock.clone(),
        )
        .await;
        // The first instance owns clean-up.
        app.dir = PathBuf::new();
        app
    }

    async fn start(
        settings: Settings,
        dir: PathBuf,
        pg: Option<(String, String)>,
        clock: ManualClock,
    ) -> TestApp {
        Self::start_with_jobs(settings, dir, pg, clock, true).await
    }

    /// A seeded app that runs no background jobs: the test runs them itself, as if the
    /// jobs ran on another instance (`serve --no-jobs`).
    pub async fn spawn_without_jobs() -> TestApp {
        Self::spawn_without_jobs_with(|_| {}).await
    }

    /// [`Self::spawn_without_jobs`], with settings `f` adjusts first (mail).
    pub async fn spawn_without_jobs_with(f: impl FnOnce(&mut Settings)) -> TestApp {
        let dir = std::env::temp_dir().join(format!("handoff-test-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let pg = pg_admin_url().map(|u| fresh_pg_database(&u));
        let mut settings = test_settings(&dir, pg.as_ref());
        f(&mut settings);
        let app =
            Self::start_with_jobs(settings, dir, pg, ManualClock::starting_now(), false).await;
        handoff::services::seed::seed_demo(&app.svc)
            .expect("seed")
            .expect("empty db");
        app.one_factor_demo();
        app
    }

    async fn start_with_jobs(
        settings: Settings,
        dir: PathBuf,
        pg: Option<(String, String)>,
        clock: ManualClock,
        jobs: bool,
    ) -> TestApp {
        // RUST_LOG=error shows a failing test's server-side errors.
        let _ = env_logger::builder().is_test(true).try_init();
        let mut settings = settings;
        settings.max_upload_mb = 1;
        // As `handoff serve` does: an audit signing key in the data folder.
        startup::ensure_audit_key(&settings).expect("audit key");
        let svc = startup::prepare(&settings, Arc::new(clock.clone())).expect("prepare");
        let key = startup::cookie_key(&settings).expect("key");
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let metrics_listener = settings
            .metrics_addr()
            .map(|a| TcpListener::bind(a).unwrap());
        let metrics_base = metrics_listener
            .as_ref()
            .map(|l| format!("http://{}", l.local_addr().unwrap()));
        let server = startup::server(
            listener,
            svc.clone(),
            key,
            ServerOptions {
                secure_cookies: settings.secure_cookies,
                workers: Some(2),
                extra_routes: None,
                mail_poll: std::time::Duration::from_millis(200),
                run_jobs: jobs,
                metrics_token: settings.metrics_token.clone(),
                metrics_listener,
            },
        )
        .expect("server");
        tokio::spawn(server);
        TestApp {
            base: format!("http://127.0.0.1:{port}"),
            metrics_base,
            clock,
            svc,
            settings,
            dir,
            pg,
        }
    }

    /// The test's own PostgreSQL database name, when running on PostgreSQL.
    pub fn pg_database(&self) -> Option<&str> {
        self.pg.as_ref().map(|(_, n)| n.as_str())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A browser-like client with its own cookie jar that does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap()
    }

    pub async fn get(&self, c: &reqwest::Client, path: &str) -> (StatusCode, String) {
        let r = c.get(self.url(path)).send().await.expect("GET");
        let s = r.status();
        (s, r.text().await.unwrap())
    }

    /// GETs `path` until the page contains `needle` (up to 15 s), for what the app does in
    /// the background; returns the last page, so the caller's assert shows it.
    pub async fn page_with(&self, c: &reqwest::Client, path: &str, needle: &str) -> String {
        let mut last = String::new();
        for _ in 0..150 {
            last = self.get(c, path).await.1;
            if last.contains(needle) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        last
    }

    /// GET returning the response (headers needed).
    pub async fn get_raw(&self, c: &reqwest::Client, path: &str) -> reqwest::Response {
        c.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn post(
        &self,
        c: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, String, Option<String>) {
        let r = c
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("POST");
        let s = r.status();
        let loc = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string());
        (s, r.text().await.unwrap(), loc)
    }

    /// Posts the sign-in form from a new client: (client, status, body, location).
    pub async fn try_login(
        &self,
        email: &str,
        password: &str,
    ) -> (reqwest::Client, StatusCode, String, Option<String>) {
        let c = self.client();
        let (_, body) = self.get(&c, "/login").await;
        let token = csrf_of(&body);
        let (status, body, loc) = self
            .post(
                &c,
                "/login",
                &[
                    ("csrf_token", &token),
                    ("email", email),
                    ("password", password),
                ],
            )
            .await;
        (c, status, body, loc)
    }

    /// Signs in and returns the client and its CSRF token.
    pub async fn login(&self, email: &str, password: &str) -> Session {
        let (c, status, body, loc) = self.try_login(email, password).await;
        assert_eq!(
            status,
            StatusCode::SEE_OTHER,
            "login as {email} failed: {body}"
        );
        assert_eq!(loc.as_deref(), Some("/"));
        let (_, body) = self.get(&c, "/account/password").await;
        Session {
            csrf: csrf_of(&body),
            client: c,
        }
    }

    /// A signed-in POST with the session's CSRF token added.
    pub async fn send(
        &self,
        s: &Session,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, String, Option<String>) {
        let mut f: Vec<(&str, &str)> = vec![("csrf_token", s.csrf.as_str())];
        f.extend_from_slice(form);
        self.post(&s.client, path, &f).await
    }

    /// What the app's clock says now.
    pub fn clock_now(&self) -> chrono::NaiveDateTime {
        use handoff::clock::Clock;
        self.clock.now()
    }

    pub fn conn(&self) -> handoff::db::PooledConn {
        self.svc.pool.get().unwrap()
    }

    /// Gives a `handoff` command this app's file store (an S3 prefix is in-process
    /// settings, which a child process reads from its environment instead).
    pub fn store_env(&self, cmd: &mut std::process::Command) {
        match &self.settings.store_url {
            Some(u) => cmd.env("HANDOFF_STORE_URL", u),
            None => cmd.env_remove("HANDOFF_STORE_URL"),
        };
        for (k, v) in &self.settings.store_options {
            cmd.env(k.to_uppercase(), v);
        }
    }

    /// Every file in the app's store (folder or bucket), staging files included.
    pub fn stored_files(&self) -> Vec<String> {
        let far = chrono::NaiveDate::from_ymd_opt(2999, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap();
        let mut names = self.svc.store.files_before(far).unwrap();
        names.sort();
        names
    }

    /// A user's id by e-mail: an account's, or else an outside doctor's (whose address is
    /// kept apart from sign-in accounts).
    /// The clinic of a signed-up user.
    pub fn clinic_of(&self, email: &str) -> String {
        use handoff::db::schema::users;
        users::table
            .filter(users::email.eq(email))
            .select(users::clinic_id)
            .first(&mut *self.conn())
            .unwrap()
    }

    pub fn user_id(&self, email: &str) -> String {
        use handoff::db::schema::{external_doctors, users};
        let account = users::table
            .filter(users::email.eq(email))
            .select(users::id)
            .first(&mut *self.conn())
            .optional()
            .unwrap();
        account.unwrap_or_else(|| {
            external_doctors::table
                .filter(external_doctors::email.eq(email))
                .select(external_doctors::user_id)
                .first(&mut *self.conn())
                .expect("user")
        })
    }

    /// A seeded patient's id by "given family" name.
    pub fn patient_id(&self, name: &str) -> String {
        patients::table
            .filter(patients::search_name.eq(name.to_lowercase()))
            .select(patients::id)
            .first(&mut *self.conn())
            .expect("patient")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if !self.dir.as_os_str().is_empty() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
        if let (Some(admin), Some((_, name))) = (pg_admin_url(), &self.pg)
            && let Ok(mut c) = PgConnection::establish(&admin)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut c);
        }
    }
}

pub struct Session {
    pub client: reqwest::Client,
    pub csrf: String,
}

pub fn csrf_of(body: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker).expect("page has a CSRF field") + marker.len();
    body[start..].split('"').next().unwrap().to_string()
}

/// A real SMTP server on 127.0.0.1, in-process: the protocol is the `mailin` crate's
/// (EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT; no STARTTLS, which
/// the app's `smtp_tls = "none"` never asks for), and every message is kept in memory,
/// raw, in arrival order. The accept loop is ours rather than mailin-embedded's because
/// that one runs forever, and a sink must stop when dropped.
pub struct SmtpSink {
    pub port: u16,
    inbox: Arc<Mutex<Vec<Vec<u8>>>>,
    server: Option<(Arc<AtomicBool>, std::thread::JoinHandle<()>)>,
    rules: Arc<SinkRules>,
}

/// What the sink refuses and what it saw of each envelope.
#[derive(Default)]
struct SinkRules {
    /// Recipients answered with a permanent 550 5.1.1 "user unknown".
    refused: Mutex<Vec<String>>,
    /// Every RCPT TO the sink was asked to accept, in order.
    recipients_tried: Mutex<Vec<String>>,
    /// The envelope sender (MAIL FROM) of each accepted message.
    senders: Mutex<Vec<String>>,
}

impl SmtpSink {
    /// A free port with nothing listening on it yet: mail sent before `start` fails the
    /// way it does when the relay is down (connection refused).
    pub fn reserve() -> SmtpSink {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        SmtpSink {
            port,
            inbox: Arc::default(),
            server: None,
            rules: Arc::default(),
        }
    }

    /// Refuses mail to `addr` for good (550 5.1.1, as a server does for an unknown user).
    pub fn refuse(&self, addr: &str) {
        self.rules.refused.lock().unwrap().push(addr.to_lowercase());
    }

    /// How many times a client asked to deliver to `addr`.
    pub fn tries_for(&self, addr: &str) -> usize {
        let a = addr.to_lowercase();
        self.rules
            .recipients_tried
            .lock()
            .unwrap()
            .iter()
            .filter(|r| **r == a)
            .count()
    }

    /// The envelope senders (MAIL FROM) of the messages received, in order.
    pub fn envelope_senders(&self) -> Vec<String> {
        self.rules.senders.lock().unwrap().clone()
    }

    /// Starts the server on the reserved port; it accepts connections when this returns.
    pub fn start(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).expect("bind the SMTP sink");
        let stop = Arc::new(AtomicBool::new(false));
        let (inbox, stopping, rules) = (self.inbox.clone(), stop.clone(), self.rules.clone());
        let accept = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = conn {
                    let (inbox, rules) = (inbox.clone(), rules.clone());
                    std::thread::spawn(move || {
                        let _ = smtp_session(stream, inbox, rules);
                    });
                }
            }
        });
        self.server = Some((stop, accept));
    }

    pub fn started() -> SmtpSink {
        let mut s = Self::reserve();
        s.start();
        s
    }

    /// Every message received so far, raw.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        self.inbox.lock().unwrap().clone()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some((stop, accept)) = self.server.take() {
            stop.store(true, Ordering::SeqCst);
            // The accept loop only looks at the flag when a connection comes in.
            let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
            let _ = accept.join();
        }
    }
}

/// Keeps each message's data, as mailin hands it over (already dot-unstuffed).
struct Keeper {
    inbox: Arc<Mutex<Vec<Vec<u8>>>>,
    message: Vec<u8>,
    rules: Arc<SinkRules>,
}

impl mailin::Handler for Keeper {
    fn rcpt(&mut self, to: &str) -> mailin::Response {
        let to = to.trim_matches(['<', '>']).to_lowercase();
        self.rules.recipients_tried.lock().unwrap().push(to.clone());
        if self.rules.refused.lock().unwrap().contains(&to) {
            return mailin::Response::custom(
                550,
                format!("5.1.1 <{to}>: Recipient address rejected: User unknown"),
            );
        }
        mailin::response::OK
    }

    fn data_start(&mut self, _: &str, from: &str, _: bool, _: &[String]) -> mailin::Response {
        self.message.clear();
        self.rules
            .senders
            .lock()
            .unwrap()
            .push(from.trim_matches(['<', '>']).to_string());
        mailin::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.message.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> mailin::Response {
        self.inbox
            .lock()
            .unwrap()
            .push(std::mem::take(&mut self.message));
        mailin::response::OK
    }
}

fn smtp_session(
    stream: std::net::TcpStream,
    inbox: Arc<Mutex<Vec<Vec<u8>>>>,
    rules: Arc<SinkRules>,
) -> std::io::Result<()> {
    use std::io::BufRead;
    // A client that goes quiet must not keep a thread forever.
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    let peer = stream.peer_addr()?.ip();
    let mut session = mailin::SessionBuilder::new("smtp-sink.test").build(
        peer,
        Keeper {
            inbox,
            message: Vec::new(),
            rules,
        },
    );
    let mut reader = std::io::BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    session.greeting().write_to(&mut writer)?;
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        let res = session.process(&line);
        match res.action {
            mailin::Action::Reply => res.write_to(&mut writer)?,
            mailin::Action::Close => {
                res.write_to(&mut writer)?;
                return Ok(());
            }
            // STARTTLS is never advertised, so a client cannot ask for the upgrade.
            mailin::Action::UpgradeTls => return Ok(()),
            mailin::Action::NoReply => {}
        }
    }
}

/// The raw files of a mail folder, oldest first.
pub fn read_mail_dir(dir: &std::path::Path) -> Vec<Vec<u8>> {
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .map(|e| (e.metadata().and_then(|m| m.modified()).unwrap(), e.path()))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter_map(|(_, p)| std::fs::read(p).ok())
        .collect()
}

/// Waits (up to 15 s) until `f` returns something.
pub async fn eventually<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    for _ in 0..150 {
        if let Some(v) = f() {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

/// The referral version carried by the form posting to `action` on a page.
pub fn version_in(page: &str, action: &str) -> String {
    let at = page
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form {action}"));
    let rest = &page[at..];
    let marker = "name=\"version\" value=\"";
    let start = rest.find(marker).unwrap() + marker.len();
    rest[start..].split('"').next().unwrap().to_string()
}

/// Posts a lab file `report.pdf` with these bytes to the patient's chart through the chart's
/// form (the token in the action URL, as the multipart form carries it).
pub async fn upload_chart_pdf(
    app: &TestApp,
    s: &Session,
    pid: &str,
    title: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("kind", "lab")
        .text("title", title.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes)
                .file_name("report.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    s.client
        .post(app.url(&format!("/patients/{pid}/files?csrf_token={}", s.csrf)))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The first chart file's download link on a patient's profile page.
pub fn chart_file_link(page: &str, pid: &str) -> String {
    page.split("href=\"")
        .find(|p| p.starts_with(&format!("/patients/{pid}/files/")))
        .and_then(|p| p.split('"').next())
        .expect("a chart file link")
        .to_string()
}
