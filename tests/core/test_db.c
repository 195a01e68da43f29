/* Tests of the SQLite plumbing (core/db.c): file mode, migrations, busy waits. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "db.h"
#include "testlib.h"

static const char *self; /* argv[0], for a child process */

static const char *const v1[] = {
    "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL);",
};
static const char *const v2[] = {
    "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL);",
    "ALTER TABLE t ADD COLUMN extra INTEGER NOT NULL DEFAULT 7;",
};
static const char *const broken[] = {
    "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL);",
    "CREATE TABLE u (a); THIS IS NOT SQL;",
};

/* Returns a fresh database path inside the test directory. */
static char *
path_for(const char *name)
{
	char *p = test_path(name);
	unlink(p);
	return p;
}

/* Reads one integer with a query. */
static int
query_int(struct db *db, const char *sql)
{
	sqlite3_stmt *stmt;
	struct err e;
	assert_int_equal(db_prepare(db, &stmt, sql, &e), 0);
	assert_int_equal(db_step(db, stmt, &e), SQLITE_ROW);
	int v = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

static void
db__open__creates_private_wal_file(void **state)
{
	(void)state;
	char *p = path_for("a.db");
	struct db db;
	struct err e = {0};
	umask(022);
	assert_int_equal(db_open(&db, p, v1, 1, 0, &e), 0);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	sqlite3_stmt *stmt;
	assert_int_equal(db_prepare(&db, &stmt, "PRAGMA journal_mode", &e), 0);
	assert_int_equal(db_step(&db, stmt, &e), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "wal");
	sqlite3_finalize(stmt);
	assert_int_equal(query_int(&db, "PRAGMA user_version"), 1);
	db_close(&db);
	free(p);
}

static void
db__migrate__upgrades_and_keeps_rows(void **state)
{
	(void)state;
	char *p = path_for("b.db");
	struct db db;
	struct err e = {0};
	assert_int_equal(db_open(&db, p, v1, 1, 0, &e), 0);
	assert_int_equal(db_exec(&db, "INSERT INTO t (v) VALUES ('kept')", &e), 0);
	db_close(&db);
	assert_int_equal(db_open(&db, p, v2, 2, 0, &e), 0);
	assert_int_equal(query_int(&db, "PRAGMA user_version"), 2);
	assert_int_equal(query_int(&db, "SELECT extra FROM t WHERE v = 'kept'"), 7);
	db_close(&db);
	free(p);
}

static void
db__migrate__failed_step_rolls_back(void **state)
{
	(void)state;
	char *p = path_for("c.db");
	struct db db;
	struct err e = {0};
	assert_int_equal(db_open(&db, p, broken, 2, 0, &e), -1);
	assert_int_equal(e.kind, ERR_DB);
	assert_non_null(strstr(e.msg, "c.db"));
	/* Version 1 was committed; the broken step left nothing behind. */
	assert_int_equal(db_open(&db, p, v1, 1, 0, &e), 0);
	assert_int_equal(query_int(&db, "PRAGMA user_version"), 1);
	assert_int_equal(query_int(&db, "SELECT count(*) FROM sqlite_master WHERE name = 'u'"), 0);
	db_close(&db);
	free(p);
}

static void
db__open__refuses_newer_schema(void **state)
{
	(void)state;
	char *p = path_for("d.db");
	struct db db;
	struct err e = {0};
	assert_int_equal(db_open(&db, p, v2, 2, 0, &e), 0);
	db_close(&db);
	assert_int_equal(db_open(&db, p, v1, 1, 0, &e), -1);
	assert_non_null(strstr(e.msg, "newer"));
	free(p);
}

/* The other writer: its transaction must wait for the first, then succeed. */
static void *
second_writer(void *arg)
{
	const char *p = arg;
	struct db c;
	struct err e = {0};
	if (db_open(&c, p, v1, 1, 0, &e) < 0 || db_begin(&c, &e) < 0 ||
	    db_exec(&c, "INSERT INTO t (v) VALUES ('second')", &e) < 0 || db_commit(&c, &e) < 0) {
		fprintf(stderr, "second writer: %s\n", e.msg);
		return (void *)1;
	}
	db_close(&c);
	return NULL;
}

static void
db__begin__waits_for_other_writer(void **state)
{
	(void)state;
	char *p = path_for("e.db");
	struct db a, b;
	struct err e = {0};
	assert_int_equal(db_open(&a, p, v1, 1, 0, &e), 0);
	assert_int_equal(db_begin(&a, &e), 0);
	assert_int_equal(db_exec(&a, "INSERT INTO t (v) VALUES ('first')", &e), 0);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, second_writer, p), 0);
	usleep(300 * 1000);
	assert_int_equal(db_commit(&a, &e), 0);
	void *res;
	assert_int_equal(pthread_join(th, &res), 0);
	assert_null(res);
	assert_int_equal(db_open(&b, p, v1, 1, 0, &e), 0);
	assert_int_equal(query_int(&b, "SELECT count(*) FROM t"), 2);
	db_close(&b);
	db_close(&a);
	free(p);
}

/*
 * A second connection opened in the same process must not cancel the first
 * one's POSIX locks (closing any descriptor of the file would): else another
 * process closing the database believes it is the last one and removes the
 * WAL under the first connection's feet, which corrupts the store.
 */
static void
db__open__second_connection_keeps_locks_of_first(void **state)
{
	(void)state;
	char *p = path_for("locks.db");
	char *wal = xasprintf("%s-wal", p);
	struct db a, b;
	struct err e = {0};
	assert_int_equal(db_open(&a, p, v1, 1, 0, &e), 0);
	assert_int_equal(db_exec(&a, "INSERT INTO t(v) VALUES ('kept')", &e), 0);
	assert_int_equal(db_open(&b, p, v1, 1, 0, &e), 0);
	assert_int_equal(access(wal, F_OK), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Another process (a fresh one: fork alone would share SQLite's lock table). */
		execl(self, self, "--read-and-close", p, (char *)NULL);
		_exit(127);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(access(wal, F_OK), 0);
	assert_int_equal(query_int(&a, "SELECT count(*) FROM t"), 1);
	db_close(&b);
	db_close(&a);
	free(wal);
	free(p);
}

/* The child of the lock test: opens, reads and closes the database at argv[2]. */
static int
read_and_close(const char *path)
{
	sqlite3 *h;
	int ok = sqlite3_open(path, &h) == SQLITE_OK &&
	    sqlite3_exec(h, "SELECT count(*) FROM t", NULL, NULL, NULL) == SQLITE_OK;
	ok = sqlite3_close(h) == SQLITE_OK && ok;
	return ok ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--read-and-close") == 0)
		return read_and_close(argv[2]);
	self = argv[0];
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(db__open__creates_private_wal_file),
	    cmocka_unit_test(db__migrate__upgrades_and_keeps_rows),
	    cmocka_unit_test(db__migrate__failed_step_rolls_back),
	    cmocka_unit_test(db__open__refuses_newer_schema),
	    cmocka_unit_test(db__begin__waits_for_other_writer),
	    cmocka_unit_test(db__open__second_connection_keeps_locks_of_first),
	};
	return cmocka_run_group_tests_name("db", tests, test_dir_setup, test_dir_teardown);
}
