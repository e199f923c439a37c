#!/usr/bin/env python3
"""The load-balancer suite's driver (tests/lb/run.sh starts everything it talks to).

`load`: through nginx, signs the GP in several times (at least once on each instance),
runs one whole referral (refer, the receiver accepts, attaches a report, completes; the GP
downloads the report from both instances), then fires concurrent referral submissions,
each from the composer's own form, and SIGKILLs one instance once a third have been
answered. Afterwards: every acknowledged referral is whole, the surviving instance
answered everything sent after the kill, the sessions made before the kill still work,
/readyz answers 200. Writes what the second phase needs to --state.

`after-restart`: the killed instance is back: a session it made before the kill works on it
directly, and nginx sends it traffic again (pages and a referral it acknowledges).

Standard library only. Exit status 0 only when every check passed.
"""

import argparse
import html
import html.parser
import http.client
import json
import os
import re
import ipaddress
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

GP = "asha.kulkarni@lakeside.example"
# Northgate (no patient approval, no second factor): the receiver of every referral here.
RECEIVER = "ananya.bose@northgate.example"
PATIENT = "Sharma, Aarav"
PASSWORD = "handoff-demo-2026"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

failures = []


def check(cond, what, quiet=False):
    if not cond or not quiet:
        print(f"lb: {'ok' if cond else 'FAILED'}: {what}", flush=True)
    if not cond:
        failures.append(what)
    return cond


def must(cond, what, quiet=False):
    """A check the rest of the run depends on."""
    if not check(cond, what, quiet):
        sys.exit(1)


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower())

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def upstream(self):
        return self.header("X-Upstream") or ""


class Browser:
    """One browser: its own cookies, a new connection per request, no redirects followed."""

    def __init__(self, base, source="127.0.0.1", forwarded_for=None):
        self.base = base
        self.cookies = {}
        # Every 127.x.y.z is this machine: a browser with its own address is another
        # client as nginx sees it.
        self.source = source
        self.forwarded_for = forwarded_for

    def request(self, method, path, body=None, content_type=None, base=None):
        u = urllib.parse.urlsplit(base or self.base)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=90,
                                          source_address=(self.source, 0))
        headers = {"Connection": "close", "User-Agent": "handoff-lb-driver"}
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
            hdrs = {}
            for k, v in r.getheaders():
                if k.lower() == "set-cookie":
                    self._take_cookie(v)
                hdrs[k.lower()] = v
            return Answer(r.status, hdrs, data)
        finally:
            conn.close()

    def _take_cookie(self, header):
        pair, _, attrs = header.partition(";")
        name, _, value = pair.strip().partition("=")
        if "max-age=0" in attrs.lower().replace(" ", "") or value == "":
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    def get(self, path, base=None):
        return self.request("GET", path, base=base)

    def post(self, path, fields, base=None):
        body = urllib.parse.urlencode([tuple(f) for f in fields]).encode()
        return self.request("POST", path, body, base=base)


def csrf_of(page):
    m = re.search(r'name="csrf_token" value="([^"]+)"', page)
    return m.group(1) if m else None


def try_sign_in(b, email, password):
    page = b.get("/login")
    must(page.status == 200, f"the sign-in page loads ({page.status})", quiet=True)
    return b.post("/login", [("csrf_token", csrf_of(page.text)), ("email", email),
                             ("password", password)])


def sign_in(base, email, source="127.0.0.1", quiet=False):
    """(browser, answer of the POST /login): the instance that made the session answered it."""
    b = Browser(base, source)
    ans = try_sign_in(b, email, PASSWORD)
    must(ans.status == 303 and ans.header("Location") == "/",
         f"{email} signs in from {source} ({ans.status}, via {ans.upstream})", quiet)
    return b, ans


class FormReader(html.parser.HTMLParser):
    """The fields a browser would submit from the form whose action is `action`."""

    def __init__(self, action):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.fields = []
        self.textarea = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append([a["name"], a.get("value") or "on"])
            elif kind not in ("submit", "button", "file"):
                self.fields.append([a["name"], a.get("value") or ""])
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], ""]
            self.fields.append(self.textarea)
        elif tag == "select" and a.get("name"):
            self.select = [a["name"], None]
        elif tag == "option" and self.select is not None:
            if self.select[1] is None or "selected" in a:
                self.select[1] = a.get("value", "")

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select is not None:
            if self.select[1] is not None:
                self.fields.append(self.select)
            self.select = None


def form_fields(page, action):
    r = FormReader(action)
    r.feed(page)
    return r.fields


def set_field(fields, name, value):
    for f in fields:
        if f[0] == name:
            f[1] = value
            return
    fields.append([name, value])


def compose(b, pid, receiver_id, reason, complaint):
    """Opens the composer for (patient, receiver), fills it as a GP would and sends it.
    Returns (composer answer, POST answer or None, the ticked sections' texts)."""
    page = b.get(f"/patients/{pid}/refer/new?to={receiver_id}")
    if page.status != 200:
        return page, None, []
    fields = form_fields(page.text, f"/patients/{pid}/referrals")
    set_field(fields, "reason", reason)
    set_field(fields, "txt_complaint", complaint)
    set_field(fields, "inc_complaint", "on")
    set_field(fields, "consent_verbal", "on")
    # Aarav already has open referrals to this cardiologist: the composer asks why.
    set_field(fields, "duplicate_reason", "Load-balancer test: one referral per submission")
    set_field(fields, "action", "send")
    names = {f[0] for f in fields}
    ticked = [v for k, v in fields if k.startswith("txt_") and "inc_" + k[4:] in names and v.strip()]
    return page, b.post(f"/patients/{pid}/referrals", fields), ticked


def signed_in(page):
    """The GP's list of sent referrals, not the sign-in page."""
    return page.status == 200 and 'class="who-name">Dr Asha Kulkarni<' in page.text


def referral_id(ans):
    m = re.fullmatch(rf"/referrals/({UUID})", ans.header("Location") or "")
    return m.group(1) if m and ans.status == 303 else None


def whole(page, want_status, texts):
    """What makes a referral page whole: its status, the patient and receiver, the
    snapshot with every section the sender ticked, the recorded consent."""
    text = html.unescape(page)
    missing = []
    if f"status-{want_status}" not in page:
        missing.append(f"status {want_status}")
    if not re.search(r"<h1>Aarav Sharma → [^<]*Ananya Bose</h1>", text):
        missing.append("patient → receiver heading")
    if 'id="h-snapshot"' not in page:
        missing.append("snapshot section")
    for t in texts:
        if " ".join(t.split())[:60] not in " ".join(text.split()):
            missing.append(f"section text {t[:30]!r}")
    if "Verbal consent" not in text and "verbal" not in text.lower():
        missing.append("consent")
    return missing


def act(b, rid, cmd, extra):
    """Runs a lifecycle command the way its page does (version and CSRF from the form)."""
    page = b.get(f"/referrals/{rid}")
    fields = form_fields(page.text, f"/referrals/{rid}/{cmd}")
    if not fields:
        return None
    for k, v in extra:
        set_field(fields, k, v)
    return b.post(f"/referrals/{rid}/{cmd}", fields)


def multipart(fields, files):
    boundary = "handoff-lb-" + os.urandom(8).hex()
    out = bytearray()
    for k, v in fields:
        out += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode()
    for k, name, ctype, data in files:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; "
                f"filename=\"{name}\"\r\nContent-Type: {ctype}\r\n\r\n").encode()
        out += data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def a_pdf(marker):
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% " + marker.encode()
            + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def find_patient_and_receiver(b):
    patients = b.get("/patients?q=Sharma").text
    m = re.search(rf'href="/patients/({UUID})"[^>]*>\s*{re.escape(PATIENT)}', patients)
    must(m is not None, f"{PATIENT} is in the GP's patient list")
    pid = m.group(1)
    found = b.get(f"/patients/{pid}/refer?q=Bose").text
    m = re.search(rf'href="/patients/{pid}/refer/new\?to=({UUID})"', found)
    must(m is not None, "the directory finds Dr Ananya Bose")
    return pid, m.group(1)


def whole_workflow(lb, a, b_url, pid, rid_to, gp, run_id):
    t0 = time.time()
    _, ans, ticked = compose(gp, pid, rid_to, f"LB {run_id} workflow: palpitations",
                             f"LB {run_id}: palpitations at rest for two weeks")
    rid = referral_id(ans) if ans else None
    must(rid is not None, f"the GP refers {PATIENT} to Dr Bose ({ans and ans.status}, via {ans and ans.upstream})")
    recv, _ = sign_in(lb, RECEIVER)
    inbox = recv.get("/inbox")
    check(rid in inbox.text, "the referral is in the receiver's inbox")
    ans = act(recv, rid, "accept", [])
    check(ans is not None and ans.status == 303, f"the receiver accepts ({ans and ans.status}, via {ans and ans.upstream})")
    report = a_pdf(f"LB {run_id} report")
    page = recv.get(f"/referrals/{rid}")
    body, ctype = multipart([], [("file", "echo-report.pdf", "application/pdf", report)])
    ans = recv.request("POST", f"/referrals/{rid}/attachments?csrf_token={csrf_of(page.text)}",
                       body, ctype)
    check(ans.status == 303, f"the receiver attaches a report ({ans.status}, via {ans.upstream})")
    ans = act(recv, rid, "complete", [("summary", "Benign ectopic beats"),
                                      ("advice", "No treatment; review if symptoms change")])
    check(ans is not None and ans.status == 303, f"the receiver completes it ({ans and ans.status})")
    page = gp.get(f"/referrals/{rid}")
    check(not whole(page.text, "completed", ticked) and "Benign ectopic beats" in page.text,
          "the GP sees it completed, with the snapshot and the outcome")
    m = re.search(rf'href="(/referrals/{rid}/attachments/{UUID})"', page.text)
    check(m is not None, "the GP's page links the report")
    if m:
        for name, base in (("a", a), ("b", b_url), ("nginx", lb)):
            got = gp.get(m.group(1), base=base)
            check(got.status == 200 and got.body == report,
                  f"the report downloads whole from instance {name} ({got.status}, {len(got.body)} bytes)")
    print(f"lb: whole workflow through nginx in {time.time() - t0:.1f} s", flush=True)
    return rid


def psql(args, sql):
    out = subprocess.run(["psql", args.database_url, "-At", "-F", "\t", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def proxy_checks(args, lb, sources):
    """nginx is a trusted proxy (HANDOFF_TRUSTED_PROXIES): the app sees each client."""
    t = time.time()
    rows = psql(args, "SELECT DISTINCT ip FROM audit_events WHERE action = 'login'")
    ips = sorted((r[0] for r in rows), key=ipaddress.ip_address)
    check(set(ips) == set(sources),
          f"the audit log records each sign-in at its client's address, not nginx's "
          f"({len(ips)} addresses: {ips[0]} … {ips[-1]})")
    # One client guesses passwords, writing a colleague's address in X-Forwarded-For.
    guesser = Browser(lb, "127.0.2.66", forwarded_for=sources[0])
    wrong = [try_sign_in(guesser, f"nobody{i}@lakeside.example", "wrong password").status
             for i in range(30)]
    check(wrong == [401] * 30, f"30 wrong passwords from 127.0.2.66 are refused one by one")
    ans = try_sign_in(guesser, GP, PASSWORD)
    check(ans.status == 429, f"then 127.0.2.66 is refused even the right password ({ans.status})")
    other = Browser(lb, sources[0])
    ans = try_sign_in(other, GP, PASSWORD)
    check(ans.status == 303, f"while another client behind nginx signs in ({ans.status}): "
                             f"the limit counts 127.0.2.66, not nginx, nor the address it claimed "
                             f"({time.time() - t:.1f} s)")


class Load:
    """The concurrent submissions and the kill."""

    def __init__(self, args, sessions, pid, rid_to, run_id):
        self.args = args
        self.sessions = sessions
        self.pid = pid
        self.rid_to = rid_to
        self.run_id = run_id
        self.lock = threading.Lock()
        self.next = 0
        self.answered = 0
        self.kill_sent = None
        self.killed_at = None
        self.results = []

    def kill(self):
        """SIGKILL, then wait until the port refuses connections: until then the kernel
        still queues new ones for the dying process, and nginx has sent them (a 502 for a
        POST) before it learns that the instance is gone."""
        self.kill_sent = time.time()
        os.kill(self.args.victim_pid, signal.SIGKILL)
        port = urllib.parse.urlsplit(self.args.a if self.args.victim == "a" else self.args.b).port
        while time.time() - self.kill_sent < 10:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                time.sleep(0.005)
            except OSError:
                break
        self.killed_at = time.time()
        print(f"lb: SIGKILL instance {self.args.victim} (pid {self.args.victim_pid}) after "
              f"{self.kill_count} answers, {self.kill_sent - self.t0:.1f} s into the load; its port "
              f"refused connections {1000 * (self.killed_at - self.kill_sent):.0f} ms later",
              flush=True)

    def worker(self, n):
        # A browser per thread (threads beyond the sessions share one, like tabs).
        b = self.sessions[n % len(self.sessions)]
        while True:
            with self.lock:
                i = self.next
                if i >= self.args.submissions:
                    return
                self.next += 1
            r = {"i": i, "start": time.time()}
            marker = f"LB {self.run_id} #{i:03d}"
            try:
                page, ans, ticked = compose(b, self.pid, self.rid_to, f"{marker}: chest pain",
                                            f"{marker}: exertional chest tightness, 3 weeks")
                if ans is None:
                    r.update(outcome="5xx" if page.status >= 500 else "refused",
                             status=page.status, step="composer", via=page.upstream)
                else:
                    rid = referral_id(ans)
                    r.update(status=ans.status, via=ans.upstream, step="send", ticked=ticked,
                             marker=marker)
                    if rid:
                        r.update(outcome="acknowledged", id=rid)
                    elif ans.status >= 500:
                        r.update(outcome="5xx")
                    else:
                        r.update(outcome="refused", body=ans.text[:400])
            except (OSError, http.client.HTTPException) as e:
                r.update(outcome="error", error=f"{type(e).__name__}: {e}")
            r["end"] = time.time()
            with self.lock:
                self.results.append(r)
                self.answered += 1
                kill = self.kill_sent is None and self.answered >= self.args.kill_after
                if kill:
                    self.kill_sent = time.time()
                    self.kill_count = self.answered
            if kill:
                self.kill()

    def run(self):
        self.t0 = time.time()
        threads = [threading.Thread(target=self.worker, args=(n,)) for n in range(self.args.threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.elapsed = time.time() - self.t0


def load_phase(args):
    run_id = args.run_id
    lb, a, b_url = args.lb, args.a, args.b
    victim_url = a if args.victim == "a" else b_url
    victim_port = urllib.parse.urlsplit(victim_url).port
    t_start = time.time()

    # Sessions: as many as the threads, at least one made by each instance (the POST
    # /login writes the session row). nginx takes turns, and a sign-in is two requests:
    # while one instance made more sessions than the other, one more request shifts the turn.
    sessions, made_on = [], {}
    while len(sessions) < args.sessions or len(made_on) < 2:
        must(len(sessions) < args.sessions + 20, "sessions were made on both instances", True)
        b, ans = sign_in(lb, GP, source=f"127.0.1.{len(sessions) + 1}", quiet=True)
        sessions.append(b)
        made_on.setdefault(ans.upstream, []).append(b)
        mine = len(made_on[ans.upstream])
        if len(made_on) < 2 or any(len(v) < mine for k, v in made_on.items() if k != ans.upstream):
            b.get("/healthz")
    victims = [s for up, ss in made_on.items() if up.endswith(f":{victim_port}") for s in ss]
    print(f"lb: {len(sessions)} GP sessions, made by " +
          ", ".join(f"{up}: {len(ss)}" for up, ss in sorted(made_on.items())), flush=True)
    must(victims, f"a session was made by instance {args.victim} (the one to be killed)")

    gp = sessions[0]
    proxy_checks(args, lb, [s.source for s in sessions])
    pid, rid_to = find_patient_and_receiver(gp)
    workflow_id = whole_workflow(lb, a, b_url, pid, rid_to, gp, run_id)

    load = Load(args, sessions, pid, rid_to, run_id)
    print(f"lb: {args.submissions} submissions from {args.threads} threads; kill after "
          f"{args.kill_after} answers", flush=True)
    load.run()
    res = load.results
    sent, k = load.kill_sent, load.killed_at
    must(k is not None, "the instance was killed during the load")
    before = [r for r in res if r["end"] < sent]
    during = [r for r in res if r["start"] < k and r["end"] >= sent]
    after = [r for r in res if r["start"] >= k]

    def counts(rs):
        c = {}
        for r in rs:
            c[r["outcome"]] = c.get(r["outcome"], 0) + 1
        return ", ".join(f"{n} {o}" for o, n in sorted(c.items())) or "none"

    acked = [r for r in res if r["outcome"] == "acknowledged"]
    ups = {}
    for r in res:
        if "via" in r:
            ups[r["via"] or "-"] = ups.get(r["via"] or "-", 0) + 1
    print(f"lb: load took {load.elapsed:.1f} s ({len(res) / load.elapsed:.1f} submissions/s)", flush=True)
    print(f"lb:   answered before the kill:       {counts(before)}", flush=True)
    print(f"lb:   in flight at the kill:          {counts(during)}", flush=True)
    print(f"lb:   started after the kill:         {counts(after)}", flush=True)
    print(f"lb:   answered by (last request):     {ups}", flush=True)
    for r in res:
        if r["outcome"] in ("refused", "error") or (r["outcome"] == "5xx" and r not in during):
            print(f"lb:   #{r['i']}: {r['outcome']} {r.get('status', '')} {r.get('step', '')} "
                  f"{r.get('error', '')} {r.get('body', '')[:200]!r}", flush=True)
    check(len(res) == args.submissions, f"every submission got an answer or an error ({len(res)})")
    check(all(r["outcome"] == "acknowledged" for r in before),
          f"before the kill every submission was acknowledged ({len(before)})")
    check(after and all(r["outcome"] == "acknowledged" for r in after),
          f"after the kill the other instance acknowledged every submission "
          f"({sum(r['outcome'] == 'acknowledged' for r in after)} of {len(after)}, no 5xx, no errors)")
    check(all(r["outcome"] in ("acknowledged", "5xx") for r in during),
          f"in flight at the kill: acknowledged or a 5xx, nothing else ({counts(during)})")
    check(not any(r["outcome"] == "refused" for r in res), "no submission was refused (4xx)")

    # Every acknowledged referral is whole, read through nginx after the kill.
    t = time.time()
    broken = []
    for r in acked:
        page = gp.get(f"/referrals/{r['id']}")
        missing = ["page " + str(page.status)] if page.status != 200 else whole(
            page.text, "sent", r["ticked"])
        if page.status == 200 and r["marker"] not in html.unescape(page.text):
            missing.append("its own marker")
        if missing:
            broken.append((r["i"], r["id"], missing))
    for b in broken[:10]:
        print(f"lb:   not whole: #{b[0]} {b[1]}: {b[2]}", flush=True)
    check(not broken, f"every acknowledged referral ({len(acked)}) is whole: status sent, "
                      f"patient, receiver, snapshot sections, its own text, consent "
                      f"(read in {time.time() - t:.1f} s)")

    # The database agrees: each acknowledged id is one sent referral; what was not
    # acknowledged is either absent, a draft, or sent (the answer was lost with the instance).
    stored = dict(psql(args, f"SELECT id, status FROM referrals WHERE reason LIKE 'LB {run_id} #%'"))
    acked_ids = {r["id"] for r in acked}
    check(all(stored.get(i) == "sent" for i in acked_ids),
          "the database holds every acknowledged referral as sent")
    extra = {}
    for i, s in stored.items():
        if i not in acked_ids:
            extra[s] = extra.get(s, 0) + 1
    print(f"lb:   in the database: {len(stored)} referrals of the load; not acknowledged "
          f"but stored: {extra or 'none'} (a 502 whose transaction had committed, or a draft "
          f"saved before the instance died)", flush=True)
    check(len(stored) - sum(extra.values()) == len(acked_ids), "no acknowledged referral twice")

    # Sessions made before the kill still work (the survivor reads them from the database).
    alive = sum(1 for s in sessions if signed_in(s.get("/sent")))
    v_alive = sum(1 for s in victims if signed_in(s.get("/sent")))
    check(alive == len(sessions), f"all {len(sessions)} sessions made before the kill still "
                                  f"work through nginx ({alive})")
    check(v_alive == len(victims), f"including the {len(victims)} the killed instance made ({v_alive})")

    ready = gp.get("/readyz")
    check(ready.status == 200, f"/readyz through nginx: {ready.status} {ready.text.strip()!r} (via {ready.upstream})")
    dead = None
    try:
        dead = gp.get("/healthz", base=victim_url).status
    except OSError as e:
        dead = type(e).__name__
    check(dead == "ConnectionRefusedError", f"the killed instance is down ({dead})")

    state = {
        "victim_cookie": victims[0].cookies, "pid": pid, "rid_to": rid_to,
        "workflow": workflow_id, "acknowledged": len(acked),
    }
    with open(args.state, "w") as f:
        json.dump(state, f)
    print(f"lb: load phase {time.time() - t_start:.1f} s", flush=True)


def restart_phase(args):
    with open(args.state) as f:
        state = json.load(f)
    victim_url = args.a if args.victim == "a" else args.b
    victim_port = urllib.parse.urlsplit(victim_url).port
    s = Browser(args.lb)
    s.cookies = state["victim_cookie"]
    page = s.get("/sent", base=victim_url)
    check(signed_in(page),
          f"the restarted instance {args.victim} serves a session it made before the kill ({page.status})")
    # nginx takes it back after fail_timeout (5 s): wait for a page it answers.
    t = time.time()
    seen = None
    while time.time() - t < 30 and not seen:
        page = s.get("/sent")
        if signed_in(page) and page.upstream.endswith(f":{victim_port}"):
            seen = page
        else:
            time.sleep(0.2)
    check(seen is not None, f"nginx sends pages to the restarted instance again "
                            f"({time.time() - t:.1f} s after it came back)")
    got = None
    for n in range(8):
        _, ans, _ = compose(s, state["pid"], state["rid_to"], f"LB {args.run_id} after restart {n}",
                            f"LB {args.run_id}: after the restart")
        if ans and referral_id(ans) and ans.upstream.endswith(f":{victim_port}"):
            got = ans
            break
    check(got is not None, "the restarted instance acknowledges a referral through nginx")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("phase", choices=["load", "after-restart"])
    p.add_argument("--lb", required=True)
    p.add_argument("--a", required=True)
    p.add_argument("--b", required=True)
    p.add_argument("--victim", choices=["a", "b"], default="a")
    p.add_argument("--victim-pid", type=int)
    p.add_argument("--database-url")
    p.add_argument("--run-id", required=True)
    p.add_argument("--state", required=True)
    p.add_argument("--submissions", type=int, default=200)
    p.add_argument("--threads", type=int, default=32)
    p.add_argument("--sessions", type=int, default=0, help="default: one per thread")
    p.add_argument("--kill-after", type=int, default=67)
    args = p.parse_args()
    args.sessions = args.sessions or args.threads
    if args.phase == "load":
        load_phase(args)
    else:
        restart_phase(args)
    if failures:
        print(f"lb: {len(failures)} check(s) FAILED", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
