//! The FHIR API (`/fhir/r4/`, bearer tokens, JSON) and a referral's FHIR export (a page
//! of the signed-in app). API errors are OperationOutcomes with the matching HTTP status.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use super::extract::{Ctx, client_ip};
use crate::domain::fhir::FHIR_JSON;
use crate::domain::fhir::resources::{self, Ctx as FhirCtx};
use crate::error::{AppError, AppResult};
use crate::services::api_clients::{ApiCaller, authenticate};
use crate::services::{Services, fhir as svc_fhir};

fn json(status: StatusCode, v: &Value) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, FHIR_JSON))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(serde_json::to_string_pretty(v).unwrap_or_default())
}

/// An error as the API answers it.
fn outcome(e: &AppError) -> HttpResponse {
    let (status, code, text) = match e {
        AppError::NeedsLogin { .. } => (
            StatusCode::UNAUTHORIZED,
            "login",
            "A valid bearer token is required: Authorization: Bearer <token of an API client>."
                .to_string(),
        ),
        AppError::Forbidden(_) => (
            StatusCode::FORBIDDEN,
            "forbidden",
            "The client's scopes or the practitioner it acts for do not allow this.".into(),
        ),
        AppError::NotFound => (
            StatusCode::NOT_FOUND,
            "not-found",
            "No such resource, or none this client may see.".into(),
        ),
        AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, "invalid", m.clone()),
        AppError::Conflict(m) => (StatusCode::CONFLICT, "conflict", m.clone()),
        AppError::PreconditionFailed(m) => (StatusCode::PRECONDITION_FAILED, "conflict", m.clone()),
        AppError::Invalid(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "processing",
            errors
                .iter()
                .map(|(_, m)| m.to_string())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        AppError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, "too-long", m.clone()),
        AppError::TooMany(m) => (StatusCode::TOO_MANY_REQUESTS, "throttled", m.clone()),
        AppError::Unavailable(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "transient",
            "The database is unavailable; try again shortly.".into(),
        ),
        other => {
            log::error!("fhir api: {other}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "exception",
                "Something went wrong on the server.".into(),
            )
        }
    };
    let mut r = json(status, &resources::operation_outcome(code, &text));
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer realm=\"handoff\""),
        );
    }
    r
}

fn services(req: &HttpRequest) -> AppResult<Services> {
    Ok(req
        .app_data::<web::Data<Services>>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("services not configured")))?
        .get_ref()
        .clone())
}

/// Authenticates the bearer token and runs `f` on the blocking pool, in one hop; views
/// are in the audit log before the answer leaves.
async fn api<F>(req: HttpRequest, f: F) -> HttpResponse
where
    F: FnOnce(&Services, &ApiCaller) -> AppResult<Value> + Send + 'static,
{
    let run = async {
        let svc = services(&req)?;
        let token = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string());
        let ip = client_ip(&req, &svc.trusted_proxies);
        let agent = req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        svc.metrics.hop();
        let s = svc.clone();
        let (out, receipts) = web::block(crate::logging::carried(move || {
            crate::services::with_deferred_audits(|| {
                let api = authenticate(&s, token.as_deref(), &ip, &agent)?;
                f(&s, &api)
            })
        }))
        .await?;
        let out = out?;
        crate::services::audits_committed(receipts).await?;
        AppResult::Ok(out)
    };
    match run.await {
        Ok(v) => {
            let mut r = json(StatusCode::OK, &v);
            // A Task answered whole carries its version, for the next If-Match.
            if let Some(version) = v["meta"]["versionId"].as_str()
                && let Ok(tag) = header::HeaderValue::from_str(&format!("W/\"{version}\""))
            {
                r.headers_mut().insert(header::ETAG, tag);
            }
            r
        }
        Err(e) => outcome(&e),
    }
}

/// The most a write's body may hold: a referral's text, not its files.
const MAX_BODY: usize = 1024 * 1024;

/// Reads a JSON body of one of the `kinds` of media type.
fn body_json(req: &HttpRequest, body: &web::Bytes, kinds: &[&str]) -> AppResult<Value> {
    if body.len() > MAX_BODY {
        return Err(AppError::TooLarge(format!(
            "The body is over {} KB; files are attached in the app.",
            MAX_BODY / 1024
        )));
    }
    let kind = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !kinds.iter().any(|k| kind.starts_with(k)) {
        return Err(AppError::BadRequest(format!(
            "Send the body as {} (Content-Type).",
            kinds.join(" or ")
        )));
    }
    serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(format!("The body is not JSON: {e}.")))
}

/// `POST /fhir/r4`: a `transaction` Bundle that refers a patient.
pub async fn transaction(req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let bundle = match body_json(&req, &body, &["application/fhir+json", "application/json"]) {
        Ok(v) => v,
        Err(e) => return outcome(&e),
    };
    api(req, move |svc, api| {
        crate::services::fhir_write::transaction(svc, api, &bundle)
    })
    .await
}

fn if_match(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// `PUT /fhir/r4/Task/{id}` with If-Match: moves the referral to the Task's status.
pub async fn update(req: HttpRequest, path: web::Path<String>, body: web::Bytes) -> HttpResponse {
    let task = match body_json(&req, &body, &["application/fhir+json", "application/json"]) {
        Ok(v) => v,
        Err(e) => return outcome(&e),
    };
    let (id, tag) = (path.into_inner(), if_match(&req));
    api(req, move |svc, api| {
        use crate::services::fhir_write::{Update, update_task};
        update_task(svc, api, &id, tag.as_deref(), Update::Put(task))
    })
    .await
}

/// `PATCH /fhir/r4/Task/{id}` with If-Match and a JSON Patch.
pub async fn patch(req: HttpRequest, path: web::Path<String>, body: web::Bytes) -> HttpResponse {
    let ops = match body_json(&req, &body, &["application/json-patch+json"]) {
        Ok(v) => v,
        Err(e) => return outcome(&e),
    };
    let (id, tag) = (path.into_inner(), if_match(&req));
    api(req, move |svc, api| {
        use crate::services::fhir_write::{Update, update_task};
        update_task(svc, api, &id, tag.as_deref(), Update::Patch(ops))
    })
    .await
}

/// `GET /fhir/r4/metadata`: open to anyone, as FHIR clients expect.
pub async fn metadata(req: HttpRequest) -> HttpResponse {
    match services(&req) {
        Ok(svc) => {
            let base = svc_fhir::base_url(&svc);
            json(
                StatusCode::OK,
                &crate::domain::fhir::capability::capability_statement(
                    FhirCtx { base: &base },
                    svc.now(),
                    env!("CARGO_PKG_VERSION"),
                ),
            )
        }
        Err(e) => outcome(&e),
    }
}

/// `GET /fhir/r4/{type}/{id}`.
pub async fn read(req: HttpRequest, path: web::Path<(String, String)>) -> HttpResponse {
    let (kind, id) = path.into_inner();
    api(req, move |svc, api| svc_fhir::read(svc, api, &kind, &id)).await
}

/// `GET /fhir/r4/{type}?...`.
pub async fn search(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let kind = path.into_inner();
    let query = req.query_string().to_string();
    let params: Vec<(String, String)> = match serde_urlencoded::from_str(&query) {
        Ok(p) => p,
        Err(_) => {
            return outcome(&AppError::BadRequest(
                "The query string is not form-encoded.".into(),
            ));
        }
    };
    api(req, move |svc, api| {
        let found = svc_fhir::search(svc, api, &kind, &params)?;
        let base = svc_fhir::base_url(svc);
        let self_url = match query.as_str() {
            "" => format!("{base}/{kind}"),
            q => format!("{base}/{kind}?{q}"),
        };
        let next = found.next.map(|q| format!("{base}/{kind}?{q}"));
        Ok(crate::domain::fhir::bundles::searchset(
            FhirCtx { base: &base },
            &crate::db::new_id(),
            found.resources,
            &self_url,
            next.as_deref(),
        ))
    })
    .await
}

/// `GET /referrals/{id}/fhir`: the referral as one FHIR Bundle, for its parties (audited
/// like the referral page; holds what that party's page shows).
pub async fn export_download(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let id2 = id.clone();
    let bundle = ctx
        .run(move |svc, caller| svc_fhir::export(svc, caller, &id2))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, FHIR_JSON))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"referral-{id}.fhir.json\""),
        ))
        .body(serde_json::to_string_pretty(&bundle).unwrap_or_default()))
}

/// `POST /fhir/r4/Subscription`: a rest-hook on Task changes.
pub async fn subscribe(req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let sub = match body_json(&req, &body, &["application/fhir+json", "application/json"]) {
        Ok(v) => v,
        Err(e) => return outcome(&e),
    };
    api(req, move |svc, api| {
        crate::services::fhir_hooks::create(svc, api, &sub)
    })
    .await
}

/// `DELETE /fhir/r4/Subscription/{id}`: switches it off.
pub async fn unsubscribe(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let id = path.into_inner();
    api(req, move |svc, api| {
        crate::services::fhir_hooks::delete(svc, api, &id)
    })
    .await
}

/// `GET /fhir/r4/Task/{id}/_history`.
pub async fn history(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let id = path.into_inner();
    api(req, move |svc, api| {
        crate::services::fhir::history(svc, api, &id)
    })
    .await
}
