/* The endpoints of docs/protocol.md: from a parsed request to a reply. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "vector.h"

static const struct config *cfg;
static struct store *primary;
/* This thread's connection to the store: each request thread opens its own. */
static _Thread_local struct store *store;
static pthread_mutex_t opened_mu = PTHREAD_MUTEX_INITIALIZER;
static struct store **opened; /* by request threads, closed by routes_close */
static size_t nopened;

/* Remembers the store and settings the routes use; this thread uses s itself. */
void
routes_init(struct store *s, const struct config *c)
{
	primary = store = s;
	cfg = c;
}

/* Opens this thread's own connection to the store on its first request. */
static int
thread_store(struct err *e)
{
	if (store != NULL)
		return 0;
	if (store_open_more(primary, &store, e) < 0)
		return -1;
	pthread_mutex_lock(&opened_mu);
	opened = xreallocarray(opened, nopened + 1, sizeof(*opened));
	opened[nopened++] = store;
	pthread_mutex_unlock(&opened_mu);
	return 0;
}

/* Closes the connections of the request threads (after they stopped). */
void
routes_close(void)
{
	pthread_mutex_lock(&opened_mu);
	for (size_t i = 0; i < nopened; i++)
		store_close(opened[i]);
	free(opened);
	opened = NULL;
	nopened = 0;
	pthread_mutex_unlock(&opened_mu);
}

/* True when path is prefix + "/" + one segment (returned in seg) + suffix. */
static bool
path_id(const char *url, const char *prefix, const char *suffix, char *seg, size_t segsz)
{
	size_t pl = strlen(prefix);
	if (strncmp(url, prefix, pl) != 0)
		return false;
	const char *p = url + pl;
	size_t n = strcspn(p, "/");
	if (n == 0 || n >= segsz || strcmp(p + n, suffix) != 0)
		return false;
	memcpy(seg, p, n);
	seg[n] = '\0';
	return true;
}

/* The metrics label of a path. */
enum endpoint
route_endpoint(const char *url)
{
	static const struct {
		const char *path;
		enum endpoint ep;
	} fixed[] = {
	    {"/v1/register", EP_REGISTER},
	    {"/v1/login", EP_LOGIN},
	    {"/v1/logout", EP_LOGOUT},
	    {"/v1/logout/all", EP_LOGOUT},
	    {"/v1/password", EP_PASSWORD},
	    {"/v1/conversations", EP_CONVERSATIONS},
	    {"/v1/sync", EP_SYNC},
	    {"/v1/events", EP_EVENTS},
	    {"/v1/health", EP_HEALTH},
	    {"/v1/metrics", EP_METRICS},
	    {"/v1/changes", EP_CHANGES},
	    {"/v1/epoch", EP_EPOCH},
	};
	for (size_t i = 0; i < nitems(fixed); i++)
		if (strcmp(url, fixed[i].path) == 0)
			return (fixed[i].ep == EP_CHANGES || fixed[i].ep == EP_EPOCH) &&
				cfg->protocol_10
			    ? EP_OTHER
			    : fixed[i].ep;
	char id[128];
	if (path_id(url, "/v1/conversations/", "", id, sizeof(id)))
		return EP_CONVERSATIONS;
	if (path_id(url, "/v1/conversations/", "/messages", id, sizeof(id)))
		return EP_MESSAGES;
	if (path_id(url, "/v1/conversations/", "/read", id, sizeof(id)))
		return cfg->protocol_10 ? EP_OTHER : EP_READ;
	bool get_too, body;
	if (route_is_members(url, &get_too, &body))
		return cfg->protocol_10 ? EP_OTHER : EP_MEMBERS;
	return EP_OTHER;
}

/* Replies 500 after a store failure, logging the cause. */
enum route_result
route_internal(struct reply *r, const struct err *e)
{
	log_event("error", "internal", NULL, "natter-server-mock: %s\n", e->msg);
	reply_error(r, 500, "internal", "the server failed; retrying later is safe");
	return ROUTE_REPLY;
}

/* Sets a JSON reply. */
enum route_result
reply_json(struct reply *r, unsigned status, json_t *j)
{
	r->status = status;
	r->json = j;
	return ROUTE_REPLY;
}

/* Adds the server epoch to a JSON object reply (not with --protocol 1.0). */
void
route_epoch(struct reply *r)
{
	if (!cfg->protocol_10 && r->json != NULL && json_is_object(r->json))
		json_object_set_new(r->json, "epoch", epoch_json());
}

/* The bearer token of q's Authorization header, or NULL. */
static const char *
bearer(struct req *q, size_t *len)
{
	return auth_bearer(
	    MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
	    len);
}

/* A whole number of seconds in the largest unit that divides it: "30 days", "90 seconds". */
static void
duration_words(int64_t t, char *out, size_t n)
{
	static const struct {
		int64_t s;
		const char *unit;
	} units[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
	for (size_t i = 0; i < nitems(units); i++)
		if (t % units[i].s == 0 || units[i].s == 1) {
			long long k = (long long)(t / units[i].s);
			snprintf(out, n, "%lld %s%s", k, units[i].unit, k == 1 ? "" : "s");
			return;
		}
}

/* Finds the caller from the bearer token (renewing it): 0, or -1 with r set (401, 403). */
static int
authenticate(struct req *q, struct reply *r, int64_t *uid, char **name)
{
	size_t len;
	const char *tok = bearer(q, &len);
	if (tok == NULL)
		return reply_error(r, 401, "unauthorized", "a bearer token is needed");
	unsigned char hash[32];
	auth_token_hash(tok, len, hash);
	struct err e = {0};
	enum token_state st;
	char life[48];
	if (store_token_check(store, hash, cfg->token_idle_ms, uid, name, &st, &e) < 0) {
		route_internal(r, &e);
		return -1;
	}
	switch (st) {
	case TOKEN_OK:
		return 0;
	case TOKEN_EXPIRED:
		duration_words(cfg->token_idle_ms / 1000, life, sizeof(life));
		return reply_error(r, 401, "token_expired",
		    "the session expired after %s without use; log in again", life);
	case TOKEN_DISABLED:
		return reply_error(r, 403, "account_disabled", "this account is disabled");
	default:
		return reply_error(r, 401, "unauthorized", "unknown or revoked token");
	}
}

/* True when s is an identifier [A-Za-z0-9_-]{1,64}. */
static bool
id_valid(const char *s, size_t len)
{
	if (len < 1 || len > 64)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* Issues a token for uid and replies {"user","token"}. */
static enum route_result
give_token(struct reply *r, unsigned status, int64_t uid, const char *name)
{
	char tok[65];
	unsigned char hash[32];
	auth_new_token(tok, hash);
	struct err e = {0};
	if (store_token_issue(store, uid, hash, cfg->max_tokens, &e) < 0)
		return route_internal(r, &e);
	return reply_json(r, status, json_pack("{s:s, s:s}", "user", name, "token", tok));
}

/* The client's address. */
static const struct sockaddr *
client_addr(struct req *q)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(q->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	return ci != NULL ? ci->client_addr : NULL;
}

/* Counts a password attempt for name: 0, or -1 with r set to 429 login_throttled. */
static int
throttled(struct req *q, const char *name, struct reply *r)
{
	int wait = throttle_attempt(name, client_addr(q), mono_ms());
	if (wait == 0)
		return 0;
	reply_error(r, 429, "login_throttled",
	    "too many failed logins for this account or from this address; try again in %d "
	    "second%s",
	    wait, wait == 1 ? "" : "s");
	r->retry_after = wait;
	return -1;
}

/* Refuses a password that breaks the rules: 0, or -1 with r set (400 invalid_field: length, weak_password). */
static int
password_ok(const char *user, const char *pw, struct reply *r)
{
	size_t n = rules_chars(pw);
	if (n < RULES_PASSWORD_MIN || n > RULES_PASSWORD_MAX || strlen(pw) > 1024)
		return reply_error(r, 400, "invalid_field",
		    "a password has %d to %d characters (and at most 1024 bytes)",
		    RULES_PASSWORD_MIN, RULES_PASSWORD_MAX);
	const char *why = rules_password_problem(user, pw);
	if (why == NULL)
		return 0;
	return reply_error(r, 400, "weak_password", "%s", why);
}

/* Reads user and password of register (the rules of a new password checked). */
static int
credentials(json_t *in, struct reply *r, const char **user, const char **pw)
{
	size_t ulen, plen;
	if (request_string(in, "user", user, &ulen, r) < 0 ||
	    request_string(in, "password", pw, &plen, r) < 0 || password_ok(*user, *pw, r) < 0)
		return -1;
	if (!auth_name_valid(*user))
		return reply_error(r, 400, "invalid_user",
		    "a user name is 1 to 32 of a-z 0-9 . _ -, "
		    "starting with a letter or digit");
	return 0;
}

/* POST /v1/register: the password is hashed on the worker, then the user is made. */
static enum route_result
do_register(struct req *q, json_t *in, struct reply *r)
{
	const char *user, *pw, *invite = NULL;
	if (credentials(in, r, &user, &pw) < 0)
		return ROUTE_REPLY;
	if (cfg->registration == REG_CLOSED) {
		reply_error(r, 403, "registration_closed",
		    "this server does not take new accounts; ask its administrator for one");
		return ROUTE_REPLY;
	}
	if (cfg->registration == REG_INVITE) {
		size_t ilen;
		if (json_object_get(in, "invite") == NULL) {
			reply_error(r, 403, "invite_required",
			    "this server takes new accounts by invitation: an invitation code is "
			    "needed");
			return ROUTE_REPLY;
		}
		if (request_string(in, "invite", &invite, &ilen, r) < 0)
			return ROUTE_REPLY;
	}
	if (q->pw == NULL) {
		pwwork_hash(q, pw);
		return ROUTE_WORKING;
	}
	char *hash;
	if (!pwwork_result(q, &hash)) {
		reply_error(r, 503, "unavailable", "out of memory hashing the password");
		return ROUTE_REPLY;
	}
	struct err e = {0};
	int64_t uid;
	char *skel = rules_skeleton(user), *clash;
	int rc = store_register(store, user, skel, hash, invite, &uid, &clash, &e);
	free(skel);
	free(hash);
	if (rc < 0)
		return route_internal(r, &e);
	if (rc == REGISTER_TAKEN)
		reply_error(r, 409, "user_exists", "the name %s is taken", user);
	else if (rc == REGISTER_LOOKALIKE)
		reply_error(r, 409, "user_lookalike",
		    "the name %s is too like the existing name %s; choose another", user, clash);
	else if (rc == REGISTER_BAD_INVITE)
		reply_error(r, 403, "invite_invalid", "this invitation code is unknown or used");
	free(clash);
	if (rc != 0)
		return ROUTE_REPLY;
	return give_token(r, 201, uid, user);
}

/* POST /v1/login: throttled, the password checked on the worker, then a token is issued. */
static enum route_result
do_login(struct req *q, json_t *in, struct reply *r)
{
	const char *user, *pw;
	size_t ulen, plen;
	if (request_string(in, "user", &user, &ulen, r) < 0 ||
	    request_string(in, "password", &pw, &plen, r) < 0)
		return ROUTE_REPLY;
	if (q->pw == NULL && throttled(q, user, r) < 0)
		return ROUTE_REPLY;
	struct err e = {0};
	int64_t uid;
	char *hash = NULL;
	int rc = store_user_find(store, user, &uid, &hash, &e);
	if (rc < 0)
		return route_internal(r, &e);
	if (q->pw == NULL) {
		/* An unknown user costs the same time as a known one. */
		pwwork_verify(q, pw, rc == 1 ? NULL : hash);
		free(hash);
		return ROUTE_WORKING;
	}
	free(hash);
	if (rc == 1 || !pwwork_result(q, NULL)) {
		throttle_failure(user, client_addr(q), mono_ms());
		reply_error(r, 401, "bad_credentials", "wrong user name or password");
		return ROUTE_REPLY;
	}
	throttle_success(user, client_addr(q));
	bool disabled;
	if (store_user_disabled(store, uid, &disabled, &e) < 0)
		return route_internal(r, &e);
	if (disabled) {
		reply_error(r, 403, "account_disabled", "this account is disabled");
		return ROUTE_REPLY;
	}
	return give_token(r, 200, uid, user);
}

/*
 * POST /v1/password: the old password checked (throttled like a login),
 * then the new one hashed, stored, and every other token of the user revoked.
 */
static enum route_result
do_password(struct req *q, int64_t uid, const char *me, json_t *in, struct reply *r)
{
	const char *old, *pw;
	size_t olen, plen;
	if (request_string(in, "password", &old, &olen, r) < 0 ||
	    request_string(in, "new_password", &pw, &plen, r) < 0 || password_ok(me, pw, r) < 0)
		return ROUTE_REPLY;
	struct err e = {0};
	if (q->pwstep == 0) {
		if (throttled(q, me, r) < 0)
			return ROUTE_REPLY;
		int64_t id;
		char *hash = NULL;
		int rc = store_user_find(store, me, &id, &hash, &e);
		if (rc != 0) {
			free(hash);
			return route_internal(r, &e);
		}
		q->pwstep = 1;
		pwwork_verify(q, old, hash);
		free(hash);
		return ROUTE_WORKING;
	}
	if (q->pwstep == 1) {
		if (!pwwork_result(q, NULL)) {
			throttle_failure(me, client_addr(q), mono_ms());
			reply_error(r, 403, "wrong_password", "the current password is wrong");
			return ROUTE_REPLY;
		}
		throttle_success(me, client_addr(q));
		pwwork_forget(q);
		q->pwstep = 2;
		pwwork_hash(q, pw);
		return ROUTE_WORKING;
	}
	char *hash;
	if (!pwwork_result(q, &hash)) {
		reply_error(r, 503, "unavailable", "out of memory hashing the password");
		return ROUTE_REPLY;
	}
	size_t len;
	const char *tok = bearer(q, &len);
	unsigned char keep[32];
	auth_token_hash(tok, len, keep);
	int64_t n = 0;
	int rc = store_user_set_password(store, uid, hash, &e);
	free(hash);
	if (rc == 0)
		rc = store_token_revoke_user(store, uid, keep, &n, &e);
	if (rc < 0)
		return route_internal(r, &e);
	return reply_json(r, 200, json_pack("{s:s, s:I}", "user", me, "revoked", (json_int_t)n));
}

/* POST /v1/logout, and /v1/logout/all: every token of the user. */
static enum route_result
do_logout(struct req *q, int64_t uid, struct reply *r)
{
	struct err e = {0};
	if (strcmp(q->url, "/v1/logout/all") == 0) {
		int64_t n = 0;
		if (store_token_revoke_user(store, uid, NULL, &n, &e) < 0)
			return route_internal(r, &e);
		return reply_json(r, 200, json_pack("{s:I}", "revoked", (json_int_t)n));
	}
	size_t len;
	const char *tok = bearer(q, &len);
	unsigned char hash[32];
	auth_token_hash(tok, len, hash);
	if (store_token_revoke(store, hash, &e) < 0)
		return route_internal(r, &e);
	return reply_json(r, 200, json_object());
}

/* POST /v1/conversations */
static enum route_result
do_conv_create(int64_t uid, const char *me, json_t *in, struct reply *r)
{
	const char *title;
	size_t tlen;
	if (request_string(in, "title", &title, &tlen, r) < 0)
		return ROUTE_REPLY;
	if (tlen < 1 || tlen > MAX_TITLE) {
		reply_error(r, 400, "invalid_field", "a title has 1 to %d bytes", MAX_TITLE);
		return ROUTE_REPLY;
	}
	json_t *members = json_object_get(in, "members");
	if (!json_is_array(members)) {
		reply_error(r, 400, "invalid_field", "\"members\" must be an array of user names");
		return ROUTE_REPLY;
	}
	size_t n = json_array_size(members);
	const char **names = xcalloc(n + 1, sizeof(*names));
	size_t nn = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *m = json_array_get(members, i);
		if (!json_is_string(m)) {
			reply_error(
			    r, 400, "invalid_field", "\"members\" must be an array of user names");
			goto out;
		}
		const char *name = json_string_value(m);
		if (!auth_name_valid(name) || strlen(name) != json_string_length(m)) {
			reply_error(r, 400, "invalid_user", "\"%.40s\" is not a user name", name);
			goto out;
		}
		bool dup = strcmp(name, me) == 0;
		for (size_t j = 0; j < nn && !dup; j++)
			dup = strcmp(names[j], name) == 0;
		if (!dup)
			names[nn++] = name;
	}
	if (nn + 1 < 2 || nn + 1 > MAX_MEMBERS) {
		reply_error(
		    r, 400, "invalid_field", "a conversation has 2 to %d members", MAX_MEMBERS);
		goto out;
	}
	struct err e = {0};
	struct store_conv conv;
	char *unknown;
	int64_t *woken;
	size_t nwoken;
	int rc = store_conv_create(
	    store, uid, title, names, nn, true, &conv, &unknown, &woken, &nwoken, &e);
	if (rc < 0) {
		route_internal(r, &e);
	} else if (rc == 1) {
		reply_error(r, 400, "unknown_user", "no user is called %s", unknown);
		free(unknown);
	} else {
		events_wake_users(woken, nwoken);
		free(woken);
		reply_json(r, 201, render_conv(&conv, true, true));
		store_conv_free(&conv);
	}
out:
	free(names);
	return ROUTE_REPLY;
}

/* Looks up a conversation of the caller by id: 0, or -1 with r set (404). */
int
route_member_conv(int64_t uid, const char *id, int64_t *conv, struct reply *r)
{
	struct err e = {0};
	int rc = id_valid(id, strlen(id)) ? store_conv_member(store, uid, id, conv, &e) : 1;
	if (rc < 0) {
		route_internal(r, &e);
		return -1;
	}
	if (rc == 1)
		return reply_error(r, 404, "not_found", "no such conversation");
	return 0;
}

/* GET /v1/conversations/{id} */
static enum route_result
do_conv_get(int64_t uid, const char *id, struct reply *r)
{
	int64_t conv;
	if (route_member_conv(uid, id, &conv, r) < 0)
		return ROUTE_REPLY;
	struct err e = {0};
	struct store_conv c;
	if (store_conv_get(store, conv, &c, &e) < 0)
		return route_internal(r, &e);
	reply_json(r, 200, render_conv(&c, true, true));
	store_conv_free(&c);
	return ROUTE_REPLY;
}

/* GET /v1/conversations */
static enum route_result
do_conv_list(int64_t uid, struct reply *r)
{
	struct err e = {0};
	struct store_conv *c;
	size_t n;
	if (store_conv_list(store, uid, &c, &n, &e) < 0)
		return route_internal(r, &e);
	reply_json(r, 200, json_pack("{s:o}", "conversations", render_convs(c, n, true)));
	store_convs_free(c, n);
	return ROUTE_REPLY;
}

/* POST /v1/conversations/{id}/messages */
static enum route_result
do_send(int64_t uid, const char *me, const char *id, json_t *in, struct reply *r)
{
	int64_t conv;
	if (route_member_conv(uid, id, &conv, r) < 0)
		return ROUTE_REPLY;
	const char *cid;
	size_t clen;
	if (request_string(in, "client_id", &cid, &clen, r) < 0)
		return ROUTE_REPLY;
	if (!id_valid(cid, clen)) {
		reply_error(r, 400, "invalid_field", "a client_id is 1 to 64 of A-Z a-z 0-9 _ -");
		return ROUTE_REPLY;
	}
	struct store_item it;
	if (cfg->protocol_10) {
		/* A server from before items: it reads a text message and ignores the rest. */
		it = (struct store_item){0};
		if (request_string(in, "body", &it.body, &it.bodylen, r) < 0)
			return ROUTE_REPLY;
		if (it.bodylen > MAX_MESSAGE_BODY) {
			reply_error(r, 413, "too_large", "a message body has at most %d bytes",
			    MAX_MESSAGE_BODY);
			return ROUTE_REPLY;
		}
		if (it.bodylen == 0) {
			reply_error(r, 400, "invalid_field", "a message body cannot be empty");
			return ROUTE_REPLY;
		}
	} else if (route_item_fields(in, &it, r) < 0)
		return ROUTE_REPLY;
	struct err e = {0};
	struct store_message out;
	bool created;
	enum store_refusal refused;
	int64_t *woken;
	size_t nwoken;
	if (store_send_item(
		store, uid, conv, cid, &it, &out, &created, &refused, &woken, &nwoken, &e) < 0)
		return route_internal(r, &e);
	if (refused != STORE_OK)
		return route_item_refused(refused, &it, r);
	if (created) {
		metrics_stored();
		events_wake_users(woken, nwoken);
		if (cfg->demo && it.kind == NULL)
			demo_heard(store, conv, me, it.body, woken, nwoken);
	}
	free(woken);
	reply_json(r, created ? 201 : 200, render_message(&out));
	store_message_free(&out);
	return ROUTE_REPLY;
}

/* Parses an optional unsigned integer query argument; -1 when malformed. */
static int
query_uint(struct req *q, const char *name, uint64_t *v, bool *present)
{
	const char *s = MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, name);
	*present = s != NULL;
	if (s == NULL)
		return 0;
	if (*s < '0' || *s > '9' || strlen(s) > 16)
		return -1;
	char *end;
	unsigned long long x = strtoull(s, &end, 10);
	if (*end != '\0' || x > SEQ_MAX)
		return -1;
	*v = x;
	return 0;
}

/* Answers a long-poll with what is there now, or suspends it until news or deadline. */
static enum route_result
events_poll(struct req *q, struct reply *r, bool final)
{
	struct err e = {0};
	struct event_answer a;
	events_mark(q);
	int n = store_events(store, q->uid, q->after, EVENTS_PER_ANSWER, &a, &e);
	if (n < 0)
		return route_internal(r, &e);
	if (n == 0 && !a.gap && !final) {
		store_events_free(&a);
		q->polling = true;
		return ROUTE_SUSPEND;
	}
	q->polling = false;
	json_t *events = render_events(a.ev, a.n);
	if (events == NULL) {
		store_events_free(&a);
		err_set(&e, ERR_DB, "a stored message is not valid text");
		return route_internal(r, &e);
	}
	size_t nm = 0;
	for (size_t i = 0; i < a.n; i++)
		nm += a.ev[i].type == STORE_EV_MESSAGE;
	metrics_delivered(true, nm);
	reply_json(r, 200,
	    json_pack(
		"{s:I, s:b, s:o}", "cursor", (json_int_t)a.cursor, "gap", a.gap, "events", events));
	route_epoch(r);
	store_events_free(&a);
	return ROUTE_REPLY;
}

/* GET /v1/changes */
static enum route_result
do_changes(struct req *q, int64_t uid, struct reply *r)
{
	uint64_t since = 0;
	bool has_since;
	if (query_uint(q, "since", &since, &has_since) < 0) {
		reply_error(r, 400, "invalid_field", "since is a non-negative integer");
		return ROUTE_REPLY;
	}
	struct err e = {0};
	struct changes_answer a;
	if (store_changes(store, uid, since, &a, &e) < 0)
		return route_internal(r, &e);
	json_t *convs = json_array();
	for (size_t i = 0; i < a.n; i++)
		json_array_append_new(convs, render_change(&a.convs[i], a.meta[i], &a.read[i]));
	reply_json(r, 200,
	    json_pack("{s:I, s:b, s:o}", "cursor", (json_int_t)a.cursor, "full", a.full,
		"conversations", convs));
	route_epoch(r);
	store_changes_free(&a);
	return ROUTE_REPLY;
}

/* GET /v1/epoch?since=G: the lowest bases of the caller's conversations after generation G. */
static enum route_result
do_epoch(struct req *q, int64_t uid, struct reply *r)
{
	uint64_t since = 0;
	bool has_since;
	if (query_uint(q, "since", &since, &has_since) < 0 || since > INT64_MAX) {
		reply_error(r, 400, "invalid_field", "since is a non-negative integer");
		return ROUTE_REPLY;
	}
	struct err e = {0};
	struct store_base *b;
	size_t n;
	if (store_epoch_bases(store, uid, (int64_t)since, &b, &n, &e) < 0)
		return route_internal(r, &e);
	json_t *convs = json_array(), *bases = NULL;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || strcmp(b[i].conv, b[i - 1].conv) != 0) {
			bases = json_object();
			json_array_append_new(
			    convs, json_pack("{s:s, s:o}", "id", b[i].conv, "bases", bases));
		}
		json_object_set_new(bases, b[i].sender, json_integer((json_int_t)b[i].base));
	}
	store_bases_free(b, n);
	reply_json(r, 200,
	    json_pack("{s:I, s:I, s:o}", "since", (json_int_t)since, "cursor",
		(json_int_t)epoch_cursor(), "conversations", convs));
	route_epoch(r);
	return ROUTE_REPLY;
}

/* GET /v1/events */
static enum route_result
do_events(struct req *q, int64_t uid, struct reply *r)
{
	uint64_t after = 0, timeout = POLL_DEFAULT;
	bool has_after, has_timeout;
	if (query_uint(q, "after", &after, &has_after) < 0 ||
	    query_uint(q, "timeout", &timeout, &has_timeout) < 0) {
		reply_error(r, 400, "invalid_field", "after and timeout are non-negative integers");
		return ROUTE_REPLY;
	}
	/* A client at another epoch (docs/protocol.md, "Server epoch") is answered at once. */
	const char *ep = MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, "epoch");
	if (!has_after || (ep != NULL && !epoch_is(ep))) {
		reply_json(r, 200,
		    json_pack("{s:I, s:b, s:[]}", "cursor", (json_int_t)store_cursor(store), "gap",
			false, "events"));
		route_epoch(r);
		return ROUTE_REPLY;
	}
	if (timeout > (uint64_t)cfg->max_poll)
		timeout = (uint64_t)cfg->max_poll;
	q->uid = uid;
	q->after = after;
	q->deadline = mono_ms() + (int64_t)timeout * 1000;
	return events_poll(q, r, timeout == 0 || events_draining());
}

/* A suspended long-poll again: after a wake-up, its deadline, or shutdown. */
enum route_result
route_events_again(struct req *q, struct reply *r)
{
	return events_poll(q, r, q->stopping || mono_ms() >= q->deadline);
}

/* Dispatches a request by path and method. */
enum route_result
route(struct req *q, struct reply *r)
{
	const char *url = q->url, *m = q->method;
	bool get = strcmp(m, "GET") == 0, post = strcmp(m, "POST") == 0;
	char id[128];
	bool conv_one = path_id(url, "/v1/conversations/", "", id, sizeof(id));
	if (!conv_one && !path_id(url, "/v1/conversations/", "/messages", id, sizeof(id)))
		path_id(url, "/v1/conversations/", "/read", id, sizeof(id));

	if (q->ep == EP_OTHER) {
		reply_error(r, 404, "not_found", "no such endpoint");
		return ROUTE_REPLY;
	}
	bool allowed, get_too = false, body = true;
	if (q->ep == EP_MEMBERS)
		route_is_members(url, &get_too, &body);
	switch (q->ep) {
	case EP_CONVERSATIONS:
		allowed = conv_one ? get : get || post;
		break;
	case EP_HEALTH:
	case EP_METRICS:
	case EP_EVENTS:
	case EP_CHANGES:
	case EP_EPOCH:
		allowed = get;
		break;
	case EP_MEMBERS:
		allowed = post || (get && get_too);
		break;
	default:
		allowed = post;
		break;
	}
	if (!allowed) {
		reply_error(r, 405, "method_not_allowed", "%s is not allowed on %s", m, url);
		return ROUTE_REPLY;
	}
	if (q->ep == EP_HEALTH) {
		json_t *h = json_pack("{s:s, s:s}", "status", "ok", "version", NATTER_VERSION);
		if (!cfg->protocol_10)
			json_object_set_new(h, "items", json_true());
		reply_json(r, 200, h);
		route_epoch(r);
		return ROUTE_REPLY;
	}
	if (q->ep == EP_METRICS) {
		r->status = 200;
		struct err me = {0};
		r->text = metrics_render(thread_store(&me) == 0 ? store : NULL);
		r->ctype = "text/plain; version=0.0.4";
		return ROUTE_REPLY;
	}

	int64_t uid = 0;
	char *me = NULL;
	json_t *in = NULL;
	struct err e = {0};
	if (thread_store(&e) < 0)
		return route_internal(r, &e);
	if (q->ep != EP_REGISTER && q->ep != EP_LOGIN && authenticate(q, r, &uid, &me) < 0)
		return ROUTE_REPLY;
	if (me != NULL && q->user == NULL)
		q->user = xstrdup(me);
	if (post && q->ep != EP_LOGOUT && body && (in = request_json(&q->body, r)) == NULL) {
		free(me);
		return ROUTE_REPLY;
	}
	enum route_result res = ROUTE_REPLY;
	switch (q->ep) {
	case EP_REGISTER:
		res = do_register(q, in, r);
		break;
	case EP_LOGIN:
		res = do_login(q, in, r);
		break;
	case EP_LOGOUT:
		res = do_logout(q, uid, r);
		break;
	case EP_PASSWORD:
		res = do_password(q, uid, me, in, r);
		break;
	case EP_CONVERSATIONS:
		if (conv_one)
			res = do_conv_get(uid, id, r);
		else if (get)
			res = do_conv_list(uid, r);
		else
			res = do_conv_create(uid, me, in, r);
		break;
	case EP_MESSAGES:
		res = do_send(uid, me, id, in, r);
		break;
	case EP_READ:
		res = route_read(store, uid, id, in, r);
		break;
	case EP_MEMBERS:
		res = route_members(store, uid, me, url, in, r);
		break;
	case EP_SYNC:
		res = route_sync(store, cfg, uid, in, r);
		break;
	case EP_CHANGES:
		res = do_changes(q, uid, r);
		break;
	case EP_EVENTS:
		res = do_events(q, uid, r);
		break;
	case EP_EPOCH:
		res = do_epoch(q, uid, r);
		break;
	default:
		reply_error(r, 404, "not_found", "no such endpoint");
		break;
	}
	json_decref(in);
	free(me);
	return res;
}
