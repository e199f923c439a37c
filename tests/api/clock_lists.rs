//! The clock on the pages where people decide (issue 14, part 2): whose turn and when due
//! in the inbox and the sent list, the "overdue" and "due today" filters, the "most overdue
//! first" order and the counts; the patient reads only what they are asked to do, by when.

use chrono::{Duration, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use crate::builders::State;
use crate::helpers::*;

const CARDIO: &str = "farah.siddiqui@harbour.example";

/// Moves the app's clock to 10:00 in Pune (04:30 UTC) on the next day, so "today" has
/// hours left on the app's wall clock.
fn morning_in_pune(app: &TestApp) -> NaiveDateTime {
    let now = app.clock_now();
    let next =
        (now.date() + Duration::days(1)).and_time(NaiveTime::from_hms_opt(4, 30, 0).unwrap());
    app.clock.set(next);
    next
}

/// Sets a referral's due time as the clock job would have written it.
fn set_due(app: &TestApp, id: &str, due: Option<NaiveDateTime>) {
    use handoff::db::schema::referral_moves as m;
    let n = diesel::update(m::table.find(id))
        .set(m::due_at.eq(due))
        .execute(&mut *app.conn())
        .unwrap();
    assert_eq!(n, 1);
}

/// Where `needle` first appears on the page (it must).
fn pos(page: &str, needle: &str) -> usize {
    page.find(needle)
        .unwrap_or_else(|| panic!("{needle} is not on the page"))
}

/// Four sent referrals, told apart by their reasons: one 3 days overdue, one 5 hours
/// overdue, one due in 3 days and one due in 2 hours (today). Returns the time "now".
async fn four_due_times(app: &TestApp) -> NaiveDateTime {
    let now = morning_in_pune(app);
    let gp = app.login(GP, PW).await;
    for (reason, due) in [
        (LATE_DAYS, now - Duration::days(3)),
        (LATE_HOURS, now - Duration::hours(5)),
        (LATER, now + Duration::days(3)),
        (TODAY, now + Duration::hours(2)),
    ] {
        let made = app
            .referral()
            .by(&gp)
            .reason(reason)
            .in_state(State::Sent)
            .await;
        set_due(app, &made.id, Some(due));
    }
    now
}

const LATE_DAYS: &str = "Palpitations (three days late)";
const LATE_HOURS: &str = "Murmur (five hours late)";
const LATER: &str = "Hypertension review (in three days)";
const TODAY: &str = "Syncope (due today)";

#[tokio::test]
async fn the_receiver_finds_the_overdue_ones_first_and_counted() {
    let app = TestApp::spawn().await;
    four_due_times(&app).await;
    let rx = app.login(CARDIO, PW).await;

    let (_, inbox) = app.get(&rx.client, "/inbox").await;
    assert!(
        inbox.contains("3 days overdue"),
        "three days late, in words"
    );
    assert!(inbox.contains("5 hours overdue"), "Neha's in words");
    assert!(inbox.contains("due in 3 days"), "Tariq's in words");
    assert!(inbox.contains("due in 2 hours"), "Kavya's in words");
    assert!(inbox.contains("Whose turn: the receiving practitioner"));
    assert!(
        inbox.contains("Overdue <span class=\"count\">2</span>"),
        "the counts say how many are overdue"
    );
    assert!(inbox.contains("Due today <span class=\"count\">1</span>"));

    let (_, overdue) = app.get(&rx.client, "/inbox?due=overdue").await;
    assert!(overdue.contains(LATE_DAYS) && overdue.contains(LATE_HOURS));
    assert!(
        !overdue.contains(LATER) && !overdue.contains(TODAY),
        "only the overdue ones"
    );

    let (_, today) = app.get(&rx.client, "/inbox?due=today").await;
    assert!(today.contains(TODAY));
    assert!(!today.contains(LATE_DAYS) && !today.contains(LATER));

    let (_, sorted) = app.get(&rx.client, "/inbox?sort=due").await;
    assert!(
        pos(&sorted, LATE_DAYS) < pos(&sorted, LATE_HOURS)
            && pos(&sorted, LATE_HOURS) < pos(&sorted, TODAY)
            && pos(&sorted, TODAY) < pos(&sorted, LATER),
        "most overdue first"
    );
}

#[tokio::test]
async fn the_most_overdue_first_order_pages_without_losing_or_repeating_a_row() {
    let app = TestApp::spawn().await;
    let now = morning_in_pune(&app);
    // 27 referrals: a page holds 25. One has no due time (it sorts last).
    let mut want = Vec::new();
    let gp = app.login(GP, PW).await;
    for i in 0..27 {
        let made = app
            .referral()
            .by(&gp)
            .reason(&format!("Qx{i:02}Qz"))
            .in_state(State::Sent)
            .await;
        let due = (i != 13).then(|| now - Duration::hours(30 - i));
        set_due(&app, &made.id, due);
        if i != 13 {
            want.push(format!("Qx{i:02}Qz"));
        }
    }
    want.push("Qx13Qz".into());
    let rx = app.login(CARDIO, PW).await;
    let (_, first) = app.get(&rx.client, "/inbox?sort=due").await;
    let next = first
        .split("rel=\"next\"")
        .next()
        .and_then(|s| s.rsplit("href=\"").next())
        .map(|h| {
            h.split('"')
                .next()
                .unwrap()
                .replace("&#38;", "&")
                .replace("&amp;", "&")
        })
        .filter(|_| first.contains("rel=\"next\""))
        .expect("a second page");
    let (_, second) = app.get(&rx.client, &next).await;
    let seen: Vec<String> = [first, second]
        .iter()
        .flat_map(|p| {
            p.split("Qx")
                .skip(1)
                .filter_map(|s| s.split_once("Qz").map(|(n, _)| format!("Qx{n}Qz")))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        seen, want,
        "every referral once, most overdue first, none-due last"
    );
}

#[tokio::test]
async fn the_sender_sees_whose_turn_and_the_overdue_ones() {
    let app = TestApp::spawn().await;
    four_due_times(&app).await;
    let gp = app.login(GP, PW).await;
    let (_, sent) = app.get(&gp.client, "/sent").await;
    assert!(sent.contains("3 days overdue") && sent.contains("due in 3 days"));
    assert!(sent.contains("Whose turn: the receiving practitioner"));
    assert!(sent.contains("Overdue <span class=\"count\">2</span>"));

    let (_, overdue) = app.get(&gp.client, "/sent?due=overdue").await;
    let table = overdue.split("<table").nth(1).expect("a list");
    assert!(table.contains(LATE_DAYS) && table.contains(LATE_HOURS));
    assert!(!table.contains(LATER) && !table.contains(TODAY));

    let (_, sorted) = app.get(&gp.client, "/sent?sort=due").await;
    let table = sorted.split("<table").nth(1).expect("a list");
    assert!(
        pos(table, LATE_DAYS) < pos(table, LATE_HOURS)
            && pos(table, LATE_HOURS) < pos(table, LATER)
    );

    // The referral page says the same.
    let (_, page) = app.get(&gp.client, "/sent?due=overdue&sort=due").await;
    let href = page
        .split("<table")
        .nth(1)
        .and_then(|t| t.split("href=\"").nth(1))
        .and_then(|h| h.split('"').next())
        .unwrap()
        .to_string();
    let (_, referral) = app.get(&gp.client, &href).await;
    assert!(referral.contains("3 days overdue"));
}

#[tokio::test]
async fn the_patient_is_asked_to_book_by_a_day_and_reads_nothing_else_of_the_clock() {
    let app = TestApp::spawn().await;
    let now = morning_in_pune(&app);
    let made = app.referral().in_state(State::VisitRequired).await;
    // Due at midnight in Pune (18:30 UTC): the patient has until the day before ends.
    let due =
        (now.date() + Duration::days(10)).and_time(NaiveTime::from_hms_opt(18, 30, 0).unwrap());
    set_due(&app, &made.id, Some(due));
    let day = handoff::i18n::Lang::En.long_date(due.date());

    let patient = app.login(PATIENT_A, PW).await;
    let (_, page) = app
        .get(&patient.client, &format!("/referrals/{}", made.id))
        .await;
    assert!(
        page.contains(&format!("Please book your visit by {day}.")),
        "the referral page asks the patient to book by {day}"
    );
    let (_, list) = app.get(&patient.client, "/portal/referrals").await;
    assert!(list.contains(&format!("Please book your visit by {day}.")));
    for p in [&page, &list] {
        assert!(!p.contains("Whose turn"), "practitioners' wording");
        assert!(!p.contains("due in"), "practitioners' wording");
    }

    // Overdue, the patient is still asked by the day, never told "overdue".
    set_due(&app, &made.id, Some(now - Duration::days(2)));
    let (_, page) = app
        .get(&patient.client, &format!("/referrals/{}", made.id))
        .await;
    assert!(page.contains("Please book your visit by"));
    assert!(!page.contains("overdue"));

    // The practitioners read it in words.
    let gp = app.login(GP, PW).await;
    let (_, page) = app
        .get(&gp.client, &format!("/referrals/{}", made.id))
        .await;
    assert!(page.contains("2 days overdue") && page.contains("Whose turn: the patient"));
    assert!(!page.contains("Please book your visit by"));
}

#[tokio::test]
async fn a_patient_without_an_account_reads_by_when_to_approve_in_their_language() {
    use crate::patient_link::{mails_to, register, token_in};
    const MEERA: &str = "meera.iyer@harbour.example";
    const NEHA: &str = "neha.rao@example.org";
    let app = TestApp::spawn_with(|s| crate::external::mail_settings(s, None)).await;
    let now = morning_in_pune(&app);
    let farah = app.login(CARDIO, PW).await;
    let pid = register(&app, &farah, NEHA, "hi").await;
    let meera = app.login(MEERA, PW).await;
    let id = app
        .referral()
        .by(&farah)
        .patient_id(&pid)
        .to(MEERA)
        .receiver_session(&meera)
        .in_state(State::AwaitingPatient)
        .await
        .id;
    let due =
        (now.date() + Duration::days(4)).and_time(NaiveTime::from_hms_opt(18, 30, 0).unwrap());
    set_due(&app, &id, Some(due));
    let (_, body, _) = eventually("the e-mail", || mails_to(&app, NEHA).into_iter().next()).await;
    let token = token_in(&body);
    let (_, page) = app.get(&app.client(), &format!("/p/{token}")).await;
    let day = handoff::i18n::Lang::Hi.long_date(due.date());
    assert!(
        page.contains(&format!("कृपया {day} तक इस रेफ़रल को स्वीकृत या अस्वीकार करें।")),
        "asked in Hindi to approve or decline by {day}"
    );
    assert!(!page.contains("देय"), "no practitioner's clock words");
    // Her doctor reads whose turn it is.
    let (_, page) = app.get(&farah.client, &format!("/referrals/{id}")).await;
    assert!(page.contains("Whose turn: the patient") && page.contains("due in 4 days"));
}
