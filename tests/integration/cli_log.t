#!/usr/bin/env bash
# natter log with dates: a date line at the start and at each change of day,
# ISO 8601 timestamps with --format iso, and --since/--until as a date, a
# date and time, or an age; bad input is a usage error that says what to type.
. "$(dirname "$0")/cli_lib.sh"
export TZ=UTC

start_server || exit 1
account alice
account bob
nat alice new proj bob
CONV=$OUT
for w in one two three four; do nat alice send proj "message $w"; done
is "$RC" 0 "four messages sent"

# Spread them over three days of 2020, as if sent then: 30 Nov 09:15,
# 1 Dec 23:59:30, 2 Dec 00:00:10 and 2 Dec 10:00 (UTC). log reads history.db alone.
ms() { echo $(($(date -u -d "$1" +%s) * 1000)); }
sqlite3 "$T_TMP/alice/history.db" "
	UPDATE messages SET ts = $(ms '2020-11-30 09:15') WHERE body = 'message one';
	UPDATE messages SET ts = $(ms '2020-12-01 23:59:30') WHERE body = 'message two';
	UPDATE messages SET ts = $(ms '2020-12-02 00:00:10') WHERE body = 'message three';
	UPDATE messages SET ts = $(ms '2020-12-02 10:00') WHERE body = 'message four';"

nat alice log proj
is "$RC" 0 "log: exit 0"
is "$OUT" "--- Mon 30 Nov 2020
09:15 alice: message one
--- Tue 01 Dec 2020
23:59 alice: message two
--- Wed 02 Dec 2020
00:00 alice: message three
10:00 alice: message four" "log: a date line first and at each change of day"

nat alice log proj -n 2
is "$OUT" "--- Wed 02 Dec 2020
00:00 alice: message three
10:00 alice: message four" "log -n 2: the last two under their date"

nat alice log proj --format iso
is "$OUT" "2020-11-30T09:15:00+00:00 alice: message one
2020-12-01T23:59:30+00:00 alice: message two
2020-12-02T00:00:10+00:00 alice: message three
2020-12-02T10:00:00+00:00 alice: message four" "--format iso: one timestamp a line, no date lines"
TZ=CET-1 nat alice log proj --format iso -n 1
is "$OUT" "2020-12-02T11:00:00+01:00 alice: message four" "--format iso: local time with its offset"
TZ=CET-1 nat alice log proj -n 3
is "$OUT" "--- Wed 02 Dec 2020
00:59 alice: message two
01:00 alice: message three
11:00 alice: message four" "text: the days are local days (23:59:30 UTC is 00:59 in CET)"

nat alice log proj --since 2020-12-01 --format iso
like "$OUT" "^2020-12-01T23:59:30" "--since DATE: from that day's midnight"
is "$(printf '%s\n' "$OUT" | wc -l)" 3 "--since DATE: three messages"
nat alice log proj --until 2020-12-02
is "$OUT" "--- Mon 30 Nov 2020
09:15 alice: message one
--- Tue 01 Dec 2020
23:59 alice: message two" "--until DATE: before that day's midnight"
nat alice log proj --since "2020-12-01 23:59:30" --until "2020-12-02T00:00:11"
is "$OUT" "--- Tue 01 Dec 2020
23:59 alice: message two
--- Wed 02 Dec 2020
00:00 alice: message three" "--since and --until with a date and time (seconds, T or a space)"
nat alice log proj --since 2020-11-01 --until 2020-11-02
is "$RC$OUT" "0" "a range with nothing in it: nothing, exit 0"
nat alice log proj --json --since 2020-12-02 -n 1
is "$(jx "$OUT" 'scalar(@$d).":".$d->[0]{body}')" "1:message four" "--json with --since and -n"
nat alice log proj --format json --until 2020-12-01
is "$(jx "$OUT" 'scalar(@$d).":".$d->[0]{body}')" "1:message one" "--format json"

# Relative forms: one message now, the others days ago.
nat alice send proj "message five"
nat alice log proj --since 2h
is "$OUT" "--- $(date -u +'%a %d %b %Y')
$(date -u +%H:%M -d "@$(sqlite3 "$T_TMP/alice/history.db" \
	"SELECT ts / 1000 FROM messages WHERE body = 'message five'")") alice: message five" \
	"--since 2h: only the message of the last two hours"
nat alice log proj --since 30m --until 10m
is "$RC$OUT" "0" "--since 30m --until 10m: nothing"
nat alice log proj --since 1w --format iso
is "$(printf '%s\n' "$OUT" | wc -l)" 1 "--since 1w: the one message younger than a week (the others are dated 2020)"

nat alice log proj --since yesterday
is "$RC" 2 "--since yesterday: a usage error (exit 2)"
like "$ERR" '^natter: --since: cannot read "yesterday" as a time: give a date \(2026-12-01\), a date and time \(2026-12-01 14:30\)' \
	"and says what it could not read and what to type"
nat alice log proj --until 2026-02-30
is "$RC" 2 "--until 2026-02-30: no such day, exit 2"
like "$ERR" '--until: cannot read "2026-02-30"' "says so"
nat alice log proj --since "$(printf '1d\033[2J')"
unlike "$ERR" $'\e' "a bad --since is repeated without its escape sequence"
nat alice log proj --format csv
is "$RC:$ERR" "2:natter: --format wants text, iso or json, not csv" "--format csv: usage error"
nat alice log proj --since 1d --until 2d
like "$ERR" "is not before --until" "--since after --until: a usage error"

done_testing
