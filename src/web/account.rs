use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::extract::{Ctx, Layout};
use super::forms::{FormState, parse};
use super::session::{SESSION_LANG, SESSION_USER};
use super::{html, html_status, see_other};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::services::accounts;

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    l: Layout,
    f: FormState,
    /// Whether notifications are also sent by e-mail.
    email_on: bool,
}

async fn email_on(ctx: &Ctx) -> AppResult<bool> {
    ctx.run(crate::services::mail::email_preference).await
}

pub async fn password_page(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    // The preference first: its hop also reads the layout's unread count.
    let email_on = email_on(&ctx).await?;
    html(&PasswordPage {
        l: ctx.layout("Account", "account").await,
        f: FormState::default(),
        email_on,
    })
}

#[derive(Deserialize)]
struct NotificationsForm {
    #[serde(default)]
    email_notifications: Option<String>,
}

/// Turns e-mail copies of notifications on or off.
pub async fn notifications_submit(ctx: Ctx, body: web::Bytes) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let (form, _): (NotificationsForm, HashMap<String, String>) = parse(&body)?;
    let on = form.email_notifications.is_some();
    ctx.run(move |s, caller| crate::services::mail::set_email_preference(s, caller, on))
        .await?;
    ctx.flash(if on {
        "You will also get an e-mail when there is something new (without patient details)."
    } else {
        "E-mail notifications are off."
    });
    Ok(see_other("/account/password"))
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_confirm: String,
}

pub async fn password_submit(ctx: Ctx, body: web::Bytes) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let (form, _): (PasswordForm, HashMap<String, String>) = parse(&body)?;
    let result = ctx
        .run(move |svc, caller| {
            accounts::change_password(
                svc,
                caller,
                &form.current_password,
                &form.new_password,
                &form.new_password_confirm,
                None,
            )
        })
        .await;
    match result {
        Ok(()) => {
            // Every session of the account was ended; this one continues under a new id.
            ctx.session.renew();
            ctx.flash("Your password was changed. Other devices have been signed out.");
            Ok(see_other("/account/password"))
        }
        // Passwords are never echoed back into the form.
        Err(AppError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordPage {
                l: ctx.layout("Account", "account").await,
                f: FormState::new("password", HashMap::new(), errors),
                email_on: email_on(&ctx).await?,
            },
        ),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct LanguageForm {
    language: String,
    #[serde(default)]
    back: String,
}

/// The language menu: saved on the account when signed in, else in this browser's session.
/// Goes back to the page it was chosen on (a local path only).
pub async fn language_submit(ctx: Ctx, body: web::Bytes) -> AppResult<HttpResponse> {
    let (form, _): (LanguageForm, HashMap<String, String>) = parse(&body)?;
    let lang = Lang::parse(&form.language)
        .ok_or_else(|| AppError::BadRequest("Choose one of the languages offered.".into()))?;
    if let Some(mut u) = ctx.user.clone() {
        ctx.run(move |s, caller| accounts::set_language(s, caller, lang))
            .await?;
        u.language = lang.code().into();
        ctx.session
            .insert(SESSION_USER, &u)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))?;
    } else {
        ctx.session
            .insert(SESSION_LANG, lang.code())
            .map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))?;
    }
    ctx.flash(&lang.t("language-saved"));
    // A local path only: browsers drop tabs and newlines, so "/\t/evil" would read "//evil".
    let local = form.back.starts_with('/')
        && !form.back.starts_with("//")
        && !form.back.contains('\\')
        && !form.back.chars().any(char::is_control);
    Ok(see_other(if local { &form.back } else { "/" }))
}
