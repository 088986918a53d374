#!/usr/bin/env bash
# IMAP sync (issue 17): the shared Enron mail (258 folders, 33,609 messages) in one account of a
# local Dovecot, over TLS. Times, each with /usr/bin/time -v:
#   1. rapport ingest of the account's Maildir (the baseline: same messages, from files);
#   2. the first rapport sync of the account (header sections only);
#   3. a second rapport sync with nothing new (every folder checked);
#   4. mbsync (Debian isync) copying the whole account to a local Maildir, the way a user would
#      mirror a mailbox to read it with a local tool (whole messages).
# Prints Markdown for BENCHMARKS.md.
#
# Usage: [BENCH_DIR=/tmp/rapport-imap-bench] [BUILD_DIR=build/release] bench/imap_sync_bench.sh
# Needs dovecot-imapd, isync and time (scripts/install-deps.sh --bench) and ../shared/corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-/tmp/rapport-imap-bench}
build=${BUILD_DIR:-build/release}
enron=$(cd .. && pwd)/shared/corpus/jpvance123_Amdocs_ML_Email_Analytics/MailDir_to_MBOX/enron
[[ -d $enron ]] || { echo "imap_sync_bench: ../shared/corpus not found" >&2; exit 1; }
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAPPORT_TESTS=OFF >/dev/null
cmake --build "$build" --target rapport >/dev/null
rapport=$PWD/$build/rapport

rm -rf "$dir" && mkdir -p "$dir"/{run,state,home} && chmod 755 "$dir"
cd "$dir"
# The account: every Enron mbox file as a Maildir folder.
python3 - "$enron" "$dir/home/Maildir" <<'PY'
import mailbox, os, sys
src, dst = sys.argv[1], sys.argv[2]
md = mailbox.Maildir(dst, create=True)
n = 0
for name in sorted(os.listdir(src)):
    folder = md.add_folder(name[len("enron."):].replace(".", "_"))
    for m in mailbox.mbox(os.path.join(src, name)):
        folder.add(mailbox.MaildirMessage(m))
        n += 1
print(f"{n} messages in {len(md.list_folders())} folders", file=sys.stderr)
PY
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 \
  -subj "/CN=bench CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost\n' >ext.cnf
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt \
  -days 2 -extfile ext.cnf 2>/dev/null
if [[ $(id -u) -eq 0 ]]; then owner=dovecot; login=dovenull; else owner=$(id -un); login=$owner; fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "bench:{PLAIN}bench:$(id -u "$owner"):$(id -g "$owner")::$dir/home::" >passwd
echo bench >password
cat >dovecot.conf <<CONF
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <$dir/server.crt
ssl_key = <$dir/server.key
auth_mechanisms = plain login
default_internal_user = $owner
default_internal_group = $(id -gn "$owner")
default_login_user = $login
first_valid_uid = 1
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $port
    ssl = yes
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $dir/passwd
}
CONF
chown -R "$owner" home
/usr/sbin/dovecot -F -c "$dir/dovecot.conf" &
dovecot_pid=$!
trap 'kill $dovecot_pid 2>/dev/null; wait $dovecot_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done

measure() {  # measure LABEL COMMAND...: wall seconds and peak RSS into a table row
  local label=$1; shift
  /usr/bin/time -v "$@" >"$dir/out.txt" 2>"$dir/time.txt" || { cat "$dir/time.txt" >&2; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2,t,":"); s=0; for(i=1;i<=length(t);i++) s=s*60+t[i]; print s}' "$dir/time.txt")
  rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' "$dir/time.txt")
  printf '| %s | %.2f s | %s MiB |\n' "$label" "$wall" "$rss"
}

for db in ingest sync; do
  "$rapport" --db $db.db init --tenant Enron --domain enron.com --admin it@enron.com >/dev/null
  "$rapport" --db $db.db consent grant identifiable --by it@enron.com >/dev/null
done
"$rapport" --db sync.db connect imap enron --url "imaps://localhost:$port" --user bench \
  --password-file "$dir/password" --ca-file "$dir/ca.crt" >/dev/null
# Dovecot builds its indexes on first access; a warm-up LIST-STATUS pass (a separate store) does
# that for every client alike.
"$rapport" --db ingest.db connect imap warm --url "imaps://localhost:$port" --user bench \
  --password-file "$dir/password" --ca-file "$dir/ca.crt" >/dev/null
"$rapport" --db ingest.db connect test warm >/dev/null
cat >mbsyncrc <<RC
IMAPAccount bench
Host localhost
Port $port
User bench
PassCmd "cat $dir/password"
SSLType IMAPS
CertificateFile $dir/ca.crt

IMAPStore remote
Account bench

MaildirStore local
Path $dir/mirror/
Inbox $dir/mirror/INBOX
SubFolders Verbatim

Channel all
Far :remote:
Near :local:
Patterns *
Create Near
Sync Pull
SyncState *
RC
mkdir -p mirror

echo "| run | wall | peak RSS |"
echo "|---|---|---|"
measure "rapport ingest of the Maildir (33,609 files)" "$rapport" --db ingest.db ingest "$dir/home/Maildir"
measure "rapport sync, first (258 folders)" "$rapport" --db sync.db sync
grep -o '[0-9]* messages read: [0-9]* stored' "$dir/out.txt" >&2 || true
measure "rapport sync, nothing new" "$rapport" --db sync.db sync
measure "mbsync, whole account to a Maildir" mbsync -q -c "$dir/mbsyncrc" all
echo "messages: ingest $(sqlite3 ingest.db 'select count(*) from message'), sync $(sqlite3 sync.db 'select count(*) from message'); mirrored files: $(find mirror -type f -path '*/cur/*' -o -type f -path '*/new/*' | wc -l)" >&2
