#!/bin/bash
# A launch whose vectors would make one sync request larger than the
# server's 64 KiB limit asks in several requests, each accepted.
. "$(dirname "$0")/launch_lib.sh"

start_server || exit 1
account alice
account bob
# 40 conversations the server has no messages in, while alice's history
# claims every odd number of bob's up to 1199 in each: 600 ranges a vector,
# about 90 KB of `have` in all, so every digest differs.
for i in $(seq 1 40); do
	nat alice new "split-$i" bob
	[ "$RC" -eq 0 ] || diag "new split-$i: $ERR"
done
nat alice conversations --json >/dev/null
# The history is edited behind natter's back, so the cursor of its last
# launch (GET /v1/changes would say nothing changed since) goes too.
sqlite3 -cmd '.timeout 5000' "$T_TMP/alice/history.db" "
	WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 2 FROM k WHERE i < 1199)
	INSERT INTO ranges (conv, sender, lo, hi)
	  SELECT c.id, 'bob', k.i, k.i FROM conversations c, k;
	DELETE FROM meta WHERE key = 'changes_cursor';"
syncs() { metric natter_requests_total 'endpoint="sync"'; }
before=$(syncs)
nat alice sync --json
is "$RC" 0 "a sync with about 90 KB of vectors succeeds"
unlike "$ERR" "too large|-> 413 [(]" "no request was refused as too large"
is "$(jx "$OUT" '$d->{conversations_changed}')" 40 "all 40 conversations were asked about"
requests=$(($(syncs) - before))
[ "$requests" -ge 2 ]
ok $? "the vectors went in $requests requests, each under the limit"

done_testing
