//! Practices' hours and days off, and appointments.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::practices::Practice;
use super::schema::{appointments, patients, practice_days_off, practice_hours, practices, users};
use crate::domain::cursor::After;
use crate::domain::referral::offers::Visit;
use crate::domain::schedule::{Hours, VisitStatus};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = appointments)]
pub struct Appointment {
    pub id: String,
    pub practitioner_id: String,
    pub patient_id: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub status: VisitStatus,
    pub referral_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub cancelled_at: Option<NaiveDateTime>,
    /// The calendar entry's UID, inherited when the visit is moved (`None`: the id).
    pub calendar_uid: Option<String>,
    /// The calendar entry's SEQUENCE.
    pub calendar_seq: i64,
}

impl Appointment {
    /// The UID of the visit's calendar entry.
    pub fn uid(&self) -> String {
        self.calendar_uid.clone().unwrap_or_else(|| self.id.clone())
    }

    /// The visit as the domain's offers read it.
    pub fn visit(&self) -> Visit {
        Visit {
            id: self.id.clone(),
            status: self.status,
            starts_at: self.starts_at,
        }
    }
}

pub fn hours(conn: &mut DbConn, practitioner_id: &str) -> QueryResult<Vec<Hours>> {
    let rows: Vec<(i64, i64, i64)> = practice_hours::table
        .filter(practice_hours::practitioner_id.eq(practitioner_id))
        .order((
            practice_hours::weekday.asc(),
            practice_hours::start_minute.asc(),
        ))
        .select((
            practice_hours::weekday,
            practice_hours::start_minute,
            practice_hours::end_minute,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(w, a, b)| Hours {
            weekday: w as u32,
            start_minute: a,
            end_minute: b,
        })
        .collect())
}

pub fn days_off(conn: &mut DbConn, practitioner_id: &str) -> QueryResult<Vec<NaiveDate>> {
    let days: Vec<String> = practice_days_off::table
        .filter(practice_days_off::practitioner_id.eq(practitioner_id))
        .order(practice_days_off::day.asc())
        .select(practice_days_off::day)
        .load(conn)?;
    Ok(days
        .iter()
        .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .collect())
}

/// Replaces a practice with its hours and days off.
pub fn save_practice(
    conn: &mut DbConn,
    p: &Practice,
    hours: &[Hours],
    days_off: &[NaiveDate],
) -> QueryResult<()> {
    let id = p.practitioner_id.as_str();
    diesel::delete(practice_hours::table.filter(practice_hours::practitioner_id.eq(id)))
        .execute(conn)?;
    diesel::delete(practice_days_off::table.filter(practice_days_off::practitioner_id.eq(id)))
        .execute(conn)?;
    let updated = diesel::update(practices::table.find(id))
        .set((
            practices::location.eq(&p.location),
            practices::visit_minutes.eq(p.visit_minutes),
        ))
        .execute(conn)?;
    if updated == 0 {
        super::practices::insert(conn, p)?;
    }
    for h in hours {
        diesel::insert_into(practice_hours::table)
            .values((
                practice_hours::id.eq(super::new_id()),
                practice_hours::practitioner_id.eq(id),
                practice_hours::weekday.eq(h.weekday as i64),
                practice_hours::start_minute.eq(h.start_minute),
                practice_hours::end_minute.eq(h.end_minute),
            ))
            .execute(conn)?;
    }
    for d in days_off {
        diesel::insert_into(practice_days_off::table)
            .values((
                practice_days_off::practitioner_id.eq(id),
                practice_days_off::day.eq(d.format("%Y-%m-%d").to_string()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Start times already taken between two instants.
pub fn taken(
    conn: &mut DbConn,
    practitioner_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<NaiveDateTime>> {
    appointments::table
        .filter(appointments::practitioner_id.eq(practitioner_id))
        .filter(appointments::status.ne(VisitStatus::Cancelled))
        .filter(appointments::starts_at.ge(from))
        .filter(appointments::starts_at.lt(to))
        .select(appointments::starts_at)
        .load(conn)
}

pub fn insert(conn: &mut DbConn, a: &Appointment) -> QueryResult<usize> {
    diesel::insert_into(appointments::table)
        .values(a)
        .execute(conn)
}

pub fn get(conn: &mut DbConn, id: &str) -> QueryResult<Appointment> {
    appointments::table
        .find(id)
        .select(Appointment::as_select())
        .first(conn)
}

/// Cancels a booked appointment (compare-and-set on its status); rows changed.
pub fn cancel(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        appointments::table
            .filter(appointments::id.eq(id))
            .filter(appointments::status.eq(VisitStatus::Booked)),
    )
    .set((
        appointments::status.eq(VisitStatus::Cancelled),
        appointments::cancelled_at.eq(at),
    ))
    .execute(conn)
}

/// Marks a booked appointment attended or no-show (compare-and-set); rows changed.
pub fn mark(conn: &mut DbConn, id: &str, status: VisitStatus) -> QueryResult<usize> {
    diesel::update(
        appointments::table
            .filter(appointments::id.eq(id))
            .filter(appointments::status.eq(VisitStatus::Booked)),
    )
    .set(appointments::status.eq(status))
    .execute(conn)
}

/// The appointments booked for a referral, soonest first.
pub fn for_referral(conn: &mut DbConn, referral_id: &str) -> QueryResult<Vec<Appointment>> {
    appointments::table
        .filter(appointments::referral_id.eq(referral_id))
        .order(appointments::starts_at.asc())
        .select(Appointment::as_select())
        .load(conn)
}

/// An appointment with the practitioner's name and their practice's time zone.
pub type PatientVisit = (Appointment, String, Option<String>);

/// A patient's appointments with the practitioner's name, soonest first.
pub fn for_patient(conn: &mut DbConn, patient_id: &str) -> QueryResult<Vec<PatientVisit>> {
    for_patient_page(conn, patient_id, None, i64::MAX)
}

/// One page of a patient's appointments, soonest first: at most `limit` after `after`, one
/// range of the (patient_id, starts_at, id) index.
pub fn for_patient_page(
    conn: &mut DbConn,
    patient_id: &str,
    after: Option<&After>,
    limit: i64,
) -> QueryResult<Vec<PatientVisit>> {
    let mut q = appointments::table
        .inner_join(users::table.on(users::id.eq(appointments::practitioner_id)))
        .left_join(
            practices::table.on(practices::practitioner_id.eq(appointments::practitioner_id)),
        )
        .filter(appointments::patient_id.eq(patient_id))
        .into_boxed();
    if let Some(c) = after {
        // `>=` bounds the index range; the rest only sorts out the ties.
        q = q.filter(appointments::starts_at.ge(c.at)).filter(
            appointments::starts_at
                .gt(c.at)
                .or(appointments::id.gt(c.id.clone())),
        );
    }
    q.order((appointments::starts_at.asc(), appointments::id.asc()))
        .limit(limit)
        .select((
            Appointment::as_select(),
            users::display_name,
            practices::time_zone.nullable(),
        ))
        .load(conn)
}

/// A practitioner's live appointments in a period, with the patient's name.
pub fn for_practitioner(
    conn: &mut DbConn,
    practitioner_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(Appointment, String, String)>> {
    appointments::table
        .inner_join(patients::table.on(patients::id.eq(appointments::patient_id)))
        .filter(appointments::practitioner_id.eq(practitioner_id))
        .filter(appointments::status.ne(VisitStatus::Cancelled))
        .filter(appointments::starts_at.ge(from))
        .filter(appointments::starts_at.lt(to))
        .order((appointments::starts_at.asc(), appointments::id.asc()))
        .select((
            Appointment::as_select(),
            patients::given_name,
            patients::family_name,
        ))
        .load(conn)
}
