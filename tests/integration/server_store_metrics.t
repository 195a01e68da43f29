#!/usr/bin/env bash
# GET /v1/metrics: the store's figures, labelled with the backend: write
# transactions committed and rolled back, time in transactions and read
# snapshots (histograms), waits for the write lock, the database's size.
. "$(dirname "$0")/server_lib.sh"

post() { call POST "/v1/conversations/$1/messages" "$2" "$3"; }
BE=sqlite
on_pg && BE=postgresql
# m NAME [LABELS]: metric with the backend label first.
m() { metric "$1" "backend=\"$BE\"${2:+,$2}"; }

start_server -d "$T_TMP/server.db" || exit 1
is "$(m natter_store_info)" 1 "the backend is named: $BE"
c0=$(m natter_store_transactions_total 'result="commit"')
r0=$(m natter_store_transactions_total 'result="rollback"')
A=$(new_user alice)
B=$(new_user bob)
CONV=$(jx "$(api POST /v1/conversations '{"title":"p","members":["bob"]}' "$A")" '$d->{id}')
for i in 1 2 3; do post "$CONV" "{\"client_id\":\"a$i\",\"body\":\"hi $i\"}" "$A"; done
c1=$(m natter_store_transactions_total 'result="commit"')
[ "$((c1 - c0))" -ge 4 ]; ok $? "a conversation and three sends are committed transactions ($c0 -> $c1)"
post "$CONV" '{"client_id":"b1","kind":"edit","body":"mine","target":{"sender":"alice","seq":1}}' "$B"
is "$HTTP_STATUS" 403 "an edit of another's message is refused"
is "$(m natter_store_transactions_total 'result="rollback"')" "$((r0 + 1))" "and its transaction is counted rolled back"

wc=$(m natter_store_transaction_seconds_count 'kind="write"')
is "$wc" "$(($(m natter_store_transactions_total 'result="commit"') + $(m natter_store_transactions_total 'result="rollback"')))" \
	"the write histogram counts every transaction, committed or rolled back"
is "$(m natter_store_transaction_seconds_bucket 'kind="write",le="+Inf"')" "$wc" "its +Inf bucket is its count"
ws=$(m natter_store_transaction_seconds_sum 'kind="write"')
perl -e 'exit !($ARGV[0] > 0 && $ARGV[0] < 10)' "$ws"; ok $? "the time in write transactions is a sum in seconds ($ws)"
rc0=$(m natter_store_transaction_seconds_count 'kind="read"')
call POST /v1/sync "{\"have\":{},\"conversations\":[\"$CONV\"]}" "$B"
rc1=$(m natter_store_transaction_seconds_count 'kind="read"')
[ "$rc1" -gt "$rc0" ]; ok $? "a sync reads in a snapshot, counted ($rc0 -> $rc1)"

# Concurrent sends take turns: waits may or may not happen, the figures exist.
SENDS=()
for i in $(seq 1 40); do
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $A" \
		--data-binary "{\"client_id\":\"c$i\",\"body\":\"x\"}" "$SERVER_URL/v1/conversations/$CONV/messages" &
	SENDS+=($!)
done
wait "${SENDS[@]}"
like "$(m natter_store_lock_waits_total)" '^[0-9]+$' "lock waits are counted ($(m natter_store_lock_waits_total) in 40 concurrent sends)"
like "$(m natter_store_lock_wait_seconds_total)" '^[0-9]+\.[0-9]+$' "and the time they took"
like "$(m natter_store_busy_total)" '^[0-9]+$' "busy retries are counted"
size=$(m natter_store_size_bytes)
if on_pg; then
	[ "$size" -gt 4096 ]; ok $? "the size is the database's ($size bytes)"
else
	files=$(($(stat -c %s "$T_TMP/server.db") + $(stat -c %s "$T_TMP/server.db-wal")))
	[ "$size" -gt 4096 ] && [ "$size" -le "$files" ]
	ok $? "the size is the database's pages, its WAL included ($size of $files bytes in the files)"
fi
# The page is still valid Prometheus text: every sample line is NAME{...} VALUE.
curl -s "$SERVER_URL/v1/metrics" | grep -v '^#' | grep -Ev '^[a-z_]+(\{[^}]*\})? [0-9.e+-]+$' >"$T_TMP/bad"
is "$(cat "$T_TMP/bad")" "" "every sample line is well formed"
stop_server
done_testing
