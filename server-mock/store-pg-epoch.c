/* The PostgreSQL backend: the bases of the server epoch's generations. */
#include <stdlib.h>

#include "store-pg.h"

/* Records every member row's last_seq as the base of generation. */
int
pg_epoch_mark(struct store *base, int64_t generation, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, generation);
	return pg_run(pg(base), P_EPOCH_MARK, &p, e) < 0 ? -1 : 0;
}

/* The lowest base per conversation of uid and sender over the generations after since. */
int
pg_epoch_bases(struct store *base, int64_t uid, int64_t since, struct store_base **out, size_t *n,
    struct err *e)
{
	*out = NULL;
	*n = 0;
	struct pgp p = {0};
	pgp_int(&p, uid);
	pgp_int(&p, since);
	PGresult *r = pg_q(pg(base), P_EPOCH_BASES, &p, e);
	if (r == NULL)
		return -1;
	int rows = PQntuples(r);
	*out = xcalloc((size_t)rows + 1, sizeof(**out));
	for (int i = 0; i < rows; i++)
		(*out)[(*n)++] = (struct store_base){
		    .conv = xstrdup(PQgetvalue(r, i, 0)),
		    .sender = xstrdup(PQgetvalue(r, i, 1)),
		    .base = (uint64_t)pg_int(r, i, 2),
		};
	PQclear(r);
	return 0;
}
