# Helpers shared by the server_*.t tests: users registered through the API
# (jx and metric come from lib.sh). NATTER_TEST_THREADS=N runs every server
# of these tests with --threads N (.ci/run: once with one request thread).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ -n "${NATTER_TEST_THREADS:-}" ]; then
	# "admin" must stay the first argument: it takes no --threads.
	bin="$(cd "$(dirname "$SERVER")" && pwd)/${SERVER##*/}"
	printf '#!/bin/sh\n[ "$1" = admin ] && exec "%s" "$@"\nexec "%s" --threads %s "$@"\n' \
		"$bin" "$bin" "$NATTER_TEST_THREADS" >"$T_TMP/server-threads"
	chmod +x "$T_TMP/server-threads"
	SERVER=$T_TMP/server-threads
fi

# new_user NAME: registers NAME (password "password-NAME") and prints its token.
new_user() {
	local out
	out=$(api POST /v1/register "{\"user\":\"$1\",\"password\":\"password-$1\"}")
	jx "$out" '$d->{token}'
}

# call METHOD PATH [BODY] [TOKEN]: like api, in this shell: sets OUT and HTTP_STATUS.
call() {
	api "$@" >/dev/null
	OUT=$(cat "$T_TMP/api.body")
}
