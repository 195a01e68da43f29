#!/usr/bin/env bash
# Edits and deletions on a real desktop (dunst on a virtual display) while
# natter is closed and only natter-notifyd runs: an edit updates the visible
# note's line in place, a deletion takes its line out of the note, and the
# note is withdrawn when that was its only line; natter's next launch merges
# the edit and the deletion from the notifier's store, downloading nothing
# twice, and no file of the data directory keeps the deleted text.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notifyd_helpers.sh"
need_dunst

start_server || exit 1
A=$T_TMP/alice
natter_register "$A" alice
ok $? "alice registers on her desktop"
BOB=$(user_token bob)
PROJ=$(new_conv "$BOB" proj alice bob)
"$NATTER" -D "$A" sync >/dev/null 2>&1
ok $? "alice's natter syncs once, then is closed"
mkdir -p "$XDG_CONFIG_HOME/natter"
printf 'notify.timeout = 0\n' >"$XDG_CONFIG_HOME/natter/config"

cat >"$T_TMP/items.sh" <<'SH'
# post ID JSON-FIELDS: bob posts an item into proj.
post() {
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $BOB" \
		"$SERVER_URL/v1/conversations/$PROJ/messages" --data-binary "{\"client_id\":\"$1\",$2}"
}
# notified TEXT: waits up to 10 s until a Notify call carried TEXT.
notified() {
	local i
	for i in $(seq 1 200); do
		grep -qF -- "$1" "$T_TMP/monitor.log" && return 0
		sleep 0.05
	done
	return 1
}
"$NOTIFYD" -s "$SERVER_URL" -D "$A" -v >"$T_TMP/n.out" 2>"$T_TMP/n.err" &
npid=$!
for i in $(seq 1 200); do
	[ -n "$(sqlite3 "$A/sync.db" 'SELECT cursor FROM cursors' 2>/dev/null)" ] && break
	sleep 0.05
done
post b1 '"body":"lunch at noon zanzibar?"'
notified "lunch at noon zanzibar?"; echo $? >"$T_TMP/first"
displayed 1 >"$T_TMP/shown"
post b2 '"kind":"edit","body":"lunch at one quokka?","target":{"sender":"bob","seq":1}'
notified "lunch at one quokka?"; echo $? >"$T_TMP/edited"
displayed 1 >"$T_TMP/still"
post b3 '"body":"second line wombat"'
notified "second line wombat"; echo $? >"$T_TMP/second"
post b4 '"kind":"delete","target":{"sender":"bob","seq":3}'
sleep 1
grep -c "member=Notify$" "$T_TMP/monitor.log" >"$T_TMP/notifies"
displayed 1 >"$T_TMP/after_del"
post b5 '"kind":"delete","target":{"sender":"bob","seq":1}'
displayed 0 >"$T_TMP/withdrawn"
sleep 0.5
kill "$npid"
wait "$npid"
SH
export T_TMP SERVER_URL NOTIFYD NATTER A BOB PROJ
dunst_session "$T_TMP/items.sh"
is "$(cat "$T_TMP/first") $(cat "$T_TMP/shown")" "0 1" "bob's message is announced"
is "$(cat "$T_TMP/edited") $(cat "$T_TMP/still")" "0 1" "his edit updates that note's text, still one note"
notes=$(monitor_notes)
is "$(printf '%s\n' "$notes" | sed -n 1p | cut -f1)" 0 "the message made a new note"
ok $(($(printf '%s\n' "$notes" | sed -n 2p | cut -f1) == 0)) "the edit replaced it in place (a Notify with its id)"
is "$(cat "$T_TMP/second")" 0 "a second message joins the note"
is "$(cat "$T_TMP/after_del")" 1 "deleting the second message keeps the note"
like "$(sed -n '/member=Notify$/,+12p' "$T_TMP/monitor.log" | tail -13)" "quokka" "re-rendered with the first line"
unlike "$(sed -n '/member=Notify$/,+12p' "$T_TMP/monitor.log" | tail -13)" "wombat" "without the deleted one"
is "$(cat "$T_TMP/withdrawn")" 0 "deleting the note's only message withdraws it"
grep -q "member=CloseNotification" "$T_TMP/monitor.log"
ok $? "withdrawn by the notifier (CloseNotification)"

# The launch merges what the notifier stored; nothing is downloaded twice.
OUT=$("$NATTER" -D "$A" sync --json 2>"$T_TMP/sync.err")
is "$(jx "$OUT" '$d->{merged_from_store} . " " . $d->{fetched_from_server}')" "5 0" \
	"natter's launch merges the 5 items from the notifier's store and fetches none"
LOG=$("$NATTER" -D "$A" log proj 2>&1)
is "$(printf '%s\n' "$LOG" | grep -c '(deleted)')" 2 "both messages show (deleted)"
files=$(grep -ral -e zanzibar -e quokka -e wombat "$A" | wc -l)
is "$files" 0 "no file of alice's data directory holds the deleted texts or the edit"
done_testing
