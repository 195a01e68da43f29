#!/usr/bin/env bash
# 1,000 sends through a server that drops 30% of its answers after doing the
# work and cuts 10% in the middle: retries with the same client_id end with
# 0 lost, 0 duplicated, in the order sent.
. "$(dirname "$0")/cli_lib.sh"

N=${CLI_FAULTS_N:-1000}
DB=$T_TMP/server.db
start_server -d "$DB" || exit 1
PORT=${SERVER_URL##*:}
account alice
account bob
nat alice new faults bob; CONV=$OUT
stop_server

"$SERVER" -p "$PORT" -d "$DB" --faults drop=0.3,close=0.1 >"$T_TMP/server.faults.log" 2>&1 &
SERVER_PID=$!
T_PIDS+=("$SERVER_PID")
wait_for grep -q '^listening on' "$T_TMP/server.faults.log"; ok $? "server with drop=0.3,close=0.1"

seq 1 "$N" | sed 's/^/msg /' >"$T_TMP/lines"
start=$(date +%s)
"$NATTER" -D "$T_TMP/alice" send --lines "$CONV" <"$T_TMP/lines" 2>"$T_TMP/send.err"
st=$?
diag "send --lines of $N messages: exit $st in $(( $(date +%s) - start )) s"
# A send whose retries all met dropped answers stays queued (75); sync finishes it.
for i in 1 2 3 4 5; do
	[ "$st" -eq 0 ] && break
	"$NATTER" -D "$T_TMP/alice" sync >/dev/null 2>&1
	st=$?
done
is "$st" 0 "every message acknowledged (after at most a few syncs)"
nat alice sync --json
is "$(jx "$OUT" '$d->{queued}')" 0 "nothing left in the outbox"

stop_server
start_server -d "$DB" || exit 1
got=$(curl -s -X POST -H "Authorization: Bearer $(perl -MJSON::PP -e '
	local $/; open my $f, "<", $ARGV[0] or die; my $d = JSON::PP->new->decode(<$f>);
	print $d->{servers}[0]{token}' "$T_TMP/bob/credentials")" \
	--data-binary '{"have":{},"limit":1000}' "$SERVER_URL/v1/sync" | gzip -cdf)
bodies=$(jx "$got" 'join "\n", map { $_->{body} } @{$d->{messages}}')
is "$(printf '%s\n' "$bodies" | sort | uniq -d | wc -l)" 0 "0 duplicated on the server"
is "$(printf '%s\n' "$bodies" | sort -u | wc -l)" "$N" "0 lost: all $N distinct bodies stored"
is "$(printf '%s\n' "$bodies" | sed 's/^msg //' | sort -n -c 2>&1)" "" "stored in the order they were sent"

done_testing
