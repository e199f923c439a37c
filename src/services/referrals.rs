//! Referrals: finding a specialist, composing, the consent gate, every lifecycle command as
//! a compare-and-set, and what each party may see.

use chrono::{NaiveDateTime, Utc};

use super::{AuditEntry, Caller, Services, audit, threads};
use crate::db::chart::FileRow;
use crate::db::directory::{self, Hit, Search};
use crate::db::patients::Patient;
use crate::db::referrals::{Consent, DraftChanges, Event, ListRow, Referral, TransitionChanges};
use crate::db::users::{Practitioner, User};
use crate::db::{self, DbConn};
use crate::domain::forms::{FieldErrors, required_text};
use crate::domain::policy::{Action, Actor, ReferralFacts};
use crate::domain::referral::{
    self as rules, Command, Facts, Party, Priority, REJECT_REASONS, Refusal, Status,
};
use crate::domain::snapshot::{
    ComposerInput, SECTIONS, SharedFile, Snapshot, scope_covers, validate_composer,
};
use crate::error::{AppError, AppResult};

/// Directory results per page.
pub const DIRECTORY_PAGE: i64 = 10;

/// One page of directory results.
pub struct DirectoryPage {
    pub hits: Vec<Hit>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub cities: Vec<String>,
    pub languages: Vec<String>,
}

/// Searches the whole network directory by name and/or specialty, filtered by city and
/// language. Words shorter than 3 letters are ignored (trigram search needs 3).
pub fn search_directory(
    svc: &Services,
    caller: &Caller,
    q: &str,
    city: &str,
    language: &str,
    page: i64,
) -> AppResult<DirectoryPage> {
    caller.authorize(&Action::Refer, "/directory")?;
    let words: Vec<String> = q
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| w.chars().count() >= 3)
        .take(6)
        .map(str::to_string)
        .collect();
    let page = page.max(1);
    let mut conn = svc.conn()?;
    let (hits, total) = directory::search(
        &mut conn,
        &Search {
            words: &words,
            city: Some(city.trim()).filter(|c| !c.is_empty()),
            language: Some(language.trim()).filter(|c| !c.is_empty()),
            limit: DIRECTORY_PAGE,
            offset: (page - 1) * DIRECTORY_PAGE,
        },
    )?;
    let (cities, languages) = directory::facets(&mut conn)?;
    Ok(DirectoryPage {
        hits,
        total,
        page,
        pages: ((total + DIRECTORY_PAGE - 1) / DIRECTORY_PAGE).max(1),
        cities,
        languages,
    })
}

/// The patient being referred, if the caller may refer them (care team).
pub fn patient_to_refer(svc: &Services, caller: &Caller, patient_id: &str) -> AppResult<Patient> {
    let mut conn = svc.conn()?;
    let (patient, facts) = super::patients::facts(&mut conn, caller, patient_id)?;
    caller.authorize(&Action::Refer, &format!("/patients/{patient_id}/refer"))?;
    caller.authorize(
        &Action::EditChart(&facts),
        &format!("/patients/{patient_id}"),
    )?;
    Ok(patient)
}

/// One section of the composer: key, title, text, ticked.
pub struct ComposerSection {
    pub key: &'static str,
    pub title: &'static str,
    pub text: String,
    pub ticked: bool,
}

/// The receiver as the composer shows them.
pub struct ReceiverCard {
    pub user: User,
    pub practitioner: Practitioner,
    pub clinic_name: String,
    /// A doctor outside the network (answers by link and e-mail).
    pub external: bool,
    /// The kind of referral this receiver takes.
    pub kind: &'static str,
}

/// Everything the composer page needs.
pub struct ComposerData {
    pub patient: Patient,
    pub receiver: Option<ReceiverCard>,
    pub sections: Vec<ComposerSection>,
    pub files: Vec<FileRow>,
    pub chosen_files: Vec<String>,
    pub approval_required: bool,
    /// The draft being edited: (id, version).
    pub draft: Option<(String, i64)>,
    pub redirected_from: Option<String>,
    pub priority: String,
    pub see_by: String,
    pub reason: String,
    pub message: String,
    pub doctor_only: bool,
    /// specialist, admission, lab or imaging (from the receiver's organisation).
    pub kind: &'static str,
    /// The form takes a doctor outside the network instead of a directory entry.
    pub external: bool,
}

fn prefill(conn: &mut DbConn, patient_id: &str) -> AppResult<(Vec<ComposerSection>, Vec<FileRow>)> {
    let chart = db::chart::load_chart(conn, patient_id)?;
    let complaint = chart
        .complaints
        .iter()
        .take(3)
        .map(|c| {
            if c.onset.is_empty() {
                c.description.clone()
            } else {
                format!("{} (onset {})", c.description, c.onset)
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let vitals = chart
        .vitals
        .iter()
        .rev()
        .take(3)
        .map(|v| {
            let mut parts = Vec::new();
            if let (Some(s), Some(d)) = (v.systolic, v.diastolic) {
                parts.push(format!("BP {s}/{d} mmHg"));
            }
            if let Some(h) = v.heart_rate {
                parts.push(format!("pulse {h}/min"));
            }
            if let Some(t) = v.temperature_dc {
                parts.push(format!("temp {} °C", crate::domain::forms::fmt_tenths(t)));
            }
            if let Some(o) = v.spo2 {
                parts.push(format!("SpO2 {o} %"));
            }
            if let Some(w) = v.weight_dag {
                parts.push(format!("weight {} kg", crate::domain::forms::fmt_tenths(w)));
            }
            format!("{}: {}", v.taken_at.format("%Y-%m-%d"), parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n");
    let medications = chart
        .medications
        .iter()
        .filter(|m| m.status != "stopped")
        .map(|m| {
            let kind = if m.status == "draft" {
                "draft prescription"
            } else {
                "current"
            };
            format!("{} {}, {} ({kind})", m.name, m.dose, m.frequency)
        })
        .collect::<Vec<_>>()
        .join("\n");
    let allergies = if chart.allergies.is_empty() {
        "No known allergies recorded.".to_string()
    } else {
        chart
            .allergies
            .iter()
            .map(|a| format!("{}: {} ({})", a.substance, a.reaction, a.severity))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let visits = chart
        .visits
        .iter()
        .take(3)
        .map(|(v, by)| format!("{} · {} · {}\n{}", v.visited_on, v.reason, by, v.notes))
        .collect::<Vec<_>>()
        .join("\n\n");
    let labs = if chart.files.is_empty() {
        String::new()
    } else {
        "See the attached files.".to_string()
    };
    let texts = [complaint, vitals, medications, allergies, labs, visits];
    let sections = SECTIONS
        .iter()
        .zip(texts)
        .map(|((key, title), text)| ComposerSection {
            key,
            title,
            ticked: !text.is_empty() && *key != "labs",
            text,
        })
        .collect();
    Ok((sections, chart.files))
}

fn receiver_card(conn: &mut DbConn, id: &str) -> AppResult<Option<ReceiverCard>> {
    match db::users::get_practitioner(conn, id) {
        Ok((user, practitioner)) => {
            let clinic = db::clinics::get(conn, &practitioner.clinic_id)?;
            Ok(Some(ReceiverCard {
                user,
                practitioner,
                kind: rules::kind_for(&clinic.kind),
                clinic_name: clinic.name,
                external: db::mail::is_external_doctor(conn, id)?,
            }))
        }
        Err(diesel::result::Error::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A new composer for a patient, prefilled from the chart (or from a rejected referral
/// being redirected).
pub fn composer(
    svc: &Services,
    caller: &Caller,
    patient_id: &str,
    receiver_id: Option<&str>,
    redirect_from: Option<&str>,
) -> AppResult<ComposerData> {
    let mut conn = svc.conn()?;
    let (patient, facts) = super::patients::facts(&mut conn, caller, patient_id)?;
    caller.authorize(&Action::Refer, "/patients")?;
    caller.authorize(
        &Action::EditChart(&facts),
        &format!("/patients/{patient_id}"),
    )?;
    // The composer shows the chart: it is a view of patient data like the profile.
    svc.record_view(
        caller,
        AuditEntry {
            action: "chart_viewed",
            subject_type: "patient",
            subject_id: patient_id,
            patient_id: Some(patient_id),
            detail: "referral composer".into(),
        },
    )?;
    let (mut sections, files) = prefill(&mut conn, patient_id)?;
    let external = receiver_id == Some("external");
    let receiver = match receiver_id {
        Some(id) if !external => receiver_card(&mut conn, id)?,
        _ => None,
    };
    let approval_required =
        db::clinics::get(&mut conn, &patient.clinic_id)?.requires_patient_approval;
    let kind = receiver.as_ref().map_or("specialist", |r| r.kind);
    if kind == "admission" {
        // An admission packet: its required sections start ticked.
        for s in sections.iter_mut() {
            s.ticked |= rules::ADMISSION_SECTIONS.contains(&s.key);
        }
    }
    let mut data = ComposerData {
        patient,
        receiver,
        sections: Vec::new(),
        files,
        chosen_files: Vec::new(),
        approval_required,
        draft: None,
        redirected_from: None,
        // Admissions are urgent unless the sender says otherwise.
        priority: if kind == "admission" {
            "urgent".into()
        } else {
            "routine".into()
        },
        see_by: String::new(),
        reason: String::new(),
        message: String::new(),
        doctor_only: false,
        kind,
        external,
    };
    if let Some(old_id) = redirect_from {
        let old = db::referrals::get(&mut conn, old_id)?;
        if old.sender_id != caller.user_id()? || old.patient_id != patient_id {
            return Err(AppError::NotFound);
        }
        apply_saved(&mut data, &mut sections, &old);
        data.redirected_from = Some(old.id);
    }
    data.sections = sections;
    Ok(data)
}

fn apply_saved(data: &mut ComposerData, sections: &mut [ComposerSection], r: &Referral) {
    let snap = Snapshot::from_json(&r.snapshot);
    for s in sections.iter_mut() {
        match snap.sections.iter().find(|x| x.key == s.key) {
            Some(saved) => {
                s.text = saved.text.clone();
                s.ticked = true;
            }
            None => s.ticked = false,
        }
    }
    data.chosen_files = snap.files.iter().map(|f| f.id.clone()).collect();
    data.priority = r.priority.clone();
    data.see_by = r.see_by.clone().unwrap_or_default();
    data.reason = r.reason.clone();
    data.message = r.message.clone();
    data.doctor_only = r.doctor_only;
}

/// The composer for a saved draft.
pub fn composer_for_draft(
    svc: &Services,
    caller: &Caller,
    referral_id: &str,
) -> AppResult<ComposerData> {
    let mut conn = svc.conn()?;
    let r = db::referrals::get(&mut conn, referral_id)?;
    if r.sender_id != caller.user_id()? {
        return Err(AppError::NotFound);
    }
    if r.status != "draft" {
        return Err(AppError::Conflict(format!(
            "This referral was already sent (it is now “{}”); its snapshot is frozen.",
            Status::parse(&r.status).map_or("", Status::label)
        )));
    }
    drop(conn);
    let mut data = composer(svc, caller, &r.patient_id, Some(&r.receiver_id), None)?;
    let mut sections = std::mem::take(&mut data.sections);
    apply_saved(&mut data, &mut sections, &r);
    data.sections = sections;
    data.draft = Some((r.id.clone(), r.version));
    data.redirected_from = r.redirected_from.clone();
    Ok(data)
}

/// What the composer posted.
pub struct DraftInput {
    pub patient_id: String,
    /// (id, version) when editing a saved draft.
    pub existing: Option<(String, i64)>,
    pub input: ComposerInput,
    /// Ticked (key, text).
    pub sections: Vec<(String, String)>,
    pub file_ids: Vec<String>,
    /// A doctor outside the network, as typed (name, e-mail, specialty, practice), when
    /// the composer was opened for one.
    pub external: Option<[String; 4]>,
}

/// Saves a draft (new or edited). Returns (id, version).
pub fn save_draft(svc: &Services, caller: &Caller, d: &DraftInput) -> AppResult<(String, i64)> {
    let mut conn = svc.conn()?;
    let (patient, facts) = super::patients::facts(&mut conn, caller, &d.patient_id)?;
    caller.authorize(&Action::Refer, "/patients")?;
    caller.authorize(
        &Action::EditChart(&facts),
        &format!("/patients/{}", d.patient_id),
    )?;
    let me = caller.user_id()?.to_string();
    let now = svc.now();
    let mut input = d.input.clone();
    let mut ext_errors = FieldErrors::new();
    // An outside doctor's account is made only once the whole draft is valid, in the
    // draft's own transaction: a refused form leaves nothing behind.
    let external = d
        .external
        .as_ref()
        .map(|[name, email, specialty, practice]| {
            crate::domain::mail::validate_external(
                &mut ext_errors,
                name,
                email,
                specialty,
                practice,
            )
        });
    if external.is_some() {
        // Not an id: keeps the composer's own "choose a receiver" check quiet.
        input.receiver_id = "-".into();
    }
    let files: Vec<SharedFile> = db::chart::load_chart(&mut conn, &patient.id)?
        .files
        .into_iter()
        .filter(|f| d.file_ids.contains(&f.id))
        .map(|f| SharedFile {
            id: f.id,
            title: f.title,
        })
        .collect();
    let mut errors = ext_errors;
    let draft = validate_composer(&input, d.sections.clone(), files, now.date());
    let receiver = if input.receiver_id.trim().is_empty() {
        None
    } else {
        receiver_card(&mut conn, input.receiver_id.trim())?
    };
    match &receiver {
        // The external fields say what is wrong, if anything.
        None if external.is_some() => {}
        None => errors.add("receiver_id", "Choose who to refer to from the directory."),
        Some(r) if r.user.id == me => {
            errors.add("receiver_id", "You cannot refer a patient to yourself.")
        }
        Some(r) if !r.user.active => {
            errors.add("receiver_id", "This practitioner's account is not active.")
        }
        _ => {}
    }
    let kind = receiver.as_ref().map_or("specialist", |r| r.kind);
    if rules::order_lacks_tests(kind, &d.input.message) {
        errors.add("message", "List the tests asked for, one per line.");
    }
    if let Ok(d) = &draft {
        let missing = rules::missing_sections(kind, &d.snapshot.scope());
        if !missing.is_empty() {
            errors.add(
                "sections",
                format!(
                    "An admission referral must carry {}: tick them.",
                    missing
                        .iter()
                        .map(|k| crate::domain::snapshot::section_title(k))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
    let draft = match draft {
        Ok(v) if errors.is_empty() => v,
        Ok(_) => return Err(AppError::Invalid(errors)),
        Err(mut e) => {
            for (k, m) in errors.iter() {
                e.add(k, m.to_string());
            }
            return Err(AppError::Invalid(e));
        }
    };
    let priority = Priority::parse(&draft.priority).unwrap_or(Priority::Routine);
    let see_by = draft.see_by.map(|d| d.format("%Y-%m-%d").to_string());
    db::write_tx(&mut conn, |c| {
        let receiver_id = match &external {
            Some(rec) => super::external::find_or_create(c, rec, now)?,
            None => draft.receiver_id.clone(),
        };
        if let Some((id, version)) = &d.existing {
            let r = db::referrals::get(c, id)?;
            if r.sender_id != me || r.patient_id != patient.id {
                return Err(AppError::NotFound);
            }
            let changed = db::referrals::update_draft(
                c,
                id,
                *version,
                &DraftChanges {
                    kind: kind.into(),
                    receiver_id: receiver_id.clone(),
                    priority: priority.as_str().into(),
                    priority_rank: priority.rank(),
                    see_by: see_by.clone(),
                    reason: draft.reason.clone(),
                    message: draft.message.clone(),
                    doctor_only: draft.doctor_only,
                    snapshot: draft.snapshot.to_json(),
                    scope: draft.snapshot.scope(),
                    updated_at: now,
                },
            )?;
            if changed == 0 {
                return Err(stale(c, id, Party::Sender));
            }
            event(
                c,
                id,
                now,
                Some(&me),
                "edited",
                None,
                None,
                "Draft edited",
                false,
            )?;
            audit(
                c,
                now,
                caller,
                AuditEntry {
                    action: "referral_edited",
                    subject_type: "referral",
                    subject_id: id,
                    patient_id: Some(&patient.id),
                    detail: format!("scope: {}", draft.snapshot.scope()),
                },
            )?;
            return Ok((id.clone(), version + 1));
        }
        let id = db::new_id();
        let redirected_from = Some(input.redirected_from.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if let Some(old) = &redirected_from {
            // Unknown or someone else's: 404 before anything is written.
            let o = db::referrals::get(c, old)?;
            if o.sender_id != me || o.patient_id != patient.id {
                return Err(AppError::NotFound);
            }
        }
        db::referrals::insert(
            c,
            &Referral {
                id: id.clone(),
                kind: kind.into(),
                patient_id: patient.id.clone(),
                sender_id: me.clone(),
                sender_clinic_id: patient.clinic_id.clone(),
                receiver_id: receiver_id.clone(),
                status: Status::Draft.as_str().into(),
                version: 1,
                priority: priority.as_str().into(),
                priority_rank: priority.rank(),
                see_by: see_by.clone(),
                reason: draft.reason.clone(),
                message: draft.message.clone(),
                doctor_only: draft.doctor_only,
                snapshot: draft.snapshot.to_json(),
                scope: draft.snapshot.scope(),
                what_to_bring: rules::default_what_to_bring(kind).into(),
                redirected_from: redirected_from.clone(),
                redirected_to: None,
                reject_code: None,
                reject_note: None,
                cancel_reason: None,
                decline_reason: None,
                outcome_summary: None,
                outcome_advice: None,
                created_at: now,
                updated_at: now,
                submitted_at: None,
                received_at: None,
                accepted_at: None,
                completed_at: None,
                waiting_since: now,
            },
        )?;
        if let Some(old) = &redirected_from {
            redirect_old(c, caller, old, &id, &patient.id, now)?;
        }
        let note = if redirected_from.is_some() {
            "Draft created (redirected from a declined referral)"
        } else {
            "Draft created"
        };
        event(
            c,
            &id,
            now,
            Some(&me),
            "created",
            None,
            Some(Status::Draft),
            note,
            false,
        )?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "referral_created",
                subject_type: "referral",
                subject_id: &id,
                patient_id: Some(&patient.id),
                detail: format!("to {}", draft.receiver_id),
            },
        )?;
        Ok((id, 1))
    })
}

/// Runs the redirect command on the old (rejected) referral, linking it to the new draft.
fn redirect_old(
    c: &mut DbConn,
    caller: &Caller,
    old_id: &str,
    new_id: &str,
    patient_id: &str,
    now: NaiveDateTime,
) -> AppResult<String> {
    let old = db::referrals::get(c, old_id)?;
    if old.patient_id != patient_id {
        return Err(AppError::NotFound);
    }
    let party = party_of(caller, &old);
    let status = parse_status(&old)?;
    let facts = Facts {
        already_redirected: old.redirected_to.is_some(),
        ..Facts::default()
    };
    let t = rules::decide(status, party, Command::Redirect, facts).map_err(refusal)?;
    let changed = db::referrals::compare_and_set(
        c,
        old_id,
        status.as_str(),
        old.version,
        &TransitionChanges {
            status: Some(t.to.as_str().into()),
            updated_at: Some(now),
            redirected_to: Some(new_id.into()),
            ..Default::default()
        },
    )?;
    if changed == 0 {
        return Err(stale(c, old_id, Party::Sender));
    }
    event(
        c,
        old_id,
        now,
        caller.actor.user_id(),
        "redirect",
        Some(status),
        Some(t.to),
        "Redirected to a new draft",
        false,
    )?;
    audit(
        c,
        now,
        caller,
        AuditEntry {
            action: "referral_redirected",
            subject_type: "referral",
            subject_id: old_id,
            patient_id: Some(patient_id),
            detail: format!("new draft {new_id}"),
        },
    )?;
    Ok(old.id)
}

#[expect(
    clippy::too_many_arguments,
    reason = "one row of the timeline, field by field"
)]
pub(super) fn event(
    c: &mut DbConn,
    referral_id: &str,
    at: NaiveDateTime,
    actor: Option<&str>,
    kind: &str,
    from: Option<Status>,
    to: Option<Status>,
    note: &str,
    patient_visible: bool,
) -> AppResult<()> {
    db::referrals::insert_event(
        c,
        &Event {
            id: db::new_id(),
            referral_id: referral_id.into(),
            at,
            actor_id: actor.map(str::to_string),
            kind: kind.into(),
            from_status: from.map(|s| s.as_str().to_string()),
            to_status: to.map(|s| s.as_str().to_string()),
            note: note.into(),
            patient_visible,
        },
    )?;
    Ok(())
}

fn parse_status(r: &Referral) -> AppResult<Status> {
    Status::parse(&r.status)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown status {}", r.status)))
}

/// How the caller relates to a referral.
pub fn party_of(caller: &Caller, r: &Referral) -> Party {
    match &caller.actor {
        Actor::Practitioner { user_id, .. } if *user_id == r.sender_id => Party::Sender,
        Actor::Practitioner { user_id, .. } if *user_id == r.receiver_id => Party::Receiver,
        // A signed link names one referral; the same outside doctor's other referrals need
        // their own links.
        Actor::External {
            user_id,
            referral_id,
            ..
        } if *user_id == r.receiver_id && *referral_id == r.id => Party::Receiver,
        Actor::Patient {
            patient_id: Some(p),
            ..
        } if *p == r.patient_id => Party::Patient,
        _ => Party::Other,
    }
}

fn refusal(r: Refusal) -> AppError {
    match r {
        Refusal::NotYours { .. } => AppError::Forbidden(r.to_string()),
        // A patient's own commands only ever leave "awaiting approval"; saying more would
        // name practitioner-only states such as a rejection.
        Refusal::WrongStatus {
            command: Command::Approve | Command::Decline,
            ..
        } => AppError::Conflict(
            "This referral no longer waits for your approval. Reload it to see where it stands."
                .into(),
        ),
        Refusal::WrongStatus { .. } | Refusal::AlreadyRedirected => {
            AppError::Conflict(format!("{r} Reload the referral to see what changed."))
        }
        Refusal::ConsentMissing => {
            let mut e = FieldErrors::new();
            e.add("consent_verbal", r.to_string());
            AppError::Invalid(e)
        }
    }
}

/// The 409 for a compare-and-set that lost: says what the referral is now. Patients are
/// told in their own words (a rejection reads "In review") and never see who did what.
fn stale(c: &mut DbConn, id: &str, party: Party) -> AppError {
    let now = db::referrals::get(c, id).ok();
    let current = now.as_ref().and_then(|r| Status::parse(&r.status));
    if party == Party::Patient {
        let receiver = now
            .as_ref()
            .and_then(|r| db::users::get(c, &r.receiver_id).ok())
            .map_or(String::new(), |u| u.display_name);
        let label = current.map_or("changed".to_string(), |s| {
            rules::patient_label(s, &receiver)
        });
        return AppError::Conflict(format!(
            "This referral changed while you were looking at it. It is now “{label}”. Reload it to see the current state; your action was not applied."
        ));
    }
    let last = db::referrals::events(c, id)
        .ok()
        .and_then(|e| e.into_iter().last());
    let status = current.map_or("changed", Status::label);
    let by = last
        .map(|(e, name)| {
            format!(
                " (last change: {} by {} at {} UTC)",
                e.kind.replace('_', " "),
                name.unwrap_or_else(|| "someone".into()),
                e.at.format("%H:%M:%S")
            )
        })
        .unwrap_or_default();
    AppError::Conflict(format!(
        "This referral changed while you were looking at it. It is now “{status}”{by}. Reload it to see the current state; your action was not applied."
    ))
}

pub(super) fn load_for(
    c: &mut DbConn,
    caller: &Caller,
    id: &str,
) -> AppResult<(Referral, Party, Status)> {
    let r = db::referrals::get(c, id)?;
    let party = party_of(caller, &r);
    let status = parse_status(&r)?;
    let facts = ReferralFacts {
        party,
        status,
        received: r.received_at.is_some(),
    };
    match caller.authorize(&Action::ViewReferral(&facts), &format!("/referrals/{id}")) {
        // Outsiders are not told the referral exists.
        Err(AppError::Forbidden(_)) => Err(AppError::NotFound),
        other => other.map(|_| (r, party, status)),
    }
}

fn facts_for(c: &mut DbConn, r: &Referral, consent_verbal: bool) -> AppResult<Facts> {
    let patient = db::patients::get(c, &r.patient_id)?;
    let approval_required = db::clinics::get(c, &patient.clinic_id)?.requires_patient_approval;
    let live = db::referrals::live_consents(c, &r.id)?;
    let consent_recorded = consent_verbal
        || live
            .iter()
            .any(|k| scope_covers(&k.scope, &r.scope) && k.recipient_id == r.receiver_id);
    Ok(Facts {
        approval_required,
        consent_recorded,
        already_redirected: r.redirected_to.is_some(),
    })
}

/// The fields a command form may carry.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CommandInput {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub advice: String,
    #[serde(default)]
    pub consent_verbal: Option<String>,
    /// Answers to the current round's asks: (ask id, text), from `answer_<id>` fields.
    #[serde(skip)]
    pub answers: Vec<(String, String)>,
}

/// Applies one lifecycle command: load, check the version, ask the state machine, validate
/// the command's own fields, compare-and-set, then record the event, consent, thread cards,
/// notifications and audit row, all in one transaction. Returns the new status.
pub fn apply(
    svc: &Services,
    caller: &Caller,
    id: &str,
    command: Command,
    input: &CommandInput,
) -> AppResult<Status> {
    let version: i64 = input.version.trim().parse().map_err(|_| {
        AppError::BadRequest("The form is missing the referral's version; reload the page.".into())
    })?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let (r, party, status) = load_for(c, caller, id)?;
        // Who may act is decided before anything about the referral's current state is said.
        if party != command.by() {
            return Err(refusal(Refusal::NotYours {
                command,
                by: command.by(),
            }));
        }
        if r.version != version {
            return Err(stale(c, id, party));
        }
        if command == Command::Redirect {
            return Err(AppError::BadRequest(
                "Redirect by choosing a new recipient from the directory.".into(),
            ));
        }
        let facts = facts_for(c, &r, input.consent_verbal.is_some())?;
        let t = rules::decide(status, party, command, facts).map_err(refusal)?;
        let mut e = FieldErrors::new();
        let mut changes = TransitionChanges {
            status: Some(t.to.as_str().into()),
            updated_at: Some(now),
            ..Default::default()
        };
        let note: String;
        match command {
            Command::Submit => {
                note = if t.to == Status::AwaitingPatient {
                    "Sent to the patient for approval".into()
                } else {
                    "Sent".into()
                };
                changes.submitted_at = Some(now);
            }
            Command::Approve => note = "The patient approved sharing".into(),
            Command::Decline => {
                let reason = crate::domain::forms::optional_text(
                    &mut e,
                    "note",
                    "Reason",
                    &input.note,
                    2000,
                );
                note = if reason.is_empty() {
                    "The patient declined".into()
                } else {
                    format!("The patient declined: {reason}")
                };
                changes.decline_reason = Some(reason);
            }
            Command::RequestInfo => {
                note = required_text(&mut e, "note", "What you need", &input.note, 4000)
            }
            Command::ProvideInfo => {
                note = provide_answers(c, &r, input, now, &mut e)?;
            }
            Command::RequireVisit => {
                let n =
                    crate::domain::forms::optional_text(&mut e, "note", "Note", &input.note, 2000);
                note = if n.is_empty() {
                    "Wants to see the patient before deciding".into()
                } else {
                    n
                };
            }
            Command::Accept => {
                let n =
                    crate::domain::forms::optional_text(&mut e, "note", "Note", &input.note, 2000);
                note = if n.is_empty() { "Accepted".into() } else { n };
                changes.accepted_at = Some(now);
            }
            Command::Reject => {
                if !REJECT_REASONS.iter().any(|(k, _)| *k == input.code) {
                    e.add("code", "Choose a reason.");
                }
                let n = required_text(&mut e, "note", "Note to the referrer", &input.note, 2000);
                note = format!("{}: {n}", rules::reject_reason_label(&input.code));
                changes.reject_code = Some(input.code.clone());
                changes.reject_note = Some(n);
            }
            Command::Complete => {
                let s = required_text(&mut e, "summary", "Outcome summary", &input.summary, 8000);
                let a = required_text(&mut e, "advice", "Advice", &input.advice, 8000);
                // The outcome itself is on the referral; the timeline, which the patient
                // also reads, only says that it was completed.
                note = "Completed with an outcome summary and advice".into();
                changes.outcome_summary = Some(s);
                changes.outcome_advice = Some(a);
                changes.completed_at = Some(now);
            }
            Command::Cancel => {
                let n = required_text(&mut e, "note", "Reason for cancelling", &input.note, 2000);
                note = format!("Cancelled: {n}");
                changes.cancel_reason = Some(n);
            }
            Command::Redirect => unreachable!("handled above"),
        }
        if !e.is_empty() {
            return Err(AppError::Invalid(e));
        }
        // Whose turn it now is, and since when: the inbox sorts by this.
        changes.waiting_since = Some(now);
        if t.to == Status::Sent && r.received_at.is_none() {
            changes.received_at = Some(now);
        }
        if db::referrals::compare_and_set(c, id, status.as_str(), version, &changes)? == 0 {
            return Err(stale(c, id, party));
        }
        super::analytics::track(c, &r, &changes)?;
        let me = caller.actor.user_id();
        event(
            c,
            id,
            now,
            me,
            command.as_str(),
            Some(status),
            Some(t.to),
            &note,
            t.patient_visible,
        )?;
        if command == Command::RequestInfo {
            add_asks(c, id, &note, now)?;
        }
        effects(c, caller, &r, command, t.to, input, &note, now)?;
        let actor_name = me
            .and_then(|u| db::users::get(c, u).ok())
            .map_or("Someone".to_string(), |u| u.display_name);
        let patient = db::patients::get(c, &r.patient_id)?;
        let patient_name = format!("{} {}", patient.given_name, patient.family_name);
        for p in t.notify {
            let (user, text) = match p {
                Party::Sender => (
                    Some(r.sender_id.clone()),
                    practitioner_notice(&actor_name, command, &patient_name),
                ),
                Party::Receiver => (
                    Some(r.receiver_id.clone()),
                    practitioner_notice(&actor_name, command, &patient_name),
                ),
                Party::Patient => (patient.user_id.clone(), patient_notice(command, t.to)),
                Party::Other => (None, String::new()),
            };
            if let Some(u) = user {
                super::mail::notify(&svc.mail, c, &u, Some(id), &text, now)?;
            }
        }
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "referral_transition",
                subject_type: "referral",
                subject_id: id,
                patient_id: Some(&r.patient_id),
                detail: format!(
                    "{}: {} -> {}",
                    command.as_str(),
                    status.as_str(),
                    t.to.as_str()
                ),
            },
        )?;
        Ok(t.to)
    })
}

/// Each line of a request for information is one ask, in a new round.
fn add_asks(c: &mut DbConn, referral_id: &str, text: &str, now: NaiveDateTime) -> AppResult<()> {
    let round = db::asks::last_round(c, referral_id)? + 1;
    let lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    for (position, line) in lines.enumerate() {
        db::asks::insert_ask(
            c,
            &db::asks::Ask {
                id: db::new_id(),
                referral_id: referral_id.into(),
                round,
                position: position as i64,
                text: line.chars().take(500).collect(),
                answer: None,
                answered_at: None,
                created_at: now,
            },
        )?;
    }
    Ok(())
}

/// Records the sender's answers to the latest round of asks. Every ask needs a note or at
/// least one file; the general note is optional. Returns the timeline note.
fn provide_answers(
    c: &mut DbConn,
    r: &Referral,
    input: &CommandInput,
    now: NaiveDateTime,
    e: &mut FieldErrors,
) -> AppResult<String> {
    let round = db::asks::last_round(c, &r.id)?;
    let asks: Vec<db::asks::Ask> = db::asks::asks(c, &r.id)?
        .into_iter()
        .filter(|a| a.round == round)
        .collect();
    let files = db::asks::attachments(c, &r.id)?;
    let general = crate::domain::forms::optional_text(e, "note", "Note", &input.note, 8000);
    let mut answered = 0;
    for a in &asks {
        let text = input
            .answers
            .iter()
            .find(|(id, _)| *id == a.id)
            .map_or("", |(_, t)| t.trim());
        if crate::domain::forms::has_control_chars(text) || text.chars().count() > 8000 {
            e.add(
                "answers",
                "An answer is too long or contains characters that cannot be stored.",
            );
        }
        let has_file = files
            .iter()
            .any(|f| f.ask_id.as_deref() == Some(a.id.as_str()));
        if text.is_empty() && !has_file {
            e.add(
                "answers",
                format!(
                    "Answer every item, with a note or a file: “{}” has neither.",
                    a.text
                ),
            );
            continue;
        }
        if !text.is_empty() {
            db::asks::answer(c, &a.id, text, now)?;
        } else {
            db::asks::answer(c, &a.id, "(see the attached files)", now)?;
        }
        answered += 1;
    }
    if asks.is_empty() && general.is_empty() {
        e.add("note", "Your answer is required.");
    }
    Ok(if asks.is_empty() {
        general
    } else if general.is_empty() {
        format!("Answered {answered} of {} items", asks.len())
    } else {
        format!("Answered {answered} of {} items: {general}", asks.len())
    })
}

/// Checks files (size limits, sniffed type) and writes them to staging: publish each in the
/// transaction that writes its row.
pub(super) fn stage_files(
    svc: &Services,
    files: &[NewAttachment],
) -> AppResult<(
    Vec<crate::domain::files::FileType>,
    Vec<super::store::Staged>,
)> {
    let mut e = FieldErrors::new();
    let total: u64 = files.iter().map(|f| f.bytes.len() as u64).sum();
    if files
        .iter()
        .any(|f| f.bytes.len() as u64 > svc.max_upload_bytes)
        || total > svc.max_upload_bytes * 4
    {
        return Err(super::patients::too_large(svc));
    }
    let mut typed = Vec::new();
    for f in files {
        match crate::domain::files::sniff(&f.bytes[..f.bytes.len().min(512)]) {
            Some(t) => typed.push(t),
            None => {
                e.add(
                    "file",
                    format!(
                        "{} is not an accepted type. Upload {}.",
                        crate::domain::files::display_name(&f.name),
                        crate::domain::files::ALLOWED_TYPES_TEXT
                    ),
                );
            }
        }
    }
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let store = super::store::LocalStore::new(&svc.files_dir);
    let mut staged = Vec::new();
    for f in files {
        staged.push(store.stage(&f.bytes)?);
    }
    Ok((typed, staged))
}

/// Writes the metadata rows of staged files (in the caller's transaction); publish the
/// staged files as the transaction's last step.
#[expect(
    clippy::too_many_arguments,
    reason = "one row per file needs its referral, ask, purpose, uploader and time"
)]
pub(super) fn record_files(
    c: &mut DbConn,
    referral_id: &str,
    ask_id: Option<&str>,
    purpose: &str,
    files: &[NewAttachment],
    typed: &[crate::domain::files::FileType],
    staged: &[super::store::Staged],
    uploaded_by: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    for ((f, t), st) in files.iter().zip(typed).zip(staged) {
        db::asks::insert_attachment(
            c,
            &db::asks::Attachment {
                id: db::new_id(),
                referral_id: referral_id.into(),
                ask_id: ask_id.map(str::to_string),
                purpose: purpose.into(),
                original_name: crate::domain::files::display_name(&f.name),
                stored_name: st.key.clone(),
                content_type: t.mime().into(),
                size_bytes: f.bytes.len() as i64,
                sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&f.bytes)),
                uploaded_by: uploaded_by.into(),
                uploaded_at: now,
            },
        )?;
    }
    Ok(())
}

/// What the receiver may see of the snapshot: the sections the patient's live consent to
/// this receiver covers, or `None` without one.
pub(super) fn shared_with_receiver(c: &mut DbConn, r: &Referral) -> AppResult<Option<Snapshot>> {
    let consents = db::referrals::live_consents(c, &r.id)?;
    Ok(consents
        .iter()
        .find(|k| k.recipient_id == r.receiver_id)
        .map(|k| Snapshot::from_json(&r.snapshot).within(&k.scope)))
}

/// A file to attach to a referral.
pub struct NewAttachment {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Attaches files: the sender answering an ask (need info), or the receiver adding a
/// consult note or report before completing (accepted). Types are sniffed from content;
/// each file and the whole request have a size limit.
pub fn attach(
    svc: &Services,
    caller: &Caller,
    id: &str,
    ask_id: Option<&str>,
    files: Vec<NewAttachment>,
) -> AppResult<usize> {
    {
        // Who may attach is decided before anything about the files is said.
        let mut conn = svc.conn()?;
        let (_, party, _) = load_for(&mut conn, caller, id)?;
        if !matches!(party, Party::Sender | Party::Receiver) {
            return Err(AppError::forbidden());
        }
    }
    let mut e = FieldErrors::new();
    if files.is_empty() || files.iter().all(|f| f.bytes.is_empty()) {
        e.add("file", "Choose at least one file.");
        return Err(AppError::Invalid(e));
    }
    let (typed, staged) = stage_files(svc, &files)?;
    let me = caller.user_id()?.to_string();
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let (r, party, status) = load_for(c, caller, id)?;
        // Only the two practitioners ever attach files; a patient reading the referral
        // is refused, whatever its state.
        if !matches!(party, Party::Sender | Party::Receiver) {
            return Err(AppError::forbidden());
        }
        let purpose = match (party, status) {
            (Party::Sender, Status::NeedInfo) => "info",
            (Party::Receiver, Status::Accepted) => "outcome",
            _ => {
                return Err(AppError::Conflict(
                    "Files can be attached by the referrer while information is requested, or by the receiver before completing.".into(),
                ));
            }
        };
        let ask = match ask_id.filter(|a| !a.is_empty()) {
            Some(a) if purpose == "info" => {
                let round = db::asks::last_round(c, id)?;
                let found = db::asks::asks(c, id)?
                    .into_iter()
                    .any(|x| x.id == a && x.round == round);
                if !found {
                    return Err(AppError::NotFound);
                }
                Some(a.to_string())
            }
            _ => None,
        };
        let n = staged.len();
        record_files(
            c,
            id,
            ask.as_deref(),
            purpose,
            &files,
            &typed,
            &staged,
            &me,
            now,
        )?;
        event(
            c,
            id,
            now,
            Some(&me),
            "attachment",
            None,
            None,
            &format!("{n} file(s) attached"),
            // The patient sees an outcome file unless the referral is doctor-only.
            purpose == "outcome" && !r.doctor_only,
        )?;
        // An order is done when its report is in: the upload completes it.
        if purpose == "outcome" && rules::is_order(&r.kind) {
            let t = rules::decide(status, party, Command::Complete, Facts::default())
                .map_err(refusal)?;
            let names = files
                .iter()
                .map(|f| crate::domain::files::display_name(&f.name))
                .collect::<Vec<_>>()
                .join(", ");
            let changes = TransitionChanges {
                status: Some(t.to.as_str().into()),
                updated_at: Some(now),
                waiting_since: Some(now),
                completed_at: Some(now),
                outcome_summary: Some(format!("Report uploaded: {names}")),
                outcome_advice: Some("See the report.".into()),
                ..Default::default()
            };
            if db::referrals::compare_and_set(c, id, status.as_str(), r.version, &changes)? == 0 {
                return Err(stale(c, id, party));
            }
            super::analytics::track(c, &r, &changes)?;
            event(
                c,
                id,
                now,
                Some(&me),
                "complete",
                Some(status),
                Some(t.to),
                "Report ready",
                true,
            )?;
            let patient = db::patients::get(c, &r.patient_id)?;
            super::mail::notify(
                &svc.mail,
                c,
                &r.sender_id,
                Some(id),
                &format!(
                    "The report for {} {} is ready",
                    patient.given_name, patient.family_name
                ),
                now,
            )?;
            if let Some(u) = &patient.user_id {
                // A doctor-only report is not theirs to open: say only that it is done.
                let text = if r.doctor_only {
                    "Your test is done. Your doctor will discuss the result with you."
                } else {
                    "Your report is ready."
                };
                super::mail::notify(&svc.mail, c, u, Some(id), text, now)?;
            }
            audit(
                c,
                now,
                caller,
                AuditEntry {
                    action: "referral_transition",
                    subject_type: "referral",
                    subject_id: id,
                    patient_id: Some(&r.patient_id),
                    detail: format!(
                        "complete: {} -> {} (report uploaded)",
                        status.as_str(),
                        t.to.as_str()
                    ),
                },
            )?;
        }
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "file_uploaded",
                subject_type: "referral",
                subject_id: id,
                patient_id: Some(&r.patient_id),
                detail: files
                    .iter()
                    .map(|f| crate::domain::files::display_name(&f.name))
                    .collect::<Vec<_>>()
                    .join(", "),
            },
        )?;
        for st in staged {
            st.publish()?;
        }
        Ok(n)
    })
}

/// A referral attachment for download, for the sender and the receiver (and the patient,
/// for outcome reports of referrals that are not doctor-only). Audited.
pub fn attachment(
    svc: &Services,
    caller: &Caller,
    id: &str,
    attachment_id: &str,
) -> AppResult<(db::asks::Attachment, std::path::PathBuf)> {
    let mut conn = svc.conn()?;
    let (r, party, _) = load_for(&mut conn, caller, id)?;
    let a = db::asks::attachment(&mut conn, id, attachment_id)?;
    let allowed = match party {
        Party::Sender | Party::Receiver => true,
        Party::Patient => a.purpose == "outcome" && !r.doctor_only,
        Party::Other => false,
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    svc.record_view(
        caller,
        AuditEntry {
            action: "file_downloaded",
            subject_type: "attachment",
            subject_id: attachment_id,
            patient_id: Some(&r.patient_id),
            detail: a.original_name.clone(),
        },
    )?;
    let path = super::store::LocalStore::new(&svc.files_dir).path(&a.stored_name);
    Ok((a, path))
}

/// "Dr X accepted the referral of Asha Rao", as the other practitioner reads it.
fn practitioner_notice(actor: &str, c: Command, patient: &str) -> String {
    match c {
        Command::Submit => format!("{actor} sent you a referral of {patient}"),
        Command::Approve => format!("{patient} approved the referral; it is on its way"),
        Command::Decline => format!("{patient} declined the referral"),
        Command::RequestInfo => {
            format!("{actor} asked for more information about the referral of {patient}")
        }
        Command::ProvideInfo => format!("{actor} sent the information asked for about {patient}"),
        Command::RequireVisit => format!("{actor} wants to see {patient} before deciding"),
        Command::Accept => format!("{actor} accepted the referral of {patient}"),
        Command::Reject => format!("{actor} declined the referral of {patient}"),
        Command::Complete => format!("{actor} completed the referral of {patient}"),
        Command::Cancel => format!("{actor} cancelled the referral of {patient}"),
        Command::Redirect => format!("{actor} redirected the referral of {patient}"),
    }
}

fn patient_notice(c: Command, to: Status) -> String {
    match (c, to) {
        (Command::Submit, Status::AwaitingPatient) => "A referral needs your approval.".into(),
        (Command::Submit, _) | (Command::Approve, _) => "Your referral was sent.".into(),
        (Command::RequireVisit, _) => "Please book a visit for your referral.".into(),
        (Command::Accept, _) => "Your referral was accepted.".into(),
        (Command::Complete, _) => "Your referral is complete.".into(),
        (Command::Cancel, _) => "A referral about you was cancelled.".into(),
        _ => "Your referral was updated.".into(),
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "the side effects need the whole context of the transition"
)]
fn effects(
    c: &mut DbConn,
    caller: &Caller,
    r: &Referral,
    command: Command,
    to: Status,
    input: &CommandInput,
    note: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let patient = db::patients::get(c, &r.patient_id)?;
    match (command, to) {
        (Command::Submit, _) => {
            // From here on the snapshot is frozen: only drafts can be edited.
            if to == Status::AwaitingPatient {
                let t = threads::practitioner_patient(c, &r.sender_id, &patient.id, now)?;
                threads::card(
                    c,
                    &t,
                    Some(&r.sender_id),
                    &r.id,
                    "approval_request",
                    &format!(
                        "I would like to refer you. Reason: {}. Please review what would be shared and approve or decline.",
                        r.reason
                    ),
                    now,
                )?;
            } else {
                // Thread rows are locked before the audit head, in every transaction, so
                // two transactions never wait on each other in opposite orders.
                request_card(c, r, &patient, now)?;
                if input.consent_verbal.is_some() {
                    record_consent(c, caller, r, "verbal", "verbal, attested", now)?;
                }
            }
        }
        (Command::Approve, _) => {
            let t = threads::practitioner_patient(c, &r.sender_id, &patient.id, now)?;
            threads::card(
                c,
                &t,
                caller.actor.user_id(),
                &r.id,
                "patient_approved",
                "I approve this referral and the sharing of my information.",
                now,
            )?;
            request_card(c, r, &patient, now)?;
            record_consent(c, caller, r, "in_app", "in-app by the patient", now)?;
        }
        (Command::Decline, _) => {
            let t = threads::practitioner_patient(c, &r.sender_id, &patient.id, now)?;
            threads::card(
                c,
                &t,
                caller.actor.user_id(),
                &r.id,
                "patient_declined",
                note,
                now,
            )?;
        }
        (Command::Accept, _) => {
            let t = threads::practitioner_patient(c, &r.receiver_id, &patient.id, now)?;
            threads::card(
                c,
                &t,
                Some(&r.receiver_id),
                &r.id,
                "accepted",
                format!(
                    "I have accepted your referral ({}). {}",
                    r.reason,
                    if note == "Accepted" { "" } else { note }
                )
                .trim(),
                now,
            )?;
        }
        (Command::RequireVisit, _) => {
            let t = threads::practitioner_patient(c, &r.receiver_id, &patient.id, now)?;
            threads::card(
                c,
                &t,
                Some(&r.receiver_id),
                &r.id,
                "visit_required",
                &format!("Before deciding on your referral I would like to see you. {note}"),
                now,
            )?;
        }
        _ => {}
    }
    Ok(())
}

/// Records the patient's consent to share the referral's scope with its receiver.
fn record_consent(
    c: &mut DbConn,
    caller: &Caller,
    r: &Referral,
    method: &str,
    how: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    db::referrals::insert_consent(
        c,
        &Consent {
            id: db::new_id(),
            patient_id: r.patient_id.clone(),
            referral_id: r.id.clone(),
            recipient_id: r.receiver_id.clone(),
            method: method.into(),
            scope: r.scope.clone(),
            recorded_by: caller.user_id()?.to_string(),
            recorded_at: now,
            withdrawn_at: None,
        },
    )?;
    audit(
        c,
        now,
        caller,
        AuditEntry {
            action: "consent_recorded",
            subject_type: "referral",
            subject_id: &r.id,
            patient_id: Some(&r.patient_id),
            detail: format!("{how}; scope: {}", r.scope),
        },
    )
}

/// Posts the request card (with the optional message) into the sender-receiver thread.
fn request_card(
    c: &mut DbConn,
    r: &Referral,
    patient: &Patient,
    now: NaiveDateTime,
) -> AppResult<()> {
    let t = threads::between_practitioners(c, &r.sender_id, &r.receiver_id, now)?;
    let body = if r.message.is_empty() {
        format!(
            "Referral request: {} {} — {}",
            patient.given_name, patient.family_name, r.reason
        )
    } else {
        format!(
            "Referral request: {} {} — {}\n\n{}",
            patient.given_name, patient.family_name, r.reason, r.message
        )
    };
    threads::card(c, &t, Some(&r.sender_id), &r.id, "request", &body, now)
}

/// A timeline entry as shown.
pub struct TimelineEntry {
    pub at: NaiveDateTime,
    pub who: String,
    pub kind: String,
    pub note: String,
}

/// Everything the referral page shows to this viewer.
pub struct ReferralView {
    pub referral: Referral,
    pub status: Status,
    pub party: Party,
    pub patient: Patient,
    pub sender: User,
    pub sender_clinic: String,
    pub receiver: User,
    pub receiver_practitioner: Practitioner,
    pub receiver_clinic: String,
    /// The snapshot this viewer may see (already limited by consent and doctor-only).
    pub snapshot: Option<Snapshot>,
    /// Why the snapshot is not shown, if it is not.
    pub snapshot_hidden: Option<&'static str>,
    pub timeline: Vec<TimelineEntry>,
    pub commands: Vec<Command>,
    pub consents: Vec<Consent>,
    pub booking: bool,
    pub approval_required: bool,
    /// Visits booked for this referral.
    pub visits: Vec<db::schedule::Appointment>,
    /// Need-info asks (practitioners only).
    pub asks: Vec<db::asks::Ask>,
    /// Attachments this viewer may open.
    pub attachments: Vec<db::asks::Attachment>,
    pub now: NaiveDateTime,
}

/// Opens a referral for the caller. The view is audited before the page is returned.
pub fn view(svc: &Services, caller: &Caller, id: &str) -> AppResult<ReferralView> {
    let mut conn = svc.conn()?;
    let (r, party, status) = load_for(&mut conn, caller, id)?;
    let facts = facts_for(&mut conn, &r, false)?;
    let consents = db::referrals::live_consents(&mut conn, id)?;
    let full = Snapshot::from_json(&r.snapshot);
    let (snapshot, snapshot_hidden) = match party {
        Party::Sender => (Some(full), None),
        Party::Patient if r.doctor_only => (
            None,
            Some(
                "This referral is doctor-only: its clinical details are shared between your doctors.",
            ),
        ),
        Party::Patient => (Some(full), None),
        Party::Receiver => match shared_with_receiver(&mut conn, &r)? {
            Some(shared) => (Some(shared), None),
            None => (
                None,
                Some(
                    "The patient's consent to share the clinical snapshot is not on record, or the patient withdrew it.",
                ),
            ),
        },
        Party::Other => (None, None),
    };
    let timeline = db::referrals::events(&mut conn, id)?
        .into_iter()
        .filter(|(e, _)| party != Party::Patient || e.patient_visible)
        .map(|(e, who)| TimelineEntry {
            at: e.at,
            who: who.unwrap_or_else(|| "Handoff".into()),
            note: if party == Party::Patient {
                rules::patient_event_text(&e.kind, &e.note)
            } else {
                e.note
            },
            kind: e.kind,
        })
        .collect();
    let (sender, _) = (db::users::get(&mut conn, &r.sender_id)?, ());
    let (receiver, receiver_practitioner) = db::users::get_practitioner(&mut conn, &r.receiver_id)?;
    let receiver_clinic_row = db::clinics::get(&mut conn, &receiver_practitioner.clinic_id)?;
    let has_practice = db::practices::get(&mut conn, &r.receiver_id)?.is_some();
    let visits = db::schedule::for_referral(&mut conn, id)?;
    let asks = if party == Party::Patient {
        Vec::new()
    } else {
        db::asks::asks(&mut conn, id)?
    };
    let attachments = db::asks::attachments(&mut conn, id)?
        .into_iter()
        .filter(|a| party != Party::Patient || (a.purpose == "outcome" && !r.doctor_only))
        .collect();
    let view = ReferralView {
        status,
        party,
        patient: db::patients::get(&mut conn, &r.patient_id)?,
        sender_clinic: db::clinics::get(&mut conn, &r.sender_clinic_id)?.name,
        sender,
        receiver,
        receiver_practitioner,
        receiver_clinic: receiver_clinic_row.name.clone(),
        snapshot,
        snapshot_hidden,
        timeline,
        commands: rules::allowed(status, party, facts)
            .into_iter()
            .filter(|c| *c != Command::Redirect || party == Party::Sender)
            .collect(),
        consents,
        booking: party == Party::Patient
            && rules::booking_prompt(
                status,
                has_practice,
                receiver_clinic_row.show_booking_prompts,
            ),
        approval_required: facts.approval_required,
        visits,
        asks,
        attachments,
        now: svc.now(),
        referral: r,
    };
    svc.record_view(
        caller,
        AuditEntry {
            action: if view.snapshot.is_some() {
                "snapshot_viewed"
            } else {
                "referral_viewed"
            },
            subject_type: "referral",
            subject_id: id,
            patient_id: Some(&view.patient.id),
            detail: format!("as {party:?}").to_lowercase(),
        },
    )?;
    Ok(view)
}

/// (status, count) pairs.
pub type StatusCounts = Vec<(String, i64)>;

/// The receiver's inbox page.
pub struct InboxPage {
    pub rows: Vec<ListRow>,
    pub counts: Vec<(String, i64)>,
    pub senders: Vec<(String, String)>,
    pub next_cursor: Option<String>,
}

/// Encodes a keyset cursor.
pub fn encode_cursor(r: &Referral) -> String {
    format!(
        "{}.{}.{}",
        r.priority_rank,
        r.waiting_since.and_utc().timestamp_micros(),
        r.id
    )
}

/// Decodes a keyset cursor (a bad cursor is the first page).
pub fn decode_cursor(s: &str) -> Option<(i64, NaiveDateTime, String)> {
    let mut parts = s.splitn(3, '.');
    let rank = parts.next()?.parse().ok()?;
    let micros: i64 = parts.next()?.parse().ok()?;
    let id = parts.next()?.to_string();
    let at = chrono::DateTime::<Utc>::from_timestamp_micros(micros)?.naive_utc();
    // A cursor is only ever a time this app wrote; anything else is the first page.
    if !(1900..=9999).contains(&chrono::Datelike::year(&at)) || !(0..=2).contains(&rank) {
        return None;
    }
    Some((rank, at, id))
}

/// Loads one page of the caller's inbox.
pub fn inbox(
    svc: &Services,
    caller: &Caller,
    q: &db::referrals::InboxQuery,
) -> AppResult<InboxPage> {
    caller.authorize(&Action::Refer, "/inbox")?;
    let me = caller.user_id()?;
    let mut conn = svc.conn()?;
    let mut q = q.clone();
    let limit = q.limit;
    q.limit = limit + 1;
    let mut rows = db::referrals::inbox(&mut conn, me, &q)?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|(r, ..)| encode_cursor(r))
    } else {
        None
    };
    Ok(InboxPage {
        counts: db::referrals::inbox_counts(&mut conn, me)?,
        senders: db::referrals::inbox_senders(&mut conn, me)?,
        rows,
        next_cursor,
    })
}

/// The oldest referral waiting for the caller's decision, other than `except`.
pub fn next_waiting(svc: &Services, caller: &Caller, except: &str) -> AppResult<Option<String>> {
    let me = caller.user_id()?;
    let mut conn = svc.conn()?;
    let rows = db::referrals::inbox(
        &mut conn,
        me,
        &db::referrals::InboxQuery {
            statuses: vec!["sent".into()],
            limit: 2,
            ..Default::default()
        },
    )?;
    Ok(rows.into_iter().map(|(r, ..)| r.id).find(|id| id != except))
}

/// The sender's list of sent referrals.
pub fn sent(svc: &Services, caller: &Caller, status: Option<&str>) -> AppResult<SentPage> {
    caller.authorize(&Action::Refer, "/sent")?;
    let me = caller.user_id()?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    let mut bands = Vec::new();
    for (label, from_days, to_days) in rules::OPEN_LOOP_BANDS {
        // Submitted between `to_days` and `from_days` ago.
        let newest = now - chrono::Duration::days(from_days) + chrono::Duration::seconds(1);
        let oldest = if to_days == i64::MAX {
            // Not NaiveDateTime::MIN: PostgreSQL's timestamps start in 4713 BC.
            chrono::NaiveDate::from_ymd_opt(1900, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .unwrap_or_default()
        } else {
            now - chrono::Duration::days(to_days) + chrono::Duration::seconds(1)
        };
        bands.push((
            label,
            db::referrals::open_loops_between(&mut conn, me, oldest, newest)?,
        ));
    }
    Ok(SentPage {
        rows: db::referrals::sent_by(&mut conn, me, status, 200)?,
        counts: db::referrals::sent_counts(&mut conn, me)?,
        open_bands: bands,
        oldest_open: db::referrals::oldest_open(&mut conn, me, 10)?,
    })
}

/// The sender's list: referrals by status, and open loops by age.
pub struct SentPage {
    pub rows: Vec<ListRow>,
    pub counts: StatusCounts,
    /// (age band, how many open loops).
    pub open_bands: Vec<(&'static str, i64)>,
    pub oldest_open: Vec<ListRow>,
}

/// The receiver tells the patient what to bring (a compare-and-set on the version).
pub fn set_what_to_bring(
    svc: &Services,
    caller: &Caller,
    id: &str,
    version: &str,
    text: &str,
) -> AppResult<()> {
    let version: i64 = version.trim().parse().map_err(|_| {
        AppError::BadRequest("The form is missing the referral's version; reload the page.".into())
    })?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let (r, party, status) = load_for(c, caller, id)?;
        if party != Party::Receiver {
            return Err(AppError::Forbidden(
                "Only the receiving practitioner says what to bring.".into(),
            ));
        }
        // Checked after who is asking: others learn nothing from a validation message.
        let mut e = FieldErrors::new();
        let text = required_text(&mut e, "what_to_bring", "What to bring", text, 1000);
        if !e.is_empty() {
            return Err(AppError::Invalid(e));
        }
        if status.is_terminal() {
            return Err(AppError::Conflict("This referral is closed.".into()));
        }
        if db::referrals::set_what_to_bring(c, id, version, &text, now)? == 0 {
            return Err(stale(c, id, party));
        }
        event(
            c,
            id,
            now,
            caller.actor.user_id(),
            "what_to_bring",
            None,
            None,
            &format!("What to bring: {text}"),
            true,
        )?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "referral_edited",
                subject_type: "referral",
                subject_id: id,
                patient_id: Some(&r.patient_id),
                detail: "what to bring".into(),
            },
        )
    })
}

/// The signed-in patient's referrals.
pub fn for_patient(svc: &Services, caller: &Caller) -> AppResult<Vec<ListRow>> {
    caller.authorize(&Action::UsePortal, "/portal/referrals")?;
    let Actor::Patient {
        patient_id: Some(pid),
        ..
    } = &caller.actor
    else {
        return Ok(Vec::new());
    };
    let mut conn = svc.conn()?;
    let rows = db::referrals::for_patient(&mut conn, pid)?;
    // A referral the sender redirected is replaced by the new one; the patient never
    // learns that the first receiver declined.
    Ok(rows
        .into_iter()
        .filter(|(r, ..)| r.redirected_to.is_none())
        .collect())
}

/// The referrals shown on a chart.
pub fn for_chart(svc: &Services, caller: &Caller, patient_id: &str) -> AppResult<Vec<ListRow>> {
    let mut conn = svc.conn()?;
    let (_, facts) = super::patients::facts(&mut conn, caller, patient_id)?;
    caller.authorize(
        &Action::EditChart(&facts),
        &format!("/patients/{patient_id}"),
    )?;
    Ok(db::referrals::for_chart(&mut conn, patient_id)?)
}
