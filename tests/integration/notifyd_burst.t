#!/usr/bin/env bash
# natter-notifyd under a burst, with a real notification daemon (dunst on a
# virtual display): 200 messages from three senders into two conversations
# leave one live notification per conversation, updated in place, with the
# right count.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notifyd_helpers.sh"
need_dunst

start_server --rate-limit 1000000 || { done_testing; }
A=$T_TMP/alice
natter_register "$A" alice
ok $? "alice registers with natter"
BOB=$(user_token bob)
CAROL=$(user_token carol)
DAVE=$(user_token dave)
PROJ=$(new_conv "$BOB" proj alice bob carol dave)
LUNCH=$(new_conv "$CAROL" lunch alice bob carol dave)
like "$PROJ$LUNCH" '^c.*c' "two conversations of four"
mkdir -p "$XDG_CONFIG_HOME/natter"
# Nothing expires during the test: what is displayed at the end is what was left.
echo "notify.timeout = 0" >"$XDG_CONFIG_HOME/natter/config"

# 200 posts in one keep-alive curl: 120 into proj, 80 into lunch, by three senders.
tokens=("$BOB" "$CAROL" "$DAVE")
for i in $(seq 1 200); do
	conv=$PROJ
	[ $((i % 5)) -ge 3 ] && conv=$LUNCH
	printf 'url = "%s/v1/conversations/%s/messages"\n' "$SERVER_URL" "$conv"
	printf 'header = "Authorization: Bearer %s"\n' "${tokens[$((i % 3))]}"
	printf 'data = "{\\"client_id\\":\\"burst%d\\",\\"body\\":\\"message %d\\"}"\n' "$i" "$i"
	printf 'output = "/dev/null"\n'
	[ "$i" -lt 200 ] && printf 'next\n'
done >"$T_TMP/burst.cfg"

cat >"$T_TMP/burst.sh" <<'SH'
"$NOTIFYD" -s "$SERVER_URL" -D "$A" -v >"$T_TMP/n.out" 2>"$T_TMP/n.err" &
npid=$!
for i in $(seq 1 200); do
	[ -n "$(sqlite3 "$A/sync.db" 'SELECT cursor FROM cursors' 2>/dev/null)" ] && break
	sleep 0.05
done
curl -s --rate 50/s -K "$T_TMP/burst.cfg"
for i in $(seq 1 400); do
	[ "$(sqlite3 -cmd '.timeout 2000' "$A/sync.db" 'SELECT count(*) FROM messages' 2>/dev/null)" = 200 ] && break
	sleep 0.05
done
sleep 1.5
dunstctl count displayed >"$T_TMP/displayed"
dunstctl close-all
sleep 0.5
dunstctl history >"$T_TMP/history.json"
# Closed by the user: the next message starts a fresh notification.
curl -s -o /dev/null -X POST -H "Authorization: Bearer $BOB" \
	"$SERVER_URL/v1/conversations/$PROJ/messages" --data-binary '{"client_id":"after","body":"after close"}'
for i in $(seq 1 200); do
	[ "$(dunstctl count displayed 2>/dev/null)" = 1 ] && break
	sleep 0.05
done
sleep 0.3
t0=$(date +%s%N)
kill "$npid"
wait "$npid"
echo "$?" >"$T_TMP/status"
echo $((($(date +%s%N) - t0) / 1000000)) >"$T_TMP/stop_ms"
SH
export T_TMP SERVER_URL NOTIFYD A BOB PROJ
dunst_session "$T_TMP/burst.sh"
is "$(cat "$T_TMP/status" 2>/dev/null)" 0 "natter-notifyd stops cleanly"
stop_ms=$(cat "$T_TMP/stop_ms" 2>/dev/null)
[ "${stop_ms:-9999}" -lt 1000 ]
ok $? "SIGTERM with notifications on the desktop stops it within a second ($stop_ms ms)"
displayed=$(cat "$T_TMP/displayed" 2>/dev/null)
[ "${displayed:-99}" -le 3 ] 2>/dev/null
ok $? "after 200 messages at most 3 notifications are displayed ($displayed)"
is "$displayed" 2 "one per conversation"
summaries=$(perl -MJSON::PP -e '
	local $/; my $h = decode_json(<STDIN>);
	print join("\n", sort map { $_->{summary}{data} } @{$h->{data}[0]}), "\n";' \
	<"$T_TMP/history.json")
names='(bob|carol|dave), (bob|carol|dave), (bob|carol|dave)'
is "$(printf '%s\n' "$summaries" | grep -cE "^$names in lunch \(80\)$")" 1 \
	"lunch's note names its three senders and counts its 80 messages"
is "$(printf '%s\n' "$summaries" | grep -cE "^$names in proj \(120\)$")" 1 "proj's counts its 120"
is "$(printf '%s\n' "$summaries" | grep -c .)" 2 "and no other notification was ever left"
notes=$(monitor_notes)
created=$(printf '%s\n' "$notes" | sed '$d' | awk -F'\t' '$1 == "0"' | wc -l)
replaced=$(printf '%s\n' "$notes" | awk -F'\t' '$1 ~ /^[1-9]/' | wc -l)
is "$created" 3 "three notifications were created, two in the burst and one after the close; the rest replaced them ($replaced)"
is "$(printf '%s\n' "$notes" | sed -n '$!p' | tail -1 | cut -f1,3)" "$(printf '0\tbob in proj')" \
	"after the user closed them, a new message starts a fresh notification, counting from one"
like "$(grep -c 'Notify' "$T_TMP/monitor.log")" '^[0-9]' "the calls were seen on the bus"
diag "created $created, replaced $replaced, $(printf '%s\n' "$notes" | tail -1)"
done_testing
