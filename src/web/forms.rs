//! Keeping what the user typed, and the errors beside each field, when a form is shown again.

use std::collections::HashMap;

use actix_web::web::Bytes;
use serde::de::DeserializeOwned;

use crate::domain::forms::FieldErrors;
use crate::error::{AppError, AppResult};

/// A form's submitted values and its errors; `section` names which form on a page with
/// several forms was submitted, so only that one shows them.
#[derive(Debug, Default, Clone)]
pub struct FormState {
    pub section: &'static str,
    pub values: HashMap<String, String>,
    pub errors: FieldErrors,
}

impl FormState {
    pub fn new(
        section: &'static str,
        values: HashMap<String, String>,
        errors: FieldErrors,
    ) -> Self {
        Self {
            section,
            values,
            errors,
        }
    }

    /// The value typed into `name` of form `section`, or "".
    pub fn val(&self, section: &str, name: &str) -> &str {
        if self.section == section {
            self.values.get(name).map_or("", String::as_str)
        } else {
            ""
        }
    }

    /// The value to put back into an input of type `kind`: date and time inputs only take
    /// well-formed values (anything else would be dropped by the browser and is invalid HTML).
    pub fn shown(&self, section: &str, name: &str, kind: &str) -> &str {
        let v = self.val(section, name);
        let ok = match kind {
            "date" => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok(),
            "datetime-local" => chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M").is_ok(),
            _ => true,
        };
        if ok { v } else { "" }
    }

    /// The error for `name` of form `section`.
    pub fn err(&self, section: &str, name: &str) -> Option<&str> {
        if self.section == section {
            self.errors.get(name)
        } else {
            None
        }
    }

    /// Whether `section` was submitted with errors (its form is opened).
    pub fn failed(&self, section: &str) -> bool {
        self.section == section && !self.errors.is_empty()
    }

    /// Whether a select's option should be selected.
    pub fn selected(&self, section: &str, name: &str, value: &str, default: &str) -> bool {
        if self.section == section {
            self.val(section, name) == value
        } else {
            value == default
        }
    }

    /// Whether a checkbox is ticked.
    pub fn checked(&self, section: &str, name: &str, default: bool) -> bool {
        if self.section == section {
            self.values.contains_key(name)
        } else {
            default
        }
    }
}

/// Parses a urlencoded body into a typed input and the raw values (for showing again).
pub fn parse<T: DeserializeOwned>(body: &Bytes) -> AppResult<(T, HashMap<String, String>)> {
    let raw: HashMap<String, String> = serde_urlencoded::from_bytes(body)
        .map_err(|_| AppError::BadRequest("The form could not be read.".into()))?;
    let typed: T = serde_urlencoded::from_bytes(body)
        .map_err(|_| AppError::BadRequest("The form could not be read.".into()))?;
    Ok((typed, raw))
}
