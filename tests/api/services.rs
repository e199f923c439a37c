//! Services (issue 15): a referral to a service waits in its shared queue; a member claims
//! it (of two at once, one wins and the other is told who), the coordinator triages,
//! assigns and forwards; the clinic's admin defines services.

use diesel::prelude::*;
use reqwest::StatusCode;

use crate::builders::*;
use crate::helpers::*;

const ANANYA: &str = "ananya.bose@northgate.example";
const NIKHIL: &str = "nikhil.rao@northgate.example";
const SOFIA: &str = "sofia.dsouza@northgate.example";
const LAKSHMI: &str = "lakshmi.narayan@northgate.example";
const NORTHGATE_ADMIN: &str = "admin@northgate.example";

/// The demo's cardiology service: (id, its account's address).
fn cardiology(app: &TestApp) -> (String, String) {
    use handoff::db::schema::{services, users};
    let id: String = services::table
        .inner_join(users::table.on(users::id.eq(services::id)))
        .filter(users::display_name.eq("Cardiology service, Northgate"))
        .select(services::id)
        .first(&mut *app.conn())
        .unwrap();
    let email = handoff::domain::service::account_address(&id);
    (id, email)
}

fn holder(app: &TestApp, id: &str) -> (String, Option<String>) {
    use handoff::db::schema::referral_moves as m;
    m::table
        .filter(m::id.eq(id))
        .select((m::receiver_id, m::service_id))
        .first(&mut *app.conn())
        .unwrap()
}

fn version_of(page: &str, id: &str, action: &str) -> String {
    version_in(page, &format!("/referrals/{id}/{action}"))
}

#[tokio::test]
async fn a_referral_to_a_service_waits_in_its_queue_until_one_member_claims_it() {
    let app = TestApp::spawn().await;
    let (service, service_email) = cardiology(&app);
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let (_, composer) = app
        .get(
            &gp.client,
            &format!("/patients/{pid}/refer/new?to={service}"),
        )
        .await;
    assert!(composer.contains("waits in its shared queue"), "{composer}");
    assert!(
        composer.contains("It is for: ages 16 and over."),
        "{composer}"
    );
    assert!(!composer.contains("outside who the service is for"));
    let made = app
        .referral()
        .by(&gp)
        .to(&service_email)
        .in_state(State::Sent)
        .await;
    assert_eq!(holder(&app, &made.id), (service.clone(), None));
    let (_, page) = app
        .get(&gp.client, &format!("/referrals/{}", made.id))
        .await;
    assert!(
        page.contains("Cardiology service, Northgate"),
        "the sender sees the service"
    );

    // Every member sees the queue in their inbox; someone outside the service does not.
    let ananya = app.login(ANANYA, PW).await;
    let nikhil = app.login(NIKHIL, PW).await;
    let (_, inbox) = app.get(&ananya.client, "/inbox").await;
    assert!(
        inbox.contains(&format!("href=\"/inbox?queue={service}\"")),
        "{inbox}"
    );
    let (status, queue) = app
        .get(&nikhil.client, &format!("/inbox?queue={service}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(queue.contains(&made.id) && queue.contains("Queue: Cardiology service, Northgate"));
    let lakshmi = app.login(LAKSHMI, PW).await;
    let (status, _) = app
        .get(&lakshmi.client, &format!("/inbox?queue={service}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .get(&lakshmi.client, &format!("/referrals/{}", made.id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A member reads it and may take it, not accept it.
    let (status, page) = app
        .get(&ananya.client, &format!("/referrals/{}", made.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Chest tightness"),
        "the consent to the service covers its members"
    );
    assert!(page.contains("Take this referral"));
    assert!(!page.contains(&format!("/referrals/{}/accept", made.id)));
    assert!(
        !page.contains(&format!("/referrals/{}/assign", made.id)),
        "not the coordinator"
    );
    let (status, _) = app
        .get(&ananya.client, &format!("/referrals/{}/fhir", made.id))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "files leave only once it is taken"
    );
    let version = version_of(&page, &made.id, "claim");
    let (status, body, _) = app
        .send(
            &ananya,
            &format!("/referrals/{}/accept", made.id),
            &[("version", &version), ("note", "")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("claim it first"), "{body}");

    // Two members claim at once: one wins, the other is told who.
    let path = format!("/referrals/{}/claim", made.id);
    let form = [("version", version.as_str())];
    let (a, n) = tokio::join!(
        app.send(&ananya, &path, &form),
        app.send(&nikhil, &path, &form)
    );
    let outcomes = [(a.0, &a.1, ANANYA), (n.0, &n.1, NIKHIL)];
    let won: Vec<_> = outcomes
        .iter()
        .filter(|(s, _, _)| *s == StatusCode::SEE_OTHER)
        .collect();
    let lost: Vec<_> = outcomes
        .iter()
        .filter(|(s, _, _)| *s == StatusCode::CONFLICT)
        .collect();
    assert_eq!((won.len(), lost.len()), (1, 1), "{:?} {:?}", a.0, n.0);
    let winner_email = won[0].2;
    let winner = app.user_id(winner_email);
    let winner_name = if winner_email == ANANYA {
        "Dr Ananya Bose"
    } else {
        "Dr Nikhil Rao"
    };
    assert!(
        lost[0]
            .1
            .contains(&format!("{winner_name} has this referral now")),
        "{}",
        lost[0].1
    );
    assert_eq!(
        holder(&app, &made.id),
        (winner.clone(), Some(service.clone()))
    );

    // The winner has it like any referral of theirs; the sender and patient see their name.
    let winner_session = if winner_email == ANANYA {
        &ananya
    } else {
        &nikhil
    };
    let loser_session = if winner_email == ANANYA {
        &nikhil
    } else {
        &ananya
    };
    let (_, page) = app
        .get(&winner_session.client, &format!("/referrals/{}", made.id))
        .await;
    assert!(page.contains(&format!("/referrals/{}/accept", made.id)));
    assert!(
        page.contains("Chest tightness"),
        "the consent passed on to them"
    );
    let (status, _) = app
        .get(&loser_session.client, &format!("/referrals/{}", made.id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, notes) = app.get(&gp.client, "/notifications").await;
    assert!(
        notes.contains(&format!(
            "{winner_name} took this referral from Cardiology service, Northgate."
        )),
        "{notes}"
    );
    // No thread with the service (nobody would read it): the request card waits for the
    // member, in the sender's thread with them.
    let (_, threads) = app.get(&gp.client, "/threads").await;
    assert!(
        !threads.contains("Cardiology service, Northgate"),
        "{threads}"
    );
    assert!(threads.contains(winner_name), "{threads}");
    let patient = app.login(PATIENT_A, PW).await;
    let (_, mine) = app.get(&patient.client, "/portal/referrals").await;
    assert!(mine.contains(winner_name), "{mine}");
    let (_, queue) = app
        .get(&nikhil.client, &format!("/inbox?queue={service}"))
        .await;
    assert!(!queue.contains(&made.id), "it left the queue");

    // The clinic's analytics count it under the service and under the member who took it.
    let second = app
        .referral()
        .by(&gp)
        .patient("Neha Shetty")
        .to(&service_email)
        .in_state(State::Sent)
        .await;
    let admin = app.login(NORTHGATE_ADMIN, PW).await;
    let (_, figures) = app.get(&admin.client, "/analytics").await;
    assert!(
        figures.contains(
            "<tr class=\"service-line\"><th scope=\"row\">Cardiology service, Northgate</th><td class=\"num\">2</td></tr>"
        ),
        "{figures}"
    );
    assert!(figures.contains(&format!(
        "<td>taken by {winner_name}</td><td class=\"num\">1</td>"
    )));
    assert!(figures.contains("<td>still waiting in the queue</td><td class=\"num\">1</td>"));
    assert_eq!(holder(&app, &second.id).0, service);
}

#[tokio::test]
async fn the_coordinator_triages_assigns_and_forwards_and_the_admin_defines_services() {
    let app = TestApp::spawn().await;
    let (service, service_email) = cardiology(&app);
    // The admin adds a second service; a wrong form says what is missing beside each field.
    let admin = app.login(NORTHGATE_ADMIN, PW).await;
    let (status, page) = app.get(&admin.client, "/admin/services").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Cardiology service, Northgate") && page.contains("Coordinator: Dr Sofia D")
    );
    let (status, body, _) = app
        .send(
            &admin,
            "/admin/services",
            &[
                ("name", "Heart failure clinic"),
                ("min_age", "70"),
                ("max_age", "20"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Specialties is required."));
    assert!(body.contains("The oldest age is below the youngest."));
    assert!(body.contains("at least one member"));
    assert!(
        body.contains("value=\"Heart failure clinic\""),
        "what was typed is kept"
    );
    let lakshmi_id = app.user_id(LAKSHMI);
    let (status, _, _) = app
        .send(
            &admin,
            "/admin/services",
            &[
                ("name", "Heart failure clinic"),
                ("specialties", "Heart failure, cardiomyopathy"),
                ("members", &lakshmi_id),
                ("accepting", "on"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let other_admin = app.login(OTHER_ADMIN, PW).await;
    let (status, _) = app
        .get(&other_admin.client, &format!("/admin/services/{service}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another clinic's service");

    let gp = app.login(GP, PW).await;
    let first = app
        .referral()
        .by(&gp)
        .to(&service_email)
        .in_state(State::Sent)
        .await;
    let second = app
        .referral()
        .by(&gp)
        .patient("Neha Shetty")
        .to(&service_email)
        .in_state(State::Sent)
        .await;

    // The coordinator triages: asks for information, but cannot accept.
    let sofia = app.login(SOFIA, PW).await;
    let (_, page) = app
        .get(&sofia.client, &format!("/referrals/{}", first.id))
        .await;
    for action in ["claim", "assign", "forward", "request_info"] {
        assert!(
            page.contains(&format!("/referrals/{}/{action}", first.id)),
            "{action}"
        );
    }
    let version = version_of(&page, &first.id, "request_info");
    let (status, _, _) = app
        .send(
            &sofia,
            &format!("/referrals/{}/request_info", first.id),
            &[("version", &version), ("note", "Latest ECG, please")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app
        .get(&sofia.client, &format!("/referrals/{}", first.id))
        .await;
    assert!(page.contains("Information requested"), "{page}");

    // A member may not assign; the coordinator gives it to a member, not to a stranger.
    let ananya = app.login(ANANYA, PW).await;
    let version = version_of(&page, &first.id, "assign");
    let (status, _, _) = app
        .send(
            &ananya,
            &format!("/referrals/{}/assign", first.id),
            &[("version", &version), ("member_id", &app.user_id(ANANYA))],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body, _) = app
        .send(
            &sofia,
            &format!("/referrals/{}/assign", first.id),
            &[("version", &version), ("member_id", &lakshmi_id)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Choose a member of the service."));
    let nikhil_id = app.user_id(NIKHIL);
    let (status, _, _) = app
        .send(
            &sofia,
            &format!("/referrals/{}/assign", first.id),
            &[("version", &version), ("member_id", &nikhil_id)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(holder(&app, &first.id), (nikhil_id, Some(service.clone())));
    let nikhil = app.login(NIKHIL, PW).await;
    let (_, notes) = app.get(&nikhil.client, "/notifications").await;
    assert!(
        notes.contains("gave this referral to Dr Nikhil Rao"),
        "{notes}"
    );

    // Forwarded to the other service with a note: its members are told, the queue moves.
    let (_, page) = app
        .get(&sofia.client, &format!("/referrals/{}", second.id))
        .await;
    let version = version_of(&page, &second.id, "forward");
    let heart_failure: String = {
        use handoff::db::schema::{services, users};
        services::table
            .inner_join(users::table.on(users::id.eq(services::id)))
            .filter(users::display_name.eq("Heart failure clinic"))
            .select(services::id)
            .first(&mut *app.conn())
            .unwrap()
    };
    let (status, _, _) = app
        .send(
            &sofia,
            &format!("/referrals/{}/forward", second.id),
            &[
                ("version", &version),
                ("service_id", &heart_failure),
                ("note", "Known cardiomyopathy: yours"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(holder(&app, &second.id), (heart_failure.clone(), None));
    let lakshmi = app.login(LAKSHMI, PW).await;
    let (_, notes) = app.get(&lakshmi.client, "/notifications").await;
    assert!(notes.contains("Known cardiomyopathy: yours"), "{notes}");
    let (status, _) = app
        .get(&sofia.client, &format!("/referrals/{}", second.id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "it left her service");
    let (_, queue) = app
        .get(&lakshmi.client, &format!("/inbox?queue={heart_failure}"))
        .await;
    assert!(queue.contains(&second.id));
    // The patient agreed to share with the cardiology service, not with this one.
    let (status, page) = app
        .get(&lakshmi.client, &format!("/referrals/{}", second.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("Chest tightness"), "{page}");

    // Every move is audited, and the counters moved with the referral.
    use handoff::db::schema::audit_events as a;
    let moves: i64 = a::table
        .filter(a::action.eq("referral_queue_move"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(moves, 2);
    let kept = crate::analytics::rebuildable_counters(&app);
    diesel::delete(handoff::db::schema::referral_stats::table)
        .execute(&mut *app.conn())
        .unwrap();
    handoff::services::analytics::backfill_if_needed(&app.svc).unwrap();
    assert_eq!(crate::analytics::rebuildable_counters(&app), kept);
    crate::clinic_rollup::assert_rollup_equals_the_pair_counters(&app);
}

#[tokio::test]
async fn the_coordinator_asks_to_see_the_patient_first_and_the_team_sees_who_took_what() {
    let app = TestApp::spawn().await;
    let (service, service_email) = cardiology(&app);
    // Dr Nikhil Rao runs a practice in the scheduling portal: the patient books with him.
    let nikhil = app.login(NIKHIL, PW).await;
    let mut hours = vec![
        ("location", "Room 4"),
        ("visit_minutes", "30"),
        ("time_zone", "Asia/Kolkata"),
        ("days_off", ""),
    ];
    for day in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
        hours.push((day, "09:00-17:00"));
    }
    let (status, _, _) = app.send(&nikhil, "/practice", &hours).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let gp = app.login(GP, PW).await;
    let r = app
        .referral()
        .by(&gp)
        .to(&service_email)
        .reason("Exertional chest pain")
        .in_state(State::Sent)
        .await;

    // A member may not triage; the coordinator asks to see the patient first, from the queue.
    let ananya = app.login(ANANYA, PW).await;
    let (_, page) = app
        .get(&ananya.client, &format!("/referrals/{}", r.id))
        .await;
    assert!(!page.contains(&format!("/referrals/{}/require_visit", r.id)));
    let sofia = app.login(SOFIA, PW).await;
    let (_, page) = app
        .get(&sofia.client, &format!("/referrals/{}", r.id))
        .await;
    let version = version_of(&page, &r.id, "require_visit");
    let (status, body, _) = app
        .send(
            &sofia,
            &format!("/referrals/{}/require_visit", r.id),
            &[("version", &version), ("note", "An echo before we decide")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(holder(&app, &r.id), (service.clone(), None), "still queued");
    let patient = app.login(PATIENT_A, PW).await;
    let (_, rpage) = app
        .get(&patient.client, &format!("/referrals/{}", r.id))
        .await;
    assert!(
        rpage.contains("The specialist wants to see you first: An echo before we decide"),
        "{rpage}"
    );
    assert!(
        !rpage.contains("?referral=") && !rpage.contains("Please book your visit by"),
        "nobody to book with until a member takes it"
    );
    assert!(
        rpage.contains("Cardiology service, Northgate would like to see you first"),
        "{rpage}"
    );
    let (_, threads) = app.get(&patient.client, "/threads").await;
    assert!(
        !threads.contains("Cardiology service, Northgate"),
        "no thread with a service: nobody would read it"
    );
    let (_, notes) = app.get(&patient.client, "/notifications").await;
    assert!(
        notes.contains("would like to see you before deciding"),
        "{notes}"
    );
    assert!(
        !notes.contains("Please book a visit"),
        "nobody to book with: {notes}"
    );
    let due = |app: &TestApp| -> Option<chrono::NaiveDateTime> {
        use handoff::db::schema::referral_moves as t;
        t::table
            .find(&r.id)
            .select(t::due_at)
            .first(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(
        due(&app),
        None,
        "nobody's turn to book while it waits in the queue"
    );

    // The coordinator gives it to Dr Nikhil Rao: the patient now books with his practice.
    let (_, page) = app
        .get(&sofia.client, &format!("/referrals/{}", r.id))
        .await;
    let version = version_of(&page, &r.id, "assign");
    let nikhil_id = app.user_id(NIKHIL);
    let (status, _, _) = app
        .send(
            &sofia,
            &format!("/referrals/{}/assign", r.id),
            &[("version", &version), ("member_id", &nikhil_id)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, rpage) = app
        .get(&patient.client, &format!("/referrals/{}", r.id))
        .await;
    assert!(
        rpage.contains(&format!("/practitioners/{nikhil_id}?referral={}", r.id)),
        "the booking button, with the member who took it: {rpage}"
    );
    assert!(rpage.contains("Please book your visit by"), "{rpage}");
    let (_, threads) = app.get(&patient.client, "/threads").await;
    assert!(threads.contains("Dr Nikhil Rao"), "{threads}");
    let card: String = {
        use handoff::db::schema::messages as m;
        m::table
            .filter(m::referral_id.eq(&r.id))
            .filter(m::author_id.eq(&nikhil_id))
            .filter(m::card.eq("visit_required"))
            .select(m::body)
            .first(&mut *app.conn())
            .unwrap()
    };
    assert!(
        card.contains("I would like to see you") && card.contains("An echo before we decide"),
        "the coordinator's note, in his card: {card}"
    );
    let (_, notes) = app.get(&patient.client, "/notifications").await;
    assert!(notes.contains("Please book a visit"), "{notes}");
    assert!(due(&app).is_some(), "the patient's clock to book starts");

    // "My services": the other member sees who has it, and cannot open it; he can.
    let taken = format!("/queues/{service}/taken");
    let (_, inbox) = app.get(&ananya.client, "/inbox").await;
    assert!(inbox.contains(&format!("href=\"{taken}\"")), "the tab");
    let (status, page) = app.get(&ananya.client, &taken).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Exertional chest pain") && page.contains("Dr Nikhil Rao"),
        "{page}"
    );
    assert!(page.contains("Visit required"), "where it stands: {page}");
    assert!(!page.contains(&format!("/referrals/{}", r.id)), "no link");
    let (status, _) = app
        .get(&ananya.client, &format!("/referrals/{}", r.id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a colleague's referral");
    let (_, page) = app.get(&nikhil.client, &taken).await;
    assert!(
        page.contains(&format!("href=\"/referrals/{}\"", r.id)),
        "{page}"
    );
    // Nobody outside the service sees it.
    let (status, _) = app.get(&gp.client, &taken).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let anita = app.login("anita.rao@lakeside.example", PW).await;
    let (status, _) = app.get(&anita.client, &taken).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn what_the_service_gave_out_pages_through_every_referral_newest_first() {
    let app = TestApp::spawn().await;
    let (service, service_email) = cardiology(&app);
    let gp = app.login(GP, PW).await;
    let mut ids = Vec::new();
    for _ in 0..27 {
        ids.push(
            app.referral()
                .by(&gp)
                .to(&service_email)
                .no_sections()
                .in_state(State::Sent)
                .await
                .id,
        );
    }
    // Taken by the two members in turn (as claims leave them), five sent in the same
    // second (ties go by id), and one still waiting in the queue.
    let (ananya, nikhil) = (app.user_id(ANANYA), app.user_id(NIKHIL));
    let base = app.clock_now() - chrono::Duration::days(3);
    {
        use handoff::db::schema::referral_moves as m;
        let mut c = app.conn();
        for (i, id) in ids.iter().enumerate().skip(1) {
            let at = base + chrono::Duration::minutes(if i < 6 { 0 } else { i as i64 });
            diesel::update(m::table.find(id))
                .set((
                    m::receiver_id.eq(if i % 2 == 0 { &ananya } else { &nikhil }),
                    m::service_id.eq(Some(&service)),
                    m::submitted_at.eq(Some(at)),
                ))
                .execute(&mut *c)
                .unwrap();
        }
    }
    let mut expected: Vec<(chrono::NaiveDateTime, String)> = {
        use handoff::db::schema::referral_moves as m;
        m::table
            .filter(m::service_id.eq(&service))
            .select((m::submitted_at.assume_not_null(), m::id))
            .load(&mut *app.conn())
            .unwrap()
    };
    expected.sort_by(|a, b| b.cmp(a));
    let expected: Vec<String> = expected.into_iter().map(|(_, id)| id).collect();
    assert_eq!(expected.len(), 26);

    // Each row names its referral by its link for its holder; Dr Ananya Bose reads her
    // rows as links and Dr Nikhil Rao's as plain rows, so count both by their reason cell.
    let sofia = app.login(SOFIA, PW).await;
    let first = format!("/queues/{service}/taken");
    let (mut seen, mut at) = (0, first.clone());
    let mut pages = 0;
    loop {
        let (status, page) = app.get(&sofia.client, &at).await;
        assert_eq!(status, StatusCode::OK, "{at}");
        let rows = page.matches("<tr>").count() - 1;
        seen += rows;
        pages += 1;
        match page.split_once("\" rel=\"next\"") {
            Some((before, _)) => {
                assert_eq!(rows, 25, "a page before the last is full");
                let href = &before[before.rfind("href=\"").unwrap() + 6..];
                at = href.replace("&amp;", "&").replace("&#38;", "&");
            }
            None => break,
        }
    }
    assert_eq!(
        (seen, pages),
        (26, 2),
        "every taken referral once, not the queued one"
    );
    // Her own rows open; the order is newest sent first, ties by id.
    let ananya_s = app.login(ANANYA, PW).await;
    let (_, page) = app.get(&ananya_s.client, &first).await;
    let links = |page: &str| -> Vec<String> {
        page.split("<a href=\"/referrals/")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .collect()
    };
    let linked = links(&page);
    let hers: Vec<String> = expected
        .iter()
        .take(25)
        .filter(|id| ids.iter().position(|x| x == *id).unwrap() % 2 == 0)
        .cloned()
        .collect();
    assert_eq!(linked, hers, "her rows, in the list's order");
    let (status, garbage) = app
        .get(&ananya_s.client, &format!("{first}?after=1.x'%20OR%201=1"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        links(&garbage),
        linked,
        "a cursor the app did not write is the first page"
    );
}
