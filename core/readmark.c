/*
 * Read marks in history.db: per conversation and sender, `seq` is read up
 * to here and `sent` is what the server has. A conversation shown to the
 * user raises seq; readmark_flush sends the difference; the server's marks
 * (changes answers, read events) raise both.
 */
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "readmark.h"

/* Marks conv read up to the newest held message of each sender. */
int
history_mark_read(struct history *h, const char *conv, struct err *e)
{
	sqlite3_stmt *st;
	if (db_prepare(&h->db, &st,
		"INSERT INTO reads (conv, sender, seq) SELECT conv, sender, max(hi) FROM ranges"
		" WHERE conv = ?1 GROUP BY sender"
		" ON CONFLICT (conv, sender) DO UPDATE SET seq = excluded.seq"
		" WHERE excluded.seq > reads.seq",
		e) < 0)
		return -1;
	db_bind_text(st, 1, conv);
	int rc = db_step(&h->db, st, e);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Raises conv's marks, and what the server has, to the server's marks. */
int
history_read_merge(
    struct history *h, const char *conv, const struct marks *m, bool *moved, struct err *e)
{
	*moved = false;
	sqlite3_stmt *up, *sent;
	if (db_prepare(&h->db, &up,
		"INSERT INTO reads (conv, sender, seq, sent) VALUES (?1, ?2, ?3, ?3)"
		" ON CONFLICT (conv, sender) DO UPDATE SET seq = excluded.seq,"
		" sent = max(sent, excluded.sent) WHERE excluded.seq > reads.seq",
		e) < 0)
		return -1;
	if (db_prepare(&h->db, &sent,
		"UPDATE reads SET sent = ?3 WHERE conv = ?1 AND sender = ?2 AND sent < ?3",
		e) < 0) {
		sqlite3_finalize(up);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < m->n && rc == 0; i++) {
		sqlite3_stmt *v[] = {up, sent};
		for (size_t k = 0; k < 2 && rc == 0; k++) {
			sqlite3_reset(v[k]);
			db_bind_text(v[k], 1, conv);
			db_bind_text(v[k], 2, m->v[i].sender);
			sqlite3_bind_int64(v[k], 3, (sqlite3_int64)m->v[i].seq);
			rc = db_step(&h->db, v[k], e) == SQLITE_DONE ? 0 : -1;
			/* Moved for this device only when the mark itself rose. */
			if (k == 0 && rc == 0 && sqlite3_changes(h->db.h) > 0)
				*moved = true;
		}
	}
	sqlite3_finalize(up);
	sqlite3_finalize(sent);
	return rc;
}

/* The conversations with marks the server lacks (allocated). */
static int
pending_convs(struct history *h, char ***out, size_t *n, struct err *e)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	if (db_prepare(&h->db, &st, "SELECT DISTINCT conv FROM reads WHERE seq > sent", e) < 0)
		return -1;
	int rc;
	while ((rc = db_step(&h->db, st, e)) == SQLITE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		(*out)[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* conv's marks the server lacks. */
static int
pending_marks(struct history *h, const char *conv, struct marks *m, struct err *e)
{
	*m = (struct marks){0};
	sqlite3_stmt *st;
	if (db_prepare(&h->db, &st,
		"SELECT sender, seq FROM reads WHERE conv = ?1 AND seq > sent ORDER BY sender",
		e) < 0)
		return -1;
	db_bind_text(st, 1, conv);
	int rc;
	while ((rc = db_step(&h->db, st, e)) == SQLITE_ROW)
		marks_raise(m, (const char *)sqlite3_column_text(st, 0),
		    (uint64_t)sqlite3_column_int64(st, 1));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		marks_free(m);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Records that the server has conv's marks up to those sent. */
static int
mark_sent(struct history *h, const char *conv, const struct marks *m, struct err *e)
{
	sqlite3_stmt *st;
	if (db_prepare(&h->db, &st,
		"UPDATE reads SET sent = max(sent, ?3) WHERE conv = ?1 AND sender = ?2", e) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < m->n && rc == 0; i++) {
		sqlite3_reset(st);
		db_bind_text(st, 1, conv);
		db_bind_text(st, 2, m->v[i].sender);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)m->v[i].seq);
		rc = db_step(&h->db, st, e) == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Sends one conversation's pending marks and records the answer. */
static int
flush_one(struct client *c, struct history *h, const char *conv, struct err *e)
{
	struct marks m, now = {0};
	if (pending_marks(h, conv, &m, e) < 0)
		return -1;
	bool missing, moved;
	struct err ce = {0};
	int rc = client_read(c, conv, &m, &missing, &now, &ce);
	if (rc < 0 && (ce.kind == ERR_OFFLINE || ce.kind == ERR_AUTH)) {
		*e = ce; /* stays queued */
		marks_free(&m);
		return -1;
	}
	/*
	 * Taken, or refused for good (no read state, no longer a member, an
	 * answer we cannot read): the server will take no more, so it stops
	 * being pending.
	 */
	rc = mark_sent(h, conv, &m, e);
	if (rc == 0)
		rc = history_read_merge(h, conv, &now, &moved, e);
	marks_free(&m);
	marks_free(&now);
	return rc;
}

/* Sends what the server lacks, conversation by conversation. */
int
readmark_flush(struct client *c, struct history *h, size_t *sent, struct err *e)
{
	*sent = 0;
	char **convs;
	size_t n;
	if (pending_convs(h, &convs, &n, e) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = flush_one(c, h, convs[i], e);
		*sent += rc == 0;
	}
	for (size_t i = 0; i < n; i++)
		free(convs[i]);
	free(convs);
	return rc;
}

/* True when marks wait to be sent. */
bool
readmark_pending(struct history *h)
{
	sqlite3_stmt *st;
	struct err e = {0};
	if (db_prepare(&h->db, &st, "SELECT 1 FROM reads WHERE seq > sent LIMIT 1", &e) < 0)
		return false;
	bool yes = db_step(&h->db, st, &e) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}
