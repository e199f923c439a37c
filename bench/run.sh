#!/usr/bin/env bash
# Page speed at 10,000 and at 1,000,000 referrals, against a TechEmpower-style Fortunes page
# on the same stack, in one run (issue 18).
#
# Builds the release benchmark server (--features bench) and, for each database size:
#   10k  the demo network plus 10,000 referrals in Dr Farah Siddiqui's inbox, made fresh;
#   1m   the demo network plus 1,000,000 referrals across the network (--network-referrals),
#        generated once into BENCH_1M_DIR and reused; each run works on a copy of it;
# signs in through the login form as the GP, the receiver and the GP's clinic admin, and
# measures each page: the median of 15 sequential requests after 3 to warm up (curl), then
# wrk -t2 -c64 (req/s, p50, p99, requests over 1 s), then the instructions per request
# under callgrind (release server, background jobs off, counters zeroed after a warm-up and
# dumped after a fixed number of sequential requests; SQLite's write-ahead log emptied into
# the database file first, so that its length does not count). Also: the server's peak resident
# memory under the load (VmHWM), and on the 1M database the time from the server's exec to
# the first 200 of /healthz and of a signed-in page. Ends with a Markdown table for
# BENCHMARKS.md. The load generator shares the machine's cores with the server: the ratios
# to Fortunes matter, and the instruction counts are the figures that repeat.
#
# usage: bench/run.sh [seconds of wrk per page, default 10] [connections, default 64]
#
# Knobs (environment):
#   BENCH_QUICK=1            a quick look: wrk 2 s, 5 single requests, 5 under callgrind,
#                            no auditing-off comparison (figures not for BENCHMARKS.md)
#   BENCH_SIZES="10k 1m"     which databases to measure
#   BENCH_DATABASE_URL       postgres://user@host:port[/any]: measure on PostgreSQL instead
#                            of SQLite. The script creates on that server ${BENCH_PG_PREFIX}_10k
#                            (fresh per run), ${BENCH_PG_PREFIX}_1m (kept, generated once) and
#                            ${BENCH_PG_PREFIX}_1m_run (the run's copy); the database named
#                            in the URL is not used. BENCH_PG_PREFIX defaults to handoff_bench.
#   BENCH_1M_DIR             the kept 1M data folder (default target/bench-1m; "-pg" is
#                            appended on PostgreSQL); delete it to generate again
#   BENCH_1M_REFERRALS       referrals in the kept database (default 1000000)
#   BENCH_CALLGRIND=0        skip the instruction counts (default: on when valgrind exists)
#   BENCH_CALLGRIND_N        sequential requests counted per page (default 20); a page over
#                            BENCH_CALLGRIND_SLOW_S seconds under callgrind (default 5, about
#                            100 ms natively) is counted over BENCH_CALLGRIND_SLOW_N (default 5)
#   BENCH_LOAD=0             skip single requests, wrk and memory (instruction counts only)
#   BENCH_NO_AUDIT=0         skip the audited pages with auditing switched off (10k only)
#   BENCH_GP, BENCH_RECEIVER, BENCH_ADMIN   who signs in (defaults: the demo's Asha
#                            Kulkarni, Farah Siddiqui, Lakeside's admin)
#   BENCH_PORT               the server's port (default 8088)
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK="${BENCH_QUICK:-0}"
DURATION="${1:-$([ "$QUICK" = 1 ] && echo 2 || echo 10)}"
CONNS="${2:-64}"
SINGLE_N=$([ "$QUICK" = 1 ] && echo 5 || echo 15)
CG_N="${BENCH_CALLGRIND_N:-$([ "$QUICK" = 1 ] && echo 5 || echo 20)}"
CG_SLOW_N="${BENCH_CALLGRIND_SLOW_N:-5}"
CG_SLOW_S="${BENCH_CALLGRIND_SLOW_S:-5}"
SIZES="${BENCH_SIZES:-10k 1m}"
BIG_DIR="${BENCH_1M_DIR:-target/bench-1m}"
BIG_N="${BENCH_1M_REFERRALS:-1000000}"
GP="${BENCH_GP:-asha.kulkarni@lakeside.example}"
RX="${BENCH_RECEIVER:-farah.siddiqui@harbour.example}"
ADMIN="${BENCH_ADMIN:-admin@lakeside.example}"
PORT="${BENCH_PORT:-8088}"
B="http://127.0.0.1:$PORT"
LOAD="${BENCH_LOAD:-1}"
NO_AUDIT="${BENCH_NO_AUDIT:-$([ "$QUICK" = 1 ] && echo 0 || echo 1)}"
CALLGRIND="${BENCH_CALLGRIND:-$(command -v valgrind >/dev/null && echo 1 || echo 0)}"
BACKEND=sqlite PG_SERVER="" PG_PREFIX="${BENCH_PG_PREFIX:-handoff_bench}"
if [ -n "${BENCH_DATABASE_URL:-}" ]; then
  BACKEND=postgres
  PG_SERVER=$(echo "$BENCH_DATABASE_URL" | sed -E 's#^(postgres(ql)?://[^/?]*).*#\1#')
  command -v psql >/dev/null || { echo "psql is needed on PostgreSQL: apt-get install -y postgresql-client" >&2; exit 2; }
fi
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 2; }
[ "$BACKEND" = postgres ] || command -v sqlite3 >/dev/null || { echo "sqlite3 is needed: apt-get install -y sqlite3" >&2; exit 2; }
[ "$CALLGRIND" = 0 ] || command -v valgrind >/dev/null || { echo "valgrind is needed (or BENCH_CALLGRIND=0): apt-get install -y valgrind" >&2; exit 2; }

cargo build --release --features bench --bin handoff-bench >&2
BIN=./target/release/handoff-bench
WORK="$PWD/target/bench-work"
rm -rf "$WORK"
mkdir -p "$WORK"
LOG="$WORK/server.log"
CG_DIR="$WORK/callgrind"
SERVER=
VALGRIND=()
# shellcheck source=bench/lib.sh
. bench/lib.sh
# shellcheck source=bench/db.sh
. bench/db.sh
cleanup() {
  stop_server
  drop_run_dbs
  [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

# Each page: name | path (@PATIENT@ and @REFERRAL@ found at sign-in) | who signs in.
PAGES=(
  "patient list|/patients|GP"
  "patient profile (audited)|@PATIENT@|GP"
  "sent list|/sent|GP"
  "inbox|/inbox|RX"
  "inbox by priority|/inbox?sort=priority|RX"
  "analytics (GP, 12 weeks)|/analytics|GP"
  "analytics (clinic admin)|/analytics|ADMIN"
  "referral page (audited)|@REFERRAL@|RX"
  "letter PDF (cached)|@REFERRAL@/letter.pdf|RX"
  "FHIR Task search (owner, requested)|/fhir/r4/Task?owner=Practitioner/@RXID@&status=requested|RXAPI"
)
declare -A SINGLE FASTEST RPS P50 P99 OVER TIMEOUTS DONE ERRORS IR DBUS COOKIE
COOKIE[NONE]=""
F_RPS="" F_P50="" F_P99=""
NOTES=()
note() { NOTES+=("$1"); echo "# $1"; }

page_path() { local p=${1//@PATIENT@/$PATIENT}; p=${p//@RXID@/$RXID}; echo "${p//@REFERRAL@/$REFERRAL}"; }

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(uname -m), $BACKEND, commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+changes'), wrk -t2 -c$CONNS -d${DURATION}s, $SINGLE_N single requests, callgrind $([ "$CALLGRIND" = 1 ] && echo "on ($CG_N requests, $CG_SLOW_N over ${CG_SLOW_S} s)" || echo off), load average $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$BACKEND" = sqlite ] || echo "# $(pg_admin "SELECT split_part(version(), ' on ', 1)"), shared_buffers $(pg_admin 'SHOW shared_buffers'), on $PG_SERVER"

# Signs in the three accounts and finds the patient and the referral the pages show.
sign_in() {
  COOKIE[GP]=$(login "$GP")
  COOKIE[RX]=$(login "$RX")
  COOKIE[ADMIN]=$(login "$ADMIN")
  PATIENT=$(curl -s -H "Cookie: ${COOKIE[GP]}" "$B/patients" | grep -o '/patients/[0-9a-f-]\{36\}' | head -1)
  INBOX_SENT=$(curl -s --max-time 600 -H "Cookie: ${COOKIE[RX]}" "$B/inbox?status=sent" | grep -o '/referrals/[0-9a-f-]\{36\}' | awk '!seen[$0]++')
  REFERRAL=$(echo "$INBOX_SENT" | head -1)
  COOKIE[RXAPI]="Bearer $(sed -n 1p "$WORK/api-token")"
  RXID=$(sed -n 2p "$WORK/api-token")
  if [ -z "$PATIENT" ] || [ -z "$REFERRAL" ] || [ -z "$RXID" ]; then
    echo "no patient, referral or receiver id (FHIR) found after sign-in" >&2
    exit 1
  fi
}

# The history behind the pages: the GP's sent referrals and the receiver's received ones.
counts() { # size
  local row
  row=$(sql "SELECT (SELECT count(*) FROM referrals), (SELECT count(*) FROM referrals r JOIN users u ON u.id = r.sender_id WHERE u.email = '$GP'), (SELECT count(*) FROM referrals r JOIN users u ON u.id = r.receiver_id WHERE u.email = '$RX'), (SELECT count(*) FROM referrals r JOIN users u ON u.id = r.receiver_id WHERE u.email = '$RX' AND r.status IN ('sent', 'need_info', 'visit_required', 'accepted')), (SELECT max(c) FROM (SELECT count(*) AS c FROM referrals GROUP BY receiver_id) t)")
  IFS='|' read -r total sent received open topmost <<<"$row"
  note "$1 database: $total referrals; $GP sent $sent; $RX received $received ($open open; the most any receiver has: $topmost)"
}

# The server stopped and started again (so the memory figures start after the 10k
# generation, which the first start runs), timed from its exec to the first 200 of
# /healthz and then of the GP's patient list (signed in, session from the first start).
startup_time() { # size
  stop_server
  start_server "$RUN_DIR" "$RUN_URL"
  local th="" tp="" code
  while [ -z "$tp" ]; do
    kill -0 "$SERVER" 2>/dev/null || { echo "the server stopped at start" >&2; exit 1; }
    if [ -z "$th" ]; then
      code=$(curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$B/healthz" || true)
      [ "$code" = 200 ] && th=$(date +%s%N)
    else
      code=$(curl -s -o /dev/null --max-time 5 -w '%{http_code}' -H "Cookie: ${COOKIE[GP]}" "$B/patients" || true)
      [ "$code" = 200 ] && tp=$(date +%s%N)
    fi
    [ -n "$tp" ] || sleep 0.01
  done
  note "$1 start ($BACKEND): exec to first 200 of /healthz $(((th - SERVER_T0) / 1000000)) ms, of the signed-in patient list $(((tp - SERVER_T0) / 1000000)) ms"
}

# name, single ms, req/s, p50, p99, over 1 s, ratio, requests completed, and the server's
# peak memory so far.
row() { printf '%-26s %16s ms %9s req/s  p50 %8s ms  p99 %8s ms  over 1 s %5s  ratio %5s  (%s done)  peak %s MB\n' "$@" "$(rss_mb | cut -d' ' -f2)"; }

# Single requests and wrk for every page of one size, then the memory figures.
load_pages() { # size
  local size=$1 page name path who rps p50 p99 over timeouts completed errors
  if [ -z "$F_RPS" ]; then
    wait_quiet
    read -r F_RPS F_P50 F_P99 _ _ completed _ < <(load /fortunes "") || true
    row "fortunes (baseline)" "" "$F_RPS" "$F_P50" "$F_P99" 0 "1.000" "$completed"
  fi
  # The letter is typeset once per (version, consent, link) and then served from the
  # file store: five letters nobody asked for yet, one request at a time, then again.
  local fresh first cached
  fresh=$(echo "$INBOX_SENT" | grep -v "$REFERRAL" | head -5 | sed 's#$#/letter.pdf#')
  first=$(for p in $fresh; do get "$p" "${COOKIE[RX]}" | awk '{print $2}'; done | sort -g | awk '{a[NR] = $1} END {printf "%.1f", a[int((NR + 1) / 2)] * 1000}')
  cached=$(for p in $fresh; do get "$p" "${COOKIE[RX]}" | awk '{print $2}'; done | sort -g | awk '{a[NR] = $1} END {printf "%.1f", a[int((NR + 1) / 2)] * 1000}')
  note "$size letter: first typesetting $first ms, the same letters from the store $cached ms (medians of 5, one at a time)"
  for page in "${PAGES[@]}"; do
    IFS='|' read -r name path who <<<"$page"
    path=$(page_path "$path")
    wait_quiet
    read -r "SINGLE[$size|$name]" "FASTEST[$size|$name]" < <(single_ms "$path" "${COOKIE[$who]}") || true
    wait_quiet
    read -r rps p50 p99 over timeouts completed errors < <(load "$path" "${COOKIE[$who]}") || true
    RPS[$size|$name]=$rps P50[$size|$name]=$p50 P99[$size|$name]=$p99 OVER[$size|$name]=$over TIMEOUTS[$size|$name]=$timeouts DONE[$size|$name]=$completed ERRORS[$size|$name]=$errors
    [ "${errors:-0}" = 0 ] || note "$size $name: $errors of $completed answers under load were errors (not 2xx or 3xx; the server log says which)"
    row "$name" "${SINGLE[$size|$name]} (${FASTEST[$size|$name]})" "$rps" "$p50" "$p99" "$over" "$(awk -v a="$rps" -v b="$F_RPS" 'BEGIN {printf "%.3f", a / b}')" "$completed"
  done
  wait_quiet
  read -r rss hwm < <(rss_mb) || true
  note "$size memory ($BACKEND): peak resident $hwm MB over the run's load (VmHWM), $rss MB now"
  for name in "analytics (GP, 12 weeks)" "analytics (clinic admin)"; do
    note "$size $name at $CONNS connections: ${OVER[$size|$name]} requests over 1 s (${TIMEOUTS[$size|$name]} of them past wrk's 10 s timeout; ${DONE[$size|$name]} completed in ${DURATION} s$([ "${DONE[$size|$name]:-0}" -ge "$CONNS" ] || echo ", so $((CONNS - ${DONE[$size|$name]:-0})) connections waited the whole run and are counted over 1 s")), p50 ${P50[$size|$name]} ms, p99 ${P99[$size|$name]} ms"
  done
}

# The audited pages on a second instance with auditing switched off (benchmark build
# only; same database and sessions): what the audit log costs.
no_audit() {
  stop_server
  HANDOFF_BENCH_NO_AUDIT=1 start_server "$RUN_DIR" "$RUN_URL"
  wait_up 600
  local page name path who rps p50 p99 over completed
  for page in "patient profile, auditing off|@PATIENT@|GP" "referral page, auditing off|@REFERRAL@|RX"; do
    IFS='|' read -r name path who <<<"$page"
    wait_quiet
    read -r rps p50 p99 over _ completed _ < <(load "$(page_path "$path")" "${COOKIE[$who]}") || true
    row "$name" "" "$rps" "$p50" "$p99" "$over" "$(awk -v a="$rps" -v b="$F_RPS" 'BEGIN {printf "%.3f", a / b}')" "$completed"
  done
}

# Instructions per request of every page (and of Fortunes), the server under callgrind.
count_instructions() { # size
  local size=$1 page name path who ir n dbus
  stop_server
  checkpoint "$RUN_DIR/handoff.db"
  rm -rf "$CG_DIR"
  mkdir -p "$CG_DIR"
  VG_PREFIX="$CG_DIR/vgdb"
  VALGRIND=(valgrind --tool=callgrind --callgrind-out-file="$CG_DIR/callgrind.out.%p" --vgdb-prefix="$VG_PREFIX")
  start_server "$RUN_DIR" "$RUN_URL" --no-jobs
  VALGRIND=()
  wait_up 900
  for page in "fortunes (baseline)|/fortunes|NONE" "${PAGES[@]}"; do
    IFS='|' read -r name path who <<<"$page"
    read -r ir n dbus < <(ir_per_request "$name" "$(page_path "$path")" "${COOKIE[$who]}") || true
    IR[$size|$name]=$ir DBUS[$size|$name]=$dbus
    printf '%-28s %14s instructions per request (callgrind, %d requests)%s\n' "$name" "$(group "$ir")" "$n" \
      "$([ "$BACKEND" = sqlite ] || echo ", PostgreSQL backends $(group "$dbus") us of CPU per request")"
  done
  stop_server
}

# 1234567 as 1,234,567.
group() { echo "$1" | awk '{s = sprintf("%d", $1); o = ""; while (length(s) > 3) {o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3)} print s o}'; }

for size in $SIZES; do
  echo "## $size ($BACKEND)"
  if [ "$size" = 10k ]; then
    fresh_10k
    start_server "$RUN_DIR" "$RUN_URL" --referrals 10000
  else
    kept_1m
    copy_1m
    start_server "$RUN_DIR" "$RUN_URL" --referrals 0
  fi
  wait_up 900
  sign_in
  counts "$size"
  startup_time "$size"
  if [ "$LOAD" = 1 ]; then
    load_pages "$size"
    [ "$size" != 10k ] || [ "$NO_AUDIT" = 0 ] || no_audit
  fi
  [ "$CALLGRIND" = 0 ] || count_instructions "$size"
  stop_server
done

# The table for BENCHMARKS.md.
ms() { case "$1" in "") ;; -) printf -- - ;; *) awk -v v="$1" 'BEGIN {printf (v >= 10 ? "%.1f" : "%.2f"), v}' ;; esac; }
rps() { # req/s [errors among the answers]
  [ -n "$1" ] || return 0
  awk -v v="$1" 'BEGIN {printf (v >= 100 ? "%.0f" : "%.1f"), v}'
  [ "${2:-0}" = 0 ] || printf ' (%s errors)' "$2"
}
ratio() { [ -n "$1" ] && [ -n "$F_RPS" ] && awk -v a="$1" -v b="$F_RPS" 'BEGIN {printf "%.3f", a / b}'; }
growth() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN {if (a + 0 > 0) printf "%.1f x", b / a; else printf "-"}'; }
irs() { [ -n "$1" ] && group "$1"; }
echo
echo "## Table ($BACKEND, $(date -u +%Y-%m-%d), wrk -c$CONNS -d${DURATION}s; ms: median of $SINGLE_N single requests; Ir: instructions per request under callgrind$([ "$BACKEND" = sqlite ] || echo ", the app process only"))"
echo
echo "| page | 10k ms | 1M ms | growth | req/s 10k | ratio 10k | req/s 1M | ratio 1M | Ir/req 10k | Ir/req 1M |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
echo "| Fortunes (baseline) | | | | $(rps "$F_RPS") | 1.000 | | | $(irs "${IR[10k|fortunes (baseline)]:-}") | $(irs "${IR[1m|fortunes (baseline)]:-}") |"
for page in "${PAGES[@]}"; do
  IFS='|' read -r name _ _ <<<"$page"
  a=${SINGLE[10k|$name]:-} b=${SINGLE[1m|$name]:-}
  echo "| $name | $(ms "$a") | $(ms "$b") | $(growth "$a" "$b") | $(rps "${RPS[10k|$name]:-}" "${ERRORS[10k|$name]:-}") | $(ratio "${RPS[10k|$name]:-}") | $(rps "${RPS[1m|$name]:-}" "${ERRORS[1m|$name]:-}") | $(ratio "${RPS[1m|$name]:-}") | $(irs "${IR[10k|$name]:-}") | $(irs "${IR[1m|$name]:-}") |"
done
if [ "$CALLGRIND" = 1 ]; then
  echo
  echo "Instructions per request, 1M over 10k (the growth that machine noise does not blur):"
  echo
  if [ "$BACKEND" = sqlite ]; then
    echo "| page | Ir/req 10k | Ir/req 1M | growth |"
    echo "|---|---:|---:|---:|"
  else
    echo "On PostgreSQL the instructions are the app process's alone; the database's share is the"
    echo "CPU time its backends ran for in the same requests (µs per request, /proc schedstat)."
    echo
    echo "| page | Ir/req 10k | Ir/req 1M | growth | PG CPU µs/req 10k | PG CPU µs/req 1M | growth |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
  fi
  for page in "fortunes (baseline)||" "${PAGES[@]}"; do
    IFS='|' read -r name _ _ <<<"$page"
    a=${IR[10k|$name]:-} b=${IR[1m|$name]:-} c=${DBUS[10k|$name]:-} d=${DBUS[1m|$name]:-}
    if [ "$BACKEND" = sqlite ]; then
      echo "| $name | $(irs "$a") | $(irs "$b") | $(growth "$a" "$b") |"
    else
      echo "| $name | $(irs "$a") | $(irs "$b") | $(growth "$a" "$b") | $(irs "$c") | $(irs "$d") | $(growth "$c" "$d") |"
    fi
  done
fi
if [ "$LOAD" = 1 ]; then
  echo
  echo "Single requests, fastest of $SINGLE_N (ms): $(for page in "${PAGES[@]}"; do IFS='|' read -r name _ _ <<<"$page"; printf '%s %s / %s; ' "$name" "${FASTEST[10k|$name]:--}" "${FASTEST[1m|$name]:--}"; done)"
  echo
  echo "Under load (p50 / p99 ms, requests over 1 s):"
  echo
  echo "| page | p50 10k | p99 10k | over 1 s 10k | p50 1M | p99 1M | over 1 s 1M |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  echo "| Fortunes (baseline) | $(ms "$F_P50") | $(ms "$F_P99") | 0 | | | |"
  for page in "${PAGES[@]}"; do
    IFS='|' read -r name _ _ <<<"$page"
    echo "| $name | $(ms "${P50[10k|$name]:-}") | $(ms "${P99[10k|$name]:-}") | ${OVER[10k|$name]:-} | $(ms "${P50[1m|$name]:-}") | $(ms "${P99[1m|$name]:-}") | ${OVER[1m|$name]:-} |"
  done
fi
echo
for n in "${NOTES[@]}"; do echo "- $n"; done
# The server's warnings and errors over the whole run (kept in target/bench-last.log).
cp "$LOG" target/bench-last.log
echo
echo "Server log: $(grep -cE '^\[[^]]* (WARN|ERROR) ' "$LOG" || true) warnings and errors (target/bench-last.log), the most frequent:"
grep -E '^\[[^]]* (WARN|ERROR) ' "$LOG" | sed -E 's/^\[[^ ]* //; s/[0-9a-f]{8}-[0-9a-f-]{27}/<id>/g; s/[0-9]+(\.[0-9]+)?( ?ms| ?s\b)/<t>/g' | cut -c1-200 | sort | uniq -c | sort -rn | head -8 || true
