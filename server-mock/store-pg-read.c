/* The PostgreSQL backend: read state, each reader's per-sender marks. */
#include <stdlib.h>

#include "store-pg.h"

/* uid's marks in conv, by sender name (bytewise). */
int
pg_read_get(struct store *base, int64_t uid, int64_t conv, struct store_marks *out, struct err *e)
{
	*out = (struct store_marks){0};
	struct pgp p = {0};
	pgp_int(&p, conv);
	pgp_int(&p, uid);
	PGresult *r = pg_q(pg(base), P_READ_GET, &p, e);
	if (r == NULL)
		return -1;
	int rows = PQntuples(r);
	out->v = xcalloc((size_t)rows + 1, sizeof(*out->v));
	for (int i = 0; i < rows; i++)
		out->v[out->n++] = (struct store_mark){
		    .sender = xstrdup(PQgetvalue(r, i, 0)),
		    .seq = (uint64_t)pg_int(r, i, 1),
		};
	PQclear(r);
	return 0;
}

/* Raises one mark; an upsert that leaves a higher mark alone. */
int
pg_read_raise(struct store *base, int64_t uid, int64_t conv, int64_t sender, uint64_t seq,
    bool *moved, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, conv);
	pgp_int(&p, uid);
	pgp_int(&p, sender);
	pgp_int(&p, (int64_t)seq);
	int64_t n = pg_run(pg(base), P_READ_RAISE, &p, e);
	if (n < 0)
		return -1;
	*moved = n > 0;
	return 0;
}
