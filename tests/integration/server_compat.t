#!/usr/bin/env bash
# natter-server-mock: the requests of a client from before /v1/changes and sync
# continuations (register, login, conversations, send, sync by vector with
# `more` loops, events long-poll, logout) get answers of the same shape as from
# the server before them (--protocol 1.0), and the shapes written here.
. "$(dirname "$0")/server_lib.sh"

# shape JSON: the JSON's structure: object keys (sorted) with the shape of their
# values, arrays as the set of their elements' shapes, str, num and bool.
shape() {
	printf '%s' "$1" | perl -MJSON::PP -MB -e 'local $/;
		sub sh { my $x = shift; my $r = ref $x;
			return "{" . join(",", map { "$_:" . sh($x->{$_}) } sort keys %$x) . "}" if $r eq "HASH";
			if ($r eq "ARRAY") { my %u; $u{sh($_)} = 1 for @$x; return "[" . join("|", sort keys %u) . "]" }
			return "bool" if JSON::PP::is_bool($x);
			return "null" unless defined $x;
			return B::svref_2object(\$x)->FLAGS & B::SVp_POK ? "str" : "num" }
		print sh(JSON::PP->new->decode(<STDIN>))'
}
# step LABEL METHOD PATH [BODY] [TOKEN]: one request; records "LABEL STATUS SHAPE"
# in $LOG (without "next", health's "items", a conversation's "admins" and the
# answers' "epoch", optional fields which old clients ignore), sets OUT.
step() {
	local label=$1
	shift
	call "$@"
	local s
	s=$(shape "$OUT")
	if [[ $s == *next:str* ]]; then
		NEXTS=$((NEXTS + 1))
		[ "$(jx "$OUT" '$d->{more} ? 1 : 0')" = 1 ] || NEXT_BAD=$((NEXT_BAD + 1))
	fi
	s=${s//,next:str/}
	[[ $s == *admins:* ]] && ADMINS=$((ADMINS + 1))
	s=${s//admins:\[str\],/}
	s=${s//items:bool,/}
	[[ $s == *epoch:\{generation:num,server:str\}* ]] && EPOCHS=$((EPOCHS + 1))
	s=${s//epoch:\{generation:num,server:str\},/}
	echo "$label $HTTP_STATUS $s" >>"$LOG"
}
# sync_loop LABEL TOKEN BODY-EXTRA: a vector sync with limit 3 repeated while
# more, as clients before continuations do; sets GOT (sender+seq of every message).
sync_loop() {
	local label=$1 tok=$2 extra=$3 have='{}' rounds=0
	GOT=""
	while :; do
		step "$label" POST /v1/sync "{\"have\":$have,\"limit\":3$extra}" "$tok"
		GOT="$GOT $(jx "$OUT" 'join " ", map { "$_->{sender}$_->{seq}" } @{$d->{messages}}')"
		rounds=$((rounds + 1))
		[ "$(jx "$OUT" '$d->{more} ? 1 : 0')" = 1 ] && [ $rounds -lt 20 ] || break
		have=$(printf '%s' "$GOT" | perl -e 'my %m; for (split " ", <STDIN>) {
			/^([a-z]+)(\d+)$/ or next; my ($c, $s) = ($1, $2); $m{$c} = $s if !$m{$c} || $s > $m{$c} }
			print "{\"$ARGV[0]\":{" . join(",", map { "\"$_\":\"" . ($m{$_} > 1 ? "1-$m{$_}" : "1") . "\"" } sort keys %m) . "}}"' "$CONV")
	done
	GOT=${GOT# }
}

# scenario: today's requests, each recorded in $LOG.
scenario() {
	step health GET /v1/health
	step register POST /v1/register '{"user":"alice","password":"password-alice"}'
	A=$(jx "$OUT" '$d->{token}')
	step register POST /v1/register '{"user":"bob","password":"password-bob"}'
	B=$(jx "$OUT" '$d->{token}')
	step register-taken POST /v1/register '{"user":"bob","password":"password-bob"}'
	step login POST /v1/login '{"user":"alice","password":"password-alice"}'
	A2=$(jx "$OUT" '$d->{token}')
	step login-bad POST /v1/login '{"user":"alice","password":"wrong-password"}'
	step new-conv POST /v1/conversations '{"title":"t","members":["bob"]}' "$A"
	CONV=$(jx "$OUT" '$d->{id}')
	step list-empty GET /v1/conversations "" "$A"
	step events-now GET /v1/events "" "$A"
	CUR=$(jx "$OUT" '$d->{cursor}')
	local i who
	for i in $(seq 1 10); do
		who=A
		[ $((i % 3)) = 0 ] && who=B
		step send POST "/v1/conversations/$CONV/messages" "{\"client_id\":\"k$i\",\"body\":\"m$i\"}" "${!who}"
	done
	step resend POST "/v1/conversations/$CONV/messages" '{"client_id":"k1","body":"again"}' "$A"
	step send-404 POST /v1/conversations/cnothere/messages '{"client_id":"x","body":"x"}' "$A"
	step list GET /v1/conversations "" "$A2"
	step get-one GET "/v1/conversations/$CONV" "" "$A"
	sync_loop sync "$A" ""
	SYNC_ALL=$GOT
	sync_loop sync-scope "$B" ",\"conversations\":[\"$CONV\"]"
	SYNC_SCOPE=$GOT
	step sync-uptodate POST /v1/sync "{\"have\":{\"$CONV\":{\"alice\":\"1-7\",\"bob\":\"1-3\"}}}" "$A"
	step sync-bad POST /v1/sync '{"have":{"cnothere":{}}}' "$A"
	step sync-limit POST /v1/sync '{"have":{},"limit":1000}' "$A"
	step events-after GET "/v1/events?after=$CUR&timeout=0" "" "$B"
	# A long-poll woken by a new message.
	local t0=$SECONDS
	(sleep 1; curl -s -o /dev/null -X POST -H "Authorization: Bearer $A" \
		--data-binary '{"client_id":"late","body":"late"}' \
		"$SERVER_URL/v1/conversations/$CONV/messages") &
	local bg=$!
	step events-wait GET "/v1/events?after=$(jx "$OUT" '$d->{cursor}')&timeout=20" "" "$B"
	wait "$bg"
	LATE=$(jx "$OUT" 'join ",", map { "$_->{type}:$_->{body}" } @{$d->{events}}')
	WAITED=$((SECONDS - t0))
	step logout POST /v1/logout '{}' "$A2"
	step after-logout GET /v1/conversations "" "$A2"
}

NEXTS=0 NEXT_BAD=0 ADMINS=0 EPOCHS=0
LOG=$T_TMP/new.log
start_server || exit 1
scenario
stop_server
new_sync=$SYNC_ALL new_scope=$SYNC_SCOPE new_late=$LATE new_waited=$WAITED new_nexts=$NEXTS
new_admins=$ADMINS new_epochs=$EPOCHS
NEXTS=0 ADMINS=0 EPOCHS=0
LOG=$T_TMP/old.log
start_server --protocol 1.0 || exit 1
scenario
stop_server

want="alice1 alice2 bob1 alice3 alice4 bob2 alice5 alice6 bob3 alice7"
is "$new_sync" "$want" "sync by vector with more: every message once, in order"
is "$new_scope" "$want" "the same with a scope"
is "$SYNC_ALL" "$want" "(the same from the server before)"
is "$new_late" "message:late" "the long-poll is woken by the new message"
[ "$new_waited" -lt 15 ]
ok $? "woken before its timeout ($new_waited s)"
[ "$new_nexts" -gt 0 ] && [ "$NEXTS" = 0 ] && [ "$NEXT_BAD" = 0 ]
ok $? "next is added only by the new server ($new_nexts answers), and only with more"
is "$(grep -c . "$T_TMP/new.log")" "$(grep -c . "$T_TMP/old.log")" "as many answers from both"
[ "$new_admins" -gt 0 ] && [ "$ADMINS" = 0 ]
ok $? "a conversation's admins come only from the new server ($new_admins answers)"
[ "$new_epochs" -gt 0 ] && [ "$EPOCHS" = 0 ]
ok $? "the server epoch comes only from the new server ($new_epochs answers)"
is "$(diff "$T_TMP/old.log" "$T_TMP/new.log")" "" "every answer has the shape of the server before"

# The shapes themselves, as clients from before expect them.
expect() {
	is "$(awk -v l="$1" '$1 == l { $1 = ""; print substr($0, 2); exit }' "$T_TMP/new.log")" "$2" "$1: $2"
}
conv='{created:num,digest:str,id:str,members:[str],title:str,vector:{}}'
expect health '200 {status:str,version:str}'
expect register '201 {token:str,user:str}'
expect register-taken '409 {error:str,message:str}'
expect login '200 {token:str,user:str}'
expect login-bad '401 {error:str,message:str}'
expect new-conv "201 $conv"
expect list-empty "200 {conversations:[$conv]}"
expect events-now '200 {cursor:num,events:[],gap:bool}'
expect send '201 {conv:str,sender:str,seq:num,ts:num}'
expect resend '200 {conv:str,sender:str,seq:num,ts:num}'
expect send-404 '404 {error:str,message:str}'
expect list '200 {conversations:[{created:num,digest:str,id:str,members:[str],title:str,vector:{alice:str,bob:str}}]}'
expect get-one '200 {created:num,digest:str,id:str,members:[str],title:str,vector:{alice:str,bob:str}}'
expect sync '200 {conversations:[{created:num,digest:str,id:str,members:[str],title:str}],cursor:num,messages:[{body:str,conv:str,sender:str,seq:num,ts:num}],more:bool}'
expect sync-uptodate '200 {conversations:[{created:num,digest:str,id:str,members:[str],title:str}],cursor:num,messages:[],more:bool}'
expect sync-bad '404 {error:str,message:str}'
expect events-after '200 {cursor:num,events:[{body:str,conv:str,sender:str,seq:num,ts:num,type:str}],gap:bool}'
expect events-wait '200 {cursor:num,events:[{body:str,conv:str,sender:str,seq:num,ts:num,type:str}],gap:bool}'
expect logout '200 {}'
expect after-logout '401 {error:str,message:str}'
done_testing
