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

/// Whether the sender may pass a returned referral's advice on to the patient: once, and
/// only while they still care for the patient (as for a recommended referral).
pub fn may_share_advice(status: Status, party: Party, shared: bool, in_care_team: bool) -> bool {
    party == Party::Sender && status == Status::Returned && !shared && in_care_team
}

/// Whether the patient reads the advice on their referral: a returned referral's only once
/// their doctor sent it to them (the return itself is between the doctors); an answered
/// question's unless it is doctor-only.
pub fn patient_reads_advice(status: Status, doctor_only: bool, shared: bool) -> bool {
    if status == Status::Returned {
        shared
    } else {
        !doctor_only
    }
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
        assert!(may_share_advice(
            Status::Returned,
            Party::Sender,
            false,
            true
        ));
        assert!(!may_share_advice(
            Status::Returned,
            Party::Sender,
            true,
            true
        ));
        assert!(!may_share_advice(
            Status::Returned,
            Party::Sender,
            false,
            false
        ));
        assert!(!may_share_advice(
            Status::Rejected,
            Party::Sender,
            false,
            true
        ));
        assert!(!may_share_advice(
            Status::Returned,
            Party::Patient,
            false,
            true
        ));
    }

    #[test]
    fn the_patient_reads_a_return_only_once_shared_and_never_doctor_only_advice() {
        assert!(!patient_reads_advice(Status::Returned, false, false));
        assert!(patient_reads_advice(Status::Returned, true, true));
        assert!(patient_reads_advice(Status::Answered, false, false));
        assert!(!patient_reads_advice(Status::Answered, true, false));
    }
}
