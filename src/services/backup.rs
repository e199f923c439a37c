//! Backups that restore. On SQLite, `handoff backup` copies the database while the app
//! serves (one consistent snapshot, `VACUUM INTO`), then the stored files, then writes a
//! manifest; `handoff restore` checks a backup (integrity, audit chain, the manifest's
//! counts) before it puts it in place. PostgreSQL is backed up with its own tools: the
//! command prints them.
//!
//! Order matters. A stored file is published before the transaction that records it
//! commits, so every file the snapshot names exists when the snapshot is taken; copying the
//! files after the snapshot therefore copies all of them (plus some newer ones, harmless).
//! The manifest is written last: a backup folder without one is unfinished.

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;

use crate::db::{self, DbConn, DbUrl};
use crate::services::audit_log::{self, Verdict};

/// The database file inside a backup folder.
pub const DATABASE_FILE: &str = "handoff.db";
/// The stored files inside a backup folder.
pub const FILES_DIR: &str = "files";
/// The manifest inside a backup folder, written last.
pub const MANIFEST: &str = "manifest.json";
/// The generated session key: it also derives the keys of signed links and reply
/// addresses, so a restore without it would break every link already sent.
const SESSION_KEY: &str = "session.key";
/// The backup folder's layout written and read by this version.
pub const FORMAT: u32 = 1;

/// What a backup holds, as recorded when it was taken.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// The layout of the backup folder ([`FORMAT`]).
    pub format: u32,
    /// When the backup was taken (UTC).
    pub created_at: NaiveDateTime,
    pub app_version: String,
    /// "sqlite": the only kind `handoff backup` writes.
    pub database: String,
    /// Counted in the copy, as are the audit rows and the chain's head.
    pub referrals: i64,
    pub audit_events: i64,
    pub audit_head_seq: i64,
    pub audit_head_hash: String,
    /// Stored files copied.
    pub files: u64,
    /// Files the snapshot names that were gone by the time they were copied (removed in
    /// between, e.g. a held reply decided): listed so that nobody has to guess.
    pub files_missing: Vec<String>,
}

/// Where the app keeps its data, as the configuration says.
#[derive(Debug, Clone)]
pub struct DataPlace<'a> {
    pub url: &'a DbUrl,
    pub data_dir: &'a Path,
    /// The folder store's folder; `None` when files are in an S3 bucket, which keeps its
    /// own copies (bucket versioning): a backup then holds the database and keys only.
    pub files_dir: Option<&'a Path>,
}

/// The result of `handoff backup`.
#[derive(Debug)]
pub enum Outcome {
    /// A SQLite backup written, with its manifest.
    Written(Manifest),
    /// PostgreSQL: nothing copied; these are the commands to run instead.
    PostgresCommands(String),
}

fn io(what: &str, path: &Path) -> impl FnOnce(std::io::Error) -> anyhow::Error {
    let msg = format!("{what} {}", path.display());
    move |e| anyhow::anyhow!("{msg}: {e}")
}

fn db_err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// Refuses a destination that holds anything: a backup never mixes with older files.
fn check_empty(dest: &Path) -> anyhow::Result<()> {
    if !dest.exists() {
        return Ok(());
    }
    let empty = dest.is_dir()
        && std::fs::read_dir(dest)
            .map_err(io("reading", dest))?
            .next()
            .is_none();
    if !empty {
        anyhow::bail!(
            "{} exists and is not an empty folder: give a new folder for the backup",
            dest.display()
        );
    }
    Ok(())
}

fn as_text(path: &Path) -> anyhow::Result<&str> {
    path.to_str()
        .ok_or_else(|| anyhow::anyhow!("{} is not valid UTF-8", path.display()))
}

/// Makes a file's (or a folder entry's) content durable before the next step relies on it.
fn sync(path: &Path) -> anyhow::Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(io("syncing", path))
}

/// Copies the top-level files of `from` into `to` (created), skipping the staging folder
/// and names already there (stored files are uniquely named and never rewritten).
fn copy_files(from: &Path, to: &Path) -> anyhow::Result<u64> {
    std::fs::create_dir_all(to).map_err(io("creating", to))?;
    if !from.is_dir() {
        return Ok(0);
    }
    let mut n = 0;
    for entry in std::fs::read_dir(from).map_err(io("reading", from))? {
        let entry = entry.map_err(io("reading", from))?;
        if !entry.file_type().map_err(io("reading", from))?.is_file() {
            continue;
        }
        let target = to.join(entry.file_name());
        if target.exists() {
            continue;
        }
        std::fs::copy(entry.path(), &target).map_err(io("copying", &entry.path()))?;
        sync(&target)?;
        n += 1;
    }
    sync(to)?;
    Ok(n)
}

/// The names a database needs that `dir` does not hold.
fn missing_in(conn: &mut DbConn, dir: &Path) -> anyhow::Result<Vec<String>> {
    Ok(db::backup::stored_names(conn)
        .map_err(db_err)?
        .into_iter()
        .filter(|n| !dir.join(n).is_file())
        .collect())
}

/// Backs up the data in `place` into `dest` (a new or empty folder) while the app serves.
pub fn backup(place: &DataPlace, dest: &Path, now: NaiveDateTime) -> anyhow::Result<Outcome> {
    let path = match place.url {
        DbUrl::Postgres { .. } => {
            return Ok(Outcome::PostgresCommands(postgres_commands(place, dest)));
        }
        DbUrl::Sqlite { path } => Path::new(path),
    };
    check_empty(dest)?;
    if !path.is_file() {
        anyhow::bail!("there is no database at {}", path.display());
    }
    std::fs::create_dir_all(dest).map_err(io("creating", dest))?;
    let copy = dest.join(DATABASE_FILE);
    {
        let mut live = db::backup::open_sqlite_file(as_text(path)?).map_err(db_err)?;
        db::backup::vacuum_into(&mut live, as_text(&copy)?)
            .map_err(|e| anyhow::anyhow!("copying the database: {e}"))?;
    }
    sync(&copy)?;
    // Counted in the copy, not the live database, which has moved on since.
    let mut snap = db::backup::open_sqlite_file(as_text(&copy)?).map_err(db_err)?;
    let (referrals, audit_events) = db::backup::counts(&mut snap).map_err(db_err)?;
    let (audit_head_seq, audit_head_hash) = db::audit::head(&mut snap).map_err(db_err)?;
    let files_to = dest.join(FILES_DIR);
    let (files, files_missing) = match place.files_dir {
        Some(dir) => (
            copy_files(dir, &files_to)?,
            missing_in(&mut snap, &files_to)?,
        ),
        None => (0, Vec::new()),
    };
    drop(snap);
    let key = place.data_dir.join(SESSION_KEY);
    if key.is_file() {
        std::fs::copy(&key, dest.join(SESSION_KEY)).map_err(io("copying", &key))?;
    }
    let manifest = Manifest {
        format: FORMAT,
        created_at: now,
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        database: "sqlite".into(),
        referrals,
        audit_events,
        audit_head_seq,
        audit_head_hash,
        files,
        files_missing,
    };
    let tmp = dest.join(format!("{MANIFEST}.tmp"));
    std::fs::write(&tmp, serde_json::to_string_pretty(&manifest)?).map_err(io("writing", &tmp))?;
    sync(&tmp)?;
    std::fs::rename(&tmp, dest.join(MANIFEST)).map_err(io("writing", &tmp))?;
    sync(dest)?;
    Ok(Outcome::Written(manifest))
}

/// A path or URL as one shell word.
fn sh(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// The commands that back up a PostgreSQL deployment: the database with `pg_dump` (a
/// consistent snapshot while the app serves), then the stored files.
fn postgres_commands(place: &DataPlace, dest: &Path) -> String {
    let url = place.url.without_password();
    let dest_text = dest.display().to_string();
    let dump = dest.join("handoff.dump").display().to_string();
    let files = dest.join(FILES_DIR).display().to_string();
    let copy_files = match place.files_dir {
        Some(dir) => format!("cp -a {} {}\n", sh(&dir.display().to_string()), sh(&files)),
        None => {
            "# Files are in an S3 bucket: keep versioning on it; they are not copied here.\n".into()
        }
    };
    format!(
        "# handoff backup copies a SQLite database only. On PostgreSQL, run these (the\n\
         # password comes from PGPASSWORD or ~/.pgpass), in this order: the dump first, so\n\
         # that every file it names is already there when the files are copied.\n\
         mkdir -p {dest}\n\
         pg_dump --format=custom --file={dump} {url}\n\
         {copy_files}\
         # Keep HANDOFF_SESSION_SECRET with the backup (in your secret store): signed links\n\
         # and reply addresses already sent depend on it. Restore: see README, \"Backup and restore\".\n",
        dest = sh(&dest_text),
        dump = sh(&dump),
        url = sh(&url),
    )
}

/// What a restore put in place.
#[derive(Debug)]
pub struct Restored {
    pub manifest: Manifest,
    /// Audit rows whose chain was verified in the copy.
    pub audit_rows: i64,
    pub files_copied: u64,
    /// Files the restored database names that are in neither the backup nor the target.
    pub files_missing: Vec<String>,
    /// Whether an existing database was replaced (`--force`).
    pub replaced: bool,
}

fn read_manifest(src: &Path) -> anyhow::Result<Manifest> {
    let path = src.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        anyhow::anyhow!(
            "{} is not a finished backup (no {MANIFEST}: {e})",
            src.display()
        )
    })?;
    serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))
}

/// Checks a database file as a restore must: SQLite's integrity check, the audit chain,
/// and the counts its manifest recorded. Returns the audit rows verified.
fn check_copy(conn: &mut DbConn, m: &Manifest) -> anyhow::Result<i64> {
    let findings = db::backup::integrity_check(conn).map_err(db_err)?;
    if findings != ["ok"] {
        anyhow::bail!(
            "the backup's database is damaged (integrity_check: {})",
            findings.join("; ")
        );
    }
    let rows = match audit_log::verify(conn).map_err(db_err)? {
        Verdict::Ok { rows } => rows,
        Verdict::Broken { seq, id, reason } => {
            anyhow::bail!("the backup's audit chain is broken at row {seq} {id}: {reason}")
        }
    };
    let counts = db::backup::counts(conn).map_err(db_err)?;
    let head = db::audit::head(conn).map_err(db_err)?;
    if counts != (m.referrals, m.audit_events)
        || head != (m.audit_head_seq, m.audit_head_hash.clone())
    {
        anyhow::bail!(
            "the backup's database does not match its manifest ({} referrals and {} audit rows, \
             the manifest says {} and {})",
            counts.0,
            counts.1,
            m.referrals,
            m.audit_events
        );
    }
    Ok(rows)
}

fn remove_if_there(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io("removing", path)(e)),
        _ => Ok(()),
    }
}

/// `path` with `suffix` added to its file name (SQLite's `-wal` and `-shm` companions).
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Puts the backup in `src` back in `place` (SQLite; the app stopped). Refuses to replace
/// an existing database unless `force`; checks the copy before it takes the database's
/// place, so a damaged backup never replaces anything.
pub fn restore(place: &DataPlace, src: &Path, force: bool) -> anyhow::Result<Restored> {
    let target = match place.url {
        DbUrl::Sqlite { path } => PathBuf::from(path),
        DbUrl::Postgres { .. } => anyhow::bail!(
            "handoff restore puts back a SQLite backup; on PostgreSQL use pg_restore \
             (README: \"Backup and restore\")"
        ),
    };
    let manifest = read_manifest(src)?;
    if manifest.format != FORMAT {
        anyhow::bail!(
            "{} has backup format {}; this version reads {FORMAT}",
            src.display(),
            manifest.format
        );
    }
    if manifest.database != "sqlite" {
        anyhow::bail!("{} is a {} backup", src.display(), manifest.database);
    }
    let from = src.join(DATABASE_FILE);
    if !from.is_file() {
        anyhow::bail!("{} has no {DATABASE_FILE}", src.display());
    }
    let replaced = target.exists();
    if replaced && !force {
        anyhow::bail!(
            "{} exists: stop the app and add --force to replace it with the backup",
            target.display()
        );
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io("creating", dir))?;
    }
    // Checked under a name of its own, beside the target: the rename at the end is atomic.
    let staging = beside(&target, ".restoring");
    for p in [
        &staging,
        &beside(&staging, "-wal"),
        &beside(&staging, "-shm"),
    ] {
        remove_if_there(p)?;
    }
    let result = check_and_move(place, src, &manifest, &target, &staging, replaced);
    if result.is_err() {
        // A refused or failed restore leaves the data folder as it found it.
        for p in [
            &staging,
            &beside(&staging, "-wal"),
            &beside(&staging, "-shm"),
        ] {
            let _ = std::fs::remove_file(p);
        }
    }
    let (audit_rows, files_copied, files_missing) = result?;
    Ok(Restored {
        manifest,
        audit_rows,
        files_copied,
        files_missing,
        replaced,
    })
}

/// The part of [`restore`] after the checks on its arguments: copy, check, put in place.
/// Returns the audit rows verified, the files copied and the files still missing.
fn check_and_move(
    place: &DataPlace,
    src: &Path,
    manifest: &Manifest,
    target: &Path,
    staging: &Path,
    replaced: bool,
) -> anyhow::Result<(i64, u64, Vec<String>)> {
    let from = src.join(DATABASE_FILE);
    std::fs::copy(&from, staging).map_err(io("copying", &from))?;
    sync(staging)?;
    let (audit_rows, files_missing) = {
        let mut conn = db::backup::open_sqlite_file(as_text(staging)?).map_err(db_err)?;
        let newer = db::backup::unknown_migrations(&mut conn)?;
        if !newer.is_empty() {
            anyhow::bail!(
                "this backup was made by a newer Handoff ({}): its database has changes this \
                 version ({}) does not know (migrations {}); restore it with that version or a \
                 later one",
                manifest.app_version,
                env!("CARGO_PKG_VERSION"),
                newer.join(", ")
            );
        }
        let rows = check_copy(&mut conn, manifest)?;
        let missing: Vec<String> = match place.files_dir {
            Some(dir) => missing_in(&mut conn, &src.join(FILES_DIR))?
                .into_iter()
                .filter(|n| !dir.join(n).is_file())
                .collect(),
            None => Vec::new(),
        };
        (rows, missing)
    };
    if replaced {
        // A running app keeps the file open: then SQLite cannot leave WAL mode. Leaving it
        // also folds the old WAL into the old file, so no stale WAL meets the new file.
        let mut old = db::backup::open_sqlite_file(as_text(target)?).map_err(db_err)?;
        if !db::backup::leave_wal_alone(&mut old).map_err(db_err)? {
            anyhow::bail!(
                "{} is in use (is the app running?): stop it, then restore",
                target.display()
            );
        }
    }
    let files_copied = match place.files_dir {
        Some(dir) => {
            let n = copy_files(&src.join(FILES_DIR), dir)?;
            std::fs::create_dir_all(dir.join("tmp")).map_err(io("creating", dir))?;
            n
        }
        None => 0,
    };
    let key = src.join(SESSION_KEY);
    if key.is_file() {
        let to = place.data_dir.join(SESSION_KEY);
        std::fs::copy(&key, &to).map_err(io("copying", &key))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600))
                .map_err(io("protecting", &to))?;
        }
    }
    for p in [beside(target, "-wal"), beside(target, "-shm")] {
        remove_if_there(&p)?;
    }
    std::fs::rename(staging, target).map_err(io("moving into place", staging))?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        sync(dir)?;
    }
    Ok((audit_rows, files_copied, files_missing))
}
