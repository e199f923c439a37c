#!/usr/bin/env bash
# Starts an S3 API server (moto's server mode, from PyPI) on 127.0.0.1 for the S3 store's
# tests, creates the bucket the suite uses, and prints the endpoint. Sourced by
# tests/s3/run.sh and tests/lb/run.sh:
#   source tests/s3/moto.sh; start_moto; ...; stop_moto
# The venv is cached under ~/.cache so a second run does not reinstall it.

MOTO_VENV="${MOTO_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/handoff-moto-venv}"
MOTO_PID=""

start_moto() {
  local bucket="${1:-handoff-test}"
  if ! "$MOTO_VENV/bin/python" -c 'import moto.server' 2>/dev/null; then
    python3 -m venv "$MOTO_VENV"
    "$MOTO_VENV/bin/pip" install -q --disable-pip-version-check 'moto[server]==5.2.5'
  fi
  MOTO_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  MOTO_LOG="$(mktemp)"
  "$MOTO_VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$MOTO_LOG" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$MOTO_PORT/" 2>/dev/null && break
    sleep 0.1
  done
  # moto takes an unsigned PUT as "create bucket".
  curl -fsS -o /dev/null -X PUT "http://127.0.0.1:$MOTO_PORT/$bucket"
  export MOTO_ENDPOINT="http://127.0.0.1:$MOTO_PORT"
  echo "moto S3 server on $MOTO_ENDPOINT, bucket $bucket"
}

stop_moto() {
  if [ -n "$MOTO_PID" ]; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
    MOTO_PID=""
  fi
}
