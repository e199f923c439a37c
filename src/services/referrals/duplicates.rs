//! The duplicate guard and the patient's referral history (issue 16): the composer and the
//! referral page show the patient's referrals of the last 12 months, and a send that would
//! repeat an open one needs a reason, which the receiver reads on the timeline.

use chrono::{NaiveDate, NaiveDateTime};

use super::access::{Change, EventRow, log_change};
use crate::db::{self, DbConn};
use crate::domain::referral::Status;
use crate::domain::referral::duplicates::{self as rule, Earlier};
use crate::error::{AppError, AppResult};
use crate::services::{Caller, Services};

/// The timeline event (and audit action) that keeps the reason for a repeated referral.
pub const REASON_EVENT: &str = "duplicate_reason";

/// One of the patient's referrals as a history shows it: who, to whom, what, where it
/// stands, when. No clinical details: a receiver reads it for referrals they are not on.
pub struct HistoryEntry {
    pub id: String,
    pub sender: String,
    pub receiver: String,
    pub specialty: String,
    pub status_label: &'static str,
    /// An advice question rather than a referral.
    pub question: bool,
    /// Redirected to a new referral: shown, but no longer an open loop.
    pub redirected: bool,
    /// Still an open loop (submitted, not closed, not redirected).
    pub open: bool,
    pub date: NaiveDate,
    /// A new referral to the composer's receiver would repeat this one.
    pub duplicate: bool,
}

/// The patient's referrals of the 12 months before `now`, newest first, leaving out
/// `except` (the referral being shown or sent).
pub fn history(
    c: &mut DbConn,
    patient_id: &str,
    now: NaiveDateTime,
    except: Option<&str>,
) -> AppResult<Vec<HistoryEntry>> {
    Ok(
        db::history::recent_for_patient(c, patient_id, rule::history_since(now))?
            .into_iter()
            .filter(|r| Some(r.id.as_str()) != except)
            .map(|r| HistoryEntry {
                open: rule::is_open_loop(r.status, r.redirected),
                status_label: r.kind.status_label(&r.status),
                question: r.kind.is_question(),
                date: r.at.date(),
                sender: r.sender_name,
                receiver: r.receiver_name,
                specialty: r.receiver_specialty,
                redirected: r.redirected,
                duplicate: false,
                id: r.id,
            })
            .collect(),
    )
}

/// The history with the entries a referral to `receiver_id` would repeat marked.
fn marked(
    c: &mut DbConn,
    patient_id: &str,
    receiver_id: &str,
    now: NaiveDateTime,
    except: Option<&str>,
) -> AppResult<Vec<HistoryEntry>> {
    let rows: Vec<db::history::HistoryRow> =
        db::history::recent_for_patient(c, patient_id, rule::history_since(now))?
            .into_iter()
            .filter(|r| Some(r.id.as_str()) != except)
            .collect();
    let specialty = match db::users::find_practitioner(c, receiver_id)? {
        Some((_, p)) => p.specialty,
        None => String::new(),
    };
    let earlier: Vec<Earlier<'_>> = rows
        .iter()
        .map(|r| Earlier {
            receiver_id: &r.receiver_id,
            receiver_specialty: &r.receiver_specialty,
            status: r.status,
            at: r.at,
            redirected: r.redirected,
        })
        .collect();
    let dups = rule::duplicates(&earlier, receiver_id, &specialty, now);
    let mut out = history(c, patient_id, now, except)?;
    for e in out.iter_mut() {
        e.duplicate = rows
            .iter()
            .enumerate()
            .any(|(i, r)| r.id == e.id && dups.contains(&i));
    }
    Ok(out)
}

/// The composer's history of the patient, with what a referral to `receiver_id` (if one is
/// chosen) would repeat marked.
pub fn for_composer(
    c: &mut DbConn,
    patient_id: &str,
    receiver_id: Option<&str>,
    now: NaiveDateTime,
    draft: Option<&str>,
) -> AppResult<Vec<HistoryEntry>> {
    match receiver_id {
        Some(r) => marked(c, patient_id, r, now, draft),
        None => history(c, patient_id, now, draft),
    }
}

/// The open referrals of the patient that sending the caller's draft `referral_id` would
/// repeat (empty: nothing to warn about).
pub fn repeated_by(
    svc: &Services,
    caller: &Caller,
    referral_id: &str,
) -> AppResult<Vec<HistoryEntry>> {
    let mut conn = svc.conn()?;
    let r = db::referrals::get(&mut conn, referral_id)?;
    if r.sender_id != caller.user_id()? {
        return Err(AppError::NotFound);
    }
    if r.status != Status::Draft {
        return Ok(Vec::new());
    }
    let all = marked(
        &mut conn,
        &r.patient_id,
        &r.receiver_id,
        svc.now(),
        Some(&r.id),
    )?;
    Ok(all.into_iter().filter(|e| e.duplicate).collect())
}

/// In the send's own transaction: refuses a send that would repeat an open referral of the
/// patient unless `reason` says why, and records the reason (a timeline row the receiver
/// reads, and the audit row) with the send, so neither exists without the other.
pub fn guard_submit(
    c: &mut DbConn,
    caller: &Caller,
    r: &crate::db::referrals::Referral,
    reason: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let repeated: Vec<String> = marked(c, &r.patient_id, &r.receiver_id, now, Some(&r.id))?
        .into_iter()
        .filter(|e| e.duplicate)
        .map(|e| e.id)
        .collect();
    if repeated.is_empty() {
        return Ok(());
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::Conflict(
            "Another referral of this patient to this receiver or specialty is still open. Say in the composer why another one is needed."
                .into(),
        ));
    }
    let note = format!("Sent although another referral for this patient is open: {reason}");
    log_change(
        c,
        caller,
        now,
        Change {
            referral_id: &r.id,
            patient_id: &r.patient_id,
            event: EventRow {
                kind: REASON_EVENT,
                from: None,
                to: None,
                note: &note,
                // Between the doctors: the patient reads the referral, not the triage.
                patient_visible: false,
            },
            action: "referral_duplicate_reason",
            detail: format!("open: {}; reason: {reason}", repeated.join(", ")),
        },
    )
}
