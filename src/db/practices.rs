use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::practices;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = practices)]
pub struct Practice {
    pub practitioner_id: String,
    pub location: String,
    pub visit_minutes: i64,
    pub created_at: NaiveDateTime,
    /// The IANA zone its opening hours are in.
    pub time_zone: String,
}

pub fn insert(conn: &mut DbConn, p: &Practice) -> QueryResult<usize> {
    diesel::insert_into(practices::table)
        .values(p)
        .execute(conn)
}

pub fn get(conn: &mut DbConn, practitioner_id: &str) -> QueryResult<Option<Practice>> {
    practices::table
        .find(practitioner_id)
        .select(Practice::as_select())
        .first(conn)
        .optional()
}

/// Whether a patient books a visit with `receiver_id` in the app: they run a practice in the
/// scheduling portal and their clinic shows booking prompts (the same rule as the "Book a
/// visit" button).
pub fn patient_books_with(conn: &mut DbConn, receiver_id: &str) -> QueryResult<bool> {
    use super::schema::{clinics, users};
    let prompts: Option<bool> = users::table
        .inner_join(clinics::table.on(clinics::id.eq(users::clinic_id)))
        .filter(users::id.eq(receiver_id))
        .select(clinics::show_booking_prompts)
        .first(conn)
        .optional()?;
    Ok(prompts == Some(true) && get(conn, receiver_id)?.is_some())
}
