//! The visible text of an e-mail reply: what the outside doctor wrote, without the history
//! their mail client quoted under (or around) it, and without signatures and "Sent from my
//! phone" lines.
//!
//! Mail clients mark the history in a handful of shapes, in the writer's language: an
//! attribution ("On … wrote:", "Le … a écrit :", "Am … schrieb …:", "… ने लिखा:", or a
//! date and an address followed by a colon), possibly wrapped over up to three lines; a
//! block of header lines (Outlook's "From: / Sent: / To: / Subject:" in any of the languages
//! below); a separator ("-----Original Message-----", a rule of underscores, "---- X wrote
//! ----"); and ">"-prefixed lines. An attribution followed by ">" lines opens a quote that
//! ends where the ">" lines end (an answer written below or between quotes is kept); one
//! followed by unmarked text (Apple Mail, some webmails) is the start of the history, as is
//! a header block or a separator. A forwarded message is content, not history.
//!
//! Signatures are dropped, not kept: everything after a "-- " delimiter, a trailing "-Name"
//! sign-off, and device lines ("Sent from my iPhone", "Get Outlook for iOS"). A sign-off
//! written as ordinary lines ("Regards, Dr Rao") is part of the reply and stays. The rule is
//! the one github/email_reply_parser applies; the sender already knows who answered, and a
//! quoted history's signature is never kept.

use std::sync::LazyLock;

use regex::Regex;

/// Words that end an attribution line, by language (the colon follows).
const WROTE: &[&str] = &[
    "wrote",
    "writes",
    "a écrit",
    "a ecrit",
    "schrieb",
    "schreef",
    "het volgende geschreven",
    "escribió",
    "escribio",
    "ha scritto",
    "escreveu",
    "написал",
    "написала",
    "написав",
    "napisał",
    "napisała",
    "skrev",
    "kirjoitti",
    "yazdı",
    "írta",
    "写道",
    "寫道",
    "ने लिखा",
    "यांनी लिहिले",
    "ಬರೆದಿದ್ದಾರೆ",
    "ಅವರು ಬರೆದಿದ್ದಾರೆ",
    "எழுதியது",
];

/// Words an attribution starts with ("On Monday …", "Le lundi …", "Am 25.06. …").
const ON: &[&str] = &[
    "on", "le", "am", "op", "el", "il", "em", "den", "dne", "w dniu", "в", "у", "pe",
];

/// Header names that start a quoted header block.
const FROM: &[&str] = &[
    "from",
    "von",
    "de",
    "van",
    "da",
    "от",
    "від",
    "od",
    "fra",
    "från",
    "lähettäjä",
    "feladó",
    "发件人",
    "寄件者",
    "差出人",
    "보낸 사람",
    "प्रेषक",
    "से",
    "पाठवणारा",
    "ಇಂದ",
];

/// Other header names of a quoted header block.
const HEADERS: &[&str] = &[
    "sent",
    "date",
    "to",
    "subject",
    "cc",
    "bcc",
    "reply-to",
    "gesendet",
    "datum",
    "an",
    "betreff",
    "envoyé",
    "envoye",
    "à",
    "a",
    "objet",
    "verzonden",
    "aan",
    "onderwerp",
    "inviato",
    "data",
    "oggetto",
    "enviado",
    "enviada",
    "fecha",
    "para",
    "asunto",
    "assunto",
    "отправлено",
    "надіслано",
    "дата",
    "кому",
    "тема",
    "копия",
    "skickat",
    "till",
    "ämne",
    "sendt",
    "til",
    "emne",
    "发送时间",
    "日期",
    "收件人",
    "主题",
    "抄送",
    "送信日時",
    "宛先",
    "件名",
    "보낸 날짜",
    "받는 사람",
    "제목",
    "भेजा गया",
    "भेजा",
    "दिनांक",
    "तारीख",
    "प्रति",
    "को",
    "विषय",
    "पाठवले",
    "ದಿನಾಂಕ",
    "ಗೆ",
    "ವಿಷಯ",
];

/// Inner words of a "----- … -----" separator that starts the history.
const ORIGINAL: &[&str] = &[
    "original message",
    "original-nachricht",
    "ursprüngliche nachricht",
    "message d'origine",
    "message d’origine",
    "mensaje original",
    "messaggio originale",
    "mensagem original",
    "oorspronkelijk bericht",
    "исходное сообщение",
    "оригинальное сообщение",
    "вихідне повідомлення",
    "original meddelelse",
    "ursprungligt meddelande",
    "alkuperäinen viesti",
    "मूल संदेश",
    "मूळ संदेश",
    "ಮೂಲ ಸಂದೇಶ",
    "reply message",
];

/// Inner words of a forward marker: what follows is content.
const FORWARD: &[&str] = &[
    "forwarded message",
    "begin forwarded message",
    "weitergeleitete nachricht",
    "message transféré",
    "mensaje reenviado",
    "messaggio inoltrato",
    "doorgestuurd bericht",
    "пересылаемое сообщение",
    "пересланное сообщение",
    "अग्रेषित संदेश",
    "फॉरवर्ड केलेला संदेश",
    "ಫಾರ್ವರ್ಡ್ ಮಾಡಲಾದ ಸಂದೇಶ",
];

/// How device and app lines begin ("Sent from my iPhone", "Get Outlook for Android").
const DEVICE: &[&str] = &[
    "sent from ",
    "sent with ",
    "sent via ",
    "sent using ",
    "get outlook for ",
    "envoyé de mon ",
    "envoyé depuis ",
    "gesendet von meinem ",
    "von meinem ",
    "enviado desde mi ",
    "enviado desde ",
    "enviado do meu ",
    "inviato da ",
    "verzonden met ",
    "verstuurd vanaf ",
    "отправлено с ",
    "надіслано з ",
    "मेरे ",
    "माझ्या ",
    "ನನ್ನ ",
];

static TIME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d{1,2}[:.]\d{2}").expect("a valid pattern"));
static DASH_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[-–—]\s?\p{Lu}[\p{L}.'’]*(\s\p{L}[\p{L}.'’]*){0,3}$").expect("a valid pattern")
});
static BRACKETED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<[^>]*>|\([^)]*\)").expect("a valid pattern"));

/// A line with the invisible characters some clients sprinkle (zero-width spaces,
/// byte-order marks, non-breaking spaces) made plain, trimmed.
fn clean(line: &str) -> String {
    line.chars()
        .filter(|c| !matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}'))
        .map(|c| if c == '\u{a0}' { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

fn is_quoted(c: &str) -> bool {
    c.starts_with('>')
}

fn ends_with_colon(s: &str) -> Option<&str> {
    s.strip_suffix(':')
        .or_else(|| s.strip_suffix('：'))
        .map(str::trim_end)
}

/// Whether a joined (unwrapped) line is an attribution: it ends with a "wrote" word and a
/// colon (or, Gmail's ISO form and Yandex's, with an address and a colon), and names a date
/// or an address.
fn is_attribution(joined: &str) -> bool {
    let lower = joined.to_lowercase();
    let Some(head) = ends_with_colon(&lower) else {
        return false;
    };
    let has_date_or_address = lower.contains('@') || lower.chars().any(|c| c.is_numeric());
    if !has_date_or_address {
        return false;
    }
    // German and Dutch put the writer after the verb: "Am 25.06. um 10:55 schrieb Dr X:".
    let verb_first = ["schrieb", "schreef"]
        .iter()
        .any(|v| head.split_whitespace().any(|w| w == *v));
    let wrote = verb_first
        || WROTE.iter().any(|w| {
            head.strip_suffix(w).is_some_and(|before| {
                before.is_empty()
                    || before.ends_with(|c: char| c.is_whitespace() || c == '>' || c == ')')
                    || !w.is_ascii()
            })
        });
    // "2014-10-17 11:28 GMT+03:00 Postmaster <postmaster@…>:" and
    // "08.03.2016, 17:33, "Alexander L" <alex@…>:" name no verb.
    let dated_address = head.ends_with('>') && lower.contains('@') && TIME.is_match(&lower);
    wrote || dated_address
}

/// Whether an attribution may start with this line: it opens with "On"-like word, a digit
/// (a date, in any script: Devanagari dates use Devanagari digits) or a dash rule
/// ("- Le 9 avril …").
fn starts_attribution(first: &str) -> bool {
    let t = first
        .trim_start_matches(['-', '–', '—', '*', ' '])
        .to_lowercase();
    if t.starts_with(|c: char| c.is_numeric()) {
        return true;
    }
    ON.iter().any(|w| {
        t.strip_prefix(w)
            .is_some_and(|rest| rest.starts_with([' ', ',']))
    })
}

/// The number of lines (1 to 3) of an attribution starting at line `i`, if one does. A
/// window that also qualifies from a later line belongs to that line, so a reply line just
/// above the attribution is not taken with it.
fn attribution_at(lines: &[String], i: usize) -> Option<usize> {
    let window = |from: usize, len: usize| -> Option<String> {
        let part = lines.get(from..from + len)?;
        if part.iter().any(|l| l.is_empty() || is_quoted(l)) {
            return None;
        }
        Some(part.join(" "))
    };
    let starts = |from: usize, len: usize| {
        window(from, len).is_some_and(|j| is_attribution(&j) && starts_attribution(&lines[from]))
    };
    for len in 1..=3 {
        if starts(i, len) {
            if (1..len).any(|d| starts(i + d, len - d)) {
                return None;
            }
            return Some(len);
        }
    }
    // "Dr Rao <rao@heart.example> wrote:" alone on its line.
    window(i, 1)
        .filter(|j| j.contains('@') && is_attribution(j))
        .map(|_| 1)
}

/// The name of a header line ("From", "*Sent:*", "De :"), lowercased, if the line is one.
fn header_name(c: &str) -> Option<String> {
    let s = c.trim_start_matches('*');
    let pos = s.find([':', '：'])?;
    let name = s[..pos].trim().trim_end_matches('*').trim().to_lowercase();
    if name.is_empty() || name.chars().count() > 20 {
        return None;
    }
    Some(name)
}

/// Whether a block of quoted header lines starts at line `i`: up to six consecutive header
/// lines naming a sender and at least one other header.
fn header_block_at(lines: &[String], i: usize) -> bool {
    let names: Vec<String> = lines[i..]
        .iter()
        .take(6)
        .map_while(|l| header_name(l))
        .collect();
    if names.first().is_none_or(|n| !known_header(n)) {
        return false;
    }
    let from = names.iter().any(|n| FROM.contains(&n.as_str()));
    let other = names.iter().any(|n| HEADERS.contains(&n.as_str()));
    from && other
}

fn known_header(n: &str) -> bool {
    FROM.contains(&n) || HEADERS.contains(&n)
}

/// "----- Original Message -----", a rule of underscores, "---- John Smith wrote ----".
fn is_separator(c: &str) -> bool {
    if c.chars().count() >= 7 && c.chars().all(|ch| ch == '_') {
        return true;
    }
    let lower = c.to_lowercase();
    let inner = lower.trim_matches(['-', '=', '_', ' ']);
    if inner.len() == lower.len() {
        return false;
    }
    lower.starts_with("--")
        && (ORIGINAL.iter().any(|w| inner.trim_end_matches(':') == *w)
            || WROTE.iter().any(|w| inner.ends_with(w)))
}

fn is_forward(c: &str) -> bool {
    let lower = c.to_lowercase();
    let inner = lower
        .trim_matches(['-', '=', '_', ' '])
        .trim_end_matches(':')
        .trim();
    FORWARD.contains(&inner)
}

/// "Sent from my iPhone", "Get Outlook for iOS<https://aka.ms/…>": a short line of an app's
/// words, without sentence punctuation once links are set aside.
fn is_device_line(c: &str) -> bool {
    let lower = c.to_lowercase();
    let Some(prefix) = DEVICE.iter().find(|p| lower.starts_with(*p)) else {
        return false;
    };
    let rest = BRACKETED.replace_all(&lower[prefix.len()..], " ");
    let words = rest.split_whitespace().count();
    // In Hindi, Marathi and Kannada the phrase starts with "my", as many sentences do: only
    // a line naming a device or an app counts there.
    let names_device = [
        "iphone", "ipad", "android", "galaxy", "samsung", "outlook", "mobile",
    ]
    .iter()
    .any(|d| lower.contains(d));
    (1..=5).contains(&words)
        && !rest.contains([',', '.', '!', '?', ';'])
        && (prefix.is_ascii() || names_device)
}

fn is_rule(c: &str) -> bool {
    !c.is_empty()
        && c.chars()
            .all(|ch| matches!(ch, '-' | '_' | '=' | '*' | ' '))
}

/// What the writer of a reply wrote: the body without quoted history and signatures (see the
/// module's rules), with CRLF made LF and blank lines trimmed at both ends.
pub fn visible_text(body: &str) -> String {
    let raw: Vec<&str> = body.lines().map(|l| l.trim_end_matches('\r')).collect();
    let lines: Vec<String> = raw.iter().map(|l| clean(l)).collect();
    let mut out: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let c = &lines[i];
        if is_quoted(c) {
            i += 1;
            continue;
        }
        if is_forward(c) {
            out.extend(&raw[i..]);
            break;
        }
        if c == "--" || is_separator(c) || header_block_at(&lines, i) {
            break;
        }
        if let Some(len) = attribution_at(&lines, i) {
            // Gmail wraps a long attribution; a line just above it that was cut at an
            // opening bracket or a comma is its first part.
            while out.last().is_some_and(|l| {
                let l = clean(l);
                l.ends_with(['<', '(', ',']) && l.chars().any(|ch| ch.is_numeric())
            }) {
                out.pop();
            }
            i += len;
            let next = lines[i..].iter().find(|l| !l.is_empty());
            if next.is_some_and(|l| is_quoted(l)) {
                continue;
            }
            break;
        }
        if !is_device_line(c) {
            out.push(raw[i]);
        }
        i += 1;
    }
    // Trailing blank lines, rules and a "-Name" sign-off go, however they are stacked.
    while out
        .last()
        .map(|l| clean(l))
        .is_some_and(|last| last.is_empty() || is_rule(&last) || DASH_NAME.is_match(&last))
    {
        out.pop();
    }
    let start = out.iter().take_while(|l| clean(l).is_empty()).count();
    out[start..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_attribution_with_quote_below() {
        let body = "Happy to see her on Monday.\r\nPlease bring the ECG.\r\n\r\nOn Mon, 2 Nov 2026 at 10:00, Handoff <noreply@x> wrote:\r\n> Referral for Aarav\r\n> Reason: chest pain\r\n";
        assert_eq!(
            visible_text(body),
            "Happy to see her on Monday.\nPlease bring the ECG."
        );
    }

    #[test]
    fn attribution_wrapped_over_two_and_three_lines() {
        let two = "Yes.\n\nOn Mon, 2 Nov 2026 at 10:00, Dr Asha Kulkarni\n<asha@lakeside.example> wrote:\n> old";
        assert_eq!(visible_text(two), "Yes.");
        let three = "Yes.\nOn Nov 21, 2014,\nat 10:18,\nJohn Doe <john@doe.example> wrote:\n> old";
        assert_eq!(visible_text(three), "Yes.");
    }

    #[test]
    fn a_reply_line_starting_with_on_is_not_an_attribution() {
        let body = "On the one hand, yes.\nOn the other hand, no.\n\nOn Wed, Dec 9, Dr X\n<x@y.example>\nwrote:\n> old";
        assert_eq!(
            visible_text(body),
            "On the one hand, yes.\nOn the other hand, no."
        );
        // A "wrote:" without a date or an address is the writer's own words.
        assert_eq!(
            visible_text("The nurse wrote:\nBP 130/85"),
            "The nurse wrote:\nBP 130/85"
        );
    }

    #[test]
    fn unmarked_history_after_an_attribution_is_dropped() {
        let body = "Thank you.\n\nAm 25.06.2015 um 10:55 schrieb Dr Weber:\n\nMy previous mail";
        assert_eq!(visible_text(body), "Thank you.");
    }

    #[test]
    fn an_answer_below_a_quote_is_kept() {
        let body = "On Fri, May 6, 2011 at 6:03 PM, Dr Rao <rao@x.example> wrote:\n> Can you see her?\n\nYes, on Tuesday.\n\nRegards, Dr Patel";
        assert_eq!(visible_text(body), "Yes, on Tuesday.\n\nRegards, Dr Patel");
    }

    #[test]
    fn outlook_header_blocks_in_several_languages() {
        for (from, sent) in [
            (
                "From: Handoff [mailto:x@y]",
                "Sent: Monday, 2 November 2026 10:00",
            ),
            ("*From:* Handoff", "*Sent:* Monday"),
            ("Von: Handoff <x@y>", "Gesendet: Montag, 2. November 2026"),
            ("De : Handoff", "Envoyé : lundi 2 novembre 2026"),
            ("De: Handoff", "Enviado: lunes, 2 de noviembre de 2026"),
            ("发件人: Handoff", "发送时间: 2026年11月2日"),
            ("प्रेषक: Handoff", "भेजा गया: सोमवार"),
        ] {
            let body = format!("Accepted.\n\n{from}\n{sent}\nSubject: Referral\n\nold text");
            assert_eq!(visible_text(&body), "Accepted.", "{from}");
        }
        // Lines that merely look like headers, without a sender, are the reply.
        let appointment = "Date: Wednesday 3 November\nTime: 7:00\nAddress: 130 Fox St";
        assert_eq!(visible_text(appointment), appointment);
    }

    #[test]
    fn separators_start_the_history() {
        for sep in [
            "-----Original Message-----",
            "----- Original Message -----",
            "-----Ursprüngliche Nachricht-----",
            "________________________________",
            "---- John Smith wrote ----",
        ] {
            let body = format!("Seen.\n\n{sep}\nold text");
            assert_eq!(visible_text(&body), "Seen.", "{sep}");
        }
    }

    #[test]
    fn a_forward_is_content() {
        let body = "FYI\n\n---------- Forwarded message ----------\nFrom: lab@x.example\nDate: Tue, 4 Sep 2026\nSubject: Results\n\nHb 9.1";
        assert_eq!(visible_text(body), body);
    }

    #[test]
    fn signatures_and_device_lines_are_dropped() {
        assert_eq!(visible_text("Thanks\n-- \nDr Rao\nCardiology"), "Thanks");
        assert_eq!(visible_text("Thanks\n\nSent from my iPhone"), "Thanks");
        assert_eq!(
            visible_text("Thanks\nGet Outlook for iOS<https://aka.ms/x>"),
            "Thanks"
        );
        assert_eq!(visible_text("Thanks\n\n-Asha Rao"), "Thanks");
        // Ordinary sentences that start the same way stay.
        let desk = "Here it is\nSent from my desk, which is easier than my phone.";
        assert_eq!(visible_text(desk), desk);
        let dashes = "Points:\n-- first\n-- second\nThanks!";
        assert_eq!(visible_text(dashes), dashes);
    }

    #[test]
    fn inline_quotes_are_dropped() {
        assert_eq!(
            visible_text("> quoted\nmy answer\n> more quoted\nsecond"),
            "my answer\nsecond"
        );
        assert_eq!(visible_text("> only quoted"), "");
    }
}
