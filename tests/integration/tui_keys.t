#!/bin/bash
# The interface's help and keys as a newcomer finds them: the first screen's
# hint, /help laid out as a table that holds at 80 columns and narrower, F1
# and ? on an empty line, /help foo and /foo in the same words, /clear,
# Tab after /go, /help and @, C-Left/C-Right, M-Left/M-Right, a paste ending in a line
# break, SGR mouse reports (wheel and a click in the list), and the mute
# marker in the list.
. "$(dirname "$0")/tui_lib.sh"

export NATTER_PASSWORD=password123
start_server || { echo "1..0 # SKIP no server"; exit 0; }
DAVE=(-D "$T_TMP/dave")
"$NATTER" -s "$SERVER_URL" register carol >/dev/null
"$NATTER" "${DAVE[@]}" -s "$SERVER_URL" register dave >/dev/null
LUNCH=$("$NATTER" new lunch dave)
WORK=$("$NATTER" new work dave)
"$NATTER" "${DAVE[@]}" send "$WORK" "work is quiet" >/dev/null
seq 1 40 | sed 's/^/filler /' | "$NATTER" "${DAVE[@]}" send --lines "$LUNCH" >/dev/null
"$NATTER" sync >/dev/null

# input_is TEXT: the input line holds TEXT.
input_is() { [ "$(pane | tail -1 | sed 's/ *$//')" = "> $1" ]; }
# input_empty: the input line is empty (it shows the hint).
input_empty() { input_is "type a message; /help or F1 for commands and keys"; }
# main_rows: the message window's rows (right of the list's border).
main_rows() { pane | sed -n 's/^[^│]*│//p'; }
# table_holds: no row of the help starts at the notice's text column unless
# it is a heading: a description wrapped back there breaks the table. The
# paragraphs after "This natter:" (paths longer than a row) are not the table.
table_holds() { ! main_rows | sed '/This natter:/,$d' | grep -E '^ {10}[^ ]' | grep -vE '^ {10}(Keys|The list|This natter):$'; }

tm_natter -x 80 -y 160
wait_screen "filler 40"
ok $? "natter opens on lunch"
pane_has "/help or F1 for commands"
ok $? "the first screen says where help is"

keys "/help"
key Enter
wait_screen "Commands:"
ok $? "/help lists the commands"
out=$(table_holds)
is "$out" "" "at 80 columns every description wraps under its column"
like "$(pane)" "/clear" "/help lists /clear"
like "$(pane)" "/close \[NAME\]" "/help lists /close"
like "$(pane)" "F1, \?" "/help lists F1 and ?"
like "$(pane)" "C-Left, C-Right" "/help lists C-Left and C-Right"
like "$(pane)" "M-Left, M-Right" "/help lists M-Left and M-Right"
like "$(pane)" "~ +muted" "the list's legend explains ~"
like "$(pane)" "@ +a new message names you" "and @"
unlike "$(pane)" "Enter on a result" "no promise of a result list"

keys "/clear"
key Enter
wait_for eval '! pane_has "Commands:"'
ok $? "/clear takes the help out of the window"
pane_has "filler 40"
ok $? "and leaves the messages"

key F1
wait_screen "how many are unread"
ok $? "F1 opens the help"
keys "/clear"
key Enter
wait_for eval '! pane_has "how many are unread"'

keys "?"
wait_screen "how many are unread"
ok $? "? on an empty line opens the help"
input_empty
ok $? "and types nothing"
keys "/clear"
key Enter
wait_for eval '! pane_has "how many are unread"'
keys "why?"
wait_for input_is "why?"
ok $? "? elsewhere is typed"
key C-e C-u

keys "/help foo"
key Enter
wait_screen "unknown command /foo: /help lists the commands"
ok $? "/help foo: unknown command"
keys "/foo"
key Enter
wait_for eval '[ "$(pane | grep -c "unknown command /foo: /help lists the commands")" = 2 ]'
ok $? "/foo says it in the same words"

keys "/go wo"
key Tab
wait_for input_is "/go work"
ok $? "Tab after /go completes a conversation title"
key C-e C-u
keys "/help se"
key Tab
wait_for input_is "/help search"
ok $? "Tab after /help completes a command name"
key C-e C-u
keys "@da"
key Tab
wait_for input_is "@dave"
ok $? "@ and Tab at the start of a line: @dave, no colon"
key C-e C-u
keys "ask da"
key Tab
wait_for input_is "ask @dave"
ok $? "a name mid-line becomes @dave"
key C-e C-u

keys "one two three"
key C-Left
keys "X"
wait_for input_is "one two Xthree"
ok $? "C-Left moves back a word"
key C-Left C-Left C-Right
keys "Y"
wait_for input_is "one twoY Xthree"
ok $? "C-Right moves forward a word"
key C-e C-u

# A paste ending in a line break: the break is not sent as an empty last line.
"${TM[@]}" set-buffer -b p "pasted one
pasted two
"
"${TM[@]}" paste-buffer -p -b p -t natter
wait_for input_is "pasted one↵pasted two"
ok $? "a paste ending in a line break leaves no break at the end of the line"
key Enter
wait_for sh -c "'$NATTER' -D '$T_TMP/dave' sync >/dev/null 2>&1; '$NATTER' -D '$T_TMP/dave' log '$LUNCH' --json | grep -qF 'pasted one\\npasted two\"'"
ok $? "and is sent as the two lines, without an empty third"

keys "/quit"
key Enter
wait_screen "EXIT 0"

# The mouse in SGR form (what terminals send once asked for it): never text.
tm_natter -x 80 -y 24
wait_screen "pasted two"
keys $'\e[<64;50;10M'
wait_screen "scrolled up 3"
ok $? "an SGR wheel report scrolls back"
input_empty
ok $? "and leaves nothing on the input line"
keys $'\e[<65;50;10M'
wait_for eval '! pane_has "scrolled up"'
ok $? "and forward again"
# Row 2 of the list is work; a press there, then its release.
keys $'\e[<0;5;2M\e[<0;5;2m'
wait_screen "| work"
ok $? "a click on a conversation in the list switches to it"
pane_has "work is quiet"
ok $? "and shows it"
input_empty
ok $? "the click typed nothing"

key M-Left
wait_screen "| lunch"
ok $? "M-Left switches to the previous conversation"
key M-Right
wait_screen "| work"
ok $? "M-Right to the next"

keys "/mute"
key Enter
wait_screen "muted work"
wait_for eval 'pane | grep -qE "^ 2~ work"'
ok $? "a muted conversation is marked ~ in the list"

keys "/quit"
key Enter
wait_screen "EXIT 0"
ok $? "/quit leaves with status 0"

# Narrower: each description goes under its command.
tm_natter -x 60 -y 60
wait_screen "| online"
key F1
wait_screen "how many are unread"
out=$(table_holds)
is "$out" "" "at 60 columns the help holds too (description under each command)"
keys "/quit"
key Enter
wait_screen "EXIT 0"
is "$(head -c 2000 "$T_TMP/natter.err")" "" "nothing was written to stderr"
done_testing
