#!/usr/bin/env bash
# Read state and natter-notifyd on a real desktop (dunst on a virtual display):
# a conversation read on another device of the same user (natter read) loses
# its notification here; a notifier back after a while announces only what
# nobody read meanwhile; a note's "Mark read" action reads it everywhere.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notifyd_helpers.sh"
need_dunst

start_server || { is "$(cat "$T_TMP/marked" 2>/dev/null)" 0 "its Mark read action takes it off the desktop"
grep -q 'string "read"' "$T_TMP/monitor.log" && grep -q 'string "Mark read"' "$T_TMP/monitor.log"
ok $? "notes offer the Mark read action"
is "$(perl -MJSON::PP -e 'local $/; my ($c) = grep { $_->{title} eq "proj" } @{decode_json(<STDIN>)}; print $c->{unread}' <"$T_TMP/a2.json" 2>/dev/null)" \
	0 "and proj is read on the second device too"
done_testing; }
A=$T_TMP/alice
A2=$T_TMP/alice2
natter_register "$A" alice
ok $? "alice registers on her desktop"
NATTER_PASSWORD=alice-password "$NATTER" -s "$SERVER_URL" -D "$A2" login alice >/dev/null 2>&1
ok $? "and logs in on a second device"
BOB=$(user_token bob)
PROJ=$(new_conv "$BOB" proj alice bob)
LUNCH=$(new_conv "$BOB" lunch alice bob)
mkdir -p "$XDG_CONFIG_HOME/natter"
printf 'notify.timeout = 0\nnotify.mark_read = %s -D %s read --\n' "$NATTER" "$A" \
	>"$XDG_CONFIG_HOME/natter/config"

cat >"$T_TMP/read.sh" <<'SH'
post() {
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $BOB" \
		"$SERVER_URL/v1/conversations/$1/messages" --data-binary "{\"client_id\":\"$2\",\"body\":\"$2\"}"
}
notifyd() {
	"$NOTIFYD" -s "$SERVER_URL" -D "$A" -v >>"$T_TMP/n.out" 2>>"$T_TMP/n.err" &
	npid=$!
	for i in $(seq 1 200); do
		[ -n "$(sqlite3 "$A/sync.db" 'SELECT cursor FROM cursors' 2>/dev/null)" ] && break
		sleep 0.05
	done
}
notifyd
for m in p1 p2 p3; do post "$PROJ" "$m"; done
post "$LUNCH" l1
displayed 2 >"$T_TMP/before"
t0=$(date +%s%N)
"$NATTER" -D "$A2" read proj >"$T_TMP/read.out" 2>&1
echo $? >"$T_TMP/read.rc"
displayed 1 >"$T_TMP/after"
echo $((($(date +%s%N) - t0) / 1000000)) >"$T_TMP/after_ms"

# Away: the notifier stops; bob writes in both; the second device reads lunch.
kill "$npid"
wait "$npid"
dunstctl close-all
displayed 0 >/dev/null
post "$LUNCH" l2
post "$LUNCH" l3
post "$PROJ" p4
"$NATTER" -D "$A2" read lunch >>"$T_TMP/read.out" 2>&1
notifyd
sleep 2
displayed 1 >"$T_TMP/back"
# "Mark read" on that note: the signal a notification server sends when it is clicked
# (for every id: only this run's note is bound).
for id in $(seq 1 10); do
	dbus-send --session --type=signal /org/freedesktop/Notifications \
		org.freedesktop.Notifications.ActionInvoked uint32:$id string:read
done
displayed 0 >"$T_TMP/marked"
"$NATTER" -D "$A2" conversations --json >"$T_TMP/a2.json" 2>/dev/null
kill "$npid"
wait "$npid"
SH
export T_TMP SERVER_URL NOTIFYD NATTER A A2 BOB PROJ LUNCH
dunst_session "$T_TMP/read.sh"
is "$(cat "$T_TMP/before" 2>/dev/null)" 2 "two conversations, two notifications"
is "$(cat "$T_TMP/read.rc" 2>/dev/null)" 0 "natter read proj on the second device"
is "$(cat "$T_TMP/after" 2>/dev/null)" 1 "proj's notification is withdrawn on the first"
diag "withdrawn $(cat "$T_TMP/after_ms" 2>/dev/null) ms after natter read started"
grep -q "member=CloseNotification" "$T_TMP/monitor.log"
ok $? "withdrawn by the notifier (CloseNotification), not expired"
like "$(cat "$T_TMP/n.err")" "$PROJ was read" "the notifier says why"
is "$(cat "$T_TMP/back" 2>/dev/null)" 1 "back after a while: one notification"
last=$(monitor_notes | sed '$d' | tail -1 | cut -f3)
is "$last" "bob in proj" "for proj's unread message, not for lunch, read elsewhere meanwhile"
is "$(monitor_notes | grep -c 'in lunch')" 1 "lunch was announced once, before it was read: l2 and l3 never"
is "$(cat "$T_TMP/marked" 2>/dev/null)" 0 "its Mark read action takes it off the desktop"
grep -q 'string "read"' "$T_TMP/monitor.log" && grep -q 'string "Mark read"' "$T_TMP/monitor.log"
ok $? "notes offer the Mark read action"
is "$(perl -MJSON::PP -e 'local $/; my ($c) = grep { $_->{title} eq "proj" } @{decode_json(<STDIN>)}; print $c->{unread}' <"$T_TMP/a2.json" 2>/dev/null)" \
	0 "and proj is read on the second device too"
done_testing
