#!/bin/bash
# What the interface marks and says, checked against what happened: no
# "since you left" on a first run; no + for what was not news; the marker
# directly above the first new message; mentions highlighted and @ in the
# list; the status line never stale (/new answered, /search found nothing);
# a search hit that does not hide what came later; two conversations of the
# same title picked by number; /close kept across a restart until news.
. "$(dirname "$0")/tui_lib.sh"

export NATTER_PASSWORD=password123
start_server || { echo "1..0 # SKIP no server"; exit 0; }
DAVE=(-D "$T_TMP/dave")
"$NATTER" -s "$SERVER_URL" register carol >/dev/null
"$NATTER" "${DAVE[@]}" -s "$SERVER_URL" register dave >/dev/null
LUNCH=$("$NATTER" "${DAVE[@]}" new lunch carol)
WORK=$("$NATTER" "${DAVE[@]}" new work carol)
"$NATTER" "${DAVE[@]}" send "$WORK" "a needle in the work haystack" >/dev/null
"$NATTER" "${DAVE[@]}" send "$LUNCH" "first lunch message" >/dev/null

nl=$'\n'
# list_mark N: the mark before conversation N in the list ("+", "@" or " ").
list_mark() { pane | sed -n "$1p" | cut -c1; }

# The first run on this device: nothing was read here, nobody "left".
tm_natter -x 100 -y 24
wait_screen "first lunch message"
ok $? "the first run shows the conversation with the newest message"
wait_screen "| online"
unlike "$(pane)" "since you left" "the first run does not say \"since you left\""

# Own messages sent elsewhere (here: the CLI on the same data) are no news.
"$NATTER" send "$WORK" "carol from the command line" >/dev/null
sleep 1.5
is "$(list_mark 2)" " " "an own message sent from elsewhere puts no + on its conversation"
"$NATTER" "${DAVE[@]}" send "$WORK" "dave in work" >/dev/null
wait_for eval '[ "$(list_mark 2)" = "+" ]'
ok $? "a message from someone else does"

# A mention: @ in the list, and the line highlighted.
"$NATTER" "${DAVE[@]}" send "$WORK" "Carol: can you look at this?" >/dev/null
wait_for eval '[ "$(list_mark 2)" = "@" ]'
ok $? "a message naming the user marks its conversation @ in the list"
key M-2
wait_screen "can you look at this?"
# mention_line TEXT: the line showing TEXT draws its text bold (SGR 1).
bold_text() {
	local line rest
	line=$("${TM[@]}" capture-pane -e -p -t natter | grep -F -- "$1" | tail -1)
	rest=${line##*>}
	[[ $rest == *$'\e[1m'* || $rest == *$'\e[1;'* || $rest == *';1m'* || $rest == *';1;'* ]]
}
bold_text "can you look at this?"
ok $? "the line naming the user is highlighted"
! bold_text "dave in work"
ok $? "a line not naming the user is not"
is "$(list_mark 2)" " " "showing the conversation clears its @"

# The marker sits directly above the first new message, not above notices.
key M-1
wait_screen "| lunch"
keys "/frobnicate"
key Enter
wait_screen "unknown command /frobnicate"
key M-2
wait_screen "| work"
"$NATTER" "${DAVE[@]}" send "$LUNCH" "new lunch 1" >/dev/null
"$NATTER" "${DAVE[@]}" send "$LUNCH" "new lunch 2" >/dev/null
wait_for eval '[ "$(list_mark 1)" = "+" ]'
key M-1
wait_screen "new lunch 2"
like "$(pane)" "starting with /[^$nl]*$nl[^$nl]*2 new since you left[^$nl]*$nl[^$nl]*new lunch 1" \
	"the marker is directly above the first new message, under the notice"

# /new: the status line says it is waiting, and stops when answered.
keys "/new x nosuchuser"
key Enter
wait_screen "cannot create"
unlike "$(pane)" "creating x" "after /new failed the status line no longer says creating"
keys "/new proj dave"
key Enter
wait_screen "| proj"
sleep 0.5
unlike "$(pane)" "creating proj" "after /new succeeded neither"

# /search: the hit is shown with what it is, and a notice leaves it.
seq 1 5 | sed 's/^/later /' | "$NATTER" "${DAVE[@]}" send --lines "$WORK" >/dev/null
keys "/search needle"
key Enter
wait_screen "match 1 of 1"
ok $? "/search shows the hit"
like "$(pane)" "PageDown for the newest" "the status line says newer messages are below it"
unlike "$(pane)" "later 5" "the window ends at the hit"
keys "/go nope3"
key Enter
wait_screen 'no conversation "nope3"'
ok $? "/go to a missing conversation says so"
wait_screen "later 5"
ok $? "and the window shows the newest messages again, the notice under them"
unlike "$(pane)" "match 1 of 1" "the match is no longer claimed"
keys "/search needle"
key Enter
wait_screen "match 1 of 1"
keys "/search zzzznothing"
key Enter
wait_screen 'no message contains "zzzznothing"'
unlike "$(pane)" "match 1 of 1" "a search that found nothing leaves no stale match on the status line"

# Two conversations titled "proj": /go lists them to pick one by number.
P2=$("$NATTER" "${DAVE[@]}" new proj carol)
"$NATTER" "${DAVE[@]}" send "$P2" "in the second proj" >/dev/null
wait_for eval 'pane | grep -qE "^.4 proj"'
keys "/go proj"
key Enter
wait_screen "2 conversations match \"proj\""
ok $? "/go proj with two of that title lists them"
n=$(pane | grep -oE "/go [0-9]+ +proj \(with dave; id $P2\)" | grep -oE "[0-9]+" | head -1)
[ -n "$n" ]
ok $? "each with its number, members and id"
keys "/go $n"
key Enter
wait_screen "in the second proj"
ok $? "and /go N opens the one picked"

# /close: out of the list, across a restart, until something new arrives.
keys "/close work"
key Enter
wait_screen "closed work"
ok $? "/close confirms"
unlike "$(pane | cut -c1-19)" "work" "the conversation is no longer in the list"
keys "/quit"
key Enter
wait_screen "EXIT 0"
tm_natter -x 100 -y 24
wait_screen "| online"
unlike "$(pane | cut -c1-19)" "work" "still closed after a restart"
is "$(list_mark 1)" " " "a launch with nothing new puts no + on lunch"
is "$(list_mark 2)" " " "nor on the next conversation"
"$NATTER" "${DAVE[@]}" send "$WORK" "work again" >/dev/null
wait_for eval 'pane | cut -c1-19 | grep -q "work"'
ok $? "something new brings it back to the list"
keys "/quit"
key Enter
wait_screen "EXIT 0"
ok $? "/quit leaves with status 0"

# A mention that came while natter was closed is marked @ at the next launch.
"$NATTER" "${DAVE[@]}" send "$P2" "@carol see this" >/dev/null
"$NATTER" "${DAVE[@]}" send "$LUNCH" "lunch again" >/dev/null
tm_natter -x 100 -y 24
wait_screen "| online"
wait_for eval '[ "$(pane | grep -E "^.[0-9]+ proj" | tail -1 | cut -c1)" = "@" ]'
ok $? "a mention made while natter was closed marks its conversation @"
keys "/quit"
key Enter
wait_screen "EXIT 0"
is "$(head -c 2000 "$T_TMP/natter.err")" "" "nothing was written to stderr"
done_testing
