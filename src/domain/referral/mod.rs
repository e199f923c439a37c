//! The referral (DESIGN section 2): one pure state machine shared by every kind of
//! referral, the rules of each command's form, and the one answer to "what may this person
//! do here now" ([`offers`]). Nothing here touches the database, the clock or the network.
//!
//! - `status`: where a referral stands, and how a person relates to it (party).
//! - `kind`: specialist, admission, lab or imaging; priority; reject reasons.
//! - `machine`: which command leaves which status, by whom, to where, who is told.
//! - `form`: each command's posted fields, validated into what the transition writes.
//! - `effects`: the thread cards and consent records a transition leaves behind.
//! - `offers`: every action a page may show, for a party, now.
//! - `texts`: labels and the words each party reads.
//! - `advice`: who sends a recommended referral, who passes a return's advice on.
//! - `duplicates`: the patient's 12-month history and the duplicate guard's rule.

mod advice;
pub mod duplicates;
mod effects;
pub mod form;
mod kind;
mod machine;
pub mod offers;
pub mod queue;
mod status;
mod texts;

pub use effects::*;
pub use kind::*;
pub use machine::*;
pub use status::*;
pub use texts::*;

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
        if facts.question {
            // A question is asked, answered (or converted, when allowed), asked about, or
            // withdrawn: never accepted, declined, seen first, completed or redirected.
            t.retain(|(_, c, _, _)| c.for_questions().is_none());
            t.push((S::Sent, C::Answer, P::Receiver, S::Answered));
            if facts.may_convert {
                t.push((S::Sent, C::Convert, P::Receiver, S::Converted));
            }
            return t;
        }
        t.extend([
            (S::Sent, C::Return, P::Receiver, S::Returned),
            (S::NeedInfo, C::Return, P::Receiver, S::Returned),
            (S::VisitRequired, C::Return, P::Receiver, S::Returned),
        ]);
        if !facts.already_redirected {
            t.push((S::Rejected, C::Redirect, P::Sender, S::Rejected));
            t.push((S::Returned, C::Redirect, P::Sender, S::Returned));
        }
        t
    }

    #[test]
    fn every_state_command_and_actor_matches_the_table() {
        let mut checked = 0;
        for approval_required in [false, true] {
            for consent_recorded in [false, true] {
                for (already_redirected, question, may_convert) in [
                    (false, false, false),
                    (true, false, false),
                    (false, true, false),
                    (false, true, true),
                    (true, true, true),
                ] {
                    let facts = Facts {
                        approval_required,
                        consent_recorded,
                        already_redirected,
                        question,
                        may_convert,
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
        assert_eq!(checked, 4 * 5 * 14 * 14 * 4);
    }

    #[test]
    fn terminal_states_accept_nothing() {
        for s in [
            S::Completed,
            S::Cancelled,
            S::DeclinedByPatient,
            S::Expired,
            S::Answered,
            S::Converted,
        ] {
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
        assert_eq!(patient_label(S::Rejected), "patient-status-in-review");
        assert_eq!(patient_label(S::NeedInfo), "patient-status-in-review");
        assert_eq!(patient_label(S::Accepted), "patient-status-accepted");
    }

    #[test]
    fn allowed_lists_exactly_the_accepted_commands() {
        let f = Facts {
            consent_recorded: true,
            ..Facts::default()
        };
        assert_eq!(
            allowed(S::Sent, P::Receiver, f),
            vec![
                C::RequestInfo,
                C::RequireVisit,
                C::Accept,
                C::Reject,
                C::Return
            ]
        );
        // A question is answered, asked about, or (when allowed) converted.
        let q = Facts {
            question: true,
            ..f
        };
        assert_eq!(
            allowed(S::Sent, P::Receiver, q),
            vec![C::RequestInfo, C::Answer]
        );
        let qc = Facts {
            may_convert: true,
            ..q
        };
        assert_eq!(
            allowed(S::Sent, P::Receiver, qc),
            vec![C::RequestInfo, C::Answer, C::Convert]
        );
        assert_eq!(
            decide(S::Sent, P::Receiver, C::Convert, q).map(|t| t.to),
            Err(Refusal::ConversionNotAllowed)
        );
        assert_eq!(
            decide(S::Sent, P::Receiver, C::Accept, q).map(|t| t.to),
            Err(Refusal::WrongKind {
                command: C::Accept,
                question: true
            })
        );
        assert_eq!(
            allowed(S::Returned, P::Sender, f),
            vec![C::Redirect],
            "a returned referral is closed, and may be sent elsewhere"
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
        let said = |kind: &str, note: &str| {
            (
                patient_event_key(kind, note),
                patient_event_note(kind, note),
            )
        };
        assert_eq!(
            said("cancel", "Cancelled: rejected as out of scope"),
            (Some("patient-event-cancelled"), String::new())
        );
        assert_eq!(
            said("complete", "anything"),
            (Some("patient-event-completed"), String::new())
        );
        assert_eq!(
            said("accept", "Slot next week"),
            (Some("patient-event-accepted"), String::new())
        );
        assert_eq!(
            said("require_visit", "Please come in"),
            (
                Some("patient-event-see-you-first"),
                "Please come in".to_string()
            )
        );
        assert_eq!(
            said("visit_booked", "Visit booked for Monday"),
            (None, "Visit booked for Monday".to_string())
        );
    }

    #[test]
    fn orders_need_tests_and_read_report_ready() {
        assert!(Kind::Lab.lacks_tests("  "));
        assert!(!Kind::Imaging.lacks_tests("Chest X-ray"));
        assert!(!Kind::Specialist.lacks_tests(""));
        assert_eq!(
            patient_label_for(Kind::Lab, S::Completed),
            "patient-status-report-ready"
        );
        assert_eq!(
            patient_label_for(Kind::Specialist, S::Completed),
            "patient-status-completed"
        );
    }

    #[test]
    fn the_default_what_to_bring_is_read_in_each_readers_language_until_changed() {
        assert_eq!(
            what_to_bring_key(Kind::Lab, Kind::Lab.default_what_to_bring()),
            Some("bring-default-order")
        );
        assert_eq!(
            what_to_bring_key(Kind::Specialist, Kind::Specialist.default_what_to_bring()),
            Some("bring-default-specialist")
        );
        assert_eq!(
            what_to_bring_key(Kind::Specialist, "Your glucose diary"),
            None
        );
    }

    #[test]
    fn admissions_need_their_packet() {
        assert_eq!(Kind::for_organisation("hospital"), Kind::Admission);
        assert_eq!(Kind::for_organisation("clinic"), Kind::Specialist);
        assert_eq!(
            Kind::Admission.missing_sections("vitals,allergies"),
            vec!["medications", "visits"]
        );
        assert!(
            Kind::Admission
                .missing_sections("complaint,vitals,medications,allergies,visits")
                .is_empty()
        );
        assert!(Kind::Specialist.missing_sections("").is_empty());
        assert_eq!(Kind::Admission.default_priority(), Priority::Urgent);
    }

    #[test]
    fn only_waiting_referrals_expire_and_everyone_is_told() {
        let expiring: Vec<S> = ALL_STATUSES
            .into_iter()
            .filter(|s| expire(*s).is_some())
            .collect();
        assert_eq!(expiring, [S::Sent, S::NeedInfo, S::VisitRequired]);
        let t = expire(S::NeedInfo).unwrap();
        assert_eq!(t.to, S::Expired);
        assert!(t.patient_visible);
        assert_eq!(t.notify, [P::Sender, P::Receiver, P::Patient]);
        assert!(S::Expired.is_terminal() && !S::Expired.is_open());
        assert_eq!(S::Expired.turn(), None);
        assert_eq!(patient_label(S::Expired), "patient-status-expired");
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
        for k in ALL_KINDS {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Kind::parse("Lab"), None);
        assert_eq!(Priority::parse("urgent"), Some(Priority::Urgent));
        assert_eq!(reject_reason_label("no_capacity"), "No capacity");
    }
}
