#!/bin/bash
# The README's first command: `make run` (scripts/run-local) starts the demo
# server, the notifier and natter logged in as alice, and says where
# everything is, on the terminal and in the interface; a live conversation
# with the bot shows within seconds. Quitting natter leaves the server and
# the notifier running (and says so, with how to stop them); the next run
# opens natter on them again, and `make run-stop` (run-local --stop) stops
# them. A second run while one is open starts nothing; a lock left by a run
# killed while starting, or a remembered port taken by another program,
# loses no data.
. "$(dirname "$0")/tui_lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export NATTER_DEMO_INTERVAL=1000
STATE=$XDG_STATE_HOME/natter
TM_SESSION=demo
# Wide: the greeting and /help name long paths, which should not wrap.

# run_demo [SESSION]: `make run` in a tmux session.
run_demo() {
	tm_run -s "${1:-demo}" -x 250 -y 50 "NATTER_DEMO_INTERVAL=1000 BUILD='$BUILD' '$ROOT/scripts/run-local'"
}
# run_stop: `make run-stop`; its output in STOPPED.
run_stop() { STOPPED=$(BUILD=$BUILD "$ROOT/scripts/run-local" --stop 2>&1); }
# The demo outlives natter: whatever happens, this test stops it.
trap 'run_stop; tm_cleanup' EXIT
# slow_wait TEXT: waits for the screen for up to 30 s (a sanitizer build under
# load starts three programs and hashes a password at each run).
slow_wait() { wait_screen -t 30 "$1"; }
# count_ours PROGRAM: how many processes of PROGRAM run with this test's state.
count_ours() { pgrep -fc "$BUILD/$1 .*$T_TMP"; }
ours() { [ "$(count_ours natter-server-mock)" = 1 ] && [ "$(count_ours natter-notifyd)" = 1 ]; }
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
DATA=$STATE/demo-client
URL=$(sed -n 's/^url //p' "$STATE/run.info")
PW=$(sed -n 's/^demo: user alice password //p' "$STATE/demo-server.log" | tail -1)
like "$PW" '^[0-9a-f]{12}$' "the demo server chose alice's password"
slow_wait "demo: you are alice (password $PW) at $URL, data in $DATA;"
ok $? "the first screen says who you are, the password, the server and the data directory"
keys "/help"
key Enter
slow_wait "You are alice at $URL; data in $DATA; config in $XDG_CONFIG_HOME/natter/config."
ok $? "/help says so too"

keys "natterbot ping"
key Enter
slow_wait "@alice pong"
ok $? "make run: the bot answers what alice types"

# A second `make run` while the first runs: it must not start a second
# server or notifier, nor touch the data the first one has open.
touch "$DATA/kept-by-the-first-run"
ino=$(stat -c %i "$DATA/history.db")
run_demo demo2
TM_SESSION=demo2
slow_wait "online"
ok $? "a second make run opens a window that is online"
TM_SESSION=demo
# Wide: the greeting and /help name long paths, which should not wrap.
is "$(count_ours natter-server-mock)" 1 "a second make run starts no second server"
is "$(count_ours natter-notifyd)" 1 "a second make run starts no second notifier"
quit demo2
ok $? "the second window quits with status 0"
TM_SESSION=demo2
like "$(pane)" "the demo is already running \(server pid [0-9]+, notifier pid [0-9]+\)" \
	"the second make run says the demo is already running"
TM_SESSION=demo
# Wide: the greeting and /help name long paths, which should not wrap.
[ -e "$DATA/kept-by-the-first-run" ] && [ "$(stat -c %i "$DATA/history.db")" = "$ino" ]
ok $? "the first run's data directory is untouched"
ours && pane_has "online"
ok $? "quitting the second window leaves the first one running and online"
"$NATTER" -D "$DATA" log demo -n 1000 | grep -qF "@alice pong"
ok $? "the first run's history is intact"

quit
ok $? "make run: /quit leaves with status 0"
nl=$'\n'
like "$(pane)" "run-local: natter is closed; the demo server and natter-notifyd keep running:$nl.*desktop notifications \(printed to $STATE/demo-notifyd.log where$nl +there is no desktop\)$nl +make run +opens natter again, with what arrived meanwhile$nl +make run-stop +stops the demo" \
	"quitting says the demo keeps running, where notifications go, and how to stop it"
like "$(pane)" "natter demo$nl  server: +$URL .*$nl  you are: +alice, password $PW \(bob's: [0-9a-f]{12}\)$nl  data: +$DATA$nl  notifications: .*$STATE/demo-notifyd.log" \
	"make run printed the server, alice's password, the data directory and the notification log"
ours
ok $? "after /quit the server and the notifier still run"
[ ! -e "$STATE/run.lock" ] && [ ! -L "$STATE/run.lock" ]
ok $? "no lock is left behind"
n=$(grep -c "natterbot in demo" "$STATE/demo-notifyd.log")
wait_for sh -c "[ \$(grep -c 'natterbot in demo' '$STATE/demo-notifyd.log') -gt $((n + 1)) ]"
ok $? "with natter closed, the bot's messages go on arriving as notifications (the log, without a desktop)"

run_demo
slow_wait "online"
ok $? "make run again: online again"
is "$(count_ours natter-server-mock)" 1 "make run again: it uses the server left running"
"$NATTER" -D "$DATA" log demo -n 1000 | grep -qF "@alice pong"
ok $? "make run again: the earlier conversation is still in alice's history"
quit
ok $? "make run again: /quit leaves with status 0"

run_stop
like "$STOPPED" "^run-local: stopped the demo server \(pid [0-9]+\) and its notifier \(pid [0-9]+\); its data is kept in $STATE$" \
	"make run-stop says what it stopped"
wait_for sh -c "! pgrep -f '$BUILD/natter-(server-mock|notifyd).*$T_TMP'"
ok $? "make run-stop stopped the server and the notifier"
run_stop
is "$STOPPED" "run-local: no demo is running" "make run-stop with nothing running says so"

# A run killed while it started leaves its lock: the next run takes over.
ln -s 999999999 "$STATE/run.lock"
run_demo
slow_wait "online"
ok $? "the next run starts over a stale lock"
ours
ok $? "and starts one server and one notifier"
[ -e "$DATA/kept-by-the-first-run" ]
ok $? "and keeps the data directory"
quit
run_stop

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
