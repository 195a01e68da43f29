/* The PostgreSQL backend: membership rows, direct conversations, titles and blocks. */
#include <stdlib.h>

#include "store-pg.h"

/* uid's row in conv: state, role and the inviter's name ("" when none). */
int
pg_member_get(struct store *base, int64_t conv, int64_t uid, int *state, int *role, char **inviter,
    struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, conv);
	pgp_int(&p, uid);
	PGresult *r = pg_q(pg(base), P_MEMBER_GET, &p, e);
	if (r == NULL)
		return -1;
	int rc = PQntuples(r) > 0 ? 0 : 1;
	if (rc == 0) {
		*state = (int)pg_int(r, 0, 0);
		*role = (int)pg_int(r, 0, 1);
		if (inviter != NULL)
			*inviter = xstrdup(PQgetvalue(r, 0, 2));
	}
	PQclear(r);
	return rc;
}

/* Creates or updates uid's row in conv. */
int
pg_member_set(struct store *base, int64_t conv, int64_t uid, int state, int role, int64_t inviter,
    struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, conv);
	pgp_int(&p, uid);
	pgp_int(&p, state);
	pgp_int(&p, role);
	if (inviter > 0)
		pgp_int(&p, inviter);
	else
		pgp_text(&p, NULL);
	return pg_run(pg(base), P_MEMBER_SET, &p, e) < 0 ? -1 : 0;
}

/* Any conversation by public id. */
int
pg_conv_find(struct store *base, const char *id, int64_t *conv, struct err *e)
{
	struct pgp p = {0};
	pgp_text(&p, id);
	return pg_one_int(pg(base), P_CONV_FIND, &p, conv, e);
}

/* Sets a conversation's title. */
int
pg_conv_title_set(struct store *base, int64_t conv, const char *title, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, conv);
	pgp_text(&p, title);
	return pg_run(pg(base), P_CONV_TITLE, &p, e) < 0 ? -1 : 0;
}

/* The direct conversation of a pair key. */
int
pg_conv_direct_get(struct store *base, const char *key, int64_t *conv, struct err *e)
{
	struct pgp p = {0};
	pgp_text(&p, key);
	return pg_one_int(pg(base), P_CONV_DIRECT_GET, &p, conv, e);
}

/* Marks conv as the direct conversation of a pair key. */
int
pg_conv_direct_set(struct store *base, int64_t conv, const char *key, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, conv);
	pgp_text(&p, key);
	return pg_run(pg(base), P_CONV_DIRECT_SET, &p, e) < 0 ? -1 : 0;
}

/* Whether b accepted a conversation (other than except) that a is in. */
int
pg_shares(struct store *base, int64_t a, int64_t b, int64_t except, bool *yes, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, a);
	pgp_int(&p, b);
	pgp_int(&p, except);
	int64_t v = 0;
	int rc = pg_one_int(pg(base), P_SHARED, &p, &v, e);
	*yes = v != 0;
	return rc < 0 ? -1 : 0;
}

/* Whether uid blocked other. */
int
pg_block_get(struct store *base, int64_t uid, int64_t other, bool *yes, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, uid);
	pgp_int(&p, other);
	int64_t v = 0;
	int rc = pg_one_int(pg(base), P_BLOCK_GET, &p, &v, e);
	*yes = v != 0;
	return rc < 0 ? -1 : 0;
}

/* Blocks or unblocks. */
int
pg_block_set(struct store *base, int64_t uid, int64_t other, bool on, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, uid);
	pgp_int(&p, other);
	return pg_run(pg(base), on ? P_BLOCK_ADD : P_BLOCK_DEL, &p, e) < 0 ? -1 : 0;
}

/* The names uid blocked, bytewise. */
int
pg_block_list(struct store *base, int64_t uid, char ***names, size_t *n, struct err *e)
{
	*names = NULL;
	*n = 0;
	struct pgp p = {0};
	pgp_int(&p, uid);
	PGresult *r = pg_q(pg(base), P_BLOCK_LIST, &p, e);
	if (r == NULL)
		return -1;
	int rows = PQntuples(r);
	*names = xcalloc((size_t)rows + 1, sizeof(**names));
	for (int i = 0; i < rows; i++)
		(*names)[(*n)++] = xstrdup(PQgetvalue(r, i, 0));
	PQclear(r);
	return 0;
}

/* The conversations to which inviter invited uid, pending. */
int
pg_invites_from(
    struct store *base, int64_t uid, int64_t inviter, int64_t **convs, size_t *n, struct err *e)
{
	*convs = NULL;
	*n = 0;
	struct pgp p = {0};
	pgp_int(&p, uid);
	pgp_int(&p, inviter);
	PGresult *r = pg_q(pg(base), P_INVITES_FROM, &p, e);
	if (r == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r); i++)
		store_push_id(convs, n, pg_int(r, i, 0));
	PQclear(r);
	return 0;
}
