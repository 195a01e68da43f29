/*
 * Messages the server lost in a restore (docs/protocol.md, "Server
 * epoch"), in history.db and sync.db alike: both have messages (conv,
 * sender, seq, ts, body, the item columns, lost) and ranges (conv, sender,
 * lo, hi, with a kind in sync.db). A lost message is kept and marked: lost
 * holds the seq it had and seq becomes a negative number, below any other
 * of its sender, out of the way of the seqs the server gives again; the
 * ranges (the vectors) are lowered to the base, so the new messages with
 * reused seqs are fetched, not dropped.
 */
#ifndef NATTER_LOST_H
#define NATTER_LOST_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "epoch.h"
#include "model.h"
#include "util.h"

/*
 * Moves every held message above its base (epoch_base) out of the way and
 * lowers the ranges (of every kind) to the bases, inside the caller's
 * transaction; *moved counts the messages marked lost now. `each` (may be
 * NULL) is called per (conv, sender, base) lowered, for a store's own
 * tables (history's read marks).
 */
int lost_apply(struct db *db, const struct epoch_bases *b, uint64_t *moved,
    int (*each)(struct db *db, const char *conv, const char *sender, uint64_t base, struct err *e),
    struct err *e);
/*
 * Inserts m (m->seq the seq it had) as a lost message unless the store
 * holds it already (same conversation, sender, seq or lost seq, and ts);
 * *added tells. In the caller's transaction.
 */
int lost_insert(struct db *db, const struct message *m, bool *added, struct err *e);
/* Appends every lost message of the store to out (seq: the one it had; lost set). */
int lost_list(struct db *db, struct message_list *out, struct err *e);

#endif
