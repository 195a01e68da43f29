#!/usr/bin/env bash
# natter sync fetches by vector only what history.db lacks, over several
# rounds when the server says `more`, and skips conversations whose digest
# matches: no message is delivered twice.
. "$(dirname "$0")/cli_lib.sh"

start_server || exit 1
account alice
account bob
nat alice new big bob; BIG=$OUT
nat alice new small bob; SMALL=$OUT

seq 1 2500 | sed 's/^/big /' | "$NATTER" -D "$T_TMP/alice" send --lines "$BIG"
is "$?" 0 "alice sends 2500 messages"
nat bob send "$SMALL" "bob's own"
nat alice send "$SMALL" "one for bob"

d0=$(metric natter_messages_delivered_total 'via="sync"')
nat bob sync --json
is "$RC" 0 "bob syncs"
is "$(jx "$OUT" '$d->{fetched_from_server}')" 2501 "fetches the 2501 messages he lacks"
d1=$(metric natter_messages_delivered_total 'via="sync"')
is "$((d1 - d0))" 2501 "the server delivered exactly those (his own message not again)"
nat bob log "$BIG" --json
is "$(jx "$OUT" 'scalar @$d')" 2500 "all 2500 in the history (three rounds of at most 1000)"
is "$(jx "$OUT" '$d->[0]{body}."|".$d->[-1]{body}')" "big 1|big 2500" "in order"

s0=$(metric natter_requests_total 'endpoint="sync"')
nat bob sync --json
is "$(jx "$OUT" '$d->{fetched_from_server}.",".$d->{conversations_changed}')" "0,0" "nothing new"
s1=$(metric natter_requests_total 'endpoint="sync"')
is "$((s1 - s0))" 0 "digests match: no /v1/sync request at all"

nat alice send "$SMALL" "later"
nat bob sync --json
is "$(jx "$OUT" '$d->{fetched_from_server}.",".$d->{conversations_changed}')" "1,1" \
	"one new message: only its conversation is asked about"
d2=$(metric natter_messages_delivered_total 'via="sync"')
is "$((d2 - d1))" 1 "and only it is delivered"

done_testing
