/* A session with one server: calls of the protocol with their errors mapped. */
#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define EVENTS_MARGIN_MS 10000

/* Opens a session with server. */
int
client_open(struct client *c, const char *server, const char *user, const char *token,
    const char *agent, struct err *e)
{
	memset(c, 0, sizeof(*c));
	if (http_init(&c->http, server, agent, e) < 0)
		return -1;
	c->server = xstrdup(c->http.base);
	c->user = user ? xstrdup(user) : NULL;
	c->retry_after = -1;
	http_set_token(&c->http, token);
	return 0;
}

/* Closes the session. */
void
client_close(struct client *c)
{
	http_free(&c->http);
	free(c->server);
	free(c->user);
	memset(c, 0, sizeof(*c));
}

/* A wait in words: "1 second", "40 seconds", "5 minutes". */
static void
wait_words(long s, char *out, size_t n)
{
	if (s < 60)
		snprintf(out, n, "%ld second%s", s, s == 1 ? "" : "s");
	else
		snprintf(out, n, "%ld minute%s", (s + 59) / 60, (s + 59) / 60 == 1 ? "" : "s");
}

/* Maps a failed status to an error a user understands. */
int
client_map_error(const struct client *c, long status, const char *body, size_t len,
    const char *what, struct err *e)
{
	struct api_error ae;
	proto_parse_error(body, len, &ae);
	char *said = text_sanitize(ae.message, strlen(ae.message), 0);
	char *shown_code = text_sanitize(ae.code, strlen(ae.code), 0);
	const char *code = ae.code;
	int ret;
	char wait[32];
	wait_words(c->retry_after > 0 ? c->retry_after : 1, wait, sizeof(wait));
	if (status == 401 && strcmp(code, "bad_credentials") == 0)
		ret = err_set(e, ERR_AUTH, "login rejected: wrong user name or password");
	else if (status == 401 && strcmp(code, "token_expired") == 0)
		ret =
		    err_set(e, ERR_AUTH, "your session expired; log in again with: natter login %s",
			c->user != NULL ? c->user : "NAME");
	else if (status == 403 && strcmp(code, "account_disabled") == 0)
		ret = err_set(e, ERR_AUTH,
		    "the account %s is disabled at %s; ask the server's administrator",
		    c->user != NULL ? c->user : "", c->server);
	else if (status == 403 && strcmp(code, "wrong_password") == 0)
		ret = err_set(e, ERR_AUTH, "the current password is wrong; nothing was changed");
	else if (status == 429 && strcmp(code, "login_throttled") == 0)
		ret = err_set(e, ERR_AUTH,
		    "too many failed logins for this account or from this address: wait %s, "
		    "then try again",
		    wait);
	else if (status == 403 &&
	    (strcmp(code, "registration_closed") == 0 || strcmp(code, "invite_required") == 0 ||
		strcmp(code, "invite_invalid") == 0))
		ret = err_set(e, ERR_AUTH, "%s refused to register: %s", c->server,
		    *said ? said : shown_code);
	else if (status == 400 && strcmp(code, "weak_password") == 0)
		ret = err_set(
		    e, ERR_USAGE, "password refused by the server: %s", *said ? said : shown_code);
	else if (status == 409 && strcmp(code, "user_lookalike") == 0)
		ret = err_set(e, ERR_USAGE, "refused by the server: %s", *said ? said : shown_code);
	else if (status == 401)
		ret = err_set(e, ERR_AUTH,
		    "%s refused the saved login (logged out or expired); run natter login USER",
		    c->server);
	else if (status == 404 && what != NULL)
		ret = err_set(e, ERR_NOTFOUND, "no %s, or you are not a member of it", what);
	else if (status == 404)
		ret = err_set(e, ERR_PROTOCOL,
		    "%s does not know this request (404): is it a natter "
		    "server?",
		    c->server);
	else if (status == 409)
		ret = err_set(e, ERR_CONFLICT, "%s", *said ? said : "already exists");
	else if (status == 413)
		ret = err_set(e, ERR_TOOLARGE, "too large for the server: %s", said);
	else if (status == 400 &&
	    (strcmp(code, "invalid_user") == 0 || strcmp(code, "unknown_user") == 0 ||
		strcmp(code, "invalid_field") == 0 || strcmp(code, "invalid_utf8") == 0))
		ret = err_set(e, ERR_USAGE, "refused by the server: %s", *said ? said : shown_code);
	else if (status >= 300 && status <= 399)
		ret = err_set(e, ERR_PROTOCOL,
		    "server at %s answered with a redirect (HTTP %ld), which natter does not "
		    "follow: check the server URL",
		    c->server, status);
	else if (status == 429 || status >= 500)
		ret = err_set(e, ERR_OFFLINE, "server at %s is %s (HTTP %ld); try again later",
		    c->server, status == 429 ? "limiting requests" : "failing", status);
	else
		ret = err_set(e, ERR_PROTOCOL, "server at %s refused the request (HTTP %ld %s): %s",
		    c->server, status, shown_code, said);
	if (e != NULL)
		e->status = (int)status;
	free(said);
	free(shown_code);
	return ret;
}

/* Sends one request and checks for a 2xx answer. */
int
client_call(struct client *c, const char *method, const char *path, const char *body,
    long timeout_ms, const char *what, struct http_response *r, struct err *e)
{
	return client_call_flags(c, method, path, body, timeout_ms, 0, what, r, e);
}

/* client_call with http_request_flags' flags. */
int
client_call_flags(struct client *c, const char *method, const char *path, const char *body,
    long timeout_ms, int flags, const char *what, struct http_response *r, struct err *e)
{
	if (http_request_flags(&c->http, method, path, body, timeout_ms, flags, r, e) < 0) {
		/* Part of an answer (too large, cut short) may be there. */
		http_response_free(r);
		return -1;
	}
	if (r->status >= 200 && r->status <= 299)
		return 0;
	c->retry_after = r->retry_after;
	client_map_error(c, r->status, r->body.data, r->body.len, what, e);
	http_response_free(r);
	return -1;
}

/* Registers or logs in. */
static int
auth(struct client *c, const char *path, const char *user, const char *password, const char *invite,
    struct auth_reply *a, struct err *e)
{
	memset(a, 0, sizeof(*a));
	char *req = proto_register_request(user, password, invite);
	if (req == NULL)
		return err_set(e, ERR_USAGE, "the user name or password is not valid UTF-8");
	struct http_response r;
	int flags = strcmp(path, "/v1/register") == 0 ? HTTP_UNSAFE : HTTP_NO_RETRY_429;
	int ret = client_call_flags(c, "POST", path, req, 0, flags, NULL, &r, e);
	explicit_bzero(req, strlen(req));
	free(req);
	if (ret < 0)
		return -1;
	ret = proto_parse_auth(r.body.data, r.body.len, a, e);
	http_response_free(&r);
	if (ret == 0) {
		free(c->user);
		c->user = xstrdup(a->user);
		http_set_token(&c->http, a->token);
	}
	return ret;
}

/* POST /v1/register, with an invitation code when invite is not NULL. */
int
client_register(struct client *c, const char *user, const char *password, const char *invite,
    struct auth_reply *a, struct err *e)
{
	if (auth(c, "/v1/register", user, password, invite, a, e) < 0) {
		if (e != NULL && e->kind == ERR_CONFLICT)
			err_set(e, ERR_CONFLICT, "user name %s is taken at %s", user, c->server);
		return -1;
	}
	return 0;
}

/* POST /v1/login. */
int
client_login(
    struct client *c, const char *user, const char *password, struct auth_reply *a, struct err *e)
{
	return auth(c, "/v1/login", user, password, NULL, a, e);
}

/* POST /v1/logout. */
int
client_logout(struct client *c, struct err *e)
{
	struct http_response r;
	if (client_call(c, "POST", "/v1/logout", "{}", 0, NULL, &r, e) < 0)
		return -1;
	http_response_free(&r);
	return 0;
}

/* POST /v1/logout/all: *n gets how many tokens were revoked. */
int
client_logout_all(struct client *c, long long *n, struct err *e)
{
	struct http_response r;
	if (client_call(c, "POST", "/v1/logout/all", "{}", 0, NULL, &r, e) < 0)
		return -1;
	int ret = proto_parse_count(r.body.data, r.body.len, "revoked", n, e);
	http_response_free(&r);
	return ret;
}

/* POST /v1/password: *n gets how many other tokens were revoked. */
int
client_passwd(struct client *c, const char *old, const char *new_pw, long long *n, struct err *e)
{
	char *req = proto_passwd_request(old, new_pw);
	if (req == NULL)
		return err_set(e, ERR_USAGE, "a password is not valid UTF-8");
	struct http_response r;
	int ret =
	    client_call_flags(c, "POST", "/v1/password", req, 0, HTTP_NO_RETRY_429, NULL, &r, e);
	explicit_bzero(req, strlen(req));
	free(req);
	if (ret < 0)
		return -1;
	ret = proto_parse_count(r.body.data, r.body.len, "revoked", n, e);
	http_response_free(&r);
	return ret;
}

/* GET /v1/conversations. */
int
client_conversations(struct client *c, struct conversation **v, size_t *n, struct err *e)
{
	*v = NULL;
	*n = 0;
	struct http_response r;
	if (client_call(c, "GET", "/v1/conversations", NULL, 0, NULL, &r, e) < 0)
		return -1;
	int ret = proto_parse_conversations(r.body.data, r.body.len, v, n, e);
	http_response_free(&r);
	return ret;
}

/* POST /v1/conversations. */
int
client_new_conversation(struct client *c, const char *title, char *const *members, size_t n,
    struct conversation *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	char *req = proto_new_conversation(title, members, n);
	if (req == NULL)
		return err_set(e, ERR_USAGE, "the title or a member name is not valid UTF-8");
	struct http_response r;
	int ret =
	    client_call_flags(c, "POST", "/v1/conversations", req, 0, HTTP_UNSAFE, NULL, &r, e);
	free(req);
	if (ret < 0)
		return -1;
	ret = proto_parse_conversation(r.body.data, r.body.len, out, e);
	http_response_free(&r);
	return ret;
}

/* POST /v1/conversations/{id}/messages of an item (a text message when it has no kind). */
int
client_post_item(struct client *c, const char *conv, const char *client_id,
    const struct message *it, struct message *a, struct err *e)
{
	memset(a, 0, sizeof(*a));
	if (!proto_valid_id(conv))
		return err_set(
		    e, ERR_NOTFOUND, "no conversation %s, or you are not a member of it", conv);
	char *req = proto_item_request(client_id, it);
	if (req == NULL)
		return err_set(e, ERR_USAGE, "the message is not valid UTF-8");
	char *path = xasprintf("/v1/conversations/%s/messages", conv);
	char *what = it->target_sender != NULL
	    ? xasprintf("conversation %s or message %s:%llu", conv, it->target_sender,
		  (unsigned long long)it->target_seq)
	    : xasprintf("conversation %s", conv);
	struct http_response r;
	int ret = client_call(c, "POST", path, req, 0, what, &r, e);
	free(req);
	free(path);
	free(what);
	if (ret < 0)
		return -1;
	ret = proto_parse_ack(r.body.data, r.body.len, a, e);
	http_response_free(&r);
	if (ret == 0 && strcmp(a->conv, conv) != 0) {
		message_free(a);
		return err_set(
		    e, ERR_PROTOCOL, "server stored the message in another conversation");
	}
	return ret;
}

/* POST /v1/conversations/{id}/messages of a text message. */
int
client_post_message(struct client *c, const char *conv, const char *client_id, const char *body,
    struct message *a, struct err *e)
{
	struct message it = {.body = (char *)body};
	return client_post_item(c, conv, client_id, &it, a, e);
}

/* GET /v1/health: whether the server implements items ("items": true). */
int
client_has_items(struct client *c, bool *yes, struct err *e)
{
	*yes = false;
	struct http_response r;
	if (client_call(c, "GET", "/v1/health", NULL, 0, NULL, &r, e) < 0)
		return -1;
	json_t *j = json_loadb(r.body.data, r.body.len, 0, NULL);
	*yes = json_is_true(json_object_get(j, "items"));
	json_decref(j);
	http_response_free(&r);
	return 0;
}

/* POST /v1/sync. */
int
client_sync(struct client *c, char *const *have, size_t nhave, char *const *ids, size_t nids,
    int limit, int newest, struct sync_reply *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	char *req = proto_sync_request(have, nhave, ids, nids, limit, newest);
	struct http_response r;
	int ret = client_call(c, "POST", "/v1/sync", req, 0,
	    nids == 1 ? "such conversation" : "conversation among those asked for", &r, e);
	free(req);
	if (ret < 0)
		return -1;
	ret = proto_parse_sync(r.body.data, r.body.len, out, e);
	http_response_free(&r);
	return ret;
}

/* POST /v1/sync with a continuation token. */
int
client_sync_next(
    struct client *c, const char *next, int limit, struct sync_reply *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	char *req = proto_sync_next_request(next, limit);
	struct http_response r;
	int ret = client_call(c, "POST", "/v1/sync", req, 0, NULL, &r, e);
	free(req);
	if (ret < 0) {
		if (e != NULL && e->status == 410) /* status stays 410 */
			err_set(e, ERR_NOTFOUND, "%s forgot where the sync was (410)", c->server);
		return -1;
	}
	ret = proto_parse_sync(r.body.data, r.body.len, out, e);
	http_response_free(&r);
	return ret;
}

/* GET /v1/changes. */
int
client_changes(
    struct client *c, uint64_t since, bool *missing, struct changes_reply *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	*missing = false;
	char *path = xasprintf("/v1/changes?since=%llu", (unsigned long long)since);
	struct http_response r;
	int ret = client_call(c, "GET", path, NULL, 0, NULL, &r, e);
	free(path);
	if (ret < 0) {
		if (e == NULL || e->status != 404)
			return -1;
		*missing = true;
		memset(e, 0, sizeof(*e));
		return 0;
	}
	ret = proto_parse_changes(r.body.data, r.body.len, out, e);
	http_response_free(&r);
	return ret;
}

/* GET /v1/conversations/{id}: one conversation with its vector. */
int
client_conversation(struct client *c, const char *id, struct conversation *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	char *path = xasprintf("/v1/conversations/%s", id);
	char *what = xasprintf("conversation %s", id);
	struct http_response r;
	int ret = client_call(c, "GET", path, NULL, 0, what, &r, e);
	free(path);
	free(what);
	if (ret < 0)
		return -1;
	ret = proto_parse_conversation(r.body.data, r.body.len, out, e);
	http_response_free(&r);
	return ret;
}

/* GET /v1/epoch?since=G: what the generations after G kept (docs/protocol.md, "Server epoch"). */
int
client_epoch(struct client *c, int64_t since, struct epoch_bases *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	char *path = xasprintf("/v1/epoch?since=%lld", (long long)since);
	struct http_response r;
	int ret = client_call(c, "GET", path, NULL, 0, NULL, &r, e);
	free(path);
	if (ret < 0)
		return -1;
	ret = epoch_parse_bases(r.body.data, r.body.len, out, NULL, e);
	http_response_free(&r);
	return ret;
}

/* GET /v1/events. */
int
client_events(struct client *c, int64_t after, int timeout_s, const struct epoch *ep,
    struct events_reply *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	char *path = after < 0 ? xasprintf("/v1/events?timeout=%d", timeout_s)
	    : ep != NULL && ep->known
	    ? xasprintf("/v1/events?after=%lld&timeout=%d&epoch=%s:%lld", (long long)after,
		  timeout_s, ep->server, (long long)ep->generation)
	    : xasprintf("/v1/events?after=%lld&timeout=%d", (long long)after, timeout_s);
	struct http_response r;
	int ret = client_call(
	    c, "GET", path, NULL, (long)timeout_s * 1000 + EVENTS_MARGIN_MS, NULL, &r, e);
	free(path);
	if (ret < 0)
		return -1;
	ret = proto_parse_events(r.body.data, r.body.len, out, e);
	http_response_free(&r);
	return ret;
}

/* POST /v1/conversations/{conv}/read; *missing when the server has no read state. */
int
client_read(struct client *c, const char *conv, const struct marks *m, bool *missing,
    struct marks *out, struct err *e)
{
	*out = (struct marks){0};
	*missing = false;
	char *path = xasprintf("/v1/conversations/%s/read", conv);
	char *body = proto_read_request(m);
	struct http_response r;
	int ret = client_call(c, "POST", path, body, 0, NULL, &r, e);
	free(path);
	free(body);
	if (ret < 0) {
		if (e == NULL || e->status != 404)
			return -1;
		*missing = true; /* no read state, or no longer a member */
		memset(e, 0, sizeof(*e));
		return 0;
	}
	ret = proto_parse_read(r.body.data, r.body.len, out, e);
	http_response_free(&r);
	return ret;
}
