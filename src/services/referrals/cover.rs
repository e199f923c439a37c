//! Cover for a colleague: a practitioner's absences, the referrals sent to them while away
//! going to the colleague who covers, and handing their open referrals over in one step.

use chrono::{NaiveDate, NaiveDateTime};

use super::access::{EventRow, event};
use crate::db::cover::AwayRow;
use crate::db::referrals::{Consent, Referral};
use crate::db::{self, DbConn};
use crate::domain::cover::{self as rules, AwayForm, NewAway};
use crate::domain::policy::Action;
use crate::domain::referral::ConsentMethod;
use crate::error::{AppError, AppResult};
use crate::services::{AuditEntry, Caller, Services, analytics, audit, mail};

/// The calendar day at `now` where the clinic works.
pub fn today(svc: &Services, now: NaiveDateTime) -> NaiveDate {
    let zone = crate::domain::calendar::zone(&svc.mail.settings.default_time_zone)
        .unwrap_or(chrono_tz::Tz::UTC);
    crate::domain::calendar::to_local(now, zone).date()
}

/// The absences page: what is planned, who may cover, and the hand-over on offer.
pub struct CoverPage {
    pub today: NaiveDate,
    /// Absences under way or to come, soonest first, with the cover's name.
    pub periods: Vec<(AwayRow, String)>,
    /// (id, name) of the active colleagues who may cover.
    pub colleagues: Vec<(String, String)>,
    /// While away today: the cover's name, and how many open referrals can be handed
    /// over and how many stay (a visit is booked with them).
    pub hand_over: Option<HandOver>,
}

/// A hand-over on offer, or done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandOver {
    pub to_name: String,
    pub movable: usize,
    pub kept: usize,
}

fn colleagues(c: &mut DbConn, me: &str, clinic_id: &str) -> AppResult<Vec<(String, String)>> {
    Ok(db::users::clinic_practitioners(c, clinic_id)?
        .into_iter()
        .filter(|(u, _)| u.active && u.id != me)
        .map(|(u, _)| (u.id, u.display_name))
        .collect())
}

fn my_clinic(caller: &Caller) -> AppResult<&str> {
    caller.authorize(
        &Action::ManageCover {
            covering_clinic: None,
        },
        "/account/away",
    )?;
    caller.actor.clinic_id().ok_or_else(AppError::forbidden)
}

/// Who covers `me` today, if anyone does (the end of the chain of covers).
fn cover_today(c: &mut DbConn, me: &str, today: NaiveDate) -> AppResult<Option<String>> {
    let mut away = Vec::new();
    let mut asking = vec![me.to_string()];
    // Each round reads the absences of those just named: a chain is a few people long.
    for _ in 0..8 {
        let ids: Vec<&str> = asking.iter().map(String::as_str).collect();
        let found = db::cover::on_day(c, &ids, today)?;
        if found.is_empty() {
            break;
        }
        asking = found.iter().map(|a| a.covering_id.clone()).collect();
        away.extend(found.iter().map(AwayRow::away));
    }
    Ok(rules::receiver_on(me, today, &away))
}

/// What the directory and the composer say of a practitioner away today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwayNotice {
    /// Their last day away.
    pub until: NaiveDate,
    /// Who receives their referrals meanwhile (the end of the chain of covers).
    pub cover_name: String,
}

/// The notices of those of `ids` away on `today` (one statement, then one per absentee).
pub fn away_notices(
    c: &mut DbConn,
    ids: &[&str],
    today: NaiveDate,
) -> AppResult<std::collections::HashMap<String, AwayNotice>> {
    let mut out = std::collections::HashMap::new();
    for a in db::cover::on_day(c, ids, today)? {
        if let Some(to) = cover_today(c, &a.user_id, today)? {
            let cover_name = db::users::get(c, &to)?.display_name;
            out.insert(
                a.user_id.clone(),
                AwayNotice {
                    until: a.last_day,
                    cover_name,
                },
            );
        }
    }
    Ok(out)
}

/// [`away_notices`] for a directory page, today.
pub fn away_today(
    svc: &Services,
    ids: &[String],
) -> AppResult<std::collections::HashMap<String, AwayNotice>> {
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let today = today(svc, svc.now());
    let mut conn = svc.conn()?;
    away_notices(&mut conn, &ids, today)
}

/// The absences page of the signed-in practitioner.
pub fn page(svc: &Services, caller: &Caller) -> AppResult<CoverPage> {
    let clinic = my_clinic(caller)?.to_string();
    let me = caller.user_id()?.to_string();
    let now = svc.now();
    let today = today(svc, now);
    let mut conn = svc.conn()?;
    db::read_tx(&mut conn, |c| {
        let periods = db::cover::upcoming(c, &me, today)?;
        let colleagues = colleagues(c, &me, &clinic)?;
        let hand_over = match cover_today(c, &me, today)? {
            None => None,
            Some(to) => {
                let open = db::cover::open_received(c, &me, &rules::HAND_OVER, now)?;
                let movable = open
                    .iter()
                    .filter(|(_, _, s, booked)| rules::may_hand_over(*s, *booked))
                    .count();
                Some(HandOver {
                    to_name: db::users::get(c, &to)?.display_name,
                    movable,
                    kept: open.len() - movable,
                })
            }
        };
        Ok(CoverPage {
            today,
            periods,
            colleagues,
            hand_over,
        })
    })
}

/// Plans an absence (the form's errors come back beside their fields).
pub fn set_away(svc: &Services, caller: &Caller, form: &AwayForm) -> AppResult<NewAway> {
    let clinic = my_clinic(caller)?.to_string();
    let me = caller.user_id()?.to_string();
    let now = svc.now();
    let today = today(svc, now);
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let colleagues: Vec<String> = colleagues(c, &me, &clinic)?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let mine: Vec<_> = db::cover::upcoming(c, &me, today)?
            .iter()
            .map(|(a, _)| a.away())
            .collect();
        let new = form
            .validate(&me, today, &colleagues, &mine)
            .map_err(AppError::Invalid)?;
        let cover_clinic = db::users::get(c, &new.covering_id)?.clinic_id;
        caller.authorize(
            &Action::ManageCover {
                covering_clinic: Some(&cover_clinic),
            },
            "/account/away",
        )?;
        let id = db::new_id();
        db::cover::insert(
            c,
            &AwayRow {
                id: id.clone(),
                user_id: me.clone(),
                covering_id: new.covering_id.clone(),
                first_day: new.first_day,
                last_day: new.last_day,
                note: new.note.clone(),
                created_at: now,
            },
        )?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "away_set",
                subject_type: "user",
                subject_id: &me,
                patient_id: None,
                detail: format!(
                    "away {} to {}, covered by {}",
                    new.first_day, new.last_day, new.covering_id
                ),
            },
        )?;
        Ok(new)
    })
}

/// Ends an absence early (or removes one still to come): 404 when it is not the caller's
/// or is already over.
pub fn end_away(svc: &Services, caller: &Caller, id: &str) -> AppResult<()> {
    my_clinic(caller)?;
    let me = caller.user_id()?.to_string();
    let now = svc.now();
    let today = today(svc, now);
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        if db::cover::end(c, &me, id, today)? == 0 {
            return Err(AppError::NotFound);
        }
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "away_ended",
                subject_type: "user",
                subject_id: &me,
                patient_id: None,
                detail: format!("absence {id} ended on {today}"),
            },
        )
    })
}

/// Hands the caller's open referrals over to the colleague covering for them today, each
/// a compare-and-set on its version: the colleague becomes the receiver, the patient's
/// consent passes to them (recorded, and withdrawable), the sender and the patient are
/// told. Referrals with a visit booked with the caller stay. 409 when nobody covers today.
pub fn hand_over(svc: &Services, caller: &Caller) -> AppResult<HandOver> {
    my_clinic(caller)?;
    let me = caller.user_id()?.to_string();
    let now = svc.now();
    let today = today(svc, now);
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        let Some(to) = cover_today(c, &me, today)? else {
            return Err(AppError::Conflict(
                "Nobody covers for you today: set an absence with a colleague first.".into(),
            ));
        };
        let my_name = db::users::get(c, &me)?.display_name;
        let to_name = db::users::get(c, &to)?.display_name;
        let open = db::cover::open_received(c, &me, &rules::HAND_OVER, now)?;
        let mut moved = 0;
        for (id, version, status, booked) in &open {
            if !rules::may_hand_over(*status, *booked) {
                continue;
            }
            let r = db::referrals::get(c, id)?;
            // The cover sent it: it cannot come back to them as its receiver.
            if r.sender_id == to {
                continue;
            }
            let addressed = db::cover::covering_for(c, id)?.map_or(me.clone(), |(u, _)| u);
            if db::cover::reassign(c, (id, *version), (&me, &to), &addressed, now)? == 0 {
                continue;
            }
            moved += 1;
            analytics::move_receiver(c, &r, &to)?;
            pass_consent(c, caller, &r, &to, ConsentMethod::Cover, now)?;
            let note = format!("{to_name} is covering for {my_name} and now has this referral.");
            after_move(svc, c, &r, (&to, &note), "handed_over", now)?;
            audit(
                c,
                now,
                caller,
                AuditEntry {
                    action: "referral_handed_over",
                    subject_type: "referral",
                    subject_id: id,
                    patient_id: Some(&r.patient_id),
                    detail: format!("to {to}, covering for {me}"),
                },
            )?;
        }
        Ok(HandOver {
            to_name,
            movable: moved,
            kept: open.len() - moved,
        })
    })
}

/// The patient's live consent to `r`'s receiver passes to `to` (the colleague covering for
/// them, or the member of the service who took the referral), recorded as `method` by the
/// caller: the patient sees it and may withdraw it.
pub(super) fn pass_consent(
    c: &mut DbConn,
    caller: &Caller,
    r: &Referral,
    to: &str,
    method: ConsentMethod,
    now: NaiveDateTime,
) -> AppResult<()> {
    let live = db::referrals::live_consents(c, &r.id)?;
    let Some(k) = live.iter().find(|k| k.recipient_id == r.receiver_id) else {
        return Ok(());
    };
    db::referrals::insert_consent(
        c,
        &Consent {
            id: db::new_id(),
            patient_id: r.patient_id.clone(),
            referral_id: r.id.clone(),
            recipient_id: to.to_string(),
            method: method.as_str().into(),
            scope: k.scope.clone(),
            // A patient approving through their link is nobody's account.
            recorded_by: caller.actor.user_id().map(str::to_string),
            recorded_at: now,
            withdrawn_at: None,
        },
    )?;
    audit(
        c,
        now,
        caller,
        AuditEntry {
            action: "consent_recorded",
            subject_type: "referral",
            subject_id: &r.id,
            patient_id: Some(&r.patient_id),
            detail: format!("{}; to {to}; scope: {}", method.how(), k.scope),
        },
    )
}

/// The timeline entry (the patient sees it) and the sender's and the patient's notices
/// after a referral moved to a cover.
fn after_move(
    svc: &Services,
    c: &mut DbConn,
    r: &Referral,
    (to, note): (&str, &str),
    kind: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    event(
        c,
        &r.id,
        now,
        None,
        EventRow {
            kind,
            from: None,
            to: None,
            note,
            patient_visible: true,
        },
    )?;
    mail::notify(&svc.mail, c, &r.sender_id, Some(&r.id), note, now)?;
    mail::notify(&svc.mail, c, to, Some(&r.id), note, now)?;
    let patient = db::patients::get(c, &r.patient_id)?;
    if let Some(patient_user) = patient.user_id {
        let text = crate::i18n::Lang::parse(&patient.language)
            .unwrap_or_default()
            .t("patient-event-cover");
        mail::notify(&svc.mail, c, &patient_user, Some(&r.id), &text, now)?;
    }
    Ok(())
}

/// Called when a referral reaches its receiver (the sender's send, or the patient's
/// approval; its compare-and-set done, version `version`): when the receiver is away
/// today, the referral goes to the colleague covering for them, who is returned (the
/// caller then records the consent for the receiver, passes it on, and tells the cover).
pub(crate) fn cover_on_send(
    svc: &Services,
    c: &mut DbConn,
    caller: &Caller,
    r: &Referral,
    version: i64,
    now: NaiveDateTime,
) -> AppResult<Option<String>> {
    let Some(to) = cover_today(c, &r.receiver_id, today(svc, now))? else {
        return Ok(None);
    };
    // Nobody receives their own referral: it waits for the receiver it was addressed to.
    if to == r.sender_id {
        return Ok(None);
    }
    if db::cover::reassign(
        c,
        (&r.id, version),
        (&r.receiver_id, &to),
        &r.receiver_id,
        now,
    )? == 0
    {
        return Ok(None);
    }
    let away = db::users::get(c, &r.receiver_id)?.display_name;
    let cover = db::users::get(c, &to)?.display_name;
    let note = format!("{away} is away; {cover}, covering for them, receives this referral.");
    event(
        c,
        &r.id,
        now,
        None,
        EventRow {
            kind: "covered",
            from: None,
            to: None,
            note: &note,
            patient_visible: true,
        },
    )?;
    mail::notify(&svc.mail, c, &r.sender_id, Some(&r.id), &note, now)?;
    audit(
        c,
        now,
        caller,
        AuditEntry {
            action: "referral_covered",
            subject_type: "referral",
            subject_id: &r.id,
            patient_id: Some(&r.patient_id),
            detail: format!("to {to}, covering for {}", r.receiver_id),
        },
    )?;
    Ok(Some(to))
}
