#!/usr/bin/env bash
# Mute and do not disturb from the command line, shared with the notifier
# through sync.db: natter mute CONV [--for D], natter unmute, natter dnd.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notifyd_helpers.sh"

start_server || { done_testing; }
A=$T_TMP/alice
natter_register "$A" alice
ok $? "alice registers with natter"
BOB=$(user_token bob)
PROJ=$(new_conv "$BOB" proj alice bob)
LUNCH=$(new_conv "$BOB" lunch alice bob)
"$NATTER" -D "$A" sync >/dev/null 2>&1
start_notifyd "$A" --backend stdout
n() { "$NATTER" -D "$A" "$@" 2>&1; }

is "$(n mute proj)" "muted $PROJ" "natter mute finds the conversation by title"
say "$BOB" "$PROJ" '"muted one"'
say "$BOB" "$LUNCH" '"marker one"'
wait_for in_file "$NOUT" "marker one"
unlike "$(cat "$NOUT")" "muted one" "the notifier announces nothing from a muted conversation"
is "$(n unmute proj)" "unmuted $PROJ" "natter unmute"
say "$BOB" "$PROJ" '"unmuted one"'
wait_for in_file "$NOUT" "unmuted one"
ok $? "and it is announced again"

like "$(n mute "$PROJ" --for 2s)" "^muted $PROJ until [0-9][0-9]:[0-9][0-9]$" \
	"natter mute CONV --for 2s says until when"
say "$BOB" "$PROJ" '"timed mute"'
say "$BOB" "$LUNCH" '"marker two"'
wait_for in_file "$NOUT" "marker two"
unlike "$(cat "$NOUT")" "timed mute" "a timed mute silences"
sleep 2.2
say "$BOB" "$PROJ" '"mute is over"'
wait_for in_file "$NOUT" "mute is over"
ok $? "and ends by itself"
is "$(syncdb "$A" "SELECT count(*) FROM muted WHERE until IS NOT NULL")" 1 \
	"it is a row of sync.db with its end"
out=$(n mute proj --for soon)
is "$?" 2 "a bad duration is a usage error"
like "$out" "--for wants a duration" "that says what it wants"
n mute nosuchconv >/dev/null
isnt_zero=$?
[ "$isnt_zero" -ne 0 ]
ok $? "muting an unknown conversation fails"

is "$(n dnd)" "do not disturb: off" "natter dnd says it is off"
is "$(n dnd on)" "do not disturb: on" "natter dnd on"
say "$BOB" "$PROJ" '"while dnd"'
say "$BOB" "$LUNCH" '"also while dnd"'
sleep 1
is "$(n dnd off)" "do not disturb: off" "natter dnd off"
say "$BOB" "$LUNCH" '"marker three"'
wait_for in_file "$NOUT" "marker three"
unlike "$(cat "$NOUT")" "while dnd" "nothing is announced during do not disturb"
hhmm=$(date -d '+2 hours' +%H:%M)
is "$(n dnd until "$hhmm")" "do not disturb: on until $hhmm" "natter dnd until HH:MM"
is "$(n dnd)" "do not disturb: on until $hhmm" "and natter dnd says so"
out=$(n dnd until 25:00)
is "$?" 2 "an impossible time is a usage error"
n dnd off >/dev/null
stop_notifyd
is "$NSTATUS" 0 "the notifier stops cleanly"

# Mentions: critical and through a mute when the config says so; the exec
# backend gets the urgency and the coalesced count.
mkdir -p "$XDG_CONFIG_HOME/natter"
printf 'notify.mention_urgency = critical\nnotify.mention_unmutes = yes\n' \
	>"$XDG_CONFIG_HOME/natter/config"
cat >"$T_TMP/record" <<'SH'
#!/bin/sh
printf '%s|%s|%s\n' "$NATTER_URGENCY" "$NATTER_COUNT" "$NATTER_BODY" >>"$T_TMP/record.out"
SH
chmod +x "$T_TMP/record"
export T_TMP
user_token carol >/dev/null
GROUP=$(new_conv "$BOB" group alice bob carol)
"$NATTER" -D "$A" sync >/dev/null 2>&1
n mute group >/dev/null
start_notifyd "$A" --exec "$T_TMP/record"
say "$BOB" "$GROUP" '"plain chatter"'
say "$BOB" "$GROUP" '"@alice look at this"'
wait_for in_file "$T_TMP/record.out" "look at this"
ok $? "a mention breaks through the mute with notify.mention_unmutes = yes"
like "$(cat "$T_TMP/record.out")" "^critical\|1\|@alice look at this" \
	"critical with notify.mention_urgency = critical, counting only what was announced"
unlike "$(cat "$T_TMP/record.out")" "plain chatter" "the rest of a muted conversation stays silent"
rm -f "$T_TMP/record.out"
n unmute group >/dev/null
say "$BOB" "$GROUP" '"in group"'
wait_for in_file "$T_TMP/record.out" "in group"
like "$(cat "$T_TMP/record.out")" $'critical\\|2\\|bob: @alice look at this\nbob: in group' \
	"the exec backend gets the coalesced count in NATTER_COUNT and keeps the highest urgency"
say "$BOB" "$PROJ" '"direct"'
wait_for in_file "$T_TMP/record.out" "direct"
like "$(cat "$T_TMP/record.out")" 'critical\|1\|direct' "a direct conversation is urgent too"
stop_notifyd
done_testing
