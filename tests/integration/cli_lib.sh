# Helpers for the natter command-line tests (cli_*.t): accounts in private
# data directories.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export NATTER_PASSWORD=correct-horse

# nat USER ARGS...: runs natter as USER (data dir $T_TMP/USER); sets OUT, ERR, RC.
nat() {
	local who=$1; shift
	OUT=$("$NATTER" -D "$T_TMP/$who" "$@" 2>"$T_TMP/err"); RC=$?
	ERR=$(cat "$T_TMP/err")
}

# account USER: registers USER at $SERVER_URL in its own data directory.
account() {
	nat "$1" -s "$SERVER_URL" register "$1"
	[ "$RC" -eq 0 ] || diag "register $1: $ERR"
}

# body_bytes: the server's count of response body bytes sent so far (all
# endpoints but metrics), from /v1/metrics.
body_bytes() {
	curl -s "$SERVER_URL/v1/metrics" |
		awk '/^natter_response_bytes_total/ && !/endpoint="metrics"/ { s += $2 } END { print s + 0 }'
}
