#!/usr/bin/env bash
# Ingest of the same mail into SQLite and into PostgreSQL (issue 21's first target: PostgreSQL
# at >= 50 % of SQLite's rate). Starts its own PostgreSQL 15 cluster in a temporary folder on a
# free loopback port (as the user postgres when run as root), stops it at the end.
#
# Usage: bench/postgres_ingest.sh [MAIL...]   (default: the shared Enron mbox files)
# Env:   RAPPORT (default build/release/rapport); DOMAIN, the tenant's (default enron.com);
#        RETENTION_DAYS: then set retention_days and time `purge --expired` on each store (what
#        the monthly partitions are for: PostgreSQL drops whole months, SQLite deletes rows)
#        e.g. a 1M-message sample: rapport sample --out S --messages 1000000 --users 2000 \
#             --seed 3 --layout mbox; DOMAIN=northwind.example bench/postgres_ingest.sh S
set -euo pipefail
cd "$(dirname "$0")/.."
rapport=${RAPPORT:-build/release/rapport}
domain=${DOMAIN:-enron.com}
mail=("$@")
if [[ ${#mail[@]} -eq 0 ]]; then
  mail=(../shared/corpus/jpvance123_Amdocs_ML_Email_Analytics/MailDir_to_MBOX/enron)
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d /tmp/rapport-pg-bench.XXXXXX)
as=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres "$work"
  as=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as[@]}" "$bin/initdb" -D "$work/data" -U rapport --auth=trust -E UTF8 --locale=C >/dev/null
# Durable settings, as a deployment keeps them (the tests' server turns fsync off; this does not).
"${as[@]}" "$bin/postgres" -D "$work/data" -p "$port" -k "$work" -c listen_addresses=127.0.0.1 ${PG_OPTIONS:-} \
  >"$work/log" 2>&1 &
trap '"${as[@]}" "$bin/pg_ctl" -D "$work/data" -m fast stop >/dev/null; rm -rf "$work"' EXIT
until "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; do sleep 0.1; done
# rapport refuses the superuser (it bypasses row-level security): the store belongs to `app`.
psql -q "postgresql://rapport@127.0.0.1:$port/postgres" -c "CREATE ROLE app LOGIN" \
  -c "CREATE DATABASE bench OWNER app"

export RAPPORT_CONFIG=/dev/null
run() {  # run NAME FLAGS...: init, consent, then the timed ingest
  local name=$1
  shift
  "$rapport" "$@" init --tenant Bench --domain "$domain" --admin "admin@$domain" >/dev/null
  "$rapport" "$@" consent grant identifiable --by "admin@$domain" >/dev/null
  /usr/bin/time -f "$name: %e s wall, %U s user, %S s system, %M KB max RSS" \
    "$rapport" "$@" ingest --no-train "${mail[@]}" | grep -E "^(stored|messages read)"
  [[ -n ${RETENTION_DAYS:-} ]] || return 0
  "$rapport" "$@" settings set retention_days "$RETENTION_DAYS" --by "admin@$domain" >/dev/null
  /usr/bin/time -f "$name purge: %e s wall, %U s user, %S s system, %M KB max RSS" \
    "$rapport" "$@" purge --expired
  "$rapport" "$@" stats | grep -E "^messages"
}
run sqlite --db "$work/store.db"
run postgres --db "postgresql://app@127.0.0.1:$port/bench" --keys "$work/pg.keys"
