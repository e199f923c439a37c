//! The rules of what follows an advice question's answer and a referral returned with
//! advice: who sends the referral an answer recommended, and who passes a returned
//! referral's advice on to the patient. `offers` lists them; the services ask them too.

use super::status::{Party, Status};

/// Whether the sender may send the referral an answered question recommended: while one is
/// `waiting` (recommended and not made yet), and only while they still care for the
/// patient (a new referral shares the chart).
pub fn may_send_recommended(
    status: Status,
    party: Party,
    waiting: bool,
    in_care_team: bool,
) -> bool {
    party == Party::Sender && status == Status::Answered && waiting && in_care_team
}

/// Whether the sender may pass a returned referral's advice on to the patient: once.
pub fn may_share_advice(status: Status, party: Party, shared: bool) -> bool {
    party == Party::Sender && status == Status::Returned && !shared
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_caring_sender_sends_a_waiting_recommendation_once() {
        assert!(may_send_recommended(
            Status::Answered,
            Party::Sender,
            true,
            true
        ));
        assert!(!may_send_recommended(
            Status::Answered,
            Party::Sender,
            false,
            true
        ));
        assert!(!may_send_recommended(
            Status::Answered,
            Party::Sender,
            true,
            false
        ));
        assert!(!may_send_recommended(
            Status::Answered,
            Party::Receiver,
            true,
            true
        ));
        assert!(!may_send_recommended(
            Status::Sent,
            Party::Sender,
            true,
            true
        ));
        assert!(may_share_advice(Status::Returned, Party::Sender, false));
        assert!(!may_share_advice(Status::Returned, Party::Sender, true));
        assert!(!may_share_advice(Status::Rejected, Party::Sender, false));
        assert!(!may_share_advice(Status::Returned, Party::Patient, false));
    }
}
