#!/bin/bash
# The README's first command: `make run` (scripts/run-local) starts the demo
# server, the notifier and natter logged in as alice; a live conversation with
# the bot shows within seconds; quitting natter stops everything it started;
# a second run keeps the history. A second `make run` while one runs opens
# another window on it and starts, stops and removes nothing; a remembered
# port taken by another program, or a lock left by a killed run, loses no data.
. "$(dirname "$0")/tui_lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export NATTER_DEMO_INTERVAL=1000
STATE=$XDG_STATE_HOME/natter
TM_SESSION=demo

# run_demo [SESSION]: `make run` in a tmux session.
run_demo() {
	tm_run -s "${1:-demo}" "NATTER_DEMO_INTERVAL=1000 BUILD='$BUILD' '$ROOT/scripts/run-local'"
}
# slow_wait TEXT: waits for the screen for up to 30 s (a sanitizer build under
# load starts three programs and hashes a password at each run).
slow_wait() { wait_screen -t 30 "$1"; }
# count_ours PROGRAM: how many processes of PROGRAM run with this test's state.
count_ours() { pgrep -fc "$BUILD/$1 .*$T_TMP"; }
ours() { pgrep -f "$BUILD/natter-(server-mock|notifyd).*$T_TMP" >/dev/null; }
# quit [SESSION]: /quit in natter, and its "EXIT 0".
quit() {
	TM_SESSION=${1:-demo}
	keys "/quit"
	key Enter
	slow_wait "EXIT 0"
	local st=$?
	TM_SESSION=demo
	return $st
}

run_demo
slow_wait "natterbot"
ok $? "make run: the bot's conversation shows"
slow_wait "online"
ok $? "make run: the status line says online, as alice"
like "$(pane)" "alice@http://127\.0\.0\.1:" "make run: logged in as alice on loopback"
ours
ok $? "make run: the demo server and the notifier run"
[ -d "$STATE" ] && [ "$(stat -c %a "$STATE")" = 700 ]
ok $? "make run: its data is under XDG_STATE_HOME/natter, mode 700"

keys "natterbot ping"
key Enter
slow_wait "@alice pong"
ok $? "make run: the bot answers what alice types"

# A second `make run` while the first runs: it must not start a second
# server or notifier, nor touch the data the first one has open.
DATA=$STATE/demo-client
touch "$DATA/kept-by-the-first-run"
ino=$(stat -c %i "$DATA/history.db")
run_demo demo2
TM_SESSION=demo2
slow_wait "online"
ok $? "a second make run opens a window that is online"
TM_SESSION=demo
is "$(count_ours natter-server-mock)" 1 "a second make run starts no second server"
is "$(count_ours natter-notifyd)" 1 "a second make run starts no second notifier"
quit demo2
ok $? "the second window quits with status 0"
TM_SESSION=demo2
nl=$'\n'
like "$(pane)" "a demo is already running \(pid [0-9]+\)$nl  server: http://127\.0\.0\.1:[0-9]+$nl  data:   $DATA$nl" \
	"the second make run says a demo is already running, and where"
like "$(pane)" "the demo \(pid [0-9]+\) still runs" "and, when its window quits, that the demo still runs"
TM_SESSION=demo
[ -e "$DATA/kept-by-the-first-run" ] && [ "$(stat -c %i "$DATA/history.db")" = "$ino" ]
ok $? "the first run's data directory is untouched"
ours && pane_has "online"
ok $? "quitting the second window leaves the first one running and online"
"$NATTER" -D "$DATA" log demo -n 1000 | grep -qF "@alice pong"
ok $? "the first run's history is intact"

quit
ok $? "make run: /quit leaves with status 0"
wait_for sh -c "! pgrep -f '$BUILD/natter-(server-mock|notifyd).*$T_TMP'"
ok $? "make run: quitting stopped the server and the notifier"
[ ! -e "$STATE/run.lock" ] && [ ! -L "$STATE/run.lock" ]
ok $? "make run: quitting released the lock"
tm_close demo2

run_demo
slow_wait "online"
ok $? "make run again: online again"
"$NATTER" -D "$DATA" log demo -n 1000 | grep -qF "@alice pong"
ok $? "make run again: the earlier conversation is still in alice's history"
quit
ok $? "make run again: /quit leaves with status 0"

# A killed run leaves its lock, server and notifier behind: the next run
# stops those two and takes over the same data.
run_demo
slow_wait "online"
kill -9 "$(readlink "$STATE/run.lock")"
tm_close demo
wait_for sh -c "! pgrep -f '$BUILD/natter .*-D $DATA'"
ours
ok $? "after a killed run, its server and notifier are left running"
run_demo
slow_wait "online"
ok $? "the next run starts over a stale lock"
is "$(count_ours natter-server-mock)" 1 "it stopped the server the killed run left"
is "$(count_ours natter-notifyd)" 1 "and the notifier"
[ -e "$DATA/kept-by-the-first-run" ]
ok $? "and kept the data directory"
quit

# The remembered port is taken by another program: the demo moves to a new
# port and a new client directory, and the old one is kept as it was.
port=$(cat "$STATE/demo-port")
"$SERVER" -p "$port" >"$T_TMP/squatter.log" 2>&1 &
T_PIDS+=("$!")
wait_for grep -q "listening on" "$T_TMP/squatter.log"
run_demo
slow_wait "online"
ok $? "with its port taken, make run still comes online"
quit
[ -e "$DATA/kept-by-the-first-run" ] && "$NATTER" -D "$DATA" log demo -n 1000 | grep -qF "@alice pong"
ok $? "with its port taken, the old client directory and its history are kept"
like "$(pane)" "port $port is taken by another program" "and make run said why it moved"

done_testing
