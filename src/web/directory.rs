use actix_web::{HttpResponse, web};
use askama::Template;

use super::extract::{Ctx, Layout};
use super::html;
use crate::db::practices::Practice;
use crate::db::users::{Practitioner, User};
use crate::error::AppResult;
use crate::services::directory as svc;

#[derive(Template)]
#[template(path = "practitioners/show.html")]
struct ProfilePage {
    l: Layout,
    user: User,
    p: Practitioner,
    clinic: String,
    practice: Option<Practice>,
}

/// A practitioner's public profile: who they are and, if they run a practice, where.
pub async fn profile_page(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let prof = ctx
        .run(move |s, caller| svc::profile(s, caller, &id))
        .await?;
    html(&ProfilePage {
        l: ctx.layout(prof.user.display_name.clone(), "").await,
        user: prof.user,
        p: prof.practitioner,
        clinic: prof.clinic,
        practice: prof.practice,
    })
}
