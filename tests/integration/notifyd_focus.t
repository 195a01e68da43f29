#!/usr/bin/env bash
# The focus natter reports silences the notifier only while it is true: a
# natter in a detached tmux session is not watching, and a killed natter
# silences nothing, even for a message sent at once after the kill.
. "$(dirname "$0")/tui_lib.sh"
. "$(dirname "$0")/notifyd_helpers.sh"

start_server || { done_testing; }
A=$T_TMP/alice
natter_register "$A" alice
ok $? "alice registers with natter"
BOB=$(user_token bob)
PROJ=$(new_conv "$BOB" proj alice bob)
LUNCH=$(new_conv "$BOB" lunch alice bob)
say "$BOB" "$PROJ" '"hello"'
"$NATTER" -D "$A" sync >/dev/null 2>&1
start_notifyd "$A" --backend stdout

# focus_is CONV: the focus row names CONV ("" for none) with a fresh heartbeat.
focus_is() {
	[ "$(syncdb "$A" "SELECT coalesce(conv, '') FROM focus
		WHERE heartbeat > CAST(strftime('%s', 'now') AS INTEGER) * 1000 - 3000")" = "$1" ]
}
tm_start_server
SOCK=$("${TM[@]}" display -p '#{socket_path}')
# tmux sets its socket's owner-execute bit while a client is attached; the
# test's sessions have none, so tui_lib.sh sets it to play an attached one.
tm_natter --server "$SERVER_URL" -D "$A"
wait_screen "hello"
"$NATTER" -D "$A" mute lunch >/dev/null
wait_screen "~ lunch"
ok $? "a conversation muted with natter mute is marked in the running natter's list"
"$NATTER" -D "$A" unmute lunch >/dev/null
wait_for eval '! pane_has "~ lunch"'
ok $? "and unmarked after natter unmute"
wait_for focus_is "$PROJ"
ok $? "natter in an attached session reports its conversation as focused"
say "$BOB" "$PROJ" '"seen on screen"'
say "$BOB" "$LUNCH" '"marker one"'
wait_for in_file "$NOUT" "marker one"
unlike "$(cat "$NOUT")" "seen on screen" "a message of the conversation on screen is not announced"

chmod u-x "$SOCK"
wait_for focus_is ""
ok $? "once the session is detached, natter reports no focus"
say "$BOB" "$PROJ" '"nobody is looking"'
wait_for in_file "$NOUT" "nobody is looking"
ok $? "so the notifier announces the conversation it shows"

chmod u+x "$SOCK"
wait_for focus_is "$PROJ"
ok $? "attached again, it is focused again"
pid=$(syncdb "$A" "SELECT pid FROM focus")
kill -KILL "$pid"
say "$BOB" "$PROJ" '"right after the kill"'
t0=$(date +%s%N)
wait_for in_file "$NOUT" "right after the kill"
ok $? "a message sent just after natter was killed is announced"
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -lt 3000 ]
ok $? "within a few seconds ($ms ms), though the focus row is still fresh"
in_file "$NERR" "is ignored: it is gone"
ok $? "the notifier says why it ignored the focus"

# natter --open CONV (what a notification's "Open" runs) starts on CONV.
tm_natter --server "$SERVER_URL" -D "$A" --open lunch
wait_for focus_is "$LUNCH"
ok $? "natter --open lunch opens the interface on lunch"
"$NATTER" -D "$A" --open lunch sync >/dev/null 2>&1
is "$?" 2 "--open with a command is a usage error"
stop_notifyd
is "$NSTATUS" 0 "the notifier stops cleanly"
done_testing
