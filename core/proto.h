/*
 * The protocol codec: JSON bodies of docs/protocol.md to and from structs,
 * with jansson. Decoders check every field's presence, type and range and
 * say what was wrong; they never trust the server. Pure: no I/O.
 */
#ifndef NATTER_PROTO_H
#define NATTER_PROTO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"
#include "vector.h"

/* A message, as in sync answers, events and the store. */
struct msg {
	char *conv;
	char *sender;
	uint64_t seq;
	int64_t ts;
	char *body;
};

/* A conversation; vector and digest only when the server sent them. */
struct conv {
	char *id;
	char *title;
	char **members;
	size_t nmembers;
	int64_t created;
	bool has_vector;
	struct vector vector;
	char digest[DIGEST_HEXLEN + 1]; /* "" when absent */
};

/* One conversation's vector in a vector map. */
struct vmap_entry {
	char *conv;
	struct vector v;
};
struct vmap {
	struct vmap_entry *e;
	size_t n, cap;
};

/* The answer to POST /v1/sync. */
struct sync_reply {
	struct msg *msgs;
	size_t nmsgs;
	bool more;
	uint64_t cursor;
	struct conv *convs;
	size_t nconvs;
};

/* The answer to a message post: where the server put it. */
struct ack {
	char *conv;
	char *sender;
	uint64_t seq;
	int64_t ts;
};

/* The answer to register and login. */
struct auth_reply {
	char *user;
	char *token;
};

enum event_type { EVENT_MESSAGE, EVENT_CONVERSATION };
struct event {
	enum event_type type;
	struct msg msg; /* EVENT_MESSAGE */
	struct conv conv; /* EVENT_CONVERSATION (no vector) */
};
/* The answer to GET /v1/events. */
struct events_reply {
	uint64_t cursor;
	bool gap;
	struct event *events;
	size_t nevents;
};

/* An error body {"error": CODE, "message": TEXT}; empty strings when absent. */
struct api_error {
	char code[64];
	char message[256];
};

void msg_free(struct msg *m);
void msgs_free(struct msg *v, size_t n);
void conv_free(struct conv *c);
void convs_free(struct conv *v, size_t n);
void vmap_free(struct vmap *m);
/* The entry of conv, created empty when absent. */
struct vector *vmap_get(struct vmap *m, const char *conv);
void sync_reply_free(struct sync_reply *r);
void ack_free(struct ack *a);
void auth_reply_free(struct auth_reply *a);
void events_reply_free(struct events_reply *r);

/* Grammar checks of docs/protocol.md. */
bool proto_valid_user(const char *s);
bool proto_valid_id(const char *s); /* conversation and client ids */

/* Decoders of a JSON value; on error return -1 with e (ERR_PROTOCOL) set. */
int proto_msg_from_json(json_t *j, struct msg *m, struct err *e);
int proto_conv_from_json(json_t *j, struct conv *c, struct err *e);
int proto_vector_from_json(json_t *j, struct vector *v, struct err *e);
int proto_vmap_from_json(json_t *j, struct vmap *m, struct err *e);

/* Decoders of a whole response body. */
int proto_parse_auth(const char *body, size_t len, struct auth_reply *a, struct err *e);
int proto_parse_conversations(
    const char *body, size_t len, struct conv **v, size_t *n, struct err *e);
int proto_parse_conversation(const char *body, size_t len, struct conv *c, struct err *e);
int proto_parse_ack(const char *body, size_t len, struct ack *a, struct err *e);
int proto_parse_sync(const char *body, size_t len, struct sync_reply *r, struct err *e);
int proto_parse_events(const char *body, size_t len, struct events_reply *r, struct err *e);
/* Never fails: fields that are missing or wrong stay empty. */
void proto_parse_error(const char *body, size_t len, struct api_error *ae);

/* Encoders: each returns a new compact JSON text, or NULL when a string is not
 * valid UTF-8 (callers check user text with text_acceptable first). */
json_t *proto_vector_to_json(const struct vector *v);
char *proto_auth_request(const char *user, const char *password);
char *proto_new_conversation(const char *title, char *const *members, size_t n);
char *proto_message_request(const char *client_id, const char *body);
/* ids may be NULL (no scope); limit 0 leaves it to the server. */
char *proto_sync_request(const struct vmap *have, char *const *ids, size_t nids, int limit);

#endif
