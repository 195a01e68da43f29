#!/bin/bash
# The launch sync when the notifier's stream had a gap (the server dropped
# events it kept for too long) and when the server is down at launch.
. "$(dirname "$0")/launch_lib.sh"

start_server -d "$T_TMP/server.db" --event-retention 10 || exit 1
PORT=${SERVER_URL##*:}
for u in alice bob; do account "$u"; done
BOB=$(token_of bob)
A=$T_TMP/alice
nat alice new gappy bob
CONV=$OUT
nat alice sync --json >/dev/null

# A gap: the notifier gets 1-5, is stopped while 20 more arrive (more than
# the server keeps), then restarts and only gets the retained ones.
start_notifyd "$A" --backend none
send_as "$BOB" "$CONV" 5 early
wait_for store_has "$A" "$CONV" 5
stop_notifyd
send_as "$BOB" "$CONV" 20 missed
start_notifyd "$A" --backend none
wait_for store_has "$A" "$CONV" 15
ok $? "gap: the restarted notifier stored the 10 retained messages"
gap=$(syncdb "$A" "SELECT count(*) FROM state WHERE key LIKE '%gap%'")
[ "${gap:-0}" -ge 1 ]
ok $? "gap: the notifier recorded the gap in sync.db"
stop_notifyd
launch alice
is "$(jx "$SYNC" '$d->{merged_from_store}')" 15 "gap: merged the 15 the notifier had"
is "$DELIVERED" 10 "gap: the server delivered only the 10 in the hole"
is "$(history_report alice "$CONV")" "25 25" "gap: history holds 25, each once"
nat alice log "$CONV" --json -n 100
is "$(jx "$OUT" 'join ",", map { $_->{seq} } @$d')" \
	"$(seq -s, 1 25)" "gap: bob's sequence numbers 1..25, no hole, in order"

# The server is down at launch: the local merge still runs.
start_notifyd "$A" --backend none
send_as "$BOB" "$CONV" 4 before-crash
wait_for store_has "$A" "$CONV" 29
stop_notifyd
send_as "$BOB" "$CONV" 3 unseen
stop_server
nat alice sync --json
is "$RC" 75 "offline: natter sync exits 75 (temporary failure)"
is "$(jx "$OUT" '$d->{merged_from_store}')" 4 "offline: still merged the 4 from sync.db"
is "$(jx "$OUT" '$d->{offline} ? "offline" : "online"')" offline "offline: the report says offline"
nat alice log "$CONV" -n 100
like "$OUT" "before-crash 4" "offline: the user sees what the notifier got"

start_server -d "$T_TMP/server.db" --event-retention 10 -p "$PORT" || exit 1
is "$SERVER_URL" "http://127.0.0.1:$PORT" "the server is back on the same address"
launch alice
is "$(jx "$SYNC" '$d->{fetched_from_server}')" 3 "back online: fetched the 3 missing"
is "$DELIVERED" 3 "back online: the server delivered exactly 3"
is "$(history_report alice "$CONV")" "32 32" "back online: history holds 32, each once"

done_testing
