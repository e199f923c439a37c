//! The interface's languages: English, Hindi and Marathi, from the Fluent files under
//! `locales/` (embedded at build time). A key missing in a language falls back to English;
//! `tests/i18n.rs` lists what each language lacks and fails when a key used in a template
//! or in the code is missing from English.
//!
//! Pure lookups over static data: no I/O, no clock, so services and pages share it.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, static_loader};
use serde::{Deserialize, Serialize};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Unicode isolation marks around every argument would end up in e-mail subjects,
        // calendar entries and attribute values; the arguments here are names and dates.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Hi,
    Mr,
}

/// Every language, in the order the language menu lists them.
pub const LANGS: [Lang; 3] = [Lang::En, Lang::Hi, Lang::Mr];

/// One argument of a message.
pub enum Arg<'a> {
    Text(Cow<'a, str>),
    /// A number: selects the plural form, and is written the language's way.
    Num(i64),
}

impl Lang {
    /// The BCP 47 code (`<html lang>`, the account setting, the `locales/` folder).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Hi => "hi",
            Lang::Mr => "mr",
        }
    }

    /// The language's own name, as the language menu shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Hi => "हिन्दी",
            Lang::Mr => "मराठी",
        }
    }

    /// Reads a stored or submitted code ("hi", "hi-IN", "HI"); `None` for anything else.
    pub fn parse(s: &str) -> Option<Lang> {
        let primary = s.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        LANGS.into_iter().find(|l| l.code() == primary)
    }

    fn id(self) -> LanguageIdentifier {
        // The three codes are valid identifiers; the fallback can never be taken.
        self.code().parse().unwrap_or_default()
    }

    /// The message `key`, in this language or else in English.
    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(&self.id(), key)
    }

    /// The message `key` with its arguments.
    pub fn t_with(self, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut map: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        for (name, value) in args {
            let v = match value {
                Arg::Text(s) => FluentValue::from(s.to_string()),
                Arg::Num(n) => FluentValue::from(*n),
            };
            map.insert(Cow::Owned((*name).to_string()), v);
        }
        LOCALES.lookup_with_args(&self.id(), key, &map)
    }

    /// Whether this language has its own text for `key` (no fallback).
    pub fn has(self, key: &str) -> bool {
        LOCALES
            .lookup_single_language::<&str>(&self.id(), key, None)
            .is_ok()
    }

    fn locale(self) -> chrono::Locale {
        match self {
            Lang::En => chrono::Locale::en_GB,
            Lang::Hi => chrono::Locale::hi_IN,
            Lang::Mr => chrono::Locale::mr_IN,
        }
    }

    /// A day written out in the language: "Monday 7 December 2026", "सोमवार 7 दिसंबर 2026".
    pub fn long_date(self, d: NaiveDate) -> String {
        self.format(d.and_time(chrono::NaiveTime::MIN), "%A %-d %B %Y")
    }

    /// A short day: "7 Dec 2026".
    pub fn date(self, d: NaiveDate) -> String {
        self.format(d.and_time(chrono::NaiveTime::MIN), "%-d %b %Y")
    }

    /// A wall-clock time with its day: "Monday 7 December 2026, 10:30".
    pub fn date_time(self, t: NaiveDateTime) -> String {
        self.format(t, "%A %-d %B %Y, %H:%M")
    }

    fn format(self, t: NaiveDateTime, fmt: &str) -> String {
        t.and_utc().format_localized(fmt, self.locale()).to_string()
    }

    /// A whole number with the language's grouping: 1,234,567 in English, 12,34,567 (the
    /// Indian lakh and crore grouping) in Hindi and Marathi.
    pub fn number(self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let sign = if n < 0 { "-" } else { "" };
        let groups: Vec<&str> = match self {
            Lang::En => split_from_right(&digits, 3, 3),
            Lang::Hi | Lang::Mr => split_from_right(&digits, 3, 2),
        };
        format!("{sign}{}", groups.join(","))
    }
}

/// Splits `digits` into a last group of `first` digits and groups of `rest` before it.
fn split_from_right(digits: &str, first: usize, rest: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut end = digits.len();
    let mut size = first;
    while end > size {
        out.push(&digits[end - size..end]);
        end -= size;
        size = rest;
    }
    out.push(&digits[..end]);
    out.reverse();
    out
}

/// The best of our languages for an `Accept-Language` header (quality values honoured;
/// `None` if it names none of them).
pub fn negotiate(accept_language: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for part in accept_language.split(',') {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or_default();
        let q = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if let Some(lang) = Lang::parse(tag)
            && q > 0.0
            && best.is_none_or(|(bq, _)| q > bq)
        {
            best = Some((q, lang));
        }
    }
    best.map(|(_, l)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(negotiate("hi-IN,hi;q=0.9,en;q=0.8"), Some(Lang::Hi));
        assert_eq!(negotiate("fr-FR, mr;q=0.5, en;q=0.4"), Some(Lang::Mr));
        assert_eq!(negotiate("en;q=0.2, hi;q=0.7"), Some(Lang::Hi));
        assert_eq!(negotiate("de, fr"), None);
        assert_eq!(negotiate("hi;q=0"), None);
        assert_eq!(negotiate(""), None);
    }

    #[test]
    fn codes_round_trip_and_unknown_codes_are_refused() {
        for l in LANGS {
            assert_eq!(Lang::parse(l.code()), Some(l));
        }
        assert_eq!(Lang::parse("HI-in"), Some(Lang::Hi));
        assert_eq!(Lang::parse("kn"), None);
        assert_eq!(Lang::parse(""), None);
    }

    #[test]
    fn numbers_use_the_languages_grouping() {
        assert_eq!(Lang::En.number(1_234_567), "1,234,567");
        assert_eq!(Lang::Hi.number(1_234_567), "12,34,567");
        assert_eq!(Lang::Mr.number(100_000), "1,00,000");
        assert_eq!(Lang::Hi.number(999), "999");
        assert_eq!(Lang::En.number(-1000), "-1,000");
        assert_eq!(Lang::En.number(0), "0");
    }

    #[test]
    fn dates_are_written_in_the_language() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        assert_eq!(Lang::En.long_date(d), "Monday 7 December 2026");
        assert_eq!(Lang::Hi.long_date(d), "सोमवार 7 दिसंबर 2026");
        assert!(
            Lang::Mr.long_date(d).contains("डिसेंबर"),
            "{}",
            Lang::Mr.long_date(d)
        );
    }

    #[test]
    fn a_missing_translation_falls_back_to_english() {
        assert_eq!(Lang::En.t("brand"), "Handoff");
        assert_eq!(Lang::Hi.t("nav-menu"), "मेनू");
        // A key nobody translated reads as English rather than as a blank or a key name.
        assert!(!Lang::Mr.has("brand"));
        assert_eq!(Lang::Mr.t("brand"), "Handoff");
    }
}
