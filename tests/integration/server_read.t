#!/usr/bin/env bash
# natter-server-mock: read state (POST /v1/conversations/{id}/read), its
# read events for the reader's other devices, and the marks in /v1/changes.
. "$(dirname "$0")/server_lib.sh"

# read CONV BODY TOKEN: sets OUT and HTTP_STATUS.
read_marks() { call POST "/v1/conversations/$1/read" "$2" "$3"; }
marks() { jx "$OUT" 'my $r = $d->{read}; join ",", map { "$_=$r->{$_}" } sort keys %$r'; }

start_server || exit 1
A=$(new_user alice)
B=$(new_user bob)
C=$(new_user carol)
A2=$(jx "$(api POST /v1/login '{"user":"alice","password":"password-alice"}')" '$d->{token}')
CONV=$(jx "$(api POST /v1/conversations '{"title":"proj","members":["bob","carol"]}' "$A")" '$d->{id}')
OTHER=$(jx "$(api POST /v1/conversations '{"title":"bc","members":["carol"]}' "$B")" '$d->{id}')
for i in 1 2 3 4 5; do api POST "/v1/conversations/$CONV/messages" "{\"client_id\":\"b$i\",\"body\":\"bob $i\"}" "$B" >/dev/null; done
for i in 1 2; do api POST "/v1/conversations/$CONV/messages" "{\"client_id\":\"c$i\",\"body\":\"carol $i\"}" "$C" >/dev/null; done
api POST "/v1/conversations/$CONV/messages" '{"client_id":"a1","body":"mine"}' "$A" >/dev/null
CUR=$(jx "$(api GET /v1/events "" "$A2")" '$d->{cursor}')

# Raising marks: answered with the marks now.
read_marks "$CONV" '{"read":{"bob":3}}' "$A"
is "$HTTP_STATUS $(marks) $(jx "$OUT" '$d->{conv}')" "200 bob=3 $CONV" "a mark is raised and answered"
read_marks "$CONV" '{"read":{"bob":1,"carol":2}}' "$A"
is "$(marks)" "bob=3,carol=2" "marks never go down; another sender's is added"
read_marks "$CONV" '{"read":{"bob":99}}' "$A"
is "$(marks)" "bob=5,carol=2" "a mark past the last message is lowered to it"
read_marks "$CONV" '{"read":{"alice":1,"nobody":4,"dave!":7}}' "$A"
is "$HTTP_STATUS $(marks)" "200 bob=5,carol=2" "own, unknown and invalid senders are ignored"
read_marks "$CONV" '{"read":{}}' "$B"
is "$HTTP_STATUS $OUT" "200 {\"conv\":\"$CONV\",\"read\":{}}" "no marks yet: {}"
read_marks "$CONV" '{"read":{"bob":0}}' "$C"
is "$(marks)" "" "0 is no mark"

# The reader's other device gets a read event; the other members get nothing.
call GET "/v1/events?after=$CUR&timeout=0" "" "$A2"
is "$(jx "$OUT" 'join ";", map { "$_->{type} $_->{conv} " . join(",", map { "$_" } sort keys %{$_->{read}}) } @{$d->{events}}')" \
	"read $CONV bob,carol;read $CONV bob,carol;read $CONV bob,carol" \
	"one read event per request that moved a mark (none for the one that moved none), with the marks now"
is "$(jx "$OUT" '$d->{events}[0]{read}{bob}')" "5" "a read event carries the marks now"
call GET "/v1/events?after=$CUR&timeout=0" "" "$B"
is "$(jx "$OUT" 'scalar @{$d->{events}}')" "0" "other members learn nothing of alice's reads"

# A waiting long-poll of the other device wakes at once.
curl -s -H "Authorization: Bearer $A2" "$SERVER_URL/v1/events?after=$(jx "$OUT" '$d->{cursor}')&timeout=20" >"$T_TMP/poll" &
poll=$!
sleep 0.3
api POST "/v1/conversations/$CONV/messages" '{"client_id":"c3","body":"carol 3"}' "$C" >/dev/null
wait "$poll"
P=$(cat "$T_TMP/poll")
NOW=$(jx "$P" '$d->{cursor}')
curl -s -H "Authorization: Bearer $A2" "$SERVER_URL/v1/events?after=$NOW&timeout=20" >"$T_TMP/poll" &
poll=$!
sleep 0.3
start=$(date +%s%N)
read_marks "$CONV" '{"read":{"carol":3}}' "$A"
wait "$poll"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "$(jx "$(cat "$T_TMP/poll")" '$d->{events}[0]{type} . " " . $d->{events}[0]{read}{carol}')" "read 3" "a long-poll of the other device wakes for the read"
[ "$ms" -lt 3000 ]
ok $? "and at once (${ms} ms)"

# changes: a read lists the conversation with the marks.
call GET "/v1/changes?since=$NOW" "" "$A2"
is "$(jx "$OUT" 'join ";", map { "$_->{id} " . join(",", map { "$_" } sort keys %{$_->{read}}) } @{$d->{conversations}}')" \
	"$CONV bob,carol" "changes lists a conversation read elsewhere, with the marks"
call GET "/v1/changes" "" "$A"
is "$(jx "$OUT" '$d->{conversations}[0]{read}{bob} . "," . $d->{conversations}[0]{read}{carol}')" "5,3" "a full changes answer carries the marks"
call GET "/v1/changes" "" "$C"
is "$(jx "$OUT" 'join ";", map { scalar(keys %{$_->{read}}) } @{$d->{conversations}}')" "0;0" "each user sees only their own marks"
call GET "/v1/changes?since=$(jx "$OUT" '$d->{cursor}')" "" "$B"
is "$(jx "$OUT" 'scalar @{$d->{conversations}}')" "0" "another's read does not list the conversation for bob"

# Errors.
read_marks "$OTHER" '{"read":{"bob":1}}' "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "404 not_found" "not a member: 404"
read_marks nope '{"read":{}}' "$A"
is "$HTTP_STATUS" "404" "unknown conversation: 404"
read_marks "$CONV" '{"read":{}}' ""
is "$HTTP_STATUS" "401" "no token: 401"
for bad in '{"read":[]}' '{"read":null}' '{}' '{"read":{"bob":1.0}}' '{"read":{"bob":-1}}' '{"read":{"bob":"3"}}' '{"read":{"bob":9007199254740993}}'; do
	read_marks "$CONV" "$bad" "$A"
	is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 invalid_field" "400 for $bad"
done
read_marks "$CONV" '{"read":{"bob":' "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 malformed_json" "malformed JSON: 400"
call GET "/v1/conversations/$CONV/read" "" "$A"
is "$HTTP_STATUS" "405" "GET is not allowed"
read_marks "$CONV" '{"read":{"bob":5}}' "$A"
is "$(marks)" "bob=5,carol=3" "nothing changed by the refused requests"

# Marks are kept across a restart of a -d server, and --protocol 1.0 has none.
stop_server
start_server -d "$T_TMP/s.db" || exit 1
A=$(new_user alice); B=$(new_user bob)
CONV=$(jx "$(api POST /v1/conversations '{"title":"p","members":["bob"]}' "$A")" '$d->{id}')
api POST "/v1/conversations/$CONV/messages" '{"client_id":"b1","body":"x"}' "$B" >/dev/null
read_marks "$CONV" '{"read":{"bob":1}}' "$A"
stop_server
start_server -d "$T_TMP/s.db" || exit 1
call GET "/v1/changes" "" "$A"
is "$(jx "$OUT" '$d->{conversations}[0]{read}{bob}')" "1" "marks survive a restart"
stop_server
start_server -d "$T_TMP/s.db" --protocol 1.0 || exit 1
read_marks "$CONV" '{"read":{"bob":1}}' "$A"
is "$HTTP_STATUS" "404" "--protocol 1.0: no read endpoint"
done_testing
