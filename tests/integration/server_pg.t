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
A_URL=$SERVER_URL
start_server -d "$DB" || exit 1
B_URL=$SERVER_URL
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

# Cross-process wake-up: a long-poll on A, a send through B.
SERVER_URL=$A_URL
call GET /v1/events "" "${TOK[reader]}"
CUR=$(jx "$OUT" '$d->{cursor}')
poll_waits() { [ "$(metric natter_longpolls_open)" = 1 ]; }
figures=()
late=0
for k in 1 2 3 4 5; do
	rm -f "$T_TMP/poll.end"
	(curl -s -o "$T_TMP/poll.$k" "$A_URL/v1/events?after=$CUR&timeout=10" \
		-H "Authorization: Bearer ${TOK[reader]}"; date +%s%N >"$T_TMP/poll.end") &
	pollpid=$!
	T_PIDS+=("$pollpid")
	wait_for poll_waits
	t0=$(date +%s%N)
	curl -s -o /dev/null -H "Authorization: Bearer ${TOK[s1]}" -H 'Content-Type: application/json' \
		-d "{\"client_id\":\"w$k\",\"body\":\"wake $k\"}" "$B_URL/v1/conversations/$C/messages"
	wait "$pollpid"
	ms=$((($(cat "$T_TMP/poll.end") - t0) / 1000000))
	figures+=("$ms")
	[ "$ms" -lt 200 ] || late=$((late + 1))
	body=$(cat "$T_TMP/poll.$k")
	[ "$(jx "$body" '$d->{events}[0]{body}')" = "wake $k" ] || late=$((late + 100))
	CUR=$(jx "$body" '$d->{cursor}')
done
diag "long-poll on A woken by a send through B: ${figures[*]} ms (send start to poll answer)"
is "$late" 0 "5 long-polls on A each answered with B's message in under 200 ms"

done_testing
