/* The SQLite backend: conversations and their members. */
#include <stdlib.h>

#include "store-sqlite.h"

/* Inserts a conversation; 1 when the public id is taken. */
int
sq_conv_insert(struct store *base, const char *id, const char *title, int64_t *conv, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_CONV_INSERT, e);
	if (t == NULL)
		return -1;
	db_bind_text(t, 1, id);
	db_bind_text(t, 2, title);
	sqlite3_bind_int64(t, 3, now_ms());
	int rc = db_step(&s->db, t, e);
	sqlite3_reset(t);
	if (rc == SQLITE_DONE) {
		*conv = sqlite3_last_insert_rowid(s->db.h);
		return 0;
	}
	return sqlite3_errcode(s->db.h) == SQLITE_CONSTRAINT ? 1 : -1;
}

/* Makes uid a member of conv unless it is one. */
int
sq_member_add(struct store *base, int64_t conv, int64_t uid, bool *added, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_MEMBER_INSERT, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, conv);
	sqlite3_bind_int64(t, 2, uid);
	if (sq_run(s, t, e) < 0)
		return -1;
	*added = sqlite3_changes(s->db.h) > 0;
	return 0;
}

/* The internal id of a conversation of which uid is a member. */
int
sq_conv_member(struct store *base, int64_t uid, const char *id, int64_t *conv, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_CONV_MEMBER, e);
	if (t == NULL)
		return -1;
	db_bind_text(t, 1, id);
	sqlite3_bind_int64(t, 2, uid);
	int rc = db_step(&s->db, t, e);
	if (rc == SQLITE_ROW)
		*conv = sqlite3_column_int64(t, 0);
	sqlite3_reset(t);
	return rc < 0 ? -1 : rc == SQLITE_ROW ? 0 : 1;
}

/* The ids of uid's conversations, oldest first. */
int
sq_conv_ids(struct store *base, int64_t uid, int64_t **ids, size_t *n, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_CONV_LIST, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, uid);
	*ids = NULL;
	*n = 0;
	int rc;
	while ((rc = db_step(&s->db, t, e)) == SQLITE_ROW)
		store_push_id(ids, n, sqlite3_column_int64(t, 0));
	sqlite3_reset(t);
	if (rc < 0) {
		free(*ids);
		*ids = NULL;
		return -1;
	}
	return 0;
}

/* A conversation with its members (by name) and their last seqs. */
int
sq_conv_get(struct store *base, int64_t conv, struct store_conv *out, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_CONV_GET, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, conv);
	if (db_step(&s->db, t, e) != SQLITE_ROW) {
		sqlite3_reset(t);
		return err_set(e, ERR_DB, "conversation %lld vanished", (long long)conv);
	}
	*out = (struct store_conv){
	    .id = xstrdup((const char *)sqlite3_column_text(t, 0)),
	    .title = xstrdup((const char *)sqlite3_column_text(t, 1)),
	    .created = sqlite3_column_int64(t, 2),
	    .direct = sqlite3_column_int(t, 3) != 0,
	};
	sqlite3_reset(t);
	if ((t = sq_st(s, Q_MEMBERS, e)) == NULL) {
		store_conv_free(out);
		return -1;
	}
	sqlite3_bind_int64(t, 1, conv);
	int rc;
	while ((rc = db_step(&s->db, t, e)) == SQLITE_ROW) {
		out->members =
		    xreallocarray(out->members, out->nmembers + 1, sizeof(*out->members));
		out->members[out->nmembers++] = (struct store_member){
		    .name = xstrdup((const char *)sqlite3_column_text(t, 0)),
		    .last_seq = (uint64_t)sqlite3_column_int64(t, 1),
		    .state = (enum member_state)sqlite3_column_int(t, 2),
		    .role = (enum member_role)sqlite3_column_int(t, 3),
		};
	}
	sqlite3_reset(t);
	if (rc < 0) {
		store_conv_free(out);
		return -1;
	}
	return 0;
}

/* The members of conv that have sent something, with their last seqs. */
int
sq_conv_senders(
    struct store *base, int64_t conv, struct store_sender **out, size_t *n, struct err *e)
{
	struct sqlite_store *s = sq(base);
	*out = NULL;
	*n = 0;
	sqlite3_stmt *t = sq_st(s, Q_SENDERS, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, conv);
	int rc;
	while ((rc = db_step(&s->db, t, e)) == SQLITE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		(*out)[(*n)++] = (struct store_sender){
		    .uid = sqlite3_column_int64(t, 0),
		    .name = xstrdup((const char *)sqlite3_column_text(t, 1)),
		    .last_seq = (uint64_t)sqlite3_column_int64(t, 2),
		};
	}
	sqlite3_reset(t);
	if (rc < 0) {
		store_senders_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}
