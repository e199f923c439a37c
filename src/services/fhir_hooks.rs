//! FHIR Subscriptions: clients subscribe to changes of the Tasks they may read, and a job
//! tells their endpoint (at least once, retried with back-off; the Task's version in each
//! notification lets them drop a repeat). The job reads each subscription's changes from
//! where it stopped (a keyset cursor on the referrals' last change), so a change made on any
//! app instance is seen once; several changes between two runs are told as one, the latest.

use std::sync::OnceLock;

use chrono::{NaiveDateTime, TimeDelta};
use serde_json::Value;

use super::api_clients::ApiCaller;
use super::{AuditEntry, Services, audit};
use crate::clock::SharedClock;
use crate::db::{self, Pool, fhir_hooks::Delivery, fhir_hooks::Subscription};
use crate::domain::fhir::inbound::Refused;
use crate::domain::fhir::scope::Permission;
use crate::domain::fhir::search::{self, Searched};
use crate::domain::fhir::subscription::{
    self as rules, Changed, Shown, criteria_params, read_subscription, retry_after,
};
use crate::domain::forms::FieldErrors;
use crate::domain::policy::Action;
use crate::error::{AppError, AppResult};

fn may(api: &ApiCaller, permission: Permission) -> AppResult<()> {
    api.caller.authorize(
        &Action::UseApi {
            scopes: &api.scopes,
            resource: "Subscription",
            permission,
        },
        "",
    )
}

fn shown(s: &Subscription) -> Value {
    let headers: Vec<String> = serde_json::from_str(&s.headers).unwrap_or_default();
    rules::resource(&Shown {
        id: &s.id,
        status: &s.status,
        criteria: &s.criteria,
        endpoint: &s.endpoint,
        headers: &headers,
        with_payload: s.with_payload,
        error: s.error.as_deref(),
    })
}

/// `POST /fhir/r4/Subscription`: starts telling the client's endpoint about changes from
/// now on.
pub fn create(svc: &Services, api: &ApiCaller, body: &Value) -> AppResult<Value> {
    may(api, Permission::Create)?;
    let r = read_subscription(body).map_err(|e| match e {
        Refused::Malformed(m) => AppError::BadRequest(m),
        Refused::Unprocessable(m) => {
            let mut e = FieldErrors::new();
            e.add("subscription", m);
            AppError::Invalid(e)
        }
    })?;
    // A clinic's client is told of the referrals of the practitioner its criteria name.
    let api = &match &api.clinic {
        None => api.clone(),
        Some(_) => {
            let params = criteria_params(&r.criteria).map_err(AppError::BadRequest)?;
            let q = search::parse(Searched::Task, &params).map_err(AppError::BadRequest)?;
            api.searching(svc, &q)?
        }
    };
    let now = svc.now();
    let s = Subscription {
        id: db::new_id(),
        client_id: api.client_id.clone(),
        user_id: api.caller.user_id()?.to_string(),
        criteria: r.criteria,
        endpoint: r.endpoint,
        headers: serde_json::to_string(&r.headers).unwrap_or_else(|_| "[]".into()),
        with_payload: r.with_payload,
        status: "active".into(),
        error: None,
        // After every change up to this instant: ids sort below "~".
        cursor_at: now,
        cursor_id: "~".into(),
        created_at: now,
    };
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        db::fhir_hooks::insert(c, &s)?;
        audit(
            c,
            now,
            &api.caller,
            AuditEntry {
                action: "fhir_subscription_created",
                subject_type: "subscription",
                subject_id: &s.id,
                patient_id: None,
                detail: format!("{} to {}", s.criteria, s.endpoint),
            },
        )
    })?;
    Ok(shown(&s))
}

/// `GET /fhir/r4/Subscription/{id}`: the client's own.
pub fn read(svc: &Services, api: &ApiCaller, id: &str) -> AppResult<Value> {
    may(api, Permission::Read)?;
    let mut conn = svc.conn()?;
    let s = db::fhir_hooks::get(&mut conn, &api.client_id, id)?.ok_or(AppError::NotFound)?;
    Ok(shown(&s))
}

/// `DELETE /fhir/r4/Subscription/{id}`: no more deliveries.
pub fn delete(svc: &Services, api: &ApiCaller, id: &str) -> AppResult<Value> {
    may(api, Permission::Delete)?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        if db::fhir_hooks::switch_off(c, &api.client_id, id)? == 0 {
            return Err(AppError::NotFound);
        }
        // A clinic's client: filed under its clinic, so that its admin sees it.
        crate::services::context::audit_for_clinic(
            c,
            now,
            &api.caller,
            api.clinic.as_deref(),
            AuditEntry {
                action: "fhir_subscription_ended",
                subject_type: "subscription",
                subject_id: id,
                patient_id: None,
                detail: String::new(),
            },
        )
    })?;
    let s = db::fhir_hooks::get(&mut conn, &api.client_id, id)?.ok_or(AppError::NotFound)?;
    Ok(shown(&s))
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Run {
    pub queued: usize,
    pub delivered: usize,
    pub failed_attempts: usize,
}

/// The job: queues a delivery for every change each active subscription has not seen, then
/// sends the deliveries that are due.
pub fn run(pool: &Pool, clock: &SharedClock) -> AppResult<Run> {
    let mut out = Run {
        queued: queue_changes(pool, clock.now())?,
        ..Run::default()
    };
    let (delivered, failed) = send_due(pool, clock)?;
    out.delivered = delivered;
    out.failed_attempts = failed;
    Ok(out)
}

fn queue_changes(pool: &Pool, now: NaiveDateTime) -> AppResult<usize> {
    let mut conn = pool.get()?;
    let mut queued = 0;
    for s in db::fhir_hooks::active(&mut conn)? {
        let Ok(params) = criteria_params(&s.criteria) else {
            continue;
        };
        let q = search::parse(Searched::Task, &params).map_err(AppError::BadRequest)?;
        loop {
            let cursor = db::fhir_hooks::subscription(&mut conn, &s.id)?;
            let rows = db::fhir::changed_since(
                &mut conn,
                &s.user_id,
                &q,
                (cursor.cursor_at, &cursor.cursor_id),
                200,
            )?;
            let Some(last) = rows.last().cloned() else {
                break;
            };
            db::write_tx(&mut conn, |c| {
                for (referral_id, _, version) in &rows {
                    let d = Delivery {
                        id: db::new_id(),
                        subscription_id: s.id.clone(),
                        referral_id: referral_id.clone(),
                        version: *version,
                        status: "pending".into(),
                        attempts: 0,
                        next_attempt_at: now,
                        last_error: None,
                        created_at: now,
                        delivered_at: None,
                    };
                    if db::fhir_hooks::enqueue(c, &d)? {
                        queued += 1;
                    }
                }
                db::fhir_hooks::advance(c, &s.id, last.1, &last.0)?;
                AppResult::Ok(())
            })?;
            if rows.len() < 200 {
                break;
            }
        }
    }
    Ok(queued)
}

/// One runtime for every delivery of the process (the calls block the job thread only).
fn runtime() -> AppResult<&'static tokio::runtime::Runtime> {
    static RT: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("fhir-hooks")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(|e| AppError::Internal(anyhow::anyhow!("starting the delivery runtime: {e}")))
}

/// Sends one notification; `Ok` on a 2xx answer.
fn send(s: &Subscription, body: Option<&Value>, referral_id: &str) -> Result<(), String> {
    let headers: Vec<String> = serde_json::from_str(&s.headers).unwrap_or_default();
    let endpoint = s.endpoint.trim_end_matches('/').to_string();
    let body = body.map(Value::to_string);
    let referral_id = referral_id.to_string();
    let rt = runtime().map_err(|e| e.to_string())?;
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    rt.spawn(async move {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build();
        let result = async {
            let client = client.map_err(|e| e.to_string())?;
            let mut req = match &body {
                // R4 rest-hook with a payload: the resource is PUT to [endpoint]/Task/[id].
                Some(b) => client
                    .put(format!("{endpoint}/Task/{referral_id}"))
                    .header("content-type", "application/fhir+json")
                    .body(b.clone()),
                None => client.post(endpoint.clone()),
            };
            for h in &headers {
                if let Some((name, value)) = h.split_once(':') {
                    req = req.header(name.trim(), value.trim());
                }
            }
            let r = req.send().await.map_err(|e| e.to_string())?;
            if r.status().is_success() {
                Ok(())
            } else {
                Err(format!("the endpoint answered {}", r.status()))
            }
        }
        .await;
        let _ = tx.send(result);
    });
    rx.recv()
        .map_err(|_| "the delivery runtime stopped".to_string())?
}

fn send_due(pool: &Pool, clock: &SharedClock) -> AppResult<(usize, usize)> {
    let mut conn = pool.get()?;
    let (mut delivered, mut failed) = (0, 0);
    for d in db::fhir_hooks::due(&mut conn, clock.now(), 100)? {
        // Held for one attempt: another instance leaves it alone until this one is done.
        if !db::fhir_hooks::claim(&mut conn, &d, clock.now() + TimeDelta::minutes(2))? {
            continue;
        }
        let s = db::fhir_hooks::subscription(&mut conn, &d.subscription_id)?;
        if s.status != "active" {
            db::fhir_hooks::finish(&mut conn, &d.id, Err(("the subscription is off", None)))?;
            continue;
        }
        let r = db::referrals::get(&mut conn, &d.referral_id)?;
        let body = s.with_payload.then(|| {
            rules::notification(&Changed {
                id: &r.id,
                // The version this delivery is for; the Task itself may be newer.
                version: d.version,
                status: r.status,
                updated_at: r.updated_at,
                sender_id: &r.sender_id,
                receiver_id: &r.receiver_id,
                patient_id: &r.patient_id,
            })
        });
        let body = body.map(|mut b| {
            if r.version != d.version {
                // Newer than this delivery: tell where it stands now, with its own version.
                b["meta"]["versionId"] = Value::String(r.version.to_string());
            }
            b
        });
        match send(&s, body.as_ref(), &r.id) {
            Ok(()) => {
                db::fhir_hooks::finish(&mut conn, &d.id, Ok(clock.now()))?;
                delivered += 1;
            }
            Err(e) => {
                failed += 1;
                let attempts = d.attempts + 1;
                let retry = retry_after(attempts).map(|after| clock.now() + after);
                db::fhir_hooks::finish(&mut conn, &d.id, Err((&e, retry)))?;
                if retry.is_none() {
                    db::fhir_hooks::set_error(
                        &mut conn,
                        &s.id,
                        &format!("gave up after {attempts} attempts: {e}"),
                    )?;
                }
            }
        }
    }
    Ok((delivered, failed))
}
