/*
 * Folding a window of history.db's lines (core/fold.c): the items acting
 * on them (edits, deletes, reactions) and their reply targets, fetched by
 * (sender, seq) through the index messages_target, never by a scan of the
 * conversation.
 */
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "history.h"

#define MSG_COLS \
	"id, sender, seq, ts, body, kind, target_sender, target_seq, action, remove," \
	" deleted, op, users"

/* Reads one row of MSG_COLS into a new message of l. */
static void
read_row(sqlite3_stmt *st, const char *conv, struct message_list *l)
{
	struct message *m = message_list_push(l);
	const unsigned char *body = sqlite3_column_text(st, 4);
	m->id = sqlite3_column_int64(st, 0);
	m->conv = xstrdup(conv);
	m->sender = xstrdup((const char *)sqlite3_column_text(st, 1));
	m->seq = (uint64_t)sqlite3_column_int64(st, 2);
	m->ts = sqlite3_column_int64(st, 3);
	m->body = xstrdup(body != NULL ? (const char *)body : "");
	history_item_columns(st, 5, m);
}

/* Appends to out the edits, deletes and reactions of conv acting on (sender, seq). */
int
history_acting(struct history *h, const char *conv, const char *sender, uint64_t seq,
    struct message_list *out, struct err *e)
{
	sqlite3_stmt *st;
	if (db_prepare(&h->db, &st,
		"SELECT " MSG_COLS " FROM messages WHERE conv = ?1 AND target_sender = ?2"
		" AND target_seq = ?3 AND kind IN ('edit', 'delete', 'react') AND lost = 0",
		e) < 0)
		return -1;
	db_bind_text(st, 1, conv);
	db_bind_text(st, 2, sender);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)seq);
	int rc;
	while ((rc = db_step(&h->db, st, e)) == SQLITE_ROW)
		read_row(st, conv, out);
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* The item (sender, seq) of conv: 0 (out filled), 1 not held, -1. */
int
history_get(struct history *h, const char *conv, const char *sender, uint64_t seq,
    struct message *out, struct err *e)
{
	*out = (struct message){0};
	sqlite3_stmt *st;
	if (db_prepare(&h->db, &st,
		"SELECT " MSG_COLS " FROM messages WHERE conv = ?1 AND sender = ?2 AND seq = ?3",
		e) < 0)
		return -1;
	db_bind_text(st, 1, conv);
	db_bind_text(st, 2, sender);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)seq);
	struct message_list l = {0};
	int rc = db_step(&h->db, st, e);
	if (rc == SQLITE_ROW)
		read_row(st, conv, &l);
	sqlite3_finalize(st);
	if (rc < 0)
		return -1;
	if (l.n == 0)
		return 1;
	*out = l.v[0];
	free(l.v);
	return 0;
}

/* The index of (sender, seq) among v, or n. */
static size_t
find(const struct message *v, size_t n, const char *sender, uint64_t seq)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].seq == seq && strcmp(v[i].sender, sender) == 0)
			return i;
	return n;
}

/* Folds a window of lines of conv: out gets n folded lines (folds_free). */
int
history_fold(struct history *h, const char *conv, const struct message *lines, size_t n,
    struct folded **out, struct err *e)
{
	*out = NULL;
	struct message_list acts = {0}, targets = {0};
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct message *m = &lines[i];
		/* A lost line's seq is reused by the server: what acts on that is not its. */
		if (message_kind(m) != ITEM_MESSAGE || m->lost)
			continue;
		rc = history_acting(h, conv, m->sender, m->seq, &acts, e);
		if (rc < 0 || m->target_sender == NULL ||
		    find(lines, n, m->target_sender, m->target_seq) < n ||
		    find(targets.v, targets.n, m->target_sender, m->target_seq) < targets.n)
			continue;
		struct message t;
		int got = history_get(h, conv, m->target_sender, m->target_seq, &t, e);
		if (got < 0)
			rc = -1;
		else if (got == 0) {
			*message_list_push(&targets) = t;
			rc = history_acting(h, conv, t.sender, t.seq, &acts, e);
		}
	}
	if (rc == 0) {
		struct folded *f = xcalloc(n + 1, sizeof(*f));
		for (size_t i = 0; i < n; i++) {
			const struct message *m = &lines[i], *t = NULL;
			if (m->target_sender != NULL) {
				size_t j = find(lines, n, m->target_sender, m->target_seq);
				size_t k =
				    find(targets.v, targets.n, m->target_sender, m->target_seq);
				t = j < n ? &lines[j] : k < targets.n ? &targets.v[k] : NULL;
			}
			fold_line(m, acts.v, acts.n, t, &f[i]);
		}
		*out = f;
	}
	message_list_free(&acts);
	message_list_free(&targets);
	return rc;
}
