#!/usr/bin/env bash
# natter-server-mock: POST /v1/sync returns exactly what the vector lacks.
. "$(dirname "$0")/server_lib.sh"

start_server || exit 1
A=$(new_user alice)
B=$(new_user bob)
CONV=$(jx "$(api POST /v1/conversations '{"title":"t","members":["bob"]}' "$A")" '$d->{id}')
CONV2=$(jx "$(api POST /v1/conversations '{"title":"u","members":["alice"]}' "$B")" '$d->{id}')
n=0
for who in A A B A B A A B; do
	n=$((n + 1))
	api POST /v1/conversations/$CONV/messages "{\"client_id\":\"c$n\",\"body\":\"m$n\"}" "${!who}" >/dev/null
done
api POST /v1/conversations/$CONV2/messages '{"client_id":"z","body":"other"}' "$B" >/dev/null

# sync BODY: sets SYNC_OUT and GOT ("sender+seq ..." of the answer's messages).
sync() {
	call POST /v1/sync "$1" "$A"
	SYNC_OUT=$OUT
	GOT=$(jx "$SYNC_OUT" 'join " ", map { "$_->{sender}$_->{seq}" } @{$d->{messages}}')
}

sync '{"have":{}}'
is "$GOT" "alice1 alice2 bob1 alice3 bob2 alice4 alice5 bob3 bob1" \
	"empty have: everything, oldest first"
is "$(jx "$SYNC_OUT" '$d->{more} ? "true" : "false"')" false "more false"
is "$(jx "$SYNC_OUT" '$d->{messages}[0]{body}.",".$d->{messages}[0]{conv}')" "m1,$CONV" "message fields"
like "$(jx "$SYNC_OUT" '$d->{cursor}')" '^[0-9]+$' "cursor is a number"
sync "{\"have\":{\"$CONV\":{\"alice\":\"1-3\",\"bob\":\"2\"}},\"conversations\":[\"$CONV\"]}"
is "$GOT" \
	"bob1 alice4 alice5 bob3" "only what the vector lacks, in acceptance order"
sync "{\"have\":{\"$CONV\":{\"alice\":\"1,3,5\",\"bob\":\"1-3\"}},\"conversations\":[\"$CONV\"]}"
is "$GOT" \
	"alice2 alice4" "holes are filled"
sync "{\"have\":{\"$CONV\":{\"alice\":\"1-100\",\"bob\":\"1-3\",\"zed\":\"1-9\"}},\"conversations\":[\"$CONV\"]}"
is "$GOT" \
	"" "a vector covering everything gets nothing"
is "$(jx "$SYNC_OUT" 'scalar @{$d->{conversations}}.",".$d->{conversations}[0]{id}.",".(exists $d->{conversations}[0]{vector} ? "v" : "nov")')" \
	"1,$CONV,nov" "scope metadata without vector"
want=$(printf 'alice:1-5\nbob:1-3\n' | sha256sum | cut -c1-32)
is "$(jx "$SYNC_OUT" '$d->{conversations}[0]{digest}')" "$want" "digest is SHA-256 of the canonical text"
sync "{\"have\":{},\"conversations\":[\"$CONV2\"]}"
is "$GOT" "bob1" "scope limits the conversations"

# limit and more: paging by updating the vector.
sync '{"have":{},"limit":3}'; got=$GOT
is "$got $(jx "$SYNC_OUT" '$d->{more} ? "true" : "false"')" "alice1 alice2 bob1 true" "limit 3: first three, more"
sync "{\"have\":{\"$CONV\":{\"alice\":\"1-2\",\"bob\":\"1\"}},\"limit\":3}"; got=$GOT
is "$got" "alice3 bob2 alice4" "next page"
sync "{\"have\":{\"$CONV\":{\"alice\":\"1-4\",\"bob\":\"1-2\"}},\"limit\":3}"; got=$GOT
is "$got $(jx "$SYNC_OUT" '$d->{more} ? "true" : "false"')" "alice5 bob3 bob1 false" "last page, more false"
api POST /v1/sync '{"have":{},"limit":5000}' "$A" >/dev/null
is "$HTTP_STATUS" 200 "limit over the maximum is lowered"

# Errors.
for bad in '1-5,4' '01' '3-3' '1,' '0' '5-2' '1,,2' '7,3' ' 1' '9007199254740993'; do
	call POST /v1/sync "{\"have\":{\"$CONV\":{\"bob\":\"$bad\"}}}" "$A"; out=$OUT
	is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 invalid_ranges" "ranges \"$bad\" refused"
done
like "$(jx "$(api POST /v1/sync "{\"have\":{\"$CONV\":{\"bob\":\"1-5,4\"}}}" "$A")" '$d->{message}')" \
	'byte [0-9]+' "the message says at which byte"
sync "{\"have\":{\"$CONV\":{\"bob\":\"1-3,4\"}}}" >/dev/null
is "$HTTP_STATUS" 200 "adjacent items accepted"
call POST /v1/sync '{"limit":3}' "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 invalid_field" "missing have 400"
call POST /v1/sync '{"have":{},"limit":0}' "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 invalid_field" "limit 0 400"
call POST /v1/sync "{\"have\":{\"$CONV\":{\"bob\":5}}}" "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 invalid_field" "ranges not a string 400"
call POST /v1/sync '{"have":{"cdeadbeefdeadbeef":{}}}' "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "404 not_found" "unknown conversation in have 404"

# The request and envelope stay small however much was sent.
call POST /v1/sync "{\"have\":{\"$CONV\":{\"alice\":\"1-5\",\"bob\":\"1-3\"},\"$CONV2\":{\"bob\":\"1\"}}}" "$A"; out=$OUT
is "$(jx "$out" 'scalar @{$d->{messages}}')" 0 "up-to-date sync returns no messages"
stop_server
done_testing
