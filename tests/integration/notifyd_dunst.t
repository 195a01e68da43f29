#!/usr/bin/env bash
# natter-notifyd with a real notification daemon (dunst on a virtual X
# display and a private session bus): the backend is picked automatically and
# the notification shows the message's literal text, markup characters included.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notifyd_helpers.sh"

for c in xvfb-run dbus-run-session dbus-send dunst dunstctl perl; do
	command -v "$c" >/dev/null 2>&1 || skip_all "$c is not installed"
done
perl -MJSON::PP -e 1 2>/dev/null || skip_all "perl's JSON::PP is not installed"

start_server || { done_testing; }
A=$T_TMP/alice
natter_register "$A" alice
ok $? "alice registers with natter"
BOB=$(user_token bob)
TEAM=$(new_conv "$BOB" '<b>team</b> & co' alice bob)
like "$TEAM" '^c' "a conversation with markup in its title"

cat >"$T_TMP/session.sh" <<'SH'
# Runs inside the virtual display and the private session bus; $1 is dunst's markup setting.
printf '[global]\n    markup = %s\n' "$1" >"$T_TMP/dunstrc"
dunst -config "$T_TMP/dunstrc" >"$T_TMP/dunst.log" 2>&1 &
dpid=$!
has_owner() {
	dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null |
		grep -q true
}
for i in $(seq 1 100); do has_owner && break; sleep 0.05; done
# EXEC: a program for --exec instead of the libnotify backend.
"$NOTIFYD" -s "$SERVER_URL" -D "$A" -v ${EXEC:+--exec "$EXEC"} >"$T_TMP/session.out" 2>"$T_TMP/session.err" &
npid=$!
for i in $(seq 1 200); do
	[ -n "$(sqlite3 "$A/sync.db" 'SELECT cursor FROM cursors' 2>/dev/null)" ] && break
	sleep 0.05
done
curl -s -o /dev/null -X POST -H "Authorization: Bearer $BOB" \
	"$SERVER_URL/v1/conversations/$TEAM/messages" \
	--data-binary '{"client_id":"'"$1$RANDOM"'","body":'"${BODY_JSON:-"\"<i>lit</i> &amp; z \\\"q\\\" 'a'\""}"'}'
for i in $(seq 1 200); do
	[ "$(dunstctl count displayed 2>/dev/null)" -ge 1 ] 2>/dev/null && break
	sleep 0.05
done
dunstctl close-all
for i in $(seq 1 100); do
	[ "$(dunstctl count history 2>/dev/null)" -ge 1 ] 2>/dev/null && break
	sleep 0.05
done
dunstctl history >"$T_TMP/history.json"
kill "$npid"
wait "$npid"
echo "notifyd exit $?" >"$T_TMP/session.status"
kill "$dpid"
SH
export T_TMP SERVER_URL NOTIFYD A BOB TEAM

field() { # NAME: that field of the first notification in dunst's history
	perl -MJSON::PP -e '
		local $/; my $h = decode_json(<STDIN>);
		my $n = $h->{data}[0][0] or exit 1;
		binmode STDOUT, ":utf8"; print $n->{$ARGV[0]}{data};' "$1" <"$T_TMP/history.json"
}

# A daemon that renders body markup: the body is escaped.
timeout 60 xvfb-run -a dbus-run-session -- bash "$T_TMP/session.sh" full >/dev/null 2>&1
like "$(cat "$T_TMP/session.err")" "backend libnotify" \
	"--backend auto picks libnotify when a notification service is on the bus"
is "$(cat "$T_TMP/session.status" 2>/dev/null)" "notifyd exit 0" "it stops cleanly"
is "$(field summary)" "bob in <b>team</b> & co" "the summary reaches dunst as literal text"
is "$(field body)" "&lt;i&gt;lit&lt;/i&gt; &amp;amp; z &quot;q&quot; &#39;a&#39;" \
	"the body is escaped for a daemon that renders body markup"
like "$(field message)" "^<b>bob in &lt;b&gt;team&lt;/b&gt; &amp; co</b>" \
	"dunst shows the summary's markup characters as typed"
like "$(field message)" "&lt;i&gt;lit&lt;/i&gt; &amp;amp; z" "and the body's"
is "$(field appname)" "natter-notifyd" "the notification is natter-notifyd's"
is "$(cat "$T_TMP/session.out")" "" "nothing falls back to stdout"

# A daemon without body markup: the text goes as it is, dunst shows it literally.
rm -f "$T_TMP/history.json" "$T_TMP/session.status"
timeout 60 xvfb-run -a dbus-run-session -- bash "$T_TMP/session.sh" no >/dev/null 2>&1
is "$(field body)" "<i>lit</i> &amp; z \"q\" 'a'" \
	"without body-markup the body is sent unescaped"
is "$(cat "$T_TMP/session.status" 2>/dev/null)" "notifyd exit 0" "and it stops cleanly"
# --exec notify-send, as natter-notifyd(1) suggests, with a body made to look
# like notify-send's options and markup: it stays text.
if command -v notify-send >/dev/null 2>&1; then
	rm -f "$T_TMP/history.json" "$T_TMP/session.status"
	EXEC=notify-send BODY_JSON='"--urgency=critical --app-name=Bank <span size=\"xx-large\">URGENT</span> <a href=\"http://x.example/\">hidden</a>"' \
		timeout 60 xvfb-run -a dbus-run-session -- bash "$T_TMP/session.sh" full >/dev/null 2>&1
	is "$(field body)" '--urgency=critical --app-name=Bank &lt;span size=&quot;xx-large&quot;&gt;URGENT&lt;/span&gt; &lt;a href=&quot;http://x.example/&quot;&gt;hidden&lt;/a&gt;' \
		"--exec notify-send: a body that looks like options and markup reaches dunst as text"
	# dunst's history has no urgency; a critical notification never times out.
	[ "$(field timeout)" -gt 0 ] 2>/dev/null
	ok $? "it did not make the notification critical (it expires)"
	is "$(field appname)" notify-send "nor change the application's name"
	is "$(field summary)" "bob in <b>team</b> & co" "the summary is the summary"
else
	ok 0 "# SKIP notify-send is not installed (libnotify-bin)"
fi

# A session bus where no notification service can run (no display):
# --backend libnotify says so once and goes on with stdout.
cat >"$T_TMP/nodisplay.sh" <<'SH'
unset DISPLAY WAYLAND_DISPLAY
"$NOTIFYD" -s "$SERVER_URL" -D "$A" --backend libnotify >"$T_TMP/nd.out" 2>"$T_TMP/nd.err" &
npid=$!
for b in '"first without a desktop"' '"second without a desktop"'; do
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $BOB" \
		"$SERVER_URL/v1/conversations/$TEAM/messages" \
		--data-binary '{"client_id":"nd'"$RANDOM"'","body":'"$b"'}'
	for i in $(seq 1 200); do
		grep -q "${b//\"/}" "$T_TMP/nd.out" 2>/dev/null && break
		sleep 0.05
	done
done
kill "$npid"
wait "$npid"
echo "notifyd exit $?" >"$T_TMP/nd.status"
SH
timeout 60 dbus-run-session -- bash "$T_TMP/nodisplay.sh" >/dev/null 2>&1
like "$(cat "$T_TMP/nd.out")" "first without a desktop.*second without a desktop" \
	"with no notification service, libnotify falls back to stdout"
is "$(grep -c "no notification service answered" "$T_TMP/nd.err")" 1 "and says so once"
is "$(cat "$T_TMP/nd.status" 2>/dev/null)" "notifyd exit 0" "and stops cleanly"
done_testing
