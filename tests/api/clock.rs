//! The clock (issue 14), with the injected clock: reminders before and at the due time,
//! escalation to the clinic's admins, expiry, each exactly once however many instances run
//! it, and a job left by a killed instance taken over after its lease.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use handoff::db::schema::{clock_reminders, notifications, referral_events, referral_moves, users};
use handoff::services::{clock, jobs};
use reqwest::StatusCode;

use crate::builders::State;
use crate::helpers::*;

const RECEIVER: &str = "ananya.bose@northgate.example";
const RECEIVER_ADMIN: &str = "admin@northgate.example";

fn due_of(app: &TestApp, id: &str) -> Option<NaiveDateTime> {
    referral_moves::table
        .find(id)
        .select(referral_moves::due_at)
        .first(&mut *app.conn())
        .unwrap()
}

/// The notifications a person got about a referral that start with `prefix`.
fn told(app: &TestApp, email: &str, referral: &str, prefix: &str) -> usize {
    let uid = app.user_id(email);
    notifications::table
        .filter(notifications::user_id.eq(uid))
        .filter(notifications::referral_id.eq(referral))
        .select(notifications::body)
        .load::<String>(&mut *app.conn())
        .unwrap()
        .iter()
        .filter(|b| b.starts_with(prefix))
        .count()
}

fn run_clock_at(app: &TestApp, at: NaiveDateTime) -> clock::Tally {
    app.clock.set(at);
    clock::run(&app.svc.pool, &app.svc.mail, at).expect("the clock runs")
}

#[tokio::test]
async fn a_routine_referral_left_in_sent_is_reminded_twice_escalated_once_and_expires_once() {
    let app = TestApp::spawn_without_jobs().await;
    let sent_at = app.clock_now();
    let id = app.referral().to(RECEIVER).in_state(State::Sent).await.id;
    let due = due_of(&app, &id).expect("a sent referral has a due time");
    // Routine triage: 5 working days, so never sooner than 5 calendar days.
    assert!(due >= sent_at + Duration::days(5), "{sent_at} -> {due}");
    assert!(due <= sent_at + Duration::days(10), "{sent_at} -> {due}");

    // Before the reminder window nothing happens, however often the clock runs.
    for _ in 0..2 {
        run_clock_at(&app, due - Duration::hours(25));
    }
    assert_eq!(told(&app, RECEIVER, &id, "Due soon"), 0);
    // A day before: one "due soon", however often the clock runs.
    for h in [23, 22, 1] {
        run_clock_at(&app, due - Duration::hours(h));
    }
    assert_eq!(told(&app, RECEIVER, &id, "Due soon"), 1);
    assert_eq!(told(&app, RECEIVER, &id, "Overdue"), 0);
    // At the due time: one "overdue".
    for m in [0, 1, 600] {
        run_clock_at(&app, due + Duration::minutes(m));
    }
    assert_eq!(told(&app, RECEIVER, &id, "Due soon"), 1);
    assert_eq!(told(&app, RECEIVER, &id, "Overdue"), 1);
    assert_eq!(told(&app, RECEIVER_ADMIN, &id, "Escalated"), 0);
    // Two days later the receiver's clinic's admin hears, once.
    for h in [48, 49, 72] {
        run_clock_at(&app, due + Duration::hours(h));
    }
    assert_eq!(told(&app, RECEIVER_ADMIN, &id, "Escalated"), 1);
    assert_eq!(
        told(&app, RECEIVER, &id, "Escalated"),
        0,
        "the escalation goes to the admin"
    );
    // The sender is not the one who is late.
    assert_eq!(told(&app, GP, &id, "Overdue"), 0);

    // 90 days without a move: expired, once; sender and receiver are told.
    let t = run_clock_at(&app, sent_at + Duration::days(90) - Duration::minutes(1));
    assert_eq!(t.expired, 0);
    let t = run_clock_at(&app, sent_at + Duration::days(90) + Duration::minutes(1));
    assert_eq!(t.expired, 1);
    let t = run_clock_at(&app, sent_at + Duration::days(91));
    assert_eq!(t.expired, 0, "an expired referral expires once");
    assert_eq!(status_of(&app, &id), "expired");
    assert_eq!(
        due_of(&app, &id),
        None,
        "nobody must act on a closed referral"
    );
    assert_eq!(told(&app, GP, &id, "Expired"), 1);
    assert_eq!(told(&app, RECEIVER, &id, "Expired"), 1);
    let events: i64 = referral_events::table
        .filter(referral_events::referral_id.eq(&id))
        .filter(referral_events::kind.eq("expire"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(events, 1);
    // The referrer reads it as expired.
    let gp = app.login(GP, PW).await;
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(page.contains("Expired"), "{page}");
}

#[tokio::test]
async fn two_instances_running_the_clock_at_once_send_each_reminder_once() {
    let app = TestApp::spawn_without_jobs().await;
    // The receiver wants e-mail copies: each reminder is one notification and one mail.
    diesel::update(users::table.filter(users::email.eq(RECEIVER)))
        .set(users::email_notifications.eq(true))
        .execute(&mut *app.conn())
        .unwrap();
    let mut ids = Vec::new();
    for _ in 0..4 {
        ids.push(app.referral().to(RECEIVER).in_state(State::Sent).await.id);
    }
    let latest = ids.iter().filter_map(|id| due_of(&app, id)).max().unwrap();
    let at = latest + Duration::minutes(5);
    app.clock.set(at);
    let mails_before = outbox_to(&app, RECEIVER);
    let second = app.another_instance().await;
    let (a, b) = (app.svc.clone(), second.svc.clone());
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let runs: Vec<_> = [a, b]
        .into_iter()
        .map(|svc| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                clock::run(&svc.pool, &svc.mail, at).expect("the clock runs")
            })
        })
        .collect();
    let tallies: Vec<clock::Tally> = runs.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(
        tallies.iter().map(|t| t.reminded).sum::<usize>(),
        4,
        "{tallies:?}"
    );
    for id in &ids {
        assert_eq!(told(&app, RECEIVER, id, "Overdue"), 1, "{id}");
        assert_eq!(told(&app, RECEIVER, id, "Due soon"), 0, "{id}");
    }
    assert_eq!(outbox_to(&app, RECEIVER) - mails_before, 4, "one mail each");
    let recorded: i64 = clock_reminders::table
        .filter(clock_reminders::referral_id.eq_any(&ids))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    // "passed" for each, and "near" recorded as passed over (not sent late).
    assert_eq!(recorded, 8);
}

#[tokio::test]
async fn a_killed_instance_leaves_its_job_to_the_other_after_the_lease() {
    let app = TestApp::spawn_without_jobs().await;
    let id = app.referral().to(RECEIVER).in_state(State::Sent).await.id;
    let due = due_of(&app, &id).unwrap();
    let at = due + Duration::minutes(1);
    app.clock.set(at);
    // The other instance, on the app's clock (which `app.clock` moves).
    let env = jobs::Env::of(&app.svc);
    let specs = [jobs::CLOCK];
    jobs::ensure(&app.svc.pool, &specs, at).unwrap();
    // An instance takes the job and dies before finishing it.
    assert!(
        handoff::db::clock::claim(
            &mut app.conn(),
            "clock",
            "killed",
            at,
            at + jobs::CLOCK.lease
        )
        .unwrap()
    );
    // While its lease lives, the other instance leaves the job alone.
    let ran = jobs::run_due(&env, "alive", &specs).unwrap();
    assert!(ran.is_empty(), "{ran:?}");
    assert_eq!(told(&app, RECEIVER, &id, "Overdue"), 0);
    // After the lease, the other instance runs it.
    app.clock.set(at + jobs::CLOCK.lease + Duration::seconds(1));
    let ran = jobs::run_due(&env, "alive", &specs).unwrap();
    assert_eq!(ran.len(), 1, "{ran:?}");
    assert!(
        ran[0].1.as_ref().is_ok_and(|s| s.contains("1 reminded")),
        "{ran:?}"
    );
    assert_eq!(told(&app, RECEIVER, &id, "Overdue"), 1);
    // The killed instance coming back cannot finish a run it no longer holds.
    let later = app.clock_now();
    assert_eq!(
        handoff::db::clock::finish(&mut app.conn(), "clock", "killed", later, later, None).unwrap(),
        0
    );
    let job = handoff::db::clock::jobs(&mut app.conn())
        .unwrap()
        .into_iter()
        .find(|j| j.name == "clock")
        .unwrap();
    assert_eq!((job.runs, job.failures), (1, 0));
    assert!(job.lease_owner.is_none() && job.next_run_at > later);
}

#[tokio::test]
async fn the_clinic_admin_sets_the_clock_and_open_referrals_are_re_timed() {
    let app = TestApp::spawn_without_jobs().await;
    let id = app.referral().to(RECEIVER).in_state(State::Sent).await.id;
    let before = due_of(&app, &id).unwrap();
    let admin = app.login(RECEIVER_ADMIN, PW).await;
    let (status, page) = app.get(&admin.client, "/admin/clock").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("value=\"5\""),
        "the default routine triage shows"
    );
    // Bad input: each message beside its field, what was typed kept.
    let (status, page, _) = app
        .send(
            &admin,
            "/admin/clock",
            &[
                ("routine_triage_days", "0"),
                ("urgent_triage_days", "1"),
                ("emergency_triage_hours", "2"),
                ("need_info_days", "3"),
                ("approval_days", "3"),
                ("book_visit_days", "14"),
                ("outcome_days", "30"),
                ("advice_days", "5"),
                ("remind_before_hours", "24"),
                ("escalate_after_days", "2"),
                ("expire_after_days", "90"),
                ("auto_close_days", "7"),
                ("holidays", "26 January"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("between 1 and 60"), "{page}");
    assert!(page.contains("26 January"), "the typed holidays are kept");
    assert_eq!(due_of(&app, &id), Some(before), "nothing changed");
    // Ten working days instead of five: the open referral's due time moves later.
    let (status, _, _) = app
        .send(
            &admin,
            "/admin/clock",
            &[
                ("routine_triage_days", "10"),
                ("urgent_triage_days", "1"),
                ("emergency_triage_hours", "2"),
                ("need_info_days", "3"),
                ("approval_days", "3"),
                ("book_visit_days", "14"),
                ("outcome_days", "30"),
                ("advice_days", "5"),
                ("remind_before_hours", "24"),
                ("escalate_after_days", "2"),
                ("expire_after_days", "90"),
                ("auto_close_days", "7"),
                ("holidays", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let after = due_of(&app, &id).unwrap();
    assert!(after >= before + Duration::days(7), "{before} -> {after}");
    // Another clinic's admin cannot open this clinic's clock: they see their own.
    let other = app.login("admin@harbour.example", PW).await;
    let (status, page) = app.get(&other.client, "/admin/clock").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("value=\"5\""), "Harbour keeps the defaults");
}

fn outbox_to(app: &TestApp, email: &str) -> i64 {
    use handoff::db::schema::outbox;
    outbox::table
        .filter(outbox::to_addr.eq(email))
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

fn status_of(app: &TestApp, id: &str) -> String {
    referral_moves::table
        .find(id)
        .select(referral_moves::status)
        .first(&mut *app.conn())
        .unwrap()
}

#[tokio::test]
async fn a_drafted_outcome_is_sent_a_week_after_the_attended_visit_and_read_by_nobody_before() {
    const CARDIO: &str = "farah.siddiqui@harbour.example"; // runs a practice
    let app = TestApp::spawn_without_jobs().await;
    let gp = app.login(GP, PW).await;
    let rx = app.login(CARDIO, PW).await;
    let to = app.user_id(CARDIO);
    let rid = app
        .referral()
        .by(&gp)
        .to(CARDIO)
        .reason("Palpitations")
        .no_sections()
        .receiver_session(&rx)
        .in_state(State::Accepted)
        .await
        .id;
    let patient = app.login(PATIENT_A, PW).await;
    let (_, cal) = app
        .get(
            &patient.client,
            &format!("/practitioners/{to}?referral={rid}"),
        )
        .await;
    let slot = crate::schedule::first_slot(&cal);
    app.send(
        &patient,
        &format!("/practitioners/{to}/book"),
        &[("starts_at", &slot), ("referral", &rid)],
    )
    .await;
    let starts = NaiveDateTime::parse_from_str(&slot, "%Y-%m-%dT%H:%M").unwrap();
    app.clock.set(starts + Duration::minutes(30));
    let rx = app.login(CARDIO, PW).await;
    let (_, page) = app.get(&rx.client, &format!("/referrals/{rid}")).await;
    let appt = crate::schedule::appointment_in(&page);
    let (status, _, _) = app
        .send(&rx, &format!("/appointments/{appt}/attended"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // The receiver drafts the outcome; an empty advice is refused beside its field.
    let (_, page) = app.get(&rx.client, &format!("/referrals/{rid}")).await;
    let draft_url = format!("/referrals/{rid}/outcome-draft");
    assert!(
        page.contains(&format!("formaction=\"{draft_url}\"")),
        "{page}"
    );
    let version = version_in(&page, &format!("/referrals/{rid}/complete"));
    let (status, page, _) = app
        .send(
            &rx,
            &draft_url,
            &[
                ("version", &version),
                ("summary", "Benign ectopics DRAFTMARK"),
                ("advice", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("DRAFTMARK"), "what was typed is kept");
    let (status, _, _) = app
        .send(
            &rx,
            &draft_url,
            &[
                ("version", &version),
                ("summary", "Benign ectopics DRAFTMARK"),
                ("advice", "No treatment needed"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&rx.client, &format!("/referrals/{rid}")).await;
    assert!(
        page.contains("DRAFTMARK"),
        "the complete form is filled with the draft"
    );
    // Nobody else reads a draft.
    let (_, page) = app.get(&gp.client, &format!("/referrals/{rid}")).await;
    assert!(!page.contains("DRAFTMARK"));
    let (_, page) = app.get(&patient.client, &format!("/referrals/{rid}")).await;
    assert!(!page.contains("DRAFTMARK"));

    // Six days after the visit: still open. Seven: completed with the draft, once.
    let ends = starts + Duration::minutes(30);
    let t = run_clock_at(&app, ends + Duration::days(6));
    assert_eq!(t.completed, 0);
    let t = run_clock_at(&app, ends + Duration::days(7) + Duration::minutes(61));
    assert_eq!(t.completed, 1);
    let t = run_clock_at(&app, ends + Duration::days(8));
    assert_eq!(t.completed, 0);
    assert_eq!(status_of(&app, &rid), "completed");
    let gp = app.login(GP, PW).await;
    let (_, page) = app.get(&gp.client, &format!("/referrals/{rid}")).await;
    assert!(
        page.contains("DRAFTMARK"),
        "the referrer reads the outcome now"
    );
    assert_eq!(
        told(&app, CARDIO, &rid, "Completed: your drafted outcome"),
        1
    );
}
