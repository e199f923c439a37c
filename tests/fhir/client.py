"""A real FHIR client (fhirpy, from PyPI) against a running Handoff: reads, searches by status
and owner, follows the next links, and writes every resource and Bundle it got (and each
referral's export, downloaded as its practitioner) into --out for the R4 validator.

Exit status 0 when every check held; prints the number of client calls and files written.
"""
import argparse
import http.server
import json
import threading
import time
import os
import re
import sys

import requests
from fhirpy import SyncFHIRClient

DEMO_PASSWORD = "handoff-demo-2026"
GP_EMAIL = "asha.kulkarni@lakeside.example"
# Northgate asks for no second factor in the demo (Harbour does).
RX_EMAIL = "ananya.bose@northgate.example"

calls = 0
written = 0
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print(f"FAIL {what}")


def save(out, name, resource):
    global written
    safe = re.sub(r"[^A-Za-z0-9.-]", "_", name)
    with open(os.path.join(out, f"{safe}.json"), "w") as f:
        json.dump(resource, f, indent=1)
    written += 1


def raw(url, token, path):
    """A GET the way any HTTP client makes it: the raw JSON, to validate byte for byte."""
    global calls
    calls += 1
    r = requests.get(f"{url}/fhir/r4/{path}", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    check(r.headers.get("content-type", "").startswith("application/fhir+json"), f"{path}: media type")
    return r.status_code, r.json()


def login(url, email):
    s = requests.Session()
    page = s.get(f"{url}/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = s.post(f"{url}/login", data={"csrf_token": token, "email": email, "password": DEMO_PASSWORD},
               allow_redirects=False, timeout=30)
    check(r.status_code == 303, f"sign-in of {email}")
    return s


def main():
    global calls
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--gp-token", required=True)
    ap.add_argument("--rx-token", required=True)
    ap.add_argument("--gp-write-token", required=True)
    ap.add_argument("--rx-write-token", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    base = f"{a.url}/fhir/r4"

    status, meta = raw(a.url, a.gp_token, "metadata")
    check(status == 200 and meta.get("fhirVersion") == "4.0.1", "metadata says FHIR 4.0.1")
    save(a.out, "CapabilityStatement", meta)

    gp = SyncFHIRClient(base, authorization=f"Bearer {a.gp_token}")
    rx = SyncFHIRClient(base, authorization=f"Bearer {a.rx_token}")

    def practitioner_of(client, who):
        """The one practitioner on every ServiceRequest a client reads: the one it acts for."""
        global calls
        found = client.resources("ServiceRequest").limit(100).fetch_all()
        calls += max(1, (len(found) + 99) // 100)
        sides = [{sr["requester"]["reference"],
                  sr["performer"][0]["reference"].replace("PractitionerRole/", "Practitioner/")}
                 for sr in found]
        me = set.intersection(*sides) if sides else set()
        check(len(me) == 1, f"one practitioner is on every request of the {who}'s: {me}")
        return next(iter(me), "")

    # Who the receiver is, and the receiver's queue below.
    owner = practitioner_of(rx, "receiver")
    # The receiver's queue: Tasks requested of them, by owner and status.
    calls += 1
    requested = rx.resources("Task").search(status="requested").limit(100).fetch_all()
    calls += 1
    mine = rx.resources("Task").search(status="requested", owner=owner).limit(100).fetch_all()
    check(len(mine) > 0, "the receiver has requested Tasks in the demo")
    check({t.id for t in mine} == {t.id for t in requested if t["owner"]["reference"] == owner},
          "owner + status finds exactly the requested Tasks that are the receiver's turn")
    for t in mine:
        check(t["status"] == "requested" and t["owner"]["reference"] == owner, f"Task/{t.id} is requested of them")

    # Every Task the GP is party to, three per page, following the next links.
    calls += 1
    one_page = gp.resources("Task").limit(100).fetch_all()
    before = calls
    paged = gp.resources("Task").limit(3).fetch_all()
    pages = (len(paged) + 2) // 3
    calls += max(pages, 1)
    check(len(paged) == len({t.id for t in paged}), "no Task twice across pages")
    check({t.id for t in paged} == {t.id for t in one_page}, "the pages hold what one page holds")
    print(f"paged {len(paged)} Tasks in {calls - before} pages of 3")

    # Read by id, and the raw JSON of each page and resource for the validator.
    for t in one_page[:40]:
        calls += 1
        read = gp.reference("Task", t.id).to_resource()
        check(read["status"] == t["status"] and read.id == t.id, f"Task/{t.id} reads as searched")
        status, body = raw(a.url, a.gp_token, f"Task/{t.id}")
        check(status == 200, f"GET Task/{t.id}")
        save(a.out, f"Task-{t.id}", body)
        status, body = raw(a.url, a.gp_token, f"ServiceRequest/{t.id}")
        check(status == 200, f"GET ServiceRequest/{t.id}")
        save(a.out, f"ServiceRequest-{t.id}", body)
    for q in ["Task?_count=3", "Task?status=received,accepted&_count=5",
              "ServiceRequest?status=active&_count=5", "ServiceRequest?priority=urgent"]:
        status, body = raw(a.url, a.gp_token, q)
        check(status == 200 and body.get("type") == "searchset", f"{q}: a searchset")
        save(a.out, f"searchset-{q}", body)
    status, body = raw(a.url, a.gp_token, "Task?status=done")
    check(status == 400 and body.get("resourceType") == "OperationOutcome", "a bad status is a 400 OperationOutcome")
    save(a.out, "OperationOutcome-400", body)
    status, body = raw(a.url, "hnd_not-a-token", "Task")
    check(status == 401, "an unknown token is a 401")
    save(a.out, "OperationOutcome-401", body)

    # Each referral's export, downloaded by its sender and by its receiver.
    for email, tasks in [(GP_EMAIL, one_page[:40]), (RX_EMAIL, mine[:20])]:
        s = login(a.url, email)
        for t in tasks:
            calls += 1
            r = s.get(f"{a.url}/referrals/{t.id}/fhir", timeout=30)
            ok = r.status_code == 200 and r.headers.get("content-type", "").startswith("application/fhir+json")
            check(ok, f"export of {t.id} as {email}: {r.status_code} {r.text[:120]!r}")
            if not ok:
                continue
            bundle = r.json()
            check(bundle.get("type") == "collection", "the export is a collection Bundle")
            save(a.out, f"export-{email.split('@')[0]}-{t.id}", bundle)

    # The receiver's record system subscribes to its Task changes; the server's job tells
    # this script's own endpoint (a loopback http.server) when the Task below is accepted.
    heard = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_PUT(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            heard.append((self.path, json.loads(body or b"{}")))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    hook = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    hook_url = f"http://127.0.0.1:{hook.server_address[1]}/ehr"
    sub = {"resourceType": "Subscription", "status": "requested", "reason": "CI record system",
           "criteria": "Task?status=accepted",
           "channel": {"type": "rest-hook", "endpoint": hook_url, "payload": "application/fhir+json"}}
    save(a.out, "Subscription-request", sub)
    calls += 1
    r = requests.post(f"{base}/Subscription", json=sub, timeout=30,
                      headers={"Authorization": f"Bearer {a.rx_write_token}",
                               "Content-Type": "application/fhir+json"})
    check(r.status_code == 200 and r.json().get("status") == "active", f"subscribed: {r.status_code} {r.text[:200]}")
    save(a.out, "Subscription", r.json())

    # The GP's record system refers a new patient with a transaction; the receiver's accepts
    # it with a conditional update (If-Match on the version), and a stale one is refused.
    gp_write = SyncFHIRClient(base, authorization=f"Bearer {a.gp_write_token}")
    # The requester is the GP (the newest Task of theirs may be one they received).
    gp_id = practitioner_of(gp, "GP")
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"fullUrl": "urn:uuid:pt", "request": {"method": "POST", "url": "Patient"},
         "resource": {"resourceType": "Patient", "identifier": [{"system": "urn:ci:mrn", "value": "CI-FHIR-1"}],
                      "name": [{"family": "Client", "given": ["Fhirpy"]}], "gender": "other",
                      "birthDate": "1990-01-01"}},
        {"fullUrl": "urn:uuid:sr", "request": {"method": "POST", "url": "ServiceRequest"},
         "resource": {"resourceType": "ServiceRequest", "status": "active", "intent": "order",
                      "subject": {"reference": "urn:uuid:pt"}, "requester": {"reference": gp_id},
                      "performer": [{"reference": owner.replace("Practitioner/", "PractitionerRole/")}],
                      "reasonCode": [{"text": "Referred by the CI's record system"}]}},
        {"fullUrl": "urn:uuid:task", "request": {"method": "POST", "url": "Task"},
         "resource": {"resourceType": "Task", "status": "requested", "intent": "order",
                      "focus": {"reference": "urn:uuid:sr"}}},
        {"fullUrl": "urn:uuid:k", "request": {"method": "POST", "url": "Consent"},
         "resource": {"resourceType": "Consent", "status": "active",
                      "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope",
                                            "code": "patient-privacy"}]},
                      "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
                      "patient": {"reference": "urn:uuid:pt"},
                      "provision": {"type": "permit", "actor": [{
                          "role": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                               "code": "IRCP"}]},
                          "reference": {"reference": owner}}]}}},
    ]}
    save(a.out, "transaction-request", bundle)
    calls += 1
    answer = gp_write.execute("", method="post", data=bundle)
    answer = json.loads(json.dumps(answer))
    save(a.out, "transaction-response", answer)
    check(answer.get("type") == "transaction-response", "the transaction is answered")
    task_id = answer["entry"][2]["response"]["location"].split("/")[1]
    rx_write_token = a.rx_write_token
    rx_read = SyncFHIRClient(base, authorization=f"Bearer {rx_write_token}")
    calls += 1
    task = rx_read.reference("Task", task_id).to_resource()
    check(task["status"] == "requested", "the new referral waits for the receiver")
    version = task["meta"]["versionId"]
    rx_cas = SyncFHIRClient(base, authorization=f"Bearer {rx_write_token}",
                            extra_headers={"If-Match": f'W/"{version}"'})
    accepted = rx_cas.resource("Task", **{k: v for k, v in task.serialize().items()})
    accepted["status"] = "accepted"
    calls += 1
    accepted.save()
    calls += 1
    now = rx_read.reference("Task", task_id).to_resource()
    check(now["status"] == "accepted", "accepted by a conditional update")
    save(a.out, f"Task-accepted-{task_id}", json.loads(json.dumps(now.serialize())))
    status, hist = raw(a.url, rx_write_token, f"Task/{task_id}/_history")
    check(status == 200 and [e["resource"]["status"] for e in hist.get("entry", [])][:2] == ["accepted", "requested"],
          f"the Task's history: {status}")
    save(a.out, f"history-{task_id}", hist)
    calls += 1
    stale = requests.put(f"{base}/Task/{task_id}", json={**task.serialize(), "status": "rejected"}, timeout=30,
                         headers={"Authorization": f"Bearer {rx_write_token}", "If-Match": f'W/"{version}"',
                                  "Content-Type": "application/fhir+json"})
    check(stale.status_code == 412, f"a stale version is a 412, got {stale.status_code}")
    save(a.out, "OperationOutcome-412", stale.json())

    # The job runs every five seconds: the accepted Task is PUT to the hook.
    for _ in range(40):
        if any(p.endswith(f"/Task/{task_id}") for p, _ in heard):
            break
        time.sleep(0.5)
    told = [t for p, t in heard if p.endswith(f"/Task/{task_id}")]
    check(len(told) == 1 and told[0].get("status") == "accepted", f"the subscriber heard the acceptance once: {heard}")
    for i, (_, t) in enumerate(heard):
        save(a.out, f"notification-{i}", t)
    hook.shutdown()

    print(f"fhirpy and requests made {calls} calls; {written} files written")
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
