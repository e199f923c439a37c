//! The directory's city and language filters and its order: the same answers on SQLite
//! and PostgreSQL, whatever the case or Unicode form typed and whatever the database's
//! collation.

use diesel::prelude::*;
use handoff::db::schema::practitioners;
use reqwest::StatusCode;

use crate::helpers::*;

/// The directory search page for `params`, as the GP sees it.
async fn search(app: &TestApp, s: &Session, params: &[(&str, &str)]) -> String {
    let pid = app.patient_id("Aarav Sharma");
    let q = serde_urlencoded::to_string(params).unwrap();
    let (status, body) = app
        .get(&s.client, &format!("/patients/{pid}/refer?{q}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{q}: {body}");
    body
}

fn found(body: &str) -> &str {
    let marker = "id=\"result-count\">";
    let at = body.find(marker).expect("a result count") + marker.len();
    body[at..].split(" result").next().unwrap()
}

/// Adds a practitioner to Lakeside through the admin's form.
async fn add(
    app: &TestApp,
    admin: &Session,
    name: &str,
    specialty: &str,
    city: &str,
    languages: &str,
) {
    let email = format!("{}@lakeside.example", name.replace(' ', ".").to_lowercase());
    let (status, body, _) = app
        .send(
            admin,
            "/admin/practitioners",
            &[
                ("display_name", name),
                ("email", &email),
                ("title", "Dr"),
                ("specialty", specialty),
                ("city", city),
                ("languages", languages),
                ("accepting_referrals", "on"),
                ("password", "violet tractor seldom harbours"),
                ("password_confirm", "violet tractor seldom harbours"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
}

#[tokio::test]
async fn a_city_filter_ignores_case_and_unicode_form_on_both_backends() {
    let app = TestApp::spawn().await;
    let admin = app.login(ADMIN, PW).await;
    // Stored composed (NFC), as most keyboards type it.
    add(
        &app,
        &admin,
        "Lena Brunner",
        "Hand surgery",
        "Zürich",
        "deutsch, english",
    )
    .await;
    let gp = app.login(GP, PW).await;
    for typed in [
        "Zürich",
        "ZÜRICH",
        "zürich",
        "Zu\u{308}rich",
        "ZU\u{308}RICH",
    ] {
        for q in ["", "hand surgery"] {
            let body = search(&app, &gp, &[("q", q), ("city", typed)]).await;
            assert_eq!(found(&body), "1", "city {typed:?}, q {q:?}");
            assert!(body.contains("Lena Brunner"), "city {typed:?}, q {q:?}");
        }
    }
    let body = search(&app, &gp, &[("city", "Zurich")]).await;
    assert_eq!(found(&body), "0", "an accent is not a case");

    // A language matches one whole item of the list, in any case.
    let body = search(&app, &gp, &[("language", "DEUTSCH")]).await;
    assert_eq!(found(&body), "1");
    assert!(body.contains("Lena Brunner"));
    let body = search(&app, &gp, &[("language", "deut")]).await;
    assert_eq!(found(&body), "0", "part of a language is not a language");

    // An edit stores the new city's key: typed decomposed, found composed and upper case.
    let vikram = app.user_id(UNRELATED);
    let (status, body, _) = app
        .send(
            &admin,
            &format!("/admin/practitioners/{vikram}"),
            &[
                ("display_name", "Dr Vikram Joshi"),
                ("email", UNRELATED),
                ("title", "Dr"),
                ("specialty", "Dermatology"),
                ("city", "E\u{301}vora"),
                ("languages", "English"),
                ("accepting_referrals", "on"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let body = search(&app, &gp, &[("city", "ÉVORA")]).await;
    assert_eq!(found(&body), "1");
    assert!(body.contains("Dr Vikram Joshi"));

    // A database from before the keys existed: empty keys, filled in at the next start.
    diesel::update(practitioners::table)
        .set((
            practitioners::city_key.eq(""),
            practitioners::languages_key.eq(""),
        ))
        .execute(&mut *app.conn())
        .unwrap();
    let body = search(&app, &gp, &[("city", "ZÜRICH")]).await;
    assert_eq!(found(&body), "0", "without its key a row cannot match");
    let restarted = app.another_instance().await;
    let gp = restarted.login(GP, PW).await;
    let body = search(
        &restarted,
        &gp,
        &[("city", "ZÜRICH"), ("language", "Deutsch")],
    )
    .await;
    assert_eq!(found(&body), "1");
    assert!(body.contains("Lena Brunner"));
    let body = search(&restarted, &gp, &[("city", "Pune")]).await;
    assert_ne!(found(&body), "0", "the seeded rows are filled in too");
}

#[tokio::test]
async fn the_directory_is_in_byte_order_on_both_backends() {
    let app = TestApp::spawn_empty().await;
    if app.pg_database().is_some() {
        // As on a server whose databases are created with an en_US locale: sorting by
        // these columns without COLLATE "C" would put "van Dijk" before "Westhoff" and
        // "Évora" before "Mumbai". Before seeding, so no pooled connection holds a
        // prepared statement over the old column type.
        let mut c = app.conn();
        for (table, column) in [("users", "display_name"), ("practitioners", "city")] {
            diesel::sql_query(format!(
                "ALTER TABLE {table} ALTER COLUMN {column} TYPE TEXT COLLATE \"en-US-x-icu\""
            ))
            .execute(&mut *c)
            .unwrap();
        }
    }
    handoff::services::seed::seed_demo(&app.svc)
        .unwrap()
        .unwrap();
    let admin = app.login(ADMIN, PW).await;
    // Same length, clinic, specialty and city (in two cases): the same text-search score
    // on both backends, so only the name orders them.
    add(&app, &admin, "Eva van Dijk", "Podiatry", "Évora", "English").await;
    add(&app, &admin, "Eva Westhoff", "Podiatry", "ÉVORA", "English").await;
    let gp = app.login(GP, PW).await;
    for params in [
        &[("q", "podiatry")][..],
        &[("city", "évora")][..],
        &[("q", "podiatry"), ("city", "Évora")][..],
    ] {
        let body = search(&app, &gp, params).await;
        assert_eq!(found(&body), "2", "{params:?}");
        let (w, v) = (
            body.find("Eva Westhoff").unwrap(),
            body.find("Eva van Dijk").unwrap(),
        );
        assert!(w < v, "byte order puts 'W' before 'v': {params:?}");
    }

    // The city options: byte order, and one option for two spellings that filter alike.
    let body = search(&app, &gp, &[]).await;
    let select = body
        .split("<select id=\"city\" name=\"city\">")
        .nth(1)
        .unwrap()
        .split("</select>")
        .next()
        .unwrap();
    let cities: Vec<&str> = select
        .split("<option>")
        .skip(1)
        .map(|o| o.split('<').next().unwrap())
        .collect();
    assert_eq!(cities, ["Bengaluru", "Mumbai", "Pune", "ÉVORA"]);
}
