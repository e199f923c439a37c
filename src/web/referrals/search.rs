//! Step 1 of referring: the directory search for a receiver.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::directory::Hit;
use crate::error::AppResult;
use crate::services::analytics::{self, Responsiveness};
use crate::services::referrals as svc;
use crate::services::referrals::cover::{self, AwayNotice};
use crate::web::extract::{Ctx, Layout};
use crate::web::html;

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    from: String,
    /// Present (the links send "1") when the practitioner asks for advice instead of
    /// referring.
    #[serde(default)]
    ask: String,
}

#[derive(Template)]
#[template(path = "referrals/search.html")]
struct SearchPage {
    l: Layout,
    patient_id: String,
    patient_name: String,
    q: String,
    city: String,
    language: String,
    from: String,
    /// Asking for advice: the choice leads to the question composer.
    ask: bool,
    hits: Vec<Hit>,
    total: i64,
    page: i64,
    pages: i64,
    cities: Vec<String>,
    languages: Vec<String>,
    prev_href: Option<String>,
    next_href: Option<String>,
    /// Responsiveness of the listed practitioners (last 90 days).
    perf: HashMap<String, Responsiveness>,
    /// Those of them away today, and who covers.
    away: HashMap<String, AwayNotice>,
    /// Those of them that are services.
    services: Vec<String>,
}

impl SearchPage {
    fn perf_of(&self, h: &Hit) -> String {
        self.perf
            .get(&h.user_id)
            .cloned()
            .unwrap_or_default()
            .summary()
    }

    fn is_service(&self, h: &Hit) -> bool {
        self.services.contains(&h.user_id)
    }

    fn away_of(&self, h: &Hit) -> Option<&AwayNotice> {
        self.away.get(&h.user_id)
    }

    fn choose_href(&self, h: &Hit) -> String {
        let mut q = vec![("to", h.user_id.as_str())];
        if !self.from.is_empty() {
            q.push(("from", self.from.as_str()));
        }
        if self.ask {
            q.push(("ask", "1"));
        }
        format!(
            "/patients/{}/refer/new?{}",
            self.patient_id,
            serde_urlencoded::to_string(q).unwrap_or_default()
        )
    }
}

/// Step 1 of referring: find the specialist.
pub async fn search_page(
    ctx: Ctx,
    path: web::Path<String>,
    q: web::Query<SearchQuery>,
) -> AppResult<HttpResponse> {
    let pid = path.into_inner();
    let q = q.into_inner();
    let page = q.page.unwrap_or(1).clamp(1, 10_000);
    let (query, city, lang, pid2) = (q.q.clone(), q.city.clone(), q.language.clone(), pid.clone());
    let (res, patient, perf, away) = ctx
        .run(move |s, caller| {
            let patient = svc::patient_to_refer(s, caller, &pid2)?;
            let res = svc::search_directory(s, caller, &query, &city, &lang, page)?;
            // Only this page's practitioners, in one grouped query.
            let ids: Vec<String> = res.hits.iter().map(|h| h.user_id.clone()).collect();
            let perf = analytics::responsiveness_of(s, &ids)?;
            let away = cover::away_today(s, &ids)?;
            Ok((res, patient, perf, away))
        })
        .await?;
    // A flag: present means asking, whatever its value, and the links carry it as "1"
    // (a value never changes the page beyond on or off).
    let ask = !q.ask.is_empty();
    let href = |p: i64| {
        format!(
            "/patients/{pid}/refer?{}",
            serde_urlencoded::to_string([
                ("q", q.q.as_str()),
                ("city", &q.city),
                ("language", &q.language),
                ("from", &q.from),
                ("ask", if ask { "1" } else { "" }),
                ("page", &p.to_string())
            ])
            .unwrap_or_default()
        )
    };
    let title = if ask {
        "Ask a specialist for advice"
    } else {
        "Refer to another specialist"
    };
    html(&SearchPage {
        l: ctx.layout(title, "patients").await,
        ask,
        patient_name: format!("{} {}", patient.given_name, patient.family_name),
        prev_href: (res.page > 1).then(|| href(res.page - 1)),
        next_href: (res.page < res.pages).then(|| href(res.page + 1)),
        patient_id: pid,
        q: q.q,
        city: q.city,
        language: q.language,
        from: q.from,
        hits: res.hits,
        total: res.total,
        page: res.page,
        pages: res.pages,
        cities: res.cities,
        languages: res.languages,
        services: res.services,
        perf,
        away,
    })
}
