/* The PostgreSQL backend: what changed for a user, and sync continuations. */
#include <stdlib.h>

#include "store-pg.h"

/* Reads the (conv, cursor, joined) rows of a changes statement into *out. */
static int
read_changes(struct pg_store *s, enum pq q, const struct pgp *p, struct store_change **out,
    size_t *n, struct err *e)
{
	*out = NULL;
	*n = 0;
	PGresult *r = pg_q(s, q, p, e);
	if (r == NULL)
		return -1;
	int rows = PQntuples(r);
	*out = xcalloc((size_t)rows + 1, sizeof(**out));
	for (int i = 0; i < rows; i++)
		(*out)[(*n)++] = (struct store_change){
		    .conv = pg_int(r, i, 0),
		    .cursor = (uint64_t)pg_int(r, i, 1),
		    .joined = pg_bool(r, i, 2),
		};
	PQclear(r);
	return 0;
}

/* uid's conversations with a retained event after since, and uid's dropped cursor. */
int
pg_changes_inbox(struct store *base, int64_t uid, uint64_t since, struct store_change **out,
    size_t *n, uint64_t *dropped, struct err *e)
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
	pgp_int(&p, (int64_t)since);
	pgp_int(&p, STORE_EV_CONVERSATION);
	return read_changes(s, P_CHANGES_INBOX, &p, out, n, e);
}

/* uid's conversations whose latest event in the whole log is after since. */
int
pg_changes_log(struct store *base, int64_t uid, uint64_t since, struct store_change **out,
    size_t *n, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, uid);
	pgp_int(&p, (int64_t)since);
	pgp_int(&p, STORE_EV_CONVERSATION);
	return read_changes(pg(base), P_CHANGES_LOG, &p, out, n, e);
}

/* Records a continuation, or refreshes its use time. */
int
pg_continuation_put(struct store *base, const char *id, int64_t uid, int64_t now, const char *have,
    const char *scope, struct err *e)
{
	struct pgp p = {0};
	pgp_text(&p, id);
	pgp_int(&p, uid);
	pgp_int(&p, now);
	pgp_text(&p, have);
	pgp_text(&p, scope);
	return pg_run(pg(base), P_CONT_PUT, &p, e) < 0 ? -1 : 0;
}

/* A continuation by id: 0 found, 1 unknown. */
int
pg_continuation_get(struct store *base, const char *id, int64_t *uid, int64_t *used, char **have,
    char **scope, struct err *e)
{
	struct pgp p = {0};
	pgp_text(&p, id);
	PGresult *r = pg_q(pg(base), P_CONT_GET, &p, e);
	if (r == NULL)
		return -1;
	int rc = PQntuples(r) > 0 ? 0 : 1;
	if (rc == 0) {
		*uid = pg_int(r, 0, 0);
		*used = pg_int(r, 0, 1);
		*have = xstrdup(PQgetvalue(r, 0, 2));
		*scope = xstrdup(PQgetvalue(r, 0, 3));
	}
	PQclear(r);
	return rc;
}

/* Deletes the continuations not used since `before`. */
int
pg_continuation_expire(struct store *base, int64_t before, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, before);
	return pg_run(pg(base), P_CONT_EXPIRE, &p, e) < 0 ? -1 : 0;
}
