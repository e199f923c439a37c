"""Reads every calendar entry the browser suite's run sent (text/calendar parts of the
e-mails in <data>/mail-out) with Python's icalendar package, a parser nobody here wrote,
and checks what a calendar app relies on. Usage: check_ics.py <data dir>. Exit 1 on a fault."""
import email
import pathlib
import sys

import icalendar

out = pathlib.Path(sys.argv[1]) / "mail-out"
entries = 0
faults = []
for eml in sorted(out.glob("*.eml")):
    msg = email.message_from_bytes(eml.read_bytes())
    for part in msg.walk():
        if part.get_content_type() != "text/calendar":
            continue
        entries += 1
        try:
            cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
        except ValueError as e:
            faults.append(f"{eml.name}: does not parse: {e}")
            continue
        method = str(cal.get("METHOD"))
        if method not in ("REQUEST", "CANCEL") or method not in part.get("Content-Type", ""):
            faults.append(f"{eml.name}: METHOD {method} / {part.get('Content-Type')}")
        events = [c for c in cal.walk("VEVENT")]
        zones = [str(c.get("TZID")) for c in cal.walk("VTIMEZONE")]
        if len(events) != 1:
            faults.append(f"{eml.name}: {len(events)} VEVENTs")
            continue
        ev = events[0]
        start = ev.decoded("DTSTART")
        end = ev.decoded("DTEND")
        if start.tzinfo is None or end <= start:
            faults.append(f"{eml.name}: DTSTART {start!r} DTEND {end!r}")
        tzid = ev["DTSTART"].params.get("TZID")
        if tzid not in zones:
            faults.append(f"{eml.name}: DTSTART's zone {tzid} has no VTIMEZONE ({zones})")
        for prop in ("UID", "DTSTAMP", "SEQUENCE", "ORGANIZER", "ATTENDEE", "SUMMARY"):
            if prop not in ev:
                faults.append(f"{eml.name}: no {prop}")
        print(f"  {eml.name}: {method} {ev['UID']} seq {ev['SEQUENCE']} {start.isoformat()} ({tzid})")
print(f"ics: {entries} calendar entries read by icalendar {icalendar.__version__}, {len(faults)} faults")
for f in faults:
    print(f"  FAULT {f}")
sys.exit(1 if faults or entries == 0 else 0)
