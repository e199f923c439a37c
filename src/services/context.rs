//! What every use case works with: the services' shared state, who is calling, and the
//! audit rows written in the transaction of what they record. Imports no other service
//! but two leaves: the file store and the metrics registry.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::MailSettings;
use crate::domain::mail as rules;
use std::path::PathBuf;

use chrono::NaiveDateTime;

use super::metrics::Metrics;
use crate::clock::SharedClock;
use crate::db::{self, DbConn, Pool, audit::AuditRow};
use crate::domain::policy::{Action, Actor, Decision, decide};
use crate::error::{AppError, AppResult};

/// What every service needs: the pool, the clock and where files live.
#[derive(Clone)]
pub struct Services {
    pub pool: Pool,
    pub clock: SharedClock,
    /// Where uploaded files live (a folder or an S3 bucket).
    pub store: super::store::Store,
    pub max_upload_bytes: u64,
    /// Served over HTTPS (`--secure-cookies`): cookies are Secure and HSTS is sent.
    pub secure_cookies: bool,
    /// Wrong link tokens allowed per address (the setting's count, the domain's window).
    pub link_limit: crate::domain::security::Limit,
    /// Proxies whose X-Forwarded-For is believed (`--trusted-proxies`).
    pub trusted_proxies: std::sync::Arc<[std::net::IpAddr]>,
    /// Where views are audited (see [`spawn_view_auditor`]).
    pub views: std::sync::mpsc::Sender<ViewJob>,
    /// Mail settings and the link key.
    pub mail: std::sync::Arc<MailConfig>,
    /// Wakes this instance's job scheduler to send mail now (`jobs::spawn`).
    pub mail_wake: std::sync::mpsc::Sender<()>,
    /// The worker's end of `mail_wake`, taken by the one server that runs the worker.
    pub mail_rx: std::sync::Arc<std::sync::Mutex<Option<std::sync::mpsc::Receiver<()>>>>,
    /// This instance's metrics (`GET /metrics`).
    pub metrics: std::sync::Arc<Metrics>,
    /// The key that signs audit checkpoints, and how often they are taken.
    pub anchor: AnchorConfig,
}

/// Anchoring the audit chain outside the database (`services::audit_anchor`).
#[derive(Clone)]
pub struct AnchorConfig {
    /// Read from a file or the environment at start; `None` when none is configured and
    /// none was created (only `serve` creates one).
    pub key: Option<std::sync::Arc<ed25519_dalek::SigningKey>>,
    /// Time between the scheduler's checkpoints.
    pub every: chrono::Duration,
}

impl Services {
    /// Current time from the injected clock.
    pub fn now(&self) -> NaiveDateTime {
        self.clock.now()
    }

    /// A pooled connection; a pool that cannot hand one out means the database is down.
    pub fn conn(&self) -> AppResult<db::PooledConn> {
        Ok(self.pool.get()?)
    }
}

/// Who is acting and from where, for the policy and the audit log.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub ip: String,
    pub user_agent: String,
}

impl Caller {
    /// The app itself acting (a background job, the mail pipe): `agent` names which, in the
    /// audit log's user-agent column.
    pub fn system(agent: &str) -> Caller {
        Caller {
            actor: Actor::System,
            ip: String::new(),
            user_agent: agent.into(),
        }
    }

    /// Asks the policy; turns a refusal into the matching error.
    pub fn authorize(&self, action: &Action<'_>, next: &str) -> AppResult<()> {
        match decide(&self.actor, action) {
            Decision::Allow => Ok(()),
            Decision::NeedsLogin => Err(AppError::NeedsLogin {
                next: next.to_string(),
            }),
            Decision::Forbidden => Err(AppError::forbidden()),
        }
    }

    /// Whose work this is (an assistant's practitioner, see [`Actor::user_id`]); services
    /// behind `authorize` can rely on it.
    pub fn user_id(&self) -> AppResult<&str> {
        self.actor.user_id().ok_or_else(AppError::forbidden)
    }

    /// The signed-in account itself (an assistant's own): for account settings and sessions.
    pub fn person_id(&self) -> AppResult<&str> {
        self.actor.person_id().ok_or_else(AppError::forbidden)
    }
}

/// One audit row, written on the connection (and so in the transaction) of the change or
/// view it records.
pub struct AuditEntry<'a> {
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: &'a str,
    pub patient_id: Option<&'a str>,
    pub detail: String,
}

fn audit_row(now: NaiveDateTime, caller: &Caller, e: AuditEntry<'_>) -> AuditRow {
    AuditRow {
        id: db::new_id(),
        seq: 0,
        at: now,
        actor_id: caller.actor.person_id().map(str::to_string),
        actor_role: caller.actor.role_name().to_string(),
        on_behalf_of: caller.actor.on_behalf_of().map(str::to_string),
        action: e.action.to_string(),
        subject_type: e.subject_type.to_string(),
        subject_id: e.subject_id.to_string(),
        patient_id: e.patient_id.map(str::to_string),
        clinic_id: caller.actor.clinic_id().map(str::to_string),
        ip: caller.ip.chars().take(64).collect(),
        user_agent: caller.user_agent.chars().take(300).collect(),
        detail: e.detail.chars().take(500).collect(),
        prev_hash: String::new(),
        hash: String::new(),
    }
}

fn auditing_off() -> bool {
    // Only the benchmark build can switch auditing off, to measure what it costs.
    #[cfg(feature = "bench")]
    if std::env::var_os("HANDOFF_BENCH_NO_AUDIT").is_some() {
        return true;
    }
    false
}

/// Writes an audit row for `caller` on `conn`, in the transaction of the change it records.
pub fn audit(
    conn: &mut DbConn,
    now: NaiveDateTime,
    caller: &Caller,
    e: AuditEntry<'_>,
) -> AppResult<()> {
    if auditing_off() {
        return Ok(());
    }
    db::audit::record(conn, audit_row(now, caller, e))?;
    Ok(())
}

/// Like [`audit`], for rows whose actor is not signed in but which concern an account of a
/// clinic (a failed sign-in): the row is filed under that clinic so its admin sees it.
pub fn audit_for_clinic(
    conn: &mut DbConn,
    now: NaiveDateTime,
    caller: &Caller,
    clinic_id: Option<&str>,
    e: AuditEntry<'_>,
) -> AppResult<()> {
    if auditing_off() {
        return Ok(());
    }
    let mut row = audit_row(now, caller, e);
    if row.clinic_id.is_none() {
        row.clinic_id = clinic_id.map(str::to_string);
    }
    db::audit::record(conn, row)?;
    Ok(())
}

/// A view to audit, and where to say it is written.
pub struct ViewJob {
    row: AuditRow,
    done: Done,
}

/// Who waits for a view's row: the thread that recorded it, or (see
/// [`with_deferred_audits`]) the request, without holding a thread.
enum Done {
    Blocking(std::sync::mpsc::SyncSender<Result<(), String>>),
    Deferred(tokio::sync::oneshot::Sender<Result<(), String>>),
}

impl Done {
    fn send(self, result: Result<(), String>) {
        // A waiter that went away (a request cancelled by its client) needs no answer.
        let _ = match self {
            Done::Blocking(tx) => tx.send(result).map_err(drop),
            Done::Deferred(tx) => tx.send(result).map_err(drop),
        };
    }
}

/// A view's row on its way to the audit log: await it with [`audits_committed`].
pub type AuditReceipt = tokio::sync::oneshot::Receiver<Result<(), String>>;

thread_local! {
    /// Set while [`with_deferred_audits`] runs a page's service on this thread.
    static RECEIPTS: std::cell::RefCell<Option<Vec<AuditReceipt>>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `f` (a page's service, on the blocking pool) with its views' audit rows queued but
/// not waited for: the thread and its connection are free as soon as the page's data is
/// read, and the request awaits the receipts ([`audits_committed`]) before it shows
/// anything. Under load many more views then share one commit of the audit writer.
pub fn with_deferred_audits<T>(f: impl FnOnce() -> T) -> (T, Vec<AuditReceipt>) {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            // Also on a panic: the next service on this thread waits for its own rows.
            RECEIPTS.with(|r| r.borrow_mut().take());
        }
    }
    RECEIPTS.with(|r| *r.borrow_mut() = Some(Vec::new()));
    let reset = Reset;
    let out = f();
    let receipts = RECEIPTS.with(|r| r.borrow_mut().take()).unwrap_or_default();
    drop(reset);
    (out, receipts)
}

/// Waits until every deferred view is in the audit log: a view that could not be recorded
/// means the page must not be shown (503).
pub async fn audits_committed(receipts: Vec<AuditReceipt>) -> AppResult<()> {
    for r in receipts {
        match r.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(AppError::Unavailable(format!("audit write failed: {e}"))),
            Err(_) => {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "the audit writer stopped"
                )));
            }
        }
    }
    Ok(())
}

/// Starts the thread that writes view audit rows. A view changes nothing, so its row needs
/// a transaction of its own; writing each in its own transaction costs one fsync per page
/// (SQLite with synchronous=FULL). The thread takes every view waiting, appends them in one
/// transaction, and only then lets each page be returned: a view is still recorded before
/// its page leaves, but a burst of views shares one commit. The thread ends when the last
/// `Services` is dropped. `pool` should be its own (one connection): requests wait for this
/// thread while holding connections of the main pool.
pub fn spawn_view_auditor(
    pool: Pool,
    metrics: std::sync::Arc<Metrics>,
) -> std::sync::mpsc::Sender<ViewJob> {
    let (tx, rx) = std::sync::mpsc::channel::<ViewJob>();
    std::thread::Builder::new()
        .name("audit-views".into())
        .spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut batch = vec![first];
                while batch.len() < 500 {
                    match rx.try_recv() {
                        Ok(j) => batch.push(j),
                        Err(_) => break,
                    }
                }
                metrics.audit_batch.observe(batch.len() as f64);
                let result = pool.get().map_err(|e| e.to_string()).and_then(|mut conn| {
                    db::write_tx(&mut conn, |c| -> AppResult<()> {
                        for j in &batch {
                            db::audit::append(c, j.row.clone())?;
                        }
                        Ok(())
                    })
                    .map_err(|e| e.to_string())
                });
                for j in batch {
                    j.done.send(result.clone());
                }
            }
        })
        .expect("spawn the audit writer thread");
    tx
}

impl Services {
    /// Records a view of patient data; returns once the row is committed, or at once inside
    /// [`with_deferred_audits`], whose caller then waits for it before showing the page.
    pub fn record_view(&self, caller: &Caller, e: AuditEntry<'_>) -> AppResult<()> {
        if auditing_off() {
            return Ok(());
        }
        let row = audit_row(self.now(), caller, e);
        let stopped = |_| AppError::Internal(anyhow::anyhow!("the audit writer stopped"));
        let deferred = RECEIPTS.with(|r| r.borrow().is_some());
        if deferred {
            let (done, wait) = tokio::sync::oneshot::channel();
            self.views
                .send(ViewJob {
                    row,
                    done: Done::Deferred(done),
                })
                .map_err(stopped)?;
            RECEIPTS.with(|r| r.borrow_mut().as_mut().map(|v| v.push(wait)));
            return Ok(());
        }
        let (done, wait) = std::sync::mpsc::sync_channel(1);
        self.views
            .send(ViewJob {
                row,
                done: Done::Blocking(done),
            })
            .map_err(stopped)?;
        match wait.recv() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(AppError::Unavailable(format!("audit write failed: {e}"))),
            Err(_) => Err(AppError::Internal(anyhow::anyhow!(
                "the audit writer stopped"
            ))),
        }
    }
}

/// Mail settings and the key that signs links and reply addresses.
pub struct MailConfig {
    pub settings: MailSettings,
    /// HMAC key derived from the server secret (never stored in the database).
    pub key: [u8; 32],
    /// Where mail goes when no SMTP server is configured.
    pub out_dir: PathBuf,
}

impl MailConfig {
    /// Derives the link key from the server's master secret.
    pub fn new(settings: MailSettings, master: &[u8], data_dir: &std::path::Path) -> MailConfig {
        let mut m = Hmac::<Sha256>::new_from_slice(master).expect("any key length");
        m.update(b"handoff: links and reply addresses, v1");
        MailConfig {
            settings,
            key: m.finalize().into_bytes().into(),
            out_dir: data_dir.join("mail-out"),
        }
    }

    /// The public address of a link.
    pub fn link_url(&self, nonce: &str) -> String {
        format!(
            "{}/l/{}",
            self.settings.public_url.trim_end_matches('/'),
            rules::link_token(&self.key, nonce)
        )
    }

    /// The URL of a patient's personal link (the token is never stored).
    pub fn patient_link_url(&self, nonce: &str) -> String {
        format!(
            "{}/p/{}",
            self.settings.public_url.trim_end_matches('/'),
            rules::patient_link_token(&self.key, nonce)
        )
    }

    /// The URL of a clinic's invitation to an outside doctor (the token is never stored).
    pub fn invitation_url(&self, nonce: &str) -> String {
        format!(
            "{}/join/{}",
            self.settings.public_url.trim_end_matches('/'),
            rules::invitation_token(&self.key, nonce)
        )
    }

    /// The reply address of a referral.
    pub fn reply_address(&self, referral_id: &str) -> String {
        rules::reply_address(&self.key, referral_id, &self.settings.reply_domain)
    }
}
