//! Referrals to doctors outside the network: the external recipient, the signed link and
//! what its holder may do, the letter download, revoking and re-sending, and replies that
//! arrive by e-mail.

use chrono::NaiveDateTime;
use mail_parser::MimeHeaders;

use super::referrals::access::{Change, EventRow, event, load_for, log_change};
use super::referrals::attachments::{NewAttachment, record_files, stage_files};
use super::{AuditEntry, Caller, Services, audit, audit_for_clinic};
use crate::db::{self, DbConn, referrals::Referral};
use crate::domain::forms::FieldErrors;
use crate::domain::mail as rules;
use crate::domain::policy::Actor;
use crate::domain::referral::offers::Upload;
use crate::domain::referral::{Party, Status};
use crate::error::{AppError, AppResult};

/// Whether a user is a doctor outside the network.
pub fn is_external(c: &mut DbConn, user_id: &str) -> AppResult<bool> {
    Ok(db::mail::is_external_doctor(c, user_id)?)
}

/// A presented link that checked out: who acts (the outside doctor, on this referral only).
pub struct LinkHolder {
    pub caller: Caller,
    pub referral_id: String,
    pub nonce: String,
    pub expires_at: NaiveDateTime,
}

enum Check {
    Ok(LinkHolder),
    Revoked,
    Expired(NaiveDateTime, String),
}

/// Checks a presented token and records the use (or the refused attempt) in the audit log:
/// unknown or malformed tokens are 404, revoked links 403, expired links 410.
pub fn open_link(
    svc: &Services,
    token: &str,
    ip: &str,
    user_agent: &str,
    purpose: &str,
) -> AppResult<LinkHolder> {
    if !rules::token_well_formed(token) {
        return Err(AppError::NotFound);
    }
    let hash = rules::token_hash(token);
    let now = svc.now();
    let mut conn = svc.conn()?;
    let check = db::write_tx(&mut conn, |c| -> AppResult<Check> {
        let Some(link) = db::mail::link_by_hash(c, &hash)? else {
            return Err(AppError::NotFound);
        };
        let r = db::referrals::get(c, &link.referral_id)?;
        let caller = Caller {
            actor: Actor::External {
                user_id: r.receiver_id.clone(),
                referral_id: r.id.clone(),
                clinic_id: r.sender_clinic_id.clone(),
            },
            ip: ip.into(),
            user_agent: user_agent.into(),
        };
        let outcome = if link.revoked_at.is_some() {
            "refused (revoked)"
        } else if link.expires_at <= now {
            "refused (expired)"
        } else {
            db::mail::touch_link(c, &link.id, now)?;
            "used"
        };
        audit(
            c,
            now,
            &caller,
            AuditEntry {
                action: if outcome == "used" {
                    "link_used"
                } else {
                    "link_refused"
                },
                subject_type: "referral",
                subject_id: &r.id,
                patient_id: Some(&r.patient_id),
                detail: format!("{purpose}: {outcome}"),
            },
        )?;
        Ok(if link.revoked_at.is_some() {
            Check::Revoked
        } else if link.expires_at <= now {
            let sender = db::users::get(c, &r.sender_id)?.display_name;
            Check::Expired(link.expires_at, sender)
        } else {
            Check::Ok(LinkHolder {
                caller,
                referral_id: r.id,
                nonce: link.nonce,
                expires_at: link.expires_at,
            })
        })
    })?;
    match check {
        Check::Ok(h) => Ok(h),
        Check::Revoked => Err(AppError::Forbidden(
            "This link was withdrawn by the practitioner who sent it. Ask them for a new one."
                .into(),
        )),
        Check::Expired(at, sender) => Err(AppError::Gone(format!(
            "This link expired on {} UTC. Ask {sender}, who sent the referral, to send a new one.",
            at.format("%-d %B %Y")
        ))),
    }
}

/// The letter for the link holder, with their link printed in it.
pub fn letter_for_link(svc: &Services, h: &LinkHolder) -> AppResult<Vec<u8>> {
    let mut conn = svc.conn()?;
    let (r, _, _) = load_for(&mut conn, &h.caller, &h.referral_id)?;
    let link = super::letter::LetterLink {
        url: svc.mail.link_url(&h.nonce),
        expires: h.expires_at.format("%-d %B %Y").to_string(),
        reply_to: svc.mail.reply_address(&r.id),
    };
    super::letter::render(&mut conn, &r, Some(&link))
}

/// The letter for the sender or an in-network receiver (a view of patient data: audited).
pub fn letter_for_member(svc: &Services, caller: &Caller, id: &str) -> AppResult<Vec<u8>> {
    let mut conn = svc.conn()?;
    let (r, party, status) = load_for(&mut conn, caller, id)?;
    if !matches!(party, Party::Sender | Party::Receiver) || status == Status::Draft {
        return Err(AppError::NotFound);
    }
    svc.record_view(
        caller,
        AuditEntry {
            action: "letter_downloaded",
            subject_type: "referral",
            subject_id: id,
            patient_id: Some(&r.patient_id),
            detail: String::new(),
        },
    )?;
    super::letter::render(&mut conn, &r, None)
}

/// Posts a reply from the outside doctor (link page or e-mail) to the referral's timeline,
/// with its files, and tells the sender. `via` says how it came ("the link page", "e-mail").
pub fn reply(
    svc: &Services,
    caller: &Caller,
    id: &str,
    note: &str,
    files: Vec<NewAttachment>,
    via: &str,
) -> AppResult<()> {
    let files: Vec<NewAttachment> = files.into_iter().filter(|f| !f.bytes.is_empty()).collect();
    let mut e = FieldErrors::new();
    let note = crate::domain::forms::optional_text(&mut e, "reply", "Reply", note, 8000);
    if note.is_empty() && files.is_empty() {
        e.add("reply", "Write a reply or attach a file.");
    }
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let (typed, staged) = if files.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        stage_files(svc, &files)?
    };
    let now = svc.now();
    let me = caller.user_id()?.to_string();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let (r, party, status) = load_for(c, caller, id)?;
        if party != Party::Receiver {
            return Err(AppError::forbidden());
        }
        // The rule that shows the reply form (the caller holds this referral's link).
        if crate::domain::referral::offers::upload(status, party, true) != Some(Upload::Reply) {
            return Err(AppError::Conflict(format!(
                "This referral is “{}”: it takes no more replies.",
                status.label()
            )));
        }
        record_files(
            c,
            id,
            None,
            Upload::Reply,
            &files,
            &typed,
            &staged,
            &me,
            now,
        )?;
        let text = match (note.is_empty(), files.len()) {
            (false, 0) => format!("Reply by {via}: {note}"),
            (false, n) => format!("Reply by {via} with {n} file(s): {note}"),
            (true, n) => format!("Reply by {via}: {n} file(s)"),
        };
        event(
            c,
            id,
            now,
            Some(&me),
            EventRow {
                kind: "reply",
                from: None,
                to: None,
                note: &text,
                patient_visible: false,
            },
        )?;
        let who = db::users::get(c, &me)?.display_name;
        let patient = db::patients::get(c, &r.patient_id)?;
        super::mail::notify(
            &svc.mail,
            c,
            &r.sender_id,
            Some(id),
            &format!(
                "{who} replied about the referral of {} {}",
                patient.given_name, patient.family_name
            ),
            now,
        )?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "external_reply",
                subject_type: "referral",
                subject_id: id,
                patient_id: Some(&r.patient_id),
                detail: format!("by {via}, {} file(s)", files.len()),
            },
        )?;
        for st in staged {
            st.publish()?;
        }
        Ok(())
    })
}

fn sender_only(c: &mut DbConn, caller: &Caller, id: &str) -> AppResult<(Referral, Status)> {
    let (r, party, status) = load_for(c, caller, id)?;
    if party != Party::Sender {
        return Err(AppError::forbidden());
    }
    if !is_external(c, &r.receiver_id)? {
        return Err(AppError::NotFound);
    }
    Ok((r, status))
}

/// Withdraws every live link of the referral at once.
pub fn revoke(svc: &Services, caller: &Caller, id: &str) -> AppResult<usize> {
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let (r, _) = sender_only(c, caller, id)?;
        let n = db::mail::revoke_links(c, id, now)?;
        if n > 0 {
            log_change(
                c,
                caller,
                now,
                Change {
                    referral_id: id,
                    patient_id: &r.patient_id,
                    event: EventRow {
                        kind: "link_revoked",
                        from: None,
                        to: None,
                        note: "The link to the outside doctor was withdrawn",
                        patient_visible: false,
                    },
                    action: "link_revoked",
                    detail: format!("{n} link(s)"),
                },
            )?;
        }
        Ok(n)
    })
}

/// Sends the letter again with a new link; any live link is withdrawn first.
pub fn resend(svc: &Services, caller: &Caller, id: &str) -> AppResult<()> {
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let (r, status) = sender_only(c, caller, id)?;
        if !status.takes_replies() {
            return Err(AppError::Conflict(format!(
                "This referral is “{}”: there is nothing to send.",
                status.label()
            )));
        }
        db::mail::revoke_links(c, id, now)?;
        super::mail::queue_letter(&svc.mail, c, id, now)?;
        log_change(
            c,
            caller,
            now,
            Change {
                referral_id: id,
                patient_id: &r.patient_id,
                event: EventRow {
                    kind: "link_sent",
                    from: None,
                    to: None,
                    note: "The letter was sent again with a new link",
                    patient_visible: false,
                },
                action: "link_sent",
                detail: "re-sent".into(),
            },
        )?;
        Ok(())
    })
}

pub use super::delivery::{Delivery, LinkRow, MailRow};

/// Why an e-mail could not be posted.
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

/// Reads one raw e-mail and posts it to the timeline of the referral its reply address
/// names. Returns the referral id.
pub fn ingest(svc: &Services, raw: &[u8], source: &str) -> Result<String, IngestError> {
    let msg = mail_parser::MessageParser::default()
        .parse(raw)
        .ok_or(IngestError::Unreadable)?;
    let mut addresses: Vec<String> = Vec::new();
    for list in [msg.to(), msg.cc(), msg.bcc()].into_iter().flatten() {
        addresses.extend(list.iter().filter_map(|a| a.address().map(str::to_string)));
    }
    // MTAs record the envelope recipient here; the To line may not name it.
    for name in ["Delivered-To", "X-Original-To", "Envelope-To"] {
        for v in msg.header_values(name) {
            if let Some(t) = v.as_text() {
                addresses.push(t.trim().trim_matches(['<', '>']).to_string());
            }
        }
    }
    let tag = rules::find_reply_tag(&addresses, &svc.mail.settings.reply_domain)
        .ok_or(IngestError::BadTag)?;
    let id = rules::verify_reply_tag(&svc.mail.key, tag).ok_or(IngestError::BadTag)?;
    let unavailable = |e: AppError| match e {
        AppError::NotFound => IngestError::BadTag,
        AppError::Unavailable(m) => IngestError::Unavailable(m),
        other => IngestError::Refused(other.to_string()),
    };
    let mut conn = svc.conn().map_err(unavailable)?;
    let r = db::referrals::get(&mut conn, &id).map_err(|e| unavailable(e.into()))?;
    if !is_external(&mut conn, &r.receiver_id).map_err(unavailable)? {
        return Err(IngestError::BadTag);
    }
    // Withdrawing the link withdraws the reply address too (a letter sent to the wrong
    // person must not let them write into the referral); an expired link does not.
    let links = db::mail::links_for(&mut conn, &id).map_err(|e| unavailable(e.into()))?;
    if links.first().is_some_and(|l| l.revoked_at.is_some()) {
        return Err(IngestError::Refused(
            "the referring practitioner withdrew this referral's link and reply address".into(),
        ));
    }
    drop(conn);
    let from = msg
        .from()
        .and_then(|f| f.first())
        .and_then(|a| a.address())
        .unwrap_or("")
        .to_string();
    let caller = Caller {
        actor: Actor::External {
            user_id: r.receiver_id.clone(),
            referral_id: r.id.clone(),
            clinic_id: r.sender_clinic_id.clone(),
        },
        ip: source.into(),
        user_agent: format!("e-mail from {}", from.chars().take(200).collect::<String>()),
    };
    let text = msg.body_text(0).map(|t| t.to_string()).unwrap_or_default();
    let text = rules::strip_quoted(&text);
    // Mail clients add trailing spaces and odd line endings; keep the words, not the noise.
    let text: String = text
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .take(8000)
        .collect();
    // Mail clients attach signatures, vCards and invitations: those are left out (and
    // named in the timeline) rather than losing the doctor's reply over them.
    let (files, skipped): (Vec<NewAttachment>, Vec<NewAttachment>) = msg
        .attachments()
        .map(|a| NewAttachment {
            name: a.attachment_name().unwrap_or("attachment").to_string(),
            bytes: a.contents().to_vec(),
        })
        .partition(|f| crate::domain::files::sniff(&f.bytes[..f.bytes.len().min(512)]).is_some());
    let text = if skipped.is_empty() {
        text
    } else {
        let names: Vec<String> = skipped
            .iter()
            .map(|f| crate::domain::files::display_name(&f.name))
            .collect();
        format!(
            "{text}\n(Not kept, not an accepted file type: {})",
            names.join(", ")
        )
    };
    reply(svc, &caller, &id, &text, files, "e-mail").map_err(|e| match e {
        AppError::Invalid(f) => IngestError::Refused(
            f.iter()
                .map(|(_, m)| m.to_string())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        other => unavailable(other),
    })?;
    Ok(id)
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
