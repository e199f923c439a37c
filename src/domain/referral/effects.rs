//! What a transition leaves behind besides its own row and event: cards in the threads
//! between the people (DESIGN section 3) and the consent it records (section 4).

use super::form::DEFAULT_ACCEPT_NOTE;
use super::machine::Command;
use super::status::Status;

/// Which of the referral's threads a card goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thread {
    SenderPatient,
    ReceiverPatient,
    SenderReceiver,
}

/// Who a card is written by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    Sender,
    Receiver,
    /// Whoever issued the command (the patient, for their own answers).
    Actor,
}

/// One card posted into a thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub thread: Thread,
    pub author: Author,
    /// The card kind stored with the message (`approval_request`, `request`, ...).
    pub kind: &'static str,
    pub body: String,
}

/// How a consent was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentMethod {
    /// The sender attests the patient agreed.
    Verbal,
    /// The patient approved in the portal.
    InApp,
    /// The patient approved through their personal link (no portal account).
    Link,
    /// The receiver, away, handed the referral to the colleague covering for them: the
    /// patient's consent to the receiver passes to that colleague (the patient is told and
    /// may withdraw it).
    Cover,
    /// A member of the service the patient consented to took the referral (claimed,
    /// assigned or forwarded within the clinic): the consent passes to them.
    Service,
}

impl ConsentMethod {
    /// The value stored in `consents.method`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentMethod::Verbal => "verbal",
            ConsentMethod::InApp => "in_app",
            ConsentMethod::Link => "link",
            ConsentMethod::Cover => "cover",
            ConsentMethod::Service => "service",
        }
    }

    /// How the audit log describes it.
    pub fn how(self) -> &'static str {
        match self {
            ConsentMethod::Verbal => "verbal, attested",
            ConsentMethod::InApp => "in-app by the patient",
            ConsentMethod::Link => "by the patient, through their personal link",
            ConsentMethod::Cover => "passed on by the receiver to the colleague covering for them",
            ConsentMethod::Service => "passed on within the service the patient consented to",
        }
    }
}

/// What a card's text is made of.
#[derive(Debug, Clone, Copy)]
pub struct CardText<'a> {
    pub reason: &'a str,
    pub message: &'a str,
    pub patient_name: &'a str,
    /// The transition's timeline note.
    pub note: &'a str,
    /// The referral is an advice question.
    pub question: bool,
    /// The advice of an answer or a return (empty for other commands).
    pub advice: &'a str,
}

/// The cards (in the order to post them) and the consent a transition records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects {
    pub cards: Vec<Card>,
    pub consent: Option<ConsentMethod>,
}

/// The request card the receiver finds in the thread with the sender (posted when a member
/// takes a referral from a service's queue, too: a service has no thread of its own).
pub fn request_card(t: &CardText<'_>) -> Card {
    let what = if t.question {
        "Advice question"
    } else {
        "Referral request"
    };
    let head = format!("{what}: {} — {}", t.patient_name, t.reason);
    Card {
        thread: Thread::SenderReceiver,
        author: Author::Sender,
        kind: "request",
        body: if t.message.is_empty() {
            head
        } else {
            format!("{head}\n\n{}", t.message)
        },
    }
}

/// The effects of `command`, which took the referral to `to`.
pub fn effects(command: Command, to: Status, consent_verbal: bool, t: &CardText<'_>) -> Effects {
    let card = |thread, author, kind, body: String| Card {
        thread,
        author,
        kind,
        body,
    };
    match command {
        Command::Submit if to == Status::AwaitingPatient => Effects {
            cards: vec![card(
                Thread::SenderPatient,
                Author::Sender,
                "approval_request",
                format!(
                    "I would like to refer you. Reason: {}. Please review what would be shared and approve or decline.",
                    t.reason
                ),
            )],
            consent: None,
        },
        Command::Submit => Effects {
            cards: vec![request_card(t)],
            consent: consent_verbal.then_some(ConsentMethod::Verbal),
        },
        Command::Approve => Effects {
            cards: vec![
                card(
                    Thread::SenderPatient,
                    Author::Actor,
                    "patient_approved",
                    "I approve this referral and the sharing of my information.".into(),
                ),
                request_card(t),
            ],
            consent: Some(ConsentMethod::InApp),
        },
        Command::Decline => Effects {
            cards: vec![card(
                Thread::SenderPatient,
                Author::Actor,
                "patient_declined",
                t.note.to_string(),
            )],
            consent: None,
        },
        Command::Accept => {
            let note = if t.note == DEFAULT_ACCEPT_NOTE {
                ""
            } else {
                t.note
            };
            Effects {
                cards: vec![card(
                    Thread::ReceiverPatient,
                    Author::Receiver,
                    "accepted",
                    format!("I have accepted your referral ({}). {note}", t.reason)
                        .trim()
                        .to_string(),
                )],
                consent: None,
            }
        }
        Command::RequireVisit => Effects {
            cards: vec![card(
                Thread::ReceiverPatient,
                Author::Receiver,
                "visit_required",
                format!(
                    "Before deciding on your referral I would like to see you. {}",
                    t.note
                ),
            )],
            consent: None,
        },
        Command::Answer => Effects {
            cards: vec![card(
                Thread::SenderReceiver,
                Author::Receiver,
                "advice",
                format!("Advice about {}: {}", t.patient_name, t.advice),
            )],
            consent: None,
        },
        Command::Return => Effects {
            cards: vec![card(
                Thread::SenderReceiver,
                Author::Receiver,
                "returned",
                format!(
                    "I am returning the referral of {} with advice: {}",
                    t.patient_name, t.advice
                ),
            )],
            consent: None,
        },
        // The new referral's own acceptance card is posted by the conversion.
        Command::Convert => Effects {
            cards: vec![card(
                Thread::SenderReceiver,
                Author::Receiver,
                "converted",
                format!(
                    "I have turned the question about {} into a referral to me.",
                    t.patient_name
                ),
            )],
            consent: None,
        },
        Command::RequestInfo
        | Command::ProvideInfo
        | Command::Reject
        | Command::Complete
        | Command::Cancel
        | Command::Redirect => Effects::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: CardText<'static> = CardText {
        reason: "Chest pain",
        message: "Please see soon",
        patient_name: "Asha Rao",
        note: "Accepted",
        question: false,
        advice: "",
    };

    #[test]
    fn a_sent_referral_posts_its_request_and_records_attested_consent() {
        let e = effects(Command::Submit, Status::Sent, true, &T);
        assert_eq!(e.cards.len(), 1);
        assert_eq!(e.cards[0].thread, Thread::SenderReceiver);
        assert_eq!(
            e.cards[0].body,
            "Referral request: Asha Rao — Chest pain\n\nPlease see soon"
        );
        assert_eq!(e.consent, Some(ConsentMethod::Verbal));
        assert_eq!(
            effects(Command::Submit, Status::Sent, false, &T).consent,
            None
        );
    }

    #[test]
    fn approval_goes_to_the_patient_and_their_yes_is_consent() {
        let e = effects(Command::Submit, Status::AwaitingPatient, true, &T);
        assert_eq!(e.cards[0].thread, Thread::SenderPatient);
        assert_eq!(e.consent, None);
        let e = effects(Command::Approve, Status::Sent, false, &T);
        assert_eq!(e.cards.len(), 2);
        assert_eq!(e.cards[0].author, Author::Actor);
        assert_eq!(e.cards[1].kind, "request");
        assert_eq!(e.consent, Some(ConsentMethod::InApp));
    }

    #[test]
    fn accepting_tells_the_patient_without_the_default_note() {
        let e = effects(Command::Accept, Status::Accepted, false, &T);
        assert_eq!(e.cards[0].thread, Thread::ReceiverPatient);
        assert_eq!(
            e.cards[0].body,
            "I have accepted your referral (Chest pain)."
        );
        let with_note = CardText {
            note: "Slot on Tuesday",
            ..T
        };
        let e = effects(Command::Accept, Status::Accepted, false, &with_note);
        assert!(e.cards[0].body.ends_with("Slot on Tuesday"));
    }

    #[test]
    fn practitioner_only_steps_post_no_card() {
        for c in [Command::RequestInfo, Command::Reject, Command::Cancel] {
            assert_eq!(effects(c, Status::Rejected, false, &T), Effects::default());
        }
    }
}
