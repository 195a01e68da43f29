#!/usr/bin/env bash
# Message operations through the command line (docs/protocol.md, "Items"):
# edit, delete, reply, react across two users and two devices of one user;
# only the sender edits or deletes; log --json ids and folded fields; a
# deletion leaves no byte of the text in the recipients' data directories
# nor in the server's database; offline operations wait in the outbox;
# nothing is downloaded twice; a server without items is refused politely.
. "$(dirname "$0")/cli_lib.sh"

# fetched WHO: syncs WHO and prints how many messages came from the server.
fetched() { nat "$1" sync --json; jx "$OUT" '$d->{fetched_from_server}'; }
# grep_dir DIR WORD: how many files under DIR hold WORD (bytes).
grep_dir() { grep -ral -- "$2" "$1" 2>/dev/null | wc -l; }
# serve ARGS...: (re)starts the server on $PORT with the database $DB.
serve() {
	T_SERVERS=$((T_SERVERS + 1))
	"$SERVER" -p "$PORT" -d "$DB" "$@" >"$T_TMP/server.$T_SERVERS.log" 2>&1 &
	SERVER_PID=$!
	T_PIDS+=("$SERVER_PID")
	wait_for grep -q '^listening on' "$T_TMP/server.$T_SERVERS.log"
}

DB=$T_TMP/server.db
start_server -d "$DB" || exit 1
PORT=${SERVER_URL##*:}
account alice
account bob
nat alice2 -s "$SERVER_URL" login alice
nat alice new proj bob; PROJ=$OUT
nat alice send proj "lunch at noon zanzibar?"
is "$(fetched bob)" 1 "bob fetches the message"
nat bob log proj --json
is "$(jx "$OUT" '$d->[0]{id} . " " . $d->[0]{body} . " " . ($d->[0]{edited} ? 1 : 0)')" \
	"alice:1 lunch at noon zanzibar? 0" "log --json gives the message its id SENDER:SEQ"

# Edit: the sender only; everyone sees the new text, marked edited.
nat alice edit proj alice:1 lunch at one quokka?
is "$RC $ERR" "0 " "alice edits alice:1"
nat bob edit proj alice:1 mine now
is "$RC" 2 "bob cannot edit alice's message"
like "$ERR" "only alice may edit alice:1" "and is told why"
nat bob delete proj alice:1
is "$RC" 2 "bob cannot delete it either"
nat alice edit proj 7 no such message
is "$RC" 1 "an edit of a message that does not exist is refused"
like "$ERR" "alice:7" "naming it"
nat alice edit proj alice:x text
is "$RC" 2 "an id that is no SENDER:SEQ is a usage error"
is "$(fetched bob)" 1 "bob fetches the edit, one item"
nat bob log proj
like "$OUT" "alice: lunch at one quokka\? \(edited\)$" "bob's log shows the new text, edited"
unlike "$OUT" "noon" "and not the old one"
nat alice2 sync
nat alice2 log proj --json
is "$(jx "$OUT" 'scalar(@$d) . " " . $d->[0]{body} . " " . ($d->[0]{edited} ? 1 : 0)')" \
	"1 lunch at one quokka? 1" "alice's other device too, still one line"

# Reactions: counts and who, taken back with --remove.
nat bob react proj alice:1 👍
is "$RC" 0 "bob reacts"
nat alice2 react proj 1 👍
is "$RC" 0 "alice reacts from her other device (a bare number is her own seq)"
nat alice react proj alice:1 "a b"
is "$RC" 2 "a reaction with a space is refused"
nat alice sync
nat alice log proj
like "$OUT" $'\n      👍 2 \\(bob, alice\\)' "reactions below the line, with count and who"
nat bob react proj alice:1 👍 --remove
is "$RC" 0 "bob takes his back"
nat alice sync
nat alice log proj --json
is "$(jx "$OUT" 'join ";", map { "$_->{reaction} $_->{count} @{$_->{users}}" } @{$d->[0]{reactions}}')" \
	"👍 1 alice" "log --json: reactions with count and users"
nat alice conversations --json
is "$(jx "$OUT" '$d->[0]{unread}')" 0 "bob's reactions are no unread messages for alice"

# Reply: a quote of the target.
nat bob reply proj alice:1 sure
is "$RC" 0 "bob replies"
nat alice sync
nat alice log proj
like "$OUT" $'      > alice: lunch at one quokka\\?\n[0-9:]+ bob: sure' "the reply is shown after a quote of its target"
nat alice log proj --json
is "$(jx "$OUT" '$d->[1]{reply}{id} . " " . $d->[1]{reply}{body}')" "alice:1 lunch at one quokka?" \
	"log --json: reply with the target's id and text"

# Delete: the text is gone everywhere.
nat bob sync
ok $(($(grep_dir "$T_TMP/bob" zanzibar) == 0)) "before the deletion, bob's files hold the text"
nat alice delete proj alice:1
is "$RC" 0 "alice deletes alice:1"
nat alice delete proj alice:1
is "$RC" 1 "a deleted message cannot be deleted again"
nat alice edit proj alice:1 back
is "$RC" 1 "nor edited"
is "$(fetched bob)" 1 "bob fetches the delete, one item"
nat alice2 sync
nat bob log proj
like "$OUT" "alice: \(deleted\)" "bob's log shows (deleted)"
like "$OUT" "      > alice: \(deleted\)" "and the reply quotes it as deleted"
for who in alice alice2 bob; do
	is "$(grep_dir "$T_TMP/$who" zanzibar) $(grep_dir "$T_TMP/$who" quokka)" "0 0" \
		"no file of $who's data directory holds the deleted text or its edit"
done
is "$(cat "$DB"* | grep -ac -e zanzibar -e quokka)" 0 "nor the server's database"

# Offline: queued like a send, delivered once.
stop_server
mkdir -p "$XDG_CONFIG_HOME/natter"
printf 'http.retries = 1\n' >"$XDG_CONFIG_HOME/natter/config"
nat bob edit proj bob:3 sure, at one
is "$RC" 75 "an edit while the server is down: exit 75"
like "$ERR" "queued" "queued"
nat bob react proj bob:3 🎉
is "$RC" 75 "a reaction too"
serve
nat bob sync --json
is "$(jx "$OUT" '$d->{sent}')" 2 "the next sync delivers both"
is "$(fetched alice)" 2 "alice fetches two items"
is "$(fetched alice)" 0 "and nothing again"
nat alice log proj
like "$OUT" "bob: sure, at one \(edited\)" "the offline edit arrived"
like "$OUT" "🎉 1 \(bob\)" "and the reaction"

# A server without items: nothing is sent, the user is told.
stop_server
serve --protocol 1.0
nat alice send proj plain text
is "$RC" 0 "a plain send works with a 1.0 server"
nat alice react proj bob:3 👍
is "$RC" 2 "a reaction is refused"
like "$ERR" "does not support" "saying the server does not support it"
nat bob sync
nat bob log proj --json
is "$(jx "$OUT" 'join "|", map { $_->{body} } @$d')" "|sure, at one|plain text" "and nothing of it reached bob"
done_testing
