/* The SQLite backend: the event log and each user's retained events. */
#include <stdlib.h>

#include "store-sqlite.h"

/* Delivers event `cursor` to uid, dropping the oldest beyond the retention. */
static int
deliver(struct sqlite_store *s, int64_t uid, int64_t cursor, struct err *e)
{
	sqlite3_stmt *u = sq_st(s, Q_INBOX_INSERT, e);
	if (u == NULL)
		return -1;
	sqlite3_bind_int64(u, 1, uid);
	sqlite3_bind_int64(u, 2, cursor);
	if (sq_run(s, u, e) < 0)
		return -1;
	if ((u = sq_st(s, Q_INBOX_COUNT, e)) == NULL)
		return -1;
	sqlite3_bind_int64(u, 1, uid);
	if (db_step(&s->db, u, e) != SQLITE_ROW)
		return -1;
	int64_t held = sqlite3_column_int64(u, 0);
	sqlite3_reset(u);
	if (held <= s->retention)
		return 0;
	/* Drop the oldest beyond the retention and remember the gap. */
	int64_t excess = held - s->retention, last = 0;
	if ((u = sq_st(s, Q_INBOX_OLDEST, e)) == NULL)
		return -1;
	sqlite3_bind_int64(u, 1, uid);
	sqlite3_bind_int64(u, 2, excess);
	int rc;
	while ((rc = db_step(&s->db, u, e)) == SQLITE_ROW)
		last = sqlite3_column_int64(u, 0);
	sqlite3_reset(u);
	if (rc < 0 || (u = sq_st(s, Q_INBOX_DELETE, e)) == NULL)
		return -1;
	sqlite3_bind_int64(u, 1, uid);
	sqlite3_bind_int64(u, 2, last);
	if (sq_run(s, u, e) < 0 || (u = sq_st(s, Q_INBOX_DROPPED, e)) == NULL)
		return -1;
	sqlite3_bind_int64(u, 1, uid);
	sqlite3_bind_int64(u, 2, sqlite3_changes(s->db.h));
	sqlite3_bind_int64(u, 3, last);
	return sq_run(s, u, e);
}

/* The ids of conv's members. */
static int
member_ids(struct sqlite_store *s, int64_t conv, int64_t **ids, size_t *n, struct err *e)
{
	sqlite3_stmt *m = sq_st(s, Q_MEMBER_IDS, e);
	if (m == NULL)
		return -1;
	sqlite3_bind_int64(m, 1, conv);
	int rc;
	while ((rc = db_step(&s->db, m, e)) == SQLITE_ROW)
		store_push_id(ids, n, sqlite3_column_int64(m, 0));
	sqlite3_reset(m);
	return rc < 0 ? -1 : 0;
}

/* Adds an event for every member of conv (or only for `only` when > 0). */
int
sq_event_append(struct store *base, enum store_event_type type, int64_t conv, int64_t msg,
    int64_t only, int64_t **woken, size_t *nwoken, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_EVENT_INSERT, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int(t, 1, (int)type);
	sqlite3_bind_int64(t, 2, conv);
	if (msg > 0)
		sqlite3_bind_int64(t, 3, msg);
	if (sq_run(s, t, e) < 0)
		return -1;
	int64_t cursor = sqlite3_last_insert_rowid(s->db.h);

	int64_t *users = NULL;
	size_t n = 0;
	if (only > 0)
		store_push_id(&users, &n, only);
	else if (member_ids(s, conv, &users, &n, e) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (deliver(s, users[i], cursor, e) < 0)
			goto fail;
	s->pending = (uint64_t)cursor; /* published by the commit */
	if (woken != NULL) {
		*woken = users;
		*nwoken = n;
	} else {
		free(users);
	}
	return 0;
fail:
	free(users);
	return -1;
}

/* uid's retained events after `after`, at most limit, and uid's dropped cursor. */
int
sq_event_list(struct store *base, int64_t uid, uint64_t after, size_t limit,
    struct store_event_ref **out, size_t *n, uint64_t *dropped, struct err *e)
{
	struct sqlite_store *s = sq(base);
	*out = NULL;
	*n = 0;
	*dropped = 0;
	sqlite3_stmt *t = sq_st(s, Q_USER_DROPPED, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, uid);
	if (db_step(&s->db, t, e) == SQLITE_ROW)
		*dropped = (uint64_t)sqlite3_column_int64(t, 0);
	sqlite3_reset(t);

	if ((t = sq_st(s, Q_INBOX_AFTER, e)) == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, uid);
	sqlite3_bind_int64(t, 2, (int64_t)after);
	sqlite3_bind_int64(t, 3, (int64_t)limit);
	int rc;
	while ((rc = db_step(&s->db, t, e)) == SQLITE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		(*out)[(*n)++] = (struct store_event_ref){
		    .cursor = (uint64_t)sqlite3_column_int64(t, 0),
		    .type = (enum store_event_type)sqlite3_column_int(t, 1),
		    .conv = sqlite3_column_int64(t, 2),
		    .msg = sqlite3_column_int64(t, 3),
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

/* The newest committed cursor: this process is the only writer, so it is kept in memory. */
uint64_t
sq_cursor(struct store *s)
{
	return atomic_load(&sq(s)->sh->cursor);
}
