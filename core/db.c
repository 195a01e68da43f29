/* SQLite plumbing: open, pragmas, migrations, short transactions, busy retries. */
#include "db.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* How long a statement waits for another process's lock before retrying. */
#define BUSY_TIMEOUT_MS 5000
/* How long db_step and db_begin keep retrying a busy database in total. */
#define BUSY_GIVEUP_MS 60000

/* Sets e from the connection's error message. */
int
db_error(struct db *db, struct err *e, const char *what)
{
	const char *msg = db->h ? sqlite3_errmsg(db->h) : "out of memory";
	return err_set(e, ERR_DB, "%s: %s: %s", db->path ? db->path : "database", what, msg);
}

/* Sleeps a few milliseconds between retries. */
static void
pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Tells whether a result code means another connection holds a lock. */
static bool
is_busy(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
}

/* Runs SQL text (several statements allowed), retrying while busy. */
int
db_exec(struct db *db, const char *sql, struct err *e)
{
	int64_t start = mono_ms();
	for (;;) {
		int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return 0;
		if (!is_busy(rc) || mono_ms() - start > BUSY_GIVEUP_MS)
			return db_error(db, e, "cannot run statement");
		pause_ms(10);
	}
}

/* Prepares one statement. */
int
db_prepare(struct db *db, sqlite3_stmt **stmt, const char *sql, struct err *e)
{
	if (sqlite3_prepare_v2(db->h, sql, -1, stmt, NULL) != SQLITE_OK) {
		*stmt = NULL;
		return db_error(db, e, "cannot prepare statement");
	}
	return 0;
}

/* Steps a statement, retrying while the database is busy. */
int
db_step(struct db *db, sqlite3_stmt *stmt, struct err *e)
{
	int64_t start = mono_ms();
	for (;;) {
		int rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			return rc;
		if (!is_busy(rc) || mono_ms() - start > BUSY_GIVEUP_MS) {
			db_error(db, e, "cannot run statement");
			sqlite3_reset(stmt);
			return -1;
		}
		sqlite3_reset(stmt);
		pause_ms(10);
	}
}

/* Starts a write transaction at once, so it cannot fail later on upgrade. */
int
db_begin(struct db *db, struct err *e)
{
	return db_exec(db, "BEGIN IMMEDIATE", e);
}

/* Commits, retrying while readers hold the WAL. */
int
db_commit(struct db *db, struct err *e)
{
	if (db_exec(db, "COMMIT", e) < 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

/* Rolls back the open transaction, if any. */
void
db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

/* Binds text or NULL. */
int
db_bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(stmt, i);
	return sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT);
}

/* Reads PRAGMA user_version. */
static int
user_version(struct db *db, int *version, struct err *e)
{
	sqlite3_stmt *stmt;
	if (db_prepare(db, &stmt, "PRAGMA user_version", e) < 0)
		return -1;
	int rc = db_step(db, stmt, e);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Applies the migrations the database has not seen, one transaction each. */
static int
migrate(struct db *db, const char *const *migrations, size_t n, struct err *e)
{
	int version;
	if (user_version(db, &version, e) < 0)
		return -1;
	if (version < 0 || (size_t)version > n)
		return err_set(e, ERR_DB,
		    "%s: schema version %d is newer than this program knows (%zu); "
		    "upgrade natter",
		    db->path, version, n);
	for (size_t i = (size_t)version; i < n; i++) {
		if (db_begin(db, e) < 0)
			return -1;
		/* Another process may have migrated while we waited for the lock. */
		if (user_version(db, &version, e) < 0) {
			db_rollback(db);
			return -1;
		}
		if ((size_t)version > i) {
			db_rollback(db);
			i = (size_t)version - 1;
			continue;
		}
		char *bump = xasprintf("PRAGMA user_version = %zu", i + 1);
		int rc = db_exec(db, migrations[i], e);
		if (rc == 0)
			rc = db_exec(db, bump, e);
		free(bump);
		if (rc < 0) {
			db_rollback(db);
			return -1;
		}
		if (db_commit(db, e) < 0)
			return -1;
	}
	return 0;
}

/*
 * Creates the file ourselves, mode 0600, so it is never readable by others.
 * An existing file is left alone: closing a descriptor of a file that another
 * connection of this process has open would cancel that connection's POSIX
 * locks, and another process would then take the database for unused and
 * remove its WAL. The mutex keeps our short-lived descriptor from overlapping
 * another thread's opening of the same new file.
 */
static int
create_private(const char *path, struct err *e)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&mu);
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int saved = errno;
	if (fd >= 0)
		close(fd);
	pthread_mutex_unlock(&mu);
	if (fd < 0 && saved != EEXIST)
		return err_set(e, ERR_DB, "cannot open %s: %s", path, strerror(saved));
	return 0;
}

/* Opens a database with natter's pragmas and brings its schema up to date. */
int
db_open(struct db *db, const char *path, const char *const *migrations, size_t n, int flags,
    struct err *e)
{
	*db = (struct db){0};
	db->path = xstrdup(flags & DB_MEMORY ? ":memory:" : path);
	if (!(flags & (DB_MEMORY | DB_MEMDB | DB_READONLY)) && create_private(path, e) < 0)
		goto fail;
	int oflags =
	    flags & DB_READONLY ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	oflags |= SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(db->path, &db->h, oflags, flags & DB_MEMDB ? "memdb" : NULL) !=
	    SQLITE_OK) {
		db_error(db, e, "cannot open database");
		goto fail;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, BUSY_TIMEOUT_MS);
	if (flags & DB_MEMDB) {
		/* memdb stops at 1 GiB by default; memory is the only limit here. */
		sqlite3_int64 limit = (sqlite3_int64)1 << 40;
		sqlite3_file_control(db->h, "main", SQLITE_FCNTL_SIZE_LIMIT, &limit);
	}
	if (!(flags & (DB_MEMORY | DB_MEMDB | DB_READONLY)) &&
	    db_exec(db, "PRAGMA journal_mode = WAL", e) < 0)
		goto fail;
	if (db_exec(db,
		flags & DB_SYNC_FULL ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
		e) < 0)
		goto fail;
	if (db_exec(db, "PRAGMA foreign_keys = ON", e) < 0)
		goto fail;
	/* A deleted message's text must leave no bytes in free space (issue 14). */
	if (db_exec(db, "PRAGMA secure_delete = ON", e) < 0)
		goto fail;
	if (!(flags & DB_READONLY) && migrate(db, migrations, n, e) < 0)
		goto fail;
	return 0;
fail:
	db_close(db);
	return -1;
}

/* Closes the database; finalizes nothing, so callers finalize their statements first. */
void
db_close(struct db *db)
{
	if (db->h != NULL)
		sqlite3_close_v2(db->h);
	free(db->path);
	*db = (struct db){0};
}

/* Runs one statement on an item's target (conv, sender, seq as ?1-?3). */
int
db_run_target(struct db *db, const char *sql, const char *conv, const char *sender, uint64_t seq,
    int *changed, struct err *e)
{
	sqlite3_stmt *st;
	if (db_prepare(db, &st, sql, e) < 0)
		return -1;
	db_bind_text(st, 1, conv);
	db_bind_text(st, 2, sender);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)seq);
	int rc = db_step(db, st, e);
	sqlite3_finalize(st);
	*changed = rc == SQLITE_ROW          ? 1
	    : strncmp(sql, "SELECT", 6) == 0 ? 0
					     : sqlite3_changes(db->h);
	return rc < 0 ? -1 : 0;
}
