//! Liveness for load balancers: is the database reachable from this instance.

use super::Services;
use crate::db;

/// Whether a pooled connection can be had and answers one query. The probe runs every few
/// seconds, so a failure is not logged here: the pool and the pages already report it.
pub fn database_reachable(svc: &Services) -> bool {
    svc.conn().is_ok_and(|mut conn| db::ping(&mut conn).is_ok())
}
