//! `GET /metrics` for Prometheus. Served only when the operator asked for it: behind a
//! bearer token on the main listener (`HANDOFF_METRICS_TOKEN`), or without one on a
//! listener of its own (`HANDOFF_METRICS_ADDR`, and then not on the main one). Otherwise
//! 404, as for any address the app does not serve. No session, no audit row: the answer
//! holds counts only, never a patient's data, an id or a path.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::domain::security::constant_time_eq;
use crate::error::{AppError, AppResult};
use crate::services::Services;

/// Who may read `/metrics` on a listener (set per listener as app data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricsGate {
    /// Not served here: 404.
    Off,
    /// Served to `Authorization: Bearer <token>`; 401 to anyone else.
    Token(String),
    /// Served to anyone who reaches the listener (the operator's own address).
    Open,
}

impl MetricsGate {
    /// The main listener's gate: closed when the metrics have a listener of their own or
    /// no token is configured.
    pub fn main_listener(token: Option<&str>, own_listener: bool) -> MetricsGate {
        match token.filter(|t| !t.is_empty()) {
            Some(t) if !own_listener => MetricsGate::Token(t.to_string()),
            _ => MetricsGate::Off,
        }
    }
}

pub async fn metrics_page(req: HttpRequest, svc: web::Data<Services>) -> AppResult<HttpResponse> {
    match req.app_data::<MetricsGate>() {
        Some(MetricsGate::Open) => {}
        Some(MetricsGate::Token(expected)) => {
            let given = crate::web::extract::bearer_token(&req);
            if !constant_time_eq(expected.as_bytes(), given.as_bytes()) {
                return Ok(HttpResponse::Unauthorized()
                    .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
                    .content_type("text/plain; charset=utf-8")
                    .body("The metrics need the configured bearer token."));
            }
        }
        Some(MetricsGate::Off) | None => return Err(AppError::NotFound),
    }
    let svc = svc.get_ref().clone();
    let text = web::block(move || crate::services::health::scrape(&svc)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text))
}

#[cfg(test)]
mod tests {
    use super::MetricsGate;

    #[test]
    fn the_main_listener_serves_metrics_only_behind_a_token_and_without_an_own_listener() {
        assert_eq!(MetricsGate::main_listener(None, false), MetricsGate::Off);
        assert_eq!(
            MetricsGate::main_listener(Some(""), false),
            MetricsGate::Off
        );
        assert_eq!(
            MetricsGate::main_listener(Some("t0ken"), false),
            MetricsGate::Token("t0ken".into())
        );
        assert_eq!(
            MetricsGate::main_listener(Some("t0ken"), true),
            MetricsGate::Off
        );
        assert_eq!(MetricsGate::main_listener(None, true), MetricsGate::Off);
    }
}
