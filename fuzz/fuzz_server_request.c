/*
 * Fuzzes natter-server-mock's decoding of requests: request_json and
 * request_string for every body, and route() itself, against an in-memory
 * store holding two users and a conversation, for the bodies of POST
 * /v1/conversations, .../messages and /v1/sync, the queries of GET
 * /v1/events and GET /v1/changes, and sync continuations: a body in which
 * NEXT stands for a live `next` token. The first byte picks the request.
 * Register and login bodies
 * go through request_json and request_string only: their route spends an
 * Argon2 hash on every well-formed body.
 *
 * MHD_lookup_connection_value is replaced (link-time) by a stand-in that
 * answers the Authorization header and the query arguments from here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TOKEN "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define RESET_EVERY 2000

static struct store *store;
static struct config cfg = {.max_poll = 60,
    .event_retention = 1000,
    .token_idle_ms = (int64_t)30 * 86400 * 1000,
    .max_tokens = 20};
static char conv_id[80];
static char authz[] = "Bearer " TOKEN;
static const char *arg_after, *arg_timeout, *arg_since;

/* The stand-in for libmicrohttpd's header and argument lookup. */
const char *
MHD_lookup_connection_value(struct MHD_Connection *conn, enum MHD_ValueKind kind, const char *key)
{
	(void)conn;
	if (kind == MHD_HEADER_KIND && strcasecmp(key, MHD_HTTP_HEADER_AUTHORIZATION) == 0)
		return authz;
	if (kind == MHD_GET_ARGUMENT_KIND && strcmp(key, "after") == 0)
		return arg_after;
	if (kind == MHD_GET_ARGUMENT_KIND && strcmp(key, "timeout") == 0)
		return arg_timeout;
	if (kind == MHD_GET_ARGUMENT_KIND && strcmp(key, "since") == 0)
		return arg_since;
	return NULL;
}

static int call_route(
    const char *method, const char *url, const char *body, size_t len, char **next);

/* Opens a fresh in-memory store with alice (the caller), bob and one conversation. */
static void
setup(void)
{
	struct err e = {0};
	if (store != NULL)
		store_close(store);
	int64_t alice, bob;
	if (store_open(&store, NULL, cfg.event_retention, &e) < 0 ||
	    store_user_create(store, "alice", "x", &alice, &e) != 0 ||
	    store_user_create(store, "bob", "x", &bob, &e) != 0) {
		fprintf(stderr, "fuzz_server_request: %s\n", e.msg);
		abort();
	}
	unsigned char hash[32];
	auth_token_hash(TOKEN, strlen(TOKEN), hash);
	const char *others[] = {"bob"};
	struct store_conv conv;
	char *unknown;
	int64_t *woken;
	size_t nwoken;
	if (store_token_add(store, alice, hash, &e) < 0 ||
	    store_conv_create(
		store, alice, "t", others, 1, false, &conv, &unknown, &woken, &nwoken, &e) != 0) {
		fprintf(stderr, "fuzz_server_request: %s\n", e.msg);
		abort();
	}
	snprintf(conv_id, sizeof(conv_id), "%s", conv.id);
	store_conv_free(&conv);
	free(woken);
	routes_init(store, &cfg);
	char url[200];
	snprintf(url, sizeof(url), "/v1/conversations/%s/messages", conv_id);
	for (int i = 0; i < 3; i++) {
		char body[64];
		snprintf(body, sizeof(body), "{\"client_id\":\"seed%d\",\"body\":\"m%d\"}", i, i);
		int st = call_route("POST", url, body, strlen(body), NULL);
		if (st != 201) {
			fprintf(stderr, "fuzz_server_request: a send in setup got %d\n", st);
			abort();
		}
	}
}

/*
 * Runs one request through route(), checks the reply is a whole answer and
 * returns its status; next, when not NULL, gets a copy of the answer's `next`.
 */
static int
call_route(const char *method, const char *url, const char *body, size_t len, char **next)
{
	struct req q = {0};
	q.method = (char *)method;
	q.url = (char *)url;
	q.ep = route_endpoint(url);
	buf_append(&q.body, body, len);
	struct reply r = {0};
	enum route_result res = route(&q, &r);
	/* A whole answer: a status and a JSON body (or the metrics text). */
	if (res == ROUTE_REPLY &&
	    (r.status < 200 || r.status > 599 || (r.json == NULL && r.text == NULL)))
		abort();
	if (r.status >= 400 && !json_is_string(json_object_get(r.json, "error")))
		abort();
	if (next != NULL) {
		const char *t = json_string_value(json_object_get(r.json, "next"));
		*next = t != NULL ? xstrdup(t) : NULL;
	}
	json_decref(r.json);
	free(r.text);
	buf_free(&q.body);
	free(q.user); /* the log's user name, as http.c frees it */
	return r.status;
}

/* Runs one request through route() and checks the reply is a whole answer. */
static void
run_route(const char *method, const char *url, const char *body, size_t len)
{
	(void)call_route(method, url, body, len, NULL);
}

/* Runs a sync body in which each NEXT is replaced by a live continuation token. */
static void
run_continuation(const char *body, size_t len)
{
	static const char first[] = "{\"have\":{},\"limit\":1}";
	char *next;
	if (call_route("POST", "/v1/sync", first, strlen(first), &next) != 200 || next == NULL)
		abort(); /* three messages and a limit of 1: there must be a next */
	struct buf b = {0};
	size_t tl = strlen(next);
	for (size_t i = 0; i < len;) {
		if (len - i >= 4 && memcmp(body + i, "NEXT", 4) == 0) {
			buf_append(&b, next, tl);
			i += 4;
		} else {
			buf_append(&b, body + i, 1);
			i++;
		}
	}
	run_route("POST", "/v1/sync", b.data != NULL ? b.data : "", b.len);
	buf_free(&b);
	free(next);
}

/* The body decoding of register and login, as their route does it before hashing. */
static void
run_credentials(const char *body, size_t len)
{
	struct buf b = {0};
	buf_append(&b, body, len);
	struct reply r = {0};
	json_t *in = request_json(&b, &r);
	if (in == NULL) {
		if (r.status != 400 || r.json == NULL)
			abort();
	} else {
		const char *user, *pw;
		size_t ulen, plen;
		if (request_string(in, "user", &user, &ulen, &r) == 0 &&
		    request_string(in, "password", &pw, &plen, &r) == 0) {
			if (strlen(user) != ulen || strlen(pw) != plen)
				abort();
			(void)auth_name_valid(user);
		}
	}
	json_decref(in);
	json_decref(r.json);
	buf_free(&b);
}

/* One input: the first byte picks the request, the rest is its body or query. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned runs;
	if (store == NULL || ++runs % RESET_EVERY == 0)
		setup();
	if (size < 1)
		return 0;
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	char url[200];
	switch (data[0] % 8) {
	case 0:
		run_credentials(body, len);
		break;
	case 1:
		run_route("POST", "/v1/conversations", body, len);
		break;
	case 2:
		snprintf(url, sizeof(url), "/v1/conversations/%s/messages", conv_id);
		run_route("POST", url, body, len);
		break;
	case 3:
		run_route("POST", "/v1/sync", body, len);
		break;
	case 4: {
		/* "AFTER\nTIMEOUT": either may be missing. */
		char *s = xstrndup(body, len);
		char *nl = strchr(s, '\n');
		if (nl != NULL)
			*nl = '\0';
		arg_after = *s ? s : NULL;
		arg_timeout = nl != NULL ? nl + 1 : NULL;
		run_route("GET", "/v1/events", NULL, 0);
		arg_after = arg_timeout = NULL;
		free(s);
		break;
	}
	case 5: {
		char *s = xstrndup(body, len);
		arg_since = s;
		run_route("GET", "/v1/changes", NULL, 0);
		arg_since = NULL;
		free(s);
		break;
	}
	case 6:
		run_continuation(body, len);
		break;
	default: {
		/* A URL of the client's choosing, GET or POST by its parity. */
		char *u = xstrndup(body, len);
		if (u[0] == '/' && strstr(u, "logout") == NULL)
			run_route(data[0] & 0x80 ? "POST" : "GET", u, "{}", 2);
		free(u);
		break;
	}
	}
	return 0;
}
