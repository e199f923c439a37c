//! The sender's answers to what came back by e-mail: correcting an address the letter
//! could not be delivered to, and posting or discarding a reply held because its sender
//! was not confirmed.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::show::render_show;
use crate::error::{AppError, AppResult};
use crate::services::external as ext;
use crate::services::inbound;
use crate::services::referrals as svc;
use crate::web::extract::Ctx;
use crate::web::forms::FormState;
use crate::web::see_other;

#[derive(Deserialize)]
pub struct AddressForm {
    #[serde(default)]
    email: String,
}

/// The sender corrects the outside doctor's address; the letter goes again with a new link.
pub async fn address_submit(
    ctx: Ctx,
    path: web::Path<String>,
    form: web::Form<AddressForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let email = form.into_inner().email;
    let (id2, typed) = (id.clone(), email.clone());
    match ctx
        .run(move |s, caller| ext::correct_address(s, caller, &id2, &email))
        .await
    {
        Ok(()) => {
            ctx.flash(
                "The address was corrected and the letter is on its way again with a new link.",
            );
            Ok(see_other(&format!("/referrals/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            let v = ctx.run(move |s, caller| svc::view(s, caller, &id)).await?;
            render_show(
                &ctx,
                v,
                FormState::new("address", [("email".to_string(), typed)].into(), errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn decide(ctx: Ctx, path: (String, String), post: bool) -> AppResult<HttpResponse> {
    let (id, held) = path;
    let id2 = id.clone();
    ctx.run(move |s, caller| inbound::decide_held(s, caller, &id2, &held, post))
        .await?;
    ctx.flash(if post {
        "The e-mail was posted to the timeline."
    } else {
        "The e-mail was discarded."
    });
    Ok(see_other(&format!("/referrals/{id}")))
}

/// The sender posts a held reply to the timeline.
pub async fn held_post_submit(
    ctx: Ctx,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    decide(ctx, path.into_inner(), true).await
}

/// The sender discards a held reply.
pub async fn held_discard_submit(
    ctx: Ctx,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    decide(ctx, path.into_inner(), false).await
}
