//! The folder store: files in a local folder (or shared storage mounted on every instance).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;

use crate::error::{AppError, AppResult};

/// A folder on local disk.
#[derive(Debug, Clone)]
pub struct LocalStore {
    dir: PathBuf,
}

/// A write error as the app reports it: a full disk is a 503 that says so.
fn writing(e: std::io::Error) -> AppError {
    if e.raw_os_error() == Some(28) {
        AppError::Unavailable("disk full".into())
    } else {
        AppError::Internal(anyhow::anyhow!("writing to the file store: {e}"))
    }
}

/// Writes `bytes` to `tmp` and syncs it; a partial file is removed.
fn write_synced(tmp: &Path, bytes: &[u8]) -> AppResult<()> {
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(tmp);
        writing(e)
    })
}

/// A file's last-modified time in UTC, as the sweep compares it with the clock.
fn modified(meta: &std::fs::Metadata) -> Option<NaiveDateTime> {
    let t: chrono::DateTime<chrono::Utc> = meta.modified().ok()?.into();
    Some(t.naive_utc())
}

impl LocalStore {
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` to a synced staging file: its key, the staging file and its place.
    pub(super) fn stage(&self, bytes: &[u8]) -> AppResult<(String, PathBuf, PathBuf)> {
        let key = format!("{}.bin", crate::db::new_id());
        let tmp_dir = self.dir.join("tmp");
        std::fs::create_dir_all(&tmp_dir).map_err(writing)?;
        let tmp = tmp_dir.join(&key);
        write_synced(&tmp, bytes)?;
        let dest = self.dir.join(&key);
        Ok((key, tmp, dest))
    }

    /// A small file staged (the upload path) and dropped.
    pub(super) fn probe(&self) -> AppResult<()> {
        if !self.dir.is_dir() {
            return Err(AppError::Unavailable(
                "file store: the store folder is missing".into(),
            ));
        }
        let (_, tmp, _) = self.stage(b"readiness probe")?;
        let _ = std::fs::remove_file(tmp);
        Ok(())
    }

    /// Where a published file is.
    pub(super) fn path(&self, key: &str) -> PathBuf {
        self.dir.join(key)
    }

    pub(super) fn remove(&self, key: &str) -> AppResult<()> {
        match std::fs::remove_file(self.dir.join(key)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(AppError::Internal(
                anyhow::anyhow!("removing stored file {key}: {e}"),
            )),
            _ => Ok(()),
        }
    }

    /// The path of a named object. Names are relative, `/`-separated and plain: no empty,
    /// `.` or `..` part can reach outside the store.
    fn object_path(&self, name: &str) -> AppResult<PathBuf> {
        let plain = |p: &str| {
            !p.is_empty() && p != "." && p != ".." && !p.contains('\\') && !p.contains('\0')
        };
        if !name.split('/').all(plain) {
            return Err(AppError::Internal(anyhow::anyhow!(
                "not an object name: {name:?}"
            )));
        }
        Ok(self.dir.join(name))
    }

    /// Writes a named object whole or not at all: a synced staging file renamed into place
    /// (replacing an older object of that name), its folders created as needed. The store's
    /// own folder is not created: missing, it is a lost mount (see [`Self::probe`]).
    pub(super) fn put_object(&self, name: &str, bytes: &[u8]) -> AppResult<()> {
        let dest = self.object_path(name)?;
        if !self.dir.is_dir() {
            return Err(AppError::Unavailable(
                "file store: the store folder is missing".into(),
            ));
        }
        let parent = dest.parent().unwrap_or(&self.dir);
        std::fs::create_dir_all(parent).map_err(writing)?;
        let tmp = parent.join(format!(".{}.tmp", crate::db::new_id()));
        write_synced(&tmp, bytes)?;
        std::fs::rename(&tmp, &dest).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            writing(e)
        })?;
        // The rename is durable once the folder that now names the file is synced.
        std::fs::File::open(parent)
            .and_then(|d| d.sync_all())
            .map_err(writing)
    }

    pub(super) fn get_object(&self, name: &str) -> AppResult<Option<Vec<u8>>> {
        match std::fs::read(self.object_path(name)?) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(AppError::Internal(anyhow::anyhow!("reading {name}: {e}"))),
        }
    }

    /// Named objects under `prefix` (a folder path such as `audit/`), with their times.
    pub(super) fn list_objects(&self, prefix: &str) -> AppResult<Vec<(String, NaiveDateTime)>> {
        let mut out = Vec::new();
        let mut todo = vec![self.object_path(prefix.trim_end_matches('/'))?];
        while let Some(d) = todo.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    todo.push(p);
                } else if let Ok(rel) = p.strip_prefix(&self.dir)
                    && !rel.to_string_lossy().contains("/.")
                    && let Some(at) = e.metadata().ok().as_ref().and_then(modified)
                {
                    out.push((rel.to_string_lossy().into_owned(), at));
                }
            }
        }
        Ok(out)
    }

    /// The stored files at the top of the folder and the staging files under `tmp/`, with
    /// their last-modified times.
    pub(super) fn files(&self) -> AppResult<Vec<(String, NaiveDateTime)>> {
        let mut out = Vec::new();
        for (sub, prefix) in [(self.dir.clone(), ""), (self.dir.join("tmp"), "tmp/")] {
            let entries = match std::fs::read_dir(&sub) {
                Ok(e) => e,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    return Err(AppError::Internal(anyhow::anyhow!(
                        "listing the file store: {e}"
                    )));
                }
            };
            for e in entries.flatten() {
                let Ok(meta) = e.metadata() else { continue };
                if !meta.is_file() {
                    continue;
                }
                if let Some(at) = modified(&meta) {
                    out.push((format!("{prefix}{}", e.file_name().to_string_lossy()), at));
                }
            }
        }
        Ok(out)
    }
}
