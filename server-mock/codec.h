/*
 * natter-server-mock's JSON codec: request bodies read (request.c), the
 * store's answers rendered (render.c), and the answer a route builds. The
 * only server header that knows jansson; store.h and server.h do not.
 */
#ifndef NATTER_SERVER_CODEC_H
#define NATTER_SERVER_CODEC_H

#include <jansson.h>

#include "server.h"

/* An answer being built by a route. */
struct reply {
	unsigned status;
	json_t *json; /* owned; NULL when text is used */
	char *text; /* owned plain text (metrics) */
	const char *ctype;
	int retry_after; /* seconds, 0 = no header */
};

/* render.c: the store's answers as protocol JSON */
json_t *render_conv(const struct store_conv *c, bool with_vector, bool with_digest);
json_t *render_convs(const struct store_conv *c, size_t n, bool with_vector);
/* A conversation of GET /v1/changes: id, digest, read, and its metadata when meta. */
json_t *render_change(const struct store_conv *c, bool meta, const struct store_marks *read);
/* Read marks as an object {sender: seq}. */
json_t *render_marks(const struct store_marks *m);
/* The answer to a send when body is NULL. NULL when it cannot be rendered. */
json_t *render_message(const struct store_message *m);
json_t *render_messages(const struct store_message *m, size_t n);
json_t *render_event(const struct store_event *ev);
json_t *render_events(const struct store_event *ev, size_t n);

/* routes.c: what the routes of other files share */
/* Replies 500 after a store failure, logging the cause. */
enum route_result route_internal(struct reply *r, const struct err *e);
/* Sets a JSON reply (taking j). */
enum route_result reply_json(struct reply *r, unsigned status, json_t *j);
/* Looks up a conversation of the caller by public id: 0, or -1 with r set (404). */
int route_member_conv(int64_t uid, const char *id, int64_t *conv, struct reply *r);

/* routes-sync.c: POST /v1/sync, with its continuations */
enum route_result route_sync(
    struct store *s, const struct config *c, int64_t uid, json_t *in, struct reply *r);

/* routes-items.c: the item fields of a send (docs/protocol.md, "Items") */
/* Reads kind, body, target, action, remove into it (pointing into in): 0, or -1 with r set. */
int route_item_fields(json_t *in, struct store_item *it, struct reply *r);
/* Answers an item the store refused (404 not_found, 403 forbidden, 409 deleted). */
enum route_result route_item_refused(
    enum store_refusal why, const struct store_item *it, struct reply *r);

/* routes-read.c: POST /v1/conversations/{id}/read */
enum route_result route_read(
    struct store *s, int64_t uid, const char *id, json_t *in, struct reply *r);

/* request.c: reading JSON bodies */
/* Parses a request body into an object, or fills r with the 400 error. */
json_t *request_json(const struct buf *body, struct reply *r);
/* The depth of nesting of JSON text (strings skipped). */
int request_json_depth(const char *s, size_t len);
/* Sets r to an error reply. Returns -1. */
int reply_error(struct reply *r, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A string field: 0, or -1 with r set (missing/wrong type, invalid text). */
int request_string(json_t *o, const char *key, const char **s, size_t *len, struct reply *r);

#endif
