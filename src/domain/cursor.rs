//! Keyset cursors: where a page of a list ends, carried in its "next page" link. A cursor
//! names the last row shown by the list's sort key and the row's id (the tie-breaker), so
//! the next page is the index range after it: no OFFSET, the same cost on page 1 and page
//! 1,000. Opaque to the reader but not a secret: a cursor only says where to start, and
//! the list's query decides what may be listed. A cursor that does not decode is the first
//! page, never an error.

use chrono::{DateTime, Datelike, NaiveDateTime};

/// The position after a row of a list ordered by a time, then by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct After {
    pub at: NaiveDateTime,
    pub id: String,
}

/// Writes the cursor after the row (`at`, `id`): `<microseconds since 1970>.<id>`.
pub fn encode(at: NaiveDateTime, id: &str) -> String {
    format!("{}.{id}", at.and_utc().timestamp_micros())
}

/// Reads a cursor [`encode`] wrote; `None` (the first page) for anything else: a time
/// outside 1900-9999 (which PostgreSQL's timestamps may not hold) or an id that is not one
/// this app makes (letters, digits and dashes, at most 64 of them).
pub fn decode(s: &str) -> Option<After> {
    let (micros, id) = s.split_once('.')?;
    let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?.naive_utc();
    let id_ok = !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    ((1900..=9999).contains(&at.year()) && id_ok).then(|| After {
        at,
        id: id.to_string(),
    })
}

/// Writes the cursor of the inbox's order after a row: `<priority rank>.<micros>.<id>`
/// (the rank is only read when the inbox is sorted by priority).
pub fn encode_ranked(rank: i64, at: NaiveDateTime, id: &str) -> String {
    format!("{rank}.{}", encode(at, id))
}

/// Reads a cursor [`encode_ranked`] wrote: (rank, position); `None` for anything else,
/// and for a rank no priority has (0 to 2).
pub fn decode_ranked(s: &str) -> Option<(i64, After)> {
    let (rank, rest) = s.split_once('.')?;
    let rank = rank.parse().ok().filter(|r| (0..=2).contains(r))?;
    Some((rank, decode(rest)?))
}

/// Writes the cursor of the "most overdue first" order after a row: `d.<due, micros, or
/// "none" when nobody must act>.<id>`.
pub fn encode_due(due: Option<NaiveDateTime>, id: &str) -> String {
    match due {
        Some(at) => format!("d.{}", encode(at, id)),
        None => format!("d.none.{id}"),
    }
}

/// Reads a cursor [`encode_due`] wrote: (due time, id); `None` for anything else.
pub fn decode_due(s: &str) -> Option<(Option<NaiveDateTime>, String)> {
    let rest = s.strip_prefix("d.")?;
    if let Some(id) = rest.strip_prefix("none.") {
        // Through `decode` so the id is held to the same rule as a timed cursor's.
        return decode(&format!("0.{id}")).map(|a| (None, a.id));
    }
    decode(rest).map(|a| (Some(a.at), a.id))
}

/// Writes the cursor after the audit row with sequence number `seq` (the log's own order).
pub fn encode_seq(seq: i64) -> String {
    format!("s{seq}")
}

/// Reads a cursor [`encode_seq`] wrote; `None` for anything else, and for a sequence number
/// the log never gives (it starts at 1).
pub fn decode_seq(s: &str) -> Option<i64> {
    s.strip_prefix('s')?.parse().ok().filter(|n| *n > 0)
}

/// A page of a list, and the cursor of the page after it (`None`: this is the last).
pub struct Page<T> {
    pub rows: Vec<T>,
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// The page of `rows`, read as `size + 1`: the first `size`, and when there were more,
    /// the cursor `cursor_of` writes for the last row kept.
    pub fn of(mut rows: Vec<T>, size: usize, cursor_of: impl Fn(&T) -> String) -> Self {
        let more = rows.len() > size;
        rows.truncate(size);
        let next = rows.last().filter(|_| more).map(cursor_of);
        Page { rows, next }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    #[test]
    fn a_cursor_reads_back_as_written() {
        let t = at("2026-12-14 09:30:00.123456");
        let id = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
        assert_eq!(
            decode(&encode(t, id)),
            Some(After {
                at: t,
                id: id.into()
            })
        );
        assert_eq!(decode_seq(&encode_seq(42)), Some(42));
        let after = After {
            at: t,
            id: id.into(),
        };
        assert_eq!(decode_ranked(&encode_ranked(2, t, id)), Some((2, after)));
        assert_eq!(
            decode_due(&encode_due(Some(t), id)),
            Some((Some(t), id.into()))
        );
        assert_eq!(decode_due(&encode_due(None, id)), Some((None, id.into())));
    }

    #[test]
    fn a_ranked_or_due_cursor_someone_typed_is_the_first_page() {
        for bad in [
            "",
            "3.1700000000000000.x",
            "-1.1700000000000000.x",
            "1.garbage",
            "x.1.y",
        ] {
            assert_eq!(decode_ranked(bad), None, "{bad:?}");
        }
        for bad in [
            "",
            "d.none",
            "d.none.",
            "d.none.a b",
            "d.x.y",
            "1700000000000000.x",
        ] {
            assert_eq!(decode_due(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn anything_else_is_the_first_page() {
        for bad in [
            "",
            "garbage",
            ".",
            "123.",
            "abc.def",
            "1.id with spaces",
            "1.a'b",
            "99999999999999999999.x",
            // 1800 and 10000: times PostgreSQL or the app would not hold.
            "-5364662400000000.x",
            "253402300800000000.x",
        ] {
            assert_eq!(decode(bad), None, "{bad:?}");
        }
        let long = format!("1700000000000000.{}", "a".repeat(65));
        assert_eq!(decode(&long), None);
        for bad in ["", "s", "s0", "s-3", "12", "sx", "s99999999999999999999"] {
            assert_eq!(decode_seq(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_page_keeps_its_size_and_names_its_last_row_when_more_follow() {
        let page = |rows: Vec<i64>| {
            let p = Page::of(rows, 2, |n| encode_seq(*n));
            (p.rows, p.next)
        };
        assert_eq!(page(vec![5, 4, 3]), (vec![5, 4], Some("s4".into())));
        assert_eq!(page(vec![5, 4]), (vec![5, 4], None));
        assert_eq!(page(vec![]), (vec![], None));
    }
}
