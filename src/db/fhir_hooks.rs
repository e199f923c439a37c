//! Subscriptions of API clients and their deliveries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{api_clients, fhir_deliveries, fhir_subscriptions};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = fhir_subscriptions)]
pub struct Subscription {
    pub id: String,
    pub client_id: String,
    /// The practitioner the client acts for: whose referrals it hears about.
    pub user_id: String,
    /// A Task search (`Task?status=requested`).
    pub criteria: String,
    pub endpoint: String,
    /// Extra headers for each delivery, as a JSON array of "Name: value".
    pub headers: String,
    pub with_payload: bool,
    /// active, off or error.
    pub status: String,
    pub error: Option<String>,
    pub cursor_at: NaiveDateTime,
    pub cursor_id: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = fhir_deliveries)]
pub struct Delivery {
    pub id: String,
    pub subscription_id: String,
    pub referral_id: String,
    pub version: i64,
    /// pending, sending, delivered or failed.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConn, s: &Subscription) -> QueryResult<usize> {
    diesel::insert_into(fhir_subscriptions::table)
        .values(s)
        .execute(conn)
}

/// A client's subscription.
pub fn get(conn: &mut DbConn, client_id: &str, id: &str) -> QueryResult<Option<Subscription>> {
    fhir_subscriptions::table
        .filter(fhir_subscriptions::id.eq(id))
        .filter(fhir_subscriptions::client_id.eq(client_id))
        .select(Subscription::as_select())
        .first(conn)
        .optional()
}

/// Switches a client's subscription off (compare-and-set: 0 when it was off already).
pub fn switch_off(conn: &mut DbConn, client_id: &str, id: &str) -> QueryResult<usize> {
    diesel::update(
        fhir_subscriptions::table
            .filter(fhir_subscriptions::id.eq(id))
            .filter(fhir_subscriptions::client_id.eq(client_id))
            .filter(fhir_subscriptions::status.ne("off")),
    )
    .set(fhir_subscriptions::status.eq("off"))
    .execute(conn)
}

/// Active subscriptions whose client is not revoked and whose practitioner is active.
pub fn active(conn: &mut DbConn) -> QueryResult<Vec<Subscription>> {
    use super::schema::users;
    fhir_subscriptions::table
        .inner_join(api_clients::table.on(api_clients::id.eq(fhir_subscriptions::client_id)))
        .inner_join(users::table.on(users::id.eq(fhir_subscriptions::user_id)))
        .filter(fhir_subscriptions::status.eq("active"))
        .filter(api_clients::revoked_at.is_null())
        // The practitioner it runs as is still active (its cursor waits while they are not).
        .filter(users::active.eq(true))
        .select(Subscription::as_select())
        .load(conn)
}

/// Moves a subscription's cursor forward (never back: two runs may overlap).
pub fn advance(conn: &mut DbConn, id: &str, at: NaiveDateTime, row: &str) -> QueryResult<usize> {
    diesel::update(
        fhir_subscriptions::table
            .filter(fhir_subscriptions::id.eq(id))
            .filter(
                fhir_subscriptions::cursor_at
                    .lt(at)
                    .or(fhir_subscriptions::cursor_at
                        .eq(at)
                        .and(fhir_subscriptions::cursor_id.lt(row))),
            ),
    )
    .set((
        fhir_subscriptions::cursor_at.eq(at),
        fhir_subscriptions::cursor_id.eq(row),
    ))
    .execute(conn)
}

/// Marks a subscription in error (its endpoint kept failing).
pub fn set_error(conn: &mut DbConn, id: &str, error: &str) -> QueryResult<usize> {
    diesel::update(fhir_subscriptions::table.filter(fhir_subscriptions::id.eq(id)))
        .set((
            fhir_subscriptions::status.eq("error"),
            fhir_subscriptions::error.eq(error),
        ))
        .execute(conn)
}

/// Queues a delivery; false when this version was queued for the subscription already.
pub fn enqueue(conn: &mut DbConn, d: &Delivery) -> QueryResult<bool> {
    super::insert_once(conn, |c| {
        diesel::insert_into(fhir_deliveries::table)
            .values(d)
            .execute(c)
    })
}

/// Deliveries due now, oldest first.
pub fn due(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<Delivery>> {
    fhir_deliveries::table
        .filter(fhir_deliveries::status.eq("pending"))
        .filter(fhir_deliveries::next_attempt_at.le(now))
        .order((
            fhir_deliveries::next_attempt_at.asc(),
            fhir_deliveries::id.asc(),
        ))
        .select(Delivery::as_select())
        .limit(limit)
        .load(conn)
}

/// Takes a due delivery for one attempt (compare-and-set on its attempt count: of two
/// instances, one sends it); the claim lasts until `until`.
pub fn claim(conn: &mut DbConn, d: &Delivery, until: NaiveDateTime) -> QueryResult<bool> {
    Ok(diesel::update(
        fhir_deliveries::table
            .filter(fhir_deliveries::id.eq(&d.id))
            .filter(fhir_deliveries::status.eq("pending"))
            .filter(fhir_deliveries::attempts.eq(d.attempts)),
    )
    .set((
        fhir_deliveries::attempts.eq(d.attempts + 1),
        fhir_deliveries::next_attempt_at.eq(until),
    ))
    .execute(conn)?
        == 1)
}

/// Records how an attempt went: delivered, or pending again at `retry_at`, or failed.
pub fn finish(
    conn: &mut DbConn,
    id: &str,
    outcome: Result<NaiveDateTime, (&str, Option<NaiveDateTime>)>,
) -> QueryResult<usize> {
    let q = fhir_deliveries::table.filter(fhir_deliveries::id.eq(id));
    match outcome {
        Ok(at) => diesel::update(q)
            .set((
                fhir_deliveries::status.eq("delivered"),
                fhir_deliveries::delivered_at.eq(at),
                fhir_deliveries::last_error.eq(None::<String>),
            ))
            .execute(conn),
        Err((error, Some(retry_at))) => diesel::update(q)
            .set((
                fhir_deliveries::next_attempt_at.eq(retry_at),
                fhir_deliveries::last_error.eq(error),
            ))
            .execute(conn),
        Err((error, None)) => diesel::update(q)
            .set((
                fhir_deliveries::status.eq("failed"),
                fhir_deliveries::last_error.eq(error),
            ))
            .execute(conn),
    }
}

/// The subscription a delivery belongs to.
pub fn subscription(conn: &mut DbConn, id: &str) -> QueryResult<Subscription> {
    fhir_subscriptions::table
        .find(id)
        .select(Subscription::as_select())
        .first(conn)
}

/// The deliveries of a subscription, oldest first (tests and the Subscription's status).
pub fn deliveries_of(conn: &mut DbConn, subscription_id: &str) -> QueryResult<Vec<Delivery>> {
    fhir_deliveries::table
        .filter(fhir_deliveries::subscription_id.eq(subscription_id))
        .order((fhir_deliveries::created_at.asc(), fhir_deliveries::id.asc()))
        .select(Delivery::as_select())
        .load(conn)
}
