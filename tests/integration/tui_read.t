#!/usr/bin/env bash
# Read state through the interface: showing a conversation to the user marks
# it read on the server, so the notifier withdraws its notification and the
# other devices see it read; a read made on another device clears the unread
# count in the running interface.
. "$(dirname "$0")/tui_lib.sh"
. "$(dirname "$0")/notifyd_helpers.sh"

start_server || { done_testing; }
A=$T_TMP/alice
A2=$T_TMP/alice2
natter_register "$A" alice
ok $? "alice registers"
NATTER_PASSWORD=alice-password "$NATTER" -s "$SERVER_URL" -D "$A2" login alice >/dev/null 2>&1
BOB=$(user_token bob)
PROJ=$(new_conv "$BOB" proj alice bob)
LUNCH=$(new_conv "$BOB" lunch alice bob)
say "$BOB" "$PROJ" '"hello proj"'
"$NATTER" -D "$A" sync >/dev/null 2>&1
start_notifyd "$A" --backend stdout

# unread DIR CONV: the unread count of CONV as natter conversations --json gives it.
unread() {
	"$NATTER" -D "$1" conversations --json 2>/dev/null |
		perl -MJSON::PP -e 'local $/; my ($c) = grep { $_->{id} eq $ARGV[0] } @{decode_json(<STDIN>)};
			print $c ? $c->{unread} : "none"' "$2"
}

tm_natter --server "$SERVER_URL" -D "$A"
wait_screen "hello proj"
ok $? "the interface opens on proj"
say "$BOB" "$LUNCH" '"lunch at noon?"'
wait_for in_file "$NOUT" "lunch at noon?"
ok $? "a message in lunch, not on screen, is announced"
wait_screen "lunch 1"
ok $? "and counted unread in the list"

# Showing lunch: read here, then on the server.
key M-2
wait_screen "lunch at noon?"
wait_for in_file "$NERR" "$LUNCH was read"
ok $? "showing lunch withdraws its notification (the notifier heard the read)"
is "$(unread "$A2" "$LUNCH")" 0 "the second device sees lunch read"

# Read elsewhere: the running interface's count follows.
say "$BOB" "$PROJ" '"p2"'
say "$BOB" "$PROJ" '"p3"'
wait_screen "proj 2"
ok $? "two new messages in proj are counted while lunch is shown"
"$NATTER" -D "$A2" read proj >/dev/null 2>&1
is "$?" 0 "natter read proj on the second device"
wait_for eval '! pane_has "proj 2"'
ok $? "the running interface's count of proj goes away"
pane_has "proj"
ok $? "proj itself is still listed"
done_testing
