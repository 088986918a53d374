#!/usr/bin/env bash
# Account engagement release time (issue 7): a monthly release for a whole year over the
# organisation bench/insights_bench.sh generates (10,000 users, 5 million messages), timed with
# /usr/bin/time -v. Each fresh run first empties the budget ledger, so that the release is
# computed rather than returned as stored; then the same request once more, stored. Prints
# Markdown for BENCHMARKS.md.
#
# Usage: [BENCH_DIR=/tmp/rapport-insights-bench] [BUILD_DIR=build/release] [RUNS=5] \
#        bench/engagement_bench.sh
#   Needs the store bench/insights_bench.sh leaves in BENCH_DIR/bench.db (run that first). This
#   script changes it: it migrates it, writes releases and empties its budget ledger.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-/tmp/rapport-insights-bench}
build=${BUILD_DIR:-build/release}
runs=${RUNS:-5}
db=$dir/bench.db
if [[ ! -f $db ]]; then
  echo "engagement_bench.sh: no $db: run bench/insights_bench.sh first" >&2
  exit 1
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target rapport >/dev/null
rapport=$PWD/$build/rapport
admin=$(sqlite3 "$db" "SELECT address FROM tenant_admin LIMIT 1")
export RAPPORT_DB=$db
request=(enrichment --as "$admin" --period month --from 2025-07-01 --to 2026-07-01
  --as-of 2026-06-28)

measure() {  # measure LABEL: one timed release, its wall time and max RSS as a table row
  /usr/bin/time -v -o "$dir/engagement.time" "$rapport" "${request[@]}" >"$dir/engagement.csv" \
    2>"$dir/engagement.err" || { cat "$dir/engagement.err" >&2; exit 1; }
  awk -v l="$1" -v rows="$(($(wc -l <"$dir/engagement.csv") - 1))" -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /Maximum resident set size/ { r = $2 }
    END { printf "| %s | %.2f | %.0f | %d |\n", l, w, r / 1024, rows }' "$dir/engagement.time"
}

echo "| run | wall s | max RSS MB | rows released |"
echo "|---|---|---|---|"
for i in $(seq "$runs"); do
  sqlite3 "$db" "DELETE FROM privacy_charge; DELETE FROM privacy_release"
  measure "fresh release $i"
done
measure "the same request again (stored)"
