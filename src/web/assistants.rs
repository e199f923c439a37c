//! Assistants (issue 15): whom an assistant works for now, the draft put on a practitioner's
//! list to sign, that list, and the clinic admin's page of assistants.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::extract::{Ctx, Layout};
use super::forms::{FormState, read_pairs};
use super::session::SESSION_USER;
use super::{html_status, see_other};
use crate::db::assistants::{Person, ToSign};
use crate::domain::assistant::AssistantInput;
use crate::error::{AppError, AppResult};
use crate::services::assistants::{self, AdminPage};

#[derive(Template)]
#[template(path = "account/acting_for.html")]
struct ActingForPage {
    l: Layout,
    people: Vec<Person>,
    current: String,
}

/// The practitioners an assistant works for, to choose whom they work for now.
pub async fn acting_for_page(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let people = ctx.run(assistants::principals).await?;
    let current = ctx
        .user
        .as_ref()
        .and_then(|u| u.acting_for.clone())
        .unwrap_or_default();
    html_status(
        StatusCode::OK,
        &ActingForPage {
            l: ctx.layout("Working for", "acting").await,
            people,
            current,
        },
    )
}

/// Switches whom the assistant works for in this session.
pub async fn acting_for_submit(ctx: Ctx, body: web::Bytes) -> AppResult<HttpResponse> {
    let mut u = ctx.require_user()?.clone();
    let pairs = read_pairs(&body)?;
    let chosen = pairs
        .into_iter()
        .find(|(k, _)| k == "practitioner_id")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let person = ctx
        .run(move |s, c| assistants::act_for(s, c, &chosen))
        .await?;
    u.acting_for = Some(person.id);
    u.acting_for_name = person.name.clone();
    ctx.session
        .insert(SESSION_USER, &u)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))?;
    ctx.flash(&format!("You are now working for {}.", person.name));
    Ok(see_other("/patients"))
}

/// An assistant puts the draft on their practitioner's list to sign.
pub async fn prepare_submit(
    ctx: Ctx,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let note = read_pairs(&body)?
        .into_iter()
        .find(|(k, _)| k == "note")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let id2 = id.clone();
    ctx.run(move |s, c| assistants::prepare_to_sign(s, c, &id2, &note))
        .await?;
    let who = ctx
        .user
        .as_ref()
        .map(|u| u.acting_for_name.clone())
        .unwrap_or_default();
    ctx.flash(&format!(
        "Ready to sign: {who} sees it on their list and sends it."
    ));
    Ok(see_other(&format!("/referrals/{id}")))
}

#[derive(Template)]
#[template(path = "referrals/to_sign.html")]
struct ToSignPage {
    l: Layout,
    rows: Vec<ToSign>,
}

/// The practitioner's drafts prepared by their assistants, waiting for a signature.
pub async fn to_sign_page(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let rows = ctx.run(assistants::to_sign).await?;
    html_status(
        StatusCode::OK,
        &ToSignPage {
            l: ctx.layout("To sign", "to-sign").await,
            rows,
        },
    )
}

#[derive(Template)]
#[template(path = "admin/assistants.html")]
struct AdminAssistantsPage {
    l: Layout,
    f: FormState,
    p: AdminPage,
    ticked: Vec<String>,
}

impl AdminAssistantsPage {
    fn is_ticked(&self, id: &str) -> bool {
        self.ticked.iter().any(|t| t == id)
    }

    fn works_for(people: &[Person], id: &str) -> bool {
        people.iter().any(|p| p.id == id)
    }
}

fn read(body: &web::Bytes) -> AppResult<(AssistantInput, HashMap<String, String>)> {
    let mut form = AssistantInput::default();
    let mut raw = HashMap::new();
    for (k, v) in read_pairs(body)? {
        match k.as_str() {
            "principals" => form.principals.push(v.clone()),
            "display_name" => form.display_name = v.clone(),
            "email" => form.email = v.clone(),
            "password" => form.password = v.clone(),
            "password_confirm" => form.password_confirm = v.clone(),
            "active" => form.active = true,
            _ => {}
        }
        // A password is never sent back in a page.
        if !k.starts_with("password") {
            raw.insert(k, v);
        }
    }
    Ok((form, raw))
}

async fn admin_list(
    ctx: &Ctx,
    status: StatusCode,
    f: FormState,
    ticked: Vec<String>,
) -> AppResult<HttpResponse> {
    let p = ctx.run(assistants::admin_page).await?;
    html_status(
        status,
        &AdminAssistantsPage {
            l: ctx.layout("Assistants", "admin").await,
            f,
            p,
            ticked,
        },
    )
}

pub async fn admin_page(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    admin_list(&ctx, StatusCode::OK, FormState::default(), Vec::new()).await
}

pub async fn admin_create_submit(ctx: Ctx, body: web::Bytes) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let (form, raw) = read(&body)?;
    let ticked = form.principals.clone();
    match ctx.run(move |s, c| assistants::add(s, c, &form)).await {
        Ok(_) => {
            ctx.flash("Assistant added: they sign in with the password you set.");
            Ok(see_other("/admin/assistants"))
        }
        Err(AppError::Invalid(e)) => {
            admin_list(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                FormState::new("assistant", raw, e),
                ticked,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn admin_update_submit(
    ctx: Ctx,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let (form, raw) = read(&body)?;
    match ctx
        .run(move |s, c| assistants::set_principals(s, c, &id, &form))
        .await
    {
        Ok(()) => {
            ctx.flash("Saved. The assistant signs in again to work with the change.");
            Ok(see_other("/admin/assistants"))
        }
        Err(AppError::Invalid(e)) => {
            admin_list(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                FormState::new("principals", raw, e),
                Vec::new(),
            )
            .await
        }
        Err(e) => Err(e),
    }
}
