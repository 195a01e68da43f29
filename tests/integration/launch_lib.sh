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
