//! Finding who to refer to: the network directory, and the patient being referred.

use crate::db::directory::{self, Hit, Search};
use crate::db::patients::Patient;
use crate::domain::policy::Action;
use crate::error::AppResult;
use crate::services::{Caller, Services};

/// Directory results per page.
pub const DIRECTORY_PAGE: i64 = 10;

/// One page of directory results.
pub struct DirectoryPage {
    pub hits: Vec<Hit>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub cities: Vec<String>,
    pub languages: Vec<String>,
    /// Which of the hits are services (a team's shared queue), not people.
    pub services: Vec<String>,
}

/// Searches the whole network directory by name and/or specialty, filtered by city and
/// language. Words shorter than 3 letters are ignored (trigram search needs 3).
pub fn search_directory(
    svc: &Services,
    caller: &Caller,
    q: &str,
    city: &str,
    language: &str,
    page: i64,
) -> AppResult<DirectoryPage> {
    caller.authorize(&Action::Refer, "/directory")?;
    let words: Vec<String> = q
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| w.chars().count() >= 3)
        .take(6)
        .map(str::to_string)
        .collect();
    let page = page.max(1);
    let mut conn = svc.conn()?;
    let (hits, total) = directory::search(
        &mut conn,
        &Search {
            words: &words,
            city: Some(city.trim()).filter(|c| !c.is_empty()),
            language: Some(language.trim()).filter(|c| !c.is_empty()),
            limit: DIRECTORY_PAGE,
            offset: (page - 1) * DIRECTORY_PAGE,
        },
    )?;
    let (cities, languages) = directory::facets(&mut conn)?;
    let ids: Vec<&str> = hits.iter().map(|h| h.user_id.as_str()).collect();
    let services = crate::db::services::which_are_services(&mut conn, &ids)?;
    Ok(DirectoryPage {
        services,
        hits,
        total,
        page,
        pages: ((total + DIRECTORY_PAGE - 1) / DIRECTORY_PAGE).max(1),
        cities,
        languages,
    })
}

/// The patient being referred, if the caller may refer them (care team).
pub fn patient_to_refer(svc: &Services, caller: &Caller, patient_id: &str) -> AppResult<Patient> {
    let mut conn = svc.conn()?;
    let (patient, facts) = crate::services::patients::facts(&mut conn, caller, patient_id)?;
    caller.authorize(&Action::Refer, &format!("/patients/{patient_id}/refer"))?;
    caller.authorize(
        &Action::EditChart(&facts),
        &format!("/patients/{patient_id}"),
    )?;
    Ok(patient)
}
