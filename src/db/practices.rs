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
