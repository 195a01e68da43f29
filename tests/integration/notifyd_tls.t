#!/usr/bin/env bash
# natter-notifyd over HTTPS: with the private CA (--cacert, config cacert) it
# announces; without it the certificate is refused in words and no token is
# sent; plain http:// to a host beyond loopback is refused at start (exit 2)
# unless --insecure-http.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notifyd_helpers.sh"
. "$(dirname "$0")/tls_lib.sh"

make_ca ca && make_cert ca server
ok $? "a private CA and a server certificate signed by it"
CA=$T_TMP/ca.pem
start_server --tls-cert "$T_TMP/server.pem" --tls-key "$T_TMP/server.key" || exit 1
like "$SERVER_URL" '^https://' "the server listens on https://"
# curl (the tool, not libcurl) reads the CA from here: api works.
export CURL_CA_BUNDLE=$CA

A=$T_TMP/alice
NATTER_PASSWORD=alice-password "$NATTER" -s "$SERVER_URL" -D "$A" --cacert "$CA" register alice \
	>/dev/null 2>&1
ok $? "alice registers over https with natter --cacert"
BOB=$(user_token bob)
PROJ=$(new_conv "$BOB" proj alice bob)
like "$PROJ" '^c' "a conversation"

# Without the CA: refused, said once, retried; the server answers nothing.
unset DBUS_SESSION_BUS_ADDRESS
export XDG_RUNTIME_DIR=$T_TMP
before=$(answered)
"$NOTIFYD" -s "$SERVER_URL" -D "$A" --backend stdout >"$T_TMP/bad.out" 2>"$T_TMP/bad.err" &
bad=$!
T_PIDS+=("$bad")
wait_for grep -q "could not be verified" "$T_TMP/bad.err"
ok $? "without the CA the certificate is refused"
like "$(cat "$T_TMP/bad.err")" "the certificate of $SERVER_URL could not be verified.*--cacert" \
	"in words, naming the server and the way out"
is "$(answered)" "$before" "the token never reached the server"
kill "$bad"
wait "$bad" 2>/dev/null

start_notifyd "$A" --cacert "$CA" --backend stdout
has_cursor "$A"
ok $? "with --cacert it starts and holds a cursor"
say "$BOB" "$PROJ" '"hello over TLS"'
wait_for in_file "$NOUT" "bob in proj: hello over TLS"
ok $? "and announces a message over https"
stop_notifyd
is "$NSTATUS" 0 "it stops on SIGTERM"

mkdir -p "$XDG_CONFIG_HOME/natter"
printf 'cacert = %s\n' "$CA" >"$XDG_CONFIG_HOME/natter/config"
start_notifyd "$A" --backend stdout
say "$BOB" "$PROJ" '"the config names the CA"'
wait_for in_file "$NOUT" "bob in proj: the config names the CA"
ok $? "cacert in the config file does the same"
stop_notifyd
rm "$XDG_CONFIG_HOME/natter/config"

# A login saved for a plain http:// server beyond loopback (as natter
# --insecure-http would save it): the notifier refuses at start.
P=$T_TMP/plain
mkdir -p "$P"
chmod 700 "$P"
sed "s|$SERVER_URL|http://natter.invalid:8080|g" "$A/credentials" >"$P/credentials"
chmod 600 "$P/credentials"
err=$("$NOTIFYD" -s http://natter.invalid:8080 -D "$P" --backend stdout 2>&1)
is $? 2 "plain http to another host: exit 2, which systemd does not restart"
like "$err" "refusing plain http:// to http://natter.invalid:8080.*unencrypted.*--insecure-http" \
	"says why and what to do"
unlike "$err" "resolve" "before any connection was tried"
"$NOTIFYD" -s http://natter.invalid:8080 -D "$P" --insecure-http --backend stdout \
	>"$T_TMP/plain.out" 2>"$T_TMP/plain.err" &
pid=$!
T_PIDS+=("$pid")
wait_for grep -q "natter.invalid" "$T_TMP/plain.err"
like "$(cat "$T_TMP/plain.err")" "unreachable at http://natter.invalid:8080.*retrying" \
	"--insecure-http lets it try (and fail to connect, and retry)"
kill "$pid"
wait "$pid" 2>/dev/null

done_testing
