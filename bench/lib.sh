# shellcheck shell=bash disable=SC2034
# Helpers of bench/run.sh (sourced): the server's life, signing in, and the measurements.
# They read BIN, PORT, B, LOG, CONNS, DURATION, SINGLE_N and RUN_URL from run.sh.

# Starts the benchmark server on a data folder and database URL (empty: SQLite in the
# folder), with any further arguments; SERVER is its process id and SERVER_T0 the moment of
# the exec (nanoseconds). With VALGRIND set (an array) the server runs under it.
# The header a page's credential goes in: a bearer token (the FHIR API) or a cookie.
auth_header() { # credential
  case "$1" in
    Bearer\ *) echo "Authorization: $1" ;;
    *) echo "Cookie: $1" ;;
  esac
}

start_server() { # dir url [args...]
  local dir=$1 url=$2
  shift 2
  SERVER_T0=$(date +%s%N)
  # Each start also makes a read-only FHIR API client for the receiver (its token in
  # $WORK/api-token): the FHIR search page is measured with it.
  RUST_LOG=warn DATABASE_URL="$url" "${VALGRIND[@]}" "$BIN" --data-dir "$dir" --port "$PORT" \
    --api-client-for "$RX" --api-token-file "$WORK/api-token" "$@" >>"$LOG" 2>&1 &
  SERVER=$!
}

# Waits until /healthz answers 200 (at most $1 seconds); fails if the server died.
wait_up() { # seconds
  local deadline=$(($(date +%s) + $1))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    kill -0 "$SERVER" 2>/dev/null || { echo "the server stopped; its log: $LOG" >&2; tail -20 "$LOG" >&2; return 1; }
    curl -sf -o /dev/null --max-time 5 "$B/healthz" && return 0
    sleep 0.2
  done
  echo "the server did not answer in $1 s; its log: $LOG" >&2
  return 1
}

# Stops the server gracefully (SQLite checkpoints its log, callgrind writes its last dump);
# kills it if it is still there after a minute.
stop_server() {
  [ -n "${SERVER:-}" ] || return 0
  kill -TERM "$SERVER" 2>/dev/null || true
  for _ in $(seq 1 600); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  SERVER=
}

# Waits until the server has used under 2 % of a core for half a second (and, on
# PostgreSQL, no query of the benchmark's database is running), at most two minutes: a wrk
# run leaves requests queued behind it (a cancelled request's blocking work still runs),
# and the next figure must not pay for them.
wait_quiet() {
  local a b
  for _ in $(seq 1 240); do
    a=$(awk '{print $14 + $15}' "/proc/$SERVER/stat")
    sleep 0.5
    b=$(awk '{print $14 + $15}' "/proc/$SERVER/stat")
    if [ $((b - a)) -le 1 ]; then
      [ -z "$RUN_URL" ] && return 0
      [ "$(psql "$PG_SERVER/postgres" -Atc "SELECT count(*) FROM pg_stat_activity WHERE datname = '${RUN_URL##*/}' AND state = 'active'")" = 0 ] && return 0
    fi
  done
  echo "(the server did not come to rest in two minutes)" >&2
}

# Signs in through the form, as a browser would; prints the session cookie.
login() { # email
  local jar="$WORK/jar-$1" token
  rm -f "$jar"
  token=$(curl -s -c "$jar" "$B/login" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf_token=$token" --data-urlencode "email=$1" -d "password=handoff-demo-2026" "$B/login"
  local c
  c=$(awk '$6=="handoff_session"{print $7}' "$jar")
  [ -n "$c" ] || { echo "sign-in failed for $1" >&2; return 1; }
  echo "handoff_session=$c"
}

# One GET; prints "status seconds".
get() { # path cookie [max seconds]
  curl -s -o /dev/null --max-time "${3:-120}" -w '%{http_code} %{time_total}\n' -H "$(auth_header "$2")" "$B$1"
}

# Single-request latency: three requests to warm up, then SINGLE_N sequential requests;
# prints their median and their fastest, in milliseconds. Fails on any answer but 200.
single_ms() { # path cookie
  local i out
  for i in 1 2 3; do get "$1" "$2" >/dev/null; done
  out=$(for i in $(seq 1 "$SINGLE_N"); do get "$1" "$2"; done)
  if echo "$out" | awk '$1 != 200 {bad = 1} END {exit !bad}'; then
    echo "GET $1 answered $(echo "$out" | awk '$1 != 200 {print $1}' | sort | uniq -c | tr '\n' ' ')" >&2
    return 1
  fi
  echo "$out" | awk '{print $2}' | sort -g | awk '{a[NR] = $1} END {printf "%.2f %.2f\n", a[int((NR + 1) / 2)] * 1000, a[1] * 1000}'
}

# A wrk latency ("850.00us", "12.3ms", "1.02s", "1.5m") in milliseconds.
to_ms() {
  echo "$1" | awk '{v = $1 + 0; if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /ms$/) v = v; else if ($1 ~ /m$/) v *= 60000; else if ($1 ~ /s$/) v *= 1000; printf "%.2f\n", v}'
}

# Loads a page with wrk; prints "rps p50_ms p99_ms over_1s timeouts completed errors"
# (errors: answers other than 2xx and 3xx, which wrk still counts in req/s). wrk's
# --timeout is 10 s, so requests between 1 and 10 s are in the latency histogram and
# counted as over 1 s; those past 10 s are counted as timeouts (and over 1 s). Requests
# still waiting when the run ends are in no figure: a page that completes only a few in
# the run's time has percentiles of those few ("completed" says how many); if fewer than
# CONNS completed, the connections that completed none waited the whole run, so they are
# added to the requests over 1 s (a lower bound then).
load() { # path cookie
  local out
  out=$(wrk -t"$((CONNS < 2 ? CONNS : 2))" -c"$CONNS" -d"${DURATION}s" --timeout 10s --latency \
    -s bench/over1s.lua -H "$(auth_header "$2")" "$B$1")
  echo "$out" | awk '
    /Requests\/sec/ {rps = $2}
    $1 == "50%" {p50 = $2}
    $1 == "99%" {p99 = $2}
    $1 == "over1s" {over = $2; to = $4; done = $6}
    /Non-2xx/ {errors = $5}
    END {
      stuck = conns - done; if (stuck < 0 || dur <= 1) stuck = 0
      print rps, p50, p99, over + to + stuck, to, done, errors + 0
    }' conns="$CONNS" dur="$DURATION" | {
    read -r rps p50 p99 over to completed errors
    [ "$errors" = 0 ] || echo "GET $1: $errors of $completed answers under load were not 2xx or 3xx" >&2
    if [ "${completed:-0}" = 0 ]; then
      echo "0 - - $over $to 0 $errors"
    else
      echo "$rps $(to_ms "$p50") $(to_ms "$p99") $over $to $completed $errors"
    fi
  }
}

# The server's resident memory: "VmRSS VmHWM" in MB (VmHWM: the peak since it started).
rss_mb() {
  awk '/^VmRSS/{r = $2} /^VmHWM/{h = $2} END {printf "%.1f %.1f\n", r / 1024, h / 1024}' "/proc/$SERVER/status"
}

# Instructions per request under callgrind (the server runs under it): two requests to
# warm up, the second timed to decide the count (the first is slow anyway: valgrind
# translates the code it runs for the first time; a page whose second request takes over
# CG_SLOW_S seconds under callgrind, about 100 ms natively, is counted over CG_SLOW_N
# requests, the others over CG_N after three more to warm up), then the counters zeroed,
# the requests made one at a time, and the counters dumped. Prints
# "instructions_per_request requests database_cpu_us_per_request": on PostgreSQL the
# instructions are the app's alone, so the CPU time its database backends ran for in the
# same window is given beside them (0 on SQLite, whose work is in the app's count).
ir_per_request() { # name path cookie
  local t n i dump
  get "$2" "$3" 1800 >/dev/null
  t=$(get "$2" "$3" 1800 | awk '{print $2}')
  if awk -v t="$t" -v s="$CG_SLOW_S" 'BEGIN {exit !(t > s)}'; then
    n=$CG_SLOW_N
  else
    n=$CG_N
    for i in 1 2 3; do get "$2" "$3" 1800 >/dev/null; done
  fi
  local hint
  hint=p$(date +%s%N)
  local db0 db1
  db0=$(db_cpu_ns)
  cg_control -z
  for i in $(seq 1 "$n"); do
    [ "$(get "$2" "$3" 1800 | awk '{print $1}')" = 200 ] || { echo "GET $2 failed under callgrind" >&2; return 1; }
  done
  cg_control --dump="$hint"
  db1=$(db_cpu_ns)
  # Each dump is callgrind.out.<pid>.<part>, the part counting up from 1; the hint makes
  # sure it is this page's.
  dump=$(find "$CG_DIR" -name 'callgrind.out.*.*' -printf '%f\n' | sort -t. -k4,4n | tail -1)
  grep -q "^desc: Trigger: dump $hint\$" "$CG_DIR/$dump" || { echo "no callgrind dump for $1" >&2; return 1; }
  # "summary:" is the cost since the zeroing; "totals:" (the sum of the file's cost lines)
  # can hold costs from before it in the first dumps of a run.
  awk -v n="$n" -v db=$((db1 - db0)) '/^summary:/ {ir = $2} END {printf "%.0f %d %.0f\n", ir / n, n, db / n / 1000}' "$CG_DIR/$dump"
}

# On PostgreSQL, the nanoseconds the backends connected to the run's database have spent
# on a CPU so far (/proc/<pid>/schedstat; a backend is one single-threaded process); 0 on
# SQLite.
db_cpu_ns() {
  local t=0 p
  if [ -n "$RUN_URL" ]; then
    for p in $(psql "$PG_SERVER/postgres" -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '${RUN_URL##*/}'"); do
      [ -r "/proc/$p/schedstat" ] && t=$((t + $(cut -d' ' -f1 "/proc/$p/schedstat")))
    done
  fi
  echo "$t"
}

# callgrind_control on the server alone: its gdbserver pipes are under a prefix of the
# run's own (VG_PREFIX), so other callgrind runs on the machine neither see it nor get
# its commands (callgrind_control without a pid acts on every run it finds).
cg_control() {
  callgrind_control --vgdb-prefix="$VG_PREFIX" "$@" "$SERVER" >>"$CG_DIR/control.log" 2>&1
}
