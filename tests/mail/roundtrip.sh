#!/usr/bin/env bash
# A real SMTP round trip: the app sends its letter through an SMTP server (aiosmtpd, from
# PyPI), the outside doctor answers with Python's smtplib, and that server hands the reply
# to `handoff ingest-mail` through a pipe, the way Postfix's pipe transport does. A second
# letter goes to a mailbox that does not exist and comes back as an RFC 3464 bounce.
# See tests/mail/mta.py for what is checked.
#
#   tests/mail/roundtrip.sh     # exit status 0 only when every check passed
#
# Needs python3 (with venv) and network access to PyPI the first time (aiosmtpd goes into
# a virtualenv under the target folder). Honours CARGO_TARGET_DIR.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

VENV="$TARGET/mail-venv"
if ! "$VENV/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check 'aiosmtpd==1.4.6'
fi
PY="$VENV/bin/python"

cargo build --bin handoff
BIN="$TARGET/debug/handoff"

DATA="$(mktemp -d -t handoff-mail.XXXXXX)"
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
SMTP_PORT="$(free_port)"
APP_PORT="$(free_port)"
URL="http://127.0.0.1:$APP_PORT"
REPLY_DOMAIN="reply.handoff.test"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$DATA"
}
trap cleanup EXIT

# Both the server and the pipe read the same data folder (database, key, files).
export HANDOFF_DATA_DIR="$DATA/app" HANDOFF_REPLY_DOMAIN="$REPLY_DOMAIN"
unset DATABASE_URL HANDOFF_MAIL_AUTHSERV_ID
mkdir -p "$HANDOFF_DATA_DIR"

"$PY" "$HERE/mta.py" serve --port "$SMTP_PORT" --reply-domain "$REPLY_DOMAIN" \
  --maildir "$DATA/mailbox" --handoff "$BIN" >"$DATA/mta.log" 2>&1 &
PIDS+=($!)

HANDOFF_BIND=127.0.0.1 HANDOFF_PORT="$APP_PORT" HANDOFF_PUBLIC_URL="$URL" HANDOFF_WORKERS=2 \
  HANDOFF_SMTP_HOST=127.0.0.1 HANDOFF_SMTP_PORT="$SMTP_PORT" HANDOFF_SMTP_TLS=none \
  RUST_LOG="${RUST_LOG:-warn}" "$BIN" serve --demo --no-history >"$DATA/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 150); do
  curl -fsS "$URL/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "$URL/healthz" >/dev/null || { cat "$DATA/server.log" >&2; exit 1; }

status=0
"$PY" "$HERE/mta.py" drive --app "$URL" --smtp-port "$SMTP_PORT" \
  --reply-domain "$REPLY_DOMAIN" --maildir "$DATA/mailbox" || status=$?
echo "== pipe log"; cat "$DATA/mailbox/pipe.log" 2>/dev/null || true
if [ "$status" != 0 ]; then
  echo "== mta log"; cat "$DATA/mta.log"
  echo "== server log"; tail -50 "$DATA/server.log"
fi
exit "$status"
