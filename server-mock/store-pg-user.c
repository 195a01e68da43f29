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

/* The user a token hash belongs to; the hash compared again in constant time. */
int
pg_token_user(
    struct store *base, const unsigned char hash[32], int64_t *uid, char **name, struct err *e)
{
	struct pgp p = {0};
	pgp_bin(&p, hash, 32);
	PGresult *r = pg_q(pg(base), P_TOKEN_USER, &p, e);
	if (r == NULL)
		return -1;
	char hex[65];
	sodium_bin2hex(hex, sizeof(hex), hash, 32);
	int found = PQntuples(r) > 0 && PQgetlength(r, 0, 0) == 64 &&
	    sodium_memcmp(PQgetvalue(r, 0, 0), hex, 64) == 0;
	if (found) {
		*uid = pg_int(r, 0, 1);
		*name = xstrdup(PQgetvalue(r, 0, 2));
	}
	PQclear(r);
	return found ? 0 : 1;
}

/* Forgets a token. */
int
pg_token_revoke(struct store *base, const unsigned char hash[32], struct err *e)
{
	struct pgp p = {0};
	pgp_bin(&p, hash, 32);
	return pg_run(pg(base), P_TOKEN_DELETE, &p, e) < 0 ? -1 : 0;
}
