//! Where a referral stands and how a person relates to it.

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
    /// Nobody moved it for the clinic's expiry period: closed by the clock, not a person.
    Expired,
    /// An advice question the specialist answered: the loop is closed with the advice.
    Answered,
    /// An advice question the specialist turned into a referral to themselves.
    Converted,
    /// A referral the receiver declined with advice instead of taking the patient over
    /// (NHS e-RS "return to referrer with advice"): closed, and the sender may redirect.
    Returned,
}

/// Every status, in lifecycle order.
pub const ALL_STATUSES: [Status; 14] = [
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
    Status::Expired,
    Status::Answered,
    Status::Converted,
    Status::Returned,
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
            Status::Expired => "expired",
            Status::Answered => "answered",
            Status::Converted => "converted",
            Status::Returned => "returned",
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
            Status::Expired => "Expired (nobody acted in time)",
            Status::Answered => "Answered",
            Status::Converted => "Turned into a referral",
            Status::Returned => "Returned with advice",
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
            Status::Completed
            | Status::Cancelled
            | Status::Expired
            | Status::Answered
            | Status::Converted
            | Status::Returned => None,
        }
    }

    /// The loop is closed: no command moves the referral out of this status (a returned
    /// referral may still be redirected, which starts a new one and leaves it returned).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Status::Completed
                | Status::Cancelled
                | Status::DeclinedByPatient
                | Status::Expired
                | Status::Answered
                | Status::Converted
                | Status::Returned
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
        !self.is_terminal()
    }

    /// The statuses the clock may close as expired: the referral reached the receiver and
    /// is waiting on a decision or an answer (an accepted one is reminded, never expired).
    pub fn may_expire(self) -> bool {
        matches!(
            self,
            Status::Sent | Status::NeedInfo | Status::VisitRequired
        )
    }
}

/// The statuses in which the receiver holds a referral (an inbox lists no others).
pub fn received_statuses() -> Vec<Status> {
    ALL_STATUSES
        .into_iter()
        .filter(|s| s.reached_receiver())
        .collect()
}

/// The received statuses in which it is `party`'s turn (the inbox's "whose turn" filter).
pub fn received_on_turn(party: Party) -> Vec<Status> {
    ALL_STATUSES
        .into_iter()
        .filter(|s| s.reached_receiver() && s.turn() == Some(party))
        .collect()
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
