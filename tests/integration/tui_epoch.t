#!/bin/bash
# The interface after the server was restored from a backup: a notice says so
# in words, the messages the server lost stay on screen with a mark, and the
# newer ones that reuse their seqs appear; at launch, and while it runs.
. "$(dirname "$0")/tui_lib.sh"

export NATTER_PASSWORD=password123
start_server -d "$T_TMP/server.db" || { echo "1..0 # SKIP no server"; exit 0; }
PORT=${SERVER_URL##*:}
DAVE=(-D "$T_TMP/dave")
"$NATTER" -s "$SERVER_URL" register carol >/dev/null
"$NATTER" "${DAVE[@]}" -s "$SERVER_URL" register dave >/dev/null
C=$("$NATTER" new lunch dave)
"$NATTER" "${DAVE[@]}" send "$C" "kept 1" >/dev/null
sqlite3 "$T_TMP/server.db" ".backup '$T_TMP/backup.db'"
"$NATTER" "${DAVE[@]}" send "$C" "gone 2" >/dev/null
"$NATTER" "${DAVE[@]}" send "$C" "gone 3" >/dev/null
"$NATTER" sync >/dev/null

# restore FILE: the server stops, FILE replaces its database, it starts on its port.
restore() {
	stop_server
	cp "$1" "$T_TMP/server.db"
	rm -f "$T_TMP/server.db-wal" "$T_TMP/server.db-shm"
	start_server -p "$PORT" -d "$T_TMP/server.db"
}
restore "$T_TMP/backup.db"
"$NATTER" "${DAVE[@]}" send "$C" "reused 2" >/dev/null

tm_natter -x 140
wait_screen "was restored from a backup: 2 messages this device holds"
ok $? "the launch says in words what the restore did"
wait_screen "gone 3 (lost in a server restore)"
ok $? "the lost messages stay, marked"
pane_has "gone 2 (lost in a server restore)"
ok $? "both of them"
wait_screen "reused 2"
ok $? "the new message with a reused seq is shown"
is "$(pane | grep -c 'kept 1')" 1 "nothing twice"

# While it runs: a second restore, noticed by the long-poll.
sqlite3 "$T_TMP/server.db" ".backup '$T_TMP/backup2.db'"
"$NATTER" "${DAVE[@]}" send "$C" "gone 4" >/dev/null
wait_screen "gone 4"
ok $? "natter shows what follows"
restore "$T_TMP/backup2.db"
"$NATTER" "${DAVE[@]}" send "$C" "reused 3" >/dev/null
wait_screen -t 20 "was restored from a backup: 1 message this device holds"
ok $? "a restore while natter runs is said too"
wait_screen "gone 4 (lost in a server restore)"
ok $? "and its lost message marked"
wait_screen "reused 3"
ok $? "and the new one shown"
key C-c
wait_screen "EXIT 0"
ok $? "C-c leaves with status 0"
done_testing
