//! The state machine of DESIGN section 2: which command leaves which status, by whom, to
//! where, and who is told.

use std::fmt;

use super::status::{Party, Status};

/// The commands of the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    Submit,
    Approve,
    Decline,
    RequestInfo,
    ProvideInfo,
    RequireVisit,
    Accept,
    Reject,
    Complete,
    Cancel,
    Redirect,
    /// The specialist answers an advice question.
    Answer,
    /// The specialist turns an advice question into a referral to themselves (only when
    /// the sender allowed it).
    Convert,
    /// The receiver declines a referral with advice for the sender (NHS e-RS's "return").
    Return,
}

pub const ALL_COMMANDS: [Command; 14] = [
    Command::Submit,
    Command::Approve,
    Command::Decline,
    Command::RequestInfo,
    Command::ProvideInfo,
    Command::RequireVisit,
    Command::Accept,
    Command::Reject,
    Command::Complete,
    Command::Cancel,
    Command::Redirect,
    Command::Answer,
    Command::Convert,
    Command::Return,
];

impl Command {
    /// The URL segment and form value.
    pub fn as_str(self) -> &'static str {
        match self {
            Command::Submit => "submit",
            Command::Approve => "approve",
            Command::Decline => "decline",
            Command::RequestInfo => "request_info",
            Command::ProvideInfo => "provide_info",
            Command::RequireVisit => "require_visit",
            Command::Accept => "accept",
            Command::Reject => "reject",
            Command::Complete => "complete",
            Command::Cancel => "cancel",
            Command::Redirect => "redirect",
            Command::Answer => "answer",
            Command::Convert => "convert",
            Command::Return => "return",
        }
    }

    pub fn parse(s: &str) -> Option<Command> {
        ALL_COMMANDS.into_iter().find(|c| c.as_str() == s)
    }

    /// The button label.
    pub fn label(self) -> &'static str {
        match self {
            Command::Submit => "Send referral",
            Command::Approve => "Approve and share",
            Command::Decline => "Decline",
            Command::RequestInfo => "Ask for information",
            Command::ProvideInfo => "Send the information",
            Command::RequireVisit => "Ask to see the patient first",
            Command::Accept => "Accept",
            Command::Reject => "Decline referral",
            Command::Complete => "Complete with outcome",
            Command::Cancel => "Cancel referral",
            Command::Redirect => "Redirect to someone else",
            Command::Answer => "Send the advice",
            Command::Convert => "Turn into a referral to me",
            Command::Return => "Return with advice",
        }
    }

    /// Who may issue the command.
    pub fn by(self) -> Party {
        match self {
            Command::Submit | Command::ProvideInfo | Command::Cancel | Command::Redirect => {
                Party::Sender
            }
            Command::Approve | Command::Decline => Party::Patient,
            Command::RequestInfo
            | Command::RequireVisit
            | Command::Accept
            | Command::Reject
            | Command::Complete
            | Command::Answer
            | Command::Convert
            | Command::Return => Party::Receiver,
        }
    }

    /// The statuses the command may leave from.
    pub fn from(self) -> &'static [Status] {
        use Status::*;
        match self {
            Command::Submit => &[Draft],
            Command::Approve | Command::Decline => &[AwaitingPatient],
            Command::RequestInfo | Command::RequireVisit => &[Sent],
            Command::ProvideInfo => &[NeedInfo],
            Command::Accept => &[Sent, VisitRequired],
            Command::Reject => &[Sent, NeedInfo, VisitRequired],
            Command::Complete => &[Accepted],
            Command::Cancel => &[
                Draft,
                AwaitingPatient,
                Sent,
                NeedInfo,
                VisitRequired,
                Accepted,
                Rejected,
            ],
            Command::Redirect => &[Rejected, Returned],
            Command::Answer | Command::Convert => &[Sent],
            Command::Return => &[Sent, NeedInfo, VisitRequired],
        }
    }

    /// Whether the command belongs to advice questions (true), to referrals (false), or to
    /// both (`None`).
    pub fn for_questions(self) -> Option<bool> {
        match self {
            Command::Answer | Command::Convert => Some(true),
            Command::RequireVisit
            | Command::Accept
            | Command::Reject
            | Command::Complete
            | Command::Redirect
            | Command::Return => Some(false),
            Command::Submit
            | Command::Approve
            | Command::Decline
            | Command::RequestInfo
            | Command::ProvideInfo
            | Command::Cancel => None,
        }
    }
}

/// Facts beyond status and party that some commands depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facts {
    /// The patient's clinic requires the patient to approve before sending.
    pub approval_required: bool,
    /// A live consent covering the ticked sections is on record (verbal, attested).
    pub consent_recorded: bool,
    /// The rejected referral was already redirected.
    pub already_redirected: bool,
    /// The referral is an advice question (its own small lifecycle in this machine).
    pub question: bool,
    /// The sender of the question allowed the specialist to turn it into a referral.
    pub may_convert: bool,
}

/// Why a command was refused, in words for the 409/403 page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The actor is not the party the command belongs to.
    NotYours {
        command: Command,
        by: Party,
    },
    /// The referral is not in a status the command leaves from.
    WrongStatus {
        command: Command,
        status: Status,
    },
    /// Sending needs the patient's consent first.
    ConsentMissing,
    AlreadyRedirected,
    /// The command is a referral's and this is an advice question, or the other way round.
    WrongKind {
        command: Command,
        question: bool,
    },
    /// The sender of the question did not allow turning it into a referral.
    ConversionNotAllowed,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotYours { command, by } => {
                write!(f, "Only {} can {}.", by.label(), command.label().to_lowercase())
            }
            Refusal::WrongStatus { command, status } => write!(
                f,
                "This referral is now “{}”, so “{}” is no longer possible.",
                status.label(),
                command.label()
            ),
            Refusal::ConsentMissing => f.write_str(
                "The patient's consent to share the ticked sections is needed before sending. Record it, or turn on patient approval.",
            ),
            Refusal::AlreadyRedirected => f.write_str("This referral was already redirected."),
            Refusal::WrongKind {
                command,
                question: true,
            } => write!(
                f,
                "This is an advice question: “{}” is for referrals. Answer it, ask for more, or turn it into a referral.",
                command.label()
            ),
            Refusal::WrongKind {
                command,
                question: false,
            } => write!(
                f,
                "“{}” is for advice questions, not referrals.",
                command.label()
            ),
            Refusal::ConversionNotAllowed => f.write_str(
                "The referring practitioner did not allow turning this question into a referral. Answer it and recommend a referral instead: they can send it in one click.",
            ),
        }
    }
}

/// The outcome of an accepted command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from: Status,
    pub to: Status,
    /// Parties to notify (never the actor).
    pub notify: Vec<Party>,
    /// Whether the patient may see this step in their timeline.
    pub patient_visible: bool,
}

/// Decides a command. The rules of DESIGN section 2, in one place.
pub fn decide(
    status: Status,
    party: Party,
    command: Command,
    facts: Facts,
) -> Result<Transition, Refusal> {
    if party != command.by() {
        return Err(Refusal::NotYours {
            command,
            by: command.by(),
        });
    }
    if command.for_questions().is_some_and(|q| q != facts.question) {
        return Err(Refusal::WrongKind {
            command,
            question: facts.question,
        });
    }
    if !command.from().contains(&status) {
        return Err(Refusal::WrongStatus { command, status });
    }
    use Status::*;
    let to = match command {
        Command::Submit if facts.approval_required => AwaitingPatient,
        Command::Submit if !facts.consent_recorded => return Err(Refusal::ConsentMissing),
        Command::Submit => Sent,
        Command::Approve => Sent,
        Command::Decline => DeclinedByPatient,
        Command::RequestInfo => NeedInfo,
        Command::ProvideInfo => Sent,
        Command::RequireVisit => VisitRequired,
        Command::Accept => Accepted,
        Command::Reject => Rejected,
        Command::Complete => Completed,
        Command::Cancel => Cancelled,
        // The declined or returned referral stays so; the new draft is linked to it.
        Command::Redirect if facts.already_redirected => return Err(Refusal::AlreadyRedirected),
        Command::Redirect => status,
        Command::Answer => Answered,
        Command::Convert if !facts.may_convert => return Err(Refusal::ConversionNotAllowed),
        Command::Convert => Converted,
        Command::Return => Returned,
    };
    let notify = match command {
        Command::Submit if to == AwaitingPatient => vec![Party::Patient],
        Command::Submit => vec![Party::Receiver, Party::Patient],
        Command::Approve => vec![Party::Sender, Party::Receiver],
        Command::Decline => vec![Party::Sender],
        Command::RequestInfo | Command::Reject | Command::Return => vec![Party::Sender],
        Command::Answer | Command::Convert => vec![Party::Sender, Party::Patient],
        Command::ProvideInfo => vec![Party::Receiver],
        Command::RequireVisit | Command::Accept | Command::Complete => {
            vec![Party::Sender, Party::Patient]
        }
        Command::Cancel if status.reached_receiver() => vec![Party::Receiver, Party::Patient],
        Command::Cancel if status == AwaitingPatient => vec![Party::Patient],
        Command::Cancel | Command::Redirect => vec![],
    };
    // The patient never learns of a rejection, nor of the back-and-forth between doctors.
    let patient_visible = !matches!(
        command,
        Command::Reject
            | Command::RequestInfo
            | Command::ProvideInfo
            | Command::Redirect
            | Command::Return
    );
    Ok(Transition {
        from: status,
        to,
        notify,
        patient_visible,
    })
}

/// The clock's own step: a referral nobody moved for the clinic's expiry period closes as
/// expired. No party issues it, so it is not a [`Command`]; every party that still cares is
/// told, the patient too (the patient reads "closed without a decision", never a reason
/// that was the doctors' to give).
pub fn expire(status: Status) -> Option<Transition> {
    status.may_expire().then(|| Transition {
        from: status,
        to: Status::Expired,
        notify: vec![Party::Sender, Party::Receiver, Party::Patient],
        patient_visible: true,
    })
}

/// The commands `party` may issue now: exactly those [`decide`] would accept.
pub fn allowed(status: Status, party: Party, facts: Facts) -> Vec<Command> {
    ALL_COMMANDS
        .into_iter()
        .filter(|c| {
            match decide(status, party, *c, facts) {
                Ok(_) => true,
                // Submit is offered without consent: the composer asks for it beside the
                // button and the refusal message says what is missing.
                Err(Refusal::ConsentMissing) => true,
                Err(_) => false,
            }
        })
        .collect()
}

/// Whether the patient is offered a "Book a visit" button: only when the receiver wants to
/// see them or has accepted, the receiver runs a practice in the scheduling portal, and the
/// receiver's clinic shows booking prompts.
pub fn booking_prompt(
    status: Status,
    receiver_has_practice: bool,
    clinic_shows_prompts: bool,
) -> bool {
    matches!(status, Status::VisitRequired | Status::Accepted)
        && receiver_has_practice
        && clinic_shows_prompts
}
