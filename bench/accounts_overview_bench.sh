#!/usr/bin/env bash
# What the dashboard's home page costs: `rapport accounts overview` (every account at once) beside
# `rapport relationship` for the busiest account (one account), on the demo's sample organisation
# (MESSAGES messages, default 180,000 as scripts/demo.sh; seed 7), as the CEO, as of the data's
# last day, 60-day window. Five runs each, wall time and peak RSS from /usr/bin/time. Release.
#
#   bench/accounts_overview_bench.sh [MESSAGES]
set -euo pipefail
cd "$(dirname "$0")/.."
messages=${1:-180000}
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAPPORT_TESTS=OFF >/dev/null
cmake --build build/release --target rapport >/dev/null
rapport=$PWD/build/release/rapport
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export RAPPORT_DB=$dir/bench.db
"$rapport" sample --out "$dir/org" --messages "$messages" --seed 7 >/dev/null
ceo=$(grep -m1 '"userPrincipalName"' "$dir/org/directory/users.json" |
  sed 's/.*"userPrincipalName":"\([^"]*\)".*/\1/')
"$rapport" init --tenant Northwind --domain northwind.example --admin "$ceo" >/dev/null
"$rapport" directory import "$dir/org/directory/users.json" >/dev/null
"$rapport" directory import "$dir/org/directory/groups.json" >/dev/null
"$rapport" accounts import "$dir/org/directory/accounts.csv" >/dev/null
"$rapport" consent grant identifiable --by "$ceo" >/dev/null
"$rapport" ingest "$dir/org" >/dev/null 2>&1
accounts=$("$rapport" accounts overview --as "$ceo" --json |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"]); print(d["accounts"][0]["account"])')
total=$(echo "$accounts" | sed -n 1p)
busiest=$(echo "$accounts" | sed -n 2p)
echo "$messages messages, $total accounts in the overview; busiest: $busiest"
measure() {
  local label=$1
  shift
  for run in 1 2 3 4 5; do
    /usr/bin/time -f "%e %M" "$rapport" "$@" 2>&1 >/dev/null | tail -1
  done | sort -n | awk -v label="$label" 'NR == 3 {printf "%-36s median %.2f s, peak RSS %d MB\n", label, $1, $2 / 1024}'
}
measure "accounts overview ($total accounts)" accounts overview --as "$ceo" --json
measure "relationship (one account)" relationship "$busiest" --as "$ceo" --json
measure "who-knows (one account)" who-knows "$busiest" --as "$ceo" --json
