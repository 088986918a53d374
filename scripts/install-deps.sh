#!/usr/bin/env bash
# Installs the Debian packages rapport needs to build, test and benchmark, skipping those present.
# Usage: scripts/install-deps.sh [--bench]   (--bench adds mu, notmuch, wrk, isync and hyperfine for the benchmarks)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache clang libclang-rt-14-dev
  libsqlite3-dev libgmime-3.0-dev libglib2.0-dev libical-dev libpff-dev libpsl-dev
  libidn2-dev libtomlplusplus-dev libcli11-dev libfmt-dev nlohmann-json3-dev
  libssl-dev libgtest-dev libgmock-dev libbenchmark-dev sqlite3 python3
  libcpp-httplib-dev libboost-dev openssl curl chromium dovecot-imapd adduser
  libpq-dev postgresql
)
if [[ "${1:-}" == "--bench" ]]; then packages+=(maildir-utils notmuch time wrk isync hyperfine); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
