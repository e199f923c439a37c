//! The `handoff` command: serve, migrate, seed, create-user, verify-audit, audit-checkpoint,
//! backup, restore.

use std::io::BufRead;
use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use crate::clock::SystemClock;
use crate::config::{Cli, Command, Settings};
use crate::domain::people::Role;
use crate::logging::LogFormat;
use crate::services::{Services, seed};
use crate::startup::{self, ServerOptions};

/// The audit chain did not verify (exit status 3, distinct from other failures).
#[derive(Debug)]
struct ChainBroken;

impl std::fmt::Display for ChainBroken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the audit log does not verify")
    }
}

impl std::error::Error for ChainBroken {}

/// `ingest-mail` exit statuses, from sysexits.h as MTAs read them.
#[derive(Debug)]
struct IngestFailed(u8, String);

impl std::fmt::Display for IngestFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.1)
    }
}

impl std::error::Error for IngestFailed {}

/// EX_DATAERR: the message could not be read or was refused.
const EX_DATAERR: u8 = 65;
/// EX_NOUSER: no referral answers to this address (unknown or forged tag).
const EX_NOUSER: u8 = 67;
/// EX_TEMPFAIL: try again later (the database is unavailable).
const EX_TEMPFAIL: u8 = 75;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let format = cli.settings.log_format;
    crate::logging::init(format);
    // With JSON logs every line on standard error is a JSON object, the last words too.
    let fail = |prefix: &str, e: &anyhow::Error| match format {
        LogFormat::Text => eprintln!("{prefix}: {e:#}"),
        LogFormat::Json => log::error!(target: "handoff", "{e:#}"),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is::<IngestFailed>() => {
            fail("handoff ingest-mail", &e);
            ExitCode::from(e.downcast_ref::<IngestFailed>().map_or(2, |f| f.0))
        }
        Err(e) if e.is::<ChainBroken>() => {
            fail("handoff", &e);
            ExitCode::from(3)
        }
        Err(e) => {
            fail("handoff", &e);
            ExitCode::from(2)
        }
    }
}

/// A service's refusal as the command prints it: a conflict is its message alone.
fn refusal(e: crate::error::AppError) -> anyhow::Error {
    match e {
        crate::error::AppError::Conflict(m) => anyhow::anyhow!(m),
        e => anyhow::anyhow!("{e}"),
    }
}

fn services(settings: &Settings) -> anyhow::Result<Services> {
    startup::prepare(settings, Arc::new(SystemClock))
}

fn print_demo(logins: &[seed::DemoLogin]) {
    println!(
        "Demo network ready. Every demo account's password is: {}",
        seed::DEMO_PASSWORD
    );
    for l in logins {
        println!("  {:<14} {:<42} {}", l.role, l.email, l.who);
    }
}

/// The demo's year of history, right after a fresh demo network was seeded.
fn demo_history(svc: &Services) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let h = crate::services::demo_history::seed_demo_history(svc)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "Demo history: {} more patients, {} referrals over the last year ({:.1} s)",
        h.patients,
        h.referrals,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn backup(settings: &Settings, dest: &std::path::Path) -> anyhow::Result<()> {
    use crate::clock::Clock;
    use crate::services::backup::{self, DataPlace, Outcome};
    let url = settings.db_url()?;
    let files_dir = settings.files_dir();
    let place = DataPlace {
        url: &url,
        data_dir: &settings.data_dir,
        files_dir: (!settings.store_is_s3()).then_some(files_dir.as_path()),
    };
    let started = std::time::Instant::now();
    match backup::backup(&place, dest, SystemClock.now())? {
        Outcome::PostgresCommands(commands) => {
            print!("{commands}");
            anyhow::bail!("nothing copied: on PostgreSQL, run the commands above");
        }
        Outcome::Written(m) => {
            println!(
                "backup written to {} in {:.2} s: {} referrals, {} audit rows (head {}), {} files",
                dest.display(),
                started.elapsed().as_secs_f64(),
                m.referrals,
                m.audit_events,
                m.audit_head_seq,
                m.files
            );
            if !m.files_missing.is_empty() {
                println!(
                    "warning: {} stored file(s) were removed before they could be copied: {}",
                    m.files_missing.len(),
                    m.files_missing.join(", ")
                );
            }
        }
    }
    Ok(())
}

fn restore(settings: &Settings, src: &std::path::Path, force: bool) -> anyhow::Result<()> {
    use crate::services::backup::{self, DataPlace};
    let url = settings.db_url()?;
    let files_dir = settings.files_dir();
    let place = DataPlace {
        url: &url,
        data_dir: &settings.data_dir,
        files_dir: (!settings.store_is_s3()).then_some(files_dir.as_path()),
    };
    let r = backup::restore(&place, src, force)?;
    println!(
        "restored the backup of {} into {}{}: integrity ok, audit chain ok ({} rows), \
         {} referrals, {} files copied",
        r.manifest.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
        url.redacted(),
        if r.replaced {
            " (replacing the database)"
        } else {
            ""
        },
        r.audit_rows,
        r.manifest.referrals,
        r.files_copied
    );
    if !r.files_missing.is_empty() {
        println!(
            "warning: {} stored file(s) the database names are not in the backup: {}",
            r.files_missing.len(),
            r.files_missing.join(", ")
        );
    }
    Ok(())
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = cli.settings;
    match cli.command {
        Command::IngestMail => {
            use crate::services::inbound::{IngestError, audit_refused_mail, ingest};
            use std::io::Read;
            let mut raw = Vec::new();
            std::io::stdin()
                .take(64 * 1024 * 1024)
                .read_to_end(&mut raw)?;
            let svc =
                services(&settings).map_err(|e| IngestFailed(EX_TEMPFAIL, format!("{e:#}")))?;
            match ingest(&svc, &raw, "mail pipe") {
                Ok(done) => println!("{}", done.describe()),
                Err(e) => {
                    let code = match &e {
                        IngestError::BadTag => EX_NOUSER,
                        IngestError::Unavailable(_) => EX_TEMPFAIL,
                        IngestError::Unreadable | IngestError::Refused(_) => EX_DATAERR,
                    };
                    if code != EX_TEMPFAIL {
                        let _ = audit_refused_mail(&svc, "mail pipe", &e.to_string());
                    }
                    return Err(IngestFailed(code, e.to_string()).into());
                }
            }
        }
        Command::Jobs { run } => {
            use crate::services::jobs;
            let svc = services(&settings)?;
            let specs = jobs::specs(std::time::Duration::from_secs(2), &svc.anchor);
            let err = |e: crate::error::AppError| anyhow::anyhow!("{e}");
            jobs::ensure(&svc.pool, &specs, svc.now()).map_err(err)?;
            if run {
                let me = jobs::instance_name();
                for (name, outcome) in
                    jobs::run_due(&jobs::Env::of(&svc), &me, &specs).map_err(err)?
                {
                    match outcome {
                        Ok(done) => println!("ran {name}: {done}"),
                        Err(e) => println!("ran {name}: FAILED: {e}"),
                    }
                }
            }
            print!("{}", jobs::report(&svc).map_err(err)?);
        }
        Command::VerifyAudit => {
            use crate::services::audit_anchor::{Verdict, verify};
            let svc = services(&settings)?;
            let verdict = verify(&svc).map_err(refusal)?;
            println!("{}", verdict.describe());
            if !matches!(verdict, Verdict::Ok { .. }) {
                return Err(ChainBroken.into());
            }
        }
        Command::AuditCheckpoint => {
            let svc = services(&settings)?;
            let taken =
                crate::services::audit_anchor::checkpoint_by_operator(&svc).map_err(refusal)?;
            println!("{}", taken.describe());
        }
        Command::Backup { dest } => backup(&settings, &dest)?,
        Command::Restore { src, force } => restore(&settings, &src, force)?,
        Command::Migrate => {
            let url = settings.db_url()?;
            services(&settings)?;
            println!("migrations are up to date on {}", url.redacted());
        }
        Command::Seed {
            demo,
            referrals,
            to,
            network_referrals,
        } => {
            if !demo && referrals == 0 && network_referrals == 0 {
                anyhow::bail!(
                    "say what to seed: handoff seed --demo [--referrals N] [--network-referrals N]"
                );
            }
            let svc = services(&settings)?;
            if demo {
                match seed::seed_demo(&svc).map_err(|e| anyhow::anyhow!("{e}"))? {
                    Some(logins) => {
                        print_demo(&logins);
                        // Generated referrals asked for take the place of the history.
                        if referrals == 0 && network_referrals == 0 {
                            demo_history(&svc)?;
                        }
                    }
                    None => println!("the database already has clinics; nothing seeded"),
                }
            }
            if referrals > 0 {
                let n = seed::generate_referrals(&svc, referrals, &to)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                println!("generated {n} referrals to {to}");
            }
            if network_referrals > 0 {
                let started = std::time::Instant::now();
                let n = seed::generate_network_referrals(&svc, network_referrals)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                println!(
                    "generated {n} referrals across the network in {:.1} s",
                    started.elapsed().as_secs_f64()
                );
            }
        }
        Command::CreateUser {
            email,
            name,
            role,
            clinic,
            city,
            specialty,
        } => {
            let role = match Role::parse(&role) {
                Some(r) => r,
                None => anyhow::bail!("--role must be clinic_admin or practitioner"),
            };
            let password = match std::env::var("HANDOFF_PASSWORD") {
                Ok(p) if !p.is_empty() => p,
                _ => {
                    eprintln!("password (at least 10 characters), then Enter:");
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let svc = services(&settings)?;
            let user = crate::services::accounts::create_user_cli(
                &svc,
                &crate::services::accounts::CliAccount {
                    email: &email,
                    name: &name,
                    role,
                    clinic: &clinic,
                    city: &city,
                    specialty: &specialty,
                    password: &password,
                },
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "created {} {} ({})",
                role.label().to_lowercase(),
                user.email,
                user.id
            );
        }
        Command::ApiClient {
            practitioner,
            name,
            scopes,
        } => {
            let svc = services(&settings)?;
            let (client, token) =
                crate::services::api_clients::create_cli(&svc, &practitioner, &name, &scopes)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            eprintln!(
                "created API client {} ({}) for {practitioner}, scopes {}; the token follows, shown only this once",
                client.name, client.id, client.scopes
            );
            println!("{token}");
        }
        Command::Serve {
            bind,
            port,
            demo,
            no_history,
            workers,
            no_jobs,
        } => {
            startup::ensure_audit_key(&settings)?;
            let svc = services(&settings)?;
            if demo {
                if let Some(logins) = seed::seed_demo(&svc).map_err(|e| anyhow::anyhow!("{e}"))? {
                    print_demo(&logins);
                    if !no_history {
                        demo_history(&svc)?;
                    }
                } else {
                    println!(
                        "Demo logins: see README (password {}).",
                        seed::DEMO_PASSWORD
                    );
                }
            }
            let key = startup::cookie_key(&settings)?;
            let listener = TcpListener::bind((bind.as_str(), port))
                .map_err(|e| anyhow::anyhow!("cannot listen on {bind}:{port}: {e}"))?;
            let addr = listener.local_addr()?;
            let url = settings.db_url()?;
            println!(
                "Handoff is running at http://{addr}/ ({} database)",
                url.backend_name()
            );
            let metrics_listener = match settings.metrics_addr() {
                Some(a) => {
                    let l = TcpListener::bind(a)
                        .map_err(|e| anyhow::anyhow!("cannot listen on {a} for /metrics: {e}"))?;
                    log::info!("metrics at http://{}/metrics", l.local_addr()?);
                    Some(l)
                }
                None => None,
            };
            let opts = ServerOptions {
                secure_cookies: settings.served_over_https(),
                workers,
                extra_routes: None,
                mail_poll: std::time::Duration::from_secs(2),
                run_jobs: !no_jobs,
                metrics_token: settings.metrics_token.clone(),
                metrics_listener,
            };
            actix_web::rt::System::new().block_on(async move {
                startup::server(listener, svc, key, opts)?
                    .await
                    .map_err(anyhow::Error::from)
            })?;
        }
    }
    Ok(())
}
