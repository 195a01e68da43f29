#!/usr/bin/env bash
# The server's database is restored from a backup while alice's natter
# (history.db) and her notifier (sync.db) hold newer messages; bob's next
# messages reuse seqs 6-8. Nothing is lost, nothing duplicated, the clients
# say in words what happened, the lost messages are kept and marked, and the
# new ones with reused seqs are fetched and announced.
. "$(dirname "$0")/cli_lib.sh"
. "$(dirname "$0")/notifyd_helpers.sh"

start_server -d "$T_TMP/server.db" || { done_testing; }
PORT=${SERVER_URL##*:}
account alice
BOB=$(user_token bob)
nat alice new proj bob; PROJ=$OUT
for i in 1 2 3 4 5; do say "$BOB" "$PROJ" "\"old $i\""; done
nat alice sync
is "$RC" 0 "alice syncs the first five"

start_notifyd "$T_TMP/alice" --backend stdout
sqlite3 "$T_TMP/server.db" ".backup '$T_TMP/backup.db'"
ok $? "the server's database is backed up while it runs"
for i in 6 7 8; do say "$BOB" "$PROJ" "\"after the backup $i\""; done
wait_for in_file "$NOUT" "after the backup 8"
ok $? "the notifier announces the three after the backup"
nat alice sync
is "$(nat alice log "$PROJ" --json; jx "$OUT" 'scalar @$d')" 8 "alice's history holds 8"

# The restore: stop, put the backup in place, start again on the same port.
wait_for longpoll_open
stop_server
cp "$T_TMP/backup.db" "$T_TMP/server.db"
rm -f "$T_TMP/server.db-wal" "$T_TMP/server.db-shm"
start_server -p "$PORT" -d "$T_TMP/server.db"
is "$SERVER_URL" "http://127.0.0.1:$PORT" "the restored server is back on its port"
like "$(cat "$T_TMP/server.$T_SERVERS.log")" "restored from a backup" \
	"the server notices the restore and says so"

api POST "/v1/conversations/$PROJ/messages" '{"client_id":"n6","body":"new 6"}' "$BOB" >/dev/null
is "$(jx "$(cat "$T_TMP/api.body")" '$d->{seq}')" 6 "bob's next message reuses seq 6"
say "$BOB" "$PROJ" '"new 7"'
say "$BOB" "$PROJ" '"new 8"'

wait_for in_file "$NOUT" "new 8"
ok $? "the notifier fetches and announces the messages with reused seqs"
like "$(cat "$NOUT")" "new 6" "new 6 too"
is "$(grep 'new 6' "$NOUT" | grep -c 'after the backup')" 0 \
	"no false notification: the lost ones are not announced again"
wait_for in_file "$NERR" "restored from a backup"
like "$(cat "$NERR")" "restored from a backup: 3 messages" "the notifier's log says what happened"
is "$(syncdb "$T_TMP/alice" "SELECT count(*) FROM messages WHERE conv = '$PROJ'")" 11 \
	"sync.db keeps the 3 lost messages beside the 3 new ones"

# natter: the notifier moved to the new generation before it.
nat alice sync --json
is "$RC" 0 "alice syncs after the restore"
like "$ERR" "The server at $SERVER_URL was restored from a backup: 3 messages this device holds are no longer on it; they are kept and marked." \
	"natter says in words what happened"
is "$(jx "$OUT" '$d->{lost}')" 3 "and counts them in the JSON"
nat alice log "$PROJ" --json
is "$(jx "$OUT" 'scalar @$d')" 11 "nothing lost, nothing duplicated: 5 + 3 lost + 3 new"
is "$(jx "$OUT" 'join ",", map { $_->{body} } grep { $_->{lost} } @$d')" \
	"after the backup 6,after the backup 7,after the backup 8" "the lost ones are marked"
is "$(jx "$OUT" 'join ",", map { $_->{body} } grep { !$_->{lost} && $_->{seq} > 5 } @$d')" \
	"new 6,new 7,new 8" "the new ones with reused seqs are shown"
nat alice log "$PROJ"
like "$OUT" "bob: after the backup 7 \\(lost in a server restore\\)" "log marks them for people"

nat alice sync --json
is "$(jx "$OUT" '$d->{fetched_from_server}')" 0 "a second sync downloads nothing again"
unlike "$ERR" "restored" "and says nothing more"
nat alice log "$PROJ" --json
is "$(jx "$OUT" 'scalar @$d')" 11 "still 11"
say "$BOB" "$PROJ" '"new 9"'
wait_for in_file "$NOUT" "new 9"
ok $? "the notifier goes on"
nat alice sync --json
is "$(jx "$OUT" '$d->{fetched_from_server} + $d->{merged_from_store}')" 1 \
	"natter takes the next message once (from the notifier's store)"
nat alice log "$PROJ" --json
is "$(jx "$OUT" 'scalar @$d')" 12 "12 in all"
stop_notifyd

# The safety net: a restore the server does not notice (FILE.epoch lost, no
# --restored): the server holds less than alice under the same epoch.
sqlite3 "$T_TMP/server.db" ".backup '$T_TMP/backup2.db'"
say "$BOB" "$PROJ" '"gone quietly"'
nat alice sync
stop_server
cp "$T_TMP/backup2.db" "$T_TMP/server.db"
rm -f "$T_TMP/server.db-wal" "$T_TMP/server.db-shm" "$T_TMP/server.db.epoch"
start_server -p "$PORT" -d "$T_TMP/server.db"
unlike "$(cat "$T_TMP/server.$T_SERVERS.log")" "restored" "without its epoch file the server cannot tell"
nat alice sync --json
like "$ERR" "The server at $SERVER_URL no longer has 1 message this device holds" \
	"natter notices that the server has less than it holds, and says so"
nat alice log "$PROJ" --json
is "$(jx "$OUT" 'join ",", map { $_->{body} } grep { $_->{lost} && $_->{seq} == 10 } @$d')" \
	"gone quietly" "that message is kept and marked"
say "$BOB" "$PROJ" '"reused quietly"'
nat alice sync --json
nat alice log "$PROJ" --json
is "$(jx "$OUT" 'join ",", map { $_->{body} } grep { $_->{seq} == 10 } @$d')" \
	"gone quietly,reused quietly" "and the message that reuses its seq is fetched"
done_testing
