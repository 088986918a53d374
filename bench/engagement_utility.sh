#!/usr/bin/env bash
# Account engagement utility (issue 16): releases at the default settings on sample organisations
# of 100, 1,000 and 3,000 users (monthly view; for 3,000 also the yearly view, timed) and on the
# shared Enron mail (yearly view; no CRM list, so partition selection), each against the true
# values, which bench/engagement_truth.py computes from the store -- inside the benchmark only,
# never by the product. Prints Markdown for BENCHMARKS.md.
#
# Usage: [BENCH_DIR=/tmp/rapport-engagement-utility] [BUILD_DIR=build/release]
#        [SIZES="100 1000 3000 enron"] [MESSAGES_PER_USER=600] [SEEDS=1] bench/engagement_utility.sh
#   MESSAGES_PER_USER: over the sample's 12 months (600 = 50 a month). Stores are cached per size
#   in BENCH_DIR; every release runs on a fresh copy, since releases spend each month's budget.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-/tmp/rapport-engagement-utility}
build=${BUILD_DIR:-build/release}
sizes=${SIZES:-100 1000 3000 enron}
per_user=${MESSAGES_PER_USER:-600}
seeds=${SEEDS:-1}
mkdir -p "$dir"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAPPORT_TESTS=OFF >/dev/null
cmake --build "$build" --target rapport >/dev/null
rapport=$PWD/$build/rapport
truth=$PWD/bench/engagement_truth.py

first_user() {  # the first userPrincipalName of a sample's directory: its CEO, made admin
  grep -m1 '"userPrincipalName"' "$1/directory/users.json" |
    sed 's/.*"userPrincipalName":"\([^"]*\)".*/\1/'
}

prepare_sample() {  # prepare_sample USERS: BENCH_DIR/uUSERS/pristine.db, ingested and listed
  local users=$1 at=$dir/u$1
  [[ -f $at/pristine.db ]] && return
  rm -rf "$at" && mkdir -p "$at"
  "$rapport" sample --out "$at/org" --users "$users" --messages $((users * per_user)) --seed 7 \
    >/dev/null
  local admin
  admin=$(first_user "$at/org")
  export RAPPORT_DB=$at/pristine.db
  "$rapport" init --tenant Northwind --domain northwind.example --admin "$admin" >/dev/null
  "$rapport" directory import "$at/org/directory/users.json" >/dev/null
  "$rapport" directory import "$at/org/directory/groups.json" >/dev/null
  "$rapport" consent grant identifiable --by "$admin" --terms-version 1 >/dev/null
  "$rapport" consent grant aggregated --by "$admin" --terms-version 1 >/dev/null
  "$rapport" ingest "$at/org" >/dev/null 2>&1
  "$rapport" accounts import "$at/org/directory/accounts.csv" >/dev/null
  echo "$admin" >"$at/admin"
  rm -rf "$at/org"  # the store is what the releases read
}

prepare_enron() {  # the shared Enron mbox, no directory and no CRM list: every account is a
  # company domain seen in mail, released only through partition selection
  local at=$dir/enron corpus
  [[ -f $at/pristine.db ]] && return
  corpus=$(cd .. && pwd)/shared/corpus/jpvance123_Amdocs_ML_Email_Analytics
  [[ -d $corpus ]] || { echo "engagement_utility.sh: no $corpus (../shared)" >&2; return 1; }
  rm -rf "$at" && mkdir -p "$at"
  export RAPPORT_DB=$at/pristine.db
  "$rapport" init --tenant Enron --domain enron.com --admin admin@enron.com >/dev/null
  "$rapport" consent grant identifiable --by admin@enron.com --terms-version 1 >/dev/null
  "$rapport" consent grant aggregated --by admin@enron.com --terms-version 1 >/dev/null
  "$rapport" ingest "$corpus" >/dev/null 2>&1
  echo admin@enron.com >"$at/admin"
}

release() {  # release NAME LEVEL AS_OF [FROM TO]: one fresh release, its row, its time
  local at=$dir/$1 level=$2 as_of=$3 seed
  for seed in $(seq "$seeds"); do
    cp "$at/pristine.db" "$at/run.db"
    [[ -f $at/pristine.db.keys ]] && cp "$at/pristine.db.keys" "$at/run.db.keys"
    sync  # the copy's write-back would otherwise run during the timed release
    local range=()
    [[ $# -ge 5 ]] && range=(--from "$4" --to "$5")
    RAPPORT_DB=$at/run.db /usr/bin/time -f "%e %M" -o "$at/time" "$rapport" enrichment \
      --as "$(cat "$at/admin")" --period "$level" --as-of "$as_of" "${range[@]}" --format json \
      >"$at/release.json" 2>"$at/release.err" || { cat "$at/release.err" >&2; return 1; }
    python3 "$truth" "$at/run.db" "$at/release.json" "$level" "$1 $level" 2>>"$at/errors.md"
    read -r wall rss <"$at/time"
    echo "  (release $wall s, max RSS $((rss / 1024)) MB)" >>"$at/timing.md"
  done
}

echo "| store, view | CRM account-periods ≥ 5 true colleagues (Enron: all accounts) | ≥ 10 | ≥ 20 | ≥ 50 | rows released | of ≥ 10 released | rows for < 2 colleagues |"
echo "|---|---|---|---|---|---|---|---|"
for size in $sizes; do
  if [[ $size == enron ]]; then
    prepare_enron || continue
    : >"$dir/enron/errors.md"
    : >"$dir/enron/timing.md"
    release enron year 2002-01-01 2000-01-01 2002-01-01
  else
    prepare_sample "$size"
    : >"$dir/u$size/errors.md"
    : >"$dir/u$size/timing.md"
    release "u$size" month 2026-07-01
    [[ $size == 3000 ]] && release "u$size" year 2026-07-01 2025-07-01 2026-07-01
  fi
done
echo
echo "Median / p90 relative error (%) of released rows against the truth, by true colleagues:"
echo
echo "| rows | E-mails to | E-mails from | Meetings to | Meetings from | Colleagues (mail) | Colleagues (meetings) | Their contacts (mail) | Their contacts (meetings) |"
echo "|---|---|---|---|---|---|---|---|---|"
for size in $sizes; do
  name=$([[ $size == enron ]] && echo enron || echo "u$size")
  [[ -f $dir/$name/errors.md ]] || continue
  echo "| **$name** | | | | | | | | |"
  cat "$dir/$name/errors.md"
done
echo
for size in $sizes; do
  name=$([[ $size == enron ]] && echo enron || echo "u$size")
  [[ -f $dir/$name/timing.md ]] && { echo "$name:"; cat "$dir/$name/timing.md"; }
done
