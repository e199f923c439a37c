//! Patients without a portal account: the e-mail with their personal link (in their
//! language), approving through it, booking, moving and cancelling the visit with calendar
//! entries a real iCalendar parser reads, exactly one reminder, and a link that shows
//! nothing once withdrawn or expired and never anything of another referral.

use chrono::Duration;
use diesel::prelude::*;
use icalendar::{Calendar, CalendarComponent, Component};
use mail_parser::MimeHeaders;
use reqwest::StatusCode;

use crate::builders::*;
use crate::external::{mail_settings, text_of};
use crate::helpers::*;

const FARAH: &str = OTHER_CLINIC_DOC;
/// A Harbour specialist with a practice: Harbour asks patients to approve referrals.
const MEERA: &str = "meera.iyer@harbour.example";
const NEHA: &str = "neha.rao@example.org";

/// Farah registers a Harbour patient with an e-mail, no portal account, in `language`.
pub(crate) async fn register(
    app: &TestApp,
    farah: &Session,
    email: &str,
    language: &str,
) -> String {
    let (status, body, _) = app
        .send(
            farah,
            "/patients",
            &[
                ("given_name", "Neha"),
                ("family_name", "Rao"),
                ("date_of_birth", "1980-03-04"),
                ("sex", "female"),
                ("mrn", &format!("HH-{}", &email[..4])),
                ("email", email),
                ("language", language),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    app.patient_id("Neha Rao")
}

/// The mails to `to`, oldest first, as (subject, body, raw).
pub(crate) fn mails_to(app: &TestApp, to: &str) -> Vec<(String, String, Vec<u8>)> {
    read_mail_dir(&app.settings.data_dir.join("mail-out"))
        .into_iter()
        .filter_map(|raw| {
            let (rcpt, subject, body) = {
                let m = mail_parser::MessageParser::default().parse(&raw[..])?;
                let rcpt = m.to()?.first()?.address()?.to_string();
                (
                    rcpt,
                    m.subject().unwrap_or_default().to_string(),
                    text_of(&raw).2,
                )
            };
            (rcpt == to).then_some((subject, body, raw))
        })
        .collect()
}

pub(crate) fn token_in(body: &str) -> String {
    let at = body.find("/p/").expect("a patient link in the mail") + 3;
    body[at..at + 64].to_string()
}

/// The calendar attachment of a raw mail, parsed by the `icalendar` crate.
fn calendar_of(raw: &[u8]) -> Calendar {
    let m = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("a mail");
    let part = m
        .attachments()
        .find(|a| a.is_content_type("text", "calendar"))
        .expect("a text/calendar attachment");
    let text = String::from_utf8(part.contents().to_vec()).unwrap();
    text.parse::<Calendar>()
        .expect("RFC 5545 that a parser reads")
}

fn event_of(cal: &Calendar) -> &icalendar::Event {
    cal.components
        .iter()
        .find_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .expect("a VEVENT")
}

fn first_slot_in(page: &str) -> String {
    let marker = "<option value=\"";
    let at = page.find(marker).expect("a free slot") + marker.len();
    page[at..].split('"').next().unwrap().to_string()
}

fn nth_slot_in(page: &str, n: usize) -> String {
    page.split("<option value=\"")
        .nth(n + 1)
        .expect("enough free slots")
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

fn count_reminders(app: &TestApp, status: &str) -> i64 {
    use handoff::db::schema::outbox;
    outbox::table
        .filter(outbox::kind.eq("visit_reminder"))
        .filter(outbox::status.eq(status))
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

/// A patient without an account (English) approved, through her link, a referral from
/// Farah to Meera: the parties, the referral, her link's token and her browser.
struct Approved {
    app: TestApp,
    farah: Session,
    meera: Session,
    id: String,
    token: String,
    c: reqwest::Client,
}

async fn approved_through_the_link() -> Approved {
    let app = TestApp::spawn_with(|s| mail_settings(s, None)).await;
    let farah = app.login(FARAH, PW).await;
    let pid = register(&app, &farah, NEHA, "").await;
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
    let (_, body, _) = eventually("the e-mail", || mails_to(&app, NEHA).into_iter().next()).await;
    let token = token_in(&body);
    let c = app.client();
    let (_, page) = app.get(&c, &format!("/p/{token}")).await;
    assert!(page.contains("<html lang=\"en\">"));
    app.act_on_page(&c, &page, &format!("/p/{token}/approve"), &[])
        .await
        .ok("approve");
    Approved {
        app,
        farah,
        meera,
        id,
        token,
        c,
    }
}

#[tokio::test]
async fn a_patient_without_an_account_approves_books_moves_and_is_reminded_once() {
    let app = TestApp::spawn_with(|s| mail_settings(s, None)).await;
    let farah = app.login(FARAH, PW).await;
    let pid = register(&app, &farah, NEHA, "hi").await;
    let id = app
        .referral()
        .by(&farah)
        .patient_id(&pid)
        .to(MEERA)
        .reason("Thyroid nodule seen on ultrasound")
        .in_state(State::AwaitingPatient)
        .await
        .id;

    // The approval request reaches her in Hindi, with her personal link.
    let (subject, body, _) = eventually("the approval e-mail", || {
        mails_to(&app, NEHA).into_iter().next()
    })
    .await;
    assert!(subject.contains("मंज़ूरी"), "{subject}");
    assert!(body.contains("प्रिय Neha Rao"), "{body}");
    let token = token_in(&body);
    let c = app.client();
    let (status, page) = app.get(&c, &format!("/p/{token}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<html lang=\"hi\">"));
    assert!(page.contains("Thyroid nodule seen on ultrasound"));

    // Approving through the link is her own consent, recorded as such.
    let posted = app
        .act_on_page(&c, &page, &format!("/p/{token}/approve"), &[])
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, &id), "sent");
    {
        use handoff::db::schema::consents;
        let (method, by): (String, Option<String>) = consents::table
            .filter(consents::referral_id.eq(&id))
            .select((consents::method, consents::recorded_by))
            .first(&mut *app.conn())
            .unwrap();
        assert_eq!((method.as_str(), by), ("link", None));
    }

    // Accepted: she is asked to book, through the same link.
    let meera = app.login(MEERA, PW).await;
    app.act(&meera, &id, "accept", &[]).await.ok("accept");
    eventually("the booking e-mail", || {
        (mails_to(&app, NEHA).len() >= 2).then_some(())
    })
    .await;
    assert_eq!(
        token_in(&mails_to(&app, NEHA)[1].1),
        token,
        "one live link per referral"
    );

    let (_, page) = app.get(&c, &format!("/p/{token}")).await;
    assert!(
        page.contains("Asia/Kolkata"),
        "times are labelled with the zone"
    );
    // Some days ahead, so that the reminder the day before is still to come.
    let slot = nth_slot_in(&page, 30);
    let (status, _, _) = app
        .post(
            &c,
            &format!("/p/{token}/book"),
            &[("csrf_token", &csrf_of(&page)), ("starts_at", &slot)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let booked = eventually("the booking confirmation", || {
        mails_to(&app, NEHA)
            .into_iter()
            .find(|(s, _, _)| s.contains("मुलाक़ात:"))
    })
    .await;
    let cal = calendar_of(&booked.2);
    assert_eq!(cal.property_value("METHOD"), Some("REQUEST"));
    let ev = event_of(&cal);
    let uid = ev.get_uid().unwrap().to_string();
    assert_eq!(ev.property_value("SEQUENCE"), Some("0"));
    let start = ev.properties().get("DTSTART").unwrap();
    assert_eq!(
        start.params().get("TZID").map(|p| p.value()),
        Some("Asia/Kolkata")
    );
    // The slot offered was the practice's wall clock, and so is the entry.
    assert_eq!(
        start.value(),
        slot.replace(['-', ':'], "") + "00",
        "DTSTART is the slot as offered"
    );
    assert_eq!(count_reminders(&app, "queued"), 1);
    {
        // The link opens until the visit is over, even past its usual 30 days.
        use handoff::db::schema::{appointments, patient_links};
        let ends: chrono::NaiveDateTime = appointments::table
            .filter(appointments::status.eq("booked"))
            .select(appointments::ends_at)
            .first(&mut *app.conn())
            .unwrap();
        let until: chrono::NaiveDateTime = patient_links::table
            .select(patient_links::expires_at)
            .first(&mut *app.conn())
            .unwrap();
        assert!(
            until >= ends,
            "the link runs out at {until}, the visit ends at {ends}"
        );
    }

    // She moves it: same calendar entry, next sequence; the old reminder is gone.
    let (_, page) = app.get(&c, &format!("/p/{token}")).await;
    let marker = "?reschedule=";
    let at = page.find(marker).expect("a move link") + marker.len();
    let old = page[at..].split('#').next().unwrap().to_string();
    let (_, page) = app.get(&c, &format!("/p/{token}?reschedule={old}")).await;
    let new_slot = nth_slot_in(&page, 40);
    let (status, _, _) = app
        .post(
            &c,
            &format!("/p/{token}/book"),
            &[
                ("csrf_token", &csrf_of(&page)),
                ("starts_at", &new_slot),
                ("reschedule", &old),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let moved = eventually("the move", || {
        mails_to(&app, NEHA)
            .into_iter()
            .find(|(s, _, _)| s.contains("समय बदल गया"))
    })
    .await;
    let cal = calendar_of(&moved.2);
    let ev = event_of(&cal);
    assert_eq!(ev.get_uid(), Some(uid.as_str()));
    assert_eq!(ev.property_value("SEQUENCE"), Some("1"));
    assert_eq!(
        count_reminders(&app, "queued"),
        1,
        "one reminder, for the new time"
    );

    // The day before, the reminder goes out once, however often the worker runs.
    use handoff::db::schema::appointments;
    let starts: chrono::NaiveDateTime = appointments::table
        .filter(appointments::status.eq("booked"))
        .select(appointments::starts_at)
        .first(&mut *app.conn())
        .unwrap();
    app.clock.set(starts - Duration::hours(23));
    for _ in 0..3 {
        handoff::services::mail::send_due(&app.svc.pool, &app.svc.clock, &app.svc.mail).unwrap();
    }
    assert_eq!(count_reminders(&app, "sent"), 1);
    assert_eq!(count_reminders(&app, "queued"), 0);
    let reminders: Vec<_> = mails_to(&app, NEHA)
        .into_iter()
        .filter(|(s, _, _)| s.contains("याद दिलाना"))
        .collect();
    assert_eq!(reminders.len(), 1);
    assert!(
        reminders[0].1.contains(&format!("/p/{token}")),
        "the reminder says where to cancel"
    );

    // Who viewed it: the specialist's opening of the referral is listed.
    let (_, page) = app.get(&c, &format!("/p/{token}")).await;
    assert!(
        page.contains("Meera Iyer"),
        "the access list names who looked"
    );
}

#[tokio::test]
async fn a_cancelled_visit_sends_a_cancellation_and_no_reminder() {
    let Approved {
        app,
        farah: _,
        meera,
        id,
        token,
        c,
    } = approved_through_the_link().await;
    app.act(&meera, &id, "accept", &[]).await.ok("accept");
    let (_, page) = app.get(&c, &format!("/p/{token}")).await;
    let slot = first_slot_in(&page);
    app.post(
        &c,
        &format!("/p/{token}/book"),
        &[("csrf_token", &csrf_of(&page)), ("starts_at", &slot)],
    )
    .await;
    let (_, page) = app.get(&c, &format!("/p/{token}")).await;
    let marker = format!("/p/{token}/appointments/");
    let at = page.find(&marker).expect("a cancel form") + marker.len();
    let appt = page[at..].split('/').next().unwrap().to_string();
    let (status, _, _) = app
        .post(
            &c,
            &format!("/p/{token}/appointments/{appt}/cancel"),
            &[("csrf_token", &csrf_of(&page))],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cancel = eventually("the cancellation", || {
        mails_to(&app, NEHA)
            .into_iter()
            .find(|(s, _, _)| s.contains("cancelled"))
    })
    .await;
    let cal = calendar_of(&cancel.2);
    assert_eq!(cal.property_value("METHOD"), Some("CANCEL"));
    assert_eq!(event_of(&cal).property_value("STATUS"), Some("CANCELLED"));
    assert_eq!(count_reminders(&app, "queued"), 0);
}

#[tokio::test]
async fn a_withdrawn_or_expired_patient_link_shows_nothing() {
    let app = TestApp::spawn_with(|s| mail_settings(s, None)).await;
    let farah = app.login(FARAH, PW).await;
    let pid = register(&app, &farah, NEHA, "mr").await;
    let id = app
        .referral()
        .by(&farah)
        .patient_id(&pid)
        .to(MEERA)
        .reason("Goitre SECRETREASON")
        .in_state(State::AwaitingPatient)
        .await
        .id;
    let (subject, body, _) =
        eventually("the e-mail", || mails_to(&app, NEHA).into_iter().next()).await;
    assert!(subject.contains("मान्यता"), "Marathi: {subject}");
    let token = token_in(&body);
    let c = app.client();
    let (status, open) = app.get(&c, &format!("/p/{token}")).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_of(&open);

    // The referrer withdraws it: nothing of the referral shows any more.
    let (_, page) = app.get(&farah.client, &format!("/referrals/{id}")).await;
    assert!(page.contains(&format!("/referrals/{id}/patient-link/withdraw")));
    let (status, _, _) = app
        .send(
            &farah,
            &format!("/referrals/{id}/patient-link/withdraw"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, page) = app.get(&c, &format!("/p/{token}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!page.contains("SECRETREASON") && !page.contains("Neha"));
    let (status, _, _) = app
        .post(&c, &format!("/p/{token}/approve"), &[("csrf_token", &csrf)])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(status_of(&app, &id), "awaiting_patient");

    // A new link works; it runs out after the configured days.
    let (status, _, _) = app
        .send(&farah, &format!("/referrals/{id}/patient-link/send"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let fresh = eventually("the new link", || {
        mails_to(&app, NEHA).get(1).map(|(_, b, _)| token_in(b))
    })
    .await;
    assert_ne!(fresh, token);
    assert_eq!(app.get(&c, &format!("/p/{fresh}")).await.0, StatusCode::OK);
    app.clock
        .advance(Duration::days(app.settings.mail.link_days + 1));
    let (status, page) = app.get(&c, &format!("/p/{fresh}")).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(!page.contains("SECRETREASON"));
    // Every use and refusal is in the audit log.
    use handoff::db::schema::audit_events;
    let refused: i64 = audit_events::table
        .filter(audit_events::action.eq("patient_link_refused"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert!(refused >= 3, "{refused}");
}

#[tokio::test]
async fn the_patient_link_never_reveals_another_referral() {
    let app = TestApp::spawn_with(|s| mail_settings(s, None)).await;
    let farah = app.login(FARAH, PW).await;
    let pid = register(&app, &farah, NEHA, "").await;
    let first = app
        .referral()
        .by(&farah)
        .patient_id(&pid)
        .to(MEERA)
        .reason("FIRSTREASON")
        .doctor_only()
        .section("complaint", "Palpitations SNAPSHOTSECRET")
        .in_state(State::AwaitingPatient)
        .await
        .id;
    let second = app
        .referral()
        .by(&farah)
        .patient_id(&pid)
        .to("kabir.shah@harbour.example")
        .reason("SECONDREASON")
        .in_state(State::AwaitingPatient)
        .await
        .id;
    let mails = eventually("both e-mails", || {
        let m = mails_to(&app, NEHA);
        (m.len() >= 2).then_some(m)
    })
    .await;
    let tokens: Vec<String> = mails.iter().map(|(_, b, _)| token_in(b)).collect();
    assert_ne!(tokens[0], tokens[1], "one link per referral");
    let c = app.client();
    for (token, own, other) in [
        (&tokens[0], "FIRSTREASON", "SECONDREASON"),
        (&tokens[1], "SECONDREASON", "FIRSTREASON"),
    ] {
        let (status, page) = app.get(&c, &format!("/p/{token}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(own) && !page.contains(other));
        assert!(
            !page.contains("SNAPSHOTSECRET"),
            "doctor-only: no snapshot on the link"
        );
        assert!(!page.contains(&second) || own == "SECONDREASON");
    }
    // Nothing else opens with a patient link: not the portal, not the referral page, not
    // the other referral's commands.
    let (_, page) = app.get(&c, &format!("/p/{}", tokens[0])).await;
    let csrf = csrf_of(&page);
    let (status, _, _) = app
        .post(
            &c,
            &format!("/referrals/{second}/approve"),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_ne!(status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, &second), "awaiting_patient");
    assert_eq!(status_of(&app, &first), "awaiting_patient");
    let (status, _) = app.get(&c, "/portal").await;
    assert_ne!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_withdrawn_link_is_not_replaced_behind_the_referrers_back() {
    let Approved {
        app,
        farah,
        meera,
        id,
        token,
        c,
    } = approved_through_the_link().await;
    // The referrer learns the address is a relative's and withdraws the link.
    let (status, _, _) = app
        .send(
            &farah,
            &format!("/referrals/{id}/patient-link/withdraw"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let before = mails_to(&app, NEHA).len();
    // The receiver accepts: no new link goes to that address until the referrer sends one.
    app.act(&meera, &id, "accept", &[]).await.ok("accept");
    handoff::services::mail::send_due(&app.svc.pool, &app.svc.clock, &app.svc.mail).unwrap();
    assert_eq!(mails_to(&app, NEHA).len(), before);
    use handoff::db::schema::patient_links;
    let live: i64 = patient_links::table
        .filter(patient_links::revoked_at.is_null())
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(live, 0);
    assert_eq!(
        app.get(&c, &format!("/p/{token}")).await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_cancelled_referral_takes_its_booked_visit_out_of_the_calendar() {
    let Approved {
        app,
        farah,
        meera,
        id,
        token,
        c,
    } = approved_through_the_link().await;
    app.act(&meera, &id, "accept", &[]).await.ok("accept");
    let (_, page) = app.get(&c, &format!("/p/{token}")).await;
    let slot = nth_slot_in(&page, 30);
    app.post(
        &c,
        &format!("/p/{token}/book"),
        &[("csrf_token", &csrf_of(&page)), ("starts_at", &slot)],
    )
    .await;
    assert_eq!(count_reminders(&app, "queued"), 1);
    app.act(&farah, &id, "cancel", &[("note", "Seen elsewhere")])
        .await
        .ok("cancel");
    use handoff::db::schema::appointments;
    let live: i64 = appointments::table
        .filter(appointments::status.eq("booked"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(live, 0, "the slot is free again");
    assert_eq!(count_reminders(&app, "queued"), 0);
    let cancel = eventually("the calendar cancellation", || {
        mails_to(&app, NEHA)
            .into_iter()
            .find(|(s, _, _)| s.contains("is cancelled"))
    })
    .await;
    assert_eq!(
        calendar_of(&cancel.2).property_value("METHOD"),
        Some("CANCEL")
    );
}

#[tokio::test]
async fn a_patient_without_an_account_is_reminded_by_mail_with_the_same_link_once_per_stage() {
    use handoff::db::schema::{outbox, referral_moves};
    // The test runs the clock and the outbox itself: no background run between its steps.
    let app = TestApp::spawn_without_jobs_with(|s| mail_settings(s, None)).await;
    let clock: handoff::clock::SharedClock = std::sync::Arc::new(app.clock.clone());
    let farah = app.login(FARAH, PW).await;
    let pid = register(&app, &farah, NEHA, "").await;
    let id = app
        .referral()
        .by(&farah)
        .patient_id(&pid)
        .to(MEERA)
        .in_state(State::AwaitingPatient)
        .await
        .id;
    let due: chrono::NaiveDateTime = referral_moves::table
        .find(&id)
        .select(referral_moves::due_at)
        .first::<Option<chrono::NaiveDateTime>>(&mut *app.conn())
        .unwrap()
        .expect("the approval is due");
    let queued = || -> i64 {
        outbox::table
            .filter(outbox::to_addr.eq(NEHA))
            .filter(outbox::kind.eq("patient_link"))
            .count()
            .get_result(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(queued(), 1, "the approval request");
    // A day before, twice; at the due time, twice: one reminder each.
    for at in [
        due - Duration::hours(20),
        due - Duration::hours(2),
        due + Duration::minutes(1),
        due + Duration::hours(3),
    ] {
        app.clock.set(at);
        handoff::services::clock::run(&app.svc.pool, &app.svc.mail, at).unwrap();
    }
    assert_eq!(queued(), 3, "the request and two reminders");
    handoff::services::mail::send_due(&app.svc.pool, &clock, &app.svc.mail).unwrap();
    let mails = mails_to(&app, NEHA);
    assert_eq!(mails.len(), 3, "three e-mails written");
    let tokens: Vec<String> = mails.iter().map(|(_, body, _)| token_in(body)).collect();
    assert!(
        tokens.iter().all(|t| *t == tokens[0]),
        "the reminders carry the same live link"
    );
}
