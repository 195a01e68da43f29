#!/bin/bash
# README's walk-through, as written there: the commands are read from
# README.md, so that a change to them breaks this test. "Try it" (make run,
# quit, watch the notifications, make run again, make run-stop) runs in tmux
# with scripts/run-local, which is what `make run` runs; "Using it" runs each
# command line of its block against that demo server, with the URL and
# password the demo printed in place of the README's example ones, and its
# last line, the interface, in tmux.
. "$(dirname "$0")/tui_lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
README=$ROOT/README.md
export NATTER_DEMO_INTERVAL=1000
# The README's paths are the defaults: ~/.local/state/natter.
export XDG_STATE_HOME=$HOME/.local/state
STATE=$XDG_STATE_HOME/natter
TM_SESSION=demo
trap 'BUILD=$BUILD "$ROOT/scripts/run-local" --stop >/dev/null 2>&1; tm_cleanup' EXIT
PATH=$BUILD:$PATH

# block HEADING: the command lines of the first ```sh block after the heading
# line that starts with HEADING, comments dropped.
block() {
	awk -v h="$1" 'index($0, h) == 1 { on = 1; next }
		on && /^```sh$/ { inb = 1; next }
		inb && /^```$/ { exit }
		inb { sub(/[ \t]+#.*$/, ""); print }' "$README"
}

# "Try it": the four steps, in this order.
mapfile -t TRY < <(block "### Try it")
is "${#TRY[@]}" 4 "README's Try it has four commands"
is "${TRY[0]}|${TRY[2]}|${TRY[3]}" "make run|make run|make run-stop" \
	"they are make run, ..., make run again, make run-stop"
like "${TRY[1]}" '^tail -f ~/\.local/state/natter/demo-notifyd\.log$' \
	"and in between, the notification log is watched"
grep -qF "type  natterbot ping  then  /quit" "$README"
ok $? "README says what to type in natter"

# make run: `make run` in tmux (scripts/run-local, as the Makefile runs it).
make_run() {
	tm_run -x 200 -y 50 "NATTER_DEMO_INTERVAL=1000 BUILD='$BUILD' '$ROOT/scripts/run-local'"
}
make_run
wait_screen -t 30 "online"
ok $? "make run: natter opens, online"
keys "natterbot ping"
key Enter
wait_screen -t 30 "@alice pong"
ok $? "natterbot ping: the bot answers"
keys "/quit"
key Enter
wait_screen -t 30 "make run-stop  stops the demo"
ok $? "/quit: run-local says the demo keeps running and how to stop it"
pgrep -f "natter-notifyd .*$STATE" >/dev/null && pgrep -f "natter-server-mock .*$STATE" >/dev/null
ok $? "the notifier and the server still run"

# tail -f the log the README names, for a few seconds: the bot's messages arrive there.
log=$(eval "echo ${TRY[1]#tail -f }")
n0=$(grep -c "natterbot in demo" "$log")
timeout 4 bash -c "${TRY[1]}" >"$T_TMP/tail.out"
n1=$(grep -c "natterbot in demo" "$T_TMP/tail.out")
[ "$n1" -gt "$n0" ]
ok $? "$(printf '%s' "${TRY[1]}"): the bot's messages arrive as notifications while natter is closed ($n0, then $n1)"

make_run
wait_screen -t 30 "online"
ok $? "make run again: natter opens, online"
wait_for sh -c "'${TM[0]}' ${TM[*]:1} capture-pane -p -t '=$TM_SESSION:' | grep -Eq '[0-9]+ new (since you left|while you were away)'"
ok $? "a marker says how many arrived while natter was closed"
like "$(pane)" "received while natter was closed" "and that the notifier brought them (while natter was closed)"
keys "/quit"
key Enter
wait_screen -t 30 "EXIT 0"

# "Using it", against the demo that still runs.
mapfile -t USE < <(block "## Using it")
[ "${#USE[@]}" -ge 8 ]
ok $? "README's Using it has its commands (${#USE[@]})"
URL=$(sed -n 's/^url //p' "$STATE/run.info")
PW=$(sed -n 's/^demo: user alice password //p' "$STATE/demo-server.log" | tail -1)
EX_URL=$(printf '%s\n' "${USE[@]}" | sed -n 's/.*\(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' | head -1)
EX_PW=$(printf '%s\n' "${USE[@]}" | sed -n 's/^export NATTER_PASSWORD=//p')
[ -n "$EX_URL" ] && [ -n "$EX_PW" ]
ok $? "Using it names the example server ($EX_URL) and password ($EX_PW) make run prints"
last=$((${#USE[@]} - 1))
is "${USE[$last]}" "natter" "its last line is the interface"
for ((i = 0; i < last; i++)); do
	line=${USE[$i]//$EX_URL/$URL}
	line=${line//$EX_PW/$PW}
	if [[ $line == *"&" ]]; then
		eval "${line%&} >'$T_TMP/bg.$i.out' 2>&1 &"
		T_PIDS+=("$!")
		sleep 0.5
		kill -0 "$!" 2>/dev/null
		ok $? "README: $line (runs)"
		continue
	fi
	eval "$line" >"$T_TMP/out.$i" 2>"$T_TMP/err.$i"
	st=$?
	ok $st "README: ${USE[$i]}"
	[ $st -eq 0 ] || sed 's/^/#   /' "$T_TMP/err.$i"
done
log_out=$(cat "$T_TMP"/out.* 2>/dev/null)
like "$log_out" "[0-9][0-9]:[0-9][0-9] natterbot: @alice pong" "natter log shows the bot's answer, as README says"
like "$log_out" "--- [A-Z][a-z]{2} [0-9]{2} [A-Z][a-z]{2} 20[0-9]{2}" "under a date line"
like "$log_out" "20[0-9-]{8}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2} alice: the build is green" "and --format iso gives ISO 8601 times"

tm_run -x 200 -y 50 "natter"
wait_screen -t 30 "online"
ok $? "README: natter: the interface opens, online"
keys "/go proj"
key Enter
wait_screen "the build is green"
ok $? "/go proj shows what was sent to proj"
keys "/names"
key Enter
wait_screen "proj: 3 members: alice (you), bob, natterbot"
ok $? "/names lists proj's members"
keys "/quit"
key Enter
wait_screen "EXIT 0"
ok $? "and /quit leaves"

# make run-stop.
out=$(BUILD=$BUILD bash -c "cd '$ROOT' && $(printf '%s' "${TRY[3]}" | sed "s|^make run-stop|scripts/run-local --stop|")")
like "$out" "stopped the demo server" "make run-stop: stops the demo"
wait_for sh -c "! pgrep -f 'natter-(server-mock|notifyd) .*$STATE'"
ok $? "and the server and the notifier are gone"

done_testing
