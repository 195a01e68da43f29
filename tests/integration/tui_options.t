#!/bin/bash
# The config file's colours and keys in the interface, and /set and /names:
# color.* and key.* apply at start (a bad value is a notice naming its line,
# the others still apply); /set lists, shows and changes options at run time
# and writes them to the config file, keeping its comments and other lines;
# /names lists the members of the conversation shown.
. "$(dirname "$0")/tui_lib.sh"

export NATTER_PASSWORD=password123
start_server || { echo "1..0 # SKIP no server"; exit 0; }
DAVE=(-D "$T_TMP/dave")
"$NATTER" -s "$SERVER_URL" register carol >/dev/null
"$NATTER" "${DAVE[@]}" -s "$SERVER_URL" register dave >/dev/null
LUNCH=$("$NATTER" new lunch dave)
WORK=$("$NATTER" new work dave)
"$NATTER" "${DAVE[@]}" send "$WORK" "work first" >/dev/null
"$NATTER" "${DAVE[@]}" send "$LUNCH" "hey carol, noon?" >/dev/null
"$NATTER" "${DAVE[@]}" send "$LUNCH" "anyone else hungry" >/dev/null

CONF=$XDG_CONFIG_HOME/natter/config
mkdir -p "${CONF%/*}"
cat >"$CONF" <<'CONF'
# carol's natter
color.mention = bold green
color.own = purpel
key.next = M-n
CONF

# Wide enough that no notice wraps (the config's path is long).
# panel: the screen with its colours (SGR sequences).
panel() { "${TM[@]}" capture-pane -e -p -t "=$TM_SESSION:"; }
esc=$'\e'

tm_natter -x 230 -y 50
wait_screen "anyone else hungry"
ok $? "natter opens with a config holding a bad value"
wait_screen "config line 3: color.own: cannot read \"purpel\""
ok $? "the bad value is a notice naming the file's line and the option"
like "$(pane)" "(the default is used)" "and says the default is used instead"
like "$(panel)" "${esc}\[1m${esc}\[32mhey carol, noon\?" "color.mention = bold green: a message naming carol is bold green"
unlike "$(panel)" "${esc}\[[0-9;]*m[^$esc]*anyone else hungry${esc}" "a message that does not name her is plain"

key M-n
wait_screen "| work"
ok $? "key.next = M-n: M-n switches to the next conversation"
key C-n
sleep 0.3
like "$(pane)" "\| work" "C-n, no longer bound, does not switch"
key C-p
wait_screen "| lunch"
ok $? "C-p, left at its default, still switches back"

keys "/names"
key Enter
wait_screen "lunch: 2 members: carol (you), dave (the server does not say who is online)"
ok $? "/names lists the members and says there is no presence"

keys "/set"
key Enter
wait_screen "color.mention"
ok $? "/set lists the options"
like "$(pane)" "color\.mention +bold green" "with the values from the config file"
like "$(pane)" "key\.next +M-n" "keys too"
like "$(pane)" "color\.own +bold" "and the default where a value was bad"
like "$(pane)" "http\.timeout +\(unset: the default\)" "and the file's other options"

keys "/set key.prev"
key Enter
wait_screen "key.prev = C-p"
ok $? "/set NAME shows one option"

keys "/set color.time red"
key Enter
wait_screen "color.time = red, saved in $CONF"
ok $? "/set NAME VALUE changes it and says where it is saved"
like "$(panel)" "${esc}\[31m[0-9][0-9]:[0-9][0-9]" "the times are red at once"
is "$(cat "$CONF")" "# carol's natter
color.mention = bold green
color.own = purpel
key.next = M-n
color.time = red" "the config file keeps its comment and other lines, and gains the new one"

keys "/set color.own bold magenta"
key Enter
wait_screen "color.own = bold magenta, saved"
grep -qx "color.own = bold magenta" "$CONF" && ! grep -q purpel "$CONF"
ok $? "/set replaces the line that set the option"

cp "$CONF" "$T_TMP/before"
keys "/set color.day sparkly"
key Enter
wait_screen "color.day: cannot read \"sparkly\""
ok $? "/set with a bad value says why"
cmp -s "$CONF" "$T_TMP/before"
ok $? "and writes nothing"
keys "/set colour.day red"
key Enter
wait_screen "no option colour.day: /set lists them"
ok $? "/set with an unknown option says so"
keys "/set http.timeout 10"
key Enter
wait_screen "http.timeout = 10, saved in $CONF (natter uses it from its next start)"
ok $? "/set of an option read at start says when it takes effect"

keys "/set key.quit F10"
key Enter
wait_screen "key.quit = F10, saved"
key F10
wait_screen "EXIT 0"
ok $? "a key bound with /set works at once: F10 quits"

# The next start reads what /set saved.
tm_natter -x 230 -y 50
wait_screen "anyone else hungry"
unlike "$(pane)" "config line" "the saved config has no bad value left"
key F10
wait_screen "EXIT 0"
ok $? "and the next start binds F10 from the file"

done_testing
