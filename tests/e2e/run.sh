#!/usr/bin/env bash
# The browser suite in one command: builds the debug server, starts it on a fresh demo database
# on a free port, runs the flows in headless Debian Chromium (playwright-core), axe-core on every
# page, the Nu Html Checker (vnu-jar) on every page, then stops the server.
#
#   tests/e2e/run.sh            # from anywhere; exit status 0 only when everything passed
#
# Needs: chromium (apt-get install -y chromium), java 17+ (openjdk-17-jre-headless), node 20+
# and `npm ci` done in tests/e2e; python3 with venv (icalendar comes from PyPI the first time). Honours CARGO_TARGET_DIR (default ./target), CHROMIUM
# (default /usr/bin/chromium), E2E_KEEP_DATA=1 (keep the temporary data folder).
# Screenshots: tests/e2e/screenshots/<flow>/<NN-step>.png; reports: tests/e2e/report/.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

fail() { echo "e2e: $*" >&2; exit 2; }
command -v node >/dev/null || fail "node not found (node 20+)"
command -v java >/dev/null || fail "java not found (apt-get install -y openjdk-17-jre-headless)"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || fail "no browser at ${CHROMIUM:-/usr/bin/chromium} (apt-get install -y chromium)"
[ -d "$HERE/node_modules/playwright-core" ] || fail "node modules missing: (cd tests/e2e && npm ci)"

TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
echo "== build (cargo build --bin handoff, target $TARGET)"
cargo build --bin handoff
BIN="$TARGET/debug/handoff"
[ -x "$BIN" ] || fail "$BIN missing after the build"

DATA="$(mktemp -d -t handoff-e2e.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
URL="http://127.0.0.1:$PORT"
LOG="$HERE/report/server.log"
mkdir -p "$HERE/report"
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  if [ "${E2E_KEEP_DATA:-0}" = 1 ]; then echo "data kept in $DATA"; else rm -rf "$DATA"; fi
}
trap cleanup EXIT

echo "== server on $URL (data $DATA, log $LOG)"
HANDOFF_DATA_DIR="$DATA" HANDOFF_BIND=127.0.0.1 HANDOFF_PORT="$PORT" HANDOFF_PUBLIC_URL="$URL" \
  HANDOFF_WORKERS=2 RUST_LOG="${RUST_LOG:-warn}" \
  "$BIN" serve --demo --no-history >"$LOG" 2>&1 &
SERVER=$!
for _ in $(seq 1 150); do
  curl -fsS "$URL/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$LOG" >&2; fail "the server exited"; }
  sleep 0.2
done
curl -fsS "$URL/healthz" >/dev/null || { cat "$LOG" >&2; fail "the server did not answer on $URL"; }

echo "== browser suite"
start=$(date +%s)
status=0
E2E_BASE_URL="$URL" E2E_DATA_DIR="$DATA" E2E_HANDOFF_BIN="$BIN" \
  node --test --test-concurrency=1 --test-reporter=spec "$HERE/e2e.test.mjs" || status=$?
echo "== browser suite took $(( $(date +%s) - start )) s; screenshots in tests/e2e/screenshots/, reports in tests/e2e/report/"

echo "== calendar entries of this run, read by Python's icalendar (PyPI)"
VENV="$TARGET/ics-venv"
if ! "$VENV/bin/python" -c 'import icalendar' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check 'icalendar==7.3.0'
fi
"$VENV/bin/python" "$HERE/check_ics.py" "$DATA" || status=$?
exit $status
