#!/bin/bash
# Message operations in the interface, with two users in two terminals:
# selecting a message (M-s, Up/Down), editing it, deleting it after a y,
# replying to it, reacting to it, /me, and Up on an empty line to edit the
# last own message; what the other user's natter then draws.
. "$(dirname "$0")/tui_lib.sh"

export NATTER_PASSWORD=password123
start_server || { echo "1..0 # SKIP no server"; exit 0; }
BOB=(-D "$T_TMP/bob")
"$NATTER" -s "$SERVER_URL" register alice >/dev/null
"$NATTER" "${BOB[@]}" -s "$SERVER_URL" register bob >/dev/null
C=$("$NATTER" new lunch bob)
"$NATTER" "${BOB[@]}" send "$C" "first words of bob" >/dev/null
"$NATTER" send "$C" "alice says hi" >/dev/null
"$NATTER" "${BOB[@]}" send "$C" "bob asks a question" >/dev/null

# pane_of SESSION: the screen of another session.
pane_of() { "${TM[@]}" capture-pane -p -t "=$1:"; }
# mode_line: the last row of the message window (above the status line).
mode_line() { pane | tail -3 | head -1; }

tm_natter
wait_for pane_has "bob asks a question"
ok $? "alice's natter shows the conversation"

key M-s
wait_for pane_has "selected <bob> bob asks a question"
ok $? "M-s selects the newest message; the mode line names it"
unlike "$(mode_line)" "e edit" "no edit or delete for someone else's message"
key Up
wait_for pane_has "selected <alice> alice says hi"
ok $? "Up selects the message before"
like "$(mode_line)" "e edit, d delete" "and offers edit and delete for an own message"
key k
wait_for pane_has "selected <bob> first words of bob"
ok $? "k moves up too"
key Up
wait_for pane_has "the oldest message loaded"
ok $? "Up at the oldest says so"
key Down Down
wait_for pane_has "selected <bob> bob asks a question"
ok $? "Down moves back down"
key e
wait_for pane_has "only your own messages can be edited"
ok $? "e on someone else's message explains"
key Escape
wait_for sh -c "! TMUX_TMPDIR=$T_TMP tmux -L natter-test-$$ capture-pane -p -t natter | grep -q 'selected <'"
ok $? "Escape leaves the selection"

# The selection keeps the selected message in sight.
seq 1 30 | sed 's/^/filler /' | "$NATTER" "${BOB[@]}" send --lines "$C" >/dev/null
wait_for pane_has "filler 30"
key M-s
wait_for pane_has "selected <bob> filler 30"
for i in $(seq 1 25); do key Up; done
wait_for pane_has "selected <bob> filler 5"
ok $? "Up 25 times selects the 25th message before"
like "$(pane)" "scrolled up" "the window scrolled back"
pane | grep -Eq ':[0-9]{2} <bob> filler 5 *$'
ok $? "and shows the selected message"
for i in $(seq 1 25); do key Down; done
wait_for pane_has "selected <bob> filler 30"
wait_for sh -c "! TMUX_TMPDIR=$T_TMP tmux -L natter-test-$$ capture-pane -p -t natter | grep -q 'scrolled up'"
ok $? "Down back to the newest scrolls back to the bottom"
key Escape

done_testing
