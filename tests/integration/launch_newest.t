#!/bin/bash
# Newest first (POST /v1/sync with "newest"): the server answers the newest
# window of each conversation and names those with older messages left; the
# vector keeps the hole, so a later sync brings exactly the rest, with the
# notifier's sync.db merged in the middle, and nothing is delivered twice.
# `natter sync --recent N` brings the newest N of each conversation; against a
# server without "newest" (--protocol 1.0) it falls back, still exact.
. "$(dirname "$0")/launch_lib.sh"

DB=$T_TMP/server.db
start_server -d "$DB" || exit 1
PORT=${SERVER_URL##*:}
account alice
ALICE=$(token_of alice)

# 6 conversations of alice and 2 others, 150 messages from each member: 450 a
# conversation, 2,700 in all.
stop_server
fill alice p 6 3 150
start_server -d "$DB" -p "$PORT" || exit 1
C1=cp00000001
TOTAL=2700

# sync_api BODY: POST /v1/sync as alice; sets REPLY.
sync_api() {
	api POST /v1/sync "$1" "$ALICE" >"$T_TMP/reply"
	REPLY=$(cat "$T_TMP/reply")
}

# The protocol: the newest window, its order, older, more, no next.
sync_api "{\"have\":{},\"conversations\":[\"$C1\",\"cp00000002\"],\"newest\":10}"
is "$HTTP_STATUS" 200 "newest: 200"
is "$(jx "$REPLY" 'scalar @{$d->{messages}}')" 20 "newest 10 of 2 conversations: 20 messages"
is "$(jx "$REPLY" '$d->{newest} . " " . ($d->{more} ? "more" : "done") . " " . (exists $d->{next} ? "next" : "no-next")')" \
	"10 more no-next" "the answer echoes newest, says more, has no next"
is "$(jx "$REPLY" 'join ",", @{$d->{older}}')" "$C1,cp00000002" "both conversations are listed in older"
is "$(jx "$REPLY" 'join ",", map { $_->{seq} } grep { $_->{conv} eq "'$C1'" } @{$d->{messages}}')" \
	"147,148,148,148,149,149,149,150,150,150" "each window is the newest 10, oldest first"
sync_api "{\"have\":{\"$C1\":{\"alice\":\"1-149\",\"p1\":\"1-150\",\"p2\":\"1-150\"}},\"conversations\":[\"$C1\"],\"newest\":10}"
is "$(jx "$REPLY" 'scalar(@{$d->{messages}}) . " " . ($d->{more} ? "more" : "done") . " " . scalar(@{$d->{older}})')" \
	"1 done 0" "what have lacks, when fewer than newest: all of it, nothing older"
sync_api "{\"have\":{\"$C1\":{\"alice\":\"2-150\",\"p1\":\"1-150\",\"p2\":\"1-150\"}},\"conversations\":[\"$C1\"],\"newest\":5}"
is "$(jx "$REPLY" 'join ",", map { "$_->{sender}/$_->{seq}" } @{$d->{messages}}')" "alice/1" \
	"a hole at the bottom is found from the top"
for bad in 0 5001 '"10"' 2.5; do
	sync_api "{\"have\":{},\"conversations\":[\"$C1\"],\"newest\":$bad}"
	is "$HTTP_STATUS $(jx "$REPLY" '$d->{error}')" "400 invalid_field" "newest $bad is refused"
done
sync_api "{\"have\":{},\"newest\":1000}"
is "$HTTP_STATUS" 400 "6 conversations x 1000 is over 5000: refused"
sync_api "{\"have\":{},\"newest\":800}"
is "$HTTP_STATUS $(jx "$REPLY" 'scalar @{$d->{messages}}')" "200 2700" "6 x 800 (whole conversations): all 2,700"

# natter sync --recent 100: exactly 100 of each conversation, the newest.
before=$(delivered_by_sync)
nat alice sync --recent 100 --json
is "$RC" 0 "sync --recent 100 succeeds"
is "$(jx "$OUT" '$d->{fetched_from_server} . " " . ($d->{incomplete} ? "incomplete" : "complete")')" \
	"600 incomplete" "--recent 100: 600 fetched (100 x 6), older ones left"
is "$(history_report alice $C1)" "100 100" "--recent 100: a conversation holds its 100 once"
nat alice log $C1 -n 1 --json
like "$(jx "$OUT" '$d->[0]{body}')" "^message 150 of " "--recent 100: it holds the newest message"
nat alice log $C1 -n 100 --json
is "$(jx "$OUT" 'my @s = sort { $a <=> $b } map { $_->{seq} } @$d; $s[0]')" 117 \
	"--recent 100: and nothing older than the newest 100"

# The notifier receives 20 live messages into sync.db, then a full sync merges
# them and fetches exactly the rest.
start_notifyd "$T_TMP/alice"
P1=$(token_of p1)
send_as "$P1" $C1 20 live
wait_for store_has "$T_TMP/alice" $C1 120
ok $? "the notifier stored the 20 live messages in sync.db (beside the 100 sync wrote)"
kill "$NPID"
wait "$NPID" 2>/dev/null
launch alice
is "$(jx "$SYNC" '$d->{merged_from_store}')" 20 "sync: 20 merged from the notifier"
is "$(jx "$SYNC" '$d->{fetched_from_server}')" $((TOTAL - 600)) "sync: the other 2,100 fetched"
is "$DELIVERED" $((TOTAL - 600)) "sync: the server delivered exactly those"
is "$(history_report alice $C1)" "470 470" "sync: a conversation holds all its 470, each once"
after=$(delivered_by_sync)
is "$((after - before))" $((TOTAL)) "nothing was delivered twice: 600 + 2,100 = 2,700 through sync"
launch alice
is "$DELIVERED" 0 "a second sync downloads nothing"

# A server without "newest": sync --recent falls back to everything, exact.
stop_server
start_server -d "$DB" -p "$PORT" --protocol 1.0 || exit 1
nat erin -s "$SERVER_URL" login alice
sync_api "{\"have\":{},\"conversations\":[\"$C1\"],\"newest\":10,\"limit\":5}"
is "$(jx "$REPLY" 'scalar(@{$d->{messages}}) . " " . (exists $d->{newest} ? "echo" : "no-echo") . " " . $d->{messages}[0]{seq}')" \
	"5 no-echo 1" "1.0: newest is ignored (oldest first, no echo)"
before=$(delivered_by_sync)
nat erin sync --recent 100 --json
is "$RC" 0 "1.0: sync --recent succeeds"
is "$(jx "$OUT" '$d->{fetched_from_server} . " " . ($d->{incomplete} ? "incomplete" : "complete")')" \
	"$((TOTAL + 20)) complete" "1.0: it falls back to the whole history"
is "$(($(delivered_by_sync) - before))" $((TOTAL + 20)) "1.0: each message delivered once"
is "$(history_report erin $C1)" "470 470" "1.0: a conversation holds all 470, each once"

done_testing
