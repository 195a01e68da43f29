#!/usr/bin/env bash
# Benchmarks natter-server-mock on loopback with wrk: requests per second for
# an up-to-date sync and for sends, beside /v1/health as the do-nothing
# baseline; then the server's memory (VmRSS) with 1,000 idle long-polls open.
# Usage: BUILD=build bench/server.sh   (DURATION=5s THREADS=2 CONNS=16)
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SERVER=$BUILD/natter-server-mock
DURATION=${DURATION:-5s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-16}
POLLS=${POLLS:-1000}
[ -x "$SERVER" ] || { echo "bench/server: build $SERVER first" >&2; exit 1; }
if ! command -v wrk >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >/dev/null
	fi
	command -v wrk >/dev/null 2>&1 || { echo "bench/server: wrk is missing (apt-get install wrk)"; exit 0; }
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/natter-bench.XXXXXX")
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT

# start ARGS...: starts a server; sets URL, PORT and SPID.
start() {
	"$SERVER" -p 0 "$@" >"$TMP/out" 2>"$TMP/err" &
	SPID=$!
	PIDS+=("$SPID")
	local i
	for i in $(seq 1 100); do
		URL=$(sed -n 's/^listening on //p' "$TMP/out")
		[ -n "$URL" ] && break
		sleep 0.05
	done
	[ -n "$URL" ] || { echo "bench/server: server did not start" >&2; cat "$TMP/err" >&2; exit 1; }
	PORT=${URL##*:}
}

# post PATH BODY [TOKEN]: prints the answer.
post() {
	curl -s -H 'Content-Type: application/json' ${3:+-H "Authorization: Bearer $3"} \
		--data-binary "$2" "$URL$1"
}

# field JSON NAME: a top-level string or number field.
field() {
	printf '%s' "$1" | sed -n "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/p"
}

# rps NAME WRK-ARGS...: runs wrk and prints one table row.
rps() {
	local name=$1 out
	shift
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" "$@" 2>&1)
	local r lat errs
	r=$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ { print $2 }')
	lat=$(printf '%s\n' "$out" | awk '$1 == "Latency" { print $2 }')
	errs=$(printf '%s\n' "$out" | awk '/Non-2xx/ { print $NF }')
	printf '%-28s %12s %12s %10s\n' "$name" "${r:-?}" "${lat:-?}" "${errs:-0}"
}

start
A=$(field "$(post /v1/register '{"user":"alice","password":"password-alice"}')" token)
post /v1/register '{"user":"bob","password":"password-bob"}' >/dev/null
CONV=$(field "$(post /v1/conversations '{"title":"bench","members":["bob"]}' "$A")" id)
for i in $(seq 1 200); do
	post "/v1/conversations/$CONV/messages" "{\"client_id\":\"seed$i\",\"body\":\"seed message $i\"}" "$A" >/dev/null
done

cat > "$TMP/sync.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"have":{"$CONV":{"alice":"1-200"}},"conversations":["$CONV"]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $A"
LUA
cat > "$TMP/send.lua" <<LUA
local counter = 0
local threads = {}
function setup(thread)
	counter = counter + 1
	thread:set("tid", counter)
end
function init(args)
	n = 0
end
function request()
	n = n + 1
	return wrk.format("POST", "/v1/conversations/$CONV/messages",
		{["Content-Type"] = "application/json", ["Authorization"] = "Bearer $A"},
		'{"client_id":"w' .. tid .. '-' .. n .. '","body":"a benchmark message of modest size"}')
end
LUA
# Check that the sync really is up to date (no messages in the answer).
up=$(post /v1/sync "{\"have\":{\"$CONV\":{\"alice\":\"1-200\"}},\"conversations\":[\"$CONV\"]}" "$A")
case $up in *'"messages":[]'*) ;; *) echo "bench/server: sync not up to date: $up" >&2; exit 1 ;; esac

echo "natter-server-mock on loopback, wrk -t$THREADS -c$CONNS -d$DURATION"
printf '%-28s %12s %12s %10s\n' "endpoint" "requests/s" "latency avg" "non-2xx"
rps "GET /v1/health (baseline)" "$URL/v1/health"
rps "POST /v1/sync (up to date)" -s "$TMP/sync.lua" "$URL/v1/sync"
rps "POST messages (memory)" -s "$TMP/send.lua" "$URL/v1/conversations/$CONV/messages"
kill "$SPID"; wait "$SPID" 2>/dev/null || true

start -d "$TMP/bench.db"
A=$(field "$(post /v1/register '{"user":"alice","password":"password-alice"}')" token)
post /v1/register '{"user":"bob","password":"password-bob"}' >/dev/null
CONV=$(field "$(post /v1/conversations '{"title":"bench","members":["bob"]}' "$A")" id)
sed -i "s/Bearer [0-9a-f]*/Bearer $A/; s|conversations/[^/]*/messages|conversations/$CONV/messages|" "$TMP/send.lua"
rps "POST messages (-d file)" -s "$TMP/send.lua" "$URL/v1/conversations/$CONV/messages"
kill "$SPID"; wait "$SPID" 2>/dev/null || true

# Memory with idle long-polls: one bash process holds the connections open.
start --max-connections $((POLLS + 64)) --max-connections-per-ip $((POLLS + 64))
A=$(field "$(post /v1/register '{"user":"alice","password":"password-alice"}')" token)
CUR=$(field "$(curl -s -H "Authorization: Bearer $A" "$URL/v1/events")" cursor)
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$SPID/status"; }
before=$(rss)
(
	ulimit -n $((POLLS + 64)) 2>/dev/null || true
	for i in $(seq 1 "$POLLS"); do
		exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
		printf 'GET /v1/events?after=%s&timeout=60 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n' \
			"$CUR" "$A" >&"$fd"
	done
	exec sleep 60
) &
holder=$!
PIDS=("$holder" "${PIDS[@]}")
open=0
for i in $(seq 1 200); do
	open=$(curl -s "$URL/v1/metrics" | awk '$1 == "natter_longpolls_open" { print $2 }')
	[ "${open:-0}" -ge "$POLLS" ] && break
	sleep 0.1
done
after=$(rss)
echo
printf '%-28s %12s\n' "idle long-polls open" "$open"
printf '%-28s %9s KiB\n' "server VmRSS before" "$before"
printf '%-28s %9s KiB\n' "server VmRSS with them" "$after"
printf '%-28s %9s KiB\n' "per long-poll" "$(awk -v a="$after" -v b="$before" -v n="${open:-1}" \
	'BEGIN { printf "%.1f", (a - b) / (n > 0 ? n : 1) }')"
kill "$holder" 2>/dev/null || true
