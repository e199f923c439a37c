//! Typed settings, from command-line flags and environment variables (flags win).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::db::{DbUrl, DbUrlError};
use crate::logging::LogFormat;

#[derive(Debug, Parser)]
#[command(
    name = "handoff",
    version,
    about = "Handoff: structured clinical referrals between clinics",
    long_about = "Handoff: structured clinical referrals between clinics.\n\n\
        With no DATABASE_URL, Handoff keeps everything in a SQLite file in the data folder \
        (created on first start, migrations applied on start)."
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database URL: sqlite://PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DB.
    /// Default: sqlite://<data-dir>/handoff.db. Any other scheme is refused.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Folder for the SQLite file, uploaded files and the generated session key.
    #[arg(long, env = "HANDOFF_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Where uploaded files are kept: `s3://bucket/prefix` for an S3-compatible bucket
    /// (endpoint, region and credentials from the usual AWS_* variables: AWS_ENDPOINT_URL,
    /// AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ALLOW_HTTP), or a folder.
    /// Default: <data-dir>/files. Several instances on several machines need a bucket (or
    /// one shared folder).
    #[arg(long, env = "HANDOFF_STORE_URL", global = true)]
    pub store_url: Option<String>,

    /// S3 settings given in-process rather than through the environment (tests): pairs of
    /// object_store configuration keys and values, applied over the AWS_* variables.
    #[arg(skip)]
    pub store_options: Vec<(String, String)>,

    /// Secret (at least 32 characters) that signs session cookies. Default: a random key
    /// generated once and kept in <data-dir>/session.key. Set it when several app
    /// instances serve one database, so that they all accept the same cookies.
    #[arg(
        long,
        env = "HANDOFF_SESSION_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub session_secret: Option<String>,

    /// Mark cookies Secure (set this when Handoff is served over HTTPS).
    #[arg(
        long,
        env = "HANDOFF_SECURE_COOKIES",
        default_value_t = false,
        global = true
    )]
    pub secure_cookies: bool,

    /// Largest accepted upload, per file, in megabytes.
    #[arg(
        long,
        env = "HANDOFF_MAX_UPLOAD_MB",
        default_value_t = 20,
        global = true
    )]
    pub max_upload_mb: u64,

    /// Database connections in the pool. Default: 16 on PostgreSQL; on SQLite twice the
    /// cores, at least 4 and at most 16 (SQLite works in the app's own threads: more
    /// connections than that only contend for the same cores).
    #[arg(long, env = "HANDOFF_DB_POOL_SIZE", global = true)]
    pub db_pool_size: Option<u32>,

    /// Wrong link tokens (outside doctors' links) accepted per client address per minute
    /// before the next is refused with 429. Raise it if many people share one address.
    #[arg(
        long,
        env = "HANDOFF_LINK_ATTEMPTS_PER_MINUTE",
        default_value_t = 10,
        global = true
    )]
    pub link_attempts_per_minute: i64,

    /// Log lines as text, or as one JSON object per line (time, level, target, message,
    /// request id) for a log shipper. Logs go to standard error.
    #[arg(
        long,
        env = "HANDOFF_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text,
        global = true
    )]
    pub log_format: LogFormat,

    /// Bearer token that GET /metrics (Prometheus) asks for on the main listener. Without
    /// it, and without --metrics-addr, /metrics answers 404.
    #[arg(
        long,
        env = "HANDOFF_METRICS_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,

    /// Serve /metrics on this address of its own (for example 127.0.0.1:9100), without a
    /// token, and no longer on the main listener.
    #[arg(long, env = "HANDOFF_METRICS_ADDR", global = true)]
    pub metrics_addr: Option<String>,
    /// Addresses of the reverse proxies or load balancers in front of Handoff,
    /// comma-separated (as Handoff sees them connect, e.g. 127.0.0.1 for nginx on the same
    /// machine). A request from one of them comes from the address it appended to
    /// X-Forwarded-For: sign-in throttling and the audit log then see each client, not
    /// the proxy. Without it the header is ignored.
    #[arg(
        long,
        env = "HANDOFF_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    #[command(flatten)]
    pub mail: MailSettings,

    #[command(flatten)]
    pub audit: AuditSettings,
}

/// Checkpoints of the audit chain, signed with a key the database never holds.
#[derive(Debug, Clone, Args)]
pub struct AuditSettings {
    /// A file holding the ed25519 seed (64 hex digits) that signs audit checkpoints. Keep
    /// it away from the database and its backups. Default: <data-dir>/audit-signing.key,
    /// created by the first `handoff serve`.
    #[arg(long, env = "HANDOFF_AUDIT_KEY_FILE", global = true)]
    pub audit_key_file: Option<PathBuf>,

    /// The same seed given directly (64 hex digits), instead of a file.
    #[arg(long, env = "HANDOFF_AUDIT_KEY", global = true, hide_env_values = true)]
    pub audit_key: Option<String>,

    /// Minutes between the signed checkpoints `serve` takes (only when the log moved).
    #[arg(
        long,
        env = "HANDOFF_AUDIT_CHECKPOINT_MINUTES",
        default_value_t = 60,
        global = true
    )]
    pub audit_checkpoint_minutes: u32,
}

impl Default for AuditSettings {
    fn default() -> Self {
        AuditSettings {
            audit_key_file: None,
            audit_key: None,
            audit_checkpoint_minutes: 60,
        }
    }
}

/// Mail: the SMTP server, addresses, and signed links for doctors outside the network.
#[derive(Debug, Clone, Args)]
pub struct MailSettings {
    /// SMTP server host. Without it, mail is written as .eml files to <data-dir>/mail-out
    /// (for development).
    #[arg(long, env = "HANDOFF_SMTP_HOST", global = true)]
    pub smtp_host: Option<String>,

    /// SMTP port.
    #[arg(long, env = "HANDOFF_SMTP_PORT", default_value_t = 587, global = true)]
    pub smtp_port: u16,

    /// SMTP transport security: starttls (required), tls (implicit, usually port 465) or
    /// none (plain text: only for a relay on the same machine).
    #[arg(
        long,
        env = "HANDOFF_SMTP_TLS",
        default_value = "starttls",
        global = true
    )]
    pub smtp_tls: String,

    /// SMTP user name, if the server wants one.
    #[arg(long, env = "HANDOFF_SMTP_USER", global = true)]
    pub smtp_user: Option<String>,

    /// SMTP password.
    #[arg(
        long,
        env = "HANDOFF_SMTP_PASSWORD",
        global = true,
        hide_env_values = true
    )]
    pub smtp_password: Option<String>,

    /// The From address of every message.
    #[arg(
        long,
        env = "HANDOFF_MAIL_FROM",
        default_value = "Handoff <handoff@localhost>",
        global = true
    )]
    pub mail_from: String,

    /// Domain of the reply addresses (reply+TAG@DOMAIN); its MTA pipes mail to
    /// `handoff ingest-mail` or posts it to /ingest/mail.
    #[arg(
        long,
        env = "HANDOFF_REPLY_DOMAIN",
        default_value = "localhost",
        global = true
    )]
    pub reply_domain: String,

    /// Address the app is reached at from outside, for links in e-mails.
    #[arg(
        long,
        env = "HANDOFF_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    pub public_url: String,

    /// Days a signed link stays valid.
    #[arg(long, env = "HANDOFF_LINK_DAYS", default_value_t = 30, global = true)]
    pub link_days: i64,

    /// The time zone (IANA name) a new practice's form starts with; each practice keeps its
    /// own, and every time a patient reads is in their visit's practice zone.
    #[arg(
        long,
        env = "HANDOFF_TIME_ZONE",
        default_value = "Asia/Kolkata",
        global = true
    )]
    pub default_time_zone: String,

    /// Tries before a message is marked failed.
    #[arg(
        long,
        env = "HANDOFF_MAIL_MAX_TRIES",
        default_value_t = 8,
        global = true
    )]
    pub mail_max_tries: u32,

    /// Seconds before the first retry; each further retry waits twice as long (at most
    /// six hours).
    #[arg(
        long,
        env = "HANDOFF_MAIL_RETRY_SECS",
        default_value_t = 60,
        global = true
    )]
    pub mail_retry_secs: u64,

    /// Bearer token for POST /ingest/mail (an MTA webhook delivering replies). Without it
    /// the endpoint refuses everything.
    #[arg(
        long,
        env = "HANDOFF_INGEST_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub ingest_token: Option<String>,

    /// The authserv-id of the mail server that receives replies (its host name, as it
    /// writes it in `Authentication-Results`). Only that server's DKIM/SPF/DMARC results
    /// are believed; a reply they do not confirm is held for the sender. Unset: replies are
    /// checked by their From address alone.
    #[arg(long, env = "HANDOFF_MAIL_AUTHSERV_ID", global = true)]
    pub mail_authserv_id: Option<String>,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            smtp_host: None,
            smtp_port: 587,
            smtp_tls: "starttls".into(),
            smtp_user: None,
            smtp_password: None,
            mail_from: "Handoff <handoff@localhost>".into(),
            reply_domain: "localhost".into(),
            public_url: "http://127.0.0.1:8080".into(),
            link_days: 30,
            default_time_zone: "Asia/Kolkata".into(),
            mail_max_tries: 8,
            mail_retry_secs: 60,
            ingest_token: None,
            mail_authserv_id: None,
        }
    }
}

impl Settings {
    /// The address /metrics has to itself, if one is configured.
    pub fn metrics_addr(&self) -> Option<&str> {
        self.metrics_addr
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
    }

    /// Whether cookies are Secure and HSTS is sent: asked for, or implied by an https
    /// public address (a TLS deployment that forgot the flag still gets both).
    pub fn served_over_https(&self) -> bool {
        self.secure_cookies || self.mail.public_url.starts_with("https://")
    }

    /// The database URL to use, after applying the default.
    pub fn db_url(&self) -> Result<DbUrl, DbUrlError> {
        match &self.database_url {
            Some(u) if !u.trim().is_empty() => DbUrl::parse(u.trim()),
            _ => Ok(DbUrl::Sqlite {
                path: self
                    .data_dir
                    .join("handoff.db")
                    .to_string_lossy()
                    .into_owned(),
            }),
        }
    }

    /// Where uploaded files are stored when no S3 bucket is configured (the folder store).
    pub fn files_dir(&self) -> PathBuf {
        match self.store_url.as_deref().map(str::trim) {
            Some(u) if !u.is_empty() && !u.starts_with("s3://") => {
                PathBuf::from(u.strip_prefix("file://").unwrap_or(u))
            }
            _ => self.data_dir.join("files"),
        }
    }

    /// Whether files are kept in an S3 bucket rather than a folder.
    pub fn store_is_s3(&self) -> bool {
        self.store_url
            .as_deref()
            .is_some_and(|u| u.trim().starts_with("s3://"))
    }

    pub fn max_upload_bytes(&self) -> u64 {
        self.max_upload_mb.saturating_mul(1024 * 1024)
    }

    /// Settings for tests and tools that build the app in-process.
    pub fn for_data_dir(data_dir: PathBuf, database_url: Option<String>) -> Self {
        Settings {
            database_url,
            data_dir,
            store_url: None,
            store_options: Vec::new(),
            session_secret: None,
            secure_cookies: false,
            max_upload_mb: 20,
            db_pool_size: Some(8),
            link_attempts_per_minute: 10,
            log_format: LogFormat::Text,
            metrics_token: None,
            metrics_addr: None,
            trusted_proxies: Vec::new(),
            mail: MailSettings::default(),
            audit: AuditSettings::default(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server.
    Serve {
        /// Address to bind.
        #[arg(long, env = "HANDOFF_BIND", default_value = "127.0.0.1")]
        bind: String,
        /// Port to listen on.
        #[arg(long, env = "HANDOFF_PORT", default_value_t = 8080)]
        port: u16,
        /// Seed the demo network first if the database has no clinics yet, with a year of
        /// referral history.
        #[arg(long)]
        demo: bool,
        /// With --demo: the network alone, without its year of history (tests that count
        /// every referral they made).
        #[arg(long)]
        no_history: bool,
        /// HTTP worker threads (default: one per core).
        #[arg(long, env = "HANDOFF_WORKERS")]
        workers: Option<usize>,
        /// Do not run the background jobs (mail outbox, clock, purge, audit checkpoint) in
        /// this instance: another instance runs them, or `handoff jobs --run` from cron.
        #[arg(long, env = "HANDOFF_NO_JOBS")]
        no_jobs: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Fill the database with data.
    Seed {
        /// The demo network: 3 clinics, their practitioners, admins and patients.
        #[arg(long)]
        demo: bool,
        /// Also generate this many referrals (for benchmarks) addressed to --to.
        #[arg(long, default_value_t = 0)]
        referrals: usize,
        /// Receiver of generated referrals.
        #[arg(long, default_value = "farah.siddiqui@harbour.example")]
        to: String,
        /// Also generate this many referrals across the whole network over the last year,
        /// with realistic outcomes (analytics at scale: 1000000 takes a few minutes).
        #[arg(long, default_value_t = 0)]
        network_referrals: usize,
    },
    /// Read one e-mail (RFC 5322, as an MTA pipe delivers it) on standard input and post it
    /// to the timeline of the referral its reply+TAG address names. Exit status: 0 posted,
    /// 67 unknown or forged address tag (nothing posted), 65 unreadable message, 75 the
    /// database is unavailable (the MTA should retry).
    IngestMail,
    /// Show the background jobs (mail outbox, clock, purge, audit checkpoint): which are
    /// due, running or failed, with the referrals overdue and the mail waiting. With --run,
    /// also run the due jobs once in this process (under the same leases as the servers).
    Jobs {
        /// Run the jobs that are due now, then show them.
        #[arg(long)]
        run: bool,
    },
    /// Recompute the audit log's hash chain, then check it against every signed checkpoint;
    /// prints "ok, N rows, M checkpoints" or the first row or checkpoint that does not
    /// match, and exits with status 3 if the log does not verify.
    VerifyAudit,
    /// Sign the audit chain's head now and store the checkpoint (as `serve` does every
    /// HANDOFF_AUDIT_CHECKPOINT_MINUTES).
    AuditCheckpoint,
    /// Copy the SQLite database (a consistent snapshot, while the app serves), the stored
    /// files and a manifest into DEST, a new or empty folder. On PostgreSQL, print the
    /// pg_dump and copy commands to run instead (exit status 2).
    Backup {
        /// The folder to write the backup into (must not exist or be empty).
        dest: PathBuf,
    },
    /// Put a backup made by `handoff backup` back into the data folder (SQLite; stop the
    /// app first). Checks the copy (integrity, audit chain, the manifest's counts) before
    /// it replaces anything.
    Restore {
        /// The backup folder.
        src: PathBuf,
        /// Replace an existing database.
        #[arg(long)]
        force: bool,
    },
    /// Create an account, such as the first clinic admin of a new install. The password
    /// is read from HANDOFF_PASSWORD, or from the first line of standard input.
    CreateUser {
        /// E-mail address used to sign in.
        #[arg(long)]
        email: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// clinic_admin or practitioner.
        #[arg(long, default_value = "clinic_admin")]
        role: String,
        /// Clinic name; the clinic is created if it does not exist yet.
        #[arg(long)]
        clinic: String,
        /// City of a clinic created by this command.
        #[arg(long, default_value = "")]
        city: String,
        /// Specialty, for a practitioner.
        #[arg(long, default_value = "General practice")]
        specialty: String,
    },
    /// Create an API client of the FHIR API (as a clinic admin does on /admin/api-clients)
    /// and print its bearer token, which is shown only this once.
    ApiClient {
        /// E-mail address of the practitioner the client acts for.
        #[arg(long)]
        practitioner: String,
        /// The record system's name, as the audit log and the admin page show it.
        #[arg(long)]
        name: String,
        /// SMART v2 scopes, space-separated.
        #[arg(long, default_value = "user/*.rs")]
        scopes: String,
    },
}
