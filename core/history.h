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
#include "epoch.h"
#include "model.h"
#include "ranges.h"
#include "util.h"
#include "vector.h"

struct history {
	struct db db;
	sqlite3_stmt *ins_msg;
	struct range_table ranges;
	bool erased; /* the open transaction erased text: history_scrub after its commit */
};

/* Unread messages are counted up to this: listing costs O(cap), not O(backlog). */
#define HISTORY_UNREAD_CAP 10000

/* A send waiting for the server's acknowledgement. */
struct outbox_item {
	int64_t id; /* order of sending */
	char *conv;
	char *client_id;
	char *body; /* "" for an item without (a delete) */
	int64_t created; /* ms since the epoch */
	/* An item (docs/protocol.md, "Items"): kind NULL for a text message. */
	char *kind;
	char *target_sender;
	uint64_t target_seq;
	bool action, remove;
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
 * Finds a conversation by id, by title or by a unique prefix of title or id
 * (ignoring case) among those the user is a member of. ERR_NOTFOUND when
 * none, ERR_USAGE when several match (listed with their members). *id is
 * allocated.
 */
int history_resolve_conv(struct history *h, const char *name, char **id, struct err *e);
/* Sets where the user stands in a known conversation. */
int history_set_conv_state(struct history *h, const char *id, enum conv_state state, struct err *e);
/* Where the user stands in a conversation, and its title (allocated unless NULL): 0, 1 unknown. */
int history_conv_state(
    struct history *h, const char *id, enum conv_state *state, char **title, struct err *e);
/* The same, invitations included when invited (accept, decline). */
int history_resolve_conv_in(
    struct history *h, const char *name, bool invited, char **id, struct err *e);

/*
 * Inserts messages in one transaction, ignoring those already held; the
 * ranges follow. *inserted (may be NULL) counts the new ones.
 */
int history_insert(
    struct history *h, const struct message *v, size_t n, size_t *inserted, struct err *e);
/*
 * Same, inside a transaction the caller opened with db_begin; the caller
 * calls history_scrub after its commit. A delete among the messages (of
 * its target's sender) erases the text of its target and of the target's
 * edits (an edit arriving after a held delete is erased too): body '' and
 * deleted, the old bytes zeroed (secure_delete), meta "erasures" counted
 * up for the search index (tui/search.c).
 */
int history_insert_in_tx(
    struct history *h, const struct message *v, size_t n, size_t *inserted, struct err *e);
/* After a commit that erased text: a WAL checkpoint (TRUNCATE), so no copy is left. */
void history_scrub(struct history *h);
/*
 * The item columns of messages ("kind, target_sender, target_seq, action,
 * remove, deleted, op, users"): bound from parameter i on, read from
 * column i on. For the other files of history.db (core/fold-store, the
 * deletion).
 */
void history_bind_item(sqlite3_stmt *st, int i, const struct message *m);
void history_item_columns(sqlite3_stmt *st, int i, struct message *m);
/* The vector of one conversation, from the ranges. */
int history_vector(struct history *h, const char *conv, struct vector *v, struct err *e);
/*
 * The last `limit` lines of conv before position `before` (0: the newest),
 * oldest first, in display order (server time, then arrival): text
 * messages, member changes and titles; the items that act on messages
 * (edits, deletes, reactions) and unknown kinds are not lines.
 */
int history_messages(struct history *h, const char *conv, int64_t before, size_t limit,
    struct message **v, size_t *n, struct err *e);
/* The last `limit` messages of conv sent at since <= ts < until (ms), oldest first. */
int history_messages_between(struct history *h, const char *conv, int64_t since, int64_t until,
    size_t limit, struct message **v, size_t *n, struct err *e);
/*
 * Folding a window (core/history-fold.c, with core/fold.c). history_acting
 * appends the edits, deletes and reactions of conv that act on (sender,
 * seq), by the index on targets; history_get reads one item (0, 1 not
 * held, -1); history_fold folds n lines (from history_messages) into *out
 * (n folded lines, to free with folds_free), fetching what acts on them
 * and their reply targets: O(lines + items acting on them) index reads.
 */
struct folded;
int history_acting(struct history *h, const char *conv, const char *sender, uint64_t seq,
    struct message_list *out, struct err *e);
int history_get(struct history *h, const char *conv, const char *sender, uint64_t seq,
    struct message *out, struct err *e);
int history_fold(struct history *h, const char *conv, const struct message *lines, size_t n,
    struct folded **out, struct err *e);
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
/* Same for an item: its body ("" for none), kind, target, action and remove. */
int history_outbox_add_item(struct history *h, const char *conv, const struct message *it,
    struct outbox_item *out, struct err *e);
/* The item an outbox entry sends, as a message without conv, sender or seq (borrowed strings). */
struct message outbox_item_message(const struct outbox_item *it);
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

/* history-epoch.c: the server epoch (docs/protocol.md, "Server epoch"; core/lost.c) */
/* The epoch history.db was last synchronised with (ep->known false: none). */
int history_epoch_get(struct history *h, struct epoch *ep, struct err *e);
int history_epoch_set(struct history *h, const struct epoch *ep, struct err *e);
/*
 * After a restore: keeps and marks lost the messages above their bases,
 * lowers vectors and read marks to the bases and records now, in one
 * transaction; *lost counts the messages marked.
 */
int history_epoch_apply(struct history *h, const struct epoch_bases *b, const struct epoch *now,
    uint64_t *lost, struct err *e);
/* Adds lost messages (from sync.db) that history.db does not hold yet. */
int history_insert_lost(
    struct history *h, const struct message *v, size_t n, size_t *inserted, struct err *e);
void outbox_items_free(struct outbox_item *v, size_t n);

#endif
