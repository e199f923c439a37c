//! SQL that diesel does not build over both backends: the n-th bind placeholder (`?` on
//! SQLite, `$n` on PostgreSQL) for raw queries, and the multi-row upsert that adds to
//! counters (diesel builds no multi-row upsert for SQLite).

use diesel::sql_types::{BigInt, Text};

use super::DbConn;

/// The n-th bind placeholder of this backend.
pub(super) fn ph(conn: &DbConn, n: usize) -> String {
    match conn {
        DbConn::Sqlite(_) => "?".into(),
        DbConn::Pg(_) => format!("${n}"),
    }
}

/// Rows per statement: 500 rows of at most 9 columns stay under both backends' limits on
/// bound parameters.
pub(super) const ROWS_PER_STATEMENT: usize = 500;

/// One bound value of a multi-row upsert.
pub(super) enum Value<'a> {
    Text(&'a str),
    Int(i64),
}

/// Adds `n` to every counter of `rows` (each row its `columns`' values in order, the last
/// column `n`), creating counters at 0 first, in one statement:
/// `INSERT … VALUES (…), … ON CONFLICT (key) DO UPDATE SET n = n + excluded.n`, then
/// `tail` (a RETURNING clause, or nothing). Each key must come once (PostgreSQL refuses
/// to update a row twice in one statement).
pub(super) fn upsert<'a>(
    conn: &DbConn,
    table: &str,
    columns: &[&str],
    key: &[&str],
    rows: &[Vec<Value<'a>>],
    tail: &str,
) -> diesel::query_builder::BoxedSqlQuery<'a, super::MultiBackend, diesel::query_builder::SqlQuery>
{
    let mut at = 0;
    let values = rows
        .iter()
        .map(|_| {
            let one = columns
                .iter()
                .map(|_| {
                    at += 1;
                    ph(conn, at)
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!("({one})")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT ({key}) \
         DO UPDATE SET n = {table}.n + excluded.n {tail}",
        columns = columns.join(", "),
        key = key.join(", "),
    );
    let mut q = diesel::sql_query(sql).into_boxed();
    for v in rows.iter().flatten() {
        q = match v {
            Value::Text(t) => q.bind::<Text, _>(*t),
            Value::Int(i) => q.bind::<BigInt, _>(*i),
        };
    }
    q
}
