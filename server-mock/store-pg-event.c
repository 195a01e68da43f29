/* The PostgreSQL backend: the event log and each user's retained events. */
#include <stdlib.h>
#include <string.h>

#include "store-pg.h"

/* Counts one more retained event for each of users, dropping the oldest beyond the retention. */
static int
retain(struct pg_store *s, const int64_t *users, size_t n, struct err *e)
{
	struct buf a = {0};
	buf_puts(&a, "{");
	for (size_t i = 0; i < n; i++)
		buf_printf(&a, "%s%lld", i > 0 ? "," : "", (long long)users[i]);
	buf_puts(&a, "}");
	struct pgp p = {0};
	pgp_text(&p, a.data);
	PGresult *r = pg_q(s, P_INBOX_COUNT, &p, e);
	buf_free(&a);
	if (r == NULL)
		return -1;
	int rc = 0;
	for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
		int64_t held = pg_int(r, i, 1);
		if (held <= s->sh->retention)
			continue;
		/* Drop the oldest beyond the retention and remember the gap. */
		struct pgp t = {0};
		pgp_int(&t, pg_int(r, i, 0));
		pgp_int(&t, held - s->sh->retention);
		rc = pg_run(s, P_INBOX_TRIM, &t, e) < 0 ? -1 : 0;
	}
	PQclear(r);
	return rc;
}

/*
 * Adds an event for every member of conv (or only for `only` when > 0):
 * its cursor is counters.cursor + 1, taken under the write turn, so
 * cursors commit in the order they grow (store-pg.c).
 */
int
pg_event_append(struct store *base, enum store_event_type type, int64_t conv, int64_t msg,
    int64_t only, int64_t **woken, size_t *nwoken, struct err *e)
{
	struct pg_store *s = pg(base);
	int64_t cursor;
	if (pg_one_int(s, P_CURSOR_NEXT, NULL, &cursor, e) != 0)
		return -1;
	struct pgp p = {0};
	pgp_int(&p, conv);
	pgp_int(&p, cursor);
	pgp_int(&p, (int64_t)type);
	if (msg > 0)
		pgp_int(&p, msg);
	else
		pgp_text(&p, NULL);
	if (pg_run(s, P_EVENT_INSERT, &p, e) < 0)
		return -1;
	if (only > 0)
		pgp_int(&p, only);
	PGresult *r = pg_q(s, only > 0 ? P_DELIVER_ONE : P_DELIVER_ALL, &p, e);
	if (r == NULL)
		return -1;
	int64_t *users = NULL;
	size_t n = 0;
	for (int i = 0; i < PQntuples(r); i++)
		store_push_id(&users, &n, pg_int(r, i, 0));
	PQclear(r);
	if (n > 0 && (retain(s, users, n, e) < 0 || pg_notify_users(s, users, n, e) < 0)) {
		free(users);
		return -1;
	}
	if (woken != NULL) {
		*woken = users;
		*nwoken = n;
	} else {
		free(users);
	}
	return 0;
}

/* uid's retained events after `after`, at most limit, and uid's dropped cursor. */
int
pg_event_list(struct store *base, int64_t uid, uint64_t after, size_t limit,
    struct store_event_ref **out, size_t *n, uint64_t *dropped, struct err *e)
{
	struct pg_store *s = pg(base);
	*out = NULL;
	*n = 0;
	*dropped = 0;
	struct pgp p = {0};
	pgp_int(&p, uid);
	int64_t d = 0;
	if (pg_one_int(s, P_USER_DROPPED, &p, &d, e) < 0)
		return -1;
	*dropped = (uint64_t)d;
	pgp_int(&p, (int64_t)after);
	pgp_int(&p, (int64_t)limit);
	PGresult *r = pg_q(s, P_INBOX_AFTER, &p, e);
	if (r == NULL)
		return -1;
	int rows = PQntuples(r);
	*out = xcalloc((size_t)rows + 1, sizeof(**out));
	for (int i = 0; i < rows; i++)
		(*out)[(*n)++] = (struct store_event_ref){
		    .cursor = (uint64_t)pg_int(r, i, 0),
		    .type = (enum store_event_type)pg_int(r, i, 1),
		    .conv = pg_int(r, i, 2),
		    .msg = pg_int(r, i, 3),
		};
	PQclear(r);
	return 0;
}

/*
 * The newest committed cursor, read from the database (any process may
 * have written it); the last one read when the database cannot answer.
 */
uint64_t
pg_cursor(struct store *base)
{
	struct pg_store *s = pg(base);
	struct err e = {0};
	int64_t v;
	if (pg_one_int(s, P_CURSOR, NULL, &v, &e) != 0)
		return atomic_load(&s->sh->cursor);
	uint64_t seen = atomic_load(&s->sh->cursor);
	while (
	    (uint64_t)v > seen && !atomic_compare_exchange_weak(&s->sh->cursor, &seen, (uint64_t)v))
		;
	return (uint64_t)v;
}
