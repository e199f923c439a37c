//! Signed links for doctors outside the network, the mail outbox, and e-mail preferences.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{
    external_doctors, external_links, held_replies, inbound_mail, outbox, referrals, users,
};
use crate::domain::mail::AddressHolder;

/// Marks an account as a doctor outside the network, reached at `email`.
pub fn insert_external_doctor(
    conn: &mut DbConn,
    user_id: &str,
    email: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(external_doctors::table)
        .values((
            external_doctors::user_id.eq(user_id),
            external_doctors::created_at.eq(at),
            external_doctors::email.eq(email),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn is_external_doctor(conn: &mut DbConn, user_id: &str) -> QueryResult<bool> {
    Ok(outside_address(conn, user_id)?.is_some())
}

/// The address of a doctor outside the network, or `None` for anyone else.
pub fn outside_address(conn: &mut DbConn, user_id: &str) -> QueryResult<Option<String>> {
    external_doctors::table
        .find(user_id)
        .select(external_doctors::email)
        .first::<String>(conn)
        .optional()
}

/// Who already holds an address: an outside doctor, a listed practitioner, another account.
pub fn address_holder(conn: &mut DbConn, email: &str) -> QueryResult<AddressHolder> {
    if let Some(id) = external_doctors::table
        .filter(external_doctors::email.eq(email))
        .select(external_doctors::user_id)
        .first::<String>(conn)
        .optional()?
    {
        return Ok(AddressHolder::OutsideDoctor(id));
    }
    let account: Option<(String, bool)> = users::table
        .filter(users::email.eq(email))
        .select((users::role, users::active))
        .first(conn)
        .optional()?;
    Ok(match account {
        None => AddressHolder::Nobody,
        Some((role, true)) if role == "practitioner" => AddressHolder::NetworkPractitioner,
        Some(_) => AddressHolder::OtherAccount,
    })
}

/// Ends an outside doctor's standing as one (they joined a clinic): compare-and-set on the
/// address the invitation went to, `false` if they are no longer one or their address was
/// corrected since.
pub fn remove_external_doctor(conn: &mut DbConn, user_id: &str, email: &str) -> QueryResult<bool> {
    let n = diesel::delete(
        external_doctors::table
            .find(user_id)
            .filter(external_doctors::email.eq(email)),
    )
    .execute(conn)?;
    Ok(n == 1)
}

/// Revokes every live link of every referral addressed to `receiver_id`; returns how many.
pub fn revoke_links_to(
    conn: &mut DbConn,
    receiver_id: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let theirs = referrals::table
        .filter(referrals::receiver_id.eq(receiver_id))
        .select(referrals::id);
    diesel::update(
        external_links::table
            .filter(external_links::referral_id.eq_any(theirs))
            .filter(external_links::revoked_at.is_null()),
    )
    .set(external_links::revoked_at.eq(at))
    .execute(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = external_links)]
pub struct Link {
    pub id: String,
    pub referral_id: String,
    pub token_hash: String,
    pub nonce: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub uses: i64,
}

pub fn insert_link(conn: &mut DbConn, l: &Link) -> QueryResult<()> {
    diesel::insert_into(external_links::table)
        .values(l)
        .execute(conn)
        .map(|_| ())
}

pub fn link_by_hash(conn: &mut DbConn, hash: &str) -> QueryResult<Option<Link>> {
    external_links::table
        .filter(external_links::token_hash.eq(hash))
        .select(Link::as_select())
        .first(conn)
        .optional()
}

pub fn get_link(conn: &mut DbConn, id: &str) -> QueryResult<Link> {
    external_links::table
        .find(id)
        .select(Link::as_select())
        .first(conn)
}

/// Links of a referral, newest first.
pub fn links_for(conn: &mut DbConn, referral_id: &str) -> QueryResult<Vec<Link>> {
    external_links::table
        .filter(external_links::referral_id.eq(referral_id))
        .order((external_links::created_at.desc(), external_links::id.desc()))
        .select(Link::as_select())
        .load(conn)
}

/// Revokes every live link of a referral; returns how many.
pub fn revoke_links(conn: &mut DbConn, referral_id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        external_links::table
            .filter(external_links::referral_id.eq(referral_id))
            .filter(external_links::revoked_at.is_null()),
    )
    .set(external_links::revoked_at.eq(at))
    .execute(conn)
}

pub fn touch_link(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(external_links::table.find(id))
        .set((
            external_links::last_used_at.eq(at),
            external_links::uses.eq(external_links::uses + 1),
        ))
        .execute(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
pub struct Mail {
    pub id: String,
    pub kind: String,
    pub to_addr: String,
    pub to_name: String,
    pub subject: String,
    pub body: String,
    pub referral_id: Option<String>,
    pub link_id: Option<String>,
    pub attach_letter: bool,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub failure: Option<String>,
    /// The clinic invitation whose link `{join}` stands for, in an invitation mail only.
    pub invitation_id: Option<String>,
    /// An iCalendar attachment (text/calendar, its METHOD inside).
    pub calendar: Option<String>,
    /// The patient link whose URL `{plink}` stands for, in a mail to a patient only.
    pub patient_link_id: Option<String>,
    /// The appointment a reminder is about.
    pub appointment_id: Option<String>,
}

pub fn queue(conn: &mut DbConn, m: &Mail) -> QueryResult<()> {
    diesel::insert_into(outbox::table)
        .values(m)
        .execute(conn)
        .map(|_| ())
}

/// Messages due now: queued ones whose time has come, and ones left "sending" by a worker
/// that died before its claim ran out.
pub fn due(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<Mail>> {
    outbox::table
        .filter(outbox::status.eq("queued").or(outbox::status.eq("sending")))
        .filter(outbox::next_attempt_at.le(now))
        .order((outbox::next_attempt_at.asc(), outbox::id.asc()))
        .limit(limit)
        .select(Mail::as_select())
        .load(conn)
}

/// Claims a message for sending until `until` (compare-and-set on status and attempts, so
/// two workers on one database never both send it). Returns whether this worker won.
pub fn claim(conn: &mut DbConn, m: &Mail, until: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        outbox::table
            .filter(outbox::id.eq(&m.id))
            .filter(outbox::status.eq(&m.status))
            .filter(outbox::attempts.eq(m.attempts))
            .filter(outbox::next_attempt_at.eq(m.next_attempt_at)),
    )
    .set((
        outbox::status.eq("sending"),
        outbox::next_attempt_at.eq(until),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn mark_sent(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(outbox::table.find(id).filter(outbox::status.eq("sending")))
        .set((
            outbox::status.eq("sent"),
            outbox::sent_at.eq(at),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
}

/// Records a failed try: back to "queued" for `next`, or "failed" when `give_up`.
pub fn mark_failed_try(
    conn: &mut DbConn,
    id: &str,
    error: &str,
    next: NaiveDateTime,
    give_up: bool,
) -> QueryResult<usize> {
    diesel::update(outbox::table.find(id).filter(outbox::status.eq("sending")))
        .set((
            outbox::status.eq(if give_up { "failed" } else { "queued" }),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::next_attempt_at.eq(next),
            outbox::last_error.eq(error),
        ))
        .execute(conn)
}

/// Records a permanent failure: the message is failed at once with the reason, whatever
/// its tries so far. `from_sending` says whether the worker holds the claim (a refusal
/// while sending) or a bounce reports on it (sent, or still being handed over).
pub fn mark_undeliverable(
    conn: &mut DbConn,
    id: &str,
    error: &str,
    failure: &str,
    from_sending: bool,
) -> QueryResult<usize> {
    // A bounce may even arrive while the worker is still finishing the SMTP session.
    let statuses: &[&str] = if from_sending {
        &["sending"]
    } else {
        &["sent", "sending"]
    };
    let counted = if from_sending { 1 } else { 0 };
    diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq_any(statuses)),
    )
    .set((
        outbox::status.eq("failed"),
        outbox::attempts.eq(outbox::attempts + counted),
        outbox::last_error.eq(error),
        outbox::failure.eq(failure),
    ))
    .execute(conn)
}

/// Remembers a message from the reply address by its key; `false` when it was seen before.
pub fn record_inbound(
    conn: &mut DbConn,
    key: &str,
    referral_id: &str,
    outcome: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    super::insert_once(conn, |c| {
        diesel::insert_into(inbound_mail::table)
            .values((
                inbound_mail::message_key.eq(key),
                inbound_mail::referral_id.eq(referral_id),
                inbound_mail::outcome.eq(outcome),
                inbound_mail::received_at.eq(at),
            ))
            .execute(c)
    })
}

/// Whether a message from the reply address was taken before, under this key.
pub fn seen_inbound(conn: &mut DbConn, key: &str) -> QueryResult<bool> {
    let n: i64 = inbound_mail::table
        .filter(inbound_mail::message_key.eq(key))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// A reply held because its sender could not be confirmed.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = held_replies)]
pub struct HeldReply {
    pub id: String,
    pub referral_id: String,
    pub from_addr: String,
    pub reason: String,
    pub note: String,
    pub file_names: String,
    pub raw_name: String,
    pub received_at: NaiveDateTime,
    pub decision: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
}

pub fn insert_held(conn: &mut DbConn, h: &HeldReply) -> QueryResult<()> {
    diesel::insert_into(held_replies::table)
        .values(h)
        .execute(conn)
        .map(|_| ())
}

/// The held replies of a referral still waiting for a decision, oldest first.
pub fn held_for(conn: &mut DbConn, referral_id: &str) -> QueryResult<Vec<HeldReply>> {
    held_replies::table
        .filter(held_replies::referral_id.eq(referral_id))
        .filter(held_replies::decision.is_null())
        .order((held_replies::received_at.asc(), held_replies::id.asc()))
        .select(HeldReply::as_select())
        .load(conn)
}

pub fn get_held(conn: &mut DbConn, id: &str) -> QueryResult<Option<HeldReply>> {
    held_replies::table
        .find(id)
        .select(HeldReply::as_select())
        .first(conn)
        .optional()
}

/// Decides a held reply once (compare-and-set on the open decision).
pub fn decide_held(
    conn: &mut DbConn,
    id: &str,
    decision: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        held_replies::table
            .find(id)
            .filter(held_replies::decision.is_null()),
    )
    .set((
        held_replies::decision.eq(decision),
        held_replies::decided_by.eq(by),
        held_replies::decided_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The mail sent about a referral, newest first.
pub fn for_referral(conn: &mut DbConn, referral_id: &str) -> QueryResult<Vec<Mail>> {
    outbox::table
        .filter(outbox::referral_id.eq(referral_id))
        .order((outbox::created_at.desc(), outbox::id.desc()))
        .select(Mail::as_select())
        .load(conn)
}

pub fn email_notifications(conn: &mut DbConn, user_id: &str) -> QueryResult<bool> {
    users::table
        .find(user_id)
        .select(users::email_notifications)
        .first(conn)
}

/// Whether the user wants an e-mail when their account signs in from a new browser.
pub fn sign_in_alerts(conn: &mut DbConn, user_id: &str) -> QueryResult<bool> {
    users::table
        .find(user_id)
        .select(users::sign_in_alerts)
        .first(conn)
}

pub fn set_sign_in_alerts(conn: &mut DbConn, user_id: &str, on: bool) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set(users::sign_in_alerts.eq(on))
        .execute(conn)
}

pub fn set_email_notifications(conn: &mut DbConn, user_id: &str, on: bool) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set(users::email_notifications.eq(on))
        .execute(conn)
}

/// Changes an outside doctor's address from `old` to `new` (the sender corrected a mistyped
/// one), compare-and-set on the old address: `false` when it changed meanwhile.
pub fn set_external_email(
    conn: &mut DbConn,
    user_id: &str,
    old: &str,
    new: &str,
) -> QueryResult<bool> {
    let n = diesel::update(
        external_doctors::table
            .find(user_id)
            .filter(external_doctors::email.eq(old)),
    )
    .set(external_doctors::email.eq(new))
    .execute(conn)?;
    Ok(n == 1)
}

/// How many referrals are addressed to a user.
pub fn referrals_to(conn: &mut DbConn, user_id: &str) -> QueryResult<i64> {
    referrals::table
        .filter(referrals::receiver_id.eq(user_id))
        .count()
        .get_result(conn)
}
