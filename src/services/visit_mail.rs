//! Mail about booked visits: a booking, a move and a cancellation each send the patient
//! (portal or link) an e-mail in their language with an iCalendar entry (same UID across
//! changes, SEQUENCE growing), and a reminder goes out 24 hours before the visit, through
//! the outbox, so it is sent once whatever the number of app instances.

use chrono::{Duration, NaiveDateTime};

use super::context::MailConfig;
use crate::db::schedule::Appointment;
use crate::db::{self, DbConn};
use crate::domain::calendar::{self, Entry, Method};
use crate::error::AppResult;
use crate::i18n::{Arg, Lang};

/// How long before a visit its reminder goes out.
pub const REMINDER_BEFORE_HOURS: i64 = 24;

/// Who the patient is written to: their address, name and language, where they manage the
/// visit (`{app}/appointments` or their link), and the link that `{plink}` stands for.
struct Recipient {
    address: String,
    name: String,
    lang: Lang,
    manage: &'static str,
    link_id: Option<String>,
}

fn recipient(
    cfg: &MailConfig,
    c: &mut DbConn,
    a: &Appointment,
    now: NaiveDateTime,
) -> AppResult<Option<Recipient>> {
    let p = db::patients::get(c, &a.patient_id)?;
    let name = format!("{} {}", p.given_name, p.family_name);
    if let Some(uid) = &p.user_id {
        let u = db::users::get(c, uid)?;
        if !u.active {
            return Ok(None);
        }
        let lang = Lang::parse(&u.language)
            .or_else(|| Lang::parse(&p.language))
            .unwrap_or_default();
        return Ok(Some(Recipient {
            address: u.email,
            name,
            lang,
            manage: "{app}/appointments",
            link_id: None,
        }));
    }
    let (Some((address, lang)), Some(rid)) = (super::patient_link::reachable(&p), &a.referral_id)
    else {
        return Ok(None);
    };
    let r = db::referrals::get(c, rid)?;
    let Some(link) = super::patient_link::live_or_new(cfg, c, &r, now, false)? else {
        // The referrer withdrew the link: no e-mail until they send a new one.
        return Ok(None);
    };
    // The link must still open when the reminder arrives and until the visit is over.
    db::patient_links::extend_to(c, &link.id, a.ends_at + Duration::days(1))?;
    Ok(Some(Recipient {
        address,
        name,
        lang,
        manage: "{plink}",
        link_id: Some(link.id),
    }))
}

/// What a visit's mails say about it, in the patient's language.
struct About {
    who: String,
    when: String,
    location: String,
    bring: String,
    ics_summary: String,
}

fn about(c: &mut DbConn, a: &Appointment, lang: Lang) -> AppResult<(About, chrono_tz::Tz)> {
    let who = db::users::get(c, &a.practitioner_id)?.display_name;
    let practice = db::practices::get(c, &a.practitioner_id)?;
    let zone = practice
        .as_ref()
        .and_then(|p| calendar::zone(&p.time_zone))
        .unwrap_or(chrono_tz::Tz::UTC);
    let local = calendar::to_local(a.starts_at, zone);
    let when = format!(
        "{} ({})",
        lang.date_time(local),
        calendar::zone_label(zone, a.starts_at)
    );
    let bring = match &a.referral_id {
        Some(rid) => {
            let r = db::referrals::get(c, rid)?;
            match crate::domain::referral::what_to_bring_key(r.kind, &r.what_to_bring) {
                Some(key) => lang.t(key),
                None => r.what_to_bring,
            }
        }
        None => String::new(),
    };
    let ics_summary = lang.t_with(
        "visit-ics-summary",
        &[("who", Arg::Text(who.as_str().into()))],
    );
    Ok((
        About {
            who,
            when,
            location: practice.map(|p| p.location).unwrap_or_default(),
            bring,
            ics_summary,
        },
        zone,
    ))
}

fn queue(
    c: &mut DbConn,
    a: &Appointment,
    to: &Recipient,
    (kind, key): (&str, &str),
    at: NaiveDateTime,
    calendar: Option<String>,
    ab: &About,
) -> AppResult<()> {
    let args = [
        ("name", Arg::Text(to.name.as_str().into())),
        ("who", Arg::Text(ab.who.as_str().into())),
        ("when", Arg::Text(ab.when.as_str().into())),
        ("where", Arg::Text(ab.location.as_str().into())),
        ("bring", Arg::Text(ab.bring.as_str().into())),
        ("manage", Arg::Text(to.manage.into())),
    ];
    let mut body = to.lang.t_with(&format!("{key}-body"), &args);
    if !ab.bring.trim().is_empty() {
        body = format!("{body}\n\n{}", to.lang.t_with("visit-mail-bring", &args));
    }
    let mut m = super::mail::new_mail(
        kind,
        (&to.address, &to.name),
        to.lang.t_with(&format!("{key}-subject"), &args),
        format!("{body}\n\n-- \nHandoff\n"),
        (a.referral_id.as_deref(), None),
        at,
    );
    m.calendar = calendar;
    m.patient_link_id = to.link_id.clone();
    m.appointment_id = Some(a.id.clone());
    db::mail::queue(c, &m)?;
    Ok(())
}

fn entry_text(
    cfg: &MailConfig,
    a: &Appointment,
    to: &Recipient,
    ab: &About,
    zone: chrono_tz::Tz,
    (method, sequence, now): (Method, i64, NaiveDateTime),
) -> String {
    let organizer_address = cfg
        .settings
        .mail_from
        .parse::<lettre::message::Mailbox>()
        .map(|m| m.email.to_string())
        .unwrap_or_else(|_| "handoff@localhost".into());
    let organizer_name = format!("{} (Handoff)", ab.who);
    let description = if ab.bring.trim().is_empty() {
        String::new()
    } else {
        to.lang.t_with(
            "visit-ics-bring",
            &[("bring", Arg::Text(ab.bring.as_str().into()))],
        )
    };
    let uid = format!("{}@handoff", a.uid());
    calendar::ics(
        &Entry {
            uid: &uid,
            sequence,
            starts_utc: a.starts_at,
            ends_utc: a.ends_at,
            zone,
            summary: &ab.ics_summary,
            location: &ab.location,
            description: &description,
            organizer: (&organizer_name, &organizer_address),
            attendee: (&to.name, &to.address),
            stamp_utc: now,
        },
        method,
    )
}

/// A visit was booked (`moved`: it replaces one that was moved): the confirmation with the
/// calendar entry, and the reminder, queued for 24 hours before (none if that has passed).
pub fn booked(
    cfg: &MailConfig,
    c: &mut DbConn,
    a: &Appointment,
    moved: bool,
    now: NaiveDateTime,
) -> AppResult<()> {
    let Some(to) = recipient(cfg, c, a, now)? else {
        return Ok(());
    };
    let (ab, zone) = about(c, a, to.lang)?;
    let ics = entry_text(
        cfg,
        a,
        &to,
        &ab,
        zone,
        (Method::Request, a.calendar_seq, now),
    );
    let key = if moved {
        "visit-mail-moved"
    } else {
        "visit-mail-booked"
    };
    queue(c, a, &to, ("visit_booked", key), now, Some(ics), &ab)?;
    let remind_at = a.starts_at - Duration::hours(REMINDER_BEFORE_HOURS);
    if remind_at > now {
        queue(
            c,
            a,
            &to,
            ("visit_reminder", "visit-mail-reminder"),
            remind_at,
            None,
            &ab,
        )?;
    }
    Ok(())
}

/// The referral was cancelled: its booked visits are cancelled too (the slots free again),
/// each with its calendar cancellation to the patient. Returns how many.
pub fn cancel_visits_of(
    cfg: &MailConfig,
    c: &mut DbConn,
    referral_id: &str,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let mut n = 0;
    for a in db::schedule::for_referral(c, referral_id)? {
        if a.status == crate::domain::schedule::VisitStatus::Booked
            && a.starts_at > now
            && db::schedule::cancel(c, &a.id, now)? == 1
        {
            cancelled(cfg, c, &a, now)?;
            n += 1;
        }
    }
    Ok(n)
}

/// A visit was cancelled: the calendar entry's cancellation, and its reminder dropped.
pub fn cancelled(
    cfg: &MailConfig,
    c: &mut DbConn,
    a: &Appointment,
    now: NaiveDateTime,
) -> AppResult<()> {
    db::patient_links::drop_queued_reminders(c, &a.id)?;
    let Some(to) = recipient(cfg, c, a, now)? else {
        return Ok(());
    };
    let (ab, zone) = about(c, a, to.lang)?;
    let ics = entry_text(
        cfg,
        a,
        &to,
        &ab,
        zone,
        (Method::Cancel, a.calendar_seq + 1, now),
    );
    queue(
        c,
        a,
        &to,
        ("visit_cancelled", "visit-mail-cancelled"),
        now,
        Some(ics),
        &ab,
    )
}
