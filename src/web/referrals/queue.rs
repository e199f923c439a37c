//! A service's queue on the referral page: claim, and the coordinator's assign and forward.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::show::render_show;
use crate::db::referrals::Referral;
use crate::error::{AppError, AppResult};
use crate::services::referrals::{self as svc, queue};
use crate::web::extract::{Ctx, Layout};
use crate::web::forms::{FormState, parse};
use crate::web::{html, next_href, see_other};

#[derive(Deserialize)]
struct QueueForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    member_id: String,
    #[serde(default)]
    service_id: String,
    #[serde(default)]
    note: String,
}

fn version(f: &QueueForm) -> AppResult<i64> {
    f.version
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("The form's version is missing; reload the page.".into()))
}

/// Re-renders the referral page with the form's error beside its field.
async fn again(
    ctx: &Ctx,
    id: String,
    section: &'static str,
    raw: HashMap<String, String>,
    errors: crate::domain::forms::FieldErrors,
) -> AppResult<HttpResponse> {
    let v = ctx.run(move |s, caller| svc::view(s, caller, &id)).await?;
    render_show(
        ctx,
        v,
        FormState::new(section, raw, errors),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// A member takes the referral from the service's queue.
pub async fn claim_submit(
    ctx: Ctx,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let (f, _): (QueueForm, HashMap<String, String>) = parse(&body)?;
    let v = version(&f)?;
    let id2 = id.clone();
    ctx.run(move |s, c| queue::claim(s, c, &id2, v)).await?;
    ctx.flash("The referral is yours: it is in your inbox, and its sender was told.");
    Ok(see_other(&format!("/referrals/{id}")))
}

/// The coordinator gives the referral to a member.
pub async fn assign_submit(
    ctx: Ctx,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let (f, raw): (QueueForm, HashMap<String, String>) = parse(&body)?;
    let v = version(&f)?;
    let id2 = id.clone();
    match ctx
        .run(move |s, c| queue::assign(s, c, &id2, v, &f.member_id))
        .await
    {
        Ok(name) => {
            ctx.flash(&format!("Given to {name}, who was told."));
            Ok(see_other(&format!("/referrals/{id}")))
        }
        Err(AppError::Invalid(e)) => again(&ctx, id, "assign", raw, e).await,
        Err(e) => Err(e),
    }
}

/// The coordinator passes the referral to another service of the clinic.
pub async fn forward_submit(
    ctx: Ctx,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let (f, raw): (QueueForm, HashMap<String, String>) = parse(&body)?;
    let v = version(&f)?;
    let id2 = id.clone();
    match ctx
        .run(move |s, c| queue::forward(s, c, &id2, v, &f.service_id, &f.note))
        .await
    {
        Ok(name) => {
            ctx.flash(&format!("Passed to {name}; its members were told."));
            // The referral left this queue: the coordinator may no longer see it.
            Ok(see_other("/inbox"))
        }
        Err(AppError::Invalid(e)) => again(&ctx, id, "forward", raw, e).await,
        Err(e) => Err(e),
    }
}

/// A row of what members took from a service.
struct TakenLine {
    r: Referral,
    patient: String,
    sender: String,
    holder: String,
    /// The reader has it: the row opens the referral.
    mine: bool,
}

#[derive(Template)]
#[template(path = "referrals/taken.html")]
struct TakenPage {
    l: Layout,
    service: (String, String),
    queues: Vec<(String, String)>,
    rows: Vec<TakenLine>,
    next_href: Option<String>,
}

impl TakenPage {
    /// The tab of what was taken from `service` is this page.
    fn tab_current(&self, service: &str, taken: bool) -> bool {
        taken && self.service.0 == service
    }
}

#[derive(Deserialize)]
pub struct TakenParams {
    #[serde(default)]
    after: String,
}

/// The referrals members took from a service: who has each, where it stands.
pub async fn taken_page(
    ctx: Ctx,
    path: web::Path<String>,
    q: web::Query<TakenParams>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let id2 = id.clone();
    let res = ctx
        .run(move |s, c| queue::taken(s, c, &id2, &q.after))
        .await?;
    let rows = res
        .rows
        .into_iter()
        .map(|(r, patient, sender, holder)| TakenLine {
            mine: r.receiver_id == res.me,
            r,
            patient,
            sender,
            holder,
        })
        .collect();
    html(&TakenPage {
        l: ctx.layout(&res.service.1, "inbox").await,
        next_href: next_href(&format!("/queues/{id}/taken"), &[], res.next_cursor),
        service: res.service,
        queues: res.queues,
        rows,
    })
}
