//! What each party sees: the referral page, the inbox, the sent list, the patient's and
//! the chart's lists.

use chrono::NaiveDateTime;

use super::access;
use crate::db::patients::Patient;
use crate::db::referrals::{Consent, Referral};
use crate::db::users::{Practitioner, User};
use crate::db::{self};
use crate::domain::referral::offers::{self, Offers, Situation};
use crate::domain::referral::{self as rules, Party, Status};
use crate::domain::snapshot::Snapshot;
use crate::error::AppResult;
use crate::services::delivery::{Delivery, delivery_of};
use crate::services::{AuditEntry, Caller, Services};

/// A timeline entry as shown.
pub struct TimelineEntry {
    /// The event's row id.
    pub id: String,
    pub at: NaiveDateTime,
    /// Who acted (`None`: Handoff itself).
    pub actor_id: Option<String>,
    /// Where the event moved the referral, if it moved it.
    pub to_status: Option<Status>,
    pub who: String,
    /// The assistant who made the move for `who`, if one did.
    pub helper: Option<String>,
    pub kind: String,
    pub note: String,
    /// For the patient: the message that words the event (`$note` is `note`), or `None`
    /// to show `note` as written.
    pub note_key: Option<&'static str>,
}

/// Everything the referral page shows to this viewer.
pub struct ReferralView {
    /// The referral row; its outcome only once completed (a draft is the receiver's alone,
    /// in `outcome_draft`).
    pub referral: Referral,
    /// The receiver's drafted outcome (summary, advice), for the complete form.
    pub outcome_draft: Option<(String, String)>,
    pub status: Status,
    pub party: Party,
    pub patient: Patient,
    pub sender: User,
    pub sender_clinic: String,
    pub receiver: User,
    pub receiver_practitioner: Practitioner,
    pub receiver_clinic: String,
    /// The practitioner the referral was addressed to, when the receiver covers for them.
    pub covering_for: Option<String>,
    /// A draft an assistant prepared for the sender to sign: who, and their note.
    pub prepared: Option<(String, String)>,
    /// The referral waits in the queue of a service the viewer belongs to.
    pub in_queue: bool,
    /// The coordinator's choices while the referral waits in their service's queue.
    pub queue_choices: Option<super::queue::QueueChoices>,
    /// The snapshot this viewer may see (already limited by consent and doctor-only).
    pub snapshot: Option<Snapshot>,
    /// Why the snapshot is not shown, if it is not.
    pub snapshot_hidden: Option<&'static str>,
    /// The receiver may no longer open what the sender shared (message, answers, their
    /// files, the letter): see `offers::receiver_reads_shared`.
    pub shared_withheld: bool,
    pub timeline: Vec<TimelineEntry>,
    /// Everything this viewer may do here now; the page shows only these.
    pub offers: Offers,
    /// Links and mail of an out-of-network referral (its sender only).
    pub delivery: Option<Delivery>,
    /// The patient's personal link, for a patient without a portal account (sender only).
    pub patient_link: Option<crate::services::patient_link::LinkState>,
    pub consents: Vec<Consent>,
    pub approval_required: bool,
    /// Visits booked for this referral.
    /// The referral's visits, their times on the receiver's practice's wall clock.
    pub visits: Vec<db::schedule::Appointment>,
    /// The zone those times are in ("IST, Asia/Kolkata").
    pub visits_zone: String,
    /// The message of the "what to bring" text while it is the kind's default.
    pub bring_key: Option<&'static str>,
    /// Need-info asks (practitioners only).
    pub asks: Vec<db::asks::Ask>,
    /// Attachments this viewer may open.
    pub attachments: Vec<db::asks::Attachment>,
    pub now: NaiveDateTime,
    /// When the current turn is due (`None`: nobody must act).
    pub due_at: Option<NaiveDateTime>,
    /// The app's zone, in which a patient reads the day something is due by.
    pub due_zone: chrono_tz::Tz,
    /// The patient's other referrals of the last 12 months (who, to whom, where they stand),
    /// for the sender and the receiver.
    pub history: Vec<super::duplicates::HistoryEntry>,
    /// Whether this viewer reads the patient's history (the shared-details rule).
    pub history_open: bool,
    /// The question's own row, when the referral is an advice question.
    pub question: Option<db::questions::Question>,
    /// The advice question this referral was made from (converted or recommended).
    pub from_question: Option<String>,
    /// A returned referral's advice was sent to the patient.
    pub advice_shared: bool,
    /// The receiver runs a practice the patient books with (a visit they ask for is
    /// booked there; without one, their practice arranges the time).
    pub receiver_books: bool,
}

/// Opens a referral for the caller. The view is audited before the page is returned.
pub fn view(svc: &Services, caller: &Caller, id: &str) -> AppResult<ReferralView> {
    let now = svc.now();
    let mut conn = svc.conn()?;
    let c = &mut *conn;
    let l = access::load(c, caller, id)?;
    let (party, status) = (l.party, l.status());
    let shared = l.shared_with_receiver();
    let consent_live = shared.is_some();
    // Only the sender's own view depends on it (see offers::reads_shared).
    let sender_in_care_team =
        party == Party::Sender && db::patients::in_care_team(c, &l.r.patient_id, &l.r.sender_id)?;
    let shared_open = offers::reads_shared(party, status, consent_live, sender_in_care_team);
    let (snapshot, snapshot_hidden) = match party {
        Party::Sender if !shared_open => (
            None,
            Some(
                "You are no longer in this patient's care team: the referral's clinical details are closed to you.",
            ),
        ),
        Party::Sender => (Some(Snapshot::from_json(&l.r.snapshot)), None),
        Party::Patient if l.r.doctor_only => (
            None,
            Some(
                "This referral is doctor-only: its clinical details are shared between your doctors.",
            ),
        ),
        Party::Patient => (Some(Snapshot::from_json(&l.r.snapshot)), None),
        Party::Receiver if !consent_live => (
            None,
            Some(
                "The patient's consent to share the clinical snapshot is not on record, or the patient withdrew it.",
            ),
        ),
        Party::Receiver if !shared_open => (
            None,
            Some(
                "This referral ended without you caring for the patient: the details the sender shared are no longer open to you.",
            ),
        ),
        Party::Receiver => (shared, None),
        Party::Other => (None, None),
    };
    let events = db::referrals::events(c, id)?;
    // Moves an assistant made for a practitioner name both ("Anita Rao for Dr Asha
    // Kulkarni"); only a timeline that has one reads the assistants' names.
    let helpers: Vec<&str> = events
        .iter()
        .filter_map(|(e, _)| e.acted_by.as_deref())
        .collect();
    let helper_names = db::users::names(c, &helpers)?;
    let helper = |e: &db::referrals::Event| {
        let a = e.acted_by.as_deref()?;
        helper_names
            .iter()
            .find(|(id, _)| id == a)
            .map(|(_, name)| name.clone())
    };
    let timeline: Vec<TimelineEntry> = events
        .into_iter()
        .filter(|(e, _)| party != Party::Patient || e.patient_visible)
        .filter(|(e, _)| party == Party::Sender || !rules::only_sender_reads(&e.kind))
        .map(|(e, who)| TimelineEntry {
            helper: helper(&e),
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            to_status: e.to_status,
            who: who.unwrap_or_else(|| "Handoff".into()),
            note_key: if party == Party::Patient {
                rules::patient_event_key(&e.kind, &e.note)
            } else {
                None
            },
            note: if party == Party::Patient {
                rules::patient_event_note(&e.kind, &e.note)
            } else {
                e.note
            },
            kind: e.kind,
        })
        .collect();
    let sender = db::users::get(c, &l.r.sender_id)?;
    let (receiver, receiver_practitioner) = db::users::get_practitioner(c, &l.r.receiver_id)?;
    let receiver_clinic_row = db::clinics::get(c, &receiver_practitioner.clinic_id)?;
    let practice = db::practices::get(c, &l.r.receiver_id)?;
    let has_practice = practice.is_some();
    let visits = db::schedule::for_referral(c, id)?;
    let withheld = matches!(party, Party::Sender | Party::Receiver) && !shared_open;
    let asks = if party == Party::Patient {
        Vec::new()
    } else {
        let mut asks = db::asks::asks(c, id)?;
        if withheld {
            // The questions were the receiver's own; the sender's answers go with the consent.
            for a in &mut asks {
                a.answer = None;
            }
        }
        asks
    };
    // Files open to whoever has the referral, not to its service's queue (they open once
    // a member takes it, as the downloads themselves decide).
    let attachments = if l.queue.is_some() {
        Vec::new()
    } else {
        db::asks::attachments(c, id)?
            .into_iter()
            .filter(|a| offers::may_open_file(party, a.purpose, l.r.doctor_only, shared_open))
            .collect()
    };
    let outside = db::mail::outside_address(c, &l.r.receiver_id)?;
    // Links and mail are the sender's to follow.
    let delivery = match &outside {
        Some(address) if party == Party::Sender => Some(delivery_of(
            c,
            id,
            (&l.r.receiver_id, address.clone()),
            now,
        )?),
        _ => None,
    };
    let outside = outside.is_some();
    let delivery = delivery.map(|mut d| {
        if withheld {
            // Held replies carry what the outside doctor wrote about the patient.
            d.held.clear();
        }
        d
    });
    let from_question = db::questions::made_into(c, id)?.map(|q| q.referral_id);
    let advice_shared = status == Status::Returned && db::questions::advice_shared(c, id)?;
    let situation = Situation {
        status,
        facts: l.facts(false),
        outside,
        live_link: delivery.as_ref().is_some_and(Delivery::has_live_link),
        address_correctable: delivery.as_ref().is_some_and(|d| d.address_correctable),
        receiver_books: has_practice && receiver_clinic_row.show_booking_prompts,
        visits: visits
            .iter()
            .map(db::schedule::Appointment::visit)
            .collect(),
        consent_live,
        sender_in_care_team,
        recommends: l.question.as_ref().is_some_and(|q| q.recommends),
        made_referral: l
            .question
            .as_ref()
            .is_some_and(|q| q.made_referral_id.is_some()),
        advice_shared,
        queue: l.queue,
        delegate: caller.actor.delegate().is_some(),
        receiver_has_practice: has_practice,
    };
    let situation_books = situation.receiver_books;
    let offers = offers::offers(&situation, party, now);
    let patient_link = match party {
        Party::Sender => Some(crate::services::patient_link::state(
            c, &l.r, &l.patient, now,
        )?)
        .filter(|s| s.reachable),
        _ => None,
    };
    // Offers were decided on UTC instants; the page shows the practice's wall clock.
    let (visits, visits_zone) =
        crate::services::visit_times::localized(visits, practice.as_ref(), now);
    // An outcome written on an accepted referral is a draft: only its author reads it.
    // Both doctors see the patient's other referrals (never their clinical details), so a
    // repeat is seen for what it is.
    // The patient's other referrals are shared data like the snapshot: a receiver who lost
    // the consent, or whose referral was cancelled or declined, no longer reads them.
    let history = if shared_open {
        super::duplicates::history(c, &l.r.patient_id, now, Some(id))?
    } else {
        Vec::new()
    };
    let mut r = l.r;
    // The patient reads a question's answer unless it is doctor-only, and a returned
    // referral's advice only once their doctor sent it to them.
    if party == Party::Patient
        && !offers::patient_reads_advice(status, r.doctor_only, advice_shared)
    {
        r.outcome_advice = None;
    }
    let outcome_draft = if status == Status::Accepted {
        let draft = r.outcome_summary.take().zip(r.outcome_advice.take());
        draft.filter(|_| party == Party::Receiver)
    } else {
        None
    };
    // Only a referral a cover received has the timeline entry saying so: the others skip
    // the read.
    let covering_for = if timeline
        .iter()
        .any(|e| matches!(e.kind.as_str(), "covered" | "handed_over"))
    {
        db::cover::covering_for(c, &r.id)?.map(|(_, name)| name)
    } else {
        None
    };
    let queue_choices = match l.queue {
        Some(crate::domain::service::QueueRole::Coordinator) => {
            Some(super::queue::choices(c, &r.receiver_id)?)
        }
        _ => None,
    };
    let prepared = if status == Status::Draft {
        db::assistants::prepared(c, &r.id)?
    } else {
        None
    };
    let view = ReferralView {
        prepared,
        in_queue: l.queue.is_some(),
        queue_choices,
        outcome_draft,
        status,
        party,
        sender_clinic: db::clinics::get(c, &r.sender_clinic_id)?.name,
        sender,
        receiver,
        receiver_practitioner,
        receiver_clinic: receiver_clinic_row.name,
        covering_for,
        snapshot,
        snapshot_hidden,
        shared_withheld: withheld,
        timeline,
        approval_required: l.approval_required,
        visits,
        visits_zone,
        patient_link,
        bring_key: rules::what_to_bring_key(r.kind, &r.what_to_bring),
        asks,
        attachments,
        now,
        due_at: db::referrals::due_times(c, &[id])?
            .into_iter()
            .next()
            .and_then(|(_, d)| d),
        due_zone: crate::domain::calendar::zone(&svc.mail.settings.default_time_zone)
            .unwrap_or(chrono_tz::Tz::UTC),
        history,
        history_open: shared_open,
        question: l.question,
        from_question,
        advice_shared,
        receiver_books: situation_books,
        offers,
        delivery,
        consents: l.consents,
        patient: l.patient,
        referral: if withheld {
            // The sender's message to the receiver is shared data too.
            Referral {
                message: String::new(),
                ..r
            }
        } else {
            r
        },
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
            detail: if view.in_queue {
                "as a member of the receiving service's queue".into()
            } else {
                format!("as {party:?}").to_lowercase()
            },
        },
    )?;
    Ok(view)
}
