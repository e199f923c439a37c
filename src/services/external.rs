//! Referrals to doctors outside the network: the external recipient, the signed link and
//! what its holder may do, the letter download, revoking and re-sending, and replies that
//! arrive by e-mail.

use chrono::NaiveDateTime;

use super::referrals::access::{Change, EventRow, event, load_for, log_change};
use super::referrals::attachments::{NewAttachment, record_files, stage_files};
use super::{AuditEntry, Caller, Services, audit};
use crate::db::{self, DbConn, referrals::Referral};
use crate::domain::forms::FieldErrors;
use crate::domain::mail as rules;
use crate::domain::mail::{OutsideRecipient, outside_recipient};
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
    // Guessing tokens is throttled per address: wrong tokens are counted, in the database.
    super::throttle::check(svc, svc.link_limit, ip)?;
    if !rules::token_well_formed(token) {
        super::throttle::refused(svc, svc.link_limit, ip)?;
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
        // A doctor who joined a clinic answers in Handoff: any link still about (one made
        // while they were joining) opens nothing.
        let revoked =
            link.revoked_at.is_some() || !db::mail::is_external_doctor(c, &r.receiver_id)?;
        let outcome = if revoked {
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
        Ok(if revoked {
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
    });
    let check = match check {
        Err(AppError::NotFound) => {
            super::throttle::refused(svc, svc.link_limit, ip)?;
            return Err(AppError::NotFound);
        }
        other => other?,
    };
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

/// The letter carries the clinical details: a party gets it only while
/// `offers::reads_shared` holds for them (the same rule that offers it).
fn may_have_letter(conn: &mut DbConn, r: &Referral, party: Party) -> AppResult<()> {
    if super::referrals::access::reads_shared(conn, r, party)? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The letter for the link holder, with their link printed in it.
pub fn letter_for_link(svc: &Services, h: &LinkHolder) -> AppResult<Vec<u8>> {
    let mut conn = svc.conn()?;
    let (r, party, _) = load_for(&mut conn, &h.caller, &h.referral_id)?;
    may_have_letter(&mut conn, &r, party)?;
    let link = super::letter::LetterLink {
        url: svc.mail.link_url(&h.nonce),
        expires: h.expires_at.format("%-d %B %Y").to_string(),
        reply_to: svc.mail.reply_address(&r.id),
    };
    super::letter::render(&mut conn, Some(&svc.store), &r, Some(&link))
}

/// The letter for the sender or an in-network receiver (a view of patient data: audited).
pub fn letter_for_member(svc: &Services, caller: &Caller, id: &str) -> AppResult<Vec<u8>> {
    let mut conn = svc.conn()?;
    let (r, party, status) = load_for(&mut conn, caller, id)?;
    if !matches!(party, Party::Sender | Party::Receiver) || status == Status::Draft {
        return Err(AppError::NotFound);
    }
    may_have_letter(&mut conn, &r, party)?;
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
    super::letter::render(&mut conn, Some(&svc.store), &r, None)
}

/// Posts a reply from the outside doctor (link page or e-mail) to the referral's timeline,
/// with its files, and tells the sender. `via` says how it came ("the link page", "e-mail").
/// A mail's `message_key` is remembered in the same transaction: the same message arriving
/// again posts nothing and returns `false`.
pub fn reply(
    svc: &Services,
    caller: &Caller,
    id: &str,
    (note, files): (&str, Vec<NewAttachment>),
    via: &str,
    message_key: Option<&str>,
) -> AppResult<bool> {
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
        if crate::domain::referral::offers::upload(status, party, true, false)
            != Some(Upload::Reply)
        {
            return Err(AppError::Conflict(format!(
                "This referral is “{}”: it takes no more replies.",
                status.label()
            )));
        }
        if let Some(key) = message_key
            && !db::mail::record_inbound(c, key, id, "posted", now)?
        {
            return Ok(false);
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
        let text = crate::domain::referral::reply_note(via, &note, files.len());
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
        Ok(true)
    })
}

/// The referral, for its sender only, when it went to a doctor outside the network.
pub fn sender_only(c: &mut DbConn, caller: &Caller, id: &str) -> AppResult<(Referral, Status)> {
    let (r, party, status) = load_for(c, caller, id)?;
    if party != Party::Sender {
        return Err(AppError::forbidden());
    }
    if !is_external(c, &r.receiver_id)? {
        return Err(AppError::NotFound);
    }
    Ok((r, status))
}

/// [`sender_only`], for what sends the referral's details again or shows what came back
/// (re-sending, correcting the address, held replies): only while the sender is in the
/// patient's care team (`offers::reads_shared`).
pub fn sender_caring(c: &mut DbConn, caller: &Caller, id: &str) -> AppResult<(Referral, Status)> {
    let (r, status) = sender_only(c, caller, id)?;
    if !super::referrals::access::reads_shared(c, &r, Party::Sender)? {
        return Err(AppError::Forbidden(
            "You are no longer in this patient's care team.".into(),
        ));
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
        let (r, status) = sender_caring(c, caller, id)?;
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

/// Corrects the outside doctor's address after the letter was not delivered, and sends
/// the letter again to it with a new link (the old link is withdrawn). Only an address that
/// serves this referral alone can be changed this way; one that belongs to another account
/// is refused beside the field.
pub fn correct_address(svc: &Services, caller: &Caller, id: &str, email: &str) -> AppResult<()> {
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        // Who asks comes first: only the sender learns anything about the address.
        let (r, status) = sender_caring(c, caller, id)?;
        let mut e = FieldErrors::new();
        let email = match crate::domain::people::normalize_email(email) {
            Ok(v) => v,
            Err(m) => {
                e.add("email", m);
                return Err(AppError::Invalid(e));
            }
        };
        // The same rule as the page's offer.
        let mails = db::mail::for_referral(c, id)?;
        let correctable = super::delivery::correctable(c, &mails, &r.receiver_id)?;
        if !crate::domain::referral::offers::sender_may_correct_address(status, correctable) {
            return Err(AppError::Conflict(
                "The address cannot be corrected here: the letter was delivered, or the doctor's address serves other referrals too. Start a new referral to the new address instead.".into(),
            ));
        }
        let old = db::mail::outside_address(c, &r.receiver_id)?.ok_or(AppError::NotFound)?;
        if old == email {
            e.add(
                "email",
                "This is the address the letter could not be delivered to.",
            );
            return Err(AppError::Invalid(e));
        }
        // The same rule as the composer's: a directory practitioner is refused, another
        // outside doctor's address would merge two doctors, any other account is nobody.
        match outside_recipient(db::mail::address_holder(c, &email)?) {
            OutsideRecipient::New => {}
            OutsideRecipient::InDirectory => {
                e.add(
                    "email",
                    "This address belongs to a practitioner in the network: start a new referral to them from the directory instead.",
                );
                return Err(AppError::Invalid(e));
            }
            OutsideRecipient::Existing(_) => {
                e.add(
                    "email",
                    "Another doctor outside the network already gets referrals at this address: start a new referral to it instead.",
                );
                return Err(AppError::Invalid(e));
            }
        }
        if !db::mail::set_external_email(c, &r.receiver_id, &old, &email)? {
            return Err(AppError::Conflict(
                "The address was changed meanwhile: reload the page.".into(),
            ));
        }
        db::mail::revoke_links(c, id, now)?;
        // An invitation to join went to the old address: it must not make that mailbox's
        // reader the doctor.
        db::invitations::withdraw_all_to(c, &r.receiver_id, now)?;
        super::mail::queue_letter(&svc.mail, c, id, now)?;
        log_change(
            c,
            caller,
            now,
            Change {
                referral_id: id,
                patient_id: &r.patient_id,
                event: EventRow {
                    kind: "address_corrected",
                    from: None,
                    to: None,
                    note: &format!(
                        "The outside doctor's address was corrected from {old} to {email}; the letter was sent again with a new link"
                    ),
                    patient_visible: false,
                },
                action: "address_corrected",
                detail: format!("{old} -> {email}"),
            },
        )?;
        Ok(())
    })
}
