//! What the session holds and the tokens it hands out. The request context (`extract`),
//! the session store and the CSRF guard all read these; this module imports none of them,
//! so they share the names without importing each other.

use actix_session::Session;
use base64::Engine;
use rand::RngCore;

use crate::error::{AppError, AppResult};

pub const SESSION_USER: &str = "user";
pub const SESSION_CSRF: &str = "csrf";
pub const SESSION_FLASH: &str = "flash";
/// The language chosen in this browser by someone not signed in.
pub const SESSION_LANG: &str = "lang";
/// A user who gave the right password and still owes the second step (not signed in).
pub const SESSION_PENDING: &str = "pending_user";
/// Signed in, but must set up a second factor before anything else (the clinic requires it).
pub const SESSION_MUST_ENROL: &str = "must_enrol";
/// The secret shown on the enrolment page, until a code from it is confirmed.
pub const SESSION_NEW_SECRET: &str = "new_totp_secret";
/// Where and with what the session signed in, for the person's list of sessions.
pub const SESSION_DEVICE: &str = "device";
/// The form field (or query parameter, for multipart forms) carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";
/// The session's id, lent to the request by the store (`session_store::load`) so that the
/// page's own hop can check its row; never part of the stored state.
pub const SESSION_ID: &str = "_sid";

/// A fresh random token, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The id of a session that speaks for someone (signed in, or waiting for the second step):
/// its row must be checked before anything is done for it. None for an anonymous one.
pub fn id_to_check(session: &Session) -> Option<String> {
    let someone = session.contains_key(SESSION_USER) || session.contains_key(SESSION_PENDING);
    someone
        .then(|| session.get::<String>(SESSION_ID).ok().flatten())
        .flatten()
}

/// The session's CSRF token, made on first use.
pub fn csrf_token(session: &Session) -> AppResult<String> {
    if let Some(t) = session.get::<String>(SESSION_CSRF).ok().flatten() {
        return Ok(t);
    }
    let t = random_token();
    session
        .insert(SESSION_CSRF, &t)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))?;
    Ok(t)
}

/// The CSRF token in a URL-encoded form body or query string, if any.
pub fn submitted_csrf(urlencoded: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(urlencoded)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v)
}

/// Put in a request's extensions by the CSRF guard once it has checked the session's row
/// (a form post), so the handler's hop need not check it again.
#[derive(Clone, Copy)]
pub struct SessionChecked;

/// Put in a request's extensions when its session turned out to be over (signed out
/// elsewhere, timed out): whatever the handler made of it, the answer is the sign-in page,
/// back to this address (the path and query).
#[derive(Clone)]
pub struct SessionEnded(pub String);
