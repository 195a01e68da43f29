#!/usr/bin/env bash
# Crash safety: while bob posts thousands of messages, natter-notifyd and
# `natter sync` are SIGKILLed at random moments. After every kill both stores
# pass PRAGMA integrity_check and still hold every message they held before;
# the final launch holds every message of the server exactly once. Then
# natter-server-mock -d is SIGKILLed during sends: every acknowledged send
# survives the restart. SOAK=1 runs many more kills.
. "$(dirname "$0")/launch_lib.sh"

if [ -n "${SOAK:-}" ]; then
	KILLS=${CRASH_KILLS:-400} SERVER_KILLS=${CRASH_SERVER_KILLS:-150}
else
	KILLS=${CRASH_KILLS:-50} SERVER_KILLS=${CRASH_SERVER_KILLS:-20}
fi
A=$T_TMP/alice

# rand_sleep MAX-MS: sleeps a random time below MAX-MS.
rand_sleep() { sleep "$(printf '0.%03d' $((RANDOM % $1)))"; }

# held DB CONV: "sender/seq" of every message of CONV in DB, sorted.
held() {
	sqlite3 -cmd '.timeout 10000' "$1" \
		"SELECT sender || '/' || seq FROM messages WHERE conv = '$2'" | sort
}

# intact DB: PRAGMA integrity_check says ok (a missing file is intact).
intact() {
	[ ! -e "$1" ] && return 0
	[ "$(sqlite3 -cmd '.timeout 10000' "$1" 'PRAGMA integrity_check')" = ok ]
}

# kill_at_random PID MAX-MS KIND: SIGKILLs PID after a random moment below
# MAX-MS; counts the kill (in KILLED and KILLED_KIND) if it was still running.
KILLED=0 KILLED_notifyd=0 KILLED_sync=0
kill_at_random() {
	rand_sleep "$2"
	if kill -9 "$1" 2>/dev/null; then
		KILLED=$((KILLED + 1))
		eval "KILLED_$3=\$((KILLED_$3 + 1))"
	fi
	wait "$1" 2>/dev/null
}

start_server || exit 1
account alice
account bob
nat alice new crash bob; CONV=$OUT
nat alice sync >/dev/null

# bob posts bursts of 300 messages through `natter send --lines` until told to stop.
(
	r=0
	while [ ! -e "$T_TMP/stop" ]; do
		r=$((r + 1))
		seq 1 300 | sed "s/^/burst $r line /" |
			"$NATTER" -D "$T_TMP/bob" send --lines "$CONV" >/dev/null 2>>"$T_TMP/bob.err"
	done
) &
BURST=$!
T_PIDS+=("$BURST")

bad_integrity=0 lost=0 rounds=0
start=$(date +%s)
half=$((KILLS / 2))
while [ "$KILLED_notifyd" -lt "$half" ] || [ "$KILLED_sync" -lt "$half" ]; do
	[ $(($(date +%s) - start)) -lt $((KILLS * 2 + 30)) ] || break
	rounds=$((rounds + 1))
	held "$A/sync.db" "$CONV" >"$T_TMP/sync.before"
	held "$A/history.db" "$CONV" >"$T_TMP/history.before"
	# A sync lasts tens of milliseconds: it gets the short windows and more turns.
	if [ "$KILLED_notifyd" -lt "$half" ] && { [ $((rounds % 3)) = 0 ] || [ "$KILLED_sync" -ge "$half" ]; }; then
		"$NOTIFYD" -s "$SERVER_URL" -D "$A" --backend none >/dev/null 2>>"$T_TMP/notifyd.err" &
		kill_at_random $! 300 notifyd
	else
		"$NATTER" -D "$A" sync >/dev/null 2>>"$T_TMP/sync.err" &
		kill_at_random $! 50 sync
	fi
	for db in sync history; do
		intact "$A/$db.db" || { bad_integrity=$((bad_integrity + 1)); diag "round $rounds: $db.db damaged"; }
		held "$A/$db.db" "$CONV" >"$T_TMP/$db.after"
		gone=$(comm -23 "$T_TMP/$db.before" "$T_TMP/$db.after" | wc -l)
		[ "$gone" = 0 ] || { lost=$((lost + gone)); diag "round $rounds: $gone messages lost from $db.db"; }
	done
done
touch "$T_TMP/stop"
wait "$BURST"
diag "$KILLED kills ($KILLED_notifyd natter-notifyd, $KILLED_sync natter sync) in $rounds rounds, $(($(date +%s) - start)) s"
[ "$KILLED_notifyd" -ge "$half" ] && [ "$KILLED_sync" -ge "$half" ]
ok $? "at least $KILLS processes SIGKILLed while running, half of each ($KILLED)"
is "$bad_integrity" 0 "integrity_check ok on sync.db and history.db after every kill"
is "$lost" 0 "no message a store held was gone after a kill"

# server_total: messages the server holds in CONV, from its vector.
api POST /v1/login '{"user":"alice","password":"correct-horse"}' >/dev/null
TOKEN=$(sed -n 's/.*"token": *"\([0-9a-f]*\)".*/\1/p' "$T_TMP/api.body")
vec=$(api GET "/v1/conversations/$CONV" "" "$TOKEN")
server_total=$(jx "$vec" 'my $n = 0; for (values %{$d->{vector}}) { for (split /,/) {
	my ($a, $b) = split /-/; $n += defined $b ? $b - $a + 1 : 1 } } $n')
[ "$server_total" -ge 1000 ]; ok $? "bob posted thousands of messages meanwhile ($server_total)"

nat alice sync
is "$RC" 0 "the final launch succeeds"
is "$ERR" "" "and says nothing on stderr"
is "$(history_report alice "$CONV")" "$server_total $server_total" \
	"the history holds every message of the server exactly once"
nat alice log "$CONV" --json -n 1000000
is "$(jx "$OUT" 'my %b; $b{$_->{body}}++ for @$d; scalar grep { $b{$_} > 1 } keys %b')" 0 \
	"no body appears twice"
intact "$A/sync.db" && intact "$A/history.db"; ok $? "both stores intact at the end"

# natter-server-mock -d, SIGKILLed while a client sends; every acknowledged
# send (201 or 200 received) must be in the database after the restart.
DB=$T_TMP/server.db
start_server -d "$DB" || exit 1
PORT=${SERVER_URL##*:}
STOKEN=$(api POST /v1/register '{"user":"sue","password":"correct-horse"}' |
	sed -n 's/.*"token": *"\([0-9a-f]*\)".*/\1/p')
api POST /v1/register '{"user":"tom","password":"correct-horse"}' >/dev/null
SCONV=$(api POST /v1/conversations '{"title":"k","members":["tom"]}' "$STOKEN" |
	sed -n 's/.*"id": *"\([^"]*\)".*/\1/p')
# A sender that records each acknowledged client_id and keeps going through
# errors (raw HTTP/1.1 keep-alive, one write per request, so no Nagle delay).
perl -MIO::Socket::INET -e '
	my ($port, $path, $tok, $stop, $acks) = @ARGV;
	open my $f, ">>", $acks or die; $f->autoflush(1);
	my $s;
	for (my $i = 1; !-e $stop; $i++) {
		$s ||= IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $port, Timeout => 2)
			or do { select undef, undef, undef, 0.005; next };
		my $b = qq({"client_id":"k$i","body":"kill $i"});
		my $h = "";
		if (syswrite($s, "POST $path HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer $tok\r\n"
			. "Content-Length: " . length($b) . "\r\n\r\n$b")) {
			while ($h !~ /\r\n\r\n/) { sysread($s, $h, 4096, length $h) or last }
			my ($cl) = $h =~ /content-length: *(\d+)/i;
			while (defined $cl && length($h) < index($h, "\r\n\r\n") + 4 + $cl) {
				sysread($s, $h, 4096, length $h) or do { $h = ""; last };
			}
		}
		if ($h =~ m{^HTTP/1\.1 20[01] }) { print $f "k$i\n" } else { undef $s }
	}' "$PORT" "/v1/conversations/$SCONV/messages" "$STOKEN" "$T_TMP/sstop" "$T_TMP/acks" &
SENDER=$!
T_PIDS+=("$SENDER")
skilled=0 restarts_ok=0
for i in $(seq 1 "$SERVER_KILLS"); do
	wait_for test -s "$T_TMP/acks"
	rand_sleep 300
	kill -9 "$SERVER_PID" 2>/dev/null && skilled=$((skilled + 1))
	wait "$SERVER_PID" 2>/dev/null
	start_server -p "$PORT" -d "$DB" && restarts_ok=$((restarts_ok + 1))
done
touch "$T_TMP/sstop"
wait "$SENDER"
stop_server
is "$skilled" "$SERVER_KILLS" "the server was SIGKILLed $SERVER_KILLS times during sends"
is "$restarts_ok" "$SERVER_KILLS" "and restarted on its port each time"
intact "$DB"; ok $? "the server's database is intact"
sort -u "$T_TMP/acks" >"$T_TMP/acked"
sqlite3 "$DB" "SELECT client_id FROM messages" | sort >"$T_TMP/stored"
diag "$(wc -l <"$T_TMP/acked") sends acknowledged, $(wc -l <"$T_TMP/stored") stored"
is "$(comm -23 "$T_TMP/acked" "$T_TMP/stored" | wc -l)" 0 "every acknowledged send survived"
is "$(sqlite3 "$DB" "SELECT count(*) FROM (SELECT body FROM messages GROUP BY body HAVING count(*) > 1)")" 0 \
	"and none is stored twice"

done_testing
