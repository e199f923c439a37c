//! Checkpoints of the audit chain, signed with a key the database never holds. A checkpoint
//! names a row (its seq) and the hash the chain had there; because the signature needs the
//! key, someone who rewrote the whole table and recomputed every hash still cannot make the
//! checkpoints taken before agree with the new history. Pure: signing and checking only; the
//! services read the key, the store and the rows.

use std::fmt;

use chrono::NaiveDateTime;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Where checkpoints live in the object store (each `<seq zero-padded to 12>.json`).
pub const PREFIX: &str = "audit/checkpoints/";

/// Says what the signed bytes are, so a signature made for anything else never passes as a
/// checkpoint's.
const CONTEXT: &[u8] = b"handoff audit checkpoint v1\n";

/// A signed checkpoint, as stored (JSON).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    /// The row the checkpoint was taken at (the chain's head then).
    pub seq: i64,
    /// That row's hash.
    pub hash: String,
    /// When it was signed, UTC, as [`time_text`] writes it.
    pub at: String,
    /// The public key of the signer, hex.
    pub public_key: String,
    /// The ed25519 signature over [`canonical`]`(seq, hash, at)`, hex.
    pub signature: String,
}

/// The checkpoint's label: its seq zero-padded to 12 digits, as in its object name.
pub fn label(seq: i64) -> String {
    format!("{seq:012}")
}

/// The object name of the checkpoint taken at `seq`; names sort in seq order.
pub fn object_name(seq: i64) -> String {
    format!("{PREFIX}{}.json", label(seq))
}

/// The seq an object name stands for, if it is a checkpoint's name.
pub fn seq_of_name(name: &str) -> Option<i64> {
    let digits = name.strip_prefix(PREFIX)?.strip_suffix(".json")?;
    if digits.len() != 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The signing time as it is signed and stored.
pub fn time_text(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The bytes that are signed: a context line, then each field length-prefixed (as rows are
/// hashed), so no two different checkpoints sign alike.
pub fn canonical(seq: i64, hash: &str, at: &str) -> Vec<u8> {
    let mut out = CONTEXT.to_vec();
    for f in [seq.to_string().as_str(), hash, at] {
        out.extend_from_slice(f.len().to_string().as_bytes());
        out.push(b':');
        out.extend_from_slice(f.as_bytes());
        out.push(b';');
    }
    out
}

/// Signs the chain's head.
pub fn sign(key: &SigningKey, seq: i64, hash: &str, at: NaiveDateTime) -> Checkpoint {
    let at = time_text(at);
    let signature = key.sign(&canonical(seq, hash, &at));
    Checkpoint {
        seq,
        hash: hash.to_string(),
        at,
        public_key: hex::encode(key.verifying_key().as_bytes()),
        signature: hex::encode(signature.to_bytes()),
    }
}

/// Why a key could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the audit signing key must be 64 hex digits (a 32-byte ed25519 seed)")]
pub struct BadKey;

/// The signing key from its seed, written as 64 hex digits (surrounding space ignored).
pub fn key_from_hex(text: &str) -> Result<SigningKey, BadKey> {
    let bytes = hex::decode(text.trim()).map_err(|_| BadKey)?;
    let seed: [u8; 32] = bytes.try_into().map_err(|_| BadKey)?;
    Ok(SigningKey::from_bytes(&seed))
}

/// A short fingerprint of a public key (hex) for people to compare: the first 8 bytes of
/// the SHA-256 of its bytes, in groups of four hex digits.
pub fn fingerprint(public_key_hex: &str) -> String {
    let bytes = hex::decode(public_key_hex).unwrap_or_else(|_| public_key_hex.as_bytes().to_vec());
    Sha256::digest(&bytes)[..8]
        .chunks(2)
        .map(hex::encode)
        .collect::<Vec<_>>()
        .join(":")
}

/// Why a checkpoint no longer matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The stored file is not a checkpoint.
    Unreadable(String),
    /// The file's name and the seq it signs differ: it was moved or replaced.
    Misnamed { named: i64 },
    /// Signed by a key other than the configured one.
    OtherKey { fingerprint: String },
    /// The signature does not verify: a field was changed or the signature forged.
    BadSignature,
    /// The row at the checkpoint's seq has another hash now.
    Rewritten {
        seq: i64,
        row_hash: String,
        signed_hash: String,
    },
    /// The checkpoint names a row the database no longer has.
    Deleted { head_seq: i64 },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Unreadable(e) => write!(f, "the file is not a checkpoint ({e})"),
            Problem::Misnamed { named } => write!(
                f,
                "the file is named for row {named} but signs another row: it was moved or replaced"
            ),
            Problem::OtherKey { fingerprint } => write!(
                f,
                "signed by another key ({fingerprint}), not the configured audit key"
            ),
            Problem::BadSignature => {
                f.write_str("the signature does not verify: the checkpoint was altered or forged")
            }
            Problem::Rewritten {
                seq,
                row_hash,
                signed_hash,
            } => write!(
                f,
                "row {seq} has hash {row_hash}, the checkpoint signed {signed_hash}: history was rewritten"
            ),
            Problem::Deleted { head_seq } => write!(
                f,
                "the chain now ends at row {head_seq}: rows after it were deleted"
            ),
        }
    }
}

/// The signature check: signed by `key` (by its public key, then the signature itself).
pub fn check_signature(cp: &Checkpoint, key: &VerifyingKey) -> Result<(), Problem> {
    let ours = hex::encode(key.as_bytes());
    if cp.public_key != ours {
        return Err(Problem::OtherKey {
            fingerprint: fingerprint(&cp.public_key),
        });
    }
    let sig = hex::decode(&cp.signature)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b))
        .ok_or(Problem::BadSignature)?;
    key.verify_strict(&canonical(cp.seq, &cp.hash, &cp.at), &sig)
        .map_err(|_| Problem::BadSignature)
}

/// The whole check of one checkpoint: signed by `key`, and the row at its seq (whose hash
/// is `row_hash`, `None` if there is no such row) still has the hash it signed, while the
/// chain's head is at `head_seq`.
pub fn check(
    cp: &Checkpoint,
    key: &VerifyingKey,
    row_hash: Option<&str>,
    head_seq: i64,
) -> Result<(), Problem> {
    check_signature(cp, key)?;
    match row_hash {
        _ if cp.seq > head_seq => Err(Problem::Deleted { head_seq }),
        None => Err(Problem::Deleted { head_seq }),
        Some(h) if h != cp.hash => Err(Problem::Rewritten {
            seq: cp.seq,
            row_hash: h.to_string(),
            signed_hash: cp.hash.clone(),
        }),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> SigningKey {
        SigningKey::from_bytes(&[b; 32])
    }

    fn at() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
            .and_then(|d| d.and_hms_micro_opt(10, 0, 0, 123_456))
            .unwrap()
    }

    #[test]
    fn a_signed_checkpoint_checks_and_any_changed_field_fails() {
        let k = key(7);
        let vk = k.verifying_key();
        let cp = sign(&k, 42, "ab".repeat(32).as_str(), at());
        assert_eq!(cp.at, "2026-11-22T10:00:00.123456Z");
        assert_eq!(check(&cp, &vk, Some(&cp.hash), 50), Ok(()));
        let mut seq = cp.clone();
        seq.seq = 43;
        let mut hash = cp.clone();
        hash.hash = "cd".repeat(32);
        let mut time = cp.clone();
        time.at = "2026-11-22T10:00:01.123456Z".into();
        let mut sig = cp.clone();
        sig.signature = format!("00{}", &cp.signature[2..]);
        for forged in [seq, hash, time, sig] {
            assert_eq!(check_signature(&forged, &vk), Err(Problem::BadSignature));
        }
        let mut garbage = cp.clone();
        garbage.signature = "zz".into();
        assert_eq!(check_signature(&garbage, &vk), Err(Problem::BadSignature));
    }

    #[test]
    fn a_checkpoint_by_another_key_is_named_by_that_keys_fingerprint() {
        let theirs = sign(&key(9), 1, "h", at());
        let fp = fingerprint(&theirs.public_key);
        assert_eq!(
            check_signature(&theirs, &key(7).verifying_key()),
            Err(Problem::OtherKey { fingerprint: fp })
        );
        // Claiming our public key does not help: the signature is still theirs.
        let mut claimed = theirs;
        claimed.public_key = hex::encode(key(7).verifying_key().as_bytes());
        assert_eq!(
            check_signature(&claimed, &key(7).verifying_key()),
            Err(Problem::BadSignature)
        );
    }

    #[test]
    fn a_rewritten_or_deleted_row_no_longer_matches() {
        let k = key(7);
        let vk = k.verifying_key();
        let cp = sign(&k, 5, "good", at());
        assert_eq!(
            check(&cp, &vk, Some("forged"), 9),
            Err(Problem::Rewritten {
                seq: 5,
                row_hash: "forged".into(),
                signed_hash: "good".into(),
            })
        );
        assert_eq!(
            check(&cp, &vk, None, 4),
            Err(Problem::Deleted { head_seq: 4 })
        );
        // A row still there past a head moved back is deleted history too.
        assert_eq!(
            check(&cp, &vk, Some("good"), 3),
            Err(Problem::Deleted { head_seq: 3 })
        );
    }

    #[test]
    fn names_sort_by_seq_and_read_back() {
        assert_eq!(object_name(42), "audit/checkpoints/000000000042.json");
        assert_eq!(seq_of_name(&object_name(42)), Some(42));
        assert!(object_name(9) < object_name(10));
        assert_eq!(seq_of_name("audit/checkpoints/42.json"), None);
        assert_eq!(seq_of_name("audit/checkpoints/00000000004x.json"), None);
        assert_eq!(seq_of_name("other/000000000042.json"), None);
    }

    #[test]
    fn keys_read_from_hex_seeds_only() {
        let k = key_from_hex(&format!(" {}\n", "07".repeat(32))).unwrap();
        assert_eq!(k.verifying_key(), key(7).verifying_key());
        assert_eq!(key_from_hex("07").err(), Some(BadKey));
        assert_eq!(key_from_hex(&"zz".repeat(32)).err(), Some(BadKey));
        let fp = fingerprint(&hex::encode(k.verifying_key().as_bytes()));
        assert_eq!((fp.len(), fp.matches(':').count()), (19, 3));
    }

    #[test]
    fn field_boundaries_are_unambiguous() {
        assert_ne!(canonical(1, "2a", "b"), canonical(12, "a", "b"));
        assert_ne!(canonical(1, "ab", "c"), canonical(1, "a", "bc"));
    }
}
