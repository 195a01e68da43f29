#!/bin/bash
# Message operations in the interface, with two users in two terminals:
# selecting a message (M-s, Up/Down), editing it, deleting it after a y,
# replying to it, reacting to it, /me, and Up on an empty line to edit the
# last own message; what the other user's natter then draws.
. "$(dirname "$0")/tui_lib.sh"

export NATTER_PASSWORD=password123
start_server -d "$T_TMP/server.db" || { echo "1..0 # SKIP no server"; exit 0; }
PORT=${SERVER_URL##*:}
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

# bob watches in a terminal of his own.
tm_natter -s bob "${BOB[@]}"
bob_has() { pane_of bob | grep -qF -- "$1"; }
bob_lacks() { ! pane_of bob | grep -qF -- "$1"; }
bkey() { "${TM[@]}" send-keys -t "=bob:" "$@"; }
bkeys() { "${TM[@]}" send-keys -t "=bob:" -l -- "$1"; }
wait_for bob_has "bob asks a question"
ok $? "bob's natter shows the conversation"

# Edit: e fills the input line with the text; Enter sends the new one.
key M-s Up
wait_for pane_has "selected <alice> alice says hi"
key e
wait_for pane_has "edit> alice says hi"
ok $? "e puts the text on the input line"
like "$(mode_line)" "editing \"alice says hi\": Enter saves, Esc cancels" "the mode line says what Enter does"
key C-u
keys "alice says hello"
key Enter
wait_for pane_has "<alice> alice says hello (edited)"
ok $? "Enter edits the message in place, marked (edited)"
wait_for bob_has "<alice> alice says hello (edited)"
ok $? "bob's open natter redraws the line"
ok "$(bob_lacks 'alice says hi'; echo $?)" "and no longer shows the old text"

# Reply: the mode line quotes the target; the reply is drawn under a one-line quote.
key M-s
wait_for pane_has "selected <bob> bob asks a question"
key r
wait_for pane_has "replying to bob: bob asks a question"
ok $? "r: the mode line says replying to bob: first words"
keys "yes, at noon"
key Enter
wait_for pane_has "<alice> yes, at noon"
ok $? "Enter sends the reply"
like "$(pane)" "↱ bob: bob asks a question[^$'\n']*"$'\n'"[^$'\n']*<alice> yes, at noon" "under a quote of bob's message"
wait_for bob_has "↱ bob: bob asks a question"
ok $? "bob sees the quote too"

# React: 1 picks 👍 at once; bob reacts too; the same again takes it back.
key M-s Up
wait_for pane_has "selected <bob> bob asks a question"
key +
wait_for pane_has "react to bob: 1 👍"
ok $? "+ offers the common reactions"
key 1
wait_for pane_has "👍 1 alice"
ok $? "1 reacts 👍, shown under the message with who"
wait_for bob_has "👍 1 alice"
ok $? "bob sees alice's reaction"
bkey M-s Up
wait_for bob_has "selected <bob> bob asks a question"
bkey +
bkeys "👍"
bkey Enter
wait_for pane_has "👍 2 alice, bob"
ok $? "bob's reaction counts: 👍 2 alice, bob"
key M-s Up + 1
wait_for pane_has "👍 1 bob"
ok $? "the same reaction again takes alice's back"
key M-s Up +
keys "🎉"
key Enter
wait_for pane_has "👍 1 bob  🎉 1 alice"
ok $? "a typed reaction goes beside the others"

# /me, then Up on the empty line edits it.
keys "/me waves"
key Enter
wait_for pane_has "* alice waves"
ok $? "/me is drawn as an action"
wait_for bob_has "* alice waves"
ok $? "on bob's screen too"
key Up
wait_for pane_has "edit> waves"
ok $? "Up on an empty line edits the last own message"
keys " back"
key Enter
wait_for bob_has "* alice waves back (edited)"
ok $? "and Enter sends the edit"

# Delete asks first; y deletes for everyone.
key M-s d
wait_for pane_has "for everyone? y deletes"
ok $? "d asks for a confirmation"
key n
wait_for pane_has "not deleted"
ok $? "any other key keeps the message"
key d y
wait_for bob_has "<alice> (deleted)"
ok $? "y deletes it: bob's screen shows (deleted)"
ok "$(bob_lacks 'waves back'; echo $?)" "without its text"
wait_for pane_has "<alice> (deleted)"
ok $? "alice's too"
key M-s
wait_for pane_has "selected <alice> yes, at noon"
ok $? "a deleted message cannot be selected"
key q
tm_close bob

# An edit made while the server is away waits in the outbox and is sent on its return.
stop_server
key Up
wait_for pane_has "edit> yes, at noon"
ok $? "Up edits the newest own message that is not deleted"
key C-u
keys "yes, at one"
key Enter
wait_for pane_has "1 queued"
ok $? "offline, the edit waits in the outbox"
"$SERVER" -p "$PORT" -d "$T_TMP/server.db" >"$T_TMP/server.2.log" 2>&1 &
T_PIDS+=("$!")
wait_for pane_has "<alice> yes, at one (edited)"
ok $? "and is applied once the server is back"
wait_for sh -c "'$NATTER' -D '$T_TMP/bob' sync >/dev/null 2>&1; '$NATTER' -D '$T_TMP/bob' log '$C' | grep -q 'yes, at one'"
ok $? "bob gets it"

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
key q

# The help is taller than 24 rows: a natter tall enough to show it all.
keys "/quit"
key Enter
wait_for pane_has "EXIT 0"
tm_close
tm_natter -y 200
wait_for pane_has "filler 30"
keys "/help"
key Enter
wait_for pane_has "select the newest message;"
ok $? "/help lists the selection keys"
pane_has "on a selected message: edit,"
ok $? "and what e, d, r and + do"
is "$(head -c 2000 "$T_TMP/natter.err")" "" "nothing was written to stderr"

done_testing
