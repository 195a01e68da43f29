#!/usr/bin/env bash
# natter-server-mock: direct conversations, membership with roles,
# invitations (consent), blocks and titles (docs/protocol.md, "Membership").
. "$(dirname "$0")/server_lib.sh"

conv_id() { jx "$OUT" '$d->{id}'; }
members() { jx "$OUT" 'join ",", @{$d->{members}}'; }
# event_types TOKEN AFTER: the events after a cursor, as "type conv-or-id left/invited".
events() {
	call GET "/v1/events?after=$2&timeout=0" "" "$1"
	jx "$OUT" 'join ";", map { $_->{type} . ($_->{left} ? " left" : "") . ($_->{invited} ? " invited by $_->{inviter}" : "") } @{$d->{events}}'
}
send() { call POST "/v1/conversations/$1/messages" "{\"client_id\":\"$2\",\"body\":\"$3\"}" "$4"; }

NATTER_CONSENT=on start_server || exit 1
A=$(new_user alice)
B=$(new_user bob)
C=$(new_user carol)
D=$(new_user dave)
X=$(new_user bobby)
B2=$(jx "$(api POST /v1/login '{"user":"bob","password":"password-bob"}')" '$d->{token}')

# Direct conversations: one per pair, the same id from both sides and every call.
call POST /v1/direct '{"user":"bob"}' "$A"
DM=$(conv_id)
is "$HTTP_STATUS $(members) $(jx "$OUT" '$d->{direct}')" "201 alice 1" "a first call makes the direct conversation (bob is invited: they never shared one)"
call POST /v1/direct '{"user":"alice"}' "$B"
is "$HTTP_STATUS $(conv_id) $(jx "$OUT" '$d->{invited} ? "invited by $d->{inviter}" : "member"')" "200 $DM invited by alice" "bob's call finds the same conversation, as an invitation"
call POST /v1/direct '{"user":"bob"}' "$A"
is "$HTTP_STATUS $(conv_id)" "200 $DM" "again: the same id"
call POST /v1/direct '{"user":"alice"}' "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 invalid_field" "not with oneself"
call POST /v1/direct '{"user":"nobody"}' "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 unknown_user" "an unknown user"
call POST /v1/direct '{"user":"Bob"}' "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 invalid_user" "a name that breaks the grammar"

# An invitation delivers nothing until accepted.
CUR=$(jx "$(api GET /v1/events "" "$B2")" '$d->{cursor}')
send "$DM" a1 "hello bob" "$A"
is "$HTTP_STATUS" 201 "alice writes in the direct conversation"
send "$DM" b1 "hi" "$B"
is "$HTTP_STATUS" 404 "bob cannot send before accepting"
call POST /v1/sync "{\"have\":{},\"conversations\":[\"$DM\"]}" "$B"
is "$HTTP_STATUS $(jx "$OUT" 'scalar(@{$d->{messages}}) . " " . scalar(@{$d->{conversations}})')" "200 0 0" "nor sync it: named in the scope, nothing of it comes"
call POST /v1/sync '{"have":{}}' "$B"
is "$HTTP_STATUS $(jx "$OUT" 'scalar @{$d->{messages}}')" "200 0" "a sync of everything holds nothing of it"
call GET /v1/conversations "" "$B"
is "$(jx "$OUT" 'join ",", map { "$_->{id}:" . ($_->{invited} ? "invited" : "member") . ":$_->{digest}" } @{$d->{conversations}}')" \
	"$DM:invited:e3b0c44298fc1c149afbf4c8996fb924" "listed as an invitation, with the empty digest"
is "$(events "$B2" "$CUR")" "" "no event for bob while invited"
call POST "/v1/conversations/$DM/accept" "" "$B"
is "$HTTP_STATUS $(members)" "200 alice,bob" "bob accepts"
call POST "/v1/conversations/$DM/accept" "" "$B"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "409 not_invited" "accepting twice"
call POST /v1/sync "{\"have\":{},\"conversations\":[\"$DM\"]}" "$B"
is "$(jx "$OUT" 'join ",", map { $_->{kind} ? "$_->{sender}:$_->{seq} $_->{kind} $_->{op} @{$_->{users}}" : $_->{body} } @{$d->{messages}}')" "hello bob,bob:1 member join bob" "after accepting, what was sent comes, then bob's join item (his seq 1)"
is "$(events "$B2" "$CUR")" "message;conversation" "bob's other device learns of the acceptance (his join item, the conversation)"

# Roles: the creator adds and removes; others may not until named admins.
call POST /v1/conversations '{"title":"Lunch plans","members":["bob"]}' "$A"
L=$(conv_id)
is "$(members) $(jx "$OUT" 'join ",", @{$d->{admins}}')" "alice,bob alice" "bob shared a conversation with alice: a member at once; alice is admin"
call POST "/v1/conversations/$L/members" '{"add":["carol"]}' "$B"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "403 forbidden" "bob is no admin"
call POST "/v1/conversations/$L/members" '{"admins":["bob"]}' "$A"
is "$HTTP_STATUS $(jx "$OUT" 'join ",", @{$d->{admins}}')" "200 alice,bob" "alice names bob admin"
call POST "/v1/conversations/$L/members" '{"add":["carol"]}' "$B"
is "$HTTP_STATUS $(members)" "200 alice,bob" "bob may add: carol, a stranger to bob, is invited"
call POST "/v1/conversations/$L/members" '{"remove":["alice"]}' "$B"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "403 forbidden" "the creator cannot be removed"
call POST "/v1/conversations/$L/members" '{"remove":["dave"]}' "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "409 not_member" "removing a non-member"
call POST "/v1/conversations/$L/members" '{"add":["zed"]}' "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 unknown_user" "adding an unknown user"
call POST "/v1/conversations/$L/members" '{}' "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 invalid_field" "nothing asked"
call POST "/v1/conversations/$L/accept" "" "$C"
is "$HTTP_STATUS" 200 "carol accepts"

# A removed member receives nothing after, and is refused.
CB=$(jx "$(api GET /v1/events "" "$B2")" '$d->{cursor}')
send "$L" a2 "before" "$A"
call POST "/v1/conversations/$L/members" '{"remove":["bob"]}' "$A"
is "$HTTP_STATUS $(members)" "200 alice,carol" "alice removes bob"
send "$L" a3 "after bob left" "$A"
is "$(events "$B2" "$CB")" "message;message;conversation left" "bob's devices get what came before and his removal, then that he is no longer a member"
call GET "/v1/events?after=$CB&timeout=0" "" "$B2"
is "$(jx "$OUT" 'join ",", map { $_->{body} // () } @{$d->{events}}')" "before" "nothing sent after the removal"
send "$L" b9 "still here?" "$B"
is "$HTTP_STATUS" 404 "bob can no longer send"
call GET "/v1/conversations/$L" "" "$B"
is "$HTTP_STATUS" 404 "nor read the conversation"
call POST /v1/sync "{\"have\":{\"$L\":{\"alice\":\"1\"}}}" "$B"
is "$HTTP_STATUS $(jx "$OUT" 'join ",", map { $_->{body} } grep { $_->{conv} eq "'"$L"'" } @{$d->{messages}}')" "200 " "a have entry of a former conversation is accepted and nothing of it comes"
call POST /v1/sync "{\"have\":{},\"conversations\":[\"$L\"]}" "$B"
is "$HTTP_STATUS $(jx "$OUT" 'scalar(@{$d->{messages}}) . " " . scalar(@{$d->{conversations}})')" "200 0 0" "a scope naming it gives nothing"
call GET "/v1/changes?since=$CB" "" "$B"
is "$(jx "$OUT" 'join ",", map { "$_->{id} " . ($_->{left} ? "left" : "in") . " $_->{digest} " . scalar @{$_->{members}} } @{$d->{conversations}}')" \
	"$L left e3b0c44298fc1c149afbf4c8996fb924 0" "changes list it once, left, with nothing of it"
NOW=$(jx "$OUT" '$d->{cursor}')
call GET "/v1/changes?since=$NOW" "" "$B"
is "$(jx "$OUT" 'scalar @{$d->{conversations}}')" "0" "and no more afterwards"
call POST "/v1/conversations/$L/read" '{"read":{"alice":3}}' "$B"
is "$HTTP_STATUS" 404 "read marks refused"

call POST /v1/sync "{\"have\":{},\"conversations\":[\"$L\"]}" "$A"
is "$(jx "$OUT" 'join ",", map { $_->{kind} ? "$_->{sender}:$_->{seq} $_->{op} @{$_->{users}}" : () } @{$d->{messages}}')" \
	"alice:1 admin bob,carol:1 join carol,alice:3 remove bob" "each change is a member item with the actor's next seq (carol's invitation made none)"
call GET "/v1/events?after=$CB&timeout=0" "" "$B2"
is "$(jx "$OUT" 'join ",", map { $_->{op} // () } @{$d->{events}}')" "remove" "bob's last message event is his removal"

# Leaving: anyone may; the others see the members change.
call POST "/v1/conversations/$L/leave" "" "$C"
is "$HTTP_STATUS" 200 "carol leaves"
call GET "/v1/conversations/$L" "" "$A"
is "$(members) $(jx "$OUT" '$d->{vector}{carol}')" "alice 1-2" "alice is alone; carol's leave item took her seq 2"
call POST "/v1/conversations/$L/leave" "" "$C"
is "$HTTP_STATUS" 404 "leaving twice"

# Titles: any member renames.
call POST "/v1/conversations/$DM/title" '{"title":"us two"}' "$B"
is "$HTTP_STATUS $(jx "$OUT" '$d->{title}')" "200 us two" "bob renames"
call POST /v1/sync "{\"have\":{\"$DM\":{\"alice\":\"1\",\"bob\":\"1\"}},\"conversations\":[\"$DM\"]}" "$A"
is "$(jx "$OUT" 'join ",", map { "$_->{sender}:$_->{seq} $_->{kind} $_->{body}" } @{$d->{messages}}')" "bob:2 title us two" "a title item from bob"
call POST "/v1/conversations/$DM/title" '{"title":""}' "$B"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 invalid_field" "an empty title"
call POST "/v1/conversations/$L/title" '{"title":"x"}' "$B"
is "$HTTP_STATUS" 404 "a former member cannot rename"

# The bobby case (a stranger named like bob; "bob." itself is now refused as a look-alike): a stranger's conversation is an invitation; blocking declines it.
call POST /v1/conversations '{"title":"proj","members":["alice"]}' "$X"
P=$(conv_id)
call GET /v1/conversations "" "$A"
is "$(jx "$OUT" 'join ",", map { $_->{title} . ($_->{invited} ? "(invited by $_->{inviter})" : "") } @{$d->{conversations}}')" \
	"us two,Lunch plans,proj(invited by bobby)" "bobby's proj is an invitation for alice"
call POST /v1/blocks '{"user":"bobby","blocked":true}' "$A"
is "$HTTP_STATUS $(jx "$OUT" 'join ",", @{$d->{blocks}}')" "200 bobby" "alice blocks bobby"
call GET /v1/conversations "" "$A"
is "$(jx "$OUT" 'join ",", map { $_->{title} } @{$d->{conversations}}')" "us two,Lunch plans" "the invitation is declined"
call POST /v1/conversations '{"title":"proj2","members":["alice"]}' "$X"
call GET /v1/conversations "" "$A"
is "$(jx "$OUT" 'scalar @{$d->{conversations}}')" "2" "a blocked user's new conversation never reaches alice"
call POST /v1/direct '{"user":"alice"}' "$X"
call GET /v1/conversations "" "$A"
is "$(jx "$OUT" 'scalar @{$d->{conversations}}')" "2" "nor their direct conversation"
call GET /v1/blocks "" "$A"
is "$(jx "$OUT" 'join ",", @{$d->{blocks}}')" "bobby" "GET lists the blocks"
call POST /v1/blocks '{"user":"bobby","blocked":false}' "$A"
is "$HTTP_STATUS $(jx "$OUT" 'scalar @{$d->{blocks}}')" "200 0" "unblocked"
call POST /v1/blocks '{"user":"alice","blocked":true}' "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 invalid_user" "one cannot block oneself"
call GET /v1/direct "" "$A"
is "$HTTP_STATUS" 405 "GET /v1/direct is no method"

done_testing
