#!/usr/bin/env bash
# natter-server-mock: GET /v1/events long-polls, wake-ups, timeouts, the gap
# flag and shutdown with long-polls waiting.
. "$(dirname "$0")/server_lib.sh"

start_server --event-retention 3 --max-poll 3 || exit 1
A=$(new_user alice)
B=$(new_user bob)
C=$(new_user carol)

call GET /v1/events "" "$B"; out=$OUT
is "$HTTP_STATUS $(jx "$out" 'scalar(@{$d->{events}}).",".($d->{gap} ? 1 : 0)')" "200 0,0" \
	"no after: immediate, empty"
C0=$(jx "$out" '$d->{cursor}')
CONV=$(jx "$(api POST /v1/conversations '{"title":"t","members":["bob"]}' "$A")" '$d->{id}')
call GET "/v1/events?after=$C0&timeout=0" "" "$B"; out=$OUT
is "$(jx "$out" '$d->{events}[0]{type}.",".$d->{events}[0]{id}.",".join("+", @{$d->{events}[0]{members}})')" \
	"conversation,$CONV,alice+bob" "conversation event for a new member"
is "$(jx "$out" 'exists $d->{events}[0]{vector} ? 1 : 0')" 0 "conversation event has no vector"
C1=$(jx "$out" '$d->{cursor}')

# A waiting long-poll returns as soon as another user sends.
start=$(date +%s%N)
curl -s -H "Authorization: Bearer $B" "$SERVER_URL/v1/events?after=$C1&timeout=3" > "$T_TMP/poll" &
poll=$!
wait_for sh -c "[ \"\$(curl -s $SERVER_URL/v1/metrics | awk '\$1 == \"natter_longpolls_open\" {print \$2}')\" = 1 ]"
ok $? "the long-poll is counted as open"
api POST /v1/conversations/$CONV/messages '{"client_id":"w1","body":"wake up"}' "$A" >/dev/null
wait "$poll"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "$(jx "$(cat "$T_TMP/poll")" '$d->{events}[0]{type}.",".$d->{events}[0]{body}.",".$d->{events}[0]{seq}')" \
	"message,wake up,1" "long-poll woken with the message"
[ "$ms" -lt 2500 ]; ok $? "woken promptly (${ms} ms, timeout was 3 s)"
C2=$(jx "$(cat "$T_TMP/poll")" '$d->{cursor}')
call GET "/v1/events?after=$C1&timeout=0" "" "$A"; out=$OUT
is "$(jx "$out" '$d->{events}[0]{sender}')" alice "the sender gets its own message event"
call GET "/v1/events?after=$C1&timeout=0" "" "$C"; out=$OUT
is "$(jx "$out" 'scalar @{$d->{events}}')" 0 "a non-member gets no events of it"

# Timeout, capped by --max-poll.
start=$(date +%s%N)
call GET "/v1/events?after=$C2&timeout=1" "" "$B"; out=$OUT
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "$(jx "$out" 'scalar @{$d->{events}}')" 0 "timeout: empty list"
[ "$ms" -ge 900 ] && [ "$ms" -lt 2500 ]; ok $? "timeout=1 waits about 1 s (${ms} ms)"
start=$(date +%s%N)
api GET "/v1/events?after=$C2&timeout=600" "" "$B" >/dev/null
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -ge 2900 ] && [ "$ms" -lt 4500 ]; ok $? "timeout lowered to --max-poll 3 (${ms} ms)"

# Gap: only the last 3 events per user are kept.
for i in 1 2 3 4 5; do
	api POST /v1/conversations/$CONV/messages "{\"client_id\":\"g$i\",\"body\":\"g$i\"}" "$A" >/dev/null
done
call GET "/v1/events?after=$C2&timeout=0" "" "$B"; out=$OUT
is "$(jx "$out" '($d->{gap} ? "gap" : "nogap")." ".join(",", map { $_->{body} } @{$d->{events}})')" \
	"gap g3,g4,g5" "gap flag with the retained events"
C3=$(jx "$out" '$d->{cursor}')
call GET "/v1/events?after=$C3&timeout=0" "" "$B"; out=$OUT
is "$(jx "$out" '($d->{gap} ? "gap" : "nogap").scalar(@{$d->{events}})')" "nogap0" "no gap from a fresh cursor"
call GET "/v1/events?after=$((C3 + 100))&timeout=3" "" "$B"; out=$OUT
is "$(jx "$out" '($d->{gap} ? "gap" : "nogap").",".$d->{cursor}')" "gap,$C3" \
	"cursor from the future: gap at once, current cursor"
call GET "/v1/events?after=-1" "" "$B"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 invalid_field" "bad after 400"
api GET "/v1/events?after=0" "" >/dev/null
is "$HTTP_STATUS" 401 "events need a token"
like "$(curl -s "$SERVER_URL/v1/metrics")" 'natter_messages_delivered_total\{via="events"\} [1-9]' \
	"delivered by events counted"

# SIGTERM with a long-poll waiting: it is answered and the server exits 0.
curl -s -o "$T_TMP/last" -w '%{http_code}' -H "Authorization: Bearer $B" \
	"$SERVER_URL/v1/events?after=$C3&timeout=3" > "$T_TMP/last.code" &
poll=$!
wait_for sh -c "curl -s $SERVER_URL/v1/metrics | grep -q '^natter_longpolls_open 1'"
start=$(date +%s%N)
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"; st=$?
wait "$poll"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "$st" 0 "SIGTERM: exit 0"
is "$(cat "$T_TMP/last.code") $(jx "$(cat "$T_TMP/last")" 'scalar @{$d->{events}}')" "200 0" \
	"the waiting long-poll was answered"
[ "$ms" -lt 2000 ]; ok $? "stopped promptly (${ms} ms)"
done_testing
