//! Lists of referrals: the receiver's inbox, the sender's sent list, the patient's own.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::referrals::{DueWindow, InboxQuery};
use crate::domain::cursor;
use crate::domain::due::DueFilter;
use crate::domain::referral::{self, ALL_STATUSES, PRIORITIES, Party, Status};
use crate::error::AppResult;
use crate::i18n::Arg;
use crate::services::referrals as svc;
use crate::web::extract::{Ctx, Layout};
use crate::web::referrals::due::{Line, lines};
use crate::web::{html, next_href};

#[derive(Deserialize)]
pub struct InboxParams {
    #[serde(default)]
    status: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    turn: String,
    #[serde(default)]
    sender: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    sort: String,
    /// "overdue" or "today"; anything else filters nothing.
    #[serde(default)]
    due: String,
    #[serde(default)]
    after: String,
    /// A service whose shared queue to show instead of one's own inbox.
    #[serde(default)]
    queue: String,
}

#[derive(Template)]
#[template(path = "referrals/inbox.html")]
struct InboxPage {
    l: Layout,
    p: InboxParams,
    rows: Vec<Line>,
    counts: svc::StatusCounts,
    due_counts: svc::DueCounts,
    senders: Vec<(String, String)>,
    next_href: Option<String>,
    statuses: Vec<(&'static str, &'static str)>,
    priorities: &'static [(&'static str, &'static str)],
    error: Option<String>,
    /// The services whose queues the reader sees, and the one shown.
    queues: Vec<(String, String)>,
    queue: Option<(String, String)>,
}

impl InboxPage {
    /// The start of a link to this list with other filters (the queue kept).
    fn base(&self) -> String {
        match &self.queue {
            Some((id, _)) => format!("/inbox?queue={id}&"),
            None => "/inbox?".into(),
        }
    }
    fn count(&self, s: &str) -> i64 {
        count_of(&self.counts, s)
    }
    /// The tab of `service`'s queue (or of what was taken from it) is this page; the empty
    /// id is one's own inbox.
    fn tab_current(&self, service: &str, taken: bool) -> bool {
        !taken && self.queue.as_ref().map_or("", |(id, _)| id.as_str()) == service
    }
    /// The status filter in use is `s`.
    fn is_current(&self, s: &str) -> bool {
        self.p.status == s
    }
}

/// How many referrals a list has in the status stored as `s`.
fn count_of(counts: &svc::StatusCounts, s: &str) -> i64 {
    counts
        .iter()
        .find(|(k, _)| k.as_str() == s)
        .map_or(0, |(_, n)| *n)
}

/// The inbox's statuses in which it is `turn`'s move (a URL value: receiver, sender or
/// patient); any other value filters nothing.
fn statuses_for_turn(turn: &str) -> Vec<Status> {
    let party = match turn {
        "receiver" => Party::Receiver,
        "sender" => Party::Sender,
        "patient" => Party::Patient,
        _ => return Vec::new(),
    };
    referral::received_on_turn(party)
}

pub async fn inbox_page(ctx: Ctx, q: web::Query<InboxParams>) -> AppResult<HttpResponse> {
    let p = q.into_inner();
    // Dates outside 1900-9999 are typos (and some do not fit PostgreSQL's timestamp).
    let date = |s: &str| {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .filter(|d| (1900..=9999).contains(&chrono::Datelike::year(d)))
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    };
    let mut error = None;
    if (!p.from.is_empty() && date(&p.from).is_none())
        || (!p.to.is_empty() && date(&p.to).is_none())
    {
        error = Some("Dates must look like 2026-11-01; the date filter was ignored.".to_string());
    }
    // A draft never reaches an inbox: filtering on it is how "nothing matches" is said.
    let mut statuses = if p.status.is_empty() {
        statuses_for_turn(&p.turn)
    } else {
        vec![Status::parse(&p.status).unwrap_or(Status::Draft)]
    };
    if !p.status.is_empty() && !p.turn.is_empty() {
        let allowed = statuses_for_turn(&p.turn);
        statuses.retain(|s| allowed.contains(s));
        if statuses.is_empty() {
            statuses.push(Status::Draft);
        }
    }
    let by_due = p.sort == "due";
    let query = InboxQuery {
        statuses,
        priority: Some(p.priority.clone()).filter(|s| !s.is_empty()),
        sender_id: Some(p.sender.clone()).filter(|s| !s.is_empty()),
        received_from: date(&p.from),
        received_to: date(&p.to).and_then(|d| d.checked_add_signed(chrono::Duration::days(1))),
        by_priority: p.sort == "priority",
        after: Some(&p.after)
            .filter(|_| !by_due)
            .and_then(|a| cursor::decode_ranked(a))
            .map(|(rank, a)| (rank, a.at, a.id)),
        due: DueWindow {
            by_due,
            ..Default::default()
        },
        after_due: Some(&p.after)
            .filter(|_| by_due)
            .and_then(|a| cursor::decode_due(a)),
        limit: 25,
    };
    let filter = DueFilter::parse(&p.due);
    let queue = Some(p.queue.clone()).filter(|q| !q.is_empty());
    let res = ctx
        .run(move |s, caller| svc::inbox(s, caller, &query, filter, queue.as_deref()))
        .await?;
    let next_href = next_href(
        "/inbox",
        &[
            ("status", &p.status),
            ("priority", &p.priority),
            ("turn", &p.turn),
            ("sender", &p.sender),
            ("from", &p.from),
            ("to", &p.to),
            ("sort", &p.sort),
            ("due", &p.due),
            ("queue", &p.queue),
        ],
        res.next_cursor,
    );
    html(&InboxPage {
        queues: res.queues,
        queue: res.queue,
        l: ctx.layout("Inbox", "inbox").await,
        p,
        rows: lines(ctx.lang, res.now, res.rows),
        counts: res.counts,
        due_counts: res.due_counts,
        senders: res.senders,
        next_href,
        statuses: referral::received_statuses()
            .into_iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        priorities: &PRIORITIES,
        error,
    })
}

#[derive(Deserialize)]
pub struct SentParams {
    #[serde(default)]
    status: String,
    /// "overdue" or "today"; anything else filters nothing.
    #[serde(default)]
    due: String,
    /// "due": most overdue first; anything else, latest change first.
    #[serde(default)]
    sort: String,
    /// The cursor of the page to show (the last row of the page before).
    #[serde(default)]
    after: String,
}

#[derive(Template)]
#[template(path = "referrals/sent.html")]
struct SentPage {
    l: Layout,
    status: String,
    due: String,
    sort: String,
    rows: Vec<Line>,
    page: svc::SentPage,
    next_href: Option<String>,
    statuses: Vec<(&'static str, &'static str)>,
}

impl SentPage {
    fn count(&self, s: &str) -> i64 {
        count_of(&self.page.counts, s)
    }
    /// The status filter in use is `s`.
    fn is_current(&self, s: &str) -> bool {
        self.status == s
    }
}

pub async fn sent_page(ctx: Ctx, q: web::Query<SentParams>) -> AppResult<HttpResponse> {
    let SentParams {
        status,
        due,
        sort,
        after,
    } = q.into_inner();
    let s2 = status.clone();
    let (filter, by_due) = (DueFilter::parse(&due), sort == "due");
    let mut page = ctx
        .run(move |s, caller| svc::sent(s, caller, &s2, filter, by_due, &after))
        .await?;
    let next_href = next_href(
        "/sent",
        &[("status", &status), ("due", &due), ("sort", &sort)],
        page.next_cursor.take(),
    );
    let rows = lines(ctx.lang, page.now, std::mem::take(&mut page.rows));
    html(&SentPage {
        l: ctx.layout("Sent referrals", "sent-list").await,
        status,
        due,
        sort,
        rows,
        page,
        next_href,
        statuses: ALL_STATUSES
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "referrals/patient_list.html")]
struct PatientListPage {
    l: Layout,
    rows: Vec<PatientLine>,
}

/// A referral in the patient's list: the row, its status as the patient reads it, and
/// what the patient is asked to do by which day, when it is their turn.
struct PatientLine {
    row: crate::db::referrals::ListRow,
    label: String,
    ask: Option<(&'static str, chrono::NaiveDate)>,
}

pub async fn patient_list_page(ctx: Ctx) -> AppResult<HttpResponse> {
    let rows = ctx.run(svc::for_patient).await?;
    let rows = rows
        .into_iter()
        .map(|p| {
            // As on the referral's page: a return reads "in review" until the advice is sent.
            let key = referral::patient_label_booking(
                p.row.0.kind,
                p.row.0.status,
                p.advice_shared,
                p.receiver_books,
            );
            let label = ctx
                .lang
                .t_with(key, &[("receiver", Arg::Text(p.row.3.as_str().into()))]);
            PatientLine {
                ask: p.ask,
                row: p.row,
                label,
            }
        })
        .collect();
    html(&PatientListPage {
        l: ctx.layout("My referrals", "referrals").await,
        rows,
    })
}
