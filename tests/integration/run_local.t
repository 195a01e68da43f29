#!/bin/bash
# The README's first command: `make run` (scripts/run-local) starts the demo
# server, the notifier and natter logged in as alice; a live conversation with
# the bot shows within seconds; quitting natter stops everything it started;
# a second run keeps the history.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
export TMUX_TMPDIR=$T_TMP
TM=(tmux -L "natter-test-$$")
tm_cleanup() { "${TM[@]}" kill-server 2>/dev/null; t_cleanup; }
trap tm_cleanup EXIT
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export NATTER_DEMO_INTERVAL=1000

pane() { "${TM[@]}" capture-pane -p -t demo; }
# slow_wait CMD...: like wait_for, for up to 30 s (a sanitizer build under load
# starts three programs and hashes a password at each run).
slow_wait() {
	local i
	for i in $(seq 1 600); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	diag "waited 30 s for: $*; the screen:"
	pane | sed 's/^/#   /'
	return 1
}
pane_has() { pane | grep -qF -- "$1"; }
# ours: processes of this build that still run with this test's state directory.
ours() { pgrep -f "$BUILD/natter-(server-mock|notifyd).*$T_TMP" >/dev/null; }

run_demo() {
	"${TM[@]}" new-session -d -s demo -x 100 -y 24 \
		"env LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME='$HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
		XDG_DATA_HOME='$XDG_DATA_HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' \
		NATTER_DEMO_INTERVAL=1000 BUILD='$BUILD' '$ROOT/scripts/run-local'; echo \"EXIT \$?\"; sleep 60"
}

run_demo
slow_wait pane_has "natterbot"
ok $? "make run: the bot's conversation shows"
slow_wait pane_has "online"
ok $? "make run: the status line says online, as alice"
like "$(pane)" "alice@http://127\.0\.0\.1:" "make run: logged in as alice on loopback"
ours
ok $? "make run: the demo server and the notifier run"
[ -d "$XDG_STATE_HOME/natter" ] && [ "$(stat -c %a "$XDG_STATE_HOME/natter")" = 700 ]
ok $? "make run: its data is under XDG_STATE_HOME/natter, mode 700"

"${TM[@]}" send-keys -t demo -l -- "natterbot ping"
"${TM[@]}" send-keys -t demo Enter
slow_wait pane_has "@alice pong"
ok $? "make run: the bot answers what alice types"

"${TM[@]}" send-keys -t demo -l -- "/quit"
"${TM[@]}" send-keys -t demo Enter
slow_wait pane_has "EXIT 0"
ok $? "make run: /quit leaves with status 0"
wait_for sh -c "! pgrep -f '$BUILD/natter-(server-mock|notifyd).*$T_TMP'"
ok $? "make run: quitting stopped the server and the notifier"
"${TM[@]}" kill-server 2>/dev/null

run_demo
slow_wait pane_has "online"
ok $? "make run again: online again"
"$NATTER" -D "$XDG_STATE_HOME/natter/demo-client" log demo -n 1000 | grep -qF "@alice pong"
ok $? "make run again: the earlier conversation is still in alice's history"
"${TM[@]}" send-keys -t demo -l -- "/quit"
"${TM[@]}" send-keys -t demo Enter
slow_wait pane_has "EXIT 0"
ok $? "make run again: /quit leaves with status 0"

done_testing
