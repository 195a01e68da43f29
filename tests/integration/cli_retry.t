#!/usr/bin/env bash
# Retries: 429 answers are retried after Retry-After until they succeed;
# other 4xx answers are never repeated.
. "$(dirname "$0")/cli_lib.sh"

DB=$T_TMP/server.db
start_server -d "$DB" || exit 1
PORT=${SERVER_URL##*:}
account alice
account bob
account carol
nat alice new retry bob; CONV=$OUT

nat dave -v -s "$SERVER_URL" register alice
is "$RC" 1 "taken name: exit 1"
is "$(grep -c 'register -> 409' <<<"$ERR")" 1 "a 409 is asked once, never retried"
NATTER_PASSWORD=wrong-password nat dave -v -s "$SERVER_URL" login alice
is "$(grep -c 'login -> 401' <<<"$ERR")" 1 "a 401 is asked once, never retried"
stop_server

"$SERVER" -p "$PORT" -d "$DB" --rate-limit 5 >"$T_TMP/server.rl.log" 2>&1 &
SERVER_PID=$!
T_PIDS+=("$SERVER_PID")
wait_for grep -q '^listening on' "$T_TMP/server.rl.log"; ok $? "server limited to 5 requests a second"

seq 1 15 | sed 's/^/limited /' >"$T_TMP/lines"
"$NATTER" -D "$T_TMP/alice" -v send --lines "$CONV" <"$T_TMP/lines" 2>"$T_TMP/rl.err"
is "$?" 0 "15 quick sends all acknowledged"
grep -q -- '-> 429' "$T_TMP/rl.err"; ok $? "the server did answer 429 on the way"
nat alice log "$CONV" --json
is "$(jx "$OUT" 'scalar @$d')" 15 "each stored once"

done_testing
