#!/usr/bin/env bash
# Benchmarks natter-server-mock on loopback with wrk, each row beside
# /v1/health (the do-nothing baseline) measured on the same server: the
# up-to-date launch request (GET /v1/changes?since=CUR) and an up-to-date
# POST /v1/sync (every vector equal) for a user in 1 and in 50
# conversations, then a heavy read (one client downloading first sync pages
# of 500 messages, then four connections at once, with the CPU time each
# request thread spent), for the memory store and -d, each with
# --threads 1 (one request thread, the baseline) and the default (one per
# core); then sends, and the server's memory (VmRSS) with 1,000 idle
# long-polls open.
# Usage: BUILD=build bench/server.sh   (DURATION=3s THREADS=2 CONNS=16)
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SERVER=$BUILD/natter-server-mock
DURATION=${DURATION:-3s}
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

# The seeding client: one keep-alive connection, each request in one write
# (HTTP::Tiny writes the body apart: Nagle and delayed ACKs, 40 ms each).
cat >"$TMP/client.pl" <<'EOF'
use strict; use IO::Socket::INET; use Socket qw(IPPROTO_TCP TCP_NODELAY); use JSON::PP;
# One keep-alive connection, each request in one write (HTTP::Tiny writes the
# body apart, and Nagle with delayed ACKs then costs 40 ms a request).
our ($HOST, $PORT, $S);
sub server { ($HOST, $PORT) = $_[0] =~ m{^http://([^/:]+):(\d+)$} or die "bad url $_[0]\n"; }
sub call {
	my ($method, $path, $body, $tok) = @_;
	$body = defined $body ? encode_json($body) : "";
	for my $try (0, 1) {
		$S //= IO::Socket::INET->new(PeerAddr => $HOST, PeerPort => $PORT) or die "connect: $!\n";
		setsockopt($S, IPPROTO_TCP, TCP_NODELAY, 1);
		print $S "$method $path HTTP/1.1\r\nHost: $HOST\r\nContent-Type: application/json\r\n" .
			($tok ? "Authorization: Bearer $tok\r\n" : "") .
			"Content-Length: " . length($body) . "\r\n\r\n$body";
		my $line = <$S>;
		if (!defined $line) { undef $S; next; }
		my ($code) = $line =~ /^HTTP\/1\.\d (\d{3})/;
		my $len = 0;
		while (my $h = <$S>) { last if $h eq "\r\n"; $len = $1 if $h =~ /^Content-Length:\s*(\d+)/i; }
		my $got = "";
		while (length($got) < $len) { read($S, $got, $len - length($got), length($got)) or last; }
		return ($code, $got);
	}
	die "$method $path: no answer\n";
}
1;
EOF

# seed: users one (1 conversation) and fifty (50), 3 messages each in every
# conversation; heavy with 2,000 messages in one. Prints shell assignments.
seed() {
	CLIENT=$TMP/client.pl perl -MJSON::PP -e '
	do $ENV{CLIENT} or die "client: $@ $!\n";
	server(shift);
	sub post { my ($code, $body) = call("POST", @_);
		die "bench/server: $_[0]: $code $body\n" if $code >= 300;
		decode_json($body) }
	my %t = map { $_ => post("/v1/register", {user => $_, password => "password-$_"})->{token} }
		qw(one fifty heavy bob);
	my %have;
	for my $u ([one => 1], [fifty => 50]) {
		my ($name, $n) = @$u;
		my %v;
		for my $c (1 .. $n) {
			my $id = post("/v1/conversations", {title => "c$c", members => ["bob"]}, $t{$name})->{id};
			post("/v1/conversations/$id/messages", {client_id => "s$_", body => "seed $_"}, $t{$name})
				for 1 .. 3;
			$v{$id} = {$name => "1-3"};
		}
		$have{$name} = encode_json({have => \%v});
	}
	my $id = post("/v1/conversations", {title => "big", members => ["bob"]}, $t{heavy})->{id};
	post("/v1/conversations/$id/messages", {client_id => "h$_",
		body => "a message of a first download, number $_"}, $t{heavy}) for 1 .. 2000;
	print "T_$_=$t{$_}\n" for sort keys %t;
	print "HAVE_$_=\x27$have{$_}\x27\n" for sort keys %have;' "$URL"
}

# rate NAME WRK-ARGS...: runs wrk; sets R[NAME] (requests/s) and fails on errors.
declare -A R
rate() {
	local name=$1 out errs
	shift
	out=$(wrk "$@" 2>&1)
	errs=$(printf '%s\n' "$out" | awk '/Non-2xx|Socket errors/ { print }')
	[ -z "$errs" ] || { echo "bench/server: $name: $errs" >&2; exit 1; }
	R[$name]=$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ { printf "%d", $2 }')
}

# lua FILE METHOD BODY TOKEN: a wrk script sending one fixed request.
lua() {
	cat >"$1" <<LUA
wrk.method = "$2"
wrk.body = '$3'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $4"
LUA
}

# pair KEY WRK-ARGS...: /v1/health, then the row KEY right after it on the
# same server (the machine's load drifts: each ratio takes its own baseline).
declare -A H
pair() {
	local key=$1
	shift
	rate "$key h" -t"$THREADS" -c"$CONNS" -d"$DURATION" "$URL/v1/health"
	H[$key]=${R[$key h]}
	rate "$key" -t"$THREADS" -c"$CONNS" -d"$DURATION" "$@"
}

# thread_cpu: "tid ticks" (user + system) of each of the server's request threads.
declare -A CPU
thread_cpu() {
	local t
	for t in /proc/"$SPID"/task/*; do
		case $(cat "$t/comm" 2>/dev/null) in MHD*) ;; *) continue ;; esac
		awk -v t="${t##*/}" '{ sub(/.*\) /, ""); print t, $12 + $13 }' "$t/stat"
	done
}

# config LABEL ARGS...: one server run, every read row of one column.
config() {
	local col=$1 cur n
	shift
	start "$@"
	eval "$(seed)"
	for n in one fifty; do
		local tok=T_$n have=HAVE_$n
		cur=$(field "$(curl -s -H "Authorization: Bearer ${!tok}" "$URL/v1/events")" cursor)
		case $(curl -s -H "Authorization: Bearer ${!tok}" "$URL/v1/changes?since=$cur") in
		*'"conversations":[]'*) ;; *) echo "bench/server: changes not up to date" >&2; exit 1 ;; esac
		case $(post /v1/sync "${!have}" "${!tok}") in
		*'"messages":[]'*) ;; *) echo "bench/server: sync not up to date" >&2; exit 1 ;; esac
		lua "$TMP/changes.lua" GET "" "${!tok}"
		lua "$TMP/sync.lua" POST "${!have}" "${!tok}"
		pair "changes $n $col" -s "$TMP/changes.lua" "$URL/v1/changes?since=$cur"
		pair "sync $n $col" -s "$TMP/sync.lua" "$URL/v1/sync"
	done
	lua "$TMP/first.lua" POST '{"have":{},"limit":500}' "$T_heavy"
	rate "first1 $col" -t1 -c1 -d"$DURATION" -s "$TMP/first.lua" "$URL/v1/sync"
	local before
	before=$(thread_cpu)
	rate "first2 $col" -t2 -c4 -d"$DURATION" -s "$TMP/first.lua" "$URL/v1/sync"
	CPU[$col]=$(printf '%s\n%s\n' "$before" "$(thread_cpu)" | awk -v hz="$(getconf CLK_TCK)" '
		{ if ($1 in t) d[$1] = $2 - t[$1]; else t[$1] = $2 }
		END { for (k in d) if (d[k] > 0) s = s (s ? " + " : "") sprintf("%.1f", d[k] / hz)
			print s ? s : "-" }')
	kill "$SPID"
	wait "$SPID" 2>/dev/null || true
}

CORES=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
DEF=$((CORES > 8 ? 8 : CORES))
COLS=("mem-1" "mem-$DEF" "d-1" "d-$DEF")
config "mem-1" --threads 1
config "mem-$DEF"
config "d-1" -d "$TMP/bench1.db" --threads 1
config "d-$DEF" -d "$TMP/bench2.db"

echo "natter-server-mock on loopback ($CORES cores, load average $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?)),"
echo "wrk -t$THREADS -c$CONNS -d$DURATION: requests/s and, in brackets, the ratio to GET /v1/health"
echo "measured on the same server just before (the health row: the mean of those)"
printf '%-34s' "request"
printf ' %17s' "memory, 1 thread" "memory, $DEF threads" "-d, 1 thread" "-d, $DEF threads"
echo
KEYS=("changes one" "changes fifty" "sync one" "sync fifty")
printf '%-34s' "GET /v1/health"
for col in "${COLS[@]}"; do
	printf ' %17s' "$(for k in "${KEYS[@]}"; do echo "${H[$k $col]}"; done |
		awk '{ s += $1 } END { printf "%d (1.00x)", s / NR }')"
done
echo
row() {
	local label=$1 key=$2 col
	printf '%-34s' "$label"
	for col in "${COLS[@]}"; do
		printf ' %17s' "$(awk -v r="${R[$key $col]}" -v h="${H[$key $col]}" \
			'BEGIN { printf "%d (%.2fx)", r, r / h }')"
	done
	echo
}
row "GET /v1/changes?since=CUR, 1 conv" "changes one"
row "GET /v1/changes?since=CUR, 50" "changes fifty"
row "POST /v1/sync up to date, 1 conv" "sync one"
row "POST /v1/sync up to date, 50" "sync fifty"
echo
echo "heavy read: first-download sync pages ({\"have\":{},\"limit\":500}, 500 messages of 2,000"
echo "each), pages/s for one client, then 4 connections at once (wrk -t2 -c4), on the same"
echo "server; a connection stays on the request thread that accepted it, so 4 rather than 2"
for k in first1 first2; do
	printf '%-34s' "$([ $k = first1 ] && echo "1 client" || echo "4 connections at once")"
	for col in "${COLS[@]}"; do
		printf ' %17s' "$(awk -v r="${R[$k $col]}" -v b="${R[first1 $col]}" \
			'BEGIN { printf "%d (%.2fx)", r, r / b }')"
	done
	echo
done
printf '%-34s' "CPU s by request thread (4 conns)"
for col in "${COLS[@]}"; do printf ' %17s' "${CPU[$col]}"; done
echo

# Sends, on the default threads: rows of their own, requests/s.
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
send_rps() {
	local name=$1
	shift
	start "$@"
	local a conv
	a=$(field "$(post /v1/register '{"user":"alice","password":"password-alice"}')" token)
	post /v1/register '{"user":"bob","password":"password-bob"}' >/dev/null
	conv=$(field "$(post /v1/conversations '{"title":"bench","members":["bob"]}' "$a")" id)
	cat >"$TMP/send.lua" <<LUA
local counter = 0
function setup(thread)
	counter = counter + 1
	thread:set("tid", counter)
end
function init(args)
	n = 0
end
function request()
	n = n + 1
	return wrk.format("POST", "/v1/conversations/$conv/messages",
		{["Content-Type"] = "application/json", ["Authorization"] = "Bearer $a"},
		'{"client_id":"w' .. tid .. '-' .. n .. '","body":"a benchmark message of modest size"}')
end
LUA
	rps "$name" -s "$TMP/send.lua" "$URL/v1/conversations/$conv/messages"
	kill "$SPID"
	wait "$SPID" 2>/dev/null || true
}
echo
printf '%-28s %12s %12s %10s\n' "sends, $DEF threads" "requests/s" "latency avg" "non-2xx"
send_rps "POST messages (memory)"
send_rps "POST messages (-d file)" -d "$TMP/send.db"

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
