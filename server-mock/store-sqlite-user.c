/* The SQLite backend: users and their tokens. */
#include <sodium.h>

#include "store-sqlite.h"

/* Creates a user; 1 when the name is taken. */
int
sq_user_create(
    struct store *base, const char *name, const char *pwhash, int64_t *uid, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_USER_INSERT, e);
	if (t == NULL)
		return -1;
	db_bind_text(t, 1, name);
	db_bind_text(t, 2, pwhash);
	sqlite3_bind_int64(t, 3, now_ms());
	if (sq_run(s, t, e) < 0)
		return -1;
	if (sqlite3_changes(s->db.h) == 0)
		return 1;
	*uid = sqlite3_last_insert_rowid(s->db.h);
	return 0;
}

/* Finds a user by name with the password hash. */
int
sq_user_find(struct store *base, const char *name, int64_t *uid, char **pwhash, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_USER_FIND, e);
	if (t == NULL)
		return -1;
	db_bind_text(t, 1, name);
	int rc = db_step(&s->db, t, e);
	if (rc < 0)
		return -1;
	if (rc != SQLITE_ROW) {
		sqlite3_reset(t);
		return 1;
	}
	*uid = sqlite3_column_int64(t, 0);
	if (pwhash != NULL)
		*pwhash = xstrdup((const char *)sqlite3_column_text(t, 1));
	sqlite3_reset(t);
	return 0;
}

/* Replaces a user's password hash (the demo users on each start). */
int
sq_user_set_password(struct store *base, int64_t uid, const char *pwhash, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_USER_SETPW, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, uid);
	db_bind_text(t, 2, pwhash);
	return sq_run(s, t, e);
}

/* Records a token (by its hash) for a user. */
int
sq_token_add(struct store *base, int64_t uid, const unsigned char hash[32], struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_TOKEN_INSERT, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_blob(t, 1, hash, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(t, 2, uid);
	sqlite3_bind_int64(t, 3, now_ms());
	return sq_run(s, t, e);
}

/* Forgets a token. */
int
sq_token_revoke(struct store *base, const unsigned char hash[32], struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_TOKEN_DELETE, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_blob(t, 1, hash, 32, SQLITE_TRANSIENT);
	return sq_run(s, t, e);
}
