//! The clock job (issue 14): reminders before and at a due time to whoever's turn it is,
//! escalation to the clinic's admin after a further interval, and expiry of referrals
//! nobody moved. One pass per run of the `clock` job (src/services/jobs.rs). Each reminder
//! is recorded in `clock_reminders` in the transaction that sends it, keyed by referral,
//! due time and stage: two instances, or a run taken over after a lease ran out, insert the
//! same key and only the first sends.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};

use super::referrals::access::{EventRow, event};
use super::{AuditEntry, Caller, MailConfig, analytics, audit_for_clinic, due, mail, visit_mail};
use crate::db::{self, DbConn, Pool, clock::Waiting, referrals::TransitionChanges};
use crate::domain::clock::{ALL_STAGES, ClockRules, Stage, expired, reminder_text, stage_now};
use crate::domain::due::in_words;
use crate::domain::referral::{self as rules, Party, Status};
use crate::error::AppResult;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub reminded: usize,
    pub escalated: usize,
    pub expired: usize,
    /// Completed with the receiver's drafted outcome after an attended visit.
    pub completed: usize,
}

/// At most this many referrals per stage per run: a backlog drains over a few runs
/// instead of holding one long transaction.
const BATCH: i64 = 500;

/// Every clinic's rules, read once per run.
struct AllRules {
    by_clinic: HashMap<String, ClockRules>,
    default: ClockRules,
}

impl AllRules {
    fn load(c: &mut DbConn, zone: &str) -> AppResult<AllRules> {
        let by_clinic = db::clock::all(c)?
            .into_iter()
            .map(|row| (row.clinic_id.clone(), due::rules_from(Some(row), zone)))
            .collect();
        Ok(AllRules {
            by_clinic,
            default: due::rules_from(None, zone),
        })
    }

    fn every(&self) -> impl Iterator<Item = &ClockRules> {
        self.by_clinic
            .values()
            .chain(std::iter::once(&self.default))
    }

    fn of_clinic(&self, clinic: Option<&str>) -> &ClockRules {
        clinic
            .and_then(|k| self.by_clinic.get(k))
            .unwrap_or(&self.default)
    }
}

/// The clinic whose rules a waiting referral runs on now.
fn clinic_of(c: &mut DbConn, w: &Waiting) -> AppResult<Option<String>> {
    Ok(match crate::domain::clock::rules_of(w.status) {
        Party::Receiver => db::clock::clinic_of(c, &w.receiver_id)?,
        _ => Some(w.sender_clinic_id.clone()),
    })
}

/// One pass of the clock: reminders and escalations that are due, then expiries.
pub fn run(pool: &Pool, cfg: &MailConfig, now: NaiveDateTime) -> AppResult<Tally> {
    let mut conn = pool.get()?;
    let zone = cfg.settings.default_time_zone.clone();
    let all = AllRules::load(&mut conn, &zone)?;
    let mut tally = Tally::default();
    for stage in ALL_STAGES {
        // The widest window over every clinic's rules; each row is then judged by its own.
        let until = all
            .every()
            .map(|r| now - (stage.at(now, r) - now))
            .max()
            .unwrap_or(now);
        let rows = db::clock::due_without(&mut conn, until, stage.as_str(), BATCH)?;
        for w in rows {
            db::write_tx(&mut conn, |c| -> AppResult<()> {
                let Some(due_at) = w.due_at else {
                    return Ok(());
                };
                let clinic = clinic_of(c, &w)?;
                let r = all.of_clinic(clinic.as_deref());
                let Some(current) = stage_now(due_at, now, r) else {
                    return Ok(());
                };
                if current < stage {
                    return Ok(());
                }
                // A later stage is already true (the app was down, the rules changed):
                // this one is recorded as passed, only the current one is sent.
                if db::clock::remember(c, &w.id, due_at, stage.as_str(), now)? == 0
                    || current != stage
                {
                    return Ok(());
                }
                if stage == Stage::Escalated {
                    tally.escalated += escalate(c, cfg, &w, clinic.as_deref(), due_at, now)?;
                } else {
                    tally.reminded += remind(c, cfg, &w, (stage, r.zone), due_at, now)?;
                }
                Ok(())
            })?;
        }
    }
    tally.expired = expire_waiting(&mut conn, cfg, &all, now)?;
    tally.completed = complete_drafted(&mut conn, cfg, &all, now)?;
    Ok(tally)
}

/// A due time in words for practitioners' reminders ("2 days overdue"). English, as every
/// notification stored as text is.
fn when_words(now: NaiveDateTime, due_at: NaiveDateTime) -> String {
    let (key, n) = in_words(now, due_at);
    crate::i18n::Lang::En.t_with(key, &[("n", crate::i18n::Arg::Num(n))])
}

/// The patient's name and their portal account, if any.
fn patient_of(c: &mut DbConn, w: &Waiting) -> AppResult<(String, Option<String>, String)> {
    let p = db::patients::get(c, &w.patient_id)?;
    Ok((
        format!("{} {}", p.given_name, p.family_name),
        p.user_id,
        p.language,
    ))
}

/// Reminds whoever's turn it is; returns how many were told (0 or 1).
fn remind(
    c: &mut DbConn,
    cfg: &MailConfig,
    w: &Waiting,
    (stage, zone): (Stage, chrono_tz::Tz),
    due_at: NaiveDateTime,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let (name, patient_user, language) = patient_of(c, w)?;
    let when = when_words(now, due_at);
    let (user, text) = match w.status.turn() {
        Some(Party::Receiver) => (
            Some(w.receiver_id.clone()),
            reminder_text(stage, w.status, &name, &when),
        ),
        Some(Party::Sender) => (
            Some(w.sender_id.clone()),
            reminder_text(stage, w.status, &name, &when),
        ),
        Some(Party::Patient) => {
            let booked = db::schedule::for_referral(c, &w.id)?
                .iter()
                .any(|a| a.status == crate::domain::schedule::VisitStatus::Booked);
            // The same ask the patient's pages show; none once a visit is booked, nor when
            // there is nobody to book with.
            let books = db::practices::patient_books_with(c, &w.receiver_id)?;
            let Some(key) = crate::domain::due::patient_ask(w.status, booked, books) else {
                return Ok(0);
            };
            let lang = crate::i18n::Lang::parse(&language).unwrap_or_default();
            let by = lang.long_date(crate::domain::due::last_day(due_at, zone));
            if patient_user.is_none() {
                // Without an account: the e-mail with their personal link, again.
                let r = db::referrals::get(c, &w.id)?;
                let p = db::patients::get(c, &w.patient_id)?;
                let sent = super::patient_link::remind(cfg, c, &r, &p, now)?;
                return Ok(usize::from(sent));
            }
            (
                patient_user,
                lang.t_with(key, &[("date", crate::i18n::Arg::Text(by.into()))]),
            )
        }
        _ => (None, String::new()),
    };
    let Some(user) = user else {
        return Ok(0);
    };
    mail::notify(cfg, c, &user, Some(&w.id), &text, now)?;
    Ok(1)
}

/// Tells the admins of the clinic whose rules were broken; returns how many were told.
fn escalate(
    c: &mut DbConn,
    cfg: &MailConfig,
    w: &Waiting,
    clinic: Option<&str>,
    due_at: NaiveDateTime,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let Some(clinic) = clinic else {
        return Ok(0);
    };
    let (name, _, _) = patient_of(c, w)?;
    let when = when_words(now, due_at);
    let text = reminder_text(Stage::Escalated, w.status, &name, &when);
    let admins = db::clock::admins_of(c, clinic)?;
    for a in &admins {
        mail::notify(cfg, c, a, Some(&w.id), &text, now)?;
    }
    Ok(admins.len())
}

/// Closes as expired what nobody moved for the clinic's period. Each is its own
/// compare-and-set transaction: a referral that moved meanwhile is left alone.
fn expire_waiting(
    conn: &mut db::PooledConn,
    cfg: &MailConfig,
    all: &AllRules,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let shortest = all.every().map(|r| r.expire_after_days).min().unwrap_or(90);
    let statuses: Vec<Status> = rules::ALL_STATUSES
        .into_iter()
        .filter(|s| s.may_expire())
        .collect();
    let rows =
        db::clock::waiting_since_before(conn, &statuses, now - Duration::days(shortest), BATCH)?;
    let mut n = 0;
    for w in rows {
        n += db::write_tx(conn, |c| -> AppResult<usize> {
            let clinic = clinic_of(c, &w)?;
            let r = all.of_clinic(clinic.as_deref());
            if !expired(w.status, w.waiting_since, now, r) {
                return Ok(0);
            }
            expire_one(c, cfg, &w, r.expire_after_days, now)
        })?;
    }
    Ok(n)
}

/// Completes with the receiver's draft what was attended the clinic's period ago (Ocean's
/// auto-close). Each is its own compare-and-set transaction.
fn complete_drafted(
    conn: &mut db::PooledConn,
    cfg: &MailConfig,
    all: &AllRules,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let shortest = all.every().map(|r| r.auto_close_days).min().unwrap_or(7);
    let rows = db::clock::attended_with_draft(conn, now - Duration::days(shortest), BATCH)?;
    let mut n = 0;
    let mut seen = std::collections::HashSet::new();
    for (w, attended_at) in rows {
        if !seen.insert(w.id.clone()) {
            continue;
        }
        n += db::write_tx(conn, |c| -> AppResult<usize> {
            let clinic = clinic_of(c, &w)?;
            let r = all.of_clinic(clinic.as_deref());
            if !crate::domain::clock::auto_closes(w.status, true, Some(attended_at), now, r) {
                return Ok(0);
            }
            complete_one(c, cfg, &w, r.auto_close_days, now)
        })?;
    }
    Ok(n)
}

fn complete_one(
    c: &mut DbConn,
    cfg: &MailConfig,
    w: &Waiting,
    days: i64,
    now: NaiveDateTime,
) -> AppResult<usize> {
    use crate::domain::referral::{Command, Facts};
    let Ok(t) = rules::decide(
        w.status,
        Party::Receiver,
        Command::Complete,
        Facts::default(),
    ) else {
        return Ok(0);
    };
    let before = db::referrals::get(c, &w.id)?;
    // Read before the move overwrites the due time (the clock's analytics counters).
    let clock = db::analytics::clock_before(c, &w.id)?;
    let changes = TransitionChanges {
        status: Some(t.to),
        updated_at: Some(now),
        waiting_since: Some(now),
        due_at: Some(None),
        completed_at: Some(now),
        ..Default::default()
    };
    if db::referrals::compare_and_set(c, &w.id, w.status, w.version, &changes)? == 0 {
        return Ok(0);
    }
    analytics::track(c, &before, &changes, clock)?;
    event(
        c,
        &w.id,
        now,
        None,
        EventRow {
            kind: "complete",
            from: Some(w.status),
            to: Some(t.to),
            note: &format!(
                "Completed with the receiver's drafted outcome, {days} days after the attended visit"
            ),
            patient_visible: t.patient_visible,
        },
    )?;
    let patient = db::patients::get(c, &w.patient_id)?;
    let name = format!("{} {}", patient.given_name, patient.family_name);
    let receiver = db::users::get(c, &w.receiver_id)?.display_name;
    for p in &t.notify {
        match p {
            Party::Sender => {
                let text = rules::practitioner_notice(&receiver, Command::Complete, &name);
                mail::notify(cfg, c, &w.sender_id, Some(&w.id), &text, now)?;
            }
            Party::Patient => {
                if let Some(u) = &patient.user_id {
                    let lang = crate::i18n::Lang::parse(&patient.language).unwrap_or_default();
                    let text = lang.t(rules::patient_notice(Command::Complete, t.to));
                    mail::notify(cfg, c, u, Some(&w.id), &text, now)?;
                }
            }
            _ => {}
        }
    }
    let own = format!(
        "Completed: your drafted outcome for {name} was sent, {days} days after the attended visit."
    );
    mail::notify(cfg, c, &w.receiver_id, Some(&w.id), &own, now)?;
    crate::services::patient_link::after_transition(
        cfg,
        c,
        &before,
        &patient,
        (Command::Complete, t.to),
        now,
    )?;
    audit_clock(
        c,
        now,
        w,
        "referral_completed_by_clock",
        format!("accepted -> completed with the drafted outcome after {days} days"),
    )?;
    Ok(1)
}

fn expire_one(
    c: &mut DbConn,
    cfg: &MailConfig,
    w: &Waiting,
    days: i64,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let Some(t) = rules::expire(w.status) else {
        return Ok(0);
    };
    let before = db::referrals::get(c, &w.id)?;
    // Read before the move overwrites the due time (the clock's analytics counters).
    let clock = db::analytics::clock_before(c, &w.id)?;
    let changes = TransitionChanges {
        status: Some(t.to),
        updated_at: Some(now),
        waiting_since: Some(now),
        due_at: Some(None),
        ..Default::default()
    };
    if db::referrals::compare_and_set(c, &w.id, w.status, w.version, &changes)? == 0 {
        return Ok(0);
    }
    analytics::track(c, &before, &changes, clock)?;
    let note = format!("Closed by the clock: nobody acted for {days} days.");
    event(
        c,
        &w.id,
        now,
        None,
        EventRow {
            kind: "expire",
            from: Some(w.status),
            to: Some(t.to),
            note: &note,
            patient_visible: t.patient_visible,
        },
    )?;
    let (name, patient_user, language) = patient_of(c, w)?;
    let said = format!(
        "Expired: the referral for {name} was closed because nobody acted for {days} days. You can send it again."
    );
    for p in t.notify {
        match p {
            Party::Sender => mail::notify(cfg, c, &w.sender_id, Some(&w.id), &said, now)?,
            Party::Receiver => mail::notify(cfg, c, &w.receiver_id, Some(&w.id), &said, now)?,
            Party::Patient => {
                if let Some(u) = &patient_user {
                    let lang = crate::i18n::Lang::parse(&language).unwrap_or_default();
                    mail::notify(cfg, c, u, Some(&w.id), &lang.t("notice-expired"), now)?;
                }
            }
            Party::Other => {}
        }
    }
    visit_mail::cancel_visits_of(cfg, c, &w.id, now)?;
    audit_clock(
        c,
        now,
        w,
        "referral_expired",
        format!("{} -> expired after {days} days", w.status),
    )?;
    Ok(1)
}

/// The audit row of a move the clock made (no person made it).
fn audit_clock(
    c: &mut DbConn,
    now: NaiveDateTime,
    w: &Waiting,
    action: &'static str,
    detail: String,
) -> AppResult<()> {
    audit_for_clinic(
        c,
        now,
        &Caller::system("clock"),
        Some(&w.sender_clinic_id),
        AuditEntry {
            action,
            subject_type: "referral",
            subject_id: &w.id,
            patient_id: Some(&w.patient_id),
            detail,
        },
    )
}
