//! Mail arriving on a referral's reply address: replies (posted when they come from the
//! outside doctor, held for the sender otherwise), bounces of the letter, and duplicates.
//!
//! Nothing that arrives is silently dropped: a reply from an address that is not the
//! outside doctor's (or that the trusted mail server could not authenticate) is kept with
//! its raw message and shown to the referring practitioner, who posts or discards it; a
//! bounce marks the letter failed and tells the sender.

use mail_parser::{Message, MimeHeaders, PartType};

use super::external::{is_external, reply, sender_caring};
use super::referrals::access::{Change, EventRow, event, log_change};
use super::referrals::attachments::{NewAttachment, record_files, stage_files};
use super::{AuditEntry, Caller, Services, audit_for_clinic};
use crate::db::{self, referrals::Referral};
use crate::domain::inbound::{self as rules, SenderCheck};
use crate::domain::mail::{find_reply_tag, verify_reply_tag};
use crate::domain::policy::Actor;
use crate::domain::referral::offers::Upload;
use crate::domain::reply::visible_text;
use crate::error::{AppError, AppResult};

/// Why an e-mail could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("the message could not be read")]
    Unreadable,
    #[error("no valid reply address: the tag is unknown or forged")]
    BadTag,
    #[error("{0}")]
    Refused(String),
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
}

/// What became of a message that was taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    /// Posted to the timeline as the outside doctor's reply.
    Posted(String),
    /// Held for the referring practitioner: the sender could not be confirmed.
    Held(String),
    /// A delivery report: the letter it names is marked failed.
    Bounce(String),
    /// Seen before (same Message-ID): nothing posted again.
    Duplicate(String),
}

impl Ingested {
    /// What the MTA (or the webhook caller) is told.
    pub fn describe(&self) -> String {
        match self {
            Ingested::Posted(id) => format!("posted to referral {id}"),
            Ingested::Held(id) => {
                format!("held for the sender of referral {id}: unverified sender")
            }
            Ingested::Bounce(id) => format!("delivery report recorded on referral {id}"),
            Ingested::Duplicate(id) => format!("already received on referral {id}"),
        }
    }
}

fn unavailable(e: AppError) -> IngestError {
    match e {
        AppError::NotFound => IngestError::BadTag,
        AppError::Unavailable(m) => IngestError::Unavailable(m),
        AppError::Invalid(f) => IngestError::Refused(
            f.iter()
                .map(|(_, m)| m.to_string())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        AppError::Conflict(m) => IngestError::Refused(m),
        // A failure on our side (the file store, an unexpected database error): the MTA
        // keeps the message and tries again rather than bouncing it for good.
        AppError::Internal(e) => IngestError::Unavailable(e.to_string()),
        other => IngestError::Refused(other.to_string()),
    }
}

/// The key a message is remembered by on one referral: its Message-ID, or (without one) a
/// hash of it. One message sent to two referrals' addresses is taken by each.
fn message_key(referral_id: &str, msg: &Message, raw: &[u8]) -> String {
    match msg.message_id().map(str::trim).filter(|m| !m.is_empty()) {
        Some(id) => format!(
            "{referral_id}:mid:{}",
            id.chars().take(400).collect::<String>()
        ),
        None => format!(
            "{referral_id}:sha256:{}",
            hex::encode(<sha2::Sha256 as sha2::Digest>::digest(raw))
        ),
    }
}

/// Reads one raw e-mail sent to a referral's reply address and posts, holds or records it
/// (see the module's rules).
pub fn ingest(svc: &Services, raw: &[u8], source: &str) -> Result<Ingested, IngestError> {
    let msg = mail_parser::MessageParser::default()
        .parse(raw)
        .ok_or(IngestError::Unreadable)?;
    // The envelope recipient first, as the MTA recorded it: a message addressed to several
    // referrals' reply addresses is delivered once for each, and each delivery names its own.
    let mut addresses: Vec<String> = Vec::new();
    for name in ["Delivered-To", "X-Original-To", "Envelope-To"] {
        for v in msg.header_values(name) {
            if let Some(t) = v.as_text() {
                addresses.push(t.trim().trim_matches(['<', '>']).to_string());
            }
        }
    }
    for list in [msg.to(), msg.cc(), msg.bcc()].into_iter().flatten() {
        addresses.extend(list.iter().filter_map(|a| a.address().map(str::to_string)));
    }
    let tag =
        find_reply_tag(&addresses, &svc.mail.settings.reply_domain).ok_or(IngestError::BadTag)?;
    let id = verify_reply_tag(&svc.mail.key, tag).ok_or(IngestError::BadTag)?;
    let mut conn = svc.conn().map_err(unavailable)?;
    let r = db::referrals::get(&mut conn, &id).map_err(|e| unavailable(e.into()))?;
    if !is_external(&mut conn, &r.receiver_id).map_err(unavailable)? {
        return Err(IngestError::BadTag);
    }
    let key = message_key(&id, &msg, raw);
    let limit = svc.max_upload_bytes;
    if let Some(report) = super::bounce::report_of(&msg) {
        match super::bounce::record(svc, &mut conn, &r, &report, &key).map_err(unavailable)? {
            super::bounce::Recorded::Marked => return Ok(Ingested::Bounce(id)),
            super::bounce::Recorded::Again => return Ok(Ingested::Duplicate(id)),
            // A report that names no letter of this referral (or only a delay): shown to
            // the sender like any unconfirmed mail, not dropped.
            super::bounce::Recorded::NoLetter(why) => {
                drop(conn);
                let (text, files) = reply_content(&msg, limit);
                let from = sender_of(&msg);
                return hold(svc, &r, &from, &why, &text, &files, raw, &key).map_err(unavailable);
            }
        }
    }
    // Withdrawing the link withdraws the reply address too (a letter sent to the wrong
    // person must not let them write into the referral); an expired link does not.
    let links = db::mail::links_for(&mut conn, &id).map_err(|e| unavailable(e.into()))?;
    if links.first().is_some_and(|l| l.revoked_at.is_some()) {
        return Err(IngestError::Refused(
            "the referring practitioner withdrew this referral's link and reply address".into(),
        ));
    }
    // Only an outside doctor answers by e-mail; one who joined a clinic answers in Handoff.
    let Some(doctor) =
        db::mail::outside_address(&mut conn, &r.receiver_id).map_err(|e| unavailable(e.into()))?
    else {
        return Err(IngestError::Refused(
            "the doctor this referral went to now answers in Handoff, not by e-mail".into(),
        ));
    };
    drop(conn);
    let from = sender_of(&msg);
    let results: Vec<String> = msg
        .header_values("Authentication-Results")
        .filter_map(|v| v.as_text().map(str::to_string))
        .collect();
    let auth = rules::auth_results(&results, svc.mail.settings.mail_authserv_id.as_deref());
    let (text, files) = reply_content(&msg, limit);
    let check = rules::judge_reply(
        &from,
        &doctor,
        &auth,
        !(text.is_empty() && files.is_empty()),
    );
    match check {
        SenderCheck::Verified => {
            let caller = Caller {
                actor: Actor::External {
                    user_id: r.receiver_id.clone(),
                    referral_id: r.id.clone(),
                    clinic_id: r.sender_clinic_id.clone(),
                },
                ip: source.into(),
                user_agent: format!("e-mail from {}", from.chars().take(200).collect::<String>()),
            };
            let posted = reply(svc, &caller, &id, (&text, files), "e-mail", Some(&key))
                .map_err(unavailable)?;
            Ok(if posted {
                Ingested::Posted(id)
            } else {
                Ingested::Duplicate(id)
            })
        }
        SenderCheck::Unverified(why) => {
            hold(svc, &r, &from, &why, &text, &files, raw, &key).map_err(unavailable)
        }
    }
}

fn sender_of(msg: &Message) -> String {
    msg.from()
        .and_then(|f| f.first())
        .and_then(|a| a.address())
        .unwrap_or("")
        .to_string()
}

/// The text of a reply (quotes and signatures stripped, control characters out, at most
/// 8,000 characters) and its files; parts that are not an accepted file type (vCards,
/// invitations, signature images) or larger than `limit` bytes (or than four times it
/// together) are named in the text instead of refusing the reply.
fn reply_content(msg: &Message, limit: u64) -> (String, Vec<NewAttachment>) {
    let text: String = reply_text(msg)
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .take(8000)
        .collect();
    let (files, skipped): (Vec<NewAttachment>, Vec<NewAttachment>) = msg
        .attachments()
        .map(|a| NewAttachment {
            name: a.attachment_name().unwrap_or("attachment").to_string(),
            bytes: a.contents().to_vec(),
        })
        .partition(|f| crate::domain::files::sniff(&f.bytes[..f.bytes.len().min(512)]).is_some());
    let mut kept = Vec::new();
    let mut too_large = Vec::new();
    let mut total = 0u64;
    for f in files {
        let size = f.bytes.len() as u64;
        if size > limit || total + size > limit.saturating_mul(4) {
            too_large.push(crate::domain::files::display_name(&f.name));
        } else {
            total += size;
            kept.push(f);
        }
    }
    let mut text = text;
    if !skipped.is_empty() {
        let names: Vec<String> = skipped
            .iter()
            .map(|f| crate::domain::files::display_name(&f.name))
            .collect();
        text = format!(
            "{text}\n(Not kept, not an accepted file type: {})",
            names.join(", ")
        );
    }
    if !too_large.is_empty() {
        text = format!("{text}\n(Not kept, too large: {})", too_large.join(", "));
    }
    (text.trim_start().to_string(), kept)
}

/// The text the writer typed: the first `text/plain` body, or, for a message with only an
/// HTML body, that HTML turned into text (its blockquotes become ">" lines), then without
/// the quoted history and signatures.
fn reply_text(msg: &Message) -> String {
    let part = msg
        .text_body
        .first()
        .and_then(|i| msg.parts.get(*i as usize));
    let body = match part.map(|p| &p.body) {
        Some(PartType::Text(t)) => t.to_string(),
        Some(PartType::Html(h)) => html_to_text(h),
        _ => match msg.body_html(0) {
            Some(h) => html_to_text(&h),
            None => String::new(),
        },
    };
    visible_text(&body)
}

fn html_to_text(html: &str) -> String {
    // Wide enough that no line is wrapped: a wrapped attribution is harder to recognise.
    html2text::config::plain_no_decorate()
        .string_from_read(html.as_bytes(), 10_000)
        .unwrap_or_else(|_| html.to_string())
}

/// Keeps a reply whose sender could not be confirmed: the raw message goes to the file
/// store, a row says who it claims to be from and why it was held, and the sender is told.
#[expect(
    clippy::too_many_arguments,
    reason = "the referral, what the message claims, why it was held, and its bytes"
)]
fn hold(
    svc: &Services,
    r: &Referral,
    from: &str,
    why: &str,
    text: &str,
    files: &[NewAttachment],
    raw: &[u8],
    key: &str,
) -> AppResult<Ingested> {
    // The same bound as the webhook's: a stranger cannot park more than that per message.
    if raw.len() as u64 > svc.max_upload_bytes.saturating_mul(5) {
        return Err(AppError::TooLarge("The message is too large.".into()));
    }
    let staged = svc.store.stage(raw)?;
    let now = svc.now();
    let from = if from.is_empty() {
        "an unknown sender"
    } else {
        from
    };
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        if !db::mail::record_inbound(c, key, &r.id, "held", now)? {
            return Ok(Ingested::Duplicate(r.id.clone()));
        }
        let names: Vec<String> = files
            .iter()
            .map(|f| crate::domain::files::display_name(&f.name))
            .collect();
        db::mail::insert_held(
            c,
            &db::mail::HeldReply {
                id: db::new_id(),
                referral_id: r.id.clone(),
                from_addr: from.chars().take(254).collect(),
                reason: why.chars().take(300).collect(),
                note: text.to_string(),
                file_names: names.join("\n"),
                raw_name: staged.key.clone(),
                received_at: now,
                decision: None,
                decided_by: None,
                decided_at: None,
            },
        )?;
        event(
            c,
            &r.id,
            now,
            None,
            EventRow {
                kind: "reply_held",
                from: None,
                to: None,
                note: &format!("An e-mail reply from {from} is waiting for you: {why}"),
                patient_visible: false,
            },
        )?;
        let patient = db::patients::get(c, &r.patient_id)?;
        super::mail::notify(
            &svc.mail,
            c,
            &r.sender_id,
            Some(&r.id),
            &format!(
                "An unverified e-mail reply from {from} about the referral of {} {} is waiting for you",
                patient.given_name, patient.family_name
            ),
            now,
        )?;
        let system = Caller::system("mail ingest");
        audit_for_clinic(
            c,
            now,
            &system,
            Some(&r.sender_clinic_id),
            AuditEntry {
                action: "reply_held",
                subject_type: "referral",
                subject_id: &r.id,
                patient_id: Some(&r.patient_id),
                detail: format!("from {from}: {why}"),
            },
        )?;
        staged.publish()?;
        Ok(Ingested::Held(r.id.clone()))
    })
}

/// The sender posts a held reply to the timeline (as a reply from that address, posted by
/// them) or discards it. Decided once: a second decision is a conflict.
pub fn decide_held(
    svc: &Services,
    caller: &Caller,
    referral_id: &str,
    held_id: &str,
    post: bool,
) -> AppResult<()> {
    let mut conn = svc.conn()?;
    // Who asks comes first: nobody but the sender learns whether such a reply exists.
    sender_caring(&mut conn, caller, referral_id)?;
    let held = db::mail::get_held(&mut conn, held_id)?
        .filter(|h| h.referral_id == referral_id)
        .ok_or(AppError::NotFound)?;
    // Decided already: its stored message may be gone, and the answer is the same as when
    // two decide at once (the compare-and-set below).
    if held.decision.is_some() {
        return Err(AppError::Conflict(
            "This e-mail was already posted or discarded.".into(),
        ));
    }
    let (text, files) = if post {
        let raw = svc.store.read_all(&held.raw_name)?;
        let msg = mail_parser::MessageParser::default()
            .parse(&raw)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("held message unreadable")))?;
        reply_content(&msg, svc.max_upload_bytes)
    } else {
        (String::new(), Vec::new())
    };
    let (typed, staged) = if files.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        stage_files(svc, &files)?
    };
    let now = svc.now();
    let me = caller.user_id()?.to_string();
    db::write_tx(&mut conn, |c| {
        let (r, status) = sender_caring(c, caller, referral_id)?;
        if post && !crate::domain::referral::offers::sender_may_post_held(status) {
            return Err(AppError::Conflict(format!(
                "This referral is “{}”: it takes no more replies.",
                status.label()
            )));
        }
        let decision = if post { "posted" } else { "discarded" };
        if !db::mail::decide_held(c, held_id, decision, &me, now)? {
            return Err(AppError::Conflict(
                "This e-mail was already posted or discarded.".into(),
            ));
        }
        let who = db::users::get(c, &me)?.display_name;
        let from = &held.from_addr;
        let note = if post {
            record_files(
                c,
                referral_id,
                None,
                Upload::Reply,
                &files,
                &typed,
                &staged,
                &me,
                now,
            )?;
            crate::domain::referral::reply_note(
                &format!("e-mail from {from}, posted by {who}"),
                &text,
                files.len(),
            )
        } else {
            format!("The e-mail from {from} was discarded by {who}")
        };
        log_change(
            c,
            caller,
            now,
            Change {
                referral_id,
                patient_id: &r.patient_id,
                event: EventRow {
                    kind: if post { "reply" } else { "reply_discarded" },
                    from: None,
                    to: None,
                    note: &note,
                    patient_visible: false,
                },
                action: if post {
                    "held_reply_posted"
                } else {
                    "held_reply_discarded"
                },
                detail: format!("from {from}"),
            },
        )?;
        for st in staged {
            st.publish()?;
        }
        Ok(())
    })?;
    // Decided: the raw message has served (its files, if posted, are stored anew).
    svc.store.remove(&held.raw_name);
    Ok(())
}

/// Audits a refused e-mail under no clinic (its tag named none).
pub fn audit_refused_mail(svc: &Services, source: &str, why: &str) -> AppResult<()> {
    let now = svc.now();
    let mut conn = svc.conn()?;
    let caller = Caller {
        actor: Actor::Anonymous,
        ip: source.into(),
        user_agent: "mail ingest".into(),
    };
    db::write_tx(&mut conn, |c| {
        audit_for_clinic(
            c,
            now,
            &caller,
            None,
            AuditEntry {
                action: "mail_refused",
                subject_type: "mail",
                subject_id: "",
                patient_id: None,
                detail: why.chars().take(300).collect(),
            },
        )
    })
}
