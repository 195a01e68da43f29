/* The SQLite backend: accounts (token lifetime, name skeletons, disabled users). */
#include <sodium.h>
#include <stdlib.h>

#include "store-sqlite.h"

/* The user of a token hash, its last use and whether the user is disabled. */
int
sq_token_get(struct store *base, const unsigned char hash[32], int64_t *uid, char **name,
    int64_t *used, bool *disabled, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_TOKEN_GET, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_blob(t, 1, hash, 32, SQLITE_TRANSIENT);
	int rc = db_step(&s->db, t, e);
	if (rc < 0)
		return -1;
	int found = rc == SQLITE_ROW && sqlite3_column_bytes(t, 0) == 32 &&
	    sodium_memcmp(sqlite3_column_blob(t, 0), hash, 32) == 0;
	if (found) {
		*uid = sqlite3_column_int64(t, 1);
		*name = xstrdup((const char *)sqlite3_column_text(t, 2));
		*used = sqlite3_column_int64(t, 3);
		*disabled = sqlite3_column_int(t, 4) != 0;
	}
	sqlite3_reset(t);
	return found ? 0 : 1;
}

/* Sets a token's last use. */
int
sq_token_touch(struct store *base, const unsigned char hash[32], int64_t now, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_TOKEN_TOUCH, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_blob(t, 1, hash, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(t, 2, now);
	return sq_run(s, t, e);
}

/* Revokes every token of uid but keep. */
int
sq_token_revoke_user(
    struct store *base, int64_t uid, const unsigned char *keep, int64_t *n, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_TOKEN_REVOKE_USER, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, uid);
	if (keep != NULL)
		sqlite3_bind_blob(t, 2, keep, 32, SQLITE_TRANSIENT);
	if (sq_run(s, t, e) < 0)
		return -1;
	if (n != NULL)
		*n = sqlite3_changes(s->db.h);
	return 0;
}

/* Keeps uid's `keep` most recently used tokens. */
int
sq_token_trim(struct store *base, int64_t uid, int keep, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_TOKEN_TRIM, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, uid);
	sqlite3_bind_int(t, 2, keep);
	return sq_run(s, t, e);
}

/* The oldest user whose name has this skeleton. */
int
sq_user_by_skeleton(struct store *base, const char *skel, char **name, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_USER_BY_SKEL, e);
	if (t == NULL)
		return -1;
	db_bind_text(t, 1, skel);
	int rc = db_step(&s->db, t, e);
	if (rc == SQLITE_ROW)
		*name = xstrdup((const char *)sqlite3_column_text(t, 0));
	sqlite3_reset(t);
	return rc < 0 ? -1 : rc == SQLITE_ROW ? 0 : 1;
}

/* Sets a user's skeleton. */
int
sq_user_set_skeleton(struct store *base, int64_t uid, const char *skel, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_USER_SET_SKEL, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, uid);
	db_bind_text(t, 2, skel);
	return sq_run(s, t, e);
}

/* The users without a skeleton. */
int
sq_users_unskeletoned(struct store *base, int64_t **uids, char ***names, size_t *n, struct err *e)
{
	struct sqlite_store *s = sq(base);
	*uids = NULL;
	*names = NULL;
	*n = 0;
	sqlite3_stmt *t = sq_st(s, Q_USER_UNSKEL, e);
	if (t == NULL)
		return -1;
	int rc;
	while ((rc = db_step(&s->db, t, e)) == SQLITE_ROW) {
		store_push_id(uids, n, sqlite3_column_int64(t, 0));
		*names = xreallocarray(*names, *n, sizeof(**names));
		(*names)[*n - 1] = xstrdup((const char *)sqlite3_column_text(t, 1));
	}
	sqlite3_reset(t);
	if (rc < 0) {
		for (size_t i = 0; i < *n; i++)
			free((*names)[i]);
		free(*names);
		free(*uids);
		*names = NULL;
		*uids = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* Whether uid is disabled (an unknown uid is not). */
int
sq_user_disabled(struct store *base, int64_t uid, bool *disabled, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_USER_DISABLED, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, uid);
	int rc = db_step(&s->db, t, e);
	*disabled = rc == SQLITE_ROW && sqlite3_column_int(t, 0) != 0;
	sqlite3_reset(t);
	return rc < 0 ? -1 : 0;
}

/* Disables or enables uid. */
int
sq_user_set_disabled(struct store *base, int64_t uid, bool disabled, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_USER_SET_DISABLED, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, uid);
	sqlite3_bind_int(t, 2, disabled ? 1 : 0);
	return sq_run(s, t, e);
}
