/* The PostgreSQL backend: accounts (token lifetime, name skeletons, disabled users). */
#include <sodium.h>
#include <stdlib.h>

#include "store-pg.h"

/* The user of a token hash, its last use and whether the user is disabled. */
int
pg_token_get(struct store *base, const unsigned char hash[32], int64_t *uid, char **name,
    int64_t *used, bool *disabled, struct err *e)
{
	struct pgp p = {0};
	pgp_bin(&p, hash, 32);
	PGresult *r = pg_q(pg(base), P_TOKEN_GET, &p, e);
	if (r == NULL)
		return -1;
	char hex[65];
	sodium_bin2hex(hex, sizeof(hex), hash, 32);
	int found = PQntuples(r) > 0 && PQgetlength(r, 0, 0) == 64 &&
	    sodium_memcmp(PQgetvalue(r, 0, 0), hex, 64) == 0;
	if (found) {
		*uid = pg_int(r, 0, 1);
		*name = xstrdup(PQgetvalue(r, 0, 2));
		*used = pg_int(r, 0, 3);
		*disabled = pg_bool(r, 0, 4);
	}
	PQclear(r);
	return found ? 0 : 1;
}

/* Sets a token's last use. */
int
pg_token_touch(struct store *base, const unsigned char hash[32], int64_t now, struct err *e)
{
	struct pgp p = {0};
	pgp_bin(&p, hash, 32);
	pgp_int(&p, now);
	return pg_run(pg(base), P_TOKEN_TOUCH, &p, e) < 0 ? -1 : 0;
}

/* Revokes every token of uid but keep. */
int
pg_token_revoke_user(
    struct store *base, int64_t uid, const unsigned char *keep, int64_t *n, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, uid);
	if (keep != NULL)
		pgp_bin(&p, keep, 32);
	else
		pgp_text(&p, NULL);
	int64_t rows = pg_run(pg(base), P_TOKEN_REVOKE_USER, &p, e);
	if (rows < 0)
		return -1;
	if (n != NULL)
		*n = rows;
	return 0;
}

/* Keeps uid's `keep` most recently used tokens. */
int
pg_token_trim(struct store *base, int64_t uid, int keep, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, uid);
	pgp_int(&p, keep);
	return pg_run(pg(base), P_TOKEN_TRIM, &p, e) < 0 ? -1 : 0;
}

/* The oldest user whose name has this skeleton. */
int
pg_user_by_skeleton(struct store *base, const char *skel, char **name, struct err *e)
{
	struct pgp p = {0};
	pgp_text(&p, skel);
	PGresult *r = pg_q(pg(base), P_USER_BY_SKEL, &p, e);
	if (r == NULL)
		return -1;
	int rc = PQntuples(r) > 0 ? 0 : 1;
	if (rc == 0)
		*name = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return rc;
}

/* Sets a user's skeleton. */
int
pg_user_set_skeleton(struct store *base, int64_t uid, const char *skel, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, uid);
	pgp_text(&p, skel);
	return pg_run(pg(base), P_USER_SET_SKEL, &p, e) < 0 ? -1 : 0;
}

/* The users without a skeleton. */
int
pg_users_unskeletoned(struct store *base, int64_t **uids, char ***names, size_t *n, struct err *e)
{
	*uids = NULL;
	*names = NULL;
	*n = 0;
	PGresult *r = pg_q(pg(base), P_USER_UNSKEL, NULL, e);
	if (r == NULL)
		return -1;
	int rows = PQntuples(r);
	*names = xcalloc((size_t)rows + 1, sizeof(**names));
	for (int i = 0; i < rows; i++) {
		(*names)[i] = xstrdup(PQgetvalue(r, i, 1));
		store_push_id(uids, n, pg_int(r, i, 0));
	}
	PQclear(r);
	return 0;
}

/* Whether uid is disabled (an unknown uid is not). */
int
pg_user_disabled(struct store *base, int64_t uid, bool *disabled, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, uid);
	int64_t v = 0;
	int rc = pg_one_int(pg(base), P_USER_DISABLED, &p, &v, e);
	*disabled = rc == 0 && v != 0;
	return rc < 0 ? -1 : 0;
}

/* Disables or enables uid. */
int
pg_user_set_disabled(struct store *base, int64_t uid, bool disabled, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, uid);
	pgp_text(&p, disabled ? "true" : "false");
	return pg_run(pg(base), P_USER_SET_DISABLED, &p, e) < 0 ? -1 : 0;
}
