#!/usr/bin/env bash
# natter-server-mock on several request threads (--threads): many clients
# sending at once by the same and by different senders, into the same and
# different conversations, get unique gap-free sequence numbers, idempotent
# resends (even two clients racing with the same client_id) and a sync with
# every message once; a long-poll wakes at once for a send made on another
# connection while the other threads are busy; with -d, reads are answered
# while a write waits on a long transaction (WAL readers, not one thread).
. "$(dirname "$0")/server_lib.sh"

out=$("$SERVER" --threads 0 2>&1); st=$?
is "$st $out" "2 natter-server-mock: --threads wants a number from 1 to 64" \
	"--threads 0: usage error"

start_server --threads 4 || exit 1
A=$(new_user alice)
B=$(new_user bob)
C=$(new_user carol)
call POST /v1/conversations '{"title":"x","members":["bob","carol"]}' "$A"; X=$(jx "$OUT" '$d->{id}')
call POST /v1/conversations '{"title":"y","members":["bob"]}' "$A"; Y=$(jx "$OUT" '$d->{id}')

# The client of the perl scripts: one keep-alive connection, each request
# in one write (HTTP::Tiny writes the body apart, and Nagle with delayed
# ACKs then spaces requests 40 ms apart: the clients would hardly overlap).
cat >"$T_TMP/client.pl" <<'EOF'
use strict; use IO::Socket::INET; use Socket qw(IPPROTO_TCP TCP_NODELAY); use JSON::PP;
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
export CLIENT=$T_TMP/client.pl

# The sender: perl URL TOKEN CONV PREFIX N sends PREFIX-0 .. PREFIX-(N-1),
# each twice, and prints "status conv id seq" per send.
cat >"$T_TMP/send.pl" <<'EOF'
do $ENV{CLIENT} or die "client: $@ $!\n";
my ($url, $tok, $conv, $prefix, $n) = @ARGV;
server($url);
for my $i (0 .. $n - 1) {
	for my $again (0, 1) {
		my ($code, $body) = call("POST", "/v1/conversations/$conv/messages",
			{client_id => "$prefix-$i", body => "$prefix $i"}, $tok);
		my $seq = $code < 300 ? decode_json($body)->{seq} : 0;
		print "$code $conv $prefix-$i $seq\n";
	}
}
EOF

# Seven clients at once: alice twice with the same ids into x (racing
# resends), alice with other ids into x, bob and carol into x, alice and bob into y.
N=100
pids=()
send() { perl "$T_TMP/send.pl" "$SERVER_URL" "$@" >"$T_TMP/sent.${#pids[@]}" & pids+=($!); }
send "$A" "$X" a1 $N
send "$A" "$X" a1 $N
send "$A" "$X" a2 $N
send "$B" "$X" b $N
send "$C" "$X" c $N
send "$A" "$Y" ay $N
send "$B" "$Y" by $N
for p in "${pids[@]}"; do wait "$p"; done
cat "$T_TMP"/sent.* >"$T_TMP/sent"

is "$(wc -l <"$T_TMP/sent" | tr -d ' ')" $((7 * N * 2)) "every send was answered"
is "$(awk '$1 != 200 && $1 != 201' "$T_TMP/sent" | head -3)" "" "... with 201 or 200, never an error"
# Per (conversation, sender): the new messages' seqs are exactly 1..count
# (a1 and a2 are both alice's: the prefix up to the digit names the sender).
perl -e '
	my (%byid, %seqs, $bad);
	while (<>) {
		my ($st, $conv, $id, $seq) = split;
		next unless $st == 201;
		$bad .= "$conv $id created twice; " if $byid{"$conv $id"}++;
		my ($who) = $id =~ /^([a-z]+)/;
		push @{$seqs{"$conv $who"}}, $seq;
	}
	for my $k (sort keys %seqs) {
		my @s = sort { $a <=> $b } @{$seqs{$k}};
		$bad .= "$k: @s; " if join(",", @s) ne join(",", 1 .. scalar @s);
	}
	print $bad // "";' "$T_TMP/sent" >"$T_TMP/gaps"
is "$(cat "$T_TMP/gaps")" "" "seqs unique and gap-free per sender and conversation"
is "$(awk '$1 == 201' "$T_TMP/sent" | wc -l | tr -d ' ')" $((6 * N)) \
	"one message per client_id, though alice sent a1-* from two clients at once"
# Every answer for one client_id names the same seq (201 once, then 200s).
is "$(awk '{ k = $2 " " $3; if (k in s && s[k] != $4) print k; s[k] = $4 }' "$T_TMP/sent" | head -3)" "" \
	"every resend is idempotent: the same seq as the first answer"
is "$(metric natter_messages_stored_total)" $((6 * N)) "the server stored $((6 * N)) messages"

# A first download by alice, page by page: every message exactly once.
cat >"$T_TMP/sync.pl" <<'EOF'
do $ENV{CLIENT} or die "client: $@ $!\n";
my ($url, $tok, $limit, $loops) = @ARGV;
server($url);
for (1 .. $loops) {
	my $req = {have => {}, limit => $limit + 0};
	for (;;) {
		my ($code, $body) = call("POST", "/v1/sync", $req, $tok);
		die "sync: $code\n" if $code != 200;
		my $d = decode_json($body);
		print "$_->{conv} $_->{sender} $_->{seq}\n" for @{$d->{messages}};
		last unless $d->{more};
		$req = {next => $d->{next}, limit => $limit + 0};
	}
}
EOF
perl "$T_TMP/sync.pl" "$SERVER_URL" "$A" 50 1 >"$T_TMP/synced"
is "$(wc -l <"$T_TMP/synced" | tr -d ' ') $(sort -u "$T_TMP/synced" | wc -l | tr -d ' ')" \
	"$((6 * N)) $((6 * N))" "a paged sync brings all $((6 * N)) messages, each once"

# Long-polls while two clients download everything over and over: each
# wakes within moments of a send made on another connection (a lost
# wake-up would wait for the 20 s timeout).
busy=()
for i in 1 2; do
	perl "$T_TMP/sync.pl" "$SERVER_URL" "$A" 500 100000 >/dev/null 2>&1 &
	busy+=($!)
	T_PIDS+=($!)
done
call GET /v1/events "" "$C"; CUR=$(jx "$OUT" '$d->{cursor}')
worst=0 wrong=0
for i in $(seq 1 8); do
	curl -s -H "Authorization: Bearer $C" "$SERVER_URL/v1/events?after=$CUR&timeout=20" \
		>"$T_TMP/poll" &
	poll=$!
	sleep 0.3
	start=$(date +%s%N)
	call POST /v1/conversations/$X/messages "{\"client_id\":\"w$i\",\"body\":\"wake $i\"}" "$B"
	wait "$poll"
	ms=$((($(date +%s%N) - start) / 1000000))
	[ "$ms" -gt "$worst" ] && worst=$ms
	got=$(jx "$(cat "$T_TMP/poll")" 'join(",", map { $_->{body} } @{$d->{events}})')
	[ "$got" = "wake $i" ] || { wrong=$((wrong + 1)); diag "long-poll $i got: $got"; }
	CUR=$(jx "$(cat "$T_TMP/poll")" '$d->{cursor}')
done
kill "${busy[@]}" 2>/dev/null
wait "${busy[@]}" 2>/dev/null
[ "$worst" -lt 2000 ] && [ "$wrong" = 0 ]
ok $? "8 long-polls, busy threads: each woke with a send made on another connection (worst ${worst} ms)"
is "$(metric natter_longpolls_open)" 0 "no long-poll left waiting"
stop_server

# -d: a send waits for another process's long write transaction; meanwhile
# the other threads answer reads from the WAL at once.
DB=$T_TMP/server.db
T_SQLITE=1 start_server -d "$DB" --threads 4 || exit 1
A=$(new_user alice)
B=$(new_user bob)
call POST /v1/conversations '{"title":"w","members":["bob"]}' "$A"; W=$(jx "$OUT" '$d->{id}')
call POST /v1/conversations/$W/messages '{"client_id":"w0","body":"before"}' "$A"
call GET /v1/events "" "$A"; CUR=$(jx "$OUT" '$d->{cursor}')
{
	echo "BEGIN IMMEDIATE;"
	echo "INSERT INTO meta(key, value) VALUES ('held', 'x');"
	echo ".system touch $T_TMP/locked"
	sleep 3
	echo "ROLLBACK;"
} | sqlite3 -cmd '.timeout 10000' "$DB" >/dev/null &
lock=$!
T_PIDS+=($lock)
wait_for test -e "$T_TMP/locked"
start=$(date +%s%N)
curl -s -o "$T_TMP/held-send" -w '%{http_code}' -H "Authorization: Bearer $B" \
	-H 'Content-Type: application/json' -d '{"client_id":"w1","body":"during"}' \
	"$SERVER_URL/v1/conversations/$W/messages" >"$T_TMP/held-status" &
send=$!
sleep 0.3
call GET "/v1/changes?since=$CUR" "" "$A"
s1=$HTTP_STATUS
call POST /v1/sync "{\"have\":{\"$W\":{\"alice\":\"1\"}},\"conversations\":[\"$W\"]}" "$A"
s2="$HTTP_STATUS $(jx "$OUT" 'scalar(@{$d->{messages}})')"
ms=$((($(date +%s%N) - start) / 1000000))
is "$s1 $s2" "200 200 0" "reads answered while the send waits for the lock"
[ "$ms" -lt 2000 ]; ok $? "... at once (${ms} ms into a 3 s write transaction)"
wait "$send"
ms=$((($(date +%s%N) - start) / 1000000))
is "$(cat "$T_TMP/held-status") $(jx "$(cat "$T_TMP/held-send")" '$d->{seq}')" "201 1" \
	"the waiting send is stored once the lock is gone"
[ "$ms" -ge 2000 ]; ok $? "... after it (${ms} ms: it did wait)"
wait "$lock"
stop_server
done_testing
