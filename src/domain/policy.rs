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
    /// A clinic's assistant working for `principal` (one of the practitioners they work
    /// for, chosen in their session; `None` when they work for nobody yet). Whose work it is
    /// is the principal's: [`Actor::user_id`] is the principal, so the referrals, charts and
    /// inbox are the principal's; [`Actor::person_id`] is the assistant, for their own
    /// account and for the audit log's actor (`on_behalf_of` the principal).
    Assistant {
        user_id: String,
        clinic_id: String,
        principal: Option<String>,
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
    /// Whose work this is: the signed-in user's id, or for an assistant the practitioner
    /// they act for.
    pub fn user_id(&self) -> Option<&str> {
        match self {
            Actor::Anonymous | Actor::System | Actor::PatientLink { .. } => None,
            Actor::Assistant { principal, .. } => principal.as_deref(),
            Actor::Practitioner { user_id, .. }
            | Actor::Patient { user_id, .. }
            | Actor::ClinicAdmin { user_id, .. }
            | Actor::External { user_id, .. } => Some(user_id),
        }
    }

    /// Who is at the keyboard: the signed-in account (an assistant's own, not their
    /// principal's). Account settings, sessions and the audit log's actor use this.
    pub fn person_id(&self) -> Option<&str> {
        match self {
            Actor::Assistant { user_id, .. } => Some(user_id),
            other => other.user_id(),
        }
    }

    /// The assistant acting, when the work is done on a practitioner's behalf.
    pub fn delegate(&self) -> Option<&str> {
        match self {
            Actor::Assistant {
                user_id,
                principal: Some(_),
                ..
            } => Some(user_id),
            _ => None,
        }
    }

    /// The practitioner the work is done for, when someone else does it (the audit log's
    /// `on_behalf_of`).
    pub fn on_behalf_of(&self) -> Option<&str> {
        match self {
            Actor::Assistant { principal, .. } => principal.as_deref(),
            _ => None,
        }
    }

    /// A practitioner's work, done by them or by their assistant: whose referrals, charts
    /// and inbox these are.
    pub fn works_as_practitioner(&self) -> bool {
        matches!(
            self,
            Actor::Practitioner { .. }
                | Actor::Assistant {
                    principal: Some(_),
                    ..
                }
        )
    }

    /// The clinic the signed-in user belongs to.
    pub fn clinic_id(&self) -> Option<&str> {
        match self {
            Actor::Anonymous | Actor::System => None,
            Actor::Practitioner { clinic_id, .. }
            | Actor::Patient { clinic_id, .. }
            | Actor::ClinicAdmin { clinic_id, .. }
            | Actor::Assistant { clinic_id, .. }
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
            Actor::Assistant { .. } => Some(Role::Assistant),
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
    /// Set one's own absences and the colleague who covers, and hand one's open referrals
    /// over to that colleague (`covering_id`, when naming one: it must be of the clinic).
    ManageCover { covering_clinic: Option<&'a str> },
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
        // System work is not a request: it never passes through the policy. The one
        // exception is a clinic's API client (system/ scopes) before its call names the
        // clinic's practitioner it concerns (then it acts as them).
        return match action {
            Action::UseApi {
                scopes,
                resource,
                permission,
            } if scopes.context == crate::domain::fhir::scope::Context::System
                && scopes.allows(resource, *permission) =>
            {
                Allow
            }
            _ => Forbidden,
        };
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
        // An assistant works with their practitioner's patients (`actor_in_care_team` is
        // then the practitioner's): reads and adds to charts, prepares referrals.
        Action::WorkWithPatients => actor.works_as_practitioner(),
        Action::ViewChart(p) => match actor {
            Actor::Practitioner { .. } => p.actor_in_care_team,
            Actor::Assistant { .. } => actor.works_as_practitioner() && p.actor_in_care_team,
            Actor::Patient { user_id, .. } => p.user_id.as_deref() == Some(user_id.as_str()),
            // Admins run the clinic; they do not read clinical records.
            _ => false,
        },
        Action::EditChart(p) => match actor {
            Actor::Practitioner { .. } => p.actor_in_care_team,
            Actor::Assistant { .. } => actor.works_as_practitioner() && p.actor_in_care_team,
            _ => false,
        },
        // Who else cares for the patient is a clinician's decision.
        Action::ShareChart(p) => match actor {
            Actor::Practitioner { .. } => p.actor_in_care_team,
            _ => false,
        },
        Action::UsePortal => matches!(actor, Actor::Patient { .. }),
        Action::ManageClinic { clinic_id } => {
            matches!(actor, Actor::ClinicAdmin { clinic_id: own, .. } if own == clinic_id)
        }
        // An assistant prepares; the lifecycle leaves sending to the practitioner (offers).
        Action::Refer => actor.works_as_practitioner(),
        // Cover stays inside the clinic: its colleagues share its patients' care.
        Action::ManageCover { covering_clinic } => match actor {
            Actor::Practitioner { clinic_id, .. } => covering_clinic.is_none_or(|c| c == clinic_id),
            _ => false,
        },
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
        // A client acts for one practitioner (a clinic's client: the practitioner its call
        // concerns), within the scopes the admin granted.
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
mod tests;
