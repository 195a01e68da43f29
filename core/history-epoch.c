/* history.db and the server epoch: the epoch last seen, and what a restore lost (lost.c). */
#include <stdlib.h>

#include "history.h"
#include "lost.h"

#define EPOCH_KEY "epoch"

/* The epoch history.db last synchronised with (known false: none yet). */
int
history_epoch_get(struct history *h, struct epoch *ep, struct err *e)
{
	struct err ge = {0};
	char *s = history_meta_get(h, EPOCH_KEY, &ge);
	if (ge.kind != 0) {
		*e = ge;
		return -1;
	}
	epoch_decode(s, ep);
	free(s);
	return 0;
}

/* Records the server's epoch. */
int
history_epoch_set(struct history *h, const struct epoch *ep, struct err *e)
{
	char *s = epoch_encode(ep);
	int rc = history_meta_set(h, EPOCH_KEY, s, e);
	free(s);
	return rc;
}

/* Lowers the read marks of one sender to its base: the reused seqs are unread. */
static int
lower_reads(struct db *db, const char *conv, const char *sender, uint64_t base, struct err *e)
{
	sqlite3_stmt *st;
	if (db_prepare(db, &st,
		"UPDATE reads SET seq = min(seq, ?3), sent = min(sent, ?3)"
		" WHERE conv = ?1 AND sender = ?2",
		e) < 0)
		return -1;
	db_bind_text(st, 1, conv);
	db_bind_text(st, 2, sender);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)base);
	int rc = db_step(db, st, e);
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* Marks lost what the server no longer has, and records its epoch, in one transaction. */
int
history_epoch_apply(struct history *h, const struct epoch_bases *b, const struct epoch *now,
    uint64_t *lost, struct err *e)
{
	char *s = epoch_encode(now);
	if (db_begin(&h->db, e) < 0) {
		free(s);
		return -1;
	}
	int rc = lost_apply(&h->db, b, lost, lower_reads, e);
	if (rc == 0)
		rc = history_meta_set(h, EPOCH_KEY, s, e);
	free(s);
	if (rc < 0) {
		db_rollback(&h->db);
		return -1;
	}
	return db_commit(&h->db, e);
}

/* Adds the lost messages of another store (sync.db) that history.db lacks. */
int
history_insert_lost(
    struct history *h, const struct message *v, size_t n, size_t *inserted, struct err *e)
{
	*inserted = 0;
	if (n == 0)
		return 0;
	if (db_begin(&h->db, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		bool added;
		if (lost_insert(&h->db, &v[i], &added, e) < 0) {
			db_rollback(&h->db);
			*inserted = 0;
			return -1;
		}
		*inserted += added;
	}
	return db_commit(&h->db, e);
}
