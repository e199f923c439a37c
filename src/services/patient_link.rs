//! Personal links for patients without a portal account: written to when a referral needs
//! them (in their language), opened without signing in, withdrawn and re-sent by the
//! referring practitioner. The link holder acts as that referral's patient, on it only.

use chrono::NaiveDateTime;

use super::context::MailConfig;
use super::{AuditEntry, Caller, Services, audit};
use crate::db::patient_links::PatientLink;
use crate::db::patients::Patient;
use crate::db::referrals::Referral;
use crate::db::{self, DbConn};
use crate::domain::mail as rules;
use crate::domain::patient_link::{Notice, Standing, notice, standing, standing_of};
use crate::domain::policy::{Action, Actor, ReferralFacts};
use crate::domain::referral::{Command, Party, Status};
use crate::error::{AppError, AppResult};
use crate::i18n::{Arg, Lang};

/// Where a patient without an account is written to, and in which language: `None` for a
/// patient with a portal account (they read it there) or without an e-mail address.
pub fn reachable(p: &Patient) -> Option<(String, Lang)> {
    let address = p.email.trim();
    if p.user_id.is_some() || address.is_empty() {
        return None;
    }
    Some((
        address.to_string(),
        Lang::parse(&p.language).unwrap_or_default(),
    ))
}

/// The referral's live link, or a new one when the last ran out (or there was none).
/// `None` when the referring practitioner withdrew the last one: nothing with a link goes
/// out until they send a new one (`fresh`: make that new one).
pub(super) fn live_or_new(
    cfg: &MailConfig,
    c: &mut DbConn,
    r: &Referral,
    now: NaiveDateTime,
    fresh: bool,
) -> AppResult<Option<PatientLink>> {
    if !fresh {
        match db::patient_links::for_referral(c, &r.id)?
            .into_iter()
            .next()
        {
            Some(l) if l.revoked_at.is_some() => return Ok(None),
            Some(l) if l.expires_at > now => return Ok(Some(l)),
            _ => {}
        }
    }
    let nonce = super::mail::new_nonce();
    let token = rules::patient_link_token(&cfg.key, &nonce);
    let link = PatientLink {
        id: db::new_id(),
        referral_id: r.id.clone(),
        patient_id: r.patient_id.clone(),
        token_hash: rules::token_hash(&token),
        nonce,
        created_at: now,
        expires_at: now + chrono::Duration::days(cfg.settings.link_days.clamp(1, 365)),
        revoked_at: None,
        last_used_at: None,
        uses: 0,
    };
    db::patient_links::insert(c, &link)?;
    Ok(Some(link))
}

/// Queues the e-mail of `n` to the patient, with their link (in the transition's
/// transaction, like every other mail).
fn queue_notice(
    cfg: &MailConfig,
    c: &mut DbConn,
    r: &Referral,
    patient: &Patient,
    (n, fresh): (Notice, bool),
    now: NaiveDateTime,
) -> AppResult<bool> {
    let Some((address, lang)) = reachable(patient) else {
        return Ok(false);
    };
    let Some(link) = live_or_new(cfg, c, r, now, fresh)? else {
        return Ok(false);
    };
    let sender = db::users::get(c, &r.sender_id)?.display_name;
    let receiver = db::users::get(c, &r.receiver_id)?.display_name;
    let name = format!("{} {}", patient.given_name, patient.family_name);
    let args = [
        ("name", Arg::Text(name.as_str().into())),
        ("sender", Arg::Text(sender.as_str().into())),
        ("receiver", Arg::Text(receiver.as_str().into())),
        // The token is filled in by the worker when it sends: never stored in the outbox.
        ("link", Arg::Text("{plink}".into())),
        (
            "expires",
            Arg::Text(lang.long_date(link.expires_at.date()).into()),
        ),
    ];
    let mut m = super::mail::new_mail(
        "patient_link",
        (&address, &name),
        lang.t_with(&format!("{}-subject", n.key()), &args),
        lang.t_with(&format!("{}-body", n.key()), &args),
        (Some(&r.id), None),
        now,
    );
    m.patient_link_id = Some(link.id.clone());
    db::mail::queue(c, &m)?;
    Ok(true)
}

/// After a transition: writes to the patient without an account when the referral needs
/// or concerns them (approval, a visit to book, acceptance, the outcome).
pub fn after_transition(
    cfg: &MailConfig,
    c: &mut DbConn,
    r: &Referral,
    patient: &Patient,
    (command, to): (Command, Status),
    now: NaiveDateTime,
) -> AppResult<()> {
    if reachable(patient).is_none() {
        return Ok(());
    }
    let books = db::practices::get(c, &r.receiver_id)?.is_some()
        && !db::mail::is_external_doctor(c, &r.receiver_id)?;
    if let Some(n) = notice(command, to, books) {
        queue_notice(cfg, c, r, patient, (n, false), now)?;
    }
    Ok(())
}

/// The clock's reminder to a patient without an account whose turn it is (approve, or book
/// the visit the receiver asked for): the same e-mail again, with their live link. Returns
/// whether one was queued (not when the referrer withdrew the link, or nothing is asked).
pub fn remind(
    cfg: &MailConfig,
    c: &mut DbConn,
    r: &Referral,
    patient: &Patient,
    now: NaiveDateTime,
) -> AppResult<bool> {
    if reachable(patient).is_none() {
        return Ok(false);
    }
    let books = db::practices::get(c, &r.receiver_id)?.is_some()
        && !db::mail::is_external_doctor(c, &r.receiver_id)?;
    match standing(r.status, books) {
        Some(n @ (Notice::Approve | Notice::BookFirstVisit | Notice::VisitRequired)) => {
            queue_notice(cfg, c, r, patient, (n, false), now)
        }
        _ => Ok(false),
    }
}

/// A presented patient link that checked out.
pub struct Holder {
    pub caller: Caller,
    pub referral_id: String,
    pub patient_id: String,
    /// The patient's language, for a page opened without a choice of its own.
    pub lang: Option<Lang>,
    pub expires_at: NaiveDateTime,
}

/// Checks a presented token and audits the use or the refusal: unknown or malformed tokens
/// are 404 (and counted against the address), withdrawn ones 403, expired ones 410. A
/// refused link shows nothing of the referral.
pub fn open(
    svc: &Services,
    token: &str,
    ip: &str,
    user_agent: &str,
    purpose: &str,
) -> AppResult<Holder> {
    super::throttle::check(svc, svc.link_limit, ip)?;
    if !rules::token_well_formed(token) {
        super::throttle::refused(svc, svc.link_limit, ip)?;
        return Err(AppError::NotFound);
    }
    let hash = rules::token_hash(token);
    let now = svc.now();
    let mut conn = svc.conn()?;
    let check = db::write_tx(
        &mut conn,
        |c| -> AppResult<Option<Result<Holder, Standing>>> {
            let Some(link) = db::patient_links::by_hash(c, &hash)? else {
                return Ok(None);
            };
            let patient = db::patients::get(c, &link.patient_id)?;
            let caller = Caller {
                actor: Actor::PatientLink {
                    patient_id: link.patient_id.clone(),
                    referral_id: link.referral_id.clone(),
                    clinic_id: patient.clinic_id.clone(),
                },
                ip: ip.into(),
                user_agent: user_agent.into(),
            };
            let standing = standing_of(
                link.revoked_at.is_some(),
                patient.user_id.is_some(),
                link.expires_at,
                now,
            );
            if standing == Standing::Live {
                db::patient_links::touch(c, &link.id, now)?;
            }
            audit(
                c,
                now,
                &caller,
                AuditEntry {
                    action: if standing == Standing::Live {
                        "patient_link_used"
                    } else {
                        "patient_link_refused"
                    },
                    subject_type: "referral",
                    subject_id: &link.referral_id,
                    patient_id: Some(&link.patient_id),
                    detail: format!("{purpose}: {standing:?}"),
                },
            )?;
            Ok(Some(match standing {
                Standing::Live => Ok(Holder {
                    caller,
                    referral_id: link.referral_id,
                    patient_id: link.patient_id,
                    lang: Lang::parse(&patient.language),
                    expires_at: link.expires_at,
                }),
                refused => Err(refused),
            }))
        },
    )?;
    match check {
        None => {
            super::throttle::refused(svc, svc.link_limit, ip)?;
            Err(AppError::NotFound)
        }
        Some(Ok(h)) => Ok(h),
        Some(Err(Standing::Expired)) => Err(AppError::Gone(
            "This link has expired. Ask the practitioner who referred you to send a new one."
                .into(),
        )),
        Some(Err(_)) => Err(AppError::Forbidden(
            "This link was withdrawn. Ask the practitioner who referred you for a new one, or sign in to the patient portal if you have an account."
                .into(),
        )),
    }
}

/// The sender's view of the patient's link: whether the patient can be written to, and the
/// live link's expiry and uses.
pub struct LinkState {
    pub reachable: bool,
    pub live: Option<(NaiveDateTime, i64)>,
}

/// What the referral page shows the sender about the patient's link.
pub fn state(
    c: &mut DbConn,
    r: &Referral,
    patient: &Patient,
    now: NaiveDateTime,
) -> AppResult<LinkState> {
    let live = db::patient_links::for_referral(c, &r.id)?
        .into_iter()
        .find(|l| l.revoked_at.is_none() && l.expires_at > now)
        .map(|l| (l.expires_at, l.uses));
    Ok(LinkState {
        reachable: reachable(patient).is_some(),
        live,
    })
}

/// The referral, for its sender only (the patient's link is theirs to manage).
fn sender_of(c: &mut DbConn, caller: &Caller, id: &str) -> AppResult<(Referral, Status)> {
    let r = db::referrals::get(c, id)?;
    let party = if caller.actor.user_id() == Some(r.sender_id.as_str()) {
        Party::Sender
    } else {
        Party::Other
    };
    let facts = ReferralFacts {
        party,
        status: r.status,
        received: r.received_at.is_some(),
    };
    // Anyone but the sender is told nothing of the referral (as everywhere else, a 404).
    caller
        .authorize(&Action::ViewReferral(&facts), &format!("/referrals/{id}"))
        .map_err(|e| match e {
            AppError::Forbidden(_) => AppError::NotFound,
            other => other,
        })?;
    if party != Party::Sender {
        return Err(AppError::NotFound);
    }
    let status = r.status;
    Ok((r, status))
}

/// The referring practitioner withdraws the patient's link(s) (audited); returns how many.
pub fn withdraw(svc: &Services, caller: &Caller, id: &str) -> AppResult<usize> {
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let (r, _) = sender_of(c, caller, id)?;
        let n = db::patient_links::revoke_all(c, id, now)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "patient_link_withdrawn",
                subject_type: "referral",
                subject_id: id,
                patient_id: Some(&r.patient_id),
                detail: format!("{n} link(s)"),
            },
        )?;
        Ok(n)
    })
}

/// The referring practitioner sends the patient a fresh link (the old ones are withdrawn),
/// with the e-mail for where the referral stands now.
pub fn resend(svc: &Services, caller: &Caller, id: &str) -> AppResult<()> {
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let (r, status) = sender_of(c, caller, id)?;
        let patient = db::patients::get(c, &r.patient_id)?;
        if reachable(&patient).is_none() {
            return Err(AppError::Conflict(
                "This patient has a portal account or no e-mail address: there is no link to send."
                    .into(),
            ));
        }
        let books = db::practices::get(c, &r.receiver_id)?.is_some()
            && !db::mail::is_external_doctor(c, &r.receiver_id)?;
        let n = standing(status, books).ok_or_else(|| {
            AppError::Conflict(
                "There is nothing for the patient to do or read on this referral now.".into(),
            )
        })?;
        db::patient_links::revoke_all(c, id, now)?;
        queue_notice(&svc.mail, c, &r, &patient, (n, true), now)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "patient_link_sent",
                subject_type: "referral",
                subject_id: id,
                patient_id: Some(&r.patient_id),
                detail: format!("to {}", patient.email),
            },
        )
    })
}
