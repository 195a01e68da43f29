#!/usr/bin/env bash
# natter-server-mock accounts: login throttling (on by default, per name and
# per address, Retry-After), unknown users as slow as known ones, token
# expiry and renewal, the cap on tokens, password change and logout
# everywhere, password rules in characters, look-alike names.
. "$(dirname "$0")/server_lib.sh"

# login USER PASSWORD: sets HTTP_STATUS, OUT, RETRY (the Retry-After header, or "").
login() {
	HTTP_STATUS=$(curl -s -D "$T_TMP/h" -o "$T_TMP/api.body" -w '%{http_code}' -X POST \
		-H 'Content-Type: application/json' \
		--data-binary "{\"user\":\"$1\",\"password\":\"$2\"}" "$SERVER_URL/v1/login")
	OUT=$(cat "$T_TMP/api.body")
	RETRY=$(tr -d '\r' <"$T_TMP/h" | sed -n 's/^[Rr]etry-[Aa]fter: //p')
}
err() { jx "$OUT" '$d->{error}'; }

start_server || exit 1
CAROL=$(new_user carol)

# logins USER PW...: one curl, one login per password, back to back (no
# process start between them); prints "STATUS RETRY-AFTER" a line each.
logins() {
	local user=$1 args=() pw
	shift
	for pw in "$@"; do
		args+=(--next -s -o /dev/null -w '%{http_code} %header{retry-after}\n' -X POST
			--data-binary "{\"user\":\"$user\",\"password\":\"$pw\"}" "$SERVER_URL/v1/login")
	done
	curl "${args[@]:1}" | sed 's/ *$//'
}

# Throttling is on by default: five wrong passwords are free, the sixth waits.
is "$(logins carol wrong-1-xx wrong-2-xx wrong-3-xx wrong-4-xx wrong-5-xx wrong-6-xx password-carol | tr '\n' ,)" \
	"401,401,401,401,401,429 1,429 1," \
	"five wrong logins are answered 401; the sixth at once is 429 with Retry-After: 1, the right password too"
login carol "wrong-7-xx"
is "$HTTP_STATUS $(err)" "429 login_throttled" "the error code is login_throttled"
like "$(jx "$OUT" '$d->{message}')" "try again in [12] seconds?" "the message says how long to wait"
sleep 1.1
login carol password-carol
is "$HTTP_STATUS" 200 "after the wait the right password logs in"
login carol "wrong-again"
is "$HTTP_STATUS" 401 "a success resets the account's count: a wrong one is free again"

# An unknown name is throttled the same way (it does not tell which names exist).
is "$(logins nobody-here g1-xxxxxx g2-xxxxxx g3-xxxxxx g4-xxxxxx g5-xxxxxx g6-xxxxxx | tr '\n' ,)" \
	"401,401,401,401,401,429 1," "an unknown name: 429 after five"
sleep 1.1
is "$(logins nobody-here g7-xxxxxx g8-xxxxxx | tr '\n' ,)" "401,429 2," \
	"after 1 s one more try, then the wait doubles: 2 s"

# 20 parallel guesses at one account (one curl, all connections at once): 5 are checked, 15 refused.
new_user dave >/dev/null
args=()
for i in $(seq 1 20); do
	args+=(--next -s --no-progress-meter -o /dev/null -w '%{http_code}\n' -X POST
		--data-binary "{\"user\":\"dave\",\"password\":\"parallel-$i\"}" "$SERVER_URL/v1/login")
done
curl -s --parallel --parallel-immediate --parallel-max 20 "${args[@]:1}" >"$T_TMP/par"
is "$(sort "$T_TMP/par" | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ')" \
	"401x5 429x15 " "20 parallel guesses: 5 answered 401, 15 throttled"
stop_server

# Per address: FREE=2 per name gives an address 8; the 9th name from it waits.
start_server --login-throttle 2:60 || exit 1
for i in 1 2 3 4 5 6 7 8; do login "name$i" "some-guess"; done
is "$HTTP_STATUS" 401 "eight fresh names from one address: 401"
login name9 "some-guess"
is "$HTTP_STATUS $(err)" "429 login_throttled" "the ninth fresh name from the same address: 429"
"$SERVER" --login-throttle 0 2>"$T_TMP/bad.err"; is $? 2 "--login-throttle 0 is refused (off says off)"
like "$(cat "$T_TMP/bad.err")" "off, or FREE" "and says what it takes"
stop_server

# Off: 30 wrong logins, all answered; then the right one works.
start_server --login-throttle off || exit 1
new_user erin >/dev/null
codes=""
for i in $(seq 1 30); do login erin "wrong-$i-xx"; codes="$codes$HTTP_STATUS "; done
is "$(echo "$codes" | tr ' ' '\n' | sort -u | tr '\n' ' ')" " 401 " "--login-throttle off: 30 wrong logins, 30 × 401"

# Unknown users cost the same hashing as known ones: medians of the times, interleaved.
new_user frank >/dev/null
for i in $(seq 1 7); do
	curl -s -o /dev/null -w '%{time_total}\n' -X POST \
		--data-binary '{"user":"frank","password":"not-franks"}' \
		"$SERVER_URL/v1/login" >>"$T_TMP/known"
	curl -s -o /dev/null -w '%{time_total}\n' -X POST \
		--data-binary '{"user":"nobody-at-all","password":"not-franks"}' \
		"$SERVER_URL/v1/login" >>"$T_TMP/unknown"
done
median() { sort -n "$1" | sed -n 4p; }
ratio=$(awk -v a="$(median "$T_TMP/unknown")" -v b="$(median "$T_TMP/known")" \
	'BEGIN { printf "%.2f", a / b }')
diag "unknown/known median login time: $(median "$T_TMP/unknown") / $(median "$T_TMP/known") = $ratio"
ok "$(awk -v r="$ratio" 'BEGIN { print !(r > 0.4 && r < 2.5) }')" \
	"an unknown user takes as long as a wrong password (ratio $ratio within 0.4..2.5)"
ok "$(awk -v t="$(median "$T_TMP/unknown")" 'BEGIN { print !(t > 0.01) }')" \
	"and the unknown user's login does the hashing (over 10 ms)"

# Password rules: characters, not bytes; the refused list; the user's own name.
call POST /v1/register '{"user":"gina","password":"😀😀😀😀"}'
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 invalid_field" "4 emoji (16 bytes) are 4 characters: too short"
like "$(jx "$OUT" '$d->{message}')" "8 to 256 characters" "the message counts characters"
call POST /v1/register '{"user":"gina","password":"😀😀😀😀😀😀😀😀"}'
is "$HTTP_STATUS" 201 "8 emoji are 8 characters: accepted"
for pw in password PassWord 12345678 qwertyuiop natter123 aaaaaaaaaa; do
	call POST /v1/register "{\"user\":\"hank\",\"password\":\"$pw\"}"
	[ "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" = "400 weak_password" ] || break
done
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 weak_password" "common passwords and repeats: 400 weak_password"
call POST /v1/register '{"user":"margaret","password":"MarGaret"}'
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 weak_password" "the user's own name in any case is refused"
like "$(jx "$OUT" '$d->{message}')" "cannot be the user name" "and said so"

# Look-alike names.
new_user bob >/dev/null
new_user alice >/dev/null
for n in bob. b0b b_o_b 8ob; do
	call POST /v1/register "{\"user\":\"$n\",\"password\":\"password-$n\"}"
	[ "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" = "409 user_lookalike" ] || break
done
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}') $n" "409 user_lookalike 8ob" "bob. b0b b_o_b 8ob refused next to bob"
like "$(jx "$OUT" '$d->{message}')" "existing name bob" "the message names bob"
call POST /v1/register '{"user":"al1ce","password":"password-al1ce"}'
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "409 user_lookalike" "al1ce refused next to alice"
new_user mary >/dev/null
call POST /v1/register '{"user":"rnary","password":"password-rnary"}'
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "409 user_lookalike" "rnary refused next to mary"
call POST /v1/register '{"user":"bobby","password":"password-bobby"}'
is "$HTTP_STATUS" 201 "bobby is another name"

# Password change: revokes the other tokens, keeps this one.
IVY1=$(new_user ivy)
login ivy password-ivy
IVY2=$(jx "$OUT" '$d->{token}')
call POST /v1/password '{"password":"wrong-old-pw","new_password":"new-ivy-pass"}' "$IVY1"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "403 wrong_password" "passwd with a wrong current password: 403"
call POST /v1/password '{"password":"password-ivy","new_password":"qwertyuiop"}' "$IVY1"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "400 weak_password" "passwd to a weak password: 400"
call POST /v1/password '{"password":"password-ivy","new_password":"new-ivy-pass"}' "$IVY1"
is "$HTTP_STATUS $(jx "$OUT" '$d->{revoked}')" "200 1" "passwd: 200, the other token revoked"
call GET /v1/conversations "" "$IVY1"; is "$HTTP_STATUS" 200 "this device stays logged in"
call GET /v1/conversations "" "$IVY2"; is "$HTTP_STATUS" 401 "the other device is logged out"
login ivy password-ivy; is "$HTTP_STATUS" 401 "the old password no longer logs in"
login ivy new-ivy-pass; is "$HTTP_STATUS" 200 "the new one does"
IVY3=$(jx "$OUT" '$d->{token}')

# Logout everywhere.
call POST /v1/logout/all "" "$IVY3"
is "$HTTP_STATUS $(jx "$OUT" '$d->{revoked}')" "200 2" "logout/all revokes both tokens"
call GET /v1/conversations "" "$IVY1"; is "$HTTP_STATUS" 401 "the first device is out"
call GET /v1/conversations "" "$IVY3"; is "$HTTP_STATUS" 401 "and this one"
stop_server

# Token expiry and renewal: a 3 s lifetime.
start_server --token-lifetime 3 -d "$T_TMP/acc.db" || exit 1
JO=$(new_user jo)
sleep 1.6
call GET /v1/conversations "" "$JO"; is "$HTTP_STATUS" 200 "used within its lifetime: works"
sleep 1.6
call GET /v1/conversations "" "$JO"; is "$HTTP_STATUS" 200 "3.2 s after login but 1.6 s after its last use: renewed"
sleep 3.5
call GET /v1/conversations "" "$JO"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "401 token_expired" "unused for 3.5 s: 401 token_expired"
like "$(jx "$OUT" '$d->{message}')" "expired after 3 seconds without use" "the message says the lifetime in words"
call GET /v1/conversations "" "$JO"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "401 unauthorized" "then it is gone: 401 unauthorized"
stop_server

# Users from before skeletons keep clashing names; new look-alikes are refused.
OLDER="INSERT INTO users(name, pwhash, created) SELECT 'j0', pwhash, 0 FROM users WHERE name = 'jo'"
if on_pg; then
	t_target "$T_TMP/acc.db"
	"$PG_BIN/psql" -q "$T_TARGET" -c "$OLDER"
else
	sqlite3 "$T_TMP/acc.db" "$OLDER"
fi
start_server --max-tokens 3 -d "$T_TMP/acc.db" || exit 1
login j0 password-jo; is "$HTTP_STATUS" 200 "an older user whose name clashes (j0 next to jo) stays"
call POST /v1/register '{"user":"jo.","password":"password-jo."}'
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "409 user_lookalike" "a new look-alike of both is refused"

# At most 3 tokens: the least recently used goes.
for i in 1 2 3 4; do
	login jo password-jo
	JT[i]=$(jx "$OUT" '$d->{token}')
done
call GET /v1/conversations "" "${JT[1]}"; is "$HTTP_STATUS" 401 "a fourth login revokes the oldest token"
call GET /v1/conversations "" "${JT[2]}"; is "$HTTP_STATUS" 200 "the three newest work"
call GET /v1/conversations "" "${JT[4]}"; is "$HTTP_STATUS" 200 "the newest works"
stop_server

done_testing
