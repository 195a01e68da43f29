#!/bin/bash
# Two natter-server-mock processes on one PostgreSQL database: 1,000
# concurrent sends split between them by four senders get unique, gap-free
# seqs per sender and are stored once; a resend with the same client id
# through the other process gets the same seq; a long-poll on one process
# wakes for a send through the other in under 200 ms (the figures are
# printed). Skips where PostgreSQL cannot be run (pg_lib.sh).
. "$(dirname "$0")/server_lib.sh"
. "$(dirname "$0")/pg_lib.sh"
pg_start
DB=$(pg_url)

start_server -d "$DB" || exit 1
A_URL=$SERVER_URL A_PID=$SERVER_PID
start_server -d "$DB" || exit 1
B_URL=$SERVER_URL B_PID=$SERVER_PID
SERVER_URL=$A_URL

SENDERS="s1 s2 s3 s4"
PER=250
declare -A TOK
for u in $SENDERS reader; do TOK[$u]=$(new_user "$u"); done
call POST /v1/conversations '{"title":"two processes","members":["s2","s3","s4","reader"]}' \
	"${TOK[s1]}"
C=$(jx "$OUT" '$d->{id}')
like "$C" '^[A-Za-z0-9_-]+$' "a conversation made through process A"
SERVER_URL=$B_URL
call GET /v1/conversations "" "${TOK[reader]}"
is "$(jx "$OUT" 'join " ", map { $_->{id} } @{$d->{conversations}}')" "$C" \
	"process B sees it and the token made by A"

# The jobs: each sender's 250 messages alternate between the processes; every
# tenth is also sent at the same time through the other process (a resend
# racing its original). 16 perl workers run them, in random order.
mkdir -p "$T_TMP/out"
for u in $SENDERS; do
	for i in $(seq 1 $PER); do
		if [ $((i % 2)) = 0 ]; then p=A o=B; else p=B o=A; fi
		echo "$u m$i $p ${TOK[$u]}"
		[ $((i % 10)) = 0 ] && echo "$u m$i $o ${TOK[$u]}"
	done
done | shuf >"$T_TMP/jobs"
start=$(date +%s%N)
A_URL=$A_URL B_URL=$B_URL C=$C OUTDIR=$T_TMP/out perl -MHTTP::Tiny -e '
	my @jobs = map { [split] } <STDIN>;
	my @kids;
	for my $w (0 .. 15) {
		my $pid = fork // die "fork: $!";
		if ($pid) { push @kids, $pid; next }
		my $http = HTTP::Tiny->new(keep_alive => 1, timeout => 30);
		for (my $i = $w; $i < @jobs; $i += 16) {
			my ($u, $cid, $p, $tok) = @{$jobs[$i]};
			my $url = ($p eq "A" ? $ENV{A_URL} : $ENV{B_URL}) .
				"/v1/conversations/$ENV{C}/messages";
			my $r = $http->post($url, {headers => {"Authorization" => "Bearer $tok",
				"Content-Type" => "application/json"},
				content => qq({"client_id":"$cid","body":"$u $cid via $p"})});
			open my $f, ">", "$ENV{OUTDIR}/$u.$cid.$p" or die; print $f $r->{content};
			print "$r->{status}\n";
		}
		exit 0;
	}
	waitpid $_, 0 for @kids;
' <"$T_TMP/jobs" >"$T_TMP/codes"
ms=$((($(date +%s%N) - start) / 1000000))
njobs=$(wc -l <"$T_TMP/jobs" | tr -d ' ')
diag "$njobs sends (1,000 messages and 100 racing resends) through two processes in $ms ms"
is "$(grep -cE '^20[01]$' "$T_TMP/codes")" "$njobs" "every send was answered 201 or 200"

# Per sender: the seqs of its 250 client ids are exactly 1..250.
T_TMP=$T_TMP perl -MJSON::PP -e '
	my (%seq, %bad);
	for my $f (glob "$ENV{T_TMP}/out/*") {
		my ($u, $cid, $p) = $f =~ m{/([^/.]+)\.([^/.]+)\.([AB])$} or next;
		open my $h, "<", $f or die; local $/; my $j = eval { decode_json(<$h>) } or next;
		my $s = $j->{seq};
		if (exists $seq{$u}{$cid} && $seq{$u}{$cid} != $s) { $bad{"$u $cid"} = 1 }
		$seq{$u}{$cid} = $s;
	}
	for my $u (sort keys %seq) {
		my @s = sort { $a <=> $b } values %{$seq{$u}};
		my $want = join ",", 1 .. scalar(@s);
		printf "%s %d %s\n", $u, scalar(@s), join(",", @s) eq $want ? "gap-free" : "WRONG";
	}
	print "racing resends with another seq: ", scalar(keys %bad), "\n";
' >"$T_TMP/seqs"
is "$(grep -c ' 250 gap-free$' "$T_TMP/seqs")" 4 \
	"each sender's seqs are 1..250 exactly: unique, no gap"
is "$(tail -1 "$T_TMP/seqs")" "racing resends with another seq: 0" \
	"a resend racing its original through the other process got the same seq"

# Everything stored once, as a sync through either process shows.
for P in A B; do
	url=A_URL
	[ $P = B ] && url=B_URL
	SERVER_URL=${!url}
	call POST /v1/sync "{\"have\":{},\"conversations\":[\"$C\"],\"limit\":5000}" "${TOK[reader]}"
	got=$(jx "$OUT" 'my %k; $k{"$_->{sender} $_->{seq}"}++ for @{$d->{messages}};
		my %b; $b{$_->{body}}++ for @{$d->{messages}};
		scalar(@{$d->{messages}}) . " " . scalar(keys %k) . " " . scalar(keys %b)')
	is "$got" "1000 1000 1000" "process $P syncs 1,000 messages, each (sender, seq) and body once"
done

# A later resend of every tenth message, through the other process than its first.
wrong=0
for u in $SENDERS; do
	for i in 5 55 105 155 205; do
		first=$(jx "$(cat "$T_TMP/out/$u.m$i.B")" '$d->{seq}')
		SERVER_URL=$A_URL
		call POST /v1/conversations/$C/messages "{\"client_id\":\"m$i\",\"body\":\"again\"}" \
			"${TOK[$u]}"
		[ "$HTTP_STATUS $(jx "$OUT" '$d->{seq}')" = "200 $first" ] || wrong=$((wrong + 1))
	done
done
is "$wrong" 0 "20 resends through process A of messages first sent through B: 200, same seq"

# Cross-process wake-up: a long-poll on A, a send through B, timed in one
# perl process (no process started between): from the send's start to the
# long-poll's answer, and the send's own round trip.
SERVER_URL=$A_URL
call GET /v1/events "" "${TOK[reader]}"
CUR=$(jx "$OUT" '$d->{cursor}')
A_URL=$A_URL B_URL=$B_URL C=$C CUR=$CUR RTOK=${TOK[reader]} STOK=${TOK[s1]} \
	perl -MIO::Socket::INET -MHTTP::Tiny -MTime::HiRes=time -MJSON::PP -e '
	my $http = HTTP::Tiny->new(timeout => 10);
	my ($host, $port) = $ENV{A_URL} =~ m{//([^:/]+):(\d+)};
	my $cur = $ENV{CUR};
	for my $k (1 .. 5) {
		my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port) or die;
		print $s "GET /v1/events?after=$cur&timeout=10 HTTP/1.1\r\nHost: $host\r\n" .
			"Authorization: Bearer $ENV{RTOK}\r\nConnection: close\r\n\r\n";
		for (1 .. 200) {
			last if $http->get("$ENV{A_URL}/v1/metrics")->{content} =~
				/^natter_longpolls_open 1$/m;
			select undef, undef, undef, 0.02;
		}
		my $t0 = time;
		my $r = $http->post("$ENV{B_URL}/v1/conversations/$ENV{C}/messages",
			{headers => {"Authorization" => "Bearer $ENV{STOK}",
			"Content-Type" => "application/json"},
			content => qq({"client_id":"w$k","body":"wake $k"})});
		my $t1 = time;
		local $/; my $answer = <$s>; my $t2 = time;
		my ($json) = $answer =~ /\r\n\r\n(.*)$/s;
		my $d = decode_json($json);
		$cur = $d->{cursor};
		printf "%d %d %s\n", ($t2 - $t0) * 1000, ($t1 - $t0) * 1000,
			$d->{events}[0]{body} eq "wake $k" && $r->{status} == 201 ? "ok" : "wrong";
	}
' >"$T_TMP/wake"
diag "long-poll on A woken by a send through B, ms from the send's start to the poll's answer:" \
	"$(awk '{ printf "%s%s", sep, $1; sep = " " }' "$T_TMP/wake")" \
	"(the sends' own round trips: $(awk '{ printf "%s%s", sep, $2; sep = " " }' "$T_TMP/wake"))"
is "$(awk '$3 == "ok"' "$T_TMP/wake" | wc -l | tr -d ' ')" 5 \
	"5 long-polls on A each answered with the message sent through B"
median=$(sort -n "$T_TMP/wake" | awk 'NR == 3 { print $1 }')
[ "${median:-999}" -lt 200 ]; ok $? "... in under 200 ms (median ${median} ms)"
call GET /v1/events "" "${TOK[reader]}"
CUR=$(jx "$OUT" '$d->{cursor}')
poll_waits() { [ "$(metric natter_longpolls_open)" = 1 ]; }

# The listening connections lost: a send through B meanwhile is not missed.
# Each process makes its connection again (every second) and then wakes every
# long-poll, which reads again.
dbname=$(printf '%s\n' "$DB" | sed 's|^postgresql://[^/]*/\([^?]*\).*|\1|')
"$PG_BIN/psql" -q -At -h "$PG_HOST" -p "$PG_PORT" -U natter -d postgres -c \
	"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
	 WHERE datname = '$dbname' AND query = 'LISTEN natter_wake'" >"$T_TMP/killed"
is "$(cat "$T_TMP/killed")" 2 "both processes' listening connections are cut"
t0=$(date +%s%N)
(curl -s -o "$T_TMP/poll.lost" "$A_URL/v1/events?after=$CUR&timeout=10" \
	-H "Authorization: Bearer ${TOK[reader]}"; date +%s%N >"$T_TMP/poll.end") &
pollpid=$!
T_PIDS+=("$pollpid")
wait_for poll_waits
curl -s -o /dev/null -H "Authorization: Bearer ${TOK[s2]}" -H 'Content-Type: application/json' \
	-d '{"client_id":"lost1","body":"while nobody listened"}' "$B_URL/v1/conversations/$C/messages"
wait "$pollpid"
ms=$((($(cat "$T_TMP/poll.end") - t0) / 1000000))
is "$(jx "$(cat "$T_TMP/poll.lost")" '$d->{events}[0]{body}')" "while nobody listened" \
	"the long-poll on A still gets the message ($ms ms: after A listens again)"
wait_for grep -q "listening again" "$T_TMP/server.1.log"
ok $? "A says on stderr that it listens again"

# A restore (docs/deploy.md): every process stopped, the database replaced by
# a copy (here CREATE DATABASE ... TEMPLATE), one process started with
# --restored and the other without: both serve generation 2.
psql_do() { "$PG_BIN/psql" -q -At -h "$PG_HOST" -p "$PG_PORT" -U natter -d postgres -c "$1"; }
kill "$A_PID" "$B_PID"
wait "$A_PID" "$B_PID" 2>/dev/null
wait_for psql_do "CREATE DATABASE \"${dbname}_bk\" TEMPLATE \"$dbname\""
ok $? "a copy of the database (the servers stopped)"
start_server -d "$DB" || exit 1
A_PID=$SERVER_PID
call POST /v1/conversations/$C/messages '{"client_id":"gone1","body":"lost"}' "${TOK[s3]}"
LOST=$(jx "$OUT" '$d->{seq}')
kill "$A_PID"
wait "$A_PID" 2>/dev/null
wait_for psql_do "DROP DATABASE \"$dbname\""
psql_do "CREATE DATABASE \"$dbname\" TEMPLATE \"${dbname}_bk\""
start_server -d "$DB" --restored || exit 1
A_URL=$SERVER_URL
start_server -d "$DB" || exit 1
B_URL=$SERVER_URL
like "$(cat "$T_TMP/server.$((T_SERVERS - 1)).log")" "generation 2 begins" "the restored process says so"
SERVER_URL=$A_URL; call GET /v1/health; ga=$(jx "$OUT" '$d->{epoch}{generation}')
SERVER_URL=$B_URL; call GET /v1/health; gb=$(jx "$OUT" '$d->{epoch}{generation}')
is "$ga $gb" "2 2" "both processes serve generation 2"
call POST /v1/conversations/$C/messages '{"client_id":"again1","body":"after"}' "${TOK[s3]}"
is "$(jx "$OUT" '$d->{seq}')" "$LOST" "s3's next message through B reuses the lost seq $LOST"
call GET "/v1/epoch?since=1" "" "${TOK[reader]}"
is "$(jx "$OUT" '$d->{conversations}[0]{bases}{s3}')" "$((LOST - 1))" \
	"the bases on PostgreSQL: s3 kept $((LOST - 1))"

done_testing
