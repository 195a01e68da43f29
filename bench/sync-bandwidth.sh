#!/bin/bash
# bench/sync-bandwidth: wire bytes a launch receives after N new messages of
# 120 bytes, of which the notifier already got K, for
#   (a) natter: merge from sync.db, then /v1/sync by vector (bytes_received);
#   (b) the common approach: fetch every message since the last sync;
#   (c) the lower limit: the bytes of the N - K missing bodies.
# Prints a/c and b/a for each K. Loopback only; a few seconds per K.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
N=${N:-1000}
KS=${KS:-"0 500 900 1000"}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/natter-bench-bw.XXXXXX")
export XDG_DATA_HOME=$TMP/data XDG_CONFIG_HOME=$TMP/config HOME=$TMP NATTER_PASSWORD=bench-password
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

"$BUILD/natter-server-mock" -p 0 >"$TMP/server.out" 2>"$TMP/server.err" &
pids+=($!)
for _ in $(seq 100); do
	URL=$(sed -n 's/^listening on //p' "$TMP/server.out")
	[ -n "$URL" ] && break
	sleep 0.05
done
[ -n "$URL" ] || { echo "server did not start" >&2; exit 1; }

nat() { local who=$1; shift; "$BUILD/natter" -s "$URL" -D "$TMP/$who" "$@"; }
nat alice register alice >/dev/null && nat bob register bob >/dev/null || exit 1
token() {
	curl -s -X POST "$URL/v1/login" -d "{\"user\":\"$1\",\"password\":\"$NATTER_PASSWORD\"}" |
		sed -n 's/.*"token": *"\([0-9a-f]*\)".*/\1/p'
}
BOB=$(token bob)
ALICE=$(token alice)

# bodies COUNT SEED: COUNT lines of 120 bytes: chat-like words, or with
# BODIES=random letters and digits that compress little (the hard case).
bodies() {
	if [ "$BODIES" = random ]; then
		awk -v n="$1" -v seed="$2" 'BEGIN {
			a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			srand(seed)
			for (i = 1; i <= n; i++) {
				s = ""
				for (j = 0; j < 120; j++) s = s substr(a, int(rand() * 62) + 1, 1)
				print s
			}
		}'
		return
	fi
	awk -v n="$1" -v seed="$2" 'BEGIN {
		split("the a to and of is in it you that we for on this with be are was have " \
		    "not at but can just so build test deploy fix branch server client lunch " \
		    "meeting today tomorrow yes no maybe think know please thanks ok sure " \
		    "review merge release bug crash slow fast network message notify sync", w, " ")
		srand(seed)
		for (i = 1; i <= n; i++) {
			s = ""
			while (length(s) < 120) s = s w[int(rand() * length(w)) + 1] " "
			print substr(s, 1, 120)
		}
	}'
}

# send CONV FILE TAG: bob posts every line of FILE (8 at a time).
send() {
	local conv=$1 file=$2 tag=$3
	awk -v t="$tag" '{ printf "%s-%d\t%s\n", t, NR, $0 }' "$file" |
		xargs -d '\n' -P 8 -n 1 sh -c '
			id=${1%%	*}; body=${1#*	}
			curl -s -o /dev/null -X POST -H "Authorization: Bearer '"$BOB"'" \
				"'"$URL"'/v1/conversations/'"$conv"'/messages" \
				-d "{\"client_id\":\"$id\",\"body\":\"$body\"}"' _
}

store_count() {
	sqlite3 -cmd '.timeout 5000' "$TMP/alice/sync.db" \
		"SELECT count(*) FROM messages WHERE conv = '$1'" 2>/dev/null
}

run_table() {
printf '\nN = %d new messages of 120 bytes (%s text); K already received by natter-notifyd\n' \
	"$N" "$BODIES"
printf '%6s %12s %14s %12s %8s %8s %8s\n' K "a: natter" "b: since-last" "c: bodies" a/c b/a "bodies twice"
for K in $KS; do
	conv=$(nat alice new "bw-$BODIES-$K" bob) || exit 1
	nat alice sync >/dev/null
	bodies "$N" "$K" >"$TMP/bodies"
	head -n "$K" "$TMP/bodies" >"$TMP/first"
	tail -n +$((K + 1)) "$TMP/bodies" >"$TMP/rest"
	"$BUILD/natter-notifyd" -s "$URL" -D "$TMP/alice" --backend none 2>"$TMP/notifyd.err" &
	npid=$!
	for _ in $(seq 100); do
		[ -n "$(sqlite3 "$TMP/alice/sync.db" 'SELECT cursor FROM cursors' 2>/dev/null)" ] && break
		sleep 0.05
	done
	send "$conv" "$TMP/first" "k$K"
	for _ in $(seq 400); do
		[ "$(store_count "$conv")" = "$K" ] && break
		sleep 0.05
	done
	kill "$npid"; wait "$npid" 2>/dev/null
	send "$conv" "$TMP/rest" "r$K"
	# (b): everything of the conversation since the last sync, with compression too.
	b=$(curl -s --compressed -o /dev/null -w '%{size_download} %{size_header}' -X POST \
		-H "Authorization: Bearer $ALICE" "$URL/v1/sync" \
		-d "{\"have\":{},\"conversations\":[\"$conv\"],\"limit\":1000}" | awk '{print $1 + $2}')
	before=$(curl -s "$URL/v1/metrics" | sed -n 's/^natter_messages_delivered_total{via="sync"} //p')
	a=$(nat alice sync --json | sed -n 's/.*"bytes_received":\([0-9]*\).*/\1/p')
	after=$(curl -s "$URL/v1/metrics" | sed -n 's/^natter_messages_delivered_total{via="sync"} //p')
	c=$(awk '{ s += length($0) } END { print s + 0 }' "$TMP/rest")
	twice=$((after - before - (N - K)))
	awk -v k="$K" -v a="$a" -v b="$b" -v c="$c" -v t="$twice" 'BEGIN {
		printf "%6d %12d %14d %12d %8s %8.1f %8d\n", k, a, b, c,
		    (c > 0 ? sprintf("%.2f", a / c) : "-"), b / a, t }'
done
}
BODIES=words run_table
BODIES=random run_table
echo "a counts every response byte of the launch (headers included); b is one compressed"
echo "sync of the whole conversation; 'bodies twice' = delivered - (N - K), must be 0."
