#!/usr/bin/env bash
# The package under a real systemd: boots a minimal Debian 12 (debootstrap, then systemd-nspawn,
# on machines where systemd is not PID 1, such as CI containers) and, inside it, installs the
# package, makes a store, enables and starts rapport-serve and rapport-sync with systemctl,
# checks /readyz, upgrades to the same build numbered VERSION+1 (the running services must
# restart), then removes and purges it. Needs root and network access to a Debian mirror the
# first time (it installs debootstrap and systemd-container; the tree is kept in ROOT).
# Exit status 77: this machine cannot do it (no mirror, or no booting a container here).
# Usage: [ROOT=/var/tmp/rapport-nspawn] scripts/package-systemd-check.sh build/release
set -euo pipefail
# What an operator sees: not the settings of the test run that calls this (test.sh points
# RAPPORT_CONFIG at /dev/null).
unset RAPPORT_CONFIG RAPPORT_DB RAPPORT_KEYS
cannot() { echo "package-systemd-check: skipped: $*" >&2; exit 77; }
build=$(realpath "$1")
root=${ROOT:-/var/tmp/rapport-nspawn}
deb=$(ls "$build"/rapport_*_amd64.deb | head -1)
version=$(dpkg-deb -f "$deb" Version)
next=${version%.*}.$((${version##*.} + 1))
step() { echo "package-systemd-check: $*"; }

if ! command -v debootstrap >/dev/null || ! command -v systemd-nspawn >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap systemd-container \
    >/dev/null || cannot "apt-get could not install debootstrap and systemd-container"
fi
deps=$(dpkg-deb -f "$deb" Depends | sed 's/([^)]*)//g; s/ //g')
# A tree kept from an earlier run may predate a new dependency (libpq5 came with the
# PostgreSQL store): add what is missing rather than debootstrap again.
if [[ -x $root/lib/systemd/systemd && $(cat "$root/.rapport-deps" 2>/dev/null) != "$deps" ]]; then
  step "add the package's dependencies to $root"
  missing=$(tr ',' ' ' <<<"$deps")
  { chroot "$root" apt-get update -qq &&
    chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing; } \
    >>"$root.log" 2>&1 || rm -rf "$root"  # then build it afresh below
fi
if [[ ! -x $root/lib/systemd/systemd ]]; then
  step "debootstrap Debian 12 into $root"
  rm -rf "$root"
  debootstrap --variant=minbase --include="systemd,systemd-sysv,dbus,curl,$deps" bookworm \
    "$root" http://deb.debian.org/debian >"$root.log" 2>&1 ||
    cannot "debootstrap failed (see $root.log)"
fi
echo "$deps" >"$root/.rapport-deps"
(cd "$build" && cpack -G DEB -D CPACK_PACKAGE_VERSION="$next" -B "$root/upgrade" >/dev/null)
rm -rf "$root/var/lib/rapport"  # an earlier run's store, if it stopped half-way
cp "$deb" "$root/rapport.deb"
cp "$root"/upgrade/rapport_"$next"_amd64.deb "$root/rapport-next.deb"

step "boot it"
# --register=no and --keep-unit: the host has no systemd to register the machine with.
systemd-nspawn -D "$root" -b --register=no --keep-unit --machine=rapport-check \
  --console=passive >"$root/boot.log" 2>&1 &
nspawn=$!
trap 'kill $nspawn 2>/dev/null || true' EXIT
leader=""
for _ in $(seq 100); do
  leader=$(pgrep -P $nspawn -x systemd || true)
  [[ -n $leader ]] && nsenter -t "$leader" -a systemctl is-system-running --wait >/dev/null 2>&1 &&
    break
  sleep 0.2
done
[[ -n $leader ]] || { cat "$root/boot.log" >&2; cannot "the container did not boot"; }
inside() { nsenter -t "$leader" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

inside dpkg -i /rapport.deb >/dev/null
inside runuser -u rapport -- rapport config check
inside runuser -u rapport -- rapport init --tenant Check --domain example.com --admin it@example.com
step "systemctl enable --now rapport-serve rapport-sync"
inside systemctl enable --now rapport-serve rapport-sync
for _ in $(seq 50); do inside curl -fsS http://127.0.0.1:8765/readyz >/dev/null 2>&1 && break; sleep 0.2; done
inside curl -fsS http://127.0.0.1:8765/readyz
echo
inside systemctl is-active rapport-serve rapport-sync
before=$(inside systemctl show -p MainPID --value rapport-serve)
step "upgrade to $next: the running services restart"
inside dpkg -i /rapport-next.deb >/dev/null
after=$(inside systemctl show -p MainPID --value rapport-serve)
[[ $before != "$after" && $after != 0 ]] || { echo "rapport-serve did not restart" >&2; exit 1; }
inside systemctl is-active rapport-serve
step "systemctl stop: a stop asked for leaves neither unit failed"
inside systemctl stop rapport-serve rapport-sync
if inside systemctl is-failed --quiet rapport-serve rapport-sync; then
  inside systemctl status rapport-serve rapport-sync --no-pager >&2 || true
  exit 1
fi
step "dpkg -r and -P: the services stop, the configuration goes, the store stays"
inside dpkg -r rapport >/dev/null
! inside systemctl is-active rapport-serve >/dev/null 2>&1
inside dpkg -P rapport >/dev/null
inside test ! -e /etc/rapport
inside test -f /var/lib/rapport/rapport.db
inside systemctl poweroff >/dev/null 2>&1 || true
wait $nspawn || true
trap - EXIT
step "ok: started, served, upgraded, stopped and purged under systemd"
