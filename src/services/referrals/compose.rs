//! Composing a referral: the composer prefilled from the chart (or from a declined
//! referral being redirected), and saving the draft, for an in-network receiver or a
//! doctor outside the network.

use chrono::NaiveDateTime;

use super::access::{Change, EventRow, log_change, party_of, refusal, stale};
use crate::db::chart::FileRow;
use crate::db::patients::Patient;
use crate::db::referrals::{DraftChanges, Referral, TransitionChanges};
use crate::db::users::{Practitioner, User};
use crate::db::{self, DbConn};
use crate::domain::forms::FieldErrors;
use crate::domain::policy::Action;
use crate::domain::referral::{self as rules, Command, Facts, Kind, Party, Priority, Status};
use crate::domain::snapshot::{ComposerInput, SharedFile, Snapshot, validate_composer};
use crate::error::{AppError, AppResult};
use crate::services::{AuditEntry, Caller, Services};

pub use super::prefill::ComposerSection;

/// The receiver as the composer shows them.
pub struct ReceiverCard {
    pub user: User,
    pub practitioner: Practitioner,
    pub clinic_name: String,
    /// A doctor outside the network (answers by link and e-mail).
    pub external: bool,
    /// Where their mail goes: the outside doctor's address, or the account's.
    pub address: String,
    /// The kind of referral this receiver takes.
    pub kind: Kind,
    /// Away today: a referral sent now goes to their cover.
    pub away: Option<super::cover::AwayNotice>,
    /// A service: who it is for, and whether this patient is outside that (a hint for the
    /// referrer; the service decides).
    pub service: Option<(crate::domain::service::Eligibility, bool)>,
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
    /// From the receiver's organisation.
    pub kind: Kind,
    /// The form takes a doctor outside the network instead of a directory entry.
    pub external: bool,
    /// The patient's referrals of the last 12 months, repeats of this one marked.
    pub history: Vec<super::duplicates::HistoryEntry>,
    /// An advice question rather than a referral, and whether the specialist may turn it
    /// into a referral.
    pub question: bool,
    pub may_convert: bool,
}

fn receiver_card(
    conn: &mut DbConn,
    id: &str,
    today: chrono::NaiveDate,
) -> AppResult<Option<ReceiverCard>> {
    let Some((user, practitioner)) = db::users::find_practitioner(conn, id)? else {
        return Ok(None);
    };
    let clinic = db::clinics::get(conn, &practitioner.clinic_id)?;
    let outside = db::mail::outside_address(conn, id)?;
    let away = super::cover::away_notices(conn, &[id], today)?.remove(id);
    let service = db::services::get(conn, id)?.map(|s| (s.row.eligibility(), false));
    Ok(Some(ReceiverCard {
        service,
        away,
        external: outside.is_some(),
        address: outside.unwrap_or_else(|| user.email.clone()),
        user,
        practitioner,
        kind: Kind::for_organisation(&clinic.kind),
        clinic_name: clinic.name,
    }))
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
    let (patient, facts) = crate::services::patients::facts(&mut conn, caller, patient_id)?;
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
    let (mut sections, files) = super::prefill::prefill(&mut conn, patient_id)?;
    let external = receiver_id == Some("external");
    let today = super::cover::today(svc, svc.now());
    let mut receiver = match receiver_id {
        Some(id) if !external => receiver_card(&mut conn, id, today)?,
        _ => None,
    };
    // Outside the service's hint: said beside it, not refused (the service decides).
    if let Some(card) = receiver.as_mut()
        && let Some((e, outside)) = card.service.as_mut()
    {
        let age = chrono::NaiveDate::parse_from_str(&patient.date_of_birth, "%Y-%m-%d")
            .map(|d| crate::domain::service::age_on(d, today))
            .unwrap_or(0);
        *outside = !e.fits(age, &patient.sex);
    }
    let approval_required =
        db::clinics::get(&mut conn, &patient.clinic_id)?.requires_patient_approval;
    let kind = receiver.as_ref().map_or(Kind::Specialist, |r| r.kind);
    if kind == Kind::Admission {
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
        priority: kind.default_priority().as_str().into(),
        see_by: String::new(),
        reason: String::new(),
        message: String::new(),
        doctor_only: false,
        kind,
        external,
        history: super::duplicates::for_composer(
            &mut conn,
            patient_id,
            receiver_id.filter(|_| !external),
            svc.now(),
            None,
        )?,
        question: false,
        may_convert: false,
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
    if r.status != Status::Draft {
        return Err(AppError::Conflict(format!(
            "This referral was already sent (it is now “{}”); its snapshot is frozen.",
            r.status.label()
        )));
    }
    drop(conn);
    let mut data = composer(svc, caller, &r.patient_id, Some(&r.receiver_id), None)?;
    let mut sections = std::mem::take(&mut data.sections);
    apply_saved(&mut data, &mut sections, &r);
    data.sections = sections;
    data.draft = Some((r.id.clone(), r.version));
    data.redirected_from = r.redirected_from.clone();
    if let Some(may_convert) = super::questions::may_convert_of(svc, &r)? {
        data.question = true;
        data.kind = Kind::Advice;
        data.may_convert = may_convert;
    }
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
    let (patient, facts) = crate::services::patients::facts(&mut conn, caller, &d.patient_id)?;
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
        receiver_card(
            &mut conn,
            input.receiver_id.trim(),
            super::cover::today(svc, svc.now()),
        )?
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
    let question = d.input.ask.is_some();
    let kind = match &receiver {
        _ if question => Kind::Advice,
        Some(r) => r.kind,
        None => Kind::Specialist,
    };
    if question && (external.is_some() || receiver.as_ref().is_some_and(|r| r.external)) {
        errors.add(
            "receiver_id",
            "Advice questions go to specialists in the network; refer a doctor outside it instead.",
        );
    }
    if kind.lacks_tests(&d.input.message) {
        errors.add("message", "List the tests asked for, one per line.");
    }
    if let Ok(d) = &draft {
        let missing = kind.missing_sections(&d.snapshot.scope());
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
            Some(rec) => super::outside::find_or_create(c, rec, now)?,
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
                    kind,
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
            if question {
                db::questions::set_may_convert(c, id, d.input.may_convert.is_some())?;
            }
            log_change(
                c,
                caller,
                now,
                Change {
                    referral_id: id,
                    patient_id: &patient.id,
                    event: EventRow {
                        kind: "edited",
                        from: None,
                        to: None,
                        note: "Draft edited",
                        patient_visible: false,
                    },
                    action: "referral_edited",
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
                kind,
                patient_id: patient.id.clone(),
                sender_id: me.clone(),
                sender_clinic_id: patient.clinic_id.clone(),
                receiver_id: receiver_id.clone(),
                status: Status::Draft,
                version: 1,
                priority: priority.as_str().into(),
                priority_rank: priority.rank(),
                see_by: see_by.clone(),
                reason: draft.reason.clone(),
                message: draft.message.clone(),
                doctor_only: draft.doctor_only,
                snapshot: draft.snapshot.to_json(),
                scope: draft.snapshot.scope(),
                what_to_bring: kind.default_what_to_bring().into(),
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
        if question {
            super::questions::record_question(c, &id, d.input.may_convert.is_some())?;
        }
        let note = if redirected_from.is_some() {
            "Draft created (redirected from a declined referral)"
        } else {
            "Draft created"
        };
        log_change(
            c,
            caller,
            now,
            Change {
                referral_id: &id,
                patient_id: &patient.id,
                event: EventRow {
                    kind: "created",
                    from: None,
                    to: Some(Status::Draft),
                    note,
                    patient_visible: false,
                },
                action: "referral_created",
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
    super::access::refuse_delegate(
        caller,
        &crate::domain::referral::offers::Offer::Command(
            crate::domain::referral::Command::Redirect,
        ),
    )?;
    let party = party_of(caller, &old);
    let status = old.status;
    let facts = Facts {
        already_redirected: old.redirected_to.is_some(),
        ..Facts::default()
    };
    let t = rules::decide(status, party, Command::Redirect, facts).map_err(refusal)?;
    let changes = TransitionChanges {
        status: Some(t.to),
        updated_at: Some(now),
        redirected_to: Some(new_id.into()),
        ..Default::default()
    };
    let before = db::analytics::clock_before(c, old_id)?;
    if db::referrals::compare_and_set(c, old_id, status, old.version, &changes)? == 0 {
        return Err(stale(c, old_id, Party::Sender));
    }
    // The old referral's loop ends here: the open-loop counter moves as if it closed.
    crate::services::analytics::track(c, &old, &changes, before)?;
    log_change(
        c,
        caller,
        now,
        Change {
            referral_id: old_id,
            patient_id,
            event: EventRow {
                kind: "redirect",
                from: Some(status),
                to: Some(t.to),
                note: "Redirected to a new draft",
                patient_visible: false,
            },
            action: "referral_redirected",
            detail: format!("new draft {new_id}"),
        },
    )?;
    Ok(old.id)
}
