use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::extract::{Ctx, Layout};
use super::{PageQuery, html, next_href, next_href_as, see_other};
use crate::db::audit::AuditRow;
use crate::error::{AppError, AppResult};
use crate::services::audit_anchor::{self as anchor, Latest, Taken};
use crate::services::audit_log::{self as svc, AccessLine, AuditQuery, ConsentLine};

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    l: Layout,
    q: AuditQuery,
    rows: Vec<(AuditRow, Option<String>)>,
    on_behalf: Vec<(String, String)>,
    actions: Vec<String>,
    next_href: Option<String>,
    export_href: String,
    checkpoint: Option<Latest>,
}

/// The filters in use, as (name, value).
fn filters(q: &AuditQuery) -> [(&'static str, &str); 5] {
    [
        ("actor", q.actor.as_str()),
        ("patient", &q.patient),
        ("action", &q.action),
        ("from", &q.from),
        ("to", &q.to),
    ]
}

/// The clinic admin's audit log, filtered and paginated.
pub async fn audit_page(ctx: Ctx, q: web::Query<AuditQuery>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let q = q.into_inner();
    let q2 = q.clone();
    let (page, checkpoint) = ctx
        .run(move |s, caller| Ok((svc::search(s, caller, &q2)?, anchor::latest(s, caller)?)))
        .await?;
    html(&AuditPage {
        l: ctx.layout("Audit log", "audit").await,
        next_href: next_href_as("/admin/audit", &filters(&q), "before", page.next_before),
        export_href: format!(
            "/admin/audit.csv?{}",
            serde_urlencoded::to_string(filters(&q)).unwrap_or_default()
        ),
        q,
        rows: page.rows,
        on_behalf: page.on_behalf,
        actions: page.actions,
        checkpoint,
    })
}

impl AuditPage {
    /// The name of the practitioner a row was done on behalf of (their id if unknown).
    fn behalf_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.on_behalf
            .iter()
            .find(|(i, _)| i == id)
            .map_or(id, |(_, n)| n.as_str())
    }
}

/// Signs the audit chain's head now; the request is itself audited.
pub async fn checkpoint_submit(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    match ctx.run(anchor::checkpoint_by_admin).await {
        Ok(Taken::New(cp)) => ctx.flash(&format!(
            "Checkpoint {} signed and stored.",
            crate::domain::audit_anchor::label(cp.seq)
        )),
        Ok(Taken::Current(cp)) => ctx.flash(&format!(
            "The log has not moved since checkpoint {}: nothing new to sign.",
            crate::domain::audit_anchor::label(cp.seq)
        )),
        Ok(Taken::Empty) => ctx.flash("The log is empty: nothing to sign."),
        // No key, or a log that no longer verifies: said on the page, nothing signed.
        Err(AppError::Conflict(m)) => ctx.flash(&m),
        Err(e) => return Err(e),
    }
    Ok(see_other("/admin/audit"))
}

/// The same rows as CSV; the export is audited.
pub async fn audit_csv(ctx: Ctx, q: web::Query<AuditQuery>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let mut q = q.into_inner();
    q.before.clear();
    let csv = ctx
        .run(move |s, caller| svc::export_csv(s, caller, &q))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"handoff-audit.csv\"",
        ))
        .body(csv))
}

#[derive(Template)]
#[template(path = "portal/access.html")]
struct AccessPage {
    l: Layout,
    lines: Vec<AccessLine>,
    next_href: Option<String>,
}

/// "Who viewed my data", a page at a time.
pub async fn access_page(ctx: Ctx, q: web::Query<PageQuery>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let after = q.into_inner().after;
    let page = ctx
        .run(move |s, caller| svc::my_access(s, caller, &after))
        .await?;
    html(&AccessPage {
        l: ctx.layout("Who viewed my data", "access").await,
        lines: page.rows,
        next_href: next_href("/portal/access", &[], page.next),
    })
}

#[derive(Template)]
#[template(path = "portal/consents.html")]
struct ConsentsPage {
    l: Layout,
    lines: Vec<ConsentLine>,
}

/// The patient's consents.
pub async fn consents_page(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let lines = ctx.run(svc::my_consents).await?;
    html(&ConsentsPage {
        l: ctx.layout("My consents", "consents").await,
        lines,
    })
}

pub async fn withdraw_submit(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    match ctx
        .run(move |s, caller| svc::withdraw(s, caller, &id))
        .await
    {
        Ok(()) => {
            ctx.flash("Consent withdrawn. The receiving doctor can no longer open the shared details; both doctors have been told.");
            Ok(see_other("/portal/consents"))
        }
        Err(AppError::Conflict(m)) => {
            ctx.flash(&m);
            Ok(see_other("/portal/consents"))
        }
        Err(e) => Err(e),
    }
}
