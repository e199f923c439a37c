//! What every referral use case starts from: the referral loaded once with the people and
//! consents around it, how the caller relates to it, the timeline row, and the errors a
//! refused or lost transition becomes. Imports no sibling module.

use chrono::NaiveDateTime;

use crate::db::patients::Patient;
use crate::db::referrals::{Consent, Event, Referral};
use crate::db::{self, DbConn};
use crate::domain::forms::FieldErrors;
use crate::domain::policy::{Action, Actor, ReferralFacts};
use crate::domain::referral::{self as rules, Command, Facts, Party, Refusal, Status};
use crate::domain::referral::{Author, Thread};
use crate::domain::service::QueueRole;
use crate::domain::snapshot::{self, Snapshot, scope_covers};
use crate::error::{AppError, AppResult};
use crate::services::{AuditEntry, Caller, audit, threads};

/// A referral as one transaction sees it: each row read once and passed on.
pub struct Loaded {
    pub r: Referral,
    pub party: Party,
    pub patient: Patient,
    /// The patient's clinic asks the patient to approve before a referral leaves.
    pub approval_required: bool,
    /// Live (not withdrawn) consents on this referral, newest first.
    pub consents: Vec<Consent>,
    /// The question's own row, when the referral is an advice question.
    pub question: Option<db::questions::Question>,
    /// The referral waits in the queue of a service the caller belongs to (the caller is
    /// then the receiving party, not yet its receiver).
    pub queue: Option<QueueRole>,
}

impl Loaded {
    /// Where the referral stands.
    pub fn status(&self) -> Status {
        self.r.status
    }

    /// The machine's facts; `consent_verbal` when the sender attests consent right now.
    pub fn facts(&self, consent_verbal: bool) -> Facts {
        let r = &self.r;
        Facts {
            approval_required: self.approval_required,
            consent_recorded: consent_verbal
                || self
                    .consents
                    .iter()
                    .any(|k| scope_covers(&k.scope, &r.scope) && k.recipient_id == r.receiver_id),
            already_redirected: r.redirected_to.is_some(),
            question: r.kind.is_question(),
            may_convert: self.question.as_ref().is_some_and(|q| q.may_convert),
        }
    }

    /// The patient's full name.
    pub fn patient_name(&self) -> String {
        format!("{} {}", self.patient.given_name, self.patient.family_name)
    }

    /// What the receiver may see of the snapshot: the sections the patient's live consent
    /// to this receiver covers, or `None` without one.
    pub fn shared_with_receiver(&self) -> Option<Snapshot> {
        within_consent(&self.r, &self.consents)
    }
}

/// The snapshot limited to the live consent given to the receiver, if there is one.
pub fn within_consent(r: &Referral, consents: &[Consent]) -> Option<Snapshot> {
    snapshot::shared_with_receiver(
        &r.snapshot,
        &r.receiver_id,
        consents
            .iter()
            .map(|k| (k.recipient_id.as_str(), k.scope.as_str())),
    )
}

/// Whether `party` reads the referral's clinical details now (`offers::reads_shared`),
/// reading only what that party's rule needs: the live consents for the receiver, the
/// care team for the sender.
pub fn reads_shared(c: &mut DbConn, r: &Referral, party: Party) -> AppResult<bool> {
    let consent_live = party == Party::Receiver && {
        let consents = db::referrals::live_consents(c, &r.id)?;
        within_consent(r, &consents).is_some()
    };
    let sender_in_care_team =
        party == Party::Sender && db::patients::in_care_team(c, &r.patient_id, &r.sender_id)?;
    Ok(rules::offers::reads_shared(
        party,
        r.status,
        consent_live,
        sender_in_care_team,
    ))
}

/// Refuses an assistant what their practitioner decides (`offers::delegate_offered`);
/// anyone else passes.
pub fn refuse_delegate(caller: &Caller, o: &rules::offers::Offer) -> AppResult<()> {
    if caller.actor.delegate().is_some() && !rules::offers::delegate_offered(o) {
        return Err(AppError::Forbidden(
            "An assistant prepares, answers and triages; the practitioner signs, accepts, declines and completes.".into(),
        ));
    }
    Ok(())
}

/// How the caller relates to a referral.
pub fn party_of(caller: &Caller, r: &Referral) -> Party {
    match &caller.actor {
        Actor::Practitioner { user_id, .. } if *user_id == r.sender_id => Party::Sender,
        Actor::Practitioner { user_id, .. } if *user_id == r.receiver_id => Party::Receiver,
        // An assistant stands where their practitioner stands.
        Actor::Assistant {
            principal: Some(p), ..
        } if *p == r.sender_id => Party::Sender,
        Actor::Assistant {
            principal: Some(p), ..
        } if *p == r.receiver_id => Party::Receiver,
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
        // A patient's link, like an outside doctor's, names one referral.
        Actor::PatientLink {
            patient_id,
            referral_id,
            ..
        } if *patient_id == r.patient_id && *referral_id == r.id => Party::Patient,
        _ => Party::Other,
    }
}

/// Loads the referral for the caller, if the policy lets them see it (outsiders get a 404:
/// they are not told it exists).
pub fn load_for(c: &mut DbConn, caller: &Caller, id: &str) -> AppResult<(Referral, Party, Status)> {
    let r = db::referrals::get(c, id)?;
    let party = party_of(caller, &r);
    authorize_view(caller, r, party)
}

/// [`load_for`] for the referral page and the lifecycle: a practitioner in the queue of the
/// service the referral waits with reads it as its receiving party (and may claim it);
/// only their role in the queue is read, and only for someone otherwise unrelated.
pub fn load_for_queue(
    c: &mut DbConn,
    caller: &Caller,
    id: &str,
) -> AppResult<(Referral, Party, Status, Option<QueueRole>)> {
    let r = db::referrals::get(c, id)?;
    let mut party = party_of(caller, &r);
    let mut queue = None;
    if let (Party::Other, Actor::Practitioner { user_id, .. }) = (party, &caller.actor) {
        queue = db::services::queue_role(c, &r.receiver_id, user_id)?;
        if queue.is_some() {
            party = Party::Receiver;
        }
    }
    let (r, party, status) = authorize_view(caller, r, party)?;
    Ok((r, party, status, queue))
}

fn authorize_view(
    caller: &Caller,
    r: Referral,
    party: Party,
) -> AppResult<(Referral, Party, Status)> {
    let id = r.id.clone();
    let status = r.status;
    let facts = ReferralFacts {
        party,
        status,
        received: r.received_at.is_some(),
    };
    match caller.authorize(&Action::ViewReferral(&facts), &format!("/referrals/{id}")) {
        Err(AppError::Forbidden(_)) => Err(AppError::NotFound),
        other => other.map(|_| (r, party, status)),
    }
}

/// [`load_for`], then the patient, the clinic's approval setting and the live consents:
/// everything a transition or the referral page decides on, read once.
pub fn load(c: &mut DbConn, caller: &Caller, id: &str) -> AppResult<Loaded> {
    let (r, party, _, queue) = load_for_queue(c, caller, id)?;
    let mut l = around(c, r, party, true)?;
    l.queue = queue;
    Ok(l)
}

/// The rows around a referral already loaded for its party; `with_consents` false leaves
/// the consents unread (only a draft's consent gate and the snapshot views need them).
pub fn around(c: &mut DbConn, r: Referral, party: Party, with_consents: bool) -> AppResult<Loaded> {
    let patient = db::patients::get(c, &r.patient_id)?;
    let approval_required = db::clinics::requires_patient_approval(c, &patient.clinic_id)?;
    let consents = if with_consents {
        db::referrals::live_consents(c, &r.id)?
    } else {
        Vec::new()
    };
    let question = if r.kind.is_question() {
        db::questions::get(c, &r.id)?
    } else {
        None
    };
    Ok(Loaded {
        r,
        party,
        patient,
        approval_required,
        consents,
        question,
        queue: None,
    })
}

/// Posts the transition's cards. Thread rows are locked before the audit head, in every
/// transaction, so two transactions never wait on each other in opposite orders.
pub fn post_cards(
    c: &mut DbConn,
    caller: &Caller,
    l: &Loaded,
    referral_id: &str,
    cards: &[rules::Card],
    now: NaiveDateTime,
) -> AppResult<()> {
    let r = &l.r;
    for card in cards {
        let thread = match card.thread {
            Thread::SenderPatient => {
                threads::practitioner_patient(c, &r.sender_id, &l.patient.id, now)?
            }
            Thread::ReceiverPatient => {
                threads::practitioner_patient(c, &r.receiver_id, &l.patient.id, now)?
            }
            Thread::SenderReceiver => {
                threads::between_practitioners(c, &r.sender_id, &r.receiver_id, now)?
            }
        };
        let author = match card.author {
            Author::Sender => Some(r.sender_id.as_str()),
            Author::Receiver => Some(r.receiver_id.as_str()),
            Author::Actor => caller.actor.user_id(),
        };
        threads::card(c, &thread, author, referral_id, card.kind, &card.body, now)?;
    }
    Ok(())
}

/// One row of the timeline.
pub struct EventRow<'a> {
    pub kind: &'a str,
    pub from: Option<Status>,
    pub to: Option<Status>,
    pub note: &'a str,
    pub patient_visible: bool,
}

/// Writes a timeline row.
pub fn event(
    c: &mut DbConn,
    referral_id: &str,
    at: NaiveDateTime,
    actor: Option<&str>,
    e: EventRow<'_>,
) -> AppResult<()> {
    event_row(c, referral_id, at, (actor, None), e)
}

/// Writes a timeline row of the caller's move: whose move it is and, when an assistant
/// made it for their practitioner, who did ("by Anita Rao for Dr Asha Kulkarni").
pub fn event_as(
    c: &mut DbConn,
    referral_id: &str,
    at: NaiveDateTime,
    caller: &Caller,
    e: EventRow<'_>,
) -> AppResult<()> {
    let who = (caller.actor.user_id(), caller.actor.delegate());
    event_row(c, referral_id, at, who, e)
}

fn event_row(
    c: &mut DbConn,
    referral_id: &str,
    at: NaiveDateTime,
    (actor, acted_by): (Option<&str>, Option<&str>),
    e: EventRow<'_>,
) -> AppResult<()> {
    db::referrals::insert_event(
        c,
        &Event {
            id: db::new_id(),
            referral_id: referral_id.into(),
            at,
            actor_id: actor.map(str::to_string),
            kind: e.kind.into(),
            from_status: e.from,
            to_status: e.to,
            note: e.note.into(),
            patient_visible: e.patient_visible,
            acted_by: acted_by.map(str::to_string),
        },
    )?;
    Ok(())
}

/// A change to a referral as the timeline and the audit log both record it.
pub struct Change<'a> {
    pub referral_id: &'a str,
    pub patient_id: &'a str,
    pub event: EventRow<'a>,
    /// The audit action (`referral_edited`, `link_sent`, ...).
    pub action: &'a str,
    pub detail: String,
}

/// Writes a change's timeline row (by the caller) and its audit row, in the transaction of
/// the change.
pub fn log_change(
    c: &mut DbConn,
    caller: &Caller,
    now: NaiveDateTime,
    ch: Change<'_>,
) -> AppResult<()> {
    event_as(c, ch.referral_id, now, caller, ch.event)?;
    audit(
        c,
        now,
        caller,
        AuditEntry {
            action: ch.action,
            subject_type: "referral",
            subject_id: ch.referral_id,
            patient_id: Some(ch.patient_id),
            detail: ch.detail,
        },
    )
}

/// The error a refusal of the machine becomes.
pub fn refusal(r: Refusal) -> AppError {
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
        Refusal::WrongKind { .. } | Refusal::ConversionNotAllowed => {
            AppError::Conflict(r.to_string())
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
pub fn stale(c: &mut DbConn, id: &str, party: Party) -> AppError {
    let now = db::referrals::get(c, id).ok();
    let current = now.as_ref().map(|r| r.status);
    if party == Party::Patient {
        let receiver = now
            .as_ref()
            .and_then(|r| db::users::get(c, &r.receiver_id).ok())
            .map_or(String::new(), |u| u.display_name);
        let label = current.map_or("changed".to_string(), |s| {
            crate::i18n::Lang::En.t_with(
                rules::patient_label(s),
                &[("receiver", crate::i18n::Arg::Text(receiver.as_str().into()))],
            )
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

/// The version a form carried, or the 400 that says it is missing.
pub fn version_of(form_version: Option<i64>) -> AppResult<i64> {
    form_version.ok_or_else(|| {
        AppError::BadRequest("The form is missing the referral's version; reload the page.".into())
    })
}
