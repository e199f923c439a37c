//! Probes for load balancers and orchestrators: liveness (is the database reachable from
//! this instance) and readiness (can this instance do its work: database and file store).

use super::Services;
use crate::db;

/// Whether a pooled connection can be had and answers one query. The probe runs every few
/// seconds, so a failure is not logged here: the pool and the pages already report it.
pub fn database_reachable(svc: &Services) -> bool {
    svc.conn().is_ok_and(|mut conn| db::ping(&mut conn).is_ok())
}

/// What keeps an instance from being ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotReady {
    Database,
    Storage,
}

impl NotReady {
    /// The one word the public probe answers with: no path or driver message leaves.
    pub fn word(self) -> &'static str {
        match self {
            NotReady::Database => "database",
            NotReady::Storage => "storage",
        }
    }
}

/// Ready when the database answers and the file store takes a write (a probe file written
/// and removed). Not logged, like [`database_reachable`]: the probe repeats every few seconds.
pub fn readiness(svc: &Services) -> Result<(), NotReady> {
    if !database_reachable(svc) {
        return Err(NotReady::Database);
    }
    svc.store.probe().map_err(|_| NotReady::Storage)
}

/// Everything `GET /metrics` answers, in the Prometheus text format: the registry's
/// counters and histograms, then gauges read now. The pool is read before this scrape
/// takes a connection of its own; the outbox and job queue depths are one indexed COUNT
/// each, left out (with `handoff_db_up 0`) when the database does not answer.
pub fn scrape(svc: &Services) -> String {
    use super::metrics::gauge;
    let mut out = svc.metrics.render();
    let p = svc.pool.stats();
    gauge(
        &mut out,
        "handoff_db_pool_max_connections",
        "Connections the pool may open.",
        p.max,
    );
    gauge(
        &mut out,
        "handoff_db_pool_connections",
        "Connections the pool holds open.",
        p.connections,
    );
    gauge(
        &mut out,
        "handoff_db_pool_idle",
        "Open connections not in use.",
        p.idle,
    );
    gauge(
        &mut out,
        "handoff_db_pool_in_use",
        "Connections checked out by requests and jobs.",
        p.connections.saturating_sub(p.idle),
    );
    gauge(
        &mut out,
        "handoff_db_pool_waiting",
        "Callers waiting for a connection to come free.",
        p.waiting,
    );
    let depths = svc.conn().ok().and_then(|mut conn| {
        let outbox = db::clock::outbox_depth(&mut conn).ok()?;
        let jobs = db::clock::jobs_waiting(&mut conn, svc.now()).ok()?;
        Some((outbox, jobs))
    });
    gauge(
        &mut out,
        "handoff_db_up",
        "Whether the database answered this scrape's queries.",
        u8::from(depths.is_some()),
    );
    if let Some((outbox, jobs)) = depths {
        gauge(
            &mut out,
            "handoff_outbox_depth",
            "E-mails not sent yet (queued or being sent).",
            outbox,
        );
        gauge(
            &mut out,
            "handoff_job_queue_depth",
            "Background jobs due and not running on any instance.",
            jobs,
        );
    }
    out
}
