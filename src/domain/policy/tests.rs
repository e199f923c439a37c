//! The policy's rules, one role at a time.

use super::*;

fn practitioner(id: &str) -> Actor {
    Actor::Practitioner {
        user_id: id.into(),
        clinic_id: "c1".into(),
    }
}
fn patient(id: &str) -> Actor {
    Actor::Patient {
        user_id: id.into(),
        clinic_id: "c1".into(),
        patient_id: Some(format!("p-{id}")),
    }
}
fn admin(clinic: &str) -> Actor {
    Actor::ClinicAdmin {
        user_id: "a".into(),
        clinic_id: clinic.into(),
    }
}
fn facts(in_team: bool) -> PatientFacts {
    PatientFacts {
        patient_id: "p-u1".into(),
        clinic_id: "c1".into(),
        user_id: Some("u1".into()),
        actor_in_care_team: in_team,
    }
}

#[test]
fn a_patient_link_opens_its_own_referral_and_its_visits_only() {
    use crate::domain::referral::{Party, Status};
    let holder = Actor::PatientLink {
        patient_id: "p1".into(),
        referral_id: "r1".into(),
        clinic_id: "c1".into(),
    };
    let as_patient = ReferralFacts {
        party: Party::Patient,
        status: Status::AwaitingPatient,
        received: false,
    };
    assert_eq!(
        decide(&holder, &Action::ViewReferral(&as_patient)),
        Decision::Allow
    );
    for party in [Party::Sender, Party::Receiver, Party::Other] {
        let f = ReferralFacts {
            party,
            ..as_patient
        };
        assert_eq!(
            decide(&holder, &Action::ViewReferral(&f)),
            Decision::Forbidden
        );
    }
    let draft = ReferralFacts {
        status: Status::Draft,
        ..as_patient
    };
    assert_eq!(
        decide(&holder, &Action::ViewReferral(&draft)),
        Decision::Forbidden
    );
    let visit = |r| Action::ManageVisit { for_referral: r };
    assert_eq!(decide(&holder, &visit(Some("r1"))), Decision::Allow);
    assert_eq!(decide(&holder, &visit(Some("r2"))), Decision::Forbidden);
    assert_eq!(decide(&holder, &visit(None)), Decision::Forbidden);
    assert_eq!(decide(&holder, &Action::SeeOwnAccessLog), Decision::Allow);
    // Nothing of a portal account: not the portal, not a chart, not an account page.
    for a in [
        Action::UsePortal,
        Action::UseOwnAccount,
        Action::Refer,
        Action::ViewChart(&facts(false)),
        Action::UseThread { is_party: true },
    ] {
        assert_eq!(decide(&holder, &a), Decision::Forbidden, "{a:?}");
    }
    assert_eq!(decide(&patient("u1"), &visit(None)), Decision::Allow);
    assert_eq!(
        decide(&practitioner("u1"), &visit(Some("r1"))),
        Decision::Forbidden
    );
}

#[test]
fn only_someone_signed_out_may_take_up_an_invitation() {
    assert_eq!(
        decide(&Actor::Anonymous, &Action::JoinClinic),
        Decision::Allow
    );
    for a in [practitioner("u1"), patient("u2"), admin("c1")] {
        assert_eq!(decide(&a, &Action::JoinClinic), Decision::Forbidden);
    }
    let link_holder = Actor::External {
        user_id: "x".into(),
        referral_id: "r".into(),
        clinic_id: "c1".into(),
    };
    assert_eq!(
        decide(&link_holder, &Action::JoinClinic),
        Decision::Forbidden
    );
}

#[test]
fn anonymous_must_sign_in_for_everything() {
    let f = facts(false);
    for a in [
        Action::UseOwnAccount,
        Action::WorkWithPatients,
        Action::ViewChart(&f),
        Action::UsePortal,
        Action::ManageClinic { clinic_id: "c1" },
    ] {
        assert_eq!(decide(&Actor::Anonymous, &a), Decision::NeedsLogin);
    }
}

#[test]
fn chart_access_follows_the_care_team() {
    let in_team = facts(true);
    let outside = facts(false);
    let doc = practitioner("d1");
    assert_eq!(decide(&doc, &Action::ViewChart(&in_team)), Decision::Allow);
    assert_eq!(decide(&doc, &Action::EditChart(&in_team)), Decision::Allow);
    assert_eq!(
        decide(&doc, &Action::ViewChart(&outside)),
        Decision::Forbidden
    );
    assert_eq!(
        decide(&doc, &Action::EditChart(&outside)),
        Decision::Forbidden
    );
    assert_eq!(
        decide(&doc, &Action::ShareChart(&outside)),
        Decision::Forbidden
    );
}

#[test]
fn patients_read_only_their_own_chart() {
    let own = facts(false);
    assert_eq!(
        decide(&patient("u1"), &Action::ViewChart(&own)),
        Decision::Allow
    );
    assert_eq!(
        decide(&patient("u1"), &Action::EditChart(&own)),
        Decision::Forbidden
    );
    assert_eq!(
        decide(&patient("u2"), &Action::ViewChart(&own)),
        Decision::Forbidden
    );
    assert_eq!(
        decide(&patient("u1"), &Action::WorkWithPatients),
        Decision::Forbidden
    );
    assert_eq!(decide(&patient("u1"), &Action::UsePortal), Decision::Allow);
}

#[test]
fn referral_pages_follow_the_parties() {
    use crate::domain::referral::{Party, Status};
    let doc = practitioner("d");
    let f = |party, status, received| ReferralFacts {
        party,
        status,
        received,
    };
    assert_eq!(
        decide(
            &doc,
            &Action::ViewReferral(&f(Party::Sender, Status::Draft, false))
        ),
        Decision::Allow
    );
    assert_eq!(
        decide(
            &doc,
            &Action::ViewReferral(&f(Party::Receiver, Status::AwaitingPatient, false))
        ),
        Decision::Forbidden
    );
    assert_eq!(
        decide(
            &doc,
            &Action::ViewReferral(&f(Party::Receiver, Status::Sent, true))
        ),
        Decision::Allow
    );
    assert_eq!(
        decide(
            &doc,
            &Action::ViewReferral(&f(Party::Receiver, Status::Cancelled, true))
        ),
        Decision::Allow
    );
    assert_eq!(
        decide(
            &patient("u1"),
            &Action::ViewReferral(&f(Party::Patient, Status::Draft, false))
        ),
        Decision::Forbidden
    );
    assert_eq!(
        decide(
            &patient("u1"),
            &Action::ViewReferral(&f(Party::Patient, Status::Rejected, true))
        ),
        Decision::Allow
    );
    assert_eq!(
        decide(
            &doc,
            &Action::ViewReferral(&f(Party::Other, Status::Sent, true))
        ),
        Decision::Forbidden
    );
    assert_eq!(decide(&admin("c1"), &Action::Refer), Decision::Forbidden);
    assert_eq!(
        decide(&Actor::Anonymous, &Action::UseThread { is_party: true }),
        Decision::NeedsLogin
    );
}

#[test]
fn admins_manage_only_their_clinic_and_never_read_charts() {
    let f = facts(true);
    assert_eq!(
        decide(&admin("c1"), &Action::ManageClinic { clinic_id: "c1" }),
        Decision::Allow
    );
    assert_eq!(
        decide(&admin("c2"), &Action::ManageClinic { clinic_id: "c1" }),
        Decision::Forbidden
    );
    assert_eq!(
        decide(&admin("c1"), &Action::ViewChart(&f)),
        Decision::Forbidden
    );
    assert_eq!(
        decide(
            &practitioner("d"),
            &Action::ManageClinic { clinic_id: "c1" }
        ),
        Decision::Forbidden
    );
    // Any clinic's admin may anchor the audit log, nobody else.
    assert_eq!(
        decide(&admin("c2"), &Action::CheckpointAudit),
        Decision::Allow
    );
    for a in [practitioner("d"), patient("p"), Actor::System] {
        assert_eq!(decide(&a, &Action::CheckpointAudit), Decision::Forbidden);
    }
}

#[test]
fn a_link_holder_opens_only_the_handed_over_referral() {
    use crate::domain::referral::{Party, Status};
    let ext = Actor::External {
        user_id: "x".into(),
        referral_id: "r1".into(),
        clinic_id: "c1".into(),
    };
    let as_receiver = ReferralFacts {
        party: Party::Receiver,
        status: Status::Sent,
        received: true,
    };
    assert_eq!(
        decide(&ext, &Action::ViewReferral(&as_receiver)),
        Decision::Allow
    );
    let not_yet = ReferralFacts {
        received: false,
        ..as_receiver
    };
    assert_eq!(
        decide(&ext, &Action::ViewReferral(&not_yet)),
        Decision::Forbidden
    );
    let other = ReferralFacts {
        party: Party::Other,
        ..as_receiver
    };
    assert_eq!(
        decide(&ext, &Action::ViewReferral(&other)),
        Decision::Forbidden
    );
    let f = facts(true);
    for a in [
        Action::UseOwnAccount,
        Action::WorkWithPatients,
        Action::ViewChart(&f),
        Action::Refer,
        Action::UsePortal,
        Action::UseThread { is_party: true },
        Action::ManageClinic { clinic_id: "c1" },
    ] {
        assert_eq!(decide(&ext, &a), Decision::Forbidden, "{a:?}");
    }
    assert_eq!(ext.role_name(), "external");
}

#[test]
fn analytics_practitioners_see_their_own_and_admins_their_clinic() {
    let own = AnalyticsScope::Practitioner { user_id: "d" };
    let clinic = AnalyticsScope::Clinic { clinic_id: "c1" };
    let allow = |a: &Actor, s| decide(a, &Action::ViewAnalytics(s));
    assert_eq!(allow(&practitioner("d"), own), Decision::Allow);
    assert_eq!(allow(&practitioner("e"), own), Decision::Forbidden);
    assert_eq!(allow(&practitioner("d"), clinic), Decision::Forbidden);
    assert_eq!(allow(&admin("c1"), clinic), Decision::Allow);
    assert_eq!(allow(&admin("c2"), clinic), Decision::Forbidden);
    assert_eq!(allow(&admin("c1"), own), Decision::Forbidden);
    assert_eq!(allow(&patient("u1"), own), Decision::Forbidden);
    assert_eq!(allow(&patient("u1"), clinic), Decision::Forbidden);
    assert_eq!(allow(&Actor::Anonymous, clinic), Decision::NeedsLogin);
}

#[test]
fn cover_is_set_by_a_practitioner_with_a_colleague_of_their_clinic() {
    let cover = |c| Action::ManageCover { covering_clinic: c };
    assert_eq!(decide(&practitioner("d"), &cover(None)), Decision::Allow);
    assert_eq!(
        decide(&practitioner("d"), &cover(Some("c1"))),
        Decision::Allow
    );
    assert_eq!(
        decide(&practitioner("d"), &cover(Some("c2"))),
        Decision::Forbidden
    );
    for a in [patient("u1"), admin("c1")] {
        assert_eq!(decide(&a, &cover(None)), Decision::Forbidden);
    }
    assert_eq!(
        decide(&Actor::Anonymous, &cover(None)),
        Decision::NeedsLogin
    );
}

#[test]
fn an_assistant_works_as_their_practitioner_but_decides_nothing_of_theirs() {
    let anita = Actor::Assistant {
        user_id: "anita".into(),
        clinic_id: "c1".into(),
        principal: Some("asha".into()),
    };
    // Whose work it is, who does it, and for whom the audit log says it was done.
    assert_eq!(anita.user_id(), Some("asha"));
    assert_eq!(anita.person_id(), Some("anita"));
    assert_eq!(anita.delegate(), Some("anita"));
    assert_eq!(anita.on_behalf_of(), Some("asha"));
    assert_eq!(anita.role_name(), "assistant");
    assert_eq!(practitioner("asha").on_behalf_of(), None);
    assert_eq!(practitioner("asha").person_id(), Some("asha"));

    let allow = |a: &Actor, action: Action<'_>| decide(a, &action) == Decision::Allow;
    let (mine, theirs) = (facts(true), facts(false));
    assert!(allow(&anita, Action::UseOwnAccount));
    assert!(allow(&anita, Action::WorkWithPatients));
    assert!(
        allow(&anita, Action::Refer),
        "she prepares; offers keep sending"
    );
    assert!(allow(&anita, Action::ViewChart(&mine)) && allow(&anita, Action::EditChart(&mine)));
    assert!(!allow(&anita, Action::ViewChart(&theirs)));
    assert!(
        !allow(&anita, Action::ShareChart(&mine)),
        "the care team is the clinician's"
    );
    assert!(!allow(
        &anita,
        Action::ManageCover {
            covering_clinic: None
        }
    ));
    let own = AnalyticsScope::Practitioner { user_id: "asha" };
    assert!(!allow(&anita, Action::ViewAnalytics(own)));
    assert!(!allow(&anita, Action::UsePortal));
    assert!(!allow(&anita, Action::ManageClinic { clinic_id: "c1" }));

    // Working for nobody (the clinic has not named anyone): only her own account.
    let idle = Actor::Assistant {
        user_id: "anita".into(),
        clinic_id: "c1".into(),
        principal: None,
    };
    assert_eq!(idle.user_id(), None);
    assert_eq!(idle.delegate(), None);
    assert!(allow(&idle, Action::UseOwnAccount));
    for action in [
        Action::WorkWithPatients,
        Action::Refer,
        Action::ViewChart(&mine),
    ] {
        assert!(!allow(&idle, action));
    }
}
