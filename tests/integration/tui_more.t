#!/bin/bash
# More of the interactive interface in tmux: the unread marker after a
# relaunch, /search jumping to a match, bracketed paste, input history,
# switching conversations, the notifier kept quiet for the conversation on
# screen and for a /mute'd one, and SIGTERM.
. "$(dirname "$0")/tui_lib.sh"

export NATTER_PASSWORD=password123
start_server || { echo "1..0 # SKIP no server"; exit 0; }
DAVE=(-D "$T_TMP/dave")
"$NATTER" -s "$SERVER_URL" register carol >/dev/null
"$NATTER" "${DAVE[@]}" -s "$SERVER_URL" register dave >/dev/null
LUNCH=$("$NATTER" new lunch dave)
WORK=$("$NATTER" new work dave)

"$NATTER" "${DAVE[@]}" send "$WORK" "a needle in the work haystack" >/dev/null
"$NATTER" "${DAVE[@]}" send "$LUNCH" "first lunch message" >/dev/null

open_natter() { tm_natter; }

open_natter
wait_for pane_has "first lunch message"
ok $? "opens on the conversation with the newest message"
keys "/quit"
key Enter
wait_for pane_has "EXIT 0"

"$NATTER" "${DAVE[@]}" send "$LUNCH" "while you were away 1" >/dev/null
"$NATTER" "${DAVE[@]}" send "$LUNCH" "while you were away 2" >/dev/null
open_natter
wait_for pane_has "while you were away 2"
ok $? "messages sent while natter was closed appear after the launch"
nl=$'\n'
like "$(pane)" "first lunch message[^$nl]*$nl[^$nl]*2 new since you left" \
	"the unread marker sits between what was read and what is new"

keys "/search NEEDLE"
key Enter
wait_for pane_has "match 1 of 1"
ok $? "/search finds a match in another conversation"
like "$(pane)" "a needle in the work haystack" "and jumps to it"
like "$(pane)" "\| work" "the status line names the conversation of the match"

key M-2
key C-p
wait_for pane_has "| lunch"
ok $? "C-p switches back to the previous conversation"

# Bracketed paste: tmux pastes with \e[200~ ... \e[201~ when the application asked for it.
"${TM[@]}" set-buffer -b p "pasted line one
pasted line two"
"${TM[@]}" paste-buffer -p -b p -t natter
wait_for pane_has "pasted line one↵pasted line two"
ok $? "a paste with a line break stays on the input line"
key Enter
wait_for sh -c "'$NATTER' -D '$T_TMP/dave' sync >/dev/null 2>&1; '$NATTER' -D '$T_TMP/dave' log '$LUNCH' --json | grep -qF 'pasted line one\\npasted line two'"
ok $? "and is sent as one two-line message"
key Up
wait_for pane_has "> pasted line one↵pasted line two"
ok $? "Up on an empty line brings back the line sent (to edit it)"
key C-u

keys "/new \"road trip\" dave"
key Enter
wait_for pane_has "| road trip"
ok $? "/new creates a conversation and switches to it"
"$NATTER" "${DAVE[@]}" conversations | grep -q "road trip"
ok $? "the other member has it too"
keys "/go lunch"
key Enter
wait_for pane_has "| lunch"
ok $? "/go switches by title"
keys "/new x Not-A-User"
key Enter
wait_for pane_has "not a user name: Not-A-User"
ok $? "/new with a bad member name is an inline error"
keys "/new x nosuchuser"
key Enter
wait_for pane_has "cannot create"
ok $? "/new with an unknown member says why it failed"

# Emacs keys on the input line, through the real terminal.
input_is() { [ "$(pane | tail -1 | sed 's/ *$//')" = "> $1" ]; }
keys "one two three"
key M-b
keys "X"
wait_for input_is "one two Xthree"
ok $? "M-b moves back a word"
key C-a C-f C-f C-f C-k
wait_for input_is "one"
ok $? "C-a, C-f and C-k cut the rest of the line"
key C-e C-y
wait_for input_is "one two Xthree"
ok $? "C-e and C-y paste it back at the end"
key C-w
wait_for input_is "one two"
ok $? "C-w cuts the word before the cursor"
key Escape
sleep 0.1
keys "b"
wait_for input_is "one two b"
ok $? "a lone Escape then a key types the key"
key C-u

# The notifier stays quiet for the conversation on screen and for a muted one.
"$NOTIFYD" --backend stdout >"$T_TMP/notifyd.log" 2>&1 &
T_PIDS+=("$!")
sleep 1
"$NATTER" "${DAVE[@]}" send "$LUNCH" "seen on screen" >/dev/null
"$NATTER" "${DAVE[@]}" send "$WORK" "not on screen" >/dev/null
wait_for grep -q "not on screen" "$T_TMP/notifyd.log"
ok $? "the notifier announces a message of another conversation"
wait_for pane_has "seen on screen"
unlike "$(cat "$T_TMP/notifyd.log")" "seen on screen" "but not one of the conversation on screen"
keys "/mute work"
key Enter
wait_for pane_has "muted work"
ok $? "/mute work confirms"
"$NATTER" "${DAVE[@]}" send "$WORK" "muted chatter" >/dev/null
"$NATTER" "${DAVE[@]}" send "$WORK" "x" >/dev/null
sleep 1
unlike "$(cat "$T_TMP/notifyd.log")" "muted chatter" "the notifier says nothing about a muted conversation"

# The mouse wheel, as the terminal reports it (X10 encoding: button 64 up, 65 down).
seq 1 40 | sed 's/^/filler /' | "$NATTER" "${DAVE[@]}" send --lines "$LUNCH" >/dev/null
wait_for pane_has "filler 40"
keys $'\e[M`++'
wait_for pane_has "scrolled up 3"
ok $? "the mouse wheel scrolls back"
keys $'\e[Ma++'
wait_for sh -c "! TMUX_TMPDIR=$T_TMP tmux -L natter-test-$$ capture-pane -p -t natter | grep -q 'scrolled up'"
ok $? "and forward again"

pid=$("${TM[@]}" display -p -t natter '#{pane_pid}')
npid=$(pgrep -P "$pid" -f "$NATTER" | head -1)
kill -TERM "$npid"
wait_for pane_has "EXIT 0"
ok $? "SIGTERM: natter leaves cleanly with status 0"
is "$(head -c 2000 "$T_TMP/natter.err")" "" "nothing was written to stderr"

done_testing
