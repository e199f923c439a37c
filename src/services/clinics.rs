//! Clinic administration: settings and the clinic's practitioners.

use super::accounts::{NewAccount, insert_user};
use super::{AuditEntry, Caller, Services, audit};
use crate::db::{self, clinics::Clinic, users::Practitioner, users::User};
use crate::domain::forms::FieldErrors;
use crate::domain::mail::AddressHolder;
use crate::domain::people::{PractitionerInput, Role, validate_practitioner};
use crate::domain::policy::Action;
use crate::error::{AppError, AppResult};

/// The admin's overview: the clinic and its practitioners.
pub struct ClinicOverview {
    pub clinic: Clinic,
    pub practitioners: Vec<(User, Practitioner)>,
    /// The clinic's staff must use a second factor.
    pub second_factor_required: bool,
}

/// Loads the admin's clinic and its practitioners.
pub fn overview(svc: &Services, caller: &Caller, clinic_id: &str) -> AppResult<ClinicOverview> {
    caller.authorize(&Action::ManageClinic { clinic_id }, "/admin")?;
    let mut conn = svc.conn()?;
    Ok(ClinicOverview {
        clinic: db::clinics::get(&mut conn, clinic_id)?,
        practitioners: db::users::clinic_practitioners(&mut conn, clinic_id)?,
        second_factor_required: db::second_factor::required(&mut conn, clinic_id)?,
    })
}

/// Saves the clinic's settings: patient approval, booking prompts, and whether its staff
/// must use a second factor (each signs up for one at their next sign-in).
pub fn update_settings(
    svc: &Services,
    caller: &Caller,
    clinic_id: &str,
    (requires_patient_approval, show_booking_prompts): (bool, bool),
    second_factor_required: bool,
) -> AppResult<()> {
    caller.authorize(&Action::ManageClinic { clinic_id }, "/admin")?;
    let mut conn = svc.conn()?;
    let now = svc.now();
    db::write_tx(&mut conn, |c| {
        if db::clinics::update_settings(
            c,
            clinic_id,
            requires_patient_approval,
            show_booking_prompts,
        )? == 0
        {
            return Err(AppError::NotFound);
        }
        db::second_factor::set_required(c, clinic_id, second_factor_required)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "clinic_settings_changed",
                subject_type: "clinic",
                subject_id: clinic_id,
                patient_id: None,
                detail: format!(
                    "patient approval: {requires_patient_approval}; booking prompts: {show_booking_prompts}; second factor required: {second_factor_required}"
                ),
            },
        )
    })
}

/// What adding a practitioner did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// A new account (its user id), signed in with the password the admin set.
    Account(String),
    /// The address is an outside doctor's: they were sent an invitation to join, and take
    /// over their account (and its referrals) themselves.
    Invited,
}

/// Adds a practitioner account to the clinic, or, at an outside doctor's address, invites
/// that doctor to join it.
pub fn add_practitioner(
    svc: &Services,
    caller: &Caller,
    clinic_id: &str,
    input: &PractitionerInput,
) -> AppResult<Added> {
    caller.authorize(&Action::ManageClinic { clinic_id }, "/admin")?;
    // The password is checked only for a new account: an invited doctor chooses their own.
    let profile = validate_practitioner(input, false).map_err(AppError::Invalid)?;
    let mut conn = svc.conn()?;
    let now = svc.now();
    match db::mail::address_holder(&mut conn, &profile.email)? {
        AddressHolder::OutsideDoctor(user_id) => {
            return db::write_tx(&mut conn, |c| {
                super::invitations::invite(
                    &svc.mail,
                    c,
                    caller,
                    (clinic_id, &user_id),
                    &profile,
                    now,
                )
            })
            .map(|()| Added::Invited);
        }
        AddressHolder::NetworkPractitioner | AddressHolder::OtherAccount => {
            let mut e = FieldErrors::new();
            e.add("email", "An account with this e-mail already exists.");
            return Err(AppError::Invalid(e));
        }
        AddressHolder::Nobody => {}
    }
    validate_practitioner(input, true).map_err(AppError::Invalid)?;
    db::write_tx(&mut conn, |c| {
        let user = insert_user(
            c,
            now,
            &NewAccount {
                email: &profile.email,
                name: &profile.display_name,
                role: Role::Practitioner,
                clinic_id,
                password: &input.password,
            },
        )?;
        db::users::insert_practitioner(
            c,
            &Practitioner {
                user_id: user.id.clone(),
                clinic_id: clinic_id.to_string(),
                title: profile.title.clone(),
                specialty: profile.specialty.clone(),
                city: profile.city.clone(),
                languages: profile.languages.clone(),
                accepting_referrals: profile.accepting_referrals,
                bio: String::new(),
            },
        )?;
        db::directory::refresh(c, &user.id)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "practitioner_added",
                subject_type: "user",
                subject_id: &user.id,
                patient_id: None,
                detail: profile.specialty.clone(),
            },
        )?;
        Ok(Added::Account(user.id))
    })
}

/// Loads one practitioner of the admin's clinic (404 for anyone else's).
pub fn get_practitioner(
    svc: &Services,
    caller: &Caller,
    clinic_id: &str,
    user_id: &str,
) -> AppResult<(User, Practitioner)> {
    caller.authorize(&Action::ManageClinic { clinic_id }, "/admin")?;
    let mut conn = svc.conn()?;
    let (u, p) = db::users::get_practitioner(&mut conn, user_id)?;
    // A service is edited on its own page (Admin -> Services), never as a person.
    if p.clinic_id != clinic_id || db::services::is_service(&mut conn, user_id)? {
        return Err(AppError::NotFound);
    }
    Ok((u, p))
}

/// Removes a practitioner's (or an assistant's) second factor and recovery codes (a lost
/// phone) and ends their sessions: they set a new one up at their next sign-in if the
/// clinic requires it. Returns whether it was an assistant's.
pub fn reset_second_factor(
    svc: &Services,
    caller: &Caller,
    clinic_id: &str,
    user_id: &str,
) -> AppResult<bool> {
    caller.authorize(&Action::ManageClinic { clinic_id }, "/admin")?;
    // A practitioner of the clinic, or one of its assistants (staff too).
    let u = db::users::get(&mut *svc.conn()?, user_id)?;
    let assistant = u.role == Role::Assistant.as_str();
    if assistant {
        if u.clinic_id != clinic_id {
            return Err(AppError::NotFound);
        }
    } else {
        get_practitioner(svc, caller, clinic_id, user_id)?;
    }
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        if db::second_factor::remove(c, user_id)? == 0 {
            return Err(AppError::Conflict(
                "This practitioner has no second factor set up.".into(),
            ));
        }
        db::sessions::delete_for_user(c, user_id, None)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "second_factor_reset",
                subject_type: "user",
                subject_id: user_id,
                patient_id: None,
                detail: "sessions ended".into(),
            },
        )
    })
    .map(|()| assistant)
}

/// Updates a practitioner's profile; deactivating ends their sessions at once.
pub fn update_practitioner(
    svc: &Services,
    caller: &Caller,
    clinic_id: &str,
    user_id: &str,
    input: &PractitionerInput,
    active: bool,
) -> AppResult<()> {
    let (_, mut p) = get_practitioner(svc, caller, clinic_id, user_id)?;
    let profile = validate_practitioner(input, false).map_err(AppError::Invalid)?;
    let mut conn = svc.conn()?;
    if db::users::email_taken(&mut conn, &profile.email, Some(user_id))? {
        let mut e = FieldErrors::new();
        e.add("email", "Another account uses this e-mail.");
        return Err(AppError::Invalid(e));
    }
    // Two people at one address would split one doctor's referrals in two.
    if let AddressHolder::OutsideDoctor(_) = db::mail::address_holder(&mut conn, &profile.email)? {
        let mut e = FieldErrors::new();
        e.add(
            "email",
            "A doctor outside the network receives referrals at this address: add them as a new practitioner to invite them instead.",
        );
        return Err(AppError::Invalid(e));
    }
    let now = svc.now();
    p.title = profile.title;
    p.specialty = profile.specialty;
    p.city = profile.city;
    p.languages = profile.languages;
    p.accepting_referrals = profile.accepting_referrals;
    db::write_tx(&mut conn, |c| {
        db::users::update_identity(c, user_id, &profile.display_name, &profile.email)?;
        db::users::update_practitioner(c, &p)?;
        db::users::set_active(c, user_id, active)?;
        if !active {
            db::sessions::delete_for_user(c, user_id, None)?;
            // Nobody goes on acting for them either.
            for a in db::assistants::assistants_of(c, user_id)? {
                db::sessions::delete_for_user(c, &a, None)?;
            }
        }
        db::directory::refresh(c, user_id)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "practitioner_updated",
                subject_type: "user",
                subject_id: user_id,
                patient_id: None,
                detail: format!(
                    "active: {active}; accepting referrals: {}",
                    p.accepting_referrals
                ),
            },
        )
    })
}
