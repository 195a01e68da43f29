/* The SQLite backend: messages, their per-sender seqs and the sync ranges. */
#include <stdlib.h>
#include <string.h>

#include "store-sqlite.h"

/* Inserts a new message with the sender's next seq; the caller holds the transaction. */
static int
insert(struct sqlite_store *s, int64_t conv, int64_t uid, const char *client_id, const char *body,
    size_t bodylen, int64_t *msg, uint64_t *seq, int64_t *ts, struct err *e)
{
	sqlite3_stmt *t = sq_st(s, Q_SEQ_NEXT, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, conv);
	sqlite3_bind_int64(t, 2, uid);
	if (db_step(&s->db, t, e) != SQLITE_ROW) {
		sqlite3_reset(t);
		return err_set(e, ERR_DB, "sender is not a member");
	}
	*seq = (uint64_t)sqlite3_column_int64(t, 0);
	sqlite3_reset(t);
	*ts = now_ms();
	if ((t = sq_st(s, Q_MSG_INSERT, e)) == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, conv);
	sqlite3_bind_int64(t, 2, uid);
	sqlite3_bind_int64(t, 3, (int64_t)*seq);
	sqlite3_bind_int64(t, 4, *ts);
	db_bind_text(t, 5, client_id);
	sqlite3_bind_text(t, 6, body, (int)bodylen, SQLITE_TRANSIENT);
	if (sq_run(s, t, e) < 0)
		return -1;
	*msg = sqlite3_last_insert_rowid(s->db.h);
	return 0;
}

/* Stores a message, or finds the one this sender sent with this client id. */
int
sq_message_put(struct store *base, int64_t conv, int64_t uid, const char *client_id,
    const char *body, size_t bodylen, int64_t *msg, uint64_t *seq, int64_t *ts, bool *created,
    struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_MSG_BY_CLIENT, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, conv);
	sqlite3_bind_int64(t, 2, uid);
	db_bind_text(t, 3, client_id);
	int rc = db_step(&s->db, t, e);
	if (rc < 0)
		return -1;
	*created = rc != SQLITE_ROW;
	if (!*created) {
		*msg = sqlite3_column_int64(t, 0);
		*seq = (uint64_t)sqlite3_column_int64(t, 1);
		*ts = sqlite3_column_int64(t, 2);
		sqlite3_reset(t);
		return 0;
	}
	sqlite3_reset(t);
	return insert(s, conv, uid, client_id, body, bodylen, msg, seq, ts, e);
}

/* Appends the ids of (conv, sender)'s messages with seq in lo..hi, at most limit. */
int
sq_message_range(struct store *base, int64_t conv, int64_t sender, uint64_t lo, uint64_t hi,
    int64_t limit, int64_t **ids, size_t *n, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_MSG_RANGE, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, conv);
	sqlite3_bind_int64(t, 2, sender);
	sqlite3_bind_int64(t, 3, (int64_t)lo);
	sqlite3_bind_int64(t, 4, (int64_t)hi);
	sqlite3_bind_int64(t, 5, limit);
	int rc;
	while ((rc = db_step(&s->db, t, e)) == SQLITE_ROW)
		store_push_id(ids, n, sqlite3_column_int64(t, 0));
	sqlite3_reset(t);
	return rc < 0 ? -1 : 0;
}

/* The message of a row id, body included. */
int
sq_message_get(struct store *base, int64_t msg, struct store_message *out, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_MSG_GET, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, msg);
	int rc = 0;
	if (db_step(&s->db, t, e) == SQLITE_ROW) {
		const unsigned char *body = sqlite3_column_text(t, 4);
		size_t len = (size_t)sqlite3_column_bytes(t, 4);
		char *copy = xmalloc(len + 1);
		memcpy(copy, body, len);
		copy[len] = '\0';
		*out = (struct store_message){
		    .conv = xstrdup((const char *)sqlite3_column_text(t, 0)),
		    .sender = xstrdup((const char *)sqlite3_column_text(t, 1)),
		    .seq = (uint64_t)sqlite3_column_int64(t, 2),
		    .ts = sqlite3_column_int64(t, 3),
		    .body = copy,
		    .bodylen = len,
		};
	} else {
		rc = err_set(e, ERR_DB, "message %lld vanished", (long long)msg);
	}
	sqlite3_reset(t);
	return rc;
}
