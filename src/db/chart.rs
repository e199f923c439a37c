//! Chart sections: complaints, vitals, medications, allergies, visits and files.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{allergies, chart_files, complaints, medications, users, visits, vitals};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = complaints)]
pub struct ComplaintRow {
    pub id: String,
    pub patient_id: String,
    pub description: String,
    pub onset: String,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = vitals)]
pub struct VitalsRow {
    pub id: String,
    pub patient_id: String,
    pub taken_at: NaiveDateTime,
    pub systolic: Option<i64>,
    pub diastolic: Option<i64>,
    pub heart_rate: Option<i64>,
    pub temperature_dc: Option<i64>,
    pub spo2: Option<i64>,
    pub weight_dag: Option<i64>,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = medications)]
pub struct MedicationRow {
    pub id: String,
    pub patient_id: String,
    pub name: String,
    pub dose: String,
    pub frequency: String,
    pub status: String,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = allergies)]
pub struct AllergyRow {
    pub id: String,
    pub patient_id: String,
    pub substance: String,
    pub reaction: String,
    pub severity: String,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = visits)]
pub struct VisitRow {
    pub id: String,
    pub patient_id: String,
    pub practitioner_id: String,
    pub visited_on: String,
    pub reason: String,
    pub notes: String,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = chart_files)]
pub struct FileRow {
    pub id: String,
    pub patient_id: String,
    pub kind: String,
    pub title: String,
    pub original_name: String,
    pub stored_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: NaiveDateTime,
}

pub fn insert_complaint(conn: &mut DbConn, r: &ComplaintRow) -> QueryResult<usize> {
    diesel::insert_into(complaints::table)
        .values(r)
        .execute(conn)
}
pub fn insert_vitals(conn: &mut DbConn, r: &VitalsRow) -> QueryResult<usize> {
    diesel::insert_into(vitals::table).values(r).execute(conn)
}
pub fn insert_medication(conn: &mut DbConn, r: &MedicationRow) -> QueryResult<usize> {
    diesel::insert_into(medications::table)
        .values(r)
        .execute(conn)
}
pub fn insert_allergy(conn: &mut DbConn, r: &AllergyRow) -> QueryResult<usize> {
    diesel::insert_into(allergies::table)
        .values(r)
        .execute(conn)
}
pub fn insert_visit(conn: &mut DbConn, r: &VisitRow) -> QueryResult<usize> {
    diesel::insert_into(visits::table).values(r).execute(conn)
}
pub fn insert_file(conn: &mut DbConn, r: &FileRow) -> QueryResult<usize> {
    diesel::insert_into(chart_files::table)
        .values(r)
        .execute(conn)
}

/// Everything on a chart, newest first within each section (vitals oldest first, for the
/// trend). Visits carry the practitioner's name.
pub struct ChartRows {
    pub complaints: Vec<ComplaintRow>,
    pub vitals: Vec<VitalsRow>,
    pub medications: Vec<MedicationRow>,
    pub allergies: Vec<AllergyRow>,
    pub visits: Vec<(VisitRow, String)>,
    pub files: Vec<FileRow>,
}

pub fn load_chart(conn: &mut DbConn, patient_id: &str) -> QueryResult<ChartRows> {
    Ok(ChartRows {
        complaints: complaints::table
            .filter(complaints::patient_id.eq(patient_id))
            .order((complaints::recorded_at.desc(), complaints::id.desc()))
            .select(ComplaintRow::as_select())
            .load(conn)?,
        vitals: vitals::table
            .filter(vitals::patient_id.eq(patient_id))
            .order((vitals::taken_at.asc(), vitals::id.asc()))
            .select(VitalsRow::as_select())
            .load(conn)?,
        medications: medications::table
            .filter(medications::patient_id.eq(patient_id))
            .order((medications::recorded_at.desc(), medications::id.desc()))
            .select(MedicationRow::as_select())
            .load(conn)?,
        allergies: allergies::table
            .filter(allergies::patient_id.eq(patient_id))
            .order((allergies::recorded_at.desc(), allergies::id.desc()))
            .select(AllergyRow::as_select())
            .load(conn)?,
        visits: visits::table
            .inner_join(users::table.on(users::id.eq(visits::practitioner_id)))
            .filter(visits::patient_id.eq(patient_id))
            .order((visits::visited_on.desc(), visits::id.desc()))
            .select((VisitRow::as_select(), users::display_name))
            .load(conn)?,
        files: chart_files::table
            .filter(chart_files::patient_id.eq(patient_id))
            .order((chart_files::uploaded_at.desc(), chart_files::id.desc()))
            .select(FileRow::as_select())
            .load(conn)?,
    })
}

pub fn get_file(conn: &mut DbConn, patient_id: &str, file_id: &str) -> QueryResult<FileRow> {
    chart_files::table
        .filter(chart_files::patient_id.eq(patient_id))
        .filter(chart_files::id.eq(file_id))
        .select(FileRow::as_select())
        .first(conn)
}
