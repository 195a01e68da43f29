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

#include "epoch.h"
#include "model.h"
#include "util.h"
#include "vector.h"

/* The answer to POST /v1/sync. */
struct sync_reply {
	struct message *msgs;
	size_t nmsgs;
	bool more;
	uint64_t cursor;
	struct conversation *convs;
	size_t nconvs;
	char *next; /* continuation token (with more), or NULL */
	int newest; /* the `newest` the server echoed: it answered newest first (0: it did not) */
	char **older; /* with newest: the conversations that may lack older messages */
	size_t nolder;
	struct epoch epoch; /* the server's (known false from an old server) */
};

/*
 * The answer to GET /v1/changes: the conversations in which something
 * happened after `since`, each with its digest; those whose metadata the
 * client may lack (or every one, when full) have title and members too.
 */
struct changes_reply {
	uint64_t cursor;
	bool full;
	struct conversation *convs;
	bool *has_meta; /* per conversation: title, members and created were sent */
	size_t nconvs;
	struct epoch epoch;
};

/* The answer to register and login. */
struct auth_reply {
	char *user;
	char *token;
};

enum event_type { EVENT_MESSAGE, EVENT_CONVERSATION, EVENT_READ };
struct event {
	enum event_type type;
	struct message msg; /* EVENT_MESSAGE */
	/* EVENT_CONVERSATION (no vector); EVENT_READ: only id and read */
	struct conversation conv;
};
/* The answer to GET /v1/events. */
struct events_reply {
	uint64_t cursor;
	bool gap;
	struct event *events;
	size_t nevents;
	struct epoch epoch;
};

/* An error body {"error": CODE, "message": TEXT}; empty strings when absent. */
struct api_error {
	char code[64];
	char message[256];
};

void sync_reply_free(struct sync_reply *r);
void auth_reply_free(struct auth_reply *a);
void events_reply_free(struct events_reply *r);
void changes_reply_free(struct changes_reply *r);

/* Grammar checks of docs/protocol.md. */
bool proto_valid_user(const char *s);
bool proto_valid_id(const char *s); /* conversation and client ids */

/* Decoders of a JSON value; on error return -1 with e (ERR_PROTOCOL) set. */
int proto_msg_from_json(json_t *j, struct message *m, struct err *e);
int proto_conv_from_json(json_t *j, struct conversation *c, struct err *e);
int proto_vector_from_json(json_t *j, struct vector *v, struct err *e);

/* Read marks {"sender": seq, ...} (proto-read.c). */
int proto_marks_from_json(json_t *j, struct marks *m, struct err *e);

/* Decoders of a whole response body. */
int proto_parse_auth(const char *body, size_t len, struct auth_reply *a, struct err *e);
int proto_parse_conversations(
    const char *body, size_t len, struct conversation **v, size_t *n, struct err *e);
int proto_parse_conversation(const char *body, size_t len, struct conversation *c, struct err *e);
/* A message receipt: where the server put a post (a message without body). */
int proto_parse_ack(const char *body, size_t len, struct message *a, struct err *e);
int proto_parse_sync(const char *body, size_t len, struct sync_reply *r, struct err *e);
int proto_parse_events(const char *body, size_t len, struct events_reply *r, struct err *e);
int proto_parse_changes(const char *body, size_t len, struct changes_reply *r, struct err *e);
/* The answer to POST /v1/conversations/{id}/read: the marks now. */
int proto_parse_read(const char *body, size_t len, struct marks *m, struct err *e);
/* Never fails: fields that are missing or wrong stay empty. */
void proto_parse_error(const char *body, size_t len, struct api_error *ae);

/* Encoders: each returns a new compact JSON text, or NULL when a string is not
 * valid UTF-8 (callers check user text with text_acceptable first). */
json_t *proto_vector_to_json(const struct vector *v);
char *proto_auth_request(const char *user, const char *password);
/* {"user", "password"} and "invite" when invite is not NULL; NULL when not valid UTF-8. */
char *proto_register_request(const char *user, const char *password, const char *invite);
/* {"password", "new_password"}; NULL when either is not valid UTF-8. */
char *proto_passwd_request(const char *old, const char *new_pw);
/* The count `key` of an answer (logout/all, password: "revoked"). */
int proto_parse_count(const char *body, size_t len, const char *key, long long *n, struct err *e);
char *proto_new_conversation(const char *title, char *const *members, size_t n);
char *proto_message_request(const char *client_id, const char *body);
/*
 * Encodes an item to send (docs/protocol.md, "Items"): client_id, then the
 * kind unless it is a text message, body unless empty, target, action and
 * remove when set. NULL when the body is not valid UTF-8.
 */
char *proto_item_request(const char *client_id, const struct message *it);
/*
 * A sync request is encoded once per request: each conversation's `have`
 * entry by proto_have_entry (so a caller can size requests on the very text
 * sent), then proto_sync_request joins them. ids may be NULL (no scope);
 * limit 0 leaves it to the server.
 */
char *proto_have_entry(const char *conv, const struct vector *v);
char *proto_sync_request(
    char *const *have, size_t nhave, char *const *ids, size_t nids, int limit, int newest);
/* Encodes {"read": {sender: seq, ...}}. */
char *proto_read_request(const struct marks *m);

/* proto-members.c: membership requests (docs/protocol.md, Membership). */
char *proto_direct_request(const char *user);
/* what: "add", "remove" or "admins". */
char *proto_members_request(const char *what, char *const *users, size_t n);
char *proto_title_request(const char *title);
char *proto_block_request(const char *user, bool on);
/* Decodes {"blocks": [NAME...]} (names allocated). */
int proto_parse_blocks(const char *body, size_t len, char ***names, size_t *n, struct err *e);
/* Encodes {"next": TOKEN} (with limit when > 0): a sync continuing an earlier one. */
char *proto_sync_next_request(const char *next, int limit);
/* True for a continuation token: 1-128 characters of [A-Za-z0-9._-]. */
bool proto_valid_token(const char *s);

#endif
