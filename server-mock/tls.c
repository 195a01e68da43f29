/*
 * HTTPS: --tls-cert and --tls-key read into memory for MHD (GnuTLS), and
 * the warning when plain HTTP listens beyond loopback.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "log.h"
#include "server.h"

/* A PEM file of at most this size is read: certificate chains are a few KiB. */
#define PEM_MAX (1024 * 1024)

/* Reads the PEM file path, given with flag, into *out; it must hold marker. -1 with e. */
static int
read_pem(const char *path, const char *flag, const char *marker, char **out, struct err *e)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return err_set(
		    e, ERR_USAGE, "%s %s: cannot read it: %s", flag, path, strerror(errno));
	struct buf b = {0};
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len <= PEM_MAX)
		buf_append(&b, chunk, n);
	bool failed = ferror(f) != 0;
	fclose(f);
	int rc = 0;
	if (failed)
		rc = err_set(e, ERR_USAGE, "%s %s: cannot read it", flag, path);
	else if (b.len > PEM_MAX)
		rc = err_set(e, ERR_USAGE, "%s %s: larger than %d bytes, not a PEM file", flag,
		    path, PEM_MAX);
	else if (b.len == 0 || strlen(b.data) != b.len || strstr(b.data, marker) == NULL)
		rc = err_set(
		    e, ERR_USAGE, "%s %s: not a PEM file with a line %s...", flag, path, marker);
	if (rc < 0) {
		buf_free(&b);
		return -1;
	}
	*out = b.data;
	return 0;
}

/* Reads the certificate and the key when TLS is asked for; checks MHD can do it. */
int
tls_load(struct config *c, struct err *e)
{
	if (c->tls_cert == NULL && c->tls_key == NULL)
		return 0;
	if (c->tls_cert == NULL || c->tls_key == NULL)
		return err_set(e, ERR_USAGE, "--tls-cert and --tls-key go together: give both");
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return err_set(e, ERR_SYSTEM,
		    "this libmicrohttpd was built without TLS (GnuTLS), so --tls-cert cannot "
		    "be used; install a libmicrohttpd with HTTPS support, or serve plain HTTP on "
		    "127.0.0.1 behind a TLS reverse proxy");
	if (read_pem(
		c->tls_cert, "--tls-cert", "-----BEGIN CERTIFICATE-----", &c->tls_cert_pem, e) < 0)
		return -1;
	if (read_pem(c->tls_key, "--tls-key", "PRIVATE KEY-----", &c->tls_key_pem, e) < 0) {
		tls_free(c);
		return -1;
	}
	return 0;
}

/* Wipes and frees what tls_load read. */
void
tls_free(struct config *c)
{
	if (c->tls_key_pem != NULL) {
		explicit_bzero(c->tls_key_pem, strlen(c->tls_key_pem));
		free(c->tls_key_pem);
	}
	free(c->tls_cert_pem);
	c->tls_key_pem = c->tls_cert_pem = NULL;
}

/* Warns in the log (stderr) when plain HTTP listens on an address beyond loopback. */
void
tls_warn_plain(const struct config *c)
{
	if (c->tls_cert_pem != NULL || http_host_loopback(c->addr))
		return;
	log_event("warning", "plain_http", NULL,
	    "natter-server-mock: warning: serving plain HTTP on %s, beyond this machine: "
	    "passwords, tokens and messages cross the network in clear, readable by anyone on "
	    "the way; give --tls-cert and --tls-key, or listen on 127.0.0.1 behind a TLS "
	    "reverse proxy\n",
	    c->addr);
}
