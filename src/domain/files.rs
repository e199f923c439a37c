//! Uploaded files: the type is decided by sniffing the content, never by the name, and the
//! name the user gave is only ever shown, never used as a path.

/// A file type the chart accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Png,
    Jpeg,
    Dicom,
    Text,
}

impl FileType {
    /// The MIME type served on download.
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
            FileType::Dicom => "application/dicom",
            FileType::Text => "text/plain; charset=utf-8",
        }
    }

    /// A short label for lists.
    pub fn label(self) -> &'static str {
        match self {
            FileType::Pdf => "PDF",
            FileType::Png => "PNG image",
            FileType::Jpeg => "JPEG image",
            FileType::Dicom => "DICOM",
            FileType::Text => "Text",
        }
    }

    /// Maps a stored MIME type back.
    pub fn from_mime(m: &str) -> Option<FileType> {
        [
            FileType::Pdf,
            FileType::Png,
            FileType::Jpeg,
            FileType::Dicom,
            FileType::Text,
        ]
        .into_iter()
        .find(|t| t.mime() == m)
    }
}

/// What the allowlist says, in words, for error messages.
pub const ALLOWED_TYPES_TEXT: &str = "PDF, PNG, JPEG, DICOM or plain text";

/// Decides the type from the first bytes of the content (at least the first 132 bytes
/// should be given when available). Returns `None` for anything not on the allowlist,
/// including HTML and executables.
pub fn sniff(head: &[u8]) -> Option<FileType> {
    // Markup anywhere in the head (after a PDF header, after a byte-order mark) is refused
    // whatever comes first: a browser that sniffs could render it as a page.
    if has_markup(head) {
        return None;
    }
    if head.starts_with(b"%PDF-") {
        return Some(FileType::Pdf);
    }
    if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Some(FileType::Png);
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(FileType::Jpeg);
    }
    if head.len() >= 132 && &head[128..132] == b"DICM" {
        return Some(FileType::Dicom);
    }
    if is_plain_text(head) {
        return Some(FileType::Text);
    }
    None
}

fn is_plain_text(head: &[u8]) -> bool {
    if head.is_empty() {
        return false;
    }
    // A multi-byte character may be cut at the end of the sniffed window.
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) if e.error_len().is_none() => match std::str::from_utf8(&head[..e.valid_up_to()]) {
            Ok(t) => t,
            Err(_) => return false,
        },
        Err(_) => return false,
    };
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return false;
    }
    // Markup is refused as text (has_markup looked inside; this catches a document that
    // merely starts like one, after a byte-order mark or white space).
    let lower = text
        .trim_start_matches(|c: char| c == '\u{feff}' || c.is_whitespace())
        .to_ascii_lowercase();
    !(lower.starts_with("<!doctype") || lower.starts_with("<?xml") || lower.starts_with("<svg"))
}

/// Whether the bytes hold an HTML or script tag that browsers sniff as a page.
fn has_markup(head: &[u8]) -> bool {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    [
        &b"<html"[..],
        b"<script",
        b"<!doctype html",
        b"<body",
        b"<iframe",
        b"<svg",
        b"<head",
    ]
    .iter()
    .any(|tag| lower.windows(tag.len()).any(|w| w == *tag))
}

/// Characters that reorder how a name is displayed (bidirectional overrides, isolates and
/// marks): "invoice\u{202E}fdp.exe" would show as "invoiceexe.pdf".
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The name shown to users: the last path component, control characters and quotes
/// removed, at most 120 characters. Never used to build a path on disk.
pub fn display_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c) && !matches!(c, '"' | '<' | '>' | ';'))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "file".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(FileType::Pdf));
        assert_eq!(
            sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Some(FileType::Png)
        );
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(FileType::Jpeg));
        let mut dicom = vec![0u8; 140];
        dicom[128..132].copy_from_slice(b"DICM");
        assert_eq!(sniff(&dicom), Some(FileType::Dicom));
        assert_eq!(
            sniff(b"HbA1c 6.1 %\nLDL 3.2 mmol/L\n"),
            Some(FileType::Text)
        );
    }

    #[test]
    fn markup_behind_a_bom_or_a_pdf_header_is_refused_and_names_lose_bidi_overrides() {
        assert_eq!(sniff(b"\xEF\xBB\xBF<html><script>alert(1)</script>"), None);
        assert_eq!(sniff(b"\xEF\xBB\xBF  <!DOCTYPE html><p>x"), None);
        assert_eq!(sniff(b"%PDF-1.4\n<html><body onload=alert(1)>"), None);
        assert_eq!(
            sniff(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj"),
            Some(FileType::Pdf)
        );
        assert_eq!(sniff(b"BP 150/95 <- high\nLDL 3.2\n"), Some(FileType::Text));
        assert_eq!(display_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(display_name("\u{2067}scan\u{2069}.pdf"), "scan.pdf");
        assert_eq!(display_name("ईसीजी.pdf"), "ईसीजी.pdf", "scripts stay");
    }

    #[test]
    fn refuses_what_is_not_allowed() {
        assert_eq!(sniff(b"MZ\x90\x00\x03"), None);
        assert_eq!(sniff(b"<html><script>alert(1)</script>"), None);
        assert_eq!(sniff(b"  <!DOCTYPE html>"), None);
        assert_eq!(sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff(b"\x7fELF\x02\x01"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn text_cut_mid_character_is_still_text() {
        let s = "température 37,2 °C".as_bytes();
        assert_eq!(sniff(&s[..s.len() - 1]), Some(FileType::Text));
    }

    #[test]
    fn display_names_are_inert() {
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("C:\\x\\report.pdf"), "report.pdf");
        assert_eq!(display_name("..\u{0}\"evil\".pdf"), "evil.pdf");
        assert_eq!(display_name(""), "file");
        assert_eq!(display_name("..."), "file");
    }

    #[test]
    fn mime_round_trip() {
        for t in [
            FileType::Pdf,
            FileType::Png,
            FileType::Jpeg,
            FileType::Dicom,
            FileType::Text,
        ] {
            assert_eq!(FileType::from_mime(t.mime()), Some(t));
        }
    }
}
