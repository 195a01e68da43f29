/* The PostgreSQL backend: users and their tokens. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "store-pg.h"

/* Creates a user; 1 when the name is taken. */
int
pg_user_create(
    struct store *base, const char *name, const char *pwhash, int64_t *uid, struct err *e)
{
	struct pgp p = {0};
	pgp_text(&p, name);
	pgp_text(&p, pwhash);
	pgp_int(&p, now_ms());
	return pg_one_int(pg(base), P_USER_INSERT, &p, uid, e);
}

/* Finds a user by name with the password hash. */
int
pg_user_find(struct store *base, const char *name, int64_t *uid, char **pwhash, struct err *e)
{
	struct pgp p = {0};
	pgp_text(&p, name);
	PGresult *r = pg_q(pg(base), P_USER_FIND, &p, e);
	if (r == NULL)
		return -1;
	int rc = PQntuples(r) > 0 ? 0 : 1;
	if (rc == 0) {
		*uid = pg_int(r, 0, 0);
		if (pwhash != NULL)
			*pwhash = xstrdup(PQgetvalue(r, 0, 1));
	}
	PQclear(r);
	return rc;
}

/* Replaces a user's password hash. */
int
pg_user_set_password(struct store *base, int64_t uid, const char *pwhash, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, uid);
	pgp_text(&p, pwhash);
	return pg_run(pg(base), P_USER_SETPW, &p, e) < 0 ? -1 : 0;
}

/* Records a token (by its hash) for a user. */
int
pg_token_add(struct store *base, int64_t uid, const unsigned char hash[32], struct err *e)
{
	struct pgp p = {0};
	pgp_bin(&p, hash, 32);
	pgp_int(&p, uid);
	pgp_int(&p, now_ms());
	return pg_run(pg(base), P_TOKEN_INSERT, &p, e) < 0 ? -1 : 0;
}

/* Forgets a token. */
int
pg_token_revoke(struct store *base, const unsigned char hash[32], struct err *e)
{
	struct pgp p = {0};
	pgp_bin(&p, hash, 32);
	return pg_run(pg(base), P_TOKEN_DELETE, &p, e) < 0 ? -1 : 0;
}
