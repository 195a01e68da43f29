# Helpers shared by the server_*.t tests: JSON field access with core Perl
# (JSON::PP), and users registered through the API.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# jx JSON PERL-EXPR: evaluates the expression with $d = the decoded JSON.
jx() {
	perl -MJSON::PP -e 'my $d = JSON::PP->new->allow_nonref->decode($ARGV[0]);
		my $r = eval $ARGV[1]; die $@ if $@; print defined $r ? $r : "null"' "$1" "$2"
}

# new_user NAME: registers NAME (password "password-NAME") and prints its token.
new_user() {
	local out
	out=$(api POST /v1/register "{\"user\":\"$1\",\"password\":\"password-$1\"}")
	jx "$out" '$d->{token}'
}

# metric NAME-WITH-LABELS: prints the value of one metrics line.
metric() {
	curl -s "$SERVER_URL/v1/metrics" | awk -v k="$1" '$1 == k { print $2 }'
}

# call METHOD PATH [BODY] [TOKEN]: like api, in this shell: sets OUT and HTTP_STATUS.
call() {
	api "$@" >/dev/null
	OUT=$(cat "$T_TMP/api.body")
}
