//! Files on a referral: the sender's answers to asks and the receiver's reports, checked by
//! size and sniffed type, staged, and published only in the transaction that records them.

use chrono::NaiveDateTime;

use super::access::{EventRow, event_as, load_for, refusal, stale};
use crate::db::referrals::TransitionChanges;
use crate::db::{self, DbConn};
use crate::domain::files::FileType;
use crate::domain::forms::FieldErrors;
use crate::domain::referral::offers::{self, Upload};
use crate::domain::referral::{self as rules, Command, Facts, Party};
use crate::error::{AppError, AppResult};
use crate::services::store::{FileAt, Staged};
use crate::services::{AuditEntry, Caller, Services, analytics, audit, mail};

/// Checks files (size limits, sniffed type) and writes them to staging: publish each in the
/// transaction that writes its row.
pub fn stage_files(
    svc: &Services,
    files: &[NewAttachment],
) -> AppResult<(Vec<FileType>, Vec<Staged>)> {
    let mut e = FieldErrors::new();
    let total: u64 = files.iter().map(|f| f.bytes.len() as u64).sum();
    if files
        .iter()
        .any(|f| f.bytes.len() as u64 > svc.max_upload_bytes)
        || total > svc.max_upload_bytes * 4
    {
        return Err(crate::services::patients::too_large(svc));
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
    let mut staged = Vec::new();
    for f in files {
        staged.push(svc.store.stage(&f.bytes)?);
    }
    Ok((typed, staged))
}

/// Writes the metadata rows of staged files (in the caller's transaction); publish the
/// staged files as the transaction's last step.
#[expect(
    clippy::too_many_arguments,
    reason = "one row per file needs its referral, ask, purpose, uploader and time"
)]
pub fn record_files(
    c: &mut DbConn,
    referral_id: &str,
    ask_id: Option<&str>,
    purpose: Upload,
    files: &[NewAttachment],
    typed: &[FileType],
    staged: &[Staged],
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
                purpose,
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
        // The rule that shows the upload forms (offers) decides here too.
        let outside = db::mail::is_external_doctor(c, &r.receiver_id)?;
        let Some(upload) = offers::upload(status, party, outside, r.kind.is_question()) else {
            return Err(AppError::Conflict(
                "Files can be attached by the referrer while information is requested, or by the receiver before completing.".into(),
            ));
        };
        let purpose = upload;
        let offer = match purpose {
            Upload::Answers => offers::Offer::AttachAnswers,
            Upload::Report => offers::Offer::AttachReport,
            Upload::Reply => offers::Offer::Reply,
        };
        super::access::refuse_delegate(caller, &offer)?;
        let ask = match ask_id.filter(|a| !a.is_empty()) {
            Some(a) if purpose == Upload::Answers => {
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
        event_as(
            c,
            id,
            now,
            caller,
            EventRow {
                kind: "attachment",
                from: None,
                to: None,
                note: &format!("{n} file(s) attached"),
                // The patient sees an outcome file unless the referral is doctor-only.
                patient_visible: purpose.patient_may_open(r.doctor_only),
            },
        )?;
        // An order is done when its report is in: the upload completes it.
        if purpose == Upload::Report && r.kind.is_order() {
            let t = rules::decide(status, party, Command::Complete, Facts::default())
                .map_err(refusal)?;
            let names = files
                .iter()
                .map(|f| crate::domain::files::display_name(&f.name))
                .collect::<Vec<_>>()
                .join(", ");
            let changes = TransitionChanges {
                status: Some(t.to),
                updated_at: Some(now),
                waiting_since: Some(now),
                due_at: Some(None),
                completed_at: Some(now),
                outcome_summary: Some(format!("Report uploaded: {names}")),
                outcome_advice: Some("See the report.".into()),
                ..Default::default()
            };
            if db::referrals::compare_and_set(c, id, status, r.version, &changes)? == 0 {
                return Err(stale(c, id, party));
            }
            analytics::track(c, &r, &changes, Default::default())?;
            event_as(
                c,
                id,
                now,
                caller,
                EventRow {
                    kind: "complete",
                    from: Some(status),
                    to: Some(t.to),
                    note: "Report ready",
                    patient_visible: true,
                },
            )?;
            let patient = db::patients::get(c, &r.patient_id)?;
            mail::notify(
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
                mail::notify(&svc.mail, c, u, Some(id), text, now)?;
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
) -> AppResult<(db::asks::Attachment, FileAt)> {
    let mut conn = svc.conn()?;
    let (r, party, _) = load_for(&mut conn, caller, id)?;
    let a = db::asks::attachment(&mut conn, id, attachment_id)?;
    let shared_open = super::access::reads_shared(&mut conn, &r, party)?;
    if !offers::may_open_file(party, a.purpose, r.doctor_only, shared_open) {
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
    let file = FileAt {
        store: svc.store.clone(),
        key: a.stored_name.clone(),
    };
    Ok((a, file))
}
