//! Writing the weekly analytics counters (`referral_stats`, one row per week, sender,
//! receiver, metric, detail and bucket) and, right after them, the clinic rollup that sums
//! them ([`super::clinic_rollup`]), each table's changes in multi-row upserts
//! ([`super::multi_row`]).

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::DbConn;
use super::multi_row::{ROWS_PER_STATEMENT, Value, upsert};
use super::schema::referral_stats;
use crate::domain::analytics::Metric;
use crate::domain::analytics::rollup::{PairChange, Rollup};

/// One counter row.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = referral_stats)]
pub struct StatRow {
    pub week: String,
    pub sender_id: String,
    pub receiver_id: String,
    pub sender_clinic_id: String,
    pub receiver_clinic_id: String,
    pub metric: String,
    pub detail: String,
    pub bucket: i64,
    /// The change to add (may be negative).
    pub n: i64,
}

/// A counter's key as the upsert returns it, with the clinics its row carries (the ones
/// it was created with, which the rollup follows).
#[derive(QueryableByName)]
struct Kept {
    #[diesel(sql_type = Text)]
    week: String,
    #[diesel(sql_type = Text)]
    sender_id: String,
    #[diesel(sql_type = Text)]
    receiver_id: String,
    #[diesel(sql_type = Text)]
    metric: String,
    #[diesel(sql_type = Text)]
    detail: String,
    #[diesel(sql_type = BigInt)]
    bucket: i64,
    #[diesel(sql_type = Text)]
    sender_clinic_id: String,
    #[diesel(sql_type = Text)]
    receiver_clinic_id: String,
}

type Key = (String, String, String, String, String, i64);

fn key_of(r: &StatRow) -> Key {
    (
        r.week.clone(),
        r.sender_id.clone(),
        r.receiver_id.clone(),
        r.metric.clone(),
        r.detail.clone(),
        r.bucket,
    )
}

fn problem(what: String) -> diesel::result::Error {
    diesel::result::Error::QueryBuilderError(what.into())
}

/// Adds each row's `n` to its counter, creating the counter at 0 first if needed, and
/// then the same changes to the clinic rollup, all on `conn` (in the caller's
/// transaction). Rows of one counter are merged first and written in key order, many to
/// a statement, the pair counters first and the rollup right after them: concurrent
/// writers then take their row locks in one order (PostgreSQL), and the audit rows a
/// transition writes come after all of them.
pub fn add(conn: &mut DbConn, rows: &[StatRow]) -> QueryResult<()> {
    let mut merged: BTreeMap<Key, StatRow> = BTreeMap::new();
    for r in rows {
        merged
            .entry(key_of(r))
            .and_modify(|m| m.n += r.n)
            .or_insert_with(|| r.clone());
    }
    let rows: Vec<StatRow> = merged.into_values().filter(|r| r.n != 0).collect();
    let mut rollup = Rollup::default();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let values: Vec<Vec<Value<'_>>> = chunk
            .iter()
            .map(|r| {
                vec![
                    Value::Text(&r.week),
                    Value::Text(&r.sender_id),
                    Value::Text(&r.receiver_id),
                    Value::Text(&r.sender_clinic_id),
                    Value::Text(&r.receiver_clinic_id),
                    Value::Text(&r.metric),
                    Value::Text(&r.detail),
                    Value::Int(r.bucket),
                    Value::Int(r.n),
                ]
            })
            .collect();
        let kept: Vec<Kept> = upsert(
            conn,
            "referral_stats",
            &[
                "week",
                "sender_id",
                "receiver_id",
                "sender_clinic_id",
                "receiver_clinic_id",
                "metric",
                "detail",
                "bucket",
                "n",
            ],
            &[
                "week",
                "sender_id",
                "receiver_id",
                "metric",
                "detail",
                "bucket",
            ],
            &values,
            "RETURNING week, sender_id, receiver_id, metric, detail, bucket, \
             sender_clinic_id, receiver_clinic_id",
        )
        .load(conn)?;
        let change: HashMap<Key, i64> = chunk.iter().map(|r| (key_of(r), r.n)).collect();
        for k in kept {
            let key = (
                k.week,
                k.sender_id,
                k.receiver_id,
                k.metric,
                k.detail,
                k.bucket,
            );
            let n = change
                .get(&key)
                .copied()
                .ok_or_else(|| problem(format!("a counter came back unwritten: {key:?}")))?;
            let (week, sender, receiver, name, detail, bucket) = key;
            let metric = Metric::parse(&name)
                .ok_or_else(|| problem(format!("unknown analytics metric {name:?}")))?;
            rollup.add(&PairChange {
                week: &week,
                sender_id: &sender,
                sender_clinic_id: &k.sender_clinic_id,
                receiver_id: &receiver,
                receiver_clinic_id: &k.receiver_clinic_id,
                metric,
                detail: &detail,
                bucket,
                n,
            });
        }
    }
    super::clinic_rollup::add(conn, &rollup)
}
