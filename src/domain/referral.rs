//! The referral lifecycle (DESIGN section 2): one pure state machine shared by every kind of
//! referral. It takes the current status, who is acting and the command, and answers with
//! the new status and what to record; it never touches the database, the clock or the
//! network. Templates ask [`allowed`] so buttons never offer what would be refused.

use std::fmt;

/// Where a referral stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Draft,
    AwaitingPatient,
    DeclinedByPatient,
    Sent,
    NeedInfo,
    VisitRequired,
    Accepted,
    Completed,
    Rejected,
    Cancelled,
}

/// Every status, in lifecycle order.
pub const ALL_STATUSES: [Status; 10] = [
    Status::Draft,
    Status::AwaitingPatient,
    Status::DeclinedByPatient,
    Status::Sent,
    Status::NeedInfo,
    Status::VisitRequired,
    Status::Accepted,
    Status::Completed,
    Status::Rejected,
    Status::Cancelled,
];

impl Status {
    /// The value stored in `referrals.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::AwaitingPatient => "awaiting_patient",
            Status::DeclinedByPatient => "declined_by_patient",
            Status::Sent => "sent",
            Status::NeedInfo => "need_info",
            Status::VisitRequired => "visit_required",
            Status::Accepted => "accepted",
            Status::Completed => "completed",
            Status::Rejected => "rejected",
            Status::Cancelled => "cancelled",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Status> {
        ALL_STATUSES.into_iter().find(|st| st.as_str() == s)
    }

    /// How practitioners see the status.
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::AwaitingPatient => "Awaiting patient approval",
            Status::DeclinedByPatient => "Declined by patient",
            Status::Sent => "Sent",
            Status::NeedInfo => "Information requested",
            Status::VisitRequired => "Visit required",
            Status::Accepted => "Accepted",
            Status::Completed => "Completed",
            Status::Rejected => "Declined by receiver",
            Status::Cancelled => "Cancelled",
        }
    }

    /// Whose turn it is.
    pub fn turn(self) -> Option<Party> {
        match self {
            Status::Draft | Status::DeclinedByPatient | Status::NeedInfo | Status::Rejected => {
                Some(Party::Sender)
            }
            Status::AwaitingPatient | Status::VisitRequired => Some(Party::Patient),
            Status::Sent | Status::Accepted => Some(Party::Receiver),
            Status::Completed | Status::Cancelled => None,
        }
    }

    /// No command leaves this status.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Status::Completed | Status::Cancelled | Status::DeclinedByPatient
        )
    }

    /// Whether the receiver has (ever) been handed the referral in this status.
    pub fn reached_receiver(self) -> bool {
        !matches!(
            self,
            Status::Draft | Status::AwaitingPatient | Status::DeclinedByPatient
        )
    }

    /// Whether an outside doctor may still write (reply, send files) on the referral: it
    /// has reached them and is neither closed nor declined.
    pub fn takes_replies(self) -> bool {
        self.reached_receiver() && !self.is_terminal() && self != Status::Rejected
    }

    /// Whether the loop is still open from the sender's point of view.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            Status::Completed | Status::Cancelled | Status::DeclinedByPatient
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The practitioners' label of a stored status value.
pub fn status_label(s: &str) -> &'static str {
    Status::parse(s).map_or("Unknown", Status::label)
}

/// What the patient is shown, by kind: a completed lab or imaging order reads "Report ready".
pub fn patient_label_for(kind: &str, status: Status, receiver: &str) -> String {
    if status == Status::Completed && matches!(kind, "lab" | "imaging") {
        return "Report ready".into();
    }
    patient_label(status, receiver)
}

/// Whether a kind of referral is an order (lab or imaging): it carries the tests asked for
/// and completes when the report is uploaded.
pub fn is_order(kind: &str) -> bool {
    matches!(kind, "lab" | "imaging")
}

/// An order (lab or imaging) must list the tests asked for.
pub fn order_lacks_tests(kind: &str, tests: &str) -> bool {
    is_order(kind) && tests.trim().is_empty()
}

/// What the patient is shown. A rejection is never shown to the patient: it reads
/// "In review", as need-info does.
pub fn patient_label(status: Status, receiver: &str) -> String {
    match status {
        Status::Draft => "Not sent".into(),
        Status::AwaitingPatient => "Your approval is needed".into(),
        Status::DeclinedByPatient => "You declined".into(),
        Status::Sent => format!("Sent to {receiver}"),
        Status::NeedInfo | Status::Rejected => "In review".into(),
        Status::VisitRequired => "Book a visit".into(),
        Status::Accepted => format!("Accepted by {receiver}"),
        Status::Completed => "Completed".into(),
        Status::Cancelled => "Cancelled".into(),
    }
}

/// What the patient's timeline says for an event the patient may see. Practitioners' notes
/// (a cancel reason, an accept note written for the referrer) are not repeated to the
/// patient; only notes written to the patient are.
pub fn patient_event_text(kind: &str, note: &str) -> String {
    match kind {
        "submit" if note.contains("approval") => "Sent to you for approval".into(),
        "submit" => "Sent to the specialist".into(),
        "approve" => "You approved sharing your information".into(),
        "decline" => "You declined".into(),
        "require_visit" => format!("The specialist wants to see you first: {note}"),
        "accept" => "Accepted".into(),
        "complete" => "Completed".into(),
        "cancel" => "Cancelled".into(),
        "consent_withdrawn" => "You withdrew your consent to share the clinical details".into(),
        // Booking notes are written by the patient's own action and name only the time.
        "visit_booked" | "visit_cancelled" | "what_to_bring" | "visit_attended"
        | "visit_no_show" => note.to_string(),
        _ => "Updated".into(),
    }
}

/// How the actor relates to the referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    Sender,
    Receiver,
    Patient,
    /// Anyone else: a colleague, another clinic, an admin.
    Other,
}

pub const ALL_PARTIES: [Party; 4] = [Party::Sender, Party::Receiver, Party::Patient, Party::Other];

impl Party {
    pub fn label(self) -> &'static str {
        match self {
            Party::Sender => "the referring practitioner",
            Party::Receiver => "the receiving practitioner",
            Party::Patient => "the patient",
            Party::Other => "someone else",
        }
    }
}

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
}

pub const ALL_COMMANDS: [Command; 11] = [
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
            | Command::Complete => Party::Receiver,
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
            Command::Redirect => &[Rejected],
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
        // The rejected referral stays rejected; the new draft is linked to it.
        Command::Redirect if facts.already_redirected => return Err(Refusal::AlreadyRedirected),
        Command::Redirect => Rejected,
    };
    let notify = match command {
        Command::Submit if to == AwaitingPatient => vec![Party::Patient],
        Command::Submit => vec![Party::Receiver, Party::Patient],
        Command::Approve => vec![Party::Sender, Party::Receiver],
        Command::Decline => vec![Party::Sender],
        Command::RequestInfo | Command::Reject => vec![Party::Sender],
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
        Command::Reject | Command::RequestInfo | Command::ProvideInfo | Command::Redirect
    );
    Ok(Transition {
        from: status,
        to,
        notify,
        patient_visible,
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

/// The kind of referral a receiver's organisation makes it: a hospital takes admissions,
/// labs and imaging centres take orders, everyone else specialist referrals.
pub fn kind_for(organisation_kind: &str) -> &'static str {
    match organisation_kind {
        "hospital" => "admission",
        "lab" => "lab",
        "imaging" => "imaging",
        _ => "specialist",
    }
}

/// Snapshot sections an admission packet must carry.
pub const ADMISSION_SECTIONS: [&str; 4] = ["vitals", "medications", "allergies", "visits"];

/// The required sections missing from `scope` (comma-separated keys) for this kind.
pub fn missing_sections(kind: &str, scope: &str) -> Vec<&'static str> {
    if kind != "admission" {
        return Vec::new();
    }
    let have: Vec<&str> = scope.split(',').collect();
    ADMISSION_SECTIONS
        .into_iter()
        .filter(|s| !have.contains(s))
        .collect()
}

/// What a patient is told to bring, by default, for each kind of referral.
pub fn default_what_to_bring(kind: &str) -> &'static str {
    match kind {
        "lab" | "imaging" => {
            "Photo ID, this referral, and any earlier results or images of the same test."
        }
        "admission" => {
            "Photo ID, this referral, all current medicines in their boxes, and clothes and toiletries for a few days."
        }
        _ => {
            "Photo ID, this referral, a list of your current medicines, and any recent test results or letters."
        }
    }
}

/// Statuses in which a submitted referral's loop is still open for its sender.
pub const OPEN_LOOP: [&str; 6] = [
    "awaiting_patient",
    "sent",
    "need_info",
    "visit_required",
    "accepted",
    "rejected",
];

/// The age bands of open loops, in days since submission: under 7, 7 to 30, over 30.
pub const OPEN_LOOP_BANDS: [(&str, i64, i64); 3] = [
    ("under 7 days", 0, 7),
    ("7–30 days", 7, 30),
    ("over 30 days", 30, i64::MAX),
];

/// Priority of a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    Routine,
    Urgent,
    Emergency,
}

pub const PRIORITIES: [(&str, &str); 3] = [
    ("routine", "Routine"),
    ("urgent", "Urgent"),
    ("emergency", "Emergency"),
];

impl Priority {
    pub fn parse(s: &str) -> Option<Priority> {
        match s {
            "routine" => Some(Priority::Routine),
            "urgent" => Some(Priority::Urgent),
            "emergency" => Some(Priority::Emergency),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Routine => "routine",
            Priority::Urgent => "urgent",
            Priority::Emergency => "emergency",
        }
    }
    /// Sort rank, most pressing first.
    pub fn rank(self) -> i64 {
        match self {
            Priority::Emergency => 0,
            Priority::Urgent => 1,
            Priority::Routine => 2,
        }
    }
}

/// Coded reasons a receiver declines a referral.
pub const REJECT_REASONS: [(&str, &str); 5] = [
    ("duplicate", "Duplicate referral"),
    ("incomplete", "Incomplete information"),
    ("out_of_scope", "Out of scope for this practice"),
    ("no_capacity", "No capacity"),
    ("other", "Other"),
];

/// The label of a reject reason code.
pub fn reject_reason_label(code: &str) -> &'static str {
    REJECT_REASONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Other", |(_, l)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_taken_only_while_the_receiver_holds_an_open_referral() {
        use Status::*;
        let open: Vec<Status> = ALL_STATUSES
            .into_iter()
            .filter(|s| s.takes_replies())
            .collect();
        assert_eq!(open, [Sent, NeedInfo, VisitRequired, Accepted]);
    }
    use Command as C;
    use Party as P;
    use Status as S;

    /// The whole contract as a table: (from, command, by) -> to. Every combination not in
    /// the table must be refused.
    fn expected(facts: Facts) -> Vec<(S, C, P, S)> {
        let submit_to = if facts.approval_required {
            Some(S::AwaitingPatient)
        } else if facts.consent_recorded {
            Some(S::Sent)
        } else {
            None
        };
        let mut t = vec![
            (S::AwaitingPatient, C::Approve, P::Patient, S::Sent),
            (
                S::AwaitingPatient,
                C::Decline,
                P::Patient,
                S::DeclinedByPatient,
            ),
            (S::Sent, C::RequestInfo, P::Receiver, S::NeedInfo),
            (S::NeedInfo, C::ProvideInfo, P::Sender, S::Sent),
            (S::Sent, C::RequireVisit, P::Receiver, S::VisitRequired),
            (S::Sent, C::Accept, P::Receiver, S::Accepted),
            (S::VisitRequired, C::Accept, P::Receiver, S::Accepted),
            (S::Sent, C::Reject, P::Receiver, S::Rejected),
            (S::NeedInfo, C::Reject, P::Receiver, S::Rejected),
            (S::VisitRequired, C::Reject, P::Receiver, S::Rejected),
            (S::Accepted, C::Complete, P::Receiver, S::Completed),
            (S::Draft, C::Cancel, P::Sender, S::Cancelled),
            (S::AwaitingPatient, C::Cancel, P::Sender, S::Cancelled),
            (S::Sent, C::Cancel, P::Sender, S::Cancelled),
            (S::NeedInfo, C::Cancel, P::Sender, S::Cancelled),
            (S::VisitRequired, C::Cancel, P::Sender, S::Cancelled),
            (S::Accepted, C::Cancel, P::Sender, S::Cancelled),
            (S::Rejected, C::Cancel, P::Sender, S::Cancelled),
        ];
        if let Some(to) = submit_to {
            t.push((S::Draft, C::Submit, P::Sender, to));
        }
        if !facts.already_redirected {
            t.push((S::Rejected, C::Redirect, P::Sender, S::Rejected));
        }
        t
    }

    #[test]
    fn every_state_command_and_actor_matches_the_table() {
        let mut checked = 0;
        for approval_required in [false, true] {
            for consent_recorded in [false, true] {
                for already_redirected in [false, true] {
                    let facts = Facts {
                        approval_required,
                        consent_recorded,
                        already_redirected,
                    };
                    let table = expected(facts);
                    for s in ALL_STATUSES {
                        for c in ALL_COMMANDS {
                            for p in ALL_PARTIES {
                                let want = table
                                    .iter()
                                    .find(|(fs, fc, fp, _)| *fs == s && *fc == c && *fp == p)
                                    .map(|(_, _, _, to)| *to);
                                let got = decide(s, p, c, facts).ok().map(|t| t.to);
                                assert_eq!(got, want, "{s:?} x {c:?} by {p:?} with {facts:?}");
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 8 * 10 * 11 * 4);
    }

    #[test]
    fn terminal_states_accept_nothing() {
        for s in [S::Completed, S::Cancelled, S::DeclinedByPatient] {
            assert!(s.is_terminal());
            for p in ALL_PARTIES {
                assert!(allowed(s, p, Facts::default()).is_empty(), "{s:?}");
            }
        }
    }

    #[test]
    fn refusals_say_why() {
        let f = Facts::default();
        assert_eq!(
            decide(S::Sent, P::Sender, C::Accept, f),
            Err(Refusal::NotYours {
                command: C::Accept,
                by: P::Receiver
            })
        );
        assert_eq!(
            decide(S::Accepted, P::Receiver, C::Accept, f),
            Err(Refusal::WrongStatus {
                command: C::Accept,
                status: S::Accepted
            })
        );
        assert_eq!(
            decide(S::Draft, P::Sender, C::Submit, f),
            Err(Refusal::ConsentMissing)
        );
        let msg = Refusal::WrongStatus {
            command: C::Accept,
            status: S::Rejected,
        }
        .to_string();
        assert!(msg.contains("Declined by receiver") && msg.contains("Accept"));
    }

    #[test]
    fn submit_goes_to_the_patient_first_when_the_clinic_requires_it() {
        let f = Facts {
            approval_required: true,
            ..Facts::default()
        };
        let t = decide(S::Draft, P::Sender, C::Submit, f).unwrap();
        assert_eq!(t.to, S::AwaitingPatient);
        assert_eq!(t.notify, vec![P::Patient]);
    }

    #[test]
    fn the_patient_never_sees_a_rejection() {
        let t = decide(S::Sent, P::Receiver, C::Reject, Facts::default()).unwrap();
        assert!(!t.patient_visible);
        assert!(!t.notify.contains(&P::Patient));
        assert_eq!(patient_label(S::Rejected, "Dr X"), "In review");
        assert_eq!(patient_label(S::NeedInfo, "Dr X"), "In review");
        assert_eq!(patient_label(S::Accepted, "Dr X"), "Accepted by Dr X");
    }

    #[test]
    fn allowed_lists_exactly_the_accepted_commands() {
        let f = Facts {
            consent_recorded: true,
            ..Facts::default()
        };
        assert_eq!(
            allowed(S::Sent, P::Receiver, f),
            vec![C::RequestInfo, C::RequireVisit, C::Accept, C::Reject]
        );
        assert_eq!(allowed(S::Sent, P::Sender, f), vec![C::Cancel]);
        assert_eq!(
            allowed(S::Rejected, P::Sender, f),
            vec![C::Cancel, C::Redirect]
        );
        assert_eq!(
            allowed(S::AwaitingPatient, P::Patient, f),
            vec![C::Approve, C::Decline]
        );
        assert!(allowed(S::Sent, P::Other, f).is_empty());
        // Submit is offered without consent; the composer asks for it.
        assert_eq!(
            allowed(S::Draft, P::Sender, Facts::default()),
            vec![C::Submit, C::Cancel]
        );
    }

    #[test]
    fn booking_button_needs_practice_prompts_and_the_right_status() {
        assert!(booking_prompt(S::Accepted, true, true));
        assert!(booking_prompt(S::VisitRequired, true, true));
        assert!(!booking_prompt(S::Accepted, false, true));
        assert!(!booking_prompt(S::Accepted, true, false));
        assert!(!booking_prompt(S::Sent, true, true));
        assert!(!booking_prompt(S::Completed, true, true));
    }

    #[test]
    fn patient_timeline_never_repeats_practitioner_notes() {
        assert_eq!(
            patient_event_text("cancel", "Cancelled: rejected as out of scope"),
            "Cancelled"
        );
        assert_eq!(patient_event_text("complete", "anything"), "Completed");
        assert_eq!(patient_event_text("accept", "Slot next week"), "Accepted");
        assert!(patient_event_text("require_visit", "Please come in").ends_with("Please come in"));
    }

    #[test]
    fn orders_need_tests_and_read_report_ready() {
        assert!(order_lacks_tests("lab", "  "));
        assert!(!order_lacks_tests("imaging", "Chest X-ray"));
        assert!(!order_lacks_tests("specialist", ""));
        assert_eq!(
            patient_label_for("lab", S::Completed, "Lab"),
            "Report ready"
        );
        assert_eq!(
            patient_label_for("specialist", S::Completed, "Dr X"),
            "Completed"
        );
    }

    #[test]
    fn admissions_need_their_packet() {
        assert_eq!(kind_for("hospital"), "admission");
        assert_eq!(kind_for("clinic"), "specialist");
        assert_eq!(
            missing_sections("admission", "vitals,allergies"),
            vec!["medications", "visits"]
        );
        assert!(
            missing_sections("admission", "complaint,vitals,medications,allergies,visits")
                .is_empty()
        );
        assert!(missing_sections("specialist", "").is_empty());
    }

    #[test]
    fn whose_turn() {
        assert_eq!(S::Sent.turn(), Some(P::Receiver));
        assert_eq!(S::NeedInfo.turn(), Some(P::Sender));
        assert_eq!(S::VisitRequired.turn(), Some(P::Patient));
        assert_eq!(S::Completed.turn(), None);
    }

    #[test]
    fn round_trips() {
        for s in ALL_STATUSES {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
        for c in ALL_COMMANDS {
            assert_eq!(C::parse(c.as_str()), Some(c));
        }
        assert_eq!(Priority::parse("urgent"), Some(Priority::Urgent));
        assert_eq!(reject_reason_label("no_capacity"), "No capacity");
    }
}
