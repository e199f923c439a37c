//! Services: a clinic's team that receives referrals as one ("Cardiology, Northgate
//! Specialist Group"). A referral to a service waits in its shared queue until a member
//! claims it (or the coordinator assigns it); the rules of who does what there live here.

use super::forms::{FieldErrors, optional_int, optional_text, required_text};
pub use super::referral::queue::{QueueRole, claimable, queue_may};

/// The placeholder address of a service's account: nobody signs in as a service, and its
/// notices go to the people in its queue.
pub fn account_address(id: &str) -> String {
    format!("service.{id}@handoff.invalid")
}

/// Whether an account's address is a service's ([`account_address`]).
pub fn is_service_address(email: &str) -> bool {
    email.starts_with("service.") && email.ends_with("@handoff.invalid")
}

/// Who a service is for, as a hint to referrers (not a rule: the receiver decides).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Eligibility {
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    /// "male" or "female"; `None` for anyone.
    pub sex: Option<String>,
}

impl Eligibility {
    /// Whether a patient of `age` and `sex` fits the hint.
    pub fn fits(&self, age: i64, sex: &str) -> bool {
        self.min_age.is_none_or(|a| age >= a)
            && self.max_age.is_none_or(|b| age <= b)
            && self.sex.as_deref().is_none_or(|s| s == sex)
    }
}

/// Full years of age on `today` of someone born on `born`.
pub fn age_on(born: chrono::NaiveDate, today: chrono::NaiveDate) -> i64 {
    use chrono::Datelike;
    let mut years = i64::from(today.year() - born.year());
    if (today.month(), today.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years
}

/// The service form as posted by the clinic's admin.
#[derive(Debug, Clone, Default)]
pub struct ServiceForm {
    pub name: String,
    pub description: String,
    pub specialties: String,
    pub min_age: String,
    pub max_age: String,
    pub sex: String,
    pub accepting: bool,
    pub coordinator_id: String,
    pub members: Vec<String>,
}

/// A valid service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewService {
    pub name: String,
    pub description: String,
    pub specialties: String,
    pub eligibility: Eligibility,
    pub accepting: bool,
    pub coordinator_id: Option<String>,
    pub members: Vec<String>,
}

impl ServiceForm {
    /// Checks the form; `colleagues` are the ids of the clinic's active practitioners, the
    /// only ones who may be members or the coordinator.
    pub fn validate(&self, colleagues: &[String]) -> Result<NewService, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = required_text(&mut e, "name", "Name", &self.name, 120);
        let description = optional_text(
            &mut e,
            "description",
            "Description",
            &self.description,
            1000,
        );
        let specialties =
            required_text(&mut e, "specialties", "Specialties", &self.specialties, 300);
        let min_age = optional_int(&mut e, "min_age", "Youngest age", &self.min_age, 0..=120);
        let max_age = optional_int(&mut e, "max_age", "Oldest age", &self.max_age, 0..=120);
        if let (Some(a), Some(b)) = (min_age, max_age)
            && b < a
        {
            e.add("max_age", "The oldest age is below the youngest.");
        }
        let sex = match self.sex.trim() {
            "" => None,
            s @ ("male" | "female") => Some(s.to_string()),
            _ => {
                e.add("sex", "Choose anyone, female or male.");
                None
            }
        };
        let known = |id: &str| colleagues.iter().any(|c| c == id);
        let mut members: Vec<String> = Vec::new();
        for m in &self.members {
            let m = m.trim();
            if !known(m) {
                e.add(
                    "members",
                    "Members must be active practitioners of the clinic.",
                );
            } else if !members.iter().any(|x| x == m) {
                members.push(m.to_string());
            }
        }
        if members.is_empty() {
            e.add(
                "members",
                "A service needs at least one member to claim its referrals.",
            );
        }
        let coordinator = self.coordinator_id.trim();
        let coordinator_id = if coordinator.is_empty() {
            None
        } else if known(coordinator) {
            Some(coordinator.to_string())
        } else {
            e.add(
                "coordinator_id",
                "The coordinator must be an active practitioner of the clinic.",
            );
            None
        };
        e.into_result(NewService {
            name,
            description,
            specialties,
            eligibility: Eligibility {
                min_age,
                max_age,
                sex,
            },
            accepting: self.accepting,
            coordinator_id,
            members,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::referral::{Command, Status};

    #[test]
    fn only_the_coordinator_triages_and_nobody_accepts_from_the_queue() {
        for c in crate::domain::referral::ALL_COMMANDS {
            assert!(!queue_may(QueueRole::Member, c), "{c:?}");
            assert_eq!(
                queue_may(QueueRole::Coordinator, c),
                matches!(c, Command::RequestInfo | Command::RequireVisit),
                "{c:?}"
            );
        }
        assert!(claimable(Status::Sent) && claimable(Status::NeedInfo));
        for s in [
            Status::Draft,
            Status::AwaitingPatient,
            Status::Accepted,
            Status::Completed,
            Status::Cancelled,
        ] {
            assert!(!claimable(s), "{s:?}");
        }
    }

    #[test]
    fn age_counts_whole_years() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(age_on(d("2000-12-07"), d("2026-12-07")), 26);
        assert_eq!(age_on(d("2000-12-08"), d("2026-12-07")), 25);
        assert_eq!(age_on(d("2000-02-29"), d("2026-03-01")), 26);
    }

    #[test]
    fn eligibility_fits_patients_by_age_and_sex() {
        let e = Eligibility {
            min_age: Some(18),
            max_age: None,
            sex: None,
        };
        assert!(e.fits(18, "male") && !e.fits(17, "female"));
        let w = Eligibility {
            min_age: Some(18),
            max_age: Some(50),
            sex: Some("female".into()),
        };
        assert!(w.fits(30, "female") && !w.fits(30, "male") && !w.fits(51, "female"));
        let s = Eligibility {
            sex: Some("female".into()),
            ..Eligibility::default()
        };
        assert!(s.fits(90, "female") && !s.fits(90, "male"));
        assert!(Eligibility::default().fits(3, "male"));
    }

    #[test]
    fn the_form_names_each_mistake_beside_its_field() {
        let colleagues = vec!["a".to_string(), "b".to_string()];
        let ok = ServiceForm {
            name: " Cardiology ".into(),
            specialties: "Cardiology, heart failure".into(),
            min_age: "18".into(),
            members: vec!["a".into(), "b".into(), "a".into()],
            coordinator_id: "b".into(),
            accepting: true,
            ..ServiceForm::default()
        }
        .validate(&colleagues)
        .unwrap();
        assert_eq!(ok.name, "Cardiology");
        assert_eq!(ok.members, vec!["a".to_string(), "b".to_string()]);
        assert_eq!(ok.coordinator_id.as_deref(), Some("b"));
        let e = ServiceForm {
            min_age: "60".into(),
            max_age: "40".into(),
            sex: "other".into(),
            members: vec!["stranger".into()],
            coordinator_id: "stranger".into(),
            ..ServiceForm::default()
        }
        .validate(&colleagues)
        .unwrap_err();
        assert_eq!(e.get("name"), Some("Name is required."));
        assert_eq!(e.get("specialties"), Some("Specialties is required."));
        assert!(e.get("max_age").unwrap().contains("below the youngest"));
        assert!(e.get("sex").is_some());
        assert!(e.get("members").unwrap().contains("active practitioners"));
        assert!(e.get("coordinator_id").is_some());
        let none = ServiceForm {
            name: "X".into(),
            specialties: "Y".into(),
            ..ServiceForm::default()
        }
        .validate(&colleagues)
        .unwrap_err();
        assert!(none.get("members").unwrap().contains("at least one member"));
    }
}
