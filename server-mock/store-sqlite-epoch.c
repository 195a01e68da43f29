/* The SQLite backend: the bases of the server epoch's generations. */
#include <stdlib.h>

#include "store-sqlite.h"

/* Records every member row's last_seq as the base of generation. */
int
sq_epoch_mark(struct store *base, int64_t generation, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_EPOCH_MARK, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, generation);
	return sq_run(s, t, e);
}

/* The lowest base per conversation of uid and sender over the generations after since. */
int
sq_epoch_bases(struct store *base, int64_t uid, int64_t since, struct store_base **out, size_t *n,
    struct err *e)
{
	struct sqlite_store *s = sq(base);
	*out = NULL;
	*n = 0;
	sqlite3_stmt *t = sq_st(s, Q_EPOCH_BASES, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, uid);
	sqlite3_bind_int64(t, 2, since);
	int rc;
	while ((rc = db_step(&s->db, t, e)) == SQLITE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		(*out)[(*n)++] = (struct store_base){
		    .conv = xstrdup((const char *)sqlite3_column_text(t, 0)),
		    .sender = xstrdup((const char *)sqlite3_column_text(t, 1)),
		    .base = (uint64_t)sqlite3_column_int64(t, 2),
		};
	}
	sqlite3_reset(t);
	if (rc < 0) {
		store_bases_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}
