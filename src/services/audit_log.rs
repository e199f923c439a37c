//! Reading the audit log (the admin's page and export, the patient's "Who viewed my data"),
//! verifying its chain, and the patient's consents with their withdrawal.

use chrono::NaiveDateTime;

use super::{AuditEntry, Caller, Services, audit};
use crate::db::audit::{AuditRow, Filter};
use crate::db::referrals::Consent;
use crate::db::{self, DbConn};
use crate::domain::audit::{self as chain, Break, GENESIS};
use crate::domain::cursor::{self, Page};
use crate::domain::policy::{Action, Actor};
use crate::domain::snapshot::section_title;
use crate::error::{AppError, AppResult};

/// The verifier's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Ok {
        rows: i64,
    },
    /// The first row that does not fit, and why.
    Broken {
        seq: i64,
        id: String,
        reason: String,
    },
}

/// Recomputes the whole chain, in chunks, from the first row up to the head as it was when
/// the check started (rows appended meanwhile are left for the next run).
pub fn verify(conn: &mut DbConn) -> AppResult<Verdict> {
    let head = db::audit::head(conn)?;
    verify_range(conn, (0, GENESIS), (head.0, &head.1))
}

/// Recomputes the chain from the row `from` names (a (seq, hash) already trusted: the
/// start, or a checkpoint) up to the row `to` names, which must end it.
pub fn verify_range(conn: &mut DbConn, from: (i64, &str), to: (i64, &str)) -> AppResult<Verdict> {
    let (head_seq, head_hash) = to;
    let mut prev_seq = from.0;
    let mut prev_hash = from.1.to_string();
    'chunks: loop {
        let rows = db::audit::chunk(conn, prev_seq, 2000)?;
        if rows.is_empty() {
            break;
        }
        for r in rows {
            if r.seq > head_seq {
                break 'chunks;
            }
            let at = db::audit::at_text(r.at);
            if let Err(b) =
                chain::check(prev_seq, &prev_hash, &r.prev_hash, &r.hash, &r.content(&at))
            {
                return Ok(broken(prev_seq, r, b));
            }
            prev_seq = r.seq;
            prev_hash = r.hash;
        }
    }
    if prev_seq != head_seq || prev_hash != head_hash {
        return Ok(Verdict::Broken {
            seq: prev_seq + 1,
            id: String::new(),
            reason: format!(
                "the chain ends at row {prev_seq} but its head says {head_seq}: rows at the end were removed or altered"
            ),
        });
    }
    Ok(Verdict::Ok {
        rows: prev_seq - from.0,
    })
}

/// The verdict on row `r`, which does not follow row `prev_seq` for reason `b`.
fn broken(prev_seq: i64, r: AuditRow, b: Break) -> Verdict {
    let (seq, id, reason) = match b {
        Break::Sequence { expected, found } => (
            r.seq,
            r.id,
            format!("sequence jumps from {expected} to {found}: a row is missing or was inserted"),
        ),
        // This row still names the hash its predecessor had when it was written: the
        // predecessor was rewritten (and its own hash recomputed).
        Break::Link => (
            prev_seq,
            String::new(),
            format!(
                "row {prev_seq} was altered and its hash recomputed: row {} no longer links to it",
                r.seq
            ),
        ),
        Break::Content => (
            r.seq,
            r.id,
            "its content does not match its hash: the row was altered".into(),
        ),
    };
    Verdict::Broken { seq, id, reason }
}

/// The admin's filters, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub patient: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// The cursor of the page to show (empty, or not one the page wrote: the first).
    #[serde(default)]
    pub before: String,
}

/// Rows on a page of the admin's audit log.
pub const AUDIT_PAGE: usize = 50;
/// Lines on a page of "Who viewed my data".
pub const ACCESS_PAGE: usize = 50;

fn date(s: &str) -> Option<NaiveDateTime> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (1900..=9999).contains(&chrono::Datelike::year(d)))
        .and_then(|d| d.and_hms_opt(0, 0, 0))
}

fn filter_for(conn: &mut DbConn, clinic_id: &str, q: &AuditQuery, limit: i64) -> AppResult<Filter> {
    // The actor filter takes an e-mail address (what an admin knows) or a user id.
    let actor_id = match q.actor.trim() {
        "" => None,
        a if a.contains('@') => {
            let email = crate::domain::people::fold_email(a);
            // An outside doctor's address is theirs, not an account's.
            let id = match db::mail::address_holder(conn, &email)? {
                crate::domain::mail::AddressHolder::OutsideDoctor(id) => Some(id),
                _ => db::users::by_email(conn, &email)?.map(|u| u.id),
            };
            Some(id.unwrap_or_else(|| "-".to_string()))
        }
        a => Some(a.to_string()),
    };
    Ok(Filter {
        clinic_id: clinic_id.to_string(),
        actor_id,
        patient_id: Some(q.patient.trim().to_string()).filter(|s| !s.is_empty()),
        action: Some(q.action.trim().to_string()).filter(|s| !s.is_empty()),
        from: date(&q.from),
        to: date(&q.to).and_then(|d| d.checked_add_signed(chrono::Duration::days(1))),
        before_seq: cursor::decode_seq(&q.before),
        limit,
    })
}

/// One page of the admin's audit log.
pub struct AuditPage {
    pub rows: Vec<(AuditRow, Option<String>)>,
    /// (id, name) of the practitioners the page's rows were done on behalf of.
    pub on_behalf: Vec<(String, String)>,
    pub actions: Vec<String>,
    /// The cursor of the older page, if there is one.
    pub next_before: Option<String>,
}

/// Reads the clinic's audit log.
pub fn search(svc: &Services, caller: &Caller, q: &AuditQuery) -> AppResult<AuditPage> {
    let clinic_id = caller.actor.clinic_id().unwrap_or_default().to_string();
    caller.authorize(
        &Action::ManageClinic {
            clinic_id: &clinic_id,
        },
        "/admin/audit",
    )?;
    let mut conn = svc.conn()?;
    let f = filter_for(&mut conn, &clinic_id, q, AUDIT_PAGE as i64 + 1)?;
    let rows = db::audit::search(&mut conn, &f)?;
    let page = Page::of(rows, AUDIT_PAGE, |(r, _)| cursor::encode_seq(r.seq));
    let principals: Vec<&str> = page
        .rows
        .iter()
        .filter_map(|(r, _)| r.on_behalf_of.as_deref())
        .collect();
    let on_behalf = db::users::names(&mut conn, &principals)?;
    Ok(AuditPage {
        on_behalf,
        rows: page.rows,
        actions: db::audit::actions(&mut conn)?,
        next_before: page.next,
    })
}

/// Exports the filtered log as CSV (up to 100,000 rows). The export itself is audited.
pub fn export_csv(svc: &Services, caller: &Caller, q: &AuditQuery) -> AppResult<String> {
    let clinic_id = caller.actor.clinic_id().unwrap_or_default().to_string();
    caller.authorize(
        &Action::ManageClinic {
            clinic_id: &clinic_id,
        },
        "/admin/audit",
    )?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    let f = filter_for(&mut conn, &clinic_id, q, 100_000)?;
    let rows = db::audit::search(&mut conn, &f)?;
    // The export row names a patient only if the patient is this clinic's.
    let tagged_patient = match f.patient_id.as_deref() {
        Some(p) => db::patients::get(&mut conn, p)
            .ok()
            .filter(|p| p.clinic_id == clinic_id)
            .map(|p| p.id),
        None => None,
    };
    let mut out = String::from(
        "seq,at_utc,actor_id,actor_name,actor_role,on_behalf_of,action,subject_type,subject_id,patient_id,ip,user_agent,detail,hash\n",
    );
    for (r, name) in &rows {
        let fields = [
            r.seq.to_string(),
            db::audit::at_text(r.at),
            r.actor_id.clone().unwrap_or_default(),
            name.clone().unwrap_or_default(),
            r.actor_role.clone(),
            r.on_behalf_of.clone().unwrap_or_default(),
            r.action.clone(),
            r.subject_type.clone(),
            r.subject_id.clone(),
            r.patient_id.clone().unwrap_or_default(),
            r.ip.clone(),
            r.user_agent.clone(),
            r.detail.clone(),
            r.hash.clone(),
        ];
        out.push_str(
            &fields
                .iter()
                .map(|f| crate::domain::csv::field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    db::write_tx(&mut conn, |c| {
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "audit_exported",
                subject_type: "clinic",
                subject_id: &clinic_id,
                patient_id: tagged_patient.as_deref(),
                detail: format!(
                    "{} rows; filters: actor={} patient={} action={} from={} to={}",
                    rows.len(),
                    q.actor,
                    q.patient,
                    q.action,
                    q.from,
                    q.to
                ),
            },
        )
    })?;
    Ok(out)
}

/// One line of "Who viewed my data".
pub struct AccessLine {
    pub at: NaiveDateTime,
    pub who: String,
    /// The actor's role as stored (`access-role-<role>` words it).
    pub role: String,
    /// The practitioner an assistant acted for, if one did.
    pub for_whom: Option<String>,
    /// The message that words what was done (`$detail` is `detail`).
    pub what: &'static str,
    pub detail: String,
}

/// Who viewed the patient's data, newest first, the page after `after` (a cursor of an
/// earlier page; anything else is the first): the signed-in patient's whole list; through
/// a patient's link, only what was done with that link's referral (the link shows nothing
/// of another).
pub fn my_access(svc: &Services, caller: &Caller, after: &str) -> AppResult<Page<AccessLine>> {
    caller.authorize(&Action::SeeOwnAccessLog, "/portal/access")?;
    let (pid, own, only) = match &caller.actor {
        Actor::Patient {
            patient_id: Some(pid),
            user_id,
            ..
        } => (pid, Some(user_id.as_str()), None),
        Actor::PatientLink {
            patient_id,
            referral_id,
            ..
        } => (patient_id, None, Some(referral_id.as_str())),
        _ => return Err(AppError::NotFound),
    };
    let steps: Vec<&str> = chain::SHOWN_STEPS.iter().map(|(s, _)| *s).collect();
    let mut conn = svc.conn()?;
    let rows = db::audit::access_for_patient(
        &mut conn,
        &db::audit::AccessQuery {
            patient_id: pid,
            patient_user_id: own,
            subject_id: only,
            hidden_actions: &chain::HIDDEN_ACTIONS,
            shown_steps: &steps,
            before_seq: cursor::decode_seq(after),
            limit: ACCESS_PAGE as i64 + 1,
        },
    )?;
    let page = Page::of(rows, ACCESS_PAGE, |(r, _)| cursor::encode_seq(r.seq));
    // Rows of an assistant's work name whom it was for: one read for the page's few.
    let principals: Vec<&str> = page
        .rows
        .iter()
        .filter_map(|(r, _)| r.on_behalf_of.as_deref())
        .collect();
    let names = db::users::names(&mut conn, &principals)?;
    Ok(Page {
        next: page.next,
        rows: page
            .rows
            .into_iter()
            .filter_map(|(r, name)| {
                let (what, detail) = chain::patient_words(&r.action, &r.detail)?;
                Some(AccessLine {
                    what,
                    detail,
                    at: r.at,
                    who: name.unwrap_or_else(|| "Handoff".into()),
                    for_whom: r
                        .on_behalf_of
                        .as_ref()
                        .and_then(|p| names.iter().find(|(id, _)| id == p).map(|(_, n)| n.clone())),
                    role: r.actor_role,
                })
            })
            .collect(),
    })
}

/// A consent as the patient's list shows it.
pub struct ConsentLine {
    pub consent: Consent,
    pub recipient: String,
    pub scope: Vec<&'static str>,
    pub reason: String,
}

/// The signed-in patient's consents, newest first.
pub fn my_consents(svc: &Services, caller: &Caller) -> AppResult<Vec<ConsentLine>> {
    caller.authorize(&Action::UsePortal, "/portal/consents")?;
    let Actor::Patient {
        patient_id: Some(pid),
        ..
    } = &caller.actor
    else {
        return Err(AppError::NotFound);
    };
    let mut conn = svc.conn()?;
    let mut out = Vec::new();
    for k in db::referrals::consents_of_patient(&mut conn, pid)? {
        let recipient = db::users::get(&mut conn, &k.recipient_id)?.display_name;
        let reason = db::referrals::get(&mut conn, &k.referral_id)?.reason;
        out.push(ConsentLine {
            scope: k
                .scope
                .split(',')
                .filter(|s| !s.is_empty())
                .map(section_title)
                .collect(),
            recipient,
            reason,
            consent: k,
        });
    }
    Ok(out)
}

/// The patient withdraws a consent: from now on the recipient cannot open the snapshot; the
/// referral's timeline says so and both practitioners are notified.
pub fn withdraw(svc: &Services, caller: &Caller, consent_id: &str) -> AppResult<()> {
    caller.authorize(&Action::UsePortal, "/portal/consents")?;
    let Actor::Patient {
        patient_id: Some(pid),
        ..
    } = &caller.actor
    else {
        return Err(AppError::NotFound);
    };
    let now = svc.now();
    let mut conn = svc.conn()?;
    let referral_id = db::write_tx(&mut conn, |c| {
        let k = db::referrals::get_consent(c, consent_id)?;
        if &k.patient_id != pid {
            return Err(AppError::NotFound);
        }
        if db::referrals::withdraw_consent(c, consent_id, pid, now)? == 0 {
            return Err(AppError::Conflict(
                "This consent was already withdrawn.".into(),
            ));
        }
        // Withdrawing what the patient gave withdraws what was passed on from it.
        if !matches!(k.method.as_str(), "cover" | "service") {
            db::referrals::withdraw_passed_on(c, &k.referral_id, pid, now)?;
        }
        let r = db::referrals::get(c, &k.referral_id)?;
        db::referrals::insert_event(
            c,
            &db::referrals::Event {
                id: db::new_id(),
                referral_id: r.id.clone(),
                at: now,
                actor_id: caller.actor.user_id().map(str::to_string),
                kind: "consent_withdrawn".into(),
                from_status: None,
                to_status: None,
                note: "The patient withdrew consent to share the clinical snapshot".into(),
                patient_visible: true,
                acted_by: None,
            },
        )?;
        let p = db::patients::get(c, pid)?;
        for u in [&r.sender_id, &r.receiver_id] {
            super::mail::notify(
                &svc.mail,
                c,
                u,
                Some(&r.id),
                &format!(
                    "{} {} withdrew consent to share the clinical snapshot of a referral",
                    p.given_name, p.family_name
                ),
                now,
            )?;
        }
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "consent_withdrawn",
                subject_type: "consent",
                subject_id: consent_id,
                patient_id: Some(pid),
                detail: format!("referral {}; recipient {}", r.id, k.recipient_id),
            },
        )?;
        Ok(r.id)
    })?;
    // After the commit, outside the write lock: a slow or unreachable store must not hold
    // up every writer. The letters that still show what the consent covered go.
    super::letter::forget(&svc.store, &referral_id);
    Ok(())
}
