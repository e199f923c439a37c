//! Generated referral history for measuring speed at scale (`--referrals`,
//! `--network-referrals`): deterministic, bulk-inserted, counted into the analytics.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime, NaiveTime};

use super::Services;
use crate::db::{self, DbConn};
use crate::domain::clock::{ALL_STAGES, ClockRules, stage_now};
use crate::error::AppResult;

/// Generates `n` referrals addressed to the practitioner `receiver_email`, from the other
/// practitioners of the network about their patients, spread over the received statuses and
/// the last 90 days. For benchmarks and load tests; returns how many were written.
pub fn generate_referrals(svc: &Services, n: usize, receiver_email: &str) -> AppResult<usize> {
    use crate::db::referrals::Referral;
    use crate::domain::referral::Priority;
    let mut conn = svc.conn()?;
    let receiver = db::users::by_email(&mut conn, receiver_email)?.ok_or_else(|| {
        crate::error::AppError::BadRequest(format!("no account {receiver_email}"))
    })?;
    let senders: Vec<(String, String, String)> = db::users::all_practitioners(&mut conn)?
        .into_iter()
        .filter(|(id, _)| *id != receiver.id)
        .filter_map(|(id, clinic)| {
            let p = db::patients::first_of_practitioner(&mut conn, &id)
                .ok()
                .flatten()?;
            Some((id, clinic, p))
        })
        .collect();
    if senders.is_empty() {
        return Ok(0);
    }
    let statuses = [
        "sent",
        "sent",
        "sent",
        "need_info",
        "visit_required",
        "accepted",
        "accepted",
        "completed",
        "rejected",
        "cancelled",
    ];
    let priorities = [
        Priority::Routine,
        Priority::Routine,
        Priority::Urgent,
        Priority::Emergency,
    ];
    let now = svc.now();
    let clinics: HashMap<String, String> = db::analytics::user_clinics(&mut conn)?
        .into_iter()
        .collect();
    let mut written = 0;
    while written < n {
        let batch = (n - written).min(1000);
        db::write_tx(&mut conn, |c| -> AppResult<()> {
            let mut rows = Vec::with_capacity(batch);
            for k in written..written + batch {
                let (sender, clinic, patient) = &senders[k % senders.len()];
                let status = statuses[k % statuses.len()];
                let priority = priorities[k % priorities.len()];
                let created = now - Duration::minutes(((k * 7919) % (90 * 24 * 60)) as i64 + 60);
                rows.push(Referral {
                    id: db::new_id(),
                    kind: crate::domain::referral::Kind::Specialist,
                    patient_id: patient.clone(),
                    sender_id: sender.clone(),
                    sender_clinic_id: clinic.clone(),
                    receiver_id: receiver.id.clone(),
                    status: crate::domain::referral::Status::parse(status)
                        .expect("the generator writes only known statuses"),
                    version: 3,
                    priority: priority.as_str().into(),
                    priority_rank: priority.rank(),
                    see_by: None,
                    reason: format!("Generated referral {k} for load testing"),
                    message: String::new(),
                    doctor_only: false,
                    snapshot: "{\"sections\":[],\"files\":[]}".into(),
                    scope: String::new(),
                    what_to_bring: crate::domain::referral::Kind::Specialist
                        .default_what_to_bring()
                        .into(),
                    redirected_from: None,
                    redirected_to: None,
                    reject_code: (status == "rejected").then(|| "no_capacity".into()),
                    reject_note: None,
                    cancel_reason: None,
                    decline_reason: None,
                    outcome_summary: None,
                    outcome_advice: None,
                    created_at: created,
                    updated_at: created + Duration::minutes(30),
                    submitted_at: Some(created),
                    received_at: Some(created),
                    accepted_at: matches!(status, "accepted" | "completed")
                        .then(|| created + Duration::hours(20)),
                    completed_at: (status == "completed").then(|| created + Duration::days(9)),
                    waiting_since: created + Duration::minutes(30),
                });
            }
            insert_generated(c, &rows, &clinics)?;
            set_generated_dues(c, &rows, now)
        })?;
        written += batch;
    }
    db::counts::analyze(&mut conn)?;
    Ok(written)
}

/// Inserts generated referrals and adds them to the analytics counters, on `c` (in the
/// caller's transaction).
fn insert_generated(
    c: &mut DbConn,
    rows: &[crate::db::referrals::Referral],
    clinics: &HashMap<String, String>,
) -> AppResult<()> {
    db::analytics::insert_referrals(c, rows)?;
    consent_generated(c, rows)?;
    let mut acc = crate::services::analytics::Accumulator::default();
    for r in rows {
        acc.add(
            &crate::domain::analytics::ReferralTimes {
                submitted_at: r.submitted_at,
                received_at: r.received_at,
                accepted_at: r.accepted_at,
                completed_at: r.completed_at,
                reject_code: r.reject_code.clone(),
                open: crate::domain::analytics::ReferralTimes::is_open(
                    r.status,
                    r.redirected_to.is_some(),
                ),
            },
            &r.sender_id,
            &r.receiver_id,
            &r.sender_clinic_id,
            clinics.get(&r.receiver_id).map_or("", String::as_str),
        );
    }
    acc.write(c)?;
    Ok(())
}

/// A small deterministic random number generator (xorshift64*), so generated data is the
/// same on every run without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, n).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// What generated referrals are about, by the receiver's kind of organisation.
const REASONS: [(&str, &[&str]); 4] = [
    (
        "specialist",
        &[
            "Exertional chest pain, please assess for angina",
            "Poorly controlled diabetes despite two agents",
            "Recurrent migraine not settling on prophylaxis",
            "Knee pain and swelling after a fall, ? meniscal tear",
            "Breathlessness on exertion and a persistent dry cough",
            "Psoriasis not responding to topical treatment",
            "Low mood and poor sleep for four months",
            "Epigastric pain and weight loss, please scope",
            "Palpitations with dizzy spells",
            "Rising creatinine over six months",
            "Thyroid nodule found on examination",
            "Second opinion on long-standing back pain",
        ],
    ),
    (
        "hospital",
        &[
            "Admission for IV antibiotics, community-acquired pneumonia",
            "Admission for glycaemic control",
            "Dehydration and vomiting, unable to keep fluids down",
            "Elective admission for investigations",
        ],
    ),
    (
        "lab",
        &[
            "HbA1c, lipid profile and kidney function",
            "Full blood count and ferritin",
            "Thyroid function tests",
            "Liver function tests and hepatitis serology",
        ],
    ),
    (
        "imaging",
        &[
            "Chest X-ray, persistent cough",
            "Ultrasound abdomen, right upper quadrant pain",
            "MRI right knee after a twisting injury",
            "Echocardiogram, new murmur",
        ],
    ),
];

fn reason_for(organisation: &str, pick: u64) -> &'static str {
    let list = REASONS
        .iter()
        .find(|(k, _)| *k == organisation)
        .map_or(REASONS[0].1, |(_, l)| *l);
    list[(pick % list.len() as u64) as usize]
}

/// A submission time in the last year (more of them recent), on a weekday in the clinics' working hours
/// (09:00–18:00 in India, 03:30–12:30 UTC), before `now`.
fn working_time(rng: &mut Rng, now: NaiveDateTime) -> NaiveDateTime {
    use chrono::{Datelike, Weekday};
    // A clinic in use: a tenth of the year's referrals came in the last two weeks.
    let back = if rng.below(10) == 0 {
        rng.below(14)
    } else {
        rng.below(365)
    };
    let mut day = (now - Duration::days(back as i64)).date();
    match day.weekday() {
        Weekday::Sat => day -= Duration::days(1),
        Weekday::Sun => day -= Duration::days(2),
        _ => {}
    }
    let at = day.and_time(NaiveTime::MIN) + Duration::minutes(210 + rng.below(540) as i64);
    if at < now - Duration::minutes(10) {
        at
    } else {
        now - Duration::minutes(10 + rng.below(600) as i64)
    }
}

/// Generates `n` referrals across the whole network for analytics at scale and for the
/// demo's history: every practitioner with patients sends to others about them,
/// submitted over the last year in working hours, with realistic outcomes (most accepted
/// within hours to days and then completed, some declined with each coded reason, some
/// cancelled, some still open, the open ones nobody moved for 90 days expired). Inserted in
/// batches of many rows per statement inside one transaction, with their due times and
/// the reminders whose time has passed recorded as sent (the clock does not send a year of
/// reminders at the first start); the analytics counters are written at the end of the
/// same transaction. Returns how many were written.
pub fn generate_network_referrals(svc: &Services, n: usize) -> AppResult<usize> {
    use crate::db::referrals::Referral;
    use crate::domain::referral::{Kind, Priority, REJECT_REASONS};
    let mut conn = svc.conn()?;
    let practitioners = db::analytics::generator_practitioners(&mut conn)?;
    let mut cared: Vec<(String, String, Vec<String>)> = Vec::new();
    for (doctor, patient) in db::analytics::care_pairs(&mut conn)? {
        match cared.last_mut() {
            Some((d, _, list)) if *d == doctor => list.push(patient),
            _ => {
                let Some((_, clinic, _)) = practitioners.iter().find(|(id, _, _)| *id == doctor)
                else {
                    continue;
                };
                cared.push((doctor, clinic.clone(), vec![patient]));
            }
        }
    }
    if cared.is_empty() || practitioners.len() < 2 {
        return Ok(0);
    }
    let clinics: HashMap<String, String> = db::analytics::user_clinics(&mut conn)?
        .into_iter()
        .collect();
    let now = svc.now();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    db::analytics::bulk_cache(&mut conn, true)?;
    let written = db::write_tx(&mut conn, |c| -> AppResult<usize> {
        let indexes = db::analytics::drop_referral_indexes(c)?;
        // A million trigger runs would cost more than one count at the end.
        let triggers = db::counts::triggers_off(c)?;
        let mut acc = crate::services::analytics::Accumulator::default();
        let mut written = 0;
        while written < n {
            let batch = (n - written).min(5000);
            let mut rows = Vec::with_capacity(batch);
            let mut clock = Vec::with_capacity(batch);
            for k in written..written + batch {
                let (sender, clinic, patients) = &cared[rng.below(cared.len() as u64) as usize];
                let patient = &patients[rng.below(patients.len() as u64) as usize];
                let (receiver, organisation) = loop {
                    let (r, _, kind) =
                        &practitioners[rng.below(practitioners.len() as u64) as usize];
                    if r != sender {
                        break (r, kind.as_str());
                    }
                };
                let kind = Kind::for_organisation(organisation);
                let priority = match rng.below(10) {
                    0..=5 => Priority::Routine,
                    6..=8 => Priority::Urgent,
                    _ => Priority::Emergency,
                };
                let submitted = working_time(&mut rng, now);
                // Hours to an answer: mostly within a day or two, a long tail of weeks.
                let answer_h = match rng.below(10) {
                    0..=5 => rng.below(24),
                    6..=8 => 24 + rng.below(96),
                    _ => 120 + rng.below(600),
                } as i64;
                let answered = submitted + Duration::hours(answer_h) + Duration::minutes(20);
                let done = answered + Duration::days(2 + rng.below(30) as i64);
                let roll = rng.below(100);
                let mut status = "sent";
                let (mut received, mut accepted, mut completed, mut code) =
                    (Some(submitted), None, None, None);
                let mut last = submitted;
                if roll < 2 {
                    status = "awaiting_patient";
                    received = None;
                } else if answered > now {
                    // Not answered yet.
                } else if roll < 72 {
                    accepted = Some(answered);
                    status = "accepted";
                    last = answered;
                    if done <= now && rng.below(20) < 19 {
                        completed = Some(done);
                        status = "completed";
                        last = done;
                    }
                } else if roll < 87 {
                    status = "rejected";
                    code = Some(
                        REJECT_REASONS[rng.below(REJECT_REASONS.len() as u64) as usize]
                            .0
                            .to_string(),
                    );
                    last = answered;
                } else if roll < 94 {
                    status = "cancelled";
                    last = answered;
                } else {
                    status = ["need_info", "visit_required"][rng.below(2) as usize];
                    last = answered;
                }
                let pre = status;
                // What nobody moved for the default 90 days the clock has closed by now.
                let expiry =
                    Duration::days(ClockRules::defaults(chrono_tz::Tz::UTC).expire_after_days);
                if matches!(status, "sent" | "need_info" | "visit_required") && now - last >= expiry
                {
                    status = "expired";
                    last += expiry;
                }
                clock.push(clock_history(
                    (pre, status == "expired"),
                    priority,
                    (submitted, answered, done),
                    expiry,
                ));
                rows.push(Referral {
                    id: db::new_id(),
                    kind,
                    patient_id: patient.clone(),
                    sender_id: sender.clone(),
                    sender_clinic_id: clinic.clone(),
                    receiver_id: receiver.clone(),
                    status: crate::domain::referral::Status::parse(status)
                        .expect("the generator writes only known statuses"),
                    version: 3,
                    priority: priority.as_str().into(),
                    priority_rank: priority.rank(),
                    see_by: None,
                    reason: format!(
                        "{} (ref. {k})",
                        reason_for(organisation, rng.below(1 << 16))
                    ),
                    message: String::new(),
                    doctor_only: false,
                    snapshot: "{\"sections\":[],\"files\":[]}".into(),
                    scope: String::new(),
                    what_to_bring: kind.default_what_to_bring().into(),
                    redirected_from: None,
                    redirected_to: None,
                    reject_note: code.as_ref().map(|_| "Generated".to_string()),
                    reject_code: code,
                    cancel_reason: (status == "cancelled").then(|| "Generated".into()),
                    decline_reason: None,
                    outcome_summary: completed.map(|_| "Generated outcome".into()),
                    outcome_advice: completed.map(|_| "Generated advice".into()),
                    created_at: submitted - Duration::minutes(5),
                    updated_at: last,
                    submitted_at: Some(submitted),
                    received_at: received,
                    accepted_at: accepted,
                    completed_at: completed,
                    waiting_since: last,
                });
            }
            db::analytics::insert_referrals(c, &rows)?;
            consent_generated(c, &rows)?;
            set_generated_dues(c, &rows, now)?;
            for (r, moves) in rows.iter().zip(clock) {
                let rc = clinics.get(&r.receiver_id).map_or("", String::as_str);
                for m in moves {
                    acc.add_one(m, &r.sender_id, &r.receiver_id, &r.sender_clinic_id, rc);
                }
                acc.add(
                    &crate::domain::analytics::ReferralTimes {
                        submitted_at: r.submitted_at,
                        received_at: r.received_at,
                        accepted_at: r.accepted_at,
                        completed_at: r.completed_at,
                        reject_code: r.reject_code.clone(),
                        open: crate::domain::analytics::ReferralTimes::is_open(
                            r.status,
                            r.redirected_to.is_some(),
                        ),
                    },
                    &r.sender_id,
                    &r.receiver_id,
                    &r.sender_clinic_id,
                    clinics.get(&r.receiver_id).map_or("", String::as_str),
                );
            }
            written += batch;
        }
        db::analytics::restore_indexes(c, &indexes)?;
        db::counts::triggers_on(c, &triggers)?;
        db::counts::rebuild(c)?;
        acc.write(c)?;
        Ok(written)
    });
    db::analytics::bulk_cache(&mut conn, false)?;
    if written.is_ok() {
        db::counts::analyze(&mut conn)?;
    }
    written
}

/// Records the patient's verbal consent, taken by the sender when sending, for every
/// generated referral that was sent (as sending requires): the receiver reads its letter
/// and snapshot like any other.
fn consent_generated(c: &mut DbConn, rows: &[db::referrals::Referral]) -> AppResult<()> {
    let consents: Vec<db::referrals::Consent> = rows
        .iter()
        .filter_map(|r| {
            Some(db::referrals::Consent {
                id: db::new_id(),
                patient_id: r.patient_id.clone(),
                referral_id: r.id.clone(),
                recipient_id: r.receiver_id.clone(),
                method: "verbal".into(),
                scope: r.scope.clone(),
                recorded_by: Some(r.sender_id.clone()),
                recorded_at: r.submitted_at?,
                withdrawn_at: None,
            })
        })
        .collect();
    db::referrals::insert_consents(c, &consents)?;
    Ok(())
}

/// Gives the open generated referrals their due times under the default rules (the
/// generator knows no clinic's own rules; the clinics it fills have none), and records as
/// sent every reminder stage whose time has come by `now` (the latest, [`stage_now`], and
/// the ones before it), at the stage's own time: the clock job then sends only what comes
/// due from now on.
fn set_generated_dues(
    c: &mut DbConn,
    rows: &[db::referrals::Referral],
    now: NaiveDateTime,
) -> AppResult<()> {
    let rules = ClockRules::defaults(chrono_tz::Tz::UTC);
    let mut sent = Vec::new();
    for r in rows {
        let priority = crate::services::due::priority_of(&r.priority);
        let Some(due) = rules.due(false, r.status, priority, r.waiting_since, None) else {
            continue;
        };
        db::clock::set_due(c, &r.id, r.version, Some(due))?;
        let Some(latest) = stage_now(due, now, &rules) else {
            continue;
        };
        for stage in ALL_STAGES {
            sent.push((r.id.clone(), due, stage.as_str(), stage.at(due, &rules)));
            if stage == latest {
                break;
            }
        }
    }
    db::clock::remember_many(c, &sent)?;
    Ok(())
}

/// The clock's counters of a generated referral (see
/// [`crate::domain::analytics::clock`]): `path` is its status before the clock's expiry and
/// whether it expired; `times` are submitted, answered and completed (when it got there).
fn clock_history(
    path: (&str, bool),
    priority: crate::domain::referral::Priority,
    times: (NaiveDateTime, NaiveDateTime, NaiveDateTime),
    expiry: Duration,
) -> Vec<crate::domain::analytics::Contribution> {
    use crate::domain::analytics::clock::move_contributions;
    use crate::domain::referral::Status;
    let ((pre, expired), (submitted, answered, done)) = (path, times);
    let decided = matches!(
        pre,
        "accepted" | "completed" | "rejected" | "need_info" | "visit_required"
    );
    let left_sent = match pre {
        "awaiting_patient" => None,
        "sent" => expired.then_some(submitted + expiry),
        _ => Some(answered),
    };
    let due = ClockRules::defaults(chrono_tz::Tz::UTC).due(
        false,
        Status::Sent,
        priority,
        submitted,
        None,
    );
    let mut out = move_contributions(
        Some(submitted),
        priority.as_str(),
        decided.then_some((answered, due)),
        left_sent.map(|t| (Status::Sent, submitted, t)),
    );
    let then = match pre {
        "completed" => Some((Status::Accepted, answered, done)),
        "need_info" | "visit_required" if expired => {
            Status::parse(pre).map(|s| (s, answered, answered + expiry))
        }
        _ => None,
    };
    out.extend(move_contributions(Some(submitted), "", None, then));
    out
}
