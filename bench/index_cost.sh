#!/usr/bin/env bash
# What the message_sent index (migration 15: "data up to", the insights' default as-of) costs at
# ingest: the same files into a fresh store with the index, and with it dropped before the
# ingest, twice each, alternating. Release build.
#
#   bench/index_cost.sh FILES_OR_FOLDER INTERNAL_DOMAIN
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: bench/index_cost.sh FILES_OR_FOLDER INTERNAL_DOMAIN" >&2; exit 2; }
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAPPORT_TESTS=OFF >/dev/null
cmake --build build/release --target rapport >/dev/null
rapport=$PWD/build/release/rapport
for round in 1 2; do
  for variant in with without; do
    work=$(mktemp -d)
    export RAPPORT_DB=$work/s.db
    "$rapport" init --tenant T --domain "$2" --admin "admin@$2" >/dev/null
    "$rapport" consent grant identifiable --by "admin@$2" >/dev/null
    if [ "$variant" = without ]; then sqlite3 "$RAPPORT_DB" "DROP INDEX message_sent"; fi
    /usr/bin/time -f "$variant index, round $round: %e s wall, %U+%S s CPU, %M KB" \
      "$rapport" ingest --no-train "$1" >/dev/null
    rm -rf "$work"
  done
done
