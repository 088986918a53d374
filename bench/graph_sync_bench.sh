#!/usr/bin/env bash
# Graph sync (issue 17): rapport sync of 4 mailboxes (8 folders, MESSAGES messages in all) from the
# Graph emulator (tests/graph_emulator.py) on loopback, once without faults and once with one
# request in 17 throttled (429, Retry-After: 0); both stores must hold the same mail.
# The emulator is a single Python process on the same 2 cores, so its time is inside the figure.
#
# LATENCY_MS adds that much to every Graph request, as a real network and service do (Graph's
# pages take hundreds of ms): then reading mailboxes at once is what the figure shows.
#
# Usage: [MESSAGES=20000] [LATENCY_MS=0] [BUILD_DIR=build/release] bench/graph_sync_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build/release}
messages=${MESSAGES:-20000}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAPPORT_TESTS=OFF >/dev/null
cmake --build "$build" --target rapport >/dev/null
rapport=$PWD/$build/rapport
dir=$(mktemp -d)
trap 'kill $emulator 2>/dev/null || true; rm -rf "$dir"' EXIT
python3 - "$messages" >"$dir/boxes.json" <<'PY'
import json, sys
n = int(sys.argv[1])
users = []
for u in range(4):
    folders = []
    for f in range(2):
        msgs = []
        for i in range(u * 2 + f, n, 8):
            msgs.append({"@odata.type": "#microsoft.graph.message", "id": f"AAMk-{i}",
                         "internetMessageId": f"<m{i}@contoso.example>",
                         "sentDateTime": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T10:{i % 60:02d}:00Z",
                         "subject": f"s{i}",
                         "from": {"emailAddress": {"address": f"user{u}@contoso.example"}},
                         "toRecipients": [{"emailAddress": {"address": f"c{i % 500}@acct{i % 50}.example"}}],
                         "ccRecipients": [{"emailAddress": {"address": f"user{(u + 1) % 4}@contoso.example"}}]})
        folders.append({"id": f"f{u}{f}", "displayName": ["Inbox", "Sent Items"][f], "messages": msgs})
    users.append({"id": f"u{u}", "mail": f"user{u}@contoso.example", "folders": folders})
print(json.dumps({"tenant": "t1", "client_id": "app", "secret": "s", "users": users}))
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 tests/graph_emulator.py --port "$port" --mailboxes "$dir/boxes.json" >/dev/null &
emulator=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
echo s >"$dir/secret"
run() {  # run DB THROTTLE
  "$rapport" --db "$1" init --tenant C --domain contoso.example --admin it@contoso.example >/dev/null
  "$rapport" --db "$1" consent grant identifiable --by it@contoso.example >/dev/null
  "$rapport" --db "$1" connect graph m365 --tenant t1 --client-id app --client-secret-file "$dir/secret" \
    --authority "http://127.0.0.1:$port" --graph-url "http://127.0.0.1:$port" ${CONNECT_EXTRA:-} >/dev/null
  curl -s -X POST -d "{\"throttle_every\": $2, \"latency_ms\": ${LATENCY_MS:-0}}" \
    "http://127.0.0.1:$port/_control" >/dev/null
  local start end
  start=$(date +%s.%N)
  "$rapport" --db "$1" sync --json >"$1.json"
  end=$(date +%s.%N)
  python3 - "$1.json" "$start" "$end" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["sources"][0]
secs = float(sys.argv[3]) - float(sys.argv[2])
label = "no faults" if sys.argv[4] == "0" else f"1 request in {sys.argv[4]} throttled"
print(f"| {label} | {s['messages_read']:,} | {secs:.2f} s | {s['messages_read'] / secs:,.0f}/s | {s['pages']} | {s['retries']} |")
PY
}
echo "| run | messages | wall | rate | pages | retries |"
echo "|---|---|---|---|---|---|"
run "$dir/calm.db" 0
run "$dir/throttled.db" 17
dump() { sqlite3 "$1" "select message_id, hex(fingerprint) from message order by 1; select count(*) from participant; select count(*) from message_copy" | sha256sum | cut -c1-16; }
echo "store digests: no faults $(dump "$dir/calm.db"), throttled $(dump "$dir/throttled.db")"
