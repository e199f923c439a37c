//! The SQL of backups and restores: SQLite's own consistent copy (`VACUUM INTO`), its
//! integrity check, and the counts a backup's manifest records.

use diesel::prelude::*;
use diesel::sql_types::Text;

use super::DbConn;
use super::schema::{attachments, audit_events, chart_files, held_replies, referrals};

/// Writes a consistent copy of the whole SQLite database to `dest` (a file that must not
/// exist yet). It is one read transaction: writers go on meanwhile (WAL), and the copy is
/// the database as of the moment it began, compacted.
pub fn vacuum_into(conn: &mut DbConn, dest: &str) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => diesel::sql_query("VACUUM INTO ?")
            .bind::<Text, _>(dest)
            .execute(c)
            .map(|_| ()),
        DbConn::Pg(_) => Err(diesel::result::Error::QueryBuilderError(
            "VACUUM INTO is SQLite's; PostgreSQL is copied with pg_dump".into(),
        )),
    }
}

#[derive(QueryableByName)]
struct CheckLine {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

/// SQLite's `PRAGMA integrity_check`: `["ok"]` for a sound file, else its findings.
pub fn integrity_check(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    match conn {
        DbConn::Sqlite(c) => Ok(diesel::sql_query("PRAGMA integrity_check")
            .load::<CheckLine>(c)?
            .into_iter()
            .map(|l| l.integrity_check)
            .collect()),
        DbConn::Pg(_) => Err(diesel::result::Error::QueryBuilderError(
            "integrity_check is SQLite's".into(),
        )),
    }
}

#[derive(QueryableByName)]
struct Mode {
    #[diesel(sql_type = Text)]
    journal_mode: String,
}

/// Takes a SQLite database out of WAL mode, which needs it to be the only connection:
/// `false` when another process (a running app) has the file open. On success the WAL is
/// checkpointed into the file and removed, so nothing stale is left beside it.
pub fn leave_wal_alone(conn: &mut DbConn) -> QueryResult<bool> {
    match conn {
        DbConn::Sqlite(c) => {
            let mode = diesel::sql_query("PRAGMA journal_mode = DELETE")
                .get_result::<Mode>(c)
                .map(|m| m.journal_mode);
            match mode {
                Ok(m) => Ok(m.eq_ignore_ascii_case("delete")),
                Err(diesel::result::Error::DatabaseError(_, info))
                    if info.message().contains("locked") =>
                {
                    Ok(false)
                }
                Err(e) => Err(e),
            }
        }
        DbConn::Pg(_) => Ok(false),
    }
}

/// Opens a SQLite file by path for checking, without the pool's settings (it is not
/// served): a short busy timeout, so a file in use is reported rather than waited for.
pub fn open_sqlite_file(path: &str) -> ConnectionResult<DbConn> {
    let mut c = SqliteConnection::establish(path)?;
    diesel::connection::SimpleConnection::batch_execute(&mut c, "PRAGMA busy_timeout = 5000;")
        .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
    Ok(DbConn::Sqlite(c))
}

/// What a manifest records of a database: how many referrals and audit rows it holds.
pub fn counts(conn: &mut DbConn) -> QueryResult<(i64, i64)> {
    let r = referrals::table.count().get_result(conn)?;
    let a = audit_events::table.count().get_result(conn)?;
    Ok((r, a))
}

/// The names of every stored file a row needs: referral attachments, chart files and the
/// raw messages of replies still held (a decided one's raw file is removed on purpose).
pub fn stored_names(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    let mut names: Vec<String> = attachments::table
        .select(attachments::stored_name)
        .load(conn)?;
    names.extend(
        chart_files::table
            .select(chart_files::stored_name)
            .load::<String>(conn)?,
    );
    names.extend(
        held_replies::table
            .filter(held_replies::decision.is_null())
            .select(held_replies::raw_name)
            .load::<String>(conn)?,
    );
    names.sort();
    names.dedup();
    Ok(names)
}

/// The migrations a SQLite copy has applied that this build does not know: the copy was
/// made by a newer version, whose tables this one must not open.
pub fn unknown_migrations(conn: &mut DbConn) -> anyhow::Result<Vec<String>> {
    use diesel::migration::MigrationSource;
    use diesel_migrations::MigrationHarness;
    let DbConn::Sqlite(c) = conn else {
        return Ok(Vec::new());
    };
    let known: std::collections::HashSet<String> =
        MigrationSource::<diesel::sqlite::Sqlite>::migrations(&super::SQLITE_MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("reading the migrations: {e}"))?
            .iter()
            .map(|m| m.name().version().to_string())
            .collect();
    let applied = c
        .applied_migrations()
        .map_err(|e| anyhow::anyhow!("reading the copy's migrations: {e}"))?;
    Ok(applied
        .into_iter()
        .map(|v| v.to_string())
        .filter(|v| !known.contains(v))
        .collect())
}

/// Which of `names` a row still needs (see [`stored_names`]), asked in bounded batches so
/// that a large sweep never builds one huge statement.
pub fn referenced_among(conn: &mut DbConn, names: &[String]) -> QueryResult<Vec<String>> {
    let mut found = Vec::new();
    for batch in names.chunks(500) {
        found.extend(
            attachments::table
                .filter(attachments::stored_name.eq_any(batch))
                .select(attachments::stored_name)
                .load::<String>(conn)?,
        );
        found.extend(
            chart_files::table
                .filter(chart_files::stored_name.eq_any(batch))
                .select(chart_files::stored_name)
                .load::<String>(conn)?,
        );
        found.extend(
            held_replies::table
                .filter(held_replies::decision.is_null())
                .filter(held_replies::raw_name.eq_any(batch))
                .select(held_replies::raw_name)
                .load::<String>(conn)?,
        );
    }
    Ok(found)
}
