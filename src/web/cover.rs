//! The absences page: away from, to, and the colleague who covers; the hand-over.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::extract::{Ctx, Layout};
use super::forms::{FormState, parse};
use super::{html_status, see_other};
use crate::domain::cover::AwayForm;
use crate::domain::forms::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::referrals::cover::{self, CoverPage};

#[derive(Template)]
#[template(path = "account/away.html")]
struct AwayPage {
    l: Layout,
    f: FormState,
    p: CoverPage,
}

async fn render(
    ctx: &Ctx,
    status: StatusCode,
    values: HashMap<String, String>,
    errors: FieldErrors,
) -> AppResult<HttpResponse> {
    let p = ctx.run(cover::page).await?;
    html_status(
        status,
        &AwayPage {
            l: ctx.layout("Away and cover", "account").await,
            f: FormState::new("away", values, errors),
            p,
        },
    )
}

pub async fn away_page(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    render(&ctx, StatusCode::OK, HashMap::new(), FieldErrors::new()).await
}

#[derive(Deserialize)]
struct Posted {
    #[serde(default)]
    first_day: String,
    #[serde(default)]
    last_day: String,
    #[serde(default)]
    covering_id: String,
    #[serde(default)]
    note: String,
}

/// Plans an absence; a mistake re-renders the form with what was typed.
pub async fn away_submit(ctx: Ctx, body: web::Bytes) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let (posted, raw): (Posted, HashMap<String, String>) = parse(&body)?;
    let form = AwayForm {
        first_day: posted.first_day,
        last_day: posted.last_day,
        covering_id: posted.covering_id,
        note: posted.note,
    };
    match ctx.run(move |s, c| cover::set_away(s, c, &form)).await {
        Ok(new) => {
            ctx.flash(&format!(
                "You are away from {} to {}. Referrals sent to you on those days go to your cover.",
                new.first_day, new.last_day
            ));
            Ok(see_other("/account/away"))
        }
        Err(AppError::Invalid(errors)) => {
            render(&ctx, StatusCode::UNPROCESSABLE_ENTITY, raw, errors).await
        }
        Err(e) => Err(e),
    }
}

/// Ends an absence early, or removes one still to come.
pub async fn away_end_submit(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    ctx.run(move |s, c| cover::end_away(s, c, &id)).await?;
    ctx.flash("The absence is ended: referrals sent to you from today reach you again.");
    Ok(see_other("/account/away"))
}

/// Hands the open referrals over to the colleague covering today.
pub async fn hand_over_submit(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let done = ctx.run(cover::hand_over).await?;
    ctx.flash(&format!(
        "{} referral(s) handed over to {}; {} stay with you (a visit is booked with you).",
        done.movable, done.to_name, done.kept
    ));
    Ok(see_other("/account/away"))
}
