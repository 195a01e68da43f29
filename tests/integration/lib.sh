# Shared helpers for integration tests: TAP output, a private temporary
# directory, and the real programs started on ephemeral ports.
# Each test file is a bash script named *.t that sources this file; prove runs them.
set -u
# Sourced once, even when several helper files include it.
[ -n "${T_LIB_LOADED:-}" ] && return 0
T_LIB_LOADED=1

BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/$BUILD ;; esac
NATTER=$BUILD/natter
NOTIFYD=$BUILD/natter-notifyd
SERVER=$BUILD/natter-server-mock
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/natter-test.XXXXXX")
T_PIDS=()
T_N=0
T_FAILED=0
export XDG_DATA_HOME=$T_TMP/xdg-data XDG_CONFIG_HOME=$T_TMP/xdg-config
export XDG_STATE_HOME=$T_TMP/xdg-state HOME=$T_TMP/home
mkdir -p "$HOME"
unset NATTER_PASSWORD NATTER_SERVER

t_cleanup() {
	local p
	for p in "${T_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${T_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	declare -F pg_stop >/dev/null && pg_stop
	[ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"
}
trap t_cleanup EXIT

# ok COND-STATUS NAME: records one TAP result from the status of the last command.
ok() {
	local st=$1; shift
	T_N=$((T_N + 1))
	if [ "$st" -eq 0 ]; then
		echo "ok $T_N - $*"
	else
		echo "not ok $T_N - $*"
		T_FAILED=$((T_FAILED + 1))
	fi
}

# is GOT WANT NAME
is() {
	if [ "$1" == "$2" ]; then ok 0 "$3"; else
		ok 1 "$3"; printf '#   got:  %s\n#   want: %s\n' "$1" "$2"; fi
}

# like GOT REGEX NAME
like() {
	if [[ $1 =~ $2 ]]; then ok 0 "$3"; else
		ok 1 "$3"; printf '#   got:  %s\n#   want match: %s\n' "$1" "$2"; fi
}

# unlike GOT REGEX NAME
unlike() {
	if [[ $1 =~ $2 ]]; then ok 1 "$3"; printf '#   got:  %s\n#   should not match: %s\n' "$1" "$2"
	else ok 0 "$3"; fi
}

diag() { printf '# %s\n' "$*"; }

done_testing() {
	echo "1..$T_N"
	[ "$T_FAILED" -eq 0 ]
	exit $?
}

skip_all() { echo "1..0 # SKIP $*"; exit 0; }

# skip NAME REASON: records a test that does not apply to this run.
skip() { T_N=$((T_N + 1)); echo "ok $T_N - $1 # SKIP $2"; }

# on_pg: true when the servers keep their data in PostgreSQL (NATTER_TEST_PG=1).
on_pg() { [ "${NATTER_TEST_PG:-}" = 1 ]; }

# start_server [ARGS...]: starts natter-server-mock on a free port and sets
# SERVER_URL and SERVER_PID; its stdout/stderr go to $T_TMP/server.N.log.
#
# NATTER_TEST_PG=1 runs the same tests on PostgreSQL (pg_lib.sh, one
# throwaway cluster per test file, or the one NATTER_PG_HOST/NATTER_PG_PORT
# name): a server without -d gets a fresh empty database, as it would get a
# fresh memory one, and -d FILE the database of that file name, kept across
# restarts as the file is. A test about the SQLite file itself keeps it
# with T_SQLITE=1 start_server -d FILE.
T_SERVERS=0
declare -A T_PG_FILES=()
# NATTER_CONSENT=off: a stranger's conversation is no invitation, unless a
# test asks for consent (NATTER_CONSENT=on start_server).
export NATTER_CONSENT=${NATTER_CONSENT:-off}
start_server() {
	T_SERVERS=$((T_SERVERS + 1))
	local log=$T_TMP/server.$T_SERVERS.log
	local args=("$@")
	if [ "${NATTER_TEST_PG:-}" = 1 ] && [ "${T_SQLITE:-}" != 1 ]; then
		t_pg_args "$@"
	fi
	"$SERVER" -p 0 "${args[@]}" >"$log" 2>&1 &
	SERVER_PID=$!
	T_PIDS+=("$SERVER_PID")
	local i
	for i in $(seq 1 200); do
		SERVER_URL=$(sed -n 's/^listening on \(https\{0,1\}:[^ ]*\)$/\1/p' "$log" | head -1)
		[ -n "$SERVER_URL" ] && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.05
	done
	diag "server did not start:"; sed 's/^/#   /' "$log"
	return 1
}

# t_pg_args ARGS...: sets start_server's args with -d FILE (or no -d) made a
# PostgreSQL database.
t_pg_args() {
	args=()
	local has_d=0
	while [ $# -gt 0 ]; do
		if [ "$1" = -d ] && [ $# -ge 2 ]; then
			has_d=1
			t_target "$2"
			args+=(-d "$T_TARGET")
			shift 2
			continue
		fi
		args+=("$1")
		shift
	done
	if [ $has_d = 0 ]; then
		t_target ""
		args+=(-d "$T_TARGET")
	fi
}

# t_target FILE: sets T_TARGET to what -d FILE means in this run: FILE, or
# with NATTER_TEST_PG=1 the PostgreSQL database of that name (FILE "": a new
# one). For commands other than start_server that take -d (admin).
t_target() {
	T_TARGET=$1
	[ "${NATTER_TEST_PG:-}" = 1 ] || return 0
	case $1 in *://*) return 0 ;; esac
	if [ -z "${PG_HOST:-}" ]; then
		. "$(dirname "${BASH_SOURCE[0]}")/pg_lib.sh"
		pg_start
	fi
	if [ -z "$1" ]; then
		T_TARGET=$(pg_url)
		return 0
	fi
	[ -n "${T_PG_FILES[$1]:-}" ] || T_PG_FILES[$1]=$(pg_url)
	T_TARGET=${T_PG_FILES[$1]}
}

# stop_server: SIGTERM the last server and wait for it.
stop_server() {
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	return 0
}

# api METHOD PATH [BODY] [TOKEN]: curl against the server; prints the body and
# sets HTTP_STATUS.
api() {
	local method=$1 path=$2 body=${3:-} token=${4:-}
	local args=(-s -o "$T_TMP/api.body" -w '%{http_code}' -X "$method")
	[ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
	[ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
	HTTP_STATUS=$(curl "${args[@]}" "$SERVER_URL$path")
	cat "$T_TMP/api.body"
}

# jx JSON PERL-EXPR: evaluates the expression (in scalar context) with $d =
# the decoded JSON and prints it, "null" when undefined. The JSON goes through
# a pipe: it may be larger than an argument can be.
jx() {
	printf '%s' "$1" | perl -MJSON::PP -e 'local $/;
		my $d = JSON::PP->new->allow_nonref->decode(<STDIN>);
		my $r = eval $ARGV[0]; die $@ if $@; print defined $r ? $r : "null"' "$2"
}

# metric NAME [LABELS]: the value of one line of the server's /v1/metrics,
# NAME{LABELS} when LABELS are given (metric natter_x 'via="sync"').
metric() {
	local k=$1
	[ -n "${2:-}" ] && k="$1{$2}"
	curl -s "$SERVER_URL/v1/metrics" | awk -v k="$k" '$1 == k { print $2 }'
}

# wait_for CMD...: retries CMD for up to 10 s.
wait_for() {
	local i
	for i in $(seq 1 200); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}
