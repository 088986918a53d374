#!/usr/bin/env bash
# Installs what is missing, builds rapport with clang under AddressSanitizer + UndefinedBehavior-
# Sanitizer (with the libFuzzer targets), and runs the whole test suite with ctest.
# Tests that need ../shared (the real corpus) skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# playwright-core for the dashboard's browser tests, at the version package-lock.json pins; it
# drives Debian's Chromium, so nothing else is downloaded.
npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error

export CC=clang CXX=clang++
cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRAPPORT_SANITIZE=ON -DRAPPORT_FUZZ=ON >/dev/null
cmake --build build/test -j "$(nproc)"

# The quick start's build (g++, -O3) too: g++ warns about things clang does not, and -Werror
# would otherwise first fail in front of a user running scripts/demo.sh.
unset CC CXX
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAPPORT_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc)" --target rapport rapport_man
# ... and its Debian package (scripts/package-check.sh installs and purges it: CI runs that).
(cd build/release && cpack -G DEB >/dev/null)

# The tests name their stores; a configuration installed on this machine must not reach them.
export RAPPORT_CONFIG=/dev/null
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
ctest --test-dir build/test --output-on-failure -j "$(nproc)"

# The Debian package built above, as an operator meets it: installed, used and purged
# (package-check.sh), then its services under a booted systemd in a container
# (package-systemd-check.sh). Each exits 77 where this machine cannot run it (rapport already
# installed here; no Debian mirror or container boot) and says why; that skips, anything else
# fails.
for check in scripts/package-check.sh scripts/package-systemd-check.sh; do
  status=0
  if [[ $check == scripts/package-check.sh ]]; then
    $check build/release/rapport_*_amd64.deb || status=$?
  else
    $check build/release || status=$?
  fi
  [[ $status -eq 0 || $status -eq 77 ]] || exit "$status"
done
