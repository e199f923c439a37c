//! The clinic admin's services: list, create, edit.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::extract::{Ctx, Layout};
use super::forms::{FormState, read_pairs};
use super::{html_status, see_other};
use crate::domain::forms::FieldErrors;
use crate::domain::service::ServiceForm;
use crate::error::{AppError, AppResult};
use crate::services::teams::{self, TeamRow, TeamsPage};

#[derive(Template)]
#[template(path = "admin/services.html")]
struct ServicesPage {
    l: Layout,
    f: FormState,
    p: TeamsPage,
    /// The members ticked in the form being shown again.
    ticked: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/service.html")]
struct ServicePage {
    l: Layout,
    f: FormState,
    s: TeamRow,
    colleagues: Vec<(String, String)>,
    ticked: Vec<String>,
}

impl ServicesPage {
    fn is_ticked(&self, id: &str) -> bool {
        self.ticked.iter().any(|t| t == id)
    }
    fn people(&self) -> &[(String, String)] {
        &self.p.colleagues
    }
}

impl ServicePage {
    fn is_ticked(&self, id: &str) -> bool {
        self.ticked.iter().any(|t| t == id)
    }
    fn people(&self) -> &[(String, String)] {
        &self.colleagues
    }
}

/// The form's fields: one value each, and every ticked member.
fn read(body: &web::Bytes) -> AppResult<(ServiceForm, HashMap<String, String>)> {
    let pairs = read_pairs(body)?;
    let mut raw = HashMap::new();
    let mut form = ServiceForm::default();
    for (k, v) in pairs {
        match k.as_str() {
            "members" => form.members.push(v.clone()),
            "name" => form.name = v.clone(),
            "description" => form.description = v.clone(),
            "specialties" => form.specialties = v.clone(),
            "min_age" => form.min_age = v.clone(),
            "max_age" => form.max_age = v.clone(),
            "sex" => form.sex = v.clone(),
            "accepting" => form.accepting = true,
            "coordinator_id" => form.coordinator_id = v.clone(),
            _ => {}
        }
        raw.insert(k, v);
    }
    Ok((form, raw))
}

async fn list(
    ctx: &Ctx,
    status: StatusCode,
    f: FormState,
    ticked: Vec<String>,
) -> AppResult<HttpResponse> {
    let p = ctx.run(teams::page).await?;
    html_status(
        status,
        &ServicesPage {
            l: ctx.layout("Services", "admin").await,
            f,
            p,
            ticked,
        },
    )
}

pub async fn page(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    list(&ctx, StatusCode::OK, FormState::default(), Vec::new()).await
}

pub async fn create_submit(ctx: Ctx, body: web::Bytes) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let (form, raw) = read(&body)?;
    let ticked = form.members.clone();
    match ctx.run(move |s, c| teams::create(s, c, &form)).await {
        Ok(_) => {
            ctx.flash("Service created: the directory lists it, and its members see its queue in their inbox.");
            Ok(see_other("/admin/services"))
        }
        Err(AppError::Invalid(e)) => {
            list(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                FormState::new("service", raw, e),
                ticked,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn edit(
    ctx: &Ctx,
    id: String,
    status: StatusCode,
    values: Option<(HashMap<String, String>, FieldErrors, Vec<String>)>,
) -> AppResult<HttpResponse> {
    let (s, colleagues) = ctx.run(move |svc, c| teams::get(svc, c, &id)).await?;
    let (f, ticked) = match values {
        Some((raw, e, ticked)) => (FormState::new("service", raw, e), ticked),
        None => {
            let mut raw = HashMap::new();
            raw.insert("name".to_string(), s.card.name.clone());
            raw.insert("description".to_string(), s.card.row.description.clone());
            raw.insert("specialties".to_string(), s.card.specialties.clone());
            let n = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
            raw.insert("min_age".to_string(), n(s.card.row.min_age));
            raw.insert("max_age".to_string(), n(s.card.row.max_age));
            raw.insert(
                "sex".to_string(),
                s.card.row.sex.clone().unwrap_or_default(),
            );
            raw.insert(
                "coordinator_id".to_string(),
                s.card.row.coordinator_id.clone().unwrap_or_default(),
            );
            if s.card.accepting {
                raw.insert("accepting".to_string(), "on".to_string());
            }
            let ticked = s.members.iter().map(|(id, _)| id.clone()).collect();
            (FormState::new("service", raw, FieldErrors::new()), ticked)
        }
    };
    html_status(
        status,
        &ServicePage {
            l: ctx.layout("Edit service", "admin").await,
            f,
            s,
            colleagues,
            ticked,
        },
    )
}

pub async fn edit_page(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    edit(&ctx, path.into_inner(), StatusCode::OK, None).await
}

pub async fn update_submit(
    ctx: Ctx,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let (form, raw) = read(&body)?;
    let ticked = form.members.clone();
    let id2 = id.clone();
    match ctx.run(move |s, c| teams::update(s, c, &id2, &form)).await {
        Ok(()) => {
            ctx.flash("Service saved.");
            Ok(see_other("/admin/services"))
        }
        Err(AppError::Invalid(e)) => {
            edit(
                &ctx,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some((raw, e, ticked)),
            )
            .await
        }
        Err(e) => Err(e),
    }
}
