use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::extract::{Ctx, Layout};
use super::security;
use super::{html, html_status, see_other};
use crate::error::AppResult;
use crate::services::accounts::{self, LoginRefused};
use crate::services::second_factor::{self, AfterPassword};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Layout,
    email: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// Only local paths are followed after sign-in (no open redirect).
fn safe_next(next: &str) -> String {
    crate::domain::security::local_redirect(next).to_string()
}

pub async fn login_page(ctx: Ctx, q: web::Query<NextQuery>) -> AppResult<HttpResponse> {
    if ctx.user.is_some() {
        return Ok(see_other(&safe_next(&q.next)));
    }
    html(&LoginPage {
        l: ctx.layout("Sign in", "").await,
        email: String::new(),
        next: safe_next(&q.next),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login_submit(ctx: Ctx, form: web::Form<LoginForm>) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let (email, password) = (form.email.clone(), form.password.clone());
    let outcome = ctx
        .run(move |svc, caller| accounts::login(svc, &email, &password, caller))
        .await?;
    match outcome {
        Ok(user) => {
            let next = safe_next(&form.next);
            let u = user.clone();
            let step = ctx
                .run(move |svc, _| second_factor::after_password(svc, &u))
                .await?;
            match step {
                AfterPassword::Code => security::await_code(&ctx, user, next),
                AfterPassword::Done => {
                    security::sign_in(&ctx, &user)?;
                    Ok(see_other(&next))
                }
                AfterPassword::Enrol => {
                    security::sign_in(&ctx, &user)?;
                    security::must_enrol(&ctx)
                }
            }
        }
        Err(refused) => {
            let (status, message) = match refused {
                LoginRefused::Invalid => (
                    StatusCode::UNAUTHORIZED,
                    "The e-mail or password is not right. Check both and try again.".to_string(),
                ),
                LoginRefused::Locked { minutes } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "Too many failed sign-ins for this account. For your patients' safety it is locked; try again in {minutes} minute{}.",
                        if minutes == 1 { "" } else { "s" }
                    ),
                ),
                LoginRefused::FromHere { minutes } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "Too many failed sign-ins from your network. Try again in {minutes} minutes, or ask your clinic's IT contact."
                    ),
                ),
            };
            html_status(
                status,
                &LoginPage {
                    l: ctx.layout("Sign in", "").await,
                    email: form.email,
                    next: safe_next(&form.next),
                    error: Some(message),
                },
            )
        }
    }
}

pub async fn logout_submit(ctx: Ctx) -> AppResult<HttpResponse> {
    if ctx.user.is_some() {
        ctx.run(accounts::logout).await?;
    }
    // Deletes the server-side row and the cookie.
    ctx.session.purge();
    Ok(see_other("/login"))
}
