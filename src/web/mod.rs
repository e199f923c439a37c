//! HTTP: the route table, extractors, middleware and one module per area. Handlers parse
//! input, call one service inside `web::block`, and render a template; no business rules.

pub mod account;
pub mod admin;
pub mod admin_api;
pub mod admin_services;
pub mod analytics;
pub mod assets;
pub mod assistants;
pub mod audit;
pub mod auth;
pub mod command_forms;
pub mod cover;
pub mod directory;
pub mod download;
pub mod external;
pub mod extract;
pub mod fhir;
pub mod forms;
pub mod home;
pub mod join;
pub mod metrics;
pub mod middleware;
pub mod observe;
pub mod patient_link;
pub mod patients;
pub mod portal;
pub mod referrals;
pub mod routes;
pub mod schedule;
pub mod security;
pub mod session;
pub mod session_store;
pub mod threads;

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use askama::Template;

use crate::error::{AppError, AppResult};

/// Renders a template as a 200 HTML page.
pub fn html<T: Template>(t: &T) -> AppResult<HttpResponse> {
    html_status(StatusCode::OK, t)
}

/// Renders a template with the given status (422 for a form shown again with errors).
pub fn html_status<T: Template>(status: StatusCode, t: &T) -> AppResult<HttpResponse> {
    let body = t
        .render()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?;
    Ok(HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .body(body))
}

/// 303 See Other: the answer to a successful form post.
pub fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_string()))
        .finish()
}

/// Where a list's page starts: the cursor its "next page" link carries (absent or not one
/// the list wrote: the first page).
#[derive(serde::Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    pub after: String,
}

/// The link to the page after `cursor` of the list at `path`, keeping the list's
/// `filters` (name, value) in it; the cursor travels as `after`.
pub fn next_href(path: &str, filters: &[(&str, &str)], cursor: Option<String>) -> Option<String> {
    next_href_as(path, filters, "after", cursor)
}

/// [`next_href`] for a list whose cursor travels under another name (`param`).
pub fn next_href_as(
    path: &str,
    filters: &[(&str, &str)],
    param: &str,
    cursor: Option<String>,
) -> Option<String> {
    cursor.map(|c| {
        let mut params: Vec<(&str, &str)> = filters.to_vec();
        params.push((param, &c));
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(params).unwrap_or_default()
        )
    })
}
