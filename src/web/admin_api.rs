//! The admin's API clients page: create a client (its token shown once), list and revoke.

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;

use super::extract::{Ctx, Layout};
use super::forms::{FormState, parse};
use super::{html_status, see_other};
use crate::error::{AppError, AppResult};
use crate::services::api_clients::{self as svc_api, Listed, NewClient};
use crate::services::clinics as svc_clinics;

#[derive(Template)]
#[template(path = "admin/api_clients.html")]
struct ApiClientsPage {
    l: Layout,
    f: FormState,
    clients: Vec<Listed>,
    /// (user id, name) of the clinic's active practitioners.
    practitioners: Vec<(String, String)>,
    /// The API's address.
    base: String,
    /// The token of the client just created (shown this once), and its name.
    created: Option<(String, String)>,
}

async fn render(
    ctx: &Ctx,
    status: StatusCode,
    f: FormState,
    created: Option<(String, String)>,
) -> AppResult<HttpResponse> {
    let clinic_id = ctx.require_user()?.clinic_id.clone();
    let ctx_lang = ctx.lang;
    let (clients, practitioners, base) = ctx
        .run(move |svc, caller| {
            let clients = svc_api::list(svc, caller, &clinic_id)?;
            let o = svc_clinics::overview(svc, caller, &clinic_id)?;
            // The whole clinic last: the wider grant is never the one chosen by default.
            let people = o
                .practitioners
                .into_iter()
                .filter(|(u, _)| u.active)
                .map(|(u, _)| (u.id, u.display_name))
                .chain(std::iter::once((
                    svc_api::WHOLE_CLINIC.to_string(),
                    ctx_lang.t("api-whole-clinic"),
                )))
                .collect();
            Ok((clients, people, crate::services::fhir::base_url(svc)))
        })
        .await?;
    let mut r = html_status(
        status,
        &ApiClientsPage {
            l: ctx.layout(ctx.lang.t("api-title"), "admin").await,
            f,
            clients,
            practitioners,
            base,
            created,
        },
    )?;
    // The page may hold a token: never kept by a cache.
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(r)
}

fn fresh_form() -> FormState {
    let values: HashMap<String, String> = [("read".to_string(), "on".to_string())].into();
    FormState::new("api", values, Default::default())
}

pub async fn page(ctx: Ctx) -> AppResult<HttpResponse> {
    render(&ctx, StatusCode::OK, fresh_form(), None).await
}

pub async fn create_submit(ctx: Ctx, body: web::Bytes) -> AppResult<HttpResponse> {
    let clinic_id = ctx.require_user()?.clinic_id.clone();
    let (input, raw): (NewClient, HashMap<String, String>) = parse(&body)?;
    match ctx
        .run(move |svc, caller| svc_api::create(svc, caller, &clinic_id, &input))
        .await
    {
        Ok((client, token)) => {
            render(
                &ctx,
                StatusCode::OK,
                fresh_form(),
                Some((client.name, token)),
            )
            .await
        }
        Err(AppError::Invalid(errors)) => {
            render(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                FormState::new("api", raw, errors),
                None,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn revoke_submit(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    let clinic_id = ctx.require_user()?.clinic_id.clone();
    let id = path.into_inner();
    ctx.run(move |svc, caller| svc_api::revoke(svc, caller, &clinic_id, &id))
        .await?;
    ctx.flash(&ctx.lang.t("api-revoked-flash"));
    Ok(see_other("/admin/api-clients"))
}
