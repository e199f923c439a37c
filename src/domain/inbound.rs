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

/// What the receiving mail server said about a message's origin: the results of its
/// `Authentication-Results` headers (RFC 8601) written by the trusted server.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthResults {
    /// `(method, result)`, e.g. `("dkim", "pass")`, lower case.
    pub results: Vec<(String, String)>,
}

/// Reads the `Authentication-Results` header values, keeping only those whose authserv-id
/// is `trusted` (the mail server that received the message for us; a sender can write
/// such headers too, naming any server). Without a trusted server name nothing is kept.
pub fn auth_results(values: &[String], trusted: Option<&str>) -> AuthResults {
    let Some(trusted) = trusted.map(str::trim).filter(|t| !t.is_empty()) else {
        return AuthResults::default();
    };
    let mut results = Vec::new();
    for v in values {
        let mut parts = v.split(';');
        let authserv = parts.next().unwrap_or("").split_whitespace().next();
        if !authserv.is_some_and(|a| a.eq_ignore_ascii_case(trusted)) {
            continue;
        }
        for p in parts {
            let Some((method, rest)) = p.trim().split_once('=') else {
                continue;
            };
            let method = method.trim().to_lowercase();
            if !matches!(method.as_str(), "dkim" | "spf" | "dmarc") {
                continue;
            }
            let result = rest
                .split(|c: char| c.is_whitespace() || c == '(')
                .next()
                .unwrap_or("")
                .to_lowercase();
            results.push((method, result));
        }
    }
    AuthResults { results }
}

/// Whether a reply may be posted as the outside doctor's, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SenderCheck {
    Verified,
    /// Held for the referring practitioner to accept or discard, with the reason shown.
    Unverified(String),
}

/// Checks a reply's From address against the outside doctor's, then the trusted server's
/// results: DMARC decides when it was evaluated; otherwise DKIM or SPF must pass. A
/// message with no trusted results is judged on its address alone (an installation whose
/// mail server adds none).
pub fn check_sender(from: &str, doctor: &str, auth: &AuthResults) -> SenderCheck {
    if from.trim().is_empty() {
        return SenderCheck::Unverified("the message names no sender".into());
    }
    if mailbox_key(from) != mailbox_key(doctor) {
        return SenderCheck::Unverified(format!(
            "sent from {}, not from the address the letter went to",
            mailbox_key(from)
        ));
    }
    if auth.results.is_empty() {
        return SenderCheck::Verified;
    }
    let result = |m: &str| {
        auth.results
            .iter()
            .find(|(method, _)| method == m)
            .map(|(_, r)| r.as_str())
    };
    let passed = match result("dmarc") {
        Some(r) => r == "pass",
        None => result("dkim") == Some("pass") || result("spf") == Some("pass"),
    };
    if passed {
        SenderCheck::Verified
    } else {
        let seen: Vec<String> = auth
            .results
            .iter()
            .map(|(m, r)| format!("{m}={r}"))
            .collect();
        SenderCheck::Unverified(format!(
            "the mail server could not confirm the sender ({})",
            seen.join(", ")
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

/// Whether an SMTP reply code is a permanent failure (5yz): retrying the same message to the
/// same address cannot succeed.
pub fn smtp_permanent(code: u16) -> bool {
    (500..600).contains(&code)
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

    fn trusted(v: &[&str]) -> AuthResults {
        let v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        auth_results(&v, Some("mx.handoff.test"))
    }

    #[test]
    fn sender_must_be_the_doctor_and_pass_the_trusted_checks() {
        let none = AuthResults::default();
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
        let dmarc_fail = trusted(&["mx.handoff.test; dkim=pass; spf=pass; dmarc=fail (p=reject)"]);
        assert!(matches!(
            check_sender("rao@heart.example", "rao@heart.example", &dmarc_fail),
            SenderCheck::Unverified(m) if m.contains("dmarc=fail")
        ));
        let all_fail = trusted(&["mx.handoff.test; dkim=none; spf=softfail smtp.mailfrom=x"]);
        assert!(matches!(
            check_sender("rao@heart.example", "rao@heart.example", &all_fail),
            SenderCheck::Unverified(_)
        ));
    }

    #[test]
    fn results_from_untrusted_servers_are_ignored() {
        let forged = vec!["evil.example; dmarc=pass".to_string()];
        assert!(
            auth_results(&forged, Some("mx.handoff.test"))
                .results
                .is_empty()
        );
        assert!(auth_results(&forged, None).results.is_empty());
        let mixed = vec![
            "evil.example; dmarc=pass".to_string(),
            "MX.Handoff.Test 1; dmarc=fail".to_string(),
        ];
        assert_eq!(
            auth_results(&mixed, Some("mx.handoff.test")).results,
            vec![("dmarc".to_string(), "fail".to_string())]
        );
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
        assert!(smtp_permanent(550) && smtp_permanent(554));
        assert_eq!(
            enhanced_status("permanent error (550): 5.1.1 <a@b>: user unknown").as_deref(),
            Some("5.1.1")
        );
        assert_eq!(enhanced_status("Version 1.2.3 of nothing"), None);
        assert!(!smtp_permanent(451) && !smtp_permanent(421));
    }
}
