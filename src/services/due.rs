//! Which clinic's clock a referral runs on and when its current turn is due: read here, in
//! the transaction that changes the status, so the due time is written with the status.
//! A leaf: the lifecycle, the uploads and the clock job all ask it, it asks none of them.

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::{self, DbConn, clock::ClinicClock, referrals::Referral};
use crate::domain::calendar::zone;
use crate::domain::clock::{ClockRules, parse_holidays, rules_of};
use crate::domain::due::ServiceLevels;
use crate::domain::referral::{Party, Priority, Status};
use crate::error::AppResult;

/// A clinic's rules from its saved row, or the defaults in the app's zone.
pub fn rules_from(row: Option<ClinicClock>, default_zone: &str) -> ClockRules {
    let fallback = zone(default_zone).unwrap_or(chrono_tz::Tz::UTC);
    let Some(r) = row else {
        return ClockRules::defaults(fallback);
    };
    ClockRules {
        levels: ServiceLevels {
            routine_triage_days: r.routine_triage_days,
            urgent_triage_days: r.urgent_triage_days,
            emergency_triage_hours: r.emergency_triage_hours,
            need_info_days: r.need_info_days,
            approval_days: r.approval_days,
            book_visit_days: r.book_visit_days,
            outcome_days: r.outcome_days,
            advice_days: r.advice_days,
        },
        remind_before_hours: r.remind_before_hours,
        escalate_after_days: r.escalate_after_days,
        expire_after_days: r.expire_after_days,
        auto_close_days: r.auto_close_days,
        // Saved rows were validated; a hand-edited one loses only its holidays.
        holidays: parse_holidays(&r.holidays).unwrap_or_default(),
        zone: zone(&r.time_zone).unwrap_or(fallback),
    }
}

/// The row that saves a clinic's rules.
pub fn row_of(clinic_id: &str, r: &ClockRules, now: NaiveDateTime) -> ClinicClock {
    let l = &r.levels;
    ClinicClock {
        clinic_id: clinic_id.into(),
        routine_triage_days: l.routine_triage_days,
        urgent_triage_days: l.urgent_triage_days,
        emergency_triage_hours: l.emergency_triage_hours,
        need_info_days: l.need_info_days,
        approval_days: l.approval_days,
        book_visit_days: l.book_visit_days,
        outcome_days: l.outcome_days,
        advice_days: l.advice_days,
        remind_before_hours: r.remind_before_hours,
        escalate_after_days: r.escalate_after_days,
        expire_after_days: r.expire_after_days,
        auto_close_days: r.auto_close_days,
        holidays: crate::domain::clock::holidays_text(&r.holidays),
        time_zone: r.zone.name().into(),
        updated_at: now,
    }
}

/// The rules a referral's turn in `status` runs on: its receiver's clinic or its sender's.
pub fn rules_for(
    c: &mut DbConn,
    status: Status,
    sender_id: &str,
    receiver_id: &str,
    default_zone: &str,
) -> AppResult<ClockRules> {
    let user = match rules_of(status) {
        Party::Receiver => receiver_id,
        _ => sender_id,
    };
    Ok(rules_from(db::clock::of_user(c, user)?, default_zone))
}

/// When the turn a referral enters at `since` in `to` is due (`None`: nobody must act).
pub fn due_after(
    c: &mut DbConn,
    r: &Referral,
    to: Status,
    since: NaiveDateTime,
    default_zone: &str,
) -> AppResult<Option<NaiveDateTime>> {
    // No clinic's rules to read for a state nobody must act in.
    if !crate::domain::due::has_due(to) {
        return Ok(None);
    }
    let rules = rules_for(c, to, &r.sender_id, &r.receiver_id, default_zone)?;
    Ok(rules.due(
        r.kind.is_question(),
        to,
        priority_of(&r.priority),
        since,
        see_by_of(r.see_by.as_deref()),
    ))
}

pub fn priority_of(p: &str) -> Priority {
    Priority::parse(p).unwrap_or(Priority::Routine)
}

pub fn see_by_of(s: Option<&str>) -> Option<NaiveDate> {
    s.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// The clinic's clock rules for its admin's form (the defaults until saved once).
pub fn clinic_rules(
    svc: &super::Services,
    caller: &super::Caller,
    clinic_id: &str,
) -> AppResult<ClockRules> {
    caller.authorize(
        &crate::domain::policy::Action::ManageClinic { clinic_id },
        "/admin/clock",
    )?;
    let mut conn = svc.conn()?;
    Ok(rules_from(
        db::clock::of_clinic(&mut conn, clinic_id)?,
        &svc.mail.settings.default_time_zone,
    ))
}

/// Saves the clinic's clock rules (validated, each error beside its field) and re-times
/// every open referral that runs on them, in one transaction. Returns how many referrals
/// got a new due time.
pub fn save_clinic_rules(
    svc: &super::Services,
    caller: &super::Caller,
    clinic_id: &str,
    form: &crate::domain::clock::ClockForm,
) -> AppResult<usize> {
    use crate::error::AppError;
    caller.authorize(
        &crate::domain::policy::Action::ManageClinic { clinic_id },
        "/admin/clock",
    )?;
    let zone_name = &svc.mail.settings.default_time_zone;
    let mut conn = svc.conn()?;
    let now = svc.now();
    db::write_tx(&mut conn, |c| -> AppResult<usize> {
        let before = rules_from(db::clock::of_clinic(c, clinic_id)?, zone_name);
        let rules = form.validate(before.zone).map_err(AppError::Invalid)?;
        db::clock::save(c, &row_of(clinic_id, &rules, now))?;
        let mut moved = 0;
        for w in db::clock::open_of_clinic(c, clinic_id)? {
            let r = rules_for(c, w.status, &w.sender_id, &w.receiver_id, zone_name)?;
            let due = r.due(
                w.kind.is_question(),
                w.status,
                priority_of(&w.priority),
                w.waiting_since,
                see_by_of(w.see_by.as_deref()),
            );
            if due != w.due_at {
                moved += db::clock::set_due(c, &w.id, w.version, due)?;
            }
        }
        let l = &rules.levels;
        super::audit(
            c,
            now,
            caller,
            super::AuditEntry {
                action: "clinic_clock_changed",
                subject_type: "clinic",
                subject_id: clinic_id,
                patient_id: None,
                detail: format!(
                    "triage {}/{} working days, emergency {} h; information {} d, approval {} d, booking {} d, outcome {} d, advice {} d; remind {} h before, escalate {} d after, expire after {} d, complete a drafted outcome {} d after the visit; {} holidays; {moved} open referrals re-timed",
                    l.routine_triage_days,
                    l.urgent_triage_days,
                    l.emergency_triage_hours,
                    l.need_info_days,
                    l.approval_days,
                    l.book_visit_days,
                    l.outcome_days,
                    l.advice_days,
                    rules.remind_before_hours,
                    rules.escalate_after_days,
                    rules.expire_after_days,
                    rules.auto_close_days,
                    rules.holidays.len()
                ),
            },
        )?;
        Ok(moved)
    })
}
