//! The one answer to "what may this person do here now". Pages render only what
//! [`offers`] lists and services refuse what it does not, so a button and the service
//! behind it never disagree.

use chrono::NaiveDateTime;

pub use super::advice::{may_send_recommended, may_share_advice, patient_reads_advice};
use super::machine::{Command, Facts, allowed, booking_prompt};
use super::queue::{QueueRole, claimable, queue_may};
use super::status::{Party, Status};
use crate::domain::schedule::VisitStatus;

/// An action a page may show.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Offer {
    /// A lifecycle command's form (redirect is a link to the composer).
    Command(Command),
    /// Change the draft in the composer.
    EditDraft,
    /// Download the referral letter (PDF).
    Letter,
    /// Change what the patient should bring.
    SetWhatToBring,
    /// Save the outcome as a draft without completing.
    DraftOutcome,
    /// The sender attaches files answering the asks.
    AttachAnswers,
    /// The receiver attaches a consult note or report; for an order it completes it.
    AttachReport,
    /// The outside doctor writes a reply, with or without files.
    Reply,
    /// The patient books a visit with the receiver.
    BookVisit,
    /// The patient books again after a missed visit.
    BookAgain,
    /// The receiver marks a visit that has begun as attended or missed.
    MarkVisit(String),
    /// The patient cancels a visit that has not begun.
    CancelVisit(String),
    /// The sender withdraws the outside doctor's live link.
    WithdrawLink,
    /// The sender sends the letter again with a new link.
    ResendLink,
    /// The sender corrects the outside doctor's address after the letter was not
    /// delivered, and sends it again with a new link.
    CorrectAddress,
    /// The sender posts a reply that was held because its sender was not confirmed
    /// (discarding one is always open to them).
    PostHeldReply,
    /// The sender sends, in one click, the referral the answer to their question
    /// recommended.
    SendRecommended,
    /// The sender passes a returned referral's advice on to the patient.
    ShareAdvice,
    /// A member of the service it waits with takes it (it becomes theirs).
    Claim,
    /// The service's coordinator gives it to a member.
    Assign,
    /// The service's coordinator passes it to another service of the clinic.
    Forward,
    /// An assistant puts the draft on their practitioner's "to sign" list (the practitioner
    /// sends it).
    PrepareToSign,
    /// The receiver's practice (the receiver or their assistant) books the visit for the
    /// patient.
    BookForPatient,
}

/// Why a file is on the referral (stored as `attachments.purpose`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upload {
    /// The sender answers the asks of a request for information.
    Answers,
    /// The receiver adds a consult note or report before completing.
    Report,
    /// An outside doctor's reply carried it.
    Reply,
}

/// Every purpose.
pub const ALL_UPLOADS: [Upload; 3] = [Upload::Answers, Upload::Report, Upload::Reply];

impl Upload {
    /// The value stored in `attachments.purpose`.
    pub fn as_str(self) -> &'static str {
        match self {
            Upload::Answers => "info",
            Upload::Report => "outcome",
            Upload::Reply => "reply",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Upload> {
        ALL_UPLOADS.into_iter().find(|u| u.as_str() == s)
    }

    /// Whether the patient may open such a file: a report, unless the referral is
    /// doctor-only.
    pub fn patient_may_open(self, doctor_only: bool) -> bool {
        self == Upload::Report && !doctor_only
    }
}

/// Whether the receiver may open what the sender shared about the patient (the snapshot's
/// consented sections, the message, the answers to asks and their files, the letter):
/// only while the patient's consent to this receiver is live and the referral has not
/// ended without them caring for the patient (cancelled, declined by the patient, or
/// declined by the receiver). What the receiver wrote themselves stays theirs.
pub fn receiver_reads_shared(status: Status, consent_live: bool) -> bool {
    consent_live
        && !matches!(
            status,
            Status::Cancelled
                | Status::DeclinedByPatient
                | Status::Rejected
                | Status::Returned
                | Status::Expired
        )
}

/// Whether `party` reads the clinical details of a referral (the message, the snapshot, the
/// answers to asks, the files, the letter): the receiver by [`receiver_reads_shared`], the
/// sender only while they are in the patient's care team (removed from it, they keep the
/// referral's status and timeline, not the chart's content).
pub fn reads_shared(
    party: Party,
    status: Status,
    consent_live: bool,
    sender_in_care_team: bool,
) -> bool {
    match party {
        Party::Sender => sender_in_care_team,
        Party::Receiver => receiver_reads_shared(status, consent_live),
        Party::Patient | Party::Other => false,
    }
}

/// Whether `party` may open a file of this purpose; `shared_open` is [`reads_shared`] for
/// the party on the referral.
pub fn may_open_file(party: Party, purpose: Upload, doctor_only: bool, shared_open: bool) -> bool {
    match party {
        Party::Sender => shared_open,
        // The sender's answers are shared data; the receiver's reports and replies are theirs.
        Party::Receiver => purpose != Upload::Answers || shared_open,
        Party::Patient => purpose.patient_may_open(doctor_only),
        Party::Other => false,
    }
}

/// Whether (and why) `party` may attach files now. An outside doctor sends files with a
/// reply, while the referral is open to replies; a specialist attaches files to the advice
/// while the question waits for it (`question`).
pub fn upload(status: Status, party: Party, outside: bool, question: bool) -> Option<Upload> {
    match (party, status) {
        (Party::Sender, Status::NeedInfo) => Some(Upload::Answers),
        (Party::Receiver, s) if outside && s.takes_replies() => Some(Upload::Reply),
        (Party::Receiver, Status::Accepted) => Some(Upload::Report),
        (Party::Receiver, Status::Sent) if question => Some(Upload::Report),
        _ => None,
    }
}

/// Whether the sender may post a reply that was held for them (an outside doctor's
/// referral): while the referral takes replies.
pub fn sender_may_post_held(status: Status) -> bool {
    status.takes_replies()
}

/// Whether the sender may correct the outside doctor's address and send the letter again:
/// the address is correctable (see [`Situation::address_correctable`]) and the referral
/// still takes replies.
pub fn sender_may_correct_address(status: Status, correctable: bool) -> bool {
    correctable && status.takes_replies()
}

/// A visit booked for a referral, as the offers need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub id: String,
    pub status: VisitStatus,
    pub starts_at: NaiveDateTime,
}

/// What the offers depend on besides the party and the time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Situation {
    pub status: Status,
    /// The facts the state machine decides on.
    pub facts: Facts,
    /// The receiver is outside the network (answers through a link).
    pub outside: bool,
    /// An outside doctor's link is live.
    pub live_link: bool,
    /// The newest letter to the outside doctor was not delivered (refused or bounced) and
    /// their address is this referral's alone, so correcting it changes nothing else.
    pub address_correctable: bool,
    /// The receiver runs a practice and their clinic shows booking prompts.
    pub receiver_books: bool,
    pub visits: Vec<Visit>,
    /// The patient's consent to the receiver is live (see [`receiver_reads_shared`]).
    pub consent_live: bool,
    /// The sender is in the patient's care team (see [`reads_shared`]).
    pub sender_in_care_team: bool,
    /// An answered question recommends a referral (see [`may_send_recommended`]).
    pub recommends: bool,
    /// The question already made its referral (converted, or the recommended one sent).
    pub made_referral: bool,
    /// A returned referral's advice was already sent to the patient.
    pub advice_shared: bool,
    /// The referral waits in the queue of a service the viewer belongs to (the viewer is
    /// then the receiving party, but not yet its receiver): how they stand in it.
    pub queue: Option<QueueRole>,
    /// The viewer is an assistant acting for the party (see [`delegate_may`]).
    pub delegate: bool,
    /// The receiver runs a practice (whatever the clinic's booking prompts).
    pub receiver_has_practice: bool,
}

/// What a party is offered on one referral.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offers(pub Vec<Offer>);

impl Offers {
    /// Whether `o` is offered.
    pub fn has(&self, o: &Offer) -> bool {
        self.0.contains(o)
    }

    /// Whether the lifecycle command is offered.
    pub fn command(&self, c: Command) -> bool {
        self.has(&Offer::Command(c))
    }

    /// Whether any lifecycle command is offered.
    pub fn any_command(&self) -> bool {
        self.0.iter().any(|o| matches!(o, Offer::Command(_)))
    }

    /// The lifecycle commands offered, in lifecycle order.
    pub fn commands(&self) -> Vec<Command> {
        self.0
            .iter()
            .filter_map(|o| match o {
                Offer::Command(c) => Some(*c),
                _ => None,
            })
            .collect()
    }
}

impl Visit {
    /// The practice marks a booked visit attended or missed once it has begun.
    pub fn receiver_may_mark(&self, now: NaiveDateTime) -> bool {
        self.status == VisitStatus::Booked && self.starts_at <= now
    }

    /// The patient cancels (or moves) a booked visit until it begins; after that it is the
    /// practice's to mark.
    pub fn patient_may_cancel(&self, now: NaiveDateTime) -> bool {
        self.status == VisitStatus::Booked && self.starts_at > now
    }
}

/// What the viewer of one visit may do with it now.
pub fn visit_offers(v: &Visit, party: Party, now: NaiveDateTime) -> Vec<Offer> {
    match party {
        Party::Receiver if v.receiver_may_mark(now) => vec![Offer::MarkVisit(v.id.clone())],
        Party::Patient if v.patient_may_cancel(now) => vec![Offer::CancelVisit(v.id.clone())],
        _ => Vec::new(),
    }
}

/// Whether an outside doctor may issue the command: they answer on their link page, and
/// have no patient portal to see the patient through first.
pub fn outside_may(c: Command) -> bool {
    c != Command::RequireVisit
}

/// Whether `party` may change what the patient should bring: the receiving practitioner of
/// an open referral, in the network (an outside doctor has no portal to tell the patient);
/// never on an advice question, which brings the patient nowhere.
pub fn may_set_what_to_bring(status: Status, party: Party, outside: bool, question: bool) -> bool {
    party == Party::Receiver && !outside && !question && !status.is_terminal()
}

/// Whether `party` may book the visit for the patient: the receiver in the network with a
/// practice, once the referral wants a visit (accepted, or a visit required first), while
/// none is booked (a booked one is the patient's to move, or the practice's to mark).
pub fn practice_may_book(
    status: Status,
    party: Party,
    outside: bool,
    has_practice: bool,
    visit_booked: bool,
) -> bool {
    party == Party::Receiver
        && !outside
        && has_practice
        && matches!(status, Status::Accepted | Status::VisitRequired)
        && !visit_booked
}

/// Whether `party` may save a draft of the outcome: the receiver in the network, while the
/// referral is accepted (the clock completes it with the draft some days after an attended
/// visit; an outside doctor completes from the link page in one step).
pub fn may_draft_outcome(status: Status, party: Party, outside: bool) -> bool {
    party == Party::Receiver && !outside && status == Status::Accepted
}

/// What a member or the coordinator of the service a referral waits with may do besides
/// reading its page: claim it, and for the coordinator triage, assign and forward it.
/// Nothing a receiver decides on (nor the letter, files or outcome) until it is claimed.
fn queue_offers(s: &Situation, role: QueueRole) -> Offers {
    let mut out: Vec<Offer> = allowed(s.status, Party::Receiver, s.facts)
        .into_iter()
        .filter(|c| queue_may(role, *c))
        .map(Offer::Command)
        .collect();
    if claimable(s.status) {
        out.push(Offer::Claim);
        if role == QueueRole::Coordinator {
            out.push(Offer::Assign);
            out.push(Offer::Forward);
        }
    }
    Offers(out)
}

/// The lifecycle commands an assistant may issue for their practitioner: the paperwork
/// (answering a request for information) and triage (asking for information, asking to see
/// the patient first). Sending, accepting, declining, completing and withdrawing are the
/// clinician's: a draft an assistant prepared is sent when the practitioner signs it.
pub fn delegate_may(c: Command) -> bool {
    matches!(
        c,
        Command::RequestInfo | Command::ProvideInfo | Command::RequireVisit
    )
}

/// Whether an assistant may take `o` for their practitioner: [`delegate_may`]'s commands
/// and the paperwork (editing a draft, the letter, what to bring, the asks' files, the
/// visits, an outside doctor's link and address), never a decision or a message to the
/// patient in the clinician's name. Services ask it again behind each button.
pub fn delegate_offered(o: &Offer) -> bool {
    match o {
        Offer::Command(c) => delegate_may(*c),
        Offer::EditDraft
        | Offer::Letter
        | Offer::SetWhatToBring
        | Offer::AttachAnswers
        | Offer::MarkVisit(_)
        | Offer::WithdrawLink
        | Offer::ResendLink
        | Offer::CorrectAddress
        | Offer::PostHeldReply
        | Offer::BookForPatient
        | Offer::PrepareToSign => true,
        _ => false,
    }
}

/// Every action `party` may take on the referral now.
pub fn offers(s: &Situation, party: Party, now: NaiveDateTime) -> Offers {
    let all = offers_to_party(s, party, now);
    if !s.delegate {
        return all;
    }
    let mut out: Vec<Offer> = all.0.into_iter().filter(delegate_offered).collect();
    if party == Party::Sender && s.status == Status::Draft {
        out.push(Offer::PrepareToSign);
    }
    Offers(out)
}

fn offers_to_party(s: &Situation, party: Party, now: NaiveDateTime) -> Offers {
    if party == Party::Receiver
        && let Some(role) = s.queue
    {
        return queue_offers(s, role);
    }
    let mut out: Vec<Offer> = allowed(s.status, party, s.facts)
        .into_iter()
        // An outside doctor has no portal to see the patient through: their link page asks,
        // accepts, declines and completes.
        .filter(|c| !s.outside || outside_may(*c))
        .map(Offer::Command)
        .collect();
    let practitioner = matches!(party, Party::Sender | Party::Receiver);
    if party == Party::Sender && s.status == Status::Draft {
        out.push(Offer::EditDraft);
    }
    // The letter carries the shared details: the receiver loses it with them.
    let letter_open = reads_shared(party, s.status, s.consent_live, s.sender_in_care_team);
    if practitioner && s.status != Status::Draft && letter_open {
        out.push(Offer::Letter);
    }
    if may_set_what_to_bring(s.status, party, s.outside, s.facts.question) {
        out.push(Offer::SetWhatToBring);
    }
    if may_draft_outcome(s.status, party, s.outside) {
        out.push(Offer::DraftOutcome);
    }
    let booked = s.visits.iter().any(|v| v.status == VisitStatus::Booked);
    if practice_may_book(s.status, party, s.outside, s.receiver_has_practice, booked) {
        out.push(Offer::BookForPatient);
    }
    match upload(s.status, party, s.outside, s.facts.question) {
        Some(Upload::Answers) => out.push(Offer::AttachAnswers),
        Some(Upload::Report) => out.push(Offer::AttachReport),
        Some(Upload::Reply) => out.push(Offer::Reply),
        None => {}
    }
    if party == Party::Patient && booking_prompt(s.status, s.receiver_books, true) {
        out.push(Offer::BookVisit);
    }
    // A missed visit is rebooked whatever the prompts setting: the patient was told to.
    if party == Party::Patient && s.visits.iter().any(|v| v.status == VisitStatus::NoShow) {
        out.push(Offer::BookAgain);
    }
    for v in &s.visits {
        out.extend(visit_offers(v, party, now));
    }
    if may_send_recommended(
        s.status,
        party,
        s.recommends && !s.made_referral,
        s.sender_in_care_team,
    ) {
        out.push(Offer::SendRecommended);
    }
    if may_share_advice(s.status, party, s.advice_shared, s.sender_in_care_team) {
        out.push(Offer::ShareAdvice);
    }
    if party == Party::Sender && s.outside {
        if s.live_link {
            out.push(Offer::WithdrawLink);
        }
        // Sending the details again, elsewhere, or reading held replies is for a sender who
        // still cares for the patient; withdrawing the link never needs that.
        if s.sender_in_care_team {
            if s.status.takes_replies() {
                out.push(Offer::ResendLink);
            }
            if sender_may_correct_address(s.status, s.address_correctable) {
                out.push(Offer::CorrectAddress);
            }
            if sender_may_post_held(s.status) {
                out.push(Offer::PostHeldReply);
            }
        }
    }
    Offers(out)
}

#[cfg(test)]
mod tests;
