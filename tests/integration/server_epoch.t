#!/usr/bin/env bash
# The server epoch (docs/protocol.md, "Server epoch"): identity and
# generation in the answers, the FILE.epoch sidecar that notices a restore,
# --restored, the bases of GET /v1/epoch, and the long-poll of a client at
# another epoch.
. "$(dirname "$0")/server_lib.sh"

DB=$T_TMP/server.db
# The restore below copies the file and is noticed through FILE.epoch, which
# only a SQLite file has: this part keeps SQLite on a PostgreSQL run
# (server_pg.t restores a PostgreSQL database, with --restored).
export T_SQLITE=1
start_server -d "$DB" || exit 1
call GET /v1/health
ID=$(jx "$OUT" '$d->{epoch}{server}')
like "$ID" '^[0-9a-f]{32}$' "health carries the identity: 32 lowercase hex digits"
is "$(jx "$OUT" '$d->{epoch}{generation}')" 1 "and generation 1 for a new database"
A=$(new_user alice)
B=$(new_user bob)
call POST /v1/conversations '{"title":"t","members":["bob"]}' "$A"; CONV=$(jx "$OUT" '$d->{id}')
for i in 1 2 3; do
	call POST "/v1/conversations/$CONV/messages" "{\"client_id\":\"b$i\",\"body\":\"$i\"}" "$B"
done
call GET "/v1/changes?since=0" "" "$A"
is "$(jx "$OUT" '$d->{epoch}{server}.":".$d->{epoch}{generation}')" "$ID:1" "changes carries it"
call POST /v1/sync "{\"have\":{},\"conversations\":[\"$CONV\"]}" "$A"
is "$(jx "$OUT" '$d->{epoch}{generation}')" 1 "sync too"
call GET /v1/events "" "$A"
is "$(jx "$OUT" '$d->{epoch}{generation}')" 1 "events too"
CUR=$(jx "$OUT" '$d->{cursor}')
call GET "/v1/epoch?since=0" "" "$A"
is "$HTTP_STATUS $(jx "$OUT" 'scalar @{$d->{conversations}}.",".$d->{cursor}')" "200 0,0" \
	"no restore yet: no bases, the generation began at cursor 0"
call GET "/v1/epoch?since=x" "" "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 invalid_field" "a bad since is refused"
call GET "/v1/epoch" ""
is "$HTTP_STATUS" 401 "the bases need a token"

sqlite3 "$DB" ".backup '$T_TMP/backup.db'"
call POST "/v1/conversations/$CONV/messages" '{"client_id":"b4","body":"4"}' "$B"
stop_server
like "$(cat "$DB.epoch")" "^$ID 1 [0-9]+\$" "a clean stop leaves FILE.epoch: identity, generation, cursor"

start_server -d "$DB" || exit 1
call GET /v1/health
is "$(jx "$OUT" '$d->{epoch}{server}.":".$d->{epoch}{generation}')" "$ID:1" \
	"a restart is no restore: the same generation"
unlike "$(cat "$T_TMP/server.$T_SERVERS.log")" "restored" "and nothing is said"
stop_server

cp "$T_TMP/backup.db" "$DB"
rm -f "$DB-wal" "$DB-shm"
start_server -d "$DB" || exit 1
like "$(cat "$T_TMP/server.$T_SERVERS.log")" "server.db was restored from a backup .*generation 2 begins" \
	"an older copy of the file is noticed and said"
call GET /v1/health
is "$(jx "$OUT" '$d->{epoch}{server}.":".$d->{epoch}{generation}')" "$ID:2" "the same identity, generation 2"
call POST "/v1/conversations/$CONV/messages" '{"client_id":"n4","body":"new 4"}' "$B"
is "$(jx "$OUT" '$d->{seq}')" 4 "bob's next message reuses seq 4"
call GET "/v1/epoch?since=1" "" "$A"
is "$(jx "$OUT" '$d->{conversations}[0]{id}.",".$d->{conversations}[0]{bases}{bob}.",".$d->{conversations}[0]{bases}{alice}')" \
	"$CONV,3,0" "the bases after generation 1: bob kept 3, alice none"
like "$(jx "$OUT" '$d->{cursor}')" '^[0-9]+$' "and the cursor at which generation 2 began"
call GET "/v1/epoch?since=2" "" "$A"
is "$(jx "$OUT" 'scalar @{$d->{conversations}}')" 0 "nothing lost after generation 2"
C=$(new_user carol)
call GET "/v1/epoch?since=1" "" "$C"
is "$(jx "$OUT" 'scalar @{$d->{conversations}}')" 0 "no one learns the bases of another's conversations"

t0=$(date +%s%N)
call GET "/v1/events?after=$CUR&timeout=5&epoch=$ID:1" "" "$A"
t1=$(date +%s%N)
is "$HTTP_STATUS $(jx "$OUT" 'scalar @{$d->{events}}.",".$d->{epoch}{generation}')" "200 0,2" \
	"a long-poll at another epoch is answered at once, without events, with the epoch"
[ $(((t1 - t0) / 1000000)) -lt 3000 ]
ok $? "at once, not after its timeout"
stop_server

start_server -d "$DB" --restored || exit 1
like "$(cat "$T_TMP/server.$T_SERVERS.log")" "restored from a backup \\(--restored\\): generation 3 begins" \
	"--restored begins a generation, whatever the backend"
call GET "/v1/epoch?since=1" "" "$A"
is "$(jx "$OUT" '$d->{conversations}[0]{bases}{bob}')" 3 "the lowest base over generations 2 and 3"
call GET "/v1/epoch?since=2" "" "$A"
is "$(jx "$OUT" '$d->{conversations}[0]{bases}{bob}')" 4 "generation 3 alone kept bob's 4"
stop_server

unset T_SQLITE
start_server -d "$T_TMP/other.db" || exit 1
call GET /v1/health
isnt_id=$(jx "$OUT" '$d->{epoch}{server}')
[ "$isnt_id" != "$ID" ]
ok $? "another database has another identity"
stop_server

start_server --protocol 1.0 || exit 1
call GET /v1/health
is "$(jx "$OUT" '$d->{epoch}')" null "a 1.0 server has no epoch"
call GET "/v1/epoch?since=0" "" "$(new_user dan)"
is "$HTTP_STATUS" 404 "nor GET /v1/epoch"
stop_server
done_testing
