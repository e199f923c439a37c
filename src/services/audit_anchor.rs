//! The audit chain anchored outside the database. The chain's hashes show an altered row,
//! but whoever can write the table can also recompute every hash and the head after it.
//! So the head is signed now and then (a checkpoint: by the scheduler when the log moved,
//! or on demand) with a key the database never holds, and the checkpoint is written to the
//! object store. `verify` then checks the chain against every checkpoint: a rewritten
//! history no longer has, at a checkpoint's row, the hash that was signed there.

use ed25519_dalek::SigningKey;

use super::audit_log::{self, Verdict as ChainVerdict};
use super::store::Store;
use super::{AnchorConfig, AuditEntry, Caller, Services, audit};
use crate::db::{self, DbConn, Pool};
use crate::domain::audit::GENESIS;
use crate::domain::audit_anchor::{self as anchor, Checkpoint, Problem};
use crate::domain::policy::Action;
use crate::error::{AppError, AppResult};

/// What a request for a checkpoint did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// A new checkpoint was signed and stored.
    New(Checkpoint),
    /// The newest checkpoint is already at the head: nothing was written.
    Current(Checkpoint),
    /// The log has no rows yet.
    Empty,
}

impl Taken {
    /// One line for the log, the command and the admin's message.
    pub fn describe(&self) -> String {
        match self {
            Taken::New(cp) => format!(
                "checkpoint {} signed at row {} ({})",
                anchor::label(cp.seq),
                cp.seq,
                cp.at
            ),
            Taken::Current(cp) => format!(
                "the log has not moved since checkpoint {}",
                anchor::label(cp.seq)
            ),
            Taken::Empty => "the log is empty: nothing to sign".into(),
        }
    }
}

const NO_KEY: &str = "No audit signing key is configured (HANDOFF_AUDIT_KEY_FILE, \
    HANDOFF_AUDIT_KEY, or the data folder's audit-signing.key that `handoff serve` creates).";

fn no_key() -> AppError {
    AppError::Conflict(NO_KEY.into())
}

/// Reads a stored checkpoint.
fn read(store: &Store, name: &str) -> AppResult<Result<Checkpoint, Problem>> {
    Ok(match store.get_object(name)? {
        None => Err(Problem::Unreadable("it is gone".into())),
        Some(bytes) => {
            serde_json::from_slice(&bytes).map_err(|e| Problem::Unreadable(e.to_string()))
        }
    })
}

/// The checkpoints' names, in seq order (other files under the prefix are not ours).
fn names(store: &Store) -> AppResult<Vec<String>> {
    let mut names = store.list_objects(anchor::PREFIX)?;
    names.retain(|n| anchor::seq_of_name(n).is_some());
    Ok(names)
}

/// The newest readable checkpoint.
fn newest(store: &Store) -> AppResult<Option<Checkpoint>> {
    match names(store)?.last() {
        Some(name) => Ok(read(store, name)?.ok()),
        None => Ok(None),
    }
}

/// Signs the head unless the newest checkpoint is already there. Never signs a chain that
/// does not verify from the newest checkpoint this key signed (or from the start): a
/// signature over a history already rewritten would vouch for it.
fn take(
    conn: &mut DbConn,
    store: &Store,
    key: &SigningKey,
    now: chrono::NaiveDateTime,
) -> AppResult<Taken> {
    let (seq, hash) = db::audit::head(conn)?;
    let vk = key.verifying_key();
    // A newest checkpoint by another key (or forged) is no starting point; verify-audit
    // reports it.
    let ours = newest(store)?.filter(|cp| anchor::check_signature(cp, &vk).is_ok());
    if let Some(cp) = &ours
        && (cp.seq, cp.hash.as_str()) == (seq, hash.as_str())
    {
        return Ok(Taken::Current(cp.clone()));
    }
    let from = match ours {
        Some(cp) => {
            let row = db::audit::hash_at(conn, cp.seq)?;
            if let Err(p) = anchor::check(&cp, &vk, row.as_deref(), seq) {
                return Err(refused(&format!(
                    "checkpoint {} no longer matches: {p}",
                    anchor::label(cp.seq)
                )));
            }
            (cp.seq, cp.hash)
        }
        None => (0, GENESIS.to_string()),
    };
    if seq == 0 {
        return Ok(Taken::Empty);
    }
    if let ChainVerdict::Broken { seq, reason, .. } =
        audit_log::verify_range(conn, (from.0, &from.1), (seq, &hash))?
    {
        return Err(refused(&format!("row {seq}: {reason}")));
    }
    let cp = anchor::sign(key, seq, &hash, now);
    let json = serde_json::to_vec_pretty(&cp).map_err(anyhow::Error::from)?;
    store.put_object(&anchor::object_name(seq), &json)?;
    Ok(Taken::New(cp))
}

fn refused(why: &str) -> AppError {
    AppError::Conflict(format!(
        "The audit log does not verify ({why}); no checkpoint was signed. Run `handoff verify-audit`."
    ))
}

/// The scheduler's checkpoint: taken only when the log moved since the newest one.
pub fn scheduled(
    pool: &Pool,
    store: &Store,
    cfg: &AnchorConfig,
    now: chrono::NaiveDateTime,
) -> AppResult<String> {
    let key = cfg.key.as_deref().ok_or_else(no_key)?;
    let mut conn = pool.get()?;
    Ok(take(&mut conn, store, key, now)?.describe())
}

/// A checkpoint on demand, recorded in the log (which moves it past the checkpoint: the
/// scheduler's next one covers the record).
fn on_demand(svc: &Services, caller: &Caller) -> AppResult<Taken> {
    let key = svc.anchor.key.as_deref().ok_or_else(no_key)?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    let taken = take(&mut conn, &svc.store, key, now)?;
    let subject = match &taken {
        Taken::New(cp) | Taken::Current(cp) => anchor::label(cp.seq),
        Taken::Empty => String::new(),
    };
    db::write_tx(&mut conn, |c| {
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "audit_checkpoint",
                subject_type: "audit_checkpoint",
                subject_id: &subject,
                patient_id: None,
                detail: format!(
                    "{}; key {}",
                    taken.describe(),
                    anchor::fingerprint(&hex::encode(key.verifying_key().as_bytes()))
                ),
            },
        )
    })?;
    Ok(taken)
}

/// The admin's button.
pub fn checkpoint_by_admin(svc: &Services, caller: &Caller) -> AppResult<Taken> {
    caller.authorize(&Action::CheckpointAudit, "/admin/audit")?;
    on_demand(svc, caller)
}

/// `handoff audit-checkpoint`.
pub fn checkpoint_by_operator(svc: &Services) -> AppResult<Taken> {
    on_demand(svc, &Caller::system("handoff audit-checkpoint"))
}

/// The newest checkpoint, as the admin's audit page shows it.
pub struct Latest {
    pub label: String,
    pub at: String,
    pub fingerprint: String,
    /// Signed by the key this server is configured with.
    pub by_this_key: bool,
}

/// The newest checkpoint, for the clinic admin's audit page.
pub fn latest(svc: &Services, caller: &Caller) -> AppResult<Option<Latest>> {
    let clinic_id = caller.actor.clinic_id().unwrap_or_default();
    caller.authorize(&Action::ManageClinic { clinic_id }, "/admin/audit")?;
    let Some(cp) = newest(&svc.store)? else {
        return Ok(None);
    };
    let by_this_key = svc
        .anchor
        .key
        .as_ref()
        .is_some_and(|k| anchor::check_signature(&cp, &k.verifying_key()).is_ok());
    Ok(Some(Latest {
        label: anchor::label(cp.seq),
        at: cp.at.replace('T', " ").replace('Z', " UTC"),
        fingerprint: anchor::fingerprint(&cp.public_key),
        by_this_key,
    }))
}

/// The verifier's verdict on the chain and its checkpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The chain verifies and every checkpoint matches it.
    Ok { rows: i64, checkpoints: usize },
    /// The chain itself is broken (see [`audit_log::verify`]).
    Chain {
        seq: i64,
        id: String,
        reason: String,
    },
    /// The chain verifies on its own, but the first checkpoint named here no longer
    /// matches it.
    Checkpoint {
        seq: i64,
        at: String,
        problem: Problem,
    },
}

impl Verdict {
    /// What `handoff verify-audit` prints.
    pub fn describe(&self) -> String {
        match self {
            Verdict::Ok { rows, checkpoints } => {
                format!("ok, {rows} rows, {checkpoints} checkpoints")
            }
            Verdict::Chain { seq, id, reason } => {
                format!("audit chain broken at row {seq} {id}: {reason}")
            }
            Verdict::Checkpoint { seq, at, problem } => {
                let of = if at.is_empty() {
                    String::new()
                } else {
                    format!(" of {at}")
                };
                format!("checkpoint {}{of}: {problem}", anchor::label(*seq))
            }
        }
    }
}

/// Checks the chain, then every checkpoint against it: signed by the configured key, and
/// the row at its seq still has the hash it signed.
pub fn verify(svc: &Services) -> AppResult<Verdict> {
    let mut conn = svc.conn()?;
    let rows = match audit_log::verify(&mut conn)? {
        ChainVerdict::Ok { rows } => rows,
        ChainVerdict::Broken { seq, id, reason } => {
            return Ok(Verdict::Chain { seq, id, reason });
        }
    };
    let store = &svc.store;
    let names = names(store)?;
    let Some(key) = svc.anchor.key.as_deref() else {
        if names.is_empty() {
            return Ok(Verdict::Ok {
                rows,
                checkpoints: 0,
            });
        }
        return Err(AppError::Conflict(format!(
            "{NO_KEY} The {} checkpoints cannot be checked without it.",
            names.len()
        )));
    };
    let vk = key.verifying_key();
    // The head is read after the list: every checkpoint listed was taken at or before it,
    // so one past it is history deleted, not a checkpoint taken meanwhile.
    let (head_seq, _) = db::audit::head(&mut conn)?;
    for name in &names {
        let named = anchor::seq_of_name(name).unwrap_or_default();
        let broken = |at: &str, problem| Verdict::Checkpoint {
            seq: named,
            at: at.to_string(),
            problem,
        };
        let cp = match read(store, name)? {
            Ok(cp) => cp,
            Err(p) => return Ok(broken("", p)),
        };
        if cp.seq != named {
            return Ok(broken(&cp.at, Problem::Misnamed { named }));
        }
        let row = db::audit::hash_at(&mut conn, cp.seq)?;
        if let Err(p) = anchor::check(&cp, &vk, row.as_deref(), head_seq) {
            return Ok(broken(&cp.at, p));
        }
    }
    Ok(Verdict::Ok {
        rows,
        checkpoints: names.len(),
    })
}
