//! Delivery status notifications (RFC 3464 bounces) arriving on a referral's reply address
//! (letters go out with it as their envelope sender): the letter they name is marked not
//! delivered, with the reason, and the sender is told.

use mail_parser::{Message, MimeHeaders, PartType};

use super::Services;
use crate::db::{self, DbConn, referrals::Referral};
use crate::domain::inbound as rules;
use crate::error::AppResult;

/// What a delivery status notification says: its failed recipients and the Message-ID of
/// the message it reports on (from the returned headers), when given.
pub struct Report {
    failed: Vec<rules::DsnRecipient>,
    original_id: Option<String>,
}

/// The report of a bounce (`multipart/report` with a `message/delivery-status` part), or
/// `None` for any other message. Bounces travel with an empty envelope sender: a message
/// whose `Return-Path` (added by the delivering MTA) names a sender is not taken as one,
/// whatever it contains.
pub fn report_of(msg: &Message) -> Option<Report> {
    let null_sender = msg.header_values("Return-Path").all(|v| match v.as_text() {
        Some(t) => t.trim().trim_matches(['<', '>']).trim().is_empty(),
        None => v
            .as_address()
            .is_none_or(|a| a.first().and_then(|x| x.address()).is_none()),
    });
    if !null_sender {
        return None;
    }
    let mut status = None;
    let mut original_id = None;
    for part in &msg.parts {
        let Some(ct) = part.content_type() else {
            continue;
        };
        match (ct.ctype(), ct.subtype().unwrap_or("")) {
            ("message", "delivery-status") | ("message", "global-delivery-status") => {
                status = Some(String::from_utf8_lossy(part.contents()).to_string());
            }
            ("text", "rfc822-headers") => {
                let text = String::from_utf8_lossy(part.contents()).to_string();
                original_id = original_id.or_else(|| {
                    mail_parser::MessageParser::default()
                        .parse_headers(text.as_bytes())
                        .and_then(|m| m.message_id().map(str::to_string))
                });
            }
            _ => {
                if let PartType::Message(m) = &part.body {
                    original_id = original_id.or_else(|| m.message_id().map(str::to_string));
                }
            }
        }
    }
    let status = status?;
    Some(Report {
        failed: rules::parse_dsn(&status)
            .into_iter()
            .filter(|r| r.failed())
            .collect(),
        original_id,
    })
}

/// What a report did.
pub enum Recorded {
    /// A letter of this referral was marked not delivered.
    Marked,
    /// This report was received before: nothing changed.
    Again,
    /// It names no letter of this referral as failed (only a delay, or another address):
    /// nothing was marked, and why, for the caller to show the sender.
    NoLetter(String),
}

/// Marks the reported message failed with the reason and tells the sender. The message is
/// the one the returned Message-ID names (the outbox id is its local part), or else the
/// latest one of this referral sent to the failed recipient; either way it must have gone
/// to that recipient.
pub fn record(
    svc: &Services,
    conn: &mut DbConn,
    r: &Referral,
    report: &Report,
    key: &str,
) -> AppResult<Recorded> {
    let now = svc.now();
    db::write_tx(conn, |c| {
        if db::mail::seen_inbound(c, key)? {
            return Ok(Recorded::Again);
        }
        let mails = db::mail::for_referral(c, &r.id)?;
        let local = report
            .original_id
            .as_deref()
            .map(|mid| mid.trim_matches(['<', '>']).split('@').next().unwrap_or(""));
        let mut marked = Vec::new();
        for failed in &report.failed {
            let to = rules::mailbox_key(&failed.recipient);
            let m = mails
                .iter()
                .filter(|m| rules::mailbox_key(&m.to_addr) == to)
                .find(|m| match local {
                    Some(id) if mails.iter().any(|x| x.id == id) => m.id == id,
                    _ => matches!(m.status.as_str(), "sent" | "sending"),
                });
            if let Some(m) = m {
                marked.push((m, failed));
            }
        }
        if marked.is_empty() {
            return Ok(Recorded::NoLetter(if report.failed.is_empty() {
                "a delivery report that reports no failure (a delay, or a success)".into()
            } else {
                "a delivery report about a message this referral did not send".into()
            }));
        }
        if !db::mail::record_inbound(c, key, &r.id, "bounce", now)? {
            return Ok(Recorded::Again);
        }
        for (m, failed) in marked {
            let reason = failed.reason();
            let detail = format!("{} {}", failed.status, failed.diagnostic);
            if db::mail::mark_undeliverable(c, &m.id, detail.trim(), &reason, false)? == 1 {
                super::mail::undeliverable(&svc.mail, c, now, m, &reason)?;
            }
        }
        Ok(Recorded::Marked)
    })
}
