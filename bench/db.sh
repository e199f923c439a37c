# shellcheck shell=bash disable=SC2015
# Databases of bench/run.sh (sourced). Each size is measured on a database of the run's
# own: the 10k one generated fresh, the 1M one copied from a kept database generated once
# (so the audit rows, sessions and cached letters of one run never reach the next).
# Reads BACKEND (sqlite|postgres), PG_SERVER, PG_PREFIX, BIG_DIR, BIG_N, WORK from run.sh;
# sets RUN_DIR and RUN_URL (empty for SQLite: the database is $RUN_DIR/handoff.db).

# With the server stopped, moves whatever SQLite's write-ahead log holds into the database
# file and empties the log. A page read looks the page up in every 4,096-frame segment of
# the log's index, so a long log (the generator leaves gigabytes; a load run's audit rows
# and sessions some megabytes) makes every read dearer: the instruction counts would
# depend on how the last server happened to stop.
checkpoint() { # sqlite file
  [ "$BACKEND" = sqlite ] || return 0
  sqlite3 "$1" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
}

# Runs a query on the run's database; prints rows with | between columns.
sql() {
  if [ "$BACKEND" = sqlite ]; then
    sqlite3 -readonly "$RUN_DIR/handoff.db" "$1"
  else
    psql "$RUN_URL" -Atc "$1"
  fi
}

pg_admin() { psql "$PG_SERVER/postgres" -q -Atc "$1"; }

# The 10k database: the demo network plus 10,000 referrals in the receiver's inbox,
# written by the server at its first start (so the caller starts it with --referrals).
fresh_10k() {
  RUN_DIR="$WORK/10k"
  rm -rf "$RUN_DIR"
  mkdir -p "$RUN_DIR"
  RUN_URL=
  if [ "$BACKEND" = postgres ]; then
    RUN_URL="$PG_SERVER/${PG_PREFIX}_10k"
    pg_admin "DROP DATABASE IF EXISTS ${PG_PREFIX}_10k WITH (FORCE)"
    pg_admin "CREATE DATABASE ${PG_PREFIX}_10k"
  fi
}

# The kept 1M database: generated once (the demo network plus BIG_N referrals across the
# network, --network-referrals), reused while it is complete; started once per run without
# its jobs, which applies any new migration to it and nothing else.
kept_1m() {
  local dir url count
  dir=$(big_dir)
  url=$(big_url)
  # The analytics benchmark's earlier database is this one under its old name.
  if [ "$BACKEND" = sqlite ] && [ ! -e "$dir" ] && [ -f target/bench-analytics-1m/handoff.db ] && [ "$BIG_N" = 1000000 ]; then
    echo "# target/bench-analytics-1m is kept from now on as $dir"
    mv target/bench-analytics-1m "$dir"
    date -u +%Y-%m-%dT%H:%MZ >"$dir/complete"
  fi
  count=$(big_count)
  if [ ! -f "$dir/complete" ] || [ "${count:-0}" -lt "$BIG_N" ]; then
    echo "# generating $BIG_N network referrals into $dir${url:+ and ${url##*/}} (once; later runs reuse it)"
    rm -rf "$dir"
    mkdir -p "$dir"
    [ -z "$url" ] || { pg_admin "DROP DATABASE IF EXISTS ${PG_PREFIX}_1m WITH (FORCE)"; pg_admin "CREATE DATABASE ${PG_PREFIX}_1m"; }
    local t0 t1
    t0=$(date +%s)
    start_server "$dir" "$url" --referrals 0 --network-referrals "$BIG_N" --no-jobs
    wait_up "${BENCH_GEN_TIMEOUT:-7200}"
    t1=$(date +%s)
    stop_server
    checkpoint "$dir/handoff.db"
    grep -h "network referrals in" "$LOG" | tail -1 | sed 's/^/# generator: /'
    count=$(big_count)
    echo "# generated: $count referrals; start to first answer $((t1 - t0)) s; $(du -sh "$dir" | cut -f1) in $dir${url:+, $(pg_admin "SELECT pg_size_pretty(pg_database_size('${PG_PREFIX}_1m'))") in ${url##*/}}"
    [ "${count:-0}" -ge "$BIG_N" ] || { echo "the generator wrote $count referrals, not $BIG_N" >&2; return 1; }
    echo "generated $(date -u +%Y-%m-%dT%H:%MZ), $count referrals" >"$dir/complete"
  else
    echo "# reusing the 1M database in $dir${url:+ and ${url##*/}} ($(cat "$dir/complete"))"
    start_server "$dir" "$url" --referrals 0 --no-jobs
    wait_up 600
    stop_server
    checkpoint "$dir/handoff.db"
  fi
}

big_dir() { if [ "$BACKEND" = sqlite ]; then echo "$BIG_DIR"; else echo "$BIG_DIR-pg"; fi; }
big_url() { [ "$BACKEND" = sqlite ] || echo "$PG_SERVER/${PG_PREFIX}_1m"; }

# Referrals in the kept database (empty if it does not exist).
big_count() {
  if [ "$BACKEND" = sqlite ]; then
    [ -f "$BIG_DIR/handoff.db" ] && sqlite3 -readonly "$BIG_DIR/handoff.db" 'SELECT count(*) FROM referrals' 2>/dev/null || true
  else
    [ "$(pg_admin "SELECT 1 FROM pg_database WHERE datname = '${PG_PREFIX}_1m'")" = 1 ] &&
      psql "$(big_url)" -Atc 'SELECT count(*) FROM referrals' 2>/dev/null || true
  fi
}

# The run's copy of the kept 1M database (and of its folder: keys, stored files).
copy_1m() {
  RUN_DIR="$WORK/1m"
  rm -rf "$RUN_DIR"
  cp -r --reflink=auto "$(big_dir)" "$RUN_DIR"
  RUN_URL=
  if [ "$BACKEND" = postgres ]; then
    RUN_URL="$PG_SERVER/${PG_PREFIX}_1m_run"
    pg_admin "DROP DATABASE IF EXISTS ${PG_PREFIX}_1m_run WITH (FORCE)"
    pg_admin "CREATE DATABASE ${PG_PREFIX}_1m_run TEMPLATE ${PG_PREFIX}_1m STRATEGY FILE_COPY"
  fi
}

# Drops the run's PostgreSQL databases (the kept one stays).
drop_run_dbs() {
  [ "$BACKEND" = postgres ] || return 0
  pg_admin "DROP DATABASE IF EXISTS ${PG_PREFIX}_10k WITH (FORCE)" || true
  pg_admin "DROP DATABASE IF EXISTS ${PG_PREFIX}_1m_run WITH (FORCE)" || true
}
