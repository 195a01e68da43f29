#!/usr/bin/env bash
# natter-notifyd against the real server: flags, first start, announcing,
# silence rules, coalescing on resume, sanitising, the lock and signals.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notifyd_helpers.sh"

out=$("$NOTIFYD" --version)
is "$out" "natter-notifyd 0.1.0" "--version prints the version"
"$NOTIFYD" --help | grep -q '^usage: natter-notifyd'
ok $? "--help prints the usage"
"$NOTIFYD" --frobnicate >/dev/null 2>&1
is $? 2 "an unknown flag exits 2"
"$NOTIFYD" --backend growl >/dev/null 2>&1
is $? 2 "an unknown backend exits 2"

start_server || { done_testing; }
A=$T_TMP/alice
natter_register "$A" alice
ok $? "alice registers with natter"
err=$("$NOTIFYD" -s "$SERVER_URL" -D "$T_TMP/nobody" --backend stdout 2>&1)
st=$?
is "$st" 1 "without a saved login it exits 1"
like "$err" "not logged in" "and says why"

BOB=$(user_token bob)
CAROL=$(user_token carol)
ALICE=$(api POST /v1/login '{"user":"alice","password":"alice-password"}' | json_field token)
PROJ=$(new_conv "$BOB" proj alice bob carol)
LUNCH=$(new_conv "$CAROL" lunch alice carol bob)
like "$PROJ$LUNCH" '^c.+c.+$' "conversations created"
say "$BOB" "$PROJ" '"old news from before"'

# No session bus here: the default backend (auto) is stdout.
unset DBUS_SESSION_BUS_ADDRESS
export XDG_RUNTIME_DIR=$T_TMP
start_notifyd "$A"
ok $? "first start stores the server's cursor"
like "$(cat "$NERR")" "backend stdout" "with no session bus, auto picks stdout"
say "$BOB" "$PROJ" '"hello alice"'
wait_for in_file "$NOUT" "bob in proj: hello alice"
ok $? "a new message is announced as 'bob in proj: hello alice'"
unlike "$(cat "$NOUT")" "old news" "nothing from before the first start is announced"
is "$(syncdb "$A" "SELECT body FROM messages WHERE sender = 'bob' AND seq = 2")" "hello alice" \
	"the message is stored in sync.db"

say "$ALICE" "$PROJ" '"my own words"'
say "$BOB" "$PROJ" '"marker one"'
wait_for in_file "$NOUT" "marker one"
ok $? "the next message is announced"
unlike "$(cat "$NOUT")" "my own words" "the user's own message is not announced"
is "$(syncdb "$A" "SELECT count(*) FROM messages WHERE sender = 'alice'")" 1 \
	"but it is stored"

syncdb "$A" "INSERT INTO muted (conv, since) VALUES ('$LUNCH', 0)"
say "$CAROL" "$LUNCH" '"muted chatter"'
say "$BOB" "$PROJ" '"marker two"'
wait_for in_file "$NOUT" "marker two"
unlike "$(cat "$NOUT")" "muted chatter" "a muted conversation is silent"
is "$(syncdb "$A" "SELECT count(*) FROM messages WHERE conv = '$LUNCH'")" 1 \
	"its messages are still stored"
syncdb "$A" "DELETE FROM muted"

syncdb "$A" "INSERT INTO focus (id, conv, pid, heartbeat) VALUES
	(1, '$PROJ', 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000)"
say "$BOB" "$PROJ" '"seen in natter"'
say "$CAROL" "$LUNCH" '"marker three"'
wait_for in_file "$NOUT" "marker three"
unlike "$(cat "$NOUT")" "seen in natter" "the conversation natter shows is silent"
syncdb "$A" "UPDATE focus SET heartbeat = heartbeat - 20000"
say "$BOB" "$PROJ" '"natter went away"'
wait_for in_file "$NOUT" "natter went away"
ok $? "a stale focus heartbeat no longer silences"

# natter already showed bob's next message (the ledger says so): no repeat.
next=$(($(syncdb "$A" "SELECT max(hi) FROM ranges WHERE kind = 0 AND conv = '$PROJ'
	AND sender = 'bob'") + 1))
syncdb "$A" "INSERT INTO ranges (kind, conv, sender, lo, hi) VALUES (2, '$PROJ', 'bob', $next, $next)"
say "$BOB" "$PROJ" '"already shown by natter"'
say "$CAROL" "$LUNCH" '"marker four"'
wait_for in_file "$NOUT" "marker four"
unlike "$(cat "$NOUT")" "already shown" "a message the ledger marks as shown is not announced"

wait_for longpoll_open
"$NOTIFYD" -s "$SERVER_URL" -D "$A" --backend stdout >/dev/null 2>"$T_TMP/second.err"
is $? 1 "a second instance on the same data directory exits 1"
like "$(cat "$T_TMP/second.err")" "already running" "and says another one runs"

CONFIG=$XDG_CONFIG_HOME/natter/config
mkdir -p "${CONFIG%/*}"
echo "notify.backend = none" >>"$CONFIG"
kill -HUP "$NPID"
wait_for in_file "$NERR" "config reread; backend none"
ok $? "SIGHUP rereads the config (notify.backend = none)"
say "$BOB" "$PROJ" '"stored quietly"'
wait_for test "$(syncdb "$A" "SELECT count(*) FROM messages WHERE body = 'stored quietly'")" = 1
ok $? "with backend none the message is stored"
echo "notify.backend = stdout" >>"$CONFIG"
kill -HUP "$NPID"
wait_for in_file "$NERR" "config reread; backend stdout"
say "$BOB" "$PROJ" '"after the hangup"'
wait_for in_file "$NOUT" "after the hangup"
ok $? "after another SIGHUP (backend stdout) it announces again"
unlike "$(cat "$NOUT")" "stored quietly" "and nothing was shown while the backend was none"

wait_for longpoll_open
stop_notifyd
is "$NSTATUS" 0 "SIGTERM during a long-poll exits 0"
if [ "$NSTOP_MS" -lt 1000 ]; then ok 0 "within a second ($NSTOP_MS ms)"
else ok 1 "within a second ($NSTOP_MS ms)"; fi

# While it is down: a burst in proj, one message in lunch, a hostile one.
say "$BOB" "$PROJ" '"burst one"'
say "$CAROL" "$PROJ" '"burst two"'
say "$BOB" "$PROJ" '"burst three"'
say "$CAROL" "$LUNCH" '"lunch at \u001b[31mnoon\u001b]0;pwned\u0007\r\u202eevil\u009b"'
start_notifyd "$A"
wait_for in_file "$NOUT" "bob, carol in proj (3): bob: burst one␤carol: burst two␤bob: burst three"
ok $? "a restart resumes from the cursor and coalesces the burst"
is "$(grep -c burst "$NOUT")" 1 "one notification for the three messages"
wait_for in_file "$NOUT" "carol in lunch: lunch at"
line=$(grep "carol in lunch" "$NOUT")
like "$line" "noon" "the hostile message is announced"
is "$(printf '%s' "$line" | LC_ALL=C tr -d '\040-\176\200-\377' | wc -c)" 0 \
	"with no control character left"
unlike "$line" $'\u202e' "and no bidi override"
is "$(syncdb "$A" "SELECT count(*) FROM messages WHERE body LIKE 'burst%'")" 3 \
	"all three are stored"
is "$(grep -c "hello alice" "$NOUT")" 0 "messages of the previous run are not announced again"
stop_notifyd
is "$NSTATUS" 0 "stops cleanly again"
done_testing
