//! The house rules that a compiler does not check: no import circles between modules of
//! `src/`, SQL only in `db/`, file bytes only through the store, no file over 600 lines,
//! and templates that never decide a rule by comparing status or kind strings.
//!
//! The module graph is read from the sources: an edge A -> B when a `use` or an inline
//! `crate::`/`super::`/`self::`/child-module path in A names B (or an item of B). A
//! module's declaration of its children (`mod x;`) is not an import. Unit tests
//! (`#[cfg(test)]` and after) are left out: they may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The tree to check: this crate's, or another checkout's (`HOUSE_ROOT`, to measure an
/// older commit with the same reader).
fn root() -> PathBuf {
    std::env::var_os("HOUSE_ROOT")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

fn src() -> PathBuf {
    root().join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `src/a/b.rs` and `src/a/b/mod.rs` are module `a::b`; `lib.rs` is the root "".
fn module_of(file: &Path) -> Option<Vec<String>> {
    let rel = file.strip_prefix(src()).ok()?;
    let mut parts: Vec<String> = rel
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    if parts.first().is_some_and(|p| p == "bin") || parts == ["main.rs"] {
        return None;
    }
    let last = parts.pop()?;
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_string());
    }
    Some(parts)
}

/// The source without comments, string contents and unit tests.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    // A quote character literal would read as the start of a string.
    let text = text.replace("'\\\"'", "' '").replace("'\"'", "' '");
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for d in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            _ => out.push(c),
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every path written in the code, as segments, with `use` trees expanded.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    // `use` trees, expanded.
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        rest = &rest[at + 4..];
        if before.is_some_and(is_ident) {
            continue;
        }
        let Some(end) = rest.find(';') else { break };
        let tree = rest[..end].split_whitespace().collect::<Vec<_>>().join(" ");
        expand(&tree, &mut Vec::new(), &mut paths);
    }
    // Inline paths: identifier chains joined by `::`.
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if is_ident(chars[i]) && (i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == ':')) {
            let mut segs = Vec::new();
            let mut j = i;
            loop {
                let s = j;
                while j < chars.len() && is_ident(chars[j]) {
                    j += 1;
                }
                segs.push(chars[s..j].iter().collect::<String>());
                if j + 2 < chars.len()
                    && chars[j] == ':'
                    && chars[j + 1] == ':'
                    && is_ident(chars[j + 2])
                {
                    j += 2;
                } else {
                    break;
                }
            }
            if segs.len() > 1 {
                paths.push(segs);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    paths
}

fn expand(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim().trim_start_matches("::");
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let n = prefix.len();
        prefix.extend(head);
        let mut depth = 0;
        let mut start = 0;
        for (k, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..k], prefix, out);
                    start = k + 1;
                }
                _ => {}
            }
        }
        expand(&inner[start..], prefix, out);
        prefix.truncate(n);
    } else if !tree.is_empty() {
        let mut p = prefix.clone();
        let leaf = tree.split(" as ").next().unwrap_or(tree);
        p.extend(
            leaf.split("::")
                .map(str::trim)
                .filter(|s| !s.is_empty() && *s != "*")
                .map(String::from),
        );
        out.push(p);
    }
}

/// The import graph of `src/`: module -> modules it imports.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().filter_map(|f| module_of(f)).collect();
    let mut g = BTreeMap::new();
    for f in &files {
        let Some(me) = module_of(f) else { continue };
        let code = code_of(&std::fs::read_to_string(f).expect("read"));
        let mut edges = BTreeSet::new();
        for path in paths_in(&code) {
            let mut abs: Vec<String> = match path[0].as_str() {
                "crate" => Vec::new(),
                "self" => me.clone(),
                "super" => me.clone(),
                first => {
                    let mut child = me.clone();
                    child.push(first.to_string());
                    if !modules.contains(&child) {
                        continue;
                    }
                    me.clone()
                }
            };
            let mut segs = path.iter().peekable();
            if matches!(path[0].as_str(), "crate" | "self") {
                segs.next();
            }
            while segs.peek().is_some_and(|s| *s == "super") {
                segs.next();
                abs.pop();
            }
            abs.extend(segs.cloned());
            // The longest module prefix is what is imported.
            let target = (0..=abs.len())
                .rev()
                .map(|k| abs[..k].to_vec())
                .find(|p| modules.contains(p));
            if let Some(t) = target
                && t != me
                && !t.is_empty()
            // A parent naming its own child module's items is how Rust re-exports;
            // only a child importing from its ancestor plus the reverse makes a circle.
            {
                edges.insert(t.join("::"));
            }
        }
        g.insert(me.join("::"), edges);
    }
    g
}

/// Strongly connected components with more than one module (Tarjan).
fn circles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        t.on.insert(v);
        let g = t.g;
        for w in g.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low[v];
                t.low.insert(v, lv.min(lw));
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low[v];
                t.low.insert(v, lv.min(iw));
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn no_two_modules_import_each_other() {
    let g = graph();
    assert!(
        g.len() > 40,
        "the graph reader found only {} modules",
        g.len()
    );
    let found = circles(&g);
    let described: Vec<String> = found
        .iter()
        .map(|c| {
            let detail: Vec<String> = c
                .iter()
                .map(|m| {
                    let inside: Vec<&str> = g[m]
                        .iter()
                        .filter(|t| c.contains(t))
                        .map(String::as_str)
                        .collect();
                    format!("{m} -> {}", inside.join(", "))
                })
                .collect();
            detail.join("; ")
        })
        .collect();
    assert!(
        found.is_empty(),
        "{} import circle(s):\n{}",
        found.len(),
        described.join("\n")
    );
}

#[test]
fn the_graph_reader_sees_a_circle() {
    // The reader must be able to fail: a made-up pair that imports each other.
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    g.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    g.insert("d".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(circles(&g), vec![vec!["a", "b", "c"]]);
    let p = paths_in("use super::{x, y::{self, Z}};\nfn f() { crate::db::q::run(); }");
    assert!(p.contains(&vec!["super".into(), "x".into()]));
    assert!(p.contains(&vec!["super".into(), "y".into(), "Z".into()]));
    assert!(p.contains(&vec!["crate".into(), "db".into(), "q".into(), "run".into()]));
}

/// Every `.html` template.
fn templates() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for e in std::fs::read_dir(dir).expect("read templates") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "html") {
                let text = std::fs::read_to_string(&p).expect("read template");
                out.push((p, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join("templates"), &mut out);
    out
}

/// What a template must not write: it would be deciding a rule itself.
fn rule_in_template(text: &str) -> Vec<String> {
    const STATUS_NAMES: [&str; 14] = [
        "draft",
        "awaiting_patient",
        "declined_by_patient",
        "sent",
        "need_info",
        "visit_required",
        "accepted",
        "completed",
        "rejected",
        "cancelled",
        "booked",
        "attended",
        "no_show",
        "admission",
    ];
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let squeezed = line.split_whitespace().collect::<Vec<_>>().join(" ");
        for bad in ["status ==", "status !=", "kind ==", "kind !="] {
            if squeezed.contains(bad) {
                found.push(format!("line {}: `{bad}`", n + 1));
            }
        }
        for name in STATUS_NAMES.iter().chain(&["lab", "imaging", "specialist"]) {
            for quote in ['"', '\''] {
                // Inside template code only: `{% ... "sent" ... %}` or `{{ ... }}`.
                let needle = format!("{quote}{name}{quote}");
                let in_code = line.match_indices(&needle).any(|(at, _)| {
                    let before = &line[..at];
                    before.rfind("{%").max(before.rfind("{{"))
                        > before.rfind("%}").max(before.rfind("}}"))
                });
                if in_code {
                    found.push(format!("line {}: {needle}", n + 1));
                }
            }
        }
    }
    found
}

#[test]
fn templates_ask_the_domain_instead_of_comparing_statuses_or_kinds() {
    let all = templates();
    assert!(all.len() > 20, "found only {} templates", all.len());
    let offending: Vec<String> = all
        .iter()
        .flat_map(|(p, text)| {
            rule_in_template(text)
                .into_iter()
                .map(move |f| format!("{}: {f}", p.display()))
        })
        .collect();
    assert!(offending.is_empty(), "{}", offending.join("\n"));
    // The checker itself must catch the forms it forbids.
    assert_eq!(
        rule_in_template(r#"{% if v.referral.status != "draft" %}"#).len(),
        2
    );
    assert_eq!(rule_in_template(r#"{% if d.kind=="lab" %}"#).len(), 1);
    assert!(rule_in_template(r#"<option value="sent">Sent</option>"#).is_empty());
}

/// Lines of a file, and the files of `src/` longer than `max` (the schema is generated).
fn long_files(max: usize) -> Vec<(String, usize)> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut long: Vec<(String, usize)> = files
        .iter()
        .filter(|f| !f.ends_with("db/schema.rs"))
        .map(|f| {
            let n = std::fs::read_to_string(f).expect("read").lines().count();
            (f.display().to_string(), n)
        })
        .filter(|(_, n)| *n > max)
        .collect();
    long.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    long
}

#[test]
fn no_file_in_src_is_over_600_lines() {
    let long = long_files(600);
    assert!(long.is_empty(), "over 600 lines: {long:?}");
}

#[test]
fn sql_lives_in_db_and_file_bytes_go_through_the_store() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut found = Vec::new();
    for f in &files {
        let rel = f
            .strip_prefix(src())
            .expect("under src")
            .to_string_lossy()
            .into_owned();
        let code = code_of(&std::fs::read_to_string(f).expect("read"));
        let in_db = rel.starts_with("db/") || rel.starts_with("db\\");
        if !in_db {
            for bad in [
                "diesel::sql_query",
                "sql_query(",
                "diesel::dsl",
                "diesel::prelude",
                ".execute(",
                "RunQueryDsl",
            ] {
                if code.contains(bad) {
                    found.push(format!("{rel}: {bad}"));
                }
            }
        }
        if rel.starts_with("web/") && (code.contains("std::fs") || code.contains("fs::read")) {
            found.push(format!("{rel}: reads files itself"));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn services_leave_diesel_to_db() {
    let mut files = Vec::new();
    rust_files(&src().join("services"), &mut files);
    let found: Vec<String> = files
        .iter()
        .filter(|f| code_of(&std::fs::read_to_string(f).expect("read")).contains("diesel"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(found.is_empty(), "services naming diesel: {found:?}");
}

/// The graph with every module folded into its area (`services::referrals::compose` into
/// `services::referrals`): a folder and another module must not import each other either.
fn folded(g: &BTreeMap<String, BTreeSet<String>>) -> BTreeMap<String, BTreeSet<String>> {
    let area = |m: &str| m.split("::").take(2).collect::<Vec<_>>().join("::");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, tos) in g {
        let f = area(from);
        let entry = out.entry(f.clone()).or_default();
        for t in tos {
            let t = area(t);
            if t != f {
                entry.insert(t);
            }
        }
    }
    out
}

#[test]
fn no_two_areas_import_each_other() {
    let g = folded(&graph());
    let found = circles(&g);
    assert!(found.is_empty(), "circles between areas: {found:?}");
}
