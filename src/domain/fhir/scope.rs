//! API client scopes in SMART App Launch v2 syntax: `user/Task.rs`, `user/*.cruds`. A
//! client acts for one practitioner, so `user/` is the context every scope names; `c` create,
//! `r` read, `u` update, `d` delete, `s` search.

/// What a scope lets a client do to a resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Create,
    Read,
    Update,
    Delete,
    Search,
}

impl Permission {
    fn letter(self) -> char {
        match self {
            Permission::Create => 'c',
            Permission::Read => 'r',
            Permission::Update => 'u',
            Permission::Delete => 'd',
            Permission::Search => 's',
        }
    }
}

/// One granted scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// A resource type, or `*` for all.
    pub resource: String,
    /// Permission letters in `cruds` order.
    pub permissions: String,
}

/// The scopes of a client, parsed from the space-separated list stored with it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scopes(pub Vec<Scope>);

/// The scopes the admin form's two boxes stand for.
pub const READ_SCOPES: &str = "user/*.rs";
pub const WRITE_SCOPES: &str = "user/*.cud";

impl Scopes {
    /// Parses `user/Task.rs user/*.cu`; names the first scope that is not SMART v2 user scope
    /// syntax.
    pub fn parse(s: &str) -> Result<Scopes, String> {
        let mut out = Vec::new();
        for word in s.split_whitespace() {
            let bad = || {
                format!(
                    "\"{word}\" is not a SMART v2 scope this server grants: write user/<Resource or *>.<letters of cruds>, for example user/Task.rs"
                )
            };
            let rest = word.strip_prefix("user/").ok_or_else(bad)?;
            let (resource, perms) = rest.split_once('.').ok_or_else(bad)?;
            let resource_ok = resource == "*"
                || (resource
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase())
                    && resource.chars().all(|c| c.is_ascii_alphanumeric()));
            // v2 requires the letters in cruds order, each at most once.
            let ordered = {
                let mut it = "cruds".chars();
                perms.chars().all(|p| it.any(|c| c == p))
            };
            if !resource_ok || perms.is_empty() || !ordered {
                return Err(bad());
            }
            out.push(Scope {
                resource: resource.to_string(),
                permissions: perms.to_string(),
            });
        }
        if out.is_empty() {
            return Err("Grant at least one scope.".into());
        }
        Ok(Scopes(out))
    }

    /// Whether some scope lets the client do `p` to resources of type `resource`.
    pub fn allows(&self, resource: &str, p: Permission) -> bool {
        self.0.iter().any(|s| {
            (s.resource == "*" || s.resource == resource) && s.permissions.contains(p.letter())
        })
    }

    /// The scopes as stored and shown.
    pub fn to_text(&self) -> String {
        self.0
            .iter()
            .map(|s| format!("user/{}.{}", s.resource, s.permissions))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::{Action, Actor, Decision, decide};

    fn practitioner() -> Actor {
        Actor::Practitioner {
            user_id: "u1".into(),
            clinic_id: "c1".into(),
        }
    }
    fn patient() -> Actor {
        Actor::Patient {
            user_id: "u2".into(),
            clinic_id: "c1".into(),
            patient_id: Some("p1".into()),
        }
    }
    fn admin() -> Actor {
        Actor::ClinicAdmin {
            user_id: "a".into(),
            clinic_id: "c1".into(),
        }
    }

    #[test]
    fn the_api_is_a_practitioners_within_the_scopes_granted() {
        let read = Scopes::parse("user/Task.rs").unwrap();
        let call = |p| Action::UseApi {
            scopes: &read,
            resource: "Task",
            permission: p,
        };
        assert_eq!(
            decide(&practitioner(), &call(Permission::Read)),
            Decision::Allow
        );
        assert_eq!(
            decide(&practitioner(), &call(Permission::Update)),
            Decision::Forbidden
        );
        let other = Action::UseApi {
            scopes: &read,
            resource: "Consent",
            permission: Permission::Read,
        };
        assert_eq!(decide(&practitioner(), &other), Decision::Forbidden);
        for who in [patient(), admin()] {
            assert_eq!(decide(&who, &call(Permission::Read)), Decision::Forbidden);
        }
        assert_eq!(
            decide(&Actor::Anonymous, &call(Permission::Read)),
            Decision::NeedsLogin
        );
    }

    #[test]
    fn v2_scopes_parse_and_grant_exactly_their_letters() {
        let s = Scopes::parse("user/Task.rs  user/ServiceRequest.r").unwrap();
        assert!(s.allows("Task", Permission::Read));
        assert!(s.allows("Task", Permission::Search));
        assert!(!s.allows("Task", Permission::Update));
        assert!(s.allows("ServiceRequest", Permission::Read));
        assert!(!s.allows("ServiceRequest", Permission::Search));
        assert!(!s.allows("Patient", Permission::Read));
        assert_eq!(s.to_text(), "user/Task.rs user/ServiceRequest.r");
        let all = Scopes::parse(&format!("{READ_SCOPES} {WRITE_SCOPES}")).unwrap();
        for p in [
            Permission::Create,
            Permission::Read,
            Permission::Update,
            Permission::Search,
        ] {
            assert!(all.allows("Consent", p));
        }
        assert!(all.allows("Subscription", Permission::Delete));
        assert!(
            !Scopes::parse(READ_SCOPES)
                .unwrap()
                .allows("Subscription", Permission::Delete)
        );
    }

    #[test]
    fn anything_else_is_refused_with_the_word_named() {
        for bad in [
            "",
            "   ",
            "patient/Task.rs",
            "system/*.rs",
            "user/Task.read",
            "user/Task.sr",
            "user/Task.rr",
            "user/task.rs",
            "user/Task.",
            "user/Task",
            "user/Ta-sk.r",
        ] {
            let e = Scopes::parse(bad).unwrap_err();
            let word = bad.split_whitespace().next().unwrap_or("");
            assert!(e.contains(word), "{bad:?}: {e}");
        }
    }
}
