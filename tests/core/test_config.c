/* Tests of the config file parser (core/config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"

/* Keys, values, comments, blanks, quotes and repeats parse as documented. */
static void
config__parse__keys_values_comments(void **state)
{
	(void)state;
	struct config c = {0};
	struct err e = {0};
	const char *text = "# natter config\n"
			   "\n"
			   "server = http://127.0.0.1:8080/\n"
			   "  user=alice   \r\n"
			   "notify.backend = stdout # not a comment\n"
			   "notify.exec = \"notify-send -u low\"\n"
			   "http.retries = 3\n"
			   "user = bob\n"
			   "empty =";
	assert_int_equal(config_parse(&c, text, "cfg", &e), 0);
	assert_string_equal(config_get(&c, "server", NULL), "http://127.0.0.1:8080/");
	assert_string_equal(config_get(&c, "user", NULL), "bob");
	assert_string_equal(config_get(&c, "notify.backend", NULL), "stdout # not a comment");
	assert_string_equal(config_get(&c, "notify.exec", NULL), "notify-send -u low");
	assert_string_equal(config_get(&c, "empty", "x"), "");
	assert_string_equal(config_get(&c, "missing", "def"), "def");
	long n;
	assert_int_equal(config_get_long(&c, "http.retries", 0, 20, 5, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_int_equal(config_get_long(&c, "http.timeout", 1, 60, 30, &n, &e), 0);
	assert_int_equal(n, 30);
	config_free(&c);
}

/* A line without `=` or with a bad key is an error naming the line. */
static void
config__parse__errors_name_the_line(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "server\n", "a = 1\n= x\n", "Server = x\n", "a b = c\n", "a = x\x01y\n"};
	for (size_t i = 0; i < nitems(bad); i++) {
		struct config c = {0};
		struct err e = {0};
		if (config_parse(&c, bad[i], "cfg", &e) != -1)
			fail_msg("accepted %s", bad[i]);
		assert_int_equal(e.kind, ERR_USAGE);
		assert_non_null(strstr(e.msg, "cfg line"));
		config_free(&c);
	}
}

/* Typed getters refuse malformed values. */
static void
config__get__typed_values(void **state)
{
	(void)state;
	struct config c = {0};
	struct err e = {0};
	assert_int_equal(config_parse(&c, "a = 12x\nb = yes\nc = maybe\nd = 99\n", "cfg", &e), 0);
	long n;
	assert_int_equal(config_get_long(&c, "a", 0, 100, 1, &n, &e), -1);
	assert_int_equal(config_get_long(&c, "d", 0, 10, 1, &n, &e), -1);
	/* A word is not a number: the error names the key and the bounds. */
	assert_int_equal(config_get_long(&c, "b", 0, 100, 1, &n, &e), -1);
	assert_non_null(strstr(e.msg, "b must be a number from 0 to 100"));
	assert_string_equal(config_get(&c, "c", NULL), "maybe");
	config_free(&c);
}

/* A missing file is an empty config; a present one is read. */
static void
config__load__missing_is_empty(void **state)
{
	(void)state;
	struct config c;
	struct err e = {0};
	assert_int_equal(config_load(&c, "/nonexistent/natter/config", &e), 0);
	assert_int_equal(c.n, 0);
	config_free(&c);
	char path[] = "/tmp/natter-cfgtest.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("server = http://x\n", f);
	fclose(f);
	assert_int_equal(config_load(&c, path, &e), 0);
	assert_string_equal(config_get(&c, "server", NULL), "http://x");
	config_free(&c);
	remove(path);
}

/* Reads a whole small file. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char text[4096];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* config_set replaces the line that wins, keeps comments and other lines, and adds new keys. */
static void
config__set__keeps_other_lines_and_comments(void **state)
{
	(void)state;
	char dir[] = "/tmp/natter-cfgset.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/sub/config", dir);
	struct config c;
	struct err e = {0};
	/* No file, no folder yet: both are created. */
	assert_int_equal(config_load(&c, path, &e), 0);
	assert_int_equal(config_set(&c, "color.own", "bold red", &e), 0);
	assert_string_equal(slurp(path), "color.own = bold red\n");
	assert_string_equal(config_get(&c, "color.own", NULL), "bold red");
	config_free(&c);

	FILE *f = fopen(path, "w");
	fputs("# my config\n"
	      "color.time = red   # first\n"
	      "server = http://x\n"
	      "\n"
	      "color.time = green\r\n"
	      "  # trailing comment",
	    f);
	fclose(f);
	assert_int_equal(config_load(&c, path, &e), 0);
	assert_int_equal(config_set(&c, "color.time", "blue", &e), 0);
	assert_int_equal(config_set(&c, "key.next", "M-n", &e), 0);
	assert_int_equal(config_set(&c, "user", " padded ", &e), 0);
	assert_string_equal(slurp(path),
	    "# my config\n"
	    "color.time = red   # first\n"
	    "server = http://x\n"
	    "\n"
	    "color.time = blue\r\n"
	    "  # trailing comment\n"
	    "key.next = M-n\n"
	    "user = \" padded \"\n");
	assert_string_equal(config_get(&c, "color.time", NULL), "blue");
	assert_string_equal(config_get(&c, "user", NULL), " padded ");
	config_free(&c);
	/* What was written reads back the same. */
	assert_int_equal(config_load(&c, path, &e), 0);
	assert_string_equal(config_get(&c, "key.next", NULL), "M-n");
	assert_string_equal(config_get(&c, "user", NULL), " padded ");
	assert_string_equal(config_get(&c, "server", NULL), "http://x");

	/* Bad keys and values are refused and the file is left alone. */
	assert_int_equal(config_set(&c, "Bad Key", "x", &e), -1);
	assert_int_equal(e.kind, ERR_USAGE);
	assert_int_equal(config_set(&c, "color.own", "a\nb", &e), -1);
	assert_null(strstr(slurp(path), "color.own"));
	config_free(&c);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(config__parse__keys_values_comments),
	    cmocka_unit_test(config__parse__errors_name_the_line),
	    cmocka_unit_test(config__get__typed_values),
	    cmocka_unit_test(config__load__missing_is_empty),
	    cmocka_unit_test(config__set__keeps_other_lines_and_comments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
