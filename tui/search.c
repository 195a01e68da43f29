/*
 * /search: an SQLite FTS5 index of the message texts of history.db, kept in
 * its own file (DATA/search.db, the interface's alone) and brought up to
 * date a batch at a time while the interface is idle. A search matches the
 * messages holding words that start with each word typed (case and accents
 * ignored), newest first. While the index is still far behind (its first
 * build over a long history), a LIKE over history.db answers instead.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "history.h"
#include "natter.h"

/* Rows the index may lag behind before a search falls back to LIKE. */
#define SEARCH_CATCH_UP 20000

static const char *const migrations[] = {
    "CREATE VIRTUAL TABLE fts USING fts5(body, content = '',"
    "  tokenize = 'unicode61 remove_diacritics 2');"
    "CREATE TABLE state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);",
};

/* Opens (creating) the index at path. */
int
search_open(struct search *s, const char *path, struct err *e)
{
	memset(s, 0, sizeof(*s));
	if (db_open(&s->db, path, migrations, nitems(migrations), 0, e) < 0)
		return -1;
	sqlite3_stmt *st;
	if (db_prepare(&s->db, &st, "SELECT value FROM state WHERE key = 'indexed'", e) < 0) {
		db_close(&s->db);
		return -1;
	}
	if (db_step(&s->db, st, e) == SQLITE_ROW)
		s->indexed = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (db_prepare(&s->db, &st, "SELECT value FROM state WHERE key = 'erasures'", e) < 0) {
		db_close(&s->db);
		return -1;
	}
	if (db_step(&s->db, st, e) == SQLITE_ROW)
		s->erasures = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	s->open = true;
	return 0;
}

/* Drops the index when history.db erased text since it was started. */
int
search_purge(struct search *s, struct history *h, struct err *e)
{
	struct err me = {0};
	char *v = history_meta_get(h, "erasures", &me);
	if (me.kind) {
		*e = me;
		return -1;
	}
	int64_t now = v != NULL ? strtoll(v, NULL, 10) : 0;
	free(v);
	if (now == s->erasures)
		return 0;
	/* secure_delete zeroes the dropped pages; the checkpoint empties the WAL. */
	char *sql =
	    xasprintf("DROP TABLE fts;"
		      "CREATE VIRTUAL TABLE fts USING fts5(body, content = '',"
		      "  tokenize = 'unicode61 remove_diacritics 2');"
		      "INSERT INTO state (key, value) VALUES ('indexed', 0), ('erasures', %lld)"
		      " ON CONFLICT (key) DO UPDATE SET value = excluded.value;",
		(long long)now);
	int rc = db_begin(&s->db, e);
	if (rc == 0 && db_exec(&s->db, sql, e) < 0) {
		db_rollback(&s->db);
		rc = -1;
	}
	free(sql);
	if (rc < 0 || db_commit(&s->db, e) < 0)
		return -1;
	db_exec(&s->db, "PRAGMA wal_checkpoint(TRUNCATE)", &me);
	s->indexed = 0;
	s->erasures = now;
	return 1;
}

/* Purges DATA's search.db when it exists. */
int
search_purge_file(const char *data_dir, struct history *h, struct err *e)
{
	char *path = xasprintf("%s/search.db", data_dir);
	int rc = 0;
	if (access(path, F_OK) == 0) {
		struct search s;
		rc = search_open(&s, path, e);
		if (rc == 0) {
			rc = search_purge(&s, h, e) < 0 ? -1 : 0;
			search_close(&s);
		}
	}
	free(path);
	return rc;
}

/* Closes the index. */
void
search_close(struct search *s)
{
	if (s->open)
		db_close(&s->db);
	memset(s, 0, sizeof(*s));
}

/* Adds up to max messages of h not yet indexed; returns how many. */
int
search_index(struct search *s, struct history *h, size_t max, struct err *e)
{
	sqlite3_stmt *rd = NULL, *ins = NULL, *mark = NULL;
	int n = -1;
	if (search_purge(s, h, e) < 0)
		return -1;
	if (db_prepare(&h->db, &rd,
		"SELECT id, body, kind IS NULL OR kind = 'edit' FROM messages WHERE id > ?1"
		" ORDER BY id LIMIT ?2",
		e) < 0 ||
	    db_prepare(&s->db, &ins, "INSERT INTO fts (rowid, body) VALUES (?1, ?2)", e) < 0 ||
	    db_prepare(&s->db, &mark,
		"INSERT INTO state (key, value) VALUES ('indexed', ?1)"
		" ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		e) < 0)
		goto out;
	sqlite3_bind_int64(rd, 1, s->indexed);
	sqlite3_bind_int64(rd, 2, (sqlite3_int64)max);
	if (db_begin(&s->db, e) < 0)
		goto out;
	int64_t last = s->indexed;
	int count = 0;
	int rc;
	while ((rc = db_step(&h->db, rd, e)) == SQLITE_ROW) {
		last = sqlite3_column_int64(rd, 0);
		/* Texts only: messages and edits (a hit on an edit shows its message). */
		if (!sqlite3_column_int(rd, 2) || sqlite3_column_bytes(rd, 1) == 0)
			continue;
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, last);
		db_bind_text(ins, 2, (const char *)sqlite3_column_text(rd, 1));
		if (db_step(&s->db, ins, e) != SQLITE_DONE) {
			rc = -1;
			break;
		}
		count++;
	}
	sqlite3_bind_int64(mark, 1, last);
	if (rc < 0 || db_step(&s->db, mark, e) != SQLITE_DONE || db_commit(&s->db, e) < 0) {
		db_rollback(&s->db);
		goto out;
	}
	s->indexed = last;
	n = count;
out:
	sqlite3_finalize(rd);
	sqlite3_finalize(ins);
	sqlite3_finalize(mark);
	return n;
}

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

/* The FTS5 query for text: each word a quoted prefix ("lunch"* "plan"*); NULL for none. */
char *
search_query(const char *text)
{
	struct buf b = {0};
	const char *p = text;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		buf_puts(&b, b.len ? " \"" : "\"");
		for (; *p && *p != ' ' && *p != '\t' && *p != '\n'; p++) {
			if (*p == '"')
				buf_puts(&b, "\"\""); /* a quote inside an FTS5 string is doubled */
			else
				buf_append(&b, p, 1);
		}
		buf_puts(&b, "\"*");
	}
	return b.data;
}

/* Reads message id of h into out (an edit: the message it edits); returns 1, or 0 when gone. */
static int
load_message(struct history *h, int64_t id, struct message *out, struct err *e)
{
	sqlite3_stmt *st;
	if (db_prepare(&h->db, &st,
		"SELECT m.conv, m.sender, m.seq, m.ts, m.body, m.id FROM messages e"
		" JOIN messages m ON m.id = e.id OR (e.kind = 'edit' AND m.conv = e.conv"
		" AND m.sender = e.target_sender AND m.seq = e.target_seq AND m.kind IS NULL)"
		" WHERE e.id = ?1 AND (e.kind IS NULL OR m.id != e.id)",
		e) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = db_step(&h->db, st, e);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 5);
		out->conv = xstrdup((const char *)sqlite3_column_text(st, 0));
		out->sender = xstrdup((const char *)sqlite3_column_text(st, 1));
		out->seq = (uint64_t)sqlite3_column_int64(st, 2);
		out->ts = sqlite3_column_int64(st, 3);
		out->body = xstrdup((const char *)sqlite3_column_text(st, 4));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Runs a query of (history id, number of matches) with ?1 = arg and
 * ?2 = skip, and loads the message of its row from history: 1 when found,
 * 0 when not, -1 on error.
 */
static int
find_one(struct db *db, const char *sql, const char *arg, struct history *h, size_t skip,
    struct message *out, size_t *total, struct err *e)
{
	sqlite3_stmt *st;
	if (db_prepare(db, &st, sql, e) < 0)
		return -1;
	db_bind_text(st, 1, arg);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)skip);
	int step = db_step(db, st, e), rc = step < 0 ? -1 : 0;
	if (step == SQLITE_ROW) {
		*total = (size_t)sqlite3_column_int64(st, 1);
		rc = load_message(h, sqlite3_column_int64(st, 0), out, e);
	}
	sqlite3_finalize(st);
	return rc;
}

/* The skip-th newest match by the FTS5 index. */
static int
find_indexed(struct search *s, struct history *h, const char *text, size_t skip,
    struct message *out, size_t *total, struct err *e)
{
	char *q = search_query(text);
	if (q == NULL)
		return 0;
	int rc = find_one(&s->db,
	    "SELECT rowid, count(*) OVER () FROM fts WHERE fts MATCH ?1"
	    " ORDER BY rowid DESC LIMIT 1 OFFSET ?2",
	    q, h, skip, out, total, e);
	free(q);
	return rc;
}

/* The skip-th newest match by a LIKE over history.db (no index needed). */
static int
find_like(struct history *h, const char *text, size_t skip, struct message *out, size_t *total,
    struct err *e)
{
	char *pat = like_pattern(text);
	int rc = find_one(&h->db,
	    "SELECT id, count(*) OVER () FROM messages WHERE body LIKE ?1 ESCAPE '\\'"
	    " AND (kind IS NULL OR kind = 'edit')"
	    " ORDER BY id DESC LIMIT 1 OFFSET ?2",
	    pat, h, skip, out, total, e);
	free(pat);
	return rc;
}

/* Finds the skip-th newest message matching text. */
int
search_messages(struct search *s, struct history *h, const char *text, size_t skip,
    struct message *out, size_t *total, struct err *e)
{
	memset(out, 0, sizeof(*out));
	*total = 0;
	if (s == NULL || !s->open)
		return find_like(h, text, skip, out, total, e);
	/* A short lag is caught up now, so the index answers for everything. */
	sqlite3_stmt *st;
	int64_t newest = 0;
	if (db_prepare(&h->db, &st, "SELECT coalesce(max(id), 0) FROM messages", e) < 0)
		return -1;
	if (db_step(&h->db, st, e) == SQLITE_ROW)
		newest = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (newest - s->indexed > SEARCH_CATCH_UP)
		return find_like(h, text, skip, out, total, e);
	while (search_index(s, h, 5000, e) > 0)
		;
	return find_indexed(s, h, text, skip, out, total, e);
}
