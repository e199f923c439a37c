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
/// `None` for any other message.
pub fn report_of(msg: &Message) -> Option<Report> {
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

/// Marks the reported message failed with the reason and tells the sender. The message is
/// found by the returned Message-ID (the outbox id is its local part), or else as the
/// latest one of this referral sent to the failed recipient. `false`: this report was
/// received before, nothing changed.
pub fn record(
    svc: &Services,
    conn: &mut DbConn,
    r: &Referral,
    report: &Report,
    key: &str,
) -> AppResult<bool> {
    let now = svc.now();
    db::write_tx(conn, |c| {
        if !db::mail::record_inbound(c, key, &r.id, "bounce", now)? {
            return Ok(false);
        }
        let mails = db::mail::for_referral(c, &r.id)?;
        let by_id = report.original_id.as_deref().and_then(|mid| {
            let local = mid.trim_matches(['<', '>']).split('@').next().unwrap_or("");
            mails.iter().find(|m| m.id == local)
        });
        for failed in &report.failed {
            let to = rules::mailbox_key(&failed.recipient);
            let m = by_id.or_else(|| {
                mails.iter().find(|m| {
                    matches!(m.status.as_str(), "sent" | "sending")
                        && rules::mailbox_key(&m.to_addr) == to
                })
            });
            let Some(m) = m else {
                continue;
            };
            let reason = failed.reason();
            let detail = format!("{} {}", failed.status, failed.diagnostic);
            if db::mail::mark_undeliverable(c, &m.id, detail.trim(), &reason, false)? == 1 {
                super::mail::undeliverable(&svc.mail, c, now, m, &reason)?;
            }
        }
        Ok(true)
    })
}
