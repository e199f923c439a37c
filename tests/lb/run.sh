#!/usr/bin/env bash
# Two Handoff instances on one PostgreSQL database behind nginx, and one of them killed
# under load. Starts, on 127.0.0.1 and free ports: a fresh database, instance A (which seeds
# the demo network), then instance B, both with the same session secret and file store,
# and nginx (Debian's, its own config from tests/lb/nginx.conf, not as a daemon) in front.
# tests/lb/drive.py then works through nginx as 32 browsers with their own 127.x addresses
# (nginx is the instances' trusted proxy: each client is audited and throttled at its own
# address), one whole referral, then 200 concurrent submissions, SIGKILLing A after a third
# were answered, and checks what must hold afterwards; A is restarted and must serve again;
# `handoff verify-audit` must pass. README: "Two instances behind nginx".
#
#   tests/lb/run.sh           # exit status 0 only when every check passed
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, may create databases; LB_PG_ADMIN
# overrides the URL), python3, curl, and nginx (installed with apt-get when missing).
# HANDOFF_LB_S3=1: the instances store files in S3 (moto's server from PyPI, in a
# virtualenv under the target folder) instead of a shared folder. Honours
# CARGO_TARGET_DIR; LB_KEEP=1 keeps the temporary folder (logs) and the database;
# LB_SUBMISSIONS and LB_THREADS change the load (200 and 32).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
PG_ADMIN="${LB_PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}"
T0=$(date +%s.%N)
took() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(date +%s.%N)"; }
say() { printf '== %s\n' "$*"; }
fail() { echo "lb: FAILED: $*" >&2; exit 1; }

for t in python3 curl psql; do command -v "$t" >/dev/null || fail "$t not found"; done
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  say "apt-get install nginx"
  apt-get install -y -q --no-install-recommends nginx >/dev/null \
    || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends nginx >/dev/null; }
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

say "build (cargo build --bin handoff, debug: the earlier CI steps already built its dependencies)"
cargo build --bin handoff
BIN="$TARGET/debug/handoff"
[ -x "$BIN" ] || fail "$BIN missing after the build"
T_BUILT=$(date +%s.%N)

WORK="$(mktemp -d -t handoff-lb.XXXXXX)"
RUN_ID="$(date -u +%H%M%S)-$$"
DB="handoff_lb_$(date -u +%Y%m%d%H%M%S)_$$"
DB_URL="${PG_ADMIN%/*}/$DB"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PORT_A="$(free_port)"; PORT_B="$(free_port)"; PORT_LB="$(free_port)"
URL_A="http://127.0.0.1:$PORT_A"; URL_B="http://127.0.0.1:$PORT_B"; URL_LB="http://127.0.0.1:$PORT_LB"
PID_A=""; PID_B=""; PID_NGINX=""; PID_S3=""; DB_MADE=""
stop() { # pid: TERM, then KILL if it lingers; always reaped
  local p="$1"
  [ -n "$p" ] || return 0
  kill "$p" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}
cleanup() {
  local status=$?
  stop "$PID_NGINX"; stop "$PID_A"; stop "$PID_B"; stop "$PID_S3"
  if [ "$status" != 0 ]; then
    for f in a.log b.log a2.log nginx/error.log s3.log; do
      [ -f "$WORK/$f" ] && { echo "== last lines of $f"; tail -n 12 "$WORK/$f"; }
    done
  fi
  if [ "${LB_KEEP:-0}" = 1 ]; then
    echo "kept: $WORK and database $DB"
  else
    [ -n "$DB_MADE" ] && psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_healthy() { # url pid log what
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "$1/healthz" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || fail "$4 exited (log: $3)"
    sleep 0.1
  done
  fail "$4 did not answer /healthz at $1 within 60 s"
}

say "database $DB on $PG_ADMIN"
psql -q "$PG_ADMIN" -c "CREATE DATABASE $DB" >/dev/null
DB_MADE=1

# What both instances share: the database, the session secret (a cookie signed by one is
# good on the other), the public address (nginx's), the file store; nginx, connecting from
# 127.0.0.1, is the proxy whose X-Forwarded-For they believe.
export DATABASE_URL="$DB_URL"
export HANDOFF_TRUSTED_PROXIES=127.0.0.1
export HANDOFF_SESSION_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
export HANDOFF_PUBLIC_URL="$URL_LB"
export HANDOFF_DATA_DIR="$WORK/data"
export HANDOFF_WORKERS=2
export RUST_LOG="${RUST_LOG:-warn}"
mkdir -p "$HANDOFF_DATA_DIR/files"

if [ "${HANDOFF_LB_S3:-0}" = 1 ]; then
  # The same cached venv as tests/s3/moto.sh: CI installs moto once.
  VENV="${MOTO_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/handoff-moto-venv}"
  if ! "$VENV/bin/python" -c 'import moto.server' 2>/dev/null; then
    say "moto[server] from PyPI into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check 'moto[server]==5.2.5'
  fi
  PORT_S3="$(free_port)"
  say "S3 (moto) on 127.0.0.1:$PORT_S3"
  "$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT_S3" >"$WORK/s3.log" 2>&1 &
  PID_S3=$!
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT_S3/" 2>/dev/null && break
    kill -0 "$PID_S3" 2>/dev/null || fail "moto_server exited (log: $WORK/s3.log)"
    sleep 0.1
  done
  BUCKET="handoff-lb"
  curl -fsS -o /dev/null -X PUT "http://127.0.0.1:$PORT_S3/$BUCKET" || fail "could not create the bucket"
  export HANDOFF_STORE_URL="s3://$BUCKET/run-$RUN_ID"
  export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT_S3"
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_ALLOW_HTTP=true
  STORE="S3 $HANDOFF_STORE_URL at $AWS_ENDPOINT_URL (moto)"
else
  STORE="the shared folder $HANDOFF_DATA_DIR/files"
fi

start_instance() { # port log [--demo --no-history]; sets STARTED to the pid (a child of this shell)
  local port="$1" log="$2"
  shift 2
  HANDOFF_BIND=127.0.0.1 HANDOFF_PORT="$port" "$BIN" serve "$@" >>"$log" 2>&1 &
  STARTED=$!
}
# A seeds the demo network alone; B starts on the seeded database once A answers, so the
# two never race to seed (or to migrate).
say "instance A on $URL_A (seeds the demo network), then instance B on $URL_B; files: $STORE"
start_instance "$PORT_A" "$WORK/a.log" --demo --no-history; PID_A=$STARTED
wait_healthy "$URL_A" "$PID_A" "$WORK/a.log" "instance A"
start_instance "$PORT_B" "$WORK/b.log"; PID_B=$STARTED
wait_healthy "$URL_B" "$PID_B" "$WORK/b.log" "instance B"

NG="$WORK/nginx"
mkdir -p "$NG/tmp"
if [ "$(id -u)" = 0 ]; then
  # The master runs as root; its workers drop to nobody and write their temporary files here.
  NG_USER="user nobody nogroup;"
  chmod 755 "$WORK"
  chown nobody:nogroup "$NG/tmp"
else
  NG_USER=""
fi
sed -e "s|@DIR@|$NG|g" -e "s|@PORT_A@|$PORT_A|g" -e "s|@PORT_B@|$PORT_B|g" \
    -e "s|@PORT@|$PORT_LB|g" -e "s|@USER@|$NG_USER|" "$HERE/nginx.conf" >"$NG/nginx.conf"
"$NGINX" -t -q -p "$NG" -c "$NG/nginx.conf" -e "$NG/error.log" || fail "nginx refused its config"
say "nginx $("$NGINX" -v 2>&1 | sed 's|.*/||') on $URL_LB"
"$NGINX" -p "$NG" -c "$NG/nginx.conf" -e "$NG/error.log" -g 'daemon off;' &
PID_NGINX=$!
wait_healthy "$URL_LB" "$PID_NGINX" "$NG/error.log" "nginx"
T_UP=$(date +%s.%N)

status=0
say "driver: whole workflow, ${LB_SUBMISSIONS:-200} submissions from ${LB_THREADS:-32} threads, SIGKILL A after a third"
python3 "$HERE/drive.py" load --lb "$URL_LB" --a "$URL_A" --b "$URL_B" \
  --victim a --victim-pid "$PID_A" --database-url "$DB_URL" --run-id "$RUN_ID" \
  --state "$WORK/state.json" --submissions "${LB_SUBMISSIONS:-200}" \
  --threads "${LB_THREADS:-32}" --kill-after "$(( ${LB_SUBMISSIONS:-200} / 3 ))" || status=$?
[ "$status" = 0 ] || fail "the load phase failed"
stop "$PID_A" # reaps the instance the driver killed
PID_A=""
T_LOAD=$(date +%s.%N)

say "restart instance A"
T_RESTART=$(date +%s.%N)
start_instance "$PORT_A" "$WORK/a2.log"; PID_A=$STARTED
wait_healthy "$URL_A" "$PID_A" "$WORK/a2.log" "instance A (restarted)"
echo "lb: instance A answers /healthz $(took "$T_RESTART") s after its restart"
python3 "$HERE/drive.py" after-restart --lb "$URL_LB" --a "$URL_A" --b "$URL_B" \
  --victim a --run-id "$RUN_ID" --state "$WORK/state.json" || fail "the restarted instance"

say "handoff verify-audit"
"$BIN" verify-audit || fail "the audit chain does not verify"
if [ "${HANDOFF_LB_S3:-0}" = 1 ]; then
  listing="$(curl -fsS "$AWS_ENDPOINT_URL/$BUCKET?list-type=2&prefix=run-$RUN_ID/")" || fail "could not list the bucket"
  objects="$(printf '%s' "$listing" | { grep -o '<Key>' || true; } | wc -l)"
  echo "lb: $objects object(s) under s3://$BUCKET/run-$RUN_ID/"
  [ "$objects" -ge 1 ] || fail "nothing was stored in the bucket: the instances did not use S3"
  local_files="$(find "$HANDOFF_DATA_DIR/files" -type f | wc -l)"
  [ "$local_files" = 0 ] || fail "$local_files file(s) in the local folder despite HANDOFF_STORE_URL"
else
  echo "lb: $(find "$HANDOFF_DATA_DIR/files" -type f | wc -l) file(s) in the shared folder"
fi
grep -q ' 502 ' "$NG/access.log" && echo "lb: nginx answered $(grep -c ' 502 ' "$NG/access.log") request(s) with 502 (POSTs in flight on the killed instance)"

python3 - "$T0" "$T_BUILT" "$T_UP" "$T_LOAD" "$(date +%s.%N)" <<'EOF'
import sys
t0, built, up, load, end = map(float, sys.argv[1:])
print(f"== passed in {end - t0:.1f} s: build {built - t0:.1f} s, start-up (database, seed, "
      f"two instances, nginx) {up - built:.1f} s, load phase {load - up:.1f} s, "
      f"restart and audit {end - load:.1f} s")
EOF
