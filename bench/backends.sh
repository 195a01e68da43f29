#!/usr/bin/env bash
# Benchmarks natter-server-mock's database backends side by side, in one run:
# SQLite (-d FILE), PostgreSQL with one server process, and PostgreSQL with
# two server processes on the same database. Rows: sends/s (POST
# .../messages) and up-to-date syncs/s (POST /v1/sync whose vectors are all
# equal). The load is two lanes, alice and bob, each with half the
# connections (one wrk each, at once): with one process both lanes go to it,
# with two each lane has its own process, so only the split differs.
# PostgreSQL is a throwaway cluster (tests/integration/pg_lib.sh) with fsync on
# and synchronous_commit off, as durable as SQLite's WAL with synchronous =
# NORMAL (a crash of the machine may lose the last commits, never corrupts).
# A last row gives the mean wait for the write lock per committed write, from
# the servers' /v1/metrics (PostgreSQL: waits over 1 ms for the counters row).
# Usage: BUILD=build bench/backends.sh   (DURATION=5s CONNS=16)
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SERVER=$BUILD/natter-server-mock
DURATION=${DURATION:-5s}
CONNS=${CONNS:-16}
HALF=$((CONNS / 2 > 0 ? CONNS / 2 : 1))
# Everyone added is a member at once (no invitation to accept).
export NATTER_CONSENT=off
[ -x "$SERVER" ] || { echo "bench/backends: build $SERVER first" >&2; exit 1; }
if ! command -v wrk >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >/dev/null
	fi
	command -v wrk >/dev/null 2>&1 || { echo "bench/backends: wrk is missing (scripts/install-deps --bench)"; exit 0; }
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/natter-bench.XXXXXX")
T_TMP=$TMP
PIDS=()
PG_DIR= PG_OWN=0
# pg_lib.sh skips a test where PostgreSQL cannot run; here that is a note under the table.
skip_all() { echo "SKIP $*"; exit 1; }
. tests/integration/pg_lib.sh
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	pg_stop
	rm -rf "$TMP"
}
trap cleanup EXIT

# start ARGS...: starts a server; appends its URL to URLS and its pid to SPIDS.
URLS=() SPIDS=()
start() {
	local n=${#SPIDS[@]} url="" i
	"$SERVER" -p 0 --threads 2 "$@" >"$TMP/out$n" 2>"$TMP/err$n" &
	SPIDS+=($!)
	PIDS+=($!)
	for i in $(seq 1 200); do
		url=$(sed -n 's/^listening on //p' "$TMP/out$n")
		[ -n "$url" ] && break
		sleep 0.05
	done
	[ -n "$url" ] || { echo "bench/backends: server did not start" >&2; cat "$TMP/err$n" >&2; exit 1; }
	URLS+=("$url")
}
stop_all() {
	local p
	for p in "${SPIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${SPIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	URLS=() SPIDS=()
}

# post URL PATH BODY [TOKEN]: prints the answer.
post() {
	curl -s -H 'Content-Type: application/json' ${4:+-H "Authorization: Bearer $4"} \
		--data-binary "$3" "$1$2"
}
# field JSON NAME: a top-level string or number field.
field() {
	printf '%s' "$1" | sed -n "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/p"
}

# seed URL: alice and bob, one conversation with 3 messages of each; sets
# TOK_alice, TOK_bob, CONV and HAVE (the up-to-date sync request).
seed() {
	local u
	for u in alice bob; do
		printf -v "TOK_$u" '%s' "$(field "$(post "$1" /v1/register \
			"{\"user\":\"$u\",\"password\":\"password-$u\"}")" token)"
	done
	CONV=$(field "$(post "$1" /v1/conversations '{"title":"bench","members":["bob"]}' "$TOK_alice")" id)
	for i in 1 2 3; do
		post "$1" "/v1/conversations/$CONV/messages" "{\"client_id\":\"a$i\",\"body\":\"seed\"}" "$TOK_alice" >/dev/null
		post "$1" "/v1/conversations/$CONV/messages" "{\"client_id\":\"b$i\",\"body\":\"seed\"}" "$TOK_bob" >/dev/null
	done
	HAVE="{\"have\":{\"$CONV\":{\"alice\":\"1-3\",\"bob\":\"1-3\"}}}"
	case $(post "$1" /v1/sync "$HAVE" "$TOK_bob") in
	*'"messages":[]'*) ;; *) echo "bench/backends: the sync is not up to date" >&2; exit 1 ;; esac
}

# lua FILE USER KIND: a wrk script for one lane: sends (a fresh client_id
# each) or up-to-date syncs, as USER.
lua() {
	local tok=TOK_$2
	if [ "$3" = send ]; then
		cat >"$1" <<LUA
local counter = 0
function setup(thread) counter = counter + 1; thread:set("tid", counter) end
function init(args) n = 0 end
function request()
	n = n + 1
	return wrk.format("POST", "/v1/conversations/$CONV/messages",
		{["Content-Type"] = "application/json", ["Authorization"] = "Bearer ${!tok}"},
		'{"client_id":"$2-' .. tid .. '-' .. n .. '","body":"a benchmark message of modest size"}')
end
LUA
	else
		cat >"$1" <<LUA
wrk.method = "POST"
wrk.path = "/v1/sync"
wrk.body = '$HAVE'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer ${!tok}"
LUA
	fi
}

# lanes COL KIND: both lanes at once (alice on the first server, bob on the
# last); sets R[COL KIND] to the sum of their requests/s; fails on errors.
declare -A R
lanes() {
	local col=$1 kind=$2 i=0 u url total=0 out errs
	local pids=()
	for u in alice bob; do
		url=${URLS[0]}
		[ $u = bob ] && url=${URLS[${#URLS[@]} - 1]}
		lua "$TMP/$u.lua" $u "$kind"
		wrk -t1 -c"$HALF" -d"$DURATION" -s "$TMP/$u.lua" "$url/v1/sync" >"$TMP/wrk$i" 2>&1 &
		pids+=($!)
		i=$((i + 1))
	done
	wait "${pids[@]}"
	for i in 0 1; do
		out=$(cat "$TMP/wrk$i")
		errs=$(printf '%s\n' "$out" | awk '/Non-2xx|Socket errors/ { print }')
		[ -z "$errs" ] || { echo "bench/backends: $col $kind: $errs" >&2; exit 1; }
		total=$(printf '%s\n' "$out" | awk -v t="$total" '/^Requests\/sec:/ { t += $2 } END { printf "%d", t }')
	done
	R[$col $kind]=$total
}

# waits COL: from the servers' /v1/metrics, the mean wait for the write lock
# per committed write transaction, in ms (sets WAIT[COL]).
declare -A WAIT
waits() {
	local u
	WAIT[$1]=$(for u in "${URLS[@]}"; do curl -s "$u/v1/metrics"; done | awk '
		/^natter_store_lock_wait_seconds_total/ { w += $2 }
		/^natter_store_transactions_total.*result="commit"/ { c += $2 }
		END { printf "%.2f", (c > 0 ? w * 1000 / c : 0) }')
}

# column COL: seeds the servers of URLS (through the first), then both rows.
column() {
	seed "${URLS[0]}"
	lanes "$1" sync
	lanes "$1" send
	waits "$1"
	stop_all
}

COLS=(sqlite)
start -d "$TMP/bench.db"
column sqlite

PG_NOTE=""
if ! "$SERVER" -d "postgresql:///nothing?host=/nonexistent" -p 0 2>&1 | grep -q "no such database backend"; then
	# pg_start skips (exits) where PostgreSQL cannot run: find out in a subshell.
	if pgvars=$(pg_start >"$TMP/pg.log" 2>&1 && echo "PG_HOST=$PG_HOST PG_PORT=$PG_PORT PG_BIN=$PG_BIN PG_DIR=$PG_DIR"); then
		eval "$pgvars"
		PG_OWN=1
		"$PG_BIN/psql" -q -h "$PG_HOST" -p "$PG_PORT" -U natter -d postgres \
			-c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = off" \
			-c "SELECT pg_reload_conf()" >/dev/null
		URL1=$(pg_url bench1)
		start -d "$URL1"
		column pg1
		URL2=$(pg_url bench2)
		start -d "$URL2"
		start -d "$URL2"
		column pg2
		COLS+=(pg1 pg2)
	else
		PG_NOTE="PostgreSQL could not run here: $(grep -o 'SKIP.*' "$TMP/pg.log" | head -1)"
	fi
else
	PG_NOTE="the PostgreSQL columns need the PostgreSQL backend (branch wt-pg): this build has none"
fi

echo "natter-server-mock backends on loopback ($(getconf _NPROCESSORS_ONLN) cores, load average $(cut -d' ' -f1 /proc/loadavg)),"
echo "each server --threads 2; two lanes (alice, bob) of wrk -t1 -c$HALF -d$DURATION at once, requests/s summed"
printf '%-30s %12s %16s %16s\n' "" "SQLite" "PostgreSQL, 1" "PostgreSQL, 2"
for kind in send sync; do
	printf '%-30s' "$([ $kind = send ] && echo "sends/s" || echo "up-to-date syncs/s")"
	printf ' %12s' "${R[sqlite $kind]}"
	for col in pg1 pg2; do printf ' %16s' "${R[$col $kind]:--}"; done
	echo
done
printf '%-30s' "lock wait per write, ms"
printf ' %12s' "${WAIT[sqlite]}"
for col in pg1 pg2; do printf ' %16s' "${WAIT[$col]:--}"; done
echo
[ -z "$PG_NOTE" ] || echo "$PG_NOTE"
