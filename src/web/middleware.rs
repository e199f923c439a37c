//! Middleware: security headers on every response, and the CSRF check on every POST.

use actix_session::SessionExt;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};

use super::session::{SESSION_CSRF, SessionChecked, SessionEnded, id_to_check, submitted_csrf};
use crate::domain::forms::kept_text;
use crate::domain::security::constant_time_eq;
use crate::error::AppError;
use crate::services::Services;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
                   frame-ancestors 'none'";

/// Sets the security headers; pages (anything but static assets) are never cached, since
/// most of them carry patient data.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let is_static = req.path().starts_with("/static/");
    let secure = req
        .app_data::<web::Data<Services>>()
        .is_some_and(|s| s.secure_cookies);
    // A signed link is a secret in the address: no page reached by it may leak it.
    let is_link = ["/l/", "/p/", "/join/"]
        .iter()
        .any(|p| req.path().starts_with(p));
    let mut res = next.call(req).await?;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static(if is_link {
            "no-referrer"
        } else {
            "same-origin"
        }),
    );
    h.insert(
        header::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    h.insert(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if !is_static {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // Served over HTTPS (--secure-cookies says so): browsers must never fall back to HTTP.
    if secure {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    Ok(res)
}

/// Refuses any POST whose CSRF token (form field, or query parameter for multipart forms)
/// does not match the session's, with a 403 page. Nothing reaches a handler without it.
/// A post from someone signed in first has its session's row checked (`session_store`): an
/// ended session has no token to match. Any other request whose session the handler found
/// ended is answered with the sign-in page.
pub async fn csrf_guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    // The mail-ingest endpoint and the FHIR API are called with bearer tokens, never by a
    // browser with cookies: there is no session to forge a request from.
    if req.method() != Method::POST
        || req.path() == INGEST_PATH
        || req.path().starts_with(FHIR_PATH)
    {
        let res = next.call(req).await?;
        let ended = res.request().extensions().get::<SessionEnded>().cloned();
        let Some(SessionEnded(next)) = ended else {
            return Ok(res.map_into_left_body());
        };
        let page = actix_web::ResponseError::error_response(&AppError::NeedsLogin { next });
        let (req, _) = res.into_parts();
        return Ok(ServiceResponse::new(req, page).map_into_right_body());
    }
    let session = req.get_session();
    if let Some(id) = id_to_check(&session) {
        let Some(svc) = req.app_data::<web::Data<Services>>().cloned() else {
            let e = AppError::Internal(anyhow::anyhow!("services not configured"));
            return Ok(req.error_response(e).map_into_right_body());
        };
        svc.metrics.hop();
        let live = web::block(crate::logging::carried(move || {
            super::session_store::still_live(&svc, &id)
        }))
        .await
        .map_err(AppError::from)
        .and_then(|r| r);
        match live {
            Ok(true) => {
                req.extensions_mut().insert(SessionChecked);
            }
            // Refused below like any post without a session, its typed text shown back.
            Ok(false) => session.purge(),
            Err(e) => return Ok(req.error_response(e).map_into_right_body()),
        }
    }
    let expected = session.get::<String>(SESSION_CSRF).ok().flatten();
    let mut submitted = submitted_csrf(req.query_string());
    let is_urlencoded = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    // A urlencoded body is read here (for its token, and to show its text again if the
    // request is refused) and put back for the handler.
    let mut body = None;
    if is_urlencoded {
        let b = match req.extract::<web::Bytes>().await {
            Ok(b) => b,
            Err(_) => {
                let e = AppError::TooLarge("The form is too large.".into());
                return Ok(req.error_response(e).map_into_right_body());
            }
        };
        if submitted.is_none() {
            submitted = std::str::from_utf8(&b).ok().and_then(submitted_csrf);
        }
        req.set_payload(Payload::from(b.clone()));
        body = Some(b);
    }
    let ok = matches!((&expected, &submitted), (Some(e), Some(s)) if constant_time_eq(e.as_bytes(), s.as_bytes()));
    if !ok {
        // A session that ran out while someone typed a long note: the note is shown back,
        // to a form of our own pages only (another site's forged post shows nothing of
        // what it sent under our address).
        let same_origin = req
            .headers()
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() == b"same-origin");
        let typed = if same_origin {
            typed_text(body.as_ref(), None)
        } else {
            Vec::new()
        };
        let page = AppError::Csrf.page(&typed);
        return Ok(req.into_response(page).map_into_right_body());
    }
    let wake = req
        .app_data::<web::Data<Services>>()
        .map(|s| s.mail_wake.clone());
    let res = next.call(req).await?;
    // A change may have queued mail: let the worker look now rather than at its next poll.
    if let Some(w) = wake {
        crate::services::mail::wake(&w);
    }
    Ok(keep_typed_text(res, body.as_ref()))
}

/// A refused form (any error page: stale 409, unreadable 400, 403, 413, 503, ...) shows
/// what was typed into it, so nothing typed is lost.
fn keep_typed_text<B>(
    res: ServiceResponse<B>,
    body: Option<&web::Bytes>,
) -> ServiceResponse<EitherBody<B>> {
    let Some(err) = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
    else {
        return res.map_into_left_body();
    };
    if matches!(err, AppError::NeedsLogin { .. } | AppError::EnrolFirst) {
        return res.map_into_left_body();
    }
    let multipart = res
        .request()
        .extensions()
        .get::<super::forms::MultipartText>()
        .cloned();
    let typed = typed_text(body, multipart.as_ref());
    if typed.is_empty() {
        return res.map_into_left_body();
    }
    let page = err.page(&typed);
    let (req, _) = res.into_parts();
    ServiceResponse::new(req, page).map_into_right_body()
}

fn typed_text(
    body: Option<&web::Bytes>,
    multipart: Option<&super::forms::MultipartText>,
) -> Vec<(String, String)> {
    // A body that does not parse as a whole (a duplicated field into a struct does, here)
    // is still read pair by pair: the form's text is what matters.
    let pairs: Vec<(String, String)> = match (body, multipart) {
        (Some(b), _) => super::forms::read_pairs(b).unwrap_or_default(),
        (None, Some(m)) => m.0.clone(),
        (None, None) => Vec::new(),
    };
    kept_text(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// The one POST route that takes no CSRF token (see [`csrf_guard`]).
pub const INGEST_PATH: &str = "/ingest/mail";

/// The FHIR API: bearer tokens only, never a cookie, so there is no session to forge a
/// request from (see [`csrf_guard`]).
pub const FHIR_PATH: &str = "/fhir/r4";
