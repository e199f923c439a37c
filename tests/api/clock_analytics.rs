//! The clock on the analytics page (issue 14): of two urgent referrals, one triaged before
//! its due time and one after, the sender's page shows half within the service level for
//! that priority, and the time they spent in Sent.

use chrono::Duration;
use reqwest::StatusCode;

use crate::builders::*;
use crate::helpers::*;

const CARDIO: &str = "farah.siddiqui@harbour.example";

#[tokio::test]
async fn half_triaged_within_the_level_shows_fifty_percent_for_its_priority() {
    let app = TestApp::spawn().await;
    let aarav = app.patient_id("Aarav Sharma");
    let mut ids = Vec::new();
    for _ in 0..2 {
        let r = app
            .referral()
            .from(GP)
            .patient_id(&aarav)
            .to(CARDIO)
            .priority("urgent")
            .in_state(State::Sent)
            .await;
        ids.push(r.id);
    }
    // In time: an hour later.
    app.clock.advance(Duration::hours(1));
    app.act(&app.login(CARDIO, PW).await, &ids[0], "accept", &[])
        .await
        .ok("accept in time");
    // Late: three weeks later, long past any triage level.
    app.clock.advance(Duration::days(21));
    app.act(&app.login(CARDIO, PW).await, &ids[1], "accept", &[])
        .await
        .ok("accept late");
    let gp = app.login(GP, PW).await;
    let (status, page) = app.get(&gp.client, "/analytics").await;
    assert_eq!(status, StatusCode::OK);
    let row = |id: &str| {
        let start = page
            .find(&format!("id=\"level-{id}\""))
            .unwrap_or_else(|| panic!("no level line {id}"));
        page[start..].split("</tr>").next().unwrap().to_string()
    };
    let urgent = row("urgent");
    assert!(
        urgent.contains(
            "<td class=\"num\">2</td><td class=\"num\">1</td><td class=\"num\">50 %</td>"
        ),
        "{urgent}"
    );
    assert!(
        row("routine").contains("<td class=\"num\">0</td>"),
        "nothing routine"
    );
    assert!(row("all").contains("50 %"));
    // Both left Sent: one after an hour, one after three weeks.
    assert!(page.contains("class=\"state-line\""));
    let sent = page
        .split("class=\"state-line\"")
        .skip(1)
        .find(|s| s.contains("Sent</th>"))
        .expect("a Sent line");
    assert!(
        sent.contains("<td class=\"num\">2</td><td class=\"num\">1 h</td>"),
        "{sent}"
    );
    // The admin of the sender's clinic sees the same share.
    let admin = app.login("admin@lakeside.example", PW).await;
    let (_, page) = app.get(&admin.client, "/analytics").await;
    assert!(page.contains("id=\"level-urgent\""));
    assert!(page.contains("50 %"));
}
