/*
 * What the cmocka runners share: a scratch directory for a group of tests
 * (test_dir_setup and test_dir_teardown are the group's setup and teardown),
 * paths inside it, and a number read straight from a store's SQL.
 * Header only: every function is static inline, so a runner takes what it
 * uses.
 */
#ifndef NATTER_TESTLIB_H
#define NATTER_TESTLIB_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db.h"
#include "util.h"

/* The group's scratch directory, "" before test_dir_setup. */
static char test_dir[64] __attribute__((unused));

/* Group setup: makes a fresh scratch directory. */
static inline int
test_dir_setup(void **state)
{
	(void)state;
	snprintf(test_dir, sizeof(test_dir), "%s", "/tmp/natter-test.XXXXXX");
	return mkdtemp(test_dir) != NULL ? 0 : -1;
}

/* Group teardown: removes the scratch directory and everything in it. */
static inline int
test_dir_teardown(void **state)
{
	(void)state;
	if (test_dir[0] == '\0')
		return 0;
	char *cmd = xasprintf("rm -rf '%s'", test_dir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

/* A new string (the caller frees it): name's path in the scratch directory. */
static inline char *
test_path(const char *name)
{
	return xasprintf("%s/%s", test_dir, name);
}

/* The integer in the first column of sql's first row (e.g. a count), or -1. */
static inline int64_t
test_count(struct db *db, const char *sql)
{
	sqlite3_stmt *st;
	struct err e = {0};
	if (db_prepare(db, &st, sql, &e) < 0)
		return -1;
	int64_t n = db_step(db, st, &e) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return n;
}

#endif
