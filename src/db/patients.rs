use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{care_relationships, patients, practitioners, users};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = patients)]
pub struct Patient {
    pub id: String,
    pub clinic_id: String,
    pub user_id: Option<String>,
    pub mrn: String,
    pub given_name: String,
    pub family_name: String,
    pub search_name: String,
    pub date_of_birth: String,
    pub sex: String,
    pub phone: String,
    pub email: String,
    pub created_at: NaiveDateTime,
    /// The language e-mails and the personal link use (a code; "" = English).
    pub language: String,
}

pub fn insert(conn: &mut DbConn, p: &Patient) -> QueryResult<()> {
    diesel::insert_into(patients::table)
        .values(p)
        .execute(conn)
        .map(|_| ())
}

pub fn get(conn: &mut DbConn, id: &str) -> QueryResult<Patient> {
    patients::table
        .find(id)
        .select(Patient::as_select())
        .first(conn)
}

pub fn by_user(conn: &mut DbConn, user_id: &str) -> QueryResult<Option<Patient>> {
    patients::table
        .filter(patients::user_id.eq(user_id))
        .select(Patient::as_select())
        .first(conn)
        .optional()
}

pub fn mrn_taken(conn: &mut DbConn, clinic_id: &str, mrn: &str) -> QueryResult<bool> {
    Ok(patients::table
        .filter(patients::clinic_id.eq(clinic_id))
        .filter(patients::mrn.eq(mrn))
        .select(patients::id)
        .first::<String>(conn)
        .optional()?
        .is_some())
}

pub fn link_user(conn: &mut DbConn, patient_id: &str, user_id: &str) -> QueryResult<usize> {
    diesel::update(patients::table.find(patient_id))
        .set(patients::user_id.eq(user_id))
        .execute(conn)
}

pub fn add_care(
    conn: &mut DbConn,
    patient_id: &str,
    practitioner_id: &str,
    since: NaiveDateTime,
) -> QueryResult<()> {
    if in_care_team(conn, patient_id, practitioner_id)? {
        return Ok(());
    }
    // A concurrent identical insert (a double click on PostgreSQL) is not an error.
    let inserted = conn.transaction(|c| {
        diesel::insert_into(care_relationships::table)
            .values((
                care_relationships::patient_id.eq(patient_id),
                care_relationships::practitioner_id.eq(practitioner_id),
                care_relationships::since.eq(since),
            ))
            .execute(c)
    });
    match inserted {
        Err(e) if !super::is_unique_violation(&e) => Err(e),
        _ => Ok(()),
    }
}

/// What a care-team removal found, read under the patient's lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    Removed,
    /// The one asking is not (or no longer) in the care team.
    CallerNotInTeam,
    /// The practitioner to remove is not in it.
    NotInTeam,
    /// `may_remove` refused (the last active member).
    Refused,
}

/// Takes `member_id` off a patient's care team at `caller_id`'s request, serialised per
/// patient (a PostgreSQL advisory lock; SQLite's write transactions run one at a time) so
/// two removals at once cannot both see a colleague left. `may_remove` decides on the
/// number of active members and whether the one removed is active.
pub fn remove_care(
    conn: &mut DbConn,
    patient_id: &str,
    (caller_id, member_id): (&str, &str),
    may_remove: impl FnOnce(i64, bool) -> bool,
) -> QueryResult<Removal> {
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(format!("care-team:{patient_id}"))
            .execute(c)?;
    }
    if !in_care_team(conn, patient_id, caller_id)? {
        return Ok(Removal::CallerNotInTeam);
    }
    let team: Vec<(String, bool)> = care_relationships::table
        .inner_join(users::table)
        .filter(care_relationships::patient_id.eq(patient_id))
        .select((users::id, users::active))
        .load(conn)?;
    let Some(&(_, member_active)) = team.iter().find(|(id, _)| id == member_id) else {
        return Ok(Removal::NotInTeam);
    };
    let active = team.iter().filter(|(_, a)| *a).count() as i64;
    if !may_remove(active, member_active) {
        return Ok(Removal::Refused);
    }
    diesel::delete(
        care_relationships::table
            .filter(care_relationships::patient_id.eq(patient_id))
            .filter(care_relationships::practitioner_id.eq(member_id)),
    )
    .execute(conn)?;
    Ok(Removal::Removed)
}

pub fn in_care_team(
    conn: &mut DbConn,
    patient_id: &str,
    practitioner_id: &str,
) -> QueryResult<bool> {
    Ok(care_relationships::table
        .filter(care_relationships::patient_id.eq(patient_id))
        .filter(care_relationships::practitioner_id.eq(practitioner_id))
        .select(care_relationships::since)
        .first::<NaiveDateTime>(conn)
        .optional()?
        .is_some())
}

/// (user id, display name, specialty) of the practitioners caring for a patient.
pub fn care_team(
    conn: &mut DbConn,
    patient_id: &str,
) -> QueryResult<Vec<(String, String, String)>> {
    care_relationships::table
        .inner_join(users::table.inner_join(practitioners::table))
        .filter(care_relationships::patient_id.eq(patient_id))
        .order(users::display_name.asc())
        .select((users::id, users::display_name, practitioners::specialty))
        .load(conn)
}

/// How the patient list is narrowed.
pub enum PatientFilter<'a> {
    All,
    /// Lower-case substring of "given family".
    Name(&'a str),
    /// Exact ISO date of birth.
    Dob(&'a str),
}

/// One page of the patients a practitioner cares for, by family name, plus the total.
pub fn list_for_practitioner(
    conn: &mut DbConn,
    practitioner_id: &str,
    filter: &PatientFilter<'_>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Patient>, i64)> {
    let mine = care_relationships::table
        .filter(care_relationships::practitioner_id.eq(practitioner_id))
        .select(care_relationships::patient_id);
    macro_rules! filtered {
        () => {{
            let q = patients::table
                .filter(patients::id.eq_any(mine))
                .into_boxed();
            match filter {
                PatientFilter::All => q,
                PatientFilter::Name(n) => q.filter(
                    patients::search_name
                        .like(format!("%{}%", escape_like(n)))
                        .escape('\\'),
                ),
                PatientFilter::Dob(d) => q.filter(patients::date_of_birth.eq(d.to_string())),
            }
        }};
    }
    let total = filtered!().count().get_result(conn)?;
    let rows = filtered!()
        .order((
            patients::family_name.asc(),
            patients::given_name.asc(),
            patients::id.asc(),
        ))
        .limit(limit)
        .offset(offset)
        .select(Patient::as_select())
        .load(conn)?;
    Ok((rows, total))
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// One patient the practitioner cares for, if any.
pub fn first_of_practitioner(
    conn: &mut DbConn,
    practitioner_id: &str,
) -> QueryResult<Option<String>> {
    care_relationships::table
        .filter(care_relationships::practitioner_id.eq(practitioner_id))
        .select(care_relationships::patient_id)
        .order(care_relationships::patient_id.asc())
        .first(conn)
        .optional()
}

pub fn set_language(conn: &mut DbConn, patient_id: &str, code: &str) -> QueryResult<usize> {
    diesel::update(patients::table.find(patient_id))
        .set(patients::language.eq(code))
        .execute(conn)
}

/// The id of the clinic's patient with this record number, if any.
pub fn id_by_mrn(conn: &mut DbConn, clinic_id: &str, mrn: &str) -> QueryResult<Option<String>> {
    patients::table
        .filter(patients::clinic_id.eq(clinic_id))
        .filter(patients::mrn.eq(mrn))
        .select(patients::id)
        .first(conn)
        .optional()
}
