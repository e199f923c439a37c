//! The sender sends the referral the answer to their question recommended, in one click:
//! a draft made from the question, then the machine's own send.

use super::access::{self, Change, EventRow, log_change, stale, version_of};
use super::questions::{carry_consents, receiver_kind, referral_from};
use crate::db;
use crate::domain::referral::form::CommandForm;
use crate::domain::referral::offers;
use crate::domain::referral::{Command, Party, Status};
use crate::error::{AppError, AppResult};
use crate::services::{Caller, Services};

/// What sending a recommended referral came to: the new referral, and why it is still a
/// draft if sending it was refused (for example the consent was withdrawn meanwhile).
pub struct Recommended {
    pub referral_id: String,
    pub not_sent: Option<AppError>,
}

/// The sender sends the referral the answer recommended, in one click: a referral to the
/// same specialist with the question's snapshot, wording and consent, linked both ways,
/// then sent through the machine like any other (approval, consent and duplicate rules
/// included). The link is a compare-and-set: a second click makes nothing.
pub fn send_recommended(
    svc: &Services,
    caller: &Caller,
    question_id: &str,
    version: Option<i64>,
) -> AppResult<Recommended> {
    let version = version_of(version)?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    let new_id = db::write_tx(&mut conn, |c| -> AppResult<String> {
        let (r, party, status) = access::load_for(c, caller, question_id)?;
        access::refuse_delegate(caller, &offers::Offer::SendRecommended)?;
        if party != Party::Sender {
            return Err(AppError::Forbidden(
                "Only the referring practitioner sends the recommended referral.".into(),
            ));
        }
        let l = access::around(c, r, party, true)?;
        let q = l
            .question
            .clone()
            .ok_or_else(|| AppError::Conflict("This referral is not an advice question.".into()))?;
        // A new referral shares the chart: only a sender still in the patient's care team
        // sends one (as the composer requires).
        if !db::patients::in_care_team(c, &l.r.patient_id, &l.r.sender_id)? {
            return Err(AppError::Forbidden(
                "You are no longer in this patient's care team: a new referral needs their chart."
                    .into(),
            ));
        }
        let waiting = q.recommends && q.made_referral_id.is_none();
        if !offers::may_send_recommended(status, party, waiting, true) {
            return Err(AppError::Conflict(
                "No referral is waiting to be sent from this question (it was sent already, or the answer did not recommend one).".into(),
            ));
        }
        if l.r.version != version {
            return Err(stale(c, question_id, party));
        }
        let kind = receiver_kind(c, &l.r.receiver_id)?;
        let draft = referral_from(&l.r, kind, Status::Draft, now);
        db::referrals::insert(c, &draft)?;
        if db::questions::link_made(c, question_id, &draft.id, "recommended")? == 0 {
            return Err(stale(c, question_id, party));
        }
        carry_consents(c, &l.consents, &draft.id)?;
        log_change(
            c,
            caller,
            now,
            Change {
                referral_id: &draft.id,
                patient_id: &draft.patient_id,
                event: EventRow {
                    kind: "created",
                    from: None,
                    to: Some(Status::Draft),
                    note: "Draft created from the specialist's recommendation",
                    patient_visible: false,
                },
                action: "referral_created",
                detail: format!("recommended by the answer to question {question_id}"),
            },
        )?;
        Ok(draft.id)
    })?;
    drop(conn);
    let form = CommandForm {
        version: "1".into(),
        ..CommandForm::default()
    };
    let not_sent = super::lifecycle::apply(svc, caller, &new_id, Command::Submit, &form).err();
    Ok(Recommended {
        referral_id: new_id,
        not_sent,
    })
}
