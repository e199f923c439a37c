//! The lists of referrals: the receiver's inbox, the sender's sent list, the patient's own
//! and the chart's; each row with its due time, the counts with how many are overdue.

use chrono::NaiveDateTime;

use crate::db::referrals::{DueWindow, ListRow};
use crate::db::{self};
use crate::domain::calendar::zone;
use crate::domain::cursor::{self, Page};
use crate::domain::due::{self, DueFilter, end_of_local_day};
use crate::domain::policy::{Action, Actor};
use crate::domain::referral::{self as rules, Status};
use crate::domain::schedule::VisitStatus;
use crate::error::{AppError, AppResult};
use crate::services::{Caller, Services};

/// (status, count) pairs.
pub type StatusCounts = Vec<(Status, i64)>;

/// A row of a list with its due time (`None`: nobody must act).
pub type DueRow = (ListRow, Option<NaiveDateTime>);

/// How many of a list's referrals are overdue, and how many more are due today.
#[derive(Debug, Clone, Copy, Default)]
pub struct DueCounts {
    pub overdue: i64,
    pub due_today: i64,
}

/// The receiver's inbox page.
pub struct InboxPage {
    pub rows: Vec<DueRow>,
    pub counts: StatusCounts,
    pub due_counts: DueCounts,
    pub senders: Vec<(String, String)>,
    pub next_cursor: Option<String>,
    /// The time the due times were read against.
    pub now: NaiveDateTime,
    /// The services whose queues the caller sees, (id, name).
    pub queues: Vec<(String, String)>,
    /// The queue shown, when not the caller's own inbox.
    pub queue: Option<(String, String)>,
}

/// The window a due filter keeps, read against the app's clock and wall clock.
fn window(
    svc: &Services,
    now: NaiveDateTime,
    filter: Option<DueFilter>,
    by_due: bool,
) -> DueWindow {
    let (from, before) = filter.map_or((None, None), |f| f.window(now, app_zone(svc)));
    DueWindow {
        from,
        before,
        by_due,
    }
}

fn app_zone(svc: &Services) -> chrono_tz::Tz {
    zone(&svc.mail.settings.default_time_zone).unwrap_or(chrono_tz::Tz::UTC)
}

/// Pairs each row with its due time.
fn with_due(c: &mut db::DbConn, rows: Vec<ListRow>) -> AppResult<Vec<DueRow>> {
    Ok(db::referrals::with_due(c, rows)?)
}

fn due_counts(
    svc: &Services,
    c: &mut db::DbConn,
    as_receiver: bool,
    me: &str,
    now: NaiveDateTime,
) -> AppResult<DueCounts> {
    let end = end_of_local_day(now, app_zone(svc));
    let (overdue, due_today) = db::referrals::due_counts(c, as_receiver, me, now, end)?;
    Ok(DueCounts { overdue, due_today })
}

/// Loads one page of the caller's inbox, due in the window `filter` names.
///
/// `queue` names a service whose shared queue to show instead (the caller must be one of
/// its members or its coordinator; anyone else gets a 404).
pub fn inbox(
    svc: &Services,
    caller: &Caller,
    q: &db::referrals::InboxQuery,
    filter: Option<DueFilter>,
    queue: Option<&str>,
) -> AppResult<InboxPage> {
    caller.authorize(&Action::Refer, "/inbox")?;
    let me = caller.user_id()?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    // The rows and the counters beside them from one snapshot.
    db::read_tx(&mut conn, |c| {
        // A service's queue is its members' own: an assistant works their practitioner's
        // referrals, not the queues they are in.
        let queues = if caller.actor.delegate().is_some() {
            Vec::new()
        } else {
            db::services::queues_of(c, me)?
        };
        let shown = match queue {
            None => None,
            Some(id) => Some(
                queues
                    .iter()
                    .find(|(s, _)| s == id)
                    .cloned()
                    .ok_or(AppError::NotFound)?,
            ),
        };
        let whose = shown.as_ref().map_or(me, |(id, _)| id.as_str());
        let mut page = inbox_in(svc, c, whose, q, filter, now)?;
        page.queues = queues;
        page.queue = shown;
        Ok(page)
    })
}

fn inbox_in(
    svc: &Services,
    c: &mut db::DbConn,
    me: &str,
    q: &db::referrals::InboxQuery,
    filter: Option<DueFilter>,
    now: NaiveDateTime,
) -> AppResult<InboxPage> {
    let mut q = q.clone();
    q.due = window(svc, now, filter, q.due.by_due);
    let size = q.limit;
    q.limit = size + 1;
    let rows = db::referrals::inbox(c, me, &q)?;
    let rows = with_due(c, rows)?;
    let by_due = q.due.by_due;
    let Page {
        rows,
        next: next_cursor,
    } = Page::of(rows, size as usize, |((r, ..), due)| {
        if by_due {
            cursor::encode_due(*due, &r.id)
        } else {
            cursor::encode_ranked(r.priority_rank, r.waiting_since, &r.id)
        }
    });
    Ok(InboxPage {
        counts: db::counts::by_status(c, me, db::counts::Side::Inbox)?,
        due_counts: due_counts(svc, c, true, me, now)?,
        senders: db::counts::inbox_senders(c, me)?,
        rows,
        next_cursor,
        now,
        queues: Vec::new(),
        queue: None,
    })
}

/// The oldest referral waiting for the caller's decision, other than `except`.
pub fn next_waiting(svc: &Services, caller: &Caller, except: &str) -> AppResult<Option<String>> {
    let me = caller.user_id()?;
    let mut conn = svc.conn()?;
    let rows = db::referrals::inbox(
        &mut conn,
        me,
        &db::referrals::InboxQuery {
            statuses: vec![Status::Sent],
            limit: 2,
            ..Default::default()
        },
    )?;
    Ok(rows.into_iter().map(|(r, ..)| r.id).find(|id| id != except))
}

/// How many rows a page of the sent list shows.
pub const SENT_PAGE: i64 = 50;

/// The sender's list of sent referrals, in `status` (as the URL says it: empty for all, one
/// the app does not know matches none) and due in the window `filter` names;
/// most overdue first when `by_due`; the page after `after` (a cursor of either order).
pub fn sent(
    svc: &Services,
    caller: &Caller,
    status: &str,
    filter: Option<DueFilter>,
    by_due: bool,
    after: &str,
) -> AppResult<SentPage> {
    caller.authorize(&Action::Refer, "/sent")?;
    let me = caller.user_id()?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::read_tx(&mut conn, |c| {
        sent_in(svc, c, me, (status, filter, by_due, after), now)
    })
}

fn sent_in(
    svc: &Services,
    c: &mut db::DbConn,
    me: &str,
    (status, filter, by_due, after): (&str, Option<DueFilter>, bool, &str),
    now: NaiveDateTime,
) -> AppResult<SentPage> {
    // The two recent bands: the open loops submitted since a band's start less those
    // since its end, each from counters per day and one day of referrals.
    let [(_, week, newest), (_, month, _), _] = crate::domain::analytics::open_loop_ranges(now);
    let [since_month, since_week, later] = db::day_counts::open_since_each(
        c,
        db::day_counts::Owner::Sender(me),
        false,
        [month, week, newest],
    )?;
    let (a, b) = (since_week - later, since_month - since_week);
    // The oldest band is every other open loop: the counters' total for the open statuses,
    // less those sent on elsewhere and the recent ones; never a walk of the history.
    let counts = db::counts::by_status(c, me, db::counts::Side::Sent)?;
    let open_counted: i64 = counts
        .iter()
        .filter(|(s, _)| rules::OPEN_LOOP.contains(s))
        .map(|(_, n)| n)
        .sum();
    let older = (open_counted - db::due::passed_on(c, me)? - a - b).max(0);
    let bands = rules::OPEN_LOOP_BANDS
        .iter()
        .zip([a, b, older])
        .map(|((label, ..), n)| (*label, n))
        .collect();
    let wanted = Status::parse(status);
    let unknown = !status.is_empty() && wanted.is_none();
    let q = db::referrals::SentQuery {
        status: wanted,
        due: window(svc, now, filter, by_due),
        after: Some(after)
            .filter(|_| !by_due)
            .and_then(cursor::decode)
            .map(|a| (a.at, a.id)),
        after_due: Some(after).filter(|_| by_due).and_then(cursor::decode_due),
        // A status the app does not know lists nothing (not everything).
        limit: if unknown { 0 } else { SENT_PAGE + 1 },
    };
    let (rows, oldest_open) = db::referrals::sent_by(c, me, &q, 10)?;
    let Page {
        rows,
        next: next_cursor,
    } = Page::of(with_due(c, rows)?, SENT_PAGE as usize, |((r, ..), due)| {
        if by_due {
            cursor::encode_due(*due, &r.id)
        } else {
            cursor::encode(r.updated_at, &r.id)
        }
    });
    Ok(SentPage {
        rows,
        next_cursor,
        counts,
        due_counts: due_counts(svc, c, false, me, now)?,
        open_bands: bands,
        oldest_open,
        now,
    })
}

/// The sender's list: referrals by status, and open loops by age.
pub struct SentPage {
    pub rows: Vec<DueRow>,
    /// The cursor of the next page, if there is one.
    pub next_cursor: Option<String>,
    pub counts: StatusCounts,
    pub due_counts: DueCounts,
    /// (age band, how many open loops).
    pub open_bands: Vec<(&'static str, i64)>,
    pub oldest_open: Vec<ListRow>,
    pub now: NaiveDateTime,
}

/// A referral in the patient's own list, and what the patient is asked to do by which
/// day (a message taking `$date`) when it is their turn.
pub struct PatientRow {
    pub row: ListRow,
    pub ask: Option<(&'static str, chrono::NaiveDate)>,
    /// A returned referral whose advice the sender sent to the patient.
    pub advice_shared: bool,
    /// Its receiver runs a practice the patient books with.
    pub receiver_books: bool,
}

/// The signed-in patient's referrals.
pub fn for_patient(svc: &Services, caller: &Caller) -> AppResult<Vec<PatientRow>> {
    caller.authorize(&Action::UsePortal, "/portal/referrals")?;
    let Actor::Patient {
        patient_id: Some(pid),
        ..
    } = &caller.actor
    else {
        return Ok(Vec::new());
    };
    let mut conn = svc.conn()?;
    let c = &mut *conn;
    let rows = db::referrals::for_patient(c, pid)?;
    let visits = db::schedule::for_patient(c, pid)?;
    // A referral the sender redirected is replaced by the new one; the patient never
    // learns that the first receiver declined.
    let rows: Vec<ListRow> = rows
        .into_iter()
        .filter(|(r, ..)| r.redirected_to.is_none())
        .collect();
    let zone = app_zone(svc);
    let returned: Vec<&str> = rows
        .iter()
        .filter(|(r, ..)| r.status == Status::Returned)
        .map(|(r, ..)| r.id.as_str())
        .collect();
    let shared = db::questions::advice_shared_among(c, &returned)?;
    // Whom the patient could book with: asked only of the referrals waiting for a visit.
    let mut books = std::collections::HashMap::new();
    for (r, ..) in rows
        .iter()
        .filter(|(r, ..)| r.status == Status::VisitRequired)
    {
        if !books.contains_key(&r.receiver_id) {
            let has = db::practices::patient_books_with(c, &r.receiver_id)?;
            books.insert(r.receiver_id.clone(), has);
        }
    }
    Ok(with_due(c, rows)?
        .into_iter()
        .map(|(row, due_at)| {
            let booked = visits.iter().any(|(a, ..)| {
                a.status == VisitStatus::Booked && a.referral_id.as_deref() == Some(&row.0.id)
            });
            let receiver_books = books.get(&row.0.receiver_id).copied().unwrap_or(false);
            let ask = due::patient_ask(row.0.status, booked, receiver_books)
                .zip(due_at)
                .map(|(key, at)| (key, due::last_day(at, zone)));
            let advice_shared = shared.contains(&row.0.id);
            PatientRow {
                row,
                ask,
                advice_shared,
                receiver_books,
            }
        })
        .collect())
}

/// The referrals shown on a chart.
pub fn for_chart(svc: &Services, caller: &Caller, patient_id: &str) -> AppResult<Vec<ListRow>> {
    let mut conn = svc.conn()?;
    let (_, facts) = crate::services::patients::facts(&mut conn, caller, patient_id)?;
    caller.authorize(
        &Action::EditChart(&facts),
        &format!("/patients/{patient_id}"),
    )?;
    Ok(db::referrals::for_chart(&mut conn, patient_id)?)
}
