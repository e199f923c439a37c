//! actix-session's store. A session's state travels in its cookie, encrypted with the
//! server's key, beside the session's id; the `sessions` table keeps one row per live
//! session (under the SHA-256 of its id) for the idle and absolute timeouts of
//! `domain::security`, for signing out and for the person's list of sessions, shared by
//! every app instance.
//!
//! Loading a session therefore needs no database: the row is checked on the page's own
//! blocking-pool hop (`Ctx::run` for a page, the CSRF guard for a form), so a page costs
//! one hop, not two. A session whose row is gone (signed out, password changed, ended from
//! another device) or has run out is refused there, whatever its cookie still says.

use std::collections::HashMap;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use actix_web::web;
use base64::Engine;

use super::session::{SESSION_ID, SESSION_USER, random_token};
use crate::db::{self, sessions::SessionRow};
use crate::domain::security::{SessionCheck, check_session};
use crate::error::AppResult;
use crate::services::Services;
use crate::services::accounts::SessionUser;

type State = HashMap<String, String>;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub struct DbSessionStore {
    svc: Services,
}

impl DbSessionStore {
    pub fn new(svc: Services) -> Self {
        Self { svc }
    }
}

/// Sessions are stored under the SHA-256 of their id, like signed links.
pub fn key_hash(id: &str) -> String {
    crate::domain::mail::token_hash(id)
}

fn user_of(state: &State) -> Option<String> {
    state
        .get(SESSION_USER)
        .and_then(|v| serde_json::from_str::<SessionUser>(v).ok())
        .map(|u| u.user_id)
}

/// The state as stored: without the id the store lends the request.
fn stored(state: &State) -> anyhow::Result<String> {
    let kept: HashMap<&String, &String> = state.iter().filter(|(k, _)| *k != SESSION_ID).collect();
    Ok(serde_json::to_string(&kept)?)
}

/// The cookie's content, `<id>.<state>` (actix-session encrypts it): the id is 43 URL-safe
/// characters, so the first dot ends it.
fn cookie_key(id: &str, json: &str) -> anyhow::Result<SessionKey> {
    SessionKey::try_from(format!("{id}.{}", B64.encode(json)))
        .map_err(|e| anyhow::anyhow!("session key: {e}"))
}

fn parse(key: &SessionKey) -> Option<(&str, State)> {
    let (id, state) = key.as_ref().split_once('.')?;
    let json = B64.decode(state).ok()?;
    Some((id, serde_json::from_slice(&json).ok()?))
}

/// Whether the session `id` is still live: its row exists and neither timeout has passed.
/// Refreshes the idle clock at most once a minute and removes a row that ran out. Blocking:
/// call it on the blocking pool, on the hop that reads the page.
pub fn still_live(svc: &Services, id: &str) -> AppResult<bool> {
    let hash = key_hash(id);
    let mut conn = svc.pool.get()?;
    let now = svc.now();
    let Some(row) = db::sessions::get(&mut conn, &hash)? else {
        return Ok(false);
    };
    match check_session(row.created_at, row.last_seen_at, now) {
        SessionCheck::Valid { touch } => {
            if touch {
                db::sessions::touch(&mut conn, &hash, now)?;
            }
            Ok(true)
        }
        SessionCheck::IdleExpired | SessionCheck::AbsoluteExpired => {
            db::sessions::delete(&mut conn, &hash)?;
            Ok(false)
        }
    }
}

async fn blocking<T: Send + 'static>(
    svc: &Services,
    f: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    svc.metrics.hop();
    web::block(crate::logging::carried(f))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
}

fn new_row(id: &str, state: &State, now: chrono::NaiveDateTime) -> anyhow::Result<SessionRow> {
    Ok(SessionRow {
        id_hash: key_hash(id),
        user_id: user_of(state),
        state: stored(state)?,
        created_at: now,
        last_seen_at: now,
    })
}

impl SessionStore for DbSessionStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        // A cookie of another shape (none is made any more) is a signed-out browser.
        Ok(parse(session_key).map(|(id, mut state)| {
            state.insert(
                SESSION_ID.to_string(),
                serde_json::Value::String(id.to_string()).to_string(),
            );
            state
        }))
    }

    async fn save(&self, state: State, _ttl: &Duration) -> Result<SessionKey, SaveError> {
        let svc = self.svc.clone();
        let id = random_token();
        let json = stored(&state).map_err(SaveError::Serialization)?;
        let key = cookie_key(&id, &json).map_err(SaveError::Other)?;
        let row = new_row(&id, &state, svc.now()).map_err(SaveError::Serialization)?;
        let saved = blocking(&self.svc, move || {
            let mut conn = svc.pool.get()?;
            db::sessions::insert(&mut conn, &row)?;
            Ok(())
        })
        .await;
        if let Err(e) = saved {
            // The page was already answered (with a 503 if it needed the database); a
            // session without its row is refused on the next request.
            log::error!("session store unavailable, session not saved: {e:#}");
        }
        Ok(key)
    }

    async fn update(
        &self,
        session_key: SessionKey,
        state: State,
        _ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let svc = self.svc.clone();
        let Some((id, _)) = parse(&session_key) else {
            return Err(UpdateError::Other(anyhow::anyhow!("not a session key")));
        };
        let id = id.to_string();
        blocking(&self.svc, move || {
            let now = svc.now();
            let mut conn = svc.pool.get()?;
            let json = stored(&state)?;
            let user = user_of(&state);
            if db::sessions::update_state(&mut conn, &key_hash(&id), user.as_deref(), &json, now)?
                == 1
            {
                return cookie_key(&id, &json);
            }
            // The session ended meanwhile (signed out elsewhere, password changed, expired):
            // start a new anonymous one rather than bring the old sign-in back.
            let mut anon = state;
            anon.remove(SESSION_USER);
            let id = random_token();
            let row = new_row(&id, &anon, now)?;
            db::sessions::insert(&mut conn, &row)?;
            cookie_key(&id, &row.state)
        })
        .await
        .or_else(|e| {
            // Keep what the browser had: the row is checked on the next request anyway.
            log::error!("session store unavailable, session not updated: {e:#}");
            Ok(session_key)
        })
    }

    async fn update_ttl(&self, _session_key: &SessionKey, _ttl: &Duration) -> anyhow::Result<()> {
        // Idle time is tracked in `still_live`, at most once a minute, not on every request.
        Ok(())
    }

    async fn delete(&self, session_key: &SessionKey) -> anyhow::Result<()> {
        let Some((id, _)) = parse(session_key) else {
            return Ok(());
        };
        let svc = self.svc.clone();
        let hash = key_hash(id);
        blocking(&self.svc, move || {
            let mut conn = svc.pool.get()?;
            db::sessions::delete(&mut conn, &hash)?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_carries_the_state_but_not_the_lent_id() {
        let mut state = State::new();
        state.insert("csrf".into(), "\"t.o.k\"".into());
        state.insert(SESSION_ID.into(), "\"old\"".into());
        let json = stored(&state).unwrap();
        let key = cookie_key("abc_-XYZ", &json).unwrap();
        let (id, back) = parse(&key).unwrap();
        assert_eq!(id, "abc_-XYZ");
        assert_eq!(back.get("csrf").map(String::as_str), Some("\"t.o.k\""));
        assert!(!back.contains_key(SESSION_ID));
        // An old-style key (an id alone) or a mangled one is no session.
        assert!(parse(&SessionKey::try_from("abc".to_string()).unwrap()).is_none());
        assert!(parse(&SessionKey::try_from("abc.!!".to_string()).unwrap()).is_none());
    }
}
