"""A small mail system for the SMTP round trip (tests/mail/roundtrip.sh).

`serve` runs an SMTP server (aiosmtpd, PyPI) that plays two parts:

* the relay the app sends through: mail to anyone outside the reply domain lands in a
  Maildir (the outside doctor's mailbox), with the envelope in X-MailFrom / X-RcptTo;
  a recipient whose local part starts with "unknown." is accepted and then bounced, as a
  real remote server does for a mailbox that does not exist: an RFC 3464 delivery status
  notification goes back to the envelope sender;
* the MX of the reply domain: mail to reply+TAG@domain is handed to `handoff ingest-mail`
  on stdin, the way Postfix's pipe(8) transport does, and the exit status becomes the SMTP
  answer (0 -> 250, 67 EX_NOUSER -> 550 5.1.1, 65 EX_DATAERR -> 554 5.6.0, 75 EX_TEMPFAIL
  and anything else -> 451 4.3.0).

`drive` acts as the people: signs in as the demo GP, sends an out-of-network referral, reads
the letter from the mailbox, answers it with Python's smtplib (a multipart reply with a PDF
and the quoted history), tries a forged address and a stranger's reply, sends a second
referral to a mailbox that does not exist, and checks the sender's pages.
"""

import argparse
import asyncio
import email
import email.policy
import email.utils
import http.cookiejar
import mailbox
import os
import re
import smtplib
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from email.message import EmailMessage

EXIT_TO_SMTP = {
    0: "250 2.0.0 delivered to handoff",
    67: "550 5.1.1 no such referral address",
    65: "554 5.6.0 message refused",
}


def pipe(handoff, raw):
    """Runs `handoff ingest-mail` with the message on stdin; returns (exit status, output)."""
    p = subprocess.run([handoff, "ingest-mail"], input=raw, capture_output=True, timeout=60)
    return p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace").strip()


def dsn_for(original, envelope_from, rcpt, reporting_mta):
    """A delivery status notification for `original` (bytes) refused for `rcpt`, laid out
    as Postfix writes one (text, message/delivery-status, text/rfc822-headers)."""
    headers = original.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("utf-8", "replace")
    boundary = "dsn-" + email.utils.make_msgid().strip("<>").replace("@", ".")
    text = f"""From: Mail Delivery System <MAILER-DAEMON@{reporting_mta}>
To: {envelope_from}
Subject: Undelivered Mail Returned to Sender
Message-ID: {email.utils.make_msgid(domain=reporting_mta)}
Date: {email.utils.formatdate()}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"

--{boundary}
Content-Type: text/plain; charset=us-ascii

This is the mail system at host {reporting_mta}.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{rcpt}>: host {reporting_mta} said: 550 5.1.1 <{rcpt}>: Recipient address
    rejected: User unknown in virtual mailbox table

--{boundary}
Content-Type: message/delivery-status

Reporting-MTA: dns; {reporting_mta}
Arrival-Date: {email.utils.formatdate()}

Final-Recipient: rfc822; {rcpt}
Original-Recipient: rfc822;{rcpt}
Action: failed
Status: 5.1.1
Remote-MTA: dns; {reporting_mta}
Diagnostic-Code: smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: User
    unknown in virtual mailbox table

--{boundary}
Content-Type: text/rfc822-headers

{headers}

--{boundary}--
"""
    return text.replace("\n", "\r\n").encode()


class Handler:
    def __init__(self, args):
        self.args = args
        self.box = mailbox.Maildir(args.maildir, create=True)
        self.log = open(os.path.join(args.maildir, "pipe.log"), "a", buffering=1)

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content
        answers = []
        for rcpt in envelope.rcpt_tos:
            local, _, domain = rcpt.rpartition("@")
            if domain.lower() == self.args.reply_domain:
                code, out = await asyncio.to_thread(pipe, self.args.handoff, raw)
                self.log.write(f"{rcpt}: exit {code}: {out}\n")
                answers.append(EXIT_TO_SMTP.get(code, "451 4.3.0 try again later"))
                continue
            stamped = (f"X-MailFrom: {envelope.mail_from}\r\nX-RcptTo: {rcpt}\r\n").encode() + raw
            self.box.add(stamped)
            answers.append("250 2.0.0 stored")
            if local.lower().startswith("unknown."):
                # Accepted, then found undeliverable: bounce to the envelope sender.
                dsn = dsn_for(raw, envelope.mail_from, rcpt, "mx.heartcare.example")
                code, out = await asyncio.to_thread(pipe, self.args.handoff, dsn)
                self.log.write(f"bounce for {rcpt} to {envelope.mail_from}: exit {code}: {out}\n")
        # One answer for the DATA command: the first failure if any, else success.
        return next((a for a in answers if not a.startswith("250")), answers[0] if answers else "250 OK")


def serve(args):
    from aiosmtpd.controller import Controller

    c = Controller(Handler(args), hostname="127.0.0.1", port=args.port)
    c.start()
    print(f"mta: listening on 127.0.0.1:{args.port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        c.stop()


class Browser:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as r:
            return r.status, r.read().decode("utf-8")

    def post(self, path, fields):
        data = urllib.parse.urlencode(fields).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as r:
                return r.status, r.headers.get("Location"), r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Location"), e.read().decode("utf-8")

    def csrf(self, html):
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None

    def http_error_303(self, req, fp, code, msg, headers):
        return fp

    http_error_302 = http_error_303


def check(cond, what):
    if not cond:
        print(f"roundtrip: FAILED: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"roundtrip: ok: {what}")


def wait_for(what, f, seconds=30):
    end = time.time() + seconds
    while time.time() < end:
        v = f()
        if v:
            return v
        time.sleep(0.2)
    check(False, f"{what} (waited {seconds} s)")


def refer_outside(b, csrf, pid, name, addr):
    status, loc, body = b.post(f"/patients/{pid}/referrals", [
        ("csrf_token", csrf), ("to_external", "1"), ("ext_name", name), ("ext_email", addr),
        ("ext_specialty", "Cardiology"), ("ext_practice", "HeartCare Pune"),
        ("priority", "urgent"), ("reason", "Exertional chest pain for three weeks"),
        ("message", "Thank you for seeing him."), ("consent_verbal", "on"),
        # The second referral of the run repeats the first (same patient, same specialty):
        # the duplicate guard asks why; the server ignores it when nothing is repeated.
        ("duplicate_reason", "The first letter did not reach the cardiologist"),
        ("action", "send")])
    check(status == 303 and loc and loc.startswith("/referrals/"), f"referral to {addr} sent ({status})")
    return loc


def letter_to(box, addr):
    for key in box.keys():
        m = box.get_message(key)
        if str(m["X-RcptTo"]).strip() == addr:
            return email.message_from_bytes(m.as_bytes(), policy=email.policy.default)
    return None


def drive(args):
    box = mailbox.Maildir(args.maildir, create=True)
    b = Browser(args.app)
    _, page = b.get("/login")
    status, loc, _ = b.post("/login", [("csrf_token", b.csrf(page)), ("email", args.user),
                                       ("password", args.password)])
    check(status == 303 and loc == "/", "the GP signs in")
    _, patients = b.get("/patients")
    pid = re.search(r'href="/patients/([0-9a-f-]{36})"[^>]*>\s*Sharma, Aarav', patients).group(1)
    _, page = b.get("/account/password")
    csrf = b.csrf(page)
    stamp = str(int(time.time()))
    doctor = f"dr.rao.{stamp}@heartcare.example"
    ref = refer_outside(b, csrf, pid, "Dr Kiran Rao", doctor)

    letter = wait_for("the letter reaches the doctor's mailbox", lambda: letter_to(box, doctor))
    reply_to = str(letter["Reply-To"].addresses[0].addr_spec)
    check(reply_to.startswith("reply+") and reply_to.endswith("@" + args.reply_domain),
          f"the letter's Reply-To is the referral's reply address ({reply_to})")
    check(str(letter["X-MailFrom"]).strip() == reply_to,
          f"bounces will go to the reply address (envelope sender {letter['X-MailFrom']})")
    check(any(p.get_content_type() == "application/pdf" for p in letter.iter_attachments()),
          "the letter PDF is attached")

    # The doctor answers from their mail client: text above the quote, a PDF attached.
    reply = EmailMessage()
    reply["From"] = f"Dr Kiran Rao <{doctor}>"
    reply["To"] = f"Handoff referral <{reply_to}>"
    reply["Subject"] = "Re: " + str(letter["Subject"])
    reply["Message-ID"] = email.utils.make_msgid(domain="heartcare.example")
    reply["In-Reply-To"] = letter["Message-ID"]
    reply.set_content(
        f"Thursday 10:00 works; please bring his ECGs. ROUNDTRIP{stamp}\n\n"
        f"On {letter['Date']}, Handoff <handoff@localhost> wrote:\n"
        "> Dr Asha Kulkarni has referred a patient to you QUOTEDHISTORY\n")
    reply.add_attachment(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                         maintype="application", subtype="pdf", filename="echo-report.pdf")
    with smtplib.SMTP("127.0.0.1", args.smtp_port, timeout=60) as s:
        refused = s.send_message(reply)
    check(not refused, "smtplib hands the reply over and the pipe posts it (250)")

    # A forged tag is refused at the SMTP level, as a real MTA would tell the sender.
    forged = EmailMessage()
    forged["From"] = f"<{doctor}>"
    forged["To"] = reply_to[:-len(args.reply_domain) - 2] + ("0" if reply_to[-len(args.reply_domain) - 2] != "0" else "1") + "@" + args.reply_domain
    forged["Subject"] = "Re: forged"
    forged.set_content("FORGEDREPLY")
    try:
        with smtplib.SMTP("127.0.0.1", args.smtp_port, timeout=60) as s:
            s.send_message(forged)
        check(False, "a forged reply address is refused")
    except smtplib.SMTPDataError as e:
        check(e.smtp_code == 550, f"a forged reply address is refused with 550 ({e.smtp_code})")

    # Somebody else writes to the reply address: accepted, held for the sender.
    stranger = EmailMessage()
    stranger["From"] = "Someone <someone@elsewhere.example>"
    stranger["To"] = reply_to
    stranger["Subject"] = "Re: referral"
    stranger.set_content(f"Not Dr Rao STRANGER{stamp}")
    with smtplib.SMTP("127.0.0.1", args.smtp_port, timeout=60) as s:
        s.send_message(stranger)

    page = wait_for("the reply on the sender's referral page",
                    lambda: (lambda p: p if f"ROUNDTRIP{stamp}" in p else None)(b.get(ref)[1]))
    check("QUOTEDHISTORY" not in page, "the quoted history is not posted")
    check("echo-report.pdf" in page, "the reply's PDF is listed")
    check("FORGEDREPLY" not in page, "the forged reply posted nothing")
    check("Unverified reply from someone@elsewhere.example" in page,
          "the stranger's reply is held and shown to the sender")

    # A referral to a mailbox that does not exist: the remote server bounces the letter.
    ghost = f"unknown.{stamp}@heartcare.example"
    ref2 = refer_outside(b, csrf, pid, "Dr Nobody", ghost)
    page = wait_for("the bounce on the sender's page",
                    lambda: (lambda p: p if "Not delivered: mailbox unknown" in p else None)(b.get(ref2)[1]))
    check("Correct the address and resend" in page, "the page offers to correct the address")
    print("roundtrip: all checks passed")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--reply-domain", required=True)
    s.add_argument("--maildir", required=True)
    s.add_argument("--handoff", required=True)
    d = sub.add_parser("drive")
    d.add_argument("--app", required=True)
    d.add_argument("--smtp-port", type=int, required=True)
    d.add_argument("--reply-domain", required=True)
    d.add_argument("--maildir", required=True)
    d.add_argument("--user", default="asha.kulkarni@lakeside.example")
    d.add_argument("--password", default="handoff-demo-2026")
    a = ap.parse_args()
    serve(a) if a.cmd == "serve" else drive(a)


if __name__ == "__main__":
    main()
