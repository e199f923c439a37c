//! The person's own sessions: where they are signed in, and ending any of them.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{AuditEntry, Caller, Services, audit};
use crate::db;
use crate::domain::policy::Action;
use crate::domain::security::{ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, browser_label};
use crate::error::{AppError, AppResult};

/// What a session remembers of the sign-in that made it (kept in its state, under
/// `device`): a public id for the list's buttons (never the session key), the browser and
/// the address.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub user_agent: String,
    pub ip: String,
}

/// One session as listed.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub id: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    /// "Firefox on Windows", from the browser's own description.
    pub browser: String,
    pub ip: String,
    /// The session asking.
    pub current: bool,
}

fn device_of(state: &str) -> Option<Device> {
    let map: std::collections::HashMap<String, String> = serde_json::from_str(state).ok()?;
    serde_json::from_str(map.get("device")?).ok()
}

/// The caller's live sessions, the current one (`current_id`) marked.
pub fn list(svc: &Services, caller: &Caller, current_id: &str) -> AppResult<Vec<SessionInfo>> {
    caller.authorize(&Action::UseOwnAccount, "/account/sessions")?;
    let me = caller.person_id()?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    Ok(db::sessions::for_user(&mut conn, me)?
        .into_iter()
        .filter(|r| r.last_seen_at > now - IDLE_TIMEOUT && r.created_at > now - ABSOLUTE_TIMEOUT)
        .map(|r| {
            let d = device_of(&r.state);
            let id = d.as_ref().map(|d| d.id.clone()).unwrap_or_default();
            SessionInfo {
                current: !id.is_empty() && id == current_id,
                browser: browser_label(d.as_ref().map_or("", |d| d.user_agent.as_str())),
                ip: d.map(|d| d.ip).unwrap_or_default(),
                id,
                created_at: r.created_at,
                last_seen_at: r.last_seen_at,
            }
        })
        .collect())
}

/// Which of the caller's sessions to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End<'a> {
    /// One session, by its public id.
    One(&'a str),
    /// Every session but the current one.
    AllBut(&'a str),
}

/// Ends sessions of the caller (audited); returns how many ended. An unknown id is a 404.
pub fn end(svc: &Services, caller: &Caller, which: End<'_>) -> AppResult<usize> {
    caller.authorize(&Action::UseOwnAccount, "/account/sessions")?;
    let me = caller.person_id()?.to_string();
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| -> AppResult<usize> {
        let rows = db::sessions::for_user(c, &me)?;
        let mut ended = 0;
        for r in rows {
            let id = device_of(&r.state).map(|d| d.id).unwrap_or_default();
            let hit = match which {
                End::One(one) => !one.is_empty() && id == one,
                End::AllBut(keep) => id != keep,
            };
            if hit {
                ended += db::sessions::delete(c, &r.id_hash)?;
            }
        }
        if let End::One(_) = which
            && ended == 0
        {
            return Err(AppError::NotFound);
        }
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "sessions_ended",
                subject_type: "account",
                subject_id: &me,
                patient_id: None,
                detail: match which {
                    End::One(_) => "one session".into(),
                    End::AllBut(_) => format!("{ended} other sessions"),
                },
            },
        )?;
        Ok(ended)
    })
}
