use actix_web::{HttpResponse, Responder};

use super::extract::Ctx;
use super::see_other;
use crate::domain::people::Role;
use crate::error::AppResult;

/// Sends each person to their own start page.
pub async fn home_page(ctx: Ctx) -> AppResult<HttpResponse> {
    let to = match ctx.user.as_ref().and_then(|u| Role::parse(&u.role)) {
        None => "/login",
        Some(Role::Practitioner | Role::Assistant) => "/patients",
        Some(Role::Patient) => "/portal",
        Some(Role::ClinicAdmin) => "/admin",
    };
    Ok(see_other(to))
}

/// Liveness and database reachability, for load balancers. Touches no file: an instance
/// whose store is away is alive, only not ready (`/readyz`).
pub async fn health(ctx: Ctx) -> impl Responder {
    let ok = ctx
        .run(|svc, _| Ok(crate::services::health::database_reachable(svc)))
        .await
        .unwrap_or(false);
    if ok {
        HttpResponse::Ok().content_type("text/plain").body("ok")
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("database unavailable")
    }
}

/// Readiness: 200 "ready" when the database answers and the file store takes a write, else
/// 503 with the one word that failed (database or storage).
pub async fn ready(ctx: Ctx) -> impl Responder {
    use crate::services::health::{NotReady, readiness};
    let verdict = ctx
        .run(|svc, _| Ok(readiness(svc)))
        .await
        .unwrap_or(Err(NotReady::Database));
    match verdict {
        Ok(()) => HttpResponse::Ok().content_type("text/plain").body("ready"),
        Err(why) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body(format!("not ready: {}", why.word())),
    }
}
