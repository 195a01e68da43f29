/*
 * The model shared by every part of natter: a message and a conversation,
 * as the protocol carries them, the stores keep them and the programs show
 * them, defined once. Plain data: no JSON (core/proto.c is the codec), no
 * SQL (core/history.c and core/syncstore.c are the stores).
 */
#ifndef NATTER_MODEL_H
#define NATTER_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vector.h"

/*
 * A message, keyed by (conv, sender, seq): an item of docs/protocol.md
 * ("Items"), a text message or an edit, delete, reaction, member change or
 * title. A receipt of the server (where it put a post) is a message without
 * body; otherwise body is "" when the item has none (a delete, a member
 * change, text erased by a delete).
 */
struct message {
	char *conv;
	char *sender;
	uint64_t seq;
	int64_t ts; /* server time, ms since the epoch */
	char *body;
	int64_t id; /* row id in history.db, 0 when not read from there */
	char *kind; /* NULL: a text message; else the kind as sent (item_kind) */
	char *target_sender; /* the message it acts on, or a reply's; NULL: none */
	uint64_t target_seq;
	bool action; /* a text message that is an action (/me) */
	bool remove; /* a reaction taken back */
	bool deleted; /* its text was erased by a delete */
	bool lost; /* held here, lost by the server in a restore (history.db, sync.db) */
	char *op; /* a member item: "add", "remove", "leave", "join", "admin" */
	char *users; /* a member item: the names concerned, separated by single spaces */
};

/* The kinds of items; ITEM_UNKNOWN is kept (its seq is held) and shown as nothing. */
enum item_kind {
	ITEM_MESSAGE,
	ITEM_EDIT,
	ITEM_DELETE,
	ITEM_REACT,
	ITEM_MEMBER,
	ITEM_TITLE,
	ITEM_UNKNOWN,
};

/* A growable array of messages. Zero-initialise for the empty list. */
struct message_list {
	struct message *v;
	size_t n, cap;
};

/* A read mark: the reader has read sender's messages up to seq. */
struct mark {
	char *sender;
	uint64_t seq;
};
/* A reader's marks in one conversation, one per sender (read state). */
struct marks {
	struct mark *v;
	size_t n;
};

/*
 * A conversation. Who fills what: the server sends id, title, members and
 * created (vector and digest in the conversation list); sync.db may lack
 * the title (NULL) and members; history.db's list adds the counts.
 */
struct conversation {
	char *id;
	char *title;
	char **members; /* sorted; may be empty when not known */
	size_t nmembers;
	int64_t created;
	uint64_t messages; /* held in history */
	uint64_t unread; /* after the read position, not sent by the reader */
	int64_t last_ts; /* newest message, 0 when none */
	bool has_vector;
	struct vector vector;
	char digest[DIGEST_HEXLEN + 1]; /* "" when absent */
	bool has_read; /* the server sent the reader's read marks */
	/* Where the reader stands (docs/protocol.md, Membership); has_state when the server said. */
	bool has_state;
	enum conv_state { CONV_MEMBER = 0, CONV_INVITED = 1, CONV_LEFT = 2 } state;
	char *inviter; /* who invited the reader (CONV_INVITED), or NULL */
	bool direct; /* a direct conversation of two users */
	struct marks read;
};

/* A growable array of conversations. Zero-initialise for the empty list. */
struct conversation_list {
	struct conversation *v;
	size_t n, cap;
};

/* One conversation's vector in a vector map. */
struct vmap_entry {
	char *conv;
	struct vector v;
};
/* The vectors of several conversations. Zero-initialise for the empty map. */
struct vmap {
	struct vmap_entry *e;
	size_t n, cap;
};

void message_free(struct message *m);
/* The kind of an item (kind NULL or "message": ITEM_MESSAGE). */
enum item_kind message_kind(const struct message *m);
/* The protocol name of a kind ("message" for ITEM_MESSAGE, NULL for ITEM_UNKNOWN). */
const char *item_kind_name(enum item_kind k);
/* True for the items shown as lines: text messages, member changes and titles. */
bool message_is_line(const struct message *m);
/* Copies every field of src into dst (strings duplicated). */
void message_copy(struct message *dst, const struct message *src);
/* Frees an array of n messages and the array. */
void messages_free(struct message *v, size_t n);
/* A new zeroed message at the end of l. */
struct message *message_list_push(struct message_list *l);
void message_list_free(struct message_list *l);

/* Raises sender's mark to seq (adding it); a lower seq changes nothing. */
void marks_raise(struct marks *m, const char *sender, uint64_t seq);
void marks_free(struct marks *m);

void conversation_free(struct conversation *c);
/* Frees an array of n conversations and the array. */
void conversations_free(struct conversation *v, size_t n);
/* A new zeroed conversation at the end of l. */
struct conversation *conversation_list_push(struct conversation_list *l);
void conversation_list_free(struct conversation_list *l);

void vmap_free(struct vmap *m);
/* The entry of conv, created empty when absent. */
struct vector *vmap_get(struct vmap *m, const char *conv);

#endif
