//! Wiring: the data folder, the pool and migrations, the cookie key, and the HTTP server
//! with its middleware.

use std::net::TcpListener;
use std::path::Path;

use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::middleware::{Logger, from_fn};
use actix_web::{App, HttpServer, web};
use rand::RngCore;
use sha2::{Digest, Sha512};

use crate::clock::SharedClock;
use crate::config::Settings;
use crate::db;
use crate::error::AppError;
use crate::services::Services;
use crate::web::{middleware, routes, session_store::DbSessionStore};

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
    let files_dir = settings.files_dir();
    std::fs::create_dir_all(files_dir.join("tmp"))?;
    let pool = db::build_pool(&url, settings.db_pool_size)?;
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
    let (mail_wake, mail_rx) = std::sync::mpsc::channel();
    let svc = Services {
        views: crate::services::spawn_view_auditor(auditor_pool),
        mail: std::sync::Arc::new(crate::services::MailConfig::new(
            settings.mail.clone(),
            key.master(),
            &settings.data_dir,
        )),
        mail_wake,
        mail_rx: std::sync::Arc::new(std::sync::Mutex::new(Some(mail_rx))),
        pool,
        clock,
        files_dir,
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
}

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// Builds the HTTP server on a bound listener.
pub fn server(
    listener: TcpListener,
    svc: Services,
    key: Key,
    opts: ServerOptions,
) -> anyhow::Result<Server> {
    // This server runs the background jobs (the mail outbox, the clock, the purge); several
    // instances on one database each run a scheduler, and a job's lease lets one at a time
    // run it.
    if let Some(rx) = svc
        .mail_rx
        .lock()
        .ok()
        .and_then(|mut g| g.take())
        .filter(|_| opts.run_jobs)
    {
        crate::services::jobs::spawn(
            svc.pool.clone(),
            svc.clock.clone(),
            svc.mail.clone(),
            rx,
            opts.mail_poll,
        );
    }
    // The server's own option decides HSTS, as it decides the cookies' Secure flag.
    let data = web::Data::new(Services {
        secure_cookies: opts.secure_cookies,
        ..svc.clone()
    });
    let secure = opts.secure_cookies;
    let extra = opts.extra_routes;
    let mut http = HttpServer::new(move || {
        let trusted = svc.trusted_proxies.clone();
        let sessions = SessionMiddleware::builder(DbSessionStore::new(svc.clone()), key.clone())
            .cookie_name(SESSION_COOKIE.to_string())
            .cookie_secure(secure)
            .cookie_http_only(true)
            .cookie_same_site(SameSite::Lax)
            .cookie_content_security(CookieContentSecurity::Signed)
            .session_lifecycle(BrowserSession::default())
            .build();
        App::new()
            .app_data(data.clone())
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
            // The client (behind a trusted proxy, the address it forwarded), the path only
            // (query strings can carry tokens) with link tokens masked, and the proxy's
            // request id (X-Request-Id, "-" without one) to find the line in its log.
            .wrap(
                Logger::new("%{client}xi %s %Dms \"%{path}xi\" %{x-request-id}i")
                    .custom_request_replace("path", |req| masked_path(req.path()))
                    .custom_request_replace("client", move |req| {
                        crate::web::extract::client_ip(req.request(), &trusted)
                    }),
            )
    })
    .listen(listener)?;
    if let Some(w) = opts.workers {
        http = http.workers(w);
    }
    Ok(http.run())
}

/// A request path fit for the log: signed-link tokens are secrets.
fn masked_path(path: &str) -> String {
    // Link, patient-link and invitation tokens are secrets in the address.
    for prefix in ["/l/", "/p/", "/join/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            return match rest.split_once('/') {
                Some((_, tail)) => format!("{prefix}[token]/{tail}"),
                None => format!("{prefix}[token]"),
            };
        }
    }
    path.to_string()
}

#[cfg(test)]
mod tests {
    use super::masked_path;

    #[test]
    fn tokens_in_addresses_never_reach_the_log() {
        let t = "ab".repeat(32);
        assert_eq!(masked_path(&format!("/l/{t}")), "/l/[token]");
        assert_eq!(
            masked_path(&format!("/l/{t}/letter.pdf")),
            "/l/[token]/letter.pdf"
        );
        assert_eq!(masked_path(&format!("/join/{t}")), "/join/[token]");
        assert_eq!(
            masked_path(&format!("/p/{t}/appointments/x/cancel")),
            "/p/[token]/appointments/x/cancel"
        );
        assert_eq!(masked_path("/referrals/abc"), "/referrals/abc");
    }
}
