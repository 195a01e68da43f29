/* The SQLite backend: membership rows, direct conversations, titles and blocks. */
#include <stdlib.h>

#include "store-sqlite.h"

/* uid's row in conv: state, role and the inviter's name ("" when none). */
int
sq_member_get(struct store *base, int64_t conv, int64_t uid, int *state, int *role, char **inviter,
    struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_MEMBER_GET, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, conv);
	sqlite3_bind_int64(t, 2, uid);
	int rc = db_step(&s->db, t, e);
	if (rc == SQLITE_ROW) {
		*state = sqlite3_column_int(t, 0);
		*role = sqlite3_column_int(t, 1);
		if (inviter != NULL)
			*inviter = xstrdup((const char *)sqlite3_column_text(t, 2));
	}
	sqlite3_reset(t);
	return rc < 0 ? -1 : rc == SQLITE_ROW ? 0 : 1;
}

/* Creates or updates uid's row in conv. */
int
sq_member_set(struct store *base, int64_t conv, int64_t uid, int state, int role, int64_t inviter,
    struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_MEMBER_SET, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, conv);
	sqlite3_bind_int64(t, 2, uid);
	sqlite3_bind_int(t, 3, state);
	sqlite3_bind_int(t, 4, role);
	if (inviter > 0)
		sqlite3_bind_int64(t, 5, inviter);
	return sq_run(s, t, e);
}

/* Runs a one-row, one-integer query with up to three integer or text parameters. */
static int
one_int(struct sqlite_store *s, enum q q, const char *text, const int64_t *args, int nargs,
    int64_t *out, struct err *e)
{
	sqlite3_stmt *t = sq_st(s, q, e);
	if (t == NULL)
		return -1;
	int i = 1;
	if (text != NULL)
		db_bind_text(t, i++, text);
	for (int k = 0; k < nargs; k++)
		sqlite3_bind_int64(t, i++, args[k]);
	int rc = db_step(&s->db, t, e);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(t, 0);
	sqlite3_reset(t);
	return rc < 0 ? -1 : rc == SQLITE_ROW ? 0 : 1;
}

/* Any conversation by public id. */
int
sq_conv_find(struct store *base, const char *id, int64_t *conv, struct err *e)
{
	return one_int(sq(base), Q_CONV_FIND, id, NULL, 0, conv, e);
}

/* Sets a conversation's title. */
int
sq_conv_title_set(struct store *base, int64_t conv, const char *title, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_CONV_TITLE, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, conv);
	db_bind_text(t, 2, title);
	return sq_run(s, t, e);
}

/* The direct conversation of a pair key. */
int
sq_conv_direct_get(struct store *base, const char *key, int64_t *conv, struct err *e)
{
	return one_int(sq(base), Q_CONV_DIRECT_GET, key, NULL, 0, conv, e);
}

/* Marks conv as the direct conversation of a pair key. */
int
sq_conv_direct_set(struct store *base, int64_t conv, const char *key, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_CONV_DIRECT_SET, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, conv);
	db_bind_text(t, 2, key);
	return sq_run(s, t, e);
}

/* Whether b accepted a conversation (other than except) that a is in. */
int
sq_shared(struct store *base, int64_t a, int64_t b, int64_t except, bool *yes, struct err *e)
{
	int64_t args[] = {a, b, except}, v = 0;
	int rc = one_int(sq(base), Q_SHARED, NULL, args, 3, &v, e);
	*yes = v != 0;
	return rc < 0 ? -1 : 0;
}

/* Whether uid blocked other. */
int
sq_block_get(struct store *base, int64_t uid, int64_t other, bool *yes, struct err *e)
{
	int64_t args[] = {uid, other}, v = 0;
	int rc = one_int(sq(base), Q_BLOCK_GET, NULL, args, 2, &v, e);
	*yes = v != 0;
	return rc < 0 ? -1 : 0;
}

/* Blocks or unblocks. */
int
sq_block_set(struct store *base, int64_t uid, int64_t other, bool on, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, on ? Q_BLOCK_ADD : Q_BLOCK_DEL, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, uid);
	sqlite3_bind_int64(t, 2, other);
	return sq_run(s, t, e);
}

/* The names uid blocked. */
int
sq_block_list(struct store *base, int64_t uid, char ***names, size_t *n, struct err *e)
{
	struct sqlite_store *s = sq(base);
	*names = NULL;
	*n = 0;
	sqlite3_stmt *t = sq_st(s, Q_BLOCK_LIST, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, uid);
	int rc;
	while ((rc = db_step(&s->db, t, e)) == SQLITE_ROW) {
		*names = xreallocarray(*names, *n + 1, sizeof(**names));
		(*names)[(*n)++] = xstrdup((const char *)sqlite3_column_text(t, 0));
	}
	sqlite3_reset(t);
	if (rc < 0) {
		for (size_t i = 0; i < *n; i++)
			free((*names)[i]);
		free(*names);
		*names = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* The conversations to which inviter invited uid, pending. */
int
sq_invites_from(
    struct store *base, int64_t uid, int64_t inviter, int64_t **convs, size_t *n, struct err *e)
{
	struct sqlite_store *s = sq(base);
	*convs = NULL;
	*n = 0;
	sqlite3_stmt *t = sq_st(s, Q_INVITES_FROM, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, uid);
	sqlite3_bind_int64(t, 2, inviter);
	int rc;
	while ((rc = db_step(&s->db, t, e)) == SQLITE_ROW)
		store_push_id(convs, n, sqlite3_column_int64(t, 0));
	sqlite3_reset(t);
	if (rc < 0) {
		free(*convs);
		*convs = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}
