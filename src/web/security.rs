//! The second step of signing in, setting up a second factor, and the person's sessions.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::extract::{Ctx, Layout};
use super::forms::{FormState, parse};
use super::session::{
    SESSION_CSRF, SESSION_DEVICE, SESSION_MUST_ENROL, SESSION_NEW_SECRET, SESSION_PENDING,
    SESSION_USER, random_token,
};
use super::{html, html_status, see_other};
use crate::domain::security::local_redirect;
use crate::error::{AppError, AppResult};
use crate::services::accounts::SessionUser;
use crate::services::second_factor::{self, CodeRefused, Enrolment, Status};
use crate::services::sessions::{self, Device, End, SessionInfo};

/// A right password, waiting for the code (kept in the session; not signed in).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    pub user: SessionUser,
    pub next: String,
    pub at: chrono::NaiveDateTime,
}

fn session_err(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("session: {e}"))
}

/// Signs the session in as `user`: a new session id (no fixation), a new CSRF token, and
/// the device it signed in from, for the list of sessions.
pub fn sign_in(ctx: &Ctx, user: &SessionUser) -> AppResult<()> {
    ctx.session.renew();
    ctx.session.remove(SESSION_PENDING);
    let device = Device {
        id: random_token()[..16].to_string(),
        user_agent: ctx.caller.user_agent.chars().take(300).collect(),
        ip: ctx.caller.ip.clone(),
    };
    ctx.session
        .insert(SESSION_USER, user)
        .and_then(|_| ctx.session.insert(SESSION_CSRF, random_token()))
        .and_then(|_| ctx.session.insert(SESSION_DEVICE, &device))
        .map_err(session_err)
}

/// A right password for an account with a second factor: remember it and ask for the code.
pub fn await_code(ctx: &Ctx, user: SessionUser, next: String) -> AppResult<HttpResponse> {
    ctx.session.renew();
    let p = Pending {
        user,
        next,
        at: ctx.svc.now(),
    };
    ctx.session
        .insert(SESSION_PENDING, &p)
        .and_then(|_| ctx.session.insert(SESSION_CSRF, random_token()))
        .map_err(session_err)?;
    Ok(see_other("/login/code"))
}

/// Signed in, but the clinic requires a second factor first.
pub fn must_enrol(ctx: &Ctx) -> AppResult<HttpResponse> {
    ctx.session
        .insert(SESSION_MUST_ENROL, true)
        .map_err(session_err)?;
    Ok(see_other("/account/second-factor"))
}

fn pending(ctx: &Ctx) -> Option<Pending> {
    let p = ctx.session.get::<Pending>(SESSION_PENDING).ok().flatten()?;
    crate::domain::second_factor::pending_still_open(p.at, ctx.svc.now()).then_some(p)
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    l: Layout,
    error: Option<String>,
}

pub async fn code_page(ctx: Ctx) -> AppResult<HttpResponse> {
    if pending(&ctx).is_none() {
        return Ok(see_other("/login"));
    }
    html(&CodePage {
        l: ctx.layout("Second step", "").await,
        error: None,
    })
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

pub async fn code_submit(ctx: Ctx, body: web::Bytes) -> AppResult<HttpResponse> {
    let Some(p) = pending(&ctx) else {
        ctx.flash("The sign-in took too long. Sign in again.");
        return Ok(see_other("/login"));
    };
    let (form, _): (CodeForm, HashMap<String, String>) = parse(&body)?;
    let user = p.user.clone();
    let outcome = ctx
        .run(move |svc, caller| second_factor::check_code(svc, caller, &user, &form.code))
        .await?;
    let (status, message) = match outcome {
        Ok(()) => {
            sign_in(&ctx, &p.user)?;
            return Ok(see_other(local_redirect(&p.next)));
        }
        Err(CodeRefused::Wrong) => (
            StatusCode::UNAUTHORIZED,
            "This code is not right, or was already used. Type the code your app shows now."
                .to_string(),
        ),
        Err(CodeRefused::Locked { minutes }) => (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many wrong codes. For your patients' safety, try again in {minutes} minutes."
            ),
        ),
    };
    html_status(
        status,
        &CodePage {
            l: ctx.layout("Second step", "").await,
            error: Some(message),
        },
    )
}

#[derive(Template)]
#[template(path = "account/second_factor.html")]
struct SecondFactorPage {
    l: Layout,
    f: FormState,
    status: Status,
    enrolment: Option<Enrolment>,
    codes: Option<Vec<String>>,
}

async fn second_factor_page_with(
    ctx: &Ctx,
    f: FormState,
    http: StatusCode,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let status = ctx.run(second_factor::status).await?;
    let enrolment = if status.enrolled {
        None
    } else {
        let secret = match ctx.session.get::<String>(SESSION_NEW_SECRET).ok().flatten() {
            Some(s) => s,
            None => {
                let s = second_factor::new_secret();
                ctx.session
                    .insert(SESSION_NEW_SECRET, &s)
                    .map_err(session_err)?;
                s
            }
        };
        Some(second_factor::enrolment(&secret, &status.email)?)
    };
    html_status(
        http,
        &SecondFactorPage {
            l: ctx.layout("Second factor", "account").await,
            f,
            status,
            enrolment,
            codes: None,
        },
    )
}

pub async fn second_factor_page(ctx: Ctx) -> AppResult<HttpResponse> {
    second_factor_page_with(&ctx, FormState::default(), StatusCode::OK).await
}

pub async fn second_factor_submit(ctx: Ctx, body: web::Bytes) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let (form, values): (CodeForm, HashMap<String, String>) = parse(&body)?;
    let Some(secret) = ctx.session.get::<String>(SESSION_NEW_SECRET).ok().flatten() else {
        return Ok(see_other("/account/second-factor"));
    };
    let result = ctx
        .run(move |svc, caller| second_factor::confirm(svc, caller, &secret, &form.code))
        .await;
    match result {
        Ok(codes) => {
            ctx.session.remove(SESSION_NEW_SECRET);
            ctx.session.remove(SESSION_MUST_ENROL);
            let status = ctx.run(second_factor::status).await?;
            html(&SecondFactorPage {
                l: ctx.layout("Second factor", "account").await,
                f: FormState::default(),
                status,
                enrolment: None,
                codes: Some(codes),
            })
        }
        Err(AppError::Invalid(errors)) => {
            second_factor_page_with(
                &ctx,
                FormState::new("totp", values, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "account/sessions.html")]
struct SessionsPage {
    l: Layout,
    sessions: Vec<SessionInfo>,
    alerts_on: bool,
}

fn current_device(ctx: &Ctx) -> String {
    ctx.session
        .get::<Device>(SESSION_DEVICE)
        .ok()
        .flatten()
        .map(|d| d.id)
        .unwrap_or_default()
}

pub async fn sessions_page(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let current = current_device(&ctx);
    let (list, alerts_on) = ctx
        .run(move |svc, caller| {
            Ok((
                sessions::list(svc, caller, &current)?,
                crate::services::accounts::sign_in_alerts(svc, caller)?,
            ))
        })
        .await?;
    html(&SessionsPage {
        l: ctx.layout("Sessions", "account").await,
        sessions: list,
        alerts_on,
    })
}

pub async fn session_end(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    ctx.run(move |svc, caller| sessions::end(svc, caller, End::One(&id)))
        .await?;
    ctx.flash("That session was signed out.");
    Ok(see_other("/account/sessions"))
}

pub async fn sessions_end_others(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let current = current_device(&ctx);
    let n = ctx
        .run(move |svc, caller| sessions::end(svc, caller, End::AllBut(&current)))
        .await?;
    ctx.flash(&format!(
        "Signed out everywhere else ({n} session{}).",
        if n == 1 { "" } else { "s" }
    ));
    Ok(see_other("/account/sessions"))
}

#[derive(Deserialize)]
struct AlertsForm {
    #[serde(default)]
    sign_in_alerts: Option<String>,
}

pub async fn alerts_submit(ctx: Ctx, body: web::Bytes) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let (form, _): (AlertsForm, HashMap<String, String>) = parse(&body)?;
    let on = form.sign_in_alerts.is_some();
    ctx.run(move |s, c| crate::services::accounts::set_sign_in_alerts(s, c, on))
        .await?;
    ctx.flash(if on {
        "You will get an e-mail when your account is signed in from a new browser."
    } else {
        "Sign-in alerts are off."
    });
    Ok(see_other("/account/sessions"))
}
