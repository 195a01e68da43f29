/*
 * /search over history.db: the messages whose text contains the words
 * typed, newest first. A prepared LIKE over the messages, so it needs no
 * index of its own.
 */
#include <string.h>

#include "history.h"
#include "ui.h"

/* Escapes % _ and \ of text for LIKE ... ESCAPE '\', inside %...%. */
static char *
like_pattern(const char *text)
{
	struct buf b = {0};
	buf_puts(&b, "%");
	for (const char *p = text; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_append(&b, "\\", 1);
		buf_append(&b, p, 1);
	}
	buf_puts(&b, "%");
	return b.data;
}

/* Finds the skip-th newest message containing text; *total counts them all. */
int
search_messages(struct history *h, const char *text, size_t skip, struct hmsg *out, size_t *total,
    struct err *e)
{
	sqlite3_stmt *st = NULL;
	char *pat = like_pattern(text);
	int rc = -1;
	memset(out, 0, sizeof(*out));
	*total = 0;
	if (db_prepare(&h->db, &st,
		"SELECT id, conv, sender, seq, ts, body, count(*) OVER () FROM messages"
		" WHERE body LIKE ?1 ESCAPE '\\' ORDER BY ts DESC, id DESC LIMIT 1 OFFSET ?2",
		e) < 0)
		goto out;
	db_bind_text(st, 1, pat);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)skip);
	int step = db_step(&h->db, st, e);
	if (step < 0)
		goto out;
	rc = 0;
	if (step != SQLITE_ROW)
		goto out;
	out->id = sqlite3_column_int64(st, 0);
	out->m.conv = xstrdup((const char *)sqlite3_column_text(st, 1));
	out->m.sender = xstrdup((const char *)sqlite3_column_text(st, 2));
	out->m.seq = (uint64_t)sqlite3_column_int64(st, 3);
	out->m.ts = sqlite3_column_int64(st, 4);
	out->m.body = xstrdup((const char *)sqlite3_column_text(st, 5));
	*total = (size_t)sqlite3_column_int64(st, 6);
	rc = 1;
out:
	sqlite3_finalize(st);
	free(pat);
	return rc;
}
