#!/bin/bash
# The launch merge as the interface shows it: messages the notifier stored in
# sync.db while natter was closed appear at launch even when the server is
# gone by then, under a marker that says where they came from in a user's
# words (received while natter was closed, downloaded now or earlier).
. "$(dirname "$0")/tui_lib.sh"

export NATTER_PASSWORD=password123
start_server -d "$T_TMP/server.db" || { echo "1..0 # SKIP no server"; exit 0; }
PORT=${SERVER_URL##*:}
DAVE=(-D "$T_TMP/dave")
"$NATTER" -s "$SERVER_URL" register carol >/dev/null
"$NATTER" "${DAVE[@]}" -s "$SERVER_URL" register dave >/dev/null
C=$("$NATTER" new lunch dave)
"$NATTER" "${DAVE[@]}" send "$C" "before the notifier" >/dev/null
"$NATTER" sync >/dev/null

"$NOTIFYD" --backend stdout >"$T_TMP/notifyd.log" 2>&1 &
NPID=$!
T_PIDS+=("$NPID")
sleep 1
"$NATTER" "${DAVE[@]}" send "$C" "kept by the notifier 1" >/dev/null
"$NATTER" "${DAVE[@]}" send "$C" "kept by the notifier 2" >/dev/null
wait_for grep -q "kept by the notifier 2" "$T_TMP/notifyd.log"
ok $? "the notifier received the messages while natter was closed"
kill "$NPID"
wait "$NPID" 2>/dev/null
stop_server

tm_natter
wait_for pane_has "before the notifier"
ok $? "the first screen shows the history"
wait_for pane_has "offline"
ok $? "the server is gone: the status line says offline"
wait_for pane_has "kept by the notifier 2"
ok $? "the messages the notifier kept appear without the server"
# "before the notifier" was fetched by `natter sync` but never shown: unread too.
pane_has "3 new since you left: 2 received while natter was closed, 1 downloaded earlier"
ok $? "the marker says which came while natter was closed, and that the counts add up"

"${TM[@]}" send-keys -t natter C-c
wait_for pane_has "EXIT 0"
ok $? "C-c leaves with status 0"

# Again with the server back: one message kept by the notifier, one only on the server.
"$SERVER" -p "$PORT" -d "$T_TMP/server.db" >"$T_TMP/server.2.log" 2>&1 &
T_PIDS+=("$!")
wait_for "$NATTER" "${DAVE[@]}" conversations
"$NOTIFYD" --backend stdout >"$T_TMP/notifyd.2.log" 2>&1 &
NPID=$!
T_PIDS+=("$NPID")
sleep 1
"$NATTER" "${DAVE[@]}" send "$C" "only the notifier has this" >/dev/null
wait_for grep -q "only the notifier has this" "$T_TMP/notifyd.2.log"
kill "$NPID"
wait "$NPID" 2>/dev/null
"$NATTER" "${DAVE[@]}" send "$C" "only the server has this" >/dev/null
tm_natter
wait_for pane_has "only the server has this"
ok $? "the launch brings the remainder from the server"
nl=$'\n'
like "$(pane)" "2 new since you left: 1 received while natter was closed, 1 downloaded now[^$nl]*$nl[^$nl]*only the notifier has this[^$nl]*$nl[^$nl]*only the server has this" \
	"the marker splits the news between the notifier and the server"
"${TM[@]}" send-keys -t natter C-c
wait_for pane_has "EXIT 0"
is "$(head -c 2000 "$T_TMP/natter.err")" "" "nothing was written to stderr"
done_testing
