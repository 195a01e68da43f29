#!/usr/bin/env bash
# An invitation on a real desktop (dunst on a virtual display): one
# notification "X invited you to T", and none for what is said in it before
# alice accepts; after accepting, its messages are announced.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notifyd_helpers.sh"
need_dunst

NATTER_CONSENT=on start_server || { done_testing; }
A=$T_TMP/alice
natter_register "$A" alice
ok $? "alice registers on her desktop"
X=$(user_token bob.)
P=$(new_conv "$X" proj alice)
mkdir -p "$XDG_CONFIG_HOME/natter"
printf 'notify.timeout = 0\n' >"$XDG_CONFIG_HOME/natter/config"

cat >"$T_TMP/invite.sh" <<'SH'
post() {
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $X" \
		"$SERVER_URL/v1/conversations/$P/messages" --data-binary "{\"client_id\":\"$1\",\"body\":\"$1\"}"
}
"$NOTIFYD" -s "$SERVER_URL" -D "$A" -v >"$T_TMP/n.out" 2>"$T_TMP/n.err" &
npid=$!
for i in $(seq 1 200); do
	[ -n "$(sqlite3 "$A/sync.db" 'SELECT cursor FROM cursors' 2>/dev/null)" ] && break
	sleep 0.05
done
# The invitation is made while the notifier listens.
curl -s -o /dev/null -X POST -H "Authorization: Bearer $X" "$SERVER_URL/v1/conversations" \
	--data-binary '{"title":"offer","members":["alice"]}'
post spam1
post spam2
displayed 1 >"$T_TMP/invited"
sleep 1
dunstctl count displayed >"$T_TMP/still"
"$NATTER" -D "$A" accept "$P" >/dev/null 2>&1
echo $? >"$T_TMP/accept.rc"
post after
displayed 2 >"$T_TMP/after"
kill "$npid"
wait "$npid"
SH
export T_TMP SERVER_URL NOTIFYD NATTER A X P
dunst_session "$T_TMP/invite.sh"
is "$(cat "$T_TMP/invited" 2>/dev/null)" 1 "an invitation: one notification"
is "$(cat "$T_TMP/still" 2>/dev/null)" 1 "and none for the messages sent in it meanwhile"
is "$(monitor_notes | sed '$d' | head -1 | cut -f3)" "bob. invited you to offer" "it says who invites, to what"
is "$(cat "$T_TMP/accept.rc" 2>/dev/null)" 0 "alice accepts another invitation of bob. (proj)"
is "$(cat "$T_TMP/after" 2>/dev/null)" 2 "a message after accepting is announced"
is "$(monitor_notes | sed '$d' | tail -1 | cut -f3)" "bob. in proj" "as a message of proj"
unlike "$(monitor_notes)" "spam" "the messages before accepting never were"
done_testing
