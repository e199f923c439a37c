//! API clients: a clinic admin lets a record system call the FHIR API for one of the
//! clinic's practitioners (`user/` scopes), or for the whole clinic (`system/` scopes: each
//! call then acts as the clinic's practitioner it concerns). The token is shown once and
//! stored as its SHA-256; every call presents it, and is audited as that practitioner with
//! the client named.

use base64::Engine;
use rand::RngCore;

use super::{AuditEntry, Caller, Services, audit};
use crate::db::{self, api_clients::ApiClient};
use crate::domain::fhir::scope::{
    Context, READ_SCOPES, SYSTEM_READ_SCOPES, SYSTEM_WRITE_SCOPES, Scopes, WRITE_SCOPES,
};
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

/// The form's value of "acts for" that means the whole clinic.
pub const WHOLE_CLINIC: &str = "clinic";

/// Where every token starts, so a leaked one is recognised in logs and by secret scanners.
pub const TOKEN_PREFIX: &str = "hnd_";

/// A client as the admin page lists it.
pub struct Listed {
    pub client: ApiClient,
    /// The practitioner it acts for (a clinic's client: the admin who vouches for it).
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
    let whole_clinic = form.practitioner_id.trim() == WHOLE_CLINIC;
    let created_by = caller.user_id()?.to_string();
    // A clinic's client is vouched for by the admin who made it (its rows name them); it acts
    // as each call's practitioner of the clinic.
    let practitioner = if whole_clinic {
        Some((created_by.clone(), "the whole clinic".to_string()))
    } else {
        db::users::get_practitioner(&mut *svc.conn()?, form.practitioner_id.trim())
            .ok()
            .filter(|(u, p)| p.clinic_id == clinic_id && u.active)
            .filter(|(u, _)| !crate::domain::service::is_service_address(&u.email))
            .map(|(u, _)| (u.id, u.display_name))
    };
    if practitioner.is_none() {
        errors.add(
            "practitioner_id",
            "Choose an active practitioner of this clinic, or the whole clinic: the client acts for them.",
        );
    }
    let (read, write) = if whole_clinic {
        (SYSTEM_READ_SCOPES, SYSTEM_WRITE_SCOPES)
    } else {
        (READ_SCOPES, WRITE_SCOPES)
    };
    let mut scopes = Vec::new();
    if form.read.is_some() {
        scopes.push(read);
    }
    if form.write.is_some() {
        scopes.push(write);
    }
    let scopes = Scopes::parse(&scopes.join(" "));
    if scopes.is_err() {
        errors.add("read", "Grant reading, writing or both.");
    }
    let (Some(acts_for), Ok(scopes), true) = (practitioner, scopes, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    issue(
        svc,
        caller,
        (&acts_for.0, &acts_for.1),
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
    if scopes.context == Context::System {
        return Err(AppError::BadRequest(
            "system/ scopes are for a client of the whole clinic: its admin creates one under Admin → API clients".into(),
        ));
    }
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
        (&user.id, &user.display_name),
        (&clinic_id, name.trim(), &scopes),
        None,
    )
}

/// Stores a client acting for `acts_for` (id, name: the practitioner, or for a clinic's
/// client the admin who vouches for it, named "the whole clinic").
fn issue(
    svc: &Services,
    caller: &Caller,
    acts_for: (&str, &str),
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
        user_id: acts_for.0.to_string(),
        scopes: scopes.to_text(),
        token_hash: token_hash(&token),
        created_by: created_by.unwrap_or_else(|| acts_for.0.to_string()),
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
                detail: format!("{} for {} ({})", client.name, acts_for.1, client.scopes),
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
#[derive(Clone)]
pub struct ApiCaller {
    /// Whom the call acts as: the client's practitioner; for a clinic's client Handoff
    /// itself until [`ApiCaller::as_practitioner`] or [`ApiCaller::for_referral`] names the
    /// clinic's practitioner the call concerns.
    pub caller: Caller,
    pub scopes: Scopes,
    pub client_id: String,
    /// The clinic a client with `system/` scopes acts for.
    pub clinic: Option<String>,
}

/// Which side of a referral a clinic's client acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The receiver if they are of the clinic (and were handed it), else the sender.
    Either,
    /// The sender only (a move only the sender makes, such as a cancel).
    Sender,
}

impl ApiCaller {
    /// The same client acting as the clinic's practitioner `id` (a clinic's client), or as
    /// itself (a practitioner's client, whose own checks say whether `id` is theirs). A
    /// practitioner of another clinic, a deactivated one or a service is a 403.
    pub fn as_practitioner(&self, svc: &Services, id: &str) -> AppResult<ApiCaller> {
        let Some(clinic) = &self.clinic else {
            return Ok(self.clone());
        };
        let ok = db::users::get_practitioner(&mut *svc.conn()?, id)
            .ok()
            .filter(|(u, p)| {
                &p.clinic_id == clinic
                    && u.active
                    && !crate::domain::service::is_service_address(&u.email)
            })
            .is_some();
        if !ok {
            return Err(AppError::Forbidden(format!(
                "Practitioner/{id} is not an active practitioner of the clinic this client acts for."
            )));
        }
        let mut out = self.clone();
        out.caller.actor = Actor::Practitioner {
            user_id: id.to_string(),
            clinic_id: clinic.clone(),
        };
        Ok(out)
    }

    /// The same client acting on referral `id` as its party of the clinic (a clinic's
    /// client); a referral with no party of the clinic is a 404, as for anyone else.
    pub fn for_referral(&self, svc: &Services, id: &str, side: Side) -> AppResult<ApiCaller> {
        let Some(clinic) = &self.clinic else {
            return Ok(self.clone());
        };
        let mut conn = svc.conn()?;
        let r = db::referrals::get(&mut conn, id)?;
        let receiver_here = side == Side::Either
            && r.status.reached_receiver()
            && db::users::get(&mut conn, &r.receiver_id)?.clinic_id == *clinic;
        drop(conn);
        // The receiver first; the sender when the receiver is not one the client may act
        // as (of another clinic, a service's queue, deactivated).
        let mut parties = Vec::new();
        if receiver_here {
            parties.push(r.receiver_id);
        }
        if r.sender_clinic_id == *clinic {
            parties.push(r.sender_id);
        }
        parties
            .iter()
            .find_map(|who| self.as_practitioner(svc, who).ok())
            .ok_or(AppError::NotFound)
    }

    /// Whom a search runs as: the client's practitioner; for a clinic's client, the
    /// clinic's practitioner the search names (it searches one practitioner's referrals at
    /// a time; none named is a 400).
    pub fn searching(
        &self,
        svc: &Services,
        q: &crate::domain::fhir::search::Query,
    ) -> AppResult<ApiCaller> {
        use crate::domain::fhir::search::Owner;
        if self.clinic.is_none() {
            return Ok(self.clone());
        }
        let mut named: Vec<&String> = Vec::new();
        if let Some(Owner::Practitioner(x)) = &q.owner {
            named.push(x);
        }
        named.extend(q.sender.iter().chain(q.receiver.iter()));
        // The first the search names who is of the clinic (a requester of another clinic
        // beside a performer of this one searches as the performer).
        if let Some(api) = named
            .iter()
            .find_map(|who| self.as_practitioner(svc, who).ok())
        {
            return Ok(api);
        }
        let Some(who) = named.first() else {
            return Err(AppError::BadRequest(
                "A client of the whole clinic searches one practitioner's referrals at a time: add requester=Practitioner/<id>, owner=Practitioner/<id> or (on ServiceRequest) performer=Practitioner/<id>, naming a practitioner of the clinic.".into(),
            ));
        };
        self.as_practitioner(svc, who)
    }

    /// The referral a Patient resource is read through, and the client acting on it: the
    /// latest one about the patient the caller (or the clinic's client's clinic) is party to.
    pub fn for_patient(
        &self,
        svc: &Services,
        patient_id: &str,
    ) -> AppResult<(Option<String>, ApiCaller)> {
        let mut conn = svc.conn()?;
        let Some(clinic) = &self.clinic else {
            let viewer = self.caller.user_id()?;
            let r = db::fhir::latest_about_patient(&mut conn, viewer, patient_id)?;
            return Ok((r, self.clone()));
        };
        let Some(r) = db::fhir::latest_about_patient_in_clinic(&mut conn, clinic, patient_id)?
        else {
            return Ok((None, self.clone()));
        };
        drop(conn);
        let api = self.for_referral(svc, &r, Side::Either)?;
        Ok((Some(r), api))
    }
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
    let scopes =
        Scopes::parse(&client.scopes).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let whole_clinic = scopes.context == Context::System;
    // A practitioner's client stops with their account; a clinic's client (vouched for by
    // the admin who made it) works until it is revoked.
    if client.revoked_at.is_some() || (!active && !whole_clinic) {
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
    Ok(ApiCaller {
        caller: Caller {
            actor: if whole_clinic {
                Actor::System
            } else {
                Actor::Practitioner {
                    user_id: client.user_id.clone(),
                    clinic_id: client.clinic_id.clone(),
                }
            },
            ip: ip.to_string(),
            user_agent: format!(
                "API client \"{}\" ({}{}); {user_agent}",
                client.name,
                client.id,
                if whole_clinic { ", for the clinic" } else { "" }
            ),
        },
        scopes,
        client_id: client.id,
        clinic: whole_clinic.then_some(client.clinic_id),
    })
}
