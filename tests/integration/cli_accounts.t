#!/usr/bin/env bash
# natter's account commands against a server with the account rules: the
# throttled login says how long to wait, an expired session says how to log
# in again, passwd keeps this device and logs out the others, logout --all,
# refused passwords and look-alike names in words.
. "$(dirname "$0")/cli_lib.sh"

start_server --token-lifetime 3 || exit 1

account alice
NATTER_PASSWORD=Alice nat bob -s "$SERVER_URL" register bob
is "$RC" 2 "register with a too short password: exit 2 (usage)"
like "$ERR" "8 to 256 characters" "says what a password needs"
NATTER_PASSWORD='😀😀😀😀' nat bob -s "$SERVER_URL" register bob
is "$RC" 2 "four emoji are four characters, not 16: refused"
NATTER_PASSWORD=qwertyuiop nat bob -s "$SERVER_URL" register bob
is "$RC $ERR" "2 natter: password refused by the server: this password is too common (it is on the server's list of refused passwords)" \
	"a common password: refused, in words"
nat bob -s "$SERVER_URL" register al1ce
is "$RC" 2 "a look-alike name: exit 2"
like "$ERR" "al1ce is too like the existing name alice" "says which name it is like"

# A throttled login says how long to wait (and does not wait itself).
for i in 1 2 3 4 5; do NATTER_PASSWORD="wrong-$i-xx" nat alice2 -s "$SERVER_URL" login alice; done
like "$ERR" "login rejected" "five wrong passwords: rejected"
sleep 1.1
NATTER_PASSWORD=wrong-6-xx nat alice2 -s "$SERVER_URL" login alice
like "$ERR" "login rejected" "a sixth after a second: rejected"
t0=$(date +%s%N)
NATTER_PASSWORD=wrong-7-xx nat alice2 -s "$SERVER_URL" login alice
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
is "$RC" 1 "the seventh at once: exit 1"
like "$ERR" "too many failed logins for this account or from this address: wait [12] seconds?, then try again" \
	"says how long to wait"
ok "$([ "$ms" -lt 900 ]; echo $?)" "and answers at once ($ms ms), not retrying"
sleep 2.1

# The session expires after 3 s without use; natter says how to log in again.
nat alice2 -s "$SERVER_URL" login alice
is "$RC" 0 "the right password after the wait logs in (second device)"
sleep 3.5
nat alice2 conversations
is "$RC" 1 "an expired session: exit 1"
like "$ERR" "your session expired; log in again with: natter login alice" "says how to log in again"
nat alice2 login alice
is "$RC" 0 "and that works"
stop_server

start_server || exit 1
account carol
nat carol2 -s "$SERVER_URL" login carol
is "$RC" 0 "carol on a second device"

# passwd: wrong current password, weak new one, then a change.
NATTER_PASSWORD=wrong-current NATTER_NEW_PASSWORD=carol-new-pass nat carol passwd
is "$RC" 1 "passwd with a wrong current password: exit 1"
like "$ERR" "the current password is wrong; nothing was changed" "says so"
NATTER_NEW_PASSWORD=password nat carol passwd
like "$RC $ERR" "^2 .*too common" "passwd to a common password: refused in words"
NATTER_NEW_PASSWORD=carol-new-pass nat carol passwd
is "$RC $OUT" "0 password changed for carol at $SERVER_URL; 1 other session logged out" \
	"passwd: changed, the other device logged out"
nat carol conversations
is "$RC" 0 "this device stays logged in"
nat carol2 conversations
is "$RC" 1 "the other device is logged out"
like "$ERR" "natter login" "and told to log in"
NATTER_PASSWORD=carol-new-pass nat carol2 login carol
is "$RC" 0 "the new password logs in"

# logout --all: every device.
nat carol logout --all
is "$RC $OUT" "0 logged out of $SERVER_URL everywhere (2 sessions ended)" "logout --all says how many"
nat carol conversations
is "$RC" 1 "this device is logged out"
like "$ERR" "not logged in|log in" "and says to log in"
nat carol2 conversations
is "$RC" 1 "the other device too"
stop_server

# A server by invitation: natter register --invite.
start_server -d "$T_TMP/inv.db" --registration invite || exit 1
nat dora -s "$SERVER_URL" register dora
is "$RC" 1 "register without a code on an invitation server: exit 1"
like "$ERR" "refused to register: this server takes new accounts by invitation" "says an invitation is needed"
CODE=$("$SERVER" admin -d "$T_TMP/inv.db" invite)
nat dora -s "$SERVER_URL" register --invite "$CODE" dora
is "$RC $OUT" "0 registered and logged in as dora at $SERVER_URL" "register --invite CODE"
nat erik -s "$SERVER_URL" register --invite "$CODE" erik
like "$RC $ERR" "^1 .*unknown or used" "the same code again: refused in words"
stop_server

done_testing
