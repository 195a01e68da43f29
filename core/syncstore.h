/*
 * sync.db: the store shared by natter-notifyd (which writes every message it
 * receives) and natter (which merges them into its history at launch by
 * vector diff, and writes back what it fetched itself).
 *
 * Both programs may run at once. Every connection has a busy timeout, every
 * write is one short BEGIN IMMEDIATE transaction, every statement is reset as
 * soon as it has been read, and a busy database is retried (core/db.c), never
 * reported. Messages are keyed by (conv, sender, seq) and inserted with
 * ON CONFLICT DO NOTHING, so both programs writing the same message is
 * harmless.
 *
 * The vector of a conversation is kept as a table of ranges (conv, sender,
 * lo, hi) by core/ranges.c, maintained in the same transaction as the
 * inserts, so reading it
 * costs O(senders + holes), never O(messages). The notification ledger
 * (announced by the notifier, shown by natter) is kept the same way.
 *
 * synchronous=NORMAL (db.c's default for WAL): a power cut may lose the last
 * transactions but never corrupts the file, and anything lost is still on the
 * server, where the next launch sync fetches it by vector. FULL would cost an
 * fsync per event batch for no gain in what the user can lose.
 */
#ifndef NATTER_SYNCSTORE_H
#define NATTER_SYNCSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "epoch.h"
#include "model.h"
#include "ranges.h"
#include "util.h"
#include "vector.h"

/* A focus heartbeat older than this means no natter is showing anything. */
#define SYNCSTORE_FOCUS_STALE_MS 6000
/* natter refreshes its focus row at least this often while it runs. */
#define SYNCSTORE_FOCUS_HEARTBEAT_MS 2000

struct syncstore {
	struct db db;
	sqlite3_stmt *st[24];
	struct range_table ranges;
};

/* Which set of a conversation's ranges. */
enum syncstore_set {
	SYNC_HELD = 0, /* messages stored in sync.db */
	SYNC_ANNOUNCED = 1, /* announced by the notifier */
	SYNC_SHOWN = 2, /* shown to the user by natter */
};

/*
 * Opens (creating, mode 0600, WAL) the sync store at path, normally
 * paths' DATA_DIR/sync.db. flags are db_open's (DB_MEMORY for tests).
 */
int syncstore_open(struct syncstore *s, const char *path, int flags, struct err *e);
void syncstore_close(struct syncstore *s);

/*
 * Inserts messages (ON CONFLICT DO NOTHING) and their ranges, in transactions
 * of at most a few hundred messages. added[i] (when added is not NULL) tells
 * whether m[i] was new; *nadded (when not NULL) counts them.
 */
int syncstore_insert(struct syncstore *s, const struct message *m, size_t n, bool *added,
    size_t *nadded, struct err *e);

/* The vector of messages held for conv (out is overwritten). O(senders + holes). */
int syncstore_vector(struct syncstore *s, const char *conv, struct vector *out, struct err *e);
/* The vector of one ledger set (SYNC_HELD is syncstore_vector). */
int syncstore_set_vector(struct syncstore *s, enum syncstore_set set, const char *conv,
    struct vector *out, struct err *e);
/*
 * The conversations sync.db knows: those with messages and those with cached
 * metadata, sorted by id; title and members filled when cached.
 */
int syncstore_conversations(struct syncstore *s, struct conversation_list *out, struct err *e);
/*
 * Appends to out the stored messages of conv whose (sender, seq) are in want
 * (e.g. vector_diff(sync, history)), sorted by (ts, sender, seq). Numbers in
 * want that are not stored are skipped. Reads in one short read transaction.
 */
int syncstore_messages(struct syncstore *s, const char *conv, const struct vector *want,
    struct message_list *out, struct err *e);

/* Conversation metadata cache (titles for notification summaries). */
int syncstore_put_conversation(struct syncstore *s, const struct conversation *c, struct err *e);
int syncstore_put_conversations(
    struct syncstore *s, const struct conversation *v, size_t n, struct err *e);
/* Fills out and returns 1 when id is cached, 0 when not (out zeroed), -1 on error. */
int syncstore_get_conversation(
    struct syncstore *s, const char *id, struct conversation *out, struct err *e);

/*
 * The notifier's event cursor, per origin: "URL USER" (syncstore_origin), so
 * a cursor is never used against another server or account. Returns 1 and
 * fills *cursor when stored, 0 when not.
 */
char *syncstore_origin(const char *url, const char *user);
int syncstore_get_cursor(struct syncstore *s, const char *origin, int64_t *cursor, struct err *e);
int syncstore_set_cursor(struct syncstore *s, const char *origin, int64_t cursor, struct err *e);

/*
 * The gap flag: the notifier's event stream lost events (gap: true), so the
 * store may lack messages; natter's launch sync fills them by vector and then
 * clears the flag. *since is 0 when no gap is recorded, else when (ms).
 */
int syncstore_set_gap(struct syncstore *s, struct err *e);
int syncstore_get_gap(struct syncstore *s, int64_t *since, struct err *e);
int syncstore_clear_gap(struct syncstore *s, struct err *e);

/* Muted conversations: the notifier announces nothing from them. */
int syncstore_set_muted(struct syncstore *s, const char *conv, bool muted, struct err *e);
/* Mutes conv until until_ms (wall clock), or until unmuted when 0. */
int syncstore_mute_until(struct syncstore *s, const char *conv, int64_t until_ms, struct err *e);
/* Returns 1 when conv is muted now (*until_ms, when not NULL: its end, 0 none), 0 when not. */
int syncstore_muted(struct syncstore *s, const char *conv, int64_t *until_ms, struct err *e);
int syncstore_is_muted(struct syncstore *s, const char *conv, bool *muted, struct err *e);
/* The conversations muted now, sorted (caller frees each and the array). */
int syncstore_muted_list(struct syncstore *s, char ***convs, size_t *n, struct err *e);
/*
 * Do not disturb, in the state table: until_ms -1 off, 0 on until turned
 * off, else on until then (wall clock). syncstore_get_dnd returns 1 when on
 * now, 0 when off (also once its time has passed), -1 on error.
 */
int syncstore_set_dnd(struct syncstore *s, int64_t until_ms, struct err *e);
int syncstore_get_dnd(struct syncstore *s, int64_t *until_ms, struct err *e);
/*
 * A named integer shared by natter and the notifier ("blocks": when natter
 * last changed the block list, so the notifier asks the server again).
 * get: 1 found, 0 absent, -1.
 */
int syncstore_set_state(struct syncstore *s, const char *key, int64_t v, struct err *e);
int syncstore_get_state(struct syncstore *s, const char *key, int64_t *v, struct err *e);

/* The ledger. The notifier marks what it announced. */
int syncstore_mark_announced(struct syncstore *s, const struct message *m, size_t n, struct err *e);
/* natter marks what it has shown to the user (a vector, e.g. the view's). */
int syncstore_mark_shown(
    struct syncstore *s, const char *conv, const struct vector *v, struct err *e);
/* *done = the message was already announced or shown. */
int syncstore_was_notified(struct syncstore *s, const char *conv, const char *sender, uint64_t seq,
    bool *done, struct err *e);

/*
 * The focus row: which conversation a running natter shows (NULL: none),
 * with a heartbeat of now. natter calls it when the view changes and at
 * least every SYNCSTORE_FOCUS_HEARTBEAT_MS; syncstore_clear_focus on exit.
 */
int syncstore_set_focus(struct syncstore *s, const char *conv, struct err *e);
int syncstore_clear_focus(struct syncstore *s, struct err *e);
/*
 * *conv = the focused conversation (caller frees), or NULL when none or when
 * the heartbeat is older than max_age_ms (SYNCSTORE_FOCUS_STALE_MS); *pid
 * (when not NULL) = the process that wrote it, 0 when none.
 */
int syncstore_get_focus(
    struct syncstore *s, int64_t max_age_ms, char **conv, int64_t *pid, struct err *e);

/* syncstore-epoch.c: the server epoch (docs/protocol.md, "Server epoch"; core/lost.c) */
/* The epoch sync.db was last brought to (ep->known false: none). */
int syncstore_epoch_get(struct syncstore *s, struct epoch *ep, struct err *e);
int syncstore_epoch_set(struct syncstore *s, const struct epoch *ep, struct err *e);
/*
 * After a restore: keeps and marks lost the messages above their bases,
 * lowers the vectors and the ledger to the bases, records now; atomically.
 */
int syncstore_epoch_apply(struct syncstore *s, const struct epoch_bases *b, const struct epoch *now,
    uint64_t *lost, struct err *e);
/* Every lost message sync.db keeps (seq: the one it had). */
int syncstore_lost(struct syncstore *s, struct message_list *out, struct err *e);

#endif
