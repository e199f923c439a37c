//! Log lines: plain text (the default) or one JSON object per line
//! (`HANDOFF_LOG_FORMAT=json`, for a log shipper), each carrying the id of the request it
//! was written for. The id lives in a thread-local that the request-id middleware sets
//! while it polls the request's future, and that `Ctx::run` carries into `web::block`, so
//! any line written while handling a request names it without being passed the id.
//!
//! What is logged is decided where it is logged: the access log names the route pattern,
//! never the path (paths hold ids and link tokens), and nothing logs patient data.

use std::cell::RefCell;
use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use log::kv::{Key, Value, VisitSource};

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// `[time LEVEL target] message request_id=…`, as env_logger writes it.
    #[default]
    Text,
    /// `{"ts":…,"level":…,"target":…,"msg":…,"request_id":…}` and the line's own fields.
    Json,
}

/// The access log's target: one line per request.
pub const ACCESS: &str = "handoff::access";

thread_local! {
    static REQUEST_ID: RefCell<Option<Arc<str>>> = const { RefCell::new(None) };
}

/// The id of the request this thread is working for, if any.
pub fn request_id() -> Option<Arc<str>> {
    REQUEST_ID.with(|r| r.borrow().clone())
}

/// Puts the previous id back when dropped, also when `f` panics.
struct Restore(Option<Arc<str>>);

impl Drop for Restore {
    fn drop(&mut self) {
        let prev = self.0.take();
        REQUEST_ID.with(|r| *r.borrow_mut() = prev);
    }
}

/// Runs `f` with `id` as this thread's request id.
pub fn within<T>(id: Option<Arc<str>>, f: impl FnOnce() -> T) -> T {
    let _restore = Restore(REQUEST_ID.with(|r| r.replace(id)));
    f()
}

/// `f`, to run on another thread (`web::block`) as part of this thread's request.
pub fn carried<T>(f: impl FnOnce() -> T) -> impl FnOnce() -> T {
    let id = request_id();
    move || within(id, f)
}

/// A future that is the request `id`'s work: every poll runs with the id set, so lines
/// logged by whatever the future calls (handlers, the session store) carry it.
pub struct Scoped<F> {
    id: Arc<str>,
    inner: Pin<Box<F>>,
}

impl<F: Future> Scoped<F> {
    pub fn new(id: Arc<str>, inner: F) -> Self {
        Scoped {
            id,
            inner: Box::pin(inner),
        }
    }
}

impl<F: Future> Future for Scoped<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        within(Some(this.id.clone()), || this.inner.as_mut().poll(cx))
    }
}

/// Whether an incoming `X-Request-Id` (from a load balancer) is taken as the request's id:
/// 1 to 128 characters of letters, digits and `-_.:+/=`, which covers UUIDs, hex ids and
/// trace ids, and leaves nothing that could break a log line.
pub fn valid_request_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:+/=".contains(&b))
}

/// A new request id: 128 random bits in hex.
pub fn new_request_id() -> Arc<str> {
    let n: u128 = rand::random();
    format!("{n:032x}").into()
}

/// Installs the logger (level from `RUST_LOG`, default info) writing `format` to stderr.
pub fn init(format: LogFormat) {
    let mut b = env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"));
    match format {
        // The access line's fields are in its message already; only the id is added.
        LogFormat::Text => {
            b.format_key_values(|buf, _| match request_id() {
                Some(id) => write!(buf, " request_id={id}"),
                None => Ok(()),
            });
        }
        LogFormat::Json => {
            b.format(|buf, record| {
                let ts = buf.timestamp_millis().to_string();
                let line = json_line(&ts, record, request_id().as_deref());
                writeln!(buf, "{line}")
            });
            // A panic's message is a log line too; the default hook writes plain text.
            std::panic::set_hook(Box::new(|info| {
                log::error!(target: "panic", "{info}");
            }));
        }
    }
    b.init();
}

/// Keys a line's own fields may not take: the ones every line has.
const RESERVED: [&str; 5] = ["ts", "level", "target", "msg", "request_id"];

/// One record as a JSON object on one line: time, level, target, message, the record's
/// structured fields (numbers stay numbers), and the request id when there is one.
pub fn json_line(ts: &str, record: &log::Record<'_>, request_id: Option<&str>) -> String {
    let text = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    let mut out = format!(
        "{{\"ts\":{},\"level\":{},\"target\":{},\"msg\":{}",
        text(ts),
        text(&record.level().as_str().to_lowercase()),
        text(record.target()),
        text(&record.args().to_string()),
    );
    let mut fields = Fields(Vec::new());
    // A field that cannot be read is left out; the line itself still goes out.
    let _ = record.key_values().visit(&mut fields);
    for (k, v) in fields.0 {
        if !RESERVED.contains(&k.as_str()) {
            out.push_str(&format!(",{}:{v}", text(&k)));
        }
    }
    if let Some(id) = request_id {
        out.push_str(&format!(",\"request_id\":{}", text(id)));
    }
    out.push('}');
    out
}

/// A record's fields as (key, JSON value).
struct Fields(Vec<(String, serde_json::Value)>);

impl<'kvs> VisitSource<'kvs> for Fields {
    fn visit_pair(&mut self, key: Key<'kvs>, value: Value<'kvs>) -> Result<(), log::kv::Error> {
        use serde_json::Value as J;
        let v = if let Some(b) = value.to_bool() {
            J::Bool(b)
        } else if let Some(n) = value.to_u64() {
            J::from(n)
        } else if let Some(n) = value.to_i64() {
            J::from(n)
        } else if let Some(n) = value.to_f64().and_then(serde_json::Number::from_f64) {
            J::Number(n)
        } else {
            J::String(value.to_string())
        };
        self.0.push((key.as_str().to_string(), v));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(record: &log::Record<'_>, id: Option<&str>) -> serde_json::Value {
        let text = json_line("2026-12-12T10:00:00.000Z", record, id);
        assert!(!text.contains('\n'), "one line: {text}");
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn a_json_line_is_one_object_with_the_fields_and_the_request_id() {
        let kvs: [(&str, Value<'_>); 4] = [
            ("method", Value::from("GET")),
            ("status", Value::from(200u16)),
            ("duration_ms", Value::from(1.5f64)),
            // A field may not pass itself off as the line's own.
            ("msg", Value::from("forged")),
        ];
        let args = format_args!("GET /referrals/{{id}} 200 \"quoted\"\nsecond line");
        let r = log::Record::builder()
            .level(log::Level::Info)
            .target(ACCESS)
            .args(args)
            .key_values(&kvs)
            .build();
        let v = line(&r, Some("abc-123"));
        assert_eq!(v["level"], "info");
        assert_eq!(v["target"], ACCESS);
        assert_eq!(
            v["msg"], "GET /referrals/{id} 200 \"quoted\"\nsecond line",
            "quotes and line breaks are escaped, not cut"
        );
        assert_eq!(v["method"], "GET");
        assert_eq!(v["status"], 200);
        assert_eq!(v["duration_ms"], 1.5);
        assert_eq!(v["request_id"], "abc-123");
        assert_eq!(v["ts"], "2026-12-12T10:00:00.000Z");

        let r = log::Record::builder()
            .level(log::Level::Warn)
            .target("handoff::services::jobs")
            .args(format_args!("jobs: down"))
            .build();
        let v = line(&r, None);
        assert_eq!(v["level"], "warn");
        assert!(v.get("request_id").is_none(), "no request, no id");
    }

    #[test]
    fn the_request_id_is_the_scopes_and_is_restored_after() {
        assert_eq!(request_id(), None);
        let seen = within(Some("outer".into()), || {
            let inner = within(Some("inner".into()), request_id);
            (inner, request_id())
        });
        assert_eq!(seen.0.as_deref(), Some("inner"));
        assert_eq!(seen.1.as_deref(), Some("outer"));
        assert_eq!(request_id(), None);
        let caught = std::panic::catch_unwind(|| within(Some("x".into()), || panic!("boom")));
        assert!(caught.is_err());
        assert_eq!(request_id(), None, "a panic does not leave the id behind");
    }

    #[test]
    fn incoming_request_ids_are_taken_only_when_well_formed() {
        for ok in [
            "0b5f1c1e-8a43-4c4e-9d1a-3f2a1b0c9d8e",
            "f3a1c2d4e5b6a7980123456789abcdef",
            "Root=1-67891233-abcdef012345678912345678",
        ] {
            assert!(valid_request_id(ok), "{ok}");
        }
        for bad in [
            "",
            "has space",
            "line\nbreak",
            "quote\"",
            "tab\t",
            "brace{}",
            &"a".repeat(129),
        ] {
            assert!(!valid_request_id(bad), "{bad:?}");
        }
        let a = new_request_id();
        assert!(valid_request_id(&a) && a.len() == 32);
        assert_ne!(a, new_request_id());
    }
}
