//! An outside doctor taking up a clinic's invitation (the link in their e-mail).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::extract::{Ctx, Layout};
use super::forms::{FormState, parse};
use super::{html_status, see_other};
use crate::error::{AppError, AppResult};
use crate::services::invitations::{self as svc, InvitationView};

#[derive(Template)]
#[template(path = "join.html")]
struct JoinPage {
    l: Layout,
    v: InvitationView,
    f: FormState,
    token: String,
}

async fn render(
    ctx: &Ctx,
    token: String,
    f: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let t = token.clone();
    let v = ctx.run(move |s, caller| svc::view(s, caller, &t)).await?;
    html_status(
        status,
        &JoinPage {
            l: ctx.layout(format!("Join {}", v.clinic_name), "").await,
            v,
            f,
            token,
        },
    )
}

pub async fn join_page(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    render(
        &ctx,
        path.into_inner(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
struct JoinForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

pub async fn join_submit(
    ctx: Ctx,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let token = path.into_inner();
    let (form, _): (JoinForm, HashMap<String, String>) = parse(&body)?;
    let t = token.clone();
    let result = ctx
        .run(move |s, caller| svc::accept(s, caller, &t, (&form.password, &form.password_confirm)))
        .await;
    match result {
        Ok(email) => {
            ctx.flash(&format!(
                "Welcome to Handoff. Sign in with {email} and the password you chose: the referrals sent to you are in your inbox."
            ));
            Ok(see_other("/login"))
        }
        // Passwords are never echoed back into the form.
        Err(AppError::Invalid(errors)) => {
            render(
                &ctx,
                token,
                FormState::new("join", HashMap::new(), errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}
