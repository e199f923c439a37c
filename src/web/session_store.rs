//! actix-session's store, backed by the `sessions` table: revocable server-side sessions
//! with the idle and absolute timeouts of `domain::security`, shared by every app instance.

use std::collections::HashMap;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use actix_web::web;

use super::session::{SESSION_USER, STORE_DOWN, random_token};
use crate::db::{self, sessions::SessionRow};
use crate::domain::security::{SessionCheck, check_session};
use crate::services::Services;
use crate::services::accounts::SessionUser;

type State = HashMap<String, String>;

pub struct DbSessionStore {
    svc: Services,
}

impl DbSessionStore {
    pub fn new(svc: Services) -> Self {
        Self { svc }
    }
}

/// Sessions are stored under the SHA-256 of their key, like signed links.
pub fn key_hash(key: &str) -> String {
    crate::domain::mail::token_hash(key)
}

fn user_of(state: &State) -> Option<String> {
    state
        .get(SESSION_USER)
        .and_then(|v| serde_json::from_str::<SessionUser>(v).ok())
        .map(|u| u.user_id)
}

fn new_key() -> anyhow::Result<SessionKey> {
    SessionKey::try_from(random_token()).map_err(|e| anyhow::anyhow!("session key: {e}"))
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    web::block(crate::logging::carried(f))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
}

impl SessionStore for DbSessionStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        let svc = self.svc.clone();
        let hash = key_hash(session_key.as_ref());
        blocking(move || {
            let mut conn = svc.pool.get()?;
            let now = svc.now();
            let Some(row) = db::sessions::get(&mut conn, &hash)? else {
                return Ok(None);
            };
            match check_session(row.created_at, row.last_seen_at, now) {
                SessionCheck::Valid { touch } => {
                    if touch {
                        db::sessions::touch(&mut conn, &hash, now)?;
                    }
                    Ok(Some(serde_json::from_str(&row.state)?))
                }
                SessionCheck::IdleExpired | SessionCheck::AbsoluteExpired => {
                    db::sessions::delete(&mut conn, &hash)?;
                    Ok(None)
                }
            }
        })
        .await
        .or_else(|e| {
            // actix-session would answer any load error with a bare 500. The database is
            // not answering: hand the request a marker instead, so it gets the 503 page.
            log::error!("session store unavailable: {e:#}");
            Ok(Some(State::from([(
                STORE_DOWN.to_string(),
                "true".to_string(),
            )])))
        })
    }

    async fn save(&self, state: State, _ttl: &Duration) -> Result<SessionKey, SaveError> {
        let svc = self.svc.clone();
        blocking(move || {
            let key = new_key()?;
            let now = svc.now();
            let mut conn = svc.pool.get()?;
            db::sessions::insert(
                &mut conn,
                &SessionRow {
                    id_hash: key_hash(key.as_ref()),
                    user_id: user_of(&state),
                    state: serde_json::to_string(&state)?,
                    created_at: now,
                    last_seen_at: now,
                },
            )?;
            Ok(key)
        })
        .await
        .or_else(|e| {
            // The page was already answered (with a 503 if it needed the database); a
            // session that could not be stored is simply not there on the next request.
            log::error!("session store unavailable, session not saved: {e:#}");
            new_key().map_err(SaveError::Other)
        })
    }

    async fn update(
        &self,
        session_key: SessionKey,
        state: State,
        _ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let svc = self.svc.clone();
        blocking(move || {
            let hash = key_hash(session_key.as_ref());
            let now = svc.now();
            let mut conn = svc.pool.get()?;
            let json = serde_json::to_string(&state)?;
            let user = user_of(&state);
            if db::sessions::update_state(&mut conn, &hash, user.as_deref(), &json, now)? == 1 {
                return Ok(session_key);
            }
            // The session ended meanwhile (signed out elsewhere, password changed, expired):
            // start a new anonymous one rather than bring the old sign-in back.
            let mut anon = state;
            anon.remove(SESSION_USER);
            let key = new_key()?;
            db::sessions::insert(
                &mut conn,
                &SessionRow {
                    id_hash: key_hash(key.as_ref()),
                    user_id: None,
                    state: serde_json::to_string(&anon)?,
                    created_at: now,
                    last_seen_at: now,
                },
            )?;
            Ok(key)
        })
        .await
        .or_else(|e| {
            log::error!("session store unavailable, session not updated: {e:#}");
            new_key().map_err(UpdateError::Other)
        })
    }

    async fn update_ttl(&self, _session_key: &SessionKey, _ttl: &Duration) -> anyhow::Result<()> {
        // Idle time is tracked in `load`, at most once a minute, not on every request.
        Ok(())
    }

    async fn delete(&self, session_key: &SessionKey) -> anyhow::Result<()> {
        let svc = self.svc.clone();
        let hash = key_hash(session_key.as_ref());
        blocking(move || {
            let mut conn = svc.pool.get()?;
            db::sessions::delete(&mut conn, &hash)?;
            Ok(())
        })
        .await
    }
}
