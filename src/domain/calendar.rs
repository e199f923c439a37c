//! Calendar entries for booked visits (RFC 5545 iCalendar, iTIP `REQUEST` and `CANCEL`) and
//! the practice's time zone: opening hours are wall-clock times in the practice's zone,
//! appointments are stored in UTC, and everything a patient reads is in the practice's zone,
//! labelled.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

/// Reads an IANA zone name ("Asia/Kolkata"); `None` for anything else.
pub fn zone(name: &str) -> Option<Tz> {
    name.trim().parse::<Tz>().ok()
}

/// The wall-clock time in `tz` of a UTC instant.
pub fn to_local(utc: NaiveDateTime, tz: Tz) -> NaiveDateTime {
    tz.from_utc_datetime(&utc).naive_local()
}

/// The UTC instant of a wall-clock time in `tz`: the earlier one when the clocks go back,
/// `None` for a time skipped when they go forward.
pub fn to_utc(local: NaiveDateTime, tz: Tz) -> Option<NaiveDateTime> {
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.naive_utc())
}

/// The zone's label at an instant, as shown beside every time a patient reads:
/// "IST, Asia/Kolkata"; "Europe/London" alone where the zone has no abbreviation.
pub fn zone_label(tz: Tz, utc: NaiveDateTime) -> String {
    let offset = tz.offset_from_utc_datetime(&utc);
    match offset.abbreviation() {
        Some(a) if a.chars().all(|c| c.is_ascii_alphabetic()) => format!("{a}, {}", tz.name()),
        _ => tz.name().to_string(),
    }
}

/// What an iTIP message does to the entry in the patient's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A new visit, or a visit moved (same UID, higher SEQUENCE).
    Request,
    /// The visit was cancelled.
    Cancel,
}

/// A visit as a calendar entry.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// Stable across reschedules.
    pub uid: &'a str,
    /// Grows with every change of the entry.
    pub sequence: i64,
    pub starts_utc: NaiveDateTime,
    pub ends_utc: NaiveDateTime,
    pub zone: Tz,
    pub summary: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    /// The mailbox that sends the invitation (ORGANIZER), with the practitioner's name.
    pub organizer: (&'a str, &'a str),
    /// The patient (ATTENDEE).
    pub attendee: (&'a str, &'a str),
    /// When the message was made (DTSTAMP).
    pub stamp_utc: NaiveDateTime,
}

/// The iCalendar text of one message about a visit (CRLF line ends, folded at 75 octets),
/// with a VTIMEZONE for the practice's zone built from the time zone database for the
/// visit's year, so that calendar apps show the practice's wall-clock time.
pub fn ics(e: &Entry<'_>, method: Method) -> String {
    let local = |t: NaiveDateTime| to_local(t, e.zone).format("%Y%m%dT%H%M%S").to_string();
    let utc = |t: NaiveDateTime| t.format("%Y%m%dT%H%M%SZ").to_string();
    let tzid = e.zone.name();
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "PRODID:-//Handoff//Referrals and visits//EN".into(),
        "VERSION:2.0".into(),
        "CALSCALE:GREGORIAN".into(),
        format!(
            "METHOD:{}",
            match method {
                Method::Request => "REQUEST",
                Method::Cancel => "CANCEL",
            }
        ),
    ];
    lines.extend(vtimezone(e.zone, e.starts_utc));
    lines.extend([
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}", text(e.uid)),
        format!("SEQUENCE:{}", e.sequence),
        format!("DTSTAMP:{}", utc(e.stamp_utc)),
        format!("DTSTART;TZID={tzid}:{}", local(e.starts_utc)),
        format!("DTEND;TZID={tzid}:{}", local(e.ends_utc)),
        format!("SUMMARY:{}", text(e.summary)),
        format!("LOCATION:{}", text(e.location)),
        format!("DESCRIPTION:{}", text(e.description)),
        format!(
            "ORGANIZER;CN={}:mailto:{}",
            param(e.organizer.0),
            e.organizer.1
        ),
        format!(
            "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:{}",
            param(e.attendee.0),
            e.attendee.1
        ),
        format!(
            "STATUS:{}",
            match method {
                Method::Request => "CONFIRMED",
                Method::Cancel => "CANCELLED",
            }
        ),
        "TRANSP:OPAQUE".into(),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
    ]);
    let mut out = String::new();
    for l in lines {
        fold(&l, &mut out);
    }
    out
}

/// TEXT values escape backslash, semicolon, comma and line breaks (RFC 5545 3.3.11).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (a name in CN=) is quoted; it cannot contain a double quote.
fn param(s: &str) -> String {
    let clean: String = s.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    format!("\"{clean}\"")
}

/// Folds a content line at 75 octets, never inside a UTF-8 character (RFC 5545 3.1).
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    format!("{sign}{:02}{:02}", s / 3600, (s % 3600) / 60)
}

/// The zone's observances around the visit: the offset in force at the start of the visit's
/// year (from 1970, so any earlier lookup has an answer) and every change of offset during
/// that year and the next, each found to the minute.
fn vtimezone(tz: Tz, at: NaiveDateTime) -> Vec<String> {
    let offset = |t: NaiveDateTime| tz.offset_from_utc_datetime(&t);
    let year_start = NaiveDate::from_ymd_opt(at.year(), 1, 1)
        .unwrap_or_default()
        .and_time(chrono::NaiveTime::MIN);
    let year_end = year_start + Duration::days(731);
    let mut out = vec!["BEGIN:VTIMEZONE".to_string(), format!("TZID:{}", tz.name())];
    let mut observance = |from: i32, o: chrono_tz::TzOffset, onset_local: NaiveDateTime| {
        let kind = if o.dst_offset().is_zero() {
            "STANDARD"
        } else {
            "DAYLIGHT"
        };
        let to = o.fix().local_minus_utc();
        out.push(format!("BEGIN:{kind}"));
        out.push(format!("DTSTART:{}", onset_local.format("%Y%m%dT%H%M%S")));
        out.push(format!("TZOFFSETFROM:{}", offset_text(from)));
        out.push(format!("TZOFFSETTO:{}", offset_text(to)));
        if let Some(name) = o.abbreviation() {
            out.push(format!("TZNAME:{}", text(name)));
        }
        out.push(format!("END:{kind}"));
    };
    let first = offset(year_start);
    let first_secs = first.fix().local_minus_utc();
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)
        .unwrap_or_default()
        .and_time(chrono::NaiveTime::MIN);
    observance(first_secs, first, epoch);
    let mut prev = first_secs;
    let mut t = year_start;
    while t < year_end {
        let next = t + Duration::hours(1);
        let o = offset(next).fix().local_minus_utc();
        if o != prev {
            // The change lies within this hour: find its minute.
            let mut m = t;
            while offset(m).fix().local_minus_utc() == prev {
                m += Duration::minutes(1);
            }
            observance(prev, offset(m), m + Duration::seconds(i64::from(prev)));
            prev = o;
        }
        t = next;
    }
    out.push("END:VTIMEZONE".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|d| d.and_hms_opt(h, mi, 0))
            .unwrap_or_default()
    }

    fn entry(tz: Tz, start: NaiveDateTime) -> Entry<'static> {
        Entry {
            uid: "appt-1@handoff",
            sequence: 2,
            starts_utc: start,
            ends_utc: start + Duration::minutes(20),
            zone: tz,
            summary: "Visit with Dr. Meera Iyer, Cardiology; bring reports",
            location: "Northgate Specialist Group, 4th floor, Pune",
            description: "What to bring:\nECG reports, medicines",
            organizer: ("Dr. Meera Iyer via Handoff", "handoff@clinic.example"),
            attendee: ("Aarav Sharma", "aarav@patients.example"),
            stamp_utc: at(2026, 12, 1, 8, 0),
        }
    }

    #[test]
    fn practice_times_convert_both_ways() {
        let kolkata = zone("Asia/Kolkata").unwrap_or(Tz::UTC);
        assert_eq!(
            to_local(at(2026, 12, 7, 4, 30), kolkata),
            at(2026, 12, 7, 10, 0)
        );
        assert_eq!(
            to_utc(at(2026, 12, 7, 10, 0), kolkata),
            Some(at(2026, 12, 7, 4, 30))
        );
        assert_eq!(
            zone_label(kolkata, at(2026, 12, 7, 4, 30)),
            "IST, Asia/Kolkata"
        );
        let london = zone("Europe/London").unwrap_or(Tz::UTC);
        // 01:30 on the last Sunday of March does not exist in London; on the last Sunday of
        // October it happens twice: the first one counts.
        assert_eq!(to_utc(at(2026, 3, 29, 1, 30), london), None);
        assert_eq!(
            to_utc(at(2026, 10, 25, 1, 30), london),
            Some(at(2026, 10, 25, 0, 30))
        );
        assert_eq!(zone("Mars/Olympus"), None);
        assert_eq!(zone("Asia/Kolkata"), Some(kolkata));
    }

    #[test]
    fn a_request_carries_the_visit_in_the_practices_zone() {
        let kolkata = zone("Asia/Kolkata").unwrap_or(Tz::UTC);
        let s = ics(&entry(kolkata, at(2026, 12, 7, 4, 30)), Method::Request);
        assert!(s.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(s.ends_with("END:VCALENDAR\r\n"));
        assert!(s.contains("METHOD:REQUEST\r\n"));
        assert!(s.contains("DTSTART;TZID=Asia/Kolkata:20261207T100000\r\n"));
        assert!(s.contains("DTEND;TZID=Asia/Kolkata:20261207T102000\r\n"));
        assert!(s.contains("TZOFFSETTO:+0530\r\n"));
        assert!(s.contains("SEQUENCE:2\r\n"));
        assert!(s.contains("STATUS:CONFIRMED\r\n"));
        assert!(s.contains("SUMMARY:Visit with Dr. Meera Iyer\\, Cardiology\\; bring reports"));
        assert!(s.contains("DESCRIPTION:What to bring:\\nECG reports\\, medicines"));
        for line in s.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
    }

    #[test]
    fn a_cancellation_keeps_the_uid_and_says_cancelled() {
        let s = ics(&entry(Tz::UTC, at(2026, 12, 7, 4, 30)), Method::Cancel);
        assert!(s.contains("METHOD:CANCEL\r\n"));
        assert!(s.contains("STATUS:CANCELLED\r\n"));
        assert!(s.contains("UID:appt-1@handoff\r\n"));
    }

    #[test]
    fn a_zone_with_summer_time_lists_its_changes() {
        let london = zone("Europe/London").unwrap_or(Tz::UTC);
        let s = ics(&entry(london, at(2026, 7, 1, 9, 0)), Method::Request);
        assert!(s.contains("BEGIN:DAYLIGHT\r\nDTSTART:20260329T010000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nTZNAME:BST\r\n"), "{s}");
        assert!(s.contains("BEGIN:STANDARD\r\nDTSTART:20261025T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\n"), "{s}");
        assert!(s.contains("DTSTART;TZID=Europe/London:20260701T100000\r\n"));
    }

    #[test]
    fn long_lines_fold_between_characters() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "डॉ. मीरा अय्यर के साथ मुलाक़ात ".repeat(4));
        fold(&line, &mut out);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75);
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.strip_suffix("\r\n"), Some(line.as_str()));
    }
}
