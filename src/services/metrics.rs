//! The instance's metrics, written in the Prometheus text format: requests and their
//! latency per route pattern, and the audit writer's batch sizes. Gauges read at scrape
//! time (the pool, the outbox, the jobs) are added by `health::scrape`.
//!
//! Hand-written rather than taken from a crate: a counter map and two fixed-bucket
//! histograms are less code than adapting a registry crate's types, and add no
//! dependency. Imports nothing of the crate, so every layer may record into it.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// Request latency buckets, in seconds (Prometheus' defaults).
const LATENCY_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Audit writer batch buckets, in rows (a batch holds at most 500).
const BATCH_BUCKETS: [f64; 9] = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0];

/// A histogram with fixed buckets; lock-free, so a thread may observe while another scrapes.
#[derive(Debug)]
pub struct Histogram {
    bounds: &'static [f64],
    /// Observations per bucket (not cumulative), the last one past every bound.
    counts: Vec<AtomicU64>,
    /// The sum of observations, as f64 bits.
    sum: AtomicU64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Self {
        Histogram {
            bounds,
            counts: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(),
            sum: AtomicU64::new(0f64.to_bits()),
        }
    }

    /// Records one observation.
    pub fn observe(&self, v: f64) {
        let i = self
            .bounds
            .iter()
            .position(|b| v <= *b)
            .unwrap_or(self.bounds.len());
        if let Some(c) = self.counts.get(i) {
            c.fetch_add(1, Ordering::Relaxed);
        }
        let _ = self
            .sum
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
                Some((f64::from_bits(bits) + v).to_bits())
            });
    }

    /// How many observations there were.
    pub fn count(&self) -> u64 {
        self.counts.iter().map(|c| c.load(Ordering::Relaxed)).sum()
    }

    /// Writes the `_bucket`, `_sum` and `_count` lines of `name` with `labels` (already
    /// written as `k="v",`, or empty).
    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        for (i, c) in self.counts.iter().enumerate() {
            cumulative += c.load(Ordering::Relaxed);
            let le = self
                .bounds
                .get(i)
                .map_or_else(|| "+Inf".to_string(), |b| b.to_string());
            let _ = writeln!(out, "{name}_bucket{{{labels}le=\"{le}\"}} {cumulative}");
        }
        let labels = labels.trim_end_matches(',');
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let sum = f64::from_bits(self.sum.load(Ordering::Relaxed));
        let _ = writeln!(out, "{name}_sum{braces} {sum}");
        let _ = writeln!(out, "{name}_count{braces} {cumulative}");
    }
}

/// Requests of one route pattern and method.
#[derive(Debug)]
struct RouteSeries {
    by_status: BTreeMap<u16, u64>,
    duration: Histogram,
}

/// What a request is counted under when no route matched it (never the raw path: that
/// would hold ids and link tokens, and give every scanner's guess a series of its own).
pub const UNMATCHED: &str = "unmatched";

/// The instance's metrics registry.
#[derive(Debug)]
pub struct Metrics {
    http: Mutex<BTreeMap<(String, &'static str), RouteSeries>>,
    /// Rows per group commit of the view auditor.
    pub audit_batch: Histogram,
    /// Hand-offs to the blocking pool made for pages, forms and sessions (a file
    /// download's reads are not counted): a page's budget is one.
    pub blocking_hops: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            http: Mutex::default(),
            audit_batch: Histogram::new(&BATCH_BUCKETS),
            blocking_hops: AtomicU64::new(0),
        }
    }
}

/// A method as a label: the ones the app answers, anything else as OTHER (a client may
/// send any token as a method).
pub fn method_label(m: &str) -> &'static str {
    match m {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "PATCH" => "PATCH",
        "OPTIONS" => "OPTIONS",
        _ => "OTHER",
    }
}

/// A label value with the text format's escapes.
pub fn label_value(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// Counts one answered request under its route pattern.
    pub fn observe_request(
        &self,
        route: String,
        method: &'static str,
        status: u16,
        took: Duration,
    ) {
        let mut http = self.http.lock().unwrap_or_else(PoisonError::into_inner);
        let series = http.entry((route, method)).or_insert_with(|| RouteSeries {
            by_status: BTreeMap::new(),
            duration: Histogram::new(&LATENCY_BUCKETS),
        });
        *series.by_status.entry(status).or_insert(0) += 1;
        series.duration.observe(took.as_secs_f64());
    }

    /// Counts one hand-off to the blocking pool.
    pub fn hop(&self) {
        self.blocking_hops.fetch_add(1, Ordering::Relaxed);
    }

    /// The registry's metrics in the text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let http = self.http.lock().unwrap_or_else(PoisonError::into_inner);
        out.push_str(
            "# HELP handoff_http_requests_total HTTP requests answered, by route pattern, method and status.\n\
             # TYPE handoff_http_requests_total counter\n",
        );
        for ((route, method), s) in http.iter() {
            for (status, n) in &s.by_status {
                let _ = writeln!(
                    out,
                    "handoff_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                    label_value(route)
                );
            }
        }
        out.push_str(
            "# HELP handoff_http_request_duration_seconds Time to answer a request (to the response head), by route pattern and method.\n\
             # TYPE handoff_http_request_duration_seconds histogram\n",
        );
        for ((route, method), s) in http.iter() {
            let labels = format!("route=\"{}\",method=\"{method}\",", label_value(route));
            s.duration
                .write(&mut out, "handoff_http_request_duration_seconds", &labels);
        }
        drop(http);
        out.push_str(
            "# HELP handoff_audit_writer_batch_size Audit rows of page views written per group commit.\n\
             # TYPE handoff_audit_writer_batch_size histogram\n",
        );
        self.audit_batch
            .write(&mut out, "handoff_audit_writer_batch_size", "");
        let _ = writeln!(
            out,
            "# HELP handoff_blocking_hops_total Work handed to the blocking pool for pages, forms and sessions (file downloads' reads not counted).\n\
             # TYPE handoff_blocking_hops_total counter\n\
             handoff_blocking_hops_total {}",
            self.blocking_hops.load(Ordering::Relaxed)
        );
        out
    }
}

/// One gauge with its help and type lines.
pub fn gauge(out: &mut String, name: &str, help: &str, value: impl std::fmt::Display) {
    let _ = writeln!(
        out,
        "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_per_pattern_with_cumulative_buckets() {
        let m = Metrics::default();
        let ms = Duration::from_millis;
        m.observe_request("/referrals/{id}".into(), "GET", 200, ms(3));
        m.observe_request("/referrals/{id}".into(), "GET", 200, ms(30));
        m.observe_request("/referrals/{id}".into(), "GET", 404, ms(20_000));
        m.observe_request(UNMATCHED.into(), method_label("BREW"), 404, ms(1));
        let text = m.render();
        assert!(text.contains(
            "handoff_http_requests_total{route=\"/referrals/{id}\",method=\"GET\",status=\"200\"} 2\n"
        ));
        assert!(text.contains(
            "handoff_http_requests_total{route=\"/referrals/{id}\",method=\"GET\",status=\"404\"} 1\n"
        ));
        assert!(text.contains(
            "handoff_http_requests_total{route=\"unmatched\",method=\"OTHER\",status=\"404\"} 1\n"
        ));
        let b = |le: &str| {
            format!(
                "handoff_http_request_duration_seconds_bucket{{route=\"/referrals/{{id}}\",method=\"GET\",le=\"{le}\"}}"
            )
        };
        assert!(text.contains(&format!("{} 1\n", b("0.005"))), "{text}");
        assert!(text.contains(&format!("{} 1\n", b("0.025"))));
        assert!(text.contains(&format!("{} 2\n", b("0.05"))));
        assert!(text.contains(&format!("{} 2\n", b("10"))));
        assert!(
            text.contains(&format!("{} 3\n", b("+Inf"))),
            "20 s is past every bound"
        );
        assert!(text.contains(
            "handoff_http_request_duration_seconds_count{route=\"/referrals/{id}\",method=\"GET\"} 3\n"
        ));
    }

    #[test]
    fn the_audit_batch_histogram_counts_and_sums_rows() {
        let m = Metrics::default();
        m.audit_batch.observe(1.0);
        m.audit_batch.observe(7.0);
        m.audit_batch.observe(500.0);
        assert_eq!(m.audit_batch.count(), 3);
        let text = m.render();
        assert!(text.contains("handoff_audit_writer_batch_size_bucket{le=\"1\"} 1\n"));
        assert!(text.contains("handoff_audit_writer_batch_size_bucket{le=\"10\"} 2\n"));
        assert!(text.contains("handoff_audit_writer_batch_size_bucket{le=\"500\"} 3\n"));
        assert!(text.contains("handoff_audit_writer_batch_size_sum 508\n"));
        assert!(text.contains("handoff_audit_writer_batch_size_count 3\n"));
        assert!(text.contains("# TYPE handoff_audit_writer_batch_size histogram\n"));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
