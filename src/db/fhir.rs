//! The referral search of the FHIR API: the referrals a practitioner is party to that match
//! a [`Query`], most recently changed first.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::referrals;
use crate::domain::fhir::search::{Owner, Query};
use crate::domain::referral::{ALL_STATUSES, Party, Status};

type Backend = <DbConn as diesel::Connection>::Backend;

/// The referrals of one side the viewer stands on (sender; receiver once handed the
/// referral) that match `q`'s filters, in no order yet; `None` when no status can match.
fn side_query<'a>(
    side: Party,
    viewer: &'a str,
    q: &'a Query,
) -> Option<referrals::BoxedQuery<'a, Backend>> {
    let mut allowed: Vec<Status> = q.statuses.clone().unwrap_or(ALL_STATUSES.to_vec());
    if side == Party::Receiver {
        allowed.retain(|s| s.reached_receiver());
    }
    if allowed.is_empty() {
        return None;
    }
    let mut query = referrals::table.into_boxed::<Backend>();
    query = match side {
        Party::Sender => query.filter(referrals::sender_id.eq(viewer)),
        _ => query.filter(referrals::receiver_id.eq(viewer)),
    };
    if q.statuses.is_some() || side == Party::Receiver {
        query = query.filter(referrals::status.eq_any(allowed));
    }
    match &q.owner {
        Some(Owner::Practitioner(x)) => {
            query = query.filter(
                referrals::sender_id
                    .eq(x.clone())
                    .and(referrals::status.eq_any(Query::turn_statuses(Party::Sender)))
                    .or(referrals::receiver_id
                        .eq(x.clone())
                        .and(referrals::status.eq_any(Query::turn_statuses(Party::Receiver)))),
            );
        }
        Some(Owner::Patient(p)) => {
            query = query
                .filter(referrals::patient_id.eq(p.clone()))
                .filter(referrals::status.eq_any(Query::turn_statuses(Party::Patient)));
        }
        None => {}
    }
    if let Some(s) = &q.sender {
        query = query.filter(referrals::sender_id.eq(s.clone()));
    }
    if let Some(r) = &q.receiver {
        query = query.filter(referrals::receiver_id.eq(r.clone()));
    }
    if let Some(p) = &q.patient {
        query = query.filter(referrals::patient_id.eq(p.clone()));
    }
    if let Some(id) = &q.referral {
        query = query.filter(referrals::id.eq(id.clone()));
    }
    if let Some(ps) = &q.priorities {
        let codes: Vec<String> = ps.iter().map(|p| p.as_str().to_string()).collect();
        query = query.filter(referrals::priority.eq_any(codes));
    }
    if let Some(f) = q.updated_from {
        query = query.filter(referrals::updated_at.ge(f));
    }
    if let Some(b) = q.updated_before {
        query = query.filter(referrals::updated_at.lt(b));
    }
    Some(query)
}

/// (id, last change) of the page's referrals, `q.count + 1` at most (one more than a page
/// says whether there is a next). Each side the viewer may stand on is its own index range
/// on (party, updated_at, id), merged here.
pub fn search(
    conn: &mut DbConn,
    viewer: &str,
    q: &Query,
) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    let mut rows: Vec<(String, NaiveDateTime)> = Vec::new();
    for side in [Party::Sender, Party::Receiver] {
        let Some(mut query) = side_query(side, viewer, q) else {
            continue;
        };
        if let Some(a) = &q.after {
            // The `<=` bounds where the index walk starts (an OR alone would not).
            query = query.filter(
                referrals::updated_at.le(a.at).and(
                    referrals::updated_at
                        .lt(a.at)
                        .or(referrals::id.lt(a.id.clone())),
                ),
            );
        }
        let page: Vec<(String, NaiveDateTime)> = query
            .order((referrals::updated_at.desc(), referrals::id.desc()))
            .select((referrals::id, referrals::updated_at))
            .limit(q.count as i64 + 1)
            .load(conn)?;
        rows.extend(page);
    }
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
    rows.dedup_by(|a, b| a.0 == b.0);
    rows.truncate(q.count + 1);
    Ok(rows)
}

/// A referral as a change notification names it: (id, last change, version).
pub type Changed = (String, NaiveDateTime, i64);

/// The viewer's referrals matching `q` changed after the keyset position `(at, id)`,
/// oldest change first, `limit` at most: what a subscription has not seen yet.
pub fn changed_since(
    conn: &mut DbConn,
    viewer: &str,
    q: &Query,
    (at, id): (NaiveDateTime, &str),
    limit: i64,
) -> QueryResult<Vec<Changed>> {
    let mut rows: Vec<Changed> = Vec::new();
    for side in [Party::Sender, Party::Receiver] {
        let Some(query) = side_query(side, viewer, q) else {
            continue;
        };
        let page: Vec<Changed> = query
            .filter(
                referrals::updated_at
                    .ge(at)
                    .and(referrals::updated_at.gt(at).or(referrals::id.gt(id))),
            )
            .order((referrals::updated_at.asc(), referrals::id.asc()))
            .select((referrals::id, referrals::updated_at, referrals::version))
            .limit(limit)
            .load(conn)?;
        rows.extend(page);
    }
    rows.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    rows.dedup_by(|a, b| a.0 == b.0);
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(rows)
}

/// Every consent recorded on a referral, withdrawn ones too, oldest first.
pub fn consents_of_referral(
    conn: &mut DbConn,
    referral_id: &str,
) -> QueryResult<Vec<super::referrals::Consent>> {
    use super::schema::consents;
    consents::table
        .filter(consents::referral_id.eq(referral_id))
        .order((consents::recorded_at.asc(), consents::id.asc()))
        .select(super::referrals::Consent::as_select())
        .load(conn)
}

/// The referral a row of a resource type belongs to: a consent, a need-info ask (and its
/// answer), an attachment or a timeline event.
pub fn referral_of(conn: &mut DbConn, resource: &str, id: &str) -> QueryResult<Option<String>> {
    use super::schema::{attachments, consents, referral_asks, referral_events};
    match resource {
        "Consent" => consents::table
            .find(id)
            .select(consents::referral_id)
            .first(conn)
            .optional(),
        "Communication" => referral_asks::table
            .find(id.strip_suffix("-answer").unwrap_or(id))
            .select(referral_asks::referral_id)
            .first(conn)
            .optional(),
        "Binary" => attachments::table
            .find(id)
            .select(attachments::referral_id)
            .first(conn)
            .optional(),
        "DocumentReference" => match id.strip_suffix("-snapshot") {
            Some(referral) => Ok(Some(referral.to_string())),
            None => attachments::table
                .find(id)
                .select(attachments::referral_id)
                .first(conn)
                .optional(),
        },
        "Provenance" => referral_events::table
            .find(id)
            .select(referral_events::referral_id)
            .first(conn)
            .optional(),
        _ => Ok(None),
    }
}

/// The referral about `patient_id` the viewer last changed hands with (as its sender, or as
/// its receiver once handed it): the Patient resource is read through it.
pub fn latest_about_patient(
    conn: &mut DbConn,
    viewer: &str,
    patient_id: &str,
) -> QueryResult<Option<String>> {
    let received = crate::domain::referral::received_statuses();
    referrals::table
        .filter(referrals::patient_id.eq(patient_id))
        .filter(
            referrals::sender_id.eq(viewer).or(referrals::receiver_id
                .eq(viewer)
                .and(referrals::status.eq_any(received))),
        )
        .order((referrals::updated_at.desc(), referrals::id.desc()))
        .select(referrals::id)
        .first(conn)
        .optional()
}

/// [`latest_about_patient`] for a clinic's client: the referral about `patient_id` whose
/// sender, or receiver once handed it, is of `clinic_id`.
pub fn latest_about_patient_in_clinic(
    conn: &mut DbConn,
    clinic_id: &str,
    patient_id: &str,
) -> QueryResult<Option<String>> {
    use super::schema::users;
    let received = crate::domain::referral::received_statuses();
    let receivers_here = users::table
        .filter(users::clinic_id.eq(clinic_id))
        .select(users::id);
    referrals::table
        .filter(referrals::patient_id.eq(patient_id))
        .filter(
            referrals::sender_clinic_id
                .eq(clinic_id)
                .or(referrals::receiver_id
                    .eq_any(receivers_here)
                    .and(referrals::status.eq_any(received))),
        )
        .order((referrals::updated_at.desc(), referrals::id.desc()))
        .select(referrals::id)
        .first(conn)
        .optional()
}
