//! A clinic's services as its admin defines them: name, description, specialties (what the
//! directory finds it by), who it is for, whether it takes referrals, its members and
//! coordinator. A service is a receiver in the directory like a practitioner.

use chrono::NaiveDateTime;

use super::{AuditEntry, Caller, Services, audit};
use crate::db::services::{ServiceCard, ServiceRow};
use crate::db::users::{Practitioner, User};
use crate::db::{self, DbConn};
use crate::domain::policy::Action;
use crate::domain::service::{NewService, ServiceForm, account_address};
use crate::error::{AppError, AppResult};

/// A service with its members' names, for the admin's list.
pub struct TeamRow {
    pub card: ServiceCard,
    pub members: Vec<(String, String)>,
    pub coordinator: Option<String>,
}

/// The admin's services page.
pub struct TeamsPage {
    pub services: Vec<TeamRow>,
    /// (id, name) of the clinic's active practitioners: who may be members.
    pub colleagues: Vec<(String, String)>,
}

fn colleagues(c: &mut DbConn, clinic_id: &str) -> AppResult<Vec<(String, String)>> {
    Ok(db::users::clinic_practitioners(c, clinic_id)?
        .into_iter()
        .filter(|(u, _)| u.active)
        .map(|(u, _)| (u.id, u.display_name))
        .collect())
}

fn clinic_of(caller: &Caller) -> AppResult<String> {
    let clinic = caller
        .actor
        .clinic_id()
        .ok_or_else(AppError::forbidden)?
        .to_string();
    caller.authorize(
        &Action::ManageClinic { clinic_id: &clinic },
        "/admin/services",
    )?;
    Ok(clinic)
}

fn row(c: &mut DbConn, card: ServiceCard) -> AppResult<TeamRow> {
    let members = db::services::members(c, &card.row.id)?;
    let coordinator = match &card.row.coordinator_id {
        Some(id) => Some(db::users::get(c, id)?.display_name),
        None => None,
    };
    Ok(TeamRow {
        card,
        members,
        coordinator,
    })
}

/// The clinic's services and who may be in them.
pub fn page(svc: &Services, caller: &Caller) -> AppResult<TeamsPage> {
    let clinic = clinic_of(caller)?;
    let mut conn = svc.conn()?;
    db::read_tx(&mut conn, |c| {
        let mut services = Vec::new();
        for card in db::services::of_clinic(c, &clinic)? {
            services.push(row(c, card)?);
        }
        Ok(TeamsPage {
            services,
            colleagues: colleagues(c, &clinic)?,
        })
    })
}

/// One service of the admin's clinic (404 for another clinic's), with who may be in it.
pub fn get(
    svc: &Services,
    caller: &Caller,
    id: &str,
) -> AppResult<(TeamRow, Vec<(String, String)>)> {
    let clinic = clinic_of(caller)?;
    let mut conn = svc.conn()?;
    db::read_tx(&mut conn, |c| {
        let card = db::services::get(c, id)?
            .filter(|s| s.row.clinic_id == clinic)
            .ok_or(AppError::NotFound)?;
        Ok((row(c, card)?, colleagues(c, &clinic)?))
    })
}

/// The languages its members speak, for the directory's language filter.
fn languages_of(c: &mut DbConn, members: &[String]) -> AppResult<String> {
    let mut all: Vec<String> = Vec::new();
    for m in members {
        let (_, p) = db::users::get_practitioner(c, m)?;
        for l in p
            .languages
            .split(',')
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            if !all.iter().any(|x| x.eq_ignore_ascii_case(l)) {
                all.push(l.to_string());
            }
        }
    }
    Ok(all.join(", "))
}

fn write(
    c: &mut DbConn,
    id: &str,
    clinic: &str,
    new: &NewService,
    now: NaiveDateTime,
) -> AppResult<(User, Practitioner, ServiceRow)> {
    let city = db::clinics::get(c, clinic)?.city;
    let user = User {
        id: id.to_string(),
        email: account_address(id),
        // No hash: nobody signs in as a service.
        password_hash: "!".into(),
        role: "practitioner".into(),
        display_name: new.name.clone(),
        clinic_id: clinic.to_string(),
        active: true,
        created_at: now,
        password_changed_at: now,
        language: String::new(),
    };
    let practitioner = Practitioner {
        user_id: id.to_string(),
        clinic_id: clinic.to_string(),
        title: String::new(),
        specialty: new.specialties.clone(),
        city,
        languages: languages_of(c, &new.members)?,
        accepting_referrals: new.accepting,
        bio: new.description.clone(),
    };
    let service = ServiceRow {
        id: id.to_string(),
        clinic_id: clinic.to_string(),
        description: new.description.clone(),
        coordinator_id: new.coordinator_id.clone(),
        min_age: new.eligibility.min_age,
        max_age: new.eligibility.max_age,
        sex: new.eligibility.sex.clone(),
        created_at: now,
    };
    Ok((user, practitioner, service))
}

/// Creates a service of the admin's clinic; returns its id.
pub fn create(svc: &Services, caller: &Caller, form: &ServiceForm) -> AppResult<String> {
    let clinic = clinic_of(caller)?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let ids: Vec<String> = colleagues(c, &clinic)?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let new = form.validate(&ids).map_err(AppError::Invalid)?;
        let id = insert_service(c, &clinic, &new, now)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "service_created",
                subject_type: "service",
                subject_id: &id,
                patient_id: None,
                detail: format!("{}; {} member(s)", new.name, new.members.len()),
            },
        )?;
        Ok(id)
    })
}

/// Writes a new service of `clinic` (the admin's form, or the demo network); returns its id.
pub(crate) fn insert_service(
    c: &mut DbConn,
    clinic: &str,
    new: &NewService,
    now: NaiveDateTime,
) -> AppResult<String> {
    let id = db::new_id();
    let (user, practitioner, service) = write(c, &id, clinic, new, now)?;
    db::users::insert(c, &user)?;
    db::users::insert_practitioner(c, &practitioner)?;
    db::services::insert(c, &service)?;
    db::services::set_members(c, &id, &new.members)?;
    db::directory::refresh(c, &id)?;
    Ok(id)
}

/// Changes a service of the admin's clinic (404 for another clinic's). Referrals already
/// in its queue stay there; new members see them at once.
pub fn update(svc: &Services, caller: &Caller, id: &str, form: &ServiceForm) -> AppResult<()> {
    let clinic = clinic_of(caller)?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        db::services::get(c, id)?
            .filter(|s| s.row.clinic_id == clinic)
            .ok_or(AppError::NotFound)?;
        let ids: Vec<String> = colleagues(c, &clinic)?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let new = form.validate(&ids).map_err(AppError::Invalid)?;
        let (user, practitioner, service) = write(c, id, &clinic, &new, now)?;
        db::users::update_identity(c, id, &user.display_name, &user.email)?;
        db::users::update_practitioner(c, &practitioner)?;
        db::services::update(c, &service)?;
        db::services::set_members(c, id, &new.members)?;
        db::directory::refresh(c, id)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "service_updated",
                subject_type: "service",
                subject_id: id,
                patient_id: None,
                detail: format!("{}; {} member(s)", new.name, new.members.len()),
            },
        )
    })
}
