//! Wiring: the data folder, the pool and migrations, the cookie key, and the HTTP server
//! with its middleware.

use std::net::TcpListener;
use std::path::Path;

use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use ed25519_dalek::SigningKey;
use futures_util::future::BoxFuture;
use rand::RngCore;
use sha2::{Digest, Sha512};

use crate::clock::SharedClock;
use crate::config::Settings;
use crate::db;
use crate::error::AppError;
use crate::services::Services;
use crate::web::metrics::{self, MetricsGate};
use crate::web::{middleware, observe, routes, session_store::DbSessionStore};

pub const SESSION_COOKIE: &str = "handoff_session";

/// Creates the data folder, connects, applies migrations, and returns the services.
pub fn prepare(settings: &Settings, clock: SharedClock) -> anyhow::Result<Services> {
    let url = settings.db_url()?;
    std::fs::create_dir_all(&settings.data_dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot create the data folder {}: {e}",
            settings.data_dir.display()
        )
    })?;
    let store = crate::services::store::Store::from_settings(settings)?;
    if let Some(dir) = store.local_dir() {
        std::fs::create_dir_all(dir.join("tmp"))?;
    }
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let size = settings
        .db_pool_size
        .unwrap_or_else(|| default_pool_size(&url, cores));
    let pool = db::build_pool(&url, size)?;
    let applied = db::run_migrations(&mut *pool.get()?)?;
    if applied > 0 {
        log::info!("applied {applied} migration(s) to {}", url.redacted());
    }
    let folded = db::write_tx(&mut *pool.get()?, db::directory::backfill_keys)
        .map_err(|e| anyhow::anyhow!("filling the directory's folded keys: {e}"))?;
    if folded > 0 {
        log::info!("filled the folded city and language keys of {folded} practitioner(s)");
    }
    // The view auditor has a connection of its own: requests wait for it while holding
    // theirs, so sharing the pool could starve it.
    let auditor_pool = db::build_pool(&url, 1)?;
    let key = cookie_key(settings)?;
    let anchor = crate::services::AnchorConfig {
        key: audit_key(settings)?.map(std::sync::Arc::new),
        every: chrono::Duration::minutes(settings.audit.audit_checkpoint_minutes.max(1).into()),
    };
    let (mail_wake, mail_rx) = std::sync::mpsc::channel();
    let metrics = std::sync::Arc::new(crate::services::metrics::Metrics::default());
    let svc = Services {
        views: crate::services::spawn_view_auditor(auditor_pool, metrics.clone()),
        metrics,
        mail: std::sync::Arc::new(crate::services::MailConfig::new(
            settings.mail.clone(),
            key.master(),
            &settings.data_dir,
        )),
        mail_wake,
        mail_rx: std::sync::Arc::new(std::sync::Mutex::new(Some(mail_rx))),
        anchor,
        pool,
        clock,
        store,
        max_upload_bytes: settings.max_upload_bytes(),
        secure_cookies: settings.served_over_https(),
        link_limit: crate::domain::security::Limit {
            max: settings.link_attempts_per_minute.max(1),
            ..crate::domain::security::LINK_TOKENS_PER_IP
        },
        trusted_proxies: settings.trusted_proxies.clone().into(),
    };
    let filled = crate::services::analytics::backfill_if_needed(&svc)
        .map_err(|e| anyhow::anyhow!("filling the analytics counters: {e}"))?;
    if filled > 0 {
        log::info!("filled {filled} analytics counters from existing referrals");
    }
    Ok(svc)
}

/// The key that signs session cookies: from the configured secret, or generated once and
/// kept in the data folder, so a restart does not sign everyone out.
pub fn cookie_key(settings: &Settings) -> anyhow::Result<Key> {
    if let Some(secret) = settings.session_secret.as_deref().filter(|s| !s.is_empty()) {
        if secret.len() < 32 {
            anyhow::bail!("HANDOFF_SESSION_SECRET must be at least 32 characters");
        }
        return Ok(Key::from(&Sha512::digest(secret.as_bytes())));
    }
    let path = settings.data_dir.join("session.key");
    key_from_file(&path)
}

fn key_from_file(path: &Path) -> anyhow::Result<Key> {
    if let Ok(text) = std::fs::read_to_string(path) {
        let bytes = hex::decode(text.trim())?;
        if bytes.len() >= 64 {
            return Ok(Key::from(&bytes));
        }
    }
    let mut bytes = [0u8; 64];
    rand::rng().fill_bytes(&mut bytes);
    std::fs::write(path, hex::encode(bytes))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(Key::from(&bytes))
}

/// The generated audit signing key, beside the session key.
const AUDIT_KEY_FILE: &str = "audit-signing.key";

/// The key that signs audit checkpoints, if one is configured or was created: from
/// HANDOFF_AUDIT_KEY, the file HANDOFF_AUDIT_KEY_FILE names (which must exist), or the
/// data folder's generated file.
pub fn audit_key(settings: &Settings) -> anyhow::Result<Option<SigningKey>> {
    let a = &settings.audit;
    let text = a.audit_key.as_deref().filter(|k| !k.trim().is_empty());
    match (text, &a.audit_key_file) {
        (Some(_), Some(_)) => {
            anyhow::bail!("set HANDOFF_AUDIT_KEY or HANDOFF_AUDIT_KEY_FILE, not both")
        }
        (Some(hex), None) => crate::domain::audit_anchor::key_from_hex(hex)
            .map(Some)
            .map_err(|e| anyhow::anyhow!("HANDOFF_AUDIT_KEY: {e}")),
        (None, Some(path)) => match read_audit_key(path)? {
            Some(k) => Ok(Some(k)),
            None => anyhow::bail!(
                "the audit signing key {} (HANDOFF_AUDIT_KEY_FILE) does not exist",
                path.display()
            ),
        },
        (None, None) => read_audit_key(&settings.data_dir.join(AUDIT_KEY_FILE)),
    }
}

/// A key file's key, or `None` if there is no such file.
fn read_audit_key(path: &Path) -> anyhow::Result<Option<SigningKey>> {
    match std::fs::read_to_string(path) {
        Ok(text) => crate::domain::audit_anchor::key_from_hex(&text)
            .map(Some)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => anyhow::bail!("cannot read the audit signing key {}: {e}", path.display()),
    }
}

/// What `serve` does before anything else: makes sure there is an audit signing key (with
/// none configured, a random one is created in the data folder, readable by its owner
/// only) and logs its public key, for the operator to keep with the checkpoints.
pub fn ensure_audit_key(settings: &Settings) -> anyhow::Result<SigningKey> {
    use crate::domain::audit_anchor::fingerprint;
    let (key, created) = match audit_key(settings)? {
        Some(k) => (k, false),
        None => (
            create_audit_key(&settings.data_dir.join(AUDIT_KEY_FILE))?,
            true,
        ),
    };
    let public = hex::encode(key.verifying_key().as_bytes());
    log::info!(
        "audit checkpoints are signed by public key {public} (fingerprint {}){}",
        fingerprint(&public),
        if created {
            format!(
                "; the private key was created in {}: keep a copy apart from the database and its backups",
                settings.data_dir.join(AUDIT_KEY_FILE).display()
            )
        } else {
            String::new()
        }
    );
    Ok(key)
}

fn create_audit_key(path: &Path) -> anyhow::Result<SigningKey> {
    use std::io::Write;
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", folder.display()))?;
    }
    let mut seed = [0u8; 32];
    rand::rng().fill_bytes(&mut seed);
    // Written whole and owner-only to a file of its own, then linked into place: two
    // instances starting at once on one data folder end with one key (the loser reads
    // the winner's), never a half-written one.
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&tmp).and_then(|mut f| {
        f.write_all(hex::encode(seed).as_bytes())?;
        f.sync_all()
    });
    let linked = written.and_then(|()| std::fs::hard_link(&tmp, path));
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(SigningKey::from_bytes(&seed)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_audit_key(path)?.ok_or_else(|| anyhow::anyhow!("{} disappeared", path.display()))
        }
        Err(e) => anyhow::bail!("cannot create {}: {e}", path.display()),
    }
}

/// Options for [`server`].
pub struct ServerOptions {
    pub secure_cookies: bool,
    pub workers: Option<usize>,
    /// Extra routes (the benchmark's Fortunes page).
    pub extra_routes: Option<fn(&mut web::ServiceConfig)>,
    /// How often the mail worker looks for due mail when nothing wakes it.
    pub mail_poll: std::time::Duration,
    /// Whether this instance runs the background jobs (`serve --no-jobs` turns it off).
    pub run_jobs: bool,
    /// The bearer token of `/metrics` on the main listener (`HANDOFF_METRICS_TOKEN`).
    pub metrics_token: Option<String>,
    /// A listener of its own for `/metrics` (`HANDOFF_METRICS_ADDR`): served there without
    /// a token, and no longer on the main listener.
    pub metrics_listener: Option<TcpListener>,
}

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// The running servers: the app, and `/metrics` on its own listener when configured.
/// Resolves when they stop.
pub type Servers = BoxFuture<'static, std::io::Result<()>>;

/// Builds the HTTP server on a bound listener (and the metrics server on its own).
pub fn server(
    listener: TcpListener,
    svc: Services,
    key: Key,
    opts: ServerOptions,
) -> anyhow::Result<Servers> {
    // This server runs the background jobs (the mail outbox, the clock, the purge, the audit
    // checkpoint, the files sweep); several instances on one database each run a scheduler,
    // and a job's lease lets one at a time run it.
    if let Some(rx) = svc
        .mail_rx
        .lock()
        .ok()
        .and_then(|mut g| g.take())
        .filter(|_| opts.run_jobs)
    {
        crate::services::jobs::spawn(crate::services::jobs::Env::of(&svc), rx, opts.mail_poll);
    }
    // The server's own option decides HSTS, as it decides the cookies' Secure flag.
    let data = web::Data::new(Services {
        secure_cookies: opts.secure_cookies,
        ..svc.clone()
    });
    let secure = opts.secure_cookies;
    let svc_pool_size = svc.pool.max_size();
    let extra = opts.extra_routes;
    let gate = MetricsGate::main_listener(
        opts.metrics_token.as_deref(),
        opts.metrics_listener.is_some(),
    );
    let metrics = opts
        .metrics_listener
        .map(|l| metrics_server(l, data.clone()))
        .transpose()?;
    let mut http = HttpServer::new(move || {
        let sessions = SessionMiddleware::builder(DbSessionStore::new(svc.clone()), key.clone())
            .cookie_name(SESSION_COOKIE.to_string())
            .cookie_secure(secure)
            .cookie_http_only(true)
            .cookie_same_site(SameSite::Lax)
            // The cookie carries the session's state (`session_store`): encrypted, not only
            // signed, so a second factor's secret being set up is not readable in it.
            .cookie_content_security(CookieContentSecurity::Private)
            .session_lifecycle(BrowserSession::default())
            .build();
        App::new()
            .app_data(data.clone())
            .app_data(gate.clone())
            .app_data(web::PayloadConfig::new(1024 * 1024))
            .app_data(
                web::FormConfig::default()
                    .limit(1024 * 1024)
                    .error_handler(|e, _| {
                        AppError::BadRequest(format!("The form could not be read: {e}")).into()
                    }),
            )
            .app_data(web::QueryConfig::default().error_handler(|_, _| {
                AppError::BadRequest("The address has an invalid query.".into()).into()
            }))
            .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
            .configure(|cfg| {
                routes::configure(cfg);
                if let Some(f) = extra {
                    f(cfg);
                }
            })
            .default_service(web::to(not_found))
            .wrap(from_fn(middleware::csrf_guard))
            .wrap(sessions)
            .wrap(from_fn(middleware::security_headers))
            .wrap(from_fn(observe::observe))
    })
    .listen(listener)?;
    if let Some(w) = opts.workers {
        http = http.workers(w);
    }
    // actix gives each worker 512 / cores blocking threads (256 here). Past the pool's size
    // a blocking thread only waits for a connection, yet each one keeps a stack and its
    // share of malloc's arenas: under 64 connections the server grew to 94 threads and
    // 110 MB. Enough threads for every connection, split between the workers.
    let workers = opts.workers.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    http = http.worker_max_blocking_threads(blocking_threads(svc_pool_size, workers));
    let main = http.run();
    Ok(Box::pin(async move {
        match metrics {
            Some(m) => futures_util::future::try_join(main, m).await.map(|_| ()),
            None => main.await,
        }
    }))
}

/// The pool's size when none is configured. On a 2-core machine, SQLite with 4 connections
/// served the patient list at 12,056 req/s and 16 connections at 8,568 (wrk, 64
/// connections; BENCHMARKS.md): its work is done on the app's own cores.
fn default_pool_size(url: &db::DbUrl, cores: usize) -> u32 {
    match url {
        db::DbUrl::Postgres { .. } => 16,
        db::DbUrl::Sqlite { .. } => u32::try_from(cores.saturating_mul(2))
            .unwrap_or(16)
            .clamp(4, 16),
    }
}

/// Blocking threads per worker: the pool's connections shared out, at least two (a hop that
/// hashes a password or typesets a letter holds no connection).
fn blocking_threads(pool_size: u32, workers: usize) -> usize {
    (pool_size as usize).div_ceil(workers.max(1)).max(2)
}

/// `/metrics` alone, without a token, on the operator's own listener: no pages, no
/// sessions, and no access log (a scrape every few seconds would drown it).
fn metrics_server(listener: TcpListener, data: web::Data<Services>) -> anyhow::Result<Server> {
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(MetricsGate::Open)
            .route("/metrics", web::get().to(metrics::metrics_page))
            .default_service(web::to(not_found))
    })
    .workers(1)
    .listen(listener)?;
    Ok(server.run())
}

#[cfg(test)]
mod tests {
    #[test]
    fn sqlite_pools_follow_the_cores_and_postgres_keeps_sixteen() {
        let lite = crate::db::DbUrl::parse("sqlite://data/handoff.db").unwrap();
        let pg = crate::db::DbUrl::parse("postgres://u@h/db").unwrap();
        assert_eq!(super::default_pool_size(&lite, 1), 4);
        assert_eq!(super::default_pool_size(&lite, 2), 4);
        assert_eq!(super::default_pool_size(&lite, 6), 12);
        assert_eq!(super::default_pool_size(&lite, 64), 16);
        assert_eq!(super::default_pool_size(&pg, 2), 16);
    }

    #[test]
    fn blocking_threads_cover_the_pool_between_the_workers() {
        assert_eq!(super::blocking_threads(16, 2), 8);
        assert_eq!(super::blocking_threads(16, 3), 6);
        assert_eq!(super::blocking_threads(1, 4), 2);
        assert_eq!(super::blocking_threads(8, 0), 8);
    }

    #[test]
    fn serve_creates_one_owner_only_audit_key_and_a_configured_one_must_exist() {
        use super::{audit_key, ensure_audit_key};
        let dir = std::env::temp_dir().join(format!("handoff-key-{}", crate::db::new_id()));
        // A data folder that does not exist yet, as on a first `serve`.
        let mut settings = crate::config::Settings::for_data_dir(dir.join("data"), None);
        assert!(audit_key(&settings).unwrap().is_none());
        let created = ensure_audit_key(&settings).unwrap();
        let path = dir.join("data/audit-signing.key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = ensure_audit_key(&settings).unwrap();
        assert_eq!(created.verifying_key(), again.verifying_key());
        settings.audit.audit_key_file = Some(dir.join("elsewhere.key"));
        assert!(audit_key(&settings).is_err(), "a named file must exist");
        settings.audit.audit_key = Some("07".repeat(32));
        assert!(audit_key(&settings).is_err(), "one source, not two");
        settings.audit.audit_key_file = None;
        let from_env = audit_key(&settings).unwrap().unwrap();
        assert_ne!(from_env.verifying_key(), created.verifying_key());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
