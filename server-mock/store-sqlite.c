/*
 * The SQLite backend of the server's store: one database (a file named by
 * -d, else memory) holding users, tokens, conversations, messages, the event
 * log and each user's retained events. This file opens and migrates it,
 * keeps the prepared statements and runs transactions; the operations on
 * each object are in store-sqlite-{user,conv,message,event,changes}.c.
 */
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "store-sqlite.h"

static const char *const migrations[] = {
    "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " pwhash TEXT NOT NULL, created INTEGER NOT NULL,"
    " inbox_n INTEGER NOT NULL DEFAULT 0, dropped INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE tokens(hash BLOB PRIMARY KEY, user INTEGER NOT NULL REFERENCES users(id),"
    " created INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE convs(id INTEGER PRIMARY KEY, pubid TEXT NOT NULL UNIQUE,"
    " title TEXT NOT NULL, created INTEGER NOT NULL);"
    "CREATE TABLE members(conv INTEGER NOT NULL REFERENCES convs(id),"
    " user INTEGER NOT NULL REFERENCES users(id), last_seq INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY(conv, user)) WITHOUT ROWID;"
    "CREATE INDEX members_user ON members(user, conv);"
    "CREATE TABLE messages(id INTEGER PRIMARY KEY, conv INTEGER NOT NULL,"
    " sender INTEGER NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL,"
    " client_id TEXT NOT NULL, body TEXT NOT NULL,"
    " UNIQUE(conv, sender, seq), UNIQUE(conv, sender, client_id));"
    "CREATE TABLE events(cursor INTEGER PRIMARY KEY AUTOINCREMENT, type INTEGER NOT NULL,"
    " conv INTEGER NOT NULL, msg INTEGER);"
    "CREATE TABLE inbox(user INTEGER NOT NULL, cursor INTEGER NOT NULL,"
    " PRIMARY KEY(user, cursor)) WITHOUT ROWID;"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    /* 2: GET /v1/changes after retention (the latest event of a conversation), continuations. */
    "CREATE INDEX IF NOT EXISTS events_conv ON events(conv, cursor);"
    "CREATE TABLE IF NOT EXISTS sync_continuations(id TEXT PRIMARY KEY,"
    " user INTEGER NOT NULL REFERENCES users(id), created INTEGER NOT NULL,"
    " used INTEGER NOT NULL, have TEXT NOT NULL, scope TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS sync_continuations_used ON sync_continuations(used);",
    /* 3: read state, keyed by conversation first like the messages. */
    "CREATE TABLE IF NOT EXISTS reads(conv INTEGER NOT NULL, user INTEGER NOT NULL,"
    " sender INTEGER NOT NULL, seq INTEGER NOT NULL,"
    " PRIMARY KEY(conv, user, sender)) WITHOUT ROWID;",
    /*
     * 4: items (docs/protocol.md, "Items"): kind NULL is a text message;
     * body '' when an item has none or its text was erased (deleted).
     */
    "ALTER TABLE messages ADD COLUMN kind TEXT;"
    "ALTER TABLE messages ADD COLUMN target_sender TEXT;"
    "ALTER TABLE messages ADD COLUMN target_seq INTEGER;"
    "ALTER TABLE messages ADD COLUMN action INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE messages ADD COLUMN remove INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE messages ADD COLUMN op TEXT;"
    "ALTER TABLE messages ADD COLUMN users TEXT;"
    "ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX messages_target ON messages(conv, target_sender, target_seq)"
    " WHERE target_sender IS NOT NULL;",
    /* 5: membership (state, role, who invited), direct conversations, blocks. */
    "ALTER TABLE members ADD COLUMN state INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE members ADD COLUMN role INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE members ADD COLUMN inviter INTEGER;"
    "ALTER TABLE convs ADD COLUMN direct TEXT;"
    "CREATE UNIQUE INDEX IF NOT EXISTS convs_direct ON convs(direct) WHERE direct IS NOT NULL;"
    "CREATE TABLE IF NOT EXISTS blocks(user INTEGER NOT NULL, blocked INTEGER NOT NULL,"
    " PRIMARY KEY(user, blocked)) WITHOUT ROWID;",
    /*
     * 6: accounts: a token's last use (tokens of before start their life
     * now), a name's look-alike skeleton (filled on open for older users;
     * not unique: older clashes stay), disabled accounts.
     */
    "ALTER TABLE tokens ADD COLUMN used INTEGER NOT NULL DEFAULT 0;"
    "UPDATE tokens SET used = CAST(strftime('%s', 'now') AS INTEGER) * 1000;"
    "CREATE INDEX IF NOT EXISTS tokens_user ON tokens(user, used);"
    "ALTER TABLE users ADD COLUMN skeleton TEXT;"
    "CREATE INDEX IF NOT EXISTS users_skeleton ON users(skeleton);"
    "ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;",
    /*
     * 7: the server epoch (docs/protocol.md, "Server epoch"): per generation,
     * the seq each member of each conversation held when it began.
     */
    "CREATE TABLE IF NOT EXISTS epoch_bases(conv INTEGER NOT NULL, generation INTEGER NOT NULL,"
    " sender INTEGER NOT NULL, base INTEGER NOT NULL,"
    " PRIMARY KEY(conv, generation, sender)) WITHOUT ROWID;",
};

static const char *const sql[Q_COUNT] = {
    [Q_USER_INSERT] = "INSERT INTO users(name, pwhash, created) VALUES (?1, ?2, ?3)"
		      " ON CONFLICT(name) DO NOTHING",
    [Q_USER_FIND] = "SELECT id, pwhash FROM users WHERE name = ?1",
    [Q_USER_SETPW] = "UPDATE users SET pwhash = ?2 WHERE id = ?1",
    [Q_USER_DROPPED] = "SELECT dropped FROM users WHERE id = ?1",
    [Q_TOKEN_INSERT] = "INSERT INTO tokens(hash, user, created, used) VALUES (?1, ?2, ?3, ?3)",
    [Q_TOKEN_GET] = "SELECT t.hash, u.id, u.name, t.used, u.disabled FROM tokens t"
		    " JOIN users u ON u.id = t.user WHERE t.hash = ?1",
    [Q_TOKEN_TOUCH] = "UPDATE tokens SET used = ?2 WHERE hash = ?1",
    [Q_TOKEN_REVOKE_USER] = "DELETE FROM tokens WHERE user = ?1 AND (?2 IS NULL OR hash <> ?2)",
    [Q_TOKEN_TRIM] = "DELETE FROM tokens WHERE user = ?1 AND hash NOT IN (SELECT hash FROM tokens"
		     " WHERE user = ?1 ORDER BY used DESC, created DESC LIMIT ?2)",
    [Q_USER_BY_SKEL] = "SELECT name FROM users WHERE skeleton = ?1 ORDER BY id LIMIT 1",
    [Q_USER_SET_SKEL] = "UPDATE users SET skeleton = ?2 WHERE id = ?1",
    [Q_USER_UNSKEL] = "SELECT id, name FROM users WHERE skeleton IS NULL ORDER BY id",
    [Q_USER_DISABLED] = "SELECT disabled FROM users WHERE id = ?1",
    [Q_USER_SET_DISABLED] = "UPDATE users SET disabled = ?2 WHERE id = ?1",
    [Q_TOKEN_DELETE] = "DELETE FROM tokens WHERE hash = ?1",
    [Q_CONV_INSERT] = "INSERT INTO convs(pubid, title, created) VALUES (?1, ?2, ?3)",
    [Q_CONV_GET] = "SELECT pubid, title, created, direct IS NOT NULL FROM convs WHERE id = ?1",
    [Q_CONV_MEMBER] = "SELECT c.id FROM convs c JOIN members m ON m.conv = c.id"
		      " WHERE c.pubid = ?1 AND m.user = ?2 AND m.state = 0",
    [Q_CONV_LIST] = "SELECT conv FROM members WHERE user = ?1 AND state < 2 ORDER BY conv",
    [Q_MEMBER_INSERT] = "INSERT OR IGNORE INTO members(conv, user) VALUES (?1, ?2)",
    [Q_MEMBERS] = "SELECT u.name, m.last_seq, m.state, m.role FROM members m"
		  " JOIN users u ON u.id = m.user"
		  " WHERE m.conv = ?1 ORDER BY u.name",
    [Q_MEMBER_IDS] = "SELECT user FROM members WHERE conv = ?1 AND state = 0",
    [Q_SENDERS] = "SELECT m.user, u.name, m.last_seq FROM members m"
		  " JOIN users u ON u.id = m.user WHERE m.conv = ?1 AND m.last_seq > 0",
    [Q_MSG_BY_CLIENT] = "SELECT id, seq, ts FROM messages"
			" WHERE conv = ?1 AND sender = ?2 AND client_id = ?3",
    [Q_SEQ_NEXT] = "UPDATE members SET last_seq = last_seq + 1 WHERE conv = ?1 AND user = ?2"
		   " RETURNING last_seq",
    [Q_MSG_INSERT] = "INSERT INTO messages(conv, sender, seq, ts, client_id, body, kind,"
		     " target_sender, target_seq, action, remove, op, users)"
		     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    [Q_MSG_FIND] = "SELECT m.sender, m.kind, m.deleted FROM messages m"
		   " JOIN users u ON u.id = m.sender"
		   " WHERE m.conv = ?1 AND u.name = ?2 AND m.seq = ?3",
    [Q_MSG_ERASE] = "UPDATE messages SET body = '', deleted = 1 WHERE conv = ?1 AND"
		    " ((sender = (SELECT id FROM users WHERE name = ?2) AND seq = ?3)"
		    " OR (kind = 'edit' AND target_sender = ?2 AND target_seq = ?3))",
    [Q_MSG_RANGE] = "SELECT id FROM messages WHERE conv = ?1 AND sender = ?2"
		    " AND seq BETWEEN ?3 AND ?4 ORDER BY seq LIMIT ?5",
    [Q_MSG_GET] = "SELECT c.pubid, u.name, m.seq, m.ts, m.body, m.kind, m.target_sender,"
		  " m.target_seq, m.action, m.remove, m.op, m.users, m.deleted FROM messages m"
		  " JOIN convs c ON c.id = m.conv JOIN users u ON u.id = m.sender"
		  " WHERE m.id = ?1",
    [Q_EVENT_INSERT] = "INSERT INTO events(type, conv, msg) VALUES (?1, ?2, ?3)",
    [Q_INBOX_INSERT] = "INSERT INTO inbox(user, cursor) VALUES (?1, ?2)",
    [Q_INBOX_COUNT] = "UPDATE users SET inbox_n = inbox_n + 1 WHERE id = ?1 RETURNING inbox_n",
    [Q_INBOX_OLDEST] = "SELECT cursor FROM inbox WHERE user = ?1 ORDER BY cursor LIMIT ?2",
    [Q_INBOX_DELETE] = "DELETE FROM inbox WHERE user = ?1 AND cursor <= ?2",
    [Q_INBOX_DROPPED] = "UPDATE users SET inbox_n = inbox_n - ?2, dropped = max(dropped, ?3)"
			" WHERE id = ?1",
    [Q_INBOX_AFTER] = "SELECT i.cursor, e.type, e.conv, e.msg FROM inbox i"
		      " JOIN events e ON e.cursor = i.cursor"
		      " WHERE i.user = ?1 AND i.cursor > ?2 ORDER BY i.cursor LIMIT ?3",
    [Q_CHANGES_INBOX] = "SELECT e.conv, max(e.cursor), max(e.type = ?3) FROM inbox i"
			" JOIN events e ON e.cursor = i.cursor WHERE i.user = ?1 AND i.cursor > ?2"
			" GROUP BY e.conv ORDER BY 2",
    [Q_CHANGES_LOG] =
	"SELECT conv, c, EXISTS(SELECT 1 FROM events e WHERE e.conv = x.conv"
	" AND e.cursor > ?2 AND e.type = ?3) FROM (SELECT m.conv AS conv,"
	" (SELECT max(e.cursor) FROM events e WHERE e.conv = m.conv) AS c"
	" FROM members m WHERE m.user = ?1 AND m.state < 2) x WHERE c > ?2 ORDER BY c",
    [Q_CONT_PUT] = "INSERT INTO sync_continuations(id, user, created, used, have, scope)"
		   " VALUES (?1, ?2, ?3, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET used = ?3",
    [Q_CONT_GET] = "SELECT user, used, have, scope FROM sync_continuations WHERE id = ?1",
    [Q_CONT_EXPIRE] = "DELETE FROM sync_continuations WHERE used < ?1",
    [Q_CURSOR] = "SELECT coalesce(max(cursor), 0) FROM events",
    [Q_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [Q_META_SET] = "INSERT INTO meta(key, value) VALUES (?1, ?2)"
		   " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [Q_READ_GET] = "SELECT u.name, r.seq FROM reads r JOIN users u ON u.id = r.sender"
		   " WHERE r.conv = ?1 AND r.user = ?2 AND r.seq > 0 ORDER BY u.name",
    [Q_READ_RAISE] = "INSERT INTO reads(conv, user, sender, seq) VALUES (?1, ?2, ?3, ?4)"
		     " ON CONFLICT(conv, user, sender) DO UPDATE SET seq = excluded.seq"
		     " WHERE excluded.seq > reads.seq",
    [Q_MEMBER_GET] = "SELECT m.state, m.role, coalesce(u.name, '') FROM members m"
		     " LEFT JOIN users u ON u.id = m.inviter WHERE m.conv = ?1 AND m.user = ?2",
    [Q_MEMBER_SET] = "INSERT INTO members(conv, user, state, role, inviter)"
		     " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(conv, user) DO UPDATE SET"
		     " state = excluded.state, role = excluded.role, inviter = excluded.inviter",
    [Q_CONV_FIND] = "SELECT id FROM convs WHERE pubid = ?1",
    [Q_CONV_TITLE] = "UPDATE convs SET title = ?2 WHERE id = ?1",
    [Q_CONV_DIRECT_GET] = "SELECT id FROM convs WHERE direct = ?1",
    [Q_CONV_DIRECT_SET] = "UPDATE convs SET direct = ?2 WHERE id = ?1",
    [Q_SHARED] = "SELECT EXISTS(SELECT 1 FROM members a JOIN members b ON b.conv = a.conv"
		 " WHERE a.user = ?1 AND b.user = ?2 AND b.state = 0 AND b.conv != ?3)",
    [Q_BLOCK_GET] = "SELECT EXISTS(SELECT 1 FROM blocks WHERE user = ?1 AND blocked = ?2)",
    [Q_BLOCK_ADD] = "INSERT OR IGNORE INTO blocks(user, blocked) VALUES (?1, ?2)",
    [Q_BLOCK_DEL] = "DELETE FROM blocks WHERE user = ?1 AND blocked = ?2",
    [Q_BLOCK_LIST] = "SELECT u.name FROM blocks b JOIN users u ON u.id = b.blocked"
		     " WHERE b.user = ?1 ORDER BY u.name",
    [Q_INVITES_FROM] = "SELECT conv FROM members WHERE user = ?1 AND state = 1 AND inviter = ?2",
    [Q_EPOCH_MARK] = "INSERT INTO epoch_bases(conv, generation, sender, base)"
		     " SELECT conv, ?1, user, last_seq FROM members WHERE true"
		     " ON CONFLICT(conv, generation, sender) DO NOTHING",
    [Q_EPOCH_BASES] =
	"SELECT c.pubid, u.name, CASE WHEN count(*) < (SELECT count(DISTINCT x.generation)"
	" FROM epoch_bases x WHERE x.conv = b.conv AND x.generation > ?2) THEN 0"
	" ELSE min(b.base) END FROM epoch_bases b JOIN convs c ON c.id = b.conv"
	" JOIN users u ON u.id = b.sender WHERE b.generation > ?2"
	" AND b.conv IN (SELECT conv FROM members WHERE user = ?1)"
	" GROUP BY b.conv, c.pubid, u.name ORDER BY c.pubid, u.name",
    [Q_READ_BEGIN] = "BEGIN",
    [Q_READ_END] = "COMMIT",
};

/* The SQLite state of a store opened by this backend. */
struct sqlite_store *
sq(struct store *s)
{
	return (struct sqlite_store *)s;
}

/* The prepared statement q, reset and unbound, or NULL with e set. */
sqlite3_stmt *
sq_st(struct sqlite_store *s, enum q q, struct err *e)
{
	if (s->st[q] == NULL) {
		if (db_prepare(&s->db, &s->st[q], sql[q], e) < 0)
			return NULL;
	} else {
		sqlite3_reset(s->st[q]);
		sqlite3_clear_bindings(s->st[q]);
	}
	return s->st[q];
}

/* Steps a statement expecting no row; outside a transaction, in turn with other writers. */
int
sq_run(struct sqlite_store *s, sqlite3_stmt *t, struct err *e)
{
	if (!s->writing)
		pthread_mutex_lock(&s->sh->write);
	int rc = db_step(&s->db, t, e);
	sqlite3_reset(t);
	if (!s->writing)
		pthread_mutex_unlock(&s->sh->write);
	return rc < 0 ? -1 : 0;
}

/* Finalizes every statement, closes the connection, and the shared state with the last. */
static void
sq_close(struct store *base)
{
	struct sqlite_store *s = sq(base);
	for (size_t i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	db_close(&s->db);
	struct sqlite_shared *sh = s->sh;
	if (sh != NULL && atomic_fetch_sub(&sh->refs, 1) == 1) {
		pthread_mutex_destroy(&sh->write);
		free(sh->path);
		free(sh);
	}
	free(s);
}

/*
 * Waits for another connection's lock. They are this process's threads and
 * hold it briefly (memory databases lock the whole database, even against
 * readers, while a write commits): yield first, then sleep 100 us at a
 * time, for about 5 s before db_step's own retries.
 */
static int
busy_wait(void *arg, int n)
{
	(void)arg;
	if (n == 0)
		store_note_busy();
	if (n < 50) {
		sched_yield();
		return 1;
	}
	if (n > 50000)
		return 0;
	struct timespec ts = {0, 100000};
	nanosleep(&ts, NULL);
	return 1;
}

/* Opens one connection of sh's database. */
static int
attach(struct sqlite_shared *sh, struct store **sp, struct err *e)
{
	struct sqlite_store *s = xcalloc(1, sizeof(*s));
	s->base.ops = &store_sqlite_ops;
	if (db_open(&s->db, sh->path, migrations, nitems(migrations), sh->flags, e) < 0) {
		free(s);
		return -1;
	}
	sqlite3_busy_handler(s->db.h, busy_wait, NULL);
	s->sh = sh;
	s->retention = sh->retention;
	atomic_fetch_add(&sh->refs, 1);
	*sp = &s->base;
	return 0;
}

/*
 * Opens the database and reads the current event cursor. Memory (path NULL)
 * is a memdb database named after the process, so that the connections of
 * other threads (sq_open_more) share it.
 */
static int
sq_open(struct store **sp, const char *path, int retention, struct err *e)
{
	static atomic_uint serial;
	struct sqlite_shared *sh = xcalloc(1, sizeof(*sh));
	pthread_mutex_init(&sh->write, NULL);
	sh->retention = retention;
	if (path != NULL) {
		sh->path = xstrdup(path);
	} else {
		sh->path =
		    xasprintf("/natter-%ld-%u", (long)getpid(), atomic_fetch_add(&serial, 1));
		sh->flags = DB_MEMDB;
	}
	struct store *base;
	if (attach(sh, &base, e) < 0) {
		pthread_mutex_destroy(&sh->write);
		free(sh->path);
		free(sh);
		return -1;
	}
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_CURSOR, e);
	if (t == NULL || db_step(&s->db, t, e) != SQLITE_ROW) {
		sq_close(base);
		return -1;
	}
	atomic_store(&sh->cursor, (uint64_t)sqlite3_column_int64(t, 0));
	sqlite3_reset(t);
	*sp = base;
	return 0;
}

/* Another connection to the database of primary, for another thread. */
static int
sq_open_more(struct store *primary, struct store **sp, struct err *e)
{
	return attach(sq(primary)->sh, sp, e);
}

/* BEGIN IMMEDIATE: the one writer until commit or rollback. */
static int
sq_begin(struct store *base, struct err *e)
{
	struct sqlite_store *s = sq(base);
	if (pthread_mutex_trylock(&s->sh->write) != 0) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		pthread_mutex_lock(&s->sh->write);
		clock_gettime(CLOCK_MONOTONIC, &b);
		store_note_wait(
		    (int64_t)(b.tv_sec - a.tv_sec) * 1000000 + (b.tv_nsec - a.tv_nsec) / 1000);
	}
	if (db_begin(&s->db, e) < 0) {
		pthread_mutex_unlock(&s->sh->write);
		return -1;
	}
	s->writing = true;
	s->pending = 0;
	return 0;
}

/* Ends the write turn; publishes the transaction's newest cursor when it committed. */
static void
end_write(struct sqlite_store *s, bool committed)
{
	if (committed && s->pending > 0)
		atomic_store(&s->sh->cursor, s->pending);
	s->pending = 0;
	s->writing = false;
	pthread_mutex_unlock(&s->sh->write);
}

/* COMMIT (rolled back when it fails). */
static int
sq_commit(struct store *base, struct err *e)
{
	struct sqlite_store *s = sq(base);
	int rc = db_commit(&s->db, e);
	end_write(s, rc == 0);
	return rc;
}

/* ROLLBACK. */
static void
sq_rollback(struct store *base)
{
	struct sqlite_store *s = sq(base);
	db_rollback(&s->db);
	if (s->writing)
		end_write(s, false);
}

/* BEGIN: the reads until read_end see one state (WAL: a snapshot; memory: a shared lock). */
static int
sq_read_begin(struct store *base, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_READ_BEGIN, e);
	if (t == NULL || db_step(&s->db, t, e) < 0)
		return -1;
	sqlite3_reset(t);
	return 0;
}

/* Ends the read transaction. */
static void
sq_read_end(struct store *base)
{
	struct sqlite_store *s = sq(base);
	struct err e = {0};
	sqlite3_stmt *t = sq_st(s, Q_READ_END, &e);
	if (t == NULL || db_step(&s->db, t, &e) < 0)
		db_rollback(&s->db);
	else
		sqlite3_reset(t);
}

/* Reads a setting. */
static int
sq_meta_get(struct store *base, const char *key, char **value, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_META_GET, e);
	if (t == NULL)
		return -1;
	db_bind_text(t, 1, key);
	int rc = db_step(&s->db, t, e);
	if (rc == SQLITE_ROW)
		*value = xstrdup((const char *)sqlite3_column_text(t, 0));
	sqlite3_reset(t);
	return rc < 0 ? -1 : rc == SQLITE_ROW ? 0 : 1;
}

/* Writes a setting. */
static int
sq_meta_set(struct store *base, const char *key, const char *value, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = sq_st(s, Q_META_SET, e);
	if (t == NULL)
		return -1;
	db_bind_text(t, 1, key);
	db_bind_text(t, 2, value);
	return sq_run(s, t, e);
}

/* The main database file's size, page_count * page_size (its WAL not counted). */
static int
sq_size(struct store *base, int64_t *bytes, struct err *e)
{
	struct sqlite_store *s = sq(base);
	sqlite3_stmt *t = NULL;
	if (db_prepare(&s->db, &t,
		"SELECT c.page_count * s.page_size FROM pragma_page_count() c, pragma_page_size() "
		"s",
		e) < 0)
		return -1;
	int rc = db_step(&s->db, t, e);
	if (rc == SQLITE_ROW)
		*bytes = sqlite3_column_int64(t, 0);
	sqlite3_finalize(t);
	return rc == SQLITE_ROW ? 0 : -1;
}

const struct store_ops store_sqlite_ops = {
    .name = "sqlite",
    .size = sq_size,
    .open = sq_open,
    .open_more = sq_open_more,
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .read_begin = sq_read_begin,
    .read_end = sq_read_end,
    .user_create = sq_user_create,
    .user_find = sq_user_find,
    .user_set_password = sq_user_set_password,
    .token_add = sq_token_add,
    .token_revoke = sq_token_revoke,
    .token_get = sq_token_get,
    .token_touch = sq_token_touch,
    .token_revoke_user = sq_token_revoke_user,
    .token_trim = sq_token_trim,
    .user_by_skeleton = sq_user_by_skeleton,
    .user_set_skeleton = sq_user_set_skeleton,
    .users_unskeletoned = sq_users_unskeletoned,
    .user_disabled = sq_user_disabled,
    .user_set_disabled = sq_user_set_disabled,
    .conv_insert = sq_conv_insert,
    .member_add = sq_member_add,
    .conv_member = sq_conv_member,
    .conv_ids = sq_conv_ids,
    .conv_get = sq_conv_get,
    .conv_senders = sq_conv_senders,
    .message_put = sq_message_put,
    .message_range = sq_message_range,
    .message_get = sq_message_get,
    .message_find = sq_message_find,
    .message_by_client = sq_message_by_client,
    .message_erase = sq_message_erase,
    .scrub = sq_scrub,
    .event_append = sq_event_append,
    .event_list = sq_event_list,
    .cursor = sq_cursor,
    .changes_inbox = sq_changes_inbox,
    .changes_log = sq_changes_log,
    .continuation_put = sq_continuation_put,
    .continuation_get = sq_continuation_get,
    .continuation_expire = sq_continuation_expire,
    .read_get = sq_read_get,
    .read_raise = sq_read_raise,
    .member_get = sq_member_get,
    .member_set = sq_member_set,
    .conv_find = sq_conv_find,
    .conv_title_set = sq_conv_title_set,
    .conv_direct_get = sq_conv_direct_get,
    .conv_direct_set = sq_conv_direct_set,
    .shared = sq_shared,
    .block_get = sq_block_get,
    .block_set = sq_block_set,
    .block_list = sq_block_list,
    .invites_from = sq_invites_from,
    .meta_get = sq_meta_get,
    .meta_set = sq_meta_set,
    .epoch_mark = sq_epoch_mark,
    .epoch_bases = sq_epoch_bases,
};
