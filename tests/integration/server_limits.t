#!/usr/bin/env bash
# natter-server-mock limits: connections per address and in total, idle
# timeout, memory per connection (headers), bodies without Content-Length.
. "$(dirname "$0")/server_lib.sh"

# health FROM: the status of GET /v1/health from a loopback source address.
health() {
	curl -s -o /dev/null -w '%{http_code}' --max-time 5 --interface "$1" "$SERVER_URL/v1/health"
}
# longpoll FROM TOKEN: a waiting long-poll in the background; appends its pid to POLLS.
POLLS=()
longpoll() {
	curl -s -o /dev/null --interface "$1" -H "Authorization: Bearer $2" \
		"$SERVER_URL/v1/events?after=$CUR&timeout=5" &
	POLLS+=($!)
}

start_server --max-connections-per-ip 2 --max-poll 5 || exit 1
A=$(new_user alice)
call GET /v1/events "" "$A"; CUR=$(jx "$OUT" '$d->{cursor}')
longpoll 127.0.0.1 "$A"
longpoll 127.0.0.1 "$A"
wait_for sh -c "curl -s --interface 127.0.0.9 $SERVER_URL/v1/metrics | grep -q '^natter_longpolls_open 2'"
ok $? "two long-polls from 127.0.0.1 are open"
st=$(health 127.0.0.1)
[ "$st" != 200 ]; ok $? "a third connection from the same address is refused ($st)"
is "$(health 127.0.0.9)" 200 "another address still gets in"
stop_server
wait "${POLLS[@]}"

start_server --max-connections 3 --max-poll 5 || exit 1
POLLS=()
A=$(new_user alice)
call GET /v1/events "" "$A"; CUR=$(jx "$OUT" '$d->{cursor}')
longpoll 127.0.0.1 "$A"
longpoll 127.0.0.2 "$A"
longpoll 127.0.0.3 "$A"
wait_for sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 --interface 127.0.0.4 $SERVER_URL/v1/health)\" != 200 ]"
ok $? "with 3 connections open, a fourth waits (not served within 1 s)"
stop_server
wait "${POLLS[@]}"

start_server --idle-timeout 1 || exit 1
port=${SERVER_URL##*:}
exec 7<>"/dev/tcp/127.0.0.1/$port"
start=$(date +%s%N)
read -r -t 5 -u 7 line; st=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
exec 7<&-
[ "$st" = 1 ] && [ "$ms" -lt 4000 ]; ok $? "an idle connection is closed after --idle-timeout (${ms} ms)"
(printf 'X-Big: '; head -c 150000 /dev/zero | tr '\0' a; echo) > "$T_TMP/hdr"
st=$(curl -s -o /dev/null -w '%{http_code}' -H @"$T_TMP/hdr" "$SERVER_URL/v1/health")
is "$st" 431 "headers over the memory per connection are refused"
head -c 70000 /dev/zero | tr '\0' ' ' > "$T_TMP/big"
st=$(curl -s -o "$T_TMP/big.out" -w '%{http_code}' -H 'Transfer-Encoding: chunked' \
	--data-binary @"$T_TMP/big" "$SERVER_URL/v1/sync")
is "$st $(jx "$(cat "$T_TMP/big.out")" '$d->{error}')" "413 too_large" "chunked body over 64 KiB: 413"
is "$(health 127.0.0.1)" 200 "the server is still well"
stop_server
done_testing
