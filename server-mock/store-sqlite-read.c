/* The SQLite backend: read state, each reader's per-sender marks. */
#include <stdlib.h>

#include "store-sqlite.h"

/* uid's marks in conv, by sender name. */
int
sq_read_get(struct store *base, int64_t uid, int64_t conv, struct store_marks *out, struct err *e)
{
	struct sqlite_store *s = sq(base);
	*out = (struct store_marks){0};
	sqlite3_stmt *t = sq_st(s, Q_READ_GET, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, conv);
	sqlite3_bind_int64(t, 2, uid);
	int rc;
	while ((rc = db_step(&s->db, t, e)) == SQLITE_ROW) {
		out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = (struct store_mark){
		    .sender = xstrdup((const char *)sqlite3_column_text(t, 0)),
		    .seq = (uint64_t)sqlite3_column_int64(t, 1),
		};
	}
	sqlite3_reset(t);
	if (rc < 0) {
		store_marks_free(out);
		return -1;
	}
	return 0;
}

/* Raises one mark; an upsert that leaves a higher mark alone. */
int
sq_read_raise(struct store *base, int64_t uid, int64_t conv, int64_t sender, uint64_t seq,
    bool *moved, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_READ_RAISE, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, conv);
	sqlite3_bind_int64(t, 2, uid);
	sqlite3_bind_int64(t, 3, sender);
	sqlite3_bind_int64(t, 4, (sqlite3_int64)seq);
	if (sq_run(s, t, e) < 0)
		return -1;
	*moved = sqlite3_changes(s->db.h) > 0;
	return 0;
}
