//! Mail from outside doctors as real clients write it: the held-out reply corpus and our
//! own cases through `handoff ingest-mail`, senders checked (held, then posted or
//! discarded by the referring practitioner), duplicates, permanent SMTP refusals and
//! bounces with the address correction they lead to.

use reqwest::StatusCode;

use crate::builders::*;
use crate::external::{
    EXT_EMAIL, REPLY_DOMAIN, dr_rao, ingest_cli, mail_settings, refer_outside, reply_eml, text_of,
};
use crate::helpers::*;

fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The timeline of the sender's referral page, as text with runs of whitespace made one.
fn timeline_text(page: &str) -> String {
    let at = page.find("id=\"h-timeline\"").unwrap_or(0);
    squash(&unescape(&page[at..]))
}

fn list(v: &serde_json::Value, k: &str) -> Vec<String> {
    v[k].as_array()
        .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

/// Sends every case of a corpus folder, each to its own out-of-network referral addressed
/// to the case's sender, through the `ingest-mail` binary, and reads the sender's page.
/// Every reply phrase must be there and every quoted phrase gone; signatures are dropped,
/// so signature phrases must be gone wherever the peer put them.
async fn run_corpus(set: &str, expected_cases: usize) {
    let app = TestApp::spawn_with(|s| mail_settings(s, None)).await;
    let gp = app.login(GP, PW).await;
    let dir = format!("{}/tests/fixtures/{set}/cases", env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| matches!(p.extension().and_then(|x| x.to_str()), Some("txt" | "eml")))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), expected_cases);
    let (mut kept, mut keep_total, mut dropped, mut drop_total) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for p in &paths {
        let raw = std::fs::read(p).unwrap();
        let from = mail_parser::MessageParser::default()
            .parse(&raw)
            .and_then(|m| {
                m.from()
                    .and_then(|f| f.first())
                    .and_then(|a| a.address())
                    .map(str::to_lowercase)
            })
            .unwrap();
        let mut doctor = dr_rao();
        doctor.email = from;
        let id = app
            .referral()
            .by(&gp)
            .outside(doctor)
            .reason("Corpus case")
            .in_state(State::Sent)
            .await
            .id;
        // As an MTA delivers it: the envelope recipient in Delivered-To (the corpus' own To
        // lines are a placeholder or the original recipient).
        let reply_to = handoff::domain::mail::reply_address(&app.svc.mail.key, &id, REPLY_DOMAIN);
        let mut eml = format!("Delivered-To: {reply_to}\r\n").into_bytes();
        eml.extend_from_slice(&raw);
        let (code, err) = ingest_cli(&app, &eml);
        if code != 0 {
            failures.push(format!("{}: exit {code}: {err}", p.display()));
            continue;
        }
        let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
        let text = timeline_text(&page);
        let exp: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(p.with_extension("expect.json")).unwrap(),
        )
        .unwrap();
        let sig = list(&exp, "signature_phrases");
        for k in list(&exp, "must_contain") {
            if sig.contains(&k) {
                drop_total += 1;
                if text.contains(&squash(&k)) {
                    failures.push(format!("{}: kept signature {k:?}", p.display()));
                } else {
                    dropped += 1;
                }
            } else {
                keep_total += 1;
                if text.contains(&squash(&k)) {
                    kept += 1;
                } else {
                    failures.push(format!("{}: lost {k:?}", p.display()));
                }
            }
        }
        for k in list(&exp, "must_not_contain") {
            drop_total += 1;
            if text.contains(&squash(&k)) {
                failures.push(format!("{}: kept {k:?}", p.display()));
            } else {
                dropped += 1;
            }
        }
    }
    println!(
        "{set}: {} cases, {kept} of {keep_total} reply phrases kept, {dropped} of {drop_total} quoted or signature phrases dropped",
        paths.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn the_reply_corpus_through_ingest_mail_keeps_every_reply_and_drops_every_quote() {
    run_corpus("email-replies", 60).await;
}

#[tokio::test]
async fn our_own_reply_cases_through_ingest_mail() {
    run_corpus("own-replies", 10).await;
}

fn mail_from(from: &str, to: &str, extra_headers: &str, text: &str, mid: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: Re: Referral\r\nMessage-ID: <{mid}@mail.example>\r\n{extra_headers}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n\r\nOn Sun, 22 Nov 2026 at 09:00, Handoff <handoff@lakeside.example> wrote:\r\n> QUOTEDMARK\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn a_reply_from_another_address_is_held_for_the_sender_never_posted_or_dropped() {
    let app = TestApp::spawn_with(|s| mail_settings(s, None)).await;
    let out = app.settings.data_dir.join("mail-out");
    let gp = app.login(GP, PW).await;
    let id = refer_outside(&app, &gp).await;
    let letter = eventually("the letter", || read_mail_dir(&out).into_iter().next()).await;
    let (_, reply_to, letter_text) = text_of(&letter);
    let token = crate::external::link_token_in(&letter_text);

    // A stranger writes to the reply address, with a file: held, not posted.
    let stranger = "Someone Else <someone@elsewhere.example>";
    let mut eml = reply_eml(&reply_to, "I am not Dr Rao STRANGERMARK");
    let from_line = format!("From: Dr Kiran Rao <{EXT_EMAIL}>");
    eml = String::from_utf8(eml)
        .unwrap()
        .replacen(&from_line, &format!("From: {stranger}"), 1)
        .into_bytes();
    let (code, err) = ingest_cli(&app, &eml);
    assert_eq!(code, 0, "held is taken, not refused: {err}");
    assert_eq!(app.event_count(&id, &["reply"]), 0, "nothing posted");
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(
        page.contains("Unverified reply from someone@elsewhere.example"),
        "{page}"
    );
    assert!(page.contains("not from the address the letter went to"));
    assert!(page.contains("STRANGERMARK") && page.contains("ecg-review.pdf"));
    assert!(!page.contains("QUOTEDMARK"));
    let (_, notes) = app.get(&gp.client, "/notifications").await;
    assert!(notes.contains("unverified e-mail reply from someone@elsewhere.example"));
    // The receiver's side (the link page) never shows it; nor does a colleague.
    let (_, link_page) = app.get(&app.client(), &format!("/l/{token}")).await;
    assert!(
        !link_page.contains("someone@elsewhere.example"),
        "the outside doctor's page shows nothing of it"
    );
    let other = app.login(UNRELATED, PW).await;
    let (status, _) = app.get(&other.client, &format!("/referrals/{id}")).await;
    assert!(
        matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{status}"
    );

    // The sender posts it: in the timeline as a reply from that address, posted by them,
    // with its file; the held row is gone and a second decision is a conflict.
    let held_id = {
        use diesel::prelude::*;
        use handoff::db::schema::held_replies::dsl as h;
        let mut c = app.conn();
        h::held_replies
            .filter(h::referral_id.eq(&id))
            .select(h::id)
            .first::<String>(&mut *c)
            .unwrap()
    };
    let (status, _, _) = app
        .send(&gp, &format!("/referrals/{id}/held/{held_id}/post"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(page.contains("Reply by e-mail from someone@elsewhere.example, posted by Dr Asha Kulkarni with 1 file(s)"), "{page}");
    assert!(!page.contains("Unverified reply from"));
    assert!(page.contains("ecg-review.pdf"));
    let (status, _, _) = app
        .send(&gp, &format!("/referrals/{id}/held/{held_id}/discard"), &[])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(app.audit_count(Audit::action("reply_held")), 1);
    assert_eq!(app.audit_count(Audit::action("held_reply_posted")), 1);

    // Another one is discarded: never in the timeline, but the timeline says so.
    let eml = mail_from(stranger, &reply_to, "", "Spam DISCARDMARK", "d1");
    assert_eq!(ingest_cli(&app, &eml).0, 0);
    let held_id = {
        use diesel::prelude::*;
        use handoff::db::schema::held_replies::dsl as h;
        let mut c = app.conn();
        h::held_replies
            .filter(h::referral_id.eq(&id))
            .filter(h::decision.is_null())
            .select(h::id)
            .first::<String>(&mut *c)
            .unwrap()
    };
    // Only the sender decides: the patient cannot.
    let patient = app.login(PATIENT_A, PW).await;
    let (status, _, _) = app
        .send(
            &patient,
            &format!("/referrals/{id}/held/{held_id}/discard"),
            &[],
        )
        .await;
    assert!(
        matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{status}"
    );
    let (status, _, _) = app
        .send(&gp, &format!("/referrals/{id}/held/{held_id}/discard"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(!page.contains("DISCARDMARK"));
    assert!(page.contains("The e-mail from someone@elsewhere.example was discarded"));

    // The same message delivered twice (an MTA retry) is posted once.
    let eml = mail_from(
        &format!("Dr Kiran Rao <{EXT_EMAIL}>"),
        &reply_to,
        "",
        "Once ONCEMARK",
        "once",
    );
    assert_eq!(ingest_cli(&app, &eml).0, 0);
    let (code, err) = ingest_cli(&app, &eml);
    assert_eq!(code, 0, "{err}");
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert_eq!(page.matches("ONCEMARK").count(), 1, "posted once");
    // Upper-case and plus-tagged forms of the doctor's address are the doctor.
    let eml = mail_from(
        "Dr Kiran Rao <Dr.Rao+phone@HeartCare.example>",
        &reply_to,
        "",
        "From my phone PLUSMARK",
        "plus",
    );
    assert_eq!(ingest_cli(&app, &eml).0, 0);
    assert_eq!(app.event_count(&id, &["reply"]), 3);
    // A reply with nothing left once the quote is gone is held, not refused or lost.
    let eml = format!(
        "From: {EXT_EMAIL}\r\nTo: {reply_to}\r\nSubject: Re\r\nMessage-ID: <empty@x>\r\n\r\n> only the quote EMPTYMARK\r\n"
    );
    assert_eq!(ingest_cli(&app, eml.as_bytes()).0, 0);
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(
        page.contains("nothing was left after removing the quoted history"),
        "{page}"
    );
    assert_eq!(app.event_count(&id, &["reply"]), 3);
}

#[tokio::test]
async fn the_trusted_mail_servers_authentication_results_decide() {
    let app = TestApp::spawn_with(|s| {
        mail_settings(s, None);
        s.mail.mail_authserv_id = Some("mx.handoff.test".into());
    })
    .await;
    let out = app.settings.data_dir.join("mail-out");
    let gp = app.login(GP, PW).await;
    let id = refer_outside(&app, &gp).await;
    let letter = eventually("the letter", || read_mail_dir(&out).into_iter().next()).await;
    let (_, reply_to, _) = text_of(&letter);
    let doctor = format!("Dr Kiran Rao <{EXT_EMAIL}>");
    // DKIM passes at our server: posted.
    let ok = mail_from(
        &doctor,
        &reply_to,
        "Authentication-Results: mx.handoff.test; dkim=pass header.d=heartcare.example; spf=pass\r\n",
        "Signed PASSMARK",
        "a1",
    );
    assert_eq!(ingest_cli(&app, &ok).0, 0);
    // The right From, but DMARC failed at our server (a forged From): held. A "pass"
    // written by some other server (or by the sender) is not believed.
    let forged = mail_from(
        &doctor,
        &reply_to,
        "Authentication-Results: evil.example; dmarc=pass\r\nAuthentication-Results: mx.handoff.test; dkim=none; spf=fail; dmarc=fail\r\n",
        "Forged FAILMARK",
        "a2",
    );
    assert_eq!(ingest_cli(&app, &forged).0, 0);
    // A stranger signs for their own domain and writes a pass for our server below the
    // real header: neither counts.
    let stranger_signed = mail_from(
        &doctor,
        &reply_to,
        "Authentication-Results: mx.handoff.test; dkim=pass header.d=evil.example; spf=pass smtp.mailfrom=x@evil.example\r\nAuthentication-Results: mx.handoff.test; dmarc=pass header.from=heartcare.example\r\n",
        "Signed elsewhere OTHERDOMAINMARK",
        "a3",
    );
    assert_eq!(ingest_cli(&app, &stranger_signed).0, 0);
    // Our server is configured but left no results: held too.
    let bare = mail_from(&doctor, &reply_to, "", "No results BAREMARK", "a4");
    assert_eq!(ingest_cli(&app, &bare).0, 0);
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(page.contains("PASSMARK"));
    assert!(page.contains("dkim=pass for evil.example"), "{page}");
    assert!(page.contains("left no authentication results"));
    assert!(
        page.contains(&format!("Unverified reply from {EXT_EMAIL}")),
        "{page}"
    );
    assert!(page.contains("dmarc=fail"));
    assert_eq!(app.event_count(&id, &["reply"]), 1);
    assert_eq!(app.audit_count(Audit::action("reply_held")), 3);
}

#[tokio::test]
async fn a_permanent_refusal_fails_after_one_try_and_the_sender_corrects_the_address() {
    let mut sink = SmtpSink::reserve();
    sink.refuse(EXT_EMAIL);
    sink.start();
    let app = TestApp::spawn_with(|s| mail_settings(s, Some(sink.port))).await;
    let gp = app.login(GP, PW).await;
    let id = refer_outside(&app, &gp).await;
    let page = app
        .page_with(
            &gp.client,
            &format!("/referrals/{id}"),
            "Not delivered: mailbox unknown",
        )
        .await;
    assert!(page.contains("Not delivered: mailbox unknown"), "{page}");
    assert!(page.contains("Correct the address and resend"));
    assert_eq!(sink.tries_for(EXT_EMAIL), 1);
    // Hours later the worker has not tried again: a 5xx is final.
    app.clock.advance(chrono::Duration::hours(7));
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(
        sink.tries_for(EXT_EMAIL),
        1,
        "a permanent failure is not retried"
    );
    // Seven hours idle ended the session: sign in again.
    let gp = app.login(GP, PW).await;
    let (nst, notes) = app.get(&gp.client, "/notifications").await;
    assert_eq!(nst, StatusCode::OK, "{notes}");
    assert!(
        notes.contains(&format!(
            "The e-mail to {EXT_EMAIL} was not delivered: mailbox unknown"
        )),
        "{notes}"
    );
    assert_eq!(app.audit_count(Audit::action("email_failed")), 1);

    // A wrong correction re-renders with the error beside the field and what was typed.
    let (status, body, _) = app
        .send(
            &gp,
            &format!("/referrals/{id}/address"),
            &[("email", "not an address")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"address-email-error\""), "{body}");
    assert!(body.contains("value=\"not an address\""));
    // A colleague's address in the network is refused the same way.
    let (status, body, _) = app
        .send(&gp, &format!("/referrals/{id}/address"), &[("email", GP2)])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("belongs to a practitioner in the network"),
        "{body}"
    );

    let fixed = "kiran.rao@heartcare.example";
    let (status, _, _) = app
        .send(
            &gp,
            &format!("/referrals/{id}/address"),
            &[("email", fixed)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let raw = eventually("the letter to the corrected address", || {
        sink.messages().into_iter().next()
    })
    .await;
    let (to, reply_to, body) = text_of(&raw);
    assert_eq!(to, fixed);
    assert!(body.contains("/l/"));
    // Bounces of it will come back to the reply address (the envelope sender).
    assert_eq!(sink.envelope_senders(), vec![reply_to]);
    let page = app
        .page_with(
            &gp.client,
            &format!("/referrals/{id}"),
            "Delivered to the mail server",
        )
        .await;
    assert!(
        page.contains("withdrawn"),
        "the first link was withdrawn: {page}"
    );
    assert!(!page.contains("Correct the address and resend"));
    assert_eq!(app.audit_count(Audit::action("address_corrected")), 1);
}

fn bounce(reply_to: &str, original_mid: &str, recipient: &str) -> Vec<u8> {
    format!(
        "From: Mail Delivery System <MAILER-DAEMON@mx.heartcare.example>\r\n\
         To: {reply_to}\r\n\
         Subject: Undelivered Mail Returned to Sender\r\n\
         Message-ID: <bounce-{original_mid}@mx.heartcare.example>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\
         \r\n\
         --B\r\n\
         Content-Type: text/plain; charset=us-ascii\r\n\
         \r\n\
         I'm sorry to have to inform you that your message could not be delivered.\r\n\
         --B\r\n\
         Content-Type: message/delivery-status\r\n\
         \r\n\
         Reporting-MTA: dns; mx.heartcare.example\r\n\
         \r\n\
         Final-Recipient: rfc822; {recipient}\r\n\
         Action: failed\r\n\
         Status: 5.1.1\r\n\
         Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected:\r\n \
         User unknown in virtual mailbox table\r\n\
         \r\n\
         --B\r\n\
         Content-Type: text/rfc822-headers\r\n\
         \r\n\
         From: Handoff <handoff@lakeside.example>\r\n\
         To: {recipient}\r\n\
         Message-ID: {original_mid}\r\n\
         Subject: Referral\r\n\
         \r\n\
         --B--\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn a_bounce_on_the_reply_address_marks_the_letter_not_delivered() {
    let sink = SmtpSink::started();
    let app = TestApp::spawn_with(|s| mail_settings(s, Some(sink.port))).await;
    let gp = app.login(GP, PW).await;
    let id = refer_outside(&app, &gp).await;
    let raw = eventually("the letter", || sink.messages().into_iter().next()).await;
    let (_, reply_to, _) = text_of(&raw);
    let mid = mail_parser::MessageParser::default()
        .parse(&raw)
        .and_then(|m| m.message_id().map(|s| format!("<{s}>")))
        .unwrap();
    app.page_with(
        &gp.client,
        &format!("/referrals/{id}"),
        "Delivered to the mail server",
    )
    .await;
    // The remote server accepted it, then bounced it to the envelope sender.
    assert_eq!(sink.envelope_senders(), vec![reply_to.clone()]);
    let dsn = bounce(&reply_to, &mid, EXT_EMAIL);
    // A "bounce" with a sender on its envelope is somebody's message, not a report: held
    // for the sender to judge, and the letter stays delivered.
    let mut forged = b"Return-Path: <someone@elsewhere.example>\r\n".to_vec();
    forged.extend_from_slice(&dsn);
    let forged = String::from_utf8(forged)
        .unwrap()
        .replace("<bounce-", "<forged-bounce-")
        .into_bytes();
    assert_eq!(ingest_cli(&app, &forged).0, 0);
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(
        page.contains("Unverified reply from MAILER-DAEMON@mx.heartcare.example"),
        "{page}"
    );
    assert!(!page.contains("Not delivered"));
    let (code, err) = ingest_cli(&app, &dsn);
    assert_eq!(code, 0, "{err}");
    let (_, page) = app.get(&gp.client, &format!("/referrals/{id}")).await;
    assert!(page.contains("Not delivered: mailbox unknown"), "{page}");
    assert!(page.contains("Correct the address and resend"));
    assert!(
        !timeline_text(&page).contains("I'm sorry to have to inform you"),
        "a bounce is not a reply"
    );
    assert_eq!(app.event_count(&id, &["reply"]), 0);
    // The same report again changes nothing and tells nobody twice.
    assert_eq!(ingest_cli(&app, &dsn).0, 0);
    assert_eq!(app.audit_count(Audit::action("email_failed")), 1);
}
