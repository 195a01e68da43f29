/* sync.db and the server epoch: the epoch the notifier last saw, and what a restore lost. */
#include <stdlib.h>

#include "lost.h"
#include "syncstore.h"

/* The epoch sync.db was last brought to (known false: none yet). */
int
syncstore_epoch_get(struct syncstore *s, struct epoch *ep, struct err *e)
{
	sqlite3_stmt *st;
	epoch_decode(NULL, ep);
	if (db_prepare(&s->db, &st, "SELECT value FROM state WHERE key = 'epoch'", e) < 0)
		return -1;
	int rc = db_step(&s->db, st, e);
	if (rc == SQLITE_ROW)
		epoch_decode((const char *)sqlite3_column_text(st, 0), ep);
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* Records the epoch, inside the caller's transaction or on its own. */
static int
epoch_put(struct syncstore *s, const struct epoch *ep, struct err *e)
{
	sqlite3_stmt *st;
	if (db_prepare(&s->db, &st,
		"INSERT INTO state (key, value) VALUES ('epoch', ?1)"
		" ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		e) < 0)
		return -1;
	char *v = epoch_encode(ep);
	db_bind_text(st, 1, v);
	int rc = db_step(&s->db, st, e);
	sqlite3_finalize(st);
	free(v);
	return rc < 0 ? -1 : 0;
}

/* Records the server's epoch. */
int
syncstore_epoch_set(struct syncstore *s, const struct epoch *ep, struct err *e)
{
	return epoch_put(s, ep, e);
}

/* Marks lost what the server no longer has (ledger lowered too), with the epoch, atomically. */
int
syncstore_epoch_apply(struct syncstore *s, const struct epoch_bases *b, const struct epoch *now,
    uint64_t *lost, struct err *e)
{
	if (db_begin(&s->db, e) < 0)
		return -1;
	if (lost_apply(&s->db, b, lost, NULL, e) < 0 || epoch_put(s, now, e) < 0) {
		db_rollback(&s->db);
		return -1;
	}
	return db_commit(&s->db, e);
}

/* The lost messages sync.db keeps (for natter's merge). */
int
syncstore_lost(struct syncstore *s, struct message_list *out, struct err *e)
{
	return lost_list(&s->db, out, e);
}
