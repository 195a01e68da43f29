#!/usr/bin/env bash
# natter-server-mock --log-format: text (the default) writes what it always
# wrote, nothing per request; json writes one object a line, with a line per
# request and never a password or token.
. "$(dirname "$0")/server_lib.sh"

LOG=$T_TMP/server.1.log
start_server || exit 1
A=$(new_user alice)
call GET /v1/conversations "" "$A"
stop_server
is "$(grep -v '^listening on ' "$LOG")" "" "text: nothing is logged for requests"

start_server --log-format json || exit 1
LOG=$T_TMP/server.$T_SERVERS.log
A=$(new_user alice)
call GET "/v1/conversations?token=$A" "" "$A"
call POST /v1/login '{"user":"alice","password":"wrong-password"}'
call GET /v1/nowhere
stop_server
# Every line but the one on standard output is a JSON object with time, level and event.
grep -v '^listening on ' "$LOG" >"$T_TMP/json.log"
perl -MJSON::PP -ne 'my $o = JSON::PP->new->decode($_);
	die "no time: $_" unless $o->{time} =~ /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
	die "no level: $_" unless $o->{level} =~ /^(info|warning|error)$/;
	die "no event: $_" unless $o->{event} =~ /^[a-z_]+$/;' "$T_TMP/json.log"
ok $? "json: every line is an object with an ISO 8601 UTC time, a level and an event"
req() { perl -MJSON::PP -e 'my $p = shift; while (<>) { my $o = JSON::PP->new->decode($_);
	next unless ($o->{event} eq "request") && $o->{path} eq $p;
	die "ms: $_" unless $o->{ms} =~ /^[0-9.]+(e-?\d+)?$/ && $o->{bytes} > 0;
	print join(" ", map { $o->{$_} // "-" } qw(method path status user client)), "\n"; }' \
	"$1" "$T_TMP/json.log"; }
is "$(req /v1/register)" "POST /v1/register 201 - 127.0.0.1" "a register is logged (method, path, status, address)"
is "$(req /v1/conversations)" "GET /v1/conversations 200 alice 127.0.0.1" \
	"an authenticated request names its user; the query is not logged"
is "$(req /v1/login)" "POST /v1/login 401 - 127.0.0.1" "a refused login is logged"
is "$(req /v1/nowhere)" "GET /v1/nowhere 404 - 127.0.0.1" "an unknown path is logged"
like "$(cat "$T_TMP/json.log")" '"event":"listening".*"event":"stopping"' "start and stop are logged"
unlike "$(cat "$T_TMP/json.log")" "$A|password-alice|wrong-password|token=" "no token or password in the log"

# A server that cannot start says why in json too.
"$SERVER" --log-format json -d "$T_TMP/no/such/dir/x.db" 2>"$T_TMP/err"
st=$?
is "$st $(perl -MJSON::PP -ne 'my $o = decode_json($_); print "$o->{level} $o->{event}"' "$T_TMP/err")" \
	"1 error start" "json: a failure to start is an error event"
"$SERVER" --log-format xml 2>"$T_TMP/err"
is "$? $(cat "$T_TMP/err")" '2 natter-server-mock: --log-format is text or json, not "xml"' "an unknown format is refused"
done_testing
