//! Practitioners' public profiles.

use super::{Caller, Services};
use crate::db;
use crate::db::practices::Practice;
use crate::db::users::{Practitioner, User};
use crate::domain::policy::Action;
use crate::error::{AppError, AppResult};

/// What the public profile shows.
pub struct PublicProfile {
    pub user: User,
    pub practitioner: Practitioner,
    pub clinic: String,
    pub practice: Option<Practice>,
    /// Away today, and who covers.
    pub away: Option<super::referrals::cover::AwayNotice>,
}

/// Any signed-in person may see a practitioner's public profile (patients reach it from
/// the booking button).
pub fn profile(svc: &Services, caller: &Caller, id: &str) -> AppResult<PublicProfile> {
    caller.authorize(&Action::UseOwnAccount, &format!("/practitioners/{id}"))?;
    let mut conn = svc.conn()?;
    let (user, practitioner) = db::users::get_practitioner(&mut conn, id)?;
    // Doctors outside the network are not in the directory: they have no profile here.
    if !user.active || db::mail::is_external_doctor(&mut conn, id)? {
        return Err(AppError::NotFound);
    }
    let today = super::referrals::cover::today(svc, svc.now());
    let away = super::referrals::cover::away_notices(&mut conn, &[id], today)?.remove(id);
    Ok(PublicProfile {
        away,
        clinic: db::clinics::get(&mut conn, &practitioner.clinic_id)?.name,
        practice: db::practices::get(&mut conn, id)?,
        user,
        practitioner,
    })
}
