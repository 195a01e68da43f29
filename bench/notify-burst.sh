#!/usr/bin/env bash
# What a burst leaves on a real desktop (dunst on a virtual display, a private
# session bus): 200 messages in about 14 s (15 a second, as in issue 13) from three senders into two
# conversations. Counts, from the bus, the notifications created (Notify with
# replaces_id 0), replaced (Notify with an id), closed (NotificationClosed)
# and displayed 3 s after the burst, for the natter-notifyd of this tree beside
# the one of the baseline commit (BASE, default 7110e15, built in a temporary
# directory), in the same run and with dunst's default expiry.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
BASE=${BASE:-7110e15}
N=200
for c in xvfb-run dbus-run-session dbus-send dbus-monitor dunst dunstctl sqlite3 curl; do
	command -v $c >/dev/null 2>&1 || { echo "notify-burst: $c is not installed; skipped"; exit 0; }
done
git cat-file -e "$BASE^{commit}" 2>/dev/null || { echo "notify-burst: no commit $BASE; skipped"; exit 0; }

T=$(mktemp -d "${TMPDIR:-/tmp}/natter-bench.XXXXXX")
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
die() { echo "notify-burst: $*" >&2; exit 1; }

# The baseline's notifier, built from its own sources.
mkdir -p "$T/base"
git archive "$BASE" | tar -x -C "$T/base" || die "cannot extract $BASE"
make -C "$T/base" -j2 BUILD="$T/base/build" "$T/base/build/natter-notifyd" >"$T/base.log" 2>&1 ||
	die "cannot build $BASE's natter-notifyd (see make's output)"

export XDG_DATA_HOME=$T/data XDG_CONFIG_HOME=$T/config HOME=$T/home
mkdir -p "$HOME"
unset NATTER_SERVER NATTER_PASSWORD

"$BUILD/natter-server-mock" -p 0 --rate-limit 1000000 >"$T/server.log" 2>&1 &
PIDS+=($!)
for i in $(seq 1 200); do
	URL=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$T/server.log")
	[ -n "$URL" ] && break
	sleep 0.05
done
[ -n "$URL" ] || die "the server did not start"
token() { sed -n 's/.*"token": *"\([0-9a-f]*\)".*/\1/p'; }
reg() { curl -s -X POST "$URL/v1/register" -d "{\"user\":\"$1\",\"password\":\"$1-password\"}" | token; }
conv() {
	curl -s -X POST -H "Authorization: Bearer $1" "$URL/v1/conversations" \
		-d "{\"title\":\"$2\",\"members\":[\"alice\",\"bob\",\"carol\",\"dave\"]}" |
		sed -n 's/.*"id": *"\([^"]*\)".*/\1/p'
}

# run NAME NOTIFYD: one burst against a fresh alice data directory; prints the figures.
run() {
	local name=$1 dir=$T/$1
	NATTER_PASSWORD=alice-password "$BUILD/natter" -s "$URL" -D "$dir" login alice \
		>/dev/null 2>&1 || die "natter login failed"
	local proj lunch tokens=("$BOB" "$CAROL" "$DAVE")
	proj=$(conv "$BOB" "proj-$name")
	lunch=$(conv "$CAROL" "lunch-$name")
	for i in $(seq 1 $N); do
		local c=$proj
		[ $((i % 5)) -ge 3 ] && c=$lunch
		printf 'url = "%s/v1/conversations/%s/messages"\n' "$URL" "$c"
		printf 'header = "Authorization: Bearer %s"\n' "${tokens[$((i % 3))]}"
		printf 'data = "{\\"client_id\\":\\"%s%d\\",\\"body\\":\\"message %d\\"}"\n' "$name" "$i" "$i"
		printf 'output = "/dev/null"\n'
		[ "$i" -lt $N ] && printf 'next\n'
	done >"$T/$name.cfg"
	cat >"$T/$name.sh" <<SH
dunst >/dev/null 2>&1 &
dpid=\$!
dbus-monitor --session "interface='org.freedesktop.Notifications'" >"$T/$name.mon" 2>&1 &
mpid=\$!
for i in \$(seq 1 100); do
	dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null |
		grep -q true && break
	sleep 0.05
done
"$2" -s "$URL" -D "$dir" >/dev/null 2>&1 &
npid=\$!
for i in \$(seq 1 200); do
	[ -n "\$(sqlite3 "$dir/sync.db" 'SELECT cursor FROM cursors' 2>/dev/null)" ] && break
	sleep 0.05
done
t0=\$(date +%s%N)
curl -s --rate 15/s -K "$T/$name.cfg"
for i in \$(seq 1 400); do
	[ "\$(sqlite3 -cmd '.timeout 2000' "$dir/sync.db" 'SELECT count(*) FROM messages' 2>/dev/null)" = $N ] && break
	sleep 0.05
done
echo \$(( (\$(date +%s%N) - t0) / 1000000 )) >"$T/$name.ms"
sleep 3
dunstctl count displayed >"$T/$name.displayed"
kill \$npid; wait \$npid
kill \$mpid \$dpid
SH
	timeout 120 xvfb-run -a dbus-run-session -- bash "$T/$name.sh" >/dev/null 2>&1
	local created replaced closed
	created=$(grep -A2 'member=Notify$' "$T/$name.mon" | grep -c '^   uint32 0$')
	replaced=$(grep -A2 'member=Notify$' "$T/$name.mon" | grep -c '^   uint32 [1-9]')
	closed=$(grep -c 'member=NotificationClosed' "$T/$name.mon")
	printf '%-34s %8s %8s %8s %10s %8s\n' "$3" "$created" "$replaced" "$closed" \
		"$(cat "$T/$name.displayed" 2>/dev/null)" "$(cat "$T/$name.ms" 2>/dev/null)"
}

BOB=$(reg bob)
CAROL=$(reg carol)
DAVE=$(reg dave)
NATTER_PASSWORD=alice-password "$BUILD/natter" -s "$URL" -D "$T/reg" register alice >/dev/null 2>&1 ||
	die "natter register failed"
printf '%-34s %8s %8s %8s %10s %8s\n' "$N messages, 3 senders, 2 convs" created replaced closed \
	"displayed" "burst ms"
run base "$T/base/build/natter-notifyd" "natter-notifyd at $BASE (baseline)"
run new "$BUILD/natter-notifyd" "natter-notifyd of this tree"
