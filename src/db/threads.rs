//! Message threads (one per pair of people), messages, read marks and notifications.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{messages, notifications, thread_reads, threads, users};
use crate::domain::cursor::After;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = threads)]
pub struct Thread {
    pub id: String,
    pub kind: String,
    pub a_id: String,
    pub b_id: String,
    pub created_at: NaiveDateTime,
    pub last_message_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = messages)]
pub struct Message {
    pub id: String,
    pub thread_id: String,
    pub author_id: Option<String>,
    pub body: String,
    pub referral_id: Option<String>,
    pub card: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: String,
    pub user_id: String,
    pub referral_id: Option<String>,
    pub body: String,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

pub fn find(conn: &mut DbConn, kind: &str, a: &str, b: &str) -> QueryResult<Option<Thread>> {
    threads::table
        .filter(threads::kind.eq(kind))
        .filter(threads::a_id.eq(a))
        .filter(threads::b_id.eq(b))
        .select(Thread::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConn, t: &Thread) -> QueryResult<usize> {
    diesel::insert_into(threads::table).values(t).execute(conn)
}

pub fn get(conn: &mut DbConn, id: &str) -> QueryResult<Thread> {
    threads::table
        .find(id)
        .select(Thread::as_select())
        .first(conn)
}

pub fn add_message(conn: &mut DbConn, m: &Message) -> QueryResult<()> {
    diesel::insert_into(messages::table)
        .values(m)
        .execute(conn)?;
    diesel::update(threads::table.find(&m.thread_id))
        .set(threads::last_message_at.eq(m.created_at))
        .execute(conn)?;
    Ok(())
}

/// Messages of a thread, oldest first, with the author's name.
pub fn messages(conn: &mut DbConn, thread_id: &str) -> QueryResult<Vec<(Message, Option<String>)>> {
    messages::table
        .left_join(users::table.on(users::id.nullable().eq(messages::author_id)))
        .filter(messages::thread_id.eq(thread_id))
        .order((messages::created_at.asc(), messages::id.asc()))
        .select((Message::as_select(), users::display_name.nullable()))
        .load(conn)
}

/// One page of the threads where `ids` (the user id, and for a patient also their chart
/// id) is a party, latest message first: at most `limit` threads after `after`.
///
/// One walk of the (a_id, last_message_at, id) or (b_id, ...) index per id and side, each
/// stopping at `limit` rows, merged here: one query with `a_id IN .. OR b_id IN ..` would
/// sort every thread the user ever had.
pub fn threads_of(
    conn: &mut DbConn,
    ids: &[String],
    after: Option<&After>,
    limit: i64,
) -> QueryResult<Vec<Thread>> {
    let mut out: Vec<Thread> = Vec::new();
    for id in ids {
        for side_a in [true, false] {
            let mut q = threads::table.into_boxed();
            q = if side_a {
                q.filter(threads::a_id.eq(id))
            } else {
                q.filter(threads::b_id.eq(id))
            };
            if let Some(c) = after {
                // `<=` bounds the index range; the rest only sorts out the ties.
                q = q.filter(threads::last_message_at.le(c.at)).filter(
                    threads::last_message_at
                        .lt(c.at)
                        .or(threads::id.lt(c.id.clone())),
                );
            }
            out.extend(
                q.order((threads::last_message_at.desc(), threads::id.desc()))
                    .limit(limit)
                    .select(Thread::as_select())
                    .load(conn)?,
            );
        }
    }
    out.sort_by(|x, y| (y.last_message_at, &y.id).cmp(&(x.last_message_at, &x.id)));
    out.dedup_by(|x, y| x.id == y.id);
    out.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(out)
}

pub fn last_read(
    conn: &mut DbConn,
    thread_id: &str,
    user_id: &str,
) -> QueryResult<Option<NaiveDateTime>> {
    thread_reads::table
        .filter(thread_reads::thread_id.eq(thread_id))
        .filter(thread_reads::user_id.eq(user_id))
        .select(thread_reads::last_read_at)
        .first(conn)
        .optional()
}

pub fn mark_read(
    conn: &mut DbConn,
    thread_id: &str,
    user_id: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let n = diesel::update(
        thread_reads::table
            .filter(thread_reads::thread_id.eq(thread_id))
            .filter(thread_reads::user_id.eq(user_id)),
    )
    .set(thread_reads::last_read_at.eq(at))
    .execute(conn)?;
    if n == 0 {
        // A concurrent first read may insert the same row: that one is as good as ours.
        let inserted = conn.transaction(|c| {
            diesel::insert_into(thread_reads::table)
                .values((
                    thread_reads::thread_id.eq(thread_id),
                    thread_reads::user_id.eq(user_id),
                    thread_reads::last_read_at.eq(at),
                ))
                .execute(c)
        });
        match inserted {
            Err(e) if !super::is_unique_violation(&e) => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Messages by others after `since` (all of them if never read).
pub fn unread_count(
    conn: &mut DbConn,
    thread_id: &str,
    user_id: &str,
    since: Option<NaiveDateTime>,
) -> QueryResult<i64> {
    let mut q = messages::table
        .filter(messages::thread_id.eq(thread_id))
        .filter(
            messages::author_id
                .ne(user_id)
                .or(messages::author_id.is_null()),
        )
        .into_boxed();
    if let Some(s) = since {
        q = q.filter(messages::created_at.gt(s));
    }
    q.count().get_result(conn)
}

pub fn notify(
    conn: &mut DbConn,
    user_id: &str,
    referral_id: Option<&str>,
    body: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(notifications::table)
        .values((
            notifications::id.eq(super::new_id()),
            notifications::user_id.eq(user_id),
            notifications::referral_id.eq(referral_id),
            notifications::body.eq(body),
            notifications::created_at.eq(at),
        ))
        .execute(conn)
}

/// One page of a user's notifications, newest first: at most `limit` after `after`, one
/// range of the (user_id, created_at, id) index.
pub fn notifications(
    conn: &mut DbConn,
    user_id: &str,
    after: Option<&After>,
    limit: i64,
) -> QueryResult<Vec<Notification>> {
    let mut q = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .into_boxed();
    if let Some(c) = after {
        // `<=` bounds the index range; the rest only sorts out the ties.
        q = q.filter(notifications::created_at.le(c.at)).filter(
            notifications::created_at
                .lt(c.at)
                .or(notifications::id.lt(c.id.clone())),
        );
    }
    q.order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(limit)
        .select(Notification::as_select())
        .load(conn)
}

pub fn unread_notifications(conn: &mut DbConn, user_id: &str) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}

/// Marks these of the user's notifications read (those still unread).
pub fn mark_notifications_read(
    conn: &mut DbConn,
    user_id: &str,
    ids: &[&str],
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::id.eq_any(ids))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(at))
    .execute(conn)
}
