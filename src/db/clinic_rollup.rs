//! The rollups (issue 18): `clinic_stats`, the weekly counters summed per clinic and side,
//! `practitioner_stats`, the same per practitioner and side (whoever was at the other end),
//! and `clinic_receiver_stats`, per (sender's clinic, receiver) for the metrics the "top"
//! tables rank. Written only by [`super::analytics_writes::add`], right after the pair
//! counters they sum and in the same transaction; read through
//! [`super::analytics::Scope`]'s sources by the analytics pages.

use diesel::prelude::*;

use super::DbConn;
use super::multi_row::{ROWS_PER_STATEMENT, Value, upsert};
use super::schema::{clinic_receiver_stats, clinic_stats, practitioner_stats};
use crate::domain::analytics::rollup::Rollup;

/// Adds the rollup's changes to its counters, creating each at 0 first if needed: the
/// clinic counters, then the practitioners', then the per-receiver ones, each in key order
/// and many to a statement, so that concurrent writers take row locks in one order. Each
/// key comes once (the rollup merged them).
pub fn add(conn: &mut DbConn, rollup: &Rollup) -> QueryResult<()> {
    let clinics = rollup.clinic_changes().map(|(k, n)| {
        vec![
            Value::Text(&k.clinic_id),
            Value::Text(k.side.as_str()),
            Value::Text(k.metric.as_str()),
            Value::Text(&k.week),
            Value::Text(&k.detail),
            Value::Int(k.bucket),
            Value::Int(n),
        ]
    });
    let columns = [
        "clinic_id",
        "side",
        "metric",
        "week",
        "detail",
        "bucket",
        "n",
    ];
    upsert_all(conn, "clinic_stats", &columns, clinics.collect())?;
    let people = rollup.practitioner_changes().map(|(k, n)| {
        vec![
            Value::Text(&k.user_id),
            Value::Text(k.side.as_str()),
            Value::Text(k.metric.as_str()),
            Value::Text(&k.week),
            Value::Text(&k.detail),
            Value::Int(k.bucket),
            Value::Int(n),
        ]
    });
    let columns = ["user_id", "side", "metric", "week", "detail", "bucket", "n"];
    upsert_all(conn, "practitioner_stats", &columns, people.collect())?;
    let receivers = rollup.receiver_changes().map(|(k, n)| {
        vec![
            Value::Text(&k.sender_clinic_id),
            Value::Text(k.metric.as_str()),
            Value::Text(&k.week),
            Value::Text(&k.receiver_id),
            Value::Text(&k.receiver_clinic_id),
            Value::Text(&k.detail),
            Value::Int(k.bucket),
            Value::Int(n),
        ]
    });
    let columns = [
        "sender_clinic_id",
        "metric",
        "week",
        "receiver_id",
        "receiver_clinic_id",
        "detail",
        "bucket",
        "n",
    ];
    upsert_all(conn, "clinic_receiver_stats", &columns, receivers.collect())
}

/// Adds `rows` (key columns, then `n`) to `table`'s counters, many to a statement.
fn upsert_all(
    conn: &mut DbConn,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value<'_>>>,
) -> QueryResult<()> {
    let key = &columns[..columns.len() - 1];
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        upsert(conn, table, columns, key, chunk, "").execute(conn)?;
    }
    Ok(())
}

/// Removes every rollup counter: before the pair counters are rebuilt, whose writes then
/// fill the rollup again.
pub fn clear(conn: &mut DbConn) -> QueryResult<()> {
    diesel::delete(clinic_receiver_stats::table).execute(conn)?;
    diesel::delete(practitioner_stats::table).execute(conn)?;
    diesel::delete(clinic_stats::table).execute(conn)?;
    Ok(())
}
