//! Who belongs where: a patient's care team, and a clinic's invitations to doctors outside
//! the network.

/// Whether a practitioner may be taken off a care team with `active_members` active
/// accounts in it: a chart always keeps someone active caring for the patient (and able to
/// share it again). A deactivated member can always go.
pub fn care_team_may_remove(active_members: i64, member_active: bool) -> bool {
    active_members - i64::from(member_active) >= 1
}

/// How long a clinic's invitation to an outside doctor stays open.
pub const INVITATION_DAYS: i64 = 14;

/// Where a clinic's invitation to an outside doctor stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationState {
    Open,
    Accepted,
    Withdrawn,
    Expired,
}

/// The state of an invitation at `now`: accepted and withdrawn are final, whatever the
/// expiry says; an open one runs out at `expires_at`.
pub fn invitation_state(
    accepted: bool,
    withdrawn: bool,
    expires_at: chrono::NaiveDateTime,
    now: chrono::NaiveDateTime,
) -> InvitationState {
    if accepted {
        InvitationState::Accepted
    } else if withdrawn {
        InvitationState::Withdrawn
    } else if now >= expires_at {
        InvitationState::Expired
    } else {
        InvitationState::Open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_is_open_until_it_runs_out_and_accepting_is_final() {
        let t = |h| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
        };
        use InvitationState::*;
        assert_eq!(invitation_state(false, false, t(12), t(11)), Open);
        assert_eq!(invitation_state(false, false, t(12), t(12)), Expired);
        assert_eq!(invitation_state(false, true, t(12), t(11)), Withdrawn);
        assert_eq!(invitation_state(true, false, t(12), t(13)), Accepted);
        assert_eq!(invitation_state(true, true, t(12), t(11)), Accepted);
    }

    #[test]
    fn a_care_team_keeps_its_last_active_member() {
        assert!(!care_team_may_remove(1, true));
        assert!(care_team_may_remove(2, true));
        // Another member who is deactivated does not count.
        assert!(!care_team_may_remove(1, true));
        // A deactivated member can go, even beside a single active one.
        assert!(care_team_may_remove(1, false));
        assert!(!care_team_may_remove(0, false));
    }
}
