//! The database layer: the only place SQL lives. One connection type over SQLite and
//! PostgreSQL, an r2d2 pool whose manager picks the backend by URL scheme, migrations per
//! backend, and one file per table family.

pub mod analytics;
pub mod analytics_writes;
pub mod api_clients;
pub mod asks;
pub mod assistants;
pub mod audit;
pub mod backup;
pub mod chart;
pub mod clinic_rollup;
pub mod clinics;
pub mod clock;
pub mod counts;
pub mod cover;
pub mod day_counts;
pub mod directory;
pub mod due;
pub mod fhir;
pub mod fhir_hooks;
pub mod fhir_page;
#[cfg(feature = "bench")]
pub mod fortunes;
pub mod history;
pub mod invitations;
pub mod login_attempts;
pub mod mail;
pub mod multi_row;
pub mod patient_links;
pub mod patients;
pub mod practices;
pub mod question_analytics;
pub mod questions;
pub mod referrals;
pub mod schedule;
pub mod schema;
pub mod second_factor;
pub mod services;
pub mod sessions;
pub mod threads;
pub mod throttle;
pub mod types;
pub mod users;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

pub type PooledConn = r2d2::PooledConnection<Manager>;

/// The connection pool, counting who waits for a connection (r2d2 does not say).
#[derive(Clone)]
pub struct Pool {
    inner: r2d2::Pool<Manager>,
    waiting: Arc<AtomicUsize>,
}

/// How the pool stands, for the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    pub max: u32,
    pub connections: u32,
    pub idle: u32,
    /// Callers waiting for a connection to come free.
    pub waiting: usize,
}

impl Pool {
    /// A connection: an idle one at once, or else one waited for (up to the pool's
    /// connection timeout), counted as waiting meanwhile.
    pub fn get(&self) -> Result<PooledConn, r2d2::PoolError> {
        if let Some(conn) = self.inner.try_get() {
            return Ok(conn);
        }
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let got = self.inner.get();
        self.waiting.fetch_sub(1, Ordering::Relaxed);
        got
    }

    /// The most connections the pool holds.
    pub fn max_size(&self) -> u32 {
        self.inner.max_size()
    }

    pub fn stats(&self) -> PoolStats {
        let s = self.inner.state();
        PoolStats {
            max: self.inner.max_size(),
            connections: s.connections,
            idle: s.idle_connections,
            waiting: self.waiting.load(Ordering::Relaxed),
        }
    }
}

/// A database URL whose backend is known. Anything that is not `sqlite://` or
/// `postgres(ql)://` is refused here, so a typo never silently becomes a SQLite file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DbUrl {
    Sqlite { path: String },
    Postgres { url: String },
}

#[derive(Debug, thiserror::Error)]
pub enum DbUrlError {
    #[error(
        "unsupported database URL scheme in {0:?}: use sqlite://PATH (embedded) or postgres://USER@HOST/DB"
    )]
    Unsupported(String),
    #[error("the sqlite:// URL has no file path")]
    EmptyPath,
}

impl DbUrl {
    pub fn parse(url: &str) -> Result<Self, DbUrlError> {
        if let Some(rest) = url.strip_prefix("sqlite://") {
            let path = rest.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(DbUrlError::EmptyPath);
            }
            if path == ":memory:" {
                // Each pooled connection would get its own empty database.
                return Err(DbUrlError::Unsupported(url.to_string()));
            }
            return Ok(DbUrl::Sqlite {
                path: path.to_string(),
            });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DbUrl::Postgres {
                url: url.to_string(),
            });
        }
        Err(DbUrlError::Unsupported(redact(url)))
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            DbUrl::Sqlite { .. } => "sqlite",
            DbUrl::Postgres { .. } => "postgres",
        }
    }

    /// The URL with any password removed, for logs and messages.
    pub fn redacted(&self) -> String {
        match self {
            DbUrl::Sqlite { path } => format!("sqlite://{path}"),
            DbUrl::Postgres { url } => redact(url),
        }
    }

    /// The URL with any password left out, for commands printed to run by hand (libpq
    /// takes the password from PGPASSWORD or ~/.pgpass).
    pub fn without_password(&self) -> String {
        match self {
            DbUrl::Sqlite { path } => format!("sqlite://{path}"),
            DbUrl::Postgres { url } => match (url.find("://"), url.rfind('@')) {
                (Some(s), Some(at)) if at > s => {
                    let user = url[s + 3..at].split(':').next().unwrap_or_default();
                    format!("{}{}{}", &url[..s + 3], user, &url[at..])
                }
                _ => url.clone(),
            },
        }
    }
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or_default();
            format!("{}{}:***{}", &url[..s + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

/// Connects straight to the backend the URL names (the derive's own `establish` tries each
/// backend in turn and loses the errors).
#[derive(Clone, Debug)]
pub struct Manager {
    url: DbUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        match &self.url {
            DbUrl::Sqlite { path } => {
                let mut conn = SqliteConnection::establish(path)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // Durability first: a consent or a referral must survive a power loss.
                // busy_timeout first: switching to WAL needs a lock another connection may
                // hold. One statement per call would only run the first; batch_execute runs all.
                // recursive_triggers: without it INSERT OR REPLACE deletes a row without
                // firing the audit log's DELETE trigger.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
                     PRAGMA recursive_triggers = ON;",
                )
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
            DbUrl::Postgres { url } => PgConnection::establish(url)
                .map(DbConn::Pg)
                .map_err(diesel::r2d2::Error::ConnectionError),
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        diesel::sql_query("SELECT 1")
            .execute(conn)
            .map(|_| ())
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

/// Builds the pool and connects once eagerly, so a wrong URL fails at start-up with the
/// driver's own message rather than after the pool's timeout.
pub fn build_pool(url: &DbUrl, max_size: u32) -> anyhow::Result<Pool> {
    let manager = Manager { url: url.clone() };
    // Fail fast with the real error before the pool swallows it.
    manager
        .connect()
        .map_err(|e| anyhow::anyhow!("cannot connect to {}: {e}", url.redacted()))?;
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(Duration::from_secs(5))
        // A PostgreSQL connection dies when the server restarts or an admin ends it; one
        // round trip at check-out finds that and reconnects, so the app recovers without a
        // restart. A SQLite connection is a file handle: nothing to test.
        .test_on_check_out(matches!(url, DbUrl::Postgres { .. }))
        .build(manager)?;
    Ok(Pool {
        inner: pool,
        waiting: Arc::default(),
    })
}

/// One row of `PRAGMA foreign_key_check`: a reference to a row that does not exist.
#[derive(diesel::QueryableByName)]
struct ForeignKeyProblem {
    #[diesel(sql_type = diesel::sql_types::Text)]
    #[expect(
        dead_code,
        reason = "only counted; the table is named in a failing check"
    )]
    table: String,
}

pub fn run_migrations(conn: &mut DbConn) -> anyhow::Result<usize> {
    let applied = match conn {
        DbConn::Sqlite(c) => {
            // A table rebuild (SQLite cannot alter a CHECK) drops and renames a table that
            // others reference: SQLite's documented procedure runs it with foreign keys off
            // (the pragma is ignored inside the migration's transaction, so it is set around
            // it) and checks every reference afterwards.
            diesel::sql_query("PRAGMA foreign_keys = OFF").execute(c)?;
            let ran = c
                .run_pending_migrations(SQLITE_MIGRATIONS)
                .map(|v| v.len())
                .map_err(|e| anyhow::anyhow!("migration failed: {e}"));
            // Only after a migration ran: the check reads every referencing row (5 s at
            // 1,000,000 referrals), and nothing else turns foreign keys off.
            let broken = match &ran {
                Ok(0) => Ok(0),
                _ => diesel::sql_query("PRAGMA foreign_key_check")
                    .load::<ForeignKeyProblem>(c)
                    .map(|v| v.len()),
            };
            diesel::sql_query("PRAGMA foreign_keys = ON").execute(c)?;
            let n = ran?;
            match broken? {
                0 => n,
                k => anyhow::bail!("after the migrations {k} rows point at rows that do not exist"),
            }
        }
        DbConn::Pg(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?
            .len(),
    };
    Ok(applied)
}

/// One round trip: whether the database answers at all (the load balancer's health check).
pub fn ping(conn: &mut DbConn) -> QueryResult<()> {
    diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
}

/// Runs an insert in a savepoint; `false` when a unique key says the row is already there
/// (two transactions inserting the same key at once: the loser's transaction goes on).
pub fn insert_once(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> QueryResult<usize>,
) -> QueryResult<bool> {
    match diesel::Connection::transaction(conn, f) {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Work a write transaction does just before it commits ([`at_commit`]).
pub type AtCommit = Box<dyn FnOnce(&mut DbConn) -> QueryResult<()>>;

thread_local! {
    /// The pending work of the write transactions open on this thread (innermost last),
    /// each under the address of its connection.
    static PENDING: std::cell::RefCell<Vec<(usize, Vec<AtCommit>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

fn key_of(conn: &DbConn) -> usize {
    std::ptr::from_ref(conn).addr()
}

/// Has `f` run just before the write transaction open on `conn` commits, after everything
/// else it did (the audit log's rows: [`audit::record`]); `Err(f)` when no write
/// transaction is open on `conn`, for the caller to run it now.
pub fn at_commit(conn: &DbConn, f: AtCommit) -> Result<(), AtCommit> {
    let key = key_of(conn);
    PENDING.with_borrow_mut(|open| match open.last_mut() {
        Some((k, work)) if *k == key => {
            work.push(f);
            Ok(())
        }
        _ => Err(f),
    })
}

/// One write transaction's pending work; dropping it (commit, rollback or a panic) forgets
/// what did not run.
struct Pending;

impl Pending {
    fn open(conn: &DbConn) -> Pending {
        PENDING.with_borrow_mut(|open| open.push((key_of(conn), Vec::new())));
        Pending
    }

    /// Runs the pending work in the order it was added.
    fn run(&self, conn: &mut DbConn) -> QueryResult<()> {
        let work = PENDING.with_borrow_mut(|open| {
            open.last_mut()
                .map(|(_, work)| std::mem::take(work))
                .unwrap_or_default()
        });
        for f in work {
            f(conn)?;
        }
        Ok(())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        PENDING.with_borrow_mut(|open| open.pop());
    }
}

/// A write transaction. On SQLite it is `BEGIN IMMEDIATE`, so a transaction that reads and
/// then writes takes the write lock up front and waits (busy_timeout) instead of failing.
/// Work added with [`at_commit`] (audit rows) runs last, just before the commit.
pub fn write_tx<T, E>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConn::Pg(c) => {
            <AnsiTransactionManager as TransactionManager<PgConnection>>::begin_transaction(c)?
        }
    }
    let pending = Pending::open(conn);
    let done = f(conn).and_then(|value| {
        pending.run(conn)?;
        Ok(value)
    });
    drop(pending);
    match done {
        Ok(value) => {
            <DbConn as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            // The original error matters more than a failed rollback.
            let _ = <DbConn as Connection>::TransactionManager::rollback_transaction(conn);
            Err(e)
        }
    }
}

/// A read-only transaction, for pages that read several tables and must see one snapshot.
pub fn read_tx<T, E>(conn: &mut DbConn, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    conn.transaction(f)
}

pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// New ids are UUIDv7: time-ordered, so inserts stay local in the index.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_schemes() {
        assert_eq!(
            DbUrl::parse("sqlite://data/x.db").unwrap(),
            DbUrl::Sqlite {
                path: "data/x.db".into()
            }
        );
        assert!(matches!(
            DbUrl::parse("postgresql://u@h/db").unwrap(),
            DbUrl::Postgres { .. }
        ));
        assert!(DbUrl::parse("mysql://root@localhost/x").is_err());
        assert!(DbUrl::parse("host=localhost dbname=x").is_err());
        assert!(DbUrl::parse("data/handoff.db").is_err());
        assert!(DbUrl::parse("sqlite://").is_err());
    }

    #[test]
    fn every_sqlite_connection_gets_the_durability_pragmas() {
        let dir = std::env::temp_dir().join(format!("handoff-pragma-{}", new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = DbUrl::Sqlite {
            path: dir.join("t.db").to_string_lossy().into_owned(),
        };
        let mut conn = Manager { url }.connect().unwrap();
        #[derive(diesel::QueryableByName)]
        struct V {
            #[diesel(sql_type = diesel::sql_types::Text)]
            v: String,
        }
        let mut pragma = |name: &str| {
            let column = if name == "busy_timeout" {
                "timeout"
            } else {
                name
            };
            diesel::sql_query(format!(
                "SELECT CAST({column} AS TEXT) AS v FROM pragma_{name}"
            ))
            .get_result::<V>(&mut conn)
            .unwrap()
            .v
        };
        assert_eq!(pragma("foreign_keys"), "1");
        assert_eq!(pragma("journal_mode"), "wal");
        assert_eq!(pragma("synchronous"), "2", "FULL");
        assert_eq!(pragma("busy_timeout"), "10000");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn redacts_password() {
        let e = DbUrl::parse("postgres://bob:secret@h/db").unwrap();
        assert_eq!(e.redacted(), "postgres://bob:***@h/db");
        assert_eq!(e.without_password(), "postgres://bob@h/db");
        assert!(
            !format!("{}", DbUrl::parse("mysql://bob:secret@h/db").unwrap_err()).contains("secret")
        );
    }
}
