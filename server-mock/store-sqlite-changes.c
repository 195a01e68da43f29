/* The SQLite backend: what changed for a user, and sync continuations. */
#include <stdlib.h>

#include "store-sqlite.h"

/* Reads the (conv, cursor, joined) rows of a changes statement into *out. */
static int
read_changes(
    struct sqlite_store *s, sqlite3_stmt *t, struct store_change **out, size_t *n, struct err *e)
{
	*out = NULL;
	*n = 0;
	int rc;
	while ((rc = db_step(&s->db, t, e)) == SQLITE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		(*out)[(*n)++] = (struct store_change){
		    .conv = sqlite3_column_int64(t, 0),
		    .cursor = (uint64_t)sqlite3_column_int64(t, 1),
		    .joined = sqlite3_column_int(t, 2) != 0,
		};
	}
	sqlite3_reset(t);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* uid's conversations with a retained event after since, and uid's dropped cursor. */
int
sq_changes_inbox(struct store *base, int64_t uid, uint64_t since, struct store_change **out,
    size_t *n, uint64_t *dropped, struct err *e)
{
	struct sqlite_store *s = sq(base);
	*out = NULL;
	*n = 0;
	*dropped = 0;
	sqlite3_stmt *t = sq_st(s, Q_USER_DROPPED, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, uid);
	int rc = db_step(&s->db, t, e);
	if (rc == SQLITE_ROW)
		*dropped = (uint64_t)sqlite3_column_int64(t, 0);
	sqlite3_reset(t);
	if (rc < 0 || (t = sq_st(s, Q_CHANGES_INBOX, e)) == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, uid);
	sqlite3_bind_int64(t, 2, (int64_t)since);
	sqlite3_bind_int(t, 3, STORE_EV_CONVERSATION);
	return read_changes(s, t, out, n, e);
}

/* uid's conversations whose latest event in the whole log is after since. */
int
sq_changes_log(struct store *base, int64_t uid, uint64_t since, struct store_change **out,
    size_t *n, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_CHANGES_LOG, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, uid);
	sqlite3_bind_int64(t, 2, (int64_t)since);
	sqlite3_bind_int(t, 3, STORE_EV_CONVERSATION);
	return read_changes(s, t, out, n, e);
}

/* Records a continuation, or refreshes its use time. */
int
sq_continuation_put(struct store *base, const char *id, int64_t uid, int64_t now, const char *have,
    const char *scope, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_CONT_PUT, e);
	if (t == NULL)
		return -1;
	db_bind_text(t, 1, id);
	sqlite3_bind_int64(t, 2, uid);
	sqlite3_bind_int64(t, 3, now);
	db_bind_text(t, 4, have);
	db_bind_text(t, 5, scope);
	return sq_run(s, t, e);
}

/* A continuation by id: 0 found, 1 unknown. */
int
sq_continuation_get(struct store *base, const char *id, int64_t *uid, int64_t *used, char **have,
    char **scope, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_CONT_GET, e);
	if (t == NULL)
		return -1;
	db_bind_text(t, 1, id);
	int rc = db_step(&s->db, t, e);
	if (rc == SQLITE_ROW) {
		*uid = sqlite3_column_int64(t, 0);
		*used = sqlite3_column_int64(t, 1);
		*have = xstrdup((const char *)sqlite3_column_text(t, 2));
		*scope = xstrdup((const char *)sqlite3_column_text(t, 3));
	}
	sqlite3_reset(t);
	return rc < 0 ? -1 : rc == SQLITE_ROW ? 0 : 1;
}

/* Deletes the continuations not used since `before`. */
int
sq_continuation_expire(struct store *base, int64_t before, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_CONT_EXPIRE, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, before);
	return sq_run(s, t, e);
}
