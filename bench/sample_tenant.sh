# Sourced by the server benchmarks: the demo's sample organisation (20,000 messages, seed 7) in
# $dir/bench.db, ingested by $rapport, with identifiable consent, its 20 busiest external
# contacts in $dir/targets, and a personal access token for its CEO (an admin) in $token.
# Needs: $rapport (the binary), $dir (an empty folder).
export RAPPORT_DB=$dir/bench.db
$rapport sample --out "$dir/org" --messages 20000 --seed 7 >/dev/null
ceo=$(grep -m1 '"userPrincipalName"' "$dir/org/directory/users.json" |
  sed 's/.*"userPrincipalName":"\([^"]*\)".*/\1/')
$rapport init --tenant Northwind --domain northwind.example --admin "$ceo" >/dev/null
$rapport directory import "$dir/org/directory/users.json" >/dev/null
$rapport directory import "$dir/org/directory/groups.json" >/dev/null
$rapport consent grant identifiable --by "$ceo" >/dev/null
$rapport ingest "$dir/org" >/dev/null 2>&1
sqlite3 "$RAPPORT_DB" "SELECT a.address FROM participant t JOIN address a ON a.id = t.address
  JOIN person p ON p.id = a.person_id WHERE p.kind = 'external' AND a.is_role = 0
  GROUP BY a.id ORDER BY count(*) DESC, a.address LIMIT 20" > "$dir/targets"
token=$($rapport token create --user "$ceo" --json |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
