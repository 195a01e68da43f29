/* The SQLite backend: messages, their per-sender seqs and the sync ranges. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store-sqlite.h"

/* A copy of text column i, NULL for NULL. */
static char *
col_dup(sqlite3_stmt *t, int i)
{
	const unsigned char *v = sqlite3_column_text(t, i);
	return v != NULL ? xstrdup((const char *)v) : NULL;
}

/* Inserts a new message with the sender's next seq; the caller holds the transaction. */
static int
insert(struct sqlite_store *s, int64_t conv, int64_t uid, const char *client_id,
    const struct store_item *it, int64_t *msg, uint64_t *seq, int64_t *ts, struct err *e)
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
	/* No body is '' (the column predates items); a text message's is never empty. */
	sqlite3_bind_text(t, 6, it->body != NULL ? it->body : "",
	    it->body != NULL ? (int)it->bodylen : 0, SQLITE_TRANSIENT);
	bool message = it->kind == NULL || strcmp(it->kind, "message") == 0;
	db_bind_text(t, 7, message ? NULL : it->kind);
	db_bind_text(t, 8, it->target_sender);
	if (it->target_sender != NULL)
		sqlite3_bind_int64(t, 9, (int64_t)it->target_seq);
	sqlite3_bind_int(t, 10, it->action);
	sqlite3_bind_int(t, 11, it->remove);
	db_bind_text(t, 12, it->op);
	db_bind_text(t, 13, it->users);
	if (sq_run(s, t, e) < 0)
		return -1;
	*msg = sqlite3_last_insert_rowid(s->db.h);
	return 0;
}

/* Stores a message, or finds the one this sender sent with this client id. */
int
sq_message_put(struct store *base, int64_t conv, int64_t uid, const char *client_id,
    const struct store_item *it, int64_t *msg, uint64_t *seq, int64_t *ts, bool *created,
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
	return insert(s, conv, uid, client_id, it, msg, seq, ts, e);
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
		char *copy = NULL;
		if (len > 0) {
			copy = xmalloc(len + 1);
			memcpy(copy, body, len);
			copy[len] = '\0';
		}
		*out = (struct store_message){
		    .conv = xstrdup((const char *)sqlite3_column_text(t, 0)),
		    .sender = xstrdup((const char *)sqlite3_column_text(t, 1)),
		    .seq = (uint64_t)sqlite3_column_int64(t, 2),
		    .ts = sqlite3_column_int64(t, 3),
		    .body = copy,
		    .bodylen = len,
		    .kind = col_dup(t, 5),
		    .target_sender = col_dup(t, 6),
		    .target_seq = (uint64_t)sqlite3_column_int64(t, 7),
		    .action = sqlite3_column_int(t, 8) != 0,
		    .remove = sqlite3_column_int(t, 9) != 0,
		    .op = col_dup(t, 10),
		    .users = col_dup(t, 11),
		    .deleted = sqlite3_column_int(t, 12) != 0,
		};
	} else {
		rc = err_set(e, ERR_DB, "message %lld vanished", (long long)msg);
	}
	sqlite3_reset(t);
	return rc;
}

/* The sender, kind and deleted flag of message (sender, seq) of conv: 0, 1 none, -1. */
int
sq_message_find(struct store *base, int64_t conv, const char *sender, uint64_t seq,
    int64_t *sender_uid, char **kind, bool *deleted, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_MSG_FIND, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, conv);
	db_bind_text(t, 2, sender);
	sqlite3_bind_int64(t, 3, (int64_t)seq);
	int rc = db_step(&s->db, t, e);
	if (rc == SQLITE_ROW) {
		*sender_uid = sqlite3_column_int64(t, 0);
		*kind = col_dup(t, 1);
		*deleted = sqlite3_column_int(t, 2) != 0;
	}
	sqlite3_reset(t);
	return rc < 0 ? -1 : rc == SQLITE_ROW ? 0 : 1;
}

/* The id of uid's message with client_id in conv: 0, 1 none, -1. */
int
sq_message_by_client(struct store *base, int64_t conv, int64_t uid, const char *client_id,
    int64_t *msg, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_MSG_BY_CLIENT, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, conv);
	sqlite3_bind_int64(t, 2, uid);
	db_bind_text(t, 3, client_id);
	int rc = db_step(&s->db, t, e);
	if (rc == SQLITE_ROW)
		*msg = sqlite3_column_int64(t, 0);
	sqlite3_reset(t);
	return rc < 0 ? -1 : rc == SQLITE_ROW ? 0 : 1;
}

/* Erases the text of (sender, seq) and of its edits; secure_delete zeroes the old bytes. */
int
sq_message_erase(struct store *base, int64_t conv, const char *sender, uint64_t seq, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_MSG_ERASE, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, conv);
	db_bind_text(t, 2, sender);
	sqlite3_bind_int64(t, 3, (int64_t)seq);
	return sq_run(s, t, e);
}

/* Copies the WAL into the file and truncates it, so erased text is in no journal. */
void
sq_scrub(struct store *base)
{
	struct sqlite_store *s = sq(base);
	struct err e = {0};
	pthread_mutex_lock(&s->sh->write);
	if (db_exec(&s->db, "PRAGMA wal_checkpoint(TRUNCATE)", &e) < 0)
		log_event("error", "checkpoint", NULL,
		    "natter-server-mock: checkpoint after a delete: %s\n", e.msg);
	pthread_mutex_unlock(&s->sh->write);
}
