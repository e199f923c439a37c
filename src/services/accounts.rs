//! Accounts: password hashing, sign-in with throttling, password changes, and creating
//! accounts from the command line.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::{PasswordHasher, PasswordVerifier};
use chrono::{Duration, NaiveDateTime};

use super::{AuditEntry, Caller, Services, audit, audit_for_clinic};
use crate::db::{self, DbConn, clinics::Clinic, users::User};
use crate::domain::people::{Role, check_new_password, fold_email, normalize_email};
use crate::domain::policy::{Action, Actor};
use crate::domain::security::{
    ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, SIGN_IN_PER_IP, THROTTLE_WINDOW, lockout_remaining,
    minutes_to_wait,
};
use crate::error::{AppError, AppResult};

/// Hashes a password with argon2id and a fresh salt.
pub fn hash_password(pw: &str) -> AppResult<String> {
    Argon2::default()
        .hash_password(pw.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing failed: {e}")))
}

/// Checks a password against a stored hash; a malformed hash never matches.
pub fn verify_password(pw: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(pw.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

// Verifying against a real hash when the account does not exist keeps the response time
// the same, so timing does not reveal which e-mail addresses have accounts.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("no such account, no such password").unwrap_or_default())
}

/// What a signed-in session remembers about its user.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct SessionUser {
    pub user_id: String,
    pub role: String,
    pub clinic_id: String,
    pub display_name: String,
    pub patient_id: Option<String>,
    /// The account's language code ("" = the browser's).
    #[serde(default)]
    pub language: String,
    /// For an assistant: the practitioner they work for in this session.
    #[serde(default)]
    pub acting_for: Option<String>,
    /// Their name, for the pages ("Working for Dr Asha Kulkarni").
    #[serde(default)]
    pub acting_for_name: String,
}

impl SessionUser {
    /// The policy's view of this user.
    pub fn actor(&self) -> Actor {
        match Role::parse(&self.role) {
            Some(Role::Practitioner) => Actor::Practitioner {
                user_id: self.user_id.clone(),
                clinic_id: self.clinic_id.clone(),
            },
            Some(Role::Patient) => Actor::Patient {
                user_id: self.user_id.clone(),
                clinic_id: self.clinic_id.clone(),
                patient_id: self.patient_id.clone(),
            },
            Some(Role::ClinicAdmin) => Actor::ClinicAdmin {
                user_id: self.user_id.clone(),
                clinic_id: self.clinic_id.clone(),
            },
            Some(Role::Assistant) => Actor::Assistant {
                user_id: self.user_id.clone(),
                clinic_id: self.clinic_id.clone(),
                principal: self.acting_for.clone(),
            },
            None => Actor::Anonymous,
        }
    }
}

/// Why a sign-in failed, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginRefused {
    /// Wrong e-mail or password (never says which).
    Invalid,
    /// Too many failures; minutes until the next attempt is accepted.
    Locked { minutes: i64 },
    /// Too many failed sign-ins from this address, over every account.
    FromHere { minutes: i64 },
}

/// Signs in: throttling first, then the password. Every attempt is recorded in the
/// database, so the limit holds across restarts and app instances.
pub fn login(
    svc: &Services,
    email: &str,
    password: &str,
    caller: &Caller,
) -> AppResult<Result<SessionUser, LoginRefused>> {
    let email = fold_email(email);
    let mut conn = svc.conn()?;
    let now = svc.now();
    let user = db::users::by_email(&mut conn, &email)?;
    let clinic = user.as_ref().map(|u| u.clinic_id.clone());
    // Check and count in one step: the attempt is recorded as failed before the password
    // is checked (and corrected if it was right), under a per-account lock, so twenty
    // simultaneous guesses see each other and only the allowed number is checked.
    let from = (caller.ip.as_str(), caller.user_agent.as_str());
    let attempt = db::write_tx(&mut conn, |c| -> AppResult<Result<String, LoginRefused>> {
        db::login_attempts::lock_account(c, &email)?;
        let here = db::throttle::count(
            c,
            SIGN_IN_PER_IP.scope,
            &caller.ip,
            now - SIGN_IN_PER_IP.window,
        )?;
        let refused = if SIGN_IN_PER_IP.reached(here) {
            Some((
                LoginRefused::FromHere {
                    minutes: minutes_to_wait(SIGN_IN_PER_IP.window),
                },
                format!("sign-in refused: too many failures from {}", caller.ip),
            ))
        } else {
            let failures = db::login_attempts::recent_failures(c, &email, now - THROTTLE_WINDOW)?;
            lockout_remaining(&failures, now).map(|wait| {
                (
                    LoginRefused::Locked {
                        minutes: minutes_to_wait(wait),
                    },
                    "sign-in refused: too many failures".to_string(),
                )
            })
        };
        if let Some((refusal, detail)) = refused {
            // Refused unchecked: the password is never hashed.
            db::login_attempts::record(c, &email, now, "locked", from)?;
            audit_for_clinic(
                c,
                now,
                caller,
                clinic.as_deref(),
                AuditEntry {
                    action: "login_locked",
                    subject_type: "account",
                    subject_id: &email,
                    patient_id: None,
                    detail,
                },
            )?;
            return Ok(Err(refusal));
        }
        Ok(Ok(db::login_attempts::record(
            c, &email, now, "failure", from,
        )?))
    })?;
    let attempt = match attempt {
        Ok(id) => id,
        Err(refused) => return Ok(Err(refused)),
    };
    // Hashing is the slow part; it runs outside any transaction.
    let ok = match &user {
        Some(u) if u.active => verify_password(password, &u.password_hash),
        _ => {
            verify_password(password, dummy_hash());
            false
        }
    };
    let session_user = match (&user, ok) {
        (Some(u), true) => Some(session_user_for(&mut conn, u)?),
        _ => None,
    };
    db::write_tx(&mut conn, |c| -> AppResult<()> {
        if ok {
            db::login_attempts::mark_success(c, &attempt)?;
            if let Some(u) = &user {
                let (before, known) =
                    db::login_attempts::known_browser(c, &email, &caller.user_agent, &attempt)?;
                // The first sign-in ever is no news; a browser seen before is none either.
                if before && !known && db::mail::sign_in_alerts(c, &u.id)? {
                    let browser = crate::domain::security::browser_label(&caller.user_agent);
                    super::mail::queue_sign_in_alert(c, u, (&browser, &caller.ip), now)?;
                }
            }
        } else {
            db::throttle::record(c, SIGN_IN_PER_IP.scope, &caller.ip, now)?;
        }
        db::throttle::purge(c, now - Duration::hours(1))?;
        // Expired sessions (anonymous ones above all) are cleared here rather than by a
        // background job, so every instance keeps the table small.
        db::sessions::purge_expired(c, now - IDLE_TIMEOUT, now - ABSOLUTE_TIMEOUT)?;
        let who = Caller {
            actor: session_user
                .as_ref()
                .map_or(Actor::Anonymous, SessionUser::actor),
            ..caller.clone()
        };
        audit_for_clinic(
            c,
            now,
            &who,
            clinic.as_deref(),
            AuditEntry {
                action: if ok { "login" } else { "login_failed" },
                subject_type: "account",
                subject_id: user.as_ref().map_or(email.as_str(), |u| u.id.as_str()),
                patient_id: None,
                detail: String::new(),
            },
        )
    })?;
    Ok(session_user.ok_or(LoginRefused::Invalid))
}

fn session_user_for(conn: &mut DbConn, u: &User) -> AppResult<SessionUser> {
    let patient_id = if u.role == Role::Patient.as_str() {
        db::patients::by_user(conn, &u.id)?.map(|p| p.id)
    } else {
        None
    };
    // An assistant starts working for the first of their practitioners (by name).
    let first = if u.role == Role::Assistant.as_str() {
        db::assistants::principals(conn, &u.id)?.into_iter().next()
    } else {
        None
    };
    Ok(SessionUser {
        user_id: u.id.clone(),
        role: u.role.clone(),
        clinic_id: u.clinic_id.clone(),
        display_name: u.display_name.clone(),
        patient_id,
        language: u.language.clone(),
        acting_for_name: first.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
        acting_for: first.map(|p| p.id),
    })
}

/// Whether the caller gets an e-mail when their account signs in from a new browser.
pub fn sign_in_alerts(svc: &Services, caller: &Caller) -> AppResult<bool> {
    caller.authorize(&Action::UseOwnAccount, "/account/sessions")?;
    let mut conn = svc.conn()?;
    Ok(db::mail::sign_in_alerts(&mut conn, caller.person_id()?)?)
}

/// Turns the new-browser e-mail on or off (audited).
pub fn set_sign_in_alerts(svc: &Services, caller: &Caller, on: bool) -> AppResult<()> {
    caller.authorize(&Action::UseOwnAccount, "/account/sessions")?;
    let me = caller.person_id()?.to_string();
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        db::mail::set_sign_in_alerts(c, &me, on)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "account_changed",
                subject_type: "user",
                subject_id: &me,
                patient_id: None,
                detail: format!("sign-in alerts {}", if on { "on" } else { "off" }),
            },
        )
    })
}

/// Saves the caller's language (audited); it follows them to every browser and their mail.
pub fn set_language(svc: &Services, caller: &Caller, lang: crate::i18n::Lang) -> AppResult<()> {
    caller.authorize(&Action::UseOwnAccount, "/language")?;
    let me = caller.person_id()?.to_string();
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        db::users::set_language(c, &me, lang.code())?;
        // A patient's chart speaks their language too: their notices and e-mails follow.
        if let Actor::Patient {
            patient_id: Some(pid),
            ..
        } = &caller.actor
        {
            db::patients::set_language(c, pid, lang.code())?;
        }
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "account_changed",
                subject_type: "user",
                subject_id: &me,
                patient_id: None,
                detail: format!("language {}", lang.code()),
            },
        )
    })
}

/// Records a sign-out.
pub fn logout(svc: &Services, caller: &Caller) -> AppResult<()> {
    let mut conn = svc.conn()?;
    let now = svc.now();
    let id = caller.actor.person_id().unwrap_or_default().to_string();
    db::write_tx(&mut conn, |c| {
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "logout",
                subject_type: "account",
                subject_id: &id,
                patient_id: None,
                detail: String::new(),
            },
        )
    })
}

/// Changes the caller's password after checking the current one, and ends every other
/// session of the account (`keep_session` is the hash of the session making the change).
pub fn change_password(
    svc: &Services,
    caller: &Caller,
    current: &str,
    new: &str,
    confirm: &str,
    keep_session: Option<&str>,
) -> AppResult<()> {
    let user_id = caller.person_id()?.to_string();
    let mut conn = svc.conn()?;
    let user = db::users::get(&mut conn, &user_id)?;
    let mut errors = crate::domain::forms::FieldErrors::new();
    if !verify_password(current, &user.password_hash) {
        errors.add("current_password", "This is not your current password.");
    }
    if let Err(m) = check_new_password(new, confirm, &[&user.email, &user.display_name]) {
        errors.add("new_password", m);
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let hash = hash_password(new)?;
    let now = svc.now();
    db::write_tx(&mut conn, |c| -> AppResult<()> {
        db::users::set_password(c, &user_id, &hash, now)?;
        db::sessions::delete_for_user(c, &user_id, keep_session)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "password_changed",
                subject_type: "account",
                subject_id: &user_id,
                patient_id: None,
                detail: "other sessions ended".into(),
            },
        )
    })
}

/// Input for [`create_user`].
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub clinic_id: &'a str,
    pub password: &'a str,
}

/// Inserts a user row (hashing the password). Practitioner details are added separately.
pub fn insert_user(conn: &mut DbConn, now: NaiveDateTime, a: &NewAccount<'_>) -> AppResult<User> {
    let email = normalize_email(a.email).map_err(|m| AppError::BadRequest(m.into()))?;
    let user = User {
        id: db::new_id(),
        email,
        password_hash: hash_password(a.password)?,
        role: a.role.as_str().to_string(),
        display_name: a.name.trim().to_string(),
        clinic_id: a.clinic_id.to_string(),
        active: true,
        created_at: now,
        password_changed_at: now,
        language: String::new(),
    };
    db::users::insert(conn, &user).map_err(|e| {
        if db::is_unique_violation(&e) {
            AppError::BadRequest(format!("an account for {} already exists", user.email))
        } else {
            e.into()
        }
    })?;
    Ok(user)
}

/// Finds a clinic by name or creates it.
pub fn clinic_by_name_or_create(
    conn: &mut DbConn,
    now: NaiveDateTime,
    name: &str,
    city: &str,
) -> AppResult<Clinic> {
    if let Some(c) = db::clinics::find_by_name(conn, name)? {
        return Ok(c);
    }
    let c = Clinic {
        id: db::new_id(),
        name: name.to_string(),
        city: city.to_string(),
        kind: "clinic".into(),
        requires_patient_approval: false,
        show_booking_prompts: true,
        created_at: now,
    };
    db::clinics::insert(conn, &c)?;
    Ok(c)
}

/// What `handoff create-user` was given.
pub struct CliAccount<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub clinic: &'a str,
    pub city: &'a str,
    pub specialty: &'a str,
    pub password: &'a str,
}

/// `handoff create-user`: the first clinic admin of a new install, or another account.
pub fn create_user_cli(svc: &Services, a: &CliAccount<'_>) -> AppResult<User> {
    let CliAccount {
        email,
        name,
        role,
        clinic,
        city,
        specialty,
        password,
    } = *a;
    check_new_password(password, password, &[email, name]).map_err(AppError::BadRequest)?;
    if role == Role::Practitioner {
        let mut conn = svc.conn()?;
        let folded = normalize_email(email).map_err(|m| AppError::BadRequest(m.into()))?;
        // One doctor, one identity: their referrals are theirs to take over (see invitations).
        if let crate::domain::mail::AddressHolder::OutsideDoctor(_) =
            db::mail::address_holder(&mut conn, &folded)?
        {
            return Err(AppError::BadRequest(
                "a doctor outside the network receives referrals at this address: add them from the clinic's admin page, which invites them to take over their account".into(),
            ));
        }
    }
    if name.trim().is_empty() || clinic.trim().is_empty() {
        return Err(AppError::BadRequest(
            "--name and --clinic must not be empty".into(),
        ));
    }
    if role == Role::Patient {
        return Err(AppError::BadRequest(
            "patients get portal accounts from their practitioner's registration form".into(),
        ));
    }
    let mut conn = svc.conn()?;
    let now = svc.now();
    db::write_tx(&mut conn, |c| {
        let clinic = clinic_by_name_or_create(c, now, clinic.trim(), city.trim())?;
        let user = insert_user(
            c,
            now,
            &NewAccount {
                email,
                name,
                role,
                clinic_id: &clinic.id,
                password,
            },
        )?;
        if role == Role::Practitioner {
            db::users::insert_practitioner(
                c,
                &db::users::Practitioner {
                    user_id: user.id.clone(),
                    clinic_id: clinic.id.clone(),
                    title: "Dr".into(),
                    specialty: specialty.to_string(),
                    city: if city.is_empty() {
                        clinic.city.clone()
                    } else {
                        city.to_string()
                    },
                    languages: "English".into(),
                    accepting_referrals: true,
                    bio: String::new(),
                },
            )?;
            db::directory::refresh(c, &user.id)?;
        }
        Ok(user)
    })
}
