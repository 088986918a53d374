#!/usr/bin/env bash
# Ingest throughput of rapport beside the I/O floor (cat) and two mail indexers (mu, notmuch), in
# one run, on the same files, from a warm page cache. Prints a Markdown table for BENCHMARKS.md.
#
# Usage: bench/ingest_bench.sh [--sample-messages N] [--skip-indexers]
#   Data sets: the Enron mbox files of ../shared/corpus (skipped when ../shared is absent), the
#   same messages converted to a Maildir, and a synthetic organisation (rapport sample) of N
#   messages (default 200000) written both as mbox and as Maildir.
set -euo pipefail
cd "$(dirname "$0")/.."
sample_messages=200000
indexers=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sample-messages) sample_messages="$2"; shift 2 ;;
    --skip-indexers) indexers=0; shift ;;
    *) echo "usage: bench/ingest_bench.sh [--sample-messages N] [--skip-indexers]" >&2; exit 2 ;;
  esac
done

scripts/install-deps.sh --bench
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAPPORT_TESTS=OFF >/dev/null
cmake --build build/release --target rapport >/dev/null
rapport=$PWD/build/release/rapport
work=$(mktemp -d "${TMPDIR:-/tmp}/rapport-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# time_cmd LABEL MESSAGES BYTES CMD...: runs CMD once under /usr/bin/time and prints a table row.
time_cmd() {
  local label=$1 messages=$2 bytes=$3; shift 3
  # bash -c so that the exported shell functions below can be timed like commands.
  /usr/bin/time -o "$work/time.txt" -f "%e %U %S %M" bash -c '"$@"' _ "$@" >/dev/null 2>&1
  local wall user sys rss
  read -r wall user sys rss <"$work/time.txt"
  awk -v l="$label" -v m="$messages" -v b="$bytes" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" \
    'BEGIN { cpu = u + s; if (w < 0.005) w = 0.005; if (cpu < 0.005) cpu = 0.005;
             printf "| %s | %.2f | %.2f | %.0f | %.0f | %.1f | %.0f |\n",
                    l, w, cpu, m / w, m / cpu, b / w / 1e6, r / 1024 }'
}

warm() { find "$@" -type f -exec cat {} + >/dev/null; }
bytes_of() { find "$@" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
files_of() { find "$@" -type f | wc -l; }

rapport_ingest() {  # rapport_ingest DB PATH...: a fresh store, then one ingest
  local db=$1; shift
  rm -f "$db" "$db"-wal "$db"-shm
  "$rapport" --db "$db" init --tenant Bench --domain "$domain" --admin a@"$domain" >/dev/null
  "$rapport" --db "$db" consent grant identifiable --by a@"$domain" >/dev/null
  "$rapport" --db "$db" ingest --no-train "$@"
}

mu_index() {  # mu_index MAILDIR
  rm -rf "$work/mu"
  mu init --muhome="$work/mu" --maildir="$1" >/dev/null
  mu index --muhome="$work/mu" --quiet
}

notmuch_new() {  # notmuch_new MAILDIR
  rm -rf "$1/.notmuch"
  printf '[database]\npath=%s\n[new]\ntags=inbox;\n[user]\nname=bench\nprimary_email=b@example.com\n' \
    "$1" >"$work/notmuch-config"
  NOTMUCH_CONFIG="$work/notmuch-config" notmuch new --quiet
}

bench_set() {  # bench_set NAME MESSAGES KIND PATH
  local name=$1 messages=$2 kind=$3 path=$4
  local bytes; bytes=$(bytes_of "$path")
  echo
  echo "### $name: $messages messages, $(files_of "$path") files, $((bytes / 1000000)) MB ($kind)"
  echo
  echo "| tool | wall s | CPU s | messages/s (wall) | messages/s per CPU-second | MB/s | max RSS MB |"
  echo "|---|---|---|---|---|---|---|"
  warm "$path"
  time_cmd "cat (I/O floor)" "$messages" "$bytes" find "$path" -type f -exec cat {} +
  time_cmd "rapport ingest" "$messages" "$bytes" rapport_ingest "$work/r.db" "$path"
  time_cmd "rapport ingest (again, unchanged files)" "$messages" "$bytes" \
    "$rapport" --db "$work/r.db" ingest --no-train "$path"
  time_cmd "rapport ingest --rescan (all duplicates)" "$messages" "$bytes" \
    "$rapport" --db "$work/r.db" ingest --no-train --rescan "$path"
  if [[ $kind == maildir && $indexers == 1 ]]; then
    time_cmd "mu index ($(mu --version | head -n1 | awk '{print $NF}'))" "$messages" "$bytes" \
      mu_index "$path"
    time_cmd "notmuch new ($(notmuch --version | awk '{print $2}'))" "$messages" "$bytes" \
      notmuch_new "$path"
    rm -rf "$path/.notmuch"
  fi
}

export -f rapport_ingest mu_index notmuch_new
export rapport work domain

echo "## Ingest throughput — $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m)"
echo
echo "Command: \`bench/ingest_bench.sh --sample-messages $sample_messages\`"

enron=../shared/corpus/jpvance123_Amdocs_ML_Email_Analytics/MailDir_to_MBOX/enron
if [[ -d $enron ]]; then
  domain=enron.com
  n=$(rapport_ingest "$work/count.db" --json "$enron" | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["messages"]["read"])')
  bench_set "Enron (../shared), mbox" "$n" mbox "$enron"
  # The same messages as a Maildir, one file per message, as mu and notmuch need.
  python3 - "$enron" "$work/enron-maildir" <<'PY'
import mailbox, os, sys
src, dst = sys.argv[1], sys.argv[2]
md = mailbox.Maildir(dst, create=True)
for name in sorted(os.listdir(src)):
    for msg in mailbox.mbox(os.path.join(src, name), create=False):
        md.add(mailbox.MaildirMessage(msg))
PY
  bench_set "Enron (../shared), Maildir" "$(files_of "$work/enron-maildir")" maildir \
    "$work/enron-maildir"
else
  echo
  echo "(../shared absent: Enron sets skipped)"
fi

domain=northwind.example
"$rapport" sample --out "$work/sample-mbox" --messages "$sample_messages" --layout mbox >/dev/null
bench_set "Sample organisation, mbox" "$sample_messages" mbox "$work/sample-mbox"
rm -rf "$work/sample-mbox"
"$rapport" sample --out "$work/sample-maildir" --messages "$sample_messages" >/dev/null
bench_set "Sample organisation, Maildir" "$sample_messages" maildir "$work/sample-maildir"
