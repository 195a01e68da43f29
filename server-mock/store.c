/*
 * The server's store: users, tokens, conversations, messages, the event log
 * and each user's retained events, in one SQLite database (a file with -d,
 * else memory). Statements are prepared once and reused.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"
#include "vector.h"

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
};

enum { EV_MESSAGE = 1, EV_CONVERSATION = 2 };

enum q {
	Q_USER_INSERT,
	Q_USER_FIND,
	Q_USER_SETPW,
	Q_USER_NAME,
	Q_USER_DROPPED,
	Q_TOKEN_INSERT,
	Q_TOKEN_USER,
	Q_TOKEN_DELETE,
	Q_CONV_INSERT,
	Q_CONV_GET,
	Q_CONV_MEMBER,
	Q_CONV_LIST,
	Q_MEMBER_INSERT,
	Q_MEMBERS,
	Q_MEMBER_IDS,
	Q_SENDERS,
	Q_MSG_BY_CLIENT,
	Q_SEQ_NEXT,
	Q_MSG_INSERT,
	Q_MSG_RANGE,
	Q_MSG_GET,
	Q_EVENT_INSERT,
	Q_INBOX_INSERT,
	Q_INBOX_COUNT,
	Q_INBOX_OLDEST,
	Q_INBOX_DELETE,
	Q_INBOX_DROPPED,
	Q_INBOX_AFTER,
	Q_CURSOR,
	Q_META_GET,
	Q_META_SET,
	Q_COUNT,
};

static const char *const sql[Q_COUNT] = {
    [Q_USER_INSERT] = "INSERT INTO users(name, pwhash, created) VALUES (?1, ?2, ?3)"
		      " ON CONFLICT(name) DO NOTHING",
    [Q_USER_FIND] = "SELECT id, pwhash FROM users WHERE name = ?1",
    [Q_USER_SETPW] = "UPDATE users SET pwhash = ?2 WHERE id = ?1",
    [Q_USER_NAME] = "SELECT name FROM users WHERE id = ?1",
    [Q_USER_DROPPED] = "SELECT dropped FROM users WHERE id = ?1",
    [Q_TOKEN_INSERT] = "INSERT INTO tokens(hash, user, created) VALUES (?1, ?2, ?3)",
    [Q_TOKEN_USER] = "SELECT t.hash, u.id, u.name FROM tokens t JOIN users u ON u.id = t.user"
		     " WHERE t.hash = ?1",
    [Q_TOKEN_DELETE] = "DELETE FROM tokens WHERE hash = ?1",
    [Q_CONV_INSERT] = "INSERT INTO convs(pubid, title, created) VALUES (?1, ?2, ?3)",
    [Q_CONV_GET] = "SELECT pubid, title, created FROM convs WHERE id = ?1",
    [Q_CONV_MEMBER] = "SELECT c.id FROM convs c JOIN members m ON m.conv = c.id"
		      " WHERE c.pubid = ?1 AND m.user = ?2",
    [Q_CONV_LIST] = "SELECT conv FROM members WHERE user = ?1 ORDER BY conv",
    [Q_MEMBER_INSERT] = "INSERT OR IGNORE INTO members(conv, user) VALUES (?1, ?2)",
    [Q_MEMBERS] = "SELECT u.name, m.last_seq FROM members m JOIN users u ON u.id = m.user"
		  " WHERE m.conv = ?1 ORDER BY u.name",
    [Q_MEMBER_IDS] = "SELECT user FROM members WHERE conv = ?1",
    [Q_SENDERS] = "SELECT m.user, u.name, m.last_seq FROM members m"
		  " JOIN users u ON u.id = m.user WHERE m.conv = ?1 AND m.last_seq > 0",
    [Q_MSG_BY_CLIENT] = "SELECT seq, ts FROM messages"
			" WHERE conv = ?1 AND sender = ?2 AND client_id = ?3",
    [Q_SEQ_NEXT] = "UPDATE members SET last_seq = last_seq + 1 WHERE conv = ?1 AND user = ?2"
		   " RETURNING last_seq",
    [Q_MSG_INSERT] = "INSERT INTO messages(conv, sender, seq, ts, client_id, body)"
		     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_MSG_RANGE] = "SELECT id FROM messages WHERE conv = ?1 AND sender = ?2"
		    " AND seq BETWEEN ?3 AND ?4 ORDER BY seq LIMIT ?5",
    [Q_MSG_GET] = "SELECT c.pubid, u.name, m.seq, m.ts, m.body FROM messages m"
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
    [Q_CURSOR] = "SELECT coalesce(max(cursor), 0) FROM events",
    [Q_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [Q_META_SET] = "INSERT INTO meta(key, value) VALUES (?1, ?2)"
		   " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
};

struct store {
	struct db db;
	sqlite3_stmt *st[Q_COUNT];
	int retention;
	uint64_t cursor;
};

/* The prepared statement q, reset and unbound, or NULL with e set. */
static sqlite3_stmt *
st(struct store *s, enum q q, struct err *e)
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

/* Steps a statement expecting no row; 0 or -1. */
static int
run(struct store *s, sqlite3_stmt *t, struct err *e)
{
	int rc = db_step(&s->db, t, e);
	sqlite3_reset(t);
	return rc < 0 ? -1 : 0;
}

/* Opens the store and reads the current event cursor. */
int
store_open(struct store **sp, const char *path, int retention, struct err *e)
{
	struct store *s = xcalloc(1, sizeof(*s));
	if (db_open(&s->db, path, migrations, nitems(migrations), path == NULL ? DB_MEMORY : 0, e) <
	    0) {
		free(s);
		return -1;
	}
	s->retention = retention;
	sqlite3_stmt *t = st(s, Q_CURSOR, e);
	if (t == NULL || db_step(&s->db, t, e) != SQLITE_ROW) {
		store_close(s);
		return -1;
	}
	s->cursor = (uint64_t)sqlite3_column_int64(t, 0);
	sqlite3_reset(t);
	*sp = s;
	return 0;
}

/* Finalizes every statement and closes the database. */
void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	db_close(&s->db);
	free(s);
}

/* Creates a user; 1 when the name is taken. */
int
store_user_create(
    struct store *s, const char *name, const char *pwhash, int64_t *uid, struct err *e)
{
	sqlite3_stmt *t = st(s, Q_USER_INSERT, e);
	if (t == NULL)
		return -1;
	db_bind_text(t, 1, name);
	db_bind_text(t, 2, pwhash);
	sqlite3_bind_int64(t, 3, now_ms());
	if (run(s, t, e) < 0)
		return -1;
	if (sqlite3_changes(s->db.h) == 0)
		return 1;
	*uid = sqlite3_last_insert_rowid(s->db.h);
	return 0;
}

/* Finds a user by name with the password hash. */
int
store_user_find(struct store *s, const char *name, int64_t *uid, char **pwhash, struct err *e)
{
	sqlite3_stmt *t = st(s, Q_USER_FIND, e);
	if (t == NULL)
		return -1;
	db_bind_text(t, 1, name);
	int rc = db_step(&s->db, t, e);
	if (rc < 0)
		return -1;
	if (rc != SQLITE_ROW) {
		sqlite3_reset(t);
		return 1;
	}
	*uid = sqlite3_column_int64(t, 0);
	if (pwhash != NULL)
		*pwhash = xstrdup((const char *)sqlite3_column_text(t, 1));
	sqlite3_reset(t);
	return 0;
}

/* Replaces a user's password hash (the demo users on each start). */
int
store_user_set_password(struct store *s, int64_t uid, const char *pwhash, struct err *e)
{
	sqlite3_stmt *t = st(s, Q_USER_SETPW, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, uid);
	db_bind_text(t, 2, pwhash);
	return run(s, t, e);
}

/* Records a token (by its hash) for a user. */
int
store_token_add(struct store *s, int64_t uid, const unsigned char hash[32], struct err *e)
{
	sqlite3_stmt *t = st(s, Q_TOKEN_INSERT, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_blob(t, 1, hash, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(t, 2, uid);
	sqlite3_bind_int64(t, 3, now_ms());
	return run(s, t, e);
}

/* The user a token hash belongs to. */
int
store_token_user(
    struct store *s, const unsigned char hash[32], int64_t *uid, char **name, struct err *e)
{
	sqlite3_stmt *t = st(s, Q_TOKEN_USER, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_blob(t, 1, hash, 32, SQLITE_TRANSIENT);
	int rc = db_step(&s->db, t, e);
	if (rc < 0)
		return -1;
	int found = rc == SQLITE_ROW && sqlite3_column_bytes(t, 0) == 32 &&
	    sodium_memcmp(sqlite3_column_blob(t, 0), hash, 32) == 0;
	if (found) {
		*uid = sqlite3_column_int64(t, 1);
		*name = xstrdup((const char *)sqlite3_column_text(t, 2));
	}
	sqlite3_reset(t);
	return found ? 0 : 1;
}

/* Forgets a token. */
int
store_token_revoke(struct store *s, const unsigned char hash[32], struct err *e)
{
	sqlite3_stmt *t = st(s, Q_TOKEN_DELETE, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_blob(t, 1, hash, 32, SQLITE_TRANSIENT);
	return run(s, t, e);
}

/* Appends a user id to a growing array. */
static void
push_id(int64_t **a, size_t *n, int64_t id)
{
	*a = xreallocarray(*a, *n + 1, sizeof(**a));
	(*a)[(*n)++] = id;
}

/* Adds an event for every member of conv (or only for `only` when > 0). */
static int
event_add(struct store *s, int type, int64_t conv, int64_t msg, int64_t only, int64_t **woken,
    size_t *nwoken, struct err *e)
{
	sqlite3_stmt *t = st(s, Q_EVENT_INSERT, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int(t, 1, type);
	sqlite3_bind_int64(t, 2, conv);
	if (msg > 0)
		sqlite3_bind_int64(t, 3, msg);
	if (run(s, t, e) < 0)
		return -1;
	int64_t cursor = sqlite3_last_insert_rowid(s->db.h);

	int64_t *users = NULL;
	size_t n = 0;
	if (only > 0) {
		push_id(&users, &n, only);
	} else {
		sqlite3_stmt *m = st(s, Q_MEMBER_IDS, e);
		if (m == NULL)
			return -1;
		sqlite3_bind_int64(m, 1, conv);
		int rc;
		while ((rc = db_step(&s->db, m, e)) == SQLITE_ROW)
			push_id(&users, &n, sqlite3_column_int64(m, 0));
		sqlite3_reset(m);
		if (rc < 0) {
			free(users);
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *u = st(s, Q_INBOX_INSERT, e);
		if (u == NULL)
			goto fail;
		sqlite3_bind_int64(u, 1, users[i]);
		sqlite3_bind_int64(u, 2, cursor);
		if (run(s, u, e) < 0)
			goto fail;
		if ((u = st(s, Q_INBOX_COUNT, e)) == NULL)
			goto fail;
		sqlite3_bind_int64(u, 1, users[i]);
		if (db_step(&s->db, u, e) != SQLITE_ROW)
			goto fail;
		int64_t held = sqlite3_column_int64(u, 0);
		sqlite3_reset(u);
		if (held <= s->retention)
			continue;
		/* Drop the oldest beyond the retention and remember the gap. */
		int64_t excess = held - s->retention, last = 0;
		if ((u = st(s, Q_INBOX_OLDEST, e)) == NULL)
			goto fail;
		sqlite3_bind_int64(u, 1, users[i]);
		sqlite3_bind_int64(u, 2, excess);
		int rc;
		while ((rc = db_step(&s->db, u, e)) == SQLITE_ROW)
			last = sqlite3_column_int64(u, 0);
		sqlite3_reset(u);
		if (rc < 0 || (u = st(s, Q_INBOX_DELETE, e)) == NULL)
			goto fail;
		sqlite3_bind_int64(u, 1, users[i]);
		sqlite3_bind_int64(u, 2, last);
		if (run(s, u, e) < 0 || (u = st(s, Q_INBOX_DROPPED, e)) == NULL)
			goto fail;
		sqlite3_bind_int64(u, 1, users[i]);
		sqlite3_bind_int64(u, 2, sqlite3_changes(s->db.h));
		sqlite3_bind_int64(u, 3, last);
		if (run(s, u, e) < 0)
			goto fail;
	}
	s->cursor = (uint64_t)cursor;
	if (woken != NULL) {
		*woken = users;
		*nwoken = n;
	} else {
		free(users);
	}
	return 0;
fail:
	free(users);
	return -1;
}

/* Creates a conversation with its members and their conversation events. */
int
store_conv_create(struct store *s, int64_t uid, const char *title, const char *const *names,
    size_t n, json_t **out, char **unknown, int64_t **woken, size_t *nwoken, struct err *e)
{
	int64_t *ids = NULL;
	size_t nids = 0;
	*woken = NULL;
	*nwoken = 0;
	*unknown = NULL;
	if (db_begin(&s->db, e) < 0)
		return -1;
	push_id(&ids, &nids, uid);
	for (size_t i = 0; i < n; i++) {
		int64_t id;
		int rc = store_user_find(s, names[i], &id, NULL, e);
		if (rc < 0)
			goto fail;
		if (rc == 1) {
			*unknown = xstrdup(names[i]);
			db_rollback(&s->db);
			free(ids);
			return 1;
		}
		push_id(&ids, &nids, id);
	}
	char *pubid = NULL;
	for (int tries = 0;; tries++) {
		char *hex = random_hex(8);
		pubid = xasprintf("c%s", hex);
		free(hex);
		sqlite3_stmt *t = st(s, Q_CONV_INSERT, e);
		if (t == NULL)
			goto fail_pubid;
		db_bind_text(t, 1, pubid);
		db_bind_text(t, 2, title);
		sqlite3_bind_int64(t, 3, now_ms());
		int rc = db_step(&s->db, t, e);
		sqlite3_reset(t);
		if (rc == SQLITE_DONE)
			break;
		if (tries > 3 || sqlite3_errcode(s->db.h) != SQLITE_CONSTRAINT)
			goto fail_pubid;
		free(pubid);
	}
	free(pubid);
	int64_t conv = sqlite3_last_insert_rowid(s->db.h);
	for (size_t i = 0; i < nids; i++) {
		sqlite3_stmt *t = st(s, Q_MEMBER_INSERT, e);
		if (t == NULL)
			goto fail;
		sqlite3_bind_int64(t, 1, conv);
		sqlite3_bind_int64(t, 2, ids[i]);
		if (run(s, t, e) < 0)
			goto fail;
		if (sqlite3_changes(s->db.h) == 0)
			continue;
		if (event_add(s, EV_CONVERSATION, conv, 0, ids[i], NULL, NULL, e) < 0)
			goto fail;
		push_id(woken, nwoken, ids[i]);
	}
	if (store_conv_json(s, conv, true, out, e) < 0)
		goto fail;
	if (db_commit(&s->db, e) < 0) {
		json_decref(*out);
		goto fail;
	}
	free(ids);
	return 0;
fail_pubid:
	free(pubid);
fail:
	db_rollback(&s->db);
	free(ids);
	free(*woken);
	*woken = NULL;
	*nwoken = 0;
	return -1;
}

/* The internal id of a conversation of which uid is a member. */
int
store_conv_member(struct store *s, int64_t uid, const char *pubid, int64_t *conv, struct err *e)
{
	sqlite3_stmt *t = st(s, Q_CONV_MEMBER, e);
	if (t == NULL)
		return -1;
	db_bind_text(t, 1, pubid);
	sqlite3_bind_int64(t, 2, uid);
	int rc = db_step(&s->db, t, e);
	if (rc == SQLITE_ROW)
		*conv = sqlite3_column_int64(t, 0);
	sqlite3_reset(t);
	return rc < 0 ? -1 : rc == SQLITE_ROW ? 0 : 1;
}

/* The conversation object: id, title, members, created, digest, optional vector. */
int
store_conv_json(struct store *s, int64_t conv, bool with_vector, json_t **out, struct err *e)
{
	sqlite3_stmt *t = st(s, Q_CONV_GET, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, conv);
	if (db_step(&s->db, t, e) != SQLITE_ROW) {
		sqlite3_reset(t);
		return err_set(e, ERR_DB, "conversation %lld vanished", (long long)conv);
	}
	json_t *o = json_pack("{s:s, s:s, s:I}", "id", (const char *)sqlite3_column_text(t, 0),
	    "title", (const char *)sqlite3_column_text(t, 1), "created",
	    (json_int_t)sqlite3_column_int64(t, 2));
	sqlite3_reset(t);

	if ((t = st(s, Q_MEMBERS, e)) == NULL) {
		json_decref(o);
		return -1;
	}
	sqlite3_bind_int64(t, 1, conv);
	json_t *members = json_array(), *vec = json_object();
	struct vector v = {0};
	int rc;
	while ((rc = db_step(&s->db, t, e)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(t, 0);
		int64_t last = sqlite3_column_int64(t, 1);
		json_array_append_new(members, json_string(name));
		if (last > 0) {
			struct seqset *row = vector_row(&v, name);
			seqset_add_range(row, 1, (uint64_t)last);
			char *text = seqset_to_string(row);
			json_object_set_new(vec, name, json_string(text));
			free(text);
		}
	}
	sqlite3_reset(t);
	json_object_set_new(o, "members", members);
	char digest[DIGEST_HEXLEN + 1];
	vector_digest(&v, digest);
	vector_free(&v);
	if (with_vector)
		json_object_set_new(o, "vector", vec);
	else
		json_decref(vec);
	json_object_set_new(o, "digest", json_string(digest));
	if (rc < 0) {
		json_decref(o);
		return -1;
	}
	*out = o;
	return 0;
}

/* The ids of uid's conversations, oldest first. */
int
store_conv_ids(struct store *s, int64_t uid, int64_t **ids, size_t *n, struct err *e)
{
	sqlite3_stmt *t = st(s, Q_CONV_LIST, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, uid);
	*ids = NULL;
	*n = 0;
	int rc;
	while ((rc = db_step(&s->db, t, e)) == SQLITE_ROW)
		push_id(ids, n, sqlite3_column_int64(t, 0));
	sqlite3_reset(t);
	if (rc < 0) {
		free(*ids);
		*ids = NULL;
		return -1;
	}
	return 0;
}

/* Every conversation of uid, oldest first. */
int
store_conv_list(struct store *s, int64_t uid, json_t **out, struct err *e)
{
	int64_t *convs;
	size_t n;
	if (store_conv_ids(s, uid, &convs, &n, e) < 0)
		return -1;
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o;
		if (store_conv_json(s, convs[i], true, &o, e) < 0) {
			json_decref(a);
			free(convs);
			return -1;
		}
		json_array_append_new(a, o);
	}
	free(convs);
	*out = a;
	return 0;
}

/* The name of a user id, allocated. */
static char *
user_name(struct store *s, int64_t uid, struct err *e)
{
	sqlite3_stmt *t = st(s, Q_USER_NAME, e);
	if (t == NULL)
		return NULL;
	sqlite3_bind_int64(t, 1, uid);
	char *name = NULL;
	if (db_step(&s->db, t, e) == SQLITE_ROW)
		name = xstrdup((const char *)sqlite3_column_text(t, 0));
	sqlite3_reset(t);
	return name;
}

/* Stores a message, or returns the one this sender sent with this client id. */
int
store_send(struct store *s, int64_t uid, int64_t conv, const char *client_id, const char *body,
    size_t bodylen, json_t **out, bool *created, int64_t **woken, size_t *nwoken, struct err *e)
{
	*woken = NULL;
	*nwoken = 0;
	if (db_begin(&s->db, e) < 0)
		return -1;
	sqlite3_stmt *t = st(s, Q_MSG_BY_CLIENT, e);
	if (t == NULL)
		goto fail;
	sqlite3_bind_int64(t, 1, conv);
	sqlite3_bind_int64(t, 2, uid);
	db_bind_text(t, 3, client_id);
	int rc = db_step(&s->db, t, e);
	if (rc < 0)
		goto fail;
	int64_t seq, ts;
	*created = rc != SQLITE_ROW;
	if (!*created) {
		seq = sqlite3_column_int64(t, 0);
		ts = sqlite3_column_int64(t, 1);
		sqlite3_reset(t);
	} else {
		sqlite3_reset(t);
		if ((t = st(s, Q_SEQ_NEXT, e)) == NULL)
			goto fail;
		sqlite3_bind_int64(t, 1, conv);
		sqlite3_bind_int64(t, 2, uid);
		if (db_step(&s->db, t, e) != SQLITE_ROW) {
			sqlite3_reset(t);
			err_set(e, ERR_DB, "sender is not a member");
			goto fail;
		}
		seq = sqlite3_column_int64(t, 0);
		sqlite3_reset(t);
		ts = now_ms();
		if ((t = st(s, Q_MSG_INSERT, e)) == NULL)
			goto fail;
		sqlite3_bind_int64(t, 1, conv);
		sqlite3_bind_int64(t, 2, uid);
		sqlite3_bind_int64(t, 3, seq);
		sqlite3_bind_int64(t, 4, ts);
		db_bind_text(t, 5, client_id);
		sqlite3_bind_text(t, 6, body, (int)bodylen, SQLITE_TRANSIENT);
		if (run(s, t, e) < 0)
			goto fail;
		int64_t msg = sqlite3_last_insert_rowid(s->db.h);
		if (event_add(s, EV_MESSAGE, conv, msg, 0, woken, nwoken, e) < 0)
			goto fail;
	}
	char *sender = user_name(s, uid, e);
	if ((t = st(s, Q_CONV_GET, e)) == NULL || sender == NULL) {
		free(sender);
		goto fail;
	}
	sqlite3_bind_int64(t, 1, conv);
	if (db_step(&s->db, t, e) != SQLITE_ROW) {
		sqlite3_reset(t);
		free(sender);
		goto fail;
	}
	*out = json_pack("{s:s, s:s, s:I, s:I}", "conv", (const char *)sqlite3_column_text(t, 0),
	    "sender", sender, "seq", (json_int_t)seq, "ts", (json_int_t)ts);
	sqlite3_reset(t);
	free(sender);
	if (db_commit(&s->db, e) < 0) {
		json_decref(*out);
		goto fail;
	}
	return 0;
fail:
	db_rollback(&s->db);
	free(*woken);
	*woken = NULL;
	*nwoken = 0;
	return -1;
}

/* Orders message ids. */
static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Collects the ids of the messages of (conv, sender) with seq in lo..hi,
 * at most *room; *room is decreased by what was found.
 */
static int
collect_range(struct store *s, int64_t conv, int64_t sender, uint64_t lo, uint64_t hi,
    int64_t *room, int64_t **ids, size_t *n, struct err *e)
{
	sqlite3_stmt *t = st(s, Q_MSG_RANGE, e);
	if (t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, conv);
	sqlite3_bind_int64(t, 2, sender);
	sqlite3_bind_int64(t, 3, (int64_t)lo);
	sqlite3_bind_int64(t, 4, (int64_t)hi);
	sqlite3_bind_int64(t, 5, *room);
	int rc;
	while ((rc = db_step(&s->db, t, e)) == SQLITE_ROW) {
		push_id(ids, n, sqlite3_column_int64(t, 0));
		(*room)--;
	}
	sqlite3_reset(t);
	return rc < 0 ? -1 : 0;
}

/*
 * The messages of the scope not in `have`: for each (conv, sender) the
 * complement of the held set within 1..last_seq is walked range by range on
 * the (conv, sender, seq) index, keeping at most limit+1 per sender; the
 * first `limit` of their union by acceptance order are the answer.
 */
int
store_sync_ids(struct store *s, const struct sync_req *q, int64_t **idsp, size_t *np, bool *more,
    struct err *e)
{
	int64_t *ids = NULL;
	size_t n = 0;
	for (size_t c = 0; c < q->n; c++) {
		const struct sync_conv *sc = &q->convs[c];
		sqlite3_stmt *t = st(s, Q_SENDERS, e);
		if (t == NULL)
			goto fail;
		sqlite3_bind_int64(t, 1, sc->conv);
		struct sender {
			int64_t id;
			char *name;
			uint64_t last;
		} *snd = NULL;
		size_t ns = 0;
		int rc;
		while ((rc = db_step(&s->db, t, e)) == SQLITE_ROW) {
			snd = xreallocarray(snd, ns + 1, sizeof(*snd));
			snd[ns].id = sqlite3_column_int64(t, 0);
			snd[ns].name = xstrdup((const char *)sqlite3_column_text(t, 1));
			snd[ns].last = (uint64_t)sqlite3_column_int64(t, 2);
			ns++;
		}
		sqlite3_reset(t);
		for (size_t i = 0; rc >= 0 && i < ns; i++) {
			const struct seqset *held = vector_get(&sc->have, snd[i].name);
			int64_t room = q->limit + 1;
			uint64_t next = 1;
			size_t ri = 0;
			while (rc >= 0 && room > 0 && next <= snd[i].last) {
				uint64_t hi = snd[i].last;
				if (held != NULL && ri < held->n) {
					const struct range *r = &held->r[ri];
					if (r->hi < next) {
						ri++;
						continue;
					}
					if (r->lo <= next) {
						next = r->hi + 1;
						ri++;
						continue;
					}
					if (r->lo - 1 < hi)
						hi = r->lo - 1;
				}
				if (collect_range(
					s, sc->conv, snd[i].id, next, hi, &room, &ids, &n, e) < 0)
					rc = -1;
				next = hi + 1;
			}
		}
		for (size_t i = 0; i < ns; i++)
			free(snd[i].name);
		free(snd);
		if (rc < 0)
			goto fail;
	}
	if (n > 0)
		qsort(ids, n, sizeof(*ids), cmp_id);
	*more = n > (size_t)q->limit;
	if (*more)
		n = (size_t)q->limit;
	*idsp = ids;
	*np = n;
	return 0;
fail:
	free(ids);
	return -1;
}

/* The message object of a row id. */
static json_t *
message_json(struct store *s, int64_t id, struct err *e)
{
	sqlite3_stmt *t = st(s, Q_MSG_GET, e);
	if (t == NULL)
		return NULL;
	sqlite3_bind_int64(t, 1, id);
	json_t *o = NULL;
	if (db_step(&s->db, t, e) == SQLITE_ROW) {
		o = json_pack("{s:s, s:s, s:I, s:I, s:s%}", "conv",
		    (const char *)sqlite3_column_text(t, 0), "sender",
		    (const char *)sqlite3_column_text(t, 1), "seq",
		    (json_int_t)sqlite3_column_int64(t, 2), "ts",
		    (json_int_t)sqlite3_column_int64(t, 3), "body",
		    (const char *)sqlite3_column_text(t, 4), (size_t)sqlite3_column_bytes(t, 4));
	} else {
		err_set(e, ERR_DB, "message %lld vanished", (long long)id);
	}
	sqlite3_reset(t);
	return o;
}

/* The sync answer: messages missing from `have`, `more`, and the scope's metadata. */
int
store_sync(struct store *s, const struct sync_req *q, json_t **messages, bool *more, json_t **metas,
    struct err *e)
{
	int64_t *ids;
	size_t n;
	if (store_sync_ids(s, q, &ids, &n, more, e) < 0)
		return -1;
	json_t *a = json_array(), *m = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = message_json(s, ids[i], e);
		if (o == NULL)
			goto fail;
		json_array_append_new(a, o);
	}
	for (size_t i = 0; i < q->n; i++) {
		json_t *o;
		if (store_conv_json(s, q->convs[i].conv, false, &o, e) < 0)
			goto fail;
		json_array_append_new(m, o);
	}
	free(ids);
	*messages = a;
	*metas = m;
	return 0;
fail:
	free(ids);
	json_decref(a);
	json_decref(m);
	return -1;
}

/* The newest event cursor. */
uint64_t
store_cursor(struct store *s)
{
	return s->cursor;
}

/* uid's retained events after `after`, with the gap flag and the next cursor. */
int
store_events(struct store *s, int64_t uid, uint64_t after, json_t **events, bool *gap,
    uint64_t *cursor, struct err *e)
{
	*events = json_array();
	*gap = false;
	*cursor = s->cursor;
	if (after > s->cursor) {
		*gap = true;
		return 0;
	}
	sqlite3_stmt *t = st(s, Q_USER_DROPPED, e);
	if (t == NULL)
		goto fail;
	sqlite3_bind_int64(t, 1, uid);
	if (db_step(&s->db, t, e) == SQLITE_ROW)
		*gap = (uint64_t)sqlite3_column_int64(t, 0) > after;
	sqlite3_reset(t);

	if ((t = st(s, Q_INBOX_AFTER, e)) == NULL)
		goto fail;
	sqlite3_bind_int64(t, 1, uid);
	sqlite3_bind_int64(t, 2, (int64_t)after);
	sqlite3_bind_int64(t, 3, EVENTS_PER_ANSWER + 1);
	struct ev {
		int64_t cursor, conv, msg;
		int type;
	} *evs = NULL;
	size_t n = 0;
	int rc;
	while ((rc = db_step(&s->db, t, e)) == SQLITE_ROW) {
		evs = xreallocarray(evs, n + 1, sizeof(*evs));
		evs[n].cursor = sqlite3_column_int64(t, 0);
		evs[n].type = sqlite3_column_int(t, 1);
		evs[n].conv = sqlite3_column_int64(t, 2);
		evs[n].msg = sqlite3_column_int64(t, 3);
		n++;
	}
	sqlite3_reset(t);
	if (rc < 0) {
		free(evs);
		goto fail;
	}
	if (n > EVENTS_PER_ANSWER) {
		n = EVENTS_PER_ANSWER;
		*cursor = (uint64_t)evs[n - 1].cursor;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *o;
		if (evs[i].type == EV_MESSAGE) {
			o = message_json(s, evs[i].msg, e);
		} else if (store_conv_json(s, evs[i].conv, false, &o, e) < 0) {
			o = NULL;
		} else {
			json_object_del(o, "digest");
		}
		if (o == NULL) {
			free(evs);
			goto fail;
		}
		json_t *ev = json_pack(
		    "{s:s}", "type", evs[i].type == EV_MESSAGE ? "message" : "conversation");
		json_object_update(ev, o);
		json_decref(o);
		json_array_append_new(*events, ev);
	}
	free(evs);
	return (int)n;
fail:
	json_decref(*events);
	*events = NULL;
	return -1;
}

/* Reads a setting. */
int
store_meta_get(struct store *s, const char *key, char **value, struct err *e)
{
	sqlite3_stmt *t = st(s, Q_META_GET, e);
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
int
store_meta_set(struct store *s, const char *key, const char *value, struct err *e)
{
	sqlite3_stmt *t = st(s, Q_META_SET, e);
	if (t == NULL)
		return -1;
	db_bind_text(t, 1, key);
	db_bind_text(t, 2, value);
	return run(s, t, e);
}
