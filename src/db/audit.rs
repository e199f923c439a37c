//! Audit rows: who did or saw what, for which patient, from where.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::audit_events;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events)]
pub struct AuditRow {
    pub id: String,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub actor_role: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub patient_id: Option<String>,
    pub ip: String,
    pub user_agent: String,
    pub detail: String,
}

pub fn insert(conn: &mut DbConn, row: &AuditRow) -> QueryResult<usize> {
    diesel::insert_into(audit_events::table)
        .values(row)
        .execute(conn)
}

pub fn for_patient(conn: &mut DbConn, patient_id: &str) -> QueryResult<Vec<AuditRow>> {
    audit_events::table
        .filter(audit_events::patient_id.eq(patient_id))
        .order((audit_events::at.desc(), audit_events::id.desc()))
        .select(AuditRow::as_select())
        .load(conn)
}

pub fn count_action(conn: &mut DbConn, action: &str, subject_id: &str) -> QueryResult<i64> {
    audit_events::table
        .filter(audit_events::action.eq(action))
        .filter(audit_events::subject_id.eq(subject_id))
        .count()
        .get_result(conn)
}
