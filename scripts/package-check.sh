#!/usr/bin/env bash
# Installs the Debian package with dpkg -i, checks it as an operator would (rapport --version,
# config check on the shipped configuration, a store made and served as the user rapport,
# systemd-analyze verify on the units), then removes and purges it and checks that no file it
# brought or made is left outside /var/lib/rapport (the organisation's data, kept by design).
# Needs root (sudo when not). Exit status 77: skipped, because rapport is installed here.
# Usage: scripts/package-check.sh build/release/rapport_VERSION_ARCH.deb
set -euo pipefail
# What an operator sees: not the settings of the test run that calls this (test.sh points
# RAPPORT_CONFIG at /dev/null).
unset RAPPORT_CONFIG RAPPORT_DB RAPPORT_KEYS
deb=$(realpath "$1")
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
if dpkg-query -W -f='${Status}' rapport 2>/dev/null | grep -q "installed"; then
  echo "package-check: skipped: rapport is installed here, and the check installs and purges it" >&2
  exit 77
fi
work=$(mktemp -d)
trap '$sudo dpkg -P rapport >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

# Every path outside the data folder and dpkg's, apt's and the logs' own bookkeeping.
listing() {
  $sudo find /etc /usr /lib /opt /var -xdev \
    \( -path /var/lib/rapport -o -path /var/lib/dpkg -o -path /var/lib/apt -o -path /var/log \
       -o -path /var/cache -o -path /var/tmp -o -path /var/lib/systemd \) -prune -o -print | sort
}
listing >"$work/before"
step() { echo "package-check: $*"; }

step "dpkg -i $(basename "$deb")"
$sudo dpkg -i "$deb" >/dev/null
/usr/bin/rapport --version
test -f /usr/share/man/man1/rapport.1.gz
man -l /usr/share/man/man1/rapport.1.gz 2>/dev/null | grep -q "config check" ||
  zcat /usr/share/man/man1/rapport.1.gz | grep -q "config check"
[[ $(stat -c '%a %U %G' /etc/rapport/rapport.toml) == "640 root rapport" ]] ||
  { echo "package-check: /etc/rapport/rapport.toml is $(stat -c '%a %U %G' /etc/rapport/rapport.toml), not 640 root rapport" >&2; exit 1; }
[[ $(stat -c '%U' /var/lib/rapport) == rapport ]]

# setpriv execs the command (runuser would stand between it and a signal).
as_rapport() { $sudo setpriv --reuid=rapport --regid=rapport --init-groups -- "$@"; }
step "config check on the shipped configuration, as the user rapport"
as_rapport rapport config check
step "a store in /var/lib/rapport, served by the shipped configuration"
# Its own store beside any other (a machine may keep an earlier run's data, as purge does).
store=/var/lib/rapport/package-check-$$.db
as_rapport rapport --db "$store" init --tenant Package --domain example.com --admin it@example.com >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$sudo setpriv --reuid=rapport --regid=rapport --init-groups -- \
  rapport --db "$store" serve --listen "127.0.0.1:$port" 2>"$work/serve.log" &
serve_pid=$!
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$port/readyz"
echo
$sudo kill -TERM $serve_pid
wait $serve_pid || true
grep -q "stopped" "$work/serve.log" || { cat "$work/serve.log" >&2; exit 1; }

if command -v systemd-analyze >/dev/null; then
  step "systemd-analyze verify"
  $sudo systemd-analyze verify /lib/systemd/system/rapport-serve.service \
    /lib/systemd/system/rapport-sync.service
fi

step "dpkg -r"
$sudo dpkg -r rapport >/dev/null
test ! -e /usr/bin/rapport
test -f /etc/rapport/rapport.toml  # a removed package keeps its configuration until purged
step "dpkg -P"
$sudo dpkg -P rapport >/dev/null
test ! -e /etc/rapport
listing >"$work/after"
left=$(comm -13 "$work/before" "$work/after")
if [[ -n "$left" ]]; then
  echo "package-check: dpkg -P left these outside /var/lib/rapport:" >&2
  echo "$left" >&2
  exit 1
fi
test -f "$store"  # the data stays
$sudo rm -f "$store" "$store".keys "$store"-wal "$store"-shm
step "ok: installed, configured, served, removed and purged cleanly"
