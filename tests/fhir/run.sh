#!/usr/bin/env bash
# The FHIR API checked by tools nobody here wrote: a real FHIR client from PyPI (fhirpy)
# reads, searches and pages against the running server, and every resource and Bundle it
# got, plus each referral's export, is validated as FHIR R4 4.0.1 by the shared
# fhir-validate.py (fhir.resources 6.4.0). See tests/fhir/client.py for what is checked.
#
#   tests/fhir/run.sh     # exit status 0 only when every check passed and 0 resources failed
#
# Needs python3 (with venv) and PyPI the first time (the venv goes under the target
# folder). Tools: ${HANDOFF_TOOLS}, else ../shared/tools next to the repository, else
# /work/shared/tools. Honours CARGO_TARGET_DIR.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
fail() { echo "fhir: $*" >&2; exit 2; }

if [ -n "${HANDOFF_TOOLS:-}" ]; then TOOLS="$HANDOFF_TOOLS"
elif [ -f "$ROOT/../shared/tools/fhir-validate.py" ]; then TOOLS="$ROOT/../shared/tools"
elif [ -f /work/shared/tools/fhir-validate.py ]; then TOOLS=/work/shared/tools
else fail "no fhir-validate.py: set HANDOFF_TOOLS or check out the shared tools in ../shared/tools"
fi

# fhir.resources 6.4.0 is FHIR R4 4.0.1 (pydantic 1); fhirpy is the client.
VENV="$TARGET/fhir-venv"
if ! "$VENV/bin/python" -c 'import fhir.resources, fhirpy, requests' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check \
    'fhir.resources==6.4.0' 'pydantic>=1.10,<2' 'fhirpy==2.3.1' 'requests==2.32.5'
fi
PY="$VENV/bin/python"

cargo build --bin handoff
BIN="$TARGET/debug/handoff"
DATA="$(mktemp -d -t handoff-fhir.XXXXXX)"
OUT="$DATA/resources"
PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
URL="http://127.0.0.1:$PORT"
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$DATA"
}
trap cleanup EXIT

export HANDOFF_DATA_DIR="$DATA" HANDOFF_PUBLIC_URL="$URL"
# The demo with its history: referrals in every status, asks, consents, visits, outcomes.
HANDOFF_BIND=127.0.0.1 HANDOFF_PORT="$PORT" HANDOFF_WORKERS=2 RUST_LOG=warn \
  "$BIN" serve --demo >"$DATA/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 300); do
  curl -fsS "$URL/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$DATA/server.log" >&2; fail "the server exited"; }
  sleep 0.2
done
curl -fsS "$URL/healthz" >/dev/null || { cat "$DATA/server.log" >&2; fail "no answer on $URL"; }

# Tokens the way an operator makes them (the admin page is tested in tests/api/fhir.rs).
GP_TOKEN="$("$BIN" api-client --practitioner asha.kulkarni@lakeside.example --name 'CI fhirpy (GP)' --scopes 'user/*.rs' 2>/dev/null)"
RX_TOKEN="$("$BIN" api-client --practitioner ananya.bose@northgate.example --name "CI fhirpy (Northgate)" --scopes 'user/*.rs' 2>/dev/null)"

GP_WRITE="$("$BIN" api-client --practitioner asha.kulkarni@lakeside.example --name 'CI fhirpy (GP, write)' --scopes 'user/*.rs user/*.cu' 2>/dev/null)"
RX_WRITE="$("$BIN" api-client --practitioner ananya.bose@northgate.example --name 'CI fhirpy (Northgate, write)' --scopes 'user/*.rs user/*.cu' 2>/dev/null)"

mkdir -p "$OUT"
"$PY" "$HERE/client.py" --url "$URL" --gp-token "$GP_TOKEN" --rx-token "$RX_TOKEN" \
  --gp-write-token "$GP_WRITE" --rx-write-token "$RX_WRITE" --out "$OUT"

echo "== validating $(find "$OUT" -name '*.json' | wc -l) files as FHIR R4 4.0.1 (fhir.resources 6.4.0)"
FHIR_VALIDATE_REEXEC=1 "$PY" "$TOOLS/fhir-validate.py" --fhir-version R4 --quiet "$OUT"
