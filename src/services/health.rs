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
