#!/usr/bin/env bash
# Contention on one sync.db: natter-notifyd, two `natter sync` loops and the
# interface (in tmux) all write alice's data directory while bob posts and
# alice types. No busy or locked error reaches her (stderr, status line), and
# in the end her history holds every message of the server exactly once.
# CONTENTION_SECONDS sets the length (default 20; SOAK=1: 300).
. "$(dirname "$0")/launch_lib.sh"
. "$(dirname "$0")/tui_lib.sh"
trap 'touch "$T_TMP/stop"; tm_cleanup' EXIT

if [ -n "${SOAK:-}" ]; then SECONDS_RUN=${CONTENTION_SECONDS:-300}; else SECONDS_RUN=${CONTENTION_SECONDS:-20}; fi
A=$T_TMP/alice

start_server || exit 1
account alice
account bob
nat alice new crowd bob; CONV=$OUT
nat alice sync >/dev/null

tm_natter -y 30 -D "$A"
wait_for pane_has "crowd"
ok $? "the interface is open on the conversation list"

start_notifyd "$A" --backend none

# sync_loop N: runs `natter sync` until told to stop; counts failures in sync.N.fail.
sync_loop() {
	local fails=0 runs=0
	while [ ! -e "$T_TMP/stop" ]; do
		runs=$((runs + 1))
		"$NATTER" -D "$A" sync >/dev/null 2>>"$T_TMP/sync.$1.err" || fails=$((fails + 1))
	done
	echo "$runs $fails" >"$T_TMP/sync.$1.count"
}
sync_loop 1 &
L1=$!
sync_loop 2 &
L2=$!
T_PIDS+=("$L1" "$L2")

# bob posts bursts of 50 through `natter send --lines`.
(
	r=0
	while [ ! -e "$T_TMP/stop" ]; do
		r=$((r + 1))
		seq 1 50 | sed "s/^/bob $r.$((RANDOM % 10)) /" |
			"$NATTER" -D "$T_TMP/bob" send --lines "$CONV" >/dev/null 2>>"$T_TMP/bob.err"
		sleep 0.05
	done
) &
BURST=$!
T_PIDS+=("$BURST")

# Alice types into the interface and the status line is watched meanwhile.
typed=0 seen_busy=0
end=$(($(date +%s) + SECONDS_RUN))
while [ "$(date +%s)" -lt "$end" ]; do
	typed=$((typed + 1))
	keys "alice typed $typed"
	key Enter
	if pane | grep -qiE 'busy|locked'; then
		seen_busy=$((seen_busy + 1))
		pane | sed 's/^/#   /' | tail -3
	fi
	sleep 0.5
done
touch "$T_TMP/stop"
wait "$L1" "$L2" "$BURST"
read -r runs1 fails1 <"$T_TMP/sync.1.count"
read -r runs2 fails2 <"$T_TMP/sync.2.count"
diag "$SECONDS_RUN s: $runs1 + $runs2 syncs, $typed lines typed"
is "$seen_busy" 0 "the status line never showed a busy or locked database"
is "$((fails1 + fails2))" 0 "every natter sync succeeded ($((runs1 + runs2)) runs)"
errs=$(cat "$T_TMP"/sync.*.err "$T_TMP/natter.err" "$NERR" 2>/dev/null | grep -iE 'busy|locked' | head -3)
is "$errs" "" "no busy or locked error on any stderr"
kill -0 "$NPID"; ok $? "the notifier still runs"

# Wait until the interface delivered everything it was given, then quit it.
wait_for pane_has "alice typed $typed"
keys "/quit"
key Enter
wait_for pane_has "EXIT 0"
ok $? "the interface leaves with status 0"
is "$(head -c 2000 "$T_TMP/natter.err")" "" "the interface wrote nothing to stderr"
stop_notifyd
is "$NSTATUS" 0 "the notifier stopped cleanly"

api POST /v1/login '{"user":"alice","password":"correct-horse"}' >/dev/null
TOKEN=$(sed -n 's/.*"token": *"\([0-9a-f]*\)".*/\1/p' "$T_TMP/api.body")
vec=$(api GET "/v1/conversations/$CONV" "" "$TOKEN")
total=$(jx "$vec" 'my $n = 0; for (values %{$d->{vector}}) { for (split /,/) {
	my ($a, $b) = split /-/; $n += defined $b ? $b - $a + 1 : 1 } } $n')
alice_sent=$(jx "$vec" '$d->{vector}{alice}')
is "$alice_sent" "1-$typed" "every line typed reached the server once ($typed)"
nat alice sync
is "$RC $ERR" "0 " "a last sync succeeds quietly"
is "$(history_report alice "$CONV")" "$total $total" "history holds all $total messages, each once"
nat alice log "$CONV" --json -n 1000000
is "$(jx "$OUT" 'my %b; $b{$_->{body}}++ for @$d; scalar grep { $b{$_} > 1 && $_ =~ /^alice/ } keys %b')" 0 \
	"no typed line appears twice"
is "$(syncdb "$A" 'PRAGMA integrity_check')" ok "sync.db is intact"

done_testing
