//! Statements per transition, counted with diesel's connection instrumentation on the
//! test's own thread (the service runs there, synchronously, in one transaction).

use diesel::prelude::*;
use handoff::domain::policy::Actor;
use handoff::domain::referral::Command;
use handoff::services::Caller;

use crate::builders::State;
use crate::helpers::*;
use crate::statements::{ON_THREAD, install};

/// Runs `f` and returns the statements it ran on this thread.
fn counted<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    let before = ON_THREAD.with(|s| s.borrow().len());
    let out = f();
    (out, ON_THREAD.with(|s| s.borrow()[before..].to_vec()))
}

#[tokio::test]
async fn statements_per_accept() {
    install();
    let app = TestApp::spawn().await;
    let to_email = "ananya.bose@northgate.example";
    let made = app.referral().to(to_email).in_state(State::Sent).await;
    let (id, to) = (made.id, app.user_id(to_email));
    use handoff::db::schema::{referrals, users};
    let (version, clinic): (i64, String) = {
        let mut c = app.conn();
        let v = referrals::table
            .find(&id)
            .select(referrals::version)
            .first(&mut *c)
            .unwrap();
        let k = users::table
            .find(&to)
            .select(users::clinic_id)
            .first(&mut *c)
            .unwrap();
        (v, k)
    };
    let caller = Caller {
        actor: Actor::Practitioner {
            user_id: to.clone(),
            clinic_id: clinic,
        },
        ip: "127.0.0.1".into(),
        user_agent: "test".into(),
    };
    let input = handoff::services::referrals::CommandInput {
        version: version.to_string(),
        ..Default::default()
    };
    let (r, seen) = counted(|| {
        handoff::services::referrals::apply(&app.svc, &caller, &id, Command::Accept, &input)
    });
    assert_eq!(
        r.expect("accepted"),
        handoff::domain::referral::Status::Accepted
    );
    // From BEGIN on: PostgreSQL's pool tests a connection with `SELECT 1` when it is
    // checked out, which is not the transaction's work.
    let statements: Vec<String> = seen
        .into_iter()
        .skip_while(|q| !q.starts_with("BEGIN"))
        .collect();
    let n = statements.len();
    let statements = statements.join("\n  ");
    println!("statements per accept: {n}\n  {statements}");
    // 32 before the house issue (the patient read three times, live consents read when no
    // consent gate applies, three reads per notice); every row is now read once. The clock
    // (issue 14) adds three: the clinic's rules (for the due time written with the status),
    // the due time and first-decision flag before the move, and the "time in state" counter
    // (an accept after triage also counts "triaged within the service level": 29). The
    // counters go in one multi-row upsert per table since the clinic rollup (issue 18):
    // pair counters, clinic rows, receiver rows: 28; and the practitioner rollup's rows
    // (one more upsert, so a practitioner's analytics read no pair rows): 29.
    assert!(n <= 29, "an accept ran {n} statements:\n  {statements}");
}
