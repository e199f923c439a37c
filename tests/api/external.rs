//! Referrals to doctors outside the network: the letter by e-mail through a real SMTP
//! server, the signed link, replies by web and by e-mail, and mail that waits for SMTP.

use diesel::prelude::*;
use mail_parser::{MessageParser, MimeHeaders};
use reqwest::StatusCode;

use crate::builders::*;
use crate::helpers::*;

pub(crate) const EXT_EMAIL: &str = "dr.rao@heartcare.example";
pub(crate) const REPLY_DOMAIN: &str = "reply.handoff.test";
pub(crate) const INGEST_TOKEN: &str = "ingest-token-for-tests-0123456789";

pub(crate) fn mail_settings(s: &mut handoff::config::Settings, smtp_port: Option<u16>) {
    s.mail.smtp_host = smtp_port.map(|_| "127.0.0.1".to_string());
    s.mail.smtp_port = smtp_port.unwrap_or(0);
    s.mail.smtp_tls = "none".into();
    s.mail.reply_domain = REPLY_DOMAIN.into();
    s.mail.mail_from = "Handoff <handoff@lakeside.example>".into();
    s.mail.ingest_token = Some(INGEST_TOKEN.into());
}

/// The outside doctor these tests refer to.
pub(crate) fn dr_rao() -> OutsideDoctor {
    OutsideDoctor {
        name: "Dr Kiran Rao".into(),
        email: EXT_EMAIL.into(),
        specialty: "Cardiology".into(),
        practice: "HeartCare Pune".into(),
    }
}

/// Sends an out-of-network referral from the composer: complaint and vitals ticked,
/// allergies typed but not ticked. Returns the referral id.
pub(crate) async fn refer_outside(app: &TestApp, s: &Session) -> String {
    let pid = app.patient_id("Aarav Sharma");
    let (_, compose) = app
        .get(&s.client, &format!("/patients/{pid}/refer/new?to=external"))
        .await;
    assert!(
        compose.contains("name=\"ext_email\""),
        "the composer asks for the outside doctor"
    );
    app.referral()
        .by(s)
        .outside(dr_rao())
        .priority("urgent")
        .reason("Suspected angina REASONMARK")
        .message("Thank you for seeing him.")
        .section("complaint", "Chest tightness COMPLAINTMARK")
        .section("vitals", "2026-11-20: BP 150/95 mmHg, pulse 88/min")
        .unticked("allergies", "Penicillin ALLERGYSECRET")
        .in_state(State::Sent)
        .await
        .id
}

pub(crate) fn link_token_in(body: &str) -> String {
    let at = body.find("/l/").expect("a link in the mail") + 3;
    body[at..at + 64].to_string()
}

pub(crate) fn text_of(raw: &[u8]) -> (String, String, String) {
    let m = MessageParser::default().parse(raw).expect("parse mail");
    let to = m
        .to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_string();
    let reply_to = m
        .reply_to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_string();
    (to, reply_to, m.body_text(0).unwrap_or_default().to_string())
}

/// The letter's text, words separated by single spaces: the extractor places line breaks
/// and spaces differently from a viewer, the words are what the reader sees.
pub(crate) fn pdf_text(pdf: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(pdf).expect("the letter's text");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn the_outside_doctor_gets_the_letter_by_smtp_and_accepts_through_the_link() {
    let sink = SmtpSink::started();
    let port = sink.port;
    let app = TestApp::spawn_with(|s| mail_settings(s, Some(port))).await;
    let gp = app.login(GP, PW).await;
    let id = refer_outside(&app, &gp).await;

    let raw = eventually("the letter in the SMTP sink", || {
        sink.messages().into_iter().next()
    })
    .await;
    let msg = MessageParser::default().parse(&raw).unwrap();
    let (to, reply_to, body) = text_of(&raw);
    assert_eq!(to, EXT_EMAIL);
    assert!(
        reply_to.starts_with("reply+") && reply_to.ends_with(&format!("@{REPLY_DOMAIN}")),
        "{reply_to}"
    );
    assert!(body.contains("Suspected angina REASONMARK"), "{body}");
    let token = link_token_in(&body);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");
    let pdf = msg
        .attachments()
        .find(|a| a.attachment_name() == Some("referral-letter.pdf"))
        .expect("the letter is attached")
        .contents()
        .to_vec();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_text(&pdf);
    assert!(text.contains("REASONMARK"), "{text}");
    assert!(
        text.contains("COMPLAINTMARK"),
        "the consented complaint is in the letter"
    );
    assert!(text.contains("150/95"), "the vitals table is in the letter");
    assert!(text.contains("Aarav"), "the patient is identified");
    assert!(
        text.contains("Asha Kulkarni"),
        "the signature block names the sender"
    );
    assert!(
        !text.contains("ALLERGYSECRET"),
        "an unticked section never reaches the letter"
    );
    assert!(text.contains(&token[..20]), "the letter carries the link");

    // The link opens without an account, leaks nothing through Referer, is not cached.
    let outsider = app.client();
    let r = app.get_raw(&outsider, &format!("/l/{token}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let page = r.text().await.unwrap();
    assert!(page.contains("COMPLAINTMARK"));
    assert!(!page.contains("ALLERGYSECRET"));
    let (status, letter) = {
        let r = app
            .get_raw(&outsider, &format!("/l/{token}/letter.pdf"))
            .await;
        (r.status(), r.bytes().await.unwrap())
    };
    assert_eq!(status, StatusCode::OK);
    assert!(letter.starts_with(b"%PDF-"));

    // Accepting through the link drives the same state machine; the sender sees it.
    let accepted = app
        .act_on_page(
            &outsider,
            &page,
            &format!("/l/{token}/accept"),
            &[("note", "Happy to see him on Monday")],
        )
        .await;
    let (status, body, loc) = (accepted.status, accepted.body, accepted.location);
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(loc.unwrap(), format!("/l/{token}"));
    // Delivery is recorded when the SMTP session ends, which may be after the sink has
    // the message.
    let sender_view = app
        .page_with(
            &gp.client,
            &format!("/referrals/{id}"),
            "Delivered to the mail server",
        )
        .await;
    assert!(
        sender_view.contains("status-accepted"),
        "the sender sees Accepted"
    );
    assert!(sender_view.contains("Happy to see him on Monday"));
    assert!(sender_view.contains("Delivered to the mail server"));
    assert!(sender_view.contains("Dr Kiran Rao"));
    // The sender's analytics count the outside doctor, without a link to a profile that
    // does not exist.
    let (_, analytics) = app.get(&gp.client, "/analytics").await;
    assert!(analytics.contains("Dr Kiran Rao <span class=\"muted\">(outside the network)"));
    // Without a CSRF token the link's forms are refused like every other POST.
    let (status, _, _) = app
        .post(
            &outsider,
            &format!("/l/{token}/reject"),
            &[("version", "1")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Every e-mail and every use of the link is in the audit log.
    assert_eq!(app.audit_count(Audit::action("email_sent")), 1);
    // The page, the letter and the accept: one row each.
    assert_eq!(app.audit_count(Audit::action("link_used")), 3);
    // The outside doctor's account cannot sign in.
    let c = app.client();
    let (_, login) = app.get(&c, "/login").await;
    let (status, _, _) = app
        .post(
            &c,
            "/login",
            &[
                ("csrf_token", csrf_of(&login).as_str()),
                ("email", EXT_EMAIL),
                ("password", "!external"),
            ],
        )
        .await;
    assert_ne!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn tampered_revoked_and_expired_links_show_nothing() {
    // No SMTP server configured: mail is written to data/mail-out as .eml files.
    let app = TestApp::spawn_with(|s| mail_settings(s, None)).await;
    let out = app.settings.data_dir.join("mail-out");
    let gp = app.login(GP, PW).await;
    let id = refer_outside(&app, &gp).await;
    // Outside doctors are never offered in the directory, with or without search words.
    let pid = app.patient_id("Aarav Sharma");
    for q in ["", "?q=Rao", "?q=cardiology"] {
        let (_, page) = app
            .get(&gp.client, &format!("/patients/{pid}/refer{q}"))
            .await;
        assert!(!page.contains("Kiran Rao"), "directory {q}");
    }
    let first = eventually("the .eml file", || read_mail_dir(&out).into_iter().next()).await;
    let token = link_token_in(&text_of(&first).2);
    let c = app.client();
    assert_eq!(app.get(&c, &format!("/l/{token}")).await.0, StatusCode::OK);

    let mut tampered = token.clone().into_bytes();
    tampered[10] = if tampered[10] == b'a' { b'b' } else { b'a' };
    let tampered = String::from_utf8(tampered).unwrap();
    for bad in [
        tampered.as_str(),
        "nothex",
        &token[..63],
        &token.to_uppercase(),
    ] {
        let (status, body) = app.get(&c, &format!("/l/{bad}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
        assert!(!body.contains("Aarav"), "nothing is shown");
    }

    // The sender withdraws the link: 403, nothing shown.
    let (status, _, _) = app
        .send(&gp, &format!("/referrals/{id}/link/revoke"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, body) = app.get(&c, &format!("/l/{token}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!body.contains("Aarav") && !body.contains("COMPLAINTMARK"));

    // Re-sent: a new link works, the old one stays dead.
    let (status, _, _) = app
        .send(&gp, &format!("/referrals/{id}/link/resend"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let second = eventually("the second .eml", || read_mail_dir(&out).get(1).cloned()).await;
    let token2 = link_token_in(&text_of(&second).2);
    assert_ne!(token, token2);
    assert_eq!(app.get(&c, &format!("/l/{token2}")).await.0, StatusCode::OK);
    assert_eq!(
        app.get(&c, &format!("/l/{token}")).await.0,
        StatusCode::FORBIDDEN
    );

    // Thirty days later (the default) the link has expired: 410 with a clear page.
    app.clock
        .advance(chrono::Duration::days(30) + chrono::Duration::minutes(1));
    let (status, body) = app.get(&c, &format!("/l/{token2}")).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(body.contains("expired"), "{body}");
    assert!(!body.contains("COMPLAINTMARK"));
    // Withdrawn (twice: before and after the re-send) and expired; unknown tokens name no
    // referral to file a row under.
    assert_eq!(app.audit_count(Audit::action("link_refused")), 3);
}

pub(crate) fn reply_eml(to: &str, text: &str) -> Vec<u8> {
    reply_eml_with(
        to,
        text,
        "ecg-review.pdf",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    )
}

pub(crate) fn reply_eml_with(to: &str, text: &str, file: &str, bytes: &[u8]) -> Vec<u8> {
    use base64::Engine;
    // Each message its own Message-ID: the same one twice is posted once.
    static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
    format!(
        "From: Dr Kiran Rao <{EXT_EMAIL}>\r\n\
         To: Handoff referral <{to}>\r\n\
         Subject: Re: Referral from Dr Asha Kulkarni\r\n\
         Date: Mon, 23 Nov 2026 10:00:00 +0530\r\n\
         Message-ID: <reply-{n}@heartcare.example>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"XYZ\"\r\n\
         \r\n\
         --XYZ\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         {text}\r\n\
         \r\n\
         On Sun, 22 Nov 2026 at 09:00, Handoff <handoff@lakeside.example> wrote:\r\n\
         > Dr Asha Kulkarni has referred a patient QUOTEDMARK\r\n\
         --XYZ\r\n\
         Content-Type: application/octet-stream; name=\"{file}\"\r\n\
         Content-Disposition: attachment; filename=\"{file}\"\r\n\
         Content-Transfer-Encoding: base64\r\n\
         \r\n\
         {b64}\r\n\
         --XYZ--\r\n"
    )
    .into_bytes()
}

pub(crate) fn ingest_cli(app: &TestApp, eml: &[u8]) -> (i32, String) {
    use std::io::Write;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_handoff"));
    cmd.arg("ingest-mail")
        .env("HANDOFF_DATA_DIR", &app.settings.data_dir)
        .env("HANDOFF_REPLY_DOMAIN", REPLY_DOMAIN)
        .env_remove("HANDOFF_SESSION_SECRET")
        .env_remove("HANDOFF_MAIL_AUTHSERV_ID")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    match &app.settings.database_url {
        Some(u) => cmd.env("DATABASE_URL", u),
        None => cmd.env_remove("DATABASE_URL"),
    };
    if let Some(a) = &app.settings.mail.mail_authserv_id {
        cmd.env("HANDOFF_MAIL_AUTHSERV_ID", a);
    }
    app.store_env(&mut cmd);
    let mut child = cmd.spawn().expect("run handoff ingest-mail");
    child.stdin.take().unwrap().write_all(eml).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn replies_by_email_reach_the_timeline_and_forged_tags_post_nothing() {
    let app = TestApp::spawn_with(|s| mail_settings(s, None)).await;
    let out = app.settings.data_dir.join("mail-out");
    let gp = app.login(GP, PW).await;
    let id = refer_outside(&app, &gp).await;
    let letter = eventually("the .eml file", || read_mail_dir(&out).into_iter().next()).await;
    let (_, reply_to, _) = text_of(&letter);

    // A real multipart message with a PDF attached, through the MTA pipe command.
    let (code, err) = ingest_cli(
        &app,
        &reply_eml(&reply_to, "I can see him Thursday. REPLYMARK"),
    );
    assert_eq!(code, 0, "{err}");
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(page.contains("REPLYMARK"), "the reply is in the timeline");
    assert!(!page.contains("QUOTEDMARK"), "quoted history is stripped");
    assert!(page.contains("ecg-review.pdf"), "its attachment is listed");
    let (_, notes) = app.get(&gp.client, "/notifications").await;
    assert!(
        notes.contains("Dr Kiran Rao replied"),
        "the sender is notified"
    );

    // A forged tag (another referral id with this MAC, or a changed MAC): nothing posted.
    let (local, host) = reply_to.split_once('@').unwrap();
    let mut forged = local.to_string();
    let last = forged.pop().unwrap();
    forged.push(if last == '0' { '1' } else { '0' });
    let forged = format!("{forged}@{host}");
    let (code, _) = ingest_cli(&app, &reply_eml(&forged, "FORGEDMARK"));
    assert_eq!(code, 67, "a forged tag exits EX_NOUSER");
    let (code, _) = ingest_cli(&app, &reply_eml("someone@elsewhere.example", "FORGEDMARK"));
    assert_eq!(code, 67);
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(!page.contains("FORGEDMARK"));

    // The same through the HTTP endpoint, which wants the bearer token.
    let c = app.client();
    let post = |auth: &'static str, body: Vec<u8>| {
        c.post(app.url("/ingest/mail"))
            .header("authorization", auth)
            .header("content-type", "message/rfc822")
            .body(body)
            .send()
    };
    let r = post("Bearer wrong", reply_eml(&reply_to, "WRONGTOKEN"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let auth: &'static str = Box::leak(format!("Bearer {INGEST_TOKEN}").into_boxed_str());
    let r = post(auth, reply_eml(&forged, "FORGEDMARK")).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = post(auth, reply_eml(&reply_to, "Second reply HTTPMARK"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(page.contains("HTTPMARK"));
    assert!(!page.contains("WRONGTOKEN") && !page.contains("FORGEDMARK"));
    assert_eq!(app.audit_count(Audit::action("external_reply")), 2);
    // Two forged tags by pipe, one by HTTP (a wrong bearer token never reaches ingestion).
    assert_eq!(app.audit_count(Audit::action("mail_refused")), 3);

    // An attachment of a type the app does not keep loses only itself, not the reply.
    let (code, err) = ingest_cli(
        &app,
        &reply_eml_with(
            &reply_to,
            "See my notes ZIPMARK",
            "notes.docx",
            b"PK\x03\x04rest",
        ),
    );
    assert_eq!(code, 0, "{err}");
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(page.contains("ZIPMARK"));
    assert!(page.contains("Not kept, not an accepted file type: notes.docx"));

    // Withdrawing the link withdraws the reply address: nothing more is posted.
    let (status, _, _) = app
        .send(&gp, &format!("/referrals/{id}/link/revoke"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (code, err) = ingest_cli(&app, &reply_eml(&reply_to, "AFTERREVOKE"));
    assert_eq!(code, 65, "{err}");
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(!page.contains("AFTERREVOKE"));
}

#[tokio::test]
async fn mail_waits_in_the_outbox_while_smtp_is_down_and_goes_when_it_returns() {
    let mut sink = SmtpSink::reserve();
    let port = sink.port;
    let app = TestApp::spawn_with(|s| mail_settings(s, Some(port))).await;
    let gp = app.login(GP, PW).await;
    let id = refer_outside(&app, &gp).await;
    // The first try fails (nothing listens): the referral page says it is queued.
    let page = app
        .page_with(&gp.client, &format!("/referrals/{id}"), "1 failed tries")
        .await;
    assert!(
        page.contains("Queued, retrying (1 failed tries so far)"),
        "{page}"
    );
    // The server is back, but the back-off (60 s) is not over: the worker, which looks
    // every 200 ms, leaves the message alone.
    sink.start();
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert!(sink.messages().is_empty(), "sent before its back-off ended");

    app.clock.advance(chrono::Duration::seconds(61));
    let raw = eventually("the letter after SMTP came back", || {
        sink.messages().into_iter().next()
    })
    .await;
    assert_eq!(text_of(&raw).0, EXT_EMAIL);
    // The sink has the message at the end of DATA; the app records the delivery once the
    // SMTP session is over, a moment later.
    let page = app
        .page_with(
            &gp.client,
            &format!("/referrals/{id}"),
            "Delivered to the mail server",
        )
        .await;
    assert!(page.contains("Delivered to the mail server"), "{page}");
    assert_eq!(
        sink.messages().len(),
        1,
        "sent once, nothing lost or doubled"
    );
}

#[tokio::test]
async fn opted_in_practitioners_get_notification_mail_without_patient_details() {
    let app = TestApp::spawn_with(|s| mail_settings(s, None)).await;
    let out = app.settings.data_dir.join("mail-out");
    let doc = app.login("lakshmi.narayan@northgate.example", PW).await;
    let (status, _, _) = app
        .send(
            &doc,
            "/account/notifications",
            &[("email_notifications", "on")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let gp = app.login(GP, PW).await;
    app.referral()
        .by(&gp)
        .to("lakshmi.narayan@northgate.example")
        .reason("Headaches")
        .section("complaint", "Headache for 2 weeks")
        .in_state(State::Sent)
        .await;
    let raw = eventually("the notification mail", || {
        read_mail_dir(&out).into_iter().next()
    })
    .await;
    let (to_addr, _, text) = text_of(&raw);
    assert_eq!(to_addr, "lakshmi.narayan@northgate.example");
    assert!(text.contains("/notifications"));
    assert!(
        !text.contains("Aarav") && !text.contains("Headache"),
        "{text}"
    );
    // Someone who did not opt in gets no mail.
    assert_eq!(read_mail_dir(&out).len(), 1);
}

#[tokio::test]
async fn a_refused_outside_referral_keeps_what_was_typed_and_creates_no_account() {
    let app = TestApp::spawn_with(|s| mail_settings(s, None)).await;
    let gp = app.login(GP, PW).await;
    let refused = app
        .referral()
        .by(&gp)
        .outside(dr_rao())
        .reason("")
        .no_sections()
        .post("send")
        .await;
    let (status, page) = (refused.status, refused.body);
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains(&format!("value=\"{EXT_EMAIL}\"")),
        "the address is kept"
    );
    assert!(page.contains("value=\"HeartCare Pune\""));
    use handoff::db::schema::external_doctors;
    let accounts: i64 = external_doctors::table
        .filter(external_doctors::email.eq(EXT_EMAIL))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(accounts, 0, "no account for a referral that was not saved");
}

#[tokio::test]
async fn guessing_link_tokens_or_the_ingest_token_is_stopped_per_address() {
    let sink = SmtpSink::started();
    let port = sink.port;
    let app = TestApp::spawn_with(|s| mail_settings(s, Some(port))).await;
    let gp = app.login(GP, PW).await;
    refer_outside(&app, &gp).await;
    let raw = eventually("the letter", || sink.messages().into_iter().next()).await;
    let token = link_token_in(&text_of(&raw).2);
    let c = app.client();
    for i in 0..10 {
        let guess = format!("{:064x}", i);
        let (status, _) = app.get(&c, &format!("/l/{guess}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "guess {i}");
    }
    // The eleventh within the minute is refused unchecked, even the real link.
    let (status, page) = app.get(&c, &format!("/l/{token}")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.contains("Too many refused attempts"));
    app.clock.advance(chrono::Duration::seconds(61));
    let (status, page) = app.get(&c, &format!("/l/{token}")).await;
    assert_eq!(status, StatusCode::OK, "the limit lifts after a minute");
    assert!(page.contains("REASONMARK"));

    let post = |auth: &'static str| {
        c.post(app.url("/ingest/mail"))
            .header("authorization", auth)
            .header("content-type", "message/rfc822")
            .body("From: a@b.example\r\n\r\nhi\r\n")
            .send()
    };
    for _ in 0..10 {
        assert_eq!(
            post("Bearer wrong").await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
    }
    let r = post("Bearer ingest-token-for-tests-0123456789")
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the right token waits too"
    );
}

#[tokio::test]
async fn the_outside_composer_does_not_tell_whether_an_address_has_an_account() {
    let sink = SmtpSink::started();
    let port = sink.port;
    let app = TestApp::spawn_with(|s| mail_settings(s, Some(port))).await;
    let gp = app.login(GP, PW).await;
    let doctor = |email: &str| OutsideDoctor {
        name: "Dr Meera Iyer".into(),
        email: email.into(),
        specialty: "Cardiology".into(),
        practice: "Iyer Heart Clinic".into(),
    };
    // A patient's, an admin's and an unknown address get the same answer: sent.
    let addresses = [PATIENT_A, ADMIN, "meera.iyer@iyerheart.example"];
    for addr in addresses {
        let posted = app
            .referral()
            .by(&gp)
            .outside(doctor(addr))
            .reason("Palpitations on exertion")
            .section("complaint", "Palpitations for 2 weeks")
            // Three cardiologists for one patient: repeats on purpose.
            .duplicate_reason("Each address is tried once")
            .post("send")
            .await;
        assert_eq!(
            posted.status,
            StatusCode::SEE_OTHER,
            "{addr}: {}",
            posted.body
        );
    }
    let mut to: Vec<String> = eventually("three letters", || {
        let m = sink.messages();
        (m.len() >= 3).then_some(m)
    })
    .await
    .iter()
    .map(|raw| text_of(raw).0)
    .collect();
    to.sort();
    let mut want: Vec<String> = addresses.iter().map(|a| a.to_string()).collect();
    want.sort();
    assert_eq!(to, want, "each letter went to the address typed");
    // The accounts behind two of them are untouched: both still sign in.
    app.login(PATIENT_A, PW).await;
    app.login(ADMIN, PW).await;
    // A practitioner of the directory is pointed there instead.
    let refused = app
        .referral()
        .by(&gp)
        .outside(doctor(GP2))
        .reason("Palpitations on exertion")
        .section("complaint", "Palpitations for 2 weeks")
        .post("send")
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("belongs to a practitioner in the network"),
        "{}",
        refused.body
    );
}
