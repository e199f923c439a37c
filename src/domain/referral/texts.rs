//! What people read about a referral: labels, the patient's words for each status and
//! event, and the notices sent to the other parties.

use super::kind::Kind;
use super::machine::Command;
use super::status::Status;

/// What the patient is shown, by kind: a completed lab or imaging order reads "Report ready".
/// Whether a timeline entry is for the sender's eyes only: what came back by mail for
/// them to decide on (a held reply, a discarded one) and a corrected address. The outside
/// doctor's link page and the patient never see these.
pub fn only_sender_reads(event_kind: &str) -> bool {
    matches!(
        event_kind,
        "reply_held" | "reply_discarded" | "address_corrected"
    )
}

/// The timeline's words for an outside doctor's reply: how it came (`via`: "the link page",
/// "e-mail", "e-mail from x@y, posted by Dr Z"), its text and how many files it carried.
pub fn reply_note(via: &str, note: &str, files: usize) -> String {
    match (note.is_empty(), files) {
        (false, 0) => format!("Reply by {via}: {note}"),
        (false, n) => format!("Reply by {via} with {n} file(s): {note}"),
        (true, n) => format!("Reply by {via}: {n} file(s)"),
    }
}

/// [`patient_label_for`], once the sender sent a returned referral's advice to the patient:
/// then it reads as advice received instead of "in review".
pub fn patient_label_shared(kind: Kind, status: Status, advice_shared: bool) -> &'static str {
    if status == Status::Returned && advice_shared {
        "patient-status-advice-answered"
    } else {
        patient_label_for(kind, status)
    }
}

pub fn patient_label_for(kind: Kind, status: Status) -> &'static str {
    if status == Status::Completed && kind.is_order() {
        return "patient-status-report-ready";
    }
    if kind.is_question() {
        match status {
            Status::Sent | Status::NeedInfo => return "patient-status-advice-asked",
            Status::Answered => return "patient-status-advice-answered",
            Status::Converted => return "patient-status-advice-converted",
            _ => {}
        }
    }
    patient_label(status)
}

/// [`patient_label_shared`], knowing whether the receiver runs a practice the patient books
/// with: without one, a visit the receiver asked for is theirs to arrange, and the patient
/// reads that they would like to see them rather than "Book a visit".
pub fn patient_label_booking(
    kind: Kind,
    status: Status,
    advice_shared: bool,
    receiver_books: bool,
) -> &'static str {
    if status == Status::VisitRequired && !receiver_books {
        "patient-status-see-you-first"
    } else {
        patient_label_shared(kind, status, advice_shared)
    }
}

/// The message (a Fluent key, with `$receiver`) of what the patient is shown. A rejection
/// is never shown to the patient: it reads "In review", as need-info does.
pub fn patient_label(status: Status) -> &'static str {
    match status {
        Status::Draft => "patient-status-not-sent",
        Status::AwaitingPatient => "patient-status-approval-needed",
        Status::DeclinedByPatient => "patient-status-declined",
        Status::Sent => "patient-status-sent",
        // A return, like a rejection, is between the doctors until the referrer shares it.
        Status::NeedInfo | Status::Rejected | Status::Returned => "patient-status-in-review",
        Status::VisitRequired => "patient-status-book-visit",
        Status::Accepted => "patient-status-accepted",
        Status::Completed => "patient-status-completed",
        Status::Cancelled => "patient-status-cancelled",
        Status::Expired => "patient-status-expired",
        Status::Answered => "patient-status-advice-answered",
        Status::Converted => "patient-status-advice-converted",
    }
}

/// What the patient's timeline says for an event the patient may see: a message (a Fluent
/// key; `$note` is the note written to the patient), or `None` for the event's own note.
/// Practitioners' notes (a cancel reason, an accept note written for the referrer) are not
/// repeated to the patient; only notes written to the patient are.
pub fn patient_event_key(kind: &str, note: &str) -> Option<&'static str> {
    Some(match kind {
        "submit" if note.contains("approval") => "patient-event-for-approval",
        "submit" => "patient-event-sent",
        "approve" => "patient-event-approved",
        "decline" => "patient-event-declined",
        "require_visit" => "patient-event-see-you-first",
        "accept" => "patient-event-accepted",
        "complete" => "patient-event-completed",
        "cancel" => "patient-event-cancelled",
        "expire" => "patient-event-expired",
        "answer" => "patient-event-answered",
        "convert" => "patient-event-converted",
        "advice_shared" => "patient-event-advice-shared",
        "consent_withdrawn" => "patient-event-consent-withdrawn",
        // A colleague covering for an away receiver has it now.
        "covered" | "handed_over" => "patient-event-cover",
        // Taken from (or passed between) services: someone of the clinic has it now.
        "claimed" | "assigned" | "forwarded" => "patient-event-claimed",
        // Booking notes are written by the patient's own action and name only the time.
        "visit_booked" | "visit_cancelled" | "what_to_bring" | "visit_attended"
        | "visit_no_show" => return None,
        _ => "patient-event-updated",
    })
}

/// The note the patient's timeline may repeat for an event (`patient_event_key`'s `$note`).
pub fn patient_event_note(kind: &str, note: &str) -> String {
    match kind {
        "require_visit" | "visit_booked" | "visit_cancelled" | "what_to_bring"
        | "visit_attended" | "visit_no_show" => note.to_string(),
        _ => String::new(),
    }
}

/// "Dr X accepted the referral of Asha Rao", as the other practitioner reads it.
pub fn practitioner_notice(actor: &str, c: Command, patient: &str) -> String {
    match c {
        Command::Submit => format!("{actor} sent you a referral of {patient}"),
        Command::Approve => format!("{patient} approved the referral; it is on its way"),
        Command::Decline => format!("{patient} declined the referral"),
        Command::RequestInfo => {
            format!("{actor} asked for more information about the referral of {patient}")
        }
        Command::ProvideInfo => format!("{actor} sent the information asked for about {patient}"),
        Command::RequireVisit => format!("{actor} wants to see {patient} before deciding"),
        Command::Accept => format!("{actor} accepted the referral of {patient}"),
        Command::Reject => format!("{actor} declined the referral of {patient}"),
        Command::Complete => format!("{actor} completed the referral of {patient}"),
        Command::Cancel => format!("{actor} cancelled the referral of {patient}"),
        Command::Redirect => format!("{actor} redirected the referral of {patient}"),
        Command::Answer => format!("{actor} answered your question about {patient}"),
        Command::Convert => {
            format!("{actor} turned your question about {patient} into a referral to them")
        }
        Command::Return => format!("{actor} returned the referral of {patient} with advice"),
    }
}

/// [`patient_notice`], knowing whether the receiver runs a practice the patient books with:
/// a receiver who wants to see them without one (a service, until a member takes it) does
/// not ask them to book.
pub fn patient_notice_booking(c: Command, to: Status, receiver_books: bool) -> &'static str {
    if c == Command::RequireVisit && !receiver_books {
        "notice-see-you-first"
    } else {
        patient_notice(c, to)
    }
}

/// The notice the patient gets (a Fluent key, written in the patient's language when the
/// notice is made); it never names a practitioner-only step.
pub fn patient_notice(c: Command, to: Status) -> &'static str {
    match (c, to) {
        (Command::Submit, Status::AwaitingPatient) => "notice-approval-needed",
        (Command::Submit, _) | (Command::Approve, _) => "notice-sent",
        (Command::RequireVisit, _) => "notice-book-visit",
        (Command::Accept, _) => "notice-accepted",
        (Command::Complete, _) => "notice-completed",
        (Command::Cancel, _) => "notice-cancelled",
        (Command::Answer, _) => "notice-advice-answered",
        (Command::Convert, _) => "notice-advice-converted",
        _ => "notice-updated",
    }
}

/// What the person who issued a command is told once it is done; `outside` for an outside
/// doctor on their link page.
pub fn done_notice(c: Command, outside: bool) -> &'static str {
    match (c, outside) {
        (Command::Accept, false) => "Accepted. The patient and the referrer have been told.",
        (Command::Accept, true) => "Accepted. The referring practitioner has been told.",
        (Command::Reject, false) => "Declined. The referrer has been told; the patient has not.",
        (Command::Reject, true) => "Declined. The referring practitioner has been told.",
        (Command::Complete, false) => "Completed. The loop is closed.",
        (Command::Complete, true) => "Outcome sent. Thank you: the loop is closed.",
        (Command::RequestInfo, true) => "Your questions were sent to the referring practitioner.",
        (Command::Answer, _) => "Advice sent. The referring practitioner has been told.",
        (Command::Convert, _) => {
            "Turned into a referral to you. The referring practitioner and the patient have been told."
        }
        (Command::Return, _) => {
            "Returned with advice. The referrer has been told; the patient has not."
        }
        _ => "Done.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_decisions_are_the_senders_alone() {
        assert!(only_sender_reads("reply_held") && only_sender_reads("address_corrected"));
        assert!(!only_sender_reads("reply") && !only_sender_reads("accepted"));
    }

    #[test]
    fn reply_notes_say_how_and_what() {
        assert_eq!(reply_note("e-mail", "Yes", 0), "Reply by e-mail: Yes");
        assert_eq!(
            reply_note("the link page", "See", 2),
            "Reply by the link page with 2 file(s): See"
        );
        assert_eq!(reply_note("e-mail", "", 1), "Reply by e-mail: 1 file(s)");
    }

    #[test]
    fn a_patient_is_asked_to_book_only_when_there_is_someone_to_book_with() {
        use crate::domain::referral::Kind;
        let v = Status::VisitRequired;
        assert_eq!(
            patient_notice_booking(Command::RequireVisit, v, true),
            "notice-book-visit"
        );
        assert_eq!(
            patient_notice_booking(Command::RequireVisit, v, false),
            "notice-see-you-first"
        );
        assert_eq!(
            patient_notice_booking(Command::Accept, Status::Accepted, false),
            patient_notice(Command::Accept, Status::Accepted)
        );
        assert_eq!(
            patient_label_booking(Kind::Specialist, v, false, true),
            "patient-status-book-visit"
        );
        assert_eq!(
            patient_label_booking(Kind::Specialist, v, false, false),
            "patient-status-see-you-first"
        );
    }
}
