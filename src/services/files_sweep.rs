//! The sweep of the file store: deletes stored files that no row points to, once they are
//! older than [`SWEEP_GRACE`]. They come from uploads whose transaction never committed
//! while the process died before it could delete them (an S3 object is written before its
//! row), from held e-mail messages already decided, and from abandoned staging files.

use std::collections::HashSet;

use chrono::NaiveDateTime;

use super::letter;
use super::store::{SWEEP_GRACE, Store};
use crate::db::{self, Pool};
use crate::error::AppResult;

/// Deletes the unreferenced files written before `now - SWEEP_GRACE` and the cached
/// letters older than [`letter::CACHE_DAYS`]; returns how many files went.
pub fn sweep(pool: &Pool, store: &Store, now: NaiveDateTime) -> AppResult<usize> {
    let letters = letter::sweep_cache(store, now - chrono::Duration::days(letter::CACHE_DAYS))?;
    if letters > 0 {
        log::info!(
            "{letters} cached letters older than {} days removed",
            letter::CACHE_DAYS
        );
    }
    let candidates = store.files_before(now - SWEEP_GRACE)?;
    if candidates.is_empty() {
        return Ok(0);
    }
    let needed: HashSet<String> = {
        let mut conn = pool.get()?;
        db::backup::referenced_among(&mut conn, &candidates)?
            .into_iter()
            .collect()
    };
    let mut removed = 0;
    for key in candidates.iter().filter(|k| !needed.contains(*k)) {
        store.remove(key);
        removed += 1;
    }
    Ok(removed)
}
