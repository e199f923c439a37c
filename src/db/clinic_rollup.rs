//! The clinic rollup (issue 18): `clinic_stats`, the weekly counters summed per clinic and
//! side, and `clinic_receiver_stats`, per (sender's clinic, receiver) for the metrics the
//! "top" tables rank. Written only by [`super::analytics::add`], right after the pair
//! counters it sums and in the same transaction; read through
//! [`super::analytics::Scope`]'s sources by the clinic's analytics page.

use diesel::prelude::*;

use super::DbConn;
use super::schema::{clinic_receiver_stats, clinic_stats};
use crate::domain::analytics::rollup::Rollup;

/// Upserts every changed rollup counter in key order (the clinic counters, then the
/// per-receiver ones), so that concurrent writers take row locks in one order.
macro_rules! add_rollup {
    ($c:expr, $rollup:expr) => {{
        use diesel::upsert::excluded;
        {
            use clinic_stats::dsl as s;
            for (k, n) in $rollup.clinic_changes() {
                diesel::insert_into(clinic_stats::table)
                    .values((
                        s::clinic_id.eq(&k.clinic_id),
                        s::side.eq(k.side.as_str()),
                        s::metric.eq(k.metric.as_str()),
                        s::week.eq(&k.week),
                        s::detail.eq(&k.detail),
                        s::bucket.eq(k.bucket),
                        s::n.eq(n),
                    ))
                    .on_conflict((
                        s::clinic_id,
                        s::side,
                        s::metric,
                        s::week,
                        s::detail,
                        s::bucket,
                    ))
                    .do_update()
                    .set(s::n.eq(s::n + excluded(s::n)))
                    .execute($c)?;
            }
        }
        {
            use clinic_receiver_stats::dsl as s;
            for (k, n) in $rollup.receiver_changes() {
                diesel::insert_into(clinic_receiver_stats::table)
                    .values((
                        s::sender_clinic_id.eq(&k.sender_clinic_id),
                        s::metric.eq(k.metric.as_str()),
                        s::week.eq(&k.week),
                        s::receiver_id.eq(&k.receiver_id),
                        s::receiver_clinic_id.eq(&k.receiver_clinic_id),
                        s::detail.eq(&k.detail),
                        s::bucket.eq(k.bucket),
                        s::n.eq(n),
                    ))
                    .on_conflict((
                        s::sender_clinic_id,
                        s::metric,
                        s::week,
                        s::receiver_id,
                        s::receiver_clinic_id,
                        s::detail,
                        s::bucket,
                    ))
                    .do_update()
                    .set(s::n.eq(s::n + excluded(s::n)))
                    .execute($c)?;
            }
        }
    }};
}

/// Adds the rollup's changes to its counters, creating each at 0 first if needed.
pub fn add(conn: &mut DbConn, rollup: &Rollup) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => add_rollup!(c, rollup),
        DbConn::Pg(c) => add_rollup!(c, rollup),
    }
    Ok(())
}

/// Removes every rollup counter: before the pair counters are rebuilt, whose writes then
/// fill the rollup again.
pub fn clear(conn: &mut DbConn) -> QueryResult<()> {
    diesel::delete(clinic_receiver_stats::table).execute(conn)?;
    diesel::delete(clinic_stats::table).execute(conn)?;
    Ok(())
}
