#!/usr/bin/env bash
# natter-server-mock: items (docs/protocol.md, "Items"): edits, deletions,
# reactions and replies sent as messages with a kind and a target, checked
# (only the sender edits or deletes, the target exists), stored with their
# own seq, served in sync answers and events; a deletion erases the text
# from the database file.
. "$(dirname "$0")/server_lib.sh"

# post CONV BODY TOKEN: sets OUT and HTTP_STATUS.
post() { call POST "/v1/conversations/$1/messages" "$2" "$3"; }
err() { printf '%s %s' "$HTTP_STATUS" "$(jx "$OUT" '$d->{error}')"; }

DB=$T_TMP/server.db
start_server -d "$DB" || exit 1
A=$(new_user alice)
B=$(new_user bob)
CONV=$(jx "$(api POST /v1/conversations '{"title":"proj","members":["bob"]}' "$A")" '$d->{id}')
CUR=$(jx "$(api GET /v1/events "" "$B")" '$d->{cursor}')

post "$CONV" '{"client_id":"a1","body":"lunch at noon? zanzibarquux"}' "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{seq}')" "201 1" "a text message is alice:1"
post "$CONV" '{"client_id":"b1","body":"sure","target":{"sender":"alice","seq":1}}' "$B"
is "$HTTP_STATUS $(jx "$OUT" '$d->{seq}')" "201 1" "a reply is bob:1"
post "$CONV" '{"client_id":"a2","kind":"edit","body":"lunch at one? zanzibarquux","target":{"sender":"alice","seq":1}}' "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{seq} . " " . ($d->{kind} // "-")')" "201 2 -" "an edit takes the sender's next seq; the receipt is conv, sender, seq, ts"
post "$CONV" '{"client_id":"b2","kind":"react","body":"👍","target":{"sender":"alice","seq":1}}' "$B"
is "$HTTP_STATUS" "201" "a reaction"
post "$CONV" '{"client_id":"b3","kind":"react","body":"👍","remove":true,"target":{"sender":"alice","seq":1}}' "$B"
is "$HTTP_STATUS" "201" "a reaction taken back"
post "$CONV" '{"client_id":"a3","body":"waves","action":true}' "$A"
is "$HTTP_STATUS" "201" "an action"

# Refusals.
post "$CONV" '{"client_id":"b4","kind":"edit","body":"mine now","target":{"sender":"alice","seq":1}}' "$B"
is "$(err)" "403 forbidden" "only the sender edits a message"
post "$CONV" '{"client_id":"b5","kind":"delete","target":{"sender":"alice","seq":1}}' "$B"
is "$(err)" "403 forbidden" "only the sender deletes a message"
post "$CONV" '{"client_id":"a4","kind":"edit","body":"x","target":{"sender":"alice","seq":99}}' "$A"
is "$(err)" "404 not_found" "the target must exist"
post "$CONV" '{"client_id":"a4","kind":"edit","body":"x","target":{"sender":"alice","seq":2}}' "$A"
is "$(err)" "404 not_found" "the target must be a text message, not an edit"
post "$CONV" '{"client_id":"a4","kind":"edit","body":"x"}' "$A"
is "$(err)" "400 invalid_field" "an edit needs a target"
post "$CONV" '{"client_id":"a4","kind":"member","op":"add","users":["bob"]}' "$A"
is "$(err)" "400 invalid_field" "member items are the server's"
post "$CONV" '{"client_id":"a4","kind":"title","body":"x"}' "$A"
is "$(err)" "400 invalid_field" "title items are the server's"
post "$CONV" '{"client_id":"a4","kind":"poke","body":"x"}' "$A"
is "$(err)" "400 invalid_field" "an unknown kind is refused"
post "$CONV" '{"client_id":"a4","kind":"react","body":"a b","target":{"sender":"alice","seq":1}}' "$A"
is "$(err)" "400 invalid_field" "a reaction has no space"
post "$CONV" '{"client_id":"a4","kind":"delete","body":"x","target":{"sender":"alice","seq":1}}' "$A"
is "$(err)" "400 invalid_field" "a delete has no body"
post "$CONV" '{"client_id":"a4","kind":"edit","body":"x","action":true,"target":{"sender":"alice","seq":1}}' "$A"
is "$(err)" "400 invalid_field" "only a message is an action"
post "$CONV" '{"client_id":"a4","body":"x","target":{"sender":"Alice!","seq":1}}' "$A"
is "$(err)" "400 invalid_field" "a target names a user and a seq"

# Sync: every item with its fields, each with its own seq.
call POST /v1/sync "{\"have\":{},\"conversations\":[\"$CONV\"]}" "$B"
is "$(jx "$OUT" 'join ";", map { "$_->{sender}:$_->{seq} " . ($_->{kind} // "message") . ($_->{target} ? " >$_->{target}{sender}:$_->{target}{seq}" : "") . ($_->{remove} ? " remove" : "") . ($_->{action} ? " action" : "") } @{$d->{messages}}')" \
	"alice:1 message;bob:1 message >alice:1;alice:2 edit >alice:1;bob:2 react >alice:1;bob:3 react >alice:1 remove;alice:3 message action" \
	"a sync answer carries every item with kind, target, remove and action"
is "$(jx "$OUT" '$d->{conversations}[0]{digest} ne "" ? "ok" : ""')" "ok" "with the digest"
call GET "/v1/events?after=$CUR&timeout=0" "" "$B"
is "$(jx "$OUT" 'join ";", map { ($_->{kind} // "message") . " " . ($_->{body} // "-") } @{$d->{events}}')" \
	"message lunch at noon? zanzibarquux;message sure;edit lunch at one? zanzibarquux;react 👍;react 👍;message waves" \
	"message events carry the items"

# Deletion: the text of the message and of its edit is gone, from answers and the file.
# (PostgreSQL keeps old row versions until vacuum: docs/deploy.md, "PostgreSQL".)
if on_pg; then
	skip "before the deletion the text is in the database files" "no file on PostgreSQL"
else
	found=$(cat "$DB"* | grep -ac zanzibarquux)
	ok $((found == 0)) "before the deletion the text is in the database files"
fi
post "$CONV" '{"client_id":"a5","kind":"delete","target":{"sender":"alice","seq":1}}' "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{seq}')" "201 4" "a delete is alice:4"
post "$CONV" '{"client_id":"a5","kind":"delete","target":{"sender":"alice","seq":1}}' "$A"
is "$HTTP_STATUS $(jx "$OUT" '$d->{seq}')" "200 4" "a resent delete gets its receipt again"
post "$CONV" '{"client_id":"a6","kind":"edit","body":"again","target":{"sender":"alice","seq":1}}' "$A"
is "$(err)" "409 deleted" "a deleted message cannot be edited"
post "$CONV" '{"client_id":"b6","kind":"react","body":"👍","target":{"sender":"alice","seq":1}}' "$B"
is "$(err)" "409 deleted" "nor reacted to"
call POST /v1/sync "{\"have\":{},\"conversations\":[\"$CONV\"]}" "$B"
is "$(jx "$OUT" 'join ";", map { "$_->{sender}:$_->{seq} " . ($_->{deleted} ? "deleted" : "") . (exists $_->{body} ? " body" : "") } grep { $_->{sender} eq "alice" } @{$d->{messages}}')" \
	"alice:1 deleted;alice:2 deleted;alice:3  body;alice:4 " \
	"the message and its edit come deleted, without body; the delete has none"
if on_pg; then
	skip "no byte of the deleted text is left in the database or its journal" \
		"PostgreSQL erases at vacuum"
else
	found=$(cat "$DB"* | grep -ac zanzibarquux)
	is "$found" "0" "no byte of the deleted text is left in the database or its journal"
fi

# A server from before items reads a text message and ignores the rest.
stop_server
start_server -d "$DB" --protocol 1.0 || exit 1
is "$(curl -s "$SERVER_URL/v1/health" | jx "$(cat)" '$d->{items} ? "yes" : "no"')" "no" "health says a 1.0 server has no items"
post "$CONV" '{"client_id":"a7","kind":"delete","target":{"sender":"alice","seq":3}}' "$A"
is "$(err)" "400 invalid_field" "--protocol 1.0: a delete is a message without body"
stop_server
start_server -d "$DB" || exit 1
is "$(curl -s "$SERVER_URL/v1/health" | jx "$(cat)" '$d->{items} ? "yes" : "no"')" "yes" "health says the server has items"
done_testing
