//! The lifecycle commands posted from the referral page, one handler per URL, and the
//! receiver's "what to bring" note on the same page.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::show::render_show;
use crate::domain::referral::Command;
use crate::domain::referral::form::CommandForm;
use crate::error::{AppError, AppResult};
use crate::services::referrals as svc;
use crate::web::extract::Ctx;
use crate::web::forms::{FormState, read_pairs};
use crate::web::see_other;

async fn command(ctx: Ctx, id: String, cmd: Command, body: web::Bytes) -> AppResult<HttpResponse> {
    // The body is read once: the command's fields, and the same pairs to refill the form.
    let pairs = read_pairs(&body)?;
    let input = CommandForm::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let then_next = input.then == "next";
    let raw: HashMap<String, String> = pairs.into_iter().collect();
    let id2 = id.clone();
    match ctx
        .run(move |s, caller| svc::apply(s, caller, &id2, cmd, &input))
        .await
    {
        Ok(_) => {
            // The patient's own decisions are confirmed in their language.
            match cmd {
                Command::Approve => ctx.flash(&ctx.lang.t("plink-approved")),
                Command::Decline => ctx.flash(&ctx.lang.t("plink-declined")),
                _ => ctx.flash(crate::domain::referral::done_notice(cmd, false)),
            }
            if cmd == Command::Accept && then_next {
                let id3 = id.clone();
                if let Some(next) = ctx
                    .run(move |s, caller| svc::next_waiting(s, caller, &id3))
                    .await?
                {
                    return Ok(see_other(&format!("/referrals/{next}")));
                }
                return Ok(see_other("/inbox"));
            }
            Ok(see_other(&format!("/referrals/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            let v = ctx.run(move |s, caller| svc::view(s, caller, &id)).await?;
            render_show(
                &ctx,
                v,
                FormState::new(cmd.as_str(), raw, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

macro_rules! command_handlers {
    ($( $name:ident => $cmd:ident ),* $(,)?) => {
        $(
            pub async fn $name(ctx: Ctx, path: web::Path<String>, body: web::Bytes) -> AppResult<HttpResponse> {
                command(ctx, path.into_inner(), Command::$cmd, body).await
            }
        )*
    };
}

command_handlers! {
    submit_submit => Submit,
    approve_submit => Approve,
    decline_submit => Decline,
    request_info_submit => RequestInfo,
    provide_info_submit => ProvideInfo,
    require_visit_submit => RequireVisit,
    accept_submit => Accept,
    reject_submit => Reject,
    complete_submit => Complete,
    cancel_submit => Cancel,
    answer_submit => Answer,
    convert_submit => Convert,
    return_submit => Return,
}

#[derive(Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: String,
}

/// The sender sends the referral the answer to their question recommended, in one click.
pub async fn recommended_submit(
    ctx: Ctx,
    path: web::Path<String>,
    form: web::Form<VersionForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let version = form.version.trim().parse().ok();
    let done = ctx
        .run(move |s, caller| svc::recommended::send_recommended(s, caller, &id, version))
        .await?;
    match done.not_sent {
        None => {
            ctx.flash("The recommended referral was sent, with the question's details and consent.")
        }
        // The referral exists as a draft: its page offers the send again, with the consent
        // box and the reason for a repeat beside the button.
        Some(AppError::Invalid(_)) => ctx.flash(
            "The referral was prepared as a draft but not sent: it needs the patient's consent, or a reason because it repeats an open referral. Finish it from the draft (Edit draft).",
        ),
        Some(AppError::Conflict(why) | AppError::Forbidden(why)) => {
            ctx.flash(&format!("The referral was prepared as a draft but not sent. {why}"))
        }
        // Anything else is the server's fault, and shown as such.
        Some(e) => return Err(e),
    }
    Ok(see_other(&format!("/referrals/{}", done.referral_id)))
}

/// The sender passes a returned referral's advice on to the patient.
pub async fn share_advice_submit(
    ctx: Ctx,
    path: web::Path<String>,
    form: web::Form<VersionForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let version = form.version.trim().parse().ok();
    let id2 = id.clone();
    ctx.run(move |s, caller| svc::questions::share_advice(s, caller, &id2, version))
        .await?;
    ctx.flash("The advice was sent to the patient.");
    Ok(see_other(&format!("/referrals/{id}")))
}

#[derive(Deserialize)]
pub struct BringForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    what_to_bring: String,
}

/// The receiver sets what the patient should bring.
pub async fn bring_submit(
    ctx: Ctx,
    path: web::Path<String>,
    form: web::Form<BringForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let f = form.into_inner();
    let id2 = id.clone();
    let text = f.what_to_bring.clone();
    match ctx
        .run(move |s, caller| svc::set_what_to_bring(s, caller, &id2, &f.version, &f.what_to_bring))
        .await
    {
        Ok(()) => {
            ctx.flash("Saved. The patient sees what to bring.");
            Ok(see_other(&format!("/referrals/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            let v = ctx.run(move |s, caller| svc::view(s, caller, &id)).await?;
            render_show(
                &ctx,
                v,
                FormState::new(
                    "bring",
                    [("what_to_bring".to_string(), text)].into(),
                    errors,
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// The receiver saves the outcome as a draft (the complete form's second button).
pub async fn outcome_draft_submit(
    ctx: Ctx,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let pairs = read_pairs(&body)?;
    let input = CommandForm::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let raw: HashMap<String, String> = pairs.into_iter().collect();
    let id2 = id.clone();
    match ctx
        .run(move |s, caller| svc::save_outcome_draft(s, caller, &id2, &input))
        .await
    {
        Ok(()) => {
            ctx.flash(&ctx.lang.t("outcome-draft-saved"));
            Ok(see_other(&format!("/referrals/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            let v = ctx.run(move |s, caller| svc::view(s, caller, &id)).await?;
            render_show(
                &ctx,
                v,
                FormState::new("complete", raw, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}
