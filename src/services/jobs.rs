//! The job runner: one scheduler thread per app instance runs the background jobs (the mail
//! outbox, the clock, the purge of expired sessions, the audit checkpoint, the sweep of
//! unreferenced files). A job runs only
//! under a lease taken from its row in `jobs` by one compare-and-set, so of several
//! instances exactly one runs it at a time; an instance killed mid-run leaves its lease to
//! run out, and the next instance to look after that takes the job over. Work inside a job
//! is idempotent on its own (mail is claimed per message, reminders are keyed per due time,
//! a checkpoint is named by the row it signs), so a job that ran twice after a lease ran
//! out still sends nothing twice.
//!
//! Written here rather than taken from a crate: `apalis` stores its jobs through sqlx and
//! `tokio-cron-scheduler` its state in its own PostgreSQL or NATS stores, neither through
//! diesel on both of our backends; both would add a second database layer for a table of
//! five rows.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDateTime};

use super::store::Store;
use super::{AnchorConfig, MailConfig, Services, audit_anchor, clock, files_sweep, mail};
use crate::clock::SharedClock;
use crate::db::{self, Pool, clock::Job};
use crate::error::AppResult;

/// What the jobs work with: the parts of [`Services`] they need. Not `Services` itself:
/// its senders would keep the scheduler (and the view auditor) alive after the app.
#[derive(Clone)]
pub struct Env {
    pub pool: Pool,
    pub clock: SharedClock,
    pub mail: Arc<MailConfig>,
    pub store: Store,
    pub anchor: AnchorConfig,
}

impl Env {
    pub fn of(svc: &Services) -> Env {
        Env {
            pool: svc.pool.clone(),
            clock: svc.clock.clone(),
            mail: svc.mail.clone(),
            store: svc.store.clone(),
            anchor: svc.anchor.clone(),
        }
    }
}

/// A background job: how often it runs and how long a run may hold its lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub name: &'static str,
    pub every: Duration,
    pub lease: Duration,
    /// How long after its row is first created the job first runs.
    pub first_run_after: Duration,
}

/// The clock's reminders, escalations and expiries: every minute.
pub const CLOCK: Spec = Spec {
    name: "clock",
    every: Duration::minutes(1),
    lease: Duration::minutes(5),
    first_run_after: Duration::zero(),
};

/// Expired sessions and old throttle counts: every five minutes.
pub const PURGE: Spec = Spec {
    name: "purge",
    every: Duration::minutes(5),
    lease: Duration::minutes(5),
    first_run_after: Duration::zero(),
};

/// Stored files no row points to, past their grace period, and old cached letters: hourly.
pub const FILES: Spec = Spec {
    name: "files",
    every: Duration::hours(1),
    lease: Duration::minutes(10),
    first_run_after: Duration::zero(),
};

/// The mail outbox; how often is the server's poll interval, and any change that queues
/// mail in this instance wakes it at once.
pub fn mail_spec(poll: StdDuration) -> Spec {
    Spec {
        name: "mail",
        every: Duration::from_std(poll).unwrap_or(Duration::seconds(2)),
        lease: Duration::minutes(5),
        first_run_after: Duration::zero(),
    }
}

/// The signed checkpoint of the audit chain, every `every` (HANDOFF_AUDIT_CHECKPOINT_MINUTES).
/// Its first run waits one interval: a new install has nothing worth anchoring yet.
pub fn checkpoint_spec(every: Duration) -> Spec {
    Spec {
        name: "audit_checkpoint",
        every,
        // The first checkpoint verifies the whole chain before it signs.
        lease: Duration::minutes(30),
        first_run_after: every,
    }
}

/// FHIR Subscription deliveries: every five seconds.
pub const FHIR_HOOKS: Spec = Spec {
    name: "fhir_hooks",
    every: Duration::seconds(5),
    lease: Duration::minutes(5),
    first_run_after: Duration::zero(),
};

/// Every job of an instance whose mail poll is `poll`.
pub fn specs(poll: StdDuration, anchor: &AnchorConfig) -> [Spec; 6] {
    [
        mail_spec(poll),
        CLOCK,
        PURGE,
        checkpoint_spec(anchor.every),
        FILES,
        FHIR_HOOKS,
    ]
}

/// What a run of a job did, for the log and `handoff jobs`.
pub type Outcome = Result<String, String>;

/// Runs one job's work.
fn work(name: &str, env: &Env) -> AppResult<String> {
    let (pool, clock, cfg) = (&env.pool, &env.clock, &*env.mail);
    Ok(match name {
        "mail" => format!("{} sent", mail::send_due(pool, clock, cfg)?),
        "audit_checkpoint" => audit_anchor::scheduled(pool, &env.store, &env.anchor, clock.now())?,
        "files" => format!(
            "{} unreferenced files removed",
            files_sweep::sweep(pool, &env.store, clock.now())?
        ),
        "clock" => {
            let t = clock::run(pool, cfg, clock.now())?;
            format!(
                "{} reminded, {} escalated, {} expired, {} completed with a drafted outcome",
                t.reminded, t.escalated, t.expired, t.completed
            )
        }
        "fhir_hooks" => {
            let r = super::fhir_hooks::run(pool, clock)?;
            format!(
                "{} changes queued, {} delivered, {} attempts failed",
                r.queued, r.delivered, r.failed_attempts
            )
        }
        "purge" => format!(
            "{} sessions purged",
            mail::purge_expired(pool, clock.now())?
        ),
        other => format!("unknown job {other}"),
    })
}

/// Creates the rows of jobs that have none yet (at every start; the first instance wins).
pub fn ensure(pool: &Pool, specs: &[Spec], now: NaiveDateTime) -> AppResult<()> {
    let mut conn = pool.get()?;
    for s in specs {
        db::clock::ensure_job(
            &mut conn,
            s.name,
            s.every.num_seconds(),
            now + s.first_run_after,
        )?;
    }
    Ok(())
}

/// Runs, as `owner`, every job that is due and not leased to a live run elsewhere.
/// Returns the jobs this instance ran and how each went.
pub fn run_due(env: &Env, owner: &str, specs: &[Spec]) -> AppResult<Vec<(&'static str, Outcome)>> {
    let (pool, clock) = (&env.pool, &env.clock);
    let mut ran = Vec::new();
    for s in specs {
        let now = clock.now();
        let won = {
            let mut conn = pool.get()?;
            db::clock::claim(&mut conn, s.name, owner, now, now + s.lease)?
        };
        if !won {
            continue;
        }
        let outcome = work(s.name, env).map_err(|e| e.to_string());
        let end = clock.now();
        let mut conn = pool.get()?;
        db::clock::finish(
            &mut conn,
            s.name,
            owner,
            end,
            end + s.every,
            outcome.as_ref().err().map(String::as_str),
        )?;
        ran.push((s.name, outcome));
    }
    Ok(ran)
}

/// Makes a job due now (this instance queued mail, or an operator asked).
pub fn due_now(pool: &Pool, name: &str, now: NaiveDateTime) -> AppResult<()> {
    let mut conn = pool.get()?;
    db::clock::due_now(&mut conn, name, now)?;
    Ok(())
}

/// A name for this instance's leases: host, process and a random part, so two instances on
/// one host (or a restarted one) never share a lease.
pub fn instance_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
    let random = uuid::Uuid::now_v7().simple().to_string();
    format!(
        "{host}-{}-{}",
        std::process::id(),
        &random[random.len() - 8..]
    )
}

/// Starts the scheduler thread. It wakes when `wake` receives (a change queued mail: the
/// mail job is made due) or every `poll`, and ends when every sender of `wake` is gone.
pub fn spawn(env: Env, wake: Receiver<()>, poll: StdDuration) {
    let owner = instance_name();
    let specs = specs(poll, &env.anchor);
    std::thread::Builder::new()
        .name("jobs".into())
        .spawn(move || {
            if let Err(e) = ensure(&env.pool, &specs, env.clock.now()) {
                log::warn!("jobs: {e}");
            }
            loop {
                let woke = match wake.recv_timeout(poll) {
                    Ok(()) => true,
                    Err(RecvTimeoutError::Timeout) => false,
                    Err(RecvTimeoutError::Disconnected) => break,
                };
                while wake.try_recv().is_ok() {}
                if woke && let Err(e) = due_now(&env.pool, "mail", env.clock.now()) {
                    log::warn!("jobs: {e}");
                }
                match run_due(&env, &owner, &specs) {
                    Ok(ran) => {
                        for (name, outcome) in ran {
                            if let Err(e) = outcome {
                                log::warn!("job {name} failed: {e}");
                            }
                        }
                    }
                    Err(e) => log::warn!("jobs: {e}"),
                }
            }
        })
        .expect("spawn the job scheduler");
}

/// How a job stands now, for `handoff jobs`.
pub fn describe(j: &Job, now: NaiveDateTime) -> String {
    let state = match (&j.lease_owner, j.lease_until) {
        (Some(o), Some(u)) if u >= now => format!("running on {o} (lease until {u})"),
        (Some(o), Some(u)) => format!("lease of {o} ran out at {u}: the next instance takes it"),
        _ if j.next_run_at <= now => "due now".to_string(),
        _ => format!("next run {}", j.next_run_at.format("%Y-%m-%d %H:%M:%S")),
    };
    let last = match (&j.last_error, j.last_finished_at) {
        (Some(e), Some(at)) => format!("last run failed at {at}: {e}"),
        (None, Some(at)) => format!("last run ok at {}", at.format("%Y-%m-%d %H:%M:%S")),
        _ => "never ran".into(),
    };
    format!(
        "{:<6} every {:>4} s  {state}; {last}; {} runs, {} failed",
        j.name, j.every_seconds, j.runs, j.failures
    )
}

/// What `handoff jobs` prints: every job, the referrals overdue and due within a day, and
/// the outbox by status.
pub fn report(svc: &super::Services) -> AppResult<String> {
    let now = svc.now();
    let mut conn = svc.conn()?;
    let mut out = String::new();
    for j in db::clock::jobs(&mut conn)? {
        out.push_str(&describe(&j, now));
        out.push('\n');
    }
    let (overdue, soon) = db::clock::due_counts(&mut conn, now, Duration::hours(24))?;
    out.push_str(&format!(
        "referrals: {overdue} overdue, {soon} due within 24 h\n"
    ));
    let mail = db::clock::outbox_counts(&mut conn)?
        .into_iter()
        .map(|(s, n)| format!("{n} {s}"))
        .collect::<Vec<_>>();
    out.push_str(&format!(
        "mail: {}\n",
        if mail.is_empty() {
            "none".into()
        } else {
            mail.join(", ")
        }
    ));
    Ok(out)
}
