#!/usr/bin/env bash
# The outbox: sends made while the server is down wait, in order, and are
# delivered exactly once by the next natter run that reaches the server.
. "$(dirname "$0")/cli_lib.sh"

DB=$T_TMP/server.db
start_server -d "$DB" || exit 1
PORT=${SERVER_URL##*:}
account alice
account bob
nat alice new outbox bob; CONV=$OUT
nat alice send "$CONV" before
is "$RC" 0 "a send while the server is up"

stop_server
# One retry instead of five keeps the "server down" sends quick.
mkdir -p "$XDG_CONFIG_HOME/natter"
printf 'http.retries = 1\n' >"$XDG_CONFIG_HOME/natter/config"
for i in 1 2 3; do
	nat alice send "$CONV" "queued $i"
	is "$RC" 75 "send $i while down: exit 75"
done
like "$ERR" "queued: server unreachable" "says it is queued"
nat alice log "$CONV"
is "$(printf '%s\n' "$OUT" | grep -vc '^--- ')" 1 "queued messages are not in the history yet"

# Back on the same URL (credentials belong to it), same data.
"$SERVER" -p "$PORT" -d "$DB" >"$T_TMP/server.back.log" 2>&1 &
SERVER_PID=$!
T_PIDS+=("$SERVER_PID")
wait_for grep -q '^listening on' "$T_TMP/server.back.log"; ok $? "server back on port $PORT"

nat alice sync --json
is "$RC" 0 "the next sync reaches the server"
is "$(jx "$OUT" '$d->{sent}.",".$d->{queued}')" "3,0" "it delivers the 3 queued messages"
nat alice sync --json
is "$(jx "$OUT" '$d->{sent}')" 0 "and not again"

nat bob sync
nat bob log "$CONV" --json
is "$(jx "$OUT" 'join "|", map { $_->{body} } @$d')" "before|queued 1|queued 2|queued 3" \
	"bob sees each once, in the order they were sent"
is "$(jx "$OUT" 'join ",", map { $_->{seq} } @$d')" "1,2,3,4" "with consecutive sequence numbers"
nat alice log "$CONV" --json
is "$(jx "$OUT" 'scalar @$d')" 4 "alice's history has them too, once"

# Any command that reaches the server flushes: here `new`.
stop_server
nat alice send "$CONV" "flushed by new"
is "$RC" 75 "queued again"
"$SERVER" -p "$PORT" -d "$DB" >"$T_TMP/server.back2.log" 2>&1 &
SERVER_PID=$!
T_PIDS+=("$SERVER_PID")
wait_for grep -q '^listening on' "$T_TMP/server.back2.log"
nat alice new other bob
is "$RC" 0 "new works"
nat bob sync
nat bob log "$CONV" -n 1
like "$OUT" "alice: flushed by new$" "the queued message was delivered by that run"

done_testing
