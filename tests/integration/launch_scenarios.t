#!/bin/bash
# The launch sync with the three real programs: natter-notifyd receives K of N
# new messages while natter is closed; natter then merges those K from sync.db
# and the server delivers exactly the N - K others. Nothing arrives twice.
. "$(dirname "$0")/launch_lib.sh"

start_server || exit 1
for u in alice bob carol dave; do account "$u"; done
BOB=$(token_of bob)
CAROL=$(token_of carol)
DAVE=$(token_of dave)
A=$T_TMP/alice

# scenario NAME K N: one conversation; bob sends K while the notifier runs,
# then N - K while it is stopped; then alice launches.
scenario() {
	local name=$1 k=$2 n=$3 conv
	nat alice new "$name" bob
	conv=$OUT
	nat alice sync --json >/dev/null
	start_notifyd "$A" --backend none
	send_as "$BOB" "$conv" "$k" "$name-live"
	wait_for store_has "$A" "$conv" "$k"
	ok $? "$name: the notifier stored the $k messages it received"
	stop_notifyd
	send_as "$BOB" "$conv" $((n - k)) "$name-later"
	launch alice
	is "$(jx "$SYNC" '$d->{merged_from_store}')" "$k" "$name: merged $k from sync.db"
	is "$(jx "$SYNC" '$d->{fetched_from_server}')" $((n - k)) "$name: fetched $((n - k)) from the server"
	is "$DELIVERED" $((n - k)) "$name: the server delivered exactly N - K = $((n - k))"
	is "$(history_report alice "$conv")" "$n $n" "$name: history holds all $n, each once"
	launch alice
	is "$DELIVERED" 0 "$name: a second launch downloads nothing"
	is "$(jx "$SYNC" '$d->{merged_from_store} + $d->{fetched_from_server}')" 0 \
		"$name: and merges nothing"
}

scenario none 0 12
scenario all 12 12
scenario some 5 12

# Three senders interleaved, the notifier catching a prefix of each.
nat alice new trio bob carol dave
TRIO=$OUT
nat alice sync --json >/dev/null
start_notifyd "$A" --backend none
for round in 1 2 3; do
	send_as "$BOB" "$TRIO" 1 "bob-$round"
	send_as "$CAROL" "$TRIO" 1 "carol-$round"
	send_as "$DAVE" "$TRIO" 1 "dave-$round"
done
wait_for store_has "$A" "$TRIO" 9
ok $? "trio: the notifier stored 9 interleaved messages"
stop_notifyd
for round in 4 5; do
	send_as "$DAVE" "$TRIO" 1 "dave-$round"
	send_as "$BOB" "$TRIO" 1 "bob-$round"
	send_as "$CAROL" "$TRIO" 1 "carol-$round"
done
launch alice
is "$(jx "$SYNC" '$d->{merged_from_store}')" 9 "trio: merged 9 from sync.db"
is "$DELIVERED" 6 "trio: the server delivered the 6 others"
is "$(history_report alice "$TRIO")" "15 15" "trio: history holds 15, each once"
nat alice log "$TRIO" --json -n 100
is "$(jx "$OUT" 'join ",", map { "$_->{sender}$_->{seq}" } grep { $_->{sender} eq "carol" } @$d')" \
	"carol1,carol2,carol3,carol4,carol5" "trio: carol's sequence numbers are 1..5 in order"

# The notifier keeps running and receiving while natter launches.
nat alice new busy bob
BUSY=$OUT
nat alice sync --json >/dev/null
start_notifyd "$A" --backend none
send_as "$BOB" "$BUSY" 10 busy-before
wait_for store_has "$A" "$BUSY" 10
send_as "$BOB" "$BUSY" 30 busy-during &
sender=$!
launch alice
first=$SYNC
first_delivered=$DELIVERED
wait $sender
ok $? "busy: 30 more messages sent during the launch"
unlike "$ERR" "busy|locked" "busy: no database-busy error reached the user"
wait_for store_has "$A" "$BUSY" 40
ok $? "busy: the notifier stored all 40"
launch alice
total=$(($(jx "$first" '$d->{merged_from_store} + $d->{fetched_from_server}') +
	$(jx "$SYNC" '$d->{merged_from_store} + $d->{fetched_from_server}')))
is "$total" 40 "busy: the two launches brought 40 messages in all"
is "$(history_report alice "$BUSY")" "40 40" "busy: history holds 40, each once"
[ $((first_delivered + DELIVERED)) -le 30 ]
ok $? "busy: the server never sent the 10 the notifier had ($((first_delivered + DELIVERED)) of 40 delivered)"
stop_notifyd
is "$NSTATUS" 0 "busy: the notifier stopped cleanly"

done_testing
