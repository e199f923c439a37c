//! The one authorization policy. Every handler states what it wants to do as an [`Action`]
//! with the facts it loaded, and asks [`decide`]. Nothing else decides access.

use super::people::Role;

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Anonymous,
    /// Handoff itself (the mail worker), for audit rows of work no person started.
    System,
    Practitioner {
        user_id: String,
        clinic_id: String,
    },
    /// A patient signed in to the portal; `patient_id` is their own chart, if linked.
    Patient {
        user_id: String,
        clinic_id: String,
        patient_id: Option<String>,
    },
    ClinicAdmin {
        user_id: String,
        clinic_id: String,
    },
    /// A doctor outside the network holding a valid signed link: acts on that one
    /// referral only. `clinic_id` is the referring clinic, so its admin sees the audit rows.
    External {
        user_id: String,
        referral_id: String,
        clinic_id: String,
    },
    /// A patient without a portal account holding their personal link to one referral:
    /// acts as that referral's patient, on it only. `clinic_id` is the patient's clinic.
    PatientLink {
        patient_id: String,
        referral_id: String,
        clinic_id: String,
    },
}

impl Actor {
    /// The signed-in user's id, if any.
    pub fn user_id(&self) -> Option<&str> {
        match self {
            Actor::Anonymous | Actor::System | Actor::PatientLink { .. } => None,
            Actor::Practitioner { user_id, .. }
            | Actor::Patient { user_id, .. }
            | Actor::ClinicAdmin { user_id, .. }
            | Actor::External { user_id, .. } => Some(user_id),
        }
    }

    /// The clinic the signed-in user belongs to.
    pub fn clinic_id(&self) -> Option<&str> {
        match self {
            Actor::Anonymous | Actor::System => None,
            Actor::Practitioner { clinic_id, .. }
            | Actor::Patient { clinic_id, .. }
            | Actor::ClinicAdmin { clinic_id, .. }
            | Actor::External { clinic_id, .. }
            | Actor::PatientLink { clinic_id, .. } => Some(clinic_id),
        }
    }

    /// The role, if signed in.
    pub fn role(&self) -> Option<Role> {
        match self {
            Actor::Anonymous | Actor::System => None,
            Actor::Practitioner { .. } => Some(Role::Practitioner),
            Actor::Patient { .. } => Some(Role::Patient),
            Actor::ClinicAdmin { .. } => Some(Role::ClinicAdmin),
            Actor::External { .. } | Actor::PatientLink { .. } => None,
        }
    }

    /// The role as the audit log records it.
    pub fn role_name(&self) -> &'static str {
        match self {
            Actor::External { .. } => "external",
            Actor::PatientLink { .. } => "patient_link",
            Actor::System => "system",
            other => other.role().map_or("anonymous", Role::as_str),
        }
    }
}

/// What is known about a patient when deciding access to their chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientFacts {
    pub patient_id: String,
    pub clinic_id: String,
    /// The portal account linked to this chart.
    pub user_id: Option<String>,
    /// Whether the asking practitioner has a care relationship with the patient.
    pub actor_in_care_team: bool,
}

/// What is known about a referral when deciding access to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralFacts {
    /// How the actor relates to the referral.
    pub party: super::referral::Party,
    pub status: super::referral::Status,
    /// Whether the referral has ever reached the receiver.
    pub received: bool,
}

/// What the actor wants to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action<'a> {
    /// Any page that only needs someone signed in (their own account settings).
    UseOwnAccount,
    /// The practitioner's own patient list, and registering a new patient.
    WorkWithPatients,
    /// Read a chart (profile page, file download).
    ViewChart(&'a PatientFacts),
    /// Add to a chart.
    EditChart(&'a PatientFacts),
    /// Add a colleague to the patient's care team.
    ShareChart(&'a PatientFacts),
    /// The patient portal.
    UsePortal,
    /// Clinic settings and the clinic's practitioners.
    ManageClinic { clinic_id: &'a str },
    /// Search the network directory and refer patients.
    Refer,
    /// Open a referral page (what is shown on it is decided by the referral's rules).
    ViewReferral(&'a ReferralFacts),
    /// Read and write in a message thread.
    UseThread { is_party: bool },
    /// Referral analytics over a scope (not patient data: counts and durations only).
    ViewAnalytics(AnalyticsScope<'a>),
    /// Take up a clinic's invitation (an outside doctor becoming its practitioner). The
    /// invitation's token, checked by the service, is the proof of who it is for; nobody
    /// signed in may use one, so an account is never taken over from inside another's session.
    JoinClinic,
    /// Book, move or cancel a visit; `for_referral` is the referral the visit is for, if any.
    ManageVisit { for_referral: Option<&'a str> },
    /// The patient's own list of who viewed their data.
    SeeOwnAccessLog,
    /// Call the FHIR API on a resource type with a client's scopes (what the call then
    /// reads or changes is asked of the policy again, as the practitioner it acts for).
    UseApi {
        scopes: &'a super::fhir::scope::Scopes,
        resource: &'a str,
        permission: super::fhir::scope::Permission,
    },
    /// Sign the audit chain's head now. The checkpoint anchors every clinic's rows but
    /// shows none of them, so any clinic's admin may take one.
    CheckpointAudit,
}

/// Whose referrals an analytics page covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnalyticsScope<'a> {
    /// One practitioner's own referrals.
    Practitioner { user_id: &'a str },
    /// Every referral sent or received by a clinic's practitioners.
    Clinic { clinic_id: &'a str },
}

/// The answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Not signed in: send to the sign-in page.
    NeedsLogin,
    Forbidden,
}

/// Decides whether `actor` may perform `action`.
pub fn decide(actor: &Actor, action: &Action<'_>) -> Decision {
    use Decision::*;
    if matches!(action, Action::JoinClinic) {
        return if matches!(actor, Actor::Anonymous) {
            Allow
        } else {
            Forbidden
        };
    }
    if matches!(actor, Actor::Anonymous) {
        return NeedsLogin;
    }
    if matches!(actor, Actor::System) {
        // System work is not a request: it never passes through the policy.
        return Forbidden;
    }
    if let Actor::PatientLink { referral_id, .. } = actor {
        // A patient's link opens the one referral it names (the service matched the link to
        // the referral and the patient), its visits, and who viewed the patient's data.
        let ok = match action {
            Action::ViewReferral(r) => {
                r.party == super::referral::Party::Patient
                    && r.status != super::referral::Status::Draft
            }
            Action::ManageVisit { for_referral } => *for_referral == Some(referral_id.as_str()),
            Action::SeeOwnAccessLog => true,
            _ => false,
        };
        return if ok { Allow } else { Forbidden };
    }
    if let Actor::External { .. } = actor {
        // A link holder may open the one referral the link names (the service has already
        // matched the link to it) once it was handed over, and nothing else.
        let ok = matches!(action, Action::ViewReferral(r)
            if r.party == super::referral::Party::Receiver && r.received);
        return if ok { Allow } else { Forbidden };
    }
    let allowed = match action {
        Action::UseOwnAccount => true,
        Action::WorkWithPatients => matches!(actor, Actor::Practitioner { .. }),
        Action::ViewChart(p) => match actor {
            Actor::Practitioner { .. } => p.actor_in_care_team,
            Actor::Patient { user_id, .. } => p.user_id.as_deref() == Some(user_id.as_str()),
            // Admins run the clinic; they do not read clinical records.
            _ => false,
        },
        Action::EditChart(p) | Action::ShareChart(p) => match actor {
            Actor::Practitioner { .. } => p.actor_in_care_team,
            _ => false,
        },
        Action::UsePortal => matches!(actor, Actor::Patient { .. }),
        Action::ManageClinic { clinic_id } => {
            matches!(actor, Actor::ClinicAdmin { clinic_id: own, .. } if own == clinic_id)
        }
        Action::Refer => matches!(actor, Actor::Practitioner { .. }),
        Action::ViewReferral(r) => {
            use super::referral::{Party, Status};
            match r.party {
                Party::Sender => true,
                // The receiver sees nothing until the referral is handed over.
                Party::Receiver => r.received,
                // The patient sees every referral about them once it leaves draft.
                Party::Patient => r.status != Status::Draft,
                Party::Other => false,
            }
        }
        Action::UseThread { is_party } => *is_party,
        Action::ViewAnalytics(scope) => match (actor, scope) {
            (
                Actor::Practitioner { user_id: own, .. },
                AnalyticsScope::Practitioner { user_id },
            ) => own == user_id,
            (Actor::ClinicAdmin { clinic_id: own, .. }, AnalyticsScope::Clinic { clinic_id }) => {
                own == clinic_id
            }
            _ => false,
        },
        Action::JoinClinic => false,
        Action::CheckpointAudit => matches!(actor, Actor::ClinicAdmin { .. }),
        // A client acts for one practitioner, within the scopes the admin granted.
        Action::UseApi {
            scopes,
            resource,
            permission,
        } => matches!(actor, Actor::Practitioner { .. }) && scopes.allows(resource, *permission),
        Action::ManageVisit { .. } | Action::SeeOwnAccessLog => {
            matches!(actor, Actor::Patient { .. })
        }
    };
    if allowed { Allow } else { Forbidden }
}

#[cfg(test)]
mod tests {
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
}
