#!/usr/bin/env bash
# What people resolution costs: Enron ingest with identity evidence (X-From/X-To links, names)
# beside a baseline rapport without it, a no-op re-ingest (files unchanged: only people and
# account resolution run, over every address), and a directory import that re-attributes a
# sample organisation's mail without reading it. Prints a Markdown table for BENCHMARKS.md.
#
# Usage: bench/people_bench.sh [--baseline PATH_TO_OLDER_RAPPORT] [--sample-messages N]
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=""
sample_messages=200000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --baseline) baseline="$2"; shift 2 ;;
    --sample-messages) sample_messages="$2"; shift 2 ;;
    *) echo "usage: bench/people_bench.sh [--baseline RAPPORT] [--sample-messages N]" >&2; exit 2 ;;
  esac
done

scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAPPORT_TESTS=OFF >/dev/null
cmake --build build/release --target rapport >/dev/null
rapport=$PWD/build/release/rapport
work=$(mktemp -d "${TMPDIR:-/tmp}/rapport-people-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# row LABEL CMD...: runs CMD once under /usr/bin/time and prints wall, CPU and peak RSS.
row() {
  local label=$1; shift
  /usr/bin/time -o "$work/time.txt" -f "%e %U %S %M" "$@" >/dev/null 2>&1
  read -r wall user sys rss <"$work/time.txt"
  awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" \
    'BEGIN { printf "| %s | %.2f | %.2f | %.0f |\n", l, w, u + s, r / 1024 }'
}

fresh() {  # fresh BINARY DB DOMAIN
  rm -f "$2" "$2"-wal "$2"-shm
  # A baseline from before consent (issue 5) knows no --admin and needs no grant.
  if "$1" init --help 2>/dev/null | grep -q -- --admin; then
    "$1" --db "$2" init --tenant Bench --domain "$3" --admin a@"$3" >/dev/null
    "$1" --db "$2" consent grant identifiable --by a@"$3" >/dev/null
  else
    "$1" --db "$2" init --tenant Bench --domain "$3" --admin a@"$3" >/dev/null
  fi
}

echo "| step | wall s | CPU s | peak RSS MiB |"
echo "|---|---|---|---|"
enron=../shared/corpus/jpvance123_Amdocs_ML_Email_Analytics
if [[ -d $enron ]]; then
  find "$enron" -type f -exec cat {} + >/dev/null  # warm the page cache
  if [[ -n $baseline ]]; then
    fresh "$baseline" "$work/base.db" enron.com
    row "Enron ingest, baseline ($(basename "$(dirname "$baseline")"))" \
      "$baseline" --db "$work/base.db" ingest "$enron"
  fi
  fresh "$rapport" "$work/enron.db" enron.com
  row "Enron ingest (33,609 messages) with identity evidence" \
    "$rapport" --db "$work/enron.db" ingest "$enron"
  addresses=$(sqlite3 "$work/enron.db" "SELECT count(*) FROM address")
  row "Enron re-ingest, files unchanged: resolve $addresses addresses" \
    "$rapport" --db "$work/enron.db" ingest "$enron"
else
  echo "(../shared absent: Enron rows skipped)" >&2
fi

"$rapport" sample --out "$work/org" --messages "$sample_messages" --seed 7 >/dev/null
fresh "$rapport" "$work/org.db" northwind.example
row "sample organisation ingest ($sample_messages messages)" \
  "$rapport" --db "$work/org.db" ingest "$work/org"
row "directory import users.json (re-attributes stored mail)" \
  "$rapport" --db "$work/org.db" directory import "$work/org/directory/users.json"
row "directory import groups.json" \
  "$rapport" --db "$work/org.db" directory import "$work/org/directory/groups.json"
