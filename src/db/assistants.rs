//! Assistants: whom each works for, and the drafts they prepared for a signature.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{assistants, drafts_to_sign, patients, referrals, users};

/// A person by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Person {
    pub id: String,
    pub name: String,
}

/// The practitioners `assistant_id` works for who are still active, by name.
pub fn principals(conn: &mut DbConn, assistant_id: &str) -> QueryResult<Vec<Person>> {
    assistants::table
        .inner_join(users::table.on(users::id.eq(assistants::practitioner_id)))
        .filter(assistants::assistant_id.eq(assistant_id))
        .filter(users::active.eq(true))
        .order((users::display_name.asc(), users::id.asc()))
        .select((users::id, users::display_name))
        .load(conn)
}

/// Whether `assistant_id` (an active account) works for `practitioner_id`.
pub fn works_for(
    conn: &mut DbConn,
    assistant_id: &str,
    practitioner_id: &str,
) -> QueryResult<bool> {
    let n: i64 = assistants::table
        .inner_join(users::table.on(users::id.eq(assistants::assistant_id)))
        .filter(assistants::assistant_id.eq(assistant_id))
        .filter(assistants::practitioner_id.eq(practitioner_id))
        .filter(users::active.eq(true))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// A clinic's assistants (active or not), by name, with whom each works for.
pub fn of_clinic(
    conn: &mut DbConn,
    clinic_id: &str,
) -> QueryResult<Vec<(super::users::User, Vec<Person>)>> {
    let people: Vec<super::users::User> = users::table
        .filter(users::clinic_id.eq(clinic_id))
        .filter(users::role.eq("assistant"))
        .order((users::display_name.asc(), users::id.asc()))
        .select(super::users::User::as_select())
        .load(conn)?;
    let ids: Vec<&str> = people.iter().map(|u| u.id.as_str()).collect();
    let links: Vec<(String, String, String)> = assistants::table
        .inner_join(users::table.on(users::id.eq(assistants::practitioner_id)))
        .filter(assistants::assistant_id.eq_any(&ids))
        .order(users::display_name.asc())
        .select((assistants::assistant_id, users::id, users::display_name))
        .load(conn)?;
    Ok(people
        .into_iter()
        .map(|u| {
            let of: Vec<Person> = links
                .iter()
                .filter(|(a, _, _)| *a == u.id)
                .map(|(_, id, name)| Person {
                    id: id.clone(),
                    name: name.clone(),
                })
                .collect();
            (u, of)
        })
        .collect())
}

/// Replaces whom `assistant_id` works for.
pub fn set_principals(
    conn: &mut DbConn,
    assistant_id: &str,
    practitioner_ids: &[String],
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(assistants::table.filter(assistants::assistant_id.eq(assistant_id)))
        .execute(conn)?;
    for p in practitioner_ids {
        diesel::insert_into(assistants::table)
            .values((
                assistants::assistant_id.eq(assistant_id),
                assistants::practitioner_id.eq(p),
                assistants::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Puts a draft on its practitioner's "to sign" list (again: the newest preparation wins).
pub fn prepare(
    conn: &mut DbConn,
    referral_id: &str,
    principal_id: &str,
    prepared_by: &str,
    note: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    // One row per draft: preparing it again (or two at once) keeps the newest. An update
    // first; an insert if there was none; the update again if another insert came first.
    let set = (
        drafts_to_sign::principal_id.eq(principal_id),
        drafts_to_sign::prepared_by.eq(prepared_by),
        drafts_to_sign::note.eq(note),
        drafts_to_sign::at.eq(now),
    );
    let row = drafts_to_sign::table.filter(drafts_to_sign::referral_id.eq(referral_id));
    if diesel::update(row).set(set).execute(conn)? > 0 {
        return Ok(());
    }
    let inserted = super::insert_once(conn, |c| {
        diesel::insert_into(drafts_to_sign::table)
            .values((drafts_to_sign::referral_id.eq(referral_id), set))
            .execute(c)
    })?;
    if !inserted {
        diesel::update(row).set(set).execute(conn)?;
    }
    Ok(())
}

/// Takes a draft off the "to sign" list (it was sent or thrown away).
pub fn clear(conn: &mut DbConn, referral_id: &str) -> QueryResult<usize> {
    diesel::delete(drafts_to_sign::table.filter(drafts_to_sign::referral_id.eq(referral_id)))
        .execute(conn)
}

/// A draft waiting for its practitioner's signature.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ToSign {
    pub referral_id: String,
    pub prepared_by: String,
    pub note: String,
    pub at: NaiveDateTime,
    pub reason: String,
    pub patient_given: String,
    pub patient_family: String,
}

/// The drafts waiting for `principal_id`'s signature, oldest first (still drafts: a draft
/// sent or deleted since is not listed).
pub fn to_sign(conn: &mut DbConn, principal_id: &str) -> QueryResult<Vec<ToSign>> {
    drafts_to_sign::table
        .inner_join(referrals::table.on(referrals::id.eq(drafts_to_sign::referral_id)))
        .inner_join(patients::table.on(patients::id.eq(referrals::patient_id)))
        .inner_join(users::table.on(users::id.eq(drafts_to_sign::prepared_by)))
        .filter(drafts_to_sign::principal_id.eq(principal_id))
        .filter(referrals::status.eq(crate::domain::referral::Status::Draft))
        .order((drafts_to_sign::at.asc(), drafts_to_sign::referral_id.asc()))
        .select((
            drafts_to_sign::referral_id,
            users::display_name,
            drafts_to_sign::note,
            drafts_to_sign::at,
            referrals::reason,
            patients::given_name,
            patients::family_name,
        ))
        .load(conn)
}

/// Who prepared a draft for signing, and their note, if it waits for one.
pub fn prepared(conn: &mut DbConn, referral_id: &str) -> QueryResult<Option<(String, String)>> {
    drafts_to_sign::table
        .inner_join(users::table.on(users::id.eq(drafts_to_sign::prepared_by)))
        .filter(drafts_to_sign::referral_id.eq(referral_id))
        .select((users::display_name, drafts_to_sign::note))
        .first(conn)
        .optional()
}

/// The assistants who work for `practitioner_id`.
pub fn assistants_of(conn: &mut DbConn, practitioner_id: &str) -> QueryResult<Vec<String>> {
    assistants::table
        .filter(assistants::practitioner_id.eq(practitioner_id))
        .select(assistants::assistant_id)
        .load(conn)
}
