#!/usr/bin/env bash
# Browser tests of the rapport dashboard: builds a fresh sample store the way scripts/demo.sh
# does, creates tokens for an admin, a member and a guest, starts `rapport serve` on a free
# loopback port, and runs dashboard.test.mjs (node --test, Chromium through playwright-core).
#
#   tests/browser/run.sh RAPPORT_BINARY
#
# It also starts a real OpenID provider (oidc_provider.mjs) and gives rapport serve single sign-on
# through it (sign_in.test.mjs). Screenshots and the server's log go to $RAPPORT_ARTIFACTS (default: the binary's folder's
# browser-artifacts). RAPPORT_WEB_ROOT=DIR serves the dashboard from DIR instead of the files
# embedded in the binary. Exits 77 (skipped) when node, /usr/bin/chromium or
# tests/browser/node_modules are missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
skip() {
  echo "browser tests skipped: $*"
  exit 77
}

if [ $# -ne 1 ]; then
  echo "usage: $0 RAPPORT_BINARY" >&2
  exit 2
fi
rapport=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$rapport" ] || { echo "run.sh: $1 is not an executable rapport binary" >&2; exit 2; }

command -v node >/dev/null 2>&1 || skip "node is not installed (apt-get install nodejs)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 18 ] || skip "node $node_major is too old; the tests need node 18 or newer"
[ -x /usr/bin/chromium ] || skip "/usr/bin/chromium is missing (apt-get install chromium)"
command -v openssl >/dev/null 2>&1 || skip "openssl is not installed (apt-get install openssl)"
[ -d "$here/node_modules/playwright-core" ] ||
  skip "tests/browser/node_modules is missing (run: npm ci --prefix tests/browser)"

artifacts=${RAPPORT_ARTIFACTS:-$(dirname "$rapport")/browser-artifacts}
mkdir -p "$artifacts"
artifacts=$(cd "$artifacts" && pwd)
rm -f "$artifacts"/*.png

work=$(mktemp -d "${TMPDIR:-/tmp}/rapport-browser.XXXXXX")
server_pid=""
provider_pid=""
cleanup() {
  for pid in "$server_pid" "$provider_pid"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

export RAPPORT_DB=$work/rapport.db
log=$artifacts/setup.log
: >"$log"
run() {
  if ! "$rapport" "$@" >>"$log" 2>&1; then
    echo "run.sh: rapport $* failed; see $log" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
}

# The sample organisation, as scripts/demo.sh builds it (its mail ends in June 2026, so the tests
# ask for insights as of 2026-06-28).
echo "building a sample store in $work"
run sample --out "$work/org" --messages 20000 --seed 7
ceo=$(grep -m1 '"userPrincipalName"' "$work/org/directory/users.json" |
  sed 's/.*"userPrincipalName":"\([^"]*\)".*/\1/')
run init --tenant Northwind --domain northwind.example --admin "$ceo"
"$rapport" ingest "$work/org" >>"$log" 2>&1 || true   # refused: no consent yet
run directory import "$work/org/directory/users.json"
run directory import "$work/org/directory/groups.json"
run consent grant identifiable --by "$ceo" --terms-version 2026-11
run consent grant aggregated --by "$ceo" --terms-version 2026-11
run consent grant personal --by "$ceo" --terms-version 2026-11
run ingest "$work/org"
run accounts import "$work/org/directory/accounts.csv"   # the CRM's list, as demo.sh does

# A member and a guest from the directory (role "member" and "guest"), then a token each.
"$rapport" directory list --json >"$work/directory.json"
pick() {
  node -e '
    const users = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const u = users.find((x) => x.role === process.argv[2] && x.in_directory !== false &&
                                x.address !== process.argv[3]);
    if (!u) process.exit(1);
    console.log(u.address);' "$work/directory.json" "$1" "$ceo"
}
member=$(pick member) || { echo "run.sh: the sample directory has no member" >&2; exit 1; }
guest=$(pick guest) || { echo "run.sh: the sample directory has no guest" >&2; exit 1; }
# The member's Entra object id (their Graph "id" in users.json): single sign-on finds them by it.
member_oid=$(node -e '
  const doc = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const users = Array.isArray(doc) ? doc : doc.value;
  const want = process.argv[2].toLowerCase();
  const u = users.find((x) => [x.mail, x.userPrincipalName].some((a) => (a || "").toLowerCase() === want));
  if (!u) process.exit(1);
  console.log(u.id);' "$work/org/directory/users.json" "$member") ||
  { echo "run.sh: the member is not in users.json" >&2; exit 1; }
token() {
  "$rapport" token create --user "$1" --json |
    node -e 'let s = ""; process.stdin.on("data", (d) => s += d).on("end", () =>
      console.log(JSON.parse(s).token))'
}
RAPPORT_ADMIN_TOKEN=$(token "$ceo")
RAPPORT_MEMBER_TOKEN=$(token "$member")
RAPPORT_GUEST_TOKEN=$(token "$guest")
# The target: the sample's busiest external contact's account, as demo.sh asks about.
RAPPORT_TARGET=coho-insurance.example

# The server, on a free loopback port (tried a few times, in case another process takes it).
free_port() {
  node -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
web_args=()
if [ -n "${RAPPORT_WEB_ROOT:-}" ]; then web_args=(--web-root "$RAPPORT_WEB_ROOT"); fi

# A real OpenID provider (oidc-provider from npm) over HTTPS, with a test CA made here: rapport's
# dashboard signs in through it.
certs=$work/certs
mkdir -p "$certs"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=rapport test CA" \
  -keyout "$certs/ca.key" -out "$certs/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$certs/leaf.key" \
  -out "$certs/leaf.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
  >"$certs/ext.cnf"
openssl x509 -req -in "$certs/leaf.csr" -CA "$certs/ca.pem" -CAkey "$certs/ca.key" \
  -CAcreateserial -days 2 -extfile "$certs/ext.cnf" -out "$certs/leaf.pem" 2>/dev/null
printf 'browser-test-secret\n' >"$work/oidc-secret"
provider_log=$artifacts/oidc-provider.log
start_provider() {  # $1: its port, $2: rapport's port
  node "$here/oidc_provider.mjs" "$1" "$certs/leaf.pem" "$certs/leaf.key" \
    "http://127.0.0.1:$2/auth/callback" rapport-dashboard browser-test-secret \
    >"$provider_log" 2>&1 &
  provider_pid=$!
  for _ in $(seq 1 100); do
    grep -q '^ready ' "$provider_log" 2>/dev/null && return 0
    kill -0 "$provider_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

server_log=$artifacts/server.log
url=""
for attempt in 1 2 3; do
  port=$(free_port)
  oidc_port=$(free_port)
  if ! start_provider "$oidc_port" "$port"; then
    kill "$provider_pid" 2>/dev/null || true
    continue
  fi
  "$rapport" --db "$RAPPORT_DB" serve --listen "127.0.0.1:$port" "${web_args[@]}" \
    --oidc-issuer "https://127.0.0.1:$oidc_port" --oidc-client-id rapport-dashboard \
    --oidc-client-secret-file "$work/oidc-secret" --oidc-ca-file "$certs/ca.pem" \
    >"$server_log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    if node -e 'fetch(process.argv[1]).then((r) => r.json()).then((j) =>
          process.exit(j.status === "ok" ? 0 : 1), () => process.exit(1))' \
        "http://127.0.0.1:$port/healthz" 2>/dev/null; then
      url=http://127.0.0.1:$port
      break
    fi
    sleep 0.1
  done
  [ -n "$url" ] && break
  kill "$server_pid" "$provider_pid" 2>/dev/null || true
  wait "$server_pid" "$provider_pid" 2>/dev/null || true
  server_pid=""
  provider_pid=""
done
if [ -z "$url" ]; then
  echo "run.sh: rapport serve did not answer /healthz; its log:" >&2
  cat "$server_log" >&2
  exit 1
fi
echo "rapport serve at $url (admin $ceo, member $member, guest $guest); screenshots in $artifacts"

export RAPPORT_URL=$url RAPPORT_ARTIFACTS=$artifacts RAPPORT_TARGET RAPPORT_BINARY=$rapport
export RAPPORT_ADMIN_TOKEN RAPPORT_MEMBER_TOKEN RAPPORT_GUEST_TOKEN
export RAPPORT_ADMIN=$ceo RAPPORT_MEMBER=$member RAPPORT_GUEST=$guest RAPPORT_MEMBER_OID=$member_oid
export RAPPORT_AS_OF=2026-06-28
status=0
export RAPPORT_OIDC_ISSUER=https://127.0.0.1:$oidc_port RAPPORT_OIDC_CA=$certs/ca.pem
(cd "$here" && node --test --test-concurrency=1 dashboard.test.mjs sign_in.test.mjs layout.test.mjs) || status=$?
exit $status
