//! Keyset pages (issue 18): the thread list, notifications, the admin's audit log, the
//! patient's "who viewed my data" and the patient's appointments each show a page at a
//! time. Following the "next page" links from the first page to the last shows every row
//! exactly once, in the list's order (ties on the sort key broken by id); filters stay in
//! the links; a cursor the app did not write is the first page, not an error.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use handoff::db::audit::AuditRow;
use handoff::db::patients::Patient;
use handoff::db::schedule::Appointment;
use handoff::db::threads::Thread;
use handoff::db::{self, DbConn};
use handoff::domain::schedule::VisitStatus;
use reqwest::StatusCode;

use crate::builders::*;
use crate::external::mail_settings;
use crate::helpers::*;
use crate::patient_link::{mails_to, register, token_in};

/// The link a page's `rel="next"` anchor carries, unescaped.
fn next_link(page: &str) -> Option<String> {
    let end = page.find("\" rel=\"next\"")?;
    let start = page[..end].rfind("href=\"")? + "href=\"".len();
    Some(page[start..end].replace("&#38;", "&").replace("&amp;", "&"))
}

/// The part of `page` from the first `start` to the next `end` after it (empty if none).
fn part<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    page.split_once(start)
        .and_then(|(_, rest)| rest.split(end).next())
        .unwrap_or("")
}

/// Every `prefix<value>suffix` in `page`, in order.
fn all_between(page: &str, prefix: &str, suffix: char) -> Vec<String> {
    page.split(prefix)
        .skip(1)
        .map(|s| s.split(suffix).next().unwrap().to_string())
        .collect()
}

/// Follows the list's "next page" links from `first` to the last page: the rows of all its
/// pages as `rows_of` reads them, and the links followed. Every page but the last is full.
///
/// The tests sign in after making their rows: a connection left idle past the server's
/// keep-alive (a slow insert on a busy PostgreSQL) may be closed just as a request goes out.
async fn walk(
    app: &TestApp,
    c: &reqwest::Client,
    first: &str,
    size: usize,
    rows_of: impl Fn(&str) -> Vec<String>,
) -> (Vec<String>, Vec<String>) {
    let (mut rows, mut links) = (Vec::new(), Vec::new());
    let mut at = first.to_string();
    for _ in 0..100 {
        let (status, page) = app.get(c, &at).await;
        assert_eq!(status, StatusCode::OK, "{at}");
        let these = rows_of(&page);
        assert!(these.len() <= size, "{at}: {} rows", these.len());
        rows.extend(these.iter().cloned());
        match next_link(&page) {
            Some(next) => {
                assert_eq!(these.len(), size, "{at}: a page before the last is full");
                assert!(!links.contains(&next), "{next} again");
                links.push(next.clone());
                at = next;
            }
            None => return (rows, links),
        }
    }
    panic!("more than 100 pages from {first}");
}

/// The first page, and the page a cursor the app never wrote gives: the same, with 200.
async fn garbage_is_the_first_page(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    param: &str,
    rows_of: impl Fn(&str) -> Vec<String>,
) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let (status, first) = app.get(c, path).await;
    assert_eq!(status, StatusCode::OK);
    for garbage in [
        "garbage",
        "1.x'%20OR%201=1",
        "s-1",
        "99999999999999999999.x",
        "",
    ] {
        let url = format!("{path}{sep}{param}={garbage}");
        let (status, page) = app.get(c, &url).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        assert_eq!(rows_of(&page), rows_of(&first), "{url}");
    }
}

fn t(base: NaiveDateTime, minutes: i64) -> NaiveDateTime {
    base + Duration::minutes(minutes)
}

/// A patient of the clinic `clinic_id` named "Keyset <n>".
fn new_patient(c: &mut DbConn, clinic_id: &str, n: usize, at: NaiveDateTime) -> String {
    let p = Patient {
        id: db::new_id(),
        clinic_id: clinic_id.into(),
        user_id: None,
        mrn: format!("KS-{n:03}"),
        given_name: "Keyset".into(),
        family_name: format!("{n:03}"),
        search_name: format!("keyset {n:03}"),
        date_of_birth: "1980-01-01".into(),
        sex: "female".into(),
        phone: String::new(),
        email: String::new(),
        created_at: at,
        language: String::new(),
    };
    db::patients::insert(c, &p).unwrap();
    p.id
}

#[tokio::test]
async fn notifications_page_through_every_one_newest_first() {
    let app = TestApp::spawn().await;
    let me = app.user_id(GP);
    let base = app.clock_now() - Duration::days(1);
    {
        let mut c = app.conn();
        // 120: more than two pages; every three share a time (the id breaks the tie).
        for i in 0..120 {
            let body = format!("Keyset note {i:03}");
            db::threads::notify(&mut c, &me, None, &body, t(base, i as i64 / 3)).unwrap();
        }
    }
    let mut want: Vec<(NaiveDateTime, String, String)> = {
        use handoff::db::schema::notifications as n;
        n::table
            .filter(n::user_id.eq(&me))
            .select((n::created_at, n::id, n::body))
            .load(&mut *app.conn())
            .unwrap()
    };
    want.sort_by(|a, b| (b.0, &b.1).cmp(&(a.0, &a.1)));
    let want: Vec<String> = want.into_iter().map(|(.., body)| body).collect();
    assert!(want.len() > 100);
    // Each entry's text is its link's.
    let bodies = |page: &str| {
        part(page, "<ul class=\"entries card\">", "</ul>")
            .split("<a href=\"")
            .skip(1)
            .map(|a| part(a, "\">", "</a>").to_string())
            .collect::<Vec<_>>()
    };
    let gp = app.login(GP, PW).await;
    let (got, links) = walk(&app, &gp.client, "/notifications", 50, bodies).await;
    assert_eq!(got, want);
    assert_eq!(links.len(), want.len().div_ceil(50) - 1);
    garbage_is_the_first_page(&app, &gp.client, "/notifications", "after", bodies).await;
}

#[tokio::test]
async fn a_notifications_page_marks_read_only_what_it_shows() {
    let app = TestApp::spawn().await;
    let me = app.user_id(GP);
    let base = app.clock_now() - Duration::days(1);
    {
        let mut c = app.conn();
        for i in 0..60 {
            let body = format!("Unread note {i:03}");
            db::threads::notify(&mut c, &me, None, &body, t(base, i)).unwrap();
        }
    }
    let unread = || {
        use handoff::db::schema::notifications as n;
        let left: Vec<String> = n::table
            .filter(n::user_id.eq(&me))
            .filter(n::read_at.is_null())
            .select(n::body)
            .order(n::body.asc())
            .load(&mut *app.conn())
            .unwrap();
        left
    };
    let gp = app.login(GP, PW).await;
    let first = app
        .page_with(&gp.client, "/notifications", "Notifications")
        .await;
    // The newest 50 were shown; the 10 oldest wait on the next page, still unread, and
    // the header says so.
    let left = unread();
    assert_eq!(left.len(), 10, "{left:?}");
    assert_eq!(left[0], "Unread note 000");
    assert_eq!(left[9], "Unread note 009");
    let next = part(&first, "href=\"/notifications?after=", "\"");
    assert!(!next.is_empty(), "a link to the next page");
    let (_, patients) = app.get(&gp.client, "/patients").await;
    assert!(
        patients.contains("<span class=\"badge\">10<"),
        "the header counts the 10 not shown yet"
    );
    let (status, _) = app
        .get(&gp.client, &format!("/notifications?after={next}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(unread().is_empty(), "the second page showed the rest");
}

#[tokio::test]
async fn the_thread_list_pages_through_both_sides_of_every_pair() {
    let app = TestApp::spawn().await;
    let me = app.user_id(GP);
    let clinic = app.clinic_of(GP);
    let base = app.clock_now() - Duration::days(2);
    {
        use handoff::db::schema::users;
        let mut c = app.conn();
        // Threads with colleagues put the GP on either side of the pair (a_id < b_id).
        let colleagues: Vec<String> = users::table
            .filter(users::role.eq("practitioner"))
            .filter(users::id.ne(&me))
            .select(users::id)
            .load(&mut *c)
            .unwrap();
        assert!(colleagues.iter().any(|u| u < &me) && colleagues.iter().any(|u| u > &me));
        for (i, u) in colleagues.iter().enumerate() {
            let (a, b) = if &me < u { (&me, u) } else { (u, &me) };
            if db::threads::find(&mut c, "pp", a, b).unwrap().is_some() {
                continue;
            }
            let at = t(base, (i as i64 % 7) * 10);
            db::threads::insert(&mut c, &thread("pp", a, b, at)).unwrap();
        }
        // And 60 with patients, several at the same minute as a colleague's.
        for i in 0..60 {
            let pid = new_patient(&mut c, &clinic, i, base);
            let at = t(base, (i as i64 % 13) * 5);
            db::threads::insert(&mut c, &thread("pt", &me, &pid, at)).unwrap();
        }
    }
    let mut want: Vec<Thread> = {
        use handoff::db::schema::threads as th;
        th::table
            .filter(th::a_id.eq(&me).or(th::b_id.eq(&me)))
            .select(Thread::as_select())
            .load(&mut *app.conn())
            .unwrap()
    };
    want.sort_by(|x, y| (y.last_message_at, &y.id).cmp(&(x.last_message_at, &x.id)));
    let want: Vec<String> = want.into_iter().map(|t| t.id).collect();
    assert!(want.len() > 75, "{}", want.len());
    let ids = |page: &str| all_between(page, "href=\"/threads/", '"');
    let gp = app.login(GP, PW).await;
    let (got, _) = walk(&app, &gp.client, "/threads", 25, ids).await;
    assert_eq!(got, want);
    garbage_is_the_first_page(&app, &gp.client, "/threads", "after", ids).await;
}

fn thread(kind: &str, a: &str, b: &str, at: NaiveDateTime) -> Thread {
    Thread {
        id: db::new_id(),
        kind: kind.into(),
        a_id: a.into(),
        b_id: b.into(),
        created_at: at,
        last_message_at: at,
    }
}

/// An audit row as a service would write it (the chain's fields are the append's).
fn audit_row(
    at: NaiveDateTime,
    actor: &str,
    action: &str,
    subject: &str,
    patient: Option<&str>,
    clinic: Option<&str>,
) -> AuditRow {
    AuditRow {
        id: db::new_id(),
        seq: 0,
        at,
        actor_id: Some(actor.into()),
        actor_role: "practitioner".into(),
        on_behalf_of: None,
        action: action.into(),
        subject_type: "keyset".into(),
        subject_id: subject.into(),
        patient_id: patient.map(str::to_string),
        clinic_id: clinic.map(str::to_string),
        ip: "127.0.0.1".into(),
        user_agent: "test".into(),
        detail: String::new(),
        prev_hash: String::new(),
        hash: String::new(),
    }
}

fn append_all(app: &TestApp, rows: Vec<AuditRow>) {
    db::write_tx(&mut app.conn(), |c| -> QueryResult<()> {
        for r in rows {
            db::audit::append(c, r)?;
        }
        Ok(())
    })
    .unwrap();
}

/// The seq numbers in an admin audit page, top to bottom.
fn seqs(page: &str) -> Vec<String> {
    all_between(page, "<tr>\n    <td>", '<')
}

#[tokio::test]
async fn the_admin_audit_log_pages_through_the_clinic_and_its_patients_rows() {
    let app = TestApp::spawn().await;
    let lakeside = app.clinic_of(ADMIN);
    let harbour = app.clinic_of(OTHER_ADMIN);
    let (gp, outsider) = (app.user_id(GP), app.user_id(OTHER_CLINIC_DOC));
    let ours = app.patient_id("Aarav Sharma");
    let theirs = {
        use handoff::db::schema::patients;
        patients::table
            .filter(patients::clinic_id.eq(&harbour))
            .select(patients::id)
            .first::<String>(&mut *app.conn())
            .unwrap()
    };
    let now = app.clock_now();
    let mut rows = Vec::new();
    for i in 0..130 {
        let subject = format!("ks-{i:03}");
        rows.push(match i % 4 {
            // Filed here; by the other clinic about our patient; about our patient with no
            // clinic; and the other clinic's own business, never shown here.
            0 => audit_row(now, &gp, "keyset_probe", &subject, None, Some(&lakeside)),
            1 => audit_row(
                now,
                &outsider,
                "keyset_probe",
                &subject,
                Some(&ours),
                Some(&harbour),
            ),
            2 => audit_row(now, &gp, "keyset_other", &subject, Some(&ours), None),
            _ => audit_row(
                now,
                &outsider,
                "keyset_probe",
                &subject,
                Some(&theirs),
                Some(&harbour),
            ),
        });
    }
    append_all(&app, rows);
    let admin = app.login(ADMIN, PW).await;
    let all: Vec<AuditRow> = {
        use handoff::db::schema::audit_events as e;
        e::table
            .select(AuditRow::as_select())
            .load(&mut *app.conn())
            .unwrap()
    };
    let patients_here: Vec<String> = {
        use handoff::db::schema::patients;
        patients::table
            .filter(patients::clinic_id.eq(&lakeside))
            .select(patients::id)
            .load(&mut *app.conn())
            .unwrap()
    };
    // What the page should list, worked out apart from its query.
    let want = |keep: &dyn Fn(&AuditRow) -> bool, top: i64| {
        let mut w: Vec<&AuditRow> = all
            .iter()
            .filter(|r| {
                r.clinic_id.as_deref() == Some(lakeside.as_str())
                    || r.patient_id
                        .as_ref()
                        .is_some_and(|p| patients_here.contains(p))
            })
            .filter(|r| r.seq <= top && keep(r))
            .collect();
        w.sort_by_key(|r| std::cmp::Reverse(r.seq));
        w.iter().map(|r| r.seq.to_string()).collect::<Vec<_>>()
    };
    // The walk may add rows of its own on top (the first page's first row bounds it).
    let top = |got: &[String]| got.first().map_or(0, |s| s.parse::<i64>().unwrap());

    let (got, _) = walk(&app, &admin.client, "/admin/audit", 50, seqs).await;
    assert_eq!(got, want(&|_| true, top(&got)));
    assert!(got.len() >= 98, "{}", got.len());
    assert!(!got.iter().any(|s| {
        all.iter()
            .any(|r| r.seq.to_string() == *s && r.patient_id.as_deref() == Some(theirs.as_str()))
    }));

    // Filters stay in the links.
    let first = "/admin/audit?action=keyset_probe";
    let (got, links) = walk(&app, &admin.client, first, 50, seqs).await;
    assert_eq!(got, want(&|r| r.action == "keyset_probe", top(&got)));
    assert!(!links.is_empty());
    assert!(
        links.iter().all(|l| l.contains("action=keyset_probe")),
        "{links:?}"
    );

    let first = format!("/admin/audit?actor={OTHER_CLINIC_DOC}");
    let (got, links) = walk(&app, &admin.client, &first, 50, seqs).await;
    let by_outsider = |r: &AuditRow| r.actor_id.as_deref() == Some(outsider.as_str());
    assert_eq!(got, want(&by_outsider, top(&got)));
    assert!(got.len() > 30);
    assert!(links.iter().all(|l| l.contains("actor=farah")), "{links:?}");

    let first = format!("/admin/audit?patient={ours}&action=keyset_other");
    let (got, links) = walk(&app, &admin.client, &first, 50, seqs).await;
    let other_here =
        |r: &AuditRow| r.action == "keyset_other" && r.patient_id.as_deref() == Some(ours.as_str());
    assert_eq!(got, want(&other_here, top(&got)));
    assert!(got.len() > 30);
    assert!(links.iter().all(|l| l.contains("action=keyset_other")));

    garbage_is_the_first_page(&app, &admin.client, "/admin/audit", "before", seqs).await;
    garbage_is_the_first_page(
        &app,
        &admin.client,
        "/admin/audit?action=keyset_probe",
        "before",
        seqs,
    )
    .await;
}

#[tokio::test]
async fn the_audit_export_reads_its_rows_in_order_past_one_slice() {
    let app = TestApp::spawn().await;
    let (gp, lakeside) = (app.user_id(GP), app.clinic_of(ADMIN));
    let now = app.clock_now();
    let rows = (0..2100)
        .map(|i| {
            audit_row(
                now,
                &gp,
                "keyset_bulk",
                &format!("b{i}"),
                None,
                Some(&lakeside),
            )
        })
        .collect();
    append_all(&app, rows);
    let admin = app.login(ADMIN, PW).await;
    let r = app
        .get_raw(&admin.client, "/admin/audit.csv?action=keyset_bulk")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.unwrap();
    let seqs: Vec<i64> = csv
        .lines()
        .skip(1)
        .map(|l| {
            l.split(',')
                .next()
                .unwrap()
                .trim_matches('"')
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(seqs.len(), 2100);
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "newest first");
}

/// The lines of a "who viewed my data" page.
fn access_lines(page: &str) -> Vec<String> {
    all_between(page, "<tr><td>", '\n')
}

#[tokio::test]
async fn who_viewed_my_data_pages_through_every_access_newest_first() {
    let app = TestApp::spawn().await;
    let patient = app.login(PATIENT_A, PW).await;
    let (before, _) = walk(&app, &patient.client, "/portal/access", 50, access_lines).await;
    let pid = app.patient_id("Aarav Sharma");
    let outsider = app.user_id(OTHER_CLINIC_DOC);
    let harbour = app.clinic_of(OTHER_CLINIC_DOC);
    let now = app.clock_now() + Duration::minutes(1);
    let mut rows = Vec::new();
    let mut shown = Vec::new();
    for i in 0..130 {
        // Each probe reads "keyset probe <n>"; between them, rows the patient never sees:
        // a rejection, an edit, and the care team's own work.
        let action = format!("keyset_probe_{i:03}");
        rows.push(audit_row(
            now,
            &outsider,
            &action,
            "x",
            Some(&pid),
            Some(&harbour),
        ));
        shown.push(format!("keyset probe {i:03}"));
        let mut hidden = audit_row(now, &outsider, "referral_transition", "x", Some(&pid), None);
        hidden.detail = if i % 2 == 0 {
            "reject: sent -> rejected".into()
        } else {
            "request_info: sent -> need_info".into()
        };
        rows.push(hidden);
        rows.push(audit_row(
            now,
            &outsider,
            "referral_edited",
            "x",
            Some(&pid),
            None,
        ));
    }
    append_all(&app, rows);
    let patient = app.login(PATIENT_A, PW).await;
    let (got, links) = walk(&app, &patient.client, "/portal/access", 50, access_lines).await;
    assert_eq!(got.len(), 130 + before.len());
    assert!(links.len() >= 2);
    assert_eq!(&got[130..], &before[..]);
    let mut want = shown;
    want.reverse();
    for (line, probe) in got.iter().zip(&want) {
        assert!(line.contains(probe.as_str()), "{line} should be {probe}");
    }
    garbage_is_the_first_page(
        &app,
        &patient.client,
        "/portal/access",
        "after",
        access_lines,
    )
    .await;
}

#[tokio::test]
async fn a_patients_appointments_page_through_soonest_first() {
    let app = TestApp::spawn().await;
    let pid = app.patient_id("Aarav Sharma");
    let doctors = [app.user_id(OTHER_CLINIC_DOC), app.user_id(GP2)];
    let start = app.clock_now() + Duration::days(3);
    {
        let mut c = app.conn();
        // 70 visits, two at each time (with two doctors): the id breaks the tie.
        for i in 0..70 {
            let starts_at = start + Duration::hours(i as i64 / 2);
            db::schedule::insert(
                &mut c,
                &Appointment {
                    id: db::new_id(),
                    practitioner_id: doctors[i % 2].clone(),
                    patient_id: pid.clone(),
                    starts_at,
                    ends_at: starts_at + Duration::minutes(20),
                    status: VisitStatus::Booked,
                    referral_id: None,
                    created_at: start,
                    cancelled_at: None,
                    calendar_uid: None,
                    calendar_seq: 0,
                },
            )
            .unwrap();
        }
    }
    let mut want: Vec<(NaiveDateTime, String)> = {
        use handoff::db::schema::appointments as a;
        a::table
            .filter(a::patient_id.eq(&pid))
            .select((a::starts_at, a::id))
            .load(&mut *app.conn())
            .unwrap()
    };
    want.sort();
    let want: Vec<String> = want.into_iter().map(|(_, id)| id).collect();
    // Each visit's id is in its cancel form.
    let ids = |page: &str| {
        page.split("<li class=\"card result\">")
            .skip(1)
            .map(|li| part(li, "/appointments/", "/").to_string())
            .collect::<Vec<_>>()
    };
    let patient = app.login(PATIENT_A, PW).await;
    let (got, links) = walk(&app, &patient.client, "/appointments", 25, ids).await;
    assert_eq!(got, want);
    assert_eq!(links.len(), want.len().div_ceil(25) - 1);
    garbage_is_the_first_page(&app, &patient.client, "/appointments", "after", ids).await;
}

#[tokio::test]
async fn a_patients_link_pages_through_what_was_done_with_its_referral() {
    let app = TestApp::spawn_with(|s| mail_settings(s, None)).await;
    let farah = app.login(OTHER_CLINIC_DOC, PW).await;
    let neha = "neha.rao@example.org";
    let pid = register(&app, &farah, neha, "").await;
    let meera_email = "meera.iyer@harbour.example";
    let meera = app.login(meera_email, PW).await;
    let id = app
        .referral()
        .by(&farah)
        .patient_id(&pid)
        .to(meera_email)
        .receiver_session(&meera)
        .in_state(State::AwaitingPatient)
        .await
        .id;
    let (_, body, _) = eventually("the e-mail", || mails_to(&app, neha).into_iter().next()).await;
    let link = format!("/p/{}", token_in(&body));
    // Someone outside her care team looks 70 times at this referral, and 10 times at
    // something else of hers, which her link never shows.
    let (gp, lakeside) = (app.user_id(GP), app.clinic_of(GP));
    let now = app.clock_now() + Duration::minutes(1);
    let rows = (0..80)
        .map(|i| {
            let subject = if i < 70 { id.as_str() } else { "elsewhere" };
            let action = format!("keyset_probe_{i:03}");
            audit_row(now, &gp, &action, subject, Some(&pid), Some(&lakeside))
        })
        .collect();
    append_all(&app, rows);
    let lines = |page: &str| {
        all_between(
            part(page, "id=\"h-access\"", "</section>"),
            "<tr><td>",
            '\n',
        )
    };
    let c = app.client();
    let (got, links) = walk(&app, &c, &link, 50, lines).await;
    assert!(!links.is_empty());
    assert!(
        links
            .iter()
            .all(|l| l.starts_with(&format!("{link}?access_after=")))
    );
    let probes: Vec<&String> = got.iter().filter(|l| l.contains("keyset probe")).collect();
    assert_eq!(probes.len(), 70, "{got:#?}");
    for (line, i) in probes.iter().zip((0..70).rev()) {
        assert!(line.contains(&format!("keyset probe {i:03}")), "{line}");
    }
    // Each visit of the link is itself a row on top of its log: the first page is the one
    // whose first probe is the newest.
    for garbage in ["garbage", "s-1", "1.x"] {
        let (status, page) = app.get(&c, &format!("{link}?access_after={garbage}")).await;
        assert_eq!(status, StatusCode::OK);
        let first = lines(&page)
            .into_iter()
            .find(|l| l.contains("keyset probe"));
        assert!(first.is_some_and(|l| l.contains("keyset probe 069")));
    }
}
