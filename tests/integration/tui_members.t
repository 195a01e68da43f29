#!/usr/bin/env bash
# The membership commands of the interface: /msg USER TEXT opens the direct
# conversation and sends, /query finds the same one, /invite and /kick change
# the members, /topic renames, /part leaves; /help lists them.
. "$(dirname "$0")/tui_lib.sh"
. "$(dirname "$0")/notifyd_helpers.sh"

NATTER_CONSENT=on start_server || { done_testing; }
A=$T_TMP/alice
B=$T_TMP/bob
natter_register "$A" alice
natter_register "$B" bob
natter_register "$T_TMP/carol" carol
ok $? "alice, bob and carol register"
nat() { local d=$1; shift; "$NATTER" -D "$d" "$@" 2>/dev/null; }
# bodies DIR CONV: the text messages natter log shows there, joined by ",".
bodies() {
	nat "$1" sync >/dev/null
	nat "$1" log --json "$2" | perl -MJSON::PP -e 'local $/;
		print join ",", map { $_->{body} } grep { $_->{body} ne "" } @{decode_json(<STDIN>)}'
}

tm_natter -y 200 --server "$SERVER_URL" -D "$A"
wait_screen "No conversations yet"
ok $? "the interface opens with no conversation"

keys "/msg bob hello from the interface"; key Enter
wait_screen "hello from the interface"
ok $? "/msg bob TEXT opens the direct conversation and shows the text sent"
DM=$(nat "$A" dm bob)
nat "$B" accept "$DM" >/dev/null
is "$?" 0 "bob, a stranger to alice, accepts her direct conversation"
wait_for eval '[ "$(bodies "$B" "$DM")" = "hello from the interface" ]'
ok $? "/msg bob TEXT: bob has the text in the direct conversation natter dm gives"
pane | grep -q "^ *1 bob *│"
ok $? "the list names the direct conversation after bob"

keys '/new team bob'; key Enter
wait_screen "2 team"
keys "/query bob"; key Enter
wait_screen "hello from the interface"
ok $? "/query bob opens the same conversation again"

keys "/topic us two"; key Enter
wait_screen "renamed to us two"
ok $? "/topic renames, and says so"
wait_for eval 'nat "$B" conversations | grep -qF "us two"'
ok $? "bob sees the new title"

keys "/go team"; key Enter
wait_screen "2 team"
keys "/invite carol"; key Enter
wait_screen "added carol to team"
ok $? "/invite carol: alice is the creator"
wait_for eval 'nat "$T_TMP/carol" conversations | grep -qF "invited by alice"'
ok $? "carol, a stranger to alice, is invited"
keys "/kick bob"; key Enter
wait_screen "removed bob from team"
ok $? "/kick bob"
keys "/kick nobody!"; key Enter
wait_screen "not a user name: nobody!"
ok $? "a bad name is refused before anything is sent"

keys "/part"; key Enter
wait_screen "you left team"
ok $? "/part leaves the conversation shown"
wait_screen "2- team"
ok $? "the list marks it left"
keys "anyone here?"; key Enter
wait_screen "you are no longer a member of this conversation"
ok $? "a line typed there is refused, in words"

keys "/help"; key Enter
wait_screen "/msg USER [TEXT]"
for c in "/query USER" "/part [NAME]" "/invite USER..." "/kick USER..." "/topic TITLE" "/rename TITLE"; do
	pane_has "$c"
	ok $? "/help lists $c"
done
tm_close
done_testing
