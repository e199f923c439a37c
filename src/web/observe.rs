//! The outermost middleware: gives each request an id (a well-formed `X-Request-Id` from
//! the load balancer, or a new one), returns it in the response's `X-Request-Id`, makes it
//! the id of every log line written while the request is handled, then counts the request
//! in the metrics and writes its access log line: method, route pattern, status and time.
//! Never the path or the query: paths hold ids, and the link pages' paths hold the
//! secret token itself.

use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use crate::logging::{self, ACCESS, Scoped};
use crate::services::Services;
use crate::services::metrics::{UNMATCHED, method_label};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request's id: the load balancer's when it is well formed, else a new one.
fn request_id_of(req: &ServiceRequest) -> Arc<str> {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| logging::valid_request_id(v))
        .map_or_else(logging::new_request_id, Arc::from)
}

pub async fn observe<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, Error> {
    let id = request_id_of(&req);
    let metrics = req
        .app_data::<web::Data<Services>>()
        .map(|s| s.metrics.clone());
    let method = method_label(req.method().as_str());
    let started = Instant::now();
    let result = Scoped::new(id.clone(), next.call(req)).await;
    let took = started.elapsed();
    let header = HeaderValue::from_str(&id).ok();
    let (result, route, status) = match result {
        Ok(mut res) => {
            let route = res.request().match_pattern();
            if let Some(v) = header {
                res.headers_mut().insert(REQUEST_ID, v);
            }
            let status = res.status().as_u16();
            (Ok(res), route, status)
        }
        // An error no handler turned into a page (a middleware's): answered here, so that
        // it carries the id too. Its request is gone with it, and so is its route.
        Err(e) => {
            let mut page = e.error_response();
            if let Some(v) = header {
                page.headers_mut().insert(REQUEST_ID, v);
            }
            let status = page.status().as_u16();
            (
                Err(InternalError::from_response(e, page).into()),
                None,
                status,
            )
        }
    };
    let route = route.unwrap_or_else(|| UNMATCHED.to_string());
    // A tenth of a millisecond is as fine as an access log needs.
    let ms = (took.as_secs_f64() * 10_000.0).round() / 10.0;
    logging::within(Some(id), || {
        log::info!(
            target: ACCESS,
            method = method, route = route.as_str(), status = status, duration_ms = ms;
            "{method} {route} {status} {ms}ms"
        );
    });
    if let Some(m) = metrics {
        m.observe_request(route, method, status, took);
    }
    result
}
