#!/usr/bin/env bash
# `rapport serve` on PostgreSQL (issue 21): Who Knows Whom throughput with wrk, side by side,
# on the sample organisation of bench/sample_tenant.sh (20,000 messages, seed 7):
#   1. one `serve` on the SQLite file (the baseline);
#   2. one `serve` on the same store migrated into PostgreSQL;
#   3. two `serve` processes on that one database, the load split between them;
#   4. one `serve` reading from a streaming standby (--db-read) made with pg_basebackup.
# Each run is CONNECTIONS connections (split evenly over the servers) for SECONDS_ seconds. A
# PostgreSQL 15 cluster is made in $BENCH_DIR with initdb and stopped at the end (as the
# `postgres` user when run as root). PG_OPTIONS adds server settings (-c name=value ...).
#
# Usage: [BENCH_DIR=/tmp/rapport-serve-pg] [BUILD_DIR=build/release] [SECONDS_=20] \
#        [CONNECTIONS=64] [THREADS=8] [PG_OPTIONS=...] bench/serve_postgres.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-/tmp/rapport-serve-pg}
build=${BUILD_DIR:-build/release}
duration=${SECONDS_:-20}
connections=${CONNECTIONS:-64}
threads=${THREADS:-8}
pg_options=${PG_OPTIONS:-}
scripts/install-deps.sh --bench
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAPPORT_TESTS=OFF >/dev/null
cmake --build "$build" --target rapport >/dev/null
rapport=$PWD/$build/rapport
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

rm -rf "$dir" && mkdir -p "$dir" && chmod 755 "$dir"
source bench/sample_tenant.sh
unset RAPPORT_DB

# The primary, and a standby of it.
mkdir -p "$dir/pg" && [ "$(id -u)" = 0 ] && chown postgres "$dir/pg"
primary_port=$(free_port)
as_pg "$pgbin/initdb" -D "$dir/pg/primary" -U rapport --auth=trust -E UTF8 --locale=C >/dev/null
as_pg "$pgbin/pg_ctl" -D "$dir/pg/primary" -l "$dir/pg/primary.log" -o \
  "-p $primary_port -k $dir/pg -c listen_addresses=127.0.0.1 $pg_options" start >/dev/null
servers=()
cleanup() {
  for s in "${servers[@]}"; do kill "$s" 2>/dev/null || true; done
  as_pg "$pgbin/pg_ctl" -D "$dir/pg/standby" -m fast stop >/dev/null 2>&1 || true
  as_pg "$pgbin/pg_ctl" -D "$dir/pg/primary" -m fast stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
until "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$primary_port"; do sleep 0.1; done
# rapport refuses the superuser (it bypasses row-level security): the store belongs to `app`.
"$pgbin/createuser" -h 127.0.0.1 -p "$primary_port" -U rapport app
"$pgbin/createdb" -h 127.0.0.1 -p "$primary_port" -U rapport -O app rapport
url="postgresql://app@127.0.0.1:$primary_port/rapport"
$rapport migrate --from "$dir/bench.db" --to "$url" >/dev/null
standby_port=$(free_port)
as_pg "$pgbin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U rapport -D "$dir/pg/standby" -R \
  -X stream -c fast
as_pg "$pgbin/pg_ctl" -D "$dir/pg/standby" -l "$dir/pg/standby.log" -o \
  "-p $standby_port -k $dir/pg -c listen_addresses=127.0.0.1 $pg_options" start >/dev/null
until "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$standby_port"; do sleep 0.1; done
standby="postgresql://app@127.0.0.1:$standby_port/rapport"

# Starts a server on the store named by its arguments; its port in $port.
start() {
  port=$(free_port)
  $rapport "$@" serve --listen "127.0.0.1:$port" --rate-limit 0 --threads "$threads" --quiet \
    2>> "$dir/serve.log" &
  servers+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  curl -sf -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/v1/who-knows?as_of=2026-06-28&top=5&target=$(head -1 "$dir/targets")" |
    grep -q '"colleagues":\[{' || { echo "no ranking from port $port"; exit 1; }
}
stop_all() {
  for s in "${servers[@]}"; do kill -TERM "$s"; wait "$s" || true; done
  servers=()
}
# Loads the servers on the given ports at once, connections split; prints the total req/s.
load() {
  local each=$((connections / $#)) outs=()
  for p in "$@"; do
    WKW_TOKEN=$token WKW_TARGETS=$dir/targets wrk -t1 "-c$each" "-d${duration}s" --timeout 10s \
      --latency -s bench/wkw_load.lua "http://127.0.0.1:$p" > "$dir/wrk.$p" &
    outs+=($!)
  done
  wait "${outs[@]}"
  for p in "$@"; do grep -E 'Requests/sec|50%|99%|Non-2xx|errors' "$dir/wrk.$p" | sed "s/^/  [$p] /"; done
  awk '/Requests\/sec/ {sum += $2} END {printf "  total: %.0f requests/s\n", sum}' \
    $(for p in "$@"; do echo "$dir/wrk.$p"; done)
}

keys=(--keys "$dir/bench.db.keys")
echo "== one serve, SQLite file ($threads threads, $connections connections, ${duration}s, $(nproc) cores)"
start --db "$dir/bench.db"; load "$port"; stop_all
echo "== one serve, PostgreSQL"
start --db "$url" "${keys[@]}"; load "$port"; stop_all
echo "== two serve, one PostgreSQL database"
start --db "$url" "${keys[@]}"; first=$port
start --db "$url" "${keys[@]}"; load "$first" "$port"; stop_all
echo "== one serve, PostgreSQL, reads from a standby (--db-read)"
port=$(free_port)
$rapport --db "$url" "${keys[@]}" serve --db-read "$standby" --listen "127.0.0.1:$port" \
  --rate-limit 0 --threads "$threads" --quiet 2>> "$dir/serve.log" &
servers+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
load "$port"; stop_all
