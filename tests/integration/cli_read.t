#!/usr/bin/env bash
# Read state shared by a user's devices: natter read on one device clears the
# unread count on another; reads made offline are queued and sent later; a
# server without read state keeps them local; an old history.db keeps what
# it had read.
. "$(dirname "$0")/cli_lib.sh"

# unread WHO CONV: the unread count of CONV in WHO's conversation list.
unread() {
	nat "$1" conversations --json
	jx "$OUT" "my (\$c) = grep { \$_->{id} eq '$2' } @\$d; \$c ? \$c->{unread} : 'none'"
}

start_server || exit 1
account alice
account bob
account carol
nat alice2 -s "$SERVER_URL" login alice
is "$RC" 0 "alice logs in on a second device"
nat alice new proj bob carol; PROJ=$OUT
nat alice new other bob; OTHER=$OUT
for i in 1 2 3; do nat bob send "$PROJ" "bob $i"; done
nat carol send "$PROJ" "carol 1"
nat bob send "$OTHER" "other 1"
is "$(unread alice "$PROJ") $(unread alice2 "$PROJ")" "4 4" "both devices: 4 unread in proj"

nat alice2 read proj
is "$RC $ERR" "0 " "natter read proj on the second device"
is "$(unread alice2 "$PROJ")" "0" "read there"
is "$(unread alice "$PROJ") $(unread alice "$OTHER")" "0 1" "the first device learns it at its next sync; other untouched"
nat bob conversations --json
is "$(jx "$OUT" "my (\$c) = grep { \$_->{id} eq '$PROJ' } @\$d; \$c->{unread}")" "1" "bob's unread count is his own (carol's message)"

# A new message after the read is unread again, on both.
nat carol send "$PROJ" "carol 2"
is "$(unread alice "$PROJ") $(unread alice2 "$PROJ")" "1 1" "a later message is unread on both"
nat alice read --all
is "$(unread alice2 "$PROJ") $(unread alice2 "$OTHER")" "0 0" "read --all from the first device reaches the second"

# Offline: queued, then sent by the next contact with the server.
nat bob send "$OTHER" "other 2"
nat alice sync
kill -STOP "$SERVER_PID"
nat alice -s "$SERVER_URL" read other
kill -CONT "$SERVER_PID"
is "$RC" 75 "read while the server is unreachable: exit 75"
like "$ERR" "marked read here" "says it is marked read here"
is "$(unread alice2 "$OTHER")" "1" "the second device does not know yet"
r0=$(metric natter_requests_total 'endpoint="read"')
nat alice sync
r1=$(metric natter_requests_total 'endpoint="read"')
is "$((r1 - r0))" 1 "the next sync sends the queued marks (one request)"
is "$(unread alice2 "$OTHER")" "0" "and the second device learns it"
nat alice sync
r2=$(metric natter_requests_total 'endpoint="read"')
is "$((r2 - r1))" 0 "nothing is sent twice"

# "--" ends the options (what the notifier's Mark read runs): it crashed natter.
nat alice read -- "$PROJ"
is "$RC $ERR" "0 " "read -- CONV"
nat alice log -n 1 -- "$PROJ"
is "$RC" 0 "log -- CONV"

# Usage.
nat alice read
is "$RC" 2 "read without a conversation: usage"
nat alice read --all proj
is "$RC" 2 "read --all with a conversation: usage"
nat alice read nosuch
is "$RC" 1 "an unknown conversation: error"

# An unchanged launch still moves no bytes for read state.
nat alice sync --json
is "$(jx "$OUT" '$d->{requests}')" 1 "an unchanged launch is one request"

# A server without read state (--protocol 1.0): marks stay local, no error.
stop_server
start_server -d "$T_TMP/old.db" --protocol 1.0 || exit 1
account dave
account erin
nat dave new d erin; D=$OUT
nat erin send "$D" "hi dave"
nat dave read "$D"
is "$RC" 0 "read against a server without read state succeeds"
is "$(unread dave "$D")" "0" "and is kept here"
nat dave sync --json
is "$(jx "$OUT" '$d->{requests}') $RC" "2 0" "the 404 is not asked again: the launch is the version-1 launch (2 requests)"

# A history.db from before read marks keeps its read position.
H=$T_TMP/dave/history.db
[ -f "$H" ] || H=$(find "$T_TMP/dave" -name history.db | head -1)
sqlite3 "$H" "DROP TABLE reads; DROP INDEX messages_target;
	ALTER TABLE conversations DROP COLUMN state;
	ALTER TABLE conversations DROP COLUMN inviter; ALTER TABLE conversations DROP COLUMN direct;
	$(for c in kind target_sender target_seq action remove deleted op users lost; do echo "ALTER TABLE messages DROP COLUMN $c;"; done)
	$(for c in kind target_sender target_seq action remove; do echo "ALTER TABLE outbox DROP COLUMN $c;"; done)
	PRAGMA user_version = 1;
	UPDATE conversations SET (read_ts, read_id) = (SELECT ts, id FROM messages WHERE conv = '$D' ORDER BY ts DESC, id DESC LIMIT 1) WHERE id = '$D';"
nat erin send "$D" "after the old read position"
is "$(unread dave "$D")" "1" "an old history.db is upgraded: read before, only the new one unread"
# A slow server (300 ms an answer): natter read waits for it like any request.
start_server --faults delay=300 || exit 1
account frank
account gina
nat frank2 -s "$SERVER_URL" login frank
nat frank new slow gina; SLOW=$OUT
nat gina send "$SLOW" "are you there"
nat frank read "$SLOW"
is "$RC $ERR" "0 " "natter read against a slow server: the marks are sent, no error"
is "$(unread frank2 "$SLOW")" "0" "and the other device finds them read"
done_testing
