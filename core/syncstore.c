/* sync.db: messages, vectors as ranges, ledger, cursor, mute and focus. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "syncstore.h"

/* Messages per write transaction: each stays a few milliseconds long. */
#define CHUNK 256

static const char *const migrations[] = {
    /* 1: the whole schema. */
    "CREATE TABLE messages ("
    " conv TEXT NOT NULL, sender TEXT NOT NULL, seq INTEGER NOT NULL,"
    " ts INTEGER NOT NULL, body TEXT NOT NULL,"
    " PRIMARY KEY (conv, sender, seq)) WITHOUT ROWID;"
    /* kind: enum syncstore_set. Disjoint, non-adjacent [lo, hi] per row. */
    "CREATE TABLE ranges ("
    " kind INTEGER NOT NULL, conv TEXT NOT NULL, sender TEXT NOT NULL,"
    " lo INTEGER NOT NULL, hi INTEGER NOT NULL,"
    " PRIMARY KEY (kind, conv, sender, lo)) WITHOUT ROWID;"
    "CREATE TABLE conversations ("
    " id TEXT PRIMARY KEY, title TEXT, members TEXT NOT NULL DEFAULT '',"
    " created INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE TABLE cursors ("
    " origin TEXT PRIMARY KEY, cursor INTEGER NOT NULL,"
    " updated INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE state (key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    "CREATE TABLE muted (conv TEXT PRIMARY KEY, since INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE focus ("
    " id INTEGER PRIMARY KEY CHECK (id = 1), conv TEXT, pid INTEGER,"
    " heartbeat INTEGER NOT NULL);",
    /* 2: timed mutes; until NULL mutes until unmuted. */
    "ALTER TABLE muted ADD COLUMN until INTEGER;",
    /* 3: items (docs/protocol.md, "Items"), as in history.db; body '' when none. */
    "ALTER TABLE messages ADD COLUMN kind TEXT;"
    "ALTER TABLE messages ADD COLUMN target_sender TEXT;"
    "ALTER TABLE messages ADD COLUMN target_seq INTEGER;"
    "ALTER TABLE messages ADD COLUMN action INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE messages ADD COLUMN remove INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE messages ADD COLUMN op TEXT;"
    "ALTER TABLE messages ADD COLUMN users TEXT;",
    /* 4: what acts on a message, for erasing a deleted one's text. */
    "CREATE INDEX messages_target"
    " ON messages (conv, target_sender, target_seq)"
    " WHERE target_sender IS NOT NULL;",
    /* 5: messages the server lost in a restore, as in history.db (core/lost.c). */
    "ALTER TABLE messages ADD COLUMN lost INTEGER NOT NULL DEFAULT 0;",
};

enum {
	ST_INSERT,
	ST_MSGS,
	ST_CONVS,
	ST_CONV_PUT,
	ST_CONV_GET,
	ST_CURSOR_GET,
	ST_CURSOR_SET,
	ST_STATE_GET,
	ST_STATE_SET,
	ST_STATE_DEL,
	ST_MUTE_ADD,
	ST_MUTE_DEL,
	ST_MUTE_GET,
	ST_MUTE_LIST,
	ST_FOCUS_SET,
	ST_FOCUS_DEL,
	ST_FOCUS_GET,
	ST_N,
};

/* The ranges table, for core/ranges.c: kind is enum syncstore_set. */
static const char *const range_sql[RANGE_N] = {
    [RANGE_TOUCHING] = "SELECT lo, hi FROM ranges WHERE kind = :kind AND conv = :conv"
		       " AND sender = :sender AND lo <= :hi + 1 ORDER BY lo DESC",
    [RANGE_SET_HI] = "UPDATE ranges SET hi = :hi WHERE kind = :kind AND conv = :conv"
		     " AND sender = :sender AND lo = :lo",
    [RANGE_DEL] = "DELETE FROM ranges WHERE kind = :kind AND conv = :conv AND sender = :sender"
		  " AND lo = :lo",
    [RANGE_ADD] = "INSERT INTO ranges (kind, conv, sender, lo, hi)"
		  " VALUES (:kind, :conv, :sender, :lo, :hi)",
    [RANGE_VECTOR] = "SELECT sender, lo, hi FROM ranges WHERE kind = :kind AND conv = :conv"
		     " ORDER BY sender, lo",
};

static const char *const sql[ST_N] = {
    [ST_INSERT] = "INSERT INTO messages (conv, sender, seq, ts, body, kind, target_sender,"
		  " target_seq, action, remove, deleted, op, users)"
		  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
		  " ON CONFLICT DO NOTHING",
    [ST_MSGS] = "SELECT seq, ts, body, kind, target_sender, target_seq, action, remove,"
		" deleted, op, users FROM messages WHERE conv = ?1 AND sender = ?2"
		" AND seq BETWEEN ?3 AND ?4 ORDER BY seq",
    [ST_CONVS] = "SELECT c.id, t.title, t.members, t.created FROM"
		 " (SELECT DISTINCT conv AS id FROM ranges WHERE kind = 0"
		 "  UNION SELECT id FROM conversations) AS c"
		 " LEFT JOIN conversations AS t ON t.id = c.id ORDER BY c.id",
    [ST_CONV_PUT] = "INSERT INTO conversations (id, title, members, created)"
		    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO UPDATE SET"
		    " title = coalesce(excluded.title, title), members = excluded.members,"
		    " created = excluded.created"
		    " WHERE coalesce(excluded.title, title) IS NOT title"
		    " OR excluded.members != members OR excluded.created != created",
    [ST_CONV_GET] = "SELECT title, members, created FROM conversations WHERE id = ?1",
    [ST_CURSOR_GET] = "SELECT cursor FROM cursors WHERE origin = ?1",
    [ST_CURSOR_SET] = "INSERT INTO cursors (origin, cursor, updated) VALUES (?1, ?2, ?3)"
		      " ON CONFLICT (origin) DO UPDATE SET cursor = excluded.cursor,"
		      " updated = excluded.updated",
    [ST_STATE_GET] = "SELECT value FROM state WHERE key = ?1",
    [ST_STATE_SET] = "INSERT INTO state (key, value) VALUES (?1, ?2)"
		     " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    [ST_STATE_DEL] = "DELETE FROM state WHERE key = ?1",
    [ST_MUTE_ADD] = "INSERT INTO muted (conv, since, until) VALUES (?1, ?2, ?3)"
		    " ON CONFLICT (conv) DO UPDATE SET until = excluded.until",
    [ST_MUTE_DEL] = "DELETE FROM muted WHERE conv = ?1",
    [ST_MUTE_GET] = "SELECT until FROM muted WHERE conv = ?1 AND (until IS NULL OR until > ?2)",
    [ST_MUTE_LIST] = "SELECT conv FROM muted WHERE until IS NULL OR until > ?1 ORDER BY conv",
    [ST_FOCUS_SET] = "INSERT INTO focus (id, conv, pid, heartbeat) VALUES (1, ?1, ?2, ?3)"
		     " ON CONFLICT (id) DO UPDATE SET conv = excluded.conv,"
		     " pid = excluded.pid, heartbeat = excluded.heartbeat",
    [ST_FOCUS_DEL] = "DELETE FROM focus",
    [ST_FOCUS_GET] = "SELECT conv, heartbeat, pid FROM focus WHERE id = 1",
};

/* Returns the prepared statement i, reset and with bindings cleared. */
static sqlite3_stmt *
stmt(struct syncstore *s, int i)
{
	sqlite3_reset(s->st[i]);
	sqlite3_clear_bindings(s->st[i]);
	return s->st[i];
}

/* Resets a statement so it holds no read transaction open. */
static void
done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

int
syncstore_open(struct syncstore *s, const char *path, int flags, struct err *e)
{
	memset(s, 0, sizeof(*s));
	if (db_open(&s->db, path, migrations, nitems(migrations), flags, e) < 0)
		return -1;
	for (int i = 0; i < ST_N; i++) {
		if (db_prepare(&s->db, &s->st[i], sql[i], e) < 0) {
			syncstore_close(s);
			return -1;
		}
	}
	if (range_table_open(&s->ranges, &s->db, range_sql, e) < 0) {
		syncstore_close(s);
		return -1;
	}
	return 0;
}

void
syncstore_close(struct syncstore *s)
{
	for (size_t i = 0; i < nitems(s->st); i++) {
		if (s->st[i])
			sqlite3_finalize(s->st[i]);
		s->st[i] = NULL;
	}
	range_table_close(&s->ranges);
	if (s->db.h)
		db_close(&s->db);
}

char *
syncstore_origin(const char *url, const char *user)
{
	return xasprintf("%s %s", url, user);
}

/* Runs a statement that returns no rows and resets it. */
static int
run(struct syncstore *s, sqlite3_stmt *st, struct err *e)
{
	int rc = db_step(&s->db, st, e);
	done(st);
	return rc < 0 ? -1 : 0;
}

/* Runs one writing statement in its own short BEGIN IMMEDIATE transaction. */
static int
write1(struct syncstore *s, sqlite3_stmt *st, struct err *e)
{
	if (db_begin(&s->db, e) < 0) {
		done(st);
		return -1;
	}
	if (run(s, st, e) < 0 || db_commit(&s->db, e) < 0) {
		db_rollback(&s->db);
		return -1;
	}
	return 0;
}

/* Adds lo..hi to the set of (kind, conv, sender); inside a write transaction. */
static int
range_add(struct syncstore *s, int kind, const char *conv, const char *sender, uint64_t lo,
    uint64_t hi, struct err *e)
{
	struct range_key k = {kind, conv, sender};
	return range_table_add(&s->ranges, &k, lo, hi, e);
}

/* A copy of text column i, NULL for NULL. */
static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);
	return v != NULL ? xstrdup((const char *)v) : NULL;
}

/* Binds m's item fields (kind .. users) from parameter i on. */
static void
bind_item(sqlite3_stmt *st, int i, const struct message *m)
{
	db_bind_text(st, i, message_kind(m) == ITEM_MESSAGE ? NULL : m->kind);
	db_bind_text(st, i + 1, m->target_sender);
	if (m->target_sender != NULL)
		sqlite3_bind_int64(st, i + 2, (sqlite3_int64)m->target_seq);
	sqlite3_bind_int(st, i + 3, m->action);
	sqlite3_bind_int(st, i + 4, m->remove);
	sqlite3_bind_int(st, i + 5, m->deleted);
	db_bind_text(st, i + 6, m->op);
	db_bind_text(st, i + 7, m->users);
}

/* Reads m's item fields (kind .. users) from column i on. */
static void
item_columns(sqlite3_stmt *st, int i, struct message *m)
{
	m->kind = col_dup(st, i);
	m->target_sender = col_dup(st, i + 1);
	m->target_seq = (uint64_t)sqlite3_column_int64(st, i + 2);
	m->action = sqlite3_column_int(st, i + 3) != 0;
	m->remove = sqlite3_column_int(st, i + 4) != 0;
	m->deleted = sqlite3_column_int(st, i + 5) != 0;
	m->op = col_dup(st, i + 6);
	m->users = col_dup(st, i + 7);
}

/* Checks the fields of a message before it is stored. */
static int
msg_check(const struct message *m, struct err *e)
{
	if (!m->conv || !*m->conv || !m->sender || !*m->sender || !m->body)
		return err_set(e, ERR_PROTOCOL, "a message without conversation, sender or body");
	if (m->seq < 1 || m->seq > SEQ_MAX)
		return err_set(e, ERR_PROTOCOL, "a message with sequence number %llu",
		    (unsigned long long)m->seq);
	return 0;
}

/*
 * Erases the text of (sender, seq) of conv and of its edits when the
 * sender's delete of it is held (secure_delete zeroes the old bytes).
 * *erased when something was.
 */
static int
erase_if_deleted(struct syncstore *s, const char *conv, const char *sender, uint64_t seq,
    bool *erased, struct err *e)
{
	int held = 0, changed = 0;
	if (db_run_target(&s->db,
		"SELECT 1 FROM messages WHERE conv = ?1 AND target_sender = ?2 AND target_seq = ?3"
		" AND kind = 'delete' AND sender = ?2",
		conv, sender, seq, &held, e) < 0)
		return -1;
	if (held &&
	    db_run_target(&s->db,
		"UPDATE messages SET body = '', deleted = 1 WHERE conv = ?1 AND (deleted = 0"
		" OR body != '') AND ((sender = ?2 AND seq = ?3 AND kind IS NULL)"
		" OR (target_sender = ?2 AND target_seq = ?3 AND kind = 'edit' AND sender = ?2))",
		conv, sender, seq, &changed, e) < 0)
		return -1;
	*erased = *erased || changed > 0;
	return 0;
}

/* Inserts m[0..n) in one transaction. */
static int
insert_chunk(struct syncstore *s, const struct message *m, size_t n, bool *added, size_t *nadded,
    struct err *e)
{
	bool erased = false;
	if (db_begin(&s->db, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = stmt(s, ST_INSERT);
		db_bind_text(st, 1, m[i].conv);
		db_bind_text(st, 2, m[i].sender);
		sqlite3_bind_int64(st, 3, (int64_t)m[i].seq);
		sqlite3_bind_int64(st, 4, m[i].ts);
		db_bind_text(st, 5, m[i].body);
		bind_item(st, 6, &m[i]);
		if (run(s, st, e) < 0)
			goto fail;
		bool isnew = sqlite3_changes(s->db.h) > 0;
		if (isnew &&
		    range_add(s, SYNC_HELD, m[i].conv, m[i].sender, m[i].seq, m[i].seq, e) < 0)
			goto fail;
		if (added)
			added[i] = isnew;
		if (isnew)
			(*nadded)++;
		enum item_kind k = message_kind(&m[i]);
		if (isnew && (k == ITEM_DELETE || k == ITEM_EDIT) &&
		    erase_if_deleted(
			s, m[i].conv, m[i].target_sender, m[i].target_seq, &erased, e) < 0)
			goto fail;
	}
	if (db_commit(&s->db, e) < 0)
		goto fail;
	if (erased) {
		/* No copy of the erased text may stay in the WAL. */
		struct err ignored;
		db_exec(&s->db, "PRAGMA wal_checkpoint(TRUNCATE)", &ignored);
	}
	return 0;
fail:
	db_rollback(&s->db);
	return -1;
}

int
syncstore_insert(struct syncstore *s, const struct message *m, size_t n, bool *added,
    size_t *nadded, struct err *e)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (msg_check(&m[i], e) < 0)
			return -1;
	for (size_t i = 0; i < n; i += CHUNK) {
		size_t k = n - i < CHUNK ? n - i : CHUNK;
		size_t before = count;
		if (insert_chunk(s, m + i, k, added ? added + i : NULL, &count, e) < 0) {
			/* A rolled-back chunk added nothing. */
			count = before;
			if (nadded)
				*nadded = count;
			return -1;
		}
	}
	if (nadded)
		*nadded = count;
	return 0;
}

int
syncstore_set_vector(struct syncstore *s, enum syncstore_set set, const char *conv,
    struct vector *out, struct err *e)
{
	return range_table_vector(&s->ranges, (int)set, conv, out, e);
}

int
syncstore_vector(struct syncstore *s, const char *conv, struct vector *out, struct err *e)
{
	return syncstore_set_vector(s, SYNC_HELD, conv, out, e);
}

/* Splits "a,b,c" into a new array of names. */
static void
members_parse(const char *text, struct conversation *c)
{
	c->members = NULL;
	c->nmembers = 0;
	if (!text || !*text)
		return;
	size_t n = 1;
	for (const char *p = text; *p; p++)
		n += *p == ',';
	c->members = xcalloc(n, sizeof(*c->members));
	const char *p = text;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		c->members[c->nmembers++] = xstrndup(p, len);
		if (!comma)
			break;
		p = comma + 1;
	}
}

/* Fills c's title, members and created from columns i, i+1, i+2 of st. */
static void
conv_columns(sqlite3_stmt *st, int i, struct conversation *c)
{
	const char *title = (const char *)sqlite3_column_text(st, i);
	c->title = title ? xstrdup(title) : NULL;
	members_parse((const char *)sqlite3_column_text(st, i + 1), c);
	c->created = sqlite3_column_int64(st, i + 2);
}

int
syncstore_conversations(struct syncstore *s, struct conversation_list *out, struct err *e)
{
	sqlite3_stmt *st = stmt(s, ST_CONVS);
	int rc;
	while ((rc = db_step(&s->db, st, e)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (!id)
			continue;
		struct conversation *c = conversation_list_push(out);
		c->id = xstrdup(id);
		conv_columns(st, 1, c);
	}
	done(st);
	return rc < 0 ? -1 : 0;
}

/* Orders messages by (ts, sender, seq). */
static int
msg_cmp(const void *a, const void *b)
{
	const struct message *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	int c = strcmp(x->sender, y->sender);
	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int
syncstore_messages(struct syncstore *s, const char *conv, const struct vector *want,
    struct message_list *out, struct err *e)
{
	size_t first = out->n;
	int rc = 0;
	/* One snapshot for all ranges; a deferred BEGIN only reads. */
	if (db_exec(&s->db, "BEGIN", e) < 0)
		return -1;
	for (size_t r = 0; r < want->n && rc >= 0; r++) {
		const struct vector_row *row = &want->rows[r];
		for (size_t k = 0; k < row->set.n && rc >= 0; k++) {
			sqlite3_stmt *st = stmt(s, ST_MSGS);
			db_bind_text(st, 1, conv);
			db_bind_text(st, 2, row->sender);
			sqlite3_bind_int64(st, 3, (int64_t)row->set.r[k].lo);
			sqlite3_bind_int64(st, 4, (int64_t)row->set.r[k].hi);
			while ((rc = db_step(&s->db, st, e)) == SQLITE_ROW) {
				struct message *m = message_list_push(out);
				const char *body = (const char *)sqlite3_column_text(st, 2);
				m->conv = xstrdup(conv);
				m->sender = xstrdup(row->sender);
				m->seq = (uint64_t)sqlite3_column_int64(st, 0);
				m->ts = sqlite3_column_int64(st, 1);
				m->body = xstrdup(body ? body : "");
				item_columns(st, 3, m);
			}
			done(st);
		}
	}
	struct err ignored;
	db_exec(&s->db, "COMMIT", &ignored);
	if (rc < 0)
		return -1;
	qsort(out->v + first, out->n - first, sizeof(*out->v), msg_cmp);
	return 0;
}

int
syncstore_put_conversation(struct syncstore *s, const struct conversation *c, struct err *e)
{
	return syncstore_put_conversations(s, c, 1, e);
}

/* Caches several conversations in one transaction; unchanged rows are not rewritten. */
int
syncstore_put_conversations(
    struct syncstore *s, const struct conversation *v, size_t n, struct err *e)
{
	if (n == 0)
		return 0;
	if (db_begin(&s->db, e) < 0)
		return -1;
	for (size_t k = 0; k < n; k++) {
		struct buf members = {0};
		for (size_t i = 0; i < v[k].nmembers; i++) {
			if (i)
				buf_puts(&members, ",");
			buf_puts(&members, v[k].members[i]);
		}
		sqlite3_stmt *st = stmt(s, ST_CONV_PUT);
		db_bind_text(st, 1, v[k].id);
		db_bind_text(st, 2, v[k].title);
		db_bind_text(st, 3, members.data ? members.data : "");
		sqlite3_bind_int64(st, 4, v[k].created);
		int rc = run(s, st, e);
		buf_free(&members);
		if (rc < 0) {
			db_rollback(&s->db);
			return -1;
		}
	}
	return db_commit(&s->db, e);
}

int
syncstore_get_conversation(
    struct syncstore *s, const char *id, struct conversation *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st = stmt(s, ST_CONV_GET);
	db_bind_text(st, 1, id);
	int rc = db_step(&s->db, st, e);
	if (rc == SQLITE_ROW) {
		out->id = xstrdup(id);
		conv_columns(st, 0, out);
	}
	done(st);
	return rc < 0 ? -1 : rc == SQLITE_ROW;
}

int
syncstore_get_cursor(struct syncstore *s, const char *origin, int64_t *cursor, struct err *e)
{
	sqlite3_stmt *st = stmt(s, ST_CURSOR_GET);
	db_bind_text(st, 1, origin);
	int rc = db_step(&s->db, st, e);
	if (rc == SQLITE_ROW)
		*cursor = sqlite3_column_int64(st, 0);
	done(st);
	return rc < 0 ? -1 : rc == SQLITE_ROW;
}

int
syncstore_set_cursor(struct syncstore *s, const char *origin, int64_t cursor, struct err *e)
{
	sqlite3_stmt *st = stmt(s, ST_CURSOR_SET);
	db_bind_text(st, 1, origin);
	sqlite3_bind_int64(st, 2, cursor);
	sqlite3_bind_int64(st, 3, now_ms());
	return write1(s, st, e);
}

int
syncstore_set_gap(struct syncstore *s, struct err *e)
{
	int64_t since;
	if (syncstore_get_gap(s, &since, e) < 0)
		return -1;
	if (since)
		return 0;
	sqlite3_stmt *st = stmt(s, ST_STATE_SET);
	db_bind_text(st, 1, "gap");
	sqlite3_bind_int64(st, 2, now_ms());
	return write1(s, st, e);
}

int
syncstore_get_gap(struct syncstore *s, int64_t *since, struct err *e)
{
	sqlite3_stmt *st = stmt(s, ST_STATE_GET);
	db_bind_text(st, 1, "gap");
	int rc = db_step(&s->db, st, e);
	*since = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	done(st);
	return rc < 0 ? -1 : 0;
}

int
syncstore_clear_gap(struct syncstore *s, struct err *e)
{
	sqlite3_stmt *st = stmt(s, ST_STATE_DEL);
	db_bind_text(st, 1, "gap");
	return write1(s, st, e);
}

int
syncstore_set_muted(struct syncstore *s, const char *conv, bool muted, struct err *e)
{
	if (muted)
		return syncstore_mute_until(s, conv, 0, e);
	sqlite3_stmt *st = stmt(s, ST_MUTE_DEL);
	db_bind_text(st, 1, conv);
	return write1(s, st, e);
}

int
syncstore_mute_until(struct syncstore *s, const char *conv, int64_t until_ms, struct err *e)
{
	sqlite3_stmt *st = stmt(s, ST_MUTE_ADD);
	db_bind_text(st, 1, conv);
	sqlite3_bind_int64(st, 2, now_ms());
	if (until_ms > 0)
		sqlite3_bind_int64(st, 3, until_ms);
	return write1(s, st, e);
}

int
syncstore_muted(struct syncstore *s, const char *conv, int64_t *until_ms, struct err *e)
{
	sqlite3_stmt *st = stmt(s, ST_MUTE_GET);
	db_bind_text(st, 1, conv);
	sqlite3_bind_int64(st, 2, now_ms());
	int rc = db_step(&s->db, st, e);
	int yes = rc == SQLITE_ROW;
	if (until_ms)
		*until_ms = yes ? sqlite3_column_int64(st, 0) : 0;
	done(st);
	return rc < 0 ? -1 : yes;
}

int
syncstore_is_muted(struct syncstore *s, const char *conv, bool *muted, struct err *e)
{
	int rc = syncstore_muted(s, conv, NULL, e);
	*muted = rc == 1;
	return rc < 0 ? -1 : 0;
}

int
syncstore_muted_list(struct syncstore *s, char ***convs, size_t *n, struct err *e)
{
	sqlite3_stmt *st = stmt(s, ST_MUTE_LIST);
	sqlite3_bind_int64(st, 1, now_ms());
	*convs = NULL;
	*n = 0;
	int rc;
	while ((rc = db_step(&s->db, st, e)) == SQLITE_ROW) {
		*convs = xreallocarray(*convs, *n + 1, sizeof(**convs));
		(*convs)[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	done(st);
	return rc < 0 ? -1 : 0;
}

int
syncstore_set_dnd(struct syncstore *s, int64_t until_ms, struct err *e)
{
	sqlite3_stmt *st;
	if (until_ms < 0) {
		st = stmt(s, ST_STATE_DEL);
		db_bind_text(st, 1, "dnd");
	} else {
		st = stmt(s, ST_STATE_SET);
		db_bind_text(st, 1, "dnd");
		sqlite3_bind_int64(st, 2, until_ms);
	}
	return write1(s, st, e);
}

int
syncstore_get_dnd(struct syncstore *s, int64_t *until_ms, struct err *e)
{
	sqlite3_stmt *st = stmt(s, ST_STATE_GET);
	db_bind_text(st, 1, "dnd");
	int rc = db_step(&s->db, st, e);
	int64_t until = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	done(st);
	if (rc < 0)
		return -1;
	*until_ms = until;
	/* A do-not-disturb that ended by itself is off. */
	return until == 0 || until > now_ms();
}

int
syncstore_set_state(struct syncstore *s, const char *key, int64_t v, struct err *e)
{
	sqlite3_stmt *st = stmt(s, ST_STATE_SET);
	db_bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, v);
	return write1(s, st, e);
}

int
syncstore_get_state(struct syncstore *s, const char *key, int64_t *v, struct err *e)
{
	sqlite3_stmt *st = stmt(s, ST_STATE_GET);
	db_bind_text(st, 1, key);
	int rc = db_step(&s->db, st, e);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	done(st);
	return rc < 0 ? -1 : rc == SQLITE_ROW;
}

int
syncstore_mark_announced(struct syncstore *s, const struct message *m, size_t n, struct err *e)
{
	if (!n)
		return 0;
	if (db_begin(&s->db, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (range_add(s, SYNC_ANNOUNCED, m[i].conv, m[i].sender, m[i].seq, m[i].seq, e) <
		    0) {
			db_rollback(&s->db);
			return -1;
		}
	}
	if (db_commit(&s->db, e) < 0) {
		db_rollback(&s->db);
		return -1;
	}
	return 0;
}

int
syncstore_mark_shown(struct syncstore *s, const char *conv, const struct vector *v, struct err *e)
{
	if (db_begin(&s->db, e) < 0)
		return -1;
	for (size_t r = 0; r < v->n; r++) {
		for (size_t k = 0; k < v->rows[r].set.n; k++) {
			const struct range *rg = &v->rows[r].set.r[k];
			if (range_add(s, SYNC_SHOWN, conv, v->rows[r].sender, rg->lo, rg->hi, e) <
			    0) {
				db_rollback(&s->db);
				return -1;
			}
		}
	}
	if (db_commit(&s->db, e) < 0) {
		db_rollback(&s->db);
		return -1;
	}
	return 0;
}

/* *in = seq is in the ranges of kind for (conv, sender). */
static int
range_has(struct syncstore *s, int kind, const char *conv, const char *sender, uint64_t seq,
    bool *in, struct err *e)
{
	struct range_key k = {kind, conv, sender};
	return range_table_contains(&s->ranges, &k, seq, in, e);
}

int
syncstore_was_notified(struct syncstore *s, const char *conv, const char *sender, uint64_t seq,
    bool *yes, struct err *e)
{
	if (range_has(s, SYNC_ANNOUNCED, conv, sender, seq, yes, e) < 0)
		return -1;
	if (*yes)
		return 0;
	return range_has(s, SYNC_SHOWN, conv, sender, seq, yes, e);
}

int
syncstore_set_focus(struct syncstore *s, const char *conv, struct err *e)
{
	sqlite3_stmt *st = stmt(s, ST_FOCUS_SET);
	db_bind_text(st, 1, conv);
	sqlite3_bind_int64(st, 2, (int64_t)getpid());
	sqlite3_bind_int64(st, 3, now_ms());
	return write1(s, st, e);
}

int
syncstore_clear_focus(struct syncstore *s, struct err *e)
{
	return write1(s, stmt(s, ST_FOCUS_DEL), e);
}

int
syncstore_get_focus(
    struct syncstore *s, int64_t max_age_ms, char **conv, int64_t *pid, struct err *e)
{
	*conv = NULL;
	if (pid)
		*pid = 0;
	sqlite3_stmt *st = stmt(s, ST_FOCUS_GET);
	int rc = db_step(&s->db, st, e);
	if (rc == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 0);
		int64_t age = now_ms() - sqlite3_column_int64(st, 1);
		if (c && age <= max_age_ms) {
			*conv = xstrdup(c);
			if (pid)
				*pid = sqlite3_column_int64(st, 2);
		}
	}
	done(st);
	return rc < 0 ? -1 : 0;
}
