//! Assistants (issue 15): a clinic's account that works for named practitioners of the
//! clinic. What they may do on a referral is `offers::delegate_may`; this is their account.

use super::forms::FieldErrors;
use super::people::{account_name_and_email, check_new_password};

/// The admin's form for an assistant: a new account names its password, an existing one
/// only whom it works for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssistantInput {
    pub display_name: String,
    pub email: String,
    pub password: String,
    pub password_confirm: String,
    /// The practitioners ticked (ids; the service checks they are the clinic's).
    pub principals: Vec<String>,
    /// The account may sign in (an existing one: unticked deactivates it).
    pub active: bool,
}

/// A valid assistant form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssistant {
    pub display_name: String,
    pub email: String,
    pub principals: Vec<String>,
}

/// Checks the whole form of a new assistant (`new_account`) or only whom an existing one
/// works for; every mistake is named beside its field.
pub fn validate(input: &AssistantInput, new_account: bool) -> Result<NewAssistant, FieldErrors> {
    let mut e = FieldErrors::new();
    let mut principals: Vec<String> = Vec::new();
    for p in &input.principals {
        if !p.is_empty() && !principals.contains(p) {
            principals.push(p.clone());
        }
    }
    // An account being deactivated needs nobody to work for.
    if principals.is_empty() && (new_account || input.active) {
        e.add(
            "principals",
            "Choose at least one practitioner this assistant works for.",
        );
    }
    if !new_account {
        return e.into_result(NewAssistant {
            display_name: String::new(),
            email: String::new(),
            principals,
        });
    }
    let (display_name, email) = account_name_and_email(&mut e, &input.display_name, &input.email);
    if let Err(m) = check_new_password(
        &input.password,
        &input.password_confirm,
        &[&input.email, &input.display_name],
    ) {
        e.add("password", m);
    }
    e.into_result(NewAssistant {
        display_name,
        email,
        principals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> AssistantInput {
        AssistantInput {
            display_name: "Anita Rao".into(),
            email: "Anita.Rao@Lakeside.example".into(),
            password: "a long enough passphrase".into(),
            password_confirm: "a long enough passphrase".into(),
            principals: vec!["asha".into(), "asha".into(), "".into()],
            active: true,
        }
    }

    #[test]
    fn a_new_assistant_has_a_name_an_address_a_password_and_someone_to_work_for() {
        let ok = validate(&form(), true).expect("valid");
        assert_eq!(ok.email, "anita.rao@lakeside.example");
        assert_eq!(ok.principals, vec!["asha".to_string()], "ticked once");

        let mut bad = form();
        bad.display_name = " ".into();
        bad.email = "not an address".into();
        bad.password_confirm = "something else".into();
        bad.principals.clear();
        let e = validate(&bad, true).expect_err("four mistakes");
        for field in ["display_name", "email", "password", "principals"] {
            assert!(e.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn changing_whom_an_assistant_works_for_checks_only_that() {
        let mut only = AssistantInput {
            principals: vec!["rohan".into()],
            active: true,
            ..AssistantInput::default()
        };
        assert_eq!(validate(&only, false).expect("valid").principals, ["rohan"]);
        only.principals.clear();
        assert!(validate(&only, false).is_err());
        // Deactivating: nobody to work for is fine.
        only.active = false;
        assert!(validate(&only, false).is_ok());
    }
}
