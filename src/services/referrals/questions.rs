//! Advice questions beyond the machine's own steps: the specialist turning a question into
//! a referral to themselves (with the sender's permission), the sender passing a returned
//! referral's advice on to the patient, and what the composer and the recommended
//! referral (`recommended`) share with them. The rules are the domain's (`offers`); this file carries them out.

use chrono::NaiveDateTime;

use super::access::{self, Change, EventRow, Loaded, event, log_change, stale, version_of};
use crate::db::referrals::{Consent, Referral, TransitionChanges};
use crate::db::{self, DbConn};
use crate::domain::referral::form::DEFAULT_ACCEPT_NOTE;
use crate::domain::referral::offers;
use crate::domain::referral::{self as rules, CardText, Command, Kind, Party, Status};
use crate::error::{AppError, AppResult};
use crate::services::{AuditEntry, Caller, Services, analytics, audit, mail, threads};

/// The kind of referral the question's specialist takes (from their organisation).
pub(super) fn receiver_kind(c: &mut DbConn, receiver_id: &str) -> AppResult<Kind> {
    Ok(match db::users::find_practitioner(c, receiver_id)? {
        Some((_, p)) => Kind::for_organisation(&db::clinics::get(c, &p.clinic_id)?.kind),
        None => Kind::Specialist,
    })
}

/// A referral carrying the question's patient, people, snapshot and wording, in `status`.
pub(super) fn referral_from(
    q: &Referral,
    kind: Kind,
    status: Status,
    now: NaiveDateTime,
) -> Referral {
    let sent = status != Status::Draft;
    Referral {
        id: db::new_id(),
        kind,
        status,
        version: 1,
        what_to_bring: kind.default_what_to_bring().into(),
        redirected_from: None,
        redirected_to: None,
        reject_code: None,
        reject_note: None,
        cancel_reason: None,
        decline_reason: None,
        outcome_summary: None,
        outcome_advice: None,
        created_at: now,
        updated_at: now,
        submitted_at: sent.then_some(now),
        received_at: sent.then_some(now),
        accepted_at: (status == Status::Accepted).then_some(now),
        completed_at: None,
        waiting_since: now,
        ..q.clone()
    }
}

/// The question's live consents, carried over to the referral it becomes: the same patient
/// agreed to share the same sections with the same specialist (each keeps who recorded it,
/// how and when).
pub(super) fn carry_consents(
    c: &mut DbConn,
    consents: &[Consent],
    referral_id: &str,
) -> AppResult<()> {
    for k in consents {
        db::referrals::insert_consent(
            c,
            &Consent {
                id: db::new_id(),
                referral_id: referral_id.into(),
                ..k.clone()
            },
        )?;
    }
    Ok(())
}

/// Turns the question `l` (just moved to converted) into a referral to its specialist that
/// starts in `start` (accepted or visit required), in the transaction of the conversion:
/// the snapshot and consents carried over, both linked, the patient told in the thread
/// with the specialist, the counters moved. Returns the new referral's id.
pub(super) fn convert(
    svc: &Services,
    c: &mut DbConn,
    caller: &Caller,
    l: &Loaded,
    start: Status,
    now: NaiveDateTime,
) -> AppResult<String> {
    let kind = receiver_kind(c, &l.r.receiver_id)?;
    let r = referral_from(&l.r, kind, start, now);
    db::referrals::insert(c, &r)?;
    if db::questions::link_made(c, &l.r.id, &r.id, "converted")? == 0 {
        return Err(AppError::Conflict(
            "This question already became a referral.".into(),
        ));
    }
    let zone = &svc.mail.settings.default_time_zone;
    let due = crate::services::due::due_after(c, &r, start, now, zone)?;
    db::clock::set_due(c, &r.id, 1, due)?;
    carry_consents(c, &l.consents, &r.id)?;
    // The counters see a referral sent, handed over and (perhaps) accepted at once.
    let before = db::analytics::clock_before(c, &r.id)?;
    let unsent = Referral {
        status: Status::Draft,
        submitted_at: None,
        received_at: None,
        accepted_at: None,
        ..r.clone()
    };
    let changes = TransitionChanges {
        status: Some(start),
        submitted_at: r.submitted_at,
        received_at: r.received_at,
        accepted_at: r.accepted_at,
        ..Default::default()
    };
    analytics::track(c, &unsent, &changes, before)?;
    let me = caller.actor.user_id();
    event(
        c,
        &r.id,
        now,
        me,
        EventRow {
            kind: "converted_from",
            from: None,
            to: Some(start),
            note: "Turned from an advice question into a referral",
            patient_visible: true,
        },
    )?;
    // The patient hears from the specialist as if the referral had been accepted (or the
    // specialist asked to see them first).
    let command = if start == Status::Accepted {
        Command::Accept
    } else {
        Command::RequireVisit
    };
    let text = CardText {
        reason: &r.reason,
        message: &r.message,
        patient_name: &l.patient_name(),
        note: DEFAULT_ACCEPT_NOTE,
        question: false,
        advice: "",
    };
    let cards = rules::effects(command, start, false, &text).cards;
    access::post_cards(c, caller, l, &r.id, &cards, now)?;
    // A patient without a portal account hears by e-mail, with their personal link to the
    // new referral (to book, when the specialist takes bookings online).
    crate::services::patient_link::after_transition(
        &svc.mail,
        c,
        &r,
        &l.patient,
        (command, start),
        now,
    )?;
    audit(
        c,
        now,
        caller,
        AuditEntry {
            action: "referral_created",
            subject_type: "referral",
            subject_id: &r.id,
            patient_id: Some(&r.patient_id),
            detail: format!("converted from advice question {}; {}", l.r.id, start),
        },
    )?;
    Ok(r.id)
}

/// The sender sends a returned referral's advice to the patient: a card in their thread
/// (the advice, from the specialist), a timeline entry the patient reads, a notice. Once:
/// the offer goes when it is done, and the version is compared and set.
pub fn share_advice(
    svc: &Services,
    caller: &Caller,
    id: &str,
    version: Option<i64>,
) -> AppResult<()> {
    let version = version_of(version)?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let (r, party, status) = access::load_for(c, caller, id)?;
        access::refuse_delegate(caller, &offers::Offer::ShareAdvice)?;
        if party != Party::Sender {
            return Err(AppError::Forbidden(
                "Only the referring practitioner sends the advice to the patient.".into(),
            ));
        }
        let shared = db::questions::advice_shared(c, id)?;
        let in_care_team = db::patients::in_care_team(c, &r.patient_id, &r.sender_id)?;
        if !in_care_team {
            return Err(AppError::Forbidden(
                "You are no longer in this patient's care team.".into(),
            ));
        }
        if !offers::may_share_advice(status, party, shared, in_care_team) {
            return Err(AppError::Conflict(
                "Only a referral returned with advice can pass its advice on, once.".into(),
            ));
        }
        if r.version != version {
            return Err(stale(c, id, party));
        }
        if db::questions::touch_referral(c, id, version, now)? == 0 {
            return Err(stale(c, id, party));
        }
        let l = access::around(c, r, party, false)?;
        let receiver = db::users::get(c, &l.r.receiver_id)?.display_name;
        let advice = l.r.outcome_advice.clone().unwrap_or_default();
        let thread = threads::practitioner_patient(c, &l.r.sender_id, &l.patient.id, now)?;
        threads::card(
            c,
            &thread,
            Some(&l.r.sender_id),
            id,
            "advice",
            &format!(
                "Advice from {receiver} about your referral ({}):\n\n{advice}",
                l.r.reason
            ),
            now,
        )?;
        if let Some(u) = l.patient.user_id.as_deref() {
            let text = crate::i18n::Lang::parse(&l.patient.language)
                .unwrap_or_default()
                .t("notice-advice-shared");
            mail::notify(&svc.mail, c, u, Some(id), &text, now)?;
        }
        log_change(
            c,
            caller,
            now,
            Change {
                referral_id: id,
                patient_id: &l.r.patient_id,
                event: EventRow {
                    kind: "advice_shared",
                    from: None,
                    to: None,
                    note: "The specialist's advice was sent to the patient",
                    patient_visible: true,
                },
                action: "referral_edited",
                detail: "returned referral's advice sent to the patient".into(),
            },
        )
    })
}

/// A new question's own row, in the transaction of its draft.
pub(super) fn record_question(c: &mut DbConn, id: &str, may_convert: bool) -> AppResult<()> {
    db::questions::insert(
        c,
        &db::questions::Question {
            referral_id: id.into(),
            may_convert,
            recommends: false,
            made_referral_id: None,
            made_how: None,
        },
    )?;
    Ok(())
}

/// For a saved draft that is a question, whether the sender allows converting it (`None`:
/// the draft is a referral).
pub(super) fn may_convert_of(svc: &Services, r: &Referral) -> AppResult<Option<bool>> {
    if !r.kind.is_question() {
        return Ok(None);
    }
    let mut conn = svc.conn()?;
    Ok(Some(
        db::questions::get(&mut conn, &r.id)?.is_some_and(|q| q.may_convert),
    ))
}
