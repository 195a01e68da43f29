#!/bin/bash
# bench/launch-bytes: what a launch costs on the wire (bytes up and down,
# headers included, and requests, from `natter sync --json`), with the launch
# by changes beside the version-1 launch (the same server with --protocol 1.0)
# as the baseline:
#   - unchanged launches for 1, 100 and 1,000 conversations (10 members each)
#     and for 10,000 members (40 conversations x 250: a conversation has at most 256);
#   - a first download of 100,000 messages (1,000,000 with BENCH_FULL=1):
#     up, down, up/down (the target is at most 3%), requests and time.
# The accounts are filled straight into the server's database (the API would
# take minutes). Loopback only.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
PER=100
[ -n "${BENCH_FULL:-}" ] && PER=1000
TMP=$(mktemp -d "${TMPDIR:-/tmp}/natter-bench-launch.XXXXXX")
export XDG_DATA_HOME=$TMP/data XDG_CONFIG_HOME=$TMP/config HOME=$TMP NATTER_PASSWORD=bench-password
DB=$TMP/server.db
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

# server [ARGS]: (re)starts the server on the same port, keeping the database.
server() {
	if [ -n "$pid" ]; then
		kill "$pid"
		wait "$pid" 2>/dev/null
	fi
	"$BUILD/natter-server-mock" -p "${PORT:-0}" -d "$DB" "$@" >"$TMP/server.out" 2>&1 &
	pid=$!
	URL=
	for _ in $(seq 200); do
		URL=$(sed -n 's/^listening on //p' "$TMP/server.out")
		[ -n "$URL" ] && break
		sleep 0.05
	done
	[ -n "$URL" ] || { echo "server did not start" >&2; exit 1; }
	PORT=${URL##*:}
}

nat() { local who=$1; shift; "$BUILD/natter" -s "$URL" -D "$TMP/$who" "$@"; }
field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }

# fill OWNER NCONV NMEMBERS PER: in the stopped server's database, NCONV
# conversations of OWNER with NMEMBERS - 1 other users, each member having
# sent PER messages of about 40 bytes in each; one creation event each.
fill() {
	sqlite3 "$DB" "
	WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $3 - 1)
	INSERT INTO users (name, pwhash, created)
	  SELECT '$1-' || i, (SELECT pwhash FROM users WHERE name = '$1'), 0 FROM k;
	WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $2)
	INSERT INTO convs (pubid, title, created)
	  SELECT 'c$1' || printf('%08x', i), '$1-' || i, 1795300000000 + i FROM k;
	INSERT INTO members (conv, user, last_seq)
	  SELECT c.id, u.id, $4 FROM convs c, users u
	  WHERE c.pubid GLOB 'c$1[0-9a-f]*' AND (u.name = '$1' OR u.name GLOB '$1-[0-9]*');
	WITH RECURSIVE s(q) AS (SELECT 1 UNION ALL SELECT q + 1 FROM s WHERE q < $4)
	INSERT INTO messages (conv, sender, seq, ts, client_id, body)
	  SELECT m.conv, m.user, s.q, 1795300000000 + s.q, 'b-' || m.user || '-' || s.q,
	    'message number ' || s.q || ' from user ' || m.user
	  FROM s, members m JOIN convs c ON c.id = m.conv
	  WHERE c.pubid GLOB 'c$1[0-9a-f]*' ORDER BY s.q, m.conv, m.user;
	INSERT INTO events (type, conv, msg)
	  SELECT 2, id, NULL FROM convs WHERE pubid GLOB 'c$1[0-9a-f]*';
	INSERT INTO inbox (user, cursor)
	  SELECT m.user, e.cursor FROM events e JOIN members m ON m.conv = e.conv
	  JOIN convs c ON c.id = e.conv WHERE c.pubid GLOB 'c$1[0-9a-f]*' AND e.type = 2;
	UPDATE users SET inbox_n = (SELECT count(*) FROM inbox WHERE inbox.user = users.id);"
}

# The accounts: name, conversations, members, messages per member.
ACCOUNTS="one:1:10:1 hundred:100:10:1 thousand:1000:10:1 wide:40:250:1 big:100:10:$PER"
server
for a in $ACCOUNTS; do
	nat "${a%%:*}" register "${a%%:*}" >/dev/null || exit 1
done
kill "$pid"
wait "$pid" 2>/dev/null
pid=
for a in $ACCOUNTS; do
	IFS=: read -r name nconv nmem per <<<"$a"
	fill "$name" "$nconv" "$nmem" "$per"
done

# measure DIR PROTO: first and unchanged launches of each account, data in DIR-NAME.
declare -A UP DOWN REQ MS
measure() {
	local dir=$1 proto=$2 a name out
	for a in $ACCOUNTS; do
		name=${a%%:*}
		nat "$dir-$name" login "$name" >/dev/null || exit 1
		out=$(nat "$dir-$name" sync --json) || exit 1
		if [ "$name" = big ]; then
			UP[$proto]=$(field bytes_sent <<<"$out")
			DOWN[$proto]=$(field bytes_received <<<"$out")
			REQ[$proto]=$(field requests <<<"$out")
			MS[$proto]=$(field duration_ms <<<"$out")
			continue
		fi
		out=$(nat "$dir-$name" sync --json) || exit 1
		UP[$proto-$name]=$(field bytes_sent <<<"$out")
		DOWN[$proto-$name]=$(field bytes_received <<<"$out")
		REQ[$proto-$name]=$(field requests <<<"$out")
	done
}
server
measure new changes
server --protocol 1.0
measure old v1

printf '\nUnchanged launch: wire bytes both ways (headers included) and requests\n'
printf '%-34s %10s %6s %12s %6s %8s\n' account "changes" req "v1 (1.0)" req "v1/chg"
for a in $ACCOUNTS; do
	IFS=: read -r name nconv nmem _ <<<"$a"
	[ "$name" = big ] && continue
	c=$((UP[changes-$name] + DOWN[changes-$name]))
	v=$((UP[v1-$name] + DOWN[v1-$name]))
	label="$nconv conversation(s) x $nmem members"
	awk -v l="$label" -v c="$c" -v cr="${REQ[changes-$name]}" -v v="$v" \
		-v vr="${REQ[v1-$name]}" 'BEGIN { printf "%-34s %10d %6d %12d %6d %8.1f\n", l, c, cr, v, vr, v / c }'
done
printf '\nFirst download of %d messages (100 conversations x 10 members x %d)\n' $((100 * 10 * PER)) "$PER"
printf '%-10s %12s %12s %8s %9s %9s\n' launch "bytes up" "bytes down" "up/down" requests ms
for p in changes v1; do
	awk -v p="$p" -v u="${UP[$p]}" -v d="${DOWN[$p]}" -v r="${REQ[$p]}" -v m="${MS[$p]}" \
		'BEGIN { printf "%-10s %12d %12d %7.2f%% %9d %9d\n", p, u, d, 100 * u / d, r, m }'
done
echo "changes: GET /v1/changes then /v1/sync continuations (next); v1: this natter against the"
echo "same server with --protocol 1.0 (its 404 probe of changes, GET /v1/conversations, then"
echo "/v1/sync re-sending have). Target: up/down <= 3%."
