/*
 * A session with one server: its URL, the token it issued, an HTTP handle,
 * and the calls of docs/protocol.md with their errors mapped to struct err
 * in words a user understands.
 */
#ifndef NATTER_CLIENT_H
#define NATTER_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "http.h"
#include "proto.h"
#include "util.h"

struct client {
	struct http http;
	char *server; /* normalised URL */
	char *user; /* NULL before login */
	long retry_after; /* the last failed answer's Retry-After (s), or -1 */
};

/* Opens a session; token (may be NULL) must have been issued by server. */
int client_open(struct client *c, const char *server, const char *user, const char *token,
    const char *agent, struct err *e);
void client_close(struct client *c);

/*
 * One call: sends body (may be NULL), checks the status is 2xx and returns
 * the body in r. Other statuses become an error from the error body: see
 * client_map_error. what names the object for 404s ("conversation X").
 */
int client_call(struct client *c, const char *method, const char *path, const char *body,
    long timeout_ms, const char *what, struct http_response *r, struct err *e);
/* client_call with http_request_flags' flags (HTTP_UNSAFE). */
int client_call_flags(struct client *c, const char *method, const char *path, const char *body,
    long timeout_ms, int flags, const char *what, struct http_response *r, struct err *e);
/* Maps an HTTP status and error body to an error kind and words. */
int client_map_error(const struct client *c, long status, const char *body, size_t len,
    const char *what, struct err *e);

/* invite: the server's invitation code, or NULL. */
int client_register(struct client *c, const char *user, const char *password, const char *invite,
    struct auth_reply *a, struct err *e);
int client_login(
    struct client *c, const char *user, const char *password, struct auth_reply *a, struct err *e);
int client_logout(struct client *c, struct err *e);
/* Revokes every token of the user (*n how many). */
int client_logout_all(struct client *c, long long *n, struct err *e);
/* Changes the password; every other token of the user is revoked (*n how many). */
int client_passwd(
    struct client *c, const char *old, const char *new_pw, long long *n, struct err *e);
int client_conversations(struct client *c, struct conversation **v, size_t *n, struct err *e);
int client_new_conversation(struct client *c, const char *title, char *const *members, size_t n,
    struct conversation *out, struct err *e);
int client_post_message(struct client *c, const char *conv, const char *client_id, const char *body,
    struct message *a, struct err *e);
/* Posts an item (docs/protocol.md, "Items": kind, body, target, action, remove). */
int client_post_item(struct client *c, const char *conv, const char *client_id,
    const struct message *it, struct message *a, struct err *e);
/* GET /v1/health: *yes when the server implements items. */
int client_has_items(struct client *c, bool *yes, struct err *e);

/* client-members.c: membership (docs/protocol.md, Membership) */
int client_direct(struct client *c, const char *user, struct conversation *out, struct err *e);
/* what: "add", "remove" or "admins". */
int client_members(struct client *c, const char *conv, const char *what, char *const *users,
    size_t n, struct conversation *out, struct err *e);
/* verb: "leave", "accept" (out the conversation, or NULL) or "decline". */
int client_membership(
    struct client *c, const char *conv, const char *verb, struct conversation *out, struct err *e);
int client_rename(
    struct client *c, const char *conv, const char *title, struct conversation *out, struct err *e);
/* Blocks (on) or unblocks user, or only lists when user is NULL; *names the list after. */
int client_block(
    struct client *c, const char *user, bool on, char ***names, size_t *n, struct err *e);
/*
 * POST /v1/sync of the conversations ids, have being entries encoded by
 * proto_have_entry (of those ids whose vector is not empty); limit 0 for
 * the server's default; newest > 0 asks for the newest that many missing
 * per conversation (r->newest says whether the server did so).
 */
int client_sync(struct client *c, char *const *have, size_t nhave, char *const *ids, size_t nids,
    int limit, int newest, struct sync_reply *r, struct err *e);
/*
 * POST /v1/sync continuing an earlier answer by its `next` token. An
 * unknown or expired token is ERR_NOTFOUND with e->status 410.
 */
int client_sync_next(
    struct client *c, const char *next, int limit, struct sync_reply *r, struct err *e);
/*
 * GET /v1/changes?since=SINCE. A server without it answers 404: then
 * *missing is true and 0 is returned, so the caller falls back.
 */
/* Raises the reader's marks in conv; *missing (and 0) on 404. */
int client_read(struct client *c, const char *conv, const struct marks *m, bool *missing,
    struct marks *out, struct err *e);
int client_changes(
    struct client *c, uint64_t since, bool *missing, struct changes_reply *r, struct err *e);
/* GET /v1/conversations/{id}: the conversation with its vector (id checked by the caller). */
int client_conversation(struct client *c, const char *id, struct conversation *out, struct err *e);
/* GET /v1/epoch?since=SINCE: the bases of the generations after since. */
int client_epoch(struct client *c, int64_t since, struct epoch_bases *out, struct err *e);
/*
 * GET /v1/events; after < 0 means "from now"; the HTTP timeout is timeout_s
 * + margin. ep (may be NULL): the epoch the cursor belongs to, sent so that
 * a restored server answers at once.
 */
int client_events(struct client *c, int64_t after, int timeout_s, const struct epoch *ep,
    struct events_reply *r, struct err *e);

#endif
