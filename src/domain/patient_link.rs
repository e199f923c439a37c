//! The personal link of a patient without a portal account: when a referral needs them, an
//! e-mail in their language carries a link to that one referral (approve or decline, book,
//! move or cancel the visit, see who viewed their data).

use chrono::NaiveDateTime;

use super::referral::{Command, Status};

/// What a presented personal link is worth now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Live,
    /// Withdrawn by the referrer, or the patient has since made a portal account (they read
    /// the referral there): a 403.
    Withdrawn,
    /// Ran out: a 410.
    Expired,
}

/// The standing of a link: withdrawal outranks expiry, so a withdrawn link never reads as
/// merely expired.
pub fn standing_of(
    withdrawn: bool,
    has_account: bool,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Standing {
    if withdrawn || has_account {
        Standing::Withdrawn
    } else if expires_at <= now {
        Standing::Expired
    } else {
        Standing::Live
    }
}

/// Why a patient without an account is written to after a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The clinic asks the patient to approve the referral before it leaves.
    Approve,
    /// The specialist wants to see the patient first and takes bookings online.
    BookFirstVisit,
    /// The specialist wants to see the patient first; their practice will call.
    VisitRequired,
    /// Accepted, and the specialist takes bookings online.
    AcceptedBook,
    /// Accepted; the specialist's practice will be in touch.
    Accepted,
    /// The specialist closed the loop with an outcome.
    Completed,
}

impl Notice {
    /// The Fluent key stem of the e-mail (`<stem>-subject`, `<stem>-body`).
    pub fn key(self) -> &'static str {
        match self {
            Notice::Approve => "plink-mail-approve",
            Notice::BookFirstVisit => "plink-mail-book-first",
            Notice::VisitRequired => "plink-mail-visit-required",
            Notice::AcceptedBook => "plink-mail-accepted-book",
            Notice::Accepted => "plink-mail-accepted",
            Notice::Completed => "plink-mail-completed",
        }
    }
}

/// The e-mail a patient without an account gets after `command` took the referral to `to`,
/// if any: only the moments that need or concern the patient (the machine already keeps the
/// back-and-forth between doctors and a receiver's refusal from them).
pub fn notice(command: Command, to: Status, receiver_books: bool) -> Option<Notice> {
    match command {
        Command::Submit | Command::RequireVisit | Command::Accept | Command::Complete => {
            standing(to, receiver_books)
        }
        _ => None,
    }
}

/// The e-mail a fresh link goes out with, for where the referral stands (`None`: nothing
/// for the patient to do or read there).
pub fn standing(status: Status, receiver_books: bool) -> Option<Notice> {
    match status {
        Status::AwaitingPatient => Some(Notice::Approve),
        Status::VisitRequired if receiver_books => Some(Notice::BookFirstVisit),
        Status::VisitRequired => Some(Notice::VisitRequired),
        Status::Accepted if receiver_books => Some(Notice::AcceptedBook),
        Status::Accepted => Some(Notice::Accepted),
        Status::Completed => Some(Notice::Completed),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::referral::ALL_STATUSES;

    #[test]
    fn the_patient_is_written_to_when_the_referral_needs_or_concerns_them() {
        assert_eq!(
            notice(Command::Submit, Status::AwaitingPatient, false),
            Some(Notice::Approve)
        );
        assert_eq!(
            notice(Command::RequireVisit, Status::VisitRequired, true),
            Some(Notice::BookFirstVisit)
        );
        assert_eq!(
            notice(Command::RequireVisit, Status::VisitRequired, false),
            Some(Notice::VisitRequired)
        );
        assert_eq!(
            notice(Command::Accept, Status::Accepted, true),
            Some(Notice::AcceptedBook)
        );
        assert_eq!(
            notice(Command::Complete, Status::Completed, true),
            Some(Notice::Completed)
        );
    }

    #[test]
    fn a_link_is_live_until_withdrawn_outgrown_or_run_out() {
        let t = |h| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, 7)
                .and_then(|d| d.and_hms_opt(h, 0, 0))
                .unwrap_or_default()
        };
        assert_eq!(standing_of(false, false, t(12), t(11)), Standing::Live);
        assert_eq!(standing_of(false, false, t(12), t(12)), Standing::Expired);
        assert_eq!(standing_of(true, false, t(12), t(13)), Standing::Withdrawn);
        assert_eq!(standing_of(false, true, t(12), t(11)), Standing::Withdrawn);
    }

    #[test]
    fn doctors_business_and_refusals_send_the_patient_nothing() {
        for to in ALL_STATUSES {
            for c in [
                Command::RequestInfo,
                Command::ProvideInfo,
                Command::Reject,
                Command::Redirect,
                Command::Approve,
                Command::Decline,
            ] {
                assert_eq!(notice(c, to, true), None, "{c:?} -> {to:?}");
            }
        }
        // Sent straight to the receiver (no approval asked): nothing to do for the patient yet.
        assert_eq!(notice(Command::Submit, Status::Sent, true), None);
        for s in [
            Status::Draft,
            Status::Sent,
            Status::NeedInfo,
            Status::Rejected,
            Status::Cancelled,
            Status::DeclinedByPatient,
        ] {
            assert_eq!(standing(s, true), None, "{s:?}");
        }
    }
}
