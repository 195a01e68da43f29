/* history.db: messages, range vectors, conversations, outbox (read marks: readmark.c). */
#include "history.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

static const char *const migrations[] = {
    /* 1: the whole first schema. */
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL,"
    "  created INTEGER NOT NULL DEFAULT 0,"
    "  read_ts INTEGER NOT NULL DEFAULT 0, read_id INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE members (conv TEXT NOT NULL, user TEXT NOT NULL,"
    "  PRIMARY KEY (conv, user)) WITHOUT ROWID;"
    "CREATE TABLE messages (id INTEGER PRIMARY KEY, conv TEXT NOT NULL,"
    "  sender TEXT NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL,"
    "  body TEXT NOT NULL, UNIQUE (conv, sender, seq));"
    "CREATE INDEX messages_by_time ON messages (conv, ts);"
    "CREATE TABLE ranges (conv TEXT NOT NULL, sender TEXT NOT NULL,"
    "  lo INTEGER NOT NULL, hi INTEGER NOT NULL,"
    "  PRIMARY KEY (conv, sender, lo)) WITHOUT ROWID;"
    "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, conv TEXT NOT NULL,"
    "  client_id TEXT NOT NULL UNIQUE, body TEXT NOT NULL, created INTEGER NOT NULL);",
    /*
     * 2: read state as per-sender marks (core/readmark.c); `sent` is the
     * mark the server has. The old read position becomes marks.
     */
    "CREATE TABLE reads (conv TEXT NOT NULL, sender TEXT NOT NULL, seq INTEGER NOT NULL,"
    "  sent INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (conv, sender)) WITHOUT ROWID;"
    "INSERT INTO reads (conv, sender, seq) SELECT m.conv, m.sender, max(m.seq)"
    "  FROM messages m JOIN conversations c ON c.id = m.conv"
    "  WHERE (m.ts, m.id) <= (c.read_ts, c.read_id) GROUP BY m.conv, m.sender;",
    /*
     * 3: items (docs/protocol.md, "Items"): kind NULL is a text message;
     * body '' when an item has none or its text was erased. The index
     * finds what acts on a message; the outbox queues items too.
     */
    "ALTER TABLE messages ADD COLUMN kind TEXT;"
    "ALTER TABLE messages ADD COLUMN target_sender TEXT;"
    "ALTER TABLE messages ADD COLUMN target_seq INTEGER;"
    "ALTER TABLE messages ADD COLUMN action INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE messages ADD COLUMN remove INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE messages ADD COLUMN op TEXT;"
    "ALTER TABLE messages ADD COLUMN users TEXT;"
    "CREATE INDEX messages_target ON messages (conv, target_sender, target_seq)"
    "  WHERE target_sender IS NOT NULL;"
    "ALTER TABLE outbox ADD COLUMN kind TEXT;"
    "ALTER TABLE outbox ADD COLUMN target_sender TEXT;"
    "ALTER TABLE outbox ADD COLUMN target_seq INTEGER;"
    "ALTER TABLE outbox ADD COLUMN action INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE outbox ADD COLUMN remove INTEGER NOT NULL DEFAULT 0;",
    /* 4: where the user stands in each conversation (0 member, 1 invited, 2 left). */
    "ALTER TABLE conversations ADD COLUMN state INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE conversations ADD COLUMN inviter TEXT;"
    "ALTER TABLE conversations ADD COLUMN direct INTEGER NOT NULL DEFAULT 0;",
    /*
     * 5: messages the server lost in a restore (core/history-epoch.c): lost
     * is the seq they had, seq a negative number out of the way of the
     * seqs the server gives again; they are in no range.
     */
    "ALTER TABLE messages ADD COLUMN lost INTEGER NOT NULL DEFAULT 0;",
};

/* The item columns of messages, in the order history_bind_item and item_columns use. */
#define ITEM_COLS "kind, target_sender, target_seq, action, remove, deleted, op, users"

/* The SQL of the ranges table, for core/ranges.c. */
static const char *const range_sql[RANGE_N] = {
    [RANGE_TOUCHING] = "SELECT lo, hi FROM ranges WHERE conv = :conv AND sender = :sender"
		       " AND lo <= :hi + 1 ORDER BY lo DESC",
    [RANGE_SET_HI] = "UPDATE ranges SET hi = :hi WHERE conv = :conv AND sender = :sender"
		     " AND lo = :lo",
    [RANGE_DEL] = "DELETE FROM ranges WHERE conv = :conv AND sender = :sender AND lo = :lo",
    [RANGE_ADD] = "INSERT INTO ranges (conv, sender, lo, hi) VALUES (:conv, :sender, :lo, :hi)",
    [RANGE_VECTOR] = "SELECT sender, lo, hi FROM ranges WHERE conv = :conv ORDER BY sender, lo",
};

/* Prepares the statements of the insert path. */
static int
prepare_all(struct history *h, struct err *e)
{
	if (db_prepare(&h->db, &h->ins_msg,
		"INSERT INTO messages (conv, sender, seq, ts, body, " ITEM_COLS ")"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
		" ON CONFLICT DO NOTHING",
		e) < 0 ||
	    range_table_open(&h->ranges, &h->db, range_sql, e) < 0)
		return -1;
	return 0;
}

/* Opens with the given db flags. */
static int
open_with(struct history *h, const char *path, int flags, struct err *e)
{
	memset(h, 0, sizeof(*h));
	if (db_open(&h->db, path, migrations, nitems(migrations), flags, e) < 0)
		return -1;
	if (prepare_all(h, e) < 0) {
		history_close(h);
		return -1;
	}
	return 0;
}

/* Opens history.db at path. */
int
history_open(struct history *h, const char *path, struct err *e)
{
	return open_with(h, path, 0, e);
}

/* Opens a private in-memory history. */
int
history_open_memory(struct history *h, struct err *e)
{
	return open_with(h, ":memory:", DB_MEMORY, e);
}

/* Finalizes statements and closes the database. */
void
history_close(struct history *h)
{
	sqlite3_finalize(h->ins_msg);
	h->ins_msg = NULL;
	range_table_close(&h->ranges);
	if (h->db.h != NULL)
		db_close(&h->db);
}

/* Returns a copy of column i as text (NULL stays NULL). */
static char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? xstrdup((const char *)s) : NULL;
}

/* Binds m's item fields (ITEM_COLS) from parameter i on. */
void
history_bind_item(sqlite3_stmt *st, int i, const struct message *m)
{
	db_bind_text(st, i, message_kind(m) == ITEM_MESSAGE ? NULL : m->kind);
	db_bind_text(st, i + 1, m->target_sender);
	if (m->target_sender != NULL)
		sqlite3_bind_int64(st, i + 2, (sqlite3_int64)m->target_seq);
	else
		sqlite3_bind_null(st, i + 2);
	sqlite3_bind_int(st, i + 3, m->action);
	sqlite3_bind_int(st, i + 4, m->remove);
	sqlite3_bind_int(st, i + 5, m->deleted);
	db_bind_text(st, i + 6, m->op);
	db_bind_text(st, i + 7, m->users);
}

/* Reads m's item fields (ITEM_COLS) from column i on. */
void
history_item_columns(sqlite3_stmt *st, int i, struct message *m)
{
	m->kind = col_text(st, i);
	m->target_sender = col_text(st, i + 1);
	m->target_seq = (uint64_t)sqlite3_column_int64(st, i + 2);
	m->action = sqlite3_column_int(st, i + 3) != 0;
	m->remove = sqlite3_column_int(st, i + 4) != 0;
	m->deleted = sqlite3_column_int(st, i + 5) != 0;
	m->op = col_text(st, i + 6);
	m->users = col_text(st, i + 7);
}

/* Reads one meta value. */
char *
history_meta_get(struct history *h, const char *key, struct err *e)
{
	sqlite3_stmt *st;
	if (db_prepare(&h->db, &st, "SELECT value FROM meta WHERE key = ?1", e) < 0)
		return NULL;
	db_bind_text(st, 1, key);
	char *v = NULL;
	if (db_step(&h->db, st, e) == SQLITE_ROW)
		v = col_text(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Writes one meta value. */
int
history_meta_set(struct history *h, const char *key, const char *value, struct err *e)
{
	sqlite3_stmt *st;
	if (db_prepare(&h->db, &st,
		"INSERT INTO meta (key, value) VALUES (?1, ?2)"
		" ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		e) < 0)
		return -1;
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, value);
	int rc = db_step(&h->db, st, e);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Reads the (server, user) the store belongs to. */
int
history_identity(struct history *h, char **server, char **user, struct err *e)
{
	struct err e2 = {0};
	*server = history_meta_get(h, "server", &e2);
	*user = e2.kind ? NULL : history_meta_get(h, "user", &e2);
	if (e2.kind) {
		free(*server);
		*server = NULL;
		if (e != NULL)
			*e = e2;
		return -1;
	}
	return 0;
}

/* Binds the store to (server, user), or refuses another pair. */
int
history_bind(
    struct history *h, const char *server, const char *user, const char *dir, struct err *e)
{
	char *s, *u;
	if (history_identity(h, &s, &u, e) < 0)
		return -1;
	int ret = 0;
	if (s != NULL && u != NULL) {
		if (strcmp(s, server) != 0 || strcmp(u, user) != 0)
			ret = err_set(e, ERR_USAGE,
			    "the data directory %s holds the history of %s at %s, not of %s at %s;"
			    " use -D DIR to keep another account's data elsewhere",
			    dir ? dir : "", u, s, user, server);
	} else if (db_begin(&h->db, e) < 0)
		ret = -1;
	else if (history_meta_set(h, "server", server, e) < 0 ||
	    history_meta_set(h, "user", user, e) < 0) {
		db_rollback(&h->db);
		ret = -1;
	} else
		ret = db_commit(&h->db, e);
	free(s);
	free(u);
	return ret;
}

/* True when user is one of c's members. */
static bool
is_member(const struct conversation *c, const char *user)
{
	for (size_t i = 0; i < c->nmembers; i++)
		if (strcmp(c->members[i], user) == 0)
			return true;
	return false;
}

/* Deletes the member rows of c that c no longer lists; rows kept are not written. */
static int
drop_old_members(struct history *h, const struct conversation *c, struct err *e)
{
	sqlite3_stmt *st, *del;
	if (db_prepare(&h->db, &st, "SELECT user FROM members WHERE conv = ?1", e) < 0)
		return -1;
	if (db_prepare(&h->db, &del, "DELETE FROM members WHERE conv = ?1 AND user = ?2", e) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	db_bind_text(st, 1, c->id);
	int rc;
	while ((rc = db_step(&h->db, st, e)) == SQLITE_ROW) {
		const char *user = (const char *)sqlite3_column_text(st, 0);
		if (user == NULL || is_member(c, user))
			continue;
		sqlite3_reset(del);
		db_bind_text(del, 1, c->id);
		db_bind_text(del, 2, user);
		if (db_step(&h->db, del, e) != SQLITE_DONE) {
			rc = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(del);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Writes one conversation and its members (in the caller's transaction).
 * What is unchanged is not rewritten: a launch that learns nothing new
 * writes no page.
 */
static int
put_conv(struct history *h, const struct conversation *c, struct err *e)
{
	sqlite3_stmt *st;
	if (db_prepare(&h->db, &st,
		"INSERT INTO conversations (id, title, created) VALUES (?1, ?2, ?3)"
		" ON CONFLICT (id) DO UPDATE SET title = excluded.title,"
		" created = CASE WHEN excluded.created > 0 THEN excluded.created ELSE created END"
		" WHERE title IS NOT excluded.title"
		" OR (excluded.created > 0 AND created IS NOT excluded.created)",
		e) < 0)
		return -1;
	db_bind_text(st, 1, c->id);
	db_bind_text(st, 2, c->title);
	sqlite3_bind_int64(st, 3, c->created);
	int rc = db_step(&h->db, st, e);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (c->has_state) {
		if (db_prepare(&h->db, &st,
			"UPDATE conversations SET state = ?2, inviter = ?3, direct = ?4 WHERE id = "
			"?1",
			e) < 0)
			return -1;
		db_bind_text(st, 1, c->id);
		sqlite3_bind_int(st, 2, (int)c->state);
		if (c->inviter != NULL)
			db_bind_text(st, 3, c->inviter);
		sqlite3_bind_int(st, 4, c->direct);
		rc = db_step(&h->db, st, e);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return -1;
		/* A departure's event names no members: keep those last known. */
		if (c->state == CONV_LEFT)
			return 0;
	}
	if (drop_old_members(h, c, e) < 0)
		return -1;
	if (db_prepare(&h->db, &st,
		"INSERT INTO members (conv, user) VALUES (?1, ?2) ON CONFLICT DO NOTHING", e) < 0)
		return -1;
	for (size_t i = 0; i < c->nmembers; i++) {
		sqlite3_reset(st);
		db_bind_text(st, 1, c->id);
		db_bind_text(st, 2, c->members[i]);
		if (db_step(&h->db, st, e) != SQLITE_DONE) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return 0;
}

/* Inserts or updates conversations in one transaction. */
int
history_put_convs(struct history *h, const struct conversation *v, size_t n, struct err *e)
{
	if (n == 0)
		return 0;
	if (db_begin(&h->db, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (put_conv(h, &v[i], e) < 0) {
			db_rollback(&h->db);
			return -1;
		}
	}
	return db_commit(&h->db, e);
}

/* Sets where the user stands in a known conversation (after leave, decline). */
int
history_set_conv_state(struct history *h, const char *id, enum conv_state state, struct err *e)
{
	sqlite3_stmt *st;
	if (db_prepare(&h->db, &st, "UPDATE conversations SET state = ?2 WHERE id = ?1", e) < 0)
		return -1;
	db_bind_text(st, 1, id);
	sqlite3_bind_int(st, 2, (int)state);
	int rc = db_step(&h->db, st, e);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Where the user stands in a conversation, with its title (allocated); 1 when unknown. */
int
history_conv_state(
    struct history *h, const char *id, enum conv_state *state, char **title, struct err *e)
{
	sqlite3_stmt *st;
	if (db_prepare(&h->db, &st, "SELECT state, title FROM conversations WHERE id = ?1", e) < 0)
		return -1;
	db_bind_text(st, 1, id);
	int rc = db_step(&h->db, st, e);
	if (rc == SQLITE_ROW) {
		*state = (enum conv_state)sqlite3_column_int(st, 0);
		if (title != NULL)
			*title = col_text(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* Counts the known conversations. */
int
history_count_convs(struct history *h, size_t *n, struct err *e)
{
	sqlite3_stmt *st;
	*n = 0;
	if (db_prepare(&h->db, &st, "SELECT count(*) FROM conversations", e) < 0)
		return -1;
	int rc = db_step(&h->db, st, e);
	if (rc == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Lists conversations with their members and counts. */
int
history_list_convs(
    struct history *h, const char *me, struct conversation **out, size_t *nout, struct err *e)
{
	*out = NULL;
	*nout = 0;
	sqlite3_stmt *st, *mem;
	if (db_prepare(&h->db, &st,
		"SELECT c.id, c.title, c.created,"
		" (SELECT coalesce(sum(hi - lo + 1), 0) FROM ranges r WHERE r.conv = c.id),"
		" (SELECT count(*) FROM (SELECT 1 FROM (SELECT DISTINCT sender FROM ranges"
		"   WHERE conv = c.id AND sender != ?1) s JOIN messages m ON m.conv = c.id"
		"   AND m.sender = s.sender AND m.seq > coalesce((SELECT seq FROM reads r"
		"   WHERE r.conv = c.id AND r.sender = s.sender), 0)"
		"   AND (m.kind IS NULL OR m.kind IN ('member', 'title')) LIMIT ?2)),"
		" (SELECT max(ts) FROM messages m WHERE m.conv = c.id),"
		" c.state, c.inviter, c.direct"
		" FROM conversations c"
		/* A conversation left of which nothing is held (a declined invitation) is gone. */
		" WHERE c.state != 2 OR EXISTS (SELECT 1 FROM ranges r WHERE r.conv = c.id)"
		" ORDER BY c.created, c.id",
		e) < 0)
		return -1;
	if (db_prepare(&h->db, &mem, "SELECT user FROM members WHERE conv = ?1 ORDER BY user", e) <
	    0) {
		sqlite3_finalize(st);
		return -1;
	}
	db_bind_text(st, 1, me ? me : "");
	sqlite3_bind_int(st, 2, HISTORY_UNREAD_CAP);
	struct conversation_list l = {0};
	int rc;
	while ((rc = db_step(&h->db, st, e)) == SQLITE_ROW) {
		struct conversation *c = conversation_list_push(&l);
		c->id = col_text(st, 0);
		c->title = col_text(st, 1);
		c->created = sqlite3_column_int64(st, 2);
		c->messages = (uint64_t)sqlite3_column_int64(st, 3);
		c->unread = (uint64_t)sqlite3_column_int64(st, 4);
		c->last_ts = sqlite3_column_int64(st, 5);
		c->has_state = true;
		c->state = (enum conv_state)sqlite3_column_int(st, 6);
		c->inviter = sqlite3_column_type(st, 7) == SQLITE_NULL ? NULL : col_text(st, 7);
		c->direct = sqlite3_column_int(st, 8) != 0;
		sqlite3_reset(mem);
		db_bind_text(mem, 1, c->id);
		size_t mcap = 0;
		int mrc;
		while ((mrc = db_step(&h->db, mem, e)) == SQLITE_ROW) {
			if (c->nmembers == mcap) {
				mcap = mcap ? mcap * 2 : 4;
				c->members = xreallocarray(c->members, mcap, sizeof(char *));
			}
			c->members[c->nmembers++] = col_text(mem, 0);
		}
		if (mrc < 0) {
			rc = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(mem);
	if (rc < 0) {
		conversation_list_free(&l);
		return -1;
	}
	*out = l.v;
	*nout = l.n;
	return 0;
}

/* True when the conversation is known. */
bool
history_has_conv(struct history *h, const char *id)
{
	sqlite3_stmt *st;
	if (db_prepare(&h->db, &st, "SELECT 1 FROM conversations WHERE id = ?1", NULL) < 0)
		return false;
	db_bind_text(st, 1, id);
	bool found = db_step(&h->db, st, NULL) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* Lists the candidates of an ambiguous name: "id (title: members)", comma separated. */
static void
candidates(struct history *h, const char *const *ids, size_t n, struct buf *out)
{
	sqlite3_stmt *st;
	if (db_prepare(&h->db, &st,
		"SELECT c.title, (SELECT group_concat(user, ',') FROM (SELECT user FROM members"
		" WHERE conv = c.id ORDER BY user)) FROM conversations c WHERE c.id = ?1",
		NULL) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(st);
		db_bind_text(st, 1, ids[i]);
		if (db_step(&h->db, st, NULL) != SQLITE_ROW)
			continue;
		const char *t = (const char *)sqlite3_column_text(st, 0);
		const char *m = (const char *)sqlite3_column_text(st, 1);
		char *title = text_sanitize(t ? t : "", t ? strlen(t) : 0, 0);
		buf_printf(out, "%s%s (%s: %s)", i ? ", " : "", ids[i], title, m ? m : "");
		free(title);
	}
	sqlite3_finalize(st);
}

/*
 * The conversations whose title is name (exact, ignoring ASCII case), else
 * whose title or id starts with it (ignoring case), among those the user is
 * a member of (and invited to, with invited), else among those left: their
 * ids, oldest first.
 */
static int
matches(struct history *h, const char *name, bool invited, char ***ids, size_t *n, struct err *e)
{
	static const char *const sql[] = {
	    "SELECT id FROM conversations WHERE (state <= ?2 OR state = ?3)"
	    " AND lower(title) = lower(?1) ORDER BY created, id",
	    "SELECT id FROM conversations WHERE (state <= ?2 OR state = ?3) AND"
	    " (substr(lower(title), 1, length(?1)) = lower(?1)"
	    " OR substr(lower(id), 1, length(?1)) = lower(?1)) ORDER BY created, id",
	};
	*ids = NULL;
	*n = 0;
	for (size_t q = 0; q < 2 * nitems(sql) && *n == 0; q++) {
		sqlite3_stmt *st;
		if (db_prepare(&h->db, &st, sql[q % nitems(sql)], e) < 0)
			return -1;
		db_bind_text(st, 1, name);
		sqlite3_bind_int(st, 2, invited ? CONV_INVITED : CONV_MEMBER);
		sqlite3_bind_int(st, 3, q < nitems(sql) ? CONV_MEMBER : CONV_LEFT);
		int rc;
		while ((rc = db_step(&h->db, st, e)) == SQLITE_ROW) {
			*ids = xreallocarray(*ids, *n + 1, sizeof(**ids));
			(*ids)[(*n)++] = col_text(st, 0);
		}
		sqlite3_finalize(st);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/*
 * Finds a conversation by id (any), else by title or by a prefix of title
 * or id, ignoring case, among those the user is in (and invited to, with
 * invited). An invitation or a conversation left never makes a name
 * ambiguous; an ambiguous name lists the candidates with their members.
 */
int
history_resolve_conv_in(struct history *h, const char *name, bool invited, char **id, struct err *e)
{
	*id = NULL;
	if (history_has_conv(h, name)) {
		*id = xstrdup(name);
		return 0;
	}
	char **ids;
	size_t n;
	if (*name == '\0')
		return err_set(e, ERR_USAGE, "a conversation name cannot be empty");
	if (matches(h, name, invited, &ids, &n, e) < 0)
		return -1;
	int ret = 0;
	if (n == 0) {
		ret = err_set(
		    e, ERR_NOTFOUND, "no conversation %s (or you are not a member of it)", name);
	} else if (n > 1) {
		struct buf b = {0};
		candidates(h, (const char *const *)ids, n, &b);
		ret = err_set(e, ERR_USAGE, "several conversations match %s; use an id: %s", name,
		    b.data ? b.data : "");
		buf_free(&b);
	} else {
		*id = ids[0];
		ids[0] = NULL;
	}
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return ret;
}

/* Finds a conversation the user is a member of (history_resolve_conv_in). */
int
history_resolve_conv(struct history *h, const char *name, char **id, struct err *e)
{
	return history_resolve_conv_in(h, name, false, id, e);
}

/*
 * Erases the text of message (sender, seq) of conv and of its edits when
 * the sender's delete of it is held (secure_delete zeroes the old bytes;
 * history_scrub empties the WAL after the commit). The erasure count in
 * meta tells search.db to drop its index of the text.
 */
static int
erase_if_deleted(
    struct history *h, const char *conv, const char *sender, uint64_t seq, struct err *e)
{
	int held = 0, changed = 0;
	if (db_run_target(&h->db,
		"SELECT 1 FROM messages WHERE conv = ?1 AND target_sender = ?2 AND target_seq = ?3"
		" AND kind = 'delete' AND sender = ?2",
		conv, sender, seq, &held, e) < 0)
		return -1;
	if (!held)
		return 0;
	if (db_run_target(&h->db,
		"UPDATE messages SET body = '', deleted = 1 WHERE conv = ?1 AND (deleted = 0"
		" OR body != '') AND ((sender = ?2 AND seq = ?3 AND kind IS NULL)"
		" OR (target_sender = ?2 AND target_seq = ?3 AND kind = 'edit' AND sender = ?2))",
		conv, sender, seq, &changed, e) < 0)
		return -1;
	if (changed == 0)
		return 0;
	h->erased = true;
	return db_exec(&h->db,
	    "INSERT INTO meta (key, value) VALUES ('erasures', 1)"
	    " ON CONFLICT (key) DO UPDATE SET value = value + 1",
	    e);
}

/* After new items: erases what a delete among them (or held before them) erased. */
static int
apply_deletes(
    struct history *h, const struct message *v, size_t n, const bool *fresh, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		const struct message *m = &v[i];
		enum item_kind k = message_kind(m);
		if (!fresh[i] || m->target_sender == NULL || (k != ITEM_DELETE && k != ITEM_EDIT))
			continue;
		if (erase_if_deleted(h, m->conv, m->target_sender, m->target_seq, e) < 0)
			return -1;
	}
	return 0;
}

/* Empties the WAL after a commit that erased text, so no copy is left in it. */
void
history_scrub(struct history *h)
{
	if (!h->erased)
		return;
	h->erased = false;
	struct err ignored;
	db_exec(&h->db, "PRAGMA wal_checkpoint(TRUNCATE)", &ignored);
}

/* Inserts messages inside the caller's transaction. */
int
history_insert_in_tx(
    struct history *h, const struct message *v, size_t n, size_t *inserted, struct err *e)
{
	size_t added = 0;
	bool *fresh_v = xcalloc(n + 1, sizeof(*fresh_v));
	bool items = false;
	for (size_t i = 0; i < n; i++) {
		const struct message *m = &v[i];
		sqlite3_reset(h->ins_msg);
		db_bind_text(h->ins_msg, 1, m->conv);
		db_bind_text(h->ins_msg, 2, m->sender);
		sqlite3_bind_int64(h->ins_msg, 3, (sqlite3_int64)m->seq);
		sqlite3_bind_int64(h->ins_msg, 4, m->ts);
		db_bind_text(h->ins_msg, 5, m->body != NULL ? m->body : "");
		history_bind_item(h->ins_msg, 6, m);
		if (db_step(&h->db, h->ins_msg, e) != SQLITE_DONE) {
			sqlite3_reset(h->ins_msg);
			free(fresh_v);
			return -1;
		}
		bool fresh = sqlite3_changes(h->db.h) > 0;
		sqlite3_reset(h->ins_msg);
		if (!fresh)
			continue;
		fresh_v[i] = true;
		items = items || m->target_sender != NULL;
		struct range_key k = {0, m->conv, m->sender};
		if (range_table_add(&h->ranges, &k, m->seq, m->seq, e) < 0) {
			free(fresh_v);
			return -1;
		}
		added++;
	}
	int rc = items ? apply_deletes(h, v, n, fresh_v, e) : 0;
	free(fresh_v);
	if (rc < 0)
		return -1;
	if (inserted != NULL)
		*inserted = added;
	return 0;
}

/* Inserts messages in one transaction. */
int
history_insert(
    struct history *h, const struct message *v, size_t n, size_t *inserted, struct err *e)
{
	if (inserted != NULL)
		*inserted = 0;
	if (n == 0)
		return 0;
	if (db_begin(&h->db, e) < 0)
		return -1;
	if (history_insert_in_tx(h, v, n, inserted, e) < 0) {
		db_rollback(&h->db);
		h->erased = false;
		if (inserted != NULL)
			*inserted = 0;
		return -1;
	}
	if (db_commit(&h->db, e) < 0)
		return -1;
	history_scrub(h);
	return 0;
}

/* Loads one conversation's vector from its ranges. */
int
history_vector(struct history *h, const char *conv, struct vector *v, struct err *e)
{
	memset(v, 0, sizeof(*v));
	return range_table_vector(&h->ranges, 0, conv, v, e);
}

/* Steps st (rows of id, sender, seq, ts, body, ITEM_COLS, lost, newest first) into *out, oldest first. */
static int
read_lines(struct history *h, sqlite3_stmt *st, const char *conv, struct message **out,
    size_t *nout, struct err *e)
{
	struct message_list l = {0};
	int rc;
	while ((rc = db_step(&h->db, st, e)) == SQLITE_ROW) {
		struct message *hm = message_list_push(&l);
		hm->id = sqlite3_column_int64(st, 0);
		hm->conv = xstrdup(conv);
		hm->sender = col_text(st, 1);
		hm->seq = (uint64_t)sqlite3_column_int64(st, 2);
		hm->ts = sqlite3_column_int64(st, 3);
		hm->body = col_text(st, 4);
		history_item_columns(st, 5, hm);
		if (sqlite3_column_int64(st, 13) > 0) {
			hm->seq = (uint64_t)sqlite3_column_int64(st, 13);
			hm->lost = true;
		}
	}
	sqlite3_finalize(st);
	if (rc < 0) {
		message_list_free(&l);
		return -1;
	}
	for (size_t i = 0; i < l.n / 2; i++) {
		struct message t = l.v[i];
		l.v[i] = l.v[l.n - 1 - i];
		l.v[l.n - 1 - i] = t;
	}
	*out = l.v;
	*nout = l.n;
	return 0;
}

/* Reads a window of a conversation's lines (texts, member and title items), oldest first. */
int
history_messages(struct history *h, const char *conv, int64_t before, size_t limit,
    struct message **out, size_t *nout, struct err *e)
{
	*out = NULL;
	*nout = 0;
	sqlite3_stmt *st;
	if (db_prepare(&h->db, &st,
		"SELECT id, sender, seq, ts, body, " ITEM_COLS
		", lost FROM messages WHERE conv = ?1"
		" AND (kind IS NULL OR kind IN ('member', 'title'))"
		" AND (?2 = 0 OR (ts, id) < (SELECT ts, id FROM messages WHERE id = ?2))"
		" ORDER BY ts DESC, id DESC LIMIT ?3",
		e) < 0)
		return -1;
	db_bind_text(st, 1, conv);
	sqlite3_bind_int64(st, 2, before);
	sqlite3_bind_int64(st, 3, limit > INT64_MAX ? -1 : (sqlite3_int64)limit);
	return read_lines(h, st, conv, out, nout, e);
}

/* The last `limit` lines (as history_messages) of conv with since <= ts < until, oldest first. */
int
history_messages_between(struct history *h, const char *conv, int64_t since, int64_t until,
    size_t limit, struct message **out, size_t *nout, struct err *e)
{
	*out = NULL;
	*nout = 0;
	sqlite3_stmt *st;
	if (db_prepare(&h->db, &st,
		"SELECT id, sender, seq, ts, body, " ITEM_COLS
		", lost FROM messages WHERE conv = ?1"
		" AND (kind IS NULL OR kind IN ('member', 'title'))"
		" AND ts >= ?2 AND ts < ?3 ORDER BY ts DESC, id DESC LIMIT ?4",
		e) < 0)
		return -1;
	db_bind_text(st, 1, conv);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, until);
	sqlite3_bind_int64(st, 4, limit > INT64_MAX ? -1 : (sqlite3_int64)limit);
	return read_lines(h, st, conv, out, nout, e);
}

/* Frees one outbox item. */
void
outbox_item_free(struct outbox_item *it)
{
	free(it->conv);
	free(it->client_id);
	free(it->body);
	free(it->kind);
	free(it->target_sender);
	memset(it, 0, sizeof(*it));
}

/* Frees outbox items. */
void
outbox_items_free(struct outbox_item *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		outbox_item_free(&v[i]);
	free(v);
}

/* The item an outbox entry sends (strings borrowed from it). */
struct message
outbox_item_message(const struct outbox_item *it)
{
	return (struct message){.conv = it->conv,
	    .body = it->body,
	    .kind = it->kind,
	    .target_sender = it->target_sender,
	    .target_seq = it->target_seq,
	    .action = it->action,
	    .remove = it->remove};
}

/* Queues a text message durably. */
int
history_outbox_add(
    struct history *h, const char *conv, const char *body, struct outbox_item *out, struct err *e)
{
	struct message it = {.body = (char *)body};
	return history_outbox_add_item(h, conv, &it, out, e);
}

/* Queues an item durably. */
int
history_outbox_add_item(struct history *h, const char *conv, const struct message *m,
    struct outbox_item *out, struct err *e)
{
	char *cid = random_hex(16);
	int64_t created = now_ms();
	sqlite3_stmt *st = NULL;
	int ret = -1;
	const char *body = m->body != NULL ? m->body : "";
	const char *kind = message_kind(m) == ITEM_MESSAGE ? NULL : m->kind;
	/* This one write must survive a power cut: the user was told it is queued. */
	if (db_exec(&h->db, "PRAGMA synchronous = FULL", e) < 0)
		goto out;
	if (db_prepare(&h->db, &st,
		"INSERT INTO outbox (conv, client_id, body, created, kind, target_sender,"
		" target_seq, action, remove) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
		e) < 0)
		goto restore;
	db_bind_text(st, 1, conv);
	db_bind_text(st, 2, cid);
	db_bind_text(st, 3, body);
	sqlite3_bind_int64(st, 4, created);
	db_bind_text(st, 5, kind);
	db_bind_text(st, 6, m->target_sender);
	if (m->target_sender != NULL)
		sqlite3_bind_int64(st, 7, (sqlite3_int64)m->target_seq);
	sqlite3_bind_int(st, 8, m->action);
	sqlite3_bind_int(st, 9, m->remove);
	if (db_step(&h->db, st, e) != SQLITE_DONE)
		goto restore;
	if (out != NULL) {
		*out = (struct outbox_item){.id = sqlite3_last_insert_rowid(h->db.h),
		    .conv = xstrdup(conv),
		    .client_id = xstrdup(cid),
		    .body = xstrdup(body),
		    .created = created,
		    .kind = kind != NULL ? xstrdup(kind) : NULL,
		    .target_sender = m->target_sender != NULL ? xstrdup(m->target_sender) : NULL,
		    .target_seq = m->target_seq,
		    .action = m->action,
		    .remove = m->remove};
	}
	ret = 0;
restore:
	sqlite3_finalize(st);
	db_exec(&h->db, "PRAGMA synchronous = NORMAL", NULL);
out:
	free(cid);
	return ret;
}

/* Lists the outbox in sending order. */
int
history_outbox_list(struct history *h, struct outbox_item **out, size_t *nout, struct err *e)
{
	*out = NULL;
	*nout = 0;
	sqlite3_stmt *st;
	if (db_prepare(&h->db, &st,
		"SELECT id, conv, client_id, body, created, kind, target_sender, target_seq,"
		" action, remove FROM outbox ORDER BY id",
		e) < 0)
		return -1;
	struct outbox_item *v = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(&h->db, st, e)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n].id = sqlite3_column_int64(st, 0);
		v[n].conv = col_text(st, 1);
		v[n].client_id = col_text(st, 2);
		v[n].body = col_text(st, 3);
		v[n].created = sqlite3_column_int64(st, 4);
		v[n].kind = col_text(st, 5);
		v[n].target_sender = col_text(st, 6);
		v[n].target_seq = (uint64_t)sqlite3_column_int64(st, 7);
		v[n].action = sqlite3_column_int(st, 8) != 0;
		v[n].remove = sqlite3_column_int(st, 9) != 0;
		n++;
	}
	sqlite3_finalize(st);
	if (rc < 0) {
		outbox_items_free(v, n);
		return -1;
	}
	*out = v;
	*nout = n;
	return 0;
}

/* Removes an item from the outbox, moving it into history when acknowledged. */
int
history_outbox_done(struct history *h, int64_t id, const struct message *receipt, struct err *e)
{
	if (db_begin(&h->db, e) < 0)
		return -1;
	sqlite3_stmt *st;
	if (db_prepare(&h->db, &st,
		"SELECT body, kind, target_sender, target_seq, action, remove FROM outbox"
		" WHERE id = ?1",
		e) < 0)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	int rc = db_step(&h->db, st, e);
	struct message m = {0};
	if (rc == SQLITE_ROW && receipt != NULL) {
		m = (struct message){.conv = receipt->conv,
		    .sender = receipt->sender,
		    .seq = receipt->seq,
		    .ts = receipt->ts,
		    .body = col_text(st, 0),
		    .kind = col_text(st, 1),
		    .target_sender = col_text(st, 2),
		    .target_seq = (uint64_t)sqlite3_column_int64(st, 3),
		    .action = sqlite3_column_int(st, 4) != 0,
		    .remove = sqlite3_column_int(st, 5) != 0};
	}
	sqlite3_finalize(st);
	if (rc < 0)
		goto fail;
	if (m.body != NULL) {
		rc = history_insert_in_tx(h, &m, 1, NULL, e);
		free(m.body);
		free(m.kind);
		free(m.target_sender);
		if (rc < 0)
			goto fail;
	}
	if (db_prepare(&h->db, &st, "DELETE FROM outbox WHERE id = ?1", e) < 0)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	rc = db_step(&h->db, st, e);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;
	if (db_commit(&h->db, e) < 0)
		return -1;
	history_scrub(h);
	return 0;
fail:
	db_rollback(&h->db);
	return -1;
}
