//! People and clinics: roles, e-mail and password rules, and the validated inputs for
//! registering patients and practitioners.

use super::forms::{FieldErrors, optional_text, required_date, required_text};

/// Who a signed-in account is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Practitioner,
    Patient,
    ClinicAdmin,
    /// Works for named practitioners of the clinic: prepares their referrals (which they
    /// sign), answers asks and triages, never decides (issue 15).
    Assistant,
}

impl Role {
    /// The value stored in `users.role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Practitioner => "practitioner",
            Role::Patient => "patient",
            Role::ClinicAdmin => "clinic_admin",
            Role::Assistant => "assistant",
        }
    }

    /// Parses the stored value; unknown values are `None`.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "practitioner" => Some(Role::Practitioner),
            "patient" => Some(Role::Patient),
            "clinic_admin" => Some(Role::ClinicAdmin),
            "assistant" => Some(Role::Assistant),
            _ => None,
        }
    }

    /// Whether the role is a clinic's staff (practitioners and admins): a clinic's
    /// "second factor required" applies to them, not to patients.
    pub fn is_staff(self) -> bool {
        matches!(
            self,
            Role::Practitioner | Role::ClinicAdmin | Role::Assistant
        )
    }

    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            Role::Practitioner => "Practitioner",
            Role::Patient => "Patient",
            Role::ClinicAdmin => "Clinic admin",
            Role::Assistant => "Assistant",
        }
    }
}

/// Minimum password length; long passphrases beat composition rules (NIST SP 800-63B).
pub const MIN_PASSWORD_LEN: usize = 10;

/// Text as compared for equality, the same way on every backend: Unicode NFKC (a
/// decomposed "u" + combining diaeresis is "ü", a full-width "Ｐ" is "P"), then
/// [`str::to_lowercase`], then trimmed. The database's own `lower()` is not used because
/// SQLite's folds ASCII only and PostgreSQL's depends on the database's locale.
///
/// Lower-casing is not full case folding: "STRASSE" and "straße" stay different.
pub fn fold(raw: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    raw.nfkc()
        .collect::<String>()
        .to_lowercase()
        .trim()
        .to_string()
}

/// The comparison key of a comma-separated language list: each item [`fold`]ed, empty
/// items dropped, joined by "," without spaces, so that a filter can match one whole
/// item (",malay," is not in ",malayalam,").
pub fn fold_languages(raw: &str) -> String {
    raw.split(',')
        .map(fold)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(",")
}

/// An e-mail address as stored and looked up: [`fold`]ed, so a full-width or ligature
/// look-alike is the same address.
pub fn fold_email(raw: &str) -> String {
    fold(raw)
}

/// Normalises an e-mail address for storage and look-up ([`fold_email`]) and checks its
/// shape. Deliverability is not checked here.
pub fn normalize_email(raw: &str) -> Result<String, &'static str> {
    let e = fold_email(raw);
    if e.is_empty() {
        return Err("E-mail is required.");
    }
    if e.len() > 254 {
        return Err("E-mail is too long.");
    }
    let Some((local, domain)) = e.split_once('@') else {
        return Err("Enter an e-mail address like name@example.org.");
    };
    if local.is_empty()
        || domain.len() < 3
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || e.chars().any(|c| c.is_whitespace() || c == '<' || c == '>')
        || domain.contains('@')
    {
        return Err("Enter an e-mail address like name@example.org.");
    }
    // Handoff's own placeholders (outside doctors, services) live there: nobody types one.
    if domain == "handoff.invalid" {
        return Err("Enter a real e-mail address.");
    }
    Ok(e)
}

/// Checks a new password against the policy: at least [`MIN_PASSWORD_LEN`] characters,
/// and hard to guess (zxcvbn score 3 of 4 or better, with the person's own name and
/// address counted as known words); the refusal says why and how to do better.
pub fn check_new_password(pw: &str, confirm: &str, known: &[&str]) -> Result<(), String> {
    if pw.chars().count() < MIN_PASSWORD_LEN {
        return Err("Use at least 10 characters.".into());
    }
    if pw.len() > 256 {
        return Err("Use at most 256 characters.".into());
    }
    if pw != confirm {
        return Err("The two passwords do not match.".into());
    }
    let mut words: Vec<&str> = vec!["handoff"];
    for k in known {
        words.extend(
            k.split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() > 2),
        );
    }
    let e = zxcvbn::zxcvbn(pw, &words);
    if e.score() >= zxcvbn::Score::Three {
        return Ok(());
    }
    let mut why = String::from("This password is too easy to guess.");
    if let Some(f) = e.feedback() {
        if let Some(w) = f.warning() {
            why.push_str(&format!(" {w}"));
        }
        for s in f.suggestions() {
            why.push_str(&format!(" {s}"));
        }
    } else {
        why.push_str(" Add another word or two that do not belong together.");
    }
    Err(why)
}

/// Sex as recorded in the chart.
pub const SEXES: [(&str, &str); 4] = [
    ("female", "Female"),
    ("male", "Male"),
    ("other", "Other"),
    ("unknown", "Not recorded"),
];

/// Raw patient registration input, as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct PatientInput {
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
    #[serde(default)]
    pub date_of_birth: String,
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub mrn: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

/// A patient registration that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPatient {
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: chrono::NaiveDate,
    pub sex: String,
    pub mrn: String,
    pub phone: String,
    pub email: String,
}

impl NewPatient {
    /// The lower-case "given family" used by name search.
    pub fn search_name(&self) -> String {
        search_name(&self.given_name, &self.family_name)
    }
}

/// The lower-case "given family" used by name search.
pub fn search_name(given: &str, family: &str) -> String {
    format!("{} {}", given.trim(), family.trim()).to_lowercase()
}

/// Validates a patient registration; `today` bounds the date of birth.
pub fn validate_patient(
    input: &PatientInput,
    today: chrono::NaiveDate,
) -> Result<NewPatient, FieldErrors> {
    let mut e = FieldErrors::new();
    let given_name = required_text(&mut e, "given_name", "Given name", &input.given_name, 100);
    let family_name = required_text(
        &mut e,
        "family_name",
        "Family name",
        &input.family_name,
        100,
    );
    let dob = required_date(
        &mut e,
        "date_of_birth",
        "Date of birth",
        &input.date_of_birth,
    );
    if let Some(d) = dob {
        if d > today {
            e.add("date_of_birth", "Date of birth cannot be in the future.");
        } else if today.years_since(d).unwrap_or(0) > 130 {
            e.add("date_of_birth", "Date of birth is more than 130 years ago.");
        }
    }
    let sex = input.sex.trim().to_string();
    if !SEXES.iter().any(|(v, _)| *v == sex) {
        e.add("sex", "Choose one of the options.");
    }
    let mrn = required_text(&mut e, "mrn", "Record number", &input.mrn, 40);
    let phone = optional_text(&mut e, "phone", "Phone", &input.phone, 40);
    let email = if input.email.trim().is_empty() {
        String::new()
    } else {
        match normalize_email(&input.email) {
            Ok(v) => v,
            Err(m) => {
                e.add("email", m);
                input.email.trim().to_string()
            }
        }
    };
    let value = NewPatient {
        given_name,
        family_name,
        date_of_birth: dob.unwrap_or_default(),
        sex,
        mrn,
        phone,
        email,
    };
    e.into_result(value)
}

/// Raw practitioner profile input from the clinic admin's form.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct PractitionerInput {
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub specialty: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub languages: String,
    #[serde(default)]
    pub accepting_referrals: Option<String>,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
}

/// A practitioner profile that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PractitionerProfile {
    pub display_name: String,
    pub email: String,
    pub title: String,
    pub specialty: String,
    pub city: String,
    /// Comma-separated, trimmed, de-duplicated.
    pub languages: String,
    pub accepting_referrals: bool,
}

/// A staff account's full name and e-mail as stored, each mistake added to `e` beside its
/// field (`display_name`, `email`).
pub fn account_name_and_email(e: &mut FieldErrors, name: &str, email: &str) -> (String, String) {
    let display_name = required_text(e, "display_name", "Full name", name, 120);
    let email = match normalize_email(email) {
        Ok(v) => v,
        Err(m) => {
            e.add("email", m);
            email.trim().to_string()
        }
    };
    (display_name, email)
}

/// Validates a practitioner profile. `new_account` also checks the initial password.
pub fn validate_practitioner(
    input: &PractitionerInput,
    new_account: bool,
) -> Result<PractitionerProfile, FieldErrors> {
    let mut e = FieldErrors::new();
    let (display_name, email) = account_name_and_email(&mut e, &input.display_name, &input.email);
    let title = optional_text(&mut e, "title", "Title", &input.title, 20);
    let specialty = required_text(&mut e, "specialty", "Specialty", &input.specialty, 80);
    let city = required_text(&mut e, "city", "City", &input.city, 80);
    let languages = normalize_languages(&input.languages);
    if languages.is_empty() {
        e.add(
            "languages",
            "List at least one language, separated by commas.",
        );
    } else if languages.len() > 200 {
        e.add("languages", "Languages must be at most 200 characters.");
    }
    if new_account
        && let Err(m) = check_new_password(
            &input.password,
            &input.password_confirm,
            &[&input.email, &input.display_name],
        )
    {
        e.add("password", m);
    }
    e.into_result(PractitionerProfile {
        display_name,
        email,
        title,
        specialty,
        city,
        languages,
        accepting_referrals: input.accepting_referrals.is_some(),
    })
}

/// "english, Hindi ,english" -> "English, Hindi".
pub fn normalize_languages(raw: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for part in raw.split(',') {
        let p = part.trim();
        if p.is_empty() {
            continue;
        }
        let mut chars = p.chars();
        let cap = match chars.next() {
            Some(f) => f.to_uppercase().collect::<String>() + chars.as_str(),
            None => continue,
        };
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&cap)) {
            out.push(cap);
        }
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn roles_round_trip() {
        for r in [Role::Practitioner, Role::Patient, Role::ClinicAdmin] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn emails() {
        assert_eq!(
            normalize_email("  Ann@Clinic.ORG ").unwrap(),
            "ann@clinic.org"
        );
        assert!(normalize_email("ann").is_err());
        assert!(normalize_email("ann@x").is_err());
        assert!(normalize_email("a b@x.org").is_err());
        assert!(normalize_email("").is_err());
    }

    #[test]
    fn passwords() {
        let ok = "violet tractor seldom harbours";
        assert!(check_new_password("short", "short", &[]).is_err());
        assert!(check_new_password(ok, "violet tractor seldom harbourS", &[]).is_err());
        assert!(check_new_password(ok, ok, &[]).is_ok());
        // Long but guessable: refused, with the reason.
        for weak in [
            "password123456",
            "aaaaaaaaaaaaaa",
            "qwertyuiop12",
            "1234567890",
        ] {
            let why = check_new_password(weak, weak, &[]).unwrap_err();
            assert!(
                why.starts_with("This password is too easy to guess."),
                "{weak}: {why}"
            );
        }
        // The person's own name and address count as known words.
        let own = "kulkarniasha";
        assert!(
            check_new_password(
                own,
                own,
                &["asha.kulkarni@lakeside.example", "Asha Kulkarni"]
            )
            .is_err()
        );
        assert!(
            check_new_password("ÉCOLE", "ÉCOLE", &[]).is_err(),
            "too short, whatever the script"
        );
        assert_eq!(
            fold_email(" Ａsha@Lakeside.Example "),
            "asha@lakeside.example"
        );
    }

    #[test]
    fn fold_ignores_case_and_unicode_form() {
        let folded = fold("zürich");
        assert_eq!(folded, "z\u{fc}rich", "composed (NFC)");
        for same in [
            "ZÜRICH",
            "Zürich",
            "Zu\u{308}rich",
            "ZU\u{308}RICH",
            " zürich\t",
        ] {
            assert_eq!(fold(same), folded, "{same:?}");
        }
        assert_eq!(fold("Ｐｕｎｅ"), "pune", "full-width");
        assert_eq!(fold("ÉVORA"), fold("e\u{301}vora"));
        assert_eq!(fold("Bengaluru"), "bengaluru");
        assert_eq!(fold("   "), "");
        assert_ne!(fold("Zurich"), fold("Zürich"), "accents are kept");
    }

    #[test]
    fn language_keys_keep_items_apart() {
        assert_eq!(
            fold_languages("English, FRANÇAIS ,, Malayalam"),
            "english,fran\u{e7}ais,malayalam"
        );
        assert_eq!(
            fold_languages("Franc\u{327}ais"),
            fold_languages("français")
        );
        assert_eq!(fold_languages(" , "), "");
    }

    #[test]
    fn patient_validation_keeps_each_error_by_field() {
        let input = PatientInput {
            given_name: " Asha ".into(),
            family_name: "".into(),
            date_of_birth: "2030-01-01".into(),
            sex: "female".into(),
            mrn: "A-1".into(),
            phone: "".into(),
            email: "nope".into(),
        };
        let e = validate_patient(&input, today()).unwrap_err();
        assert_eq!(e.get("family_name"), Some("Family name is required."));
        assert_eq!(
            e.get("date_of_birth"),
            Some("Date of birth cannot be in the future.")
        );
        assert!(e.get("email").is_some());
        assert!(e.get("given_name").is_none());
    }

    #[test]
    fn patient_validation_ok() {
        let input = PatientInput {
            given_name: "Asha".into(),
            family_name: "Rao".into(),
            date_of_birth: "1980-04-23".into(),
            sex: "female".into(),
            mrn: "A-1".into(),
            phone: "".into(),
            email: "Asha@Example.org".into(),
        };
        let p = validate_patient(&input, today()).unwrap();
        assert_eq!(p.search_name(), "asha rao");
        assert_eq!(p.email, "asha@example.org");
    }

    #[test]
    fn languages_are_normalised() {
        assert_eq!(
            normalize_languages("english, Hindi ,English,, tamil"),
            "English, Hindi, Tamil"
        );
        assert_eq!(normalize_languages(" , "), "");
    }

    #[test]
    fn practitioner_needs_password_only_when_new() {
        let mut input = PractitionerInput {
            display_name: "Meera Iyer".into(),
            email: "meera@x.org".into(),
            title: "Dr".into(),
            specialty: "Cardiology".into(),
            city: "Pune".into(),
            languages: "English".into(),
            accepting_referrals: Some("on".into()),
            password: "".into(),
            password_confirm: "".into(),
        };
        assert!(
            validate_practitioner(&input, false)
                .unwrap()
                .accepting_referrals
        );
        assert_eq!(
            validate_practitioner(&input, true)
                .unwrap_err()
                .get("password"),
            Some("Use at least 10 characters.")
        );
        input.password = "correct horse".into();
        input.password_confirm = "correct horse".into();
        assert!(validate_practitioner(&input, true).is_ok());
    }
}
