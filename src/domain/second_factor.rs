//! The second factor: RFC 6238 time-based codes (SHA-1, 6 digits, 30 s steps, what every
//! authenticator app speaks), single-use recovery codes, and the enrolment URI and QR code.
//! Pure: the time and the random bytes come from the caller.

use base64::Engine;
use totp_rs::{Algorithm, TOTP};

/// Seconds per code.
pub const STEP_SECONDS: i64 = 30;
/// Codes of one step either side are accepted (a phone clock a little off).
pub const SKEW_STEPS: i64 = 1;
/// Recovery codes made at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// How long a right password waits for its second step before it must be typed again.
pub const PENDING_FOR: chrono::Duration = chrono::Duration::minutes(5);

/// Whether the second step of a sign-in begun at `started` may still be completed at `now`.
pub fn pending_still_open(started: chrono::NaiveDateTime, now: chrono::NaiveDateTime) -> bool {
    now - started <= PENDING_FOR
}

/// Whether a second factor is required of an account: it is the clinic's staff and the
/// clinic requires one (an account without one must set it up before anything else).
pub fn required_of(staff: bool, clinic_requires: bool) -> bool {
    staff && clinic_requires
}

/// Bytes of a shared secret (160 bits, RFC 4226's recommendation).
pub const SECRET_BYTES: usize = 20;

/// A shared secret as base32 (RFC 4648, no padding), the form apps accept typed in.
pub fn secret_base32(bytes: &[u8]) -> String {
    base32_encode(bytes)
}

/// The secret's bytes from base32, ignoring spaces and case; `None` if it is not base32.
pub fn secret_bytes(b32: &str) -> Option<Vec<u8>> {
    base32_decode(b32)
}

fn totp(secret: &[u8]) -> Option<TOTP> {
    TOTP::new(Algorithm::SHA1, 6, 0, STEP_SECONDS as u64, secret.to_vec()).ok()
}

/// The time step a Unix time falls in.
pub fn step_at(unix: i64) -> i64 {
    unix.div_euclid(STEP_SECONDS)
}

/// The code of one time step.
pub fn code_for_step(secret: &[u8], step: i64) -> Option<String> {
    let t = totp(secret)?;
    Some(t.generate(u64::try_from(step * STEP_SECONDS).ok()?))
}

/// The step whose code `code` is, among the current step and [`SKEW_STEPS`] either side,
/// and only if it is later than `last_step` (a code, once used, is refused: replay).
pub fn matching_step(secret: &[u8], code: &str, unix_now: i64, last_step: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_now);
    (now - SKEW_STEPS..=now + SKEW_STEPS)
        .filter(|s| *s > last_step)
        .find(|s| {
            code_for_step(secret, *s).is_some_and(|c| {
                crate::domain::security::constant_time_eq(c.as_bytes(), code.as_bytes())
            })
        })
}

/// Whether the input looks like a recovery code rather than a six-digit code.
pub fn is_recovery_code(input: &str) -> bool {
    normalize_recovery_code(input).len() == 10
}

/// A recovery code from 7 random bytes: ten base32 characters shown as `xxxxx-xxxxx`.
pub fn recovery_code(random: &[u8; 7]) -> String {
    let s = base32_encode(random).to_lowercase();
    format!("{}-{}", &s[..5], &s[5..10])
}

/// A typed recovery code as stored (hashed): lower case, without spaces or hyphens.
pub fn normalize_recovery_code(input: &str) -> String {
    input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The `otpauth://` URI an authenticator app reads from the QR code.
pub fn otpauth_uri(issuer: &str, account: &str, secret_b32: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret_b32}&issuer={}&algorithm=SHA1&digits=6&period={STEP_SECONDS}",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// The QR code of `text` as an SVG document (drawn here: the page needs no script and
/// the secret goes to no outside service).
pub fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(220, 220)
            .quiet_zone(true)
            .build(),
    )
}

/// The QR code as a `data:` URI for an `<img>` (the SVG stays inert: no script runs in
/// an image).
pub fn qr_data_uri(text: &str) -> Option<String> {
    let svg = qr_svg(text)?;
    Some(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    ))
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buf >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = ALPHABET
            .iter()
            .position(|a| *a as char == c.to_ascii_uppercase())? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buf >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B, SHA-1: secret "12345678901234567890", T = 59 s -> 94287082
    // (8 digits); the six-digit code is its last six digits.
    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let secret = b"12345678901234567890";
        assert_eq!(code_for_step(secret, step_at(59)).unwrap(), "287082");
        assert_eq!(
            code_for_step(secret, step_at(1111111109)).unwrap(),
            "081804"
        );
        assert_eq!(
            code_for_step(secret, step_at(1234567890)).unwrap(),
            "005924"
        );
    }

    #[test]
    fn one_step_either_side_is_accepted_and_a_used_step_never_again() {
        let secret = b"12345678901234567890";
        let now = 1_234_567_890;
        let s = step_at(now);
        for d in [-1, 0, 1] {
            let c = code_for_step(secret, s + d).unwrap();
            assert_eq!(matching_step(secret, &c, now, 0), Some(s + d), "skew {d}");
            assert_eq!(matching_step(secret, &c, now, s + d), None, "replay at {d}");
        }
        for d in [-2, 2] {
            let c = code_for_step(secret, s + d).unwrap();
            assert_eq!(matching_step(secret, &c, now, 0), None, "skew {d}");
        }
        assert_eq!(matching_step(secret, "12345", now, 0), None);
        assert_eq!(matching_step(secret, "abcdef", now, 0), None);
        let c = code_for_step(secret, s).unwrap();
        let spaced = format!("{} {}", &c[..3], &c[3..]);
        assert_eq!(matching_step(secret, &spaced, now, 0), Some(s));
    }

    #[test]
    fn only_a_requiring_clinics_staff_must_enrol_and_a_second_step_waits_five_minutes() {
        assert!(required_of(true, true));
        assert!(
            !required_of(false, true),
            "patients are not the clinic's staff"
        );
        assert!(!required_of(true, false));
        let t = chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .unwrap_or_default();
        assert!(pending_still_open(t, t + chrono::Duration::minutes(5)));
        assert!(!pending_still_open(t, t + chrono::Duration::seconds(301)));
    }

    #[test]
    fn base32_round_trips_and_recovery_codes_normalise() {
        let b = [
            0u8, 1, 2, 250, 251, 252, 253, 254, 255, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 77,
        ];
        let s = secret_base32(&b);
        assert_eq!(s.len(), 32);
        assert_eq!(secret_bytes(&s.to_lowercase()).unwrap(), b.to_vec());
        assert_eq!(secret_base32(b"foobar"), "MZXW6YTBOI");
        let code = recovery_code(&[1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(code.len(), 11);
        assert!(is_recovery_code(&code.to_uppercase()));
        assert_eq!(
            normalize_recovery_code(&format!(" {} ", code.to_uppercase())),
            code.replace('-', "")
        );
        assert!(!is_recovery_code("123456"));
    }

    #[test]
    fn the_enrolment_uri_names_issuer_and_account_and_draws_as_svg() {
        let uri = otpauth_uri("Handoff", "farah@harbour.example", "MZXW6YTBOI");
        assert_eq!(
            uri,
            "otpauth://totp/Handoff:farah@harbour.example?secret=MZXW6YTBOI&issuer=Handoff&algorithm=SHA1&digits=6&period=30"
        );
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.contains("<svg") && !svg.contains("<script"));
        assert!(
            qr_data_uri(&uri)
                .unwrap()
                .starts_with("data:image/svg+xml;base64,")
        );
    }
}
