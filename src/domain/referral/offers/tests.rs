//! Every offer against rules written out independently of `offers`.

use super::*;
use crate::domain::referral::queue::QueueRole;
use crate::domain::referral::{ALL_PARTIES, ALL_STATUSES};
use chrono::NaiveDate;

fn at(h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 2)
        .and_then(|d| d.and_hms_opt(h, 0, 0))
        .expect("a valid time")
}

/// The expected offers, written out rule by rule, independently of [`offers`].
fn expected(s: &Situation, p: Party, now: NaiveDateTime) -> Vec<Offer> {
    use Status as S;
    let mut want = Vec::new();
    for c in allowed(s.status, p, s.facts) {
        if !(s.outside && c == Command::RequireVisit) {
            want.push(Offer::Command(c));
        }
    }
    let sender = p == Party::Sender;
    let receiver = p == Party::Receiver;
    let patient = p == Party::Patient;
    if sender && s.status == S::Draft {
        want.push(Offer::EditDraft);
    }
    let ended = matches!(
        s.status,
        S::Cancelled | S::DeclinedByPatient | S::Rejected | S::Returned | S::Expired
    );
    if ((sender && s.sender_in_care_team) || (receiver && s.consent_live && !ended))
        && s.status != S::Draft
    {
        want.push(Offer::Letter);
    }
    let closed = s.status.is_terminal();
    if receiver && !s.outside && !closed && !s.facts.question {
        want.push(Offer::SetWhatToBring);
    }
    if receiver && !s.outside && s.status == S::Accepted {
        want.push(Offer::DraftOutcome);
    }
    let booked = s.visits.iter().any(|v| v.status == VisitStatus::Booked);
    if receiver
        && !s.outside
        && s.receiver_has_practice
        && matches!(s.status, S::Accepted | S::VisitRequired)
        && !booked
    {
        want.push(Offer::BookForPatient);
    }
    if sender && s.status == S::NeedInfo {
        want.push(Offer::AttachAnswers);
    }
    if receiver
        && !s.outside
        && (s.status == S::Accepted || (s.facts.question && s.status == S::Sent))
    {
        want.push(Offer::AttachReport);
    }
    let open_to_replies = matches!(
        s.status,
        S::Sent | S::NeedInfo | S::VisitRequired | S::Accepted
    );
    if receiver && s.outside && open_to_replies {
        want.push(Offer::Reply);
    }
    if patient && s.receiver_books && matches!(s.status, S::VisitRequired | S::Accepted) {
        want.push(Offer::BookVisit);
    }
    if patient && s.visits.iter().any(|v| v.status == VisitStatus::NoShow) {
        want.push(Offer::BookAgain);
    }
    for v in &s.visits {
        if receiver && v.status == VisitStatus::Booked && v.starts_at <= now {
            want.push(Offer::MarkVisit(v.id.clone()));
        }
        if patient && v.status == VisitStatus::Booked && v.starts_at > now {
            want.push(Offer::CancelVisit(v.id.clone()));
        }
    }
    if sender
        && s.status == S::Answered
        && s.recommends
        && !s.made_referral
        && s.sender_in_care_team
    {
        want.push(Offer::SendRecommended);
    }
    if sender && s.status == S::Returned && !s.advice_shared && s.sender_in_care_team {
        want.push(Offer::ShareAdvice);
    }
    if sender && s.outside && s.live_link {
        want.push(Offer::WithdrawLink);
    }
    let caring = sender && s.outside && open_to_replies && s.sender_in_care_team;
    if caring {
        want.push(Offer::ResendLink);
    }
    if caring && s.address_correctable {
        want.push(Offer::CorrectAddress);
    }
    if caring {
        want.push(Offer::PostHeldReply);
    }
    want
}

#[test]
fn every_status_party_and_fact_matches_the_rules() {
    let visits = [
        vec![],
        vec![Visit {
            id: "past".into(),
            status: VisitStatus::Booked,
            starts_at: at(9),
        }],
        vec![
            Visit {
                id: "future".into(),
                status: VisitStatus::Booked,
                starts_at: at(15),
            },
            Visit {
                id: "missed".into(),
                status: VisitStatus::NoShow,
                starts_at: at(8),
            },
        ],
    ];
    let mut checked = 0;
    for status in ALL_STATUSES {
        for party in ALL_PARTIES {
            for bits in 0..2048u32 {
                for vs in &visits {
                    let bit = |n: u32| bits & (1 << n) != 0;
                    let s = Situation {
                        status,
                        facts: Facts {
                            approval_required: bit(0),
                            consent_recorded: bit(1),
                            already_redirected: bit(2),
                            question: bit(9),
                            may_convert: bit(2),
                        },
                        outside: bit(3),
                        live_link: bit(3) && bit(5),
                        address_correctable: bit(3) && bit(6),
                        receiver_books: bit(4),
                        visits: vs.clone(),
                        consent_live: bit(7),
                        sender_in_care_team: bit(8),
                        recommends: bit(10),
                        made_referral: bit(6),
                        advice_shared: bit(5),
                        queue: None,
                        delegate: false,
                        receiver_has_practice: bit(4),
                    };
                    let got = offers(&s, party, at(12)).0;
                    assert_eq!(got, expected(&s, party, at(12)), "{party:?} on {s:?}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 14 * 4 * 2048 * 3);
}

#[test]
fn outsiders_are_offered_nothing() {
    for status in ALL_STATUSES {
        let s = Situation {
            status,
            facts: Facts::default(),
            outside: false,
            live_link: false,
            address_correctable: false,
            receiver_books: true,
            visits: vec![],
            consent_live: true,
            sender_in_care_team: true,
            recommends: false,
            made_referral: false,
            advice_shared: false,
            queue: None,
            delegate: false,
            receiver_has_practice: false,
        };
        assert_eq!(offers(&s, Party::Other, at(12)), Offers::default());
    }
}

#[test]
fn a_past_visit_is_marked_not_cancelled() {
    let v = Visit {
        id: "v".into(),
        status: VisitStatus::Booked,
        starts_at: at(9),
    };
    assert!(visit_offers(&v, Party::Patient, at(12)).is_empty());
    assert_eq!(
        visit_offers(&v, Party::Receiver, at(12)),
        vec![Offer::MarkVisit("v".into())]
    );
    assert_eq!(
        visit_offers(&v, Party::Patient, at(8)),
        vec![Offer::CancelVisit("v".into())]
    );
}

#[test]
fn an_outside_doctor_answers_on_the_link_page() {
    let s = Situation {
        status: Status::Sent,
        facts: Facts::default(),
        outside: true,
        live_link: true,
        address_correctable: false,
        receiver_books: false,
        visits: vec![],
        consent_live: true,
        sender_in_care_team: true,
        recommends: false,
        made_referral: false,
        advice_shared: false,
        queue: None,
        delegate: false,
        receiver_has_practice: false,
    };
    let o = offers(&s, Party::Receiver, at(12));
    assert!(o.command(Command::Accept) && o.has(&Offer::Reply));
    assert!(!o.command(Command::RequireVisit) && !o.has(&Offer::SetWhatToBring));
    let sender = offers(&s, Party::Sender, at(12));
    assert!(sender.has(&Offer::WithdrawLink) && sender.has(&Offer::ResendLink));
}

#[test]
fn the_receiver_loses_shared_files_with_the_consent_or_the_referral() {
    use Upload::*;
    for status in ALL_STATUSES {
        let ended = matches!(
            status,
            Status::Cancelled
                | Status::DeclinedByPatient
                | Status::Rejected
                | Status::Returned
                | Status::Expired
        );
        assert_eq!(receiver_reads_shared(status, true), !ended, "{status:?}");
        assert!(!receiver_reads_shared(status, false), "{status:?}");
    }
    // Their own reports stay theirs; the sender's answers go with the consent.
    assert!(may_open_file(Party::Receiver, Report, false, false));
    assert!(may_open_file(Party::Receiver, Reply, false, false));
    assert!(!may_open_file(Party::Receiver, Answers, false, false));
    assert!(may_open_file(Party::Receiver, Answers, false, true));
    assert!(may_open_file(Party::Sender, Answers, true, true));
    // The sender reads them only while in the patient's care team.
    assert!(!may_open_file(Party::Sender, Report, false, false));
    for status in ALL_STATUSES {
        assert!(reads_shared(Party::Sender, status, false, true));
        assert!(!reads_shared(Party::Sender, status, true, false));
        assert!(!reads_shared(Party::Patient, status, true, true));
    }
    assert!(!may_open_file(Party::Patient, Answers, false, true));
    assert!(!may_open_file(Party::Other, Report, false, true));
}

#[test]
fn a_queue_member_claims_and_only_the_coordinator_triages_assigns_and_forwards() {
    for status in ALL_STATUSES {
        for role in [QueueRole::Member, QueueRole::Coordinator] {
            let s = Situation {
                status,
                facts: Facts::default(),
                outside: false,
                live_link: false,
                address_correctable: false,
                receiver_books: true,
                visits: vec![],
                consent_live: true,
                sender_in_care_team: true,
                recommends: false,
                made_referral: false,
                advice_shared: false,
                queue: Some(role),
                delegate: false,
                receiver_has_practice: false,
            };
            let got = offers(&s, Party::Receiver, at(12));
            let open = matches!(
                status,
                Status::Sent | Status::NeedInfo | Status::VisitRequired
            );
            let coordinator = role == QueueRole::Coordinator;
            assert_eq!(got.has(&Offer::Claim), open, "{status:?} {role:?}");
            assert_eq!(got.has(&Offer::Assign), open && coordinator, "{status:?}");
            assert_eq!(got.has(&Offer::Forward), open && coordinator, "{status:?}");
            for c in got.commands() {
                assert!(
                    coordinator && matches!(c, Command::RequestInfo | Command::RequireVisit),
                    "{c:?} offered to {role:?} on {status:?}"
                );
            }
            // Triage, from the queue: ask for information, or to see the patient first.
            for c in [Command::RequestInfo, Command::RequireVisit] {
                assert_eq!(
                    got.command(c),
                    coordinator && status == Status::Sent,
                    "{c:?} {status:?}"
                );
            }
            for o in [
                Offer::SetWhatToBring,
                Offer::DraftOutcome,
                Offer::AttachReport,
            ] {
                assert!(!got.has(&o), "{o:?} before anyone claimed it");
            }
        }
    }
}

#[test]
fn an_assistant_prepares_and_triages_but_never_decides() {
    let mut s = Situation {
        status: Status::Draft,
        facts: Facts {
            consent_recorded: true,
            ..Facts::default()
        },
        outside: false,
        live_link: false,
        address_correctable: false,
        receiver_books: true,
        visits: vec![],
        consent_live: true,
        sender_in_care_team: true,
        recommends: false,
        made_referral: false,
        advice_shared: false,
        queue: None,
        delegate: true,
        receiver_has_practice: false,
    };
    let draft = offers(&s, Party::Sender, at(12));
    assert!(draft.has(&Offer::EditDraft) && draft.has(&Offer::PrepareToSign));
    assert!(!draft.command(Command::Submit), "the practitioner signs");
    s.delegate = false;
    let own = offers(&s, Party::Sender, at(12));
    assert!(own.command(Command::Submit) && !own.has(&Offer::PrepareToSign));

    s.delegate = true;
    s.status = Status::Sent;
    let receiving = offers(&s, Party::Receiver, at(12));
    assert!(receiving.command(Command::RequestInfo) && receiving.command(Command::RequireVisit));
    for c in [
        Command::Accept,
        Command::Reject,
        Command::Return,
        Command::Redirect,
    ] {
        assert!(!receiving.command(c), "{c:?} is the clinician's");
    }
    s.status = Status::Accepted;
    let accepted = offers(&s, Party::Receiver, at(12));
    assert!(!accepted.command(Command::Complete) && !accepted.has(&Offer::DraftOutcome));
    s.status = Status::NeedInfo;
    let asked = offers(&s, Party::Sender, at(12));
    assert!(asked.command(Command::ProvideInfo) && asked.has(&Offer::AttachAnswers));
    assert!(
        !asked.command(Command::Cancel),
        "withdrawing is the clinician's"
    );
    // Anywhere, an assistant is offered at most the paperwork and triage commands, written
    // out here rather than read from `delegate_may`.
    for status in ALL_STATUSES {
        s.status = status;
        for party in ALL_PARTIES {
            for c in offers(&s, party, at(12)).commands() {
                assert!(
                    matches!(
                        c,
                        Command::RequestInfo | Command::ProvideInfo | Command::RequireVisit
                    ),
                    "{status:?} {party:?} {c:?}"
                );
            }
        }
    }
}
