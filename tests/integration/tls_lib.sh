# Helpers for the TLS tests (cli_tls.t, notifyd_tls.t), sourced after lib.sh:
# a private CA and a server certificate it signs, made with openssl.
command -v openssl >/dev/null 2>&1 ||
	skip_all "openssl is not installed (scripts/install-deps installs it)"

# make_ca NAME: a self-signed CA, $T_TMP/NAME.pem with its key $T_TMP/NAME.key.
make_ca() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=natter test $1" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" \
		-keyout "$T_TMP/$1.key" -out "$T_TMP/$1.pem" >"$T_TMP/openssl.log" 2>&1
}

# make_cert CA NAME: a certificate for localhost and 127.0.0.1 signed by CA,
# $T_TMP/NAME.pem with its key $T_TMP/NAME.key.
make_cert() {
	local ca=$1 name=$2
	printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=CA:FALSE" \
		"keyUsage=critical,digitalSignature,keyEncipherment" \
		"extendedKeyUsage=serverAuth" >"$T_TMP/$name.ext"
	openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
		-keyout "$T_TMP/$name.key" -out "$T_TMP/$name.csr" >>"$T_TMP/openssl.log" 2>&1 &&
		openssl x509 -req -in "$T_TMP/$name.csr" -CA "$T_TMP/$ca.pem" -CAkey "$T_TMP/$ca.key" \
			-CAcreateserial -days 2 -extfile "$T_TMP/$name.ext" \
			-out "$T_TMP/$name.pem" >>"$T_TMP/openssl.log" 2>&1
}

# answered: the requests the server answered, /v1/metrics itself aside.
answered() {
	curl -s "$SERVER_URL/v1/metrics" |
		awk '/^natter_requests_total/ && !/endpoint="metrics"/ { s += $2 } END { print s + 0 }'
}
