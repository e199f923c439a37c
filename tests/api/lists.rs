//! Lists that do not count history (issue 18): the inbox's and the sent list's counts come
//! from counters the database keeps with every change, the open loops from an index of
//! their own, and the sent list pages by keyset. The counters must equal a recount after
//! any workload; paging must show every referral exactly once, in order.

use chrono::Duration;
use diesel::prelude::*;
use reqwest::StatusCode;

use crate::builders::State;
use crate::helpers::*;

const CARDIO: &str = "farah.siddiqui@harbour.example";
const BOSE: &str = "ananya.bose@northgate.example";

/// Stored counters against a count of the referrals.
fn assert_counters_recount(app: &TestApp, when: &str) {
    let (stored, recounted) = handoff::db::counts::compare(&mut app.conn()).unwrap();
    assert!(!recounted.0.is_empty(), "{when}: there are referrals");
    assert_eq!(stored.0, recounted.0, "{when}: per user and status");
    assert_eq!(stored.1, recounted.1, "{when}: per receiver and sender");
    let ((open, recounted), (due, due_recounted)) =
        handoff::db::day_counts::compare(&mut app.conn()).unwrap();
    assert_eq!(open, recounted, "{when}: open loops per day");
    assert_eq!(due, due_recounted, "{when}: due times per day");
}

#[tokio::test]
async fn the_list_counters_equal_a_recount_after_a_mixed_workload() {
    let app = TestApp::spawn().await;
    for state in crate::builders::FORM_STATES {
        app.referral().from(GP).to(CARDIO).in_state(state).await;
    }
    let farah = app.login(CARDIO, PW).await;
    for state in [State::AwaitingPatient, State::DeclinedByPatient] {
        app.referral()
            .by(&farah)
            .patient("Diya Menon")
            .to(BOSE)
            .in_state(state)
            .await;
    }
    // Information asked for and given: the referral goes sent -> need_info -> sent.
    let asked = app
        .referral()
        .from(GP)
        .to(CARDIO)
        .in_state(State::NeedInfo)
        .await;
    let gp = app.login(GP, PW).await;
    crate::builders::answer_the_ask_with_a_file(&app, &gp, &asked.id).await;
    assert_counters_recount(&app, "after the forms");
    let ((days, _), (due, _)) = handoff::db::day_counts::compare(&mut app.conn()).unwrap();
    assert!(
        days.iter().any(|(side, ..)| side == "clinic")
            && days.iter().any(|(side, ..)| side == "sender"),
        "the forms left open loops, counted for the sender and the clinic: {days:?}"
    );
    assert!(
        due.iter().any(|(side, ..)| side == "receiver")
            && due.iter().any(|(side, ..)| side == "sender"),
        "the forms left referrals due, counted for both parties: {due:?}"
    );

    // The bulk generator loads with the triggers off and counts once at the end...
    let n = handoff::services::seed::generate_network_referrals(&app.svc, 1500).unwrap();
    assert_eq!(n, 1500);
    assert_counters_recount(&app, "after the generator");
    // ...and switches them on again: the next change is counted.
    let later = app
        .referral()
        .from(GP)
        .to(CARDIO)
        .in_state(State::Sent)
        .await;
    app.act(&farah, &later.id, "accept", &[]).await.ok("accept");
    assert_counters_recount(&app, "after a change following the generator");

    // What the pages show is the counters: the receiver's inbox count of "accepted".
    let accepted: i64 = {
        use handoff::db::schema::referrals as r;
        r::table
            .filter(r::receiver_id.eq(app.user_id(CARDIO)))
            .filter(r::status.eq("accepted"))
            .count()
            .get_result(&mut *app.conn())
            .unwrap()
    };
    let inbox = app.page_with(&farah.client, "/inbox", "Inbox").await;
    let link = "<a href=\"/inbox?status=accepted\"";
    let at = inbox.find(link).expect("the accepted filter");
    let count = &inbox[at..];
    let count = &count[count.find("class=\"count\">").unwrap() + 14..];
    assert_eq!(count[..count.find('<').unwrap()], accepted.to_string());
}

/// The referral ids of the sent list's table (not of its "oldest open" box), in order, and
/// the next page's link.
fn sent_rows(page: &str) -> (Vec<String>, Option<String>) {
    let table = &page[page.find("<table class=\"list\">").unwrap_or(page.len())..];
    let ids = table
        .split("<td><a href=\"/referrals/")
        .skip(1)
        .map(|s| s[..36].to_string())
        .collect();
    let next = page
        .split("rel=\"next\"")
        .next()
        .filter(|_| page.contains("rel=\"next\""))
        .and_then(|s| s.rsplit("href=\"").next())
        .map(|s| {
            s[..s.find('"').unwrap()]
                .replace("&#38;", "&")
                .replace("&amp;", "&")
        });
    (ids, next)
}

/// Follows the next links from `start` to the end; every id on the way.
async fn all_pages(app: &TestApp, s: &Session, start: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut next = Some(start.to_string());
    let mut pages = 0;
    while let Some(path) = next {
        let (status, page) = app.get(&s.client, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let (rows, n) = sent_rows(&page);
        assert!(rows.len() <= 50, "a page holds at most 50 rows");
        assert!(
            n.is_none() || rows.len() == 50,
            "only a full page has a next link"
        );
        ids.extend(rows);
        next = n;
        pages += 1;
        assert!(pages < 100, "the pages end");
    }
    ids
}

#[tokio::test]
async fn the_sent_list_pages_through_every_referral_once_in_order() {
    let app = TestApp::spawn().await;
    handoff::services::seed::generate_network_referrals(&app.svc, 2500).unwrap();
    let me = app.user_id(GP);
    let gp = app.login(GP, PW).await;
    use handoff::db::schema::referrals as r;
    let mine: Vec<(String, chrono::NaiveDateTime, String)> = r::table
        .filter(r::sender_id.eq(&me))
        .order((r::updated_at.desc(), r::id.desc()))
        .select((r::id, r::updated_at, r::status))
        .load(&mut *app.conn())
        .unwrap();
    assert!(
        mine.len() > 120,
        "the GP sent several pages: {}",
        mine.len()
    );

    // Newest change first, every referral once.
    let ids = all_pages(&app, &gp, "/sent").await;
    let want: Vec<String> = mine.iter().map(|(id, ..)| id.clone()).collect();
    assert_eq!(ids, want);

    // One status: the same, filtered, and the filter survives the next link.
    let status = &mine[0].2;
    let ids = all_pages(&app, &gp, &format!("/sent?status={status}")).await;
    let want: Vec<String> = mine
        .iter()
        .filter(|(_, _, s)| s == status)
        .map(|(id, ..)| id.clone())
        .collect();
    assert_eq!(ids, want);

    // Most overdue first: every referral once, those with a due time first, by due time.
    let ids = all_pages(&app, &gp, "/sent?sort=due").await;
    assert_eq!(ids.len(), mine.len());
    let mut seen = ids.clone();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), ids.len(), "no referral twice");
    let due: Vec<Option<chrono::NaiveDateTime>> = {
        use handoff::db::schema::referral_moves as m;
        let rows: Vec<(String, Option<chrono::NaiveDateTime>)> = m::table
            .filter(m::sender_id.eq(&me))
            .select((m::id, m::due_at))
            .load(&mut *app.conn())
            .unwrap();
        ids.iter()
            .map(|id| rows.iter().find(|(i, _)| i == id).unwrap().1)
            .collect()
    };
    let with_due = due.iter().take_while(|d| d.is_some()).count();
    assert!(
        due[with_due..].iter().all(Option::is_none),
        "missing due times last"
    );
    assert!(
        due[..with_due].windows(2).all(|w| w[0] <= w[1]),
        "earliest first"
    );

    // A status the app does not know lists nothing, and offers no next page.
    let (status, page) = app.get(&gp.client, "/sent?status=bogus").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sent_rows(&page), (Vec::new(), None));

    // A cursor someone typed is the first page, not an error.
    for bad in [
        "garbage",
        "99999999999999999999.x",
        "-1.",
        "d.none",
        "d.x.y",
        // A NUL in the id: PostgreSQL refuses it in a text parameter (was a 400 there).
        "1700000000000000.%00",
    ] {
        let (status, page) = app.get(&gp.client, &format!("/sent?after={bad}")).await;
        assert_eq!(status, StatusCode::OK, "{bad}");
        assert_eq!(sent_rows(&page).0[..], want_first(&mine)[..], "{bad}");
    }
}

fn want_first(mine: &[(String, chrono::NaiveDateTime, String)]) -> Vec<String> {
    mine.iter().take(50).map(|(id, ..)| id.clone()).collect()
}

#[tokio::test]
async fn open_loops_by_age_equal_a_count_of_the_open_referrals() {
    use handoff::domain::referral::{OPEN_LOOP, OPEN_LOOP_BANDS};
    let app = TestApp::spawn().await;
    handoff::services::seed::generate_network_referrals(&app.svc, 2000).unwrap();
    // A declined referral nobody sent on elsewhere is still an open loop for its sender.
    let gp = app.login(GP, PW).await;
    let declined = app
        .referral()
        .from(GP)
        .to(CARDIO)
        .in_state(State::Rejected)
        .await;
    // One declined and sent on elsewhere is not: the sent list takes it off its count.
    let passed_on = app
        .referral()
        .from(GP)
        .to(CARDIO)
        .in_state(State::Rejected)
        .await;
    app.referral()
        .by(&gp)
        .patient_id(&passed_on.patient_id)
        .to(UNRELATED)
        .redirected_from(&passed_on.id)
        .in_state(State::Sent)
        .await;
    let me = app.user_id(GP);
    let now = app.clock_now();
    use handoff::db::schema::referral_moves as m;
    // Open loops right at each band's edges (a second either side) and later on the day an
    // edge falls in: the counters per day count whole days, the edge's own day comes from
    // the referrals. Moved by an UPDATE of the submission time, which the triggers follow.
    let some_open: Vec<String> = m::table
        .filter(m::sender_id.eq(&me))
        .filter(m::status.eq_any(["sent", "accepted"]))
        .filter(m::redirected_to.is_null())
        .select(m::id)
        .limit(8)
        .load(&mut *app.conn())
        .unwrap();
    let edges = [7, 30].map(|d| now - Duration::days(d));
    let moved_to = edges.iter().flat_map(|e| {
        [
            *e,
            *e + Duration::seconds(1),
            *e - Duration::seconds(1),
            *e + Duration::hours(3),
        ]
    });
    assert_eq!(some_open.len(), 8, "open loops to move");
    for (id, at) in some_open.iter().zip(moved_to) {
        diesel::update(m::table.find(id))
            .set(m::submitted_at.eq(at))
            .execute(&mut *app.conn())
            .unwrap();
    }
    let open: Vec<(chrono::NaiveDateTime, String)> = m::table
        .filter(m::sender_id.eq(&me))
        .filter(m::status.eq_any(OPEN_LOOP.iter().map(|s| s.as_str())))
        .filter(m::redirected_to.is_null())
        .filter(m::submitted_at.is_not_null())
        .select((m::submitted_at.assume_not_null(), m::id))
        .order((m::submitted_at.asc(), m::id.asc()))
        .load(&mut *app.conn())
        .unwrap();
    assert!(open.iter().any(|(_, id)| *id == declined.id));
    assert!(!open.iter().any(|(_, id)| *id == passed_on.id));
    let redirected: Option<String> = m::table
        .find(&passed_on.id)
        .select(m::redirected_to)
        .first(&mut *app.conn())
        .unwrap();
    assert!(redirected.is_some(), "the declined referral was sent on");
    let page = app.page_with(&gp.client, "/sent", "Sent").await;
    for (label, from_days, to_days) in OPEN_LOOP_BANDS {
        let n = open
            .iter()
            .filter(|(at, _)| {
                let age = now - *at;
                age < Duration::days(to_days.min(100_000)) && age >= Duration::days(from_days)
            })
            .count();
        assert!(
            page.contains(&format!("{label}: <span class=\"count\">{n}</span>")),
            "{label}: {n}"
        );
    }
    // The oldest open loops come first in their box.
    let box_ = &page[page.find("h-open").unwrap()..page.find("</section>").unwrap()];
    let first = box_.split("<a href=\"/referrals/").nth(1).unwrap();
    assert_eq!(&first[..36], open[0].1);
    // The analytics pages count the same bands, referrals only, for the GP and for the
    // GP's clinic (from counters per day and the day each band starts in).
    use handoff::db::schema::referrals as r;
    let clinic = app.clinic_of(GP);
    let admin = app.login(ADMIN, PW).await;
    for (who, session) in [("GP", &gp), ("clinic", &admin)] {
        let mut q = r::table
            .filter(r::status.eq_any(OPEN_LOOP.iter().map(|s| s.as_str())))
            .filter(r::redirected_to.is_null())
            .filter(r::kind.ne("advice"))
            .into_boxed();
        q = if who == "GP" {
            q.filter(r::sender_id.eq(&me))
        } else {
            q.filter(r::sender_clinic_id.eq(&clinic))
        };
        let times: Vec<Option<chrono::NaiveDateTime>> =
            q.select(r::submitted_at).load(&mut *app.conn()).unwrap();
        let page = app
            .page_with(&session.client, "/analytics", "Analytics")
            .await;
        for (label, from_days, to_days) in OPEN_LOOP_BANDS {
            let n = times
                .iter()
                .flatten()
                .filter(|at| {
                    let age = now - **at;
                    age < Duration::days(to_days.min(100_000)) && age >= Duration::days(from_days)
                })
                .count();
            let row = format!(
                "<tr class=\"open-band\"><th scope=\"row\">{label}</th><td class=\"num\">{n}</td></tr>"
            );
            assert!(page.contains(&row), "{who}, {label}: {n}");
        }
    }
}

#[tokio::test]
async fn moves_that_cross_between_two_statuses_at_once_all_land_and_stay_counted_and_rolled_up() {
    // Each request_info moves a referral sent -> need_info while each answer moves another
    // need_info -> sent, for the same receiver and sender: the same two counters in
    // opposite directions, at once. None may fail (on PostgreSQL a crosswise lock order
    // would deadlock one of each pair), and the counters must still equal a recount.
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let farah = app.login(CARDIO, PW).await;
    let mut to_ask = Vec::new();
    let mut to_answer = Vec::new();
    let mut to_accept = Vec::new();
    for _ in 0..6 {
        // Accepts of one clinic's referrals at once add to the same clinic rollup rows.
        to_accept.push(
            app.referral()
                .by(&gp)
                .to(CARDIO)
                .in_state(State::Sent)
                .await
                .id,
        );
        to_ask.push(
            app.referral()
                .by(&gp)
                .to(CARDIO)
                .in_state(State::Sent)
                .await
                .id,
        );
        to_answer.push(
            app.referral()
                .by(&gp)
                .to(CARDIO)
                .in_state(State::NeedInfo)
                .await
                .id,
        );
    }
    // Each form as its page showed it (version, token), posted all at once.
    let mut posts = Vec::new();
    for id in &to_ask {
        let (_, page) = app.get(&farah.client, &format!("/referrals/{id}")).await;
        posts.push((&farah, page, format!("/referrals/{id}/request_info"), None));
    }
    for id in &to_accept {
        let (_, page) = app.get(&farah.client, &format!("/referrals/{id}")).await;
        posts.push((&farah, page, format!("/referrals/{id}/accept"), None));
    }
    for id in &to_answer {
        let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
        let ask = crate::builders::open_ask_id(&page);
        posts.push((
            &gp,
            page,
            format!("/referrals/{id}/provide_info"),
            Some(ask),
        ));
    }
    let app = &app;
    let answers = futures::future::join_all(posts.iter().map(|(who, page, action, ask)| {
        let key = ask.as_ref().map(|a| format!("answer_{a}"));
        async move {
            let form: Vec<(&str, &str)> = match &key {
                Some(k) => vec![(k.as_str(), "BP 128/82 this morning")],
                None if action.ends_with("/accept") => vec![],
                None => vec![("note", "Latest HbA1c, please")],
            };
            app.act_on_page(&who.client, page, action, &form)
                .await
                .parts()
                .0
        }
    }))
    .await;
    assert!(
        answers.iter().all(|s| *s == StatusCode::SEE_OTHER),
        "every move landed: {answers:?}"
    );
    for id in &to_ask {
        assert_eq!(crate::builders::status_of(app, id), "need_info");
    }
    for id in &to_answer {
        assert_eq!(crate::builders::status_of(app, id), "sent");
    }
    for id in &to_accept {
        assert_eq!(crate::builders::status_of(app, id), "accepted");
    }
    assert_counters_recount(app, "after crossing moves");
    crate::clinic_rollup::assert_rollup_equals_the_pair_counters(app);
}

#[tokio::test]
async fn the_open_loop_column_agrees_with_the_domain_for_every_status() {
    // The generated column's status list is SQL, written twice (one per backend); the
    // domain's OPEN_LOOP is the rule. Every status, redirected or not, must agree.
    use handoff::db::schema::referral_moves as m;
    use handoff::domain::referral::{ALL_STATUSES, OPEN_LOOP};
    let app = TestApp::spawn().await;
    let id = app
        .referral()
        .from(GP)
        .to(CARDIO)
        .in_state(State::Sent)
        .await
        .id;
    let submitted: Option<chrono::NaiveDateTime> = m::table
        .find(&id)
        .select(m::submitted_at)
        .first(&mut *app.conn())
        .unwrap();
    assert!(submitted.is_some());
    for redirected in [None, Some(id.clone())] {
        for status in ALL_STATUSES {
            diesel::update(m::table.find(&id))
                .set((
                    m::status.eq(status.as_str()),
                    m::redirected_to.eq(&redirected),
                ))
                .execute(&mut *app.conn())
                .unwrap();
            let open: Option<chrono::NaiveDateTime> = m::table
                .find(&id)
                .select(m::open_since)
                .first(&mut *app.conn())
                .unwrap();
            let want = (OPEN_LOOP.contains(&status) && redirected.is_none()).then_some(submitted);
            assert_eq!(
                open,
                want.flatten(),
                "{status:?}, redirected: {redirected:?}"
            );
        }
    }
    // The counters followed every one of those moves.
    assert_counters_recount(&app, "after every status");
}
