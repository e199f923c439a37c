use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::extract::{Ctx, Layout};
use super::forms::{FormState, parse};
use super::{html, html_status, see_other};
use crate::db::chart::FileRow;
use crate::db::patients::Patient;
use crate::domain::chart::{
    AllergyInput, ComplaintInput, FILE_KINDS, MEDICATION_STATUSES, MedicationInput, SEVERITIES,
    Trend, VisitInput, VitalsInput, trend,
};
use crate::domain::forms::fmt_tenths;
use crate::domain::people::SEXES;
use crate::error::{AppError, AppResult};
use crate::services::care_team as svc_care_team;
use crate::services::patients::{
    self as svc_patients, ChartEntry, Profile, RegistrationInput, Upload,
};

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "patients/list.html")]
struct ListPage {
    l: Layout,
    q: String,
    patients: Vec<Patient>,
    total: i64,
    page: i64,
    pages: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
}

fn page_href(q: &str, page: i64) -> String {
    let qs =
        serde_urlencoded::to_string([("q", q), ("page", &page.to_string())]).unwrap_or_default();
    format!("/patients?{qs}")
}

pub async fn list_page(ctx: Ctx, query: web::Query<ListQuery>) -> AppResult<HttpResponse> {
    let q = query.q.chars().take(100).collect::<String>();
    let page = query.page.unwrap_or(1).clamp(1, 100_000);
    let q2 = q.clone();
    let res = ctx
        .run(move |svc, caller| svc_patients::list(svc, caller, &q2, page))
        .await?;
    html(&ListPage {
        l: ctx.layout("Patients", "patients").await,
        prev_href: (res.page > 1).then(|| page_href(&q, res.page - 1)),
        next_href: (res.page < res.pages).then(|| page_href(&q, res.page + 1)),
        q,
        patients: res.patients,
        total: res.total,
        page: res.page,
        pages: res.pages,
    })
}

#[derive(Template)]
#[template(path = "patients/new.html")]
struct NewPage {
    l: Layout,
    f: FormState,
    sexes: &'static [(&'static str, &'static str)],
}

pub async fn new_page(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.run(|_, caller| {
        caller.authorize(
            &crate::domain::policy::Action::WorkWithPatients,
            "/patients/new",
        )
    })
    .await?;
    html(&NewPage {
        l: ctx.layout("Register a patient", "patients").await,
        f: FormState::default(),
        sexes: &SEXES,
    })
}

pub async fn create_submit(ctx: Ctx, body: web::Bytes) -> AppResult<HttpResponse> {
    let (input, mut raw): (RegistrationInput, HashMap<String, String>) = parse(&body)?;
    match ctx
        .run(move |svc, caller| svc_patients::register(svc, caller, &input))
        .await
    {
        Ok(id) => {
            ctx.flash("Patient registered.");
            Ok(see_other(&format!("/patients/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            raw.remove("portal_password");
            html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &NewPage {
                    l: ctx.layout("Register a patient", "patients").await,
                    f: FormState::new("patient", raw, errors),
                    sexes: &SEXES,
                },
            )
        }
        Err(e) => Err(e),
    }
}

/// A row of the vitals table, formatted.
pub struct VitalsView {
    pub taken_at: String,
    pub bp: String,
    pub heart_rate: String,
    pub temperature: String,
    pub spo2: String,
    pub weight: String,
}

/// A file in the chart, formatted.
pub struct FileView {
    pub href: String,
    pub title: String,
    pub kind: &'static str,
    pub name: String,
    pub size: String,
    pub uploaded_at: String,
}

#[derive(Template)]
#[template(path = "patients/profile.html")]
struct ProfilePage {
    l: Layout,
    p: Profile,
    /// Whether this is the patient's own portal view.
    portal: bool,
    age: i64,
    sex: &'static str,
    vitals: Vec<VitalsView>,
    bp_trend: Option<Trend>,
    hr_trend: Option<Trend>,
    files: Vec<FileView>,
    f: FormState,
    upload_action: String,
    statuses: &'static [(&'static str, &'static str)],
    severities: &'static [(&'static str, &'static str)],
    file_kinds: &'static [(&'static str, &'static str)],
    /// The chart's referrals, with whose turn and when due.
    referrals: Vec<crate::web::referrals::due::Line>,
}

impl ProfilePage {
    /// The file kind the upload form starts on.
    fn first_file_kind(&self) -> &'static str {
        self.file_kinds.first().map_or("", |(k, _)| *k)
    }
    fn medication_label(&self, s: &str) -> &'static str {
        crate::domain::chart::medication_status_label(s)
    }
}

fn opt(v: Option<i64>, unit: &str) -> String {
    v.map_or("–".into(), |n| format!("{n}{unit}"))
}

fn human_size(n: i64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    } else if n >= 1024 {
        format!("{} KB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

fn file_view(pid: &str, f: &FileRow) -> FileView {
    FileView {
        href: format!("/patients/{pid}/files/{}", f.id),
        title: f.title.clone(),
        // The stored code; the page words it in its language (`file-kind-<code>`).
        kind: FILE_KINDS
            .iter()
            .find(|(k, _)| *k == f.kind)
            .map_or("other", |(k, _)| k),
        name: f.original_name.clone(),
        size: human_size(f.size_bytes),
        uploaded_at: f.uploaded_at.format("%Y-%m-%d").to_string(),
    }
}

/// Renders a chart page (the practitioner's profile or the patient's own portal view).
pub(super) async fn render_profile(
    ctx: &Ctx,
    mut p: Profile,
    portal: bool,
    f: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let now = ctx.svc.now();
    let dob = chrono::NaiveDate::parse_from_str(&p.patient.date_of_birth, "%Y-%m-%d").ok();
    let age = dob.and_then(|d| now.date().years_since(d)).unwrap_or(0) as i64;
    let sex = SEXES
        .iter()
        .find(|(v, _)| *v == p.patient.sex)
        .map_or("Not recorded", |(_, l)| l);
    let systolic: Vec<i64> = p.chart.vitals.iter().filter_map(|v| v.systolic).collect();
    let hr: Vec<i64> = p.chart.vitals.iter().filter_map(|v| v.heart_rate).collect();
    let vitals = p
        .chart
        .vitals
        .iter()
        .rev()
        .map(|v| VitalsView {
            taken_at: v.taken_at.format("%Y-%m-%d %H:%M").to_string(),
            bp: match (v.systolic, v.diastolic) {
                (Some(s), Some(d)) => format!("{s}/{d}"),
                _ => "–".into(),
            },
            heart_rate: opt(v.heart_rate, ""),
            temperature: v.temperature_dc.map_or("–".into(), fmt_tenths),
            spo2: opt(v.spo2, " %"),
            weight: v.weight_dag.map_or("–".into(), fmt_tenths),
        })
        .collect();
    let pid = p.patient.id.clone();
    let files = p.chart.files.iter().map(|f| file_view(&pid, f)).collect();
    let title = format!("{} {}", p.patient.given_name, p.patient.family_name);
    let referrals =
        crate::web::referrals::due::lines(ctx.lang, now, std::mem::take(&mut p.referrals));
    let page = ProfilePage {
        referrals,
        l: ctx
            .layout(
                if portal {
                    "My health record".to_string()
                } else {
                    title
                },
                if portal { "portal" } else { "patients" },
            )
            .await,
        upload_action: format!("/patients/{pid}/files?csrf_token={}", ctx.csrf),
        portal,
        age,
        sex,
        vitals,
        bp_trend: trend(&systolic, 240, 48),
        hr_trend: trend(&hr, 240, 48),
        files,
        f,
        statuses: &MEDICATION_STATUSES,
        severities: &SEVERITIES,
        file_kinds: &FILE_KINDS,
        p,
    };
    html_status(status, &page)
}

pub async fn profile_page(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let p = ctx
        .run(move |svc, caller| svc_patients::profile(svc, caller, &id))
        .await?;
    render_profile(&ctx, p, false, FormState::default(), StatusCode::OK).await
}

async fn add_entry(
    ctx: Ctx,
    id: String,
    section: &'static str,
    raw: HashMap<String, String>,
    entry: ChartEntry,
) -> AppResult<HttpResponse> {
    let id2 = id.clone();
    match ctx
        .run(move |svc, caller| svc_patients::add_entry(svc, caller, &id2, &entry))
        .await
    {
        Ok(()) => {
            ctx.flash("Saved to the chart.");
            Ok(see_other(&format!("/patients/{id}#{section}")))
        }
        Err(AppError::Invalid(errors)) => {
            let p = ctx
                .run(move |svc, caller| svc_patients::profile(svc, caller, &id))
                .await?;
            render_profile(
                &ctx,
                p,
                false,
                FormState::new(section, raw, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

macro_rules! section_handler {
    ($name:ident, $input:ty, $variant:ident, $section:literal) => {
        pub async fn $name(
            ctx: Ctx,
            path: web::Path<String>,
            body: web::Bytes,
        ) -> AppResult<HttpResponse> {
            let (input, raw): ($input, _) = parse(&body)?;
            add_entry(
                ctx,
                path.into_inner(),
                $section,
                raw,
                ChartEntry::$variant(input),
            )
            .await
        }
    };
}

section_handler!(complaint_submit, ComplaintInput, Complaint, "complaints");
section_handler!(vitals_submit, VitalsInput, Vitals, "vitals");
section_handler!(
    medication_submit,
    MedicationInput,
    Medication,
    "medications"
);
section_handler!(allergy_submit, AllergyInput, Allergy, "allergies");
section_handler!(visit_submit, VisitInput, Visit, "visits");

pub async fn file_submit(
    ctx: Ctx,
    req: HttpRequest,
    path: web::Path<String>,
    payload: Multipart,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let id2 = id.clone();
    // Refuse before reading a large body from someone who may not add to this chart.
    ctx.run(move |svc, caller| svc_patients::authorize_edit(svc, caller, &id2))
        .await?;
    let max = ctx.svc.max_upload_bytes as usize;
    let mut form = super::forms::read_multipart(&req, payload, max, max)
        .await
        .map_err(|e| match e {
            AppError::TooLarge(_) => svc_patients::too_large(&ctx.svc),
            other => other,
        })?;
    let (original_name, bytes) = form.files.pop().unwrap_or_default();
    let up = Upload {
        kind: form.fields.remove("kind").unwrap_or_default(),
        title: form.fields.remove("title").unwrap_or_default(),
        original_name,
        bytes,
    };
    let raw: HashMap<String, String> = [
        ("kind".to_string(), up.kind.clone()),
        ("title".to_string(), up.title.clone()),
    ]
    .into();
    let id2 = id.clone();
    match ctx
        .run(move |svc, caller| svc_patients::upload_file(svc, caller, &id2, up))
        .await
    {
        Ok(_) => {
            ctx.flash("File uploaded.");
            Ok(see_other(&format!("/patients/{id}#files")))
        }
        Err(AppError::Invalid(errors)) => {
            let p = ctx
                .run(move |svc, caller| svc_patients::profile(svc, caller, &id))
                .await?;
            render_profile(
                &ctx,
                p,
                false,
                FormState::new("files", raw, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn file_download(ctx: Ctx, path: web::Path<(String, String)>) -> AppResult<HttpResponse> {
    let (pid, fid) = path.into_inner();
    let dl = ctx
        .run(move |svc, caller| svc_patients::download_file(svc, caller, &pid, &fid))
        .await?;
    let mime = dl
        .file_type
        .map_or("application/octet-stream", |t| t.mime());
    super::download::attachment(dl.file, mime, dl.row.original_name).await
}

#[derive(Deserialize)]
pub struct ShareForm {
    #[serde(default)]
    practitioner_id: String,
}

pub async fn care_team_submit(
    ctx: Ctx,
    path: web::Path<String>,
    form: web::Form<ShareForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let id2 = id.clone();
    let colleague = form.into_inner().practitioner_id;
    ctx.run(move |svc, caller| svc_care_team::share_with(svc, caller, &id2, &colleague))
        .await?;
    ctx.flash("Added to the care team.");
    Ok(see_other(&format!("/patients/{id}#care-team")))
}

/// Takes a practitioner off the patient's care team (the caller too, if they leave it).
pub async fn care_team_remove_submit(
    ctx: Ctx,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, member) = path.into_inner();
    let id2 = id.clone();
    let left = ctx
        .run(move |svc, caller| svc_care_team::remove_from_care_team(svc, caller, &id2, &member))
        .await?;
    if left {
        ctx.flash("You left this patient's care team: the chart and the details of your referrals about them are closed to you.");
        return Ok(see_other("/patients"));
    }
    ctx.flash("Taken off the care team.");
    Ok(see_other(&format!("/patients/{id}#care-team")))
}
