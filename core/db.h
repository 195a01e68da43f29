/*
 * SQLite plumbing shared by every store (history.db, sync.db, the server's):
 * opening with the right pragmas and mode 0600, schema migrations kept in
 * `PRAGMA user_version` and applied in a transaction, short write
 * transactions (BEGIN IMMEDIATE) and retries on SQLITE_BUSY, so a busy
 * database is waited for and never reported to the user.
 */
#ifndef NATTER_DB_H
#define NATTER_DB_H

#include <sqlite3.h>
#include <stddef.h>

#include "util.h"

enum db_flags {
	DB_MEMORY = 1 << 0, /* ignore path: a private in-memory database */
	DB_SYNC_FULL = 1 << 1, /* synchronous=FULL (default NORMAL, safe in WAL) */
	DB_READONLY = 1 << 2, /* open read-only; no migrations */
	DB_MEMDB = 1 << 3, /* path names a memory database ("/name") shared by this process */
};

struct db {
	sqlite3 *h;
	char *path;
};

/*
 * Opens (creating, mode 0600) the database at path, sets WAL, busy_timeout, secure_delete,
 * foreign keys and synchronous, then applies migrations[user_version..n-1],
 * each in its own transaction with user_version bumped in the same
 * transaction. A database newer than n migrations is refused.
 */
int db_open(struct db *db, const char *path, const char *const *migrations, size_t n, int flags,
    struct err *e);
void db_close(struct db *db);

/* Runs SQL with no results (several statements allowed). */
int db_exec(struct db *db, const char *sql, struct err *e);
/* Prepares one statement; the caller finalizes it. */
int db_prepare(struct db *db, sqlite3_stmt **stmt, const char *sql, struct err *e);
/*
 * Steps a statement, retrying while the database is busy. Returns SQLITE_ROW,
 * SQLITE_DONE, or -1 with e set.
 */
int db_step(struct db *db, sqlite3_stmt *stmt, struct err *e);
/* BEGIN IMMEDIATE (retried while busy), COMMIT (retried), ROLLBACK. */
int db_begin(struct db *db, struct err *e);
int db_commit(struct db *db, struct err *e);
void db_rollback(struct db *db);
/* Sets e from the connection's last error, prefixed with what; returns -1. */
int db_error(struct db *db, struct err *e, const char *what);
/* Binds a text parameter (SQLITE_TRANSIENT) by index; NULL binds NULL. */
int db_bind_text(sqlite3_stmt *stmt, int i, const char *s);
/*
 * Runs one statement with conv, sender, seq bound to ?1-?3 (an item's
 * target): *changed is whether a query found a row, or how many rows a
 * change touched. The erasure of deleted texts in both stores uses it.
 */
int db_run_target(struct db *db, const char *sql, const char *conv, const char *sender,
    uint64_t seq, int *changed, struct err *e);

#endif
