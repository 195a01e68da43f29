#!/usr/bin/env bash
# natter-notifyd and membership: an invitation shows one note "X invited you
# to T" and nothing of the conversation until it is accepted; nothing from a
# blocked user is announced, and their invitations none.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notifyd_helpers.sh"

NATTER_CONSENT=on start_server || { done_testing; }
A=$T_TMP/alice
natter_register "$A" alice
ok $? "alice registers with natter"
BOB=$(user_token bob)
X=$(user_token bobby)
# bob and alice share a conversation: bob's conversations with her are hers at once.
TEAM=$(new_conv "$BOB" team alice bob)
api POST "/v1/conversations/$TEAM/accept" "" "$(jx "$(api POST /v1/login '{"user":"alice","password":"alice-password"}')" '$d->{token}')" >/dev/null
"$NATTER" -D "$A" sync >/dev/null 2>&1
start_notifyd "$A" --backend stdout

# A stranger's conversation: one note, and nothing of it before it is accepted.
P=$(new_conv "$X" proj alice)
say "$X" "$P" '"buy now"'
say "$BOB" "$TEAM" '"marker one"'
wait_for in_file "$NOUT" "marker one"
is "$(grep -c "invited you" "$NOUT")" 1 "one invitation note"
like "$(cat "$NOUT")" "bobby invited you to proj: natter accept $P" "it says who, where and what to do"
unlike "$(cat "$NOUT")" "buy now" "nothing of the invitation's messages is announced"
is "$(syncdb "$A" "SELECT count(*) FROM conversations WHERE id = '$P'")" 0 "and the invitation is not stored as a conversation"
"$NATTER" -D "$A" send proj "to the team's proj?" >/dev/null 2>"$T_TMP/send.err"
is "$?" 1 "natter send proj finds no conversation of alice called proj"
unlike "$(cat "$T_TMP/send.err")" "several" "it is not ambiguous"

# Accepted: from then on it notifies.
"$NATTER" -D "$A" accept "$P" >/dev/null 2>&1
ok $? "alice accepts"
say "$X" "$P" '"after accepting"'
wait_for in_file "$NOUT" "after accepting"
ok $? "a message after accepting is announced"

# Blocked: nothing from that user, their invitations none.
"$NATTER" -D "$A" block bobby >/dev/null 2>&1
ok $? "alice blocks bobby"
say "$X" "$P" '"from a blocked user"'
Q=$(new_conv "$X" "proj2" alice)
say "$BOB" "$TEAM" '"marker two"'
wait_for in_file "$NOUT" "marker two"
unlike "$(cat "$NOUT")" "from a blocked user" "nothing from a blocked user is announced"
unlike "$(cat "$NOUT")" "proj2" "nor their new invitation"
stop_notifyd
is "$NSTATUS" 0 "the notifier stops cleanly"

done_testing
