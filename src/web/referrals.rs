use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::command_forms::CommandForms;
use super::extract::{Ctx, Layout};
use super::forms::FormState;
use super::{html, html_status, see_other};
use crate::db::directory::Hit;
use crate::db::referrals::{InboxQuery, ListRow};
use crate::domain::referral::form::CommandForm;
use crate::domain::referral::offers::Offer;
use crate::domain::referral::{Command, PRIORITIES, Party, Status};
use crate::domain::schedule::VisitStatus;
use crate::domain::snapshot::ComposerInput;
use crate::error::{AppError, AppResult};
use crate::services::referrals::{self as svc, ComposerData, DraftInput, ReferralView};

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    from: String,
}

#[derive(Template)]
#[template(path = "referrals/search.html")]
struct SearchPage {
    l: Layout,
    patient_id: String,
    patient_name: String,
    q: String,
    city: String,
    language: String,
    from: String,
    hits: Vec<Hit>,
    total: i64,
    page: i64,
    pages: i64,
    cities: Vec<String>,
    languages: Vec<String>,
    prev_href: Option<String>,
    next_href: Option<String>,
    /// Responsiveness of the listed practitioners (last 90 days).
    perf: std::collections::HashMap<String, crate::services::analytics::Responsiveness>,
}

impl SearchPage {
    fn perf_of(&self, h: &Hit) -> String {
        self.perf
            .get(&h.user_id)
            .cloned()
            .unwrap_or_default()
            .summary()
    }

    fn choose_href(&self, h: &Hit) -> String {
        let mut q = vec![("to", h.user_id.as_str())];
        if !self.from.is_empty() {
            q.push(("from", self.from.as_str()));
        }
        format!(
            "/patients/{}/refer/new?{}",
            self.patient_id,
            serde_urlencoded::to_string(q).unwrap_or_default()
        )
    }
}

/// Step 1 of referring: find the specialist.
pub async fn search_page(
    ctx: Ctx,
    path: web::Path<String>,
    q: web::Query<SearchQuery>,
) -> AppResult<HttpResponse> {
    let pid = path.into_inner();
    let q = q.into_inner();
    let page = q.page.unwrap_or(1).clamp(1, 10_000);
    let (query, city, lang, pid2) = (q.q.clone(), q.city.clone(), q.language.clone(), pid.clone());
    let (res, patient, perf) = ctx
        .run(move |s, caller| {
            let patient = svc::patient_to_refer(s, caller, &pid2)?;
            let res = svc::search_directory(s, caller, &query, &city, &lang, page)?;
            // Only this page's practitioners, in one grouped query.
            let ids: Vec<String> = res.hits.iter().map(|h| h.user_id.clone()).collect();
            let perf = crate::services::analytics::responsiveness_of(s, &ids)?;
            Ok((res, patient, perf))
        })
        .await?;
    let href = |p: i64| {
        format!(
            "/patients/{pid}/refer?{}",
            serde_urlencoded::to_string([
                ("q", q.q.as_str()),
                ("city", &q.city),
                ("language", &q.language),
                ("from", &q.from),
                ("page", &p.to_string())
            ])
            .unwrap_or_default()
        )
    };
    html(&SearchPage {
        l: ctx.layout("Refer to another specialist", "patients").await,
        patient_name: format!("{} {}", patient.given_name, patient.family_name),
        prev_href: (res.page > 1).then(|| href(res.page - 1)),
        next_href: (res.page < res.pages).then(|| href(res.page + 1)),
        patient_id: pid,
        q: q.q,
        city: q.city,
        language: q.language,
        from: q.from,
        hits: res.hits,
        total: res.total,
        page: res.page,
        pages: res.pages,
        cities: res.cities,
        languages: res.languages,
        perf,
    })
}

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
    fn chosen(&self, id: &str) -> bool {
        self.d.chosen_files.iter().any(|f| f == id)
    }
    fn is_admission(&self) -> bool {
        self.d.kind == crate::domain::referral::Kind::Admission
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
    html_status(
        status,
        &ComposePage {
            l: ctx.layout("New referral", "patients").await,
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
}

/// Step 2: the composer, prefilled from the chart.
pub async fn compose_page(
    ctx: Ctx,
    path: web::Path<String>,
    q: web::Query<ComposeQuery>,
) -> AppResult<HttpResponse> {
    let pid = path.into_inner();
    let q = q.into_inner();
    let d = ctx
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
    render_composer(&ctx, d, FormState::default(), StatusCode::OK).await
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
    if !send {
        ctx.flash("Draft saved.");
        return Ok(see_other(&format!("/referrals/{id}")));
    }
    let input = CommandForm {
        version: version.to_string(),
        consent_verbal: consent,
        ..Default::default()
    };
    let id2 = id.clone();
    match ctx
        .run(move |s, caller| svc::apply(s, caller, &id2, Command::Submit, &input))
        .await
    {
        Ok(Status::AwaitingPatient) => {
            ctx.flash(
                "Sent to the patient for approval. It goes to the receiver when they approve.",
            );
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

#[derive(Template)]
#[template(path = "referrals/show.html")]
struct ShowPage {
    l: Layout,
    v: ReferralView,
    f: FormState,
    cmd: CommandForms,
    patient_status: String,
    /// Links and mail of an out-of-network referral (its sender only).
    ext: Option<crate::services::external::Delivery>,
}

impl ShowPage {
    fn offered(&self, o: Offer) -> bool {
        self.v.offers.has(&o)
    }
    /// "Book another time" beside a missed visit.
    fn book_again_after(&self, a: &crate::db::schedule::Appointment) -> bool {
        a.status == VisitStatus::NoShow && self.offered(Offer::BookAgain)
    }
    fn is_sender(&self) -> bool {
        self.v.party == Party::Sender
    }
    fn is_receiver(&self) -> bool {
        self.v.party == Party::Receiver
    }
    fn is_patient(&self) -> bool {
        self.v.party == Party::Patient
    }
    fn turn(&self) -> &'static str {
        match self.v.status.turn() {
            Some(Party::Sender) => "the referring practitioner",
            Some(Party::Receiver) => "the receiving practitioner",
            Some(Party::Patient) => "the patient",
            _ => "nobody: this referral is closed",
        }
    }
    fn files_for(&self, ask_id: &str) -> Vec<&crate::db::asks::Attachment> {
        self.v
            .attachments
            .iter()
            .filter(|a| a.ask_id.as_deref() == Some(ask_id))
            .collect()
    }
    fn reply_files(&self) -> Vec<&crate::db::asks::Attachment> {
        self.v
            .attachments
            .iter()
            .filter(|a| a.purpose == "reply")
            .collect()
    }
    fn outcome_files(&self) -> Vec<&crate::db::asks::Attachment> {
        self.v
            .attachments
            .iter()
            .filter(|a| a.purpose == "outcome")
            .collect()
    }
    fn is_rejected(&self) -> bool {
        self.v.status == Status::Rejected
    }
    fn reject_label(&self) -> &'static str {
        crate::domain::referral::reject_reason_label(
            self.v.referral.reject_code.as_deref().unwrap_or("other"),
        )
    }
}

async fn render_show(
    ctx: &Ctx,
    v: ReferralView,
    f: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let patient_status = crate::domain::referral::patient_label_for(
        v.referral.kind,
        v.status,
        &v.receiver.display_name,
    );
    let title = format!(
        "Referral: {} {}",
        v.patient.given_name, v.patient.family_name
    );
    let id = v.referral.id.clone();
    let ext = ctx
        .run(move |s, caller| crate::services::external::delivery(s, caller, &id))
        .await?;
    let nav = if v.party == Party::Patient {
        "referrals"
    } else if v.party == Party::Receiver {
        "inbox"
    } else {
        "sent-list"
    };
    html_status(
        status,
        &ShowPage {
            l: ctx.layout(title, nav).await,
            cmd: CommandForms::new(&v, format!("/referrals/{}", v.referral.id), false),
            v,
            f,
            patient_status,
            ext,
        },
    )
}

pub async fn show_page(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let v = ctx.run(move |s, caller| svc::view(s, caller, &id)).await?;
    render_show(&ctx, v, FormState::default(), StatusCode::OK).await
}

async fn command(ctx: Ctx, id: String, cmd: Command, body: web::Bytes) -> AppResult<HttpResponse> {
    // The body is read once: the command's fields, and the same pairs to refill the form.
    let pairs = super::forms::read_pairs(&body)?;
    let input = CommandForm::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let then_next = input.then == "next";
    let raw: HashMap<String, String> = pairs.into_iter().collect();
    let id2 = id.clone();
    match ctx
        .run(move |s, caller| svc::apply(s, caller, &id2, cmd, &input))
        .await
    {
        Ok(_) => {
            ctx.flash(crate::domain::referral::done_notice(cmd, false));
            if cmd == Command::Accept && then_next {
                let id3 = id.clone();
                if let Some(next) = ctx
                    .run(move |s, caller| svc::next_waiting(s, caller, &id3))
                    .await?
                {
                    return Ok(see_other(&format!("/referrals/{next}")));
                }
                return Ok(see_other("/inbox"));
            }
            Ok(see_other(&format!("/referrals/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            let v = ctx.run(move |s, caller| svc::view(s, caller, &id)).await?;
            render_show(
                &ctx,
                v,
                FormState::new(cmd.as_str(), raw, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

macro_rules! command_handlers {
    ($( $name:ident => $cmd:ident ),* $(,)?) => {
        $(
            pub async fn $name(ctx: Ctx, path: web::Path<String>, body: web::Bytes) -> AppResult<HttpResponse> {
                command(ctx, path.into_inner(), Command::$cmd, body).await
            }
        )*
    };
}

command_handlers! {
    submit_submit => Submit,
    approve_submit => Approve,
    decline_submit => Decline,
    request_info_submit => RequestInfo,
    provide_info_submit => ProvideInfo,
    require_visit_submit => RequireVisit,
    accept_submit => Accept,
    reject_submit => Reject,
    complete_submit => Complete,
    cancel_submit => Cancel,
}

#[derive(Deserialize)]
pub struct BringForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    what_to_bring: String,
}

/// The receiver sets what the patient should bring.
pub async fn bring_submit(
    ctx: Ctx,
    path: web::Path<String>,
    form: web::Form<BringForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let f = form.into_inner();
    let id2 = id.clone();
    let text = f.what_to_bring.clone();
    match ctx
        .run(move |s, caller| svc::set_what_to_bring(s, caller, &id2, &f.version, &f.what_to_bring))
        .await
    {
        Ok(()) => {
            ctx.flash("Saved. The patient sees what to bring.");
            Ok(see_other(&format!("/referrals/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            let v = ctx.run(move |s, caller| svc::view(s, caller, &id)).await?;
            render_show(
                &ctx,
                v,
                FormState::new(
                    "bring",
                    [("what_to_bring".to_string(), text)].into(),
                    errors,
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
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

#[derive(Deserialize)]
pub struct InboxParams {
    #[serde(default)]
    status: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    turn: String,
    #[serde(default)]
    sender: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    after: String,
}

#[derive(Template)]
#[template(path = "referrals/inbox.html")]
struct InboxPage {
    l: Layout,
    p: InboxParams,
    rows: Vec<ListRow>,
    counts: svc::StatusCounts,
    senders: Vec<(String, String)>,
    next_href: Option<String>,
    statuses: Vec<(&'static str, &'static str)>,
    priorities: &'static [(&'static str, &'static str)],
    error: Option<String>,
}

impl InboxPage {
    fn count(&self, s: &str) -> i64 {
        count_of(&self.counts, s)
    }
    /// The status filter in use is `s`.
    fn is_current(&self, s: &str) -> bool {
        self.p.status == s
    }
}

/// How many referrals a list has in the status stored as `s`.
fn count_of(counts: &svc::StatusCounts, s: &str) -> i64 {
    counts
        .iter()
        .find(|(k, _)| k.as_str() == s)
        .map_or(0, |(_, n)| *n)
}

/// The inbox's statuses in which it is `turn`'s turn (a received referral's).
fn statuses_for_turn(turn: &str) -> Vec<Status> {
    let party = match turn {
        "receiver" => Party::Receiver,
        "sender" => Party::Sender,
        "patient" => Party::Patient,
        _ => return Vec::new(),
    };
    crate::domain::referral::ALL_STATUSES
        .into_iter()
        .filter(|s| s.reached_receiver() && s.turn() == Some(party))
        .collect()
}

pub async fn inbox_page(ctx: Ctx, q: web::Query<InboxParams>) -> AppResult<HttpResponse> {
    let p = q.into_inner();
    // Dates outside 1900-9999 are typos (and some do not fit PostgreSQL's timestamp).
    let date = |s: &str| {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .filter(|d| (1900..=9999).contains(&chrono::Datelike::year(d)))
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    };
    let mut error = None;
    if (!p.from.is_empty() && date(&p.from).is_none())
        || (!p.to.is_empty() && date(&p.to).is_none())
    {
        error = Some("Dates must look like 2026-11-01; the date filter was ignored.".to_string());
    }
    // A draft never reaches an inbox: filtering on it is how "nothing matches" is said.
    let mut statuses = if p.status.is_empty() {
        statuses_for_turn(&p.turn)
    } else {
        vec![Status::parse(&p.status).unwrap_or(Status::Draft)]
    };
    if !p.status.is_empty() && !p.turn.is_empty() {
        let allowed = statuses_for_turn(&p.turn);
        statuses.retain(|s| allowed.contains(s));
        if statuses.is_empty() {
            statuses.push(Status::Draft);
        }
    }
    let query = InboxQuery {
        statuses,
        priority: Some(p.priority.clone()).filter(|s| !s.is_empty()),
        sender_id: Some(p.sender.clone()).filter(|s| !s.is_empty()),
        received_from: date(&p.from),
        received_to: date(&p.to).and_then(|d| d.checked_add_signed(chrono::Duration::days(1))),
        by_priority: p.sort == "priority",
        after: svc::decode_cursor(&p.after),
        limit: 25,
    };
    let res = ctx
        .run(move |s, caller| svc::inbox(s, caller, &query))
        .await?;
    let next_href = res.next_cursor.map(|c| {
        format!(
            "/inbox?{}",
            serde_urlencoded::to_string([
                ("status", p.status.as_str()),
                ("priority", &p.priority),
                ("turn", &p.turn),
                ("sender", &p.sender),
                ("from", &p.from),
                ("to", &p.to),
                ("sort", &p.sort),
                ("after", &c)
            ])
            .unwrap_or_default()
        )
    });
    html(&InboxPage {
        l: ctx.layout("Inbox", "inbox").await,
        p,
        rows: res.rows,
        counts: res.counts,
        senders: res.senders,
        next_href,
        statuses: crate::domain::referral::ALL_STATUSES
            .iter()
            .filter(|s| s.reached_receiver())
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        priorities: &PRIORITIES,
        error,
    })
}

#[derive(Deserialize)]
pub struct SentParams {
    #[serde(default)]
    status: String,
}

#[derive(Template)]
#[template(path = "referrals/sent.html")]
struct SentPage {
    l: Layout,
    status: String,
    page: svc::SentPage,
    statuses: Vec<(&'static str, &'static str)>,
}

impl SentPage {
    fn count(&self, s: &str) -> i64 {
        count_of(&self.page.counts, s)
    }
    /// The status filter in use is `s`.
    fn is_current(&self, s: &str) -> bool {
        self.status == s
    }
}

pub async fn sent_page(ctx: Ctx, q: web::Query<SentParams>) -> AppResult<HttpResponse> {
    let status = q.into_inner().status;
    let s2 = status.clone();
    let page = ctx
        .run(move |s, caller| svc::sent(s, caller, Status::parse(&s2)))
        .await?;
    html(&SentPage {
        l: ctx.layout("Sent referrals", "sent-list").await,
        status,
        page,
        statuses: crate::domain::referral::ALL_STATUSES
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "referrals/patient_list.html")]
struct PatientListPage {
    l: Layout,
    rows: Vec<(ListRow, String)>,
}

pub async fn patient_list_page(ctx: Ctx) -> AppResult<HttpResponse> {
    let rows = ctx.run(svc::for_patient).await?;
    let rows = rows
        .into_iter()
        .map(|row| {
            let label =
                crate::domain::referral::patient_label_for(row.0.kind, row.0.status, &row.3);
            (row, label)
        })
        .collect();
    html(&PatientListPage {
        l: ctx.layout("My referrals", "referrals").await,
        rows,
    })
}

/// Files attached to a referral (multipart; the CSRF token is in the query string).
pub async fn attach_submit(
    ctx: Ctx,
    req: actix_web::HttpRequest,
    path: web::Path<String>,
    payload: actix_multipart::Multipart,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let max = ctx.svc.max_upload_bytes as usize;
    let form = super::forms::read_multipart(&req, payload, max, max.saturating_mul(4))
        .await
        .map_err(|e| {
            if matches!(e, AppError::TooLarge(_)) {
                crate::services::patients::too_large(&ctx.svc)
            } else {
                e
            }
        })?;
    let ask = form.fields.get("ask_id").cloned();
    let files = form
        .files
        .into_iter()
        .map(|(name, bytes)| svc::NewAttachment { name, bytes })
        .collect();
    let id2 = id.clone();
    match ctx
        .run(move |s, caller| svc::attach(s, caller, &id2, ask.as_deref(), files))
        .await
    {
        Ok(n) => {
            ctx.flash(&format!("{n} file(s) attached."));
            Ok(see_other(&format!("/referrals/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            let v = ctx.run(move |s, caller| svc::view(s, caller, &id)).await?;
            render_show(
                &ctx,
                v,
                FormState::new("attach", HashMap::new(), errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// Downloads a referral attachment.
pub async fn attachment_download(
    ctx: Ctx,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, aid) = path.into_inner();
    let (a, file) = ctx
        .run(move |s, caller| svc::attachment(s, caller, &id, &aid))
        .await?;
    let bytes = web::block(move || std::fs::read(file))
        .await?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("reading stored file: {e}")))?;
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CONTENT_TYPE,
            a.content_type.clone(),
        ))
        .insert_header(actix_web::http::header::ContentDisposition {
            disposition: actix_web::http::header::DispositionType::Attachment,
            parameters: vec![actix_web::http::header::DispositionParam::Filename(
                a.original_name.clone(),
            )],
        })
        .body(bytes))
}
