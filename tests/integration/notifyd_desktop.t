#!/usr/bin/env bash
# What the desktop is told (dunst on a virtual display, calls read from the
# bus): urgency normal for a mention or a direct conversation, low for the
# rest, critical when configured; category im.received and an icon; the
# "Open" action runs the configured command with the conversation; a refused
# login gives one notification and exit status 77.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notifyd_helpers.sh"
need_dunst

start_server || { done_testing; }
A=$T_TMP/alice
natter_register "$A" alice
ok $? "alice registers with natter"
BOB=$(user_token bob)
CAROL=$(user_token carol)
TEAM=$(new_conv "$BOB" team alice bob carol)
DIRECT=$(new_conv "$BOB" bob-and-alice alice bob)
OTHER=$(new_conv "$CAROL" other alice bob carol)
like "$TEAM$DIRECT$OTHER" '^c.*c.*c' "three conversations, one of them direct"
mkdir -p "$XDG_CONFIG_HOME/natter"
cat >"$T_TMP/open" <<'SH'
#!/bin/sh
printf '%s\n' "$*" >>"$T_TMP/opened"
SH
chmod +x "$T_TMP/open"
printf 'notify.timeout = 0\nnotify.open = %s --open\n' "$T_TMP/open" \
	>"$XDG_CONFIG_HOME/natter/config"

cat >"$T_TMP/desktop.sh" <<'SH'
"$NOTIFYD" -s "$SERVER_URL" -D "$A" -v >"$T_TMP/n.out" 2>"$T_TMP/n.err" &
npid=$!
for i in $(seq 1 200); do
	[ -n "$(sqlite3 "$A/sync.db" 'SELECT cursor FROM cursors' 2>/dev/null)" ] && break
	sleep 0.05
done
post() { # TOKEN CONV TEXT
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $1" \
		"$SERVER_URL/v1/conversations/$2/messages" \
		--data-binary "{\"client_id\":\"d$RANDOM$RANDOM\",\"body\":\"$3\"}"
}
shown() { # N: wait until N notes are displayed
	for i in $(seq 1 200); do
		[ "$(dunstctl count displayed 2>/dev/null)" = "$1" ] && return 0
		sleep 0.05
	done
}
post "$BOB" "$TEAM" "lunch at noon"
shown 1
post "$BOB" "$DIRECT" "are you there"
shown 2
post "$CAROL" "$OTHER" "ALICE: can you review"
shown 3
sleep 0.5
# dunst puts normal notes above low ones: the default action of one of those.
dunstctl action 0
for i in $(seq 1 100); do [ -s "$T_TMP/opened" ] && break; sleep 0.05; done
dunstctl close-all
# The login is revoked: one notification, then exit 77.
curl -s -o /dev/null -X POST -H "Authorization: Bearer $(sed -n 's/.*"token": *"\([0-9a-f]*\)".*/\1/p' "$A/credentials" | head -1)" \
	"$SERVER_URL/v1/logout"
post "$BOB" "$TEAM" "wake up"
for i in $(seq 1 200); do kill -0 $npid 2>/dev/null || break; sleep 0.05; done
wait $npid
echo "$?" >"$T_TMP/status"
dunstctl count displayed >"$T_TMP/displayed"
SH
export T_TMP SERVER_URL NOTIFYD A BOB CAROL TEAM DIRECT OTHER
dunst_session "$T_TMP/desktop.sh"
notes=$(monitor_notes)
urg() { printf '%s\n' "$notes" | awk -F'\t' -v s="$1" '$3 == s { print $2 }' | tail -1; }
is "$(urg "bob in team")" 0 "a message that does not name alice is low urgency"
is "$(urg "bob in bob-and-alice")" 1 "one in a two-person conversation is normal"
is "$(urg "carol in other")" 1 "one that names alice (any case) is normal"
grep -q 'string "im.received"' "$T_TMP/monitor.log"
ok $? "notifications carry the category im.received"
grep -q 'string "desktop-entry"' "$T_TMP/monitor.log" &&
	grep -q 'string "mail-message-new"' "$T_TMP/monitor.log"
ok $? "the desktop entry natter and an icon name"
like "$(cat "$T_TMP/opened" 2>/dev/null)" "^--open ($DIRECT|$OTHER)\$" \
	"the Open action runs notify.open with the conversation's id"
[ -f "$(dirname "$0")/../../contrib/natter.desktop" ]
ok $? "contrib/natter.desktop, which the desktop-entry hint names, is shipped"
is "$(cat "$T_TMP/status" 2>/dev/null)" 77 "a refused login ends the notifier with status 77"
is "$(printf '%s\n' "$notes" | grep -c "refused alice's login")" 1 \
	"after exactly one notification that says so"
is "$(urg "natter: the server refused alice's login")" 2 "a critical one"
is "$(cat "$T_TMP/displayed")" 2 "it stays on the desktop, beside the note of the message that woke the poll"
done_testing
