# Helpers shared by the notifyd_*.t integration tests (sourced after lib.sh).

command -v sqlite3 >/dev/null 2>&1 || skip_all "the sqlite3 command is not installed"

# json_field NAME: the first string value of "NAME" in the JSON on stdin.
json_field() {
	sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" | head -1
}

# user_token NAME: registers NAME through the API and prints its token.
user_token() {
	api POST /v1/register "{\"user\":\"$1\",\"password\":\"$1-password\"}" | json_field token
}

# natter_register DIR NAME: registers NAME with the natter CLI into data dir DIR.
natter_register() {
	NATTER_PASSWORD="$2-password" "$NATTER" -s "$SERVER_URL" -D "$1" register "$2" \
		>"$T_TMP/register.$2.log" 2>&1
}

# new_conv TOKEN TITLE MEMBER...: creates a conversation, prints its id.
new_conv() {
	local token=$1 title=$2; shift 2
	local members m
	members=$(for m in "$@"; do printf '"%s",' "$m"; done)
	api POST /v1/conversations "{\"title\":\"$title\",\"members\":[${members%,}]}" "$token" |
		json_field id
}

# say TOKEN CONV BODY-JSON: posts a message; BODY-JSON is a JSON string literal.
T_SAY=0
say() {
	T_SAY=$((T_SAY + 1))
	api POST "/v1/conversations/$2/messages" "{\"client_id\":\"t$T_SAY$RANDOM\",\"body\":$3}" \
		"$1" >/dev/null
	[ "$HTTP_STATUS" = 201 ]
}

# syncdb DIR SQL: runs a query on DIR/sync.db (busy-waiting like the programs do).
syncdb() {
	sqlite3 -cmd '.timeout 5000' "$1/sync.db" "$2"
}

# start_notifyd DIR ARGS...: starts natter-notifyd on DIR; sets NPID, NOUT, NERR
# and waits until it holds a cursor.
T_NOTIFYDS=0
start_notifyd() {
	local dir=$1; shift
	T_NOTIFYDS=$((T_NOTIFYDS + 1))
	NOUT=$T_TMP/notifyd.$T_NOTIFYDS.out
	NERR=$T_TMP/notifyd.$T_NOTIFYDS.err
	"$NOTIFYD" -s "$SERVER_URL" -D "$dir" -v "$@" >"$NOUT" 2>"$NERR" &
	NPID=$!
	T_PIDS+=("$NPID")
	wait_for has_cursor "$dir" || { diag "notifyd got no cursor:"; sed 's/^/#   /' "$NERR"; }
}

# has_cursor DIR: the notifier stored an event cursor in DIR/sync.db.
has_cursor() {
	[ -n "$(syncdb "$1" 'SELECT cursor FROM cursors' 2>/dev/null)" ]
}

# longpoll_open: the server has at least one long-poll waiting.
longpoll_open() {
	local n
	n=$(curl -s "$SERVER_URL/v1/metrics" | sed -n 's/^natter_longpolls_open \([0-9]*\).*/\1/p')
	[ "${n:-0}" -ge 1 ]
}

# in_file FILE TEXT: FILE contains the fixed string TEXT.
in_file() { grep -qF -- "$2" "$1"; }

# stop_notifyd: SIGTERM the last notifier; sets NSTATUS and NSTOP_MS.
stop_notifyd() {
	local t0 t1
	t0=$(date +%s%N)
	kill -TERM "$NPID" 2>/dev/null
	wait "$NPID" 2>/dev/null
	NSTATUS=$?
	t1=$(date +%s%N)
	NSTOP_MS=$(((t1 - t0) / 1000000))
}

# need_dunst: skips the test unless a virtual display, a session bus and dunst can run.
need_dunst() {
	local c
	for c in xvfb-run dbus-run-session dbus-send dbus-monitor dunst dunstctl perl; do
		command -v "$c" >/dev/null 2>&1 || skip_all "$c is not installed"
	done
}

# dunst_session SCRIPT: runs bash SCRIPT on a virtual display with a private
# session bus where dunst runs and dbus-monitor writes every notification
# call and signal to $T_TMP/monitor.log. SCRIPT sees the exported variables,
# and the function displayed N (waits until dunst displays N notifications).
dunst_session() {
	cat >"$T_TMP/dunst-session.sh" <<'SH'
printf '[global]\n    markup = full\n    notification_limit = 0\n' >"$T_TMP/dunstrc"
dunst -config "$T_TMP/dunstrc" >"$T_TMP/dunst.log" 2>&1 &
dpid=$!
dbus-monitor --session "interface='org.freedesktop.Notifications'" >"$T_TMP/monitor.log" 2>&1 &
mpid=$!
for i in $(seq 1 100); do
	dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null |
		grep -q true && break
	sleep 0.05
done
# displayed N: waits up to 10 s until dunst displays N notifications; prints the count.
displayed() {
	local i
	for i in $(seq 1 200); do
		[ "$(dunstctl count displayed)" = "$1" ] && break
		sleep 0.05
	done
	dunstctl count displayed
}
export -f displayed
bash "$1"
kill "$mpid" "$dpid"
SH
	timeout 120 xvfb-run -a dbus-run-session -- bash "$T_TMP/dunst-session.sh" "$1" \
		>"$T_TMP/dunst-session.log" 2>&1
}

# monitor_notes: one line per Notify call in $T_TMP/monitor.log:
# "REPLACES_ID<TAB>URGENCY<TAB>SUMMARY"; then "closed N" for the closed signals.
monitor_notes() {
	perl -ne '
		if ($in && /^\S/) { print join("\t", $a[1], $u, $a[3]), "\n"; $in = 0 }
		if (/member=Notify$/) { $in = 1; @a = (); $u = 1; next }
		if (/member=NotificationClosed/) { $closed++; next }
		next unless $in;
		if (/^   (string|uint32) "?(.*?)"?$/ && @a < 4) { push @a, $2; next }
		$want = 1 if /string "urgency"/;
		if ($want && /variant\s+byte (\d+)/) { $u = $1; $want = 0 }
		END { print join("\t", $a[1], $u, $a[3]), "\n" if $in; print "closed ", $closed + 0, "\n" }
	' "$T_TMP/monitor.log"
}
