//! Static assets, compiled into the binary so the server runs from any directory.

use actix_web::http::header;
use actix_web::{HttpResponse, Responder};

const CSS: &str = include_str!("../../static/app.css");
const ICON: &str = include_str!("../../static/favicon.svg");

pub async fn css() -> impl Responder {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(CSS)
}

pub async fn icon() -> impl Responder {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "image/svg+xml"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(ICON)
}
