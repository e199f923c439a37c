//! A service's shared queue: a member claims a referral addressed to the service, the
//! coordinator assigns it to a member or forwards it to another service of the clinic.
//! Each is one compare-and-set on the referral's version: of two members claiming at once
//! one wins and the other is told who.

use chrono::NaiveDateTime;

use super::access::{self, EventRow, event};
use super::cover::pass_consent;
use crate::db::referrals::{ListRow, Referral};
use crate::db::{self, DbConn};
use crate::domain::referral::{self as rules, Command, ConsentMethod, Party, Status};
use crate::domain::service::{QueueRole, claimable};
use crate::error::{AppError, AppResult};
use crate::services::{AuditEntry, Caller, Services, analytics, audit, mail};

/// Who a referral in a queue may go to, for the coordinator's forms.
pub struct QueueChoices {
    /// The service's members, (id, name).
    pub members: Vec<(String, String)>,
    /// The clinic's other services, (id, name).
    pub services: Vec<(String, String)>,
}

/// The coordinator's choices on a referral waiting with their service.
pub fn choices(c: &mut DbConn, service_id: &str) -> AppResult<QueueChoices> {
    let clinic = db::users::get(c, service_id)?.clinic_id;
    Ok(QueueChoices {
        members: db::services::members(c, service_id)?,
        services: db::services::of_clinic(c, &clinic)?
            .into_iter()
            .filter(|s| s.row.id != service_id && s.accepting)
            .map(|s| (s.row.id, s.name))
            .collect(),
    })
}

/// What the move does.
enum Move<'a> {
    Claim,
    Assign(&'a str),
    Forward(&'a str, &'a str),
}

/// Loads the referral for a queue move: the caller must stand in the queue of the service
/// it waits with (`need` the coordinator for assigning and forwarding), and it must still
/// be open to a claim.
fn load(
    c: &mut DbConn,
    caller: &Caller,
    id: &str,
    version: i64,
    coordinator: bool,
) -> AppResult<(Referral, Status)> {
    // Taken from a queue the caller is in while they looked: say who has it (409), not 404.
    if let Some(taken_from) = db::services::taken_from(c, id)?
        && let Some(me) = caller.actor.user_id()
        && db::services::queue_role(c, &taken_from, me)?.is_some()
        && db::referrals::get(c, id)?.receiver_id != me
    {
        return Err(lost(c, id, &taken_from));
    }
    let (r, party, status, queue) = access::load_for_queue(c, caller, id)?;
    let Some(role) = queue else {
        return Err(if party == Party::Receiver {
            AppError::Conflict("This referral is yours already.".into())
        } else {
            AppError::forbidden()
        });
    };
    if coordinator && role != QueueRole::Coordinator {
        return Err(AppError::forbidden());
    }
    if r.version != version || !claimable(status) {
        return Err(lost(c, &r.id, &r.receiver_id));
    }
    Ok((r, status))
}

/// The 409 of a move that lost: who has the referral now, when someone claimed it.
fn lost(c: &mut DbConn, id: &str, service_id: &str) -> AppError {
    let holder = db::referrals::get(c, id)
        .ok()
        .filter(|r| r.receiver_id != service_id)
        .and_then(|r| db::users::get(c, &r.receiver_id).ok());
    AppError::Conflict(match holder {
        Some(u) => format!(
            "{} has this referral now (they took it first). Nothing was changed.",
            u.display_name
        ),
        None => "This referral changed while you were looking at it. Reload it to see where it stands; nothing was changed.".into(),
    })
}

fn apply_move(
    svc: &Services,
    caller: &Caller,
    id: &str,
    version: i64,
    m: Move<'_>,
) -> AppResult<String> {
    let now = svc.now();
    let me = caller.user_id()?.to_string();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let (r, status) = load(c, caller, id, version, !matches!(m, Move::Claim))?;
        let service = r.receiver_id.clone();
        let service_name = db::users::get(c, &service)?.display_name;
        let (to, kind) = match &m {
            Move::Claim => (me.clone(), "claimed"),
            Move::Assign(member) => {
                if *member == r.sender_id
                    || !db::services::members(c, &service)?
                        .iter()
                        .any(|(id, _)| id == member)
                {
                    let mut e = crate::domain::forms::FieldErrors::new();
                    e.add("member_id", "Choose a member of the service.");
                    return Err(AppError::Invalid(e));
                }
                (member.to_string(), "assigned")
            }
            Move::Forward(other, _) => {
                if !choices(c, &service)?
                    .services
                    .iter()
                    .any(|(id, _)| id == other)
                {
                    let mut e = crate::domain::forms::FieldErrors::new();
                    e.add("service_id", "Choose another service of the clinic.");
                    return Err(AppError::Invalid(e));
                }
                (other.to_string(), "forwarded")
            }
        };
        if db::services::take(c, (id, version), (&service, &to), now)? == 0 {
            return Err(lost(c, id, &service));
        }
        // Who took it from which service, for the service's figures (a forward leaves it
        // to the next service to record).
        if !matches!(m, Move::Forward(..)) {
            db::services::mark_referral(c, id, &service)?;
        }
        analytics::move_receiver(c, &r, &to)?;
        // The patient agreed to share with this service: its members may read it. Another
        // service reads only what the patient agrees to share with it.
        if !matches!(m, Move::Forward(..)) {
            pass_consent(c, caller, &r, &to, ConsentMethod::Service, now)?;
        }
        let to_name = db::users::get(c, &to)?.display_name;
        let my_name = db::users::get(c, &me)?.display_name;
        let note = match &m {
            Move::Claim => format!("{to_name} took this referral from {service_name}."),
            Move::Assign(_) => {
                format!("{my_name} gave this referral to {to_name}, of {service_name}.")
            }
            Move::Forward(_, why) if why.trim().is_empty() => {
                format!("{my_name} passed this referral from {service_name} to {to_name}.")
            }
            Move::Forward(_, why) => format!(
                "{my_name} passed this referral from {service_name} to {to_name}: {}",
                why.trim()
            ),
        };
        told(svc, c, &r, (&to, &me), kind, &note, now)?;
        // The request card the sender's send would have left with a practitioner.
        if !matches!(m, Move::Forward(..)) {
            request_card(c, &r, &to, now)?;
            // The coordinator asked to see the patient first: whoever takes it sees them, and
            // the patient's clock to book starts now.
            if status == Status::VisitRequired {
                visit_first(svc, c, &r, &to, now)?;
                let mut taken = r.clone();
                taken.receiver_id = to.clone();
                let due = crate::services::due::due_after(
                    c,
                    &taken,
                    Status::VisitRequired,
                    now,
                    &svc.mail.settings.default_time_zone,
                )?;
                db::clock::set_due(c, id, version + 1, due)?;
            }
        }
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "referral_queue_move",
                subject_type: "referral",
                subject_id: id,
                patient_id: Some(&r.patient_id),
                detail: format!("{kind}: {service} -> {to}"),
            },
        )?;
        Ok(to_name)
    })
}

/// The timeline entry (the patient sees who has it now) and the notices: the sender, and
/// whoever was given it (for a forward, the other service's members).
fn told(
    svc: &Services,
    c: &mut DbConn,
    r: &Referral,
    (to, me): (&str, &str),
    kind: &str,
    note: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    event(
        c,
        &r.id,
        now,
        Some(me),
        EventRow {
            kind,
            from: None,
            to: None,
            note,
            patient_visible: true,
        },
    )?;
    mail::notify(&svc.mail, c, &r.sender_id, Some(&r.id), note, now)?;
    if to != me {
        mail::notify(&svc.mail, c, to, Some(&r.id), note, now)?;
    }
    Ok(())
}

/// Posts the referral's request card in the thread between its sender and the member who
/// now has it.
fn request_card(c: &mut DbConn, r: &Referral, to: &str, now: NaiveDateTime) -> AppResult<()> {
    let patient = db::patients::get(c, &r.patient_id)?;
    let name = format!("{} {}", patient.given_name, patient.family_name);
    let card = crate::domain::referral::request_card(&crate::domain::referral::CardText {
        reason: &r.reason,
        message: &r.message,
        patient_name: &name,
        note: "",
        question: r.kind.is_question(),
        advice: "",
    });
    let thread = crate::services::threads::between_practitioners(c, &r.sender_id, to, now)?;
    crate::services::threads::card(
        c,
        &thread,
        Some(&r.sender_id),
        &r.id,
        card.kind,
        &card.body,
        now,
    )
}

/// A referral the coordinator wanted the patient seen for was taken by `to`: the patient
/// hears from them as from a receiver asking to see them first (their card; and when `to`
/// runs a practice the patient books with, a notice to book and, for a patient without an
/// account, the e-mail with the booking link. Without one, the coordinator's notice that
/// they will be seen stands).
fn visit_first(
    svc: &Services,
    c: &mut DbConn,
    r: &Referral,
    to: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let patient = db::patients::get(c, &r.patient_id)?;
    let name = format!("{} {}", patient.given_name, patient.family_name);
    // The coordinator's note to the patient, as the timeline has it.
    let note = db::referrals::events(c, &r.id)?
        .into_iter()
        .rev()
        .find(|(e, _)| e.kind == Command::RequireVisit.as_str())
        .map(|(e, _)| e.note)
        .unwrap_or_default();
    let text = rules::CardText {
        reason: &r.reason,
        message: &r.message,
        patient_name: &name,
        note: &note,
        question: r.kind.is_question(),
        advice: "",
    };
    let thread = crate::services::threads::practitioner_patient(c, to, &patient.id, now)?;
    for card in rules::effects(Command::RequireVisit, Status::VisitRequired, false, &text).cards {
        crate::services::threads::card(c, &thread, Some(to), &r.id, card.kind, &card.body, now)?;
    }
    if !db::practices::patient_books_with(c, to)? {
        return Ok(());
    }
    if let Some(user) = patient.user_id.as_deref() {
        let lang = crate::i18n::Lang::parse(&patient.language).unwrap_or_default();
        let notice = lang.t(rules::patient_notice(
            Command::RequireVisit,
            Status::VisitRequired,
        ));
        mail::notify(&svc.mail, c, user, Some(&r.id), &notice, now)?;
    }
    let mut taken = r.clone();
    taken.receiver_id = to.to_string();
    crate::services::patient_link::after_transition(
        &svc.mail,
        c,
        &taken,
        &patient,
        (Command::RequireVisit, Status::VisitRequired),
        now,
    )
}

/// A member (or the coordinator) takes a referral from the service's queue; returns their
/// own name.
pub fn claim(svc: &Services, caller: &Caller, id: &str, version: i64) -> AppResult<String> {
    apply_move(svc, caller, id, version, Move::Claim)
}

/// The coordinator gives a referral waiting in the queue to a member; returns their name.
pub fn assign(
    svc: &Services,
    caller: &Caller,
    id: &str,
    version: i64,
    member_id: &str,
) -> AppResult<String> {
    apply_move(svc, caller, id, version, Move::Assign(member_id))
}

/// The coordinator passes a referral to another service of the clinic, with a note;
/// returns the service's name.
pub fn forward(
    svc: &Services,
    caller: &Caller,
    id: &str,
    version: i64,
    service_id: &str,
    note: &str,
) -> AppResult<String> {
    if note.chars().count() > 500 || crate::domain::forms::has_control_chars(note) {
        let mut e = crate::domain::forms::FieldErrors::new();
        e.add("note", "The note must be at most 500 characters of text.");
        return Err(AppError::Invalid(e));
    }
    apply_move(svc, caller, id, version, Move::Forward(service_id, note))
}

/// How many rows a page of a service's taken referrals shows.
pub const TAKEN_PAGE: i64 = 25;

/// The referrals members took from a service (claimed or were assigned), newest sent first:
/// the "my services" view beside the queue, so that the team sees who has what.
pub struct TakenPage {
    /// The service, (id, name).
    pub service: (String, String),
    /// The services whose queues the caller sees, (id, name), for the inbox's tabs.
    pub queues: Vec<(String, String)>,
    pub rows: Vec<ListRow>,
    pub next_cursor: Option<String>,
    /// The caller: the rows they have open for them.
    pub me: String,
}

/// One page of what members took from `service_id`, after the cursor `after`. Only the
/// service's members and coordinator see it (anyone else: 404); each row opens only for
/// whoever has the referral now, as ever.
pub fn taken(
    svc: &Services,
    caller: &Caller,
    service_id: &str,
    after: &str,
) -> AppResult<TakenPage> {
    caller.authorize(&crate::domain::policy::Action::Refer, "/queues")?;
    // An assistant works their practitioner's referrals, not the queues they are in.
    if caller.actor.delegate().is_some() {
        return Err(AppError::NotFound);
    }
    let me = caller.user_id()?;
    let after = crate::domain::cursor::decode(after).map(|a| (a.at, a.id));
    let mut conn = svc.conn()?;
    db::read_tx(&mut conn, |c| {
        let queues = db::services::queues_of(c, me)?;
        let service = queues
            .iter()
            .find(|(s, _)| s == service_id)
            .cloned()
            .ok_or(AppError::NotFound)?;
        let rows = db::services::taken(c, service_id, after.as_ref(), TAKEN_PAGE + 1)?;
        let page = crate::domain::cursor::Page::of(rows, TAKEN_PAGE as usize, |(r, ..)| {
            crate::domain::cursor::encode(r.submitted_at.unwrap_or(r.created_at), &r.id)
        });
        Ok(TakenPage {
            service,
            queues,
            rows: page.rows,
            next_cursor: page.next,
            me: me.to_string(),
        })
    })
}
