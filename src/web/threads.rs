use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::extract::{Ctx, Layout};
use super::forms::FormState;
use super::{PageQuery, html, html_status, next_href, see_other};
use crate::db::threads::Notification;
use crate::error::{AppError, AppResult};
use crate::services::threads::{self as svc, ThreadSummary, ThreadView};

#[derive(Template)]
#[template(path = "threads/list.html")]
struct ListPage {
    l: Layout,
    threads: Vec<ThreadSummary>,
    next_href: Option<String>,
}

pub async fn list_page(ctx: Ctx, q: web::Query<PageQuery>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let after = q.into_inner().after;
    let page = ctx
        .run(move |s, caller| svc::list(s, caller, &after))
        .await?;
    html(&ListPage {
        l: ctx.layout("Messages", "threads").await,
        threads: page.rows,
        next_href: next_href("/threads", &[], page.next),
    })
}

#[derive(Template)]
#[template(path = "threads/show.html")]
struct ShowPage {
    l: Layout,
    t: ThreadView,
    f: FormState,
}

pub async fn show_page(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let t = ctx.run(move |s, caller| svc::view(s, caller, &id)).await?;
    html(&ShowPage {
        l: ctx
            .layout(format!("Messages with {}", t.with), "threads")
            .await,
        t,
        f: FormState::default(),
    })
}

#[derive(Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    body: String,
}

pub async fn post_submit(
    ctx: Ctx,
    path: web::Path<String>,
    form: web::Form<MessageForm>,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let body = form.into_inner().body;
    let (id2, b2) = (id.clone(), body.clone());
    match ctx
        .run(move |s, caller| svc::post(s, caller, &id2, &b2))
        .await
    {
        Ok(()) => Ok(see_other(&format!("/threads/{id}#latest"))),
        Err(AppError::Invalid(errors)) => {
            let t = ctx.run(move |s, caller| svc::view(s, caller, &id)).await?;
            html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ShowPage {
                    l: ctx
                        .layout(format!("Messages with {}", t.with), "threads")
                        .await,
                    t,
                    f: FormState::new("message", [("body".to_string(), body)].into(), errors),
                },
            )
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    l: Layout,
    items: Vec<Notification>,
    next_href: Option<String>,
}

pub async fn notifications_page(ctx: Ctx, q: web::Query<PageQuery>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let after = q.into_inner().after;
    let page = ctx
        .run(move |s, caller| svc::notifications(s, caller, &after))
        .await?;
    html(&NotificationsPage {
        l: ctx.layout("Notifications", "notifications").await,
        items: page.rows,
        next_href: next_href("/notifications", &[], page.next),
    })
}
