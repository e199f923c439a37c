#!/usr/bin/env bash
# Web vulnerability scan (wapiti3, through the shared wapiti-scan.sh) of a throw-away demo
# server, once signed in as a demo practitioner and once as a demo patient. Every finding
# (wapiti "vulnerabilities" and "anomalies", e.g. an internal error) must be matched by a
# reviewed line of tests/security/allow.tsv; allow-list lines that match nothing are
# reported as stale (a warning).
#
#   tests/security/scan.sh      # from anywhere; exit 0 only when every finding is allow-listed
#
# Does not build: takes the server from ${E2E_HANDOFF_BIN:-target/debug/handoff}
# (cargo build --bin handoff). Tools: ${HANDOFF_TOOLS}, else ../shared/tools next to the
# repository, else /work/shared/tools; wapiti3 is installed there (install.sh --no-apt)
# when missing. Each run gets a fresh server on a free port with its own temporary data
# folder (SQLite database, files): the scanner posts junk into every form.
# Reports: ${CARGO_TARGET_DIR:-target}/security/<run>/ (wapiti.json, wapiti.log, server.log).
# Honours SCAN_MAX_SCAN_TIME (60 s), SCAN_MAX_ATTACK_TIME (20 s), SCAN_DEPTH (3),
# SECURITY_KEEP_DATA=1 (keep the temporary data folders). wapiti bounds the crawl by the
# scan time and each of its 16 modules by the attack time, so a run takes at most about
# 60 + 16 x 20 s (measured: practitioner 2.5 min, patient 20 s; crawl about 10 s).
# Exit status: 0 clean, 1 findings not allow-listed or the scan could not run.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

fail() { echo "security: $*" >&2; exit 1; }

# --- tools ----------------------------------------------------------------------------
if [ -n "${HANDOFF_TOOLS:-}" ]; then
  TOOLS="$HANDOFF_TOOLS"
  [ -f "$TOOLS/wapiti-scan.sh" ] || fail "HANDOFF_TOOLS=$TOOLS holds no wapiti-scan.sh"
elif [ -f "$ROOT/../shared/tools/wapiti-scan.sh" ]; then
  TOOLS="$ROOT/../shared/tools"
elif [ -f /work/shared/tools/wapiti-scan.sh ]; then
  TOOLS=/work/shared/tools
else
  fail "no acceptance tools found: set HANDOFF_TOOLS, or check out the shared tools in ../shared/tools (or /work/shared/tools)"
fi
TOOLS="$(cd "$TOOLS" && pwd)"
if [ ! -x "$TOOLS/.venv-wapiti/bin/wapiti" ]; then
  echo "== wapiti3 missing in $TOOLS: install.sh --no-apt"
  (cd "$TOOLS" && ./install.sh --no-apt) || fail "install.sh --no-apt failed in $TOOLS"
  [ -x "$TOOLS/.venv-wapiti/bin/wapiti" ] || fail "$TOOLS/.venv-wapiti/bin/wapiti still missing after install.sh"
fi
command -v python3 >/dev/null || fail "python3 not found"
command -v curl >/dev/null || fail "curl not found"

BIN="${E2E_HANDOFF_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/handoff}"
[ -x "$BIN" ] || fail "$BIN missing: cargo build --bin handoff (or set E2E_HANDOFF_BIN)"
ALLOW="$HERE/allow.tsv"
[ -f "$ALLOW" ] || fail "$ALLOW missing"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
OUT="$TARGET/security"
mkdir -p "$OUT"

# Demo accounts (src/services/seed.rs) of Lakeside, a clinic that asks for no second factor.
PASSWORD="handoff-demo-2026"
RUNS=(
  "practitioner asha.kulkarni@lakeside.example"
  "patient aarav.sharma@patients.example"
)

# --- throw-away servers -----------------------------------------------------------------
SERVER="" DATA_DIRS=()
stop_server() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  SERVER=""
}
cleanup() {
  stop_server
  for d in ${DATA_DIRS[@]+"${DATA_DIRS[@]}"}; do
    if [ "${SECURITY_KEEP_DATA:-0}" = 1 ]; then echo "data kept in $d"; else rm -rf "$d"; fi
  done
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

start_server() { # LOG -> sets URL, SERVER
  local log="$1" data port
  data="$(mktemp -d -t handoff-security.XXXXXX)"
  DATA_DIRS+=("$data")
  port="$(free_port)"
  URL="http://127.0.0.1:$port"
  # A fresh SQLite database and files folder inside $data; no SMTP (mail stays in the folder).
  env -u DATABASE_URL -u HANDOFF_SESSION_SECRET -u HANDOFF_SMTP_HOST -u HANDOFF_SECURE_COOKIES \
    HANDOFF_DATA_DIR="$data" HANDOFF_BIND=127.0.0.1 HANDOFF_PORT="$port" HANDOFF_PUBLIC_URL="$URL" \
    HANDOFF_WORKERS=2 RUST_LOG="warn,handoff::access=info" \
    "$BIN" serve --demo --no-history >"$log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 150); do
    curl -fsS "$URL/healthz" >/dev/null 2>&1 && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$log" >&2; fail "the server exited"; }
    sleep 0.2
  done
  curl -fsS "$URL/healthz" >/dev/null || { cat "$log" >&2; fail "the server did not answer on $URL"; }
}

# --- scans ----------------------------------------------------------------------------------
REPORTS=()
for run in "${RUNS[@]}"; do
  read -r name email <<<"$run"
  dir="$OUT/$name"
  rm -rf "$dir"
  mkdir -p "$dir"
  start_server "$dir/server.log"
  echo "== $name ($email) on $URL, report $dir"
  start=$(date +%s)
  st=0
  # Excluded: sign-out, and ending sessions (the scanner's own among them): either would
  # leave the rest of the scan signed out.
  "$TOOLS/wapiti-scan.sh" "$URL/" --login "$URL/login" "$email" "$PASSWORD" \
    --exclude "$URL/logout" --exclude "$URL/account/sessions/*" \
    --max-scan-time "${SCAN_MAX_SCAN_TIME:-60}" --max-attack-time "${SCAN_MAX_ATTACK_TIME:-20}" \
    --depth "${SCAN_DEPTH:-3}" --out "$dir" || st=$?
  secs=$(( $(date +%s) - start ))
  stop_server
  # 0 clean, 1 vulnerabilities (judged below against the allow-list), 2 the scan failed.
  [ "$st" -le 1 ] || fail "wapiti-scan.sh failed for $name (status $st), see $dir/wapiti.log"
  [ -f "$dir/wapiti.json" ] || fail "no $dir/wapiti.json"
  REPORTS+=("$name" "$secs" "$dir")
done

# --- findings against the allow-list -------------------------------------------------------
python3 - "$ALLOW" "${REPORTS[@]}" <<'PYEOF'
import collections, json, re, sys

allow_path, args = sys.argv[1], sys.argv[2:]
rules, bad = [], []
for n, line in enumerate(open(allow_path, encoding="utf-8"), 1):
    line = line.rstrip("\n")
    if not line.strip() or line.lstrip().startswith("#"):
        continue
    cols = line.split("\t")
    if len(cols) != 4 or not all(c.strip() for c in cols):
        bad.append(f"{allow_path}:{n}: want category<TAB>method<TAB>path-regex<TAB>reason: {line!r}")
        continue
    try:
        rx = re.compile(cols[2])
    except re.error as e:
        bad.append(f"{allow_path}:{n}: bad regex {cols[2]!r}: {e}")
        continue
    rules.append({"line": n, "category": cols[0].strip(), "method": cols[1].strip().upper(),
                  "rx": rx, "reason": cols[3].strip(), "hits": 0})
if bad:
    print("\n".join(bad))
    sys.exit(1)

def match(f):
    for r in rules:
        if (r["category"].lower() == f["category"].lower()
                and r["method"] in ("*", f["method"].upper())
                and r["rx"].fullmatch(f["path"])):
            r["hits"] += 1
            return r
    return None

# The access line (src/logging.rs): "<method> <route pattern> <status> <ms>ms".
LOG = re.compile(r'handoff::access\] (\S+) (\S+) (\d{3}) ')
unmatched = 0
for i in range(0, len(args), 3):
    name, secs, d = args[i], args[i + 1], args[i + 2]
    rep = json.load(open(f"{d}/wapiti.json", encoding="utf-8"))
    infos = rep.get("infos", {})
    auth = infos.get("auth") or {}
    statuses, errors = collections.Counter(), collections.Counter()
    try:
        for m in map(LOG.search, open(f"{d}/server.log", encoding="utf-8", errors="replace")):
            if m:
                statuses[m.group(3)[0] + "xx"] += 1
                if m.group(3).startswith("5"):
                    errors[f"{m.group(1)} {m.group(2)}"] += 1
    except FileNotFoundError:
        pass
    findings = []
    for section, label in (("vulnerabilities", "vulnerability"), ("anomalies", "anomaly")):
        for cat, items in (rep.get(section) or {}).items():
            for it in items or []:
                findings.append({"section": label, "category": cat, "method": it.get("method", ""),
                                 "path": it.get("path", ""), "parameter": it.get("parameter") or "",
                                 "info": it.get("info", ""), "module": it.get("module", ""),
                                 "request": it.get("http_request", "")})
    print(f"\n== {name}: {secs} s, crawled pages {infos.get('crawled_pages_nbr')}, "
          f"requests {sum(statuses.values())} ({', '.join(f'{k} {v}' for k, v in sorted(statuses.items())) or 'server log empty'}), "
          f"signed in: {auth.get('logged_in')}, findings {len(findings)}")
    if not auth.get("logged_in"):
        print(f"   NOT SIGNED IN: the scan saw only public pages (see {d}/wapiti.log)")
        unmatched += 1
    per_cat = collections.Counter((f["section"], f["category"]) for f in findings)
    for (section, cat), k in sorted(per_cat.items()):
        print(f"   {section}: {cat}: {k}")
    if errors:
        print("   server 5xx answers: " + ", ".join(f"{p} x{k}" for p, k in errors.most_common(10)))
    allowed = collections.defaultdict(list)
    for f in findings:
        r = match(f)
        where = f"{f['method']} {f['path']}" + (f" [{f['parameter']}]" if f["parameter"] else "")
        if r:
            allowed[r["line"]].append(where)
        else:
            unmatched += 1
            print(f"   FINDING {f['section']} ({f['category']}, {f['module']}) {where}\n"
                  f"      {f['info'][:400]}")
            for l in f["request"].splitlines()[:6]:
                print(f"      | {l[:200]}")
    for r in rules:
        if allowed.get(r["line"]):
            w = allowed[r["line"]]
            print(f"   allowed x{len(w)} ({r['category']}, allow.tsv:{r['line']}): {r['reason']}\n"
                  f"      {'; '.join(w[:4])}{' ...' if len(w) > 4 else ''}")

for r in rules:
    if not r["hits"]:
        print(f"warning: stale allow-list line {allow_path}:{r['line']} matched nothing: "
              f"{r['category']} {r['method']} {r['rx'].pattern}")
if unmatched:
    print(f"\nsecurity: {unmatched} finding(s) not allow-listed (reports under {args[2].rsplit('/', 1)[0]})")
    sys.exit(1)
print("\nsecurity: every finding is allow-listed")
PYEOF
