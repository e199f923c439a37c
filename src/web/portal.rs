use actix_web::HttpResponse;
use actix_web::http::StatusCode;

use super::extract::Ctx;
use super::forms::FormState;
use super::patients::render_profile;
use crate::error::AppResult;
use crate::services::patients as svc_patients;

/// The patient's own record, read-only.
pub async fn portal_page(ctx: Ctx) -> AppResult<HttpResponse> {
    let p = ctx
        .run(|svc, caller| {
            let id = svc_patients::own_patient_id(svc, caller)?;
            svc_patients::profile(svc, caller, &id)
        })
        .await?;
    render_profile(&ctx, p, true, FormState::default(), StatusCode::OK).await
}
