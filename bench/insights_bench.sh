#!/usr/bin/env bash
# Insight latency on a generated organisation (issue 6): generates it, builds a store from it
# (timing both), runs bench/insights_bench.cc on the store (in-process p50/p99 per request) and
# times `rapport who-knows` end to end. Prints Markdown for BENCHMARKS.md.
#
# Usage: [USERS=10000] [MESSAGES=5000000] [BENCH_DIR=/tmp/rapport-insights-bench] \
#        [BUILD_DIR=build/release] [CLI_RUNS=50] bench/insights_bench.sh
#   The organisation and the store stay in BENCH_DIR and are reused by the next run with the same
#   USERS and MESSAGES (a run with others refuses: use another BENCH_DIR), so a rerun after a
#   change to the insights costs only the measurements (delete BENCH_DIR/store.done to rebuild
#   the store after a change to ingest). A 5M-message run needs ~5 GB of disk and ~15 minutes;
#   USERS=20000 MESSAGES=10000000 about twice that.
set -euo pipefail
cd "$(dirname "$0")/.."
users=${USERS:-10000}
messages=${MESSAGES:-5000000}
dir=${BENCH_DIR:-/tmp/rapport-insights-bench}
build=${BUILD_DIR:-build/release}
cli_runs=${CLI_RUNS:-50}
domain=northwind.example

scripts/install-deps.sh
if [[ ! -x /usr/bin/time ]]; then
  echo "insights_bench.sh: needs /usr/bin/time (apt-get install time)" >&2
  exit 1
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAPPORT_BENCH=ON >/dev/null
cmake --build "$build" --target rapport insights_bench >/dev/null
rapport=$PWD/$build/rapport
mkdir -p "$dir"
db=$dir/bench.db
params="users=$users messages=$messages seed=1"

# A step's result is complete when its stamp (written last) names these parameters; an
# unstamped result is what an interrupted run left, and is made again.
reusable() {  # reusable NAME: 0 when $dir/NAME.done holds $params
  [[ -f $dir/$1.done ]] || return 1
  [[ $(cat "$dir/$1.done") == "$params" ]] && return 0
  echo "insights_bench.sh: $dir holds $(cat "$dir/$1.done"), not $params;" \
    "set BENCH_DIR to another directory" >&2
  exit 1
}

timed() {  # timed NAME CMD...: runs CMD under /usr/bin/time -v, keeps its report in $dir/NAME.time
  /usr/bin/time -v -o "$dir/$1.time" "${@:2}" >"$dir/$1.log" 2>&1 ||
    { echo "insights_bench.sh: $1 failed, see $dir/$1.log" >&2; exit 1; }
}

row() {  # row LABEL NAME: a table row of wall time and max RSS from $dir/NAME.time
  awk -v l="$1" -F': ' '
    /Elapsed \(wall clock\)/ {  # h:mm:ss or m:ss.ss
      n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /Maximum resident set size/ { r = $2 }
    END { printf "| %s | %.1f | %.0f |\n", l, w, r / 1024 }' "$dir/$2.time"
}

# Every external person whose addresses are all personal, by id; every k-th of them, so the
# choice is deterministic and covers light and heavy contacts (as insights_bench.cc chooses).
contacts() {  # contacts N
  sqlite3 "$db" "SELECT min(a.address) FROM person p JOIN address a ON a.person_id = p.id
    WHERE p.kind = 'external' AND instr(a.address, '@') > 0
    GROUP BY p.id HAVING max(a.is_role) = 0 ORDER BY p.id" |
    awk -v n="$1" '{ a[NR] = $0 } END { k = int(NR / n); if (k < 1) k = 1;
      for (i = 1; i <= NR && c < n; i += k) { print a[i]; c++ } }'
}

if ! reusable org; then
  rm -rf "$dir/org" "$dir/store.done"
  timed generate "$rapport" sample --out "$dir/org" --users "$users" --messages "$messages" \
    --layout mbox --seed 1
  echo "$params" >"$dir/org.done"
fi
# The first user in the directory (the CEO) is the tenant admin.
admin=$(python3 -c 'import json, sys
print(next(u["userPrincipalName"] for u in json.load(open(sys.argv[1]))["value"]
           if u["userType"] == "Member"))' "$dir/org/directory/users.json")

if ! reusable store; then
  rm -f "$db" "$db-wal" "$db-shm" "$db.keys"
  "$rapport" --db "$db" init --tenant Bench --domain "$domain" --admin "$admin" >/dev/null
  for type in identifiable aggregated personal; do
    "$rapport" --db "$db" consent grant "$type" --by "$admin" >/dev/null
  done
  timed directory "$rapport" --db "$db" directory import "$dir/org/directory/users.json"
  "$rapport" --db "$db" directory import "$dir/org/directory/groups.json" >/dev/null
  # Meetings and the Graph export first (as one `ingest DIR` orders them), then the mbox parts in
  # groups of about a million messages, one `rapport ingest` each: the rate per million shows
  # whether ingest slows down as the store grows.
  : >"$dir/ingest_steps.txt"
  ingest_step() {  # ingest_step LABEL PATH...: one timed ingest, a line in ingest_steps.txt
    local n=$(($(wc -l <"$dir/ingest_steps.txt") + 1))
    /usr/bin/time -v -o "$dir/ingest-$n.time" "$rapport" --db "$db" ingest --json --no-train "${@:2}" \
      >"$dir/ingest-$n.json" 2>"$dir/ingest-$n.log" ||
      { echo "insights_bench.sh: ingest of $1 failed, see $dir/ingest-$n.log" >&2; exit 1; }
    python3 - "$1" "$dir/ingest-$n.json" "$dir/ingest-$n.time" "$(du -cb "$db"* | tail -1 | cut -f1)" \
      >>"$dir/ingest_steps.txt" <<'PY'
import json, sys
label, summary, timing, size = sys.argv[1:]
doc = json.load(open(summary))
stored = doc["messages"]["stored"]
tie_index = doc.get("stages", {}).get("tie_index_seconds", float("nan"))
wall = rss = 0
for line in open(timing):
    key, _, value = line.strip().rpartition(": ")
    if key == "Elapsed (wall clock) time (h:mm:ss or m:ss)":
        for part in value.split(":"):
            wall = wall * 60 + float(part)
    elif key == "Maximum resident set size (kbytes)":
        rss = int(value)
print(label.replace(" ", "_"), stored, wall, rss, size, tie_index)
PY
  }
  ingest_step "calendars and Graph export" "$dir/org/calendar" "$dir/org/graph"
  mapfile -t parts < <(find "$dir/org/mbox" -name '*.mbox' | sort)
  per_group=$(((${#parts[@]} * 1000000 + messages / 2) / messages))
  ((per_group >= 1)) || per_group=1
  for ((i = 0; i < ${#parts[@]}; i += per_group)); do
    ingest_step "mbox parts $((i + 1))-$((i + per_group < ${#parts[@]} ? i + per_group : ${#parts[@]}))" \
      "${parts[@]:i:per_group}"
  done
  # Who Knows Whom's ranker, once on the whole store (the steps above skip it, so that their
  # rates stay comparable with earlier runs): what an ingest that finds it stale adds.
  timed train "$rapport" --db "$db" train
  sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  echo "$params" >"$dir/store.done"
fi

RAPPORT_BENCH_DB=$db "$build/bench/insights_bench" --benchmark_out="$dir/insights_bench.json" \
  --benchmark_out_format=json >"$dir/insights_bench.txt" 2>&1 ||
  { cat "$dir/insights_bench.txt" >&2; exit 1; }

# End to end: the CLI as a user runs it (process start, store open, request, JSON out).
: >"$dir/cli_ms.txt"
mapfile -t cli_contacts < <(contacts "$cli_runs")
for contact in "${cli_contacts[@]}"; do
  start=$EPOCHREALTIME
  "$rapport" --db "$db" who-knows "$contact" --as "$admin" --json >/dev/null </dev/null
  end=$EPOCHREALTIME
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", (e - s) * 1000 }' >>"$dir/cli_ms.txt"
done

q() { sqlite3 "$db" "$1"; }
people() {  # people KIND-CONDITION: people of that kind with a personal (non-role) address
  q "SELECT count(*) FROM person p WHERE $1 AND EXISTS
     (SELECT 1 FROM address a WHERE a.person_id = p.id AND a.is_role = 0)"
}
echo "## Insights (issue 6) — $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m)"
echo
echo "Command: \`USERS=$users MESSAGES=$messages bench/insights_bench.sh\` (work dir $dir)"
echo
echo "Organisation: $(people "kind = 'internal'") internal and" \
  "$(people "kind <> 'internal'") external people (guests included; role addresses left out)," \
  "$(q "SELECT count(*) FROM account") accounts; store: $(q "SELECT count(*) FROM message")" \
  "messages, $(q "SELECT count(*) FROM meeting") meeting occurrences," \
  "$(du -m "$db" | cut -f1) MB ($(du -sm "$dir/org" | cut -f1) MB of generated files)."
echo
echo "| step | wall s | max RSS MiB |"
echo "|---|---|---|"
row "rapport sample (generate)" generate
row "rapport directory import users.json" directory
[[ -f $dir/ingest_steps.txt ]] || { echo "$dir has no ingest_steps.txt (a store from an older" \
  "script): delete $dir/store.done to rebuild it" >&2; exit 1; }
awk '{ w += $3; if ($4 > r) r = $4 } END {
  printf "| rapport ingest (calendars, Graph export, mbox; %d runs) | %.1f | %.0f |\n", NR, w, r / 1024 }' \
  "$dir/ingest_steps.txt"
[[ -f $dir/train.time ]] && row "rapport train (Who Knows Whom's ranker, whole store)" train
echo
echo "Ingest, one \`rapport ingest\` per step into the same store (the rate per million messages):"
echo
echo "| step | messages stored | wall s | of which tie index s | messages/s | max RSS MiB |" \
  "store after (MB) | bytes/message |"
echo "|---|---|---|---|---|---|---|---|"
awk '{ total += $2; label = $1; gsub("_", " ", label)
  printf "| %s | %d | %.1f | %.1f | %.0f | %.0f | %.0f | %.0f |\n", label, $2, $3, $6, $2 / $3,
    $4 / 1024, $5 / 1e6, $5 / total }' "$dir/ingest_steps.txt"
echo
echo "| request | calls | p50 ms | p99 ms | max ms |"
echo "|---|---|---|---|---|"
python3 - "$dir/insights_bench.json" <<'PY'
import json, sys
labels = {"BM_WhoKnowsWhomContact": "Who Knows Whom, contact (in-process)",
          "BM_WhoKnowsWhomAccount": "Who Knows Whom, account (in-process)",
          "BM_RelationshipAccount": "Relationship analytics, account (in-process)",
          "BM_Me": "Personal insights, `me` (in-process)"}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    name = b["name"].split("/")[0]
    if "error_message" in b:
        print(f"| {labels.get(name, name)} | skipped: {b['error_message']} | | | |")
        continue
    print(f"| {labels.get(name, name)} | {b['calls']:.0f} | {b['p50_us'] / 1000:.2f} | "
          f"{b['p99_us'] / 1000:.2f} | {b['max_us'] / 1000:.2f} |")
PY
sort -n "$dir/cli_ms.txt" | awk '{ v[NR] = $1 } END {
  r50 = int((NR * 50 + 99) / 100); r99 = int((NR * 99 + 99) / 100);
  printf "| `rapport who-knows CONTACT --json` (end to end) | %d | %.1f | %.1f | %.1f |\n",
    NR, v[r50], v[r99], v[NR] }'
