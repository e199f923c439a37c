//! API client scopes in SMART App Launch v2 syntax: `user/Task.rs`, `system/*.cruds`. A
//! client acting for one practitioner holds `user/` scopes; a client acting for a whole
//! clinic (a record system's integration engine) holds `system/` scopes. `c` create, `r`
//! read, `u` update, `d` delete, `s` search.

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

/// Whom a client's scopes speak for: SMART v2's `user/` (one practitioner) or `system/`
/// (the whole clinic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Context {
    #[default]
    User,
    System,
}

impl Context {
    fn prefix(self) -> &'static str {
        match self {
            Context::User => "user/",
            Context::System => "system/",
        }
    }
}

/// The scopes of a client, parsed from the space-separated list stored with it; all of one
/// [`Context`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scopes {
    pub context: Context,
    pub granted: Vec<Scope>,
}

/// The scopes the admin form's two boxes stand for, for a practitioner's client.
pub const READ_SCOPES: &str = "user/*.rs";
pub const WRITE_SCOPES: &str = "user/*.cud";
/// The same for a client of the whole clinic.
pub const SYSTEM_READ_SCOPES: &str = "system/*.rs";
pub const SYSTEM_WRITE_SCOPES: &str = "system/*.cud";

impl Scopes {
    /// Parses `user/Task.rs user/*.cu` or `system/Task.rs system/*.cu`; names the first scope
    /// that is not SMART v2 scope syntax, or whose context differs from the first one's (a
    /// client acts for one practitioner or for the clinic, not both).
    pub fn parse(s: &str) -> Result<Scopes, String> {
        let mut out = Vec::new();
        let mut context = None;
        for word in s.split_whitespace() {
            let bad = || {
                format!(
                    "\"{word}\" is not a SMART v2 scope this server grants: write user/<Resource or *>.<letters of cruds> (or system/… for a client of the whole clinic), for example user/Task.rs"
                )
            };
            let (this, rest) = if let Some(rest) = word.strip_prefix("user/") {
                (Context::User, rest)
            } else if let Some(rest) = word.strip_prefix("system/") {
                (Context::System, rest)
            } else {
                return Err(bad());
            };
            if context.is_some_and(|c| c != this) {
                return Err(format!(
                    "\"{word}\" mixes user/ and system/ scopes: a client acts for one practitioner (user/) or for the whole clinic (system/)."
                ));
            }
            context = Some(this);
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
        let Some(context) = context else {
            return Err("Grant at least one scope.".into());
        };
        Ok(Scopes {
            context,
            granted: out,
        })
    }

    /// Whether some scope lets the client do `p` to resources of type `resource`.
    pub fn allows(&self, resource: &str, p: Permission) -> bool {
        self.granted.iter().any(|s| {
            (s.resource == "*" || s.resource == resource) && s.permissions.contains(p.letter())
        })
    }

    /// The scopes as stored and shown.
    pub fn to_text(&self) -> String {
        self.granted
            .iter()
            .map(|s| format!("{}{}.{}", self.context.prefix(), s.resource, s.permissions))
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
        // A clinic's client acts as Handoff itself until a call names the practitioner it
        // concerns; only with system/ scopes.
        assert_eq!(
            decide(&Actor::System, &call(Permission::Read)),
            Decision::Forbidden
        );
        let system = Scopes::parse("system/Task.rs").unwrap();
        let clinic_call = Action::UseApi {
            scopes: &system,
            resource: "Task",
            permission: Permission::Read,
        };
        assert_eq!(decide(&Actor::System, &clinic_call), Decision::Allow);
        assert_eq!(decide(&practitioner(), &clinic_call), Decision::Allow);
        assert_eq!(decide(&admin(), &clinic_call), Decision::Forbidden);
    }

    #[test]
    fn system_scopes_speak_for_the_clinic() {
        let s = Scopes::parse(&format!("{SYSTEM_READ_SCOPES} {SYSTEM_WRITE_SCOPES}")).unwrap();
        assert_eq!(s.context, Context::System);
        assert!(s.allows("Task", Permission::Update));
        assert_eq!(s.to_text(), "system/*.rs system/*.cud");
        assert_eq!(Scopes::parse(READ_SCOPES).unwrap().context, Context::User);
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
            "system/Task.read",
            "user/Task.rs system/Task.rs",
            "user/Task.read",
            "user/Task.sr",
            "user/Task.rr",
            "user/task.rs",
            "user/Task.",
            "user/Task",
            "user/Ta-sk.r",
        ] {
            let e = Scopes::parse(bad).unwrap_err();
            let word = bad.split_whitespace().last().unwrap_or("");
            assert!(e.contains(word), "{bad:?}: {e}");
        }
    }
}
