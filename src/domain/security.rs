//! Sign-in throttling and session lifetime rules, decided from times the caller supplies.

use std::net::IpAddr;

use chrono::{Duration, NaiveDateTime};

/// Failed sign-ins allowed for one account within [`THROTTLE_WINDOW`].
pub const MAX_FAILURES: usize = 5;
/// The window for counting failures, and how long the account stays refused.
pub const THROTTLE_WINDOW: Duration = Duration::minutes(15);
/// A session unused for this long is over.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// A session is over this long after sign-in, however active.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// `last_seen_at` is written at most this often, so a page view is not a write.
pub const TOUCH_INTERVAL: Duration = Duration::seconds(60);

/// A short name for a browser from its User-Agent header ("Firefox on Windows"), for
/// the person's list of sessions; the header is the browser's own claim.
pub fn browser_label(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("OPR/") {
        "Opera"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") || ua.contains("CriOS/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else if ua.is_empty() {
        return "Unknown browser".into();
    } else {
        // Scripts and tools: their first word ("curl", "python-httpx").
        return ua
            .split(['/', ' '])
            .next()
            .unwrap_or("Unknown")
            .chars()
            .take(40)
            .collect();
    };
    let os = if ua.contains("Android") {
        "Android"
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("Linux") || ua.contains("X11") {
        "Linux"
    } else {
        return browser.into();
    };
    format!("{browser} on {os}")
}

/// A limit on refused attempts from one client (an IP address, or an account for the
/// second step), counted in the database so it holds across app instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// What is counted (stored in `throttle_events.scope`).
    pub scope: &'static str,
    /// Refusals allowed within `window`; the next attempt is refused unchecked.
    pub max: i64,
    pub window: Duration,
}

impl Limit {
    /// Whether `refused` earlier refusals within the window use the limit up.
    pub fn reached(&self, refused: i64) -> bool {
        refused >= self.max
    }
}

/// Failed sign-ins from one address: a clinic behind one NAT signs in many people, so
/// this is well above one account's five, and stops spraying many accounts.
pub const SIGN_IN_PER_IP: Limit = Limit {
    scope: "sign_in_ip",
    max: 30,
    window: Duration::minutes(15),
};
/// Wrong second-step codes for one account (six digits: five guesses per quarter hour
/// give an attacker about one chance in 4,000 a day, even with the password).
pub const CODE_PER_ACCOUNT: Limit = Limit {
    scope: "code_account",
    max: 5,
    window: Duration::minutes(15),
};
/// Wrong second-step codes from one address, over every account.
pub const CODE_PER_IP: Limit = Limit {
    scope: "code_ip",
    max: 20,
    window: Duration::minutes(15),
};
/// Unknown link tokens (outside doctors' and patients' links) from one address.
pub const LINK_TOKENS_PER_IP: Limit = Limit {
    scope: "link_ip",
    max: 10,
    window: Duration::minutes(1),
};
/// Refused calls of the mail-ingest endpoint (wrong bearer token) from one address.
pub const INGEST_PER_IP: Limit = Limit {
    scope: "ingest_ip",
    max: 10,
    window: Duration::minutes(1),
};

/// Given the times of recent failed sign-ins for an account (any order, already limited
/// to those after the last success), says how long further attempts stay refused.
pub fn lockout_remaining(failures: &[NaiveDateTime], now: NaiveDateTime) -> Option<Duration> {
    let mut recent: Vec<NaiveDateTime> = failures
        .iter()
        .copied()
        .filter(|t| *t > now - THROTTLE_WINDOW && *t <= now)
        .collect();
    if recent.len() < MAX_FAILURES {
        return None;
    }
    recent.sort_unstable_by(|a, b| b.cmp(a));
    // The lock lifts when the fifth most recent failure leaves the window.
    let fifth = recent[MAX_FAILURES - 1];
    let until = fifth + THROTTLE_WINDOW;
    (until > now).then(|| until - now)
}

/// Where to go after sign-in: `next` when it is a path on this site, else "/". A path
/// starts with one "/" (not "//" or "/\\", which browsers read as another host) and holds no
/// control character or white space: browsers drop tabs and newlines from a URL, so
/// "/\t/evil.example" would become "//evil.example", and a CR or LF cannot go in a header.
pub fn local_redirect(next: &str) -> &str {
    let mut chars = next.chars();
    let local = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && next.len() <= 2000
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace());
    if local { next } else { "/" }
}

/// Whole minutes to tell the user, rounded up.
pub fn minutes_to_wait(d: Duration) -> i64 {
    (d.num_seconds() + 59) / 60
}

/// Whether a session is still usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionCheck {
    /// Valid; `touch` says whether `last_seen_at` should be written now.
    Valid {
        touch: bool,
    },
    IdleExpired,
    AbsoluteExpired,
}

/// Applies the idle and absolute timeouts.
pub fn check_session(
    created_at: NaiveDateTime,
    last_seen_at: NaiveDateTime,
    now: NaiveDateTime,
) -> SessionCheck {
    if now - created_at >= ABSOLUTE_TIMEOUT {
        SessionCheck::AbsoluteExpired
    } else if now - last_seen_at >= IDLE_TIMEOUT {
        SessionCheck::IdleExpired
    } else {
        SessionCheck::Valid {
            touch: now - last_seen_at >= TOUCH_INTERVAL,
        }
    }
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The address a request comes from. A request from a trusted proxy (a load balancer in
/// front of the app) carries the client's address in `X-Forwarded-For`, each proxy on the
/// way appending the address it was reached from: read from the right, the first address
/// that is not a trusted proxy is the client. Anything left of it was written by the
/// client and is not believed, so a client cannot pick the address its sign-in failures
/// are counted against. From any other peer the header is ignored; an entry that is not
/// an address stops the walk at the last proxy believed.
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let mut client = peer;
    for entry in forwarded_for
        .iter()
        .flat_map(|h| h.split(','))
        .rev()
        .map(str::trim)
    {
        match entry.parse::<IpAddr>() {
            Ok(addr) if trusted.contains(&addr) => client = addr,
            Ok(addr) => return addr,
            Err(_) => return client,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_a_trusted_proxy_says_where_a_request_comes_from() {
        let lb = ip("10.0.0.5");
        let trusted = [lb];
        // Straight from a client: its header is its own claim.
        assert_eq!(
            client_address(ip("198.51.100.7"), &["203.0.113.9"], &trusted),
            ip("198.51.100.7")
        );
        // Through the balancer: the address it appended.
        assert_eq!(
            client_address(lb, &["203.0.113.9"], &trusted),
            ip("203.0.113.9")
        );
        // A client that writes its own header gets the balancer's entry after it.
        assert_eq!(
            client_address(lb, &["192.0.2.1, 203.0.113.9"], &trusted),
            ip("203.0.113.9")
        );
        // Two proxies, both trusted, headers split over two lines.
        let two = [lb, ip("10.0.0.6")];
        assert_eq!(
            client_address(lb, &["192.0.2.1, 203.0.113.9", "10.0.0.6"], &two),
            ip("203.0.113.9")
        );
        // No header, or nothing but proxies: the nearest proxy believed.
        assert_eq!(client_address(lb, &[], &trusted), lb);
        assert_eq!(client_address(lb, &["10.0.0.6"], &two), ip("10.0.0.6"));
        // Garbage stops the walk where belief ends.
        assert_eq!(client_address(lb, &["unknown"], &trusted), lb);
        assert_eq!(
            client_address(lb, &["203.0.113.9, junk, 10.0.0.6"], &two),
            ip("10.0.0.6")
        );
        // IPv6 too; and no trusted proxies means the peer, always.
        assert_eq!(
            client_address(lb, &["2001:db8::1"], &trusted),
            ip("2001:db8::1")
        );
        assert_eq!(client_address(lb, &["203.0.113.9"], &[]), lb);
    }

    #[test]
    fn browsers_are_named_from_their_user_agent() {
        let cases = [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox on Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                "Safari on iOS",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
                "Chrome on Android",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0",
                "Edge on Windows",
            ),
            ("curl/8.5.0", "curl"),
            ("", "Unknown browser"),
        ];
        for (ua, want) in cases {
            assert_eq!(browser_label(ua), want, "{ua}");
        }
        assert!(SIGN_IN_PER_IP.reached(30) && !SIGN_IN_PER_IP.reached(29));
    }
    use chrono::NaiveDate;

    fn t(min: i64) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 22)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
            + Duration::minutes(min)
    }

    #[test]
    fn four_failures_do_not_lock() {
        let f = [t(0), t(1), t(2), t(3)];
        assert_eq!(lockout_remaining(&f, t(4)), None);
    }

    #[test]
    fn five_failures_lock_for_fifteen_minutes() {
        let f = [t(0), t(1), t(2), t(3), t(4)];
        assert_eq!(lockout_remaining(&f, t(4)), Some(Duration::minutes(11)));
        assert_eq!(lockout_remaining(&f, t(14)), Some(Duration::minutes(1)));
        assert_eq!(lockout_remaining(&f, t(15)), None);
        assert_eq!(minutes_to_wait(Duration::seconds(61)), 2);
    }

    #[test]
    fn old_failures_do_not_count() {
        let f = [t(-30), t(-20), t(1), t(2), t(3), t(4)];
        assert_eq!(lockout_remaining(&f, t(5)), None);
    }

    #[test]
    fn session_timeouts() {
        assert_eq!(
            check_session(t(0), t(0), t(0)),
            SessionCheck::Valid { touch: false }
        );
        assert_eq!(
            check_session(t(0), t(0), t(2)),
            SessionCheck::Valid { touch: true }
        );
        assert_eq!(check_session(t(0), t(0), t(30)), SessionCheck::IdleExpired);
        assert_eq!(
            check_session(t(0), t(29), t(58)),
            SessionCheck::Valid { touch: true }
        );
        assert_eq!(
            check_session(t(0), t(719), t(720)),
            SessionCheck::AbsoluteExpired
        );
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_redirect("/patients?q=a"), "/patients?q=a");
        assert_eq!(local_redirect("/"), "/");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\r\nSet-Cookie: x=1",
            "/a\u{0}b",
            "/a\u{b}b",
            "/a\u{c}b",
            "/ /evil.example",
            "",
            "evil.example",
        ] {
            assert_eq!(local_redirect(bad), "/", "{bad:?}");
        }
    }

    #[test]
    fn constant_time() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
