//! A clinic's services: their rows, members and coordinator, and who stands how in whose
//! queue. A service's name, specialties and "accepting" flag are its users and
//! practitioners rows (so the directory and the composer treat it as a receiver).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{practitioners, referral_moves, referrals, service_members, services, users};
use crate::domain::service::{Eligibility, QueueRole};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = services)]
pub struct ServiceRow {
    pub id: String,
    pub clinic_id: String,
    pub description: String,
    pub coordinator_id: Option<String>,
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    pub sex: Option<String>,
    pub created_at: NaiveDateTime,
}

impl ServiceRow {
    pub fn eligibility(&self) -> Eligibility {
        Eligibility {
            min_age: self.min_age,
            max_age: self.max_age,
            sex: self.sex.clone(),
        }
    }
}

/// A service as its clinic's admin and its members see it.
#[derive(Debug, Clone)]
pub struct ServiceCard {
    pub row: ServiceRow,
    pub name: String,
    pub specialties: String,
    pub accepting: bool,
}

pub fn insert(conn: &mut DbConn, s: &ServiceRow) -> QueryResult<usize> {
    diesel::insert_into(services::table).values(s).execute(conn)
}

/// Rewrites what the admin edits beside the name and specialties (the users and
/// practitioners rows).
pub fn update(conn: &mut DbConn, s: &ServiceRow) -> QueryResult<usize> {
    diesel::update(services::table.find(&s.id))
        .set((
            services::description.eq(&s.description),
            services::coordinator_id.eq(&s.coordinator_id),
            services::min_age.eq(s.min_age),
            services::max_age.eq(s.max_age),
            services::sex.eq(&s.sex),
        ))
        .execute(conn)
}

/// Replaces the members.
pub fn set_members(conn: &mut DbConn, service_id: &str, members: &[String]) -> QueryResult<()> {
    diesel::delete(service_members::table.filter(service_members::service_id.eq(service_id)))
        .execute(conn)?;
    for m in members {
        diesel::insert_into(service_members::table)
            .values((
                service_members::service_id.eq(service_id),
                service_members::user_id.eq(m),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The services of a clinic, by name.
pub fn of_clinic(conn: &mut DbConn, clinic_id: &str) -> QueryResult<Vec<ServiceCard>> {
    let rows: Vec<(ServiceRow, String, String, bool)> = services::table
        .inner_join(users::table.on(users::id.eq(services::id)))
        .inner_join(practitioners::table.on(practitioners::user_id.eq(services::id)))
        .filter(services::clinic_id.eq(clinic_id))
        .order((users::display_name.asc(), services::id.asc()))
        .select((
            ServiceRow::as_select(),
            users::display_name,
            practitioners::specialty,
            practitioners::accepting_referrals,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(card).collect())
}

fn card((row, name, specialties, accepting): (ServiceRow, String, String, bool)) -> ServiceCard {
    ServiceCard {
        row,
        name,
        specialties,
        accepting,
    }
}

/// One service.
pub fn get(conn: &mut DbConn, id: &str) -> QueryResult<Option<ServiceCard>> {
    let row: Option<(ServiceRow, String, String, bool)> = services::table
        .inner_join(users::table.on(users::id.eq(services::id)))
        .inner_join(practitioners::table.on(practitioners::user_id.eq(services::id)))
        .filter(services::id.eq(id))
        .select((
            ServiceRow::as_select(),
            users::display_name,
            practitioners::specialty,
            practitioners::accepting_referrals,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(card))
}

/// The members of a service, (id, name) by name.
pub fn members(conn: &mut DbConn, service_id: &str) -> QueryResult<Vec<(String, String)>> {
    service_members::table
        .inner_join(users::table.on(users::id.eq(service_members::user_id)))
        .filter(service_members::service_id.eq(service_id))
        .filter(users::active.eq(true))
        .order(users::display_name.asc())
        .select((users::id, users::display_name))
        .load(conn)
}

/// How `user_id` stands in the queue of `service_id`: `None` when it is no service or
/// they are neither a member nor its coordinator (one statement).
pub fn queue_role(
    conn: &mut DbConn,
    service_id: &str,
    user_id: &str,
) -> QueryResult<Option<QueueRole>> {
    let row: Option<(Option<String>, Option<String>)> = services::table
        .left_join(
            service_members::table.on(service_members::service_id
                .eq(services::id)
                .and(service_members::user_id.eq(user_id))),
        )
        .filter(services::id.eq(service_id))
        .select((
            services::coordinator_id,
            service_members::user_id.nullable(),
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((Some(c), _)) if c == user_id => Some(QueueRole::Coordinator),
        Some((_, Some(_))) => Some(QueueRole::Member),
        _ => None,
    })
}

/// The services whose queue `user_id` sees (member or coordinator), (id, name) by name.
pub fn queues_of(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<(String, String)>> {
    services::table
        .inner_join(users::table.on(users::id.eq(services::id)))
        .left_join(
            service_members::table.on(service_members::service_id
                .eq(services::id)
                .and(service_members::user_id.eq(user_id))),
        )
        .filter(
            service_members::user_id
                .is_not_null()
                .or(services::coordinator_id.eq(user_id)),
        )
        .order(users::display_name.asc())
        .select((services::id, users::display_name))
        .load(conn)
}

/// Which of `ids` are services.
pub fn which_are_services(conn: &mut DbConn, ids: &[&str]) -> QueryResult<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    services::table
        .filter(services::id.eq_any(ids))
        .select(services::id)
        .load(conn)
}

/// Records the service a referral was addressed to, once a member has it.
pub fn mark_referral(conn: &mut DbConn, referral_id: &str, service_id: &str) -> QueryResult<usize> {
    diesel::update(referral_moves::table.find(referral_id))
        .set(referral_moves::service_id.eq(service_id))
        .execute(conn)
}

/// Moves a referral from the service it waits with to `to` (a member, or another service):
/// a compare-and-set on the version, which it bumps. 0 when someone else moved it first.
pub fn take(
    conn: &mut DbConn,
    (id, version): (&str, i64),
    (from, to): (&str, &str),
    now: NaiveDateTime,
) -> QueryResult<usize> {
    use referral_moves as m;
    diesel::update(
        m::table
            .filter(m::id.eq(id))
            .filter(m::version.eq(version))
            .filter(m::receiver_id.eq(from)),
    )
    .set((
        m::receiver_id.eq(to),
        m::version.eq(m::version + 1),
        m::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Everyone who sees a service's queue (members and coordinator): its notices go to them.
pub fn queue_people(conn: &mut DbConn, service_id: &str) -> QueryResult<Vec<String>> {
    let mut people: Vec<String> = members(conn, service_id)?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    if let Some(Some(c)) = services::table
        .find(service_id)
        .select(services::coordinator_id)
        .first::<Option<String>>(conn)
        .optional()?
        && !people.contains(&c)
    {
        people.push(c);
    }
    Ok(people)
}

/// The service a referral was taken from (claimed or assigned), if it was.
pub fn taken_from(conn: &mut DbConn, referral_id: &str) -> QueryResult<Option<String>> {
    referral_moves::table
        .find(referral_id)
        .select(referral_moves::service_id)
        .first::<Option<String>>(conn)
        .optional()
        .map(Option::flatten)
}

/// For each service of a clinic, the referrals addressed to it that were submitted in
/// [`from`, `to`), by who has them now: (service id, holder id, how many). The holder is
/// the service itself while it waits in its queue (closed there, unclaimed, it is not
/// counted). One index range per service.
pub fn referrals_by_holder(
    conn: &mut DbConn,
    clinic_id: &str,
    (from, to): (NaiveDateTime, NaiveDateTime),
) -> QueryResult<Vec<(String, String, i64)>> {
    let ids: Vec<String> = services::table
        .filter(services::clinic_id.eq(clinic_id))
        .select(services::id)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    use referral_moves as m;
    // Taken from a service (its id kept on the referral), or still waiting in one.
    let taken: Vec<(Option<String>, String, Option<NaiveDateTime>)> = m::table
        .filter(m::service_id.eq_any(&ids))
        .filter(m::submitted_at.ge(from))
        .filter(m::submitted_at.lt(to))
        .select((m::service_id, m::receiver_id, m::submitted_at))
        .load(conn)?;
    let waiting: Vec<String> = referrals::table
        .filter(referrals::receiver_id.eq_any(&ids))
        .filter(referrals::status.eq_any(crate::domain::referral::queue::CLAIMABLE))
        .filter(referrals::submitted_at.ge(from))
        .filter(referrals::submitted_at.lt(to))
        .select(referrals::receiver_id)
        .load(conn)?;
    let mut out: std::collections::BTreeMap<(String, String), i64> = Default::default();
    for (service, holder, _) in taken {
        if let Some(s) = service {
            *out.entry((s, holder)).or_default() += 1;
        }
    }
    for s in waiting {
        *out.entry((s.clone(), s)).or_default() += 1;
    }
    Ok(out.into_iter().map(|((s, h), n)| (s, h, n)).collect())
}

/// One page of the referrals taken from a service (claimed by or assigned to a member),
/// newest sent first, after the cursor `after` (sent at, id): one range of the service's
/// index, then the page's rows and names.
pub fn taken(
    conn: &mut DbConn,
    service_id: &str,
    after: Option<&(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<super::referrals::ListRow>> {
    use referral_moves as m;
    let mut q = m::table
        .filter(m::service_id.eq(service_id))
        .filter(m::receiver_id.ne(service_id))
        .filter(m::submitted_at.is_not_null())
        .into_boxed();
    if let Some((at, id)) = after {
        // The `<=` bounds where the index walk starts (an OR alone would not).
        q = q.filter(
            m::submitted_at
                .le(*at)
                .and(m::submitted_at.lt(*at).or(m::id.lt(id.clone()))),
        );
    }
    let ids: Vec<String> = q
        .order((m::submitted_at.desc(), m::id.desc()))
        .limit(limit)
        .select(m::id)
        .load(conn)?;
    let mut rows: Vec<super::referrals::Referral> = if ids.is_empty() {
        Vec::new()
    } else {
        referrals::table
            .filter(referrals::id.eq_any(&ids))
            .select(super::referrals::Referral::as_select())
            .load(conn)?
    };
    rows.sort_by_key(|r| ids.iter().position(|i| *i == r.id));
    super::referrals::with_names(conn, rows)
}

/// Whether `id` is a service.
pub fn is_service(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(services::table.find(id))).get_result(conn)
}
