#!/usr/bin/env bash
# bench/new-device: natter's interface on a new device (empty history) against
# an account of 1,000,000 messages (100 conversations x 10 members x 1,000;
# BENCH_QUICK=1: 100,000), filled straight into the server's database. Side by
# side in one run: newest first (this server) and the baseline, the same natter
# against the same data served with --protocol 1.0, which cannot answer newest
# first, so the launch downloads oldest first. For each: the time from exec
# until the newest message of the conversation shown first is on the tmux
# screen (the baseline is given up after $CAP s), the requests and body bytes
# both ways until then (the server's metrics), the time until the background
# fill is over, and the messages the server delivered by sync in all (each
# once: the account's size).
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
CAP=${CAP:-120}
NCONV=100 MEMBERS=10 PER=1000
[ "${BENCH_QUICK:-0}" = 1 ] && PER=100
TOTAL=$((NCONV * MEMBERS * PER))
for c in tmux sqlite3 curl; do
	command -v $c >/dev/null 2>&1 || { echo "new-device: $c is not installed; skipped"; exit 0; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/natter-bench-new.XXXXXX")
export TMUX_TMPDIR=$T
TM=(tmux -f /dev/null -L "natter-bench-new-$$")
"${TM[@]}" start-server \; set -s exit-empty off
export XDG_DATA_HOME=$T/data XDG_CONFIG_HOME=$T/config XDG_STATE_HOME=$T/state HOME=$T/home
mkdir -p "$HOME"
unset NATTER_SERVER
export NATTER_PASSWORD=bench-password
DB=$T/server.db
pid=
cleanup() {
	"${TM[@]}" kill-server 2>/dev/null
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# server [ARGS]: (re)starts the server on the same port, keeping the database.
server() {
	if [ -n "$pid" ]; then
		kill "$pid"
		wait "$pid" 2>/dev/null
	fi
	"$BUILD/natter-server-mock" -p "${PORT:-0}" -d "$DB" "$@" >"$T/server.out" 2>&1 &
	pid=$!
	URL=
	for _ in $(seq 200); do
		URL=$(sed -n 's/^listening on //p' "$T/server.out")
		[ -n "$URL" ] && break
		sleep 0.05
	done
	[ -n "$URL" ] || { echo "new-device: the server did not start" >&2; exit 1; }
	PORT=${URL##*:}
}

server
"$BUILD/natter" -D "$T/setup" -s "$URL" register big >/dev/null || exit 1
kill "$pid"
wait "$pid" 2>/dev/null
pid=
sqlite3 "$DB" "
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $MEMBERS - 1)
INSERT INTO users (name, pwhash, created)
  SELECT 'big-' || i, (SELECT pwhash FROM users WHERE name = 'big'), 0 FROM k;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $NCONV)
INSERT INTO convs (pubid, title, created)
  SELECT 'cbig' || printf('%08x', i), 'big-' || i, 1795300000000 + i FROM k;
INSERT INTO members (conv, user, last_seq)
  SELECT c.id, u.id, $PER FROM convs c, users u WHERE u.name = 'big' OR u.name GLOB 'big-*';
WITH RECURSIVE s(q) AS (SELECT 1 UNION ALL SELECT q + 1 FROM s WHERE q < $PER)
INSERT INTO messages (conv, sender, seq, ts, client_id, body)
  SELECT m.conv, m.user, s.q, 1795300000000 + s.q * 1000, 'b-' || m.user || '-' || s.q,
    'message number ' || s.q || ' from user ' || m.user
  FROM s, members m ORDER BY s.q, m.conv, m.user;
INSERT INTO events (type, conv, msg) SELECT 2, id, NULL FROM convs;
INSERT INTO inbox (user, cursor)
  SELECT m.user, e.cursor FROM events e JOIN members m ON m.conv = e.conv;
UPDATE users SET inbox_n = (SELECT count(*) FROM inbox WHERE inbox.user = users.id);" ||
	exit 1
# The conversation shown first holds, at its bottom, the newest message of user 10.
NEWEST="message number $PER from user $MEMBERS"

# metrics: "REQUESTS UP DOWN DELIVERED" of every endpoint but metrics, from /v1/metrics.
metrics() {
	curl -s "$URL/v1/metrics" | awk '
		/endpoint="metrics"/ { next }
		/^natter_requests_total/ { r += $2 }
		/^natter_request_bytes_total/ { u += $2 }
		/^natter_response_bytes_total/ { d += $2 }
		/^natter_messages_delivered_total\{via="sync"\}/ { m += $2 }
		END { printf "%d %d %d %d\n", r, u, d, m }'
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }
pane() { "${TM[@]}" capture-pane -p -t "=bench:"; }

# measure NAME: opens natter on a new data directory and fills FIRST, REQ, UP,
# DOWN (until the first screen), FILL (ms until the background fill is over)
# and SYNCED (messages delivered by sync in all) for NAME.
declare -A FIRST REQ UP DOWN FILL SYNCED
measure() {
	local name=$1 dir=$T/device-$1 t0 t m0 m1 m2 i
	"$BUILD/natter" -D "$dir" -s "$URL" login big >/dev/null || exit 1
	read -r -a m0 <<<"$(metrics)"
	t0=$(now_ms)
	"${TM[@]}" new-session -d -s bench -x 120 -y 30 \
		"env LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME='$HOME' '$BUILD/natter' -D '$dir'"
	FIRST[$name]=">$CAP s"
	while t=$(now_ms); [ $((t - t0)) -lt $((CAP * 1000)) ]; do
		if pane | grep -qF "$NEWEST"; then
			FIRST[$name]="$((t - t0)) ms"
			break
		fi
		sleep 0.02
	done
	read -r -a m1 <<<"$(metrics)"
	REQ[$name]=$((m1[0] - m0[0]))
	UP[$name]=$((m1[1] - m0[1]))
	DOWN[$name]=$((m1[2] - m0[2]))
	FILL[$name]="-"
	if [ "${FIRST[$name]}" != ">$CAP s" ]; then
		# Over when the status line says online and no longer "loading older messages".
		for i in $(seq 1 30000); do
			if pane | grep -q "| online" && ! pane | grep -qF "loading older messages"; then
				t=$(now_ms)
				FILL[$name]="$(((t - t0) / 1000)).$((((t - t0) % 1000) / 100)) s"
				break
			fi
			sleep 0.1
		done
	fi
	read -r -a m2 <<<"$(metrics)"
	SYNCED[$name]=$((m2[3] - m0[3]))
	"${TM[@]}" kill-session -t "=bench" 2>/dev/null
	sleep 0.5
}

server
measure newest
server --protocol 1.0
measure oldest

kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1000 }'; }
printf '\nNew device: %d messages (%d conversations x %d members x %d), tmux 120x30\n' \
	"$TOTAL" "$NCONV" "$MEMBERS" "$PER"
printf '%-40s %16s %22s\n' "" "newest first" "baseline (1.0, oldest)"
printf '%-40s %16s %22s\n' "first screen (newest message shown)" "${FIRST[newest]}" "${FIRST[oldest]}"
printf '%-40s %16s %22s\n' "requests before it" "${REQ[newest]}" "${REQ[oldest]}"
printf '%-40s %16s %22s\n' "body bytes up before it" "$(kb "${UP[newest]}")" "$(kb "${UP[oldest]}")"
printf '%-40s %16s %22s\n' "body bytes down before it" "$(kb "${DOWN[newest]}")" "$(kb "${DOWN[oldest]}")"
printf '%-40s %16s %22s\n' "background fill over" "${FILL[newest]}" "${FILL[oldest]}"
printf '%-40s %16s %22s\n' "messages delivered by sync (of $TOTAL)" "${SYNCED[newest]}" "${SYNCED[oldest]}"
