/*
 * history.db, the chat client's own store: conversations and members,
 * messages keyed by (conversation, sender, seq), the read position per
 * conversation, the outbox of sends not yet acknowledged, and the
 * (server, user) the directory belongs to. Each conversation's vector is
 * kept as ranges (conv, sender, lo, hi) updated on every insert by
 * core/ranges.c, so loading it costs O(senders + holes), never a scan of
 * the messages.
 */
#ifndef NATTER_HISTORY_H
#define NATTER_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "model.h"
#include "ranges.h"
#include "util.h"
#include "vector.h"

struct history {
	struct db db;
	sqlite3_stmt *ins_msg;
	struct range_table ranges;
};

/* Unread messages are counted up to this: listing costs O(cap), not O(backlog). */
#define HISTORY_UNREAD_CAP 10000

/* A send waiting for the server's acknowledgement. */
struct outbox_item {
	int64_t id; /* order of sending */
	char *conv;
	char *client_id;
	char *body;
	int64_t created; /* ms since the epoch */
};

/* Opens (creating and migrating) history.db at path. */
int history_open(struct history *h, const char *path, struct err *e);
/* Same, in memory (for tests). */
int history_open_memory(struct history *h, struct err *e);
void history_close(struct history *h);

/* The (server, user) recorded in the store; NULLs when not yet bound. */
int history_identity(struct history *h, char **server, char **user, struct err *e);
/*
 * Records that this store belongs to user at server; refuses (ERR_USAGE,
 * suggesting -D) when it already belongs to another server or user.
 */
int history_bind(
    struct history *h, const char *server, const char *user, const char *dir, struct err *e);
/* A free-form value kept in the store (e.g. the events cursor); NULL if unset. */
char *history_meta_get(struct history *h, const char *key, struct err *e);
int history_meta_set(struct history *h, const char *key, const char *value, struct err *e);

/*
 * Inserts or updates conversations (title, created, members) in one
 * transaction; rows that are unchanged are not rewritten.
 */
int history_put_convs(struct history *h, const struct conversation *v, size_t n, struct err *e);
/* Every known conversation, oldest first, with counts (messages, unread, last_ts); me is the reader. */
int history_list_convs(
    struct history *h, const char *me, struct conversation **v, size_t *n, struct err *e);
/* The number of known conversations. */
int history_count_convs(struct history *h, size_t *n, struct err *e);
/* True when the conversation id is known. */
bool history_has_conv(struct history *h, const char *id);
/*
 * Finds a conversation by id or by unique title. ERR_NOTFOUND when none,
 * ERR_USAGE when a title names several. *id is allocated.
 */
int history_resolve_conv(struct history *h, const char *name, char **id, struct err *e);

/*
 * Inserts messages in one transaction, ignoring those already held; the
 * ranges follow. *inserted (may be NULL) counts the new ones.
 */
int history_insert(
    struct history *h, const struct message *v, size_t n, size_t *inserted, struct err *e);
/* Same, inside a transaction the caller opened with db_begin. */
int history_insert_in_tx(
    struct history *h, const struct message *v, size_t n, size_t *inserted, struct err *e);
/* The vector of one conversation, from the ranges. */
int history_vector(struct history *h, const char *conv, struct vector *v, struct err *e);
/*
 * The last `limit` messages of conv before position `before` (0: the newest),
 * oldest first, in display order (server time, then arrival).
 */
int history_messages(struct history *h, const char *conv, int64_t before, size_t limit,
    struct message **v, size_t *n, struct err *e);
/* The last `limit` messages of conv sent at since <= ts < until (ms), oldest first. */
int history_messages_between(struct history *h, const char *conv, int64_t since, int64_t until,
    size_t limit, struct message **v, size_t *n, struct err *e);
/*
 * Read state (readmark.c): marks conv read up to the newest held message of
 * each sender, queued for the server until readmark_flush delivers it.
 */
int history_mark_read(struct history *h, const char *conv, struct err *e);
/* Raises conv's marks to those the server sent (marks only go up); *moved when one did. */
int history_read_merge(
    struct history *h, const char *conv, const struct marks *m, bool *moved, struct err *e);

/*
 * Commits a send to the outbox durably (synchronous=FULL) with a fresh
 * random client_id; out (may be NULL) receives the item.
 */
int history_outbox_add(
    struct history *h, const char *conv, const char *body, struct outbox_item *out, struct err *e);
/* Every queued send, in the order they were made. */
int history_outbox_list(struct history *h, struct outbox_item **v, size_t *n, struct err *e);
/*
 * Removes item id from the outbox; with a receipt (where the server put it:
 * conv, sender, seq, ts) the message enters history with the outbox's body
 * in the same transaction. receipt NULL drops it.
 */
int history_outbox_done(
    struct history *h, int64_t id, const struct message *receipt, struct err *e);
void outbox_item_free(struct outbox_item *it);
void outbox_items_free(struct outbox_item *v, size_t n);

#endif
