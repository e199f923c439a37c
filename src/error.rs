//! One error type for every handler, rendered as a page in the layout with the right status.
//!
//! Policy: user mistakes never become a 500. Unknown ids are 404, refusals 403, stale
//! changes 409, oversize bodies 413, a database that does not answer 503. Only a bug or an
//! unexpected I/O failure is a 500, logged with its cause; the page never shows internals.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("the form's security token is missing or wrong")]
    Csrf,
    #[error("sign-in needed")]
    NeedsLogin { next: String },
    /// Signed in, but the clinic requires a second factor and none is set up yet.
    #[error("second factor enrolment needed")]
    EnrolFirst,
    #[error("conflict: {0}")]
    Conflict(String),
    /// The version a request named (HTTP If-Match) is not the current one.
    #[error("precondition failed: {0}")]
    PreconditionFailed(String),
    /// A per-address limit on refused attempts is used up.
    #[error("too many requests: {0}")]
    TooMany(String),
    #[error("too large: {0}")]
    TooLarge(String),
    /// Something that existed and is no longer valid (an expired link).
    #[error("gone: {0}")]
    Gone(String),
    /// Form input that failed validation; handlers catch it and re-render the form.
    #[error("invalid input")]
    Invalid(crate::domain::forms::FieldErrors),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn forbidden() -> Self {
        AppError::Forbidden("You do not have access to this page.".into())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AppError::NotFound,
            // PostgreSQL refuses NUL bytes in text (SQLSTATE 22021); they only come from
            // crafted requests (an id or e-mail with %00), so this is the user's error.
            diesel::result::Error::DatabaseError(_, info)
                if info.message().contains("invalid byte sequence") =>
            {
                AppError::BadRequest(
                    "The request contains a character that cannot be stored.".into(),
                )
            }
            // The database went away, is locked past the busy timeout, or its disk is
            // full: a 503 that says so, and the next request tries again.
            diesel::result::Error::DatabaseError(kind, info)
                if matches!(kind, diesel::result::DatabaseErrorKind::ClosedConnection)
                    || db_unavailable(info.message()) =>
            {
                AppError::Unavailable(info.message().to_string())
            }
            other => AppError::Internal(other.into()),
        }
    }
}

/// Whether a database error message means the database, not the request, is the problem.
fn db_unavailable(message: &str) -> bool {
    const SIGNS: [&str; 9] = [
        "database is locked",
        "database or disk is full",
        "disk I/O error",
        "terminating connection",
        "server closed the connection",
        "no connection to the server",
        "connection to server",
        "the database system is",
        "does not allow connections",
    ];
    SIGNS.iter().any(|s| message.contains(s))
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        AppError::Unavailable(e.to_string())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub title: &'a str,
    pub status: u16,
    pub message: &'a str,
    /// What the person had typed into the refused form (label, text), shown so that a
    /// stale or unreadable submission loses nothing: they copy it into the fresh form.
    pub typed: &'a [(String, String)],
}

impl ErrorPage<'_> {
    /// Rows for a kept text: its lines, with long lines wrapping at about 60 characters.
    fn rows(&self, text: &str) -> usize {
        text.lines()
            .map(|l| 1 + l.chars().count() / 60)
            .sum::<usize>()
            .clamp(1, 12)
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden(_) | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NeedsLogin { .. } | AppError::EnrolFirst => StatusCode::SEE_OTHER,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            AppError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.page(&[])
    }
}

impl AppError {
    /// The error page, with what the person typed into the refused form (see
    /// [`ErrorPage::typed`]); redirects for sign-in and enrolment as always.
    pub fn page(&self, typed: &[(String, String)]) -> HttpResponse {
        if let AppError::NeedsLogin { next } = self {
            let location = format!(
                "/login?next={}",
                serde_urlencoded::to_string([("", next)])
                    .map(|s| s.trim_start_matches('=').to_string())
                    .unwrap_or_default()
            );
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, location))
                .finish();
        }
        if let AppError::EnrolFirst = self {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/account/second-factor"))
                .finish();
        }
        let status = self.status_code();
        let (title, message): (&str, String) = match self {
            AppError::NotFound => (
                "Page not found",
                "There is nothing here. The link may be old, or the record may not exist.".into(),
            ),
            AppError::Forbidden(m) => ("Not allowed", m.clone()),
            AppError::Csrf => (
                "Form expired",
                "This form's security token is missing or out of date. Go back, reload the page and try again; nothing was changed."
                    .into(),
            ),
            AppError::Conflict(m) | AppError::PreconditionFailed(m) => {
                ("This changed meanwhile", m.clone())
            }
            AppError::TooMany(m) => ("Too many attempts", m.clone()),
            AppError::TooLarge(m) => ("Too large", m.clone()),
            AppError::Gone(m) => ("This link has expired", m.clone()),
            AppError::BadRequest(m) => ("Bad request", m.clone()),
            AppError::Invalid(errors) => (
                "Check the form",
                errors
                    .iter()
                    .map(|(_, m)| m)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            AppError::Unavailable(cause) if cause.contains("disk full") => {
                log::error!("storage full: {cause}");
                (
                    "The server's disk is full",
                    "The file was not stored and nothing else was changed. Please tell your IT contact; try again once space is freed."
                        .into(),
                )
            }
            AppError::Unavailable(cause) if cause.starts_with("file store") => {
                log::error!("{cause}");
                (
                    "The file store is not answering",
                    "The file was not stored and nothing else was changed. Try again in a minute; if it keeps happening, tell your IT contact."
                        .into(),
                )
            }
            AppError::Unavailable(cause) => {
                log::error!("database unavailable: {cause}");
                (
                    "Temporarily unavailable",
                    "The database is not answering. Nothing was lost; try again in a minute."
                        .into(),
                )
            }
            AppError::Internal(cause) => {
                log::error!("internal error: {cause:#}");
                (
                    "Something went wrong",
                    "An unexpected error happened on our side. It has been logged; please try again."
                        .into(),
                )
            }
            AppError::NeedsLogin { .. } | AppError::EnrolFirst => unreachable!("handled above"),
        };
        let page = ErrorPage {
            title,
            status: status.as_u16(),
            message: &message,
            typed,
        };
        let body = page
            .render()
            .unwrap_or_else(|_| format!("{} {}", status.as_u16(), title));
        HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .body(body)
    }
}
