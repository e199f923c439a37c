//! The request context every handler takes: services, the session's user and CSRF token,
//! and the caller as the policy and the audit log see it.

use std::future::{Ready, ready};
use std::sync::{Arc, OnceLock};

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use super::session::{
    SESSION_CSRF, SESSION_FLASH, SESSION_LANG, SESSION_MUST_ENROL, SESSION_USER, SessionChecked,
    SessionEnded, csrf_token, id_to_check,
};
use crate::domain::policy::Actor;
use crate::error::{AppError, AppResult};
use crate::i18n::{Arg, LANGS, Lang};
use crate::services::accounts::SessionUser;
use crate::services::{Caller, Services};

/// A date or time however deeply askama borrowed it.
pub trait Moment<T: Copy> {
    fn get(&self) -> T;
}

impl Moment<chrono::NaiveDate> for chrono::NaiveDate {
    fn get(&self) -> chrono::NaiveDate {
        *self
    }
}

impl Moment<chrono::NaiveDateTime> for chrono::NaiveDateTime {
    fn get(&self) -> chrono::NaiveDateTime {
        *self
    }
}

impl<T: Copy, M: Moment<T>> Moment<T> for &M {
    fn get(&self) -> T {
        (**self).get()
    }
}

/// What the page layout needs.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub user: Option<SessionUser>,
    pub csrf: String,
    pub flash: Option<String>,
    /// Which top navigation entry is current.
    pub nav: &'static str,
    /// Unread notifications, shown in the navigation.
    pub unread: i64,
    /// The language the page speaks.
    pub lang: Lang,
    /// Where the language menu sends the reader back to.
    pub here: String,
}

impl Layout {
    pub fn role(&self) -> &str {
        self.user.as_ref().map_or("", |u| u.role.as_str())
    }

    /// The signed-in user's id, or "".
    pub fn user_id(&self) -> &str {
        self.user.as_ref().map_or("", |u| u.user_id.as_str())
    }

    /// A message in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// A message with one text argument.
    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.lang
            .t_with(key, &[(name, Arg::Text(value.to_string().into()))])
    }

    /// A message with two text arguments (askama passes arguments by reference, so the
    /// names and values come one by one).
    pub fn t2(
        &self,
        key: &str,
        n1: &str,
        v1: impl std::fmt::Display,
        n2: &str,
        v2: impl std::fmt::Display,
    ) -> String {
        self.lang.t_with(
            key,
            &[
                (n1, Arg::Text(v1.to_string().into())),
                (n2, Arg::Text(v2.to_string().into())),
            ],
        )
    }

    /// The message `<prefix>-<code>`: a status, a priority, a visit status by its stored code.
    pub fn tk(&self, prefix: &str, code: impl std::fmt::Display) -> String {
        self.lang.t(&format!("{prefix}-{code}"))
    }

    /// A day in the page's language ("Monday 7 December 2026").
    pub fn long_date(&self, d: impl Moment<chrono::NaiveDate>) -> String {
        self.lang.long_date(d.get())
    }

    /// A wall-clock time with its day, in the page's language.
    pub fn date_time(&self, t: impl Moment<chrono::NaiveDateTime>) -> String {
        self.lang.date_time(t.get())
    }

    /// A short day in the page's language ("7 Dec 2026").
    pub fn date(&self, d: impl Moment<chrono::NaiveDate>) -> String {
        self.lang.date(d.get())
    }

    /// A message about a count (its plural form chosen by the language).
    pub fn tn(&self, key: &str, count: impl Into<i64>) -> String {
        self.lang.t_with(key, &[("count", Arg::Num(count.into()))])
    }

    /// A number written the language's way.
    pub fn num(&self, n: impl Into<i64>) -> String {
        self.lang.number(n.into())
    }

    /// The languages the language menu offers.
    pub fn langs(&self) -> [Lang; 3] {
        LANGS
    }
}

pub struct Ctx {
    pub svc: Services,
    pub session: Session,
    pub user: Option<SessionUser>,
    pub csrf: String,
    pub caller: Caller,
    pub path: String,
    /// The language of the pages and messages for this request: the account's setting,
    /// else the one chosen in this browser, else the browser's `Accept-Language`.
    pub lang: Lang,
    /// The signed-in user's unread count, read by the first `run` of a page request on the
    /// same blocking-pool hop as the page's data, so `layout` needs no hop of its own.
    unread: Arc<OnceLock<i64>>,
    /// A GET: a page that will show the layout (a POST answers with a redirect).
    page: bool,
    /// The session whose row the first `run` checks on its hop (see `session_store`): set
    /// for someone signed in, unless the CSRF guard checked it already.
    check: Option<String>,
    /// Set once that check passed.
    live: Arc<OnceLock<()>>,
    req: HttpRequest,
}

impl FromRequest for Ctx {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(build(req))
    }
}

/// The token of an `Authorization: Bearer ...` header, or "" without one (compare it with
/// `domain::security::constant_time_eq`).
pub fn bearer_token(req: &HttpRequest) -> &str {
    req.headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
}

/// The client's address (`domain::security::client_address`): the peer's, or what a trusted
/// proxy says in X-Forwarded-For. Empty when the peer is unknown (a test request).
pub fn client_ip(req: &HttpRequest, trusted: &[std::net::IpAddr]) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return String::new();
    };
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect();
    crate::domain::security::client_address(peer, &forwarded, trusted).to_string()
}

fn build(req: &HttpRequest) -> AppResult<Ctx> {
    let svc = req
        .app_data::<web::Data<Services>>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("services not configured")))?
        .get_ref()
        .clone();
    let session = req.get_session();
    // A session whose stored user no longer parses is treated as signed out.
    let user = session.get::<SessionUser>(SESSION_USER).ok().flatten();
    // Until the required second factor is set up, only its page and signing out are open.
    if user.is_some()
        && session.get::<bool>(SESSION_MUST_ENROL).ok().flatten() == Some(true)
        && !["/account/second-factor", "/logout", "/static/"]
            .iter()
            .any(|p| req.path().starts_with(p))
    {
        return Err(AppError::EnrolFirst);
    }
    // A token is made only when a page with a form is rendered (`layout`): a request that
    // stores nothing (a health check, a script) leaves no session row behind.
    let csrf = session
        .get::<String>(SESSION_CSRF)
        .ok()
        .flatten()
        .unwrap_or_default();
    let actor = user.as_ref().map_or(Actor::Anonymous, SessionUser::actor);
    let ip = client_ip(req, &svc.trusted_proxies);
    let user_agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let lang = user
        .as_ref()
        .and_then(|u| Lang::parse(&u.language))
        .or_else(|| {
            session
                .get::<String>(SESSION_LANG)
                .ok()
                .flatten()
                .and_then(|c| Lang::parse(&c))
        })
        .or_else(|| {
            req.headers()
                .get(actix_web::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(crate::i18n::negotiate)
        })
        .unwrap_or_default();
    let check = if req.extensions().contains::<SessionChecked>() {
        None
    } else {
        id_to_check(&session)
    };
    let path = match req.query_string() {
        "" => req.path().to_string(),
        q => format!("{}?{q}", req.path()),
    };
    Ok(Ctx {
        svc,
        session,
        user,
        csrf,
        caller: Caller {
            actor,
            ip,
            user_agent,
        },
        path,
        lang,
        unread: Arc::default(),
        page: req.method() == actix_web::http::Method::GET,
        check,
        live: Arc::default(),
        req: req.clone(),
    })
}

impl Ctx {
    /// Runs a service on the blocking pool (database access and argon2 hashing block). The
    /// first run of a request also checks the session's row and, for a page, reads the
    /// unread count: one hop for all three.
    pub async fn run<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Services, &Caller) -> AppResult<T> + Send + 'static,
    {
        let svc = self.svc.clone();
        let caller = self.caller.clone();
        let unread = (self.page && self.user.is_some() && self.unread.get().is_none())
            .then(|| self.unread.clone());
        let check = self.check.clone().filter(|_| self.live.get().is_none());
        let live = self.live.clone();
        self.svc.metrics.hop();
        // Lines the service logs name the request it works for.
        let out = web::block(crate::logging::carried(move || {
            if let Some(id) = check {
                if !super::session_store::still_live(&svc, &id)? {
                    return AppResult::Ok(None);
                }
                let _ = live.set(());
            }
            let (out, receipts) = crate::services::with_deferred_audits(|| f(&svc, &caller));
            let out = out?;
            if let Some(cell) = unread {
                // A count that cannot be read is no reason to fail the page (as in `layout`).
                let _ = cell.set(crate::services::threads::unread(&svc, &caller).unwrap_or(0));
            }
            Ok(Some((out, receipts)))
        }))
        .await??;
        let (out, receipts) = out.ok_or_else(|| self.session_ended())?;
        // Nothing the service read leaves before its views are in the audit log.
        crate::services::audits_committed(receipts).await?;
        Ok(out)
    }

    /// The session is over: forget it in this browser, and answer with the sign-in page
    /// (the CSRF guard makes sure of it, even if the handler shows something anyway).
    fn session_ended(&self) -> AppError {
        self.session.purge();
        self.req
            .extensions_mut()
            .insert(SessionEnded(self.path.clone()));
        AppError::NeedsLogin {
            next: self.path.clone(),
        }
    }

    /// The layout for a page, taking any one-time message out of the session. Signed-in
    /// pages also show the unread notification count.
    pub async fn layout(&self, title: impl Into<String>, nav: &'static str) -> Layout {
        // Session::remove marks the session changed even when the key is absent, which
        // would turn every page view into a session write: look first.
        let flash = match self.session.get::<String>(SESSION_FLASH).ok().flatten() {
            Some(message) => {
                self.session.remove(SESSION_FLASH);
                Some(message)
            }
            None => None,
        };
        let unread = if let Some(n) = self.unread.get() {
            *n
        } else if self.user.is_some() {
            self.run(crate::services::threads::unread)
                .await
                .unwrap_or(0)
        } else {
            0
        };
        let csrf = if self.csrf.is_empty() {
            csrf_token(&self.session).unwrap_or_default()
        } else {
            self.csrf.clone()
        };
        // A fixed page title has its message, `title-<its words>`, in every language.
        let title = title.into();
        let key = format!(
            "title-{}",
            title
                .to_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join("-")
        );
        let title = if Lang::En.has(&key) {
            self.lang.t(&key)
        } else {
            title
        };
        Layout {
            title,
            user: self.user.clone(),
            csrf,
            flash,
            nav,
            unread,
            lang: self.lang,
            here: self.path.clone(),
        }
    }

    /// A message shown once on the next page.
    pub fn flash(&self, message: &str) {
        let _ = self.session.insert(SESSION_FLASH, message);
    }

    /// The signed-in user, or a redirect to the sign-in page.
    pub fn require_user(&self) -> AppResult<&SessionUser> {
        self.user.as_ref().ok_or_else(|| AppError::NeedsLogin {
            next: self.path.clone(),
        })
    }
}
