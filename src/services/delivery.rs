//! What the sender sees of an out-of-network referral: its links and its e-mail.

use chrono::NaiveDateTime;

use crate::db::{self, DbConn};
use crate::domain::mail as rules;
use crate::error::AppResult;

/// A link as the sender's referral page lists it.
pub struct LinkRow {
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub state: &'static str,
    pub uses: i64,
    pub last_used_at: Option<NaiveDateTime>,
}

/// A message as the sender's referral page lists it.
pub struct MailRow {
    pub created_at: NaiveDateTime,
    pub kind: &'static str,
    pub to: String,
    pub state: String,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
}

/// What the sender sees about an out-of-network referral.
pub struct Delivery {
    pub receiver_email: String,
    pub links: Vec<LinkRow>,
    pub mails: Vec<MailRow>,
    /// Why the newest letter was not delivered (refused for good or bounced), if it was not.
    pub undelivered: Option<String>,
    /// The letter was not delivered and the address is this referral's alone: the sender
    /// may correct it (offers decides with the status).
    pub address_correctable: bool,
    /// Replies waiting for the sender because their sender was not confirmed.
    pub held: Vec<HeldRow>,
}

impl Delivery {
    /// A link the outside doctor can still open.
    pub fn has_live_link(&self) -> bool {
        self.links.iter().any(|l| l.state == "valid")
    }
}

/// Links and mail of an out-of-network referral (for its sender: the caller checks).
pub fn delivery_of(
    c: &mut DbConn,
    referral_id: &str,
    (receiver_id, receiver_email): (&str, String),
    now: NaiveDateTime,
) -> AppResult<Delivery> {
    let links: Vec<LinkRow> = db::mail::links_for(c, referral_id)?
        .into_iter()
        .map(|l| LinkRow {
            state: if l.revoked_at.is_some() {
                "withdrawn"
            } else if l.expires_at <= now {
                "expired"
            } else {
                "valid"
            },
            created_at: l.created_at,
            expires_at: l.expires_at,
            uses: l.uses,
            last_used_at: l.last_used_at,
        })
        .collect();
    let rows = db::mail::for_referral(c, referral_id)?;
    let undelivered = newest_letter_failure(&rows);
    let address_correctable = correctable(c, &rows, receiver_id)?;
    let mails = rows
        .into_iter()
        .map(|m| MailRow {
            created_at: m.created_at,
            kind: match m.kind.as_str() {
                "external_referral" => "Referral letter",
                "external_update" => "Update",
                _ => "Notification",
            },
            to: m.to_addr,
            state: match &m.failure {
                Some(why) => format!("Not delivered: {why}"),
                None => rules::delivery_label(&m.status, m.attempts),
            },
            last_error: m.last_error,
            sent_at: m.sent_at,
        })
        .collect();
    Ok(Delivery {
        receiver_email,
        links,
        mails,
        undelivered,
        address_correctable,
        held: held_for(c, referral_id)?,
    })
}

/// A held reply as the sender's referral page shows it.
pub struct HeldRow {
    pub id: String,
    pub from: String,
    pub reason: String,
    pub note: String,
    pub files: Vec<String>,
    pub received_at: chrono::NaiveDateTime,
}

/// The held replies of a referral waiting for its sender (the caller checks the sender).
pub fn held_for(c: &mut DbConn, referral_id: &str) -> AppResult<Vec<HeldRow>> {
    Ok(db::mail::held_for(c, referral_id)?
        .into_iter()
        .map(|h| HeldRow {
            id: h.id,
            from: h.from_addr,
            reason: h.reason,
            note: h.note,
            files: h
                .file_names
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            received_at: h.received_at,
        })
        .collect())
}

/// Whether the outside doctor's address may be corrected on this referral (`mails`: its
/// mail, newest first): the newest letter was not delivered, and the account serves this
/// referral alone (it is shared by address, across clinics, whose letters a correction
/// must not redirect). The page's offer and the service ask this.
pub fn correctable(c: &mut DbConn, mails: &[db::mail::Mail], receiver_id: &str) -> AppResult<bool> {
    Ok(newest_letter_failure(mails).is_some() && db::mail::referrals_to(c, receiver_id)? == 1)
}

/// Why the newest letter of a referral (its mail, newest first) was not delivered, if so.
fn newest_letter_failure(mails: &[db::mail::Mail]) -> Option<String> {
    mails
        .iter()
        .find(|m| m.kind == "external_referral")
        .and_then(|m| m.failure.clone())
}
