#!/usr/bin/env bash
# natter-notifyd when things go wrong: events dropped by the server (gap),
# the server restarting, and the exec backend given hostile text.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notifyd_helpers.sh"

# A server that keeps only 3 events per user, on a file so it can restart.
start_server --event-retention 3 -d "$T_TMP/server.db" || { done_testing; }
PORT=${SERVER_URL##*:}
A=$T_TMP/alice
natter_register "$A" alice
ok $? "alice registers with natter"
BOB=$(user_token bob)
PROJ=$(new_conv "$BOB" proj alice bob)

start_notifyd "$A" --backend stdout
say "$BOB" "$PROJ" '"before the gap"'
wait_for in_file "$NOUT" "before the gap"
ok $? "the notifier runs"
stop_notifyd
for i in 1 2 3 4 5 6; do say "$BOB" "$PROJ" "\"away $i\""; done
start_notifyd "$A" --backend stdout
wait_for in_file "$NOUT" "away 6"
ok $? "after a restart the retained events are announced"
like "$(cat "$NOUT")" "bob in proj \\(6\\): .*away 6␤3 messages were missed: open natter" \
	"the notification counts the 3 messages the server dropped and says so"
since=$(syncdb "$A" "SELECT value FROM state WHERE key = 'gap'")
like "$since" '^[0-9]+$' "the gap is recorded in sync.db for natter's next sync"
like "$(cat "$NERR")" "dropped events" "and reported on stderr"
is "$(syncdb "$A" "SELECT group_concat(seq) FROM (SELECT seq FROM messages ORDER BY seq)")" \
	"1,5,6,7" "sync.db holds exactly the messages it received (holes kept)"
is "$(syncdb "$A" "SELECT lo || '-' || hi FROM ranges WHERE kind = 0 ORDER BY lo" | tr '\n' ' ')" \
	"1-1 5-7 " "its vector ranges record the hole"

# The server goes away and comes back on the same port.
wait_for longpoll_open
stop_server
wait_for in_file "$NERR" "retrying"
ok $? "a lost server is reported once"
start_server -p "$PORT" --event-retention 3 -d "$T_TMP/server.db"
is "$SERVER_URL" "http://127.0.0.1:$PORT" "the server is back on its port"
say "$BOB" "$PROJ" '"welcome back"'
wait_for in_file "$NOUT" "welcome back"
ok $? "the notifier reconnects by itself and announces what follows"
in_file "$NERR" "connected to"
ok $? "and says it is connected again"
is "$(grep -c "retrying" "$NERR")" 1 "failed attempts are not logged one by one"
kill -0 "$NPID"
ok $? "it never exited"
stop_notifyd
is "$NSTATUS" 0 "stops cleanly"

# --exec runs a program as `CMD -- SUMMARY BODY`, no shell; the body escaped
# for notification markup; everything also in NATTER_* variables.
cat >"$T_TMP/record" <<'SH'
#!/bin/sh
printf 'argc=%s\n[%s]\n[%s]\n[%s]\n' "$#" "$1" "$2" "$3" >>"$RECORD"
printf 'env [%s] [%s] [%s] [%s] [%s] [%s]\n' "$NATTER_SENDER" "$NATTER_CONV" "$NATTER_TITLE" \
	"$NATTER_COUNT" "$NATTER_BODY" "$NATTER_BODY_MARKUP" >>"$RECORD"
SH
chmod +x "$T_TMP/record"
export RECORD=$T_TMP/record.out
NATTER_BODY=stale start_notifyd "$A" --exec "$T_TMP/record"
say "$BOB" "$PROJ" '"$(touch '"$T_TMP"'/pwned); rm -rf ~ `id` <b>bold</b>"'
wait_for test -s "$RECORD"
got=$(cat "$RECORD")
like "$got" "argc=3" "the exec backend passes three arguments"
like "$got" $'argc=3\n\\[--\\]\n' "the first is --, so that no text is taken for an option"
like "$got" $'\\[--\\]\n\\[bob in proj\\]' "then the summary"
like "$got" '\[\$\(touch .*`id` &lt;b&gt;bold&lt;/b&gt;\]' "then the body, escaped for notification markup"
like "$got" "env \[bob\] \[$PROJ\] \[proj\] \[1\] \[\\\$\(touch [^]]*<b>bold</b>\] \[[^]]*&lt;b&gt;" \
	"NATTER_SENDER, _CONV, _TITLE, _COUNT, _BODY (as typed) and _BODY_MARKUP"
[ ! -e "$T_TMP/pwned" ]
ok $? "no shell ever sees the text"
stop_notifyd
: >"$RECORD"
start_notifyd "$A" --exec "$T_TMP/record"
say "$BOB" "$PROJ" '"--urgency=critical -i evil"'
wait_for test -s "$RECORD"
like "$(cat "$RECORD")" $'\\[--\\]\n\\[bob in proj\\]\n\\[--urgency=critical -i evil\\]' \
	"a body that looks like options comes after --"
stop_notifyd

# The login is revoked (natter logout) while the notifier runs: it says so
# once and exits with 77, which the systemd unit does not restart.
start_notifyd "$A" --backend stdout
wait_for longpoll_open
"$NATTER" -D "$A" logout >/dev/null 2>&1
ok $? "alice logs out, which revokes the notifier's token"
say "$BOB" "$PROJ" '"to nobody"'
for i in $(seq 1 200); do kill -0 "$NPID" 2>/dev/null || break; sleep 0.05; done
wait "$NPID"
is "$?" 77 "the notifier exits with status 77 on a refused login"
is "$(grep -c "refused alice's login" "$NOUT")" 1 "after one notification that says so"
like "$(cat "$NOUT")" "natter login alice -s $SERVER_URL" "and how to log in again"
grep -q '^RestartPreventExitStatus=77' "$(dirname "$0")/../../contrib/natter-notifyd.service"
ok $? "the systemd unit does not restart it after status 77"
done_testing
