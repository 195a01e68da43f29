#!/usr/bin/env bash
# natter-server-mock against the precise rules of docs/protocol.md: bodies and
# Content-Type, compression, unknown fields, numbers, error precedence, the
# HTTP layer's own answers (431), `have` and scope, answer order, cursors,
# conversation events and client ids. Each block names the section it checks.
. "$(dirname "$0")/server_lib.sh"

# req METHOD PATH BODY TOKEN [CURL-ARGS...]: a request with no Content-Type of
# our own choosing; sets HTTP_STATUS, OUT and ERR (the error code or "none").
req() {
	local m=$1 p=$2 b=$3 t=$4
	shift 4
	local args=(-s -o "$T_TMP/req.body" -w '%{http_code}' -X "$m")
	[ -n "$t" ] && args+=(-H "Authorization: Bearer $t")
	[ -n "$b" ] && args+=(--data-binary "$b")
	HTTP_STATUS=$(curl "${args[@]}" "$@" "$SERVER_URL$p")
	OUT=$(<"$T_TMP/req.body")
	ERR=$(val error)
	ERR=${ERR:-none}
}
# val KEY: the first scalar "KEY": value in OUT, without quotes (bash alone:
# a perl per check would double the time of this file).
val() {
	local re="\"$1\":(\"([^\"]*)\"|([-0-9a-z]+))"
	[[ $OUT =~ $re ]] && printf '%s' "${BASH_REMATCH[2]}${BASH_REMATCH[3]}"
}
# count KEY: how many times "KEY": occurs in OUT.
count() {
	printf '%s' "$OUT" | grep -o "\"$1\":" | wc -l
}
# many METHOD TOKEN PATH BODY [PATH BODY...]: the requests through one curl
# (one process, one connection); sets GOT to their "STATUS ERROR-CODE"s.
many() {
	local m=$1 t=$2 args=() line
	shift 2
	while [ $# -gt 0 ]; do
		[ ${#args[@]} -gt 0 ] && args+=(--next)
		args+=(-s -w ' %{http_code}\n' -X "$m" -H "Authorization: Bearer $t")
		[ -n "$2" ] && args+=(--data-binary "$2")
		args+=("$SERVER_URL$1")
		shift 2
	done
	GOT=()
	while IFS= read -r line; do
		OUT=${line% *}
		GOT+=("${line##* } $(val error)")
	done < <(curl "${args[@]}")
}
# send TOKEN CONV CLIENT_ID BODY: posts a message; prints its seq.
send() {
	req POST "/v1/conversations/$2/messages" "{\"client_id\":\"$3\",\"body\":\"$4\"}" "$1"
	val seq
}

start_server --event-retention 3000 || exit 1
# Password hashing is slow by design: three registrations and two logins in all
# (one for an unknown user).
A=$(new_user alice)
B=$(new_user bob)
req POST /v1/register '{"user":"carol","password":"password-carol","invite":"x","n":[1,{"a":null}]}' ""
is "$HTTP_STATUS" 201 "register ignores unknown fields"
C=$(val token)
req POST /v1/conversations '{"title":"ab","members":["bob"]}' "$A"; AB=$(val id)
req POST /v1/conversations '{"title":"ac","members":["carol"]}' "$A"; AC=$(val id)
req POST /v1/conversations '{"title":"bc","members":["carol"]}' "$B"; BC=$(val id)
send "$A" "$AB" a1 one >/dev/null
send "$A" "$AB" a2 two >/dev/null

# Bodies: which endpoints take one; an empty body elsewhere is malformed_json.
paths=(/v1/register /v1/login /v1/conversations "/v1/conversations/$AB/messages" /v1/sync)
args=()
for p in "${paths[@]}"; do args+=("$p" ""); done
many POST "$A" "${args[@]}"
for i in "${!paths[@]}"; do
	is "${GOT[i]}" "400 malformed_json" "empty body on POST ${paths[i]}: 400 malformed_json"
done
req GET /v1/conversations "not json at all" "$A"
is "$HTTP_STATUS" 200 "a body sent with a GET is ignored"
req POST /v1/login '{"user":"carol","password":"password-carol","remember":true}' ""
is "$HTTP_STATUS" 200 "login ignores unknown fields"
T=$(val token)
req POST /v1/logout "garbage {{" "$T"
is "$HTTP_STATUS" 200 "logout ignores whatever body it gets"
req POST /v1/logout "" "$T"
is "$HTTP_STATUS $ERR" "401 unauthorized" "a second logout with the same token: 401"
req POST /v1/sync $' \n{"have":{}}\t ' "$A"
is "$HTTP_STATUS" 200 "whitespace around the object is fine"
req POST /v1/sync '{"have":{}} x' "$A"
is "$HTTP_STATUS $ERR" "400 malformed_json" "junk after the object: malformed_json"
req POST /v1/sync $'\xef\xbb\xbf{"have":{}}' "$A"
is "$HTTP_STATUS $ERR" "400 malformed_json" "a byte-order mark: malformed_json"
req POST /v1/sync '"have"' "$A"
is "$HTTP_STATUS $ERR" "400 malformed_json" "a string, not an object: malformed_json"
req POST /v1/sync '{"have":{"x\u0000":{}}}' "$A"
is "$HTTP_STATUS $ERR" "400 malformed_json" "\\u0000 in a key: malformed_json"
req POST "/v1/conversations/$AB/messages" '{"client_id":"n","body":"a\u0000"}' "$A"
is "$HTTP_STATUS $ERR" "400 invalid_utf8" "\\u0000 in a value: invalid_utf8"
req POST "/v1/conversations/$AB/messages" '{"client_id":"s","body":"\ud800"}' "$A"
is "$HTTP_STATUS $ERR" "400 malformed_json" "a lone surrogate: malformed_json"

# Bodies: Content-Type is never looked at.
n=0
for ct in "application/json" "application/json; charset=utf-8" "text/plain" \
	"application/x-www-form-urlencoded" ""; do
	n=$((n + 1))
	req POST "/v1/conversations/$AB/messages" "{\"client_id\":\"ct$n\",\"body\":\"a=b&c=d\"}" \
		"$A" -H "Content-Type: $ct"
	is "$HTTP_STATUS" 201 "Content-Type '${ct:-(none)}' is read as JSON"
done

# Bodies: a repeated key, the mock keeps the last.
req POST /v1/sync "{\"have\":{\"$AB\":{\"alice\":\"1-3\"},\"$AB\":{\"alice\":\"1-6\"}},\"conversations\":[\"$AB\"]}" "$A"
is "$(count seq) $(val seq)" "1 7" "a repeated key: the last value counts"

# Unknown request fields and query parameters are ignored.
req POST /v1/conversations '{"title":"x","members":["carol","bob"],"colour":"red"}' "$A"
is "$HTTP_STATUS" 201 "conversation creation ignores unknown fields"
X=$(val id)
req POST "/v1/conversations/$AB/messages" '{"client_id":"uf","body":"b","format":"md"}' "$A"
is "$HTTP_STATUS" 201 "send ignores unknown fields"
req POST /v1/sync '{"have":{},"since":5,"deep":{"x":[]}}' "$A"
is "$HTTP_STATUS" 200 "sync ignores unknown fields"
req GET "/v1/events?after=0&timeout=0&compact=1" "" "$A"
is "$HTTP_STATUS" 200 "events ignores unknown query parameters"
req GET "/v1/conversations?page=2" "" "$A"
is "$HTTP_STATUS" 200 "the conversation list ignores query parameters"

# Compression: gzip when offered (libcurl's full list included), else none.
gz() {
	curl -s -o /dev/null -D - "$@" -H "Authorization: Bearer $A" -d '{"have":{}}' \
		"$SERVER_URL/v1/sync" | tr -d '\r' | awk -F': ' 'tolower($1) == "content-encoding" { print $2 }'
}
is "$(gz -H 'Accept-Encoding: deflate, gzip, br, zstd')" gzip "libcurl's Accept-Encoding: gzip"
is "$(gz -H 'Accept-Encoding: br')" "" "only codings the mock lacks: not encoded"
is "$(gz)" "" "no Accept-Encoding: not encoded"
hdr=$(curl -s -o /dev/null -D - -H 'Accept-Encoding: gzip' "$SERVER_URL/v1/health" | tr -d '\r')
unlike "$hdr" '[Cc]ontent-[Ee]ncoding' "under 256 bytes: not encoded"
like "$hdr" 'Vary: Accept-Encoding' "answers carry Vary: Accept-Encoding"

# Numbers: integers only, and their range.
bad=(500.0 5e2 1.5 -1.0 '"500"' true null '[]' 0 -0 -1)
good=(5001 9007199254740993 9223372036854775807)
args=()
for l in "${bad[@]}" "${good[@]}"; do args+=(/v1/sync "{\"have\":{},\"limit\":$l}"); done
many POST "$A" "${args[@]}"
for i in "${!bad[@]}"; do
	is "${GOT[i]}" "400 invalid_field" "limit ${bad[i]}: 400 invalid_field"
done
for i in "${!good[@]}"; do
	is "${GOT[i + ${#bad[@]}]}" "200 " "limit ${good[i]} is lowered, not refused"
done
req POST /v1/sync "{\"have\":{},\"conversations\":[\"$AB\"],\"limit\":1}" "$A"
is "$HTTP_STATUS $(count seq) $(val more)" "200 1 true" "limit 1: one message, more"
req POST /v1/sync '{"have":{},"limit":9223372036854775808}' "$A"
is "$HTTP_STATUS $ERR" "400 malformed_json" "an integer beyond 2^63-1: malformed_json"
req POST /v1/sync '{"have":{},"unknown":1e400}' "$A"
is "$HTTP_STATUS $ERR" "400 malformed_json" "a number overflowing a double, even unknown: malformed_json"
bad=(after= after=-1 after=%2B1 after=1.0 after=1e2 after=0x10 after=%201
	after=9007199254740993 after=00000000000000001 "after=1&timeout=-1" "after=1&timeout=1.5")
args=()
for q in "${bad[@]}"; do args+=("/v1/events?$q" ""); done
many GET "$A" "${args[@]}"
for i in "${!bad[@]}"; do
	is "${GOT[i]}" "400 invalid_field" "events ?${bad[i]}: 400 invalid_field"
done
req GET "/v1/events?after=9007199254740992&timeout=0" "" "$A"
is "$HTTP_STATUS $(val gap)" "200 true" "after=2^53 is valid (a gap here)"
req GET "/v1/events?after=05&timeout=0" "" "$A"
is "$HTTP_STATUS" 200 "leading zeros in a query integer are read"

# Ids: breaking the grammar is 404, like unknown; '-' may start an id.
ids=(-x -- _ 0123 "bad!id" "$(printf 'a%.0s' $(seq 65))")
args=()
for id in "${ids[@]}"; do args+=("/v1/conversations/$id" ""); done
many GET "$A" "${args[@]}"
for i in "${!ids[@]}"; do
	is "${GOT[i]}" "404 not_found" "conversation id '${ids[i]:0:8}': 404 not_found"
done
req POST /v1/conversations/-x/messages '{"client_id":"-","body":"b"}' "$A"
is "$HTTP_STATUS $ERR" "404 not_found" "an id starting with - is routed like any other"

# Error precedence (the layers of "Which error comes first").
head -c 70000 /dev/zero | tr '\0' ' ' > "$T_TMP/big"
req POST /v1/nothing "@$T_TMP/big" ""
is "$HTTP_STATUS $ERR" "413 too_large" "413 before 404 (unknown path)"
req DELETE /v1/sync "@$T_TMP/big" ""
is "$HTTP_STATUS $ERR" "413 too_large" "413 before 405"
req POST /v1/sync "@$T_TMP/big" ""
is "$HTTP_STATUS $ERR" "413 too_large" "413 before 401"
req GET /v1/health "@$T_TMP/big" ""
is "$HTTP_STATUS $ERR" "413 too_large" "413 even on health"
req POST /v1/nothing "@$T_TMP/big" "" -H 'Transfer-Encoding: chunked'
is "$HTTP_STATUS $ERR" "413 too_large" "chunked over 64 KiB: 413 before 404"
pad=$(head -c $((65536 - 11)) /dev/zero | tr '\0' ' ')
printf '{"have":{}}%s' "$pad" > "$T_TMP/max"
req POST /v1/sync "@$T_TMP/max" "$A"
is "$HTTP_STATUS" 200 "a body of exactly 65536 bytes is read"
printf ' ' >> "$T_TMP/max"
req POST /v1/sync "@$T_TMP/max" "$A"
is "$HTTP_STATUS $ERR" "413 too_large" "65537 bytes: 413"
req GET /v1/nothing "" ""
is "$HTTP_STATUS $ERR" "404 not_found" "404 (no endpoint) before 401"
req DELETE /v1/conversations "" ""
is "$HTTP_STATUS $ERR" "405 method_not_allowed" "405 before 401"
req DELETE "/v1/conversations/cnope" "" ""
is "$HTTP_STATUS $ERR" "405 method_not_allowed" "405 before 401 and 404 (conversation)"
req GET /v1/health "" "not-a-token"
is "$HTTP_STATUS" 200 "health ignores a bad token"
req POST /v1/sync "not json" ""
is "$HTTP_STATUS $ERR" "401 unauthorized" "401 before 400 (body)"
req GET /v1/conversations/cnope "" "$(printf '%064d' 0)"
is "$HTTP_STATUS $ERR" "401 unauthorized" "401 before 404 (conversation)"
req POST /v1/conversations/cnope/messages "xx" "$A"
is "$HTTP_STATUS $ERR" "400 malformed_json" "400 (body) before 404 (conversation)"
req POST "/v1/conversations/$BC/messages" '{}' "$A"
is "$HTTP_STATUS $ERR" "404 not_found" "404 (conversation) before 400 (fields)"
big=$(head -c 16385 /dev/zero | tr '\0' x)
req POST "/v1/conversations/$BC/messages" "{\"client_id\":\"o\",\"body\":\"$big\"}" "$A"
is "$HTTP_STATUS $ERR" "404 not_found" "404 (conversation) before 413 (message body)"
req POST "/v1/conversations/$AB/messages" "{\"client_id\":\"bad id\",\"body\":\"$big\"}" "$A"
is "$HTTP_STATUS $ERR" "400 invalid_field" "400 (client_id) before 413 (message body)"
req POST "/v1/conversations/$AB/messages" "{\"client_id\":\"big\",\"body\":\"$big\"}" "$A"
is "$HTTP_STATUS $ERR" "413 too_large" "then 413 (message body)"
req POST /v1/register '{"user":"Bad Name","password":"short"}' ""
is "$HTTP_STATUS $ERR" "400 invalid_field" "register: password length before the name"
req POST /v1/register '{"user":"Bad Name","password":"long enough"}' ""
is "$HTTP_STATUS $ERR" "400 invalid_user" "register: then the name"
req POST /v1/login '{"user":"Bad Name","password":"long enough"}' ""
is "$HTTP_STATUS $ERR" "401 bad_credentials" "login: a bad name is only a wrong name"
req POST /v1/conversations '{"title":"t","members":["BAD","zed"]}' "$A"
is "$HTTP_STATUS $ERR" "400 invalid_user" "create: invalid_user before unknown_user"
req POST /v1/sync '{"have":[],"limit":0}' "$A"
like "$HTTP_STATUS $OUT" '^400 .*have.* must be an object' "sync: have before limit"
req POST /v1/sync '{"have":{"cnope":{}},"limit":0}' "$A"
is "$HTTP_STATUS $ERR" "400 invalid_field" "sync: limit before have's entries"
req POST /v1/sync "{\"have\":{\"$AB\":5,\"cnope\":{}}}" "$A"
is "$HTTP_STATUS $ERR" "400 invalid_field" "sync: have's entries in body order (400 first)"
req POST /v1/sync "{\"have\":{\"cnope\":5,\"$AB\":{}}}" "$A"
is "$HTTP_STATUS $ERR" "404 not_found" "sync: have's entries in body order (404 first)"
req POST /v1/sync "{\"have\":{\"$AB\":{\"alice\":\"x\"}},\"conversations\":[\"cnope\"]}" "$A"
is "$HTTP_STATUS $ERR" "400 invalid_ranges" "sync: have before conversations"

# The HTTP layer's own answers: no JSON, no error code.
(printf 'X-Big: '; head -c 150000 /dev/zero | tr '\0' a; echo) > "$T_TMP/hdr"
st=$(curl -s -D "$T_TMP/431.h" -o "$T_TMP/431.b" -w '%{http_code}' -H @"$T_TMP/hdr" \
	"$SERVER_URL/v1/conversations")
is "$st" 431 "headers over the memory per connection: 431 (before 401)"
grep -qi '^content-type' "$T_TMP/431.h"; is $? 1 "431 has no Content-Type"
grep -qi '^connection: close' "$T_TMP/431.h"; ok $? "431 closes the connection"
like "$(cat "$T_TMP/431.b")" '^<html>' "431 has an HTML body, no error code"

# 413 before reading: a body far over the limit gets 413 or a broken connection.
head -c 4000000 /dev/zero | tr '\0' ' ' > "$T_TMP/huge"
st=$(curl -s -o /dev/null -w '%{http_code}' -H 'Expect:' -H "Authorization: Bearer $A" \
	--data-binary @"$T_TMP/huge" "$SERVER_URL/v1/sync")
rc=$?
[ "$st" = 413 ] || [ $rc = 55 ] || [ $rc = 56 ]; ok $? "4 MB body: 413 or a reset (got $st, curl $rc)"
req GET /v1/health "" ""
is "$HTTP_STATUS $(val status)" "200 ok" "the server is well after it"
ctl=$(printf '\\u0001%.0s' $(seq 12000))
req POST "/v1/conversations/$AB/messages" "{\"client_id\":\"ctl\",\"body\":\"$ctl\"}" "$A"
is "$HTTP_STATUS $(val message)" "413 the request body is over 64 KiB" \
	"12000 control characters (under 16 KiB) encode over 64 KiB: 413"

# What `have` and `conversations` may name.
names=("\"$BC\"" '"cnope"' '"bad id!"' '""')
args=()
for h in "${names[@]}"; do args+=(/v1/sync "{\"have\":{$h:{}}}"); done
many POST "$A" "${args[@]}"
for i in "${!names[@]}"; do
	is "${GOT[i]}" "404 not_found" "have naming ${names[i]}: 404"
done
req POST /v1/sync "{\"have\":{\"$BC\":{}},\"conversations\":[\"$AB\"]}" "$A"
is "$HTTP_STATUS $ERR" "404 not_found" "have naming a non-member outside the scope: still 404"
req POST /v1/sync "{\"have\":{\"$AC\":{\"zed\":\"x\"}},\"conversations\":[\"$AB\"]}" "$A"
is "$HTTP_STATUS $ERR" "400 invalid_ranges" "an entry outside the scope is still checked"
req POST /v1/sync "{\"have\":{\"$AB\":{}},\"conversations\":[]}" "$A"
like "$HTTP_STATUS $OUT" '^200 \{"messages":\[\],"more":false,"cursor":[0-9]+,"conversations":\[\],"epoch":\{"server":"[0-9a-f]{32}","generation":1\}\}$' \
	"empty scope []: no messages, more false, no conversations, a cursor, the epoch"
req POST /v1/sync "{\"have\":{\"$AB\":{\"zed\":\"1-9\",\"BAD NAME\":\"1\",\"\":\"2\",\"alice\":\"3-99\"}},\"conversations\":[\"$AB\"]}" "$A"
is "$HTTP_STATUS $(jx "$OUT" 'join ",", map { "$_->{sender}$_->{seq}" } @{$d->{messages}}')" "200 alice1,alice2" \
	"senders not members (or not names) are ignored; ranges past the last seq are held"
req POST /v1/sync "{\"have\":{},\"conversations\":[\"$AB\",\"$AB\"]}" "$A"
is "$(count title)" 1 "an id listed twice counts once"
scopes=(null 7 '[7]' '["bad id!"]' "[\"$BC\"]")
wants=("400 invalid_field" "400 invalid_field" "400 invalid_field" "404 not_found" "404 not_found")
args=()
for sc in "${scopes[@]}"; do args+=(/v1/sync "{\"have\":{},\"conversations\":$sc}"); done
many POST "$A" "${args[@]}"
for i in "${!scopes[@]}"; do
	is "${GOT[i]}" "${wants[i]}" "conversations ${scopes[i]}: ${wants[i]}"
done

# Answer order.
req GET /v1/conversations "" "$A"
is "$(jx "$OUT" 'join(",", map { $_->{id} } @{$d->{conversations}})." ".join(",", @{$d->{conversations}[2]{members}})')" \
	"$AB,$AC,$X alice,bob,carol" "conversations list: creation order; members sorted"
s1=$(send "$C" "$AC" o1 x)
send "$A" "$AB" o2 x >/dev/null
send "$A" "$AC" o3 x >/dev/null
send "$B" "$AB" o4 x >/dev/null
req POST /v1/sync "{\"have\":{\"$AB\":{\"alice\":\"1-8\"}}}" "$A"
is "$(jx "$OUT" 'join " ", map { "$_->{sender}$_->{seq}" } @{$d->{messages}}')" \
	"carol$s1 alice9 alice1 bob1" "sync messages: acceptance order across the scope"
req POST /v1/sync "{\"have\":{\"$AB\":{\"alice\":\"1-8\"}},\"limit\":2}" "$A"
is "$(jx "$OUT" 'join(" ", map { "$_->{sender}$_->{seq}" } @{$d->{messages}})."/".join(",", map { $_->{id} } @{$d->{conversations}})')" \
	"carol$s1 alice9/$AB,$AC,$X" "limit keeps the first in that order; without a scope, conversations in list order"
req POST /v1/sync "{\"have\":{},\"conversations\":[\"$X\",\"$AB\",\"$X\",\"$AC\"]}" "$A"
is "$(jx "$OUT" 'join ",", map { $_->{id}.(exists $_->{digest} ? "+d" : "") } @{$d->{conversations}}')" \
	"$X+d,$AB+d,$AC+d" "sync conversations: request order, a repeat at its first place, with digest"
req GET "/v1/events?after=0&timeout=0" "" "$A"
# ... and conversation events carry no vector and no digest.
is "$(jx "$OUT" 'my ($e) = grep { $_->{type} eq "conversation" } @{$d->{events}};
	join(" ", map { $_->{type} eq "message" ? "$_->{sender}$_->{seq}" : "c" } @{$d->{events}}[-4..-1])
	."/".join(",", sort keys %$e)')" \
	"carol$s1 alice9 alice1 bob1/admins,created,id,members,title,type" \
	"events in acceptance order; a conversation event: type, id, title, members, created (and the creator in admins)"

# Cursors: one log for all users; the answer's cursor is the current one.
req GET /v1/events "" "$A"
c0=$(val cursor)
api POST /v1/conversations '{"title":"bc2","members":["carol"]}' "$B" >/dev/null
send "$B" "$BC" cur1 x >/dev/null
req GET "/v1/events?after=$c0&timeout=0" "" "$A"
is "$(count type) $(val cursor)" "0 $((c0 + 3))" \
	"alice's answer with no events still moves to the global cursor"
req POST /v1/sync '{"have":{},"conversations":[]}' "$A"
is "$(val cursor)" "$((c0 + 3))" "sync gives the same current cursor"
req GET "/v1/events?after=$((c0 + 1000))&timeout=0" "" "$A"
is "$(val gap) $(val cursor) $(count type)" "true $((c0 + 3)) 0" \
	"a cursor from the future: gap, the current (smaller) cursor"
: > "$T_TMP/many.cfg"
for i in $(seq 1 1003); do
	printf 'url = "%s/v1/conversations/%s/messages"\nheader = "Authorization: Bearer %s"\ndata = "{\\"client_id\\":\\"many%d\\",\\"body\\":\\"m\\"}"\noutput = /dev/null\n' \
		"$SERVER_URL" "$AB" "$A" "$i" >> "$T_TMP/many.cfg"
	[ "$i" -lt 1003 ] && echo next >> "$T_TMP/many.cfg"
done
c1=$((c0 + 3))
curl -s -K "$T_TMP/many.cfg"
req GET "/v1/events?after=$c1&timeout=0" "" "$B"
is "$(count type) $(val cursor)" "1000 $((c1 + 1000))" \
	"1003 events: 1000 come, the cursor is the last one's"
req GET "/v1/events?after=$((c1 + 1000))&timeout=0" "" "$B"
is "$(count type) $(val cursor)" "3 $((c1 + 1003))" \
	"the rest, with the current cursor"

# Client ids: per conversation and sender, the body is not compared, never forgotten.
req POST "/v1/conversations/$AB/messages" '{"client_id":"a1","body":"another text"}' "$A"
is "$HTTP_STATUS $(val seq)" "200 1" \
	"the first client id, 1000 messages later, with another body: 200, the original"
req POST "/v1/conversations/$AC/messages" '{"client_id":"a1","body":"one"}' "$A"
is "$HTTP_STATUS" 201 "the same client id in another conversation is another message"
req POST /v1/logout "" "$C"
is "$HTTP_STATUS $OUT" "200 {}" "logout with an empty body"
stop_server

# 429 comes before everything but the HTTP layer.
start_server --rate-limit 1 || exit 1
many POST "" /v1/conversations "" /v1/nothing "@$T_TMP/big"
is "${GOT[1]}" "429 rate_limited" "429 before 413 and 404"
req GET /v1/health "" ""
is "$HTTP_STATUS" 200 "health is not rate limited"
stop_server
done_testing
