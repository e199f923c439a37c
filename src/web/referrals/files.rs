//! Files of a referral: attaching them (multipart) and downloading them.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::show::render_show;
use crate::error::{AppError, AppResult};
use crate::services::patients::too_large;
use crate::services::referrals::{self as svc, NewAttachment};
use crate::web::extract::Ctx;
use crate::web::forms::{FormState, read_multipart};
use crate::web::{download, see_other};

/// Files attached to a referral (multipart; the CSRF token is in the query string).
pub async fn attach_submit(
    ctx: Ctx,
    req: HttpRequest,
    path: web::Path<String>,
    payload: actix_multipart::Multipart,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let max = ctx.svc.max_upload_bytes as usize;
    let form = read_multipart(&req, payload, max, max.saturating_mul(4))
        .await
        .map_err(|e| {
            if matches!(e, AppError::TooLarge(_)) {
                too_large(&ctx.svc)
            } else {
                e
            }
        })?;
    let ask = form.fields.get("ask_id").cloned();
    let files = form
        .files
        .into_iter()
        .map(|(name, bytes)| NewAttachment { name, bytes })
        .collect();
    let id2 = id.clone();
    match ctx
        .run(move |s, caller| svc::attach(s, caller, &id2, ask.as_deref(), files))
        .await
    {
        Ok(n) => {
            ctx.flash(&format!("{n} file(s) attached."));
            Ok(see_other(&format!("/referrals/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            let v = ctx.run(move |s, caller| svc::view(s, caller, &id)).await?;
            render_show(
                &ctx,
                v,
                FormState::new("attach", HashMap::new(), errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// Downloads a referral attachment.
pub async fn attachment_download(
    ctx: Ctx,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, aid) = path.into_inner();
    let (a, file) = ctx
        .run(move |s, caller| svc::attachment(s, caller, &id, &aid))
        .await?;
    download::attachment(file, &a.content_type, a.original_name).await
}
