//! The demo's year of history (`serve --demo`, `seed --demo`): more patients in every
//! clinic, each in a practitioner's care, so that every demo practitioner has patients,
//! and a few thousand referrals across the network from the generator, in every state,
//! with their due times, the reminders already sent and the analytics counters. Not part
//! of [`super::seed::seed_demo`]: the test suite seeds the network without it.

use std::collections::BTreeMap;

use super::Services;
use super::generate::generate_network_referrals;
use super::seed::{FAMILY, GIVEN, chart_for};
use crate::db::patients::Patient;
use crate::db::{self, DbConn};
use crate::domain::people::search_name;
use crate::error::AppResult;

/// How many referrals the demo's history holds.
pub const DEMO_REFERRALS: usize = 3000;

/// Patients added to each clinic of the demo network.
const PATIENTS_PER_CLINIC: usize = 30;

/// What the history added.
pub struct History {
    pub patients: usize,
    pub referrals: usize,
}

/// Adds the history to a freshly seeded demo network (call it right after
/// [`super::seed::seed_demo`] returned logins).
pub fn seed_demo_history(svc: &Services) -> AppResult<History> {
    let now = svc.now();
    let mut conn = svc.conn()?;
    let patients = db::write_tx(&mut conn, |c| add_patients(c, now))?;
    drop(conn);
    let referrals = generate_network_referrals(svc, DEMO_REFERRALS)?;
    Ok(History {
        patients,
        referrals,
    })
}

/// Every clinic gets more patients, shared out in turn among its practitioners (every
/// third one also cared for by the next colleague).
fn add_patients(c: &mut DbConn, now: chrono::NaiveDateTime) -> AppResult<usize> {
    let mut teams: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut order = Vec::new();
    for (id, clinic, _) in db::analytics::generator_practitioners(c)? {
        if !teams.contains_key(&clinic) {
            order.push(clinic.clone());
        }
        teams.entry(clinic).or_default().push(id);
    }
    let mut added = 0;
    for (ci, clinic_id) in order.iter().enumerate() {
        let team = &teams[clinic_id];
        let clinic = db::clinics::get(c, clinic_id)?;
        let prefix: String = clinic
            .name
            .chars()
            .filter(char::is_ascii_alphabetic)
            .take(2)
            .collect::<String>()
            .to_uppercase();
        for j in 0..PATIENTS_PER_CLINIC {
            let k = ci * PATIENTS_PER_CLINIC + j;
            let given = GIVEN[(k * 5 + 3) % GIVEN.len()];
            let family = FAMILY[(k * 11 + ci + 5) % FAMILY.len()];
            let dob = chrono::NaiveDate::from_ymd_opt(
                1940 + ((k * 17) % 80) as i32,
                1 + ((k * 7) % 12) as u32,
                1 + ((k * 3) % 28) as u32,
            )
            .unwrap_or_default();
            let p = Patient {
                id: db::new_id(),
                clinic_id: clinic_id.clone(),
                user_id: None,
                mrn: format!("{prefix}-{:04}", 2001 + j),
                given_name: given.into(),
                family_name: family.into(),
                search_name: search_name(given, family),
                date_of_birth: dob.format("%Y-%m-%d").to_string(),
                sex: if k.is_multiple_of(2) {
                    "female"
                } else {
                    "male"
                }
                .into(),
                phone: format!("+91 97{:08}", 30_000_000 + k * 6_007),
                email: format!(
                    "{}.{}.{}@patients.example",
                    given.to_lowercase(),
                    family.to_lowercase(),
                    2001 + j
                ),
                created_at: now - chrono::Duration::days(400 - (j as i64) * 3),
                language: ["", "hi", "mr"][k % 3].into(),
            };
            db::patients::insert(c, &p)?;
            let doctor = &team[j % team.len()];
            db::patients::add_care(c, &p.id, doctor, p.created_at)?;
            if j.is_multiple_of(3) && team.len() > 1 {
                db::patients::add_care(c, &p.id, &team[(j + 1) % team.len()], p.created_at)?;
            }
            chart_for(c, now, &p.id, doctor, k)?;
            added += 1;
        }
    }
    Ok(added)
}
