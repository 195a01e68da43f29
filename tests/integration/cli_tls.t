#!/usr/bin/env bash
# TLS: natter-server-mock over HTTPS with a certificate from a private CA;
# natter verifies it (--cacert, config cacert) and refuses it without that CA
# or with another, before sending anything; plain http:// to a host beyond
# loopback is refused before any connection unless --insecure-http; an
# https:// URL to a plain server says so; the server's own errors and its
# warning for plain HTTP beyond loopback.
. "$(dirname "$0")/cli_lib.sh"
. "$(dirname "$0")/tls_lib.sh"

make_ca ca && make_ca other && make_cert ca server
ok $? "a private CA, another CA, and a server certificate signed by the first"
CA=$T_TMP/ca.pem

# The server's errors about the certificate and key: at start, in words.
"$SERVER" -p 0 --tls-cert "$T_TMP/server.pem" >/dev/null 2>"$T_TMP/err"
is $? 2 "--tls-cert without --tls-key: exit 2"
like "$(cat "$T_TMP/err")" "--tls-cert and --tls-key go together" "and says both are needed"
"$SERVER" -p 0 --tls-cert "$T_TMP/nowhere.pem" --tls-key "$T_TMP/server.key" \
	>/dev/null 2>"$T_TMP/err"
is $? 2 "a missing certificate file: exit 2"
like "$(cat "$T_TMP/err")" "--tls-cert .*nowhere.pem: cannot read it" "and names it"
"$SERVER" -p 0 --tls-cert "$T_TMP/server.key" --tls-key "$T_TMP/server.key" \
	>/dev/null 2>"$T_TMP/err"
is $? 2 "a key given as the certificate: exit 2"
like "$(cat "$T_TMP/err")" "not a PEM file with a line -----BEGIN CERTIFICATE-----" \
	"and says what it lacks"
"$SERVER" -p 0 --tls-cert "$T_TMP/server.pem" --tls-key "$T_TMP/other.key" \
	>/dev/null 2>"$T_TMP/err"
is $? 1 "a key that is not the certificate's: exit 1, no crash"
like "$(cat "$T_TMP/err")" "do not match" "and says so"

start_server --tls-cert "$T_TMP/server.pem" --tls-key "$T_TMP/server.key" || exit 1
like "$SERVER_URL" '^https://127\.0\.0\.1:[0-9]+$' "the server says it listens on https://"
unlike "$(cat "$T_TMP/server.$T_SERVERS.log")" "warning" "no warning on loopback"
out=$(curl -sS --cacert "$CA" "$SERVER_URL/v1/health" 2>&1)
like "$out" '"status":"ok"' "curl with the CA gets an answer over TLS"
curl -sS "$SERVER_URL/v1/health" >/dev/null 2>&1
is $? 60 "curl without the CA refuses the certificate (exit 60)"
# curl (the tool, not libcurl) reads the CA from here: api and answered work.
export CURL_CA_BUNDLE=$CA
before=$(answered)

nat alice -s "$SERVER_URL" register alice
is "$RC" 1 "register without the CA: exit 1, not 75"
like "$ERR" "the certificate of $SERVER_URL could not be verified" \
	"says the certificate could not be verified, and of which server"
like "$ERR" "nothing was sent.*--cacert" "that nothing was sent, and how to name a CA"
unlike "$ERR" "may have been done" "not that the answer was lost"
nat alice -s "$SERVER_URL" --cacert "$T_TMP/other.pem" register alice
is "$RC" 1 "register with another CA: exit 1"
like "$ERR" "could not be verified" "refused the same way"
nat alice -s "$SERVER_URL" --cacert "$T_TMP/missing.pem" register alice
is "$RC" 2 "a --cacert file that does not exist: exit 2"
like "$ERR" "cannot read the CA bundle .*missing.pem" "says which file"
is "$(answered)" "$before" "the server answered no request meanwhile"

HTTP_TLS=http://${SERVER_URL#https://}
mkdir -p "$T_TMP/quick/natter"
printf 'http.retries = 0\n' >"$T_TMP/quick/natter/config"
XDG_CONFIG_HOME=$T_TMP/quick nat alice -s "$HTTP_TLS" register alice
like "$ERR" "is the URL https://\?" "plain http to the TLS server: the error asks whether it wants https://"
nat alice -s "$SERVER_URL" --cacert "$CA" register alice
is "$RC" 0 "register with --cacert CA: the name was still free"
like "$OUT" "registered and logged in as alice at $SERVER_URL" "and says so"
mkdir -p "$T_TMP/bobconf/natter"
printf 'cacert = %s\n' "$CA" >"$T_TMP/bobconf/natter/config"
XDG_CONFIG_HOME=$T_TMP/bobconf nat bob -s "$SERVER_URL" register bob
is "$RC" 0 "register with cacert in the config file"
nat alice --cacert "$CA" new lunch bob
is "$RC" 0 "new conversation over https"
nat alice --cacert "$CA" send lunch "hello over TLS"
is "$RC" 0 "send over https"
XDG_CONFIG_HOME=$T_TMP/bobconf nat bob sync
is "$RC" 0 "sync over https"
XDG_CONFIG_HOME=$T_TMP/bobconf nat bob log lunch
like "$OUT" "alice: hello over TLS" "log: the message arrived"

before=$(answered)
nat alice send lunch "not without the CA"
is "$RC" 1 "send without the CA: exit 1, not 75"
like "$ERR" "queued \(the certificate of $SERVER_URL could not be verified" \
	"says the message waits and why"
is "$(answered)" "$before" "nothing reached the server"
nat alice --cacert "$CA" sync
is "$RC" 0 "the next run with the CA delivers it"
XDG_CONFIG_HOME=$T_TMP/bobconf nat bob sync
XDG_CONFIG_HOME=$T_TMP/bobconf nat bob log lunch
is "$(grep -c "alice: not without the CA" <<<"$OUT")" 1 "the queued message arrived once"
nat bob logout
is "$RC" 1 "logout without the CA: exit 1"
like "$ERR" "logged out here, but the token could not be revoked: the certificate of $SERVER_URL" \
	"says the login is gone here but the token lives on, and why"

# Plain http:// to a host beyond loopback: refused before any connection (the
# name resolves nowhere, so an attempt would say it cannot be resolved).
nat carol -s http://natter.invalid:8080 register carol
is "$RC" 2 "register over plain http to another host: exit 2"
like "$ERR" "refusing plain http:// to http://natter.invalid:8080" "refused in words"
like "$ERR" "passwords, tokens and messages would cross the network unencrypted" "says why"
like "$ERR" "use https://, or --insecure-http" "and what to do"
unlike "$ERR" "resolve" "before any connection was tried"
nat carol -s http://natter.invalid:8080 login carol
is "$RC" 2 "login too"
# No retries: a name that resolves nowhere would be tried for seconds.
mkdir -p "$T_TMP/carolconf/natter"
printf 'http.retries = 0\n' >"$T_TMP/carolconf/natter/config"
XDG_CONFIG_HOME=$T_TMP/carolconf nat carol -s http://natter.invalid:8080 --insecure-http \
	register carol
is "$RC" 75 "--insecure-http lets it try (and fail to connect)"
like "$ERR" "unreachable at http://natter.invalid:8080" "the failure is the connection's"
printf 'insecure-http = yes\n' >>"$T_TMP/carolconf/natter/config"
XDG_CONFIG_HOME=$T_TMP/carolconf nat carol -s http://natter.invalid:8080 register carol
is "$RC" 75 "insecure-http = yes in the config does the same"
printf 'insecure-http = maybe\n' >>"$T_TMP/carolconf/natter/config"
XDG_CONFIG_HOME=$T_TMP/carolconf nat carol -s http://natter.invalid:8080 register carol
is "$RC" 2 "a bad insecure-http value: exit 2"
like "$ERR" "insecure-http" "names the key"

# https:// to a server that speaks plain HTTP.
start_server || exit 1
PLAIN=$SERVER_URL
HTTPS_PLAIN=https://${PLAIN#http://}
nat dave -s "$HTTPS_PLAIN" register dave
is "$RC" 1 "https to a plain server: exit 1, not 75"
like "$ERR" "the server at $HTTPS_PLAIN does not speak TLS \(https\).*; check the URL" \
	"says what happened"
unlike "$ERR" "may have been done" "not that the answer was lost"
nat dave -s "$PLAIN" register dave
is "$RC" 0 "plain http to 127.0.0.1 needs no flag (and dave was not registered before)"
stop_server

# Plain HTTP beyond loopback: the server warns; with TLS it does not.
for args in "-l 0.0.0.0" "-l 0.0.0.0 --tls-cert $T_TMP/server.pem --tls-key $T_TMP/server.key"; do
	# shellcheck disable=SC2086
	start_server $args || exit 1
	log=$(cat "$T_TMP/server.$T_SERVERS.log")
	stop_server
	case $args in
	*tls*) unlike "$log" "warning" "-l 0.0.0.0 with TLS: no warning" ;;
	*)
		like "$log" "warning: serving plain HTTP on 0\.0\.0\.0.*passwords, tokens and messages cross the network in clear" \
			"-l 0.0.0.0 without TLS warns, and says why"
		like "$log" "give --tls-cert and --tls-key" "and what to do"
		;;
	esac
done

done_testing
