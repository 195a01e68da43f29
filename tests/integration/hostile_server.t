#!/bin/bash
# The clients against a hostile server (tests/hostile/hostile.c): truncated
# JSON, wrong types, missing fields, invalid UTF-8, terminal escapes, 100 MB,
# a trickle, redirects to file:// and to another host, an endless chunked
# body, a gzip bomb, a 1 MiB header. natter login/conversations/sync and
# natter-notifyd each say what went wrong in plain words, without a crash or
# a sanitizer report, in bounded time and memory, and the stores stay intact.
. "$(dirname "$0")/lib.sh"
export NATTER_PASSWORD=correct-horse
HOSTILE=$BUILD/tests/hostile/hostile
[ -x "$HOSTILE" ] || skip_all "$HOSTILE is not built (make BUILD=... test builds it)"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 shell is needed"

"$HOSTILE" >"$T_TMP/hostile.log" 2>&1 &
T_PIDS+=($!)
wait_for grep -q '^listening on' "$T_TMP/hostile.log" || { diag "hostile server did not start"; exit 1; }
BASE=$(sed -n 's/^listening on //p' "$T_TMP/hostile.log")

# Memory: each client runs under `ulimit -v` (1 GiB) unless the build is
# sanitized (ASan reserves terabytes of address space); peak RSS is read by
# /usr/bin/time when present. A 100 MB answer must not be held whole.
VLIMIT=1048576
bash -c 'ulimit -v '$VLIMIT' && "$1" --version' _ "$NATTER" >/dev/null 2>&1 || VLIMIT=unlimited
RSS_MAX_KB=65536
[ "$VLIMIT" = unlimited ] && RSS_MAX_KB=524288
TIME=/usr/bin/time
[ -x "$TIME" ] || TIME=

# creds MODE: a data directory holding a saved login for BASE/MODE.
creds() {
	local d=$T_TMP/d-$1 url=$BASE/$1
	mkdir -p "$d"
	printf '{"default":"%s","servers":[{"server":"%s","user":"alice","token":"t0k"}]}\n' \
		"$url" "$url" >"$d/credentials"
	chmod 600 "$d/credentials"
}

# run MODE ARGS...: natter with MODE's data directory and server, bounded by
# timeout, ulimit and measured; sets RC, ERR, MS (elapsed) and RSS (KiB).
run() {
	local mode=$1; shift
	local t0 t1
	t0=$(date +%s%N)
	if [ -n "$TIME" ]; then
		(ulimit -v $VLIMIT; exec timeout -s KILL 25 "$TIME" -f '%M' -o "$T_TMP/rss" \
			"$NATTER" -D "$T_TMP/d-$mode" -s "$BASE/$mode" "$@") >/dev/null 2>"$T_TMP/err"
	else
		(ulimit -v $VLIMIT; exec timeout -s KILL 25 \
			"$NATTER" -D "$T_TMP/d-$mode" -s "$BASE/$mode" "$@") >/dev/null 2>"$T_TMP/err"
	fi
	RC=$?
	t1=$(date +%s%N)
	MS=$(((t1 - t0) / 1000000))
	RSS=$([ -n "$TIME" ] && tail -1 "$T_TMP/rss" || echo 0)
	# time(1) adds "Command exited with non-zero status N" before its figure.
	ERR=$(grep -v '^Command exited' "$T_TMP/err")
}

# check MODE CMD WANT_RC REGEX: one client run and its assertions.
check() {
	local mode=$1 cmd=$2 want=$3 re=$4
	local args=("$cmd")
	[ "$cmd" = login ] && args=(login alice)
	run "$mode" "${args[@]}"
	is "$RC" "$want" "$mode: natter $cmd exits $want (no crash, no signal)"
	like "$ERR" "$re" "$mode: natter $cmd says: $re"
	unlike "$ERR" $'(runtime error|Sanitizer|\e|\a)' "$mode: natter $cmd: no sanitizer report, no raw escape"
	ok $(( MS < 15000 && RSS < RSS_MAX_KB ? 0 : 1 )) \
		"$mode: natter $cmd took ${MS} ms (< 15 s), peak RSS ${RSS} KiB (< $RSS_MAX_KB)"
}

# intact MODE: every store of MODE's data directory passes integrity_check.
intact() {
	local db bad=0
	for db in "$T_TMP/d-$1"/*.db; do
		[ -f "$db" ] || continue
		[ "$(sqlite3 -cmd '.timeout 5000' "$db" 'PRAGMA integrity_check')" = ok ] ||
			{ diag "$db is damaged"; bad=1; }
	done
	ok $bad "$1: the local stores pass PRAGMA integrity_check"
}

# A control: the well-behaved mode works, so the faults below are the cause.
creds ok
run ok sync
is "$RC" 0 "ok: natter sync against the fault server's good answers works"

INVALID='server sent invalid JSON'
TOOBIG='larger than 16777216 bytes'
REDIR='redirect \(HTTP 30[27]\), which natter does not follow: check the server URL'
for spec in \
	"truncated|1|$INVALID: premature end of input|1|$INVALID|1|$INVALID" \
	"types|1|login answer whose \"user\" is not a string|1|\"conversations\" that is not an array|1|\"conversations\" that is not an array" \
	"missing|1|login answer without \"user\"|1|no \"conversations\"|1|no \"conversations\"" \
	"utf8|1|$INVALID: unable to decode byte 0xff|1|$INVALID: unable to decode byte 0xff|1|$INVALID" \
	"escape|1|$INVALID: invalid token|1|refused the request \(HTTP 418 ␛\]0;pwned␇\): ␛\[2Jgone|1|HTTP 418" \
	"huge|1|$TOOBIG|1|$TOOBIG|1|$TOOBIG" \
	"chunked|1|$TOOBIG|1|$TOOBIG|1|$TOOBIG" \
	"gzip|1|$TOOBIG|1|$TOOBIG|1|$TOOBIG" \
	"redirect|1|$REDIR|1|$REDIR|1|$REDIR" \
	"redirect-host|1|$REDIR|1|$REDIR|1|$REDIR" \
	"header|1|header too large to read|1|header too large to read|1|header too large to read"; do
	IFS='|' read -r mode lrc lre crc cre src sre <<<"$spec"
	creds "$mode"
	check "$mode" login "$lrc" "$lre"
	check "$mode" conversations "$crc" "$cre"
	check "$mode" sync "$src" "$sre"
	intact "$mode"
done

# Faults a client treats as the network failing (exit 75, or the stored list
# for `conversations`): an answer cut short, and one that trickles a byte a
# second. The documented http.timeout and http.retries keys keep them short
# here; by default a trickle is given up after 60 s (two 30 s attempts).
export XDG_CONFIG_HOME=$T_TMP/quick-config
mkdir -p "$XDG_CONFIG_HOME/natter"
printf 'http.timeout = 2\nhttp.retries = 0\n' >"$XDG_CONFIG_HOME/natter/config"
for spec in \
	"short|75|connection to .*/short broke off|0|broke off .*showing what is stored here|75|broke off" \
	"trickle|75|did not answer in time|0|did not answer in time; showing what is stored here|75|did not answer in time"; do
	IFS='|' read -r mode lrc lre crc cre src sre <<<"$spec"
	creds "$mode"
	check "$mode" login "$lrc" "$lre"
	check "$mode" conversations "$crc" "$cre"
	check "$mode" sync "$src" "$sre"
	intact "$mode"
done
unset XDG_CONFIG_HOME
export XDG_CONFIG_HOME=$T_TMP/xdg-config

# natter-notifyd is a daemon: a bad answer is logged in words and retried
# with backoff; it keeps its memory bounded and stops at once on SIGTERM
# (also in the middle of a trickle).
for spec in \
	"truncated|$INVALID" "types|\"cursor\" is not an integer" "missing|without \"cursor\"" \
	"utf8|$INVALID" "escape|$INVALID: invalid token near '␛'" "huge|$TOOBIG" \
	"chunked|$TOOBIG" "gzip|$TOOBIG" \
	"redirect|redirect \(HTTP 302\), which is not followed: check the server URL" \
	"header|header too large to read" "trickle|"; do
	IFS='|' read -r mode re <<<"$spec"
	creds "$mode"
	log=$T_TMP/notifyd-$mode.log
	(ulimit -v $VLIMIT; exec "$NOTIFYD" -D "$T_TMP/d-$mode" -s "$BASE/$mode" --backend none) \
		2>"$log" &
	pid=$!
	T_PIDS+=($pid)
	if [ -n "$re" ]; then
		wait_for grep -q 'retrying' "$log"
		like "$(cat "$log")" "$re" "$mode: natter-notifyd says: $re"
	else
		sleep 1.5
	fi
	rss=$(awk '/^VmHWM/ { print $2 }' /proc/$pid/status 2>/dev/null)
	ok $(( ${rss:-0} > 0 && ${rss:-0} < RSS_MAX_KB ? 0 : 1 )) \
		"$mode: natter-notifyd is running, peak RSS ${rss:-?} KiB (< $RSS_MAX_KB)"
	t0=$(date +%s%N)
	kill -TERM "$pid"
	wait "$pid"
	st=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	is "$st" 0 "$mode: natter-notifyd stops cleanly on SIGTERM (no crash)"
	ok $((ms < 3000 ? 0 : 1)) "$mode: ... within ${ms} ms"
	unlike "$(cat "$log")" $'(runtime error|Sanitizer|\e|\a)' \
		"$mode: natter-notifyd: no sanitizer report, no raw escape"
	intact "$mode"
done

done_testing
