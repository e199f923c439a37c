//! Threads: one per pair of people (two practitioners, or a practitioner and a patient),
//! with referral cards posted by the lifecycle and messages written by people.

use chrono::NaiveDateTime;

use super::{AuditEntry, Caller, Services, audit};
use crate::db::threads::{Message, Thread};
use crate::db::{self, DbConn};
use crate::domain::cursor::{self, Page};
use crate::domain::forms::{FieldErrors, required_text};
use crate::domain::policy::{Action, Actor};
use crate::domain::referral::booking_prompt;
use crate::error::{AppError, AppResult};

fn find_or_create(
    c: &mut DbConn,
    kind: &str,
    a: &str,
    b: &str,
    now: NaiveDateTime,
) -> AppResult<Thread> {
    if let Some(t) = db::threads::find(c, kind, a, b)? {
        return Ok(t);
    }
    let t = Thread {
        id: db::new_id(),
        kind: kind.into(),
        a_id: a.into(),
        b_id: b.into(),
        created_at: now,
        last_message_at: now,
    };
    // Two transactions may create the same pair at once (PostgreSQL does not serialize
    // them as SQLite's BEGIN IMMEDIATE does): the loser's insert fails on the unique key
    // inside a savepoint, and it uses the winner's thread.
    if db::insert_once(c, |c| db::threads::insert(c, &t))? {
        Ok(t)
    } else {
        db::threads::find(c, kind, a, b)?.ok_or(AppError::NotFound)
    }
}

/// The thread between two practitioners, created if there is none.
pub fn between_practitioners(
    c: &mut DbConn,
    x: &str,
    y: &str,
    now: NaiveDateTime,
) -> AppResult<Thread> {
    let (a, b) = if x < y { (x, y) } else { (y, x) };
    find_or_create(c, "pp", a, b, now)
}

/// The thread between a practitioner and a patient (by chart id), created if there is none.
pub fn practitioner_patient(
    c: &mut DbConn,
    practitioner_id: &str,
    patient_id: &str,
    now: NaiveDateTime,
) -> AppResult<Thread> {
    find_or_create(c, "pt", practitioner_id, patient_id, now)
}

/// Posts a referral card into a thread.
pub fn card(
    c: &mut DbConn,
    t: &Thread,
    author: Option<&str>,
    referral_id: &str,
    kind: &str,
    body: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    db::threads::add_message(
        c,
        &Message {
            id: db::new_id(),
            thread_id: t.id.clone(),
            author_id: author.map(str::to_string),
            body: body.into(),
            referral_id: Some(referral_id.into()),
            card: Some(kind.into()),
            created_at: now,
        },
    )?;
    Ok(())
}

/// The ids that make the caller a party of a thread: their user id, and for a patient their
/// chart id.
fn my_ids(caller: &Caller) -> Vec<String> {
    let mut ids: Vec<String> = caller
        .actor
        .user_id()
        .map(str::to_string)
        .into_iter()
        .collect();
    if let Actor::Patient {
        patient_id: Some(p),
        ..
    } = &caller.actor
    {
        ids.push(p.clone());
    }
    ids
}

/// The other party's display name.
fn other_name(c: &mut DbConn, t: &Thread, me: &[String]) -> AppResult<String> {
    let other = if me.contains(&t.a_id) {
        &t.b_id
    } else {
        &t.a_id
    };
    if t.kind == "pt" && other == &t.b_id {
        let p = db::patients::get(c, other)?;
        return Ok(format!("{} {}", p.given_name, p.family_name));
    }
    Ok(db::users::get(c, other)?.display_name)
}

/// A thread in the list.
pub struct ThreadSummary {
    pub id: String,
    pub with: String,
    pub kind: String,
    /// Between two practitioners (not with a patient).
    pub with_colleague: bool,
    pub last_message_at: NaiveDateTime,
    pub unread: i64,
}

/// Threads on a page of the list.
pub const THREADS_PAGE: usize = 25;
/// Notifications on a page of the list.
pub const NOTIFICATIONS_PAGE: usize = 50;

/// The caller's threads, most recent first, with unread counts: the page after `after` (a
/// cursor of an earlier page; anything else is the first page).
pub fn list(svc: &Services, caller: &Caller, after: &str) -> AppResult<Page<ThreadSummary>> {
    caller.authorize(&Action::UseOwnAccount, "/threads")?;
    let me = caller.user_id()?.to_string();
    let ids = my_ids(caller);
    let mut conn = svc.conn()?;
    let after = cursor::decode(after);
    let rows = db::threads::threads_of(&mut conn, &ids, after.as_ref(), THREADS_PAGE as i64 + 1)?;
    let page = Page::of(rows, THREADS_PAGE, |t| {
        cursor::encode(t.last_message_at, &t.id)
    });
    let mut out = Vec::with_capacity(page.rows.len());
    for t in page.rows {
        let since = db::threads::last_read(&mut conn, &t.id, &me)?;
        out.push(ThreadSummary {
            with: other_name(&mut conn, &t, &ids)?,
            unread: db::threads::unread_count(&mut conn, &t.id, &me, since)?,
            id: t.id,
            with_colleague: t.kind == "pp",
            kind: t.kind,
            last_message_at: t.last_message_at,
        });
    }
    Ok(Page {
        rows: out,
        next: page.next,
    })
}

/// A message as shown, with the booking button where the rules allow it.
pub struct MessageView {
    pub author: String,
    pub mine: bool,
    pub body: String,
    pub at: NaiveDateTime,
    pub card: Option<String>,
    pub referral_id: Option<String>,
    pub booking_href: Option<String>,
}

/// One thread with its messages; opening it marks it read.
pub struct ThreadView {
    pub id: String,
    pub with: String,
    pub messages: Vec<MessageView>,
}

fn load_thread(c: &mut DbConn, caller: &Caller, id: &str) -> AppResult<Thread> {
    let t = db::threads::get(c, id)?;
    let ids = my_ids(caller);
    let is_party = ids.contains(&t.a_id) || ids.contains(&t.b_id);
    match caller.authorize(&Action::UseThread { is_party }, &format!("/threads/{id}")) {
        Err(AppError::Forbidden(_)) => Err(AppError::NotFound),
        other => other.map(|_| t),
    }
}

/// Opens a thread.
pub fn view(svc: &Services, caller: &Caller, id: &str) -> AppResult<ThreadView> {
    let now = svc.now();
    let me = caller.user_id()?.to_string();
    let ids = my_ids(caller);
    let mut conn = svc.conn()?;
    let t = load_thread(&mut conn, caller, id)?;
    let with = other_name(&mut conn, &t, &ids)?;
    let mut messages = Vec::new();
    for (m, author) in db::threads::messages(&mut conn, id)? {
        let booking_href = match (&m.card, &m.referral_id) {
            (Some(card), Some(rid)) if card == "accepted" || card == "visit_required" => {
                booking_for(&mut conn, rid)?
            }
            _ => None,
        };
        messages.push(MessageView {
            mine: m.author_id.as_deref() == Some(me.as_str()),
            author: author.unwrap_or_else(|| "Handoff".into()),
            body: m.body,
            at: m.created_at,
            card: m.card,
            referral_id: m.referral_id,
            booking_href,
        });
    }
    db::write_tx(&mut conn, |c| -> AppResult<()> {
        // An assistant reading leaves the messages unread for their practitioner.
        if caller.actor.delegate().is_none() {
            db::threads::mark_read(c, id, &me, now)?;
        }
        {
            audit(
                c,
                now,
                caller,
                AuditEntry {
                    action: "thread_viewed",
                    subject_type: "thread",
                    subject_id: id,
                    patient_id: (t.kind == "pt").then_some(t.b_id.as_str()),
                    detail: String::new(),
                },
            )?;
        }
        Ok(())
    })?;
    Ok(ThreadView {
        id: t.id,
        with,
        messages,
    })
}

/// The booking link for a referral card, if the receiver has a practice and its clinic
/// shows booking prompts, and the referral is at a stage where a visit is wanted.
pub fn booking_for(c: &mut DbConn, referral_id: &str) -> AppResult<Option<String>> {
    let r = db::referrals::get(c, referral_id)?;
    let status = r.status;
    let has_practice = db::practices::get(c, &r.receiver_id)?.is_some();
    let (_, p) = db::users::get_practitioner(c, &r.receiver_id)?;
    let shows = db::clinics::get(c, &p.clinic_id)?.show_booking_prompts;
    Ok(booking_prompt(status, has_practice, shows)
        .then(|| format!("/practitioners/{}?referral={}", r.receiver_id, r.id)))
}

/// Writes a message; the other party is notified.
pub fn post(svc: &Services, caller: &Caller, id: &str, body: &str) -> AppResult<()> {
    let now = svc.now();
    let me = caller.user_id()?.to_string();
    let ids = my_ids(caller);
    let mut e = FieldErrors::new();
    let text = required_text(&mut e, "body", "Message", body, 8000);
    let mut conn = svc.conn()?;
    let t = load_thread(&mut conn, caller, id)?;
    // A message goes out in the practitioner's name: only they write one.
    if caller.actor.delegate().is_some() {
        return Err(AppError::Forbidden(
            "An assistant reads the practitioner's messages; the practitioner writes them.".into(),
        ));
    }
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    db::write_tx(&mut conn, |c| -> AppResult<()> {
        db::threads::add_message(
            c,
            &Message {
                id: db::new_id(),
                thread_id: id.into(),
                author_id: Some(me.clone()),
                body: text.clone(),
                referral_id: None,
                card: None,
                created_at: now,
            },
        )?;
        db::threads::mark_read(c, id, &me, now)?;
        let other = if ids.contains(&t.a_id) {
            t.b_id.clone()
        } else {
            t.a_id.clone()
        };
        let other_user = if t.kind == "pt" && other == t.b_id {
            db::patients::get(c, &other)?.user_id
        } else {
            Some(other)
        };
        let my_name = db::users::get(c, &me)?.display_name;
        if let Some(u) = other_user {
            super::mail::notify(
                &svc.mail,
                c,
                &u,
                None,
                &format!("New message from {my_name}"),
                now,
            )?;
        }
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "message_sent",
                subject_type: "thread",
                subject_id: id,
                patient_id: (t.kind == "pt").then_some(t.b_id.as_str()),
                detail: String::new(),
            },
        )
    })
}

/// The caller's notifications, newest first: the page after `after` (a cursor of an
/// earlier page; anything else is the first page). The notifications the page shows are
/// marked read, and only those: not the next pages' nor one that arrives meanwhile.
pub fn notifications(
    svc: &Services,
    caller: &Caller,
    after: &str,
) -> AppResult<Page<db::threads::Notification>> {
    caller.authorize(&Action::UseOwnAccount, "/notifications")?;
    let me = caller.user_id()?.to_string();
    let now = svc.now();
    let mut conn = svc.conn()?;
    let after = cursor::decode(after);
    let rows = db::threads::notifications(
        &mut conn,
        &me,
        after.as_ref(),
        NOTIFICATIONS_PAGE as i64 + 1,
    )?;
    let page = Page::of(rows, NOTIFICATIONS_PAGE, |n| {
        cursor::encode(n.created_at, &n.id)
    });
    let shown: Vec<&str> = page
        .rows
        .iter()
        .filter(|n| n.read_at.is_none())
        .map(|n| n.id.as_str())
        .collect();
    // An assistant reading leaves them unread for their practitioner.
    if !shown.is_empty() && caller.actor.delegate().is_none() {
        db::threads::mark_notifications_read(&mut conn, &me, &shown, now)?;
    }
    Ok(page)
}

/// The unread notification count for the navigation bar.
pub fn unread(svc: &Services, caller: &Caller) -> AppResult<i64> {
    let Some(me) = caller.actor.user_id() else {
        return Ok(0);
    };
    Ok(db::threads::unread_notifications(&mut *svc.conn()?, me)?)
}
