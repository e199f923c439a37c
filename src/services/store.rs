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
    pub fn put_object(&self, name: &str, bytes: &[u8]) -> AppResult<()> {
        let dest = self.object_path(name)?;
        if !self.dir.is_dir() {
            return Err(AppError::Unavailable("the store folder is missing".into()));
        }
        let staged = self.stage(bytes)?;
        let io = |e: std::io::Error| AppError::Internal(anyhow::anyhow!("storing {name}: {e}"));
        let folder = dest.parent().unwrap_or(&self.dir);
        std::fs::create_dir_all(folder).map_err(io)?;
        std::fs::rename(&staged.tmp, &dest).map_err(io)?;
        // The rename is durable once the folder that now names the file is synced.
        std::fs::File::open(folder)
            .and_then(|d| d.sync_all())
            .map_err(io)
    }

    /// A named object's bytes, or `None` if there is no such object.
    pub fn get_object(&self, name: &str) -> AppResult<Option<Vec<u8>>> {
        match std::fs::read(self.object_path(name)?) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(reading(e)),
        }
    }

    /// The names of the objects that start with `prefix`, sorted. Only the folder the
    /// prefix ends in is read, not its subfolders.
    pub fn list_objects(&self, prefix: &str) -> AppResult<Vec<String>> {
        let (folder, start) = prefix.rsplit_once('/').unwrap_or(("", prefix));
        let dir = match folder {
            "" => self.dir.clone(),
            f => self.object_path(f)?,
        };
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(reading(e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(reading)?;
            if entry.file_type().map_err(reading)?.is_file()
                && let Some(n) = entry.file_name().to_str()
                && n.starts_with(start)
            {
                names.push(match folder {
                    "" => n.to_string(),
                    f => format!("{f}/{n}"),
                });
            }
        }
        names.sort();
        Ok(names)
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
    fn named_objects_are_written_whole_listed_in_order_and_kept_inside() {
        let dir = std::env::temp_dir().join(format!("handoff-objects-{}", crate::db::new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = LocalStore::new(&dir);
        store.put_object("a/b/2.json", b"two").unwrap();
        store.put_object("a/b/10.json", b"ten").unwrap();
        store.put_object("a/b/2.json", b"two again").unwrap();
        store.put_object("a/other.json", b"x").unwrap();
        assert_eq!(
            store.get_object("a/b/2.json").unwrap().unwrap(),
            b"two again"
        );
        assert_eq!(store.get_object("a/b/3.json").unwrap(), None);
        assert_eq!(
            store.list_objects("a/b/").unwrap(),
            ["a/b/10.json", "a/b/2.json"]
        );
        assert_eq!(store.list_objects("a/b/1").unwrap(), ["a/b/10.json"]);
        assert!(store.list_objects("nothing/").unwrap().is_empty());
        assert!(std::fs::read_dir(dir.join("tmp")).unwrap().next().is_none());
        for bad in ["../escape", "/abs", "a//b", "a/./b", ""] {
            assert!(store.put_object(bad, b"x").is_err(), "{bad}");
        }
        // A store whose folder is gone (a lost mount) is not recreated by a write.
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(store.put_object("a/b/1.json", b"x").is_err());
        assert!(!dir.exists());
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
