#!/usr/bin/env bash
# natter-server-mock at rest: idle, it sleeps until something happens (no
# timer ticks on any of its threads); with a long-poll open it wakes at its
# deadline and answers on time; NATTER_MHD_BACKEND picks libmicrohttpd's
# polling back end. Wake-ups are counted with strace -f (every thread), when
# it is installed and may trace.
. "$(dirname "$0")/server_lib.sh"

# skip REASON: one skipped TAP result.
skip() {
	T_N=$((T_N + 1))
	echo "ok $T_N # skip $*"
}

WAITS='poll|ppoll|select|pselect6|epoll_wait|epoll_pwait'
HAVE_STRACE=
strace -f -o /dev/null true >/dev/null 2>&1 && HAVE_STRACE=1
[ -n "$HAVE_STRACE" ] || diag "strace is missing or may not trace here: wake-ups not counted"

# traced_server TRACE [ARGS...]: start_server under strace, tracing the calls
# the loop sleeps in; SERVER_PID is the server's, STRACE_PID strace's.
traced_server() {
	local trace=$1 real=$SERVER st
	shift
	SERVER=$T_TMP/traced-server
	printf '#!/bin/sh\nexec strace -f -qq -o "%s" -e trace=%s "%s" "$@"\n' \
		"$trace" "${WAITS//|/,}" "$real" >"$SERVER"
	chmod +x "$SERVER"
	start_server "$@"; st=$?
	SERVER=$real
	STRACE_PID=$SERVER_PID
	SERVER_PID=$(pgrep -P "$STRACE_PID")
	return $st
}

# stop_traced: stops the server and waits for strace to finish its file.
stop_traced() {
	stop_server
	wait "$STRACE_PID" 2>/dev/null
	return 0
}

# waits TRACE: how many sleeping calls the trace holds so far.
waits() {
	grep -cE "^[0-9]+ +($WAITS)\(" "$1"
}

# The polling back end: bad names are refused.
out=$(NATTER_MHD_BACKEND=kqueue timeout 5 "$SERVER" -p 0 2>&1); st=$?
is "$st $out" "2 natter-server-mock: NATTER_MHD_BACKEND wants auto, epoll, poll or select" \
	"NATTER_MHD_BACKEND=kqueue: usage error"
for be in select poll auto; do
	if [ -z "$HAVE_STRACE" ]; then
		skip "no strace: back end $be not checked"
		continue
	fi
	NATTER_MHD_BACKEND=$be traced_server "$T_TMP/trace.$be" || exit 1
	is "$(curl -s -o /dev/null -w '%{http_code}' "$SERVER_URL/v1/health")" 200 \
		"back end $be serves"
	stop_traced
	calls=$(grep -oE "^[0-9]+ +($WAITS)\(" "$T_TMP/trace.$be" | sed 's/.* //' | sort -u | tr -d '(' |
		tr '\n' ' ')
	if [ $be = select ]; then
		[ "$(grep -c epoll "$T_TMP/trace.$be")" = 0 ] && [[ $calls == *select* ]]
		ok $? "NATTER_MHD_BACKEND=select: select(), no epoll (calls: $calls)"
	elif [ $be = poll ]; then
		[ "$(grep -cE 'epoll|select' "$T_TMP/trace.$be")" = 0 ] && [[ $calls == *poll* ]]
		ok $? "NATTER_MHD_BACKEND=poll: poll(), no epoll nor select (calls: $calls)"
	elif [ "$(uname -s)" = Linux ]; then
		[[ $calls == *epoll_wait* ]]
		ok $? "NATTER_MHD_BACKEND=auto on Linux: MHD chose epoll (calls: $calls)"
	else
		skip "auto: not Linux, any back end will do"
	fi
done

# Idle: at most a few wake-ups in 5 s, all threads together (the loop used
# to wake every 250 ms: 20 of them).
if [ -n "$HAVE_STRACE" ]; then
	traced_server "$T_TMP/trace.idle" || exit 1
	sleep 0.5
	before=$(waits "$T_TMP/trace.idle")
	sleep 5
	n=$(($(waits "$T_TMP/trace.idle") - before))
	[ "$n" -le 3 ]; ok $? "idle for 5 s, the server woke $n times (at most 3)"
	A=$(new_user alice)
else
	start_server || exit 1
	A=$(new_user alice)
	skip "no strace: idle wake-ups not counted"
fi

# One long-poll open, timeout 3 s: no wake-ups before its deadline, the answer on time.
call GET /v1/events "" "$A"; CUR=$(jx "$OUT" '$d->{cursor}')
sleep 0.5
start=$(date +%s%N)
curl -s -H "Authorization: Bearer $A" "$SERVER_URL/v1/events?after=$CUR&timeout=3" \
	>"$T_TMP/poll" &
poll=$!
if [ -n "$HAVE_STRACE" ]; then
	sleep 0.5
	before=$(waits "$T_TMP/trace.idle")
	sleep 2
	n=$(($(waits "$T_TMP/trace.idle") - before))
	[ "$n" -le 3 ]; ok $? "a long-poll waiting: the server woke $n times in 2 s (at most 3)"
else
	skip "no strace: wake-ups with a long-poll not counted"
fi
wait "$poll"
ms=$((($(date +%s%N) - start) / 1000000))
is "$(jx "$(cat "$T_TMP/poll")" 'scalar(@{$d->{events}})')" 0 "the long-poll ends empty"
[ "$ms" -ge 2900 ] && [ "$ms" -lt 4000 ]
ok $? "... at its deadline (${ms} ms, timeout 3 s)"
if [ -n "$HAVE_STRACE" ]; then stop_traced; else stop_server; fi
done_testing
