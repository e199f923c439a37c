//! A service's shared queue as the lifecycle sees it: who of the service may do what on a
//! referral nobody has claimed yet.

use super::machine::Command;
use super::status::Status;

/// How a practitioner stands towards a service's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueRole {
    /// Sees the queue and claims from it.
    Member,
    /// Also triages (asks for information, asks to see the patient first), assigns to a
    /// member and forwards to another service; accepting stays with a clinician who claimed.
    Coordinator,
}

/// The lifecycle commands a queue role may issue on a referral nobody has claimed yet:
/// the coordinator triages, asking the sender for information or asking to see the patient
/// first (the referral stays in the queue, and the patient books with the practice of the
/// member who takes it). Deciding (accepting, declining, completing) waits for a clinician
/// to take it.
pub fn queue_may(role: QueueRole, c: Command) -> bool {
    role == QueueRole::Coordinator && matches!(c, Command::RequestInfo | Command::RequireVisit)
}

/// Whether a referral in `status` can still be claimed, assigned or forwarded: it reached
/// the service and nobody has decided on it.
pub fn claimable(status: Status) -> bool {
    CLAIMABLE.contains(&status)
}

/// The statuses in which a service's referral can be claimed (see [`claimable`]).
pub const CLAIMABLE: [Status; 3] = [Status::Sent, Status::NeedInfo, Status::VisitRequired];
