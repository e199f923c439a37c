//! The file store, whichever it is: files land in the configured store (an S3 bucket when
//! the suite runs with `TEST_S3_ENDPOINT`), stream back whole, an unreachable bucket is a
//! 503 that keeps what was typed and records nothing, the sweep removes only files no row
//! needs once their grace period is over, and letters are typeset once and cached there.

use chrono::Duration;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::builders::*;
use crate::external::pdf_text;
use crate::helpers::*;

/// A PDF-looking file of `len` bytes whose content varies, so chunks cannot line up by luck.
fn pdf_of(len: usize) -> Vec<u8> {
    let mut b = b"%PDF-1.4\n".to_vec();
    b.extend((0..len - 9).map(|i| b'a' + (i * 7 % 26) as u8));
    b
}

#[tokio::test]
async fn a_file_lands_in_the_configured_store_and_streams_back_whole() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    // Several download chunks long (64 KiB each on the folder store).
    let bytes = pdf_of(300_000);
    let r = upload_chart_pdf(&app, &gp, &pid, "Holter summary", bytes.clone()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let stored = app.stored_files();
    assert_eq!(stored.len(), 1, "{stored:?}");
    if s3_endpoint().is_some() {
        // In the bucket, named by its content hash; nothing in the local folder.
        let hash = hex::encode(Sha256::digest(&bytes));
        assert!(stored[0].starts_with(&hash), "{stored:?}");
        let local = std::fs::read_dir(app.settings.data_dir.join("files"))
            .map(|d| d.flatten().filter(|e| e.path().is_file()).count())
            .unwrap_or(0);
        assert_eq!(local, 0);
    }
    let (_, page) = app.get(&gp.client, &format!("/patients/{pid}")).await;
    let r = app.get_raw(&gp.client, &chart_file_link(&page, &pid)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-length"], "300000");
    assert_eq!(r.bytes().await.unwrap().to_vec(), bytes);
}

#[tokio::test]
async fn an_unreachable_bucket_is_a_503_that_keeps_the_typed_text_and_records_nothing() {
    // Nothing listens on port 9: every S3 call is refused at once, as in an outage.
    let app = TestApp::spawn_with(|s| use_s3(s, "http://127.0.0.1:9")).await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let started = std::time::Instant::now();
    let r = upload_chart_pdf(&app, &gp, &pid, "Echo report from Tuesday", pdf_of(2_000)).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "an outage answers within seconds, not after minutes of retries: {:?}",
        started.elapsed()
    );
    let body = r.text().await.unwrap();
    assert!(body.contains("The file store is not answering"), "{body}");
    assert!(
        body.contains("Echo report from Tuesday"),
        "the typed title is shown back: {body}"
    );
    let (_, page) = app.get(&gp.client, &format!("/patients/{pid}")).await;
    assert!(
        !page.contains("Echo report from Tuesday"),
        "no row without its file"
    );
    // The load balancer takes this instance out: not ready, and why, in one word.
    let (status, body) = app.get(&app.client(), "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("storage"), "{body}");
    // Pages without files go on working.
    let (status, _) = app.get(&gp.client, "/patients").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_sweep_removes_only_files_no_row_needs_once_their_grace_is_over() {
    let app = TestApp::spawn_without_jobs().await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let kept = pdf_of(5_000);
    let r = upload_chart_pdf(&app, &gp, &pid, "Kept report", kept.clone()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let needed = app.stored_files();
    // A file written whose row never committed (the process died in between).
    let orphan = app.svc.store.stage(b"%PDF-1.4\norphan").unwrap();
    let orphan_key = orphan.key.clone();
    std::mem::forget(orphan);
    // A named object beside the files (an audit checkpoint) is not a file.
    app.svc
        .store
        .put_object("audit/checkpoints/000000000001.json", b"{}")
        .unwrap();
    assert_eq!(app.stored_files().len(), 2, "{:?}", app.stored_files());
    let sweep = |at| handoff::services::files_sweep::sweep(&app.svc.pool, &app.svc.store, at);
    // Within the grace period, nothing goes: the row might be about to commit.
    assert_eq!(sweep(app.svc.now()).unwrap(), 0);
    assert_eq!(app.stored_files().len(), 2);
    let later = app.svc.now() + Duration::hours(2);
    assert_eq!(sweep(later).unwrap(), 1);
    assert_eq!(
        app.stored_files(),
        needed,
        "the orphan {orphan_key} went, the rest stayed"
    );
    assert!(
        app.svc
            .store
            .get_object("audit/checkpoints/000000000001.json")
            .unwrap()
            .is_some()
    );
    let (_, page) = app.get(&gp.client, &format!("/patients/{pid}")).await;
    let r = app.get_raw(&gp.client, &chart_file_link(&page, &pid)).await;
    assert_eq!(r.bytes().await.unwrap().to_vec(), kept);
    assert_eq!(sweep(later).unwrap(), 0, "a second sweep finds nothing");
}

#[tokio::test]
async fn a_letter_is_typeset_once_per_version_and_a_withdrawn_consent_takes_its_copies() {
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let made = app.referral().by(&gp).in_state(State::Sent).await;
    let url = format!("/referrals/{}/letter.pdf", made.id);
    let folder = format!("letters/{}/", made.id);
    let letter = || async {
        let r = app.get_raw(&gp.client, &url).await;
        assert_eq!(r.status(), StatusCode::OK);
        r.bytes().await.unwrap().to_vec()
    };
    let first = letter().await;
    assert!(pdf_text(&first).contains("Chest tightness"));
    let cached = app.svc.store.list_objects(&folder).unwrap();
    assert_eq!(cached.len(), 1, "typeset once and kept: {cached:?}");
    // The same letter again comes from the store, byte for byte, and adds nothing.
    assert_eq!(letter().await, first);
    assert_eq!(app.svc.store.list_objects(&folder).unwrap(), cached);
    // The patient withdraws consent: the copies that show the snapshot go at once, and the
    // next letter is typeset anew without it.
    let patient = app.login(PATIENT_A, PW).await;
    withdraw_first_consent(&app, &patient).await;
    assert!(app.svc.store.list_objects(&folder).unwrap().is_empty());
    let after = letter().await;
    let text = pdf_text(&after);
    assert!(!text.contains("Chest tightness"), "{text}");
    assert!(text.contains("was withdrawn"), "{text}");
    let now_cached = app.svc.store.list_objects(&folder).unwrap();
    assert_eq!(now_cached.len(), 1);
    assert_ne!(now_cached, cached, "another letter, under another name");
    // The files job removes cached letters after a week; the letter is typeset again.
    let later = app.svc.now() + Duration::days(8);
    handoff::services::files_sweep::sweep(&app.svc.pool, &app.svc.store, later).unwrap();
    assert!(app.svc.store.list_objects(&folder).unwrap().is_empty());
}

/// A TCP proxy in front of the S3 server that can be cut (every connection dropped, new
/// ones refused) and restored: an outage in the middle of a session, then the recovery.
struct Cuttable {
    endpoint: String,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    cut: std::sync::Arc<tokio::sync::Notify>,
}

impl Cuttable {
    async fn before(target: &str) -> Cuttable {
        use std::sync::atomic::Ordering;
        let target = target.trim_start_matches("http://").to_string();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let cut = std::sync::Arc::new(tokio::sync::Notify::new());
        let (up2, cut2) = (up.clone(), cut.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                if !up2.load(Ordering::SeqCst) {
                    continue;
                }
                let (target, cut) = (target.clone(), cut2.clone());
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut.notified() => {}
                    }
                });
            }
        });
        Cuttable { endpoint, up, cut }
    }

    fn set(&self, up: bool) {
        self.up.store(up, std::sync::atomic::Ordering::SeqCst);
        if !up {
            self.cut.notify_waiters();
        }
    }
}

#[tokio::test]
async fn an_s3_outage_mid_session_is_a_503_and_the_same_server_recovers() {
    let Some(s3) = s3_endpoint() else {
        eprintln!("no TEST_S3_ENDPOINT: the S3 outage test runs in tests/s3/run.sh");
        return;
    };
    let proxy = Cuttable::before(&s3).await;
    let app = TestApp::spawn_with(|s| use_s3(s, &proxy.endpoint)).await;
    let gp = app.login(GP, PW).await;
    let pid = app.patient_id("Aarav Sharma");
    let before = pdf_of(100_000);
    let r = upload_chart_pdf(&app, &gp, &pid, "Before the outage", before.clone()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get(&gp.client, &format!("/patients/{pid}")).await;
    let link = chart_file_link(&page, &pid);

    proxy.set(false);
    let r = upload_chart_pdf(&app, &gp, &pid, "During the outage", pdf_of(3_000)).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = r.text().await.unwrap();
    assert!(body.contains("The file store is not answering"), "{body}");
    assert!(
        body.contains("During the outage"),
        "the typed title is kept: {body}"
    );
    assert_eq!(
        app.get_raw(&gp.client, &link).await.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "a download says the store is away, before sending anything"
    );
    let (status, body) = app.get(&app.client(), "/readyz").await;
    assert_eq!(
        (status, body.trim()),
        (StatusCode::SERVICE_UNAVAILABLE, "not ready: storage")
    );
    let (status, page) = app.get(&gp.client, &format!("/patients/{pid}")).await;
    assert_eq!(status, StatusCode::OK, "the chart still opens");
    assert!(!page.contains("During the outage"));

    // Back, without a restart.
    proxy.set(true);
    let (status, _) = app.get(&app.client(), "/readyz").await;
    assert_eq!(status, StatusCode::OK);
    let r = upload_chart_pdf(&app, &gp, &pid, "After the outage", pdf_of(3_000)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app.get_raw(&gp.client, &link).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().to_vec(), before);
}
