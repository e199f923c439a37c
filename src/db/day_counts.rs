//! Counters per day (issue 18), kept by triggers on `referrals`: `open_loop_days` counts a
//! sender's and a clinic's open loops per submission day (UTC, migration `open_loop_days`),
//! `due_days` a receiver's and a sender's referrals per due day and status (migration
//! `due_days`). How many were submitted (or are due) before or after an instant is the
//! counters of the whole days on that side of it plus the referrals of its own day from an
//! index: rows bounded by days and one day's referrals, not by a month or a backlog of them.

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

/// How many of `user_id`'s referrals as receiver (only the statuses that reached them) or
/// as sender are due before `now`, and how many more before `end_of_today` (after `now`):
/// the due counters of the days before today (UTC), then one walk of the (party, due time)
/// index from today's start to `end_of_today`, counted both ways.
pub fn due_counts(
    conn: &mut DbConn,
    as_receiver: bool,
    user_id: &str,
    now: NaiveDateTime,
    end_of_today: NaiveDateTime,
) -> QueryResult<(i64, i64)> {
    use super::schema::{due_days as d, referral_moves as m};
    use crate::domain::referral::received_statuses;
    use diesel::dsl::{case_when, count};
    use diesel::sql_types::Integer;
    let today = now.date().and_time(chrono::NaiveTime::MIN);
    let mut days = d::table
        .filter(d::user_id.eq(user_id))
        .filter(d::day.lt(day_key(now)))
        .into_boxed();
    let mut q = m::table
        .filter(m::due_at.ge(today))
        .filter(m::due_at.lt(end_of_today))
        .into_boxed();
    if as_receiver {
        let reached: Vec<&str> = received_statuses().iter().map(|s| s.as_str()).collect();
        days = days
            .filter(d::side.eq("receiver"))
            .filter(d::status.eq_any(reached));
        q = q
            .filter(m::receiver_id.eq(user_id))
            .filter(m::status.eq_any(received_statuses()));
    } else {
        days = days.filter(d::side.eq("sender"));
        q = q.filter(m::sender_id.eq(user_id));
    }
    // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back, as the other counters' sums do.
    let total = diesel::dsl::sql::<diesel::sql_types::Nullable<BigInt>>("CAST(SUM(n) AS BIGINT)");
    let before_today: Option<i64> = days.select(total).first(conn)?;
    let (overdue_today, due_today): (i64, i64) = q
        .select((
            count(case_when(m::due_at.lt(now), 1.into_sql::<Integer>())),
            count(case_when(m::due_at.ge(now), 1.into_sql::<Integer>())),
        ))
        .get_result(conn)?;
    Ok((before_today.unwrap_or(0) + overdue_today, due_today))
}

/// One day counter: (side, owner or user, day, kind or status, n).
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

/// A timestamp's UTC day as the counters key it, in SQL, per backend.
fn day_sql(conn: &DbConn, column: &str) -> String {
    match conn {
        DbConn::Sqlite(_) => format!("date({column})"),
        DbConn::Pg(_) => format!("to_char({column}, 'YYYY-MM-DD')"),
    }
}

/// `open_loop_days` as a count of the referrals would have it.
fn recount_open(conn: &DbConn) -> String {
    let day = day_sql(conn, "open_since");
    format!(
        "SELECT 'clinic' AS side, sender_clinic_id AS owner_id, {day} AS day, kind, \
         COUNT(*) AS n FROM referrals WHERE open_since IS NOT NULL \
         GROUP BY sender_clinic_id, {day}, kind \
         UNION ALL SELECT 'sender', sender_id, {day}, kind, COUNT(*) \
         FROM referrals WHERE open_since IS NOT NULL GROUP BY sender_id, {day}, kind"
    )
}

/// `due_days` as a count of the referrals would have it.
fn recount_due(conn: &DbConn) -> String {
    let day = day_sql(conn, "due_at");
    format!(
        "SELECT 'receiver' AS side, receiver_id AS owner_id, {day} AS day, status AS kind, \
         COUNT(*) AS n FROM referrals WHERE due_at IS NOT NULL \
         GROUP BY receiver_id, {day}, status \
         UNION ALL SELECT 'sender', sender_id, {day}, status, COUNT(*) \
         FROM referrals WHERE due_at IS NOT NULL GROUP BY sender_id, {day}, status"
    )
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

/// Both tables' counters as stored (without zeros) and as recounted from the referrals,
/// sorted: (open loops stored, recounted), (due stored, recounted). Equal when the
/// triggers kept step (tests).
pub type DayComparison = ((Vec<DayRow>, Vec<DayRow>), (Vec<DayRow>, Vec<DayRow>));

/// Reads both tables' counters and recounts them (tests).
pub fn compare(conn: &mut DbConn) -> QueryResult<DayComparison> {
    let open = load(
        conn,
        "SELECT side, owner_id, day, kind, n FROM open_loop_days WHERE n <> 0",
    )?;
    let sql = recount_open(conn);
    let open_recounted = load(conn, &sql)?;
    let due = load(
        conn,
        "SELECT side, user_id AS owner_id, day, status AS kind, n FROM due_days WHERE n <> 0",
    )?;
    let sql = recount_due(conn);
    Ok(((open, open_recounted), (due, load(conn, &sql)?)))
}

/// Counts both tables again from the referrals (after a bulk load without triggers).
pub fn rebuild(conn: &mut DbConn) -> QueryResult<()> {
    let sql = format!(
        "DELETE FROM open_loop_days; \
         INSERT INTO open_loop_days (side, owner_id, day, kind, n) {}; \
         DELETE FROM due_days; \
         INSERT INTO due_days (side, user_id, day, status, n) {};",
        recount_open(conn),
        recount_due(conn)
    );
    conn.batch_execute(&sql)
}
