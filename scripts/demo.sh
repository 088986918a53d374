#!/usr/bin/env bash
# Installs what is missing, builds rapport, and runs its main job end to end on the embedded
# store: writes a synthetic sample organisation (mail with invitations as Maildir, calendars as
# .ics, one mailbox as a Microsoft Graph export with a delta, and the directory as Graph users
# and groups), ingests it all into demo/rapport.db (SQLite), de-duplicated, imports the
# directory and the CRM's account list, prints what the store now knows, and asks for insights:
# Who Knows Whom, relationship analytics, (once granted) personal insights, account engagement,
# and the same insights over the HTTP API (rapport serve).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAPPORT_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc)" --target rapport

rapport=build/release/rapport
rm -rf demo && mkdir -p demo
export RAPPORT_DB=demo/rapport.db
set -x
# 300 colleagues and 50 messages each a month: enough for account engagement to show real rows.
$rapport sample --out demo/org --users 300 --messages 180000 --seed 7
# users.json lists one user a line, the CEO (user 0, who has no manager) first, and a member's
# userPrincipalName is their address: the first one in the file is the CEO's. The CEO is the
# tenant's admin here.
ceo=$(grep -m1 '"userPrincipalName"' demo/org/directory/users.json |
  sed 's/.*"userPrincipalName":"\([^"]*\)".*/\1/')
$rapport init --tenant Northwind --domain northwind.example --admin "$ceo"
$rapport ingest demo/org || true   # refused: nothing is collected before consent is granted
$rapport directory import demo/org/directory/users.json
$rapport directory import demo/org/directory/groups.json
$rapport accounts import demo/org/directory/accounts.csv   # the CRM's account list
$rapport consent grant identifiable --by "$ceo" --terms-version 2026-11
$rapport consent grant aggregated --by "$ceo" --terms-version 2026-11
$rapport consent status
$rapport ingest demo/org
$rapport ingest demo/org   # again: incremental, nothing is stored twice
$rapport stats
$rapport people show "$ceo" --as "$ceo"
# Who Knows Whom: the external contact colleagues write to most, then the whole account (their
# company's domain).
contact=$(sqlite3 "$RAPPORT_DB" "SELECT a.address FROM participant t JOIN address a ON a.id = t.address
  JOIN person p ON p.id = a.person_id JOIN message m ON m.id = t.message
  JOIN address s ON s.id = m.sender_id JOIN person q ON q.id = s.person_id
  WHERE p.kind = 'external' AND a.is_role = 0 AND t.role > 0 AND q.kind = 'internal'
  GROUP BY a.id ORDER BY count(*) DESC, a.address LIMIT 1")
account=${contact#*@}
$rapport who-knows "$contact" --as "$ceo" --as-of 2026-06-28
$rapport who-knows "$account" --as "$ceo" --top 3 --as-of 2026-06-28
$rapport who-knows "$contact" --as guest@contoso.example || true   # not a user: denied, with the reason
$rapport relationship "$account" --as "$ceo"   # no --as-of: the sample ends in June 2026, so the answer is as of its last day with data
$rapport accounts overview --as "$ceo" --limit 10   # the accounts colleagues deal with: health, trend, last interaction
$rapport access check --as "$ceo" --insight personal --subject "$ceo"   # not granted: denied, with the reason
$rapport me --as "$ceo" --as-of 2026-06-28 || true   # the same denial, from the insight itself
$rapport consent grant personal --by "$ceo" --terms-version 2026-11
$rapport me --as "$ceo" --as-of 2026-06-28
# Account engagement, the Office Enrichment CSV, under differential privacy (docs/privacy.md):
# every calendar month of data has a lifetime budget (epsilon 4); a release says what it costs
# each month it reads before it runs (--dry-run), then charges it. The CRM's accounts get a row
# when their noisy colleague count reaches k. The same request again returns the stored release
# and spends nothing; a yearly view then fits in what the months have left. By default a release
# reads the twelve whole months before --as-of: here the sample's July 2025 to June 2026.
$rapport enrichment --as "$ceo" --period month --as-of 2026-07-01 --dry-run
$rapport enrichment --as "$ceo" --period month --as-of 2026-07-01 > demo/engagement.csv
head -6 demo/engagement.csv
$rapport enrichment --as "$ceo" --period month --as-of 2026-07-01 > /dev/null   # stored: free
$rapport enrichment --as "$ceo" --period year --from 2025-07-01 --to 2026-07-01 --as-of 2026-07-01 \
  --epsilon 2 > demo/engagement-year.csv
head -6 demo/engagement-year.csv
$rapport budget > demo/budget.txt
head -4 demo/budget.txt
# The same insights over HTTP (docs/server.md): a personal access token, rapport serve on a free
# loopback port, one Who Knows Whom request as the admin and one with no token, then SIGTERM.
# (The token stays out of this trace: tokens are never printed but once, to their owner.)
set +x
$rapport token create --user "$ceo" --json |
  python3 -c 'import json,sys; print("Authorization: Bearer " + json.load(sys.stdin)["token"])' \
  > demo/auth-header
set -x
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$rapport serve --listen "127.0.0.1:$port" &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
curl -s -H @demo/auth-header \
  "http://127.0.0.1:$port/v1/who-knows?target=$account&top=3&as_of=2026-06-28"
echo
curl -s "http://127.0.0.1:$port/v1/who-knows?target=$account"; echo   # 401
kill -TERM $server && wait $server
$rapport audit list   # every decision, hash-chained
$rapport audit anchor --out demo/audit.anchor   # its head, MACed, to keep outside the store
$rapport audit verify --anchor demo/audit.anchor   # a cut tail or a rewrite would fail here
$rapport consent history
$rapport consent verify
set +x
echo
echo "To browse the dashboard: $rapport --db $RAPPORT_DB serve, open http://127.0.0.1:8765/ and"
echo "sign in with a token from: $rapport --db $RAPPORT_DB token create --user $ceo"
