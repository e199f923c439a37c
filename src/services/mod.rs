//! Use cases, one function per command. Each runs synchronously on a pooled connection
//! (handlers call them inside `web::block`): transaction -> load -> decide (domain) ->
//! persist -> audit.

pub mod accounts;
pub mod audit_log;
pub mod clinics;
pub mod directory;
pub mod patients;
pub mod referrals;
pub mod seed;
pub mod threads;

use std::path::PathBuf;

use chrono::NaiveDateTime;

use crate::clock::SharedClock;
use crate::db::{self, DbConn, Pool, audit::AuditRow};
use crate::domain::policy::{Action, Actor, Decision, decide};
use crate::error::{AppError, AppResult};

/// What every service needs: the pool, the clock and where files live.
#[derive(Clone)]
pub struct Services {
    pub pool: Pool,
    pub clock: SharedClock,
    pub files_dir: PathBuf,
    pub max_upload_bytes: u64,
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

    /// The signed-in user's id; services behind `authorize` can rely on it.
    pub fn user_id(&self) -> AppResult<&str> {
        self.actor.user_id().ok_or_else(AppError::forbidden)
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

/// Writes an audit row for `caller`.
pub fn audit(
    conn: &mut DbConn,
    now: NaiveDateTime,
    caller: &Caller,
    e: AuditEntry<'_>,
) -> AppResult<()> {
    let row = AuditRow {
        id: db::new_id(),
        seq: 0,
        at: now,
        actor_id: caller.actor.user_id().map(str::to_string),
        actor_role: caller
            .actor
            .role()
            .map_or("anonymous", |r| r.as_str())
            .to_string(),
        on_behalf_of: None,
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
    };
    db::audit::append(conn, row)?;
    Ok(())
}
