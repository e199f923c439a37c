use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::helpers::*;

#[tokio::test]
async fn each_chart_section_can_be_added_and_read_back() {
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let base = format!("/patients/{pid}");
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a [&'a str]);
    let cases: [Case; 5] = [
        (
            "complaints",
            vec![
                ("description", "Palpitations at night"),
                ("onset", "2 weeks"),
            ],
            &["Palpitations at night", "Onset 2 weeks"],
        ),
        (
            "vitals",
            vec![
                ("systolic", "151"),
                ("diastolic", "97"),
                ("heart_rate", "104"),
                ("temperature", "37.9"),
                ("spo2", "95"),
                ("weight", "82.4"),
            ],
            &["151/97", "104", "37.9", "95 %", "82.4"],
        ),
        (
            "medications",
            vec![
                ("name", "Amlodipine"),
                ("dose", "5 mg"),
                ("frequency", "once daily"),
                ("status", "draft"),
                ("note", "Start after ECG"),
            ],
            &["Amlodipine", "Start after ECG", "Draft prescription"],
        ),
        (
            "allergies",
            vec![
                ("substance", "Iodinated contrast"),
                ("reaction", "Hypotension"),
                ("severity", "severe"),
            ],
            &["Iodinated contrast", "Hypotension"],
        ),
        (
            "visits",
            vec![
                ("visited_on", "2026-01-15"),
                ("reason", "BP review"),
                ("notes", "Home readings high.\nStart amlodipine."),
            ],
            &["2026-01-15", "BP review", "Home readings high."],
        ),
    ];
    for (section, form, expect) in cases {
        let (status, body, loc) = app.send(&s, &format!("{base}/{section}"), &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{section}: {body}");
        assert_eq!(loc.unwrap(), format!("{base}#{section}"));
        let (status, page) = app.get(&s.client, &base).await;
        assert_eq!(status, StatusCode::OK);
        for e in expect {
            assert!(page.contains(e), "{section}: {e} not on the profile");
        }
    }
    // A colleague added to the care team can open the chart and sees the same data.
    let (status, _, _) = app
        .send(
            &s,
            &format!("{base}/care-team"),
            &[("practitioner_id", &app.user_id(UNRELATED))],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let v = app.login(UNRELATED, PW).await;
    let (status, page) = app.get(&v.client, &base).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Iodinated contrast"));
}

#[tokio::test]
async fn invalid_chart_input_is_shown_again_beside_the_field_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let (status, body, _) = app
        .send(
            &s,
            &format!("/patients/{pid}/vitals"),
            &[
                ("systolic", "1200"),
                ("diastolic", "80"),
                ("heart_rate", "seventy"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Systolic pressure must be between 40 and 300."));
    assert!(body.contains("Heart rate must be a whole number."));
    assert!(body.contains("value=\"seventy\""), "the input is kept");
    assert!(
        body.contains("id=\"vitals-systolic-error\""),
        "the message sits by its field"
    );
    assert!(body.contains("aria-invalid=\"true\""));
    let (_, page) = app.get(&s.client, &format!("/patients/{pid}")).await;
    assert!(!page.contains("1200/80"));
    let (status, body, _) = app
        .send(
            &s,
            &format!("/patients/{pid}/medications"),
            &[
                ("name", ""),
                ("dose", "5 mg"),
                ("frequency", "daily"),
                ("status", "current"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Medicine is required."));
    assert!(body.contains("value=\"5 mg\""));
}

fn upload(kind: &str, title: &str, name: &str, bytes: Vec<u8>) -> Form {
    Form::new()
        .text("kind", kind.to_string())
        .text("title", title.to_string())
        .part("file", Part::bytes(bytes).file_name(name.to_string()))
}

#[tokio::test]
async fn lab_files_upload_by_sniffed_type_and_download_as_attachments() {
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let url = app.url(&format!("/patients/{pid}/files?csrf_token={}", s.csrf));
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let r = s
        .client
        .post(&url)
        .multipart(upload(
            "lab",
            "Lipid panel",
            "../../etc/lipids.pdf",
            pdf.clone(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get(&s.client, &format!("/patients/{pid}")).await;
    assert!(page.contains("Lipid panel"));
    assert!(
        page.contains("lipids.pdf"),
        "the name is shown without its path"
    );
    let href = chart_file_link(&page, &pid);
    let r = app.get_raw(&s.client, &href).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let cd = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cd.starts_with("attachment") && cd.contains("lipids.pdf") && !cd.contains(".."),
        "{cd}"
    );
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);

    // HTML named .pdf is refused by content, with the message by the field.
    let r = s
        .client
        .post(&url)
        .multipart(upload(
            "lab",
            "Trick",
            "report.pdf",
            b"<html><script>alert(1)</script></html>".to_vec(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("This file type is not accepted"));
    assert!(body.contains("value=\"Trick\""));

    // Over the limit (1 MB in tests): 413 and nothing stored.
    let big = [b"%PDF-1.4\n".to_vec(), vec![b'a'; 1024 * 1024 + 10]].concat();
    let r = s
        .client
        .post(&url)
        .multipart(upload("imaging", "Huge scan", "scan.pdf", big))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("larger than the limit of 1 MB")
    );
    let (_, page) = app.get(&s.client, &format!("/patients/{pid}")).await;
    assert!(!page.contains("Huge scan") && !page.contains("Trick"));
    // Only the accepted file is stored, and no partial or staging file is left behind.
    assert_eq!(app.stored_files().len(), 1, "{:?}", app.stored_files());
}

#[tokio::test]
async fn patient_list_searches_by_name_and_date_of_birth_with_pages() {
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    let (_, body) = app.get(&s.client, "/patients?q=shar").await;
    assert!(body.contains("Sharma, Aarav"));
    assert!(body.contains("1 patient matching"));
    let (_, body) = app.get(&s.client, "/patients?q=SHARMA").await;
    assert!(
        body.contains("Sharma, Aarav"),
        "search ignores case on both backends"
    );
    let dob: String = {
        use diesel::prelude::*;
        use handoff::db::schema::patients;
        patients::table
            .filter(patients::id.eq(app.patient_id("Aarav Sharma")))
            .select(patients::date_of_birth)
            .first(&mut *app.conn())
            .unwrap()
    };
    let (_, body) = app.get(&s.client, &format!("/patients?q={dob}")).await;
    assert!(body.contains("Sharma, Aarav"));
    let (_, body) = app.get(&s.client, "/patients?q=%25").await;
    assert!(body.contains("0 patients"), "LIKE wildcards are literal");
    // Register patients until there are two pages.
    for i in 0..15 {
        let mrn = format!("T-{i}");
        let given = format!("Test{i}");
        let (status, body, _) = app
            .send(
                &s,
                "/patients",
                &[
                    ("given_name", &given),
                    ("family_name", "Zed"),
                    ("date_of_birth", "1990-02-03"),
                    ("sex", "female"),
                    ("mrn", &mrn),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    }
    let (_, body) = app.get(&s.client, "/patients").await;
    assert!(body.contains("23 patients") && body.contains("Page 1 of 2"));
    let (_, body) = app.get(&s.client, "/patients?q=&page=2").await;
    assert!(body.contains("Zed, Test9") && !body.contains("Sharma, Aarav"));
}

#[tokio::test]
async fn registering_a_patient_validates_and_gives_a_portal_account() {
    let app = TestApp::spawn().await;
    let s = app.login(GP, PW).await;
    let (status, body, _) = app
        .send(
            &s,
            "/patients",
            &[
                ("given_name", "Ira"),
                ("family_name", ""),
                ("date_of_birth", "2999-01-01"),
                ("sex", "female"),
                ("mrn", "LA-1001"),
                ("email", "ira@example.org"),
                ("portal_password", "short"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Family name is required."));
    assert!(body.contains("Date of birth cannot be in the future."));
    assert!(body.contains("value=\"Ira\""));
    assert!(
        !body.contains("value=\"short\""),
        "passwords are not echoed"
    );
    let (status, body, _) = app
        .send(
            &s,
            "/patients",
            &[
                ("given_name", "Ira"),
                ("family_name", "Sen"),
                ("date_of_birth", "1991-05-06"),
                ("sex", "female"),
                ("mrn", "LA-1001"),
                ("email", "ira@example.org"),
                ("portal_password", "ira portal pass"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Another patient of this clinic has this record number."));
    let (status, _, loc) = app
        .send(
            &s,
            "/patients",
            &[
                ("given_name", "Ira"),
                ("family_name", "Sen"),
                ("date_of_birth", "1991-05-06"),
                ("sex", "female"),
                ("mrn", "LA-7777"),
                ("email", "ira@example.org"),
                ("portal_password", "ira portal pass"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(loc.unwrap().starts_with("/patients/"));
    let ira = app.login("ira@example.org", "ira portal pass").await;
    let (status, body) = app.get(&ira.client, "/portal").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Ira Sen"));
}
