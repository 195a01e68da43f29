#!/usr/bin/env bash
# natter-server-mock --config FILE: `name = value` lines named like the long
# options; the command line wins; a wrong line is refused naming it.
. "$(dirname "$0")/server_lib.sh"

# The example config installed with the server parses.
"$SERVER" --config "$(dirname "$0")/../../contrib/natter-server.conf" --help >/dev/null 2>"$T_TMP/ex.err"
ok $? "contrib/natter-server.conf is a valid config file"
# Every setting it shows, uncommented, is accepted (the file comes before --help).
sed 's/^#\([a-z-]* = \)/\1/' "$(dirname "$0")/../../contrib/natter-server.conf" >"$T_TMP/all.conf"
"$SERVER" --config "$T_TMP/all.conf" --help >/dev/null 2>"$T_TMP/all.err"
is "$? $(cat "$T_TMP/all.err")" "0 " "every setting of the example config, uncommented, is valid"

cat >"$T_TMP/server.conf" <<CONF
# a comment, then a blank line

database = $T_TMP/conf.db
max-poll = 1
  rate-limit = 1000
CONF
# T_SQLITE: the database is the file the config names, on any test backend.
T_SQLITE=1 start_server --config "$T_TMP/server.conf" || exit 1
A=$(new_user alice)
[ -f "$T_TMP/conf.db" ]; ok $? "database from the file is used"
s=$(date +%s%N)
call GET "/v1/events?after=0&timeout=30" "" "$A"
call GET "/v1/events?after=$(jx "$OUT" '$d->{cursor}')&timeout=30" "" "$A"
ms=$((($(date +%s%N) - s) / 1000000))
[ "$ms" -lt 5000 ]; ok $? "max-poll = 1 from the file caps a long-poll asking 30 s (${ms} ms)"
stop_server

# The command line wins over the file (-p 0 of start_server too).
T_SQLITE=1 start_server -c "$T_TMP/server.conf" --max-poll 3 || exit 1
call GET "/v1/events?after=0&timeout=30" "" "$A"
s=$(date +%s%N)
call GET "/v1/events?after=$(jx "$OUT" '$d->{cursor}')&timeout=30" "" "$A"
ms=$((($(date +%s%N) - s) / 1000000))
[ "$ms" -ge 2500 ] && [ "$ms" -lt 10000 ]; ok $? "--max-poll 3 on the command line wins over the file (${ms} ms)"
is "$HTTP_STATUS" 200 "the file's database still holds alice's token"
# natter-server.service stops it with SIGTERM: a clean exit, status 0.
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
is "$?" 0 "SIGTERM stops the server with status 0"

# refused TEXT: the server exits 2 on a file holding TEXT; sets ERRS to its stderr.
refused() {
	printf '%s' "$1" >"$T_TMP/bad.conf"
	"$SERVER" -p 0 --config "$T_TMP/bad.conf" >/dev/null 2>"$T_TMP/bad.err"
	local st=$?
	ERRS=$(cat "$T_TMP/bad.err")
	return $st
}
refused $'# x\nmax-pol = 3\n'
is "$? $ERRS" "2 natter-server-mock: $T_TMP/bad.conf line 2: unknown setting \"max-pol\" (settings are the long options of natter-server-mock(1))" \
	"an unknown setting is refused with the file and line"
refused $'port = 0\n\nmax-poll = soon\n'
is "$? $ERRS" "2 natter-server-mock: --max-poll wants a number from 0 to 3600
natter-server-mock: that setting is in $T_TMP/bad.conf line 3" "a bad value names the file and line"
refused $'listen = localhost\n'
is "$? $ERRS" "2 natter-server-mock: -l wants a numeric IPv4 or IPv6 address
natter-server-mock: that setting is in $T_TMP/bad.conf line 1" "a bad address names the file and line"
refused $'demo = maybe\n'
like "$? $ERRS" "^2 .*bad.conf line 1: demo is yes or no" "a flag wants yes or no"
"$SERVER" --config "$T_TMP/nonexistent.conf" 2>"$T_TMP/bad.err"
is "$? $(cat "$T_TMP/bad.err")" "2 natter-server-mock: $T_TMP/nonexistent.conf: No such file or directory" \
	"a missing config file is an error"
done_testing
