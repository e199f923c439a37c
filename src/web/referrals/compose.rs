//! The composer: a new referral or a draft, saved and maybe sent, and the redirect of a
//! declined referral, which starts a new composition for the same patient.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::referral::form::CommandForm;
use crate::domain::referral::{Command, PRIORITIES, Party, Status};
use crate::domain::snapshot::ComposerInput;
use crate::error::{AppError, AppResult};
use crate::services::referrals::{self as svc, ComposerData, DraftInput};
use crate::web::extract::{Ctx, Layout};
use crate::web::forms::FormState;
use crate::web::{html_status, see_other};

#[derive(Template)]
#[template(path = "referrals/compose.html")]
struct ComposePage {
    l: Layout,
    d: ComposerData,
    f: FormState,
    action: String,
    priorities: &'static [(&'static str, &'static str)],
}

impl ComposePage {
    /// Who a service is for, in the page's language ("" for anyone).
    fn eligibility(&self, e: &crate::domain::service::Eligibility) -> String {
        let ages = match (e.min_age, e.max_age) {
            (Some(a), Some(b)) => self.l.t2("service-ages-between", "min", a, "max", b),
            (Some(a), None) => self.l.t1("service-ages-from", "min", a),
            (None, Some(b)) => self.l.t1("service-ages-to", "max", b),
            (None, None) => String::new(),
        };
        let sex = match e.sex.as_deref() {
            Some("female") => self.l.t("service-sex-female"),
            Some("male") => self.l.t("service-sex-male"),
            _ => String::new(),
        };
        [ages, sex]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn chosen(&self, id: &str) -> bool {
        self.d.chosen_files.iter().any(|f| f == id)
    }
    fn is_admission(&self) -> bool {
        self.d.kind == crate::domain::referral::Kind::Admission
    }
    /// The directory search this composer came from (asking or referring).
    fn search_href(&self) -> String {
        let ask = if self.d.question { "?ask=1" } else { "" };
        format!("/patients/{}/refer{ask}", self.d.patient.id)
    }
    /// Sending would repeat an open referral of the patient: the reason field shows.
    fn repeats(&self) -> bool {
        self.d.history.iter().any(|h| h.duplicate)
    }
}

async fn render_composer(
    ctx: &Ctx,
    d: ComposerData,
    f: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let action = match &d.draft {
        Some((id, _)) => format!("/referrals/{id}/edit"),
        None => format!("/patients/{}/referrals", d.patient.id),
    };
    let title = if d.question {
        "Ask for advice"
    } else {
        "New referral"
    };
    html_status(
        status,
        &ComposePage {
            l: ctx.layout(title, "patients").await,
            d,
            f,
            action,
            priorities: &PRIORITIES,
        },
    )
}

#[derive(Deserialize)]
pub struct ComposeQuery {
    #[serde(default)]
    to: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    ask: String,
}

/// Step 2: the composer, prefilled from the chart.
pub async fn compose_page(
    ctx: Ctx,
    path: web::Path<String>,
    q: web::Query<ComposeQuery>,
) -> AppResult<HttpResponse> {
    let pid = path.into_inner();
    let q = q.into_inner();
    // A flag, like the search's: present means asking.
    let ask = !q.ask.is_empty();
    let mut d = ctx
        .run(move |s, caller| {
            svc::composer(
                s,
                caller,
                &pid,
                Some(q.to.as_str()).filter(|t| !t.is_empty()),
                Some(q.from.as_str()).filter(|f| !f.is_empty()),
            )
        })
        .await?;
    as_question(&mut d, ask, false);
    render_composer(&ctx, d, FormState::default(), StatusCode::OK).await
}

/// Turns a fresh composer into the advice question's (`ask`).
fn as_question(d: &mut ComposerData, ask: bool, may_convert: bool) {
    if ask {
        d.question = true;
        d.may_convert = may_convert;
        d.kind = crate::domain::referral::Kind::Advice;
    }
}

/// The composer's input, ticked (key, text) sections, chosen file ids, and raw values.
type Composed = (
    ComposerInput,
    Vec<(String, String)>,
    Vec<String>,
    HashMap<String, String>,
);

/// Splits the composer's posted pairs into the typed input, ticked sections and files.
fn read_composer(body: &web::Bytes) -> AppResult<Composed> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
        .map_err(|_| AppError::BadRequest("The form could not be read.".into()))?;
    let input: ComposerInput = serde_urlencoded::from_bytes(body)
        .map_err(|_| AppError::BadRequest("The form could not be read.".into()))?;
    let raw: HashMap<String, String> = pairs.iter().cloned().collect();
    let sections = pairs
        .iter()
        .filter_map(|(k, _)| k.strip_prefix("inc_"))
        .map(|key| {
            (
                key.to_string(),
                raw.get(&format!("txt_{key}")).cloned().unwrap_or_default(),
            )
        })
        .collect();
    let files = pairs
        .iter()
        .filter(|(k, _)| k == "file")
        .map(|(_, v)| v.clone())
        .collect();
    Ok((input, sections, files, raw))
}

async fn save_and_maybe_send(
    ctx: Ctx,
    patient_id: String,
    existing: Option<(String, i64)>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let (input, sections, file_ids, raw) = read_composer(&body)?;
    let send = input.action == "send";
    let to_sign = input.action == "to_sign";
    let consent = input.consent_verbal.is_some();
    let external = raw.contains_key("to_external").then(|| {
        ["ext_name", "ext_email", "ext_specialty", "ext_practice"]
            .map(|k| raw.get(k).cloned().unwrap_or_default())
    });
    let chosen = file_ids.clone();
    let d = DraftInput {
        patient_id: patient_id.clone(),
        existing: existing.clone(),
        input,
        sections,
        file_ids,
        external,
    };
    let saved = ctx
        .run(move |s, caller| svc::save_draft(s, caller, &d))
        .await;
    let (id, version) = match saved {
        Ok(v) => v,
        Err(AppError::Invalid(errors)) => {
            let to = if raw.contains_key("to_external") {
                "external".to_string()
            } else {
                raw.get("receiver_id").cloned().unwrap_or_default()
            };
            let from = raw.get("redirected_from").cloned().unwrap_or_default();
            let mut data = ctx
                .run(move |s, caller| match &existing {
                    Some((id, _)) => svc::composer_for_draft(s, caller, id),
                    None => svc::composer(
                        s,
                        caller,
                        &patient_id,
                        Some(to.as_str()).filter(|t| !t.is_empty()),
                        Some(from.as_str()).filter(|f| !f.is_empty()),
                    ),
                })
                .await?;
            keep_typed(&mut data, &raw, &chosen);
            as_question(
                &mut data,
                raw.contains_key("ask"),
                raw.contains_key("may_convert"),
            );
            return render_composer(
                &ctx,
                data,
                FormState::new("compose", raw, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(e),
    };
    let question = raw.contains_key("ask");
    if to_sign {
        let id2 = id.clone();
        ctx.run(move |s, caller| crate::services::assistants::prepare_to_sign(s, caller, &id2, ""))
            .await?;
        ctx.flash("Saved and ready to sign: the practitioner sees it on their list and sends it.");
        return Ok(see_other(&format!("/referrals/{id}")));
    }
    if !send {
        ctx.flash("Draft saved.");
        return Ok(see_other(&format!("/referrals/{id}")));
    }
    let reason = raw
        .get("duplicate_reason")
        .map_or(String::new(), |r| r.trim().to_string());
    let id_d = id.clone();
    let repeated: Vec<String> = ctx
        .run(move |s, caller| svc::duplicates::repeated_by(s, caller, &id_d))
        .await?
        .into_iter()
        .map(|h| h.id)
        .collect();
    if !repeated.is_empty() && reason.is_empty() {
        // The first send of a repeat is refused: the draft is kept, and the composer says
        // which referral is still open and asks why another one is needed.
        let id3 = id.clone();
        let mut data = ctx
            .run(move |s, caller| svc::composer_for_draft(s, caller, &id3))
            .await?;
        keep_typed(&mut data, &raw, &chosen);
        let l = ctx.layout("New referral", "patients").await;
        let mut errors = crate::domain::forms::FieldErrors::new();
        errors.add("duplicate_reason", l.t("duplicates-reason-needed"));
        errors.add("action", l.t("duplicates-not-sent"));
        return html_status(
            StatusCode::CONFLICT,
            &ComposePage {
                l,
                action: format!("/referrals/{id}/edit"),
                d: data,
                f: FormState::new("compose", raw, errors),
                priorities: &PRIORITIES,
            },
        );
    }
    let input = CommandForm {
        version: version.to_string(),
        consent_verbal: consent,
        // The reason for another referral travels with the send and is kept in its
        // transaction.
        note: reason,
        ..Default::default()
    };
    let id2 = id.clone();
    match ctx
        .run(move |s, caller| svc::apply(s, caller, &id2, Command::Submit, &input))
        .await
    {
        Ok(status) if !repeated.is_empty() => {
            ctx.flash(if status == Status::AwaitingPatient {
                "Sent to the patient for approval, with your reason for another referral."
            } else {
                "Referral sent, with your reason for another referral."
            });
            Ok(see_other(&format!("/referrals/{id}")))
        }
        Ok(Status::AwaitingPatient) => {
            ctx.flash(
                "Sent to the patient for approval. It goes to the receiver when they approve.",
            );
            Ok(see_other(&format!("/referrals/{id}")))
        }
        Ok(_) if question => {
            ctx.flash("Question sent.");
            Ok(see_other(&format!("/referrals/{id}")))
        }
        Ok(_) => {
            ctx.flash("Referral sent.");
            Ok(see_other(&format!("/referrals/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            // Consent is missing: the draft is kept; the composer says what is needed.
            let id3 = id.clone();
            let mut data = ctx
                .run(move |s, caller| svc::composer_for_draft(s, caller, &id3))
                .await?;
            keep_typed(&mut data, &raw, &chosen);
            let mut errors = errors;
            errors.add("action", "Saved as a draft; not sent.");
            html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ComposePage {
                    l: ctx.layout("New referral", "patients").await,
                    action: format!("/referrals/{id}/edit"),
                    d: data,
                    f: FormState::new("compose", raw, errors),
                    priorities: &PRIORITIES,
                },
            )
        }
        Err(e) => Err(e),
    }
}

/// Puts what the user typed back into the composer.
fn keep_typed(d: &mut ComposerData, raw: &HashMap<String, String>, file_ids: &[String]) {
    d.chosen_files = file_ids.to_vec();
    for s in d.sections.iter_mut() {
        s.ticked = raw.contains_key(&format!("inc_{}", s.key));
        if let Some(t) = raw.get(&format!("txt_{}", s.key)) {
            s.text = t.clone();
        }
    }
    let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
    d.priority = get("priority");
    d.see_by = get("see_by");
    d.reason = get("reason");
    d.message = get("message");
    d.doctor_only = raw.contains_key("doctor_only");
    if d.question {
        d.may_convert = raw.contains_key("may_convert");
    }
}

pub async fn create_submit(
    ctx: Ctx,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    save_and_maybe_send(ctx, path.into_inner(), None, body).await
}

pub async fn edit_page(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let d = ctx
        .run(move |s, caller| svc::composer_for_draft(s, caller, &id))
        .await?;
    render_composer(&ctx, d, FormState::default(), StatusCode::OK).await
}

pub async fn edit_submit(
    ctx: Ctx,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let (_, _, _, raw) = read_composer(&body)?;
    let version: i64 = raw
        .get("version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            AppError::BadRequest("The form is missing the draft's version; reload the page.".into())
        })?;
    let id2 = id.clone();
    let pid = ctx
        .run(move |s, caller| {
            let d = svc::composer_for_draft(s, caller, &id2)?;
            Ok(d.patient.id)
        })
        .await?;
    save_and_maybe_send(ctx, pid, Some((id, version)), body).await
}

/// Redirect starts with a new search for the same patient.
pub async fn redirect_page(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let id2 = id.clone();
    let v = ctx.run(move |s, caller| svc::view(s, caller, &id2)).await?;
    if v.party != Party::Sender {
        return Err(AppError::forbidden());
    }
    if !v.offers.command(Command::Redirect) {
        return Err(AppError::Conflict(
            "Only a declined referral can be redirected, by its sender.".into(),
        ));
    }
    let query = serde_urlencoded::to_string([
        ("from", id.as_str()),
        ("q", &v.receiver_practitioner.specialty.to_lowercase()),
    ])
    .map_err(|e| AppError::Internal(e.into()))?;
    Ok(see_other(&format!(
        "/patients/{}/refer?{query}",
        v.patient.id
    )))
}
