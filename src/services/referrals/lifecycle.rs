//! Every lifecycle command as one compare-and-set in one transaction: load once, ask the
//! machine, validate the command's form, write, then the event, thread cards, consent,
//! notices and audit row. The rules are the domain's; this file only carries them out.

use chrono::NaiveDateTime;

use super::access::{self, Change, EventRow, Loaded, log_change, refusal, stale, version_of};
use crate::db::referrals::{Consent, TransitionChanges};
use crate::db::{self, DbConn};
use crate::domain::forms::{FieldErrors, required_text};
use crate::domain::policy::Actor;
use crate::domain::referral::form::{self, CommandForm, OpenAsk, Step};
use crate::domain::referral::offers;
use crate::domain::referral::{
    self as rules, CardText, Command, ConsentMethod, Party, Refusal, Status,
};
use crate::error::{AppError, AppResult};
use crate::services::{AuditEntry, Caller, Services, analytics, audit, mail};

/// The posted fields of a command form (kept under its old name for the handlers).
pub type CommandInput = CommandForm;

/// What a transition writes to the referral row.
fn changes_of(step: &Step, to: Status, now: NaiveDateTime) -> TransitionChanges {
    let at = |on: bool| on.then_some(now);
    TransitionChanges {
        status: Some(to),
        updated_at: Some(now),
        // Whose turn it now is, and since when: the inbox sorts by this.
        waiting_since: Some(now),
        // Set by the caller, which reads the clinic's clock.
        due_at: None,
        submitted_at: at(step.sets_submitted),
        received_at: at(step.sets_received),
        accepted_at: at(step.sets_accepted),
        completed_at: at(step.sets_completed),
        redirected_to: None,
        reject_code: step.reject.as_ref().map(|(c, _)| c.clone()),
        reject_note: step.reject.as_ref().map(|(_, n)| n.clone()),
        cancel_reason: step.cancel_reason.clone(),
        decline_reason: step.decline_reason.clone(),
        outcome_summary: step.outcome.as_ref().map(|(s, _)| s.clone()),
        outcome_advice: step
            .outcome
            .as_ref()
            .map(|(_, a)| a.clone())
            .or_else(|| step.advice.clone()),
    }
}

/// The asks of the round the sender is answering, with whether each has a file.
fn open_asks(c: &mut DbConn, referral_id: &str) -> AppResult<Vec<OpenAsk>> {
    let asks = db::asks::asks(c, referral_id)?;
    let round = asks.iter().map(|a| a.round).max().unwrap_or(0);
    let files = db::asks::attachments(c, referral_id)?;
    Ok(asks
        .into_iter()
        .filter(|a| a.round == round)
        .map(|a| OpenAsk {
            has_file: files
                .iter()
                .any(|f| f.ask_id.as_deref() == Some(a.id.as_str())),
            id: a.id,
            text: a.text,
        })
        .collect())
}

/// What the patient is told of a move ([`rules::patient_notice_booking`]); whether the
/// receiver runs a practice they book with is read only when it matters.
fn patient_notice(
    c: &mut DbConn,
    receiver: &str,
    command: Command,
    to: Status,
) -> AppResult<&'static str> {
    let books = command != Command::RequireVisit || db::practices::patient_books_with(c, receiver)?;
    Ok(rules::patient_notice_booking(command, to, books))
}

/// Applies one lifecycle command: load, check the version, ask the state machine, validate
/// the command's own fields, compare-and-set, then record the event, consent, thread cards,
/// notifications and audit row, all in one transaction. Returns the new status.
pub fn apply(
    svc: &Services,
    caller: &Caller,
    id: &str,
    command: Command,
    input: &CommandForm,
) -> AppResult<Status> {
    let version = version_of(input.version())?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let (r, party, status, queue) = access::load_for_queue(c, caller, id)?;
        // Who may act is decided before anything about the referral's current state is said.
        if party != command.by() {
            return Err(refusal(Refusal::NotYours {
                command,
                by: command.by(),
            }));
        }
        // An assistant does the paperwork and triage; sending (signing their draft),
        // accepting, declining and completing are the clinician's.
        access::refuse_delegate(caller, &offers::Offer::Command(command))?;
        // In a service's queue the coordinator triages; deciding waits for a claim.
        if let Some(role) = queue
            && !crate::domain::service::queue_may(role, command)
        {
            return Err(AppError::Conflict(
                "This referral waits in the service's queue: claim it first.".into(),
            ));
        }
        if r.version != version {
            return Err(stale(c, id, party));
        }
        // Only a draft's consent gate and a conversion (which carries them over) read the
        // consents.
        let mut l = access::around(
            c,
            r,
            party,
            status == Status::Draft || command == Command::Convert,
        )?;
        let t = rules::decide(status, party, command, l.facts(input.consent_verbal))
            .map_err(refusal)?;
        // Offers' rule beyond the machine, for outside receivers.
        if !offers::outside_may(command) && db::mail::is_external_doctor(c, &l.r.receiver_id)? {
            return Err(AppError::Conflict(
                "An outside doctor accepts, asks for information, declines or completes.".into(),
            ));
        }
        let asks = if command == Command::ProvideInfo {
            open_asks(c, id)?
        } else {
            Vec::new()
        };
        let step = form::validate(command, t.to, l.r.received_at.is_some(), input, &asks)
            .map_err(AppError::Invalid)?;
        // A send that repeats an open referral needs its reason, recorded with the send.
        if command == Command::Submit {
            super::duplicates::guard_submit(c, caller, &l.r, &input.note, now)?;
        }
        let mut changes = changes_of(&step, t.to, now);
        // A visit the coordinator asks for from the queue is nobody's to book until a member
        // takes the referral (the clock starts for the patient then: queue.rs).
        changes.due_at = Some(if queue.is_some() && t.to == Status::VisitRequired {
            None
        } else {
            crate::services::due::due_after(
                c,
                &l.r,
                t.to,
                now,
                &svc.mail.settings.default_time_zone,
            )?
        });
        // The due time the move is measured against, before the move replaces it.
        let before = db::analytics::clock_before(c, id)?;
        if db::referrals::compare_and_set(c, id, status, version, &changes)? == 0 {
            return Err(stale(c, id, party));
        }
        // Reaching someone away: their cover receives it, and everything below (counters,
        // cards, notices) is for the cover; the consent is recorded as given, to the
        // receiver, and passed on to the cover.
        let addressed = l.r.receiver_id.clone();
        let covered =
            if t.to == Status::Sent && matches!(command, Command::Submit | Command::Approve) {
                super::cover::cover_on_send(svc, c, caller, &l.r, version + 1, now)?
            } else {
                None
            };
        if let Some(to) = &covered {
            l.r.receiver_id = to.clone();
        }
        analytics::track(c, &l.r, &changes, before)?;
        // Signed and sent: off the practitioner's "to sign" list.
        if command == Command::Submit {
            db::assistants::clear(c, id)?;
        }
        let me = caller.actor.user_id();
        access::event_as(
            c,
            id,
            now,
            caller,
            EventRow {
                kind: command.as_str(),
                from: Some(status),
                to: Some(t.to),
                note: &step.note,
                patient_visible: t.patient_visible,
            },
        )?;
        record_asks(c, id, &step, now)?;
        let text = CardText {
            reason: &l.r.reason,
            message: &l.r.message,
            patient_name: &l.patient_name(),
            note: &step.note,
            question: l.r.kind.is_question(),
            advice: step.advice.as_deref().unwrap_or_default(),
        };
        let mut effects = rules::effects(command, t.to, input.consent_verbal, &text);
        // A service has no thread of its own (nobody would read it): the request card goes
        // to the member who takes it, and so does the coordinator's "I would like to see
        // you first" (services/referrals/queue.rs); the sender's card to the patient goes as
        // ever.
        if queue.is_some()
            || (matches!(command, Command::Submit | Command::Approve)
                && db::services::is_service(c, &l.r.receiver_id)?)
        {
            effects
                .cards
                .retain(|k| k.thread == crate::domain::referral::Thread::SenderPatient);
        }
        access::post_cards(c, caller, &l, &l.r.id, &effects.cards, now)?;
        match (command, step.convert_to) {
            (Command::Answer, _) => db::questions::set_recommends(c, id, step.recommends)
                .map(drop)
                .map_err(AppError::from)?,
            (Command::Convert, Some(start)) => {
                super::questions::convert(svc, c, caller, &l, start, now)?;
            }
            _ => {}
        }
        if let Some(method) = effects.consent {
            match &covered {
                Some(to) => {
                    l.r.receiver_id = addressed.clone();
                    record_consent(c, caller, &l, method, now)?;
                    super::cover::pass_consent(c, caller, &l.r, to, ConsentMethod::Cover, now)?;
                    l.r.receiver_id = to.clone();
                }
                None => record_consent(c, caller, &l, method, now)?,
            }
        }
        let actor_name = match me {
            Some(u) => db::users::get(c, u)?.display_name,
            None => "Someone".to_string(),
        };
        for p in t.notify {
            let (user, text) = match p {
                Party::Sender => (
                    Some(l.r.sender_id.as_str()),
                    rules::practitioner_notice(&actor_name, command, &l.patient_name()),
                ),
                Party::Receiver => (
                    Some(l.r.receiver_id.as_str()),
                    rules::practitioner_notice(&actor_name, command, &l.patient_name()),
                ),
                Party::Patient => (
                    l.patient.user_id.as_deref(),
                    crate::i18n::Lang::parse(&l.patient.language)
                        .unwrap_or_default()
                        .t(patient_notice(c, &l.r.receiver_id, command, t.to)?),
                ),
                Party::Other => (None, String::new()),
            };
            if let Some(u) = user {
                mail::notify(&svc.mail, c, u, Some(id), &text, now)?;
            }
        }
        // A cancelled referral's booked visits go with it (and out of the patient's calendar).
        if t.to == Status::Cancelled {
            crate::services::visit_mail::cancel_visits_of(&svc.mail, c, id, now)?;
        }
        // A patient without a portal account hears by e-mail, with their personal link.
        crate::services::patient_link::after_transition(
            &svc.mail,
            c,
            &l.r,
            &l.patient,
            (command, t.to),
            now,
        )?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "referral_transition",
                subject_type: "referral",
                subject_id: id,
                patient_id: Some(&l.r.patient_id),
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

/// New asks (a request for information opens a round) and answers (providing it).
fn record_asks(
    c: &mut DbConn,
    referral_id: &str,
    step: &Step,
    now: NaiveDateTime,
) -> AppResult<()> {
    if !step.asks.is_empty() {
        let round = db::asks::last_round(c, referral_id)? + 1;
        for (position, text) in step.asks.iter().enumerate() {
            db::asks::insert_ask(
                c,
                &db::asks::Ask {
                    id: db::new_id(),
                    referral_id: referral_id.into(),
                    round,
                    position: position as i64,
                    text: text.clone(),
                    answer: None,
                    answered_at: None,
                    created_at: now,
                },
            )?;
        }
    }
    for (ask_id, text) in &step.answers {
        db::asks::answer(c, ask_id, text, now)?;
    }
    Ok(())
}

/// Records the patient's consent to share the referral's scope with its receiver.
pub(super) fn record_consent(
    c: &mut DbConn,
    caller: &Caller,
    l: &Loaded,
    method: ConsentMethod,
    now: NaiveDateTime,
) -> AppResult<()> {
    let r = &l.r;
    // A patient approving through their link has no account: the consent is theirs, by link.
    let (method, recorded_by) = match (&caller.actor, method) {
        (Actor::PatientLink { .. }, ConsentMethod::InApp) => (ConsentMethod::Link, None),
        _ => (method, Some(caller.user_id()?.to_string())),
    };
    db::referrals::insert_consent(
        c,
        &Consent {
            id: db::new_id(),
            patient_id: r.patient_id.clone(),
            referral_id: r.id.clone(),
            recipient_id: r.receiver_id.clone(),
            method: method.as_str().into(),
            scope: r.scope.clone(),
            recorded_by,
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
            detail: format!("{}; scope: {}", method.how(), r.scope),
        },
    )
}

/// The receiver saves a draft of the outcome (summary and advice, validated as for
/// completing) without completing: a compare-and-set on the version. The clock completes the
/// referral with it some days after an attended visit (the clinic's rule) unless the
/// receiver completes first.
pub fn save_outcome_draft(
    svc: &Services,
    caller: &Caller,
    id: &str,
    input: &CommandForm,
) -> AppResult<()> {
    let version = version_of(input.version())?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let (r, party, status) = access::load_for(c, caller, id)?;
        let outside = db::mail::is_external_doctor(c, &r.receiver_id)?;
        // The outcome is the clinician's own words, never their assistant's.
        access::refuse_delegate(caller, &offers::Offer::DraftOutcome)?;
        if party != Party::Receiver || outside {
            return Err(AppError::Forbidden(
                "Only the receiving practitioner drafts the outcome.".into(),
            ));
        }
        let step = form::validate(Command::Complete, Status::Completed, true, input, &[])
            .map_err(AppError::Invalid)?;
        if !offers::may_draft_outcome(status, party, outside) {
            return Err(AppError::Conflict(
                "Only an accepted referral takes a draft outcome.".into(),
            ));
        }
        let (summary, advice) = step.outcome.unwrap_or_default();
        if db::clock::save_outcome_draft(c, id, version, (&summary, &advice), now)? == 0 {
            return Err(stale(c, id, party));
        }
        log_change(
            c,
            caller,
            now,
            Change {
                referral_id: id,
                patient_id: &r.patient_id,
                event: EventRow {
                    kind: "outcome_drafted",
                    from: None,
                    to: None,
                    note: "Outcome drafted (not sent yet)",
                    patient_visible: false,
                },
                action: "referral_edited",
                detail: "outcome draft".into(),
            },
        )
    })
}

/// The receiver tells the patient what to bring (a compare-and-set on the version).
pub fn set_what_to_bring(
    svc: &Services,
    caller: &Caller,
    id: &str,
    version: &str,
    text: &str,
) -> AppResult<()> {
    let version = version_of(version.trim().parse().ok())?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let (r, party, status) = access::load_for(c, caller, id)?;
        let outside = db::mail::is_external_doctor(c, &r.receiver_id)?;
        if party != Party::Receiver || outside {
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
        // Who asks was answered above; what is left of the offers' rule is the status.
        if !offers::may_set_what_to_bring(status, party, outside, r.kind.is_question()) {
            return Err(AppError::Conflict(
                "This referral is closed, or a question the patient brings nothing to.".into(),
            ));
        }
        if db::referrals::set_what_to_bring(c, id, version, &text, now)? == 0 {
            return Err(stale(c, id, party));
        }
        log_change(
            c,
            caller,
            now,
            Change {
                referral_id: id,
                patient_id: &r.patient_id,
                event: EventRow {
                    kind: "what_to_bring",
                    from: None,
                    to: None,
                    note: &format!("What to bring: {text}"),
                    patient_visible: true,
                },
                action: "referral_edited",
                detail: "what to bring".into(),
            },
        )
    })
}
