/* The PostgreSQL backend: messages, their per-sender seqs and the sync ranges. */
#include <stdlib.h>
#include <string.h>

#include "store-pg.h"

/*
 * Inserts a new message with the sender's next seq, in the caller's
 * transaction: the UPDATE of the sender's members row locks it until the
 * commit, so no other process can take the same seq.
 */
static int
insert(struct pg_store *s, int64_t conv, int64_t uid, const char *client_id,
    const struct store_item *it, int64_t *msg, uint64_t *seq, int64_t *ts, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, conv);
	pgp_int(&p, uid);
	int64_t v;
	int rc = pg_one_int(s, P_SEQ_NEXT, &p, &v, e);
	if (rc != 0)
		return rc < 0 ? -1 : err_set(e, ERR_DB, "sender is not a member");
	*seq = (uint64_t)v;
	*ts = now_ms();
	p = (struct pgp){0};
	pgp_int(&p, conv);
	pgp_int(&p, uid);
	pgp_int(&p, (int64_t)*seq);
	pgp_int(&p, *ts);
	pgp_text(&p, client_id);
	/* No body is '' (as in SQLite); binary: the body's length, not a NUL, ends it. */
	pgp_bin(&p, it->body != NULL ? it->body : "", it->body != NULL ? it->bodylen : 0);
	bool message = it->kind == NULL || strcmp(it->kind, "message") == 0;
	pgp_text(&p, message ? NULL : it->kind);
	pgp_text(&p, it->target_sender);
	if (it->target_sender != NULL)
		pgp_int(&p, (int64_t)it->target_seq);
	else
		pgp_text(&p, NULL);
	pgp_text(&p, it->action ? "true" : "false");
	pgp_text(&p, it->remove ? "true" : "false");
	pgp_text(&p, it->op);
	pgp_text(&p, it->users);
	rc = pg_one_int(s, P_MSG_INSERT, &p, msg, e);
	return rc == 0 ? 0 : rc < 0 ? -1 : err_set(e, ERR_DB, "message not inserted");
}

/* Stores a message, or finds the one this sender sent with this client id. */
int
pg_message_put(struct store *base, int64_t conv, int64_t uid, const char *client_id,
    const struct store_item *it, int64_t *msg, uint64_t *seq, int64_t *ts, bool *created,
    struct err *e)
{
	struct pg_store *s = pg(base);
	struct pgp p = {0};
	pgp_int(&p, conv);
	pgp_int(&p, uid);
	pgp_text(&p, client_id);
	PGresult *r = pg_q(s, P_MSG_BY_CLIENT, &p, e);
	if (r == NULL)
		return -1;
	*created = PQntuples(r) == 0;
	if (!*created) {
		*msg = pg_int(r, 0, 0);
		*seq = (uint64_t)pg_int(r, 0, 1);
		*ts = pg_int(r, 0, 2);
		PQclear(r);
		return 0;
	}
	PQclear(r);
	return insert(s, conv, uid, client_id, it, msg, seq, ts, e);
}

/* Appends the ids of (conv, sender)'s messages with seq in lo..hi, at most limit. */
int
pg_message_range(struct store *base, int64_t conv, int64_t sender, uint64_t lo, uint64_t hi,
    int64_t limit, int64_t **ids, size_t *n, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, conv);
	pgp_int(&p, sender);
	pgp_int(&p, (int64_t)lo);
	pgp_int(&p, hi > INT64_MAX ? INT64_MAX : (int64_t)hi);
	pgp_int(&p, limit);
	PGresult *r = pg_q(pg(base), P_MSG_RANGE, &p, e);
	if (r == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r); i++)
		store_push_id(ids, n, pg_int(r, i, 0));
	PQclear(r);
	return 0;
}

/* The message of a row id, body included. */
int
pg_message_get(struct store *base, int64_t msg, struct store_message *out, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, msg);
	PGresult *r = pg_q(pg(base), P_MSG_GET, &p, e);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return err_set(e, ERR_DB, "message %lld vanished", (long long)msg);
	}
	size_t len = (size_t)PQgetlength(r, 0, 4);
	char *copy = NULL;
	if (len > 0) {
		copy = xmalloc(len + 1);
		memcpy(copy, PQgetvalue(r, 0, 4), len);
		copy[len] = '\0';
	}
	*out = (struct store_message){
	    .conv = xstrdup(PQgetvalue(r, 0, 0)),
	    .sender = xstrdup(PQgetvalue(r, 0, 1)),
	    .seq = (uint64_t)pg_int(r, 0, 2),
	    .ts = pg_int(r, 0, 3),
	    .body = copy,
	    .bodylen = len,
	    .kind = pg_dup(r, 0, 5),
	    .target_sender = pg_dup(r, 0, 6),
	    .target_seq = (uint64_t)pg_int(r, 0, 7),
	    .action = pg_bool(r, 0, 8),
	    .remove = pg_bool(r, 0, 9),
	    .op = pg_dup(r, 0, 10),
	    .users = pg_dup(r, 0, 11),
	    .deleted = pg_bool(r, 0, 12),
	};
	PQclear(r);
	return 0;
}

/* The sender, kind and deleted flag of message (sender, seq) of conv: 0, 1 none, -1. */
int
pg_message_find(struct store *base, int64_t conv, const char *sender, uint64_t seq,
    int64_t *sender_uid, char **kind, bool *deleted, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, conv);
	pgp_text(&p, sender);
	pgp_int(&p, (int64_t)seq);
	PGresult *r = pg_q(pg(base), P_MSG_FIND, &p, e);
	if (r == NULL)
		return -1;
	int rc = PQntuples(r) > 0 ? 0 : 1;
	if (rc == 0) {
		*sender_uid = pg_int(r, 0, 0);
		*kind = pg_dup(r, 0, 1);
		*deleted = pg_bool(r, 0, 2);
	}
	PQclear(r);
	return rc;
}

/* The id of uid's message with client_id in conv: 0, 1 none, -1. */
int
pg_message_by_client(struct store *base, int64_t conv, int64_t uid, const char *client_id,
    int64_t *msg, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, conv);
	pgp_int(&p, uid);
	pgp_text(&p, client_id);
	return pg_one_int(pg(base), P_MSG_BY_CLIENT, &p, msg, e);
}

/* Erases the text of (sender, seq) and of its edits. */
int
pg_message_erase(struct store *base, int64_t conv, const char *sender, uint64_t seq, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, conv);
	pgp_text(&p, sender);
	pgp_int(&p, (int64_t)seq);
	return pg_run(pg(base), P_MSG_ERASE, &p, e) < 0 ? -1 : 0;
}

/*
 * Nothing to do at once: the old row versions holding erased text are
 * removed by (auto)vacuum, and PostgreSQL's WAL is the administrator's
 * (docs/deploy.md says so).
 */
void
pg_scrub(struct store *base)
{
	(void)base;
}
