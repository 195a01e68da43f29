/* Tests of core/util.c: the atomic file write used for config and credentials. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"

/* Reads a whole small file into a static buffer. */
static const char *
slurp(const char *path)
{
	static char b[256];
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	size_t n = fread(b, 1, sizeof(b) - 1, f);
	fclose(f);
	b[n] = '\0';
	return b;
}

/* The file is replaced whole, with the asked mode, and no temporary is left. */
static void
write_file_atomic__replaces_with_mode(void **state)
{
	(void)state;
	char dir[] = "/tmp/natter-util-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = xasprintf("%s/creds.json", dir), *tmp = xasprintf("%s.tmp", path);
	struct err e = {0};
	assert_int_equal(write_file_atomic(path, "first, longer text\n", 19, 0644, &e), 0);
	assert_int_equal(write_file_atomic(path, "second\n", 7, 0600, &e), 0);
	assert_string_equal(slurp(path), "second\n");
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_not_equal(access(tmp, F_OK), 0);
	unlink(path);
	rmdir(dir);
	free(path);
	free(tmp);
}

/* A write that cannot happen says why and leaves the old file as it was. */
static void
write_file_atomic__failure_keeps_old_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/natter-util-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = xasprintf("%s/config", dir), *tmp = xasprintf("%s.tmp", path);
	struct err e = {0};
	assert_int_equal(write_file_atomic(path, "kept\n", 5, 0600, &e), 0);
	/* The temporary's name is a directory: it cannot be created. */
	assert_int_equal(mkdir(tmp, 0700), 0);
	assert_int_equal(write_file_atomic(path, "lost\n", 5, 0600, &e), -1);
	assert_non_null(strstr(e.msg, "cannot write"));
	assert_string_equal(slurp(path), "kept\n");
	rmdir(tmp);
	unlink(path);
	rmdir(dir);
	free(path);
	free(tmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(write_file_atomic__replaces_with_mode),
	    cmocka_unit_test(write_file_atomic__failure_keeps_old_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
