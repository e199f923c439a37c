//! CSV as spreadsheets read it safely: every field quoted, and a field that a spreadsheet
//! would run as a formula (leading `=`, `+`, `-`, `@`, tab, CR) prefixed with a quote.

/// One field.
pub fn field(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_string()
    };
    format!("\"{}\"", v.replace('"', "\"\""))
}

/// A header line (written as is) and the quoted rows, each line ending in a newline.
pub fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut out = header.join(",");
    out.push('\n');
    for r in rows {
        out.push_str(&r.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_quotes_doubled() {
        assert_eq!(field("=SUM(A1)"), "\"'=SUM(A1)\"");
        assert_eq!(field("Dr \"Bob\""), "\"Dr \"\"Bob\"\"\"");
        assert_eq!(
            table(&["a", "b"], vec![vec!["1".into(), "-2".into()]]),
            "a,b\n\"1\",\"'-2\"\n"
        );
    }
}
