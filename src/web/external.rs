//! Pages reached by a signed link (no account), the letter download, revoking and
//! re-sending a link, and the mail-ingest endpoint.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;

use super::command_forms::CommandForms;
use super::extract::{Ctx, Layout};
use super::forms::{FormState, read_multipart, read_pairs};
use super::{html_status, see_other};
use crate::domain::referral::Command;
use crate::domain::referral::form::CommandForm;
use crate::domain::referral::offers::Offer;
use crate::domain::security::INGEST_PER_IP;
use crate::error::{AppError, AppResult};
use crate::services::external::{self as ext, LinkHolder};
use crate::services::inbound::{self, IngestError};
use crate::services::referrals::{self as svc, NewAttachment, ReferralView};

#[derive(Template)]
#[template(path = "link/show.html")]
struct LinkPage {
    l: Layout,
    v: ReferralView,
    f: FormState,
    cmd: CommandForms,
    token: String,
    expires_at: NaiveDateTime,
}

impl LinkPage {
    fn offered(&self, o: Offer) -> bool {
        self.v.offers.has(&o)
    }
}

async fn holder(ctx: &Ctx, token: String, purpose: &'static str) -> AppResult<LinkHolder> {
    let ip = ctx.caller.ip.clone();
    let ua = ctx.caller.user_agent.clone();
    ctx.run(move |s, _| ext::open_link(s, &token, &ip, &ua, purpose))
        .await
}

/// The page, for a holder already opened (a refused form shown again) or, with `None`, for
/// the link opened to be viewed on the same hop as the page's data.
async fn render(
    ctx: &Ctx,
    token: String,
    h: Option<LinkHolder>,
    f: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (tok, ip, ua) = (
        token.clone(),
        ctx.caller.ip.clone(),
        ctx.caller.user_agent.clone(),
    );
    let (h, v) = ctx
        .run(move |s, _| {
            let h = match h {
                Some(h) => h,
                None => ext::open_link(s, &tok, &ip, &ua, "view")?,
            };
            let v = svc::view(s, &h.caller, &h.referral_id)?;
            Ok((h, v))
        })
        .await?;
    html_status(
        status,
        &LinkPage {
            l: ctx.layout("Referral", "").await,
            cmd: CommandForms::new(&v, format!("/l/{token}"), true),
            v,
            f,
            token,
            expires_at: h.expires_at,
        },
    )
}

/// The referral as its outside doctor sees it.
pub async fn link_page(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    render(
        &ctx,
        path.into_inner(),
        None,
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

fn pdf(bytes: Vec<u8>, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/pdf"))
        .insert_header(header::ContentDisposition {
            disposition: header::DispositionType::Attachment,
            parameters: vec![header::DispositionParam::Filename(name.into())],
        })
        .body(bytes)
}

/// The letter, for the link holder.
pub async fn link_letter(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    let h = holder(&ctx, path.into_inner(), "letter").await?;
    let bytes = ctx.run(move |s, _| ext::letter_for_link(s, &h)).await?;
    Ok(pdf(bytes, "referral-letter.pdf"))
}

/// A file of the referral (the referrer's answers, the holder's own replies).
pub async fn link_file(ctx: Ctx, path: web::Path<(String, String)>) -> AppResult<HttpResponse> {
    let (token, file_id) = path.into_inner();
    let h = holder(&ctx, token, "file").await?;
    let (a, file) = ctx
        .run(move |s, _| svc::attachment(s, &h.caller, &h.referral_id, &file_id))
        .await?;
    super::download::attachment(file, &a.content_type, a.original_name).await
}

async fn link_command(
    ctx: Ctx,
    token: String,
    cmd: Command,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let pairs = read_pairs(&body)?;
    let input = CommandForm::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let raw: HashMap<String, String> = pairs.into_iter().collect();
    let h = holder(&ctx, token.clone(), cmd.as_str()).await?;
    let (caller, id) = (h.caller.clone(), h.referral_id.clone());
    match ctx
        .run(move |s, _| svc::apply(s, &caller, &id, cmd, &input))
        .await
    {
        Ok(_) => {
            ctx.flash(crate::domain::referral::done_notice(cmd, true));
            Ok(see_other(&format!("/l/{token}")))
        }
        Err(AppError::Invalid(errors)) => {
            render(
                &ctx,
                token,
                Some(h),
                FormState::new(cmd.as_str(), raw, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn link_accept_submit(
    ctx: Ctx,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    link_command(ctx, path.into_inner(), Command::Accept, body).await
}

pub async fn link_request_info_submit(
    ctx: Ctx,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    link_command(ctx, path.into_inner(), Command::RequestInfo, body).await
}

pub async fn link_reject_submit(
    ctx: Ctx,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    link_command(ctx, path.into_inner(), Command::Reject, body).await
}

pub async fn link_complete_submit(
    ctx: Ctx,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    link_command(ctx, path.into_inner(), Command::Complete, body).await
}

/// A reply with files from the link page (multipart; the CSRF token is in the query).
pub async fn link_reply_submit(
    ctx: Ctx,
    req: HttpRequest,
    path: web::Path<String>,
    payload: actix_multipart::Multipart,
) -> AppResult<HttpResponse> {
    let token = path.into_inner();
    // The link is checked before a byte of the upload is read.
    let h = holder(&ctx, token.clone(), "reply").await?;
    let limit = ctx.svc.max_upload_bytes as usize;
    let form = read_multipart(&req, payload, limit, limit * 4).await?;
    let note = form.fields.get("reply").cloned().unwrap_or_default();
    let files: Vec<NewAttachment> = form
        .files
        .into_iter()
        .map(|(name, bytes)| NewAttachment { name, bytes })
        .collect();
    let (caller, id) = (h.caller.clone(), h.referral_id.clone());
    let n = note.clone();
    match ctx
        .run(move |s, _| ext::reply(s, &caller, &id, (&n, files), "the link page", None))
        .await
    {
        Ok(_) => {
            ctx.flash("Your reply was sent to the referring practitioner.");
            Ok(see_other(&format!("/l/{token}")))
        }
        Err(AppError::Invalid(errors)) => {
            let raw = HashMap::from([("reply".to_string(), note)]);
            render(
                &ctx,
                token,
                Some(h),
                FormState::new("reply", raw, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// The letter, for the referral's sender or receiver.
pub async fn letter_download(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let bytes = ctx
        .run(move |s, caller| ext::letter_for_member(s, caller, &id))
        .await?;
    Ok(pdf(bytes, "referral-letter.pdf"))
}

pub async fn revoke_submit(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let id2 = id.clone();
    let n = ctx
        .run(move |s, caller| ext::revoke(s, caller, &id2))
        .await?;
    ctx.flash(if n > 0 {
        "The link was withdrawn: it no longer opens the referral."
    } else {
        "There was no valid link to withdraw."
    });
    Ok(see_other(&format!("/referrals/{id}")))
}

pub async fn resend_submit(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let id2 = id.clone();
    ctx.run(move |s, caller| ext::resend(s, caller, &id2))
        .await?;
    ctx.flash("The letter is on its way again with a new link; the old link no longer works.");
    Ok(see_other(&format!("/referrals/{id}")))
}

/// Raw e-mail from an MTA webhook, authenticated with `Authorization: Bearer <token>`
/// (HANDOFF_INGEST_TOKEN). Answers 202 when posted, 404 for an unknown or forged reply
/// address, 422 for an unreadable or refused message, 503 when the database is down.
pub async fn ingest_submit(
    ctx: Ctx,
    req: HttpRequest,
    mut payload: web::Payload,
) -> AppResult<HttpResponse> {
    use futures_util::StreamExt;
    let expected = ctx
        .svc
        .mail
        .settings
        .ingest_token
        .clone()
        .unwrap_or_default();
    let given = crate::web::extract::bearer_token(&req);
    let ip = ctx.caller.ip.clone();
    ctx.run(move |s, _| crate::services::throttle::check(s, INGEST_PER_IP, &ip))
        .await?;
    if expected.is_empty()
        || !crate::domain::security::constant_time_eq(expected.as_bytes(), given.as_bytes())
    {
        let ip = ctx.caller.ip.clone();
        ctx.run(move |s, _| crate::services::throttle::refused(s, INGEST_PER_IP, &ip))
            .await?;
        return Err(AppError::Forbidden(
            "Mail ingestion needs the configured bearer token.".into(),
        ));
    }
    let limit = (ctx.svc.max_upload_bytes as usize).saturating_mul(5);
    let mut raw = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::BadRequest(format!("reading the body: {e}")))?;
        if raw.len() + chunk.len() > limit {
            return Err(AppError::TooLarge("The message is too large.".into()));
        }
        raw.extend_from_slice(&chunk);
    }
    let source = ctx.caller.ip.clone();
    let result = ctx
        .run(move |s, _| {
            let r = inbound::ingest(s, &raw, &source);
            if let Err(e) = &r
                && !matches!(e, IngestError::Unavailable(_))
            {
                let _ = inbound::audit_refused_mail(s, &source, &e.to_string());
            }
            Ok(r)
        })
        .await?;
    let (status, text) = match result {
        Ok(done) => (StatusCode::ACCEPTED, format!("{}\n", done.describe())),
        Err(IngestError::BadTag) => (
            StatusCode::NOT_FOUND,
            "no referral answers to this address\n".into(),
        ),
        Err(IngestError::Unavailable(m)) => (StatusCode::SERVICE_UNAVAILABLE, format!("{m}\n")),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, format!("{e}\n")),
    };
    Ok(HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .body(text))
}
