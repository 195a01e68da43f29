#!/usr/bin/env bash
# natter-server-mock -d FILE: everything survives a restart; tokens are
# stored hashed.
. "$(dirname "$0")/server_lib.sh"

DB=$T_TMP/server.db
start_server -d "$DB" || exit 1
A=$(new_user alice)
B=$(new_user bob)
call POST /v1/conversations '{"title":"keep","members":["bob"]}' "$A"; CONV=$(jx "$OUT" '$d->{id}')
call POST /v1/conversations/$CONV/messages '{"client_id":"p1","body":"one"}' "$A"
call POST /v1/conversations/$CONV/messages '{"client_id":"p2","body":"two"}' "$A"
call GET /v1/events "" "$B"; CUR=$(jx "$OUT" '$d->{cursor}')
stop_server
if on_pg; then
	skip "database file mode 0600" "no file on PostgreSQL"
	skip "no usable token in the database files" "no file on PostgreSQL"
else
	[ "$(stat -c %a "$DB")" = 600 ]; ok $? "database file mode 0600"
	! grep -q "$A" "$DB" "$DB-wal" 2>/dev/null; ok $? "no usable token in the database files"
fi

start_server -d "$DB" || exit 1
call GET /v1/conversations "" "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{conversations}[0]{id}.",".$d->{conversations}[0]{vector}{alice}')" \
	"200 $CONV,1-2" "token, conversation and vector survive"
call POST /v1/login '{"user":"bob","password":"password-bob"}'
is "$HTTP_STATUS" 200 "password survives"
call POST /v1/conversations/$CONV/messages '{"client_id":"p3","body":"three"}' "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{seq}')" "201 3" "sequence counter survives"
call POST /v1/conversations/$CONV/messages '{"client_id":"p1","body":"one"}' "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{seq}')" "200 1" "idempotency keys survive"
call GET "/v1/events?after=$CUR&timeout=0" "" "$B"
is "$(jx "$OUT" '($d->{gap} ? "gap" : "nogap").",".join(",", map { $_->{body} } @{$d->{events}})')" \
	"nogap,three" "event log survives: the cursor still works"
call POST /v1/sync '{"have":{}}' "$B"
is "$(jx "$OUT" 'join ",", map { $_->{body} } @{$d->{messages}}')" "one,two,three" "messages survive"
stop_server

start_server || exit 1
call GET /v1/conversations "" "$A"
is "$HTTP_STATUS" 401 "without -d nothing is kept"
stop_server
done_testing
