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

/// A urlencoded body's name/value pairs, in order, read once.
pub fn read_pairs(body: &Bytes) -> AppResult<Vec<(String, String)>> {
    serde_urlencoded::from_bytes(body)
        .map_err(|_| AppError::BadRequest("The form could not be read.".into()))
}

/// The text fields of a multipart form, left on the request by [`read_multipart`] so that
/// the error page of a refused upload can show them again (see `middleware`).
#[derive(Clone)]
pub struct MultipartText(pub Vec<(String, String)>);

/// A multipart form read into memory: its text fields and its files (field "file").
pub struct Multipart {
    pub fields: HashMap<String, String>,
    pub files: Vec<(String, Vec<u8>)>,
}

/// Reads a multipart body with a limit per file and for all files together. Past a limit
/// the rest is read and dropped, so the client sees the 413 page rather than a reset
/// connection; a body declared far beyond the limits is refused at once.
pub async fn read_multipart(
    req: &actix_web::HttpRequest,
    mut payload: actix_multipart::Multipart,
    per_file: usize,
    total: usize,
) -> AppResult<Multipart> {
    use futures_util::StreamExt;
    // Text fields of upload forms carry notes and replies of up to 8,000 characters.
    const TEXT_LIMIT: usize = 64 * 1024;
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > total.saturating_add(64 * 1024)) {
        return Err(AppError::TooLarge("The upload is too large.".into()));
    }
    let mut out = Multipart {
        fields: HashMap::new(),
        files: Vec::new(),
    };
    let mut oversize = false;
    let mut sum = 0usize;
    let unreadable = |e: &dyn std::fmt::Display| {
        AppError::BadRequest(format!("The upload could not be read: {e}"))
    };
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|e| unreadable(&e))?;
        let name = field.name().unwrap_or_default().to_string();
        let filename = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .map(str::to_string);
        let limit = if filename.is_some() {
            per_file
        } else {
            TEXT_LIMIT
        };
        let mut buf = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| unreadable(&e))?;
            if buf.len() + chunk.len() > limit || sum + chunk.len() > total {
                oversize = true;
                continue;
            }
            sum += chunk.len();
            buf.extend_from_slice(&chunk);
        }
        match filename {
            Some(f) if name == "file" => {
                if !buf.is_empty() || !f.is_empty() {
                    out.files.push((f, buf));
                }
            }
            _ => {
                out.fields
                    .insert(name, String::from_utf8_lossy(&buf).into_owned());
            }
        }
    }
    // The text fields stay on the request: if the upload is refused (too large, stale, ...),
    // the error page shows them again.
    use actix_web::HttpMessage;
    req.extensions_mut().insert(MultipartText(
        out.fields
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    ));
    if oversize {
        return Err(AppError::TooLarge("The upload is too large.".into()));
    }
    Ok(out)
}
