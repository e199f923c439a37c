//! `handoff-bench`: the Handoff server plus a TechEmpower-style Fortunes page at /fortunes,
//! built on the same stack (pool, web::block, diesel, askama), so that page speed can be
//! reported as a ratio against it. Built only with `--features bench`; run by bench/run.sh.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::{HttpResponse, web};
use askama::Template;
use clap::Parser;
use handoff::clock::SystemClock;
use handoff::config::Settings;
use handoff::db::fortunes::{self, Fortune};
use handoff::error::{AppError, AppResult};
use handoff::services::{Services, seed};
use handoff::startup::{self, ServerOptions};

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    settings: Settings,
    #[arg(long, default_value_t = 8088)]
    port: u16,
    /// Referrals generated into the benchmark receiver's inbox.
    #[arg(long, default_value_t = 10_000)]
    referrals: usize,
    /// Referrals generated across the whole network (the analytics benchmark uses 1,000,000
    /// in a database of its own).
    #[arg(long, default_value_t = 0)]
    network_referrals: usize,
    /// Do not run the background jobs (clock, mail, purge, audit checkpoint): the
    /// instruction count under callgrind then holds only what the requests cost, and a
    /// start on the kept 1 M database only migrates it.
    #[arg(long)]
    no_jobs: bool,
    /// Creates a read-only FHIR API client for the practitioner with this e-mail at start
    /// and writes its token and the practitioner's id to `--api-token-file` (the FHIR search
    /// page is measured with them).
    #[arg(long, requires = "api_token_file")]
    api_client_for: Option<String>,
    #[arg(long)]
    api_token_file: Option<std::path::PathBuf>,
}

#[derive(Template)]
#[template(path = "fortunes.html")]
struct FortunesPage {
    fortunes: Vec<Fortune>,
}

async fn fortunes_page(svc: web::Data<Services>) -> AppResult<HttpResponse> {
    let svc = svc.get_ref().clone();
    let mut rows =
        web::block(move || -> AppResult<Vec<Fortune>> { Ok(fortunes::all(&mut *svc.conn()?)?) })
            .await??;
    rows.push(Fortune {
        id: 0,
        message: "Additional fortune added at request time.".into(),
    });
    rows.sort_by(|a, b| a.message.cmp(&b.message));
    let body = FortunesPage { fortunes: rows }
        .render()
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body))
}

fn fortunes_route(cfg: &mut web::ServiceConfig) {
    cfg.route("/fortunes", web::get().to(fortunes_page));
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let svc = startup::prepare(&args.settings, Arc::new(SystemClock))?;
    fortunes::install(&mut *svc.pool.get()?)?;
    if seed::seed_demo(&svc)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .is_some()
    {
        // The benchmark signs in with a password through the login form: the demo's
        // second-factor clinic (Harbour, the receiver's) asks for none here.
        {
            let mut conn = svc.pool.get()?;
            if let Some(c) = handoff::db::clinics::find_by_name(&mut conn, "Harbour Health Centre")?
            {
                handoff::db::second_factor::set_required(&mut conn, &c.id, false)?;
            }
        }
        let n = seed::generate_referrals(&svc, args.referrals, "farah.siddiqui@harbour.example")
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!("generated {n} referrals");
        if args.network_referrals > 0 {
            let started = std::time::Instant::now();
            let n = seed::generate_network_referrals(&svc, args.network_referrals)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "generated {n} network referrals in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    if let (Some(email), Some(file)) = (&args.api_client_for, &args.api_token_file) {
        let (client, token) =
            handoff::services::api_clients::create_cli(&svc, email, "benchmark", "user/*.rs")
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        // The token, then the practitioner's id (the search names them as owner).
        std::fs::write(file, format!("{token}\n{}\n", client.user_id))?;
    }
    let key = startup::cookie_key(&args.settings)?;
    let listener = TcpListener::bind(("127.0.0.1", args.port))?;
    println!("bench server on http://{}/", listener.local_addr()?);
    let opts = ServerOptions {
        secure_cookies: false,
        workers: None,
        extra_routes: Some(fortunes_route),
        mail_poll: std::time::Duration::from_secs(2),
        run_jobs: !args.no_jobs,
        metrics_token: None,
        metrics_listener: None,
    };
    actix_web::rt::System::new().block_on(async move {
        startup::server(listener, svc, key, opts)?
            .await
            .map_err(anyhow::Error::from)
    })
}
