//! A queued message as it is sent: placeholders filled (`{link}`, `{plink}`, `{join}`,
//! `{app}`), the letter or the calendar entry attached, Reply-To and envelope set.

use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use super::context::MailConfig;
use crate::db::{self, DbConn, mail::Mail};
use crate::error::{AppError, AppResult};

/// Fills `{join}` of an invitation mail with the invitation's link. Only a message queued
/// with an invitation id gets one: text typed into any other mail (a referral's reason, a
/// name) can never turn into a working invitation link.
fn fill_invitation(
    conn: &mut DbConn,
    cfg: &MailConfig,
    m: &Mail,
    body: String,
) -> AppResult<String> {
    let Some(id) = &m.invitation_id else {
        return Ok(body);
    };
    let inv = db::invitations::get(conn, id)?;
    Ok(body.replace("{join}", &cfg.invitation_url(&inv.nonce)))
}

fn mailbox(addr: &str, name: &str) -> AppResult<Mailbox> {
    let address = addr
        .parse()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("bad address {addr}: {e}")))?;
    Ok(Mailbox::new(Some(name.to_string()), address))
}

/// The message as it will be sent: placeholders filled, letter attached, Reply-To set.
pub(super) fn build(conn: &mut DbConn, cfg: &MailConfig, m: &Mail) -> AppResult<Message> {
    let link = match &m.link_id {
        Some(id) => Some(db::mail::get_link(conn, id)?),
        None => None,
    };
    let url = link.as_ref().map(|l| cfg.link_url(&l.nonce));
    let body = m
        .body
        .replace("{link}", url.as_deref().unwrap_or("(no link)"))
        .replace("{app}", cfg.settings.public_url.trim_end_matches('/'));
    // Only a message queued with a patient link gets its URL (as for invitations: text
    // typed into a referral can never become a working link).
    let body = match &m.patient_link_id {
        Some(id) => {
            // The link the referral has now: one re-sent since this mail was queued
            // replaces the one it named (withdrawn, it would only open a 403 page).
            let pl = db::patient_links::get(conn, id)?;
            let newest = db::patient_links::for_referral(conn, &pl.referral_id)?
                .into_iter()
                .find(|l| l.revoked_at.is_none())
                .unwrap_or(pl);
            body.replace("{plink}", &cfg.patient_link_url(&newest.nonce))
        }
        None => body,
    };
    let body = fill_invitation(conn, cfg, m, body)?;
    let from: Mailbox = cfg
        .settings
        .mail_from
        .parse()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("HANDOFF_MAIL_FROM: {e}")))?;
    let mut b = Message::builder()
        .from(from)
        .to(mailbox(&m.to_addr, &m.to_name)?)
        .subject(m.subject.clone())
        .message_id(Some(format!("<{}@{}>", m.id, cfg.settings.reply_domain)));
    if let (Some(rid), true) = (&m.referral_id, m.kind.starts_with("external")) {
        let reply = cfg.reply_address(rid);
        b = b.reply_to(mailbox(&reply, "Handoff referral")?);
        // Bounces go to the envelope sender: make it the reply address, so that a delivery
        // report comes back tagged with its referral.
        let envelope = lettre::address::Envelope::new(
            Some(reply.parse().map_err(|e| {
                AppError::Internal(anyhow::anyhow!("bad reply address {reply}: {e}"))
            })?),
            vec![m.to_addr.parse().map_err(|e| {
                AppError::Internal(anyhow::anyhow!("bad address {}: {e}", m.to_addr))
            })?],
        )
        .map_err(|e| AppError::Internal(anyhow::anyhow!("envelope: {e}")))?;
        b = b.envelope(envelope);
    }
    let text = SinglePart::plain(body);
    let msg = if m.attach_letter {
        let rid = m.referral_id.as_deref().unwrap_or_default();
        let r = db::referrals::get(conn, rid)?;
        let letter_link = match (&link, &url) {
            (Some(l), Some(u)) => Some(super::letter::LetterLink {
                url: u.clone(),
                expires: l.expires_at.format("%-d %B %Y").to_string(),
                reply_to: cfg.reply_address(rid),
            }),
            _ => None,
        };
        // Typeset once per message: not worth a trip to the letter cache.
        let pdf = super::letter::render(conn, None, &r, letter_link.as_ref())?;
        b.multipart(
            MultiPart::mixed().singlepart(text).singlepart(
                Attachment::new("referral-letter.pdf".into())
                    .body(pdf, ContentType::parse("application/pdf").expect("valid")),
            ),
        )
    } else if let Some(ics) = &m.calendar {
        // The entry's own METHOD (REQUEST or CANCEL) goes in the content type too, as
        // iTIP asks, so mail programs offer "add to calendar" / "remove".
        let method = if ics.contains("\r\nMETHOD:CANCEL\r\n") {
            "CANCEL"
        } else {
            "REQUEST"
        };
        let kind = ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
            .map_err(|e| AppError::Internal(anyhow::anyhow!("calendar type: {e}")))?;
        b.multipart(
            MultiPart::mixed()
                .singlepart(text)
                .singlepart(Attachment::new("visit.ics".into()).body(ics.clone(), kind)),
        )
    } else {
        b.singlepart(text)
    };
    msg.map_err(|e| AppError::Internal(anyhow::anyhow!("building mail: {e}")))
}
