//! Referral analytics: the report for a practitioner (their own referrals) or a clinic admin
//! (the whole clinic) over a period (its CSV exports are `analytics_export`'s), the
//! directory's responsiveness figures, and keeping the weekly counters in step with every
//! referral change (called inside the change's own transaction). Advice questions keep
//! their own counters (`analytics_questions`), never the referrals'.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::{Caller, Services};
use crate::db::analytics::{self as q, Scope, StatRow};
use crate::db::referrals::{Referral, TransitionChanges};
use crate::db::{self, DbConn};
use crate::domain::analytics::questions::{self, Made, QuestionTimes};
use crate::domain::analytics::{
    self as rules, Contribution, Metric, Period, ReferralTimes, percent, percentile,
};
use crate::domain::policy::{Action, Actor, AnalyticsScope};
use crate::domain::referral::REJECT_REASONS;
use crate::error::{AppError, AppResult};

/// How many specialists and clinics the "top" tables list.
pub const TOP: usize = 10;

pub use super::responsiveness::{
    DIRECTORY_WINDOW_DAYS, Responsiveness, responsiveness, responsiveness_of,
};

fn times_of(r: &Referral) -> ReferralTimes {
    ReferralTimes {
        submitted_at: r.submitted_at,
        received_at: r.received_at,
        accepted_at: r.accepted_at,
        completed_at: r.completed_at,
        reject_code: r.reject_code.clone(),
        open: ReferralTimes::is_open(r.status, r.redirected_to.is_some()),
    }
}

fn stat_row(
    c: &Contribution,
    sender: &str,
    receiver: &str,
    sender_clinic: &str,
    receiver_clinic: &str,
    n: i64,
) -> StatRow {
    StatRow {
        week: c.week.clone(),
        sender_id: sender.to_string(),
        receiver_id: receiver.to_string(),
        sender_clinic_id: sender_clinic.to_string(),
        receiver_clinic_id: receiver_clinic.to_string(),
        metric: c.metric.as_str().to_string(),
        detail: c.detail.clone(),
        bucket: c.bucket,
        n,
    }
}

/// Brings the counters in step with a transition of `before` by `changes`. Call it on the
/// connection (and so in the transaction) of the compare-and-set.
/// `clock` is what the referral was before the move, for the clock's counters.
pub fn track(
    c: &mut DbConn,
    before: &Referral,
    changes: &TransitionChanges,
    clock: q::ClockBefore,
) -> AppResult<()> {
    // A question answered is no referral completed, and its service level is not a
    // referral's triage: it moves the question counters only.
    let d = if before.kind.is_question() {
        super::analytics_questions::deltas(before, changes)
    } else {
        referral_deltas(before, changes, clock)
    };
    let mut rows = Vec::new();
    if !d.is_empty() {
        let receiver_clinic = db::users::get(c, &before.receiver_id)?.clinic_id;
        rows.extend(d.iter().map(|(k, n)| {
            stat_row(
                k,
                &before.sender_id,
                &before.receiver_id,
                &before.sender_clinic_id,
                &receiver_clinic,
                *n,
            )
        }));
    }
    if let Some((k, o)) = super::analytics_questions::referred_by_send(c, before, changes)? {
        rows.push(stat_row(
            &k,
            &o.sender_id,
            &o.receiver_id,
            &o.sender_clinic_id,
            &o.receiver_clinic_id,
            1,
        ));
    }
    if !rows.is_empty() {
        q::add(c, &rows)?;
    }
    Ok(())
}

/// Moves a referral's counters from its receiver to `to` (a colleague of the same clinic
/// covering for them), so the figures say who has it, as a rebuild from the referrals
/// would. The clock's counters (what a past due time was) stay where they were measured.
pub fn move_receiver(c: &mut DbConn, r: &Referral, to: &str) -> AppResult<()> {
    // A question keeps the question counters (asked, answered, its time to an answer).
    let held = if r.kind.is_question() {
        questions::contributions(&QuestionTimes::of(
            r.status,
            r.submitted_at,
            r.received_at,
            r.completed_at,
        ))
    } else {
        rules::contributions(&times_of(r))
    };
    if held.is_empty() {
        return Ok(());
    }
    let from_clinic = db::users::get(c, &r.receiver_id)?.clinic_id;
    let to_clinic = db::users::get(c, to)?.clinic_id;
    let mut rows = Vec::with_capacity(held.len() * 2);
    for k in &held {
        rows.push(stat_row(
            k,
            &r.sender_id,
            &r.receiver_id,
            &r.sender_clinic_id,
            &from_clinic,
            -1,
        ));
        rows.push(stat_row(
            k,
            &r.sender_id,
            to,
            &r.sender_clinic_id,
            &to_clinic,
            1,
        ));
    }
    q::add(c, &rows)?;
    Ok(())
}

/// What a referral's move does to the referral and clock counters.
fn referral_deltas(
    before: &Referral,
    changes: &TransitionChanges,
    clock: q::ClockBefore,
) -> Vec<(Contribution, i64)> {
    let old = times_of(before);
    let new = ReferralTimes {
        submitted_at: changes.submitted_at.or(old.submitted_at),
        received_at: changes.received_at.or(old.received_at),
        accepted_at: changes.accepted_at.or(old.accepted_at),
        completed_at: changes.completed_at.or(old.completed_at),
        reject_code: changes.reject_code.clone().or(old.reject_code.clone()),
        // A redirect keeps the status (declined) but ends the loop, like closing would.
        open: ReferralTimes::is_open(
            changes.status.unwrap_or(before.status),
            before.redirected_to.is_some() || changes.redirected_to.is_some(),
        ),
    };
    let mut d = rules::deltas(&old, &new);
    d.extend(
        super::analytics_clock::contributions(before, changes, clock)
            .into_iter()
            .map(|k| (k, 1)),
    );
    d
}

/// Counters being built up in memory (the generator and the rebuild), written in one go.
#[derive(Default)]
pub struct Accumulator {
    rows: HashMap<(Contribution, String, String), (String, String, i64)>,
}

impl Accumulator {
    /// Adds what `r` contributes; `receiver_clinic` is the receiver's clinic.
    pub fn add(&mut self, r: &ReferralTimes, sender: &str, receiver: &str, sc: &str, rc: &str) {
        for c in rules::contributions(r) {
            self.add_one(c, sender, receiver, sc, rc);
        }
    }

    /// Adds what the question `q` contributes.
    pub fn add_question(
        &mut self,
        q: &QuestionTimes,
        sender: &str,
        receiver: &str,
        sc: &str,
        rc: &str,
    ) {
        for c in questions::contributions(q) {
            self.add_one(c, sender, receiver, sc, rc);
        }
    }

    /// Adds 1 to one counter (the clock's, which the generator works out itself).
    pub fn add_one(&mut self, c: Contribution, sender: &str, receiver: &str, sc: &str, rc: &str) {
        let e = self
            .rows
            .entry((c, sender.to_string(), receiver.to_string()))
            .or_insert_with(|| (sc.to_string(), rc.to_string(), 0));
        e.2 += 1;
    }

    /// Adds every counter to the database.
    pub fn write(self, c: &mut DbConn) -> AppResult<usize> {
        let rows: Vec<StatRow> = self
            .rows
            .into_iter()
            .map(|((k, s, r), (sc, rc, n))| stat_row(&k, &s, &r, &sc, &rc, n))
            .collect();
        q::add(c, &rows)?;
        Ok(rows.len())
    }
}

/// Fills the counters (and with them the clinic rollup) from the referrals when there are
/// submitted referrals but no counters: a database from before analytics existed. Every submitted referral adds to
/// at least one counter, so counters exist whenever the two are in step.
pub fn backfill_if_needed(svc: &Services) -> AppResult<usize> {
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        if q::any_stats(c)? || !q::any_submitted(c)? {
            return Ok(0);
        }
        // The rollup sums the pair counters: whatever it holds without them is stale, and
        // the writes below fill it again.
        db::clinic_rollup::clear(c)?;
        let clinics: HashMap<String, String> = q::user_clinics(c)?.into_iter().collect();
        let mut acc = Accumulator::default();
        let mut after = String::new();
        loop {
            let page = q::submitted_page(c, &after, 20_000)?;
            let Some(last) = page.last() else { break };
            after = last.0.clone();
            for (_, sender, receiver, sc, status, sub, rec, acc_at, comp, code, redirected, kind) in
                &page
            {
                let rc = clinics.get(receiver).map_or("", String::as_str);
                if kind.is_question() {
                    let t = QuestionTimes::of(*status, *sub, *rec, *comp);
                    acc.add_question(&t, sender, receiver, sc, rc);
                    continue;
                }
                acc.add(
                    &ReferralTimes {
                        submitted_at: *sub,
                        received_at: *rec,
                        accepted_at: *acc_at,
                        completed_at: *comp,
                        reject_code: code.clone(),
                        open: ReferralTimes::is_open(*status, *redirected),
                    },
                    sender,
                    receiver,
                    sc,
                    rc,
                );
            }
        }
        // A recommended referral counts for its question once it was sent.
        for (sender, receiver, sc, asked) in db::question_analytics::recommended_and_sent(c)? {
            let rc = clinics.get(&receiver).map_or("", String::as_str);
            let k = questions::referred(asked, Made::Recommended);
            acc.add_one(k, &sender, &receiver, &sc, rc);
        }
        acc.write(c)
    })
}

/// Which analytics the caller may see: their own as a practitioner, the clinic's as its
/// admin; anyone else is refused by the policy.
fn scope_of(caller: &Caller) -> AppResult<(Scope<'_>, AnalyticsScope<'_>)> {
    let scope = match &caller.actor {
        Actor::ClinicAdmin { clinic_id, .. } => (
            Scope::Clinic(clinic_id),
            AnalyticsScope::Clinic { clinic_id },
        ),
        // Anyone else signed in asks for their own figures; the policy says who may.
        other => match other.user_id() {
            Some(user_id) => (
                Scope::Practitioner(user_id),
                AnalyticsScope::Practitioner { user_id },
            ),
            None => {
                return Err(AppError::NeedsLogin {
                    next: "/analytics".into(),
                });
            }
        },
    };
    caller.authorize(&Action::ViewAnalytics(scope.1), "/analytics")?;
    Ok(scope)
}

/// Refuses callers who may not see analytics (before their input is looked at).
pub fn check(_svc: &Services, caller: &Caller) -> AppResult<()> {
    scope_of(caller).map(|_| ())
}

/// One week of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekLine {
    /// Monday of the week.
    pub week: NaiveDate,
    pub sent: i64,
    pub received: i64,
    pub accepted: i64,
    pub completed: i64,
}

/// A specialist or clinic referred to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopLine {
    pub id: String,
    pub name: String,
    pub sent: i64,
    pub accepted: i64,
    /// Accepted ÷ sent, in percent.
    pub conversion: Option<i64>,
    pub tta_median: Option<i64>,
    pub tta_p90: Option<i64>,
    /// A doctor outside the network (no profile page to link to).
    pub external: bool,
}

/// The analytics report.
#[derive(Debug, Clone)]
pub struct Report {
    /// Whose referrals: the clinic's name, or the practitioner's.
    pub who: String,
    pub clinic_scope: bool,
    pub period: Period,
    pub weeks: Vec<WeekLine>,
    pub sent: i64,
    pub received: i64,
    pub accepted: i64,
    pub completed: i64,
    /// (accepted or completed) ÷ submitted, in percent.
    pub conversion: Option<i64>,
    pub tta_median: Option<i64>,
    pub tta_p90: Option<i64>,
    pub tta_count: i64,
    pub ttc_median: Option<i64>,
    pub ttc_p90: Option<i64>,
    /// (code, label, how many), in the order of the reason list.
    pub reasons: Vec<(&'static str, &'static str, i64)>,
    pub top_specialists: Vec<TopLine>,
    pub top_clinics: Vec<TopLine>,
    /// (age band, how many open loops), as of now (not limited to the period).
    pub open_loops: Vec<(&'static str, i64)>,
    /// Triaged within the service level, time in each state.
    pub clock: super::analytics_clock::ClockFigures,
    /// Advice questions asked by and of the scope.
    pub questions: super::analytics_questions::QuestionFigures,
    /// The clinic's services (a clinic's report only).
    pub services: Vec<super::analytics_services::ServiceFigures>,
}

fn histogram(map: &BTreeMap<i64, i64>) -> Vec<(i64, i64)> {
    map.iter().map(|(b, n)| (*b, *n)).collect()
}

fn top(
    lines: HashMap<String, (i64, i64, BTreeMap<i64, i64>)>,
    names: &[(String, String)],
) -> Vec<TopLine> {
    let mut out: Vec<TopLine> = lines
        .into_iter()
        .map(|(id, (sent, accepted, tta))| {
            let h = histogram(&tta);
            TopLine {
                name: names
                    .iter()
                    .find(|(i, _)| *i == id)
                    .map_or_else(|| "Unknown".to_string(), |(_, n)| n.clone()),
                id,
                sent,
                accepted,
                conversion: percent(accepted, sent),
                tta_median: percentile(&h, 50),
                tta_p90: percentile(&h, 90),
                external: false,
            }
        })
        .filter(|t| t.sent > 0)
        .collect();
    // Most referred to first; ties by name so the order is stable on both backends.
    out.sort_by(|a, b| b.sent.cmp(&a.sent).then_with(|| a.name.cmp(&b.name)));
    out.truncate(TOP);
    out
}

/// The caller's analytics over `period`.
pub fn report(svc: &Services, caller: &Caller, period: Period) -> AppResult<Report> {
    let (scope, _) = scope_of(caller)?;
    let now = svc.now();
    let (from, to) = period.week_keys();
    let mut conn = svc.conn()?;
    db::read_tx(&mut conn, |c| {
        let who = match scope {
            Scope::Clinic(id) => db::clinics::get(c, id)?.name,
            Scope::Practitioner(id) => db::users::get(c, id)?.display_name,
        };
        let mut weeks: BTreeMap<String, WeekLine> = period
            .weeks()
            .into_iter()
            .map(|w| {
                (
                    rules::week_key(w),
                    WeekLine {
                        week: w,
                        sent: 0,
                        received: 0,
                        accepted: 0,
                        completed: 0,
                    },
                )
            })
            .collect();
        let (mut tta, mut ttc) = (BTreeMap::<i64, i64>::new(), BTreeMap::<i64, i64>::new());
        let mut reasons: HashMap<String, i64> = HashMap::new();
        for s in q::sent_side(c, scope, &from, &to)? {
            let Some(line) = weeks.get_mut(&s.week) else {
                continue;
            };
            match Metric::parse(&s.metric) {
                Some(Metric::Sent) => line.sent += s.n,
                Some(Metric::Accepted) => line.accepted += s.n,
                Some(Metric::Completed) => line.completed += s.n,
                Some(Metric::Rejected) => *reasons.entry(s.detail).or_default() += s.n,
                Some(Metric::TimeToAccept) => *tta.entry(s.bucket).or_default() += s.n,
                Some(Metric::TimeToComplete) => *ttc.entry(s.bucket).or_default() += s.n,
                _ => {}
            }
        }
        for r in q::received_weekly(c, scope, &from, &to)? {
            if let Some(line) = weeks.get_mut(&r.week) {
                line.received += r.n;
            }
        }
        let mut by_person: HashMap<String, (i64, i64, BTreeMap<i64, i64>)> = HashMap::new();
        let mut by_clinic: HashMap<String, (i64, i64, BTreeMap<i64, i64>)> = HashMap::new();
        for r in q::by_receiver(c, scope, &from, &to)? {
            for (key, map) in [
                (&r.receiver_id, &mut by_person),
                (&r.receiver_clinic_id, &mut by_clinic),
            ] {
                let e = map.entry(key.clone()).or_default();
                match Metric::parse(&r.metric) {
                    Some(Metric::Sent) => e.0 += r.n,
                    Some(Metric::Accepted) => e.1 += r.n,
                    Some(Metric::TimeToAccept) => *e.2.entry(r.bucket).or_default() += r.n,
                    _ => {}
                }
            }
        }
        let person_ids: Vec<String> = by_person.keys().cloned().collect();
        let clinic_ids: Vec<String> = by_clinic.keys().cloned().collect();
        let mut top_specialists = top(by_person, &q::user_names(c, &person_ids)?);
        for t in top_specialists.iter_mut() {
            t.external = db::mail::is_external_doctor(c, &t.id)?;
        }
        let top_clinics = top(by_clinic, &q::clinic_names(c, &clinic_ids)?);
        // A recent band is the open loops submitted since its start less those since its
        // end, each from counters per day and one day of referrals; the oldest band is
        // every open loop (a sum of counters) less the recent ones, so the page does not
        // slow down as the history grows.
        let ranges = rules::open_loop_ranges(now);
        let owner = match scope {
            Scope::Clinic(id) => db::day_counts::Owner::Clinic(id),
            Scope::Practitioner(id) => db::day_counts::Owner::Sender(id),
        };
        let [(_, week, newest), (_, month, _), _] = ranges;
        let [since_month, since_week, later] =
            db::day_counts::open_since_each(c, owner, true, [month, week, newest])?;
        let (recent, older_month) = (since_week - later, since_month - since_week);
        let oldest = q::open_total(c, scope)? - recent - older_month;
        let open_loops = ranges
            .iter()
            .zip([recent, older_month, oldest])
            .map(|((label, ..), n)| (*label, n))
            .collect();
        let clock = super::analytics_clock::figures(c, scope, &from, &to, TOP)?;
        let questions = super::analytics_questions::figures(c, scope, &from, &to)?;
        let services = super::analytics_services::figures(c, scope, &period)?;
        let weeks: Vec<WeekLine> = weeks.into_values().collect();
        let sum = |f: fn(&WeekLine) -> i64| weeks.iter().map(f).sum::<i64>();
        let (sent, accepted) = (sum(|w| w.sent), sum(|w| w.accepted));
        let (tta_h, ttc_h) = (histogram(&tta), histogram(&ttc));
        Ok(Report {
            who,
            clinic_scope: matches!(scope, Scope::Clinic(_)),
            period,
            sent,
            received: sum(|w| w.received),
            accepted,
            completed: sum(|w| w.completed),
            conversion: percent(accepted, sent),
            tta_median: percentile(&tta_h, 50),
            tta_p90: percentile(&tta_h, 90),
            tta_count: tta_h.iter().map(|(_, n)| n).sum(),
            ttc_median: percentile(&ttc_h, 50),
            ttc_p90: percentile(&ttc_h, 90),
            reasons: REJECT_REASONS
                .iter()
                .map(|(code, label)| (*code, *label, reasons.get(*code).copied().unwrap_or(0)))
                .collect(),
            top_specialists,
            top_clinics,
            open_loops,
            clock,
            questions,
            services,
            weeks,
        })
    })
}
