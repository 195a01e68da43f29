/* Tests of the server's config file (server-mock/conffile.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "server.h"

/* A table like main.c's: the parser knows no option by itself. */
static const struct option opts[] = {
    {"help", no_argument, NULL, 'h'},
    {"config", required_argument, NULL, 'c'},
    {"port", required_argument, NULL, 'p'},
    {"demo", no_argument, NULL, 1},
    {"faults", required_argument, NULL, 2},
    {NULL, 0, NULL, 0},
};

/* Writes text to a new temporary file; returns its path (allocated). */
static char *
conf(const char *text)
{
	char *path = xstrdup("/tmp/natter-test-conf-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* The message of conffile_read on text, which must fail. */
static void
refused(const char *text, const char *want)
{
	char *path = conf(text);
	struct conf_args a = {0};
	struct err e = {0};
	assert_int_equal(conffile_read(path, opts, &a, &e), -1);
	char *full = xasprintf("%s%s", path, want);
	assert_string_equal(e.msg, full);
	free(full);
	conffile_free(&a);
	unlink(path);
	free(path);
}

/* Comments, blanks, spaces and quotes are read; the file's settings come before the command line's. */
static void
conffile_args__file_first_then_command_line(void **state)
{
	(void)state;
	char *path = conf("# a comment\n\n  port =  8080  \n\tdemo = yes\n"
			  "faults = \"drop=0.1\"\n  # indented comment\ndemo = off\n");
	char *argv[] = {"natter-server-mock", "-p", "9", "--config", path, NULL};
	struct conf_args a;
	struct err e = {0};
	assert_int_equal(conffile_args(5, argv, opts, &a, &e), 0);
	assert_int_equal(a.argc, 8);
	const char *want[] = {"natter-server-mock", "--port=8080", "--demo", "--faults=drop=0.1",
	    "-p", "9", "--config", path};
	for (int i = 0; i < 8; i++)
		assert_string_equal(a.argv[i], want[i]);
	assert_null(a.argv[8]);
	char *l3 = xasprintf("%s line 3", path), *l5 = xasprintf("%s line 5", path);
	assert_null(a.where[0]);
	assert_string_equal(a.where[1], l3);
	assert_string_equal(a.where[3], l5);
	assert_null(a.where[4]);
	free(l3);
	free(l5);
	conffile_free(&a);
	unlink(path);
	free(path);
}

/* Without --config the arguments are the command line's; -cFILE and --config=FILE are found. */
static void
conffile_args__forms_of_the_flag(void **state)
{
	(void)state;
	char *argv[] = {"natter-server-mock", "-p", "9", NULL};
	struct conf_args a;
	struct err e = {0};
	assert_int_equal(conffile_args(3, argv, opts, &a, &e), 0);
	assert_int_equal(a.argc, 3);
	assert_string_equal(a.argv[2], "9");
	conffile_free(&a);

	char *path = conf("port = 1\n");
	char *eq = xasprintf("--config=%s", path), *sh = xasprintf("-c%s", path);
	char *argv2[] = {"natter-server-mock", eq, NULL},
	     *argv3[] = {"natter-server-mock", sh, NULL};
	assert_int_equal(conffile_args(2, argv2, opts, &a, &e), 0);
	assert_string_equal(a.argv[1], "--port=1");
	conffile_free(&a);
	assert_int_equal(conffile_args(2, argv3, opts, &a, &e), 0);
	assert_string_equal(a.argv[1], "--port=1");
	conffile_free(&a);

	char *argv4[] = {"natter-server-mock", "--config", NULL};
	assert_int_equal(conffile_args(2, argv4, opts, &a, &e), -1);
	assert_string_equal(e.msg, "--config wants a file");
	char *argv5[] = {"natter-server-mock", "-c", "/nonexistent/natter.conf", NULL};
	assert_int_equal(conffile_args(3, argv5, opts, &a, &e), -1);
	assert_string_equal(e.msg, "/nonexistent/natter.conf: No such file or directory");
	free(eq);
	free(sh);
	unlink(path);
	free(path);
}

/* A wrong line is refused with the file, the line number and what is wrong. */
static void
conffile_read__refusals_name_file_and_line(void **state)
{
	(void)state;
	refused("port = 1\nprot = 2\n",
	    " line 2: unknown setting \"prot\" (settings are the long options of "
	    "natter-server-mock(1))");
	refused("help = yes\n",
	    " line 1: unknown setting \"help\" (settings are the long "
	    "options of natter-server-mock(1))");
	refused("config = /etc/x\n",
	    " line 1: unknown setting \"config\" (settings are the "
	    "long options of natter-server-mock(1))");
	refused("# x\nport 8080\n", " line 2: expected \"name = value\"");
	refused("port =\n", " line 1: port wants a value");
	refused("\n\n\ndemo = maybe\n", " line 4: demo is yes or no, not \"maybe\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(conffile_args__file_first_then_command_line),
	    cmocka_unit_test(conffile_args__forms_of_the_flag),
	    cmocka_unit_test(conffile_read__refusals_name_file_and_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
