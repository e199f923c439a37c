use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::extract::{Ctx, Layout};
use super::forms::{FormState, parse};
use super::{html, html_status, see_other};
use crate::db::clinics::Clinic;
use crate::db::invitations::Invitation;
use crate::db::users::{Practitioner, User};
use crate::domain::people::PractitionerInput;
use crate::error::{AppError, AppResult};
use crate::services::clinics as svc_clinics;
use crate::services::invitations as svc_invitations;

fn clinic_of(ctx: &Ctx) -> AppResult<String> {
    Ok(ctx.require_user()?.clinic_id.clone())
}

#[derive(Template)]
#[template(path = "admin/index.html")]
struct AdminPage {
    l: Layout,
    clinic: Clinic,
    practitioners: Vec<(User, Practitioner)>,
    second_factor_required: bool,
    /// Open invitations to outside doctors, and whether each has run out.
    invitations: Vec<(Invitation, bool)>,
}

pub async fn admin_page(ctx: Ctx) -> AppResult<HttpResponse> {
    let clinic_id = clinic_of(&ctx)?;
    let (o, invitations) = ctx
        .run(move |svc, caller| {
            Ok((
                svc_clinics::overview(svc, caller, &clinic_id)?,
                svc_invitations::open_for_clinic(svc, caller, &clinic_id)?,
            ))
        })
        .await?;
    html(&AdminPage {
        l: ctx
            .layout(format!("{} administration", o.clinic.name), "admin")
            .await,
        clinic: o.clinic,
        practitioners: o.practitioners,
        second_factor_required: o.second_factor_required,
        invitations,
    })
}

/// Withdraws an open invitation to an outside doctor.
pub async fn withdraw_invitation_submit(
    ctx: Ctx,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let clinic_id = clinic_of(&ctx)?;
    let id = path.into_inner();
    ctx.run(move |svc, caller| svc_invitations::withdraw(svc, caller, &clinic_id, &id))
        .await?;
    ctx.flash("Invitation withdrawn: its link no longer works.");
    Ok(see_other("/admin"))
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    second_factor_required: Option<String>,
    #[serde(default)]
    requires_patient_approval: Option<String>,
    #[serde(default)]
    show_booking_prompts: Option<String>,
}

pub async fn settings_submit(ctx: Ctx, form: web::Form<SettingsForm>) -> AppResult<HttpResponse> {
    let clinic_id = clinic_of(&ctx)?;
    let f = form.into_inner();
    let ab = (
        f.requires_patient_approval.is_some(),
        f.show_booking_prompts.is_some(),
    );
    let tf = f.second_factor_required.is_some();
    ctx.run(move |svc, caller| svc_clinics::update_settings(svc, caller, &clinic_id, ab, tf))
        .await?;
    ctx.flash("Clinic settings saved.");
    Ok(see_other("/admin"))
}

#[derive(Template)]
#[template(path = "admin/practitioner.html")]
struct PractitionerPage {
    l: Layout,
    f: FormState,
    /// None for a new account.
    user_id: Option<String>,
    active: bool,
}

pub async fn new_practitioner_page(ctx: Ctx) -> AppResult<HttpResponse> {
    let clinic_id = clinic_of(&ctx)?;
    let o = ctx
        .run(move |svc, caller| svc_clinics::overview(svc, caller, &clinic_id))
        .await?;
    let defaults: HashMap<String, String> = [
        ("title".to_string(), "Dr".to_string()),
        ("city".to_string(), o.clinic.city.clone()),
        ("languages".to_string(), "English".to_string()),
        ("accepting_referrals".to_string(), "on".to_string()),
    ]
    .into();
    html(&PractitionerPage {
        l: ctx.layout("Add a practitioner", "admin").await,
        f: FormState::new("practitioner", defaults, Default::default()),
        user_id: None,
        active: true,
    })
}

pub async fn create_practitioner_submit(ctx: Ctx, body: web::Bytes) -> AppResult<HttpResponse> {
    let clinic_id = clinic_of(&ctx)?;
    let (input, mut raw): (PractitionerInput, HashMap<String, String>) = parse(&body)?;
    match ctx
        .run(move |svc, caller| svc_clinics::add_practitioner(svc, caller, &clinic_id, &input))
        .await
    {
        Ok(svc_clinics::Added::Account(_)) => {
            ctx.flash("Practitioner added. They can sign in with the password you set.");
            Ok(see_other("/admin"))
        }
        Ok(svc_clinics::Added::Invited) => {
            ctx.flash(
                "This address belongs to a doctor outside the network who already receives referrals by e-mail. \
                 We e-mailed them an invitation to join your clinic with this profile; they choose their own \
                 password (the one you typed was not used), and the referrals sent to them move into their inbox \
                 when they accept.",
            );
            Ok(see_other("/admin"))
        }
        Err(AppError::Invalid(errors)) => {
            raw.remove("password");
            raw.remove("password_confirm");
            html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &PractitionerPage {
                    l: ctx.layout("Add a practitioner", "admin").await,
                    f: FormState::new("practitioner", raw, errors),
                    user_id: None,
                    active: true,
                },
            )
        }
        Err(e) => Err(e),
    }
}

pub async fn edit_practitioner_page(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    let clinic_id = clinic_of(&ctx)?;
    let id = path.into_inner();
    let id2 = id.clone();
    let (u, p) = ctx
        .run(move |svc, caller| svc_clinics::get_practitioner(svc, caller, &clinic_id, &id2))
        .await?;
    let mut values: HashMap<String, String> = [
        ("display_name".to_string(), u.display_name.clone()),
        ("email".to_string(), u.email.clone()),
        ("title".to_string(), p.title.clone()),
        ("specialty".to_string(), p.specialty.clone()),
        ("city".to_string(), p.city.clone()),
        ("languages".to_string(), p.languages.clone()),
    ]
    .into();
    if p.accepting_referrals {
        values.insert("accepting_referrals".into(), "on".into());
    }
    if u.active {
        values.insert("active".into(), "on".into());
    }
    html(&PractitionerPage {
        l: ctx
            .layout(format!("Edit {}", u.display_name), "admin")
            .await,
        f: FormState::new("practitioner", values, Default::default()),
        user_id: Some(id),
        active: u.active,
    })
}

/// Resets a practitioner's second factor (a lost phone).
pub async fn reset_second_factor_submit(
    ctx: Ctx,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let clinic_id = clinic_of(&ctx)?;
    let id = path.into_inner();
    let id2 = id.clone();
    let assistant = ctx
        .run(move |svc, caller| svc_clinics::reset_second_factor(svc, caller, &clinic_id, &id2))
        .await?;
    ctx.flash(
        "Second factor removed and sessions ended. They set up a new one at their next sign-in.",
    );
    // An assistant's reset is asked from the assistants' page.
    Ok(see_other(&if assistant {
        "/admin/assistants".to_string()
    } else {
        format!("/admin/practitioners/{id}")
    }))
}

pub async fn update_practitioner_submit(
    ctx: Ctx,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let clinic_id = clinic_of(&ctx)?;
    let id = path.into_inner();
    let (input, raw): (PractitionerInput, HashMap<String, String>) = parse(&body)?;
    let active = raw.contains_key("active");
    let id2 = id.clone();
    match ctx
        .run(move |svc, caller| {
            svc_clinics::update_practitioner(svc, caller, &clinic_id, &id2, &input, active)
        })
        .await
    {
        Ok(()) => {
            ctx.flash("Practitioner saved.");
            Ok(see_other("/admin"))
        }
        Err(AppError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PractitionerPage {
                l: ctx.layout("Edit practitioner", "admin").await,
                f: FormState::new("practitioner", raw, errors),
                user_id: Some(id),
                active,
            },
        ),
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "admin/clock.html")]
struct ClockPage {
    l: Layout,
    f: FormState,
    /// The zone the clinic's working days are counted in.
    zone: String,
}

fn clock_values(form: &crate::domain::clock::ClockForm) -> HashMap<String, String> {
    serde_json::to_value(form)
        .ok()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

/// The clinic's clock: service levels, reminders, escalation, expiry and holidays.
pub async fn clock_page(ctx: Ctx) -> AppResult<HttpResponse> {
    let clinic_id = clinic_of(&ctx)?;
    let rules = ctx
        .run(move |svc, caller| crate::services::due::clinic_rules(svc, caller, &clinic_id))
        .await?;
    let form = crate::domain::clock::ClockForm::of(&rules);
    html(&ClockPage {
        l: ctx.layout("Clinic clock", "admin").await,
        f: FormState::new("clock", clock_values(&form), Default::default()),
        zone: rules.zone.name().to_string(),
    })
}

pub async fn clock_submit(ctx: Ctx, body: web::Bytes) -> AppResult<HttpResponse> {
    let clinic_id = clinic_of(&ctx)?;
    let (form, raw): (crate::domain::clock::ClockForm, HashMap<String, String>) = parse(&body)?;
    let id = clinic_id.clone();
    match ctx
        .run(move |svc, caller| crate::services::due::save_clinic_rules(svc, caller, &id, &form))
        .await
    {
        Ok(moved) => {
            let n = i64::try_from(moved).unwrap_or(i64::MAX);
            ctx.flash(
                &ctx.lang
                    .t_with("clock-saved", &[("n", crate::i18n::Arg::Num(n))]),
            );
            Ok(see_other("/admin/clock"))
        }
        Err(AppError::Invalid(errors)) => {
            let rules = ctx
                .run(move |svc, caller| crate::services::due::clinic_rules(svc, caller, &clinic_id))
                .await?;
            html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ClockPage {
                    l: ctx.layout("Clinic clock", "admin").await,
                    f: FormState::new("clock", raw, errors),
                    zone: rules.zone.name().to_string(),
                },
            )
        }
        Err(e) => Err(e),
    }
}
