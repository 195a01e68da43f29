/* Tests of data and config locations (core/paths.c) and saved logins (core/creds.c). */
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

#include "creds.h"
#include "paths.h"
#include "testlib.h"

/* -D wins; then XDG_DATA_HOME; then ~/.local/share; the directory is 0700. */
static void
paths__init__precedence_and_mode(void **state)
{
	(void)state;
	char *home = test_path("home");
	char *xdg = test_path("xdg");
	setenv("HOME", home, 1);
	unsetenv("XDG_DATA_HOME");
	unsetenv("XDG_CONFIG_HOME");
	struct paths p;
	struct err e = {0};
	assert_int_equal(paths_init(&p, NULL, true, &e), 0);
	char *want = xasprintf("%s/.local/share/natter", home);
	assert_string_equal(p.data_dir, want);
	free(want);
	want = xasprintf("%s/.config/natter/config", home);
	assert_string_equal(p.config_path, want);
	free(want);
	struct stat st;
	assert_int_equal(stat(p.data_dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	paths_free(&p);

	setenv("XDG_DATA_HOME", xdg, 1);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	assert_int_equal(paths_init(&p, NULL, false, &e), 0);
	want = xasprintf("%s/natter", xdg);
	assert_string_equal(p.data_dir, want);
	free(want);
	want = xasprintf("%s/natter/config", xdg);
	assert_string_equal(p.config_path, want);
	free(want);
	paths_free(&p);

	setenv("XDG_DATA_HOME", "relative/ignored", 1);
	assert_int_equal(paths_init(&p, NULL, false, &e), 0);
	assert_non_null(strstr(p.data_dir, "/.local/share/natter"));
	paths_free(&p);

	char *d = test_path("explicit/");
	assert_int_equal(paths_init(&p, d, true, &e), 0);
	want = test_path("explicit/history.db");
	assert_string_equal(p.history_db, want);
	free(want);
	paths_free(&p);
	free(d);
	free(home);
	free(xdg);
}

/* Logins are saved 0600 and found only by the exact server URL. */
static void
creds__save_load__per_server_and_private(void **state)
{
	(void)state;
	char *path = test_path("credentials");
	struct creds c;
	struct err e = {0};
	assert_int_equal(creds_load(&c, path, &e), 0);
	assert_null(creds_default_server(&c));
	creds_put(&c, "http://a:1", "alice", "tok-a");
	creds_put(&c, "https://b", "bob", "tok-b");
	creds_put(&c, "http://a:1", "alice", "tok-a2");
	assert_int_equal(creds_save(&c, &e), 0);
	creds_free(&c);

	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	assert_int_equal(creds_load(&c, path, &e), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(creds_find(&c, "http://a:1")->token, "tok-a2");
	assert_null(creds_find(&c, "http://a:2"));
	assert_null(creds_find(&c, "http://b"));
	assert_string_equal(creds_default_server(&c), "http://a:1");
	assert_int_equal(creds_remove(&c, "http://a:1"), 0);
	assert_int_equal(creds_remove(&c, "http://a:1"), -1);
	assert_string_equal(creds_default_server(&c), "https://b");
	creds_free(&c);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(paths__init__precedence_and_mode),
	    cmocka_unit_test(creds__save_load__per_server_and_private),
	};
	return cmocka_run_group_tests(tests, test_dir_setup, test_dir_teardown);
}
