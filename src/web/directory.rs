use actix_web::{HttpResponse, web};
use askama::Template;

use super::extract::{Ctx, Layout};
use super::html;
use crate::db::practices::Practice;
use crate::db::users::{Practitioner, User};
use crate::error::AppResult;
use crate::services::directory as svc;
use crate::services::schedule::{self, CalendarDay};

#[derive(serde::Deserialize)]
pub struct ProfileQuery {
    #[serde(default)]
    referral: String,
    #[serde(default)]
    reschedule: String,
}

#[derive(Template)]
#[template(path = "practitioners/show.html")]
struct ProfilePage {
    l: Layout,
    user: User,
    p: Practitioner,
    clinic: String,
    practice: Option<Practice>,
    calendar: Vec<CalendarDay>,
    can_book: bool,
    referral: String,
    reschedule: String,
    /// Responsiveness over the last 90 days, in words.
    perf: String,
    /// Away today, and who covers.
    away: Option<crate::services::referrals::cover::AwayNotice>,
}

/// A practitioner's public profile: who they are and, if they run a practice, the free
/// slots of the next four weeks (patients can book them).
pub async fn profile_page(
    ctx: Ctx,
    path: web::Path<String>,
    q: web::Query<ProfileQuery>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (prof, calendar, perf) = ctx
        .run(move |s, caller| {
            let prof = svc::profile(s, caller, &id)?;
            let perf = crate::services::analytics::responsiveness_of(s, std::slice::from_ref(&id))?
                .remove(&id)
                .unwrap_or_default()
                .summary();
            Ok((prof, schedule::calendar(s, &id)?, perf))
        })
        .await?;
    let can_book = ctx.user.as_ref().is_some_and(|u| u.role == "patient");
    html(&ProfilePage {
        l: ctx.layout(prof.user.display_name.clone(), "").await,
        user: prof.user,
        p: prof.practitioner,
        clinic: prof.clinic,
        practice: prof.practice,
        away: prof.away,
        calendar,
        can_book,
        referral: q.referral.clone(),
        perf,
        reschedule: q.into_inner().reschedule,
    })
}
