use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::clinics;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = clinics)]
pub struct Clinic {
    pub id: String,
    pub name: String,
    pub city: String,
    pub kind: String,
    pub requires_patient_approval: bool,
    pub show_booking_prompts: bool,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, c: &Clinic) -> QueryResult<()> {
    diesel::insert_into(clinics::table)
        .values(c)
        .execute(conn)
        .map(|_| ())
}

pub fn get(conn: &mut DbConn, id: &str) -> QueryResult<Clinic> {
    clinics::table
        .find(id)
        .select(Clinic::as_select())
        .first(conn)
}

/// Whether the clinic asks its patients to approve referrals before they leave.
pub fn requires_patient_approval(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    clinics::table
        .find(id)
        .select(clinics::requires_patient_approval)
        .first(conn)
}

pub fn find_by_name(conn: &mut DbConn, name: &str) -> QueryResult<Option<Clinic>> {
    clinics::table
        .filter(clinics::name.eq(name))
        .select(Clinic::as_select())
        .first(conn)
        .optional()
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    clinics::table.count().get_result(conn)
}

pub fn update_settings(
    conn: &mut DbConn,
    id: &str,
    requires_patient_approval: bool,
    show_booking_prompts: bool,
) -> QueryResult<usize> {
    diesel::update(clinics::table.find(id))
        .set((
            clinics::requires_patient_approval.eq(requires_patient_approval),
            clinics::show_booking_prompts.eq(show_booking_prompts),
        ))
        .execute(conn)
}
