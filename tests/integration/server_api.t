#!/usr/bin/env bash
# natter-server-mock: flags, accounts, conversations, messages, errors, limits,
# membership, gzip and metrics, through curl.
. "$(dirname "$0")/server_lib.sh"

# Flags.
out=$("$SERVER" --version); is "$out" "natter-server-mock 0.1.0" "--version"
"$SERVER" --help | grep -q -- --event-retention; ok $? "--help lists the flags"
"$SERVER" --no-such-flag 2>/dev/null; is $? 2 "unknown flag exits 2"
"$SERVER" --faults bogus=1 2>/dev/null; is $? 2 "bad --faults spec exits 2"

start_server || exit 1
is "$(wc -l < "$T_TMP/server.1.log")" 1 "one line on stdout at start"
like "$SERVER_URL" '^http://127\.0\.0\.1:[0-9]+$' "listening line names host and port"

call GET /v1/health; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{status}.",".$d->{version}')" "200 ok,0.1.0" "health"

# Accounts.
call POST /v1/register '{"user":"alice","password":"password-alice"}'; out=$OUT
is "$HTTP_STATUS" 201 "register 201"
A=$(jx "$out" '$d->{token}')
like "$A" '^[0-9a-f]{64}$' "token is 64 hex digits"
api POST /v1/register '{"user":"alice","password":"password-other"}' >/dev/null
is "$HTTP_STATUS" 409 "register taken name 409"
call POST /v1/register '{"user":"Bad Name","password":"password-x"}'; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 invalid_user" "register bad name 400 invalid_user"
call POST /v1/register '{"user":"shorty","password":"short"}'; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 invalid_field" "register short password 400"
call POST /v1/login '{"user":"alice","password":"wrong-password"}'; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "401 bad_credentials" "login wrong password 401"
call POST /v1/login '{"user":"nobody","password":"password-x"}'; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "401 bad_credentials" "login unknown user 401"
call POST /v1/login '{"user":"alice","password":"password-alice"}'; out=$OUT
is "$HTTP_STATUS" 200 "login 200"
A2=$(jx "$out" '$d->{token}')
[ "$A2" != "$A" ]; ok $? "login gives a new token"
api GET /v1/conversations "" "$A" >/dev/null; is "$HTTP_STATUS" 200 "the older token stays valid"
api POST /v1/logout "" "$A2" >/dev/null; is "$HTTP_STATUS" 200 "logout 200"
call GET /v1/conversations "" "$A2"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "401 unauthorized" "revoked token 401"
api GET /v1/conversations >/dev/null; is "$HTTP_STATUS" 401 "no token 401"
api GET /v1/conversations "" "$(printf '%064d' 0)" >/dev/null; is "$HTTP_STATUS" 401 "unknown token 401"

B=$(new_user bob)
C=$(new_user carol)

# Conversations.
call POST /v1/conversations '{"title":"proj","members":["bob","alice"]}' "$A"; out=$OUT
is "$HTTP_STATUS" 201 "create conversation 201"
CONV=$(jx "$out" '$d->{id}')
like "$CONV" '^c[0-9a-f]{16}$' "conversation id"
is "$(jx "$out" 'join ",", @{$d->{members}}')" "alice,bob" "members sorted, caller included once"
is "$(jx "$out" '$d->{digest}')" e3b0c44298fc1c149afbf4c8996fb924 "empty vector digest"
call POST /v1/conversations '{"title":"x","members":["zed"]}' "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 unknown_user" "unknown member 400"
call POST /v1/conversations '{"title":"x","members":["alice"]}' "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 invalid_field" "one member only 400"
call POST /v1/conversations '{"title":"x","members":["BAD!"]}' "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 invalid_user" "bad member name 400"
call POST /v1/conversations '{"title":"","members":["bob"]}' "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 invalid_field" "empty title 400"
call POST /v1/conversations '{"title":7,"members":["bob"]}' "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 invalid_field" "wrong type 400"

# Messages, seq and idempotency.
call POST /v1/conversations/$CONV/messages '{"client_id":"m1","body":"hello"}' "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '"$d->{conv} $d->{sender} $d->{seq}"')" "201 $CONV alice 1" "send 201 seq 1"
TS=$(jx "$out" '$d->{ts}')
call POST /v1/conversations/$CONV/messages '{"client_id":"m2","body":"again"}' "$A"; out=$OUT
is "$(jx "$out" '$d->{seq}')" 2 "next seq 2"
call POST /v1/conversations/$CONV/messages '{"client_id":"m1","body":"hello"}' "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{seq}.",".$d->{ts}')" "200 1,$TS" "retry with same client_id: 200, same seq and ts"
call POST /v1/conversations/$CONV/messages '{"client_id":"m1","body":"hi"}' "$B"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{seq}')" "201 1" "bob's seq starts at 1; client ids are per sender"
call GET /v1/conversations/$CONV "" "$A"; out=$OUT
is "$(jx "$out" '$d->{vector}{alice}."/".$d->{vector}{bob}')" "1-2/1" "vector: stored once"
like "$(jx "$out" '$d->{digest}')" '^[0-9a-f]{32}$' "digest"
is "$(metric natter_messages_stored_total)" 3 "metric messages stored"

# Membership: carol sees nothing of it.
call GET /v1/conversations/$CONV "" "$C"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "404 not_found" "non-member cannot read"
api POST /v1/conversations/$CONV/messages '{"client_id":"x","body":"intrude"}' "$C" >/dev/null
is "$HTTP_STATUS" 404 "non-member cannot send"
api POST /v1/sync "{\"have\":{\"$CONV\":{}}}" "$C" >/dev/null
is "$HTTP_STATUS" 404 "non-member cannot sync (have)"
api POST /v1/sync "{\"have\":{},\"conversations\":[\"$CONV\"]}" "$C" >/dev/null
is "$HTTP_STATUS" 404 "non-member cannot sync (scope)"
call GET /v1/conversations "" "$C"; out=$OUT
is "$(jx "$out" 'scalar @{$d->{conversations}}')" 0 "non-member does not list it"
api GET /v1/conversations/cffffffffffffffff "" "$A" >/dev/null
is "$HTTP_STATUS" 404 "unknown conversation 404 like non-member"

# Errors: routing, JSON, text.
call GET /v1/nope; out=$OUT; is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "404 not_found" "unknown path 404"
call GET /v1/sync "" "$A"; out=$OUT; is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "405 method_not_allowed" "wrong method 405"
call POST /v1/conversations/$CONV/messages '{"client_id":' "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 malformed_json" "truncated JSON 400"
call POST /v1/conversations/$CONV/messages '[1]' "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 malformed_json" "non-object JSON 400"
deep=$(printf '{"a":%.0s' $(seq 33))1$(printf '}%.0s' $(seq 33))
call POST /v1/sync "$deep" "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 malformed_json" "nesting 33 deep 400"
ok32=$(printf '{"a":%.0s' $(seq 31))1$(printf '}%.0s' $(seq 31))
call POST /v1/sync "{\"have\":{},\"x\":$ok32}" "$A"; out=$OUT
is "$HTTP_STATUS" 200 "nesting 32 deep accepted"
call POST /v1/conversations/$CONV/messages $'{"client_id":"u1","body":"bad \xff byte"}' "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 invalid_utf8" "invalid UTF-8 400"
call POST /v1/conversations/$CONV/messages '{"client_id":"u2","body":"nul \u0000 here"}' "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 invalid_utf8" "NUL in text 400"
call POST /v1/conversations/$CONV/messages '{"client_id":"bad id!","body":"x"}' "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 invalid_field" "bad client_id 400"
call POST /v1/conversations/$CONV/messages '{"client_id":"e1","body":""}' "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "400 invalid_field" "empty body 400"
big=$(head -c 16385 /dev/zero | tr '\0' x)
call POST /v1/conversations/$CONV/messages "{\"client_id\":\"big\",\"body\":\"$big\"}" "$A"; out=$OUT
is "$HTTP_STATUS $(jx "$out" '$d->{error}')" "413 too_large" "message body over 16 KiB 413"
call POST /v1/conversations/$CONV/messages "{\"client_id\":\"max\",\"body\":\"${big:1}\"}" "$A"; out=$OUT
is "$HTTP_STATUS" 201 "message body of exactly 16 KiB accepted"
head -c 70000 /dev/zero | tr '\0' ' ' > "$T_TMP/huge"
st=$(curl -s -o "$T_TMP/huge.out" -w '%{http_code}' -H "Authorization: Bearer $A" \
	--data-binary @"$T_TMP/huge" "$SERVER_URL/v1/sync")
is "$st $(jx "$(cat "$T_TMP/huge.out")" '$d->{error}')" "413 too_large" "request body over 64 KiB 413"
is "$(metric 'natter_request_bytes_total{endpoint="sync"}' | awk '{ print ($1 < 65536) }')" 1 \
	"the oversized body was not read"

# gzip for large answers only.
hdr=$(curl -s -D - -o "$T_TMP/gz" -H 'Accept-Encoding: gzip' -H "Authorization: Bearer $A" \
	"$SERVER_URL/v1/conversations/$CONV")
unlike "$hdr" 'Content-Encoding: gzip' "small answer not compressed"
hdr=$(curl -s -D - -o "$T_TMP/gz" -H 'Accept-Encoding: gzip' -H "Authorization: Bearer $A" \
	-d '{"have":{}}' "$SERVER_URL/v1/sync")
like "$hdr" '[Cc]ontent-[Ee]ncoding: gzip' "large answer gzipped"
is "$(jx "$(gzip -dc "$T_TMP/gz")" 'scalar @{$d->{messages}}')" 4 \
	"gzipped body decodes"

# Metrics.
m=$(curl -s -D "$T_TMP/mh" "$SERVER_URL/v1/metrics")
grep -qi '^content-type: text/plain; version=0.0.4' "$T_TMP/mh"; ok $? "metrics content type"
like "$m" 'natter_requests_total\{endpoint="register"\} 6' "requests per endpoint"
like "$m" 'natter_response_bytes_total\{endpoint="sync"\} [1-9]' "response bytes per endpoint"
like "$m" 'natter_messages_delivered_total\{via="sync"\} 7' "delivered by sync"
like "$m" 'natter_longpolls_open 0' "long-polls open"

stop_server
done_testing
