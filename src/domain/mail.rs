//! Rules for mail to and from doctors outside the network: the external recipient's form,
//! signed-link and reply-address tokens (HMAC over ids, computed from a key the caller
//! passes in), quoted-history stripping for replies, and the outbox's retry schedule.

use std::sync::LazyLock;

use hmac::{Hmac, Mac};
use regex::Regex;
use sha2::{Digest, Sha256};

use super::forms::{FieldErrors, required_text};
use super::people::normalize_email;

type HmacSha256 = Hmac<Sha256>;

/// A doctor outside the directory, as typed into the composer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExternalRecipient {
    pub name: String,
    pub email: String,
    pub specialty: String,
    pub practice: String,
}

/// Validates the external recipient fields (`ext_name`, `ext_email`, `ext_specialty`,
/// `ext_practice`), adding errors beside each field.
pub fn validate_external(
    e: &mut FieldErrors,
    name: &str,
    email: &str,
    specialty: &str,
    practice: &str,
) -> ExternalRecipient {
    let name = required_text(e, "ext_name", "Doctor's name", name, 200);
    let email = match normalize_email(email) {
        Ok(v) => v,
        Err(m) => {
            e.add("ext_email", m);
            email.trim().to_string()
        }
    };
    let specialty = required_text(e, "ext_specialty", "Specialty", specialty, 200);
    let practice = required_text(e, "ext_practice", "Practice name", practice, 200);
    ExternalRecipient {
        name,
        email,
        specialty,
        practice,
    }
}

fn mac(key: &[u8], label: &str, data: &[u8]) -> HmacSha256 {
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    m.update(label.as_bytes());
    m.update(&[0]);
    m.update(data);
    m
}

/// Who already holds an address typed for a doctor outside the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressHolder {
    Nobody,
    /// An outside doctor known at this address (their user id).
    OutsideDoctor(String),
    /// An active practitioner of the network, listed in the directory.
    NetworkPractitioner,
    /// Any other account: a patient's, an admin's, a deactivated practitioner's.
    OtherAccount,
}

/// What an address typed for an outside doctor leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutsideRecipient {
    /// The outside doctor already known at the address.
    Existing(String),
    /// A new outside doctor.
    New,
    /// Refused: the address is a directory practitioner's, who should get the referral in
    /// their inbox (the directory is open to every practitioner, so this tells nothing new).
    InDirectory,
}

/// The outside doctor an address stands for. An account that is not a listed practitioner
/// counts as nobody: the composer never tells a practitioner whether a patient or an admin
/// has an account at an address.
pub fn outside_recipient(holder: AddressHolder) -> OutsideRecipient {
    match holder {
        AddressHolder::OutsideDoctor(id) => OutsideRecipient::Existing(id),
        AddressHolder::NetworkPractitioner => OutsideRecipient::InDirectory,
        AddressHolder::Nobody | AddressHolder::OtherAccount => OutsideRecipient::New,
    }
}

/// The placeholder sign-in address of an outside doctor's account: not deliverable
/// (`.invalid` is reserved) and not a valid sign-in, so the real address can be anyone's.
pub fn outside_placeholder_address(user_id: &str) -> String {
    format!("outside.{user_id}@handoff.invalid")
}

/// The token of a clinic's invitation to an outside doctor, derived like a link token but
/// under its own label, so the two can never stand for each other.
pub fn invitation_token(key: &[u8], nonce: &str) -> String {
    hex::encode(
        mac(key, "invitation", nonce.as_bytes())
            .finalize()
            .into_bytes(),
    )
}

/// The token of a patient's personal link, derived like an outside doctor's link token but
/// under its own label: neither kind of token opens the other kind of page.
pub fn patient_link_token(key: &[u8], nonce: &str) -> String {
    hex::encode(
        mac(key, "patient-link", nonce.as_bytes())
            .finalize()
            .into_bytes(),
    )
}

/// The secret in a signed link: HMAC(key, nonce), 256 bits as 64 hex digits. The database
/// keeps the random nonce and [`token_hash`] of the token, never the token itself.
pub fn link_token(key: &[u8], nonce: &str) -> String {
    hex::encode(mac(key, "link", nonce.as_bytes()).finalize().into_bytes())
}

/// What the database stores and looks a presented token up by.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether a presented token is well formed (64 lowercase hex digits); anything else is
/// refused before any lookup.
pub fn token_well_formed(token: &str) -> bool {
    token.len() == 64
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

const TAG_MAC_HEX: usize = 20;

/// The reply-address tag of a referral: its id without dashes, a dot, and 80 bits of
/// HMAC(key, id). Fits the 64-character local part with the `reply+` prefix.
pub fn reply_tag(key: &[u8], referral_id: &str) -> String {
    let compact: String = referral_id.chars().filter(|c| *c != '-').collect();
    let m = hex::encode(
        mac(key, "reply", compact.as_bytes())
            .finalize()
            .into_bytes(),
    );
    format!("{compact}.{}", &m[..TAG_MAC_HEX])
}

/// The reply address of a referral.
pub fn reply_address(key: &[u8], referral_id: &str, domain: &str) -> String {
    format!("reply+{}@{domain}", reply_tag(key, referral_id))
}

/// Checks a tag and returns the referral id (dashed UUID form) it names, or `None` when the
/// tag is malformed or its MAC does not match (compared in constant time).
pub fn verify_reply_tag(key: &[u8], tag: &str) -> Option<String> {
    let (compact, given) = tag.split_once('.')?;
    if compact.len() != 32
        || !compact.bytes().all(|b| b.is_ascii_hexdigit())
        || given.len() != TAG_MAC_HEX
    {
        return None;
    }
    let compact = compact.to_ascii_lowercase();
    let given = hex::decode(given.to_ascii_lowercase()).ok()?;
    mac(key, "reply", compact.as_bytes())
        .verify_truncated_left(&given)
        .ok()?;
    Some(format!(
        "{}-{}-{}-{}-{}",
        &compact[0..8],
        &compact[8..12],
        &compact[12..16],
        &compact[16..20],
        &compact[20..32]
    ))
}

/// Finds the tag in a list of recipient addresses: the first `reply+TAG@domain` (domain
/// compared without case).
pub fn find_reply_tag<'a>(addresses: &'a [String], domain: &str) -> Option<&'a str> {
    addresses.iter().find_map(|a| {
        let (local, host) = a.trim().rsplit_once('@')?;
        if !host.eq_ignore_ascii_case(domain) {
            return None;
        }
        local.strip_prefix("reply+")
    })
}

/// The new text of an e-mail reply: everything before the quoted history. Stops at the
/// first attribution line ("On … wrote:"), an "Original Message" or forwarded-header
/// separator, or a signature delimiter ("-- "), and drops ">"-quoted lines.
pub fn strip_quoted(body: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let lines: Vec<&str> = body.lines().collect();
    for (i, raw) in lines.iter().enumerate() {
        let line = raw.trim_end_matches('\r');
        let t = line.trim();
        let lower = t.to_lowercase();
        if line == "-- " || line == "--" {
            break;
        }
        if lower.starts_with("-----original message")
            || lower.starts_with("________________________________")
            || (lower.starts_with("from:")
                && lines
                    .get(i + 1)
                    .is_some_and(|n| n.trim().to_lowercase().starts_with("sent:")))
        {
            break;
        }
        // "On Mon, 2 Nov 2026, Dr X <x@y> wrote:" may wrap over two lines.
        let joined = match lines.get(i + 1) {
            Some(n) if lower.starts_with("on ") && !lower.ends_with("wrote:") => {
                format!("{lower} {}", n.trim().to_lowercase())
            }
            _ => lower.clone(),
        };
        if joined.starts_with("on ") && joined.ends_with("wrote:") {
            break;
        }
        if t.starts_with('>') {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|l| l.trim().is_empty()) {
        out.remove(0);
    }
    out.join("\n")
}

/// Seconds to wait before the next try after `attempts` failed tries: `base` doubled each
/// time, at most six hours.
pub fn retry_delay_secs(base: u64, attempts: u32) -> u64 {
    let factor = 1u64 << attempts.saturating_sub(1).min(20);
    base.max(1).saturating_mul(factor).min(6 * 3600)
}

/// An outbox message's state as the referral page words it.
pub fn delivery_label(status: &str, attempts: i64) -> String {
    match status {
        "sent" => "Delivered to the mail server".into(),
        "failed" => format!("Failed after {attempts} tries"),
        "sending" => "Sending".into(),
        _ if attempts > 0 => format!("Queued, retrying ({attempts} failed tries so far)"),
        _ => "Queued".into(),
    }
}

/// A delivery failure's text fit for the log. It comes from the mail server or from our
/// own checks and may quote whom the message was for: the recipient's address and name
/// become `[recipient]`, any other e-mail address `[address]`, and anything that looks
/// like a link token (32 or more hex digits) `[token]`.
pub fn loggable_failure(text: &str, recipient: &[&str]) -> String {
    static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+")
            .expect("a valid pattern")
    });
    static TOKEN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b[0-9A-Fa-f]{32,}\b").expect("a valid pattern"));
    let mut out = text.to_string();
    for r in recipient.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
        if let Ok(re) = Regex::new(&format!("(?i){}", regex::escape(r))) {
            out = re.replace_all(&out, "[recipient]").into_owned();
        }
    }
    let out = ADDRESS.replace_all(&out, "[address]");
    TOKEN.replace_all(&out, "[token]").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_in_the_log_names_neither_the_recipient_nor_any_address_or_token() {
        let t =
            "550 5.1.1 <Zubin.C@Patients.example>: user unknown; also cc x_y+1@mail.example.org";
        let out = loggable_failure(t, &["zubin.c@patients.example", "Zubin Contractor"]);
        assert_eq!(
            out,
            "550 5.1.1 <[recipient]>: user unknown; also cc [address]"
        );
        assert_eq!(
            loggable_failure(
                "not an e-mail address: Zubin Contractor",
                &["Zubin Contractor", ""]
            ),
            "not an e-mail address: [recipient]"
        );
        let token = "ab12".repeat(16);
        assert_eq!(
            loggable_failure(&format!("link /l/{token} refused"), &[]),
            "link /l/[token] refused"
        );
        assert_eq!(
            loggable_failure("connection refused (os error 111)", &["a@b.example"]),
            "connection refused (os error 111)"
        );
    }

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
    const ID: &str = "0192a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b";

    #[test]
    fn an_address_with_an_account_that_is_not_in_the_directory_is_just_a_new_outside_doctor() {
        assert_eq!(
            outside_recipient(AddressHolder::OtherAccount),
            outside_recipient(AddressHolder::Nobody),
            "patients' and admins' addresses look like unknown ones"
        );
        assert_eq!(
            outside_recipient(AddressHolder::Nobody),
            OutsideRecipient::New
        );
        assert_eq!(
            outside_recipient(AddressHolder::NetworkPractitioner),
            OutsideRecipient::InDirectory
        );
        assert_eq!(
            outside_recipient(AddressHolder::OutsideDoctor("u1".into())),
            OutsideRecipient::Existing("u1".into())
        );
        assert!(outside_placeholder_address("abc").ends_with(".invalid"));
        assert_ne!(invitation_token(b"k", "n"), link_token(b"k", "n"));
    }

    #[test]
    fn tokens_are_256_bits_and_depend_on_key_and_nonce() {
        let t = link_token(KEY, "n1");
        assert_eq!(t.len(), 64);
        assert!(token_well_formed(&t));
        assert_ne!(t, link_token(KEY, "n2"));
        assert_ne!(t, link_token(b"another key of enough length....", "n1"));
        assert_ne!(token_hash(&t), t);
        assert!(!token_well_formed(&t[..63]));
        assert!(!token_well_formed(&t.to_uppercase()));
        assert!(!token_well_formed("../../etc/passwd"));
    }

    #[test]
    fn reply_tags_verify_and_name_the_referral() {
        let tag = reply_tag(KEY, ID);
        let addr = reply_address(KEY, ID, "mail.example");
        assert!(addr.split('@').next().unwrap().len() <= 64, "{addr}");
        assert_eq!(verify_reply_tag(KEY, &tag).as_deref(), Some(ID));
        assert_eq!(
            verify_reply_tag(KEY, &tag.to_uppercase()).as_deref(),
            Some(ID)
        );
        // A changed referral id or MAC, another key, or junk: refused.
        let mut forged = tag.clone();
        forged.replace_range(0..1, if tag.starts_with('a') { "b" } else { "a" });
        assert_eq!(verify_reply_tag(KEY, &forged), None);
        let mut bad_mac = tag.clone();
        let last = bad_mac.pop().unwrap();
        bad_mac.push(if last == '0' { '1' } else { '0' });
        assert_eq!(verify_reply_tag(KEY, &bad_mac), None);
        assert_eq!(
            verify_reply_tag(b"other key other key other key!!!", &tag),
            None
        );
        assert_eq!(verify_reply_tag(KEY, "nonsense"), None);
        assert_eq!(verify_reply_tag(KEY, ""), None);
    }

    #[test]
    fn finds_the_tag_among_recipients() {
        let a = vec![
            "someone@else.example".to_string(),
            "reply+abc.def@Mail.Example".to_string(),
        ];
        assert_eq!(find_reply_tag(&a, "mail.example"), Some("abc.def"));
        assert_eq!(find_reply_tag(&a, "other.example"), None);
    }

    #[test]
    fn strips_quoted_history() {
        let body = "Happy to see her on Monday.\r\nPlease bring the ECG.\r\n\r\nOn Mon, 2 Nov 2026 at 10:00, Handoff <noreply@x> wrote:\r\n> Referral for Aarav\r\n> Reason: chest pain\r\n";
        assert_eq!(
            strip_quoted(body),
            "Happy to see her on Monday.\nPlease bring the ECG."
        );
        let wrapped = "Yes.\nOn Mon, 2 Nov 2026 at 10:00, Dr Asha Kulkarni\n<asha@lakeside.example> wrote:\n> old";
        assert_eq!(strip_quoted(wrapped), "Yes.");
        let outlook = "Accepting.\n\nFrom: Handoff\nSent: Monday\nSubject: x\nold text";
        assert_eq!(strip_quoted(outlook), "Accepting.");
        let sig = "Thanks\n-- \nDr Rao\nCardiology";
        assert_eq!(strip_quoted(sig), "Thanks");
        let inline = "> quoted\nmy answer\n> more quoted\nsecond";
        assert_eq!(strip_quoted(inline), "my answer\nsecond");
        assert_eq!(strip_quoted("> only quoted"), "");
    }

    #[test]
    fn retries_back_off_and_are_capped() {
        assert_eq!(retry_delay_secs(60, 1), 60);
        assert_eq!(retry_delay_secs(60, 2), 120);
        assert_eq!(retry_delay_secs(60, 4), 480);
        assert_eq!(retry_delay_secs(60, 40), 6 * 3600);
        assert_eq!(retry_delay_secs(0, 1), 1);
    }

    #[test]
    fn external_recipient_is_validated_field_by_field() {
        let mut e = FieldErrors::new();
        let r = validate_external(
            &mut e,
            " Dr Rao ",
            "RAO@Heart.example",
            "Cardiology",
            "Heart Care",
        );
        assert!(e.is_empty());
        assert_eq!(r.email, "rao@heart.example");
        assert_eq!(r.name, "Dr Rao");
        let mut e = FieldErrors::new();
        validate_external(&mut e, "", "not an address", "", "");
        for f in ["ext_name", "ext_email", "ext_specialty", "ext_practice"] {
            assert!(e.get(f).is_some(), "{f}");
        }
    }

    #[test]
    fn delivery_labels() {
        assert_eq!(delivery_label("queued", 0), "Queued");
        assert!(delivery_label("queued", 2).contains("2 failed"));
        assert!(delivery_label("failed", 8).contains("8 tries"));
    }
}
