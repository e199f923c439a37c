//! API clients: a clinic admin lets a record system call the FHIR API for one of the
//! clinic's practitioners. The token is shown once and stored as its SHA-256; every call
//! presents it, and is audited as that practitioner with the client named.

use base64::Engine;
use rand::RngCore;

use super::{AuditEntry, Caller, Services, audit};
use crate::db::{self, api_clients::ApiClient};
use crate::domain::fhir::scope::{READ_SCOPES, Scopes, WRITE_SCOPES};
use crate::domain::forms::FieldErrors;
use crate::domain::mail::token_hash;
use crate::domain::policy::{Action, Actor};
use crate::error::{AppError, AppResult};

/// What the admin's form asks for.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewClient {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub practitioner_id: String,
    #[serde(default)]
    pub read: Option<String>,
    #[serde(default)]
    pub write: Option<String>,
}

/// Where every token starts, so a leaked one is recognised in logs and by secret scanners.
pub const TOKEN_PREFIX: &str = "hnd_";

/// A client as the admin page lists it.
pub struct Listed {
    pub client: ApiClient,
    /// The practitioner it acts for.
    pub acts_for: String,
}

/// A clinic's clients, newest first.
pub fn list(svc: &Services, caller: &Caller, clinic_id: &str) -> AppResult<Vec<Listed>> {
    caller.authorize(&Action::ManageClinic { clinic_id }, "/admin")?;
    let mut conn = svc.conn()?;
    Ok(db::api_clients::of_clinic(&mut conn, clinic_id)?
        .into_iter()
        .map(|(client, acts_for)| Listed { client, acts_for })
        .collect())
}

/// Creates a client; returns it and its token, which is never shown again.
pub fn create(
    svc: &Services,
    caller: &Caller,
    clinic_id: &str,
    form: &NewClient,
) -> AppResult<(ApiClient, String)> {
    caller.authorize(&Action::ManageClinic { clinic_id }, "/admin")?;
    let mut errors = FieldErrors::default();
    let name = form.name.trim();
    if name.is_empty() {
        errors.add(
            "name",
            "Name the record system, so you know which token to revoke.",
        );
    } else if name.chars().count() > 100 {
        errors.add("name", "Keep the name under 100 characters.");
    }
    let practitioner = db::users::get_practitioner(&mut *svc.conn()?, form.practitioner_id.trim())
        .ok()
        .filter(|(u, p)| p.clinic_id == clinic_id && u.active);
    if practitioner.is_none() {
        errors.add(
            "practitioner_id",
            "Choose an active practitioner of this clinic: the client acts for them.",
        );
    }
    let mut scopes = Vec::new();
    if form.read.is_some() {
        scopes.push(READ_SCOPES);
    }
    if form.write.is_some() {
        scopes.push(WRITE_SCOPES);
    }
    let scopes = Scopes::parse(&scopes.join(" "));
    if scopes.is_err() {
        errors.add("read", "Grant reading, writing or both.");
    }
    let (Some((user, _)), Ok(scopes), true) = (practitioner, scopes, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let created_by = caller.user_id()?.to_string();
    issue(
        svc,
        caller,
        &user,
        (clinic_id, name, &scopes),
        Some(created_by),
    )
}

/// Creates a client for the practitioner with e-mail `email`, from the command line (the
/// operator of the server, like `create-user`); audited as the command.
pub fn create_cli(
    svc: &Services,
    email: &str,
    name: &str,
    scopes: &str,
) -> AppResult<(ApiClient, String)> {
    let scopes = Scopes::parse(scopes).map_err(AppError::BadRequest)?;
    if name.trim().is_empty() {
        return Err(AppError::BadRequest("--name must not be empty".into()));
    }
    let folded = crate::domain::people::normalize_email(email)
        .map_err(|m| AppError::BadRequest(m.into()))?;
    let user = {
        let mut conn = svc.conn()?;
        let u = db::users::by_email(&mut conn, &folded)?
            .ok_or_else(|| AppError::BadRequest(format!("no account has the address {email}")))?;
        db::users::get_practitioner(&mut conn, &u.id)
            .map_err(|_| AppError::BadRequest(format!("{email} is not a practitioner")))?
            .0
    };
    if !user.active {
        return Err(AppError::BadRequest(format!("{email} is deactivated")));
    }
    let clinic_id = user.clinic_id.clone();
    issue(
        svc,
        &Caller::system("cli"),
        &user,
        (&clinic_id, name.trim(), &scopes),
        None,
    )
}

fn issue(
    svc: &Services,
    caller: &Caller,
    user: &crate::db::users::User,
    (clinic_id, name, scopes): (&str, &str, &Scopes),
    created_by: Option<String>,
) -> AppResult<(ApiClient, String)> {
    let now = svc.now();
    let mut conn = svc.conn()?;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let client = ApiClient {
        id: db::new_id(),
        clinic_id: clinic_id.into(),
        name: name.into(),
        user_id: user.id.clone(),
        scopes: scopes.to_text(),
        token_hash: token_hash(&token),
        created_by: created_by.unwrap_or_else(|| user.id.clone()),
        created_at: now,
        revoked_at: None,
        last_used_at: None,
    };
    db::write_tx(&mut conn, |c| {
        db::api_clients::insert(c, &client)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "api_client_created",
                subject_type: "api_client",
                subject_id: &client.id,
                patient_id: None,
                detail: format!(
                    "{} for {} ({})",
                    client.name, user.display_name, client.scopes
                ),
            },
        )
    })?;
    Ok((client, token))
}

/// Revokes a client: its token stops working at once.
pub fn revoke(svc: &Services, caller: &Caller, clinic_id: &str, id: &str) -> AppResult<()> {
    caller.authorize(&Action::ManageClinic { clinic_id }, "/admin")?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        if db::api_clients::revoke(c, clinic_id, id, now)? == 0 {
            let known = db::api_clients::of_clinic(c, clinic_id)?
                .into_iter()
                .any(|(k, _)| k.id == id);
            return Err(if known {
                AppError::Conflict("This client was already revoked.".into())
            } else {
                AppError::NotFound
            });
        }
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "api_client_revoked",
                subject_type: "api_client",
                subject_id: id,
                patient_id: None,
                detail: String::new(),
            },
        )
    })
}

/// The caller a bearer token stands for, and what it may do.
pub struct ApiCaller {
    pub caller: Caller,
    pub scopes: Scopes,
    pub client_id: String,
}

/// Checks a presented token. A missing, unknown or revoked token, or one whose
/// practitioner was deactivated, is `NeedsLogin` (HTTP 401).
pub fn authenticate(
    svc: &Services,
    token: Option<&str>,
    ip: &str,
    user_agent: &str,
) -> AppResult<ApiCaller> {
    let refused = || AppError::NeedsLogin {
        next: String::new(),
    };
    let token = token
        .filter(|t| t.starts_with(TOKEN_PREFIX) && t.len() < 200)
        .ok_or_else(refused)?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    let (client, active) =
        db::api_clients::by_token_hash(&mut conn, &token_hash(token))?.ok_or_else(refused)?;
    if client.revoked_at.is_some() || !active {
        return Err(refused());
    }
    // At most one write a minute per client (the UPDATE checks it again, for two at once):
    // a read must not take SQLite's write lock.
    if client
        .last_used_at
        .is_none_or(|t| t < now - chrono::TimeDelta::minutes(1))
    {
        db::api_clients::touch(&mut conn, &client.id, now)?;
    }
    let scopes =
        Scopes::parse(&client.scopes).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok(ApiCaller {
        caller: Caller {
            actor: Actor::Practitioner {
                user_id: client.user_id.clone(),
                clinic_id: client.clinic_id.clone(),
            },
            ip: ip.to_string(),
            user_agent: format!(
                "API client \"{}\" ({}); {user_agent}",
                client.name, client.id
            ),
        },
        scopes,
        client_id: client.id,
    })
}
