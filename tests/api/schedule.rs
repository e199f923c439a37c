use diesel::prelude::*;
use futures::future::join_all;
use reqwest::StatusCode;

use crate::builders::*;
use crate::helpers::*;

const CARDIO: &str = "farah.siddiqui@harbour.example"; // runs a practice (seeded hours)

/// The id of the first visit a referral page offers to mark (`/appointments/{id}/...`).
pub(crate) fn appointment_in(page: &str) -> String {
    page.split("action=\"/appointments/")
        .nth(1)
        .expect("a visit form on the page")
        .split('/')
        .next()
        .unwrap()
        .to_string()
}

pub(crate) fn first_slot(page: &str) -> String {
    let marker = "<option value=\"";
    let i = page.find(marker).expect("a free slot") + marker.len();
    page[i..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_referred_patient_books_from_the_button_and_both_calendars_show_it() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let to = app.user_id(CARDIO);
    let rx = app.login(CARDIO, PW).await;
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
    let (_, rpage) = app.get(&patient.client, &format!("/referrals/{rid}")).await;
    let href = format!("/practitioners/{to}?referral={rid}");
    assert!(
        rpage.contains(&href),
        "the booking button leads to the calendar, tied to the referral"
    );
    let (status, cal) = app.get(&patient.client, &href).await;
    assert_eq!(status, StatusCode::OK);
    let slot = first_slot(&cal);
    let (status, body, loc) = app
        .send(
            &patient,
            &format!("/practitioners/{to}/book"),
            &[("starts_at", &slot), ("referral", &rid)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(loc.as_deref(), Some("/appointments"));
    let (_, mine) = app.get(&patient.client, "/appointments").await;
    assert!(mine.contains("With Dr Farah Siddiqui") && mine.contains("for your referral"));
    let (_, rpage) = app.get(&patient.client, &format!("/referrals/{rid}")).await;
    assert!(rpage.contains("Visit booked for"), "the timeline says so");
    let (_, cal) = app
        .get(&patient.client, &format!("/practitioners/{to}"))
        .await;
    assert!(
        !cal.contains(&format!("value=\"{slot}\"")),
        "the slot is no longer offered"
    );
    let week = &slot[..10];
    let (_, w) = app
        .get(&rx.client, &format!("/appointments?week={week}"))
        .await;
    assert!(
        w.contains("Aarav Sharma"),
        "the practitioner's week shows it"
    );
    // Cancelling frees the slot.
    let cancel = mine
        .split("action=\"/appointments/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let (status, _, _) = app
        .send(&patient, &format!("/appointments/{cancel}"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, cal) = app
        .get(&patient.client, &format!("/practitioners/{to}"))
        .await;
    assert!(cal.contains(&format!("value=\"{slot}\"")), "free again");
}

#[tokio::test]
async fn two_patients_can_never_book_the_same_slot() {
    let app = TestApp::spawn().await;
    let to = app.user_id(CARDIO);
    let mut patients = Vec::new();
    for email in [
        PATIENT_A,
        "neha.shetty@patients.example",
        "diya.menon@patients.example",
        "kiran.mathew@patients.example",
    ] {
        patients.push(app.login(email, PW).await);
    }
    let (_, cal) = app
        .get(&patients[0].client, &format!("/practitioners/{to}"))
        .await;
    let slot = first_slot(&cal);
    let url = app.url(&format!("/practitioners/{to}/book"));
    let mut tries = Vec::new();
    for p in &patients {
        for _ in 0..3 {
            let req = p.client.post(&url).form(&[
                ("csrf_token", p.csrf.as_str()),
                ("starts_at", slot.as_str()),
            ]);
            tries.push(async move { req.send().await.unwrap() });
        }
    }
    let responses = join_all(tries).await;
    let ok = responses
        .iter()
        .filter(|r| r.status() == StatusCode::SEE_OTHER)
        .count();
    let conflicts: Vec<_> = responses
        .into_iter()
        .filter(|r| r.status() == StatusCode::CONFLICT)
        .collect();
    assert_eq!(ok, 1, "exactly one booking");
    assert_eq!(conflicts.len(), 11);
    assert!(
        conflicts
            .into_iter()
            .next()
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("Choose another time")
    );
    use diesel::prelude::*;
    use handoff::db::schema::appointments;
    let live: i64 = appointments::table
        .filter(appointments::status.eq("booked"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(live, 1);
}

#[tokio::test]
async fn practitioners_set_their_hours_and_bad_input_is_shown_by_the_field() {
    let app = TestApp::spawn().await;
    let doc = app.login(GP, PW).await;
    let (status, body, _) = app
        .send(
            &doc,
            "/practice",
            &[
                ("location", "Room 2"),
                ("visit_minutes", "15"),
                ("time_zone", "Asia/Kolkata"),
                ("mon", "9-12"),
                ("days_off", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Write hours like 09:00-13:00") && body.contains("value=\"Room 2\""));
    let (status, _, _) = app
        .send(
            &doc,
            "/practice",
            &[
                ("location", "Room 2"),
                ("visit_minutes", "15"),
                ("time_zone", "Asia/Kolkata"),
                ("tue", "14:00-15:00"),
                ("days_off", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let me = app.user_id(GP);
    let patient = app.login(PATIENT_A, PW).await;
    let (_, cal) = app
        .get(&patient.client, &format!("/practitioners/{me}"))
        .await;
    assert!(
        cal.contains("Tuesday") && cal.contains(">14:45<") && !cal.contains(">15:00<"),
        "15-minute slots within the hours"
    );
    // Patients cannot open the practice form; practitioners cannot book.
    assert_eq!(
        app.get(&patient.client, "/practice").await.0,
        StatusCode::FORBIDDEN
    );
    let slot = first_slot(&cal);
    let (status, _, _) = app
        .send(
            &doc,
            &format!("/practitioners/{me}/book"),
            &[("starts_at", &slot)],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = app
        .send(
            &patient,
            &format!("/practitioners/{me}/book"),
            &[("starts_at", "2020-01-01T09:00")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "not an open slot");
}

#[tokio::test]
async fn a_missed_visit_tells_the_referrer_and_offers_the_patient_a_new_booking() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let to = app.user_id(CARDIO);
    let rx = app.login(CARDIO, PW).await;
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
    // The receiver says what to bring; the patient sees it.
    let brought = app
        .act(
            &rx,
            &rid,
            "bring",
            &[(
                "what_to_bring",
                "Your last ECG and a list of your medicines",
            )],
        )
        .await;
    assert_eq!(brought.status, StatusCode::SEE_OTHER);
    let patient = app.login(PATIENT_A, PW).await;
    assert!(
        app.get(&patient.client, &format!("/referrals/{rid}"))
            .await
            .1
            .contains("Your last ECG and a list of your medicines")
    );
    // The sender's open loops count it.
    let (_, sent) = app.get(&gp.client, "/sent").await;
    assert!(
        sent.contains("under 7 days: <span class=\"count\">1</span>"),
        "open loops by age"
    );

    let (_, cal) = app
        .get(
            &patient.client,
            &format!("/practitioners/{to}?referral={rid}"),
        )
        .await;
    let slot = first_slot(&cal);
    app.send(
        &patient,
        &format!("/practitioners/{to}/book"),
        &[("starts_at", &slot), ("referral", &rid)],
    )
    .await;
    let (_, page) = app.get(&rx.client, &format!("/referrals/{rid}")).await;
    assert!(!page.contains("Did not come"), "not before the visit time");
    app.clock.set(
        chrono::NaiveDateTime::parse_from_str(&slot, "%Y-%m-%dT%H:%M").unwrap()
            + chrono::Duration::minutes(30),
    );
    let rx = app.login(CARDIO, PW).await;
    let (_, page) = app.get(&rx.client, &format!("/referrals/{rid}")).await;
    let appt = appointment_in(&page);
    let (status, _, loc) = app
        .send(&rx, &format!("/appointments/{appt}/no_show"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(loc.unwrap(), format!("/referrals/{rid}"));
    let gp = app.login(GP, PW).await;
    assert!(
        app.get(&gp.client, "/notifications")
            .await
            .1
            .contains("did not come to the visit")
    );
    let patient = app.login(PATIENT_A, PW).await;
    let (_, page) = app.get(&patient.client, &format!("/referrals/{rid}")).await;
    assert!(page.contains("Missed the visit") && page.contains("Book another time"));
    let (status, _, _) = app
        .send(&rx, &format!("/appointments/{appt}/attended"), &[])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "marked once");
}

#[tokio::test]
async fn a_patient_reschedules_and_keeps_exactly_one_booking() {
    let app = TestApp::spawn().await;
    let to = app.user_id(CARDIO);
    let patient = app.login(PATIENT_A, PW).await;
    let (_, cal) = app
        .get(&patient.client, &format!("/practitioners/{to}"))
        .await;
    let slots: Vec<String> = cal
        .split("<option value=\"")
        .skip(1)
        .take(2)
        .map(|p| p.split('"').next().unwrap().to_string())
        .collect();
    app.send(
        &patient,
        &format!("/practitioners/{to}/book"),
        &[("starts_at", &slots[0])],
    )
    .await;
    let (_, mine) = app.get(&patient.client, "/appointments").await;
    let old = mine
        .split("?reschedule=")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let (_, cal) = app
        .get(
            &patient.client,
            &format!("/practitioners/{to}?reschedule={old}"),
        )
        .await;
    assert!(
        cal.contains("Choose the new time")
            && cal.contains(&format!("name=\"reschedule\" value=\"{old}\""))
    );
    let (status, _, _) = app
        .send(
            &patient,
            &format!("/practitioners/{to}/book"),
            &[("starts_at", &slots[1]), ("reschedule", &old)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    use diesel::prelude::*;
    use handoff::db::schema::appointments;
    let booked: Vec<chrono::NaiveDateTime> = appointments::table
        .filter(appointments::status.eq("booked"))
        .select(appointments::starts_at)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(booked.len(), 1);
    // The calendar offers the practice's wall clock (Asia/Kolkata, UTC+05:30); the visit
    // is kept in UTC.
    let kolkata = booked[0] + chrono::Duration::minutes(330);
    assert_eq!(kolkata.format("%Y-%m-%dT%H:%M").to_string(), slots[1]);
    let (_, cal) = app
        .get(&patient.client, &format!("/practitioners/{to}"))
        .await;
    assert!(
        cal.contains(&format!("value=\"{}\"", slots[0])),
        "the old slot is free again"
    );
    // The practitioner's day view shows the visit.
    let rx = app.login(CARDIO, PW).await;
    let (_, day) = app
        .get(
            &rx.client,
            &format!("/appointments?day={}", &slots[1][..10]),
        )
        .await;
    assert!(day.contains("Aarav Sharma"));
}

#[tokio::test]
async fn a_visit_that_has_begun_cannot_be_cancelled_by_the_patient() {
    let app = TestApp::spawn().await;
    let to = app.user_id(CARDIO);
    let rid = app
        .referral()
        .to(CARDIO)
        .no_sections()
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
    let slot = first_slot(&cal);
    let (status, body, _) = app
        .send(
            &patient,
            &format!("/practitioners/{to}/book"),
            &[("starts_at", &slot), ("referral", &rid)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let appt: String = {
        use handoff::db::schema::appointments;
        appointments::table
            .filter(appointments::referral_id.eq(&rid))
            .select(appointments::id)
            .first(&mut *app.conn())
            .unwrap()
    };
    let cancel = format!("/appointments/{appt}/cancel");
    let (_, mine) = app.get(&patient.client, "/appointments").await;
    assert!(mine.contains(&cancel), "a future visit can be cancelled");

    app.clock.set(
        chrono::NaiveDateTime::parse_from_str(&slot, "%Y-%m-%dT%H:%M").unwrap()
            + chrono::Duration::minutes(10),
    );
    let patient = app.login(PATIENT_A, PW).await;
    let (_, mine) = app.get(&patient.client, "/appointments").await;
    assert!(
        !mine.contains(&cancel),
        "no Cancel once the visit has begun"
    );
    let (status, body, _) = app.send(&patient, &cancel, &[]).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the service agrees with the page"
    );
    assert!(body.contains("already begun"), "{body}");
    // Nor can it be moved: rescheduling releases the old visit, so the same rule holds.
    let (_, cal) = app
        .get(&patient.client, &format!("/practitioners/{to}"))
        .await;
    let later = first_slot(&cal);
    let (status, body, _) = app
        .send(
            &patient,
            &format!("/practitioners/{to}/book"),
            &[("starts_at", &later), ("reschedule", &appt)],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("already begun"), "{body}");
    let still: String = {
        use handoff::db::schema::appointments;
        appointments::table
            .find(&appt)
            .select(appointments::status)
            .first(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(
        still, "booked",
        "the visit is still there for the practice to mark"
    );
}
