#!/usr/bin/env bash
# contrib/natter-server.service: `make install` puts it in the system unit
# directory with the binary's path, and systemd-analyze verify accepts it.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

make -s -C "$ROOT" install BUILD="$BUILD" DESTDIR="$T_TMP/inst" PREFIX=/usr >"$T_TMP/install.log" 2>&1
ok $? "make install into a DESTDIR"
UNIT=$T_TMP/inst/usr/lib/systemd/system/natter-server.service
[ -f "$UNIT" ]; ok $? "the system unit is installed"
like "$(grep '^ExecStart=' "$UNIT")" "^ExecStart=/usr/bin/natter-server-mock --config /etc/natter/server.conf$" \
	"ExecStart names the installed binary and /etc/natter/server.conf"
[ -f "$T_TMP/inst/usr/share/doc/natter/natter-server.conf" ]; ok $? "the example config is installed"
# The example config starts a server (its port and database moved to this test).
"$SERVER" --config "$ROOT/contrib/natter-server.conf" -p 0 -d "$T_TMP/s.db" >"$T_TMP/s.out" 2>&1 &
pid=$!
T_PIDS+=("$pid")
wait_for grep -q '^listening on http://127.0.0.1:' "$T_TMP/s.out"
ok $? "a server starts with the example config"
kill -TERM "$pid"; wait "$pid"
is "$?" 0 "and stops on SIGTERM with status 0"

if command -v systemd-analyze >/dev/null 2>&1; then
	# The binary path must exist for verify: point it at the build.
	sed "s|^ExecStart=/usr/bin/|ExecStart=$BUILD/|" "$UNIT" >"$T_TMP/natter-server.service"
	MANPATH=$T_TMP/inst/usr/share/man systemd-analyze verify "$T_TMP/natter-server.service" \
		>"$T_TMP/verify.log" 2>&1
	st=$?
	ok $st "systemd-analyze verify accepts the unit"
	[ $st -eq 0 ] || sed 's/^/#   /' "$T_TMP/verify.log"
else
	ok 0 "# SKIP systemd-analyze is not installed"
fi
done_testing
