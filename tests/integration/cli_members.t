#!/usr/bin/env bash
# natter dm, add, remove, admin, leave, accept, decline, rename, block, and
# conversations named by a prefix: across users and two devices of one user.
. "$(dirname "$0")/cli_lib.sh"

# listed WHO: the conversation list as "title[mark]" lines joined by ";".
listed() {
	nat "$1" conversations --json
	jx "$OUT" 'join ";", map { $_->{title} . ($_->{invited} ? "(invited by $_->{inviter})" : "") . ($_->{left} ? "(left)" : "") } @$d'
}
# bodies WHO CONV: the text messages natter log shows, joined by ",".
bodies() {
	nat "$1" log --json "$2"
	jx "$OUT" 'join ",", map { $_->{body} } grep { !defined $_->{notice} } @$d'
}
# notices WHO CONV: the notice lines natter log shows (membership, titles), joined by ",".
notices() {
	nat "$1" log --json "$2"
	jx "$OUT" 'join ",", map { $_->{notice} // () } @$d'
}

NATTER_CONSENT=on start_server || exit 1
account alice
account bob
account carol
account bobby
nat alice2 -s "$SERVER_URL" login alice

# dm: one id, from both sides, every time.
nat alice dm bob
DM=$OUT
is "$RC" 0 "natter dm bob"
nat alice dm bob
is "$OUT" "$DM" "again: the same id"
nat bob dm alice
is "$OUT" "$DM" "bob's dm alice: the same id"
like "$ERR" "alice invited you to it: natter accept $DM" "bob is told it is an invitation"
nat bob send "$DM" "too early"
[ "$RC" != 0 ]
ok $? "bob cannot send before accepting"
like "$ERR" "is an invitation: natter accept" "and is told why"
nat alice send "$DM" "hello bob"
nat bob accept "$DM"
is "$RC $OUT" "0 joined alice, bob" "bob accepts"
is "$(bodies bob "$DM")" "hello bob" "and has what alice sent before"
nat alice dm alice
is "$RC" 2 "no dm with oneself"

# Roles: creator, admins; prefixes of titles.
nat alice new "Lunch plans" bob; L=$OUT
is "$(listed bob)" "alice, bob;Lunch plans" "bob shared a conversation with alice: Lunch plans is his at once"
nat bob send lunch "from bob"
is "$RC" 0 "send lunch: a unique prefix of the title, any case"
nat bob send "${L:0:6}" "by id prefix"
is "$RC" 0 "a prefix of the id"
nat bob add lunch carol
is "$RC" 1 "bob is no admin"
like "$ERR" "only the creator and the admins" "and is told so"
nat alice admin lunch bob
nat bob add lunch carol
is "$RC" 0 "named admin, bob adds carol"
is "$(listed carol)" "Lunch plans(invited by bob)" "carol, a stranger to bob, is invited"
nat carol accept lunch
is "$RC" 0 "carol accepts by title prefix"
is "$(bodies carol "$L")" "from bob,by id prefix" "carol has the history"

# A removed member receives nothing after, cannot send; keeps what they hold.
nat alice remove lunch bob
is "$RC" 0 "alice removes bob"
nat alice send lunch "after bob was removed"
nat bob sync
is "$(bodies bob "$L")" "from bob,by id prefix" "bob keeps what he held and gets nothing after"
nat bob send "$L" "still here?"
[ "$RC" != 0 ]
ok $? "bob can no longer send"
like "$ERR" "no longer a member of Lunch plans" "and is told so in words"
nat carol leave lunch
like "$OUT" "left Lunch plans" "carol leaves"
nat carol send lunch "x"
like "$ERR" "no longer a member of Lunch plans" "carol is told she is no longer a member"
is "$(bodies carol "$L")" "from bob,by id prefix,after bob was removed" "carol still reads what she held"
is "$(notices carol "$L")" "alice made bob an admin,carol joined,alice removed bob" \
	"the membership changes are in the conversation (natter leave fetched them first)"

# Rename, seen on the other device.
nat alice rename lunch "Dinner plans"
is "$RC" 0 "rename"
nat alice2 conversations --json
like "$(jx "$OUT" 'join ";", map { $_->{title} } @$d')" "Dinner plans" "alice's other device shows the new title"
is "$(notices alice2 "$L")" "alice made bob an admin,carol joined,alice removed bob,carol left,alice renamed this to Dinner plans" "and the changes and the rename as lines of the conversation"

# The bobby case (a stranger named like bob; "bob." itself is now refused as a look-alike): a stranger's "proj" is an invitation, and never ambiguous.
nat bob new proj alice; P=$OUT
nat bob send proj "real proj"
nat bobby new proj alice
is "$(listed alice)" "alice, bob;Dinner plans;proj;proj(invited by bobby)" "bobby's proj is listed as an invitation"
is "$(listed alice2)" "alice, bob;Dinner plans;proj;proj(invited by bobby)" "on both devices"
nat alice send proj "to the real one"
is "$RC" 0 "natter send proj is not ambiguous: the invitation does not count"
nat bob sync
is "$(bodies bob "$P")" "real proj,to the real one" "it went to bob's proj"
nat alice block bobby
is "$RC $OUT" "0 bobby" "alice blocks bobby"
is "$(listed alice2)" "alice, bob;Dinner plans;proj" "the invitation is declined on every device"
nat bobby new proj2 alice
is "$(listed alice)" "alice, bob;Dinner plans;proj" "a blocked user's conversations never reach the list"
nat alice unblock bobby
is "$RC $OUT" "0 " "unblocked"
nat carol new proj alice; P2=$OUT
nat alice sync
nat alice send proj "which?"
is "$RC" 2 "two conversations titled proj: ambiguous"
is "$ERR" "natter: several conversations match proj; use an id: $P (proj: alice,bob), $P2 (proj: alice,carol)" "the candidates are listed with their members"

done_testing
