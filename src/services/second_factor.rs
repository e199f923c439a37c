//! The second factor: who needs one after the password, enrolment with recovery codes,
//! and the second step with its own throttle (per account and per address, in the
//! database).

use chrono::NaiveDateTime;
use rand::RngCore;

use super::accounts::SessionUser;
use super::{AuditEntry, Caller, Services, audit_for_clinic};
use crate::db::{self, DbConn};
use crate::domain::forms::FieldErrors;
use crate::domain::people::Role;
use crate::domain::policy::Action;
use crate::domain::second_factor as totp;
use crate::domain::security::{CODE_PER_ACCOUNT, CODE_PER_IP, Limit, minutes_to_wait};
use crate::error::{AppError, AppResult};

/// What follows a right password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterPassword {
    /// Signed in.
    Done,
    /// The account has a second factor: ask for a code.
    Code,
    /// The clinic requires a second factor and the account has none: signed in, but every
    /// page leads to enrolment until it is done.
    Enrol,
}

/// Who must do what after the password: a code if enrolled (any role may enrol); an
/// enrolment if the clinic requires one of its staff (practitioners and admins: patients
/// and outside doctors are not the clinic's staff).
pub fn after_password(svc: &Services, user: &SessionUser) -> AppResult<AfterPassword> {
    let mut conn = svc.conn()?;
    if db::second_factor::get(&mut conn, &user.user_id)?.is_some() {
        return Ok(AfterPassword::Code);
    }
    let staff = Role::parse(&user.role).is_some_and(Role::is_staff);
    if totp::required_of(
        staff,
        db::second_factor::required(&mut conn, &user.clinic_id)?,
    ) {
        return Ok(AfterPassword::Enrol);
    }
    Ok(AfterPassword::Done)
}

/// Why a code was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeRefused {
    /// Wrong, expired or already used.
    Wrong,
    /// Too many wrong codes for this account or from this address.
    Locked { minutes: i64 },
}

fn recovery_hash(user_id: &str, code: &str) -> String {
    crate::domain::mail::token_hash(&format!(
        "{user_id}:{}",
        totp::normalize_recovery_code(code)
    ))
}

/// How long a limit still refuses, if it is reached.
fn wait_for(
    c: &mut DbConn,
    limit: Limit,
    client: &str,
    now: NaiveDateTime,
) -> AppResult<Option<i64>> {
    let n = db::throttle::count(c, limit.scope, client, now - limit.window)?;
    Ok(limit.reached(n).then(|| minutes_to_wait(limit.window)))
}

/// The second step of signing in `user`: a six-digit code (one step of clock skew either
/// side, each step accepted once) or an unused recovery code. Checking and counting are
/// one transaction under the account's lock, so simultaneous guesses see each other.
pub fn check_code(
    svc: &Services,
    caller: &Caller,
    user: &SessionUser,
    code: &str,
) -> AppResult<Result<(), CodeRefused>> {
    let now = svc.now();
    let unix = now.and_utc().timestamp();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| -> AppResult<Result<(), CodeRefused>> {
        db::login_attempts::lock_account(c, &user.user_id)?;
        let entry = |action: &'static str, detail: String| AuditEntry {
            action,
            subject_type: "account",
            subject_id: &user.user_id,
            patient_id: None,
            detail,
        };
        let locked = match wait_for(c, CODE_PER_ACCOUNT, &user.user_id, now)? {
            Some(m) => Some(m),
            None => wait_for(c, CODE_PER_IP, &caller.ip, now)?,
        };
        if let Some(minutes) = locked {
            audit_for_clinic(
                c,
                now,
                caller,
                Some(&user.clinic_id),
                entry("second_factor_locked", "too many wrong codes".into()),
            )?;
            return Ok(Err(CodeRefused::Locked { minutes }));
        }
        let Some((secret, last_step)) = db::second_factor::get(c, &user.user_id)? else {
            return Ok(Err(CodeRefused::Wrong));
        };
        let ok = if totp::is_recovery_code(code) {
            let used = db::second_factor::use_recovery_code(
                c,
                &user.user_id,
                &recovery_hash(&user.user_id, code),
                now,
            )?;
            used.then_some("recovery code")
        } else {
            let step = totp::secret_bytes(&secret)
                .and_then(|s| totp::matching_step(&s, code, unix, last_step));
            match step {
                Some(s) if db::second_factor::advance_step(c, &user.user_id, s)? => Some("code"),
                _ => None,
            }
        };
        match ok {
            Some(how) => {
                audit_for_clinic(
                    c,
                    now,
                    caller,
                    Some(&user.clinic_id),
                    entry("second_factor_passed", how.into()),
                )?;
                Ok(Ok(()))
            }
            None => {
                db::throttle::record(c, CODE_PER_ACCOUNT.scope, &user.user_id, now)?;
                db::throttle::record(c, CODE_PER_IP.scope, &caller.ip, now)?;
                audit_for_clinic(
                    c,
                    now,
                    caller,
                    Some(&user.clinic_id),
                    entry("second_factor_failed", String::new()),
                )?;
                Ok(Err(CodeRefused::Wrong))
            }
        }
    })
}

/// What the enrolment page shows: the secret to type in, and its QR code.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// Base32, as authenticator apps take it typed in.
    pub secret: String,
    /// The QR code of the `otpauth://` URI, as a `data:` URI for an image.
    pub qr: String,
}

/// The enrolment of `secret` for `account` (the e-mail address the app will show).
pub fn enrolment(secret: &str, account: &str) -> AppResult<Enrolment> {
    let uri = totp::otpauth_uri("Handoff", account, secret);
    let qr = totp::qr_data_uri(&uri)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("QR code could not be drawn")))?;
    Ok(Enrolment {
        secret: secret.to_string(),
        qr,
    })
}

/// A fresh secret, not yet stored: it is stored only when a code from it is confirmed.
pub fn new_secret() -> String {
    let mut b = [0u8; totp::SECRET_BYTES];
    rand::rng().fill_bytes(&mut b);
    totp::secret_base32(&b)
}

/// Where the caller stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub enrolled: bool,
    pub codes_left: i64,
    /// Their clinic requires it of them.
    pub required: bool,
    pub email: String,
}

/// The caller's second factor.
pub fn status(svc: &Services, caller: &Caller) -> AppResult<Status> {
    caller.authorize(&Action::UseOwnAccount, "/account/second-factor")?;
    let me = caller.person_id()?;
    let mut conn = svc.conn()?;
    let user = db::users::get(&mut conn, me)?;
    let staff = Role::parse(&user.role).is_some_and(Role::is_staff);
    Ok(Status {
        enrolled: db::second_factor::get(&mut conn, me)?.is_some(),
        codes_left: db::second_factor::codes_left(&mut conn, me)?,
        required: totp::required_of(
            staff,
            db::second_factor::required(&mut conn, &user.clinic_id)?,
        ),
        email: user.email,
    })
}

/// Enrols the caller with `secret` once a code from it is right; returns the ten recovery
/// codes, shown once and stored only as hashes. A second enrolment is a conflict.
pub fn confirm(
    svc: &Services,
    caller: &Caller,
    secret: &str,
    code: &str,
) -> AppResult<Vec<String>> {
    caller.authorize(&Action::UseOwnAccount, "/account/second-factor")?;
    let me = caller.person_id()?.to_string();
    let now = svc.now();
    let step = totp::secret_bytes(secret)
        .filter(|b| b.len() == totp::SECRET_BYTES)
        .and_then(|b| totp::matching_step(&b, code, now.and_utc().timestamp(), i64::MIN));
    let Some(step) = step else {
        let mut e = FieldErrors::new();
        e.add(
            "code",
            "This code does not match. Check that the app shows Handoff with your e-mail, and type the six digits it shows now.",
        );
        return Err(AppError::Invalid(e));
    };
    let codes: Vec<String> = (0..totp::RECOVERY_CODES)
        .map(|_| {
            let mut b = [0u8; 7];
            rand::rng().fill_bytes(&mut b);
            totp::recovery_code(&b)
        })
        .collect();
    let hashes: Vec<String> = codes.iter().map(|c| recovery_hash(&me, c)).collect();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| -> AppResult<()> {
        if db::second_factor::enrol(c, &me, secret, step, &hashes, now)? == 0 {
            return Err(AppError::Conflict(
                "A second factor is already set up for this account (perhaps in another tab)."
                    .into(),
            ));
        }
        super::audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "second_factor_enrolled",
                subject_type: "account",
                subject_id: &me,
                patient_id: None,
                detail: format!("{} recovery codes", codes.len()),
            },
        )
    })?;
    Ok(codes)
}
