//! The object store for uploaded files: a local folder by default, behind this small
//! interface so that an S3-compatible store can be configured later. Files are written
//! under random names and synced, and are published (renamed into place) inside the
//! transaction that writes their metadata row, so no partial file is ever visible.
//! Reading goes through here too ([`open`]), so that handlers never touch the disk.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{AppError, AppResult};

/// A file written but not yet published.
pub struct Staged {
    pub key: String,
    tmp: PathBuf,
    dest: PathBuf,
}

impl Staged {
    /// Makes the file visible under its key. Call it as the last step of the transaction
    /// that writes the file's row: if the rename fails, the row is rolled back too.
    pub fn publish(self) -> AppResult<()> {
        std::fs::rename(&self.tmp, &self.dest)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("storing file: {e}")))
    }
}

impl Drop for Staged {
    /// A staged file that was not published (refused, or its transaction failed) goes.
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// A folder on local disk (or shared storage, when several instances serve one database).
#[derive(Debug, Clone)]
pub struct LocalStore {
    dir: PathBuf,
}

impl LocalStore {
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    /// Writes `bytes` to a staging file and syncs it; a full disk is reported as such.
    pub fn stage(&self, bytes: &[u8]) -> AppResult<Staged> {
        let key = format!("{}.bin", crate::db::new_id());
        let tmp_dir = self.dir.join("tmp");
        let io = |e: std::io::Error| {
            if e.raw_os_error() == Some(28) {
                AppError::Unavailable("disk full".into())
            } else {
                AppError::Internal(anyhow::anyhow!("writing upload: {e}"))
            }
        };
        std::fs::create_dir_all(&tmp_dir).map_err(io)?;
        let tmp = tmp_dir.join(&key);
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()
        };
        if let Err(e) = write() {
            let _ = std::fs::remove_file(&tmp);
            return Err(io(e));
        }
        Ok(Staged {
            dest: self.dir.join(&key),
            key,
            tmp,
        })
    }

    /// Whether the store takes a write now: a small file staged (the upload path) and
    /// dropped. A missing folder is an error rather than created anew: it is a lost mount
    /// or a deleted store, and the files it held are not in a fresh one.
    pub fn probe(&self) -> AppResult<()> {
        if !self.dir.is_dir() {
            return Err(AppError::Unavailable("the store folder is missing".into()));
        }
        self.stage(b"readiness probe").map(drop)
    }

    /// Where a published file is.
    pub fn path(&self, key: &str) -> PathBuf {
        self.dir.join(key)
    }

    /// Deletes a published file whose row says it is no longer needed. Best effort: a file
    /// left behind costs disk, never correctness.
    pub fn remove(&self, key: &str) {
        if let Err(e) = std::fs::remove_file(self.dir.join(key))
            && e.kind() != std::io::ErrorKind::NotFound
        {
            log::warn!("removing stored file {key}: {e}");
        }
    }
}

/// How much of a stored file is read at a time: a download never holds a whole file.
const CHUNK: u64 = 64 * 1024;

/// A published file opened for reading.
pub struct StoredFile {
    file: std::fs::File,
    size: u64,
    left: u64,
}

fn reading(e: std::io::Error) -> AppError {
    AppError::Internal(anyhow::anyhow!("reading stored file: {e}"))
}

/// Opens a published file at the location a service handed out. Its row says it exists,
/// so a file that is not there is an internal error, not a 404.
pub fn open(path: &Path) -> AppResult<StoredFile> {
    let file = std::fs::File::open(path).map_err(reading)?;
    let size = file.metadata().map_err(reading)?.len();
    Ok(StoredFile {
        file,
        size,
        left: size,
    })
}

impl StoredFile {
    /// The file's length in bytes, as announced before the first chunk is read.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The next chunk, or `None` at the end. Published files are never rewritten; one that
    /// ends early is reported rather than sent short of its announced length.
    pub fn next_chunk(&mut self) -> AppResult<Option<Vec<u8>>> {
        if self.left == 0 {
            return Ok(None);
        }
        let want = self.left.min(CHUNK);
        let mut buf = Vec::with_capacity(want as usize);
        (&mut self.file)
            .take(want)
            .read_to_end(&mut buf)
            .map_err(reading)?;
        if buf.is_empty() {
            return Err(reading(std::io::ErrorKind::UnexpectedEof.into()));
        }
        self.left -= buf.len() as u64;
        Ok(Some(buf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("handoff-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn a_file_longer_than_a_chunk_reads_back_whole() {
        let bytes: Vec<u8> = (0..(2 * CHUNK + 123)).map(|i| (i % 251) as u8).collect();
        let path = temp_file("long.bin", &bytes);
        let mut f = open(&path).unwrap();
        assert_eq!(f.size(), bytes.len() as u64);
        let mut back = Vec::new();
        let mut chunks = 0;
        while let Some(c) = f.next_chunk().unwrap() {
            back.extend(c);
            chunks += 1;
        }
        assert_eq!((chunks, back), (3, bytes));
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_missing_file_or_one_cut_short_is_an_error() {
        assert!(open(Path::new("/nonexistent/handoff/file.bin")).is_err());
        let path = temp_file("short.bin", &[7; 10]);
        let mut f = open(&path).unwrap();
        std::fs::write(&path, [7; 4]).unwrap();
        assert_eq!(f.next_chunk().unwrap(), Some(vec![7; 4]));
        assert!(f.next_chunk().is_err());
        std::fs::remove_file(path).unwrap();
    }
}
