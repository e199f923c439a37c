//! Field-level validation errors, so a form can re-render with each message beside its field.

use std::collections::BTreeMap;

/// Messages keyed by form field name.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<&'static str, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a message for `field` (the first message for a field wins).
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }

    /// The message for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` if no field failed, else the errors.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(k, v)| (*k, v.as_str()))
    }
}

/// Control characters other than line breaks and tabs are never meaningful in a form and
/// some (NUL) cannot be stored by PostgreSQL.
pub fn has_control_chars(v: &str) -> bool {
    v.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Trims and checks a required text field against a maximum length in characters.
pub fn required_text(
    errors: &mut FieldErrors,
    field: &'static str,
    label: &str,
    value: &str,
    max: usize,
) -> String {
    let v = value.trim();
    if has_control_chars(v) {
        errors.add(
            field,
            format!("{label} contains characters that cannot be stored."),
        );
    }
    if v.is_empty() {
        errors.add(field, format!("{label} is required."));
    } else if v.chars().count() > max {
        errors.add(field, format!("{label} must be at most {max} characters."));
    }
    v.to_string()
}

/// Trims an optional text field and checks its maximum length.
pub fn optional_text(
    errors: &mut FieldErrors,
    field: &'static str,
    label: &str,
    value: &str,
    max: usize,
) -> String {
    let v = value.trim();
    if has_control_chars(v) {
        errors.add(
            field,
            format!("{label} contains characters that cannot be stored."),
        );
    }
    if v.chars().count() > max {
        errors.add(field, format!("{label} must be at most {max} characters."));
    }
    v.to_string()
}

/// Parses an optional whole number within a plausible range; empty means absent.
pub fn optional_int(
    errors: &mut FieldErrors,
    field: &'static str,
    label: &str,
    value: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Option<i64> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    match v.parse::<i64>() {
        Ok(n) if range.contains(&n) => Some(n),
        Ok(_) => {
            errors.add(
                field,
                format!(
                    "{label} must be between {} and {}.",
                    range.start(),
                    range.end()
                ),
            );
            None
        }
        Err(_) => {
            errors.add(field, format!("{label} must be a whole number."));
            None
        }
    }
}

/// Parses an optional decimal with one digit after the point into tenths (37.2 -> 372).
pub fn optional_tenths(
    errors: &mut FieldErrors,
    field: &'static str,
    label: &str,
    value: &str,
    range_tenths: std::ops::RangeInclusive<i64>,
) -> Option<i64> {
    let v = value.trim().replace(',', ".");
    if v.is_empty() {
        return None;
    }
    let parsed = match v.split_once('.') {
        None => v.parse::<i64>().ok().map(|w| w * 10),
        Some((w, f)) if f.len() == 1 && f.chars().all(|c| c.is_ascii_digit()) => w
            .parse::<i64>()
            .ok()
            .map(|w| w * 10 + f.parse::<i64>().unwrap_or(0)),
        Some(_) => None,
    };
    match parsed {
        Some(n) if range_tenths.contains(&n) => Some(n),
        Some(_) => {
            errors.add(
                field,
                format!(
                    "{label} must be between {} and {}.",
                    fmt_tenths(*range_tenths.start()),
                    fmt_tenths(*range_tenths.end())
                ),
            );
            None
        }
        None => {
            errors.add(
                field,
                format!("{label} must be a number with at most one decimal, like 37.2."),
            );
            None
        }
    }
}

/// Formats tenths back as a decimal (372 -> "37.2").
pub fn fmt_tenths(n: i64) -> String {
    format!("{}.{}", n / 10, (n % 10).abs())
}

/// Parses a required calendar date in ISO form (what `<input type=date>` sends).
pub fn required_date(
    errors: &mut FieldErrors,
    field: &'static str,
    label: &str,
    value: &str,
) -> Option<chrono::NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        errors.add(field, format!("{label} is required."));
        return None;
    }
    match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(field, format!("{label} must be a date like 1980-04-23."));
            None
        }
    }
}

/// Whether a value is one of our ids (a UUID, in a hidden field), not something typed.
fn looks_like_id(v: &str) -> bool {
    v.len() == 36
        && v.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The text a person typed into a form, as (label, text) pairs worth showing back when the
/// form is refused as a whole (stale, expired, unreadable): free text only, never a
/// password, a one-time code, a token or an internal id, and a field sent twice shows each
/// of its values once.
pub fn kept_text<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<(String, String)> {
    const SECRET_OR_INTERNAL: [&str; 6] =
        ["password", "code", "token", "secret", "csrf", "version"];
    let mut out: Vec<(String, String)> = Vec::new();
    for (name, value) in pairs {
        let lower = name.to_ascii_lowercase();
        let value = value.trim();
        if value.is_empty()
            || value == "on"
            || SECRET_OR_INTERNAL.iter().any(|s| lower.contains(s))
            || lower == "id"
            || lower == "then"
            || lower == "to_external"
            || lower.ends_with("_id")
            || looks_like_id(value)
        {
            continue;
        }
        let base = if lower.starts_with("answer_") {
            "answer"
        } else {
            lower.strip_prefix("txt_").unwrap_or(&lower)
        };
        let spaced = base.replace(['_', '-'], " ");
        let mut chars = spaced.chars();
        let label = match chars.next() {
            Some(c) => c.to_uppercase().chain(chars).collect(),
            None => continue,
        };
        if !out.iter().any(|(l, v)| *l == label && v == value) {
            out.push((label, value.to_string()));
        }
        if out.len() == 30 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_trims_and_limits() {
        let mut e = FieldErrors::new();
        assert_eq!(required_text(&mut e, "a", "Name", "  Ann ", 10), "Ann");
        assert!(e.is_empty());
        required_text(&mut e, "b", "Name", "   ", 10);
        required_text(&mut e, "c", "Name", "abcdefghijk", 10);
        assert_eq!(e.get("b"), Some("Name is required."));
        assert_eq!(e.get("c"), Some("Name must be at most 10 characters."));
    }

    #[test]
    fn control_characters_are_refused() {
        let mut e = FieldErrors::new();
        required_text(&mut e, "a", "Note", "bad\u{0}byte", 100);
        optional_text(&mut e, "b", "Note", "bell\u{7}", 100);
        required_text(&mut e, "c", "Note", "two\nlines\tand tab", 100);
        assert!(e.get("a").is_some() && e.get("b").is_some());
        assert!(e.get("c").is_none());
    }

    #[test]
    fn ints_and_tenths() {
        let mut e = FieldErrors::new();
        assert_eq!(
            optional_int(&mut e, "s", "Systolic", "120", 40..=300),
            Some(120)
        );
        assert_eq!(optional_int(&mut e, "s2", "Systolic", "", 40..=300), None);
        assert_eq!(
            optional_int(&mut e, "s3", "Systolic", "12x", 40..=300),
            None
        );
        assert_eq!(
            optional_int(&mut e, "s4", "Systolic", "900", 40..=300),
            None
        );
        assert_eq!(e.get("s3"), Some("Systolic must be a whole number."));
        assert_eq!(e.get("s4"), Some("Systolic must be between 40 and 300."));
        let mut e = FieldErrors::new();
        assert_eq!(
            optional_tenths(&mut e, "t", "T", "37.2", 300..=450),
            Some(372)
        );
        assert_eq!(
            optional_tenths(&mut e, "t", "T", "37,5", 300..=450),
            Some(375)
        );
        assert_eq!(
            optional_tenths(&mut e, "t", "T", "38", 300..=450),
            Some(380)
        );
        assert!(e.is_empty());
        assert_eq!(optional_tenths(&mut e, "u", "T", "37.25", 300..=450), None);
        assert_eq!(optional_tenths(&mut e, "v", "T", "99", 300..=450), None);
        assert_eq!(e.get("v"), Some("T must be between 30.0 and 45.0."));
        assert_eq!(fmt_tenths(372), "37.2");
    }

    #[test]
    fn dates() {
        let mut e = FieldErrors::new();
        assert!(required_date(&mut e, "d", "Date", "1980-04-23").is_some());
        assert!(required_date(&mut e, "x", "Date", "23/04/1980").is_none());
        assert!(required_date(&mut e, "y", "Date", "").is_none());
        assert_eq!(e.get("y"), Some("Date is required."));
    }

    #[test]
    fn kept_text_is_free_text_only_and_never_a_secret() {
        let kept = kept_text([
            ("csrf_token", "abc"),
            ("version", "3"),
            ("note", "  BP 150/95 twice this week "),
            ("note", "BP 150/95 twice this week"),
            ("note", "a second value"),
            ("password", "hunter2-long"),
            ("new_password", "x"),
            ("code", "123456"),
            ("recovery_code", "abcd-efgh"),
            ("ask_id", "0193"),
            ("referral", "0193a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b"),
            ("to_external", "1"),
            ("doctor_only", "on"),
            ("txt_chief_complaint", "Palpitations"),
            ("answer_0193abc", "ECG attached"),
            ("outcome_summary", ""),
        ]);
        assert_eq!(
            kept,
            vec![
                ("Note".to_string(), "BP 150/95 twice this week".to_string()),
                ("Note".to_string(), "a second value".to_string()),
                ("Chief complaint".to_string(), "Palpitations".to_string()),
                ("Answer".to_string(), "ECG attached".to_string()),
            ]
        );
    }
}
