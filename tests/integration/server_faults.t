#!/usr/bin/env bash
# natter-server-mock --faults and --rate-limit: writes are committed even when
# the answer is lost, delays delay, closes cut answers; 429 with Retry-After.
. "$(dirname "$0")/server_lib.sh"

DB=$T_TMP/faults.db
start_server -d "$DB" || exit 1
A=$(new_user alice)
B=$(new_user bob)
call POST /v1/conversations '{"title":"f","members":["bob"]}' "$A"; CONV=$(jx "$OUT" '$d->{id}')
stop_server

# drop=1: the message is stored, the connection closes without an answer.
start_server -d "$DB" --faults drop=1 || exit 1
curl -s -o /dev/null -H "Authorization: Bearer $A" -d '{"client_id":"d1","body":"dropped"}' \
	"$SERVER_URL/v1/conversations/$CONV/messages"
is $? 52 "drop: empty reply"
api GET /v1/health >/dev/null; is "$HTTP_STATUS" 200 "drop leaves health alone"
stop_server
start_server -d "$DB" || exit 1
call POST /v1/conversations/$CONV/messages '{"client_id":"d1","body":"dropped"}' "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{seq}')" "200 1" "the dropped write was committed; the retry finds it"
call POST /v1/sync '{"have":{}}' "$B"
is "$(jx "$OUT" 'scalar @{$d->{messages}}')" 1 "stored exactly once"
stop_server

# delay=400: every answer waits.
start_server -d "$DB" --faults delay=400 || exit 1
start=$(date +%s%N)
call GET /v1/conversations "" "$A"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$HTTP_STATUS" = 200 ] && [ "$ms" -ge 390 ]; ok $? "delay: answered after ${ms} ms"
start=$(date +%s%N)
pids=()
for i in 1 2 3; do
	curl -s -o /dev/null -H "Authorization: Bearer $A" "$SERVER_URL/v1/conversations" &
	pids+=($!)
done
wait "${pids[@]}"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 1100 ]; ok $? "delayed answers do not block each other (${ms} ms for 3)"
stop_server

# close=1: the answer is cut in the middle, the write is stored.
start_server -d "$DB" --faults close=1 || exit 1
curl -s -o /dev/null -H "Authorization: Bearer $A" -d '{"client_id":"x1","body":"cut"}' \
	"$SERVER_URL/v1/conversations/$CONV/messages"
st=$?
[ "$st" = 18 ] || [ "$st" = 56 ]; ok $? "close: the answer is cut ($st)"
stop_server
start_server -d "$DB" || exit 1
call POST /v1/sync '{"have":{}}' "$B"
is "$(jx "$OUT" 'join ",", map { $_->{body} } @{$d->{messages}}')" "dropped,cut" "the cut write was stored"
stop_server

# --rate-limit 5: a burst of 5, then 429 with Retry-After.
start_server --rate-limit 5 || exit 1
# One curl process sends the 9 requests back to back: spawning a process per
# request took long enough under load for the bucket to refill (a flaky test).
args=()
for i in $(seq 1 8); do args+=(-o /dev/null "$SERVER_URL/v1/conversations"); done
codes=$(curl -s -w ' %{http_code}' "${args[@]}" \
	--next -s -D "$T_TMP/rl.hdr" -o "$T_TMP/rl" "$SERVER_URL/v1/conversations")
is "$codes" " 401 401 401 401 401 429 429 429" "burst of 5, then 429"
hdr=$(cat "$T_TMP/rl.hdr")
like "$hdr" '[Rr]etry-[Aa]fter: [1-9]' "Retry-After is set"
is "$(jx "$(cat "$T_TMP/rl")" '$d->{error}')" rate_limited "error rate_limited"
api GET /v1/health >/dev/null; is "$HTTP_STATUS" 200 "health is not rate limited"
stop_server
done_testing
