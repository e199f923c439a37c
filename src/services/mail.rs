//! Mail: the outbox (rows written in the transaction of the change that causes them), the
//! worker that sends them through SMTP with retries, signed links for doctors outside the
//! network, and e-mail copies of notifications.
//!
//! No e-mail ever carries a link token in the database: the outbox stores `{link}` and the
//! link's id, and the worker derives the token from the link's nonce and the server key
//! when it sends.

use std::sync::mpsc::Sender;
use std::time::Duration;

use chrono::NaiveDateTime;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport};
use rand::RngCore;

use super::context::MailConfig;
use super::{AuditEntry, Caller, audit_for_clinic};
use crate::clock::SharedClock;
use crate::db::{self, DbConn, Pool, mail::Mail};
use crate::domain::inbound;
use crate::domain::mail as rules;
use crate::error::{AppError, AppResult};

/// A random 256-bit nonce (hex) for a link or an invitation; tokens derive from it.
pub fn new_nonce() -> String {
    let mut nonce = [0u8; 32];
    rand::rng().fill_bytes(&mut nonce);
    hex::encode(nonce)
}

/// A new signed link for a referral, valid for the configured number of days. Earlier
/// links stay as they are (revoke them first to replace them).
pub fn create_link(
    cfg: &MailConfig,
    c: &mut DbConn,
    referral_id: &str,
    created_by: &str,
    now: NaiveDateTime,
) -> AppResult<db::mail::Link> {
    let nonce = new_nonce();
    let token = rules::link_token(&cfg.key, &nonce);
    let link = db::mail::Link {
        id: db::new_id(),
        referral_id: referral_id.into(),
        token_hash: rules::token_hash(&token),
        nonce,
        created_by: created_by.into(),
        created_at: now,
        expires_at: now + chrono::Duration::days(cfg.settings.link_days.clamp(1, 365)),
        revoked_at: None,
        last_used_at: None,
        uses: 0,
    };
    db::mail::insert_link(c, &link)?;
    Ok(link)
}

/// A mail row to queue (`{link}` and `{app}` are filled in when sent).
pub(super) fn new_mail(
    kind: &str,
    to: (&str, &str),
    subject: String,
    body: String,
    (referral_id, link_id): (Option<&str>, Option<&str>),
    now: NaiveDateTime,
) -> Mail {
    // Only the first message to an outside doctor carries the letter.
    let attach_letter = kind == "external_referral";
    Mail {
        id: db::new_id(),
        kind: kind.into(),
        to_addr: to.0.into(),
        to_name: to.1.into(),
        subject,
        body,
        referral_id: referral_id.map(str::to_string),
        link_id: link_id.map(str::to_string),
        attach_letter,
        status: "queued".into(),
        attempts: 0,
        next_attempt_at: now,
        last_error: None,
        created_at: now,
        sent_at: None,
        failure: None,
        invitation_id: None,
        calendar: None,
        patient_link_id: None,
        appointment_id: None,
    }
}

/// Queues the letter to an outside doctor with a fresh link (first hand-over, or the
/// sender re-sending after revoking).
pub fn queue_letter(
    cfg: &MailConfig,
    c: &mut DbConn,
    referral_id: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let r = db::referrals::get(c, referral_id)?;
    let receiver = db::users::get(c, &r.receiver_id)?;
    let address = db::mail::outside_address(c, &r.receiver_id)?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a letter to a network practitioner")))?;
    let (sender, sender_p) = db::users::get_practitioner(c, &r.sender_id)?;
    let clinic = db::clinics::get(c, &r.sender_clinic_id)?;
    let link = create_link(cfg, c, referral_id, &r.sender_id, now)?;
    let body = format!(
        "Dear {receiver},\n\n\
         {sender} ({specialty}, {clinic}, {city}) has referred a patient to you through Handoff.\n\
         Priority: {priority}. Reason: {reason}\n\n\
         The referral letter is attached as a PDF. To answer it (accept, ask for information,\n\
         decline, or send your outcome), open this personal link; no account is needed:\n\n\
         {{link}}\n\n\
         The link is valid until {expires} UTC. Please do not forward it.\n\
         You can also reply to this e-mail: your reply and its attachments reach {sender}.\n\n\
         -- \nHandoff, on behalf of {clinic}\n",
        receiver = receiver.display_name,
        sender = sender.display_name,
        specialty = sender_p.specialty,
        clinic = clinic.name,
        city = clinic.city,
        priority = r.priority,
        reason = r.reason,
        expires = link.expires_at.format("%-d %B %Y %H:%M"),
    );
    let m = new_mail(
        "external_referral",
        (&address, &receiver.display_name),
        format!("Referral from {} ({})", sender.display_name, clinic.name),
        body,
        (Some(referral_id), Some(&link.id)),
        now,
    );
    db::mail::queue(c, &m)?;
    Ok(())
}

/// Writes an in-app notification and, by e-mail: to an outside doctor (with their link,
/// the first time with the letter), or to a user who opted in to e-mail notifications
/// (without any patient details: the mail only says there is something to read).
pub fn notify(
    cfg: &MailConfig,
    c: &mut DbConn,
    user_id: &str,
    referral_id: Option<&str>,
    body: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let (user, outside, by_email) = db::users::notice_target(c, user_id)?;
    // A service reads nothing itself: the people in its queue do.
    if crate::domain::service::is_service_address(&user.email) {
        for person in db::services::queue_people(c, user_id)? {
            notify(cfg, c, &person, referral_id, body, now)?;
        }
        return Ok(());
    }
    db::threads::notify(c, user_id, referral_id, body, now)?;
    if let Some(address) = outside {
        let Some(rid) = referral_id else {
            return Ok(());
        };
        let links = db::mail::links_for(c, rid)?;
        let link = match links.first() {
            // The referral reaches them for the first time: the letter, with its link.
            None => return queue_letter(cfg, c, rid, now),
            // The sender withdrew the link: nothing goes out until they re-send.
            Some(l) if l.revoked_at.is_some() => return Ok(()),
            // The link ran out: a new one, so the update can still be opened.
            Some(l) if l.expires_at <= now => create_link(cfg, c, rid, &l.created_by, now)?,
            Some(l) => l.clone(),
        };
        // The text names no patient: it travels as plain e-mail, and the link shows the rest.
        let m = new_mail(
            "external_update",
            (&address, &user.display_name),
            "Update on a referral sent to you through Handoff".into(),
            format!(
                "Dear {},\n\nThere is an update on a referral sent to you through Handoff.\n\nOpen the referral: {{link}}\n\n-- \nHandoff\n",
                user.display_name
            ),
            (Some(rid), Some(&link.id)),
            now,
        );
        db::mail::queue(c, &m)?;
        return Ok(());
    }
    if user.active && by_email {
        // In the reader's language; the link's address is filled in when it is sent.
        let lang = crate::i18n::Lang::parse(&user.language).unwrap_or_default();
        let args = [
            (
                "name",
                crate::i18n::Arg::Text(user.display_name.as_str().into()),
            ),
            ("link", crate::i18n::Arg::Text("{app}/notifications".into())),
        ];
        let m = new_mail(
            "notification",
            (&user.email, &user.display_name),
            lang.t_with("mail-notification-subject", &args),
            format!(
                "{}\n\n-- \nHandoff\n",
                lang.t_with("mail-notification-body", &args)
            ),
            (referral_id, None),
            now,
        );
        db::mail::queue(c, &m)?;
    }
    Ok(())
}

/// Queues the new-browser alert for a sign-in (in the sign-in's transaction): when, from
/// which browser and address, and what to do if it was not them.
pub fn queue_sign_in_alert(
    c: &mut DbConn,
    user: &crate::db::users::User,
    (browser, ip): (&str, &str),
    now: NaiveDateTime,
) -> AppResult<()> {
    let m = new_mail(
        "sign_in_alert",
        (&user.email, &user.display_name),
        "New sign-in to your Handoff account".into(),
        format!(
            "Dear {},\n\nYour Handoff account was signed in from a browser it was not signed in from before:\n\n  {browser}, address {ip}, {} UTC\n\n\
             If this was you, there is nothing to do. If not, change your password now and end the other sessions under Account > Sessions:\n{{app}}/account/sessions\n\n\
             You can turn these e-mails off on that page.\n\n-- \nHandoff\n",
            user.display_name,
            now.format("%Y-%m-%d %H:%M")
        ),
        (None, None),
        now,
    );
    db::mail::queue(c, &m)?;
    Ok(())
}

/// Deletes sessions past their idle or absolute timeout and throttle counts past any window.
pub fn purge_expired(pool: &Pool, now: NaiveDateTime) -> AppResult<usize> {
    use crate::domain::security::{ABSOLUTE_TIMEOUT, IDLE_TIMEOUT};
    let mut conn = pool.get()?;
    db::write_tx(&mut conn, |c| -> AppResult<usize> {
        let n = db::sessions::purge_expired(c, now - IDLE_TIMEOUT, now - ABSOLUTE_TIMEOUT)?;
        db::throttle::purge(c, now - chrono::Duration::hours(1))?;
        Ok(n)
    })
}

/// Sends every message due now. Returns how many were sent.
pub fn send_due(pool: &Pool, clock: &SharedClock, cfg: &MailConfig) -> AppResult<usize> {
    let mut conn = pool.get()?;
    let now = clock.now();
    let due = db::write_tx(&mut conn, |c| -> AppResult<Vec<Mail>> {
        let mut won = Vec::new();
        for m in db::mail::due(c, now, 20)? {
            // A claim lasts five minutes: a worker that dies mid-send leaves the message
            // to be tried again (delivery is at least once).
            if db::mail::claim(c, &m, now + chrono::Duration::minutes(5))? {
                won.push(m);
            }
        }
        Ok(won)
    })?;
    let mut sent = 0;
    for m in due {
        // A reminder whose visit was cancelled or moved after the worker claimed it.
        if db::patient_links::drop_if_visit_gone(&mut conn, &m)? {
            continue;
        }
        let result = if m.to_addr.parse::<lettre::Address>().is_err() {
            Err(SendFailure {
                message: format!("not an e-mail address: {}", m.to_addr),
                permanent: Some("the address is not valid".into()),
            })
        } else {
            super::outgoing::build(&mut conn, cfg, &m)
                .map_err(|e| SendFailure {
                    message: e.to_string(),
                    permanent: None,
                })
                .and_then(|msg| deliver(cfg, &msg))
        };
        let now = clock.now();
        match result {
            Ok(()) => {
                db::write_tx(&mut conn, |c| -> AppResult<()> {
                    // Not "sending" any more: a bounce came back during the session.
                    if db::mail::mark_sent(c, &m.id, now)? == 1 {
                        audit_mail(c, now, &m, "email_sent", &sent_detail(&m))?;
                    }
                    Ok(())
                })?;
                sent += 1;
            }
            Err(SendFailure {
                message,
                permanent: Some(reason),
            }) => {
                let msg: String = message.chars().take(400).collect();
                log::warn!(
                    "mail {} ({}): refused for good: {}",
                    m.id,
                    m.kind,
                    rules::loggable_failure(&msg, &[&m.to_addr, &m.to_name])
                );
                db::write_tx(&mut conn, |c| -> AppResult<()> {
                    if db::mail::mark_undeliverable(c, &m.id, &msg, &reason, true)? == 1 {
                        undeliverable(cfg, c, now, &m, &reason)?;
                    }
                    Ok(())
                })?;
            }
            Err(SendFailure { message, .. }) => {
                let tries = m.attempts as u32 + 1;
                let give_up = tries >= cfg.settings.mail_max_tries.max(1);
                let wait = rules::retry_delay_secs(cfg.settings.mail_retry_secs, tries);
                let msg: String = message.chars().take(400).collect();
                log::warn!(
                    "mail {} ({}): try {tries} failed: {}",
                    m.id,
                    m.kind,
                    rules::loggable_failure(&msg, &[&m.to_addr, &m.to_name])
                );
                db::write_tx(&mut conn, |c| -> AppResult<()> {
                    db::mail::mark_failed_try(
                        c,
                        &m.id,
                        &msg,
                        now + chrono::Duration::seconds(wait as i64),
                        give_up,
                    )?;
                    Ok(())
                })?;
            }
        }
    }
    Ok(sent)
}

fn sent_detail(m: &Mail) -> String {
    format!(
        "{} to {}{}",
        m.kind,
        m.to_addr,
        if m.attach_letter {
            " with the letter"
        } else {
            ""
        }
    )
}

/// Audits something that happened to an outbox message, under its referral's clinic.
fn audit_mail(
    c: &mut DbConn,
    now: NaiveDateTime,
    m: &Mail,
    action: &'static str,
    detail: &str,
) -> AppResult<()> {
    let (patient, clinic) = match &m.referral_id {
        Some(rid) => {
            let r = db::referrals::get(c, rid)?;
            (Some(r.patient_id), Some(r.sender_clinic_id))
        }
        None => (None, None),
    };
    let system = Caller::system("mail worker");
    audit_for_clinic(
        c,
        now,
        &system,
        clinic.as_deref(),
        AuditEntry {
            action,
            subject_type: if m.referral_id.is_some() {
                "referral"
            } else {
                "outbox"
            },
            subject_id: m.referral_id.as_deref().unwrap_or(&m.id),
            patient_id: patient.as_deref(),
            detail: detail.to_string(),
        },
    )
}

/// A message that will never arrive (refused for good, or bounced): audited, and the
/// referring practitioner is told, so that they can correct the address.
pub fn undeliverable(
    cfg: &MailConfig,
    c: &mut DbConn,
    now: NaiveDateTime,
    m: &Mail,
    reason: &str,
) -> AppResult<()> {
    audit_mail(
        c,
        now,
        m,
        "email_failed",
        &format!("{} to {}: {reason}", m.kind, m.to_addr),
    )?;
    let Some(rid) = &m.referral_id else {
        return Ok(());
    };
    let r = db::referrals::get(c, rid)?;
    if !m.kind.starts_with("external") {
        return Ok(());
    }
    notify(
        cfg,
        c,
        &r.sender_id,
        Some(rid),
        &format!("The e-mail to {} was not delivered: {reason}", m.to_addr),
        now,
    )?;
    Ok(())
}

/// Why a message was not handed over: `permanent` carries the reason when trying again
/// cannot help (the server answered 5xx, or the address is not one).
struct SendFailure {
    message: String,
    permanent: Option<String>,
}

fn deliver(cfg: &MailConfig, msg: &Message) -> Result<(), SendFailure> {
    let s = &cfg.settings;
    let local = |m: String| SendFailure {
        message: m,
        permanent: None,
    };
    let Some(host) = s.smtp_host.as_deref().filter(|h| !h.is_empty()) else {
        return write_to_folder(&cfg.out_dir, msg).map_err(|e| local(format!("writing mail: {e}")));
    };
    let err = |e: lettre::transport::smtp::Error| {
        let message = format!("SMTP: {e}");
        let permanent = e
            .status()
            .and_then(|code| inbound::recipient_refused(u16::from(code), &e.to_string()));
        SendFailure { message, permanent }
    };
    let mut t = match s.smtp_tls.as_str() {
        "none" => SmtpTransport::builder_dangerous(host),
        "tls" => SmtpTransport::relay(host).map_err(err)?,
        _ => SmtpTransport::starttls_relay(host).map_err(err)?,
    }
    .port(s.smtp_port)
    .timeout(Some(Duration::from_secs(20)));
    if let (Some(u), Some(p)) = (&s.smtp_user, &s.smtp_password) {
        t = t.credentials(Credentials::new(u.clone(), p.clone()));
    }
    t.build().send(msg).map_err(err)?;
    Ok(())
}

/// Writes the message as `<uuid>.eml` in one step: a reader of the folder (a pickup
/// directory, a test) never sees a half-written file, because the bytes go to a hidden part
/// file first and are renamed into place.
fn write_to_folder(dir: &std::path::Path, msg: &Message) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let name = uuid::Uuid::now_v7();
    let part = dir.join(format!(".{name}.part"));
    std::fs::write(&part, msg.formatted())?;
    std::fs::rename(&part, dir.join(format!("{name}.eml")))
}

/// Whether the signed-in user gets e-mail copies of notifications.
pub fn email_preference(svc: &super::Services, caller: &Caller) -> AppResult<bool> {
    caller.authorize(
        &crate::domain::policy::Action::UseOwnAccount,
        "/account/password",
    )?;
    let mut conn = svc.conn()?;
    Ok(db::mail::email_notifications(
        &mut conn,
        caller.person_id()?,
    )?)
}

/// Turns e-mail copies of notifications on or off for the signed-in user (audited).
pub fn set_email_preference(svc: &super::Services, caller: &Caller, on: bool) -> AppResult<()> {
    caller.authorize(
        &crate::domain::policy::Action::UseOwnAccount,
        "/account/password",
    )?;
    let now = svc.now();
    let me = caller.person_id()?.to_string();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        db::mail::set_email_notifications(c, &me, on)?;
        super::audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "account_changed",
                subject_type: "user",
                subject_id: &me,
                patient_id: None,
                detail: format!("e-mail notifications {}", if on { "on" } else { "off" }),
            },
        )
    })
}

/// Wakes the worker after a change that queued mail has committed.
pub fn wake(tx: &Sender<()>) {
    let _ = tx.send(());
}
