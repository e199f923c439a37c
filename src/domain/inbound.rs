//! Rules for mail arriving on a referral's reply address: whether it comes from the outside
//! doctor (their address, and the receiving mail server's authentication results when that
//! server is trusted), and what a delivery status notification (RFC 3464 bounce) says.

/// An address reduced to what identifies a mailbox: lower case, without a display name or
/// angle brackets, and without a `+tag` in the local part (`Dr.Rao+handoff@Heart.example`
/// and `dr.rao@heart.example` are one mailbox).
pub fn mailbox_key(addr: &str) -> String {
    let a = addr.trim();
    let a = match (a.rfind('<'), a.rfind('>')) {
        (Some(l), Some(r)) if l < r => &a[l + 1..r],
        _ => a,
    };
    let a = a.trim().to_lowercase();
    match a.rsplit_once('@') {
        Some((local, host)) => {
            let local = local.split_once('+').map_or(local, |(l, _)| l);
            format!("{local}@{host}")
        }
        None => a,
    }
}

/// What the receiving mail server said about a message's origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// No trusted server is configured: replies are judged by their From address alone.
    NotConfigured,
    /// A trusted server is configured but wrote no `Authentication-Results` on this
    /// message (it did not pass through it, or the header was stripped).
    Missing,
    /// The results of the topmost header the trusted server wrote.
    Found(Vec<AuthResult>),
}

/// One method's result, e.g. `dkim=pass header.d=heart.example`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthResult {
    /// `dkim`, `spf` or `dmarc`, lower case.
    pub method: String,
    /// `pass`, `fail`, `none`, ..., lower case.
    pub result: String,
    /// The domain the result is about (`header.d`, `smtp.mailfrom`, `header.from`), lower
    /// case, when the server names one.
    pub domain: Option<String>,
}

/// Reads the `Authentication-Results` header values, in the order they stand in the message
/// (newest first: each server adds its header above the others). Only the topmost header
/// whose authserv-id is `trusted` counts: anything below it, or naming another server, may
/// have been written by the sender.
pub fn auth_results(values: &[String], trusted: Option<&str>) -> Auth {
    let Some(trusted) = trusted.map(str::trim).filter(|t| !t.is_empty()) else {
        return Auth::NotConfigured;
    };
    let Some(header) = values.iter().find(|v| {
        v.split(';')
            .next()
            .and_then(|a| a.split_whitespace().next())
            .is_some_and(|a| a.eq_ignore_ascii_case(trusted))
    }) else {
        return Auth::Missing;
    };
    let mut results = Vec::new();
    for p in header.split(';').skip(1) {
        let mut words = p.split_whitespace();
        let Some((method, result)) = words.next().and_then(|w| w.split_once('=')) else {
            continue;
        };
        let method = method.to_lowercase();
        if !matches!(method.as_str(), "dkim" | "spf" | "dmarc") {
            continue;
        }
        let domain = words
            .filter_map(|w| w.split_once('='))
            .find(|(k, _)| {
                matches!(
                    k.to_lowercase().as_str(),
                    "header.d" | "header.i" | "smtp.mailfrom" | "header.from"
                )
            })
            .map(|(_, v)| {
                let v = v.trim_matches(['(', ')', '"', '<', '>']).to_lowercase();
                v.rsplit_once('@').map_or(v.clone(), |(_, d)| d.to_string())
            });
        results.push(AuthResult {
            method,
            result: result.trim_matches(['(', ')']).to_lowercase(),
            domain,
        });
    }
    Auth::Found(results)
}

/// Whether a reply may be posted as the outside doctor's, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SenderCheck {
    Verified,
    /// Held for the referring practitioner to accept or discard, with the reason shown.
    Unverified(String),
}

/// Judges a reply: [`check_sender`], and a reply from the right sender that is empty once
/// its quote is gone (`has_content` false: no text, no kept file) is held as well, since the
/// stripper may have been wrong and the sender can read the raw message.
pub fn judge_reply(from: &str, doctor: &str, auth: &Auth, has_content: bool) -> SenderCheck {
    match check_sender(from, doctor, auth) {
        SenderCheck::Verified if !has_content => SenderCheck::Unverified(
            "nothing was left after removing the quoted history and signature".into(),
        ),
        c => c,
    }
}

/// Whether `domain` is the From domain or a parent of it (DMARC's relaxed alignment).
fn aligned(domain: Option<&str>, from_domain: &str) -> bool {
    domain.is_some_and(|d| from_domain == d || from_domain.ends_with(&format!(".{d}")))
}

/// Checks a reply's From address against the outside doctor's, then the trusted server's
/// results: DMARC decides when it was evaluated; otherwise a DKIM or SPF pass counts only
/// for the From address's own domain (or a parent of it), so a stranger signing for their
/// own domain under the doctor's address is not believed.
pub fn check_sender(from: &str, doctor: &str, auth: &Auth) -> SenderCheck {
    if from.trim().is_empty() {
        return SenderCheck::Unverified("the message names no sender".into());
    }
    let from_key = mailbox_key(from);
    if from_key != mailbox_key(doctor) {
        return SenderCheck::Unverified(format!(
            "sent from {from_key}, not from the address the letter went to"
        ));
    }
    let results = match auth {
        Auth::NotConfigured => return SenderCheck::Verified,
        Auth::Missing => {
            return SenderCheck::Unverified(
                "our mail server left no authentication results on it".into(),
            );
        }
        Auth::Found(r) => r,
    };
    let from_domain = from_key.rsplit_once('@').map_or("", |(_, d)| d);
    let found = |m: &str| results.iter().find(|r| r.method == m);
    let passed = match found("dmarc") {
        Some(r) => r.result == "pass",
        None => results.iter().any(|r| {
            matches!(r.method.as_str(), "dkim" | "spf")
                && r.result == "pass"
                && aligned(r.domain.as_deref(), from_domain)
        }),
    };
    if passed {
        SenderCheck::Verified
    } else {
        let seen: Vec<String> = results
            .iter()
            .map(|r| match &r.domain {
                Some(d) => format!("{}={} for {d}", r.method, r.result),
                None => format!("{}={}", r.method, r.result),
            })
            .collect();
        SenderCheck::Unverified(format!(
            "the mail server could not confirm the sender ({})",
            if seen.is_empty() {
                "no results".to_string()
            } else {
                seen.join(", ")
            }
        ))
    }
}

/// One recipient's block of a delivery status notification.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DsnRecipient {
    pub recipient: String,
    pub action: String,
    pub status: String,
    pub diagnostic: String,
}

impl DsnRecipient {
    /// Whether this recipient's delivery failed for good (a `failed` action or a 5.x.x
    /// status; `delayed` and `delivered` reports change nothing).
    pub fn failed(&self) -> bool {
        self.action == "failed" || (self.action.is_empty() && self.status.starts_with('5'))
    }

    /// The reason in the words the sender's page uses.
    pub fn reason(&self) -> String {
        failure_reason(&self.status, &self.diagnostic)
    }
}

/// Reads the `message/delivery-status` part of a bounce (RFC 3464): the per-recipient
/// blocks after the per-message one, with continuation lines unfolded.
pub fn parse_dsn(text: &str) -> Vec<DsnRecipient> {
    let mut out = Vec::new();
    let unfolded = text.replace("\r\n", "\n");
    for block in unfolded.split("\n\n") {
        let mut r = DsnRecipient::default();
        let mut fields: Vec<(String, String)> = Vec::new();
        for line in block.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some(last) = fields.last_mut() {
                    last.1.push(' ');
                    last.1.push_str(line.trim());
                }
            } else if let Some((k, v)) = line.split_once(':') {
                fields.push((k.trim().to_lowercase(), v.trim().to_string()));
            }
        }
        for (k, v) in fields {
            let typed = |v: &str| {
                v.split_once(';')
                    .map_or(v, |(_, a)| a)
                    .trim()
                    .trim_matches(['<', '>'])
                    .to_string()
            };
            match k.as_str() {
                "final-recipient" => r.recipient = typed(&v),
                "original-recipient" if r.recipient.is_empty() => r.recipient = typed(&v),
                "action" => r.action = v.to_lowercase(),
                "status" => r.status = v.split_whitespace().next().unwrap_or("").to_string(),
                "diagnostic-code" => r.diagnostic = typed(&v),
                _ => {}
            }
        }
        if !r.recipient.is_empty() {
            out.push(r);
        }
    }
    out
}

/// A permanent failure in a few words, from the enhanced status code (RFC 3463) and, when
/// the code is generic, the server's text.
pub fn failure_reason(status: &str, diagnostic: &str) -> String {
    let d = diagnostic.to_lowercase();
    let by_code = match status {
        "5.1.1" | "5.1.0" => Some("mailbox unknown"),
        "5.1.2" => Some("the domain has no mail server"),
        "5.1.3" => Some("the address is not valid"),
        "5.1.6" => Some("the mailbox has moved"),
        "5.2.1" => Some("the mailbox is disabled"),
        "5.2.2" => Some("the mailbox is full"),
        "5.2.3" => Some("the message is too large for the mailbox"),
        "5.4.4" | "5.4.1" => Some("the domain has no mail server"),
        s if s.starts_with("5.7") => Some("refused by the recipient's mail server"),
        _ => None,
    };
    if let Some(r) = by_code {
        return r.into();
    }
    if [
        "user unknown",
        "no such user",
        "unknown user",
        "does not exist",
        "mailbox unavailable",
        "recipient address rejected",
    ]
    .iter()
    .any(|p| d.contains(p))
    {
        return "mailbox unknown".into();
    }
    if d.contains("quota") || d.contains("full") {
        return "the mailbox is full".into();
    }
    "refused by the recipient's mail server".into()
}

/// The first enhanced status code ("5.1.1") in a server's text, if any.
pub fn enhanced_status(text: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | ',' | ';'))
        .find(|w| {
            let parts: Vec<&str> = w.split('.').collect();
            parts.len() == 3
                && matches!(parts[0], "2" | "4" | "5")
                && parts[1..]
                    .iter()
                    .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
        })
        .map(str::to_string)
}

/// The reason, when an SMTP answer refuses the recipient for good: a 5yz reply about the
/// address (enhanced status 5.1.x or 5.2.x, or a 550/551/553 naming the mailbox). Other
/// permanent answers (a refused login, a relay that will not take the envelope sender, a
/// rejected message) are the installation's problem, not the address's: those are
/// retried, and end as "failed after N tries" for the operator to look at.
pub fn recipient_refused(code: u16, text: &str) -> Option<String> {
    if !(500..600).contains(&code) {
        return None;
    }
    let status = enhanced_status(text).unwrap_or_default();
    if status.starts_with("5.1.") || status.starts_with("5.2.") {
        return Some(failure_reason(&status, text));
    }
    let t = text.to_lowercase();
    let about_mailbox = [
        "user unknown",
        "unknown user",
        "no such user",
        "mailbox",
        "recipient",
        "does not exist",
        "address rejected",
    ]
    .iter()
    .any(|p| t.contains(p));
    (status.is_empty() && matches!(code, 550 | 551 | 553) && about_mailbox)
        .then(|| failure_reason("", text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailbox_keys_ignore_case_names_and_plus_tags() {
        assert_eq!(
            mailbox_key("Dr.Rao+handoff@Heart.Example"),
            "dr.rao@heart.example"
        );
        assert_eq!(
            mailbox_key("\"Dr Rao\" <RAO@heart.example>"),
            "rao@heart.example"
        );
        assert_ne!(
            mailbox_key("rao@heart.example"),
            mailbox_key("rao@heart.example.evil")
        );
    }

    fn trusted(v: &[&str]) -> Auth {
        let v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        auth_results(&v, Some("mx.handoff.test"))
    }

    #[test]
    fn sender_must_be_the_doctor_and_pass_the_trusted_checks() {
        let none = Auth::NotConfigured;
        assert_eq!(
            check_sender("RAO+x@heart.example", "rao@heart.example", &none),
            SenderCheck::Verified
        );
        assert!(matches!(
            check_sender("someone@else.example", "rao@heart.example", &none),
            SenderCheck::Unverified(m) if m.contains("someone@else.example")
        ));
        assert!(matches!(
            check_sender("", "rao@heart.example", &none),
            SenderCheck::Unverified(_)
        ));
        let pass = trusted(&["mx.handoff.test; dkim=pass header.d=heart.example; spf=fail"]);
        assert_eq!(
            check_sender("rao@heart.example", "rao@heart.example", &pass),
            SenderCheck::Verified
        );
        // A pass for another domain (the stranger signs for their own) does not count.
        let other = trusted(&[
            "mx.handoff.test; dkim=pass header.d=evil.example; spf=pass smtp.mailfrom=x@evil.example",
        ]);
        assert!(matches!(
            check_sender("rao@heart.example", "rao@heart.example", &other),
            SenderCheck::Unverified(m) if m.contains("evil.example")
        ));
        let parent = trusted(&["mx.handoff.test; spf=pass smtp.mailfrom=bounce@heart.example"]);
        assert_eq!(
            check_sender("rao@mail.heart.example", "rao@mail.heart.example", &parent),
            SenderCheck::Verified
        );
        let dmarc_fail =
            trusted(&["mx.handoff.test; dkim=pass header.d=heart.example; dmarc=fail (p=reject)"]);
        assert!(matches!(
            check_sender("rao@heart.example", "rao@heart.example", &dmarc_fail),
            SenderCheck::Unverified(m) if m.contains("dmarc=fail")
        ));
        // Configured, but no header from our server: held.
        assert!(matches!(
            check_sender("rao@heart.example", "rao@heart.example", &trusted(&[])),
            SenderCheck::Unverified(_)
        ));
    }

    #[test]
    fn an_empty_reply_from_the_doctor_is_held_not_posted() {
        let none = Auth::NotConfigured;
        assert_eq!(
            judge_reply("rao@heart.example", "rao@heart.example", &none, true),
            SenderCheck::Verified
        );
        assert!(matches!(
            judge_reply("rao@heart.example", "rao@heart.example", &none, false),
            SenderCheck::Unverified(m) if m.contains("nothing was left")
        ));
        // A stranger stays held for being a stranger.
        assert!(matches!(
            judge_reply("x@evil.example", "rao@heart.example", &none, false),
            SenderCheck::Unverified(m) if m.contains("x@evil.example")
        ));
    }

    #[test]
    fn only_the_topmost_header_of_the_trusted_server_counts() {
        // The sender wrote a second header naming our server, with a pass our server
        // did not give: the topmost one (our server's) decides.
        let forged = trusted(&[
            "mx.handoff.test; dkim=none; spf=fail smtp.mailfrom=x@evil.example",
            "mx.handoff.test; dmarc=pass header.from=heart.example",
        ]);
        assert!(matches!(
            check_sender("rao@heart.example", "rao@heart.example", &forged),
            SenderCheck::Unverified(_)
        ));
        let other_server = vec!["evil.example; dmarc=pass".to_string()];
        assert_eq!(
            auth_results(&other_server, Some("mx.handoff.test")),
            Auth::Missing
        );
        assert_eq!(auth_results(&other_server, None), Auth::NotConfigured);
    }

    #[test]
    fn reads_a_delivery_status_report() {
        let dsn = "Reporting-MTA: dns; mx.heart.example\r\nArrival-Date: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\nFinal-Recipient: rfc822; Rao@heart.example\r\nOriginal-Recipient: rfc822;rao@heart.example\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <rao@heart.example>:\r\n Recipient address rejected: User unknown\r\n";
        let r = parse_dsn(dsn);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].recipient, "Rao@heart.example");
        assert!(r[0].failed());
        assert_eq!(r[0].reason(), "mailbox unknown");
        assert!(r[0].diagnostic.contains("User unknown"));
        let delayed = "Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; a@b.example\nAction: delayed\nStatus: 4.4.7\n";
        assert!(!parse_dsn(delayed)[0].failed());
    }

    #[test]
    fn failure_reasons_in_words() {
        assert_eq!(failure_reason("5.2.2", ""), "the mailbox is full");
        assert_eq!(
            failure_reason("5.0.0", "550 No such user here"),
            "mailbox unknown"
        );
        assert_eq!(
            failure_reason("5.7.1", "spam"),
            "refused by the recipient's mail server"
        );
        assert_eq!(
            recipient_refused(550, "5.1.1 <a@b>: Recipient address rejected: User unknown")
                .as_deref(),
            Some("mailbox unknown")
        );
        assert_eq!(
            recipient_refused(550, "Requested action not taken: mailbox unavailable").as_deref(),
            Some("mailbox unknown")
        );
        assert_eq!(
            recipient_refused(552, "5.2.2 Mailbox full").as_deref(),
            Some("the mailbox is full")
        );
        // Our own relay's refusals are not the address's fault.
        assert_eq!(
            recipient_refused(535, "5.7.8 Authentication credentials invalid"),
            None
        );
        assert_eq!(
            recipient_refused(553, "5.7.1 Sender address rejected: not owned by user"),
            None
        );
        assert_eq!(recipient_refused(451, "4.3.0 try later"), None);
        assert_eq!(
            enhanced_status("permanent error (550): 5.1.1 <a@b>: user unknown").as_deref(),
            Some("5.1.1")
        );
        assert_eq!(enhanced_status("Version 1.2.3 of nothing"), None);
    }
}
