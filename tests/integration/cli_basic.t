#!/usr/bin/env bash
# natter's scriptable commands against the real server: every subcommand,
# exit statuses, wrong password, non-members, the data directory's owner,
# and hostile text kept off the terminal.
. "$(dirname "$0")/cli_lib.sh"

start_server || exit 1

"$NATTER" --version | grep -q '^natter [0-9]'; ok $? "--version"
"$NATTER" --help | grep -q 'send'; ok $? "--help lists the commands"
"$NATTER" -D "$T_TMP/x" frobnicate 2>/dev/null; is $? 2 "unknown command: exit 2"
"$NATTER" -D "$T_TMP/x" </dev/null 2>"$T_TMP/err"; is $? 2 "no command, no server: exit 2 (usage)"
like "$(cat "$T_TMP/err")" "register" "and says how to start"

nat alice -s "$SERVER_URL" register alice
is "$RC" 0 "register alice"
like "$OUT" "logged in as alice" "register says who is logged in"
[ "$(stat -c %a "$T_TMP/alice/credentials")" = 600 ]; ok $? "credentials are mode 0600"
[ "$(stat -c %a "$T_TMP/alice")" = 700 ]; ok $? "data directory is mode 0700"
account bob
account carol

nat dave -s "$SERVER_URL" register alice
is "$RC" 1 "register a taken name: exit 1"
like "$ERR" "taken" "says the name is taken"

NATTER_PASSWORD=wrong-password nat alice2 -s "$SERVER_URL" login alice
is "$RC" 1 "wrong password: exit 1"
like "$ERR" "login rejected" "says the login was rejected"
nat alice2 -s "$SERVER_URL" login alice
is "$RC" 0 "right password logs in (second device)"

nat alice new proj bob
is "$RC" 0 "new: exit 0"
CONV=$OUT
like "$CONV" '^[A-Za-z0-9_-]+$' "new prints the id alone"

nat alice send proj hello bob
is "$RC" 0 "send by title: exit 0 when acknowledged"
printf 'from stdin\n' | "$NATTER" -D "$T_TMP/alice" send "$CONV" -; is $? 0 "send - reads stdin"
nat bob send "$CONV" "$(printf 'evil \033[2J\033]0;pwned\007 text')"
is "$RC" 0 "bob sends text with escape sequences"

before=$(body_bytes)
nat bob sync --json
after=$(body_bytes)
is "$RC" 0 "sync: exit 0"
wire=$(jx "$OUT" '$d->{bytes_received}')
body=$((after - before))
[ "$wire" -ge "$body" ] && [ "$wire" -le $((body + 1500)) ]; ok $? \
	"bytes_received ($wire) = the server's body bytes ($body) + headers"
is "$(jx "$OUT" '$d->{fetched_from_server}')" 2 "bob fetches alice's 2 messages (his own is already stored)"
like "$(jx "$OUT" '$d->{bytes_received}')" '^[1-9][0-9]*$' "sync reports wire bytes"
nat bob sync --json
is "$(jx "$OUT" '$d->{fetched_from_server}.",".$d->{conversations_changed}')" "0,0" \
	"second sync: digests equal, nothing fetched"

nat alice conversations
is "$RC" 0 "conversations: exit 0"
is "$OUT" "$CONV	proj	alice,bob	1" "id, title, members, unread (bob's one message)"
nat alice conversations --json
is "$(jx "$OUT" '$d->[0]{id}." ".$d->[0]{title}." ".join(",",@{$d->[0]{members}})')" \
	"$CONV proj alice,bob" "conversations --json"

nat alice log proj
is "$RC" 0 "log: exit 0"
is "$(printf '%s\n' "$OUT" | grep -vc '^--- ')" 3 "log: one line per message, besides the date lines"
like "$(printf '%s\n' "$OUT" | head -1)" '^--- [A-Z][a-z][a-z] [0-9][0-9] [A-Z][a-z][a-z] 20[0-9][0-9]$' "log: a date line first"
like "$(printf '%s\n' "$OUT" | sed -n 2p)" '^[0-9][0-9]:[0-9][0-9] alice: hello bob$' "log line: HH:MM sender: text"
unlike "$OUT" $'\033' "no escape character reaches the terminal"
unlike "$OUT" $'\007' "no bell reaches the terminal"
nat alice log proj -n 1 --json
is "$(jx "$OUT" 'scalar(@$d).":".$d->[0]{sender}.":".$d->[0]{seq}')" "1:bob:1" "log -n 1 --json: the newest"
nat alice conversations
like "$OUT" '	1$' "log leaves the conversation unread: a script reading a log has not read it"
nat alice read proj
nat alice conversations
like "$OUT" '	0$' "natter read marks it read"

nat carol log "$CONV"
is "$RC" 1 "non-member log: exit 1, not an empty success"
like "$ERR" "not a member" "says not a member"
nat carol send "$CONV" intrusion
is "$RC" 1 "non-member send: exit 1"
like "$ERR" "not a member" "send says not a member"
nat carol log nosuchtitle
is "$RC" 1 "unknown title: exit 1"
nat bob log proj -n x
is "$RC" 2 "bad -n: exit 2"
nat bob send
is "$RC" 2 "send without arguments: exit 2"

nat bob -s "$SERVER_URL" login alice
is "$RC" 2 "another account in bob's data directory is refused"
like "$ERR" "-D" "and -D is suggested"

nat alice2 sync
nat alice2 log proj
is "$(printf '%s\n' "$OUT" | grep -vc '^--- ')" 3 "second device gets the history by sync"

# The config supplies server and user; -s overrides the config.
mkdir -p "$XDG_CONFIG_HOME/natter"
printf '# test config\nserver = %s\nuser = erin\n' "$SERVER_URL" >"$XDG_CONFIG_HOME/natter/config"
nat erin register
is "$RC" 0 "register with server and user from the config"
like "$OUT" "as erin at $SERVER_URL" "config values used"
nat erin -s http://127.0.0.1:1 sync
is "$RC" 2 "-s overrides the config: another server is refused for this data directory"
like "$ERR" "holds the history of erin at $SERVER_URL" "saying whose history it holds"
printf 'server\n' >"$XDG_CONFIG_HOME/natter/config"
nat erin sync
is "$RC" 2 "a malformed config is a usage error"
like "$ERR" "config line 1" "naming the line"
rm -f "$XDG_CONFIG_HOME/natter/config"

# send --lines with the "-" its usage shows; options after CONV are refused, -- sends them as text.
printf 'l1\nl2\n' | "$NATTER" -D "$T_TMP/alice" send --lines proj -
is "$?" 0 "send --lines CONV - reads the lines from stdin"
nat alice send proj --lines -
is "$RC" 2 "send CONV --lines -: a usage error, not the text \"--lines -\""
like "$ERR" "options go before the conversation" "saying where options go"
nat alice send proj -- --lines -
is "$RC" 0 "send CONV -- --lines -: sent as text"
nat alice log proj -n 3 --json
is "$(jx "$OUT" 'join "|", map { $_->{body} } @$d')" "l1|l2|--lines -" "exactly those three, in order"

# Errors that repeat a name reach the terminal sanitised (issue 16): no escape, no bell.
EVIL=$(printf 'dup\033]0;PWN\007')
nat carol new "$EVIL" bob
nat carol new "$EVIL" bob
nat carol send "$EVIL" hello
is "$RC" 2 "two conversations with the same title: a usage error"
like "$ERR" "several conversations" "that lists them"
case $ERR in *$'\033'* | *$'\007'*) ok 1 "the title is shown without its escape and bell" ;; *) ok 0 "the title is shown without its escape and bell" ;; esac
nat carol "$(printf 'x\033[2J')"
case $ERR in *$'\033'*) ok 1 "an unknown command is repeated without its escape" ;; *) ok 0 "an unknown command is repeated without its escape" ;; esac

nat alice logout
is "$RC" 0 "logout: exit 0"
nat alice send proj more
is "$RC" 1 "after logout commands need a login"
like "$ERR" "not logged in" "says so"
nat alice log proj
is "$RC" 0 "history is still readable offline after logout"

stop_server
# Flags override the config and the config overrides defaults: one retry keeps this quick.
mkdir -p "$XDG_CONFIG_HOME/natter"
printf 'http.retries = 1\n' >"$XDG_CONFIG_HOME/natter/config"
nat bob send proj "while down"
is "$RC" 75 "server down: send exits 75"
like "$ERR" "queued: server unreachable, will be sent on next sync" "and says it is queued"
nat bob conversations
is "$RC" 0 "conversations offline: shows what is stored"
like "$ERR" "unreachable" "with a warning"
nat bob sync
is "$RC" 75 "sync offline: exit 75"

done_testing
