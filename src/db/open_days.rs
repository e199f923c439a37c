//! Open loops by age (issue 18): `open_loop_days` counts a sender's and a clinic's open
//! loops per submission day (UTC), kept by triggers on `referrals` (migration
//! `open_loop_days`). How many were submitted at or after an instant is the counters of the
//! whole days after it plus the open loops of its own day from the index: rows bounded by
//! the days asked about and one day's submissions, not by a month of them.

use chrono::{Duration, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::DbConn;
use super::multi_row::ph;
use crate::domain::referral::{Kind, OPEN_LOOP};

/// Whose open loops.
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    /// The referrals a practitioner sent.
    Sender(&'a str),
    /// The referrals a clinic's practitioners sent.
    Clinic(&'a str),
}

impl Owner<'_> {
    fn side(&self) -> &'static str {
        match self {
            Owner::Sender(_) => "sender",
            Owner::Clinic(_) => "clinic",
        }
    }

    fn id(&self) -> &str {
        match self {
            Owner::Sender(id) | Owner::Clinic(id) => id,
        }
    }

    /// The `referrals` column, with an index on (it, status, submitted_at).
    fn column(&self) -> &'static str {
        match self {
            Owner::Sender(_) => "sender_id",
            Owner::Clinic(_) => "sender_clinic_id",
        }
    }
}

#[derive(QueryableByName)]
struct Three {
    #[diesel(sql_type = BigInt)]
    a: i64,
    #[diesel(sql_type = BigInt)]
    b: i64,
    #[diesel(sql_type = BigInt)]
    c: i64,
}

fn day_key(at: NaiveDateTime) -> String {
    at.date().format("%Y-%m-%d").to_string()
}

fn next_midnight(at: NaiveDateTime) -> NaiveDateTime {
    at.date().and_time(chrono::NaiveTime::MIN) + Duration::days(1)
}

/// How many open loops of `owner` were submitted at or after each of `at`, in two
/// statements: the day counters after each instant's day, and each instant's own day up
/// to midnight from the index. `referrals_only` leaves advice questions out (analytics
/// counts referrals; the sent list counts whatever waits on someone).
pub fn open_since_each(
    conn: &mut DbConn,
    owner: Owner<'_>,
    referrals_only: bool,
    at: [NaiveDateTime; 3],
) -> QueryResult<[i64; 3]> {
    let advice = Kind::Advice.as_str();
    let kind = if referrals_only {
        format!(" AND kind <> '{advice}'")
    } else {
        String::new()
    };
    let days = at.map(day_key);
    let sum = |i: usize| {
        format!(
            "CAST(COALESCE(SUM(CASE WHEN day > {} THEN n END), 0) AS BIGINT)",
            ph(conn, i)
        )
    };
    let sql = format!(
        "SELECT {} AS a, {} AS b, {} AS c FROM open_loop_days \
         WHERE side = {} AND owner_id = {} AND day > {}{kind}",
        sum(1),
        sum(2),
        sum(3),
        ph(conn, 4),
        ph(conn, 5),
        ph(conn, 6),
    );
    let first = days.iter().min().cloned().unwrap_or_default();
    let whole: Three = diesel::sql_query(sql)
        .bind::<Text, _>(&days[0])
        .bind::<Text, _>(&days[1])
        .bind::<Text, _>(&days[2])
        .bind::<Text, _>(owner.side())
        .bind::<Text, _>(owner.id())
        .bind::<Text, _>(first)
        .get_result(conn)?;
    // The same definition as the generated `open_since` and the counters' triggers.
    let open = OPEN_LOOP
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let part = |i: usize| {
        format!(
            "(SELECT COUNT(*) FROM referrals WHERE {col} = {} AND status IN ({open}) \
             AND redirected_to IS NULL AND submitted_at >= {} AND submitted_at < {}{kind})",
            ph(conn, 3 * i + 1),
            ph(conn, 3 * i + 2),
            ph(conn, 3 * i + 3),
            col = owner.column(),
        )
    };
    let sql = format!(
        "SELECT CAST({} AS BIGINT) AS a, CAST({} AS BIGINT) AS b, CAST({} AS BIGINT) AS c",
        part(0),
        part(1),
        part(2)
    );
    let mut q = diesel::sql_query(sql).into_boxed();
    for t in at {
        q = q
            .bind::<Text, _>(owner.id().to_string())
            .bind::<Timestamp, _>(t)
            .bind::<Timestamp, _>(next_midnight(t));
    }
    let partial: Three = q.get_result(conn)?;
    Ok([
        whole.a + partial.a,
        whole.b + partial.b,
        whole.c + partial.c,
    ])
}

/// One day counter: (side, owner, day, kind, n).
pub type DayRow = (String, String, String, String, i64);

#[derive(QueryableByName)]
struct Day {
    #[diesel(sql_type = Text)]
    side: String,
    #[diesel(sql_type = Text)]
    owner_id: String,
    #[diesel(sql_type = Text)]
    day: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The counters as a count of the referrals would have them (in SQL, per backend).
fn recount(conn: &DbConn) -> &'static str {
    match conn {
        DbConn::Sqlite(_) => {
            "SELECT 'clinic' AS side, sender_clinic_id AS owner_id, date(open_since) AS day, \
             kind, COUNT(*) AS n FROM referrals WHERE open_since IS NOT NULL \
             GROUP BY sender_clinic_id, date(open_since), kind \
             UNION ALL SELECT 'sender', sender_id, date(open_since), kind, COUNT(*) \
             FROM referrals WHERE open_since IS NOT NULL \
             GROUP BY sender_id, date(open_since), kind"
        }
        DbConn::Pg(_) => {
            "SELECT 'clinic' AS side, sender_clinic_id AS owner_id, \
             to_char(open_since, 'YYYY-MM-DD') AS day, kind, COUNT(*) AS n FROM referrals \
             WHERE open_since IS NOT NULL \
             GROUP BY sender_clinic_id, to_char(open_since, 'YYYY-MM-DD'), kind \
             UNION ALL SELECT 'sender', sender_id, to_char(open_since, 'YYYY-MM-DD'), kind, \
             COUNT(*) FROM referrals WHERE open_since IS NOT NULL \
             GROUP BY sender_id, to_char(open_since, 'YYYY-MM-DD'), kind"
        }
    }
}

fn load(conn: &mut DbConn, sql: &str) -> QueryResult<Vec<DayRow>> {
    let mut rows: Vec<DayRow> = diesel::sql_query(sql)
        .load::<Day>(conn)?
        .into_iter()
        .map(|d| (d.side, d.owner_id, d.day, d.kind, d.n))
        .collect();
    rows.sort();
    Ok(rows)
}

/// The day counters as stored (without zeros) and as recounted from the referrals, both
/// sorted: equal when the triggers kept step (tests).
pub fn compare(conn: &mut DbConn) -> QueryResult<(Vec<DayRow>, Vec<DayRow>)> {
    let stored = load(
        conn,
        "SELECT side, owner_id, day, kind, n FROM open_loop_days WHERE n <> 0",
    )?;
    let sql = recount(conn);
    Ok((stored, load(conn, sql)?))
}

/// Counts the day counters again from the referrals (after a bulk load without triggers).
pub fn rebuild(conn: &mut DbConn) -> QueryResult<()> {
    let sql = format!(
        "DELETE FROM open_loop_days; \
         INSERT INTO open_loop_days (side, owner_id, day, kind, n) {};",
        recount(conn)
    );
    conn.batch_execute(&sql)
}
