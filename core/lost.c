/* Messages the server lost in a restore: moved out of the way of reused seqs, kept, marked. */
#include "lost.h"

#include <stdlib.h>
#include <string.h>

#include "history.h"

/* One (conv, sender) of the ranges and the highest seq held there (any kind). */
struct held {
	char *conv, *sender;
	uint64_t hi;
};

/* Reads every (conv, sender) of the ranges with its highest seq. */
static int
held_list(struct db *db, struct held **out, size_t *n, struct err *e)
{
	sqlite3_stmt *st;
	*out = NULL;
	*n = 0;
	if (db_prepare(
		db, &st, "SELECT conv, sender, max(hi) FROM ranges GROUP BY conv, sender", e) < 0)
		return -1;
	int rc;
	while ((rc = db_step(db, st, e)) == SQLITE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		(*out)[(*n)++] = (struct held){
		    .conv = xstrdup((const char *)sqlite3_column_text(st, 0)),
		    .sender = xstrdup((const char *)sqlite3_column_text(st, 1)),
		    .hi = (uint64_t)sqlite3_column_int64(st, 2),
		};
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* Runs sql with ?1 conv, ?2 sender, ?3 n. */
static int
run3(struct db *db, const char *sql, const char *conv, const char *sender, int64_t n, struct err *e)
{
	sqlite3_stmt *st;
	if (db_prepare(db, &st, sql, e) < 0)
		return -1;
	db_bind_text(st, 1, conv);
	db_bind_text(st, 2, sender);
	sqlite3_bind_int64(st, 3, n);
	int rc = db_step(db, st, e);
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* The lowest seq of sender in conv, lost ones included (0 when none is negative). */
static int
lowest(struct db *db, const char *conv, const char *sender, int64_t *low, struct err *e)
{
	sqlite3_stmt *st;
	if (db_prepare(db, &st,
		"SELECT min(0, coalesce(min(seq), 0)) FROM messages WHERE conv = ?1 AND sender = "
		"?2",
		e) < 0)
		return -1;
	db_bind_text(st, 1, conv);
	db_bind_text(st, 2, sender);
	int rc = db_step(db, st, e);
	*low = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* Moves the messages of one sender above base, and lowers its ranges. */
static int
lower_one(struct db *db, const struct held *k, uint64_t base, uint64_t *moved, struct err *e)
{
	int64_t low;
	if (lowest(db, k->conv, k->sender, &low, e) < 0)
		return -1;
	/* seq - shift lands below every seq of the sender, lost ones included. */
	int64_t shift = (int64_t)k->hi + 1 - low;
	sqlite3_stmt *st;
	if (db_prepare(db, &st,
		"UPDATE messages SET lost = seq, seq = seq - ?4"
		" WHERE conv = ?1 AND sender = ?2 AND seq > ?3",
		e) < 0)
		return -1;
	db_bind_text(st, 1, k->conv);
	db_bind_text(st, 2, k->sender);
	sqlite3_bind_int64(st, 3, (int64_t)base);
	sqlite3_bind_int64(st, 4, shift);
	int rc = db_step(db, st, e);
	sqlite3_finalize(st);
	if (rc < 0)
		return -1;
	*moved += (uint64_t)sqlite3_changes(db->h);
	if (run3(db, "DELETE FROM ranges WHERE conv = ?1 AND sender = ?2 AND lo > ?3", k->conv,
		k->sender, (int64_t)base, e) < 0 ||
	    run3(db, "UPDATE ranges SET hi = ?3 WHERE conv = ?1 AND sender = ?2 AND hi > ?3",
		k->conv, k->sender, (int64_t)base, e) < 0)
		return -1;
	return 0;
}

/* Lowers every (conv, sender) held above its base. */
int
lost_apply(struct db *db, const struct epoch_bases *b, uint64_t *moved,
    int (*each)(struct db *db, const char *conv, const char *sender, uint64_t base, struct err *e),
    struct err *e)
{
	struct held *v;
	size_t n;
	*moved = 0;
	if (held_list(db, &v, &n, e) < 0)
		return -1;
	int ret = 0;
	for (size_t i = 0; i < n && ret == 0; i++) {
		uint64_t base;
		if (!epoch_base(b, v[i].conv, v[i].sender, &base) || v[i].hi <= base)
			continue;
		ret = lower_one(db, &v[i], base, moved, e);
		if (ret == 0 && each != NULL)
			ret = each(db, v[i].conv, v[i].sender, base, e);
	}
	for (size_t i = 0; i < n; i++) {
		free(v[i].conv);
		free(v[i].sender);
	}
	free(v);
	return ret;
}

/* Inserts a lost message the store does not hold yet. */
int
lost_insert(struct db *db, const struct message *m, bool *added, struct err *e)
{
	sqlite3_stmt *st;
	*added = false;
	if (db_prepare(db, &st,
		"SELECT 1 FROM messages WHERE conv = ?1 AND sender = ?2"
		" AND (seq = ?3 OR lost = ?3) AND ts = ?4",
		e) < 0)
		return -1;
	db_bind_text(st, 1, m->conv);
	db_bind_text(st, 2, m->sender);
	sqlite3_bind_int64(st, 3, (int64_t)m->seq);
	sqlite3_bind_int64(st, 4, m->ts);
	int rc = db_step(db, st, e);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return rc < 0 ? -1 : 0;
	int64_t low;
	if (lowest(db, m->conv, m->sender, &low, e) < 0 ||
	    db_prepare(db, &st,
		"INSERT INTO messages (conv, sender, seq, ts, body, kind, target_sender,"
		" target_seq, action, remove, deleted, op, users, lost)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
		e) < 0)
		return -1;
	db_bind_text(st, 1, m->conv);
	db_bind_text(st, 2, m->sender);
	sqlite3_bind_int64(st, 3, low - 1);
	sqlite3_bind_int64(st, 4, m->ts);
	db_bind_text(st, 5, m->body != NULL ? m->body : "");
	history_bind_item(st, 6, m);
	sqlite3_bind_int64(st, 14, (int64_t)m->seq);
	rc = db_step(db, st, e);
	sqlite3_finalize(st);
	if (rc < 0)
		return -1;
	*added = true;
	return 0;
}

/* Every lost message, as it was before the restore. */
int
lost_list(struct db *db, struct message_list *out, struct err *e)
{
	sqlite3_stmt *st;
	if (db_prepare(db, &st,
		"SELECT conv, sender, lost, ts, body, kind, target_sender, target_seq, action,"
		" remove, deleted, op, users FROM messages WHERE lost > 0",
		e) < 0)
		return -1;
	int rc;
	while ((rc = db_step(db, st, e)) == SQLITE_ROW) {
		struct message *m = message_list_push(out);
		m->conv = xstrdup((const char *)sqlite3_column_text(st, 0));
		m->sender = xstrdup((const char *)sqlite3_column_text(st, 1));
		m->seq = (uint64_t)sqlite3_column_int64(st, 2);
		m->ts = sqlite3_column_int64(st, 3);
		m->body = xstrdup((const char *)sqlite3_column_text(st, 4));
		history_item_columns(st, 5, m);
		m->lost = true;
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}
