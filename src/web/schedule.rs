use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;

use super::extract::{Ctx, Layout};
use super::forms::{FormState, parse};
use super::{html, html_status, next_href, see_other};
use crate::db::schedule::Appointment;
use crate::domain::people::Role;
use crate::domain::schedule::PracticeInput;
use crate::error::{AppError, AppResult};
use crate::services::my_visits::{self, MyVisit};
use crate::services::schedule as svc;

#[derive(Template)]
#[template(path = "schedule/practice.html")]
struct PracticePage {
    l: Layout,
    f: FormState,
}

fn practice_values(p: &PracticeInput) -> HashMap<String, String> {
    [
        ("location", &p.location),
        ("visit_minutes", &p.visit_minutes),
        ("mon", &p.mon),
        ("tue", &p.tue),
        ("wed", &p.wed),
        ("thu", &p.thu),
        ("fri", &p.fri),
        ("sat", &p.sat),
        ("sun", &p.sun),
        ("days_off", &p.days_off),
        ("time_zone", &p.time_zone),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.clone()))
    .collect()
}

/// The practitioner's practice in the scheduling portal.
pub async fn practice_page(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let p = ctx.run(svc::practice_form).await?;
    html(&PracticePage {
        l: ctx.layout("My practice", "practice").await,
        f: FormState::new("practice", practice_values(&p), Default::default()),
    })
}

pub async fn practice_submit(ctx: Ctx, body: web::Bytes) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let (input, raw): (PracticeInput, HashMap<String, String>) = parse(&body)?;
    match ctx
        .run(move |s, caller| svc::save_practice(s, caller, &input))
        .await
    {
        Ok(()) => {
            ctx.flash("Practice saved. Patients can book the open slots on your profile.");
            Ok(see_other("/practice"))
        }
        Err(AppError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PracticePage {
                l: ctx.layout("My practice", "practice").await,
                f: FormState::new("practice", raw, errors),
            },
        ),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct BookForm {
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    referral: String,
    #[serde(default)]
    reschedule: String,
}

pub async fn book_submit(
    ctx: Ctx,
    path: web::Path<String>,
    form: web::Form<BookForm>,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let pid = path.into_inner();
    let f = form.into_inner();
    ctx.run(move |s, caller| {
        svc::book(
            s,
            caller,
            &pid,
            &f.starts_at,
            Some(f.referral.as_str()),
            Some(f.reschedule.as_str()),
        )
    })
    .await?;
    ctx.flash(&ctx.lang.t("flash-visit-booked"));
    Ok(see_other("/appointments"))
}

#[derive(Template)]
#[template(path = "schedule/mine.html")]
struct MinePage {
    l: Layout,
    items: Vec<MyVisit>,
    next_href: Option<String>,
}

/// An appointment with the patient's given and family name.
type WeekItem = (Appointment, String, String);

#[derive(Template)]
#[template(path = "schedule/week.html")]
struct WeekPage {
    l: Layout,
    monday: NaiveDate,
    days: Vec<(NaiveDate, Vec<WeekItem>)>,
    prev: String,
    next: String,
}

#[derive(Deserialize)]
pub struct WeekQuery {
    #[serde(default)]
    week: String,
    /// Show this one day only.
    #[serde(default)]
    day: String,
    /// A patient's list: the cursor of the page to show (empty: the first).
    #[serde(default)]
    after: String,
}

/// Patients: their appointments. Practitioners: their week, day by day.
pub async fn appointments_page(ctx: Ctx, q: web::Query<WeekQuery>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    if Role::parse(&user.role) == Some(Role::Patient) {
        let after = q.after.clone();
        let page = ctx
            .run(move |s, caller| my_visits::my_appointments(s, caller, &after))
            .await?;
        return html(&MinePage {
            l: ctx.layout("My appointments", "appointments").await,
            items: page.rows,
            next_href: next_href("/appointments", &[], page.next),
        });
    }
    let parse = |v: &str| {
        NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .ok()
            .filter(|d| (1900..=9999).contains(&d.year()))
    };
    // `day` shows that one day; `week` the week containing the date.
    let only = parse(&q.day);
    let asked = only.or_else(|| parse(&q.week));
    let (monday, items) = ctx
        .run(move |s, caller| {
            // Today on the practice's wall clock: in India, 00:00-05:29 is still yesterday
            // in UTC.
            let day = match asked {
                Some(d) => d,
                None => svc::today(s, caller)?,
            };
            let monday = day - Duration::days(day.weekday().num_days_from_monday() as i64);
            Ok((monday, svc::week(s, caller, monday)?))
        })
        .await?;
    let days = (0..7)
        .map(|i| monday + Duration::days(i))
        .filter(|d| only.is_none_or(|o| o == *d))
        .map(|d| {
            let on_day = items
                .iter()
                .filter(|(a, ..)| a.starts_at.date() == d)
                .cloned()
                .collect();
            (d, on_day)
        })
        .collect();
    html(&WeekPage {
        l: ctx.layout("Calendar", "appointments").await,
        prev: format!("/appointments?week={}", monday - Duration::days(7)),
        next: format!("/appointments?week={}", monday + Duration::days(7)),
        monday,
        days,
    })
}

async fn mark(ctx: Ctx, id: String, attended: bool) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id2 = id.clone();
    let referral = ctx
        .run(move |s, caller| svc::mark_visit(s, caller, &id2, attended))
        .await?;
    ctx.flash(if attended {
        "Marked as attended."
    } else {
        "Marked as missed. The referrer and the patient have been told."
    });
    Ok(see_other(
        &referral.map_or("/appointments".to_string(), |r| format!("/referrals/{r}")),
    ))
}

pub async fn attended_submit(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    mark(ctx, path.into_inner(), true).await
}

pub async fn no_show_submit(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    mark(ctx, path.into_inner(), false).await
}

pub async fn cancel_submit(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    ctx.run(move |s, caller| svc::cancel(s, caller, &id))
        .await?;
    ctx.flash(&ctx.lang.t("flash-visit-cancelled"));
    Ok(see_other("/appointments"))
}

#[derive(Template)]
#[template(path = "schedule/book_for_patient.html")]
struct BookForPatientPage {
    l: Layout,
    b: crate::services::practice_booking::BookingPage,
}

/// The receiver's practice picks a slot for the referral's visit.
pub async fn book_for_patient_page(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let b = ctx
        .run(move |s, c| crate::services::practice_booking::page(s, c, &id))
        .await?;
    html(&BookForPatientPage {
        l: ctx.layout("Book the visit", "inbox").await,
        b,
    })
}

#[derive(Deserialize)]
struct SlotForm {
    #[serde(default)]
    starts_at: String,
}

/// Books the chosen slot for the patient.
pub async fn book_for_patient_submit(
    ctx: Ctx,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let (form, _): (SlotForm, HashMap<String, String>) = parse(&body)?;
    let id2 = id.clone();
    ctx.run(move |s, c| crate::services::practice_booking::book(s, c, &id2, &form.starts_at))
        .await?;
    ctx.flash("Visit booked. The patient is told by e-mail and in the portal, and can move it.");
    Ok(see_other(&format!("/referrals/{id}")))
}
