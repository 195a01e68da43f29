#!/usr/bin/env bash
# natter-notifyd figures, each beside a baseline measured in the same run:
#  1. catch-up: 10,000 messages queued while the notifier was down, stored in
#     sync.db (messages per second), beside a bare SQLite insert of the same
#     rows in one transaction;
#  2. idle: wake-ups (voluntary context switches of all its threads) and RSS
#     over an idle period, beside a curl process doing the same long-poll.
# BENCH_QUICK=1 shortens the idle period from 60 s to 10 s; N sets the count.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
N=${N:-10000}
IDLE=60
[ "${BENCH_QUICK:-0}" = 1 ] && IDLE=10
for c in sqlite3 curl; do
	command -v $c >/dev/null 2>&1 || { echo "notifier: $c is not installed; skipped"; exit 0; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/natter-bench.XXXXXX")
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
export XDG_DATA_HOME=$T/data XDG_CONFIG_HOME=$T/config HOME=$T/home
mkdir -p "$HOME"
unset NATTER_SERVER NATTER_PASSWORD

ms() { echo $(($(date +%s%N) / 1000000)); }
die() { echo "notifier: $*" >&2; exit 1; }

"$BUILD/natter-server-mock" -p 0 --event-retention $((N * 2)) --rate-limit 1000000 --max-poll 120 \
	>"$T/server.log" 2>&1 &
PIDS+=($!)
for i in $(seq 1 200); do
	URL=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$T/server.log")
	[ -n "$URL" ] && break
	sleep 0.05
done
[ -n "$URL" ] || die "the server did not start"

token() { sed -n 's/.*"token": *"\([0-9a-f]*\)".*/\1/p'; }
A=$T/alice
NATTER_PASSWORD=alice-password "$BUILD/natter" -s "$URL" -D "$A" register alice >/dev/null ||
	die "natter register failed"
BOB=$(curl -s -X POST "$URL/v1/register" -d '{"user":"bob","password":"bob-password"}' | token)
CONV=$(curl -s -X POST -H "Authorization: Bearer $BOB" "$URL/v1/conversations" \
	-d '{"title":"bench","members":["alice","bob"]}' | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p')
[ -n "$CONV" ] || die "cannot create a conversation"

# First start stores the cursor; then the notifier is down while N arrive.
"$BUILD/natter-notifyd" -s "$URL" -D "$A" --backend none 2>"$T/n1.err" &
NP=$!
PIDS+=($NP)
for i in $(seq 1 200); do
	[ -n "$(sqlite3 "$A/sync.db" 'SELECT cursor FROM cursors' 2>/dev/null)" ] && break
	sleep 0.05
done
kill $NP; wait $NP 2>/dev/null

body=$(printf 'x%.0s' $(seq 1 110))
{
	for i in $(seq 1 "$N"); do
		printf 'url = "%s/v1/conversations/%s/messages"\n' "$URL" "$CONV"
		printf 'header = "Authorization: Bearer %s"\n' "$BOB"
		printf 'data = "{\\"client_id\\":\\"b%d\\",\\"body\\":\\"%06d %s\\"}"\n' "$i" "$i" "$body"
		printf 'output = "/dev/null"\n'
		[ "$i" -lt "$N" ] && printf 'next\n'
	done
} >"$T/post.cfg"
t0=$(ms)
curl -s -K "$T/post.cfg" || die "posting failed"
t1=$(ms)
echo "queued $N messages of 120 bytes in $((t1 - t0)) ms (one keep-alive curl)"

# Catch-up: from the notifier's start until sync.db holds all N.
t0=$(ms)
"$BUILD/natter-notifyd" -s "$URL" -D "$A" --backend none 2>"$T/n2.err" &
NP=$!
PIDS+=($NP)
got=0
for i in $(seq 1 6000); do
	got=$(sqlite3 -cmd '.timeout 2000' "$A/sync.db" 'SELECT count(*) FROM messages' 2>/dev/null)
	[ "${got:-0}" -ge "$N" ] && break
	sleep 0.01
done
t1=$(ms)
[ "${got:-0}" -ge "$N" ] || die "only $got of $N messages stored"
catchup=$((t1 - t0))

# Baseline: the same rows into the same schema, one bare transaction.
sqlite3 "$A/sync.db" ".schema messages" >"$T/schema.sql"
sqlite3 "$A/sync.db" ".mode insert messages" "SELECT * FROM messages" >"$T/rows.sql"
rm -f "$T/bare.db"
sqlite3 "$T/bare.db" "PRAGMA journal_mode=WAL;" >/dev/null
sqlite3 "$T/bare.db" <"$T/schema.sql"
t0=$(ms)
{ echo "PRAGMA synchronous=NORMAL; BEGIN;"; cat "$T/rows.sql"; echo "COMMIT;"; } |
	sqlite3 "$T/bare.db"
t1=$(ms)
bare=$((t1 - t0))
[ "$bare" -gt 0 ] || bare=1
[ "$catchup" -gt 0 ] || catchup=1
printf '%-44s %8s %12s\n' "catch-up of $N queued messages" "ms" "msgs/s"
printf '%-44s %8d %12d\n' "natter-notifyd (HTTP + JSON + sync.db)" "$catchup" \
	$((N * 1000 / catchup))
printf '%-44s %8d %12d\n' "bare sqlite3 insert, one transaction" "$bare" $((N * 1000 / bare))

# Idle: no traffic; count wake-ups of every thread, and the RSS.
switches() { # PID: voluntary context switches summed over its threads
	cat /proc/"$1"/task/*/status 2>/dev/null |
		awk '/^voluntary_ctxt_switches/ {s += $2} END {print s + 0}'
}
rss() { awk '/^VmRSS/ {print $2}' /proc/"$1"/status; }
cursor=$(curl -s -H "Authorization: Bearer $BOB" "$URL/v1/events" |
	sed -n 's/.*"cursor": *\([0-9]*\).*/\1/p')
curl -s -o /dev/null -H "Authorization: Bearer $BOB" \
	"$URL/v1/events?after=$cursor&timeout=$((IDLE + 10))" &
CP=$!
PIDS+=($CP)
sleep 1
n0=$(switches "$NP")
c0=$(switches "$CP")
sleep "$IDLE"
n1=$(switches "$NP")
c1=$(switches "$CP")
printf '%-44s %10s %10s\n' "idle for $IDLE s" "wake-ups" "RSS KiB"
printf '%-44s %10d %10d\n' "natter-notifyd" $((n1 - n0)) "$(rss "$NP")"
printf '%-44s %10d %10d\n' "curl, one long-poll (baseline)" $((c1 - c0)) "$(rss "$CP")"
kill "$CP" 2>/dev/null
kill "$NP"
wait "$NP"
echo "natter-notifyd exit status after SIGTERM: $?"
