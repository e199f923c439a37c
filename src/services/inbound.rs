//! Mail arriving on a referral's reply address: replies (posted when they come from the
//! outside doctor, held for the sender otherwise), bounces of the letter, and duplicates.

use mail_parser::{Message, MimeHeaders, PartType};

use crate::domain::reply::visible_text;

/// The text the writer typed: the first `text/plain` body, or, for a message with only an
/// HTML body, that HTML turned into text (its blockquotes become ">" lines), then without
/// the quoted history and signatures.
pub fn reply_text(msg: &Message) -> String {
    let part = msg
        .text_body
        .first()
        .and_then(|i| msg.parts.get(*i as usize));
    let body = match part.map(|p| &p.body) {
        Some(PartType::Text(t)) => t.to_string(),
        Some(PartType::Html(h)) => html_to_text(h),
        _ => match msg.body_html(0) {
            Some(h) => html_to_text(&h),
            None => String::new(),
        },
    };
    visible_text(&body)
}

fn html_to_text(html: &str) -> String {
    // Wide enough that no line is wrapped: a wrapped attribution is harder to recognise.
    html2text::config::plain_no_decorate()
        .string_from_read(html.as_bytes(), 10_000)
        .unwrap_or_else(|_| html.to_string())
}

/// The parts of a message that are files (not its text or HTML body).
pub fn attachment_names(msg: &Message) -> Vec<String> {
    msg.attachments()
        .map(|a| a.attachment_name().unwrap_or("attachment").to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The held-out corpus (tests/fixtures/email-replies): every reply phrase kept, every
    /// quoted phrase dropped; signatures are dropped (so every signature phrase must be
    /// gone, including talon's two it keeps).
    #[test]
    fn corpus_cases_keep_the_reply_and_drop_the_history() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/email-replies/cases"
        );
        let mut failures = Vec::new();
        let mut cases = 0;
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            let p = e.path();
            let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
            if ext != "txt" && ext != "eml" {
                continue;
            }
            cases += 1;
            let raw = std::fs::read(&p).unwrap();
            let msg = mail_parser::MessageParser::default().parse(&raw).unwrap();
            let html = msg
                .text_body
                .first()
                .is_some_and(|i| matches!(msg.parts[*i as usize].body, PartType::Html(_)));
            let mut text = reply_text(&msg).replace("\r\n", "\n");
            if html {
                text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            }
            let exp: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(p.with_extension("expect.json")).unwrap(),
            )
            .unwrap();
            let list = |k: &str| -> Vec<String> {
                exp[k]
                    .as_array()
                    .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
                    .unwrap_or_default()
            };
            let sig = list("signature_phrases");
            for k in list("must_contain") {
                if sig.contains(&k) {
                    if text.contains(&k) {
                        failures.push(format!("{}: kept signature {k:?}", p.display()));
                    }
                } else if !text.contains(&k) {
                    failures.push(format!("{}: lost {k:?}\n---\n{text}\n---", p.display()));
                }
            }
            for k in list("must_not_contain") {
                if text.contains(&k) {
                    failures.push(format!("{}: kept {k:?}\n---\n{text}\n---", p.display()));
                }
            }
        }
        assert_eq!(cases, 60);
        assert!(
            failures.is_empty(),
            "{}\n{} failures",
            failures.join("\n"),
            failures.len()
        );
    }
}
