//! Statements per page: every SQL statement a signed-in GET causes, on any thread (the
//! handler's blocking-pool hops, the session store, the view auditor's group commit),
//! counted with diesel's connection instrumentation per database, so tests running beside
//! this one do not add to its counts. The figures are printed for BENCHMARKS.md and may not
//! grow (issue: speed that does not decay with history).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use diesel::connection::{Instrumentation, InstrumentationEvent};

use crate::builders::State;
use crate::helpers::*;

/// An in-network specialist (no practice, no approval step).
const RECEIVER: &str = "ananya.bose@northgate.example";

thread_local! {
    /// Statements run on this thread (the house test runs a service synchronously).
    pub static ON_THREAD: std::cell::RefCell<Vec<String>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Statements per database URL, since the instrumentation was installed.
fn per_url() -> &'static Mutex<HashMap<String, Arc<AtomicU64>>> {
    static MAP: OnceLock<Mutex<HashMap<String, Arc<AtomicU64>>>> = OnceLock::new();
    MAP.get_or_init(Mutex::default)
}

struct Counting {
    url: Option<Arc<AtomicU64>>,
}

impl Instrumentation for Counting {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartEstablishConnection { url, .. } => {
                let mut map = per_url().lock().unwrap();
                self.url = Some(map.entry(url.to_string()).or_default().clone());
            }
            InstrumentationEvent::StartQuery { query, .. } => {
                if let Some(n) = &self.url {
                    n.fetch_add(1, Ordering::SeqCst);
                }
                let q = query.to_string();
                if std::env::var_os("SHOW_STATEMENTS").is_some() {
                    eprintln!("SQL {}", q.chars().take(160).collect::<String>());
                }
                ON_THREAD.with(|s| s.borrow_mut().push(q.chars().take(90).collect()));
            }
            _ => {}
        }
    }
}

/// Installs the counting instrumentation for every connection made from now on (once per
/// test process; the house test and this one share it).
pub fn install() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        diesel::connection::set_default_instrumentation(|| Some(Box::new(Counting { url: None })))
            .expect("instrumentation");
    });
}

/// Statements run so far on the connections of `app`'s database.
fn of_app(app: &TestApp) -> u64 {
    let needle = match app.pg_database() {
        Some(name) => format!("/{name}"),
        None => app.settings.data_dir.to_string_lossy().into_owned(),
    };
    per_url()
        .lock()
        .unwrap()
        .iter()
        .filter(|(url, _)| url.contains(&needle))
        .map(|(_, n)| n.load(Ordering::SeqCst))
        .sum()
}

#[tokio::test]
async fn statements_per_page_stay_within_their_budget() {
    install();
    let app = TestApp::spawn_without_jobs().await;
    let gp = app.login(GP, PW).await;
    let made = app
        .referral()
        .by(&gp)
        .to(RECEIVER)
        .in_state(State::Sent)
        .await;
    let rx = app.login(RECEIVER, PW).await;
    let patient = format!("/patients/{}", made.patient_id);
    let referral = format!("/referrals/{}", made.id);
    // (page, who, at most on SQLite, at most on PostgreSQL, whose pool adds a `SELECT 1`
    // per connection checked out): the counts of the run that set them. A page may get
    // cheaper, never dearer without its budget being raised here and in BENCHMARKS.md.
    let pages: [(&str, &Session, &str, u64, u64); 5] = [
        ("patient list", &gp, "/patients", 4, 7),
        ("patient profile (audited)", &gp, &patient, 25, 29),
        // 13: the oldest open loops are the counters' total less the referrals passed on
        // elsewhere (one small count) instead of a walk of every open loop.
        // 14: the recent open-loop bands are two statements (the counters per day, then
        // the day each band starts in), not one walk of a month of open loops.
        // 15 (and the inbox 12): the overdue count is the due counters of the days before
        // today, then today's from the index, not a walk of every referral due before now.
        ("sent list", &gp, "/sent", 15, 18),
        // One more than before services: the queues the reader sees (its tabs).
        ("inbox", &rx, "/inbox", 13, 16),
        ("referral page (audited)", &rx, &referral, 27, 31),
    ];
    let on_pg = pg_admin_url().is_some();
    let mut report = Vec::new();
    for (name, who, path, on_sqlite, on_postgres) in pages {
        let budget = if on_pg { on_postgres } else { on_sqlite };
        // Once to warm what a first visit does once (the session's first touch), then counted.
        assert_eq!(app.get(&who.client, path).await.0, reqwest::StatusCode::OK);
        let before = of_app(&app);
        if std::env::var_os("SHOW_STATEMENTS").is_some() {
            eprintln!("PAGE {name}");
        }
        let (status, _) = app.get(&who.client, path).await;
        let n = of_app(&app) - before;
        assert_eq!(status, reqwest::StatusCode::OK, "{name}");
        report.push(format!("{name}: {n} statements (budget {budget})"));
        assert!(n > 0, "{name}: the counter saw no statement");
        assert!(
            n <= budget,
            "{name} ran {n} statements, over its budget of {budget}"
        );
    }
    println!("statements per page:\n  {}", report.join("\n  "));
}
