#!/usr/bin/env bash
# natter-server-mock admin: create-user (password from stdin or generated),
# reset-password (revokes tokens), disable and enable, invitations, and the
# registration modes of --registration.
. "$(dirname "$0")/server_lib.sh"

t_target "$T_TMP/admin.db"
DB=$T_TARGET
admin() { "$SERVER" admin -d "$DB" "$@"; }

# Usage errors.
"$SERVER" admin create-user zed </dev/null 2>"$T_TMP/e"; is $? 2 "admin without -d: exit 2"
like "$(cat "$T_TMP/e")" "-d names the server's database" "and says -d is needed"
admin frobnicate 2>"$T_TMP/e"; is $? 2 "an unknown verb: exit 2"
admin create-user "Bad Name" </dev/null 2>"$T_TMP/e"; is $? 2 "a bad name: exit 2"

# create-user: a password from stdin, checked by the rules; or a generated one.
out=$(echo "wilma-pass-1" | admin create-user wilma); is "$?" 0 "create-user with a password on stdin"
is "$out" "created wilma" "says so, and prints no password"
echo "password" | admin create-user wanda 2>"$T_TMP/e"; is $? 1 "a weak password on stdin: exit 1"
like "$(cat "$T_TMP/e")" "too common" "says why"
out=$(admin create-user xena </dev/null); is "$?" 0 "create-user with no stdin"
XENA_PW=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
like "$XENA_PW" '^[A-Za-z2-9]{20}$' "prints a generated password of 20 characters"
echo "wilma-pass-2" | admin create-user wi1ma 2>"$T_TMP/e"; is $? 1 "a look-alike name: exit 1"
like "$(cat "$T_TMP/e")" "too like the existing name wilma" "names the existing user"

start_server -d "$DB" || exit 1
call POST /v1/login "{\"user\":\"xena\",\"password\":\"$XENA_PW\"}"; is "$HTTP_STATUS" 200 "the generated password logs in"
X1=$(jx "$OUT" '$d->{token}')
call POST /v1/login '{"user":"wilma","password":"wilma-pass-1"}'; is "$HTTP_STATUS" 200 "the password from stdin logs in"
W1=$(jx "$OUT" '$d->{token}')

# reset-password revokes every token.
out=$(echo "wilma-pass-3" | admin reset-password wilma); is "$?" 0 "reset-password"
is "$out" "password of wilma reset; 1 session ended" "says how many sessions ended"
call GET /v1/conversations "" "$W1"; is "$HTTP_STATUS" 401 "the old token is revoked"
call POST /v1/login '{"user":"wilma","password":"wilma-pass-3"}'; is "$HTTP_STATUS" 200 "the new password logs in"
admin reset-password nobody </dev/null 2>"$T_TMP/e"; is $? 1 "reset-password of an unknown user: exit 1"

# disable: tokens and logins refused with a distinct error; enable restores.
out=$(admin disable xena); is "$?" 0 "disable"
call GET /v1/conversations "" "$X1"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "403 account_disabled" "a disabled account's token: 403 account_disabled"
call POST /v1/login "{\"user\":\"xena\",\"password\":\"$XENA_PW\"}"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "403 account_disabled" "its login with the right password: 403 account_disabled"
call POST /v1/login '{"user":"xena","password":"not-the-password"}'
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "401 bad_credentials" "a wrong password tells nothing more"
admin enable xena >/dev/null
call GET /v1/conversations "" "$X1"; is "$HTTP_STATUS" 200 "enable: the token works again"
stop_server

# --registration closed.
start_server -d "$DB" --registration closed || exit 1
call POST /v1/register '{"user":"yves","password":"yves-password"}'
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "403 registration_closed" "closed: 403 registration_closed"
like "$(jx "$OUT" '$d->{message}')" "administrator" "the message says whom to ask"
stop_server

# --registration invite: a code from admin invite, good once.
start_server -d "$DB" --registration invite || exit 1
call POST /v1/register '{"user":"yves","password":"yves-password"}'
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "403 invite_required" "invite: without a code 403 invite_required"
CODE=$(admin invite); like "$CODE" '^[A-Za-z2-9]{24}$' "admin invite prints a code"
call POST /v1/register '{"user":"yves","password":"yves-password","invite":"nope"}'
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "403 invite_invalid" "an unknown code: 403 invite_invalid"
call POST /v1/register "{\"user\":\"yves\",\"password\":\"yves-password\",\"invite\":\"$CODE\"}"
is "$HTTP_STATUS" 201 "with the code: 201"
call POST /v1/register "{\"user\":\"zoe\",\"password\":\"zoe-password\",\"invite\":\"$CODE\"}"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "403 invite_invalid" "the same code again: 403 invite_invalid"
CODE2=$(admin invite)
call POST /v1/register "{\"user\":\"yve5\",\"password\":\"yves-password\",\"invite\":\"$CODE2\"}"
is "$HTTP_STATUS $(jx "$OUT" '$d->{error}')" "409 user_lookalike" "a refused name does not use the code up"
call POST /v1/register "{\"user\":\"zoe\",\"password\":\"zoe-password\",\"invite\":\"$CODE2\"}"
is "$HTTP_STATUS" 201 "so it still works for another name"
stop_server
"$SERVER" --registration maybe 2>/dev/null; is $? 2 "--registration maybe: exit 2"

done_testing
