#!/usr/bin/env bash
# natter-server-mock: GET /v1/changes (what changed since a cursor) and the
# continuations of POST /v1/sync ("next"), and --protocol 1.0 without them.
. "$(dirname "$0")/server_lib.sh"

# send_many CONV TOKEN N PREFIX [SIZE]: N messages PREFIX1..PREFIXN (padded to
# SIZE bytes when given) through one curl; prints how many were not 201.
send_many() {
	local conv=$1 tok=$2 n=$3 prefix=$4 size=${5:-0} cfg=$T_TMP/send.cfg i body pad=""
	[ "$size" -gt 0 ] && pad=$(head -c "$size" /dev/zero | tr '\0' x)
	: >"$cfg"
	for i in $(seq 1 "$n"); do
		body="$prefix$i"
		[ "$size" -gt 0 ] && body="$body${pad:${#body}}"
		[ "$i" -gt 1 ] && echo next >>"$cfg"
		printf 'url = "%s/v1/conversations/%s/messages"\nheader = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\ndata-binary = "{\\"client_id\\":\\"%s%d\\",\\"body\\":\\"%s\\"}"\noutput = /dev/null\nwrite-out = "%%{http_code}\\n"\nsilent\n' \
			"$SERVER_URL" "$conv" "$tok" "$prefix" "$i" "$body" >>"$cfg"
	done
	curl -K "$cfg" | grep -vc '^201$'
}
# changes SINCE TOKEN: sets OUT to GET /v1/changes?since=SINCE ("" for none).
changes() {
	local q=""
	[ -n "$1" ] && q="?since=$1"
	call GET "/v1/changes$q" "" "$2"
}
ids() { jx "$OUT" 'join " ", map { $_->{id} } @{$d->{conversations}}'; }

start_server || exit 1
A=$(new_user alice)
B=$(new_user bob)
C=$(new_user carol)
CONVS=()
for i in $(seq 1 50); do
	CONVS+=("$(jx "$(api POST /v1/conversations "{\"title\":\"t$i\",\"members\":[\"bob\"]}" "$A")" '$d->{id}')")
done

# Full answers: no since, 0, or a cursor the server never gave.
changes "" "$A"
is "$HTTP_STATUS $(jx "$OUT" '($d->{full} ? "full" : "part") . " " . scalar @{$d->{conversations}}')" \
	"200 full 50" "no since: full, every conversation"
is "$(ids)" "${CONVS[*]}" "full: oldest first"
is "$(jx "$OUT" 'my $c = $d->{conversations}[0]; join ",", $c->{title}, join("+", @{$c->{members}}), $c->{created} > 0 ? "created" : "no", exists $c->{vector} ? "vector" : "novector", length $c->{digest}')" \
	"t1,alice+bob,created,novector,32" "full: metadata and digest, no vector"
CUR=$(jx "$OUT" '$d->{cursor}')
is "$CUR" "$(jx "$(api GET /v1/events "" "$A")" '$d->{cursor}')" "cursor is the server's current cursor"
changes 0 "$A"
is "$(jx "$OUT" '($d->{full} ? "full" : "part") . " " . scalar @{$d->{conversations}}')" "full 50" "since=0: full"
changes $((CUR + 1000)) "$A"
is "$(jx "$OUT" '($d->{full} ? "full" : "part") . " " . scalar @{$d->{conversations}}')" "full 50" \
	"since after the server's cursor: full"

# Unchanged: the fixed small answer.
changes "$CUR" "$A"
# (With the server epoch, docs/protocol.md "Server epoch", it also carries "epoch".)
is "$HTTP_STATUS ${OUT%,\"epoch\":*}}" "200 {\"cursor\":$CUR,\"full\":false,\"conversations\":[]}" \
	"unchanged answer"
len=$(curl -s -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $A" "$SERVER_URL/v1/changes?since=$CUR")
[ "$len" -lt 180 ]
ok $? "unchanged answer is $len bytes, the epoch included"

# A message in 1 of 50: only that one, its digest, no metadata.
api POST "/v1/conversations/${CONVS[16]}/messages" '{"client_id":"x1","body":"hello"}' "$B" >/dev/null
changes "$CUR" "$A"
is "$(jx "$OUT" '($d->{full} ? "full" : "part") . " " . $d->{cursor}')" "part $((CUR + 1))" "not full, cursor moved"
is "$(ids)" "${CONVS[16]}" "only the changed conversation"
is "$(jx "$OUT" 'join ",", sort keys %{$d->{conversations}[0]}')" "digest,id,read" "id, digest and read marks only: no metadata"
is "$(jx "$OUT" '$d->{conversations}[0]{digest}')" \
	"$(jx "$(api GET "/v1/conversations/${CONVS[16]}" "" "$A")" '$d->{digest}')" \
	"digest as GET /v1/conversations/ID gives it"
changes "$CUR" "$B"
is "$(ids)" "${CONVS[16]}" "the sender sees it too"
CUR=$((CUR + 1))
api POST "/v1/conversations/${CONVS[3]}/messages" '{"client_id":"x2","body":"a"}' "$B" >/dev/null
api POST "/v1/conversations/${CONVS[9]}/messages" '{"client_id":"x3","body":"b"}' "$A" >/dev/null
api POST "/v1/conversations/${CONVS[3]}/messages" '{"client_id":"x4","body":"c"}' "$A" >/dev/null
changes "$CUR" "$A"
is "$(ids)" "${CONVS[9]} ${CONVS[3]}" "once each, ordered by the latest event"
CUR=$(jx "$OUT" '$d->{cursor}')

# Being added to a conversation lists it with its metadata.
NEW=$(jx "$(api POST /v1/conversations '{"title":"lunch","members":["alice"]}' "$C")" '$d->{id}')
changes "$CUR" "$A"
is "$(ids)" "$NEW" "the new conversation is listed"
is "$(jx "$OUT" 'my $c = $d->{conversations}[0]; join ",", $c->{title}, join("+", @{$c->{members}}), $c->{created} > 0 ? "created" : "no", length $c->{digest}')" \
	"lunch,alice+carol,created,32" "with title, members, created and digest"

# A non-member never sees a conversation.
changes "" "$C"
is "$(ids)" "$NEW" "carol's full answer: her conversation only"
CC=$(jx "$OUT" '$d->{cursor}')
api POST "/v1/conversations/${CONVS[0]}/messages" '{"client_id":"x5","body":"d"}' "$A" >/dev/null
changes "$CC" "$C"
is "$(jx "$OUT" 'scalar @{$d->{conversations}}')" 0 "carol does not see alice's and bob's conversation"

# Errors.
for bad in abc -1 1.5 1e3 '' 99999999999999999999; do
	call GET "/v1/changes?since=$bad" "" "$A"
	is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 invalid_field" "since=\"$bad\" refused"
done
call GET /v1/changes "" ""
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "401 unauthorized" "no token 401"
call POST /v1/changes '{}' "$A"
is "$HTTP_STATUS" 405 "POST is not allowed"
[ "$(metric natter_requests_total 'endpoint="changes"')" -ge 15 ]
ok $? "the metrics label is changes"
stop_server

# Retention overflow: the inbox lost events, the answer is still exact.
start_server --event-retention 5 || exit 1
A=$(new_user alice)
B=$(new_user bob)
CONVS=()
for i in $(seq 1 10); do
	CONVS+=("$(jx "$(api POST /v1/conversations "{\"title\":\"t$i\",\"members\":[\"bob\"]}" "$A")" '$d->{id}')")
done
changes "" "$A"
CUR=$(jx "$OUT" '$d->{cursor}')
is "$(send_many "${CONVS[2]}" "$B" 12 r)" 0 "12 messages in one conversation"
is "$(send_many "${CONVS[6]}" "$B" 8 s)" 0 "8 in another"
is "$(jx "$(api GET "/v1/events?after=$CUR&timeout=0" "" "$A")" '$d->{gap} ? "gap" : "nogap"')" gap \
	"the retention dropped events after the cursor"
changes "$CUR" "$A"
is "$(jx "$OUT" '($d->{full} ? "full" : "part")')" part "not full"
is "$(ids)" "${CONVS[2]} ${CONVS[6]}" "only the two changed conversations, by latest event"
is "$(jx "$OUT" 'exists $d->{conversations}[0]{members} ? "meta" : "nometa"')" nometa "no metadata"
is "$(jx "$OUT" '$d->{conversations}[1]{digest}')" \
	"$(jx "$(api GET "/v1/conversations/${CONVS[6]}" "" "$A")" '$d->{digest}')" "digests are current"
CUR=$(jx "$OUT" '$d->{cursor}')
NEW=$(jx "$(api POST /v1/conversations '{"title":"late","members":["alice"]}' "$B")" '$d->{id}')
is "$(send_many "${CONVS[4]}" "$B" 6 u)" 0 "6 more messages"
changes "$CUR" "$A"
is "$(ids)" "$NEW ${CONVS[4]}" "a conversation joined and one changed, after the retention"
is "$(jx "$OUT" '$d->{conversations}[0]{title}')" late "the joined one has its metadata"
stop_server

# Continuations: a 2,500-message download in pages of 500.
start_server || exit 1
A=$(new_user alice)
B=$(new_user bob)
X=$(jx "$(api POST /v1/conversations '{"title":"big","members":["bob"]}' "$A")" '$d->{id}')
Y=$(jx "$(api POST /v1/conversations '{"title":"other","members":["bob"]}' "$A")" '$d->{id}')
is "$(send_many "$X" "$A" 1250 a)" 0 "1250 messages of alice"
is "$(send_many "$X" "$B" 1250 b)" 0 "1250 messages of bob"
api POST "/v1/conversations/$Y/messages" '{"client_id":"y","body":"elsewhere"}' "$B" >/dev/null
before=$(metric natter_request_bytes_total 'endpoint="sync"')
call POST /v1/sync "{\"have\":{},\"conversations\":[\"$X\"],\"limit\":500}" "$A"
first=$(metric natter_request_bytes_total 'endpoint="sync"')
all=$(jx "$OUT" 'join " ", map { "$_->{sender}$_->{seq}" } @{$d->{messages}}')
TOKENS=()
pages=1
while [ "$(jx "$OUT" '$d->{more} ? 1 : 0')" = 1 ] && [ $pages -lt 20 ]; do
	tok=$(jx "$OUT" '$d->{next}')
	TOKENS+=("$tok")
	call POST /v1/sync "{\"next\":\"$tok\",\"limit\":500}" "$A"
	[ "$HTTP_STATUS" = 200 ] || break
	all="$all $(jx "$OUT" 'join " ", map { "$_->{sender}$_->{seq}" } @{$d->{messages}}')"
	pages=$((pages + 1))
done
after=$(metric natter_request_bytes_total 'endpoint="sync"')
is "$pages $(jx "$OUT" 'exists $d->{next} ? "next" : "nonext"')" "5 nonext" "5 pages, the last without next"
want=$(for i in $(seq 1 1250); do printf 'alice%d ' "$i"; done; for i in $(seq 1 1250); do printf 'bob%d ' "$i"; done)
is "$all" "${want% }" "every message exactly once, in acceptance order"
like "${TOKENS[0]}" '^[A-Za-z0-9._-]{1,128}$' "a token is 1-128 of [A-Za-z0-9._-]"
per=$(((after - first) / (pages - 1)))
[ "$per" -lt 80 ]
ok $? "follow-up request bodies stay tiny ($per bytes each, first $((first - before)))"
call POST /v1/sync "{\"next\":\"${TOKENS[1]}\",\"limit\":500}" "$A"
p1=$(jx "$OUT" 'join " ", map { "$_->{sender}$_->{seq}" } @{$d->{messages}}')
n1=$(jx "$OUT" '$d->{next}')
call POST /v1/sync "{\"next\":\"${TOKENS[1]}\",\"limit\":500}" "$A"
is "$(jx "$OUT" 'join " ", map { "$_->{sender}$_->{seq}" } @{$d->{messages}}') $(jx "$OUT" '$d->{next}')" \
	"$p1 $n1" "the same token twice gives the same page"
is "$(jx "$OUT" 'scalar @{$d->{messages}}') $(jx "$OUT" '$d->{messages}[0]{sender}.$d->{messages}[0]{seq}')" \
	"500 alice1001" "the third page"
is "$(jx "$OUT" 'join ",", map { $_->{id} } @{$d->{conversations}}')" "$X" "a continuation keeps the scope"
call POST /v1/sync "{\"next\":\"${TOKENS[0]}\"}" "$B"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "404 not_found" "another user's token 404"
for bad in garbage 0123456789abcdef0123456789abcdef.5 "${TOKENS[0]%.*}x.5" "${TOKENS[0]}0000000000000000000"; do
	call POST /v1/sync "{\"next\":\"$bad\"}" "$A"
	is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "410 expired" "token \"${bad:0:40}\" 410"
done
call POST /v1/sync "{\"next\":\"${TOKENS[0]}\",\"have\":{}}" "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 invalid_field" "next with have 400"
call POST /v1/sync "{\"next\":\"${TOKENS[0]}\",\"conversations\":[\"$X\"]}" "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 invalid_field" "next with conversations 400"
call POST /v1/sync '{"next":5}' "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 invalid_field" "next not a string 400"
call POST /v1/sync "{\"next\":\"${TOKENS[0]}\",\"limit\":0}" "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 invalid_field" "next with limit 0 400"

# A continuation sees what arrived after the chain began, and a vector's holes.
call POST /v1/sync "{\"have\":{\"$X\":{\"alice\":\"1-1249\",\"bob\":\"1-10,12-1250\"}},\"limit\":1}" "$A"
is "$(jx "$OUT" 'join " ", map { "$_->{sender}$_->{seq}" } @{$d->{messages}}') $(jx "$OUT" '$d->{more} ? "more" : "done"')" \
	"alice1250 more" "with have: what it lacks, in acceptance order"
tok=$(jx "$OUT" '$d->{next}')
api POST "/v1/conversations/$X/messages" '{"client_id":"late","body":"late"}' "$B" >/dev/null
call POST /v1/sync "{\"next\":\"$tok\"}" "$A"
is "$(jx "$OUT" 'join " ", map { "$_->{sender}$_->{seq}" } @{$d->{messages}}') $(jx "$OUT" '$d->{more} ? "more" : "done"')" \
	"bob11 bob1 bob1251 done" "then the rest of the scope (a hole, another conversation, a new message)"

# limit up to 5000, and answers cut at 4 MiB of bodies.
call POST /v1/sync "{\"have\":{},\"conversations\":[\"$X\"],\"limit\":100000}" "$A"
is "$(jx "$OUT" 'scalar @{$d->{messages}}') $(jx "$OUT" '$d->{more} ? "more" : "done"')" "2501 done" \
	"limit is lowered to 5000, not 1000"
is "$(send_many "$Y" "$B" 300 big 16000)" 0 "300 messages of 16 kB"
call POST /v1/sync "{\"have\":{},\"conversations\":[\"$Y\"],\"limit\":5000}" "$A"
n=$(jx "$OUT" 'scalar @{$d->{messages}}')
bytes=$(jx "$OUT" 'my $s = 0; $s += length $_->{body} for @{$d->{messages}}; $s')
[ "$n" -lt 301 ] && [ "$bytes" -le 4194304 ] && [ "$bytes" -gt 4000000 ]
ok $? "cut at 4 MiB of bodies ($n messages, $bytes bytes)"
is "$(jx "$OUT" '$d->{more} ? "more" : "done"')" more "more after the cut"
call POST /v1/sync "{\"next\":\"$(jx "$OUT" '$d->{next}')\",\"limit\":5000}" "$A"
is "$((n + $(jx "$OUT" 'scalar @{$d->{messages}}'))) $(jx "$OUT" '$d->{more} ? "more" : "done"')" \
	"301 done" "the rest after next"
stop_server

# --protocol 1.0: the server before /v1/changes and continuations.
start_server --protocol 1.0 || exit 1
A=$(new_user alice)
new_user bob >/dev/null
X=$(jx "$(api POST /v1/conversations '{"title":"t","members":["bob"]}' "$A")" '$d->{id}')
is "$(send_many "$X" "$A" 3 m)" 0 "3 messages"
call GET /v1/changes "" "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "404 not_found" "--protocol 1.0: no /v1/changes"
call POST /v1/sync '{"have":{},"limit":2}' "$A"
is "$(jx "$OUT" '($d->{more} ? "more" : "done") . " " . (exists $d->{next} ? "next" : "nonext")')" \
	"more nonext" "--protocol 1.0: more without next"
call POST /v1/sync '{"next":"abc"}' "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 invalid_field" "--protocol 1.0: next is an unknown field"
stop_server
run() { "$SERVER" "$@" >/dev/null 2>&1; echo $?; }
is "$(run --protocol 2.0)" 2 "--protocol 2.0 refused"
done_testing
