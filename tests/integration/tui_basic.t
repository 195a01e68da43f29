#!/bin/bash
# The interactive interface in a real terminal (tmux): first paint from
# history.db, wide characters, hostile text made inert, typing sends, live
# messages, completion, inline errors, resize down to 20x5, an offline send
# delivered on reconnect, and /quit.
. "$(dirname "$0")/tui_lib.sh"

export NATTER_PASSWORD=password123
start_server -d "$T_TMP/server.db" || { echo "1..0 # SKIP no server"; exit 0; }
PORT=${SERVER_URL##*:}
DAVE=(-D "$T_TMP/dave")
"$NATTER" -s "$SERVER_URL" register carol >/dev/null
"$NATTER" "${DAVE[@]}" -s "$SERVER_URL" register dave >/dev/null
C=$("$NATTER" new lunch dave)

# Without a terminal the interface refuses politely.
out=$("$NATTER" </dev/null 2>&1)
like "$out" "needs a terminal" "without a terminal: a clear refusal"

"$NATTER" "${DAVE[@]}" send "$C" "wide 中文 and 😀 emoji" >/dev/null
"$NATTER" "${DAVE[@]}" send "$C" "$(printf 'evil \033]0;pwned\007\033[2J\033[31mred after')" >/dev/null
"$NATTER" "${DAVE[@]}" send "$C" "$(printf 'c1 \xc2\x9b31m bidi \xe2\x80\xaeevil tab\there')" >/dev/null
"$NATTER" sync >/dev/null

tm_natter -x 80 -y 24
title0=$("${TM[@]}" display -p -t natter '#{pane_title}')

wait_for pane_has "red after"
ok $? "first screen shows the history"
like "$(pane)" "lunch" "the conversation list shows the conversation"
like "$(pane)" "wide 中文 and 😀 emoji" "wide characters and emoji drawn whole"
like "$(pane)" "evil ␛\]0;pwned␇␛\[2J␛\[31mred after" "escape sequences shown as visible placeholders"
is "$("${TM[@]}" display -p -t natter '#{pane_title}')" "$title0" "the pane title is unchanged"
like "$(pane)" "c1 �31m bidi �evil tab +here" "C1 controls and bidi overrides shown as U+FFFD, tab as spaces"
like "$(pane)" "wide 中文" "the screen was not cleared by the message"

keys "hello from the terminal"
key Enter
wait_for sh -c "'$NATTER' -D '$T_TMP/dave' sync >/dev/null; '$NATTER' -D '$T_TMP/dave' log '$C' | grep -q 'hello from the terminal'"
ok $? "typing a line and Enter sends it"

"$NATTER" "${DAVE[@]}" send "$C" "live ping" >/dev/null
wait_for pane_has "live ping"
ok $? "a live message appears without a key press"

keys "/frobnicate"
key Enter
wait_for pane_has "unknown command /frobnicate"
ok $? "an unknown command is an inline error"

keys "da"
key Tab
wait_for pane_has "> dave:"
ok $? "Tab completes a member name"
key C-u

"${TM[@]}" resize-window -t natter -x 20 -y 5
sleep 0.3
"${TM[@]}" resize-window -t natter -x 80 -y 24
wait_for pane_has "live ping"
ok $? "after 20x5 and back, the view reflows and natter still runs"
unlike "$(pane)" "EXIT" "natter did not exit on resize"

stop_server
keys "sent while offline"
key Enter
wait_for pane_has "1 queued"
ok $? "an offline send waits in the outbox, shown as queued"
# text_dim TEXT: the line showing TEXT draws it dimmed (SGR 2 after the sender's ">").
text_dim() {
	local line rest
	line=$("${TM[@]}" capture-pane -e -p -t natter | grep -F -- "$1" | tail -1)
	rest=${line##*>}
	[[ $rest == *$'\e[2m'* || $rest == *';2m'* ]]
}
not_dim() { ! text_dim "$1"; }
text_dim "sent while offline"
ok $? "the queued message is drawn dimmed until the server has it"
wait_for pane_has "offline (retrying)"
ok $? "the status line says the server is unreachable"
"$SERVER" -p "$PORT" -d "$T_TMP/server.db" >"$T_TMP/server.2.log" 2>&1 &
T_PIDS+=("$!")
wait_for sh -c "'$NATTER' -D '$T_TMP/dave' sync >/dev/null 2>&1; '$NATTER' -D '$T_TMP/dave' log '$C' | grep -q 'sent while offline'"
ok $? "the queued send is delivered when the server is back"
wait_for pane_has "| online |"
ok $? "and online again once it is back"
wait_for not_dim "sent while offline"
ok $? "and no longer dimmed once acknowledged"
n=$("$NATTER" "${DAVE[@]}" log "$C" | grep -c 'sent while offline')
is "$n" "1" "and delivered exactly once"

keys "/quit"
key Enter
wait_for pane_has "EXIT 0"
ok $? "/quit leaves with status 0"
is "$(head -c 2000 "$T_TMP/natter.err")" "" "nothing was written to stderr (no sanitizer report either)"

done_testing
