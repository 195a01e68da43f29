#!/bin/bash
# The launch by changes (GET /v1/changes, then /v1/sync continuations): an
# unchanged launch is one request of at most 512 bytes both ways that writes
# nothing, whatever the account holds; a changed one carries the changed
# conversation only; a first download of 40 conversations x 250 senders
# finishes in one `natter sync` with every request under 64 KiB; against a
# server without these (--protocol 1.0) the launch stays exact.
. "$(dirname "$0")/launch_lib.sh"

DB=$T_TMP/server.db
start_server -d "$DB" || exit 1
PORT=${SERVER_URL##*:}
for u in alice bob carol dave; do account "$u"; done

# files USER: size, time and checksum of USER's history.db and sync.db.
files() {
	local f
	for f in "$T_TMP/$1/history.db" "$T_TMP/$1/sync.db"; do
		printf '%s %s %s\n' "$(basename "$f")" "$(stat -c '%s %y' "$f")" \
			"$(md5sum <"$f" | cut -c1-32)"
	done
}

# db_writes LOG: writes and syncs to a .db file (or its -wal, -journal) in an
# strace log; not to -shm, the shared memory every connection maps when it opens.
db_writes() {
	grep -cE '^[0-9]+ +(pwrite64|write|fdatasync|fsync)\([0-9]+<[^>]*\.db(-wal|-journal)?>' "$1"
}

# unchanged NAME USER: USER's launch when nothing changed is one request of at
# most 512 bytes both ways and writes nothing to history.db or sync.db.
unchanged() {
	local name=$1 who=$2 before
	before=$(files "$who")
	# (LeakSanitizer cannot run under ptrace: a sanitized build leaves it out here.)
	OUT=$(ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -y -e trace=pwrite64,write,fdatasync,fsync -o "$T_TMP/strace" \
		"$NATTER" -D "$T_TMP/$who" sync --json 2>"$T_TMP/err"); RC=$?
	is "$RC" 0 "$name: the unchanged launch succeeds"
	is "$(jx "$OUT" '$d->{requests}')" 1 "$name: it is one request"
	local bytes
	bytes=$(jx "$OUT" '$d->{bytes_sent} + $d->{bytes_received}')
	[ "$bytes" -le 512 ]
	ok $? "$name: $bytes bytes on the wire both ways, headers included (<= 512)"
	is "$(jx "$OUT" '$d->{fetched_from_server} + $d->{conversations_changed}')" 0 \
		"$name: nothing fetched, nothing changed"
	is "$(db_writes "$T_TMP/strace")" 0 "$name: no write or sync to a database file"
	is "$(files "$who")" "$before" "$name: history.db and sync.db are untouched"
}

stop_server
fill carol m 1 250 2
fill dave d 40 250 3
start_server -d "$DB" -p "$PORT" || exit 1

# A first download of 40 conversations x 250 senders (30,000 messages): one
# launch, every request body under the 64 KiB limit.
t0=$(date +%s)
nat dave -v sync --json
is "$RC" 0 "40 x 250: the first download succeeds in one natter sync"
unlike "$ERR" "too large|-> 413 [(]" "40 x 250: no request was refused as too large"
is "$(jx "$OUT" '$d->{fetched_from_server}')" 30000 "40 x 250: all 30,000 messages fetched"
biggest=$(sed -n 's/.*a body of \([0-9]*\) bytes sent.*/\1/p' <<<"$ERR" | sort -n | tail -1)
[ "${biggest:-0}" -gt 0 ] && [ "$biggest" -lt 65536 ]
ok $? "40 x 250: the largest request body was $biggest bytes (< 65536)"
up=$(jx "$OUT" '$d->{bytes_sent}')
down=$(jx "$OUT" '$d->{bytes_received}')
diag "40 x 250 first download: $up bytes up, $down down, $(jx "$OUT" '$d->{requests}') requests, $(($(date +%s) - t0)) s"
is "$(history_report dave cd00000001)" "750 750" "40 x 250: a conversation holds its 750 messages once"
unchanged "40 x 250 (10,000 members)" dave

# One conversation of 250 members.
nat carol sync --json
is "$(jx "$OUT" '$d->{fetched_from_server}')" 500 "250 members: the first launch fetches 500"
unchanged "250 members" carol

# One small conversation, then 100.
BOB=$(token_of bob)
nat alice new one bob
ONE=$OUT
send_as "$BOB" "$ONE" 3 one
nat alice sync --json
is "$(jx "$OUT" '$d->{fetched_from_server}')" 3 "1 conversation: the first launch fetches 3"
unchanged "1 conversation" alice
for i in $(seq 2 100); do
	nat alice new "conv-$i" bob
done
nat alice sync --json
is "$(jx "$OUT" '$d->{conversations}')" 100 "100 conversations: all 100 are known"
unchanged "100 conversations" alice

# A changed launch: 1 new message in 1 of 100 conversations.
since=$(sqlite3 "$T_TMP/alice/history.db" "SELECT value FROM meta WHERE key = 'changes_cursor'")
ALICE=$(token_of alice)
body="one new message for the changed launch"
api POST "/v1/conversations/$ONE/messages" "{\"client_id\":\"chg-1\",\"body\":\"$body\"}" \
	"$BOB" >/dev/null
changes=$(api GET "/v1/changes?since=$since" "" "$ALICE")
is "$(jx "$changes" 'join ",", map { $_->{id} . (exists $_->{title} ? "+meta" : "") } @{$d->{conversations}}')" \
	"$ONE" "changed: the changes answer lists that conversation only, without metadata"
nat alice sync --json
is "$(jx "$OUT" '$d->{fetched_from_server} . " " . $d->{conversations_changed}')" "1 1" \
	"changed: 1 message fetched, 1 conversation changed"
is "$(jx "$OUT" '$d->{requests}')" 2 "changed: two requests (changes, sync)"
extra=$(jx "$OUT" '$d->{bytes_sent} + $d->{bytes_received}')
extra=$((extra - ${#body}))
[ "$extra" -le 2048 ]
ok $? "changed: $extra bytes on the wire besides the body (<= 2048)"
unchanged "after the changed launch" alice

# A server without changes and continuations: the version-1 launch, exact.
stop_server
start_server -d "$DB" -p "$PORT" --protocol 1.0 || exit 1
send_as "$BOB" "$ONE" 4 old
launch alice
is "$(jx "$SYNC" '$d->{fetched_from_server}')" 4 "1.0: the launch fetches the 4 new messages"
is "$DELIVERED" 4 "1.0: the server delivered exactly those 4"
is "$(history_report alice "$ONE")" "8 8" "1.0: history holds all 8, each once"
launch alice
is "$DELIVERED" 0 "1.0: a second launch downloads nothing"
is "$(jx "$SYNC" '$d->{requests}')" 2 "1.0: and is the changes probe (404) and the conversation list"
nat erin -s "$SERVER_URL" login dave
nat erin -v sync --json
is "$RC" 0 "1.0, 40 x 250: the first download succeeds in one natter sync"
is "$(jx "$OUT" '$d->{fetched_from_server}')" 30000 "1.0, 40 x 250: all 30,000 messages fetched"
biggest=$(sed -n 's/.*a body of \([0-9]*\) bytes sent.*/\1/p' <<<"$ERR" | sort -n | tail -1)
[ "${biggest:-0}" -gt 0 ] && [ "$biggest" -lt 65536 ]
ok $? "1.0, 40 x 250: the largest request body was $biggest bytes (< 65536)"
diag "1.0 40 x 250 first download: $(jx "$OUT" '$d->{bytes_sent}') bytes up, $(jx "$OUT" '$d->{bytes_received}') down"

# Back on the new server, alice's stored cursor still says what she holds.
stop_server
start_server -d "$DB" -p "$PORT" || exit 1
send_as "$BOB" "$ONE" 2 new
launch alice
is "$(jx "$SYNC" '$d->{fetched_from_server}')" 2 "back: the launch fetches the 2 new messages"
is "$(history_report alice "$ONE")" "10 10" "back: history holds all 10, each once"
unchanged "back" alice

done_testing
