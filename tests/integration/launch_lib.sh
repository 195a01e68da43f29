# Helpers for the launch-sync scenarios (launch_*.t): the notifier receives K
# of N new messages, natter launches, and the server's metrics tell how many
# messages it delivered to that launch.
. "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/notifyd_helpers.sh"

# token_of USER: logs USER in through the API and prints a token.
token_of() {
	api POST /v1/login "{\"user\":\"$1\",\"password\":\"$NATTER_PASSWORD\"}" |
		sed -n 's/.*"token": *"\([0-9a-f]*\)".*/\1/p'
}

# send_as TOKEN CONV COUNT TAG: posts COUNT messages "TAG i" through the API.
send_as() {
	local i
	for i in $(seq 1 "$3"); do
		api POST "/v1/conversations/$2/messages" \
			"{\"client_id\":\"$4-$i-$RANDOM$RANDOM\",\"body\":\"$4 $i\"}" "$1" >/dev/null
		[ "$HTTP_STATUS" = 201 ] || { diag "send $4 $i: HTTP $HTTP_STATUS"; return 1; }
	done
}

# delivered_by_sync: the server's count of messages it delivered through /v1/sync.
delivered_by_sync() { metric natter_messages_delivered_total 'via="sync"'; }

# store_count DIR CONV: messages of CONV in DIR/sync.db.
store_count() {
	syncdb "$1" "SELECT count(*) FROM messages WHERE conv = '$2'"
}

# store_has DIR CONV N: DIR/sync.db holds N messages of CONV.
store_has() {
	[ "$(store_count "$1" "$2")" = "$3" ]
}

# launch USER: runs `natter sync --json` as USER; sets SYNC (the JSON), RC, and
# DELIVERED (messages the server delivered through /v1/sync during it).
launch() {
	local before after
	before=$(delivered_by_sync)
	nat "$1" sync --json
	SYNC=$OUT
	after=$(delivered_by_sync)
	DELIVERED=$((after - before))
	[ "$RC" -eq 0 ] || diag "natter sync: rc $RC: $ERR"
}

# history_report USER CONV: "TOTAL UNIQUE" messages in USER's history of CONV.
history_report() {
	nat "$1" log "$2" --json -n 1000000
	jx "$OUT" 'my %u; $u{"$_->{sender}/$_->{seq}"}++ for @$d; scalar(@$d) . " " . scalar(keys %u)'
}

# fill OWNER PREFIX NCONV NMEMBERS PER: in the stopped server's database $DB,
# NCONV conversations of OWNER and NMEMBERS - 1 users PREFIX1.. (the owner's
# password), each member having sent PER messages in each ("message Q of
# USERID"), interleaved; one conversation event each, in every member's inbox
# (as a creation makes). The API would take minutes.
fill() {
	sqlite3 "$DB" "
	WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $4 - 1)
	INSERT INTO users (name, pwhash, created)
	  SELECT '$2' || i, (SELECT pwhash FROM users WHERE name = '$1'), 0 FROM k;
	WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $3)
	INSERT INTO convs (pubid, title, created)
	  SELECT 'c$2' || printf('%08x', i), '$2-' || i, 1795300000000 + i FROM k;
	INSERT INTO members (conv, user, last_seq)
	  SELECT c.id, u.id, $5 FROM convs c, users u
	  WHERE c.pubid GLOB 'c$2[0-9a-f]*' AND (u.name = '$1' OR u.name GLOB '$2[0-9]*');
	WITH RECURSIVE s(q) AS (SELECT 1 UNION ALL SELECT q + 1 FROM s WHERE q < $5)
	INSERT INTO messages (conv, sender, seq, ts, client_id, body)
	  SELECT m.conv, m.user, s.q, 1795300000000 + s.q, 'fill-' || m.user || '-' || s.q,
	    'message ' || s.q || ' of ' || m.user
	  FROM s, members m JOIN convs c ON c.id = m.conv
	  WHERE c.pubid GLOB 'c$2[0-9a-f]*' ORDER BY s.q, m.conv, m.user;
	INSERT INTO events (type, conv, msg)
	  SELECT 2, id, NULL FROM convs WHERE pubid GLOB 'c$2[0-9a-f]*';
	INSERT INTO inbox (user, cursor)
	  SELECT m.user, e.cursor FROM events e JOIN members m ON m.conv = e.conv
	  JOIN convs c ON c.id = e.conv WHERE c.pubid GLOB 'c$2[0-9a-f]*' AND e.type = 2;
	UPDATE users SET inbox_n = (SELECT count(*) FROM inbox WHERE inbox.user = users.id);"
}
