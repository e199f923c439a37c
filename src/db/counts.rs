//! The lists' counters: how many referrals each user has sent and been sent per status
//! (`referral_counts`), and from whom (`referral_pairs`). Triggers on `referrals` keep them
//! in the statement of every change (migration `list_counters`), so the inbox and the sent
//! list read a row per status instead of counting a practitioner's whole history. The bulk
//! generator switches the triggers off for its load and counts once at the end.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::DbConn;
use super::schema::{referral_counts, referral_pairs, users};
use crate::domain::referral::{Status, received_statuses};

/// Which side of a referral a count is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The referrals a user sent, in any status.
    Sent,
    /// The referrals addressed to a user that reached them (the inbox's statuses).
    Inbox,
}

impl Side {
    fn as_str(self) -> &'static str {
        match self {
            Side::Sent => "sent",
            Side::Inbox => "inbox",
        }
    }
}

/// How many of `user_id`'s referrals on `side` are in each status (statuses with none are
/// left out).
pub fn by_status(conn: &mut DbConn, user_id: &str, side: Side) -> QueryResult<Vec<(Status, i64)>> {
    let mut q = referral_counts::table
        .filter(referral_counts::user_id.eq(user_id))
        .filter(referral_counts::side.eq(side.as_str()))
        .filter(referral_counts::n.gt(0))
        .into_boxed();
    if side == Side::Inbox {
        let shown: Vec<&str> = received_statuses().iter().map(|s| s.as_str()).collect();
        q = q.filter(referral_counts::status.eq_any(shown));
    }
    let rows: Vec<(String, i64)> = q
        .select((referral_counts::status, referral_counts::n))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, n)| Status::parse(&s).map(|s| (s, n)))
        .collect())
}

/// The senders of the referrals in a receiver's inbox, (id, name) by name: a row per
/// sender and status read from the counters, never the referrals.
pub fn inbox_senders(conn: &mut DbConn, receiver_id: &str) -> QueryResult<Vec<(String, String)>> {
    let shown: Vec<&str> = received_statuses().iter().map(|s| s.as_str()).collect();
    let senders = referral_pairs::table
        .filter(referral_pairs::receiver_id.eq(receiver_id))
        .filter(referral_pairs::status.eq_any(shown))
        .filter(referral_pairs::n.gt(0))
        .select(referral_pairs::sender_id);
    users::table
        .filter(users::id.eq_any(senders))
        .order(users::display_name.asc())
        .select((users::id, users::display_name))
        .load(conn)
}

/// One counter: (user or receiver, side or sender, status, n).
pub type CountRow = (String, String, String, i64);

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = Text)]
    a: String,
    #[diesel(sql_type = Text)]
    b: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

const RECOUNT_COUNTS: &str = "SELECT sender_id AS a, 'sent' AS b, status, COUNT(*) AS n \
     FROM referrals GROUP BY sender_id, status \
     UNION ALL SELECT receiver_id, 'inbox', status, COUNT(*) FROM referrals \
     GROUP BY receiver_id, status";
const RECOUNT_PAIRS: &str = "SELECT receiver_id AS a, sender_id AS b, status, COUNT(*) AS n \
     FROM referrals GROUP BY receiver_id, sender_id, status";

fn load(conn: &mut DbConn, sql: &str) -> QueryResult<Vec<CountRow>> {
    let mut rows: Vec<CountRow> = diesel::sql_query(sql)
        .load::<Counted>(conn)?
        .into_iter()
        .map(|c| (c.a, c.b, c.status, c.n))
        .collect();
    rows.sort();
    Ok(rows)
}

/// The counters as stored and as a count of the referrals would have them, both without
/// zeros and sorted: ((counts, pairs) stored, (counts, pairs) recounted). Equal when the
/// triggers kept step.
pub type Comparison = (
    (Vec<CountRow>, Vec<CountRow>),
    (Vec<CountRow>, Vec<CountRow>),
);

/// Reads the stored counters and recounts them from the referrals (tests and `rebuild`).
pub fn compare(conn: &mut DbConn) -> QueryResult<Comparison> {
    let stored_counts = load(
        conn,
        "SELECT user_id AS a, side AS b, status, n FROM referral_counts WHERE n <> 0",
    )?;
    let stored_pairs = load(
        conn,
        "SELECT receiver_id AS a, sender_id AS b, status, n FROM referral_pairs WHERE n <> 0",
    )?;
    Ok((
        (stored_counts, stored_pairs),
        (load(conn, RECOUNT_COUNTS)?, load(conn, RECOUNT_PAIRS)?),
    ))
}

/// Counts every counter again from the referrals (after a bulk load without triggers),
/// the counters per day ([`super::day_counts`]) with them.
pub fn rebuild(conn: &mut DbConn) -> QueryResult<()> {
    conn.batch_execute(&format!(
        "DELETE FROM referral_counts; DELETE FROM referral_pairs; \
         INSERT INTO referral_counts (user_id, side, status, n) {RECOUNT_COUNTS}; \
         INSERT INTO referral_pairs (receiver_id, sender_id, status, n) {RECOUNT_PAIRS};"
    ))?;
    super::day_counts::rebuild(conn)
}

const SQLITE_TRIGGERS: [&str; 9] = [
    "referral_counts_insert",
    "referral_counts_update",
    "referral_counts_delete",
    "open_loop_days_insert",
    "open_loop_days_update",
    "open_loop_days_delete",
    "due_days_insert",
    "due_days_update",
    "due_days_delete",
];
const PG_TRIGGERS: [&str; 3] = [
    "referral_counts_change",
    "open_loop_days_change",
    "due_days_change",
];

/// Switches the counters' triggers off for a bulk load (in its transaction); returns what
/// [`triggers_on`] needs to switch them on again. Call [`rebuild`] after the load.
pub fn triggers_off(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    match conn {
        DbConn::Sqlite(c) => {
            #[derive(QueryableByName)]
            struct Def {
                #[diesel(sql_type = Text)]
                sql: String,
            }
            let mut defs = Vec::new();
            for name in SQLITE_TRIGGERS {
                let def: Vec<Def> = diesel::sql_query(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                )
                .bind::<Text, _>(name)
                .load(c)?;
                defs.extend(def.into_iter().map(|d| d.sql));
                c.batch_execute(&format!("DROP TRIGGER IF EXISTS {name}"))?;
            }
            Ok(defs)
        }
        DbConn::Pg(c) => {
            let mut on = Vec::new();
            for name in PG_TRIGGERS {
                c.batch_execute(&format!("ALTER TABLE referrals DISABLE TRIGGER {name}"))?;
                on.push(format!("ALTER TABLE referrals ENABLE TRIGGER {name}"));
            }
            Ok(on)
        }
    }
}

/// Switches on again what [`triggers_off`] switched off.
/// Refreshes PostgreSQL's planner statistics after a bulk load (SQLite keeps none here).
/// Until autovacuum gets to it, PostgreSQL plans a 10,000-referral inbox as if it held 3
/// rows, fetching and sorting every one for a page of 26 (25 ms; 0.4 ms after this).
pub fn analyze(conn: &mut DbConn) -> QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        c.batch_execute("ANALYZE")?;
    }
    Ok(())
}

pub fn triggers_on(conn: &mut DbConn, defs: &[String]) -> QueryResult<()> {
    for sql in defs {
        conn.batch_execute(sql)?;
    }
    Ok(())
}
