#!/usr/bin/env bash
# Does ingest slow down as the store grows (issue 19)? Generates a sample organisation, then
# ingests its mailboxes into one store in CHUNKS equal groups of users, one `rapport ingest` per
# group, and reports each group's messages stored, wall time, rate and the store's size after it.
# A sample message has one copy (the sender's), so the groups hold disjoint messages. Release.
#
#   bench/ingest_growth.sh [MESSAGES=1000000] [USERS=2000] [CHUNKS=4]
#   BENCH_DIR (default: a temporary folder, removed at the end) keeps the files when set.
set -euo pipefail
cd "$(dirname "$0")/.."
messages=${1:-1000000}
users=${2:-2000}
chunks=${3:-4}
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAPPORT_TESTS=OFF >/dev/null
cmake --build build/release --target rapport >/dev/null
rapport=$PWD/build/release/rapport
if [[ -n ${BENCH_DIR:-} ]]; then
  dir=$BENCH_DIR
  mkdir -p "$dir"
else
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
fi
export RAPPORT_DB=$dir/growth.db
rm -f "$RAPPORT_DB" "$RAPPORT_DB".*
"$rapport" sample --out "$dir/org" --messages "$messages" --users "$users" --seed 3 >/dev/null
"$rapport" init --tenant Northwind --domain northwind.example --admin admin@northwind.example \
  >/dev/null
"$rapport" directory import "$dir/org/directory/users.json" >/dev/null
"$rapport" consent grant identifiable --by admin@northwind.example >/dev/null
mapfile -t boxes < <(find "$dir/org" -mindepth 1 -maxdepth 1 -type d -exec test -d '{}/cur' ';' \
  -print | sort)
per=$(((${#boxes[@]} + chunks - 1) / chunks))
echo "$messages messages, ${#boxes[@]} mailboxes, $chunks groups"
echo "| group | messages stored | wall (s) | messages/s | store after (MB) |"
echo "|---|---|---|---|---|"
for ((g = 0; g < chunks; g++)); do
  group=("${boxes[@]:g*per:per}")
  [[ ${#group[@]} -gt 0 ]] || break
  start=$(date +%s.%N)
  stored=$("$rapport" ingest --json --no-train "${group[@]}" 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["messages"]["stored"])')
  end=$(date +%s.%N)
  size=$(du -cm "$RAPPORT_DB"* | tail -1 | cut -f1)
  awk -v g=$((g + 1)) -v n="$stored" -v s="$start" -v e="$end" -v mb="$size" \
    'BEGIN { w = e - s; printf "| %d | %d | %.1f | %.0f | %d |\n", g, n, w, n / w, mb }'
done
