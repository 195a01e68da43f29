#!/usr/bin/env bash
# natter-server-mock --demo: demo users with printed passwords, a conversation
# with natterbot, which talks by itself and answers when addressed.
. "$(dirname "$0")/server_lib.sh"

NATTER_DEMO_INTERVAL=500 "$SERVER" -p 0 --demo >"$T_TMP/out" 2>"$T_TMP/err" &
SERVER_PID=$!
T_PIDS+=("$SERVER_PID")
wait_for grep -q '^listening on' "$T_TMP/out"
SERVER_URL=$(sed -n 's/^listening on //p' "$T_TMP/out")
is "$(wc -l < "$T_TMP/out")" 1 "stdout keeps its one line"
PW=$(sed -n 's/^demo: user alice password //p' "$T_TMP/err")
like "$PW" '^[0-9a-f]{12}$' "alice's password is printed on stderr"
call POST /v1/login "{\"user\":\"alice\",\"password\":\"$PW\"}"
is "$HTTP_STATUS" 200 "alice logs in with it"
A=$(jx "$OUT" '$d->{token}')
call GET /v1/conversations "" "$A"
is "$(jx "$OUT" 'join ",", @{$d->{conversations}[0]{members}}')" "alice,bob,natterbot" \
	"demo conversation with bob and the bot"
CONV=$(jx "$OUT" '$d->{conversations}[0]{id}')
call GET /v1/events "" "$A"; CUR=$(jx "$OUT" '$d->{cursor}')
call GET "/v1/events?after=$CUR&timeout=5" "" "$A"
is "$(jx "$OUT" '$d->{events}[0]{sender}')" natterbot "the bot talks by itself"
call POST /v1/conversations/$CONV/messages '{"client_id":"q1","body":"@natterbot ping"}' "$A"
call POST /v1/sync "{\"have\":{},\"conversations\":[\"$CONV\"]}" "$A"
like "$(jx "$OUT" 'join "|", map { "$_->{sender}:$_->{body}" } @{$d->{messages}}')" \
	'alice:@natterbot ping\|natterbot:@alice pong' "the bot answers when addressed"
stop_server
done_testing
