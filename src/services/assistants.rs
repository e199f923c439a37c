//! Assistants acting on behalf of practitioners (issue 15): whom they work for, the switch
//! between them, the drafts they prepare for a signature, and the admin's page for them.

use crate::db::assistants::{Person, ToSign};
use crate::db::users::User;
use crate::db::{self, DbConn};
use crate::domain::assistant::{AssistantInput, validate};
use crate::domain::forms::{FieldErrors, optional_text};
use crate::domain::people::Role;
use crate::domain::policy::{Action, Actor};
use crate::domain::referral::Status;
use crate::error::{AppError, AppResult};
use crate::services::accounts::{NewAccount, insert_user};
use crate::services::referrals::access::{Change, EventRow, load_for, log_change};
use crate::services::{AuditEntry, Caller, Services, audit, mail};

/// The practitioners the signed-in assistant works for, by name.
pub fn principals(svc: &Services, caller: &Caller) -> AppResult<Vec<Person>> {
    caller.authorize(&Action::UseOwnAccount, "/account/acting-for")?;
    let Actor::Assistant { user_id, .. } = &caller.actor else {
        return Err(AppError::forbidden());
    };
    let mut conn = svc.conn()?;
    Ok(db::assistants::principals(&mut conn, user_id)?)
}

/// Switches whom the assistant works for (audited); returns them, for the session.
pub fn act_for(svc: &Services, caller: &Caller, practitioner_id: &str) -> AppResult<Person> {
    caller.authorize(&Action::UseOwnAccount, "/account/acting-for")?;
    let Actor::Assistant { user_id, .. } = &caller.actor else {
        return Err(AppError::forbidden());
    };
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let person = db::assistants::principals(c, user_id)?
            .into_iter()
            .find(|p| p.id == practitioner_id)
            .ok_or(AppError::NotFound)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "acting_for",
                subject_type: "user",
                subject_id: &person.id,
                patient_id: None,
                detail: format!("works for {}", person.name),
            },
        )?;
        Ok(person)
    })
}

/// An assistant puts their practitioner's draft on the practitioner's "to sign" list, with
/// an optional note; the practitioner is told. The draft stays a draft until they send it.
pub fn prepare_to_sign(
    svc: &Services,
    caller: &Caller,
    referral_id: &str,
    note: &str,
) -> AppResult<()> {
    let Some(me) = caller.actor.delegate().map(str::to_string) else {
        return Err(AppError::forbidden());
    };
    let mut e = FieldErrors::new();
    let note = optional_text(&mut e, "note", "Note", note, 1000);
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let (r, party, status) = load_for(c, caller, referral_id)?;
        if party != crate::domain::referral::Party::Sender {
            return Err(AppError::forbidden());
        }
        if status != Status::Draft {
            return Err(AppError::Conflict(
                "This referral was already sent: there is nothing left to sign.".into(),
            ));
        }
        db::assistants::prepare(c, referral_id, &r.sender_id, &me, &note, now)?;
        let name = db::users::get(c, &me)?.display_name;
        log_change(
            c,
            caller,
            now,
            Change {
                referral_id,
                patient_id: &r.patient_id,
                event: EventRow {
                    kind: "prepared_to_sign",
                    from: None,
                    to: None,
                    note: &note,
                    patient_visible: false,
                },
                action: "referral_prepared",
                detail: "put on the practitioner's list to sign".into(),
            },
        )?;
        mail::notify(
            &svc.mail,
            c,
            &r.sender_id,
            Some(referral_id),
            &format!("{name} prepared a referral for you to sign: {}", r.reason),
            now,
        )
    })
}

/// The drafts waiting for the signed-in practitioner's signature, oldest first.
pub fn to_sign(svc: &Services, caller: &Caller) -> AppResult<Vec<ToSign>> {
    caller.authorize(&Action::Refer, "/to-sign")?;
    let Actor::Practitioner { user_id, .. } = &caller.actor else {
        // An assistant's own list is their practitioner's to sign, not theirs.
        return Err(AppError::forbidden());
    };
    let mut conn = svc.conn()?;
    Ok(db::assistants::to_sign(&mut conn, user_id)?)
}

/// The demo's assistants: Anita Rao works for Dr Asha Kulkarni, Kavya Iyer for Dr Rohan
/// Mehta (Lakeside). `people` are the seeded practitioners; returns (e-mail, who) of each.
pub(crate) fn seed_demo(
    c: &mut DbConn,
    now: chrono::NaiveDateTime,
    hash: &str,
    clinic: &crate::db::clinics::Clinic,
    people: &[User],
) -> AppResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (name, email, principal) in [
        (
            "Anita Rao",
            "anita.rao@lakeside.example",
            "Dr Asha Kulkarni",
        ),
        (
            "Kavya Iyer",
            "kavya.iyer@lakeside.example",
            "Dr Rohan Mehta",
        ),
    ] {
        let a = User {
            id: db::new_id(),
            email: email.into(),
            password_hash: hash.into(),
            role: Role::Assistant.as_str().into(),
            display_name: name.into(),
            clinic_id: clinic.id.clone(),
            active: true,
            created_at: now,
            password_changed_at: now,
            language: String::new(),
        };
        db::users::insert(c, &a)?;
        let of: Vec<String> = people
            .iter()
            .filter(|u| u.display_name == principal)
            .map(|u| u.id.clone())
            .collect();
        db::assistants::set_principals(c, &a.id, &of, now)?;
        out.push((
            email.to_string(),
            format!("{name}, assistant to {principal}, {}", clinic.name),
        ));
    }
    Ok(out)
}

/// The admin's page: the clinic's assistants with whom each works for, and the clinic's
/// practitioners to choose from.
pub struct AdminPage {
    pub assistants: Vec<(User, Vec<Person>)>,
    pub practitioners: Vec<Person>,
}

fn clinic_people(c: &mut DbConn, clinic_id: &str) -> AppResult<Vec<Person>> {
    Ok(db::users::clinic_practitioners(c, clinic_id)?
        .into_iter()
        .filter(|(u, _)| u.active)
        .map(|(u, _)| Person {
            id: u.id,
            name: u.display_name,
        })
        .collect())
}

fn admins_clinic(caller: &Caller) -> AppResult<&str> {
    let clinic_id = caller.actor.clinic_id().unwrap_or_default();
    caller.authorize(&Action::ManageClinic { clinic_id }, "/admin/assistants")?;
    Ok(clinic_id)
}

/// The clinic's assistants, for its admin.
pub fn admin_page(svc: &Services, caller: &Caller) -> AppResult<AdminPage> {
    let clinic_id = admins_clinic(caller)?;
    let mut conn = svc.conn()?;
    Ok(AdminPage {
        assistants: db::assistants::of_clinic(&mut conn, clinic_id)?,
        practitioners: clinic_people(&mut conn, clinic_id)?,
    })
}

fn check_principals(c: &mut DbConn, clinic_id: &str, chosen: &[String]) -> AppResult<Vec<String>> {
    let ours = clinic_people(c, clinic_id)?;
    if chosen.iter().all(|p| ours.iter().any(|o| o.id == *p)) {
        Ok(chosen.to_vec())
    } else {
        let mut e = FieldErrors::new();
        e.add(
            "principals",
            "Choose practitioners of this clinic who are still active.",
        );
        Err(AppError::Invalid(e))
    }
}

/// Adds an assistant account to the clinic, working for the practitioners ticked.
pub fn add(svc: &Services, caller: &Caller, input: &AssistantInput) -> AppResult<String> {
    let clinic_id = admins_clinic(caller)?;
    let new = validate(input, true).map_err(AppError::Invalid)?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    if db::users::by_email(&mut conn, &new.email)?.is_some() {
        let mut e = FieldErrors::new();
        e.add("email", "An account with this e-mail already exists.");
        return Err(AppError::Invalid(e));
    }
    db::write_tx(&mut conn, |c| {
        let principals = check_principals(c, clinic_id, &new.principals)?;
        let user = insert_user(
            c,
            now,
            &NewAccount {
                email: &new.email,
                name: &new.display_name,
                role: Role::Assistant,
                clinic_id,
                password: &input.password,
            },
        )?;
        db::assistants::set_principals(c, &user.id, &principals, now)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "assistant_added",
                subject_type: "user",
                subject_id: &user.id,
                patient_id: None,
                detail: format!("works for {} practitioner(s)", principals.len()),
            },
        )?;
        Ok(user.id)
    })
}

/// Changes whom an assistant of the clinic works for, and whether they may sign in. Their
/// sessions end: a session must not go on acting for someone they no longer work for.
pub fn set_principals(
    svc: &Services,
    caller: &Caller,
    assistant_id: &str,
    input: &AssistantInput,
) -> AppResult<()> {
    let clinic_id = admins_clinic(caller)?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    let user = db::users::get(&mut conn, assistant_id)?;
    if user.clinic_id != clinic_id || user.role != Role::Assistant.as_str() {
        return Err(AppError::NotFound);
    }
    let new = validate(input, false).map_err(AppError::Invalid)?;
    db::write_tx(&mut conn, |c| {
        let principals = check_principals(c, clinic_id, &new.principals)?;
        db::assistants::set_principals(c, assistant_id, &principals, now)?;
        db::users::set_active(c, assistant_id, input.active)?;
        db::sessions::delete_for_user(c, assistant_id, None)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "assistant_changed",
                subject_type: "user",
                subject_id: assistant_id,
                patient_id: None,
                detail: format!(
                    "works for {} practitioner(s); active: {}",
                    principals.len(),
                    input.active
                ),
            },
        )
    })
}
