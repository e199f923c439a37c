//! The object store for uploaded files: a local folder by default, or an S3-compatible
//! bucket (`HANDOFF_STORE_URL=s3://bucket/prefix`), behind this one interface.
//!
//! A file is never visible half-written, and no row points to a file that is not there:
//! - the folder store writes a staging file, syncs it, and renames it into place as the
//!   last step of the transaction that writes the file's row;
//! - the S3 store writes the object first (named by its content hash and a unique part)
//!   and then commits the row; an object whose row never committed is deleted when the
//!   upload is refused, or by the sweep ([`Store::unreferenced_before`]) after a grace
//!   period if the process died in between.
//!
//! Reading goes through here too ([`Store::open`]), so that handlers never touch the disk.

mod local;
mod s3;

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

pub use local::LocalStore;
pub use s3::S3Store;

use crate::error::{AppError, AppResult};

/// Where files live: chosen once at start from the settings.
#[derive(Debug, Clone)]
pub enum Store {
    Local(LocalStore),
    S3(Arc<S3Store>),
}

/// A file written but not yet published.
pub struct Staged {
    pub key: String,
    how: Pending,
}

enum Pending {
    /// The staging file and where it goes.
    Rename {
        tmp: std::path::PathBuf,
        dest: std::path::PathBuf,
    },
    /// The object is written; unless published, it is deleted again.
    Object(Arc<S3Store>),
    Done,
}

impl Staged {
    /// Makes the file visible under its key. Call it as the last step of the transaction
    /// that writes the file's row: if the rename fails, the row is rolled back too.
    pub fn publish(mut self) -> AppResult<()> {
        match std::mem::replace(&mut self.how, Pending::Done) {
            Pending::Rename { tmp, dest } => std::fs::rename(&tmp, &dest)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("storing file: {e}"))),
            Pending::Object(_) | Pending::Done => Ok(()),
        }
    }
}

impl Drop for Staged {
    /// A staged file that was not published (refused, or its transaction failed) goes.
    /// If this cannot run (the process dies), the sweep removes it later.
    fn drop(&mut self) {
        match std::mem::replace(&mut self.how, Pending::Done) {
            Pending::Rename { tmp, .. } => {
                let _ = std::fs::remove_file(tmp);
            }
            Pending::Object(s3) => s3.delete_later(&self.key),
            Pending::Done => {}
        }
    }
}

/// How long an unreferenced file is left alone before the sweep deletes it: far longer
/// than any upload's transaction, so a file whose row is about to commit is never taken.
pub const SWEEP_GRACE: chrono::Duration = chrono::Duration::hours(1);

impl Store {
    /// The store the settings name: an S3 bucket, or the folder store.
    pub fn from_settings(settings: &crate::config::Settings) -> anyhow::Result<Store> {
        if settings.store_is_s3() {
            let url = settings.store_url.as_deref().unwrap_or_default().trim();
            Ok(Store::S3(Arc::new(S3Store::new(
                url,
                &settings.store_options,
            )?)))
        } else {
            Ok(Store::Local(LocalStore::new(&settings.files_dir())))
        }
    }

    /// The local folder, when files are kept in one (backups copy it; S3 has its own).
    pub fn local_dir(&self) -> Option<&Path> {
        match self {
            Store::Local(l) => Some(l.dir()),
            Store::S3(_) => None,
        }
    }

    /// Writes `bytes` so that [`Staged::publish`] can make them visible; a full disk or an
    /// unreachable bucket is a 503 (nothing of the request is recorded).
    pub fn stage(&self, bytes: &[u8]) -> AppResult<Staged> {
        match self {
            Store::Local(l) => {
                let (key, tmp, dest) = l.stage(bytes)?;
                Ok(Staged {
                    key,
                    how: Pending::Rename { tmp, dest },
                })
            }
            Store::S3(s3) => {
                let key = format!(
                    "{}-{}.bin",
                    hex::encode(Sha256::digest(bytes)),
                    crate::db::new_id()
                );
                s3.put(&key, bytes.to_vec())?;
                Ok(Staged {
                    key,
                    how: Pending::Object(s3.clone()),
                })
            }
        }
    }

    /// Opens a published file for reading in chunks. Its row says it exists, so a file
    /// that is not there is an internal error, not a 404.
    pub fn open(&self, key: &str) -> AppResult<StoredFile> {
        match self {
            Store::Local(l) => StoredFile::local(&l.path(key)),
            Store::S3(s3) => {
                let (size, rx) = s3.open(key)?;
                Ok(StoredFile {
                    size,
                    left: size,
                    from: Source::Object(rx),
                })
            }
        }
    }

    /// A published file read whole (a held e-mail message: small, bounded at intake).
    pub fn read_all(&self, key: &str) -> AppResult<Vec<u8>> {
        let mut f = self.open(key)?;
        let mut all = Vec::with_capacity(f.size() as usize);
        while let Some(c) = f.next_chunk()? {
            all.extend_from_slice(&c);
        }
        Ok(all)
    }

    /// Deletes a published file whose row says it is no longer needed. Best effort: a file
    /// left behind costs space, never correctness, and the sweep finds it later.
    pub fn remove(&self, key: &str) {
        let done = match self {
            Store::Local(l) => l.remove(key),
            Store::S3(s3) => s3.delete(key),
        };
        if let Err(e) = done {
            log::warn!("removing stored file: {e}");
        }
    }

    /// Whether the store takes a write now (the readiness probe). A missing folder is an
    /// error rather than created anew: it is a lost mount, and its files are not in a new one.
    pub fn probe(&self) -> AppResult<()> {
        match self {
            Store::Local(l) => l.probe(),
            Store::S3(s3) => {
                let key = format!("probe/{}", crate::db::new_id());
                s3.put(&key, b"readiness probe".to_vec())?;
                s3.delete(&key)
            }
        }
    }

    /// Writes a named object whole (an audit checkpoint), replacing one of the same name.
    pub fn put_object(&self, name: &str, bytes: &[u8]) -> AppResult<()> {
        match self {
            Store::Local(l) => l.put_object(name, bytes),
            Store::S3(s3) => s3.put(name, bytes.to_vec()),
        }
    }

    /// Reads a named object whole; `None` if there is none.
    pub fn get_object(&self, name: &str) -> AppResult<Option<Vec<u8>>> {
        match self {
            Store::Local(l) => l.get_object(name),
            Store::S3(s3) => s3.get(name),
        }
    }

    /// The names of the objects under `prefix`, sorted.
    pub fn list_objects(&self, prefix: &str) -> AppResult<Vec<String>> {
        let mut names: Vec<String> = self.objects(prefix)?.into_iter().map(|(n, _)| n).collect();
        names.sort();
        Ok(names)
    }

    /// The objects under `prefix` with their last-modified times (UTC).
    pub fn objects(&self, prefix: &str) -> AppResult<Vec<(String, NaiveDateTime)>> {
        match self {
            Store::Local(l) => l.list_objects(prefix),
            Store::S3(s3) => s3.list(prefix),
        }
    }

    /// The stored files (not named objects such as checkpoints) last written before
    /// `cutoff`: the candidates for the sweep, which deletes those no row points to.
    /// The folder store's abandoned staging files are among them (as `tmp/...`).
    pub fn files_before(&self, cutoff: NaiveDateTime) -> AppResult<Vec<String>> {
        let all = match self {
            Store::Local(l) => l.files()?,
            Store::S3(s3) => s3
                .list("")?
                .into_iter()
                .filter(|(n, _)| !n.contains('/'))
                .collect(),
        };
        Ok(all
            .into_iter()
            .filter(|(_, at)| *at < cutoff)
            .map(|(n, _)| n)
            .collect())
    }
}

/// A published file's place, handed from a service (which checked who may read it) to the
/// download that streams it.
#[derive(Debug, Clone)]
pub struct FileAt {
    pub store: Store,
    pub key: String,
}

impl FileAt {
    /// Opens the file for reading in chunks (see [`Store::open`]).
    pub fn open(&self) -> AppResult<StoredFile> {
        self.store.open(&self.key)
    }
}

/// How much of a stored file is read at a time: a download never holds a whole file.
const CHUNK: u64 = 64 * 1024;

/// A published file opened for reading.
pub struct StoredFile {
    size: u64,
    left: u64,
    from: Source,
}

enum Source {
    File(std::fs::File),
    Object(tokio::sync::mpsc::Receiver<AppResult<Vec<u8>>>),
}

fn reading(e: std::io::Error) -> AppError {
    AppError::Internal(anyhow::anyhow!("reading stored file: {e}"))
}

impl StoredFile {
    fn local(path: &Path) -> AppResult<StoredFile> {
        let file = std::fs::File::open(path).map_err(reading)?;
        let size = file.metadata().map_err(reading)?.len();
        Ok(StoredFile {
            size,
            left: size,
            from: Source::File(file),
        })
    }

    /// The file's length in bytes, as announced before the first chunk is read.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The next chunk, or `None` at the end. Published files are never rewritten; one that
    /// ends early is reported rather than sent short of its announced length. Blocks:
    /// call it on the blocking pool.
    pub fn next_chunk(&mut self) -> AppResult<Option<Vec<u8>>> {
        if self.left == 0 {
            return Ok(None);
        }
        let buf = match &mut self.from {
            Source::File(file) => {
                use std::io::Read;
                let want = self.left.min(CHUNK);
                let mut buf = Vec::with_capacity(want as usize);
                file.take(want).read_to_end(&mut buf).map_err(reading)?;
                buf
            }
            Source::Object(rx) => match rx.blocking_recv() {
                Some(chunk) => chunk?,
                None => Vec::new(),
            },
        };
        if buf.is_empty() || buf.len() as u64 > self.left {
            return Err(reading(std::io::ErrorKind::UnexpectedEof.into()));
        }
        self.left -= buf.len() as u64;
        Ok(Some(buf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_store(name: &str) -> (Store, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("handoff-store-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        (Store::Local(LocalStore::new(&dir)), dir)
    }

    fn put(store: &Store, bytes: &[u8]) -> String {
        let st = store.stage(bytes).unwrap();
        let key = st.key.clone();
        st.publish().unwrap();
        key
    }

    #[test]
    fn a_file_longer_than_a_chunk_reads_back_whole() {
        let (store, dir) = temp_store("long");
        let bytes: Vec<u8> = (0..(2 * CHUNK + 123)).map(|i| (i % 251) as u8).collect();
        let key = put(&store, &bytes);
        let mut f = store.open(&key).unwrap();
        assert_eq!(f.size(), bytes.len() as u64);
        let mut back = Vec::new();
        let mut chunks = 0;
        while let Some(c) = f.next_chunk().unwrap() {
            back.extend(c);
            chunks += 1;
        }
        assert_eq!((chunks, back), (3, bytes));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_missing_file_or_one_cut_short_is_an_error() {
        let (store, dir) = temp_store("short");
        assert!(store.open("nonexistent.bin").is_err());
        let key = put(&store, &[7; 10]);
        let mut f = store.open(&key).unwrap();
        std::fs::write(dir.join(&key), [7; 4]).unwrap();
        assert_eq!(f.next_chunk().unwrap(), Some(vec![7; 4]));
        assert!(f.next_chunk().is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn named_objects_are_written_whole_listed_in_order_and_kept_inside() {
        let (store, dir) = temp_store("objects");
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
        assert!(store.list_objects("nothing/").unwrap().is_empty());
        for bad in ["../escape", "/abs", "a//b", "a/./b", ""] {
            assert!(store.put_object(bad, b"x").is_err(), "{bad}");
        }
        // A store whose folder is gone (a lost mount) is not recreated by a write.
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(store.put_object("a/b/1.json", b"x").is_err());
        assert!(!dir.exists());
    }

    #[test]
    fn an_unpublished_file_leaves_nothing_and_named_objects_are_not_files() {
        let (store, dir) = temp_store("staged");
        drop(store.stage(b"refused").unwrap());
        store.put_object("audit/checkpoints/1.json", b"{}").unwrap();
        let key = put(&store, b"kept");
        let far = chrono::NaiveDate::from_ymd_opt(2999, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert_eq!(store.files_before(far).unwrap(), vec![key]);
        assert_eq!(
            store.list_objects("audit/").unwrap(),
            vec!["audit/checkpoints/1.json".to_string()]
        );
        assert_eq!(
            store.get_object("audit/checkpoints/1.json").unwrap(),
            Some(b"{}".to_vec())
        );
        assert_eq!(store.get_object("audit/none.json").unwrap(), None);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
