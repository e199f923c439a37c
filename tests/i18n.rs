//! The translations: every Fluent file parses, no key is defined twice in a language, every
//! key the templates and the code use exists in English, translations keep the English
//! placeholders, and the keys each language lacks are listed (Hindi and Marathi lack none).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use fluent_templates::fluent_bundle::FluentResource;
use handoff::i18n::{Arg, LANGS, Lang};

/// Messages that read the same in every language (the product's name): English serves.
const SAME_IN_EVERY_LANGUAGE: [&str; 1] = ["brand"];

/// A language's messages: key → the placeholders its text uses.
fn messages(lang: &str) -> BTreeMap<String, BTreeSet<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(lang);
    let mut out = BTreeMap::new();
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    files.sort();
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
    {
        let text = fs::read_to_string(path).unwrap_or_default();
        if let Err((_, errors)) = FluentResource::try_new(text.clone()) {
            panic!("{} does not parse: {errors:?}", path.display());
        }
        let mut key: Option<String> = None;
        for line in text.lines() {
            let starts_message = line.chars().next().is_some_and(|c| c.is_ascii_lowercase());
            if starts_message && let Some((k, _)) = line.split_once(" =") {
                let k = k.trim().to_string();
                assert!(
                    !out.contains_key(&k),
                    "{lang}: {k} is defined twice (again in {})",
                    path.display()
                );
                out.insert(k.clone(), BTreeSet::new());
                key = Some(k);
            }
            if let Some(k) = &key {
                let vars = out.entry(k.clone()).or_default();
                for part in line.split("{ $").skip(1) {
                    let name: String = part
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    vars.insert(name);
                }
            }
        }
    }
    out
}

/// The message keys named literally in the templates and in the code.
fn used_keys() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut stack = vec![root.join("templates"), root.join("src")];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    let calls = [".t(\"", ".t1(\"", ".t2(\"", ".tn(\"", ".t_with(\""];
    let mut keys = BTreeSet::new();
    for f in files {
        let text = fs::read_to_string(&f).unwrap_or_default();
        for call in calls {
            for part in text.split(call).skip(1) {
                let key: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                if !key.is_empty() && part[key.len()..].starts_with('"') {
                    keys.insert(key);
                }
            }
        }
    }
    keys
}

#[test]
fn every_key_the_pages_and_mails_use_exists_in_english() {
    let en = messages("en");
    let used = used_keys();
    assert!(used.len() > 500, "the scan found {} keys", used.len());
    let missing: Vec<_> = used.iter().filter(|k| !en.contains_key(*k)).collect();
    assert!(
        missing.is_empty(),
        "used but missing from English: {missing:?}"
    );
    // Keys built from stored codes (`l.tk(prefix, code)`): every code has its message.
    let coded = [
        (
            "status",
            handoff::domain::referral::ALL_STATUSES
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>(),
        ),
        (
            "visit",
            handoff::domain::schedule::ALL_VISIT_STATUSES
                .iter()
                .map(|s| s.as_str())
                .collect(),
        ),
        (
            "appt-status",
            vec!["booked", "attended", "no_show", "cancelled"],
        ),
        (
            "access-role",
            vec![
                "practitioner",
                "patient",
                "clinic_admin",
                "external",
                "patient_link",
                "system",
                "anonymous",
            ],
        ),
    ];
    for (prefix, codes) in coded {
        for code in codes {
            let key = format!("{prefix}-{code}");
            assert!(en.contains_key(&key), "{key} is missing from English");
        }
    }
}

#[test]
fn translations_keep_the_english_placeholders_and_lack_nothing() {
    let en = messages("en");
    let mut report = String::new();
    for lang in LANGS.into_iter().filter(|l| *l != Lang::En) {
        let theirs = messages(lang.code());
        let lacking: Vec<&String> = en
            .keys()
            .filter(|k| !theirs.contains_key(*k) && !SAME_IN_EVERY_LANGUAGE.contains(&k.as_str()))
            .collect();
        let extra: Vec<&String> = theirs.keys().filter(|k| !en.contains_key(*k)).collect();
        report.push_str(&format!(
            "{}: {} of {} keys, lacks {:?}\n",
            lang.code(),
            theirs.len() - extra.len(),
            en.len(),
            lacking
        ));
        assert!(
            extra.is_empty(),
            "{}: keys English does not have: {extra:?}",
            lang.code()
        );
        for (k, vars) in &theirs {
            if let Some(en_vars) = en.get(k) {
                assert!(
                    vars.is_subset(en_vars),
                    "{} {k}: placeholders {vars:?}, English has {en_vars:?}",
                    lang.code()
                );
            }
        }
        assert!(lacking.is_empty(), "{report}");
    }
    println!("{report}");
}

#[test]
fn every_message_formats_in_every_language() {
    for lang in LANGS {
        for (key, vars) in messages(lang.code()) {
            // Every placeholder given (a number for counts, which choose the plural form).
            let args: Vec<(&str, Arg<'_>)> = vars
                .iter()
                .map(|v| match v.as_str() {
                    "count" | "uses" | "n" => (v.as_str(), Arg::Num(2)),
                    _ => (v.as_str(), Arg::Text("x".into())),
                })
                .collect();
            let text = lang.t_with(&key, &args);
            assert!(
                !text.contains("Unknown localization key"),
                "{} {key}",
                lang.code()
            );
        }
    }
    // Hindi and Marathi are really there, not English copies.
    assert_ne!(Lang::Hi.t("nav-patients"), Lang::En.t("nav-patients"));
    assert_ne!(Lang::Mr.t("plink-book"), Lang::En.t("plink-book"));
}
