#!/usr/bin/env bash
# Page speed against a TechEmpower-style Fortunes page on the same stack, in one run.
# Builds the release benchmark server, starts it on a fresh SQLite database (or on
# BENCH_DATABASE_URL) with the demo network plus 10,000 referrals in one receiver's inbox,
# signs in as a demo GP and as that receiver, and loads each page with wrk.
#
# usage: bench/run.sh [seconds per page, default 10] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
CONNS="${2:-64}"
PORT="${BENCH_PORT:-8088}"
B="http://127.0.0.1:$PORT"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 2; }

cargo build --release --features bench --bin handoff-bench >&2
DATA=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
RUST_LOG=warn DATABASE_URL="${BENCH_DATABASE_URL:-}" ./target/release/handoff-bench --data-dir "$DATA" --port "$PORT" >&2 &
SERVER=$!
for _ in $(seq 1 50); do curl -sf "$B/healthz" >/dev/null && break; sleep 0.2; done

# Sign in through the form, as a browser would; prints the session cookie.
login() {
  local jar="$DATA/jar-$1" token
  token=$(curl -s -c "$jar" "$B/login" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf_token=$token" --data-urlencode "email=$1" -d "password=handoff-demo-2026" "$B/login"
  echo "handoff_session=$(awk '$6=="handoff_session"{print $7}' "$jar")"
}
GP_COOKIE=$(login asha.kulkarni@lakeside.example)
RX_COOKIE=$(login farah.siddiqui@harbour.example)
PATIENT=$(curl -s -H "Cookie: $GP_COOKIE" "$B/patients" | grep -o '/patients/[0-9a-f-]\{36\}' | head -1)
REFERRAL=$(curl -s -H "Cookie: $RX_COOKIE" "$B/inbox?status=sent" | grep -o '/referrals/[0-9a-f-]\{36\}' | head -1)
[ -n "$PATIENT" ] && [ -n "$REFERRAL" ] || { echo "sign-in failed" >&2; exit 1; }

run() { # name path cookie -> "rps p50 p99"
  local out
  out=$(wrk -t"$(( CONNS < 2 ? CONNS : 2 ))" -c"$CONNS" -d"${DURATION}s" --latency -H "Cookie: ${3:-}" "$B$2")
  local errors
  errors=$(echo "$out" | awk '/Non-2xx/{print $5}')
  [ -z "$errors" ] || { echo "$1: $errors non-2xx responses" >&2; exit 1; }
  local timeouts
  timeouts=$(echo "$out" | awk '/Socket errors/{for(i=1;i<=NF;i++) if($i=="timeout") print $(i+1)}')
  [ -z "$timeouts" ] || [ "$timeouts" = 0 ] || echo "$1: $timeouts requests timed out (over 2 s, not in the percentiles)" >&2
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  p50=$(echo "$out" | awk '$1=="50%"{print $2}')
  p99=$(echo "$out" | awk '$1=="99%"{print $2}')
  echo "$rps $p50 $p99"
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(uname -m), wrk -t2 -c$CONNS -d${DURATION}s, backend ${BENCH_DATABASE_URL:+postgres}${BENCH_DATABASE_URL:-sqlite}"
read -r F_RPS F_P50 F_P99 < <(run fortunes /fortunes)
printf '%-28s %10s req/s  p50 %8s  p99 %8s  ratio %s\n' "fortunes (baseline)" "$F_RPS" "$F_P50" "$F_P99" "1.00"
# The letter is typeset once per (version, consent, link) and then served from the file
# store: time the first typesetting of letters nobody asked for yet, one request at a time,
# then the same letters again (cached), before wrk loads one cached letter.
FRESH=$(curl -s -H "Cookie: $RX_COOKIE" "$B/inbox?status=sent" | grep -o '/referrals/[0-9a-f-]\{36\}' | sort -u | grep -v "$REFERRAL" | head -5)
typeset_ms() { # cookie paths... -> median milliseconds of one GET each
  for p in "${@:2}"; do curl -s -o /dev/null -w '%{time_total}\n' -H "Cookie: $1" "$B$p/letter.pdf"; done \
    | sort -n | awk '{a[NR]=$1} END{printf "%.1f", a[int((NR+1)/2)]*1000}'
}
FIRST_MS=$(typeset_ms "$RX_COOKIE" $FRESH)
CACHED_MS=$(typeset_ms "$RX_COOKIE" $FRESH)
printf '%-28s %10s ms (median of 5, one at a time)\n' "letter, first typesetting" "$FIRST_MS"
printf '%-28s %10s ms (the same 5 again, from the store)\n' "letter, cached" "$CACHED_MS"
for page in "patient list:/patients:GP" "patient profile:$PATIENT:GP" "inbox (10k referrals):/inbox:RX" "inbox, most overdue first:/inbox?sort=due:RX" "inbox, overdue only:/inbox?due=overdue&sort=due:RX" "referral page:$REFERRAL:RX" "letter (PDF, cached):$REFERRAL/letter.pdf:RX"; do
  name=${page%%:*}; rest=${page#*:}; path=${rest%%:*}; who=${rest##*:}
  if [ "$who" = GP ]; then cookie=$GP_COOKIE; else cookie=$RX_COOKIE; fi
  read -r RPS P50 P99 < <(run "$name" "$path" "$cookie")
  RATIO=$(awk -v a="$RPS" -v b="$F_RPS" 'BEGIN{printf "%.2f", a/b}')
  printf '%-28s %10s req/s  p50 %8s  p99 %8s  ratio %s\n' "$name" "$RPS" "$P50" "$P99" "$RATIO"
done

# The cost of the audit log: the audited pages again on a second instance of the benchmark
# build with auditing switched off (same database, same sessions).
kill $SERVER 2>/dev/null || true
wait $SERVER 2>/dev/null || true
RUST_LOG=warn HANDOFF_BENCH_NO_AUDIT=1 DATABASE_URL="${BENCH_DATABASE_URL:-}" ./target/release/handoff-bench --data-dir "$DATA" --port "$PORT" >&2 &
SERVER=$!
for _ in $(seq 1 50); do curl -sf "$B/healthz" >/dev/null && break; sleep 0.2; done
echo "# audited pages with auditing switched off (benchmark build only)"
for page in "patient profile, no audit:$PATIENT:GP" "referral page, no audit:$REFERRAL:RX"; do
  name=${page%%:*}; rest=${page#*:}; path=${rest%%:*}; who=${rest##*:}
  if [ "$who" = GP ]; then cookie=$GP_COOKIE; else cookie=$RX_COOKIE; fi
  read -r RPS P50 P99 < <(run "$name" "$path" "$cookie")
  RATIO=$(awk -v a="$RPS" -v b="$F_RPS" 'BEGIN{printf "%.2f", a/b}')
  printf '%-28s %10s req/s  p50 %8s  p99 %8s  ratio %s\n' "$name" "$RPS" "$P50" "$P99" "$RATIO"
done

# Analytics at scale (SQLite only): the analytics pages on a database of their own with
# 1,000,000 referrals across the network, generated once into target/bench-analytics-1m
# (delete that folder to generate it again; BENCH_ANALYTICS=0 skips this part). Reported
# twice: one connection at a time (how fast the page answers) and under the same load as
# the pages above (ratio to the Fortunes figure of this run).
if [ -z "${BENCH_DATABASE_URL:-}" ] && [ "${BENCH_ANALYTICS:-1}" != 0 ]; then
  kill $SERVER 2>/dev/null || true
  wait $SERVER 2>/dev/null || true
  BIG="${BENCH_ANALYTICS_DIR:-target/bench-analytics-1m}"
  N="${BENCH_ANALYTICS_REFERRALS:-1000000}"
  mkdir -p "$BIG"
  [ -f "$BIG/handoff.db" ] || echo "# generating $N referrals into $BIG (once)"
  RUST_LOG=warn ./target/release/handoff-bench --data-dir "$BIG" --port "$PORT" --referrals 0 \
    --network-referrals "$N" > "$DATA/big.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 1800); do curl -sf "$B/healthz" >/dev/null && break; sleep 0.5; done
  grep -h "network referrals" "$DATA/big.log" | sed 's/^/# /' || true
  ROWS=$(sqlite3 "$BIG/handoff.db" 'SELECT COUNT(*) FROM referrals' 2>/dev/null || echo "?")
  echo "# analytics on $ROWS referrals (SQLite, $BIG)"
  ADMIN_COOKIE=$(DATA="$BIG" login admin@lakeside.example)
  GP_COOKIE=$(DATA="$BIG" login asha.kulkarni@lakeside.example)
  for page in "clinic analytics, c1:/analytics:ADMIN:1" "practitioner analytics, c1:/analytics:GP:1" \
              "clinic analytics, c$CONNS:/analytics:ADMIN:$CONNS" "practitioner analytics, c$CONNS:/analytics:GP:$CONNS"; do
    IFS=: read -r name path who conns <<<"$page"
    if [ "$who" = ADMIN ]; then cookie=$ADMIN_COOKIE; else cookie=$GP_COOKIE; fi
    read -r RPS P50 P99 < <(CONNS=$conns run "$name" "$path" "$cookie")
    RATIO=$(awk -v a="$RPS" -v b="$F_RPS" 'BEGIN{printf "%.4f", a/b}')
    printf '%-28s %10s req/s  p50 %8s  p99 %8s  ratio %s\n' "$name" "$RPS" "$P50" "$P99" "$RATIO"
  done
fi
