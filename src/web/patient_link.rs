//! The patient's personal link: one referral, opened without signing in, in the patient's
//! language. Approve or decline, book, move or cancel the visit, see who viewed it. The
//! referring practitioner withdraws or re-sends the link from the referral page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::command_forms::CommandForms;
use super::extract::{Ctx, Layout};
use super::forms::{FormState, read_pairs};
use super::session::SESSION_LANG;
use super::{html_status, see_other};
use crate::db::practices::Practice;
use crate::domain::referral::Command;
use crate::domain::referral::form::CommandForm;
use crate::domain::referral::offers::Offer;
use crate::error::{AppError, AppResult};
use crate::services::audit_log::AccessLine;
use crate::services::patient_link::{self as plink, Holder};
use crate::services::referrals::{self as svc, ReferralView};
use crate::services::schedule::{self, CalendarDay};

#[derive(Template)]
#[template(path = "link/patient.html")]
struct PatientLinkPage {
    l: Layout,
    v: ReferralView,
    f: FormState,
    cmd: CommandForms,
    token: String,
    expires_at: NaiveDateTime,
    can_book: bool,
    practice: Option<Practice>,
    zone: String,
    calendar: Vec<CalendarDay>,
    reschedule: String,
    access: Vec<AccessLine>,
    /// The link to the access log's older page, if it has one.
    access_next: Option<String>,
    /// The status as the patient reads it (a rejection reads "In review").
    patient_status: String,
    /// What the patient is asked to do by which day, on their turn.
    ask: Option<(&'static str, chrono::NaiveDate)>,
}

impl PatientLinkPage {
    fn may_cancel(&self, id: &str) -> bool {
        self.v.offers.has(&Offer::CancelVisit(id.to_string()))
    }
}

async fn holder(ctx: &Ctx, token: String, purpose: &'static str) -> AppResult<Holder> {
    let ip = ctx.caller.ip.clone();
    let ua = ctx.caller.user_agent.clone();
    ctx.run(move |s, _| plink::open(s, &token, &ip, &ua, purpose))
        .await
}

/// The page speaks the patient's language unless this browser chose another.
async fn layout(ctx: &Ctx, h: &Holder, title: &str) -> Layout {
    let mut l = ctx.layout(title.to_string(), "").await;
    let chosen = ctx
        .session
        .get::<String>(SESSION_LANG)
        .ok()
        .flatten()
        .is_some();
    if let (false, Some(lang)) = (chosen, h.lang) {
        l.lang = lang;
    }
    l
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    reschedule: String,
    /// The cursor of the access log's page to show (empty: its newest).
    #[serde(default)]
    access_after: String,
}

/// The page, for a holder already opened (a refused form shown again) or, with `None`, for
/// the link opened to be viewed on the same hop as the page's data.
async fn render(
    ctx: &Ctx,
    token: String,
    h: Option<Holder>,
    q: PageQuery,
    f: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let PageQuery {
        reschedule,
        access_after,
    } = q;
    let (tok, ip, ua) = (
        token.clone(),
        ctx.caller.ip.clone(),
        ctx.caller.user_agent.clone(),
    );
    let (h, v, practice, calendar, access) = ctx
        .run(move |s, _| {
            let h = match h {
                Some(h) => h,
                None => plink::open(s, &tok, &ip, &ua, "view")?,
            };
            let v = svc::view(s, &h.caller, &h.referral_id)?;
            let receiver = v.receiver.id.clone();
            let practice = schedule::practice(s, &receiver)?;
            let calendar = schedule::calendar(s, &receiver)?;
            let access = crate::services::audit_log::my_access(s, &h.caller, &access_after)?;
            Ok((h, v, practice, calendar, access))
        })
        .await?;
    let access_next = super::next_href_as(&format!("/p/{token}"), &[], "access_after", access.next)
        .map(|h| h + "#h-access");
    let rescheduling =
        !reschedule.is_empty() && v.offers.has(&Offer::CancelVisit(reschedule.clone()));
    let can_book = practice.is_some()
        && (v.offers.has(&Offer::BookVisit) || v.offers.has(&Offer::BookAgain) || rescheduling);
    let zone = practice
        .as_ref()
        .map(|p| p.time_zone.clone())
        .unwrap_or_default();
    let mut l = layout(ctx, &h, "").await;
    l.title = l.t1("plink-page-title", "receiver", &v.receiver.display_name);
    let patient_status = l.lang.t_with(
        crate::domain::referral::patient_label_booking(
            v.referral.kind,
            v.status,
            false,
            v.receiver_books,
        ),
        &[(
            "receiver",
            crate::i18n::Arg::Text(v.receiver.display_name.as_str().into()),
        )],
    );
    let (_, ask) = crate::web::referrals::show::due_and_ask(l.lang, &v);
    html_status(
        status,
        &PatientLinkPage {
            ask,
            cmd: CommandForms::new(&v, format!("/p/{token}"), false),
            l,
            v,
            f,
            token,
            expires_at: h.expires_at,
            can_book,
            practice,
            zone,
            calendar,
            reschedule: if rescheduling {
                reschedule
            } else {
                String::new()
            },
            access: access.rows,
            access_next,
            patient_status,
        },
    )
}

/// The referral as its patient sees it through their link.
pub async fn page(
    ctx: Ctx,
    path: web::Path<String>,
    q: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    render(
        &ctx,
        path.into_inner(),
        None,
        q.into_inner(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

async fn command(
    ctx: Ctx,
    token: String,
    cmd: Command,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let pairs = read_pairs(&body)?;
    let input = CommandForm::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let raw = pairs.into_iter().collect();
    let h = holder(&ctx, token.clone(), cmd.as_str()).await?;
    let lang = layout(&ctx, &h, "").await.lang;
    let (caller, id) = (h.caller.clone(), h.referral_id.clone());
    match ctx
        .run(move |s, _| svc::apply(s, &caller, &id, cmd, &input))
        .await
    {
        Ok(_) => {
            ctx.flash(&lang.t(if cmd == Command::Approve {
                "plink-approved"
            } else {
                "plink-declined"
            }));
            Ok(see_other(&format!("/p/{token}")))
        }
        Err(AppError::Invalid(errors)) => {
            let f = FormState::new(cmd.as_str(), raw, errors);
            render(
                &ctx,
                token,
                Some(h),
                PageQuery::default(),
                f,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn approve_submit(
    ctx: Ctx,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    command(ctx, path.into_inner(), Command::Approve, body).await
}

pub async fn decline_submit(
    ctx: Ctx,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    command(ctx, path.into_inner(), Command::Decline, body).await
}

#[derive(Deserialize)]
pub struct BookForm {
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    reschedule: String,
}

/// Books (or moves) the visit of the link's referral with its receiver.
pub async fn book_submit(
    ctx: Ctx,
    path: web::Path<String>,
    form: web::Form<BookForm>,
) -> AppResult<HttpResponse> {
    let token = path.into_inner();
    let h = holder(&ctx, token.clone(), "book").await?;
    let lang = layout(&ctx, &h, "").await.lang;
    let f = form.into_inner();
    let (caller, id) = (h.caller.clone(), h.referral_id.clone());
    ctx.run(move |s, _| {
        schedule::book_for_referral(s, &caller, &id, &f.starts_at, Some(f.reschedule.as_str()))
    })
    .await?;
    ctx.flash(&lang.t("plink-booked"));
    Ok(see_other(&format!("/p/{token}")))
}

/// Cancels a visit of the link's referral.
pub async fn cancel_submit(ctx: Ctx, path: web::Path<(String, String)>) -> AppResult<HttpResponse> {
    let (token, appointment) = path.into_inner();
    let h = holder(&ctx, token.clone(), "cancel visit").await?;
    let lang = layout(&ctx, &h, "").await.lang;
    let caller = h.caller.clone();
    ctx.run(move |s, _| schedule::cancel(s, &caller, &appointment))
        .await?;
    ctx.flash(&lang.t("plink-cancelled"));
    Ok(see_other(&format!("/p/{token}")))
}

/// The referring practitioner withdraws the patient's link.
pub async fn withdraw_submit(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let rid = id.clone();
    let n = ctx
        .run(move |s, caller| plink::withdraw(s, caller, &rid))
        .await?;
    ctx.flash(if n == 0 {
        "The patient had no live link."
    } else {
        "The patient's link is withdrawn: it opens nothing any more."
    });
    Ok(see_other(&format!("/referrals/{id}")))
}

/// The referring practitioner sends the patient a new link (the old one stops working).
pub async fn resend_submit(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let rid = id.clone();
    ctx.run(move |s, caller| plink::resend(s, caller, &rid))
        .await?;
    ctx.flash("A new personal link is on its way to the patient; the old one stops working.");
    Ok(see_other(&format!("/referrals/{id}")))
}
