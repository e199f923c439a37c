//! The audit chain: how a row is reduced to canonical bytes and hashed, and how a chain is
//! checked. Pure: the database layer stores and reads rows, this decides what is valid.

use sha2::{Digest, Sha256};

/// The hash the first row links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The content of a row that the hash covers, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content<'a> {
    pub seq: i64,
    pub id: &'a str,
    /// UTC, microseconds, as `%Y-%m-%dT%H:%M:%S%.6f`.
    pub at: &'a str,
    pub actor_id: Option<&'a str>,
    pub actor_role: &'a str,
    pub on_behalf_of: Option<&'a str>,
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: &'a str,
    pub patient_id: Option<&'a str>,
    pub clinic_id: Option<&'a str>,
    pub ip: &'a str,
    pub user_agent: &'a str,
    pub detail: &'a str,
}

/// The canonical bytes: every field length-prefixed, so no choice of field contents can
/// make two different rows serialize alike.
pub fn canonical(c: &Content<'_>) -> Vec<u8> {
    let seq = c.seq.to_string();
    let fields: [Option<&str>; 14] = [
        Some(&seq),
        Some(c.id),
        Some(c.at),
        c.actor_id,
        Some(c.actor_role),
        c.on_behalf_of,
        Some(c.action),
        Some(c.subject_type),
        Some(c.subject_id),
        c.patient_id,
        c.clinic_id,
        Some(c.ip),
        Some(c.user_agent),
        Some(c.detail),
    ];
    let mut out = Vec::with_capacity(256);
    for f in fields {
        match f {
            None => out.extend_from_slice(b"-;"),
            Some(v) => {
                out.extend_from_slice(v.len().to_string().as_bytes());
                out.push(b':');
                out.extend_from_slice(v.as_bytes());
                out.push(b';');
            }
        }
    }
    out
}

/// The row's hash: SHA-256 over the previous hash and the canonical content, hex.
pub fn hash(prev_hash: &str, c: &Content<'_>) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(canonical(c));
    hex::encode(h.finalize())
}

/// Why a row does not fit the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The sequence skips or repeats (a row was removed or inserted).
    Sequence { expected: i64, found: i64 },
    /// The row does not link to the previous row's hash.
    Link,
    /// The row's content does not match its hash (it was altered).
    Content,
}

/// Checks one row against the previous row's (seq, hash).
pub fn check(
    prev_seq: i64,
    prev_hash: &str,
    row_prev_hash: &str,
    row_hash: &str,
    c: &Content<'_>,
) -> Result<(), Break> {
    if c.seq != prev_seq + 1 {
        return Err(Break::Sequence {
            expected: prev_seq + 1,
            found: c.seq,
        });
    }
    if row_prev_hash != prev_hash {
        return Err(Break::Link);
    }
    if hash(prev_hash, c) != row_hash {
        return Err(Break::Content);
    }
    Ok(())
}

/// The referral steps the patient's log shows, with their words; the others (a rejection,
/// the doctors' back-and-forth) the patient never sees, as the referral page also hides them.
pub const SHOWN_STEPS: [(&str, &str); 7] = [
    ("submit", "access-submitted"),
    ("approve", "access-approved"),
    ("decline", "access-declined"),
    ("require_visit", "access-require-visit"),
    ("accept", "access-accepted"),
    ("complete", "access-completed"),
    ("cancel", "access-cancelled"),
];

/// Actions the patient's log never shows.
pub const HIDDEN_ACTIONS: [&str; 3] =
    ["referral_redirected", "referral_edited", "referral_created"];

/// The patient's words for an audit row (a message key and a detail), or `None` for rows
/// they are never shown ([`SHOWN_STEPS`], [`HIDDEN_ACTIONS`]). The access log's query
/// leaves those out already, by the same two lists.
pub fn patient_words(action: &str, detail: &str) -> Option<(&'static str, String)> {
    if HIDDEN_ACTIONS.contains(&action) {
        return None;
    }
    let key = match action {
        "chart_viewed" => "access-chart-viewed",
        "file_downloaded" => return Some(("access-file-downloaded", detail.to_string())),
        "snapshot_viewed" => "access-snapshot-viewed",
        "referral_viewed" => "access-referral-viewed",
        "referral_transition" => {
            let step = detail.split(':').next().unwrap_or(detail);
            SHOWN_STEPS.iter().find(|(s, _)| *s == step)?.1
        }
        "consent_recorded" => "access-consent-recorded",
        "consent_withdrawn" => "access-consent-withdrawn",
        "care_team_added" => return Some(("access-care-team-added", detail.to_string())),
        "thread_viewed" => "access-thread-viewed",
        "message_sent" => "access-message-sent",
        "patient_link_used" => "access-link-used",
        "email_sent" => "access-email-sent",
        "patient_link_refused" => "access-link-refused",
        other => return Some(("access-other", other.replace('_', " "))),
    };
    Some((key, String::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(seq: i64, detail: &'static str) -> Content<'static> {
        Content {
            seq,
            id: "r",
            at: "2026-11-22T10:00:00.000000",
            actor_id: Some("u1"),
            actor_role: "practitioner",
            on_behalf_of: None,
            action: "chart_viewed",
            subject_type: "patient",
            subject_id: "p1",
            patient_id: Some("p1"),
            clinic_id: Some("c1"),
            ip: "127.0.0.1",
            user_agent: "test",
            detail,
        }
    }

    #[test]
    fn a_chain_checks_and_any_change_breaks_it() {
        let a = row(1, "");
        let ha = hash(GENESIS, &a);
        assert_eq!(check(0, GENESIS, GENESIS, &ha, &a), Ok(()));
        let b = row(2, "second");
        let hb = hash(&ha, &b);
        assert_eq!(check(1, &ha, &ha, &hb, &b), Ok(()));
        let forged = row(2, "forged");
        assert_eq!(check(1, &ha, &ha, &hb, &forged), Err(Break::Content));
        assert_eq!(check(1, &ha, GENESIS, &hb, &b), Err(Break::Link));
        assert_eq!(
            check(2, &hb, &hb, &hb, &b),
            Err(Break::Sequence {
                expected: 3,
                found: 2
            })
        );
    }

    #[test]
    fn field_boundaries_are_unambiguous() {
        let mut x = row(1, "");
        x.subject_type = "ab";
        x.subject_id = "c";
        let mut y = row(1, "");
        y.subject_type = "a";
        y.subject_id = "bc";
        assert_ne!(canonical(&x), canonical(&y));
        let mut z = row(1, "");
        z.patient_id = None;
        let mut w = row(1, "");
        w.patient_id = Some("-");
        assert_ne!(canonical(&z), canonical(&w));
    }

    #[test]
    fn the_patient_reads_the_steps_they_are_shown_and_never_the_others() {
        assert_eq!(
            patient_words("referral_transition", "accept: sent -> accepted"),
            Some(("access-accepted", String::new()))
        );
        // A rejection and the doctors' back-and-forth stay between the doctors.
        assert_eq!(
            patient_words("referral_transition", "reject: sent -> rejected"),
            None
        );
        assert_eq!(
            patient_words("referral_transition", "request_info: x"),
            None
        );
        for hidden in HIDDEN_ACTIONS {
            assert_eq!(patient_words(hidden, ""), None, "{hidden}");
        }
        assert_eq!(
            patient_words("file_downloaded", "ecg.pdf"),
            Some(("access-file-downloaded", "ecg.pdf".into()))
        );
    }
}
