#!/usr/bin/env bash
# The server's front before and after issue 15, same machine, same run, same store: wrk on Who
# Knows Whom (64 connections, 20 s) and /healthz (64 connections, 10 s) against each binary, then
# the slow-client attack (bench/slow_clients.py: 200 connections trickling a head, 200 a body,
# while one client sends Who Knows Whom and /healthz one after another) against each.
#
# Usage: BEFORE=path/to/old/rapport [AFTER=build/release/rapport] [BENCH_DIR=/tmp/rapport-front]
#        bench/front_bench.sh
# Build the old binary from a worktree of the commit before the new front, e.g.
#   git worktree add /tmp/before 7090f84 && cmake -S /tmp/before -B /tmp/before/build/release \
#     -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAPPORT_TESTS=OFF && cmake --build /tmp/before/build/release --target rapport
set -euo pipefail
cd "$(dirname "$0")/.."
before=${BEFORE:?BEFORE=path to the rapport binary to compare with}
after=${AFTER:-$PWD/build/release/rapport}
dir=${BENCH_DIR:-/tmp/rapport-front}
scripts/install-deps.sh --bench

rm -rf "$dir" && mkdir -p "$dir"
rapport=$after
source bench/sample_tenant.sh
cat > "$dir/healthz.lua" <<LUA
wrk.path = "/healthz"
LUA

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

run() {  # name binary slow_requests
  local name=$1 binary=$2 slow_requests=$3 port
  port=$(free_port)
  $binary serve --listen "127.0.0.1:$port" --rate-limit 0 --threads 8 --quiet 2>"$dir/$name.log" &
  local server=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  echo "== $name: wrk -t2 -c64 -d20s Who Knows Whom"
  WKW_TOKEN=$token WKW_TARGETS=$dir/targets wrk -t2 -c64 -d20s --timeout 10s --latency \
    -s bench/wkw_load.lua "http://127.0.0.1:$port" |
    grep -E 'Latency |50%|99%|requests in|Non-2xx|errors|Requests/sec'
  echo "== $name: wrk -t2 -c64 -d10s /healthz"
  wrk -t2 -c64 -d10s --timeout 10s --latency -s "$dir/healthz.lua" "http://127.0.0.1:$port" |
    grep -E 'Latency |50%|99%|requests in|Non-2xx|errors|Requests/sec'
  echo "== $name: slow clients"
  timeout 600 python3 bench/slow_clients.py "$port" "$token" "$dir/targets" 200 200 \
    "$slow_requests" || echo "(slow-client run ended: $?)"
  kill -TERM $server 2>/dev/null || true
  wait $server 2>/dev/null || true
}

run before "$before" 10
run after "$after" 300
