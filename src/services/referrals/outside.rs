//! The doctor outside the network a draft is addressed to: found by address, or made in
//! the draft's own transaction (a refused form leaves nothing behind).

use chrono::NaiveDateTime;

use crate::db::{self, DbConn};
use crate::domain::forms::FieldErrors;
use crate::domain::mail::{
    ExternalRecipient, OutsideRecipient, outside_placeholder_address, outside_recipient,
};
use crate::error::{AppError, AppResult};

/// The user id of an outside doctor: the existing one for this e-mail address, or a new
/// practitioner account that can never sign in (its sign-in address is a placeholder; the
/// real one is the outside doctor's), with an unlisted profile and a clinic named after
/// their practice. The address of a practitioner in the directory is refused (choose them
/// there instead); any other account's address is taken like an unknown one, so the form
/// tells nobody who has an account.
pub fn find_or_create(
    c: &mut DbConn,
    rec: &ExternalRecipient,
    now: NaiveDateTime,
) -> AppResult<String> {
    match outside_recipient(db::mail::address_holder(c, &rec.email)?) {
        OutsideRecipient::Existing(id) => return Ok(id),
        OutsideRecipient::InDirectory => {
            let mut e = FieldErrors::new();
            e.add(
                "ext_email",
                "This address belongs to a practitioner in the network: find them in the directory instead.",
            );
            return Err(AppError::Invalid(e));
        }
        OutsideRecipient::New => {}
    }
    let clinic = db::clinics::Clinic {
        id: db::new_id(),
        name: rec.practice.clone(),
        city: String::new(),
        kind: "clinic".into(),
        requires_patient_approval: false,
        show_booking_prompts: false,
        created_at: now,
    };
    db::clinics::insert(c, &clinic)?;
    let id = db::new_id();
    let user = db::users::User {
        email: outside_placeholder_address(&id),
        id,
        // Not a password hash: no password can ever match it.
        password_hash: "!external".into(),
        role: "practitioner".into(),
        display_name: rec.name.clone(),
        clinic_id: clinic.id.clone(),
        active: true,
        created_at: now,
        password_changed_at: now,
        language: String::new(),
    };
    db::users::insert(c, &user)?;
    match db::mail::insert_external_doctor(c, &user.id, &rec.email, now) {
        // Someone added the same doctor at the same moment.
        Err(e) if db::is_unique_violation(&e) => {
            return Err(AppError::Conflict(
                "This doctor was just added by someone else: send the referral again.".into(),
            ));
        }
        other => other?,
    }
    db::users::insert_practitioner(
        c,
        &db::users::Practitioner {
            user_id: user.id.clone(),
            clinic_id: clinic.id,
            title: String::new(),
            specialty: rec.specialty.clone(),
            city: String::new(),
            languages: String::new(),
            accepting_referrals: true,
            bio: String::new(),
        },
    )?;
    Ok(user.id)
}
