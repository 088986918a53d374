#!/usr/bin/env bash
# Runs a libFuzzer target briefly for ctest.
#
#   run_fuzzer.sh FUZZER SEED_DIR WORK_DIR [libFuzzer flags...] [-- READ_ONLY_DIR...]
#
# WORK_DIR is emptied and filled with a copy of SEED_DIR, then given to libFuzzer as the first
# corpus folder: libFuzzer writes new units (and drops reduced ones) only there. READ_ONLY_DIRs come
# after it, so they are read and never written. When one of them is missing the run is skipped
# with exit code 100 (ctest SKIP_RETURN_CODE). Any failure of the fuzzer exits 1.
set -euo pipefail

fuzzer=$1 seeds=$2 work=$3
shift 3
flags=()
while (($#)) && [[ $1 != -- ]]; do
  flags+=("$1")
  shift
done
(($#)) && shift  # the "--"
extra=("$@")

for dir in "${extra[@]}"; do
  if [[ ! -d $dir ]]; then
    echo "SKIP: $dir not found: the corpus fuzz run needs ../shared/corpus (present in CI)"
    exit 100
  fi
done

rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
cp -R "$seeds"/. "$work/corpus/"

status=0
"$fuzzer" "${flags[@]}" -artifact_prefix="$work/artifacts/" "$work/corpus" "${extra[@]}" || status=$?
if ((status != 0)); then
  echo "FAILED: $fuzzer exited with $status; the failing input is in $work/artifacts/"
  exit 1
fi
