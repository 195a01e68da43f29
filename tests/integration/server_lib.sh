# Helpers shared by the server_*.t tests: users registered through the API
# (jx and metric come from lib.sh).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

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
