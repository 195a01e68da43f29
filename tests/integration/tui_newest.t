#!/bin/bash
# A new device in the interface, against an account of 200,000 messages in 200
# conversations whose notifier already stored 5 live ones: the first screen
# shows the newest messages at once (one window per conversation), the status
# line says older messages are still loading, PageUp reaches older ones before
# the background fill has come round to the last conversation (the paged one
# goes first), and at the end history holds every message once: the server
# delivered each through sync exactly once, and not the 5 the notifier had.
. "$(dirname "$0")/tui_lib.sh"
. "$(dirname "$0")/notifyd_helpers.sh"

export NATTER_PASSWORD=password123
DB=$T_TMP/server.db
start_server -d "$DB" || { echo "1..0 # SKIP no server"; exit 0; }
PORT=${SERVER_URL##*:}
"$NATTER" -s "$SERVER_URL" register alice >/dev/null
stop_server

# 200 conversations of alice and q1, 500 messages from each in each; 3 of bob
# and q1, 300 from each.
NCONV=200
PER=500
sqlite3 "$DB" "
INSERT INTO users (name, pwhash, created)
  SELECT 'q1', pwhash, 0 FROM users WHERE name = 'alice';
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $NCONV)
INSERT INTO convs (pubid, title, created)
  SELECT 'cq' || printf('%08x', i), 'big-' || i, 1795300000000 + i FROM k;
INSERT INTO members (conv, user, last_seq)
  SELECT c.id, u.id, $PER FROM convs c, users u WHERE u.name IN ('alice', 'q1');
WITH RECURSIVE s(q) AS (SELECT 1 UNION ALL SELECT q + 1 FROM s WHERE q < $PER)
INSERT INTO messages (conv, sender, seq, ts, client_id, body)
  SELECT m.conv, m.user, s.q, 1795300000000 + s.q, 'fill-' || m.user || '-' || s.q,
    'message ' || s.q || ' of ' || m.user
  FROM s, members m ORDER BY s.q, m.conv, m.user;
INSERT INTO users (name, pwhash, created)
  SELECT 'bob', pwhash, 0 FROM users WHERE name = 'alice';
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 3)
INSERT INTO convs (pubid, title, created)
  SELECT 'cb' || printf('%08x', i), 'small-' || i, 1795300000000 + i FROM k;
INSERT INTO members (conv, user, last_seq)
  SELECT c.id, u.id, 300 FROM convs c, users u
  WHERE c.pubid GLOB 'cb*' AND u.name IN ('bob', 'q1');
WITH RECURSIVE s(q) AS (SELECT 1 UNION ALL SELECT q + 1 FROM s WHERE q < 300)
INSERT INTO messages (conv, sender, seq, ts, client_id, body)
  SELECT m.conv, m.user, s.q, 1795300000000 + s.q, 'fill-' || m.user || '-' || s.q,
    'message ' || s.q || ' of ' || m.user
  FROM s, members m JOIN convs c ON c.id = m.conv WHERE c.pubid GLOB 'cb*'
  ORDER BY s.q, m.conv, m.user;
INSERT INTO events (type, conv, msg) SELECT 2, id, NULL FROM convs;
INSERT INTO inbox (user, cursor)
  SELECT m.user, e.cursor FROM events e JOIN members m ON m.conv = e.conv;
UPDATE users SET inbox_n = (SELECT count(*) FROM inbox WHERE inbox.user = users.id);"
TOTAL=$((NCONV * 2 * PER))
FIRST=cq00000001
LAST=cq$(printf %08x $NCONV)
start_server -d "$DB" -p "$PORT" || exit 1

# The notifier of this new device stores 5 live messages before natter opens.
"$NOTIFYD" --backend stdout >"$T_TMP/notifyd.log" 2>&1 &
NPID=$!
T_PIDS+=("$NPID")
wait_for has_cursor "$XDG_DATA_HOME/natter"
Q1=$(api POST /v1/login "{\"user\":\"q1\",\"password\":\"$NATTER_PASSWORD\"}" | json_field token)
for i in 1 2 3 4 5; do say "$Q1" $FIRST "\"live $i\""; done
wait_for grep -q "live 5" "$T_TMP/notifyd.log"
ok $? "the notifier stored 5 live messages"
kill "$NPID"
wait "$NPID" 2>/dev/null

delivered() { metric natter_messages_delivered_total 'via="sync"'; }
before=$(delivered)
tm_natter -y 30
wait_screen -t 20 "message $PER of 2"
ok $? "the first screen shows the newest messages of the account"
pane_has "live 5"
ok $? "beside the live ones the notifier kept"
like "$(pane)" "loading older messages" "the status line says older messages are still loading"

# held CONV: the messages of CONV in natter's history.db.
held() { sqlite3 -cmd '.timeout 5000' "$XDG_DATA_HOME/natter/history.db" \
	"SELECT count(*) FROM messages WHERE conv = '$1'"; }

# The fill asks 10 conversations a round, 500 messages each, in turn: the first
# conversation's second turn comes after the last one's first. PageUp at the
# top of what is held asks for the shown one's older messages first, so it is
# whole (1,005 messages) while the last still holds its first window (20).
for i in $(seq 1 400); do
	key PageUp
	sleep 0.05
	[ "$(held $FIRST)" -ge $((2 * PER + 5)) ] && break
done
last=$(held $LAST)
is "$(held $FIRST)" $((2 * PER + 5)) "PageUp brought the shown conversation's whole history"
is "$last" 20 "before the fill came round to the last conversation (it holds its first window)"
for i in $(seq 1 100); do
	pane | grep -qE "message ([1-9]|[1-9][0-9]|1[0-9][0-9]|2[01][0-9]) of" && break
	key PageUp
	sleep 0.05
done
like "$(pane)" "message ([1-9]|[1-9][0-9]|1[0-9][0-9]|2[01][0-9]) of" \
	"the screen shows messages older than the fill's first turn would bring"

# The background fill ends; then history holds everything, each message once.
wait_for_gone() {
	local i
	for i in $(seq 1 1200); do
		pane_has "loading older messages" || return 0
		sleep 0.1
	done
	return 1
}
wait_for_gone
ok $? "the background fill finishes"
is "$(($(delivered) - before))" "$TOTAL" "sync delivered each of the $TOTAL messages once, not the notifier's 5"
n=$("$NATTER" log $FIRST -n 1000000 --json | perl -MJSON::PP -e 'local $/;
	my $d = decode_json(<STDIN>); my %u; $u{"$_->{sender}/$_->{seq}"}++ for @$d;
	print scalar(@$d), " ", scalar(keys %u)')
is "$n" "$((2 * PER + 5)) $((2 * PER + 5))" "a conversation holds all its messages, each once"
key C-c
wait_for pane_has "EXIT 0"
ok $? "C-c leaves with status 0"
is "$(head -c 2000 "$T_TMP/natter.err")" "" "nothing was written to stderr (no sanitizer report either)"

# A server that cannot answer newest first (--protocol 1.0): bob's new device
# falls back to oldest first, and is exact all the same.
stop_server
start_server -d "$DB" -p "$PORT" --protocol 1.0 || exit 1
"$NATTER" -D "$T_TMP/bob" -s "$SERVER_URL" login bob >/dev/null
before=$(delivered)
tm_natter -D "$T_TMP/bob"
wait_screen -t 30 "message 300 of 3"
ok $? "1.0: the newest messages appear"
wait_for_gone
ok $? "1.0: the fill finishes"
is "$(($(delivered) - before))" 1800 "1.0: sync delivered each of the 1800 messages once"
n=$("$NATTER" -D "$T_TMP/bob" log cb00000001 -n 1000000 --json | perl -MJSON::PP -e 'local $/;
	my $d = decode_json(<STDIN>); my %u; $u{"$_->{sender}/$_->{seq}"}++ for @$d;
	print scalar(@$d), " ", scalar(keys %u)')
is "$n" "600 600" "1.0: a conversation holds all its 600, each once"
key C-c
wait_for pane_has "EXIT 0"
done_testing
