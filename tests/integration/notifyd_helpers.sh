# Helpers shared by the notifyd_*.t integration tests (sourced after lib.sh).

command -v sqlite3 >/dev/null 2>&1 || skip_all "the sqlite3 command is not installed"

# json_field NAME: the first string value of "NAME" in the JSON on stdin.
json_field() {
	sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" | head -1
}

# user_token NAME: registers NAME through the API and prints its token.
user_token() {
	api POST /v1/register "{\"user\":\"$1\",\"password\":\"$1-password\"}" | json_field token
}

# natter_register DIR NAME: registers NAME with the natter CLI into data dir DIR.
natter_register() {
	NATTER_PASSWORD="$2-password" "$NATTER" -s "$SERVER_URL" -D "$1" register "$2" \
		>"$T_TMP/register.$2.log" 2>&1
}

# new_conv TOKEN TITLE MEMBER...: creates a conversation, prints its id.
new_conv() {
	local token=$1 title=$2; shift 2
	local members m
	members=$(for m in "$@"; do printf '"%s",' "$m"; done)
	api POST /v1/conversations "{\"title\":\"$title\",\"members\":[${members%,}]}" "$token" |
		json_field id
}

# say TOKEN CONV BODY-JSON: posts a message; BODY-JSON is a JSON string literal.
T_SAY=0
say() {
	T_SAY=$((T_SAY + 1))
	api POST "/v1/conversations/$2/messages" "{\"client_id\":\"t$T_SAY$RANDOM\",\"body\":$3}" \
		"$1" >/dev/null
	[ "$HTTP_STATUS" = 201 ]
}

# syncdb DIR SQL: runs a query on DIR/sync.db (busy-waiting like the programs do).
syncdb() {
	sqlite3 -cmd '.timeout 5000' "$1/sync.db" "$2"
}

# start_notifyd DIR ARGS...: starts natter-notifyd on DIR; sets NPID, NOUT, NERR
# and waits until it holds a cursor.
T_NOTIFYDS=0
start_notifyd() {
	local dir=$1; shift
	T_NOTIFYDS=$((T_NOTIFYDS + 1))
	NOUT=$T_TMP/notifyd.$T_NOTIFYDS.out
	NERR=$T_TMP/notifyd.$T_NOTIFYDS.err
	"$NOTIFYD" -s "$SERVER_URL" -D "$dir" -v "$@" >"$NOUT" 2>"$NERR" &
	NPID=$!
	T_PIDS+=("$NPID")
	wait_for has_cursor "$dir" || { diag "notifyd got no cursor:"; sed 's/^/#   /' "$NERR"; }
}

# has_cursor DIR: the notifier stored an event cursor in DIR/sync.db.
has_cursor() {
	[ -n "$(syncdb "$1" 'SELECT cursor FROM cursors' 2>/dev/null)" ]
}

# longpoll_open: the server has at least one long-poll waiting.
longpoll_open() {
	local n
	n=$(curl -s "$SERVER_URL/v1/metrics" | sed -n 's/^natter_longpolls_open \([0-9]*\).*/\1/p')
	[ "${n:-0}" -ge 1 ]
}

# in_file FILE TEXT: FILE contains the fixed string TEXT.
in_file() { grep -qF -- "$2" "$1"; }

# stop_notifyd: SIGTERM the last notifier; sets NSTATUS and NSTOP_MS.
stop_notifyd() {
	local t0 t1
	t0=$(date +%s%N)
	kill -TERM "$NPID" 2>/dev/null
	wait "$NPID" 2>/dev/null
	NSTATUS=$?
	t1=$(date +%s%N)
	NSTOP_MS=$(((t1 - t0) / 1000000))
}
