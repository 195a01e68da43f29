/* Unit tests of input line parsing (tui/command.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "command.h"

/* Parses line and checks its kind and text (NULL: no text). */
static void
parses(const char *line, enum command_kind kind, const char *text)
{
	struct command c;
	command_parse(line, &c);
	assert_int_equal(c.kind, kind);
	if (text)
		assert_string_equal(c.text, text);
	else
		assert_null(c.text);
	command_free(&c);
}

static void
command__parse__plain_text_is_a_message(void **state)
{
	(void)state;
	parses("hello there", CMD_SAY, "hello there");
	parses("  indented ☃ ", CMD_SAY, "  indented ☃ ");
	parses("a/b", CMD_SAY, "a/b");
}

static void
command__parse__blank_is_empty(void **state)
{
	(void)state;
	parses("", CMD_EMPTY, NULL);
	parses("   \t ", CMD_EMPTY, NULL);
}

static void
command__parse__double_slash_sends_slash(void **state)
{
	(void)state;
	parses("//usr/bin is full", CMD_SAY, "/usr/bin is full");
}

static void
command__parse__unknown_is_inline_error(void **state)
{
	(void)state;
	struct command c;
	command_parse("/frobnicate now", &c);
	assert_int_equal(c.kind, CMD_ERROR);
	assert_non_null(strstr(c.text, "unknown command /frobnicate"));
	assert_non_null(strstr(c.text, "/help"));
	command_free(&c);
	command_parse("/ hello", &c);
	assert_int_equal(c.kind, CMD_ERROR);
	assert_non_null(strstr(c.text, "//"));
	command_free(&c);
}

static void
command__parse__simple_commands(void **state)
{
	(void)state;
	parses("/quit", CMD_QUIT, NULL);
	parses("/QUIT", CMD_QUIT, NULL);
	parses("/help", CMD_HELP, NULL);
	parses("/help /search", CMD_HELP, "search");
	parses("/mute", CMD_MUTE, NULL);
	parses("/mute  team chat  ", CMD_MUTE, "team chat");
	parses("/unmute", CMD_UNMUTE, NULL);
	parses("/me waves at bob", CMD_ME, "waves at bob");
	parses("/go lunch plans", CMD_GO, "lunch plans");
	parses("/search  hello  wörld ", CMD_SEARCH, "hello  wörld");
}

static void
command__parse__abbreviations(void **state)
{
	(void)state;
	parses("/q", CMD_QUIT, NULL);
	parses("/sea needle", CMD_SEARCH, "needle");
	parses("/set color.own red", CMD_SET, "color.own red");
	parses("/na", CMD_NAMES, NULL);
	parses("/se needle", CMD_ERROR,
	    "ambiguous command /se: /search, /set; // sends a line starting with /");
	parses("/un", CMD_UNMUTE, NULL);
	parses("/mu", CMD_MUTE, NULL);
	parses("/g x", CMD_GO, "x");
	parses("/que bob", CMD_QUERY, "bob");
	parses("/Q", CMD_QUIT, NULL); /* /q stays /quit although /query starts with q */
	assert_null(command_lookup("quitt", 5));
	assert_null(command_lookup("", 0));
	assert_non_null(command_lookup("Hel", 3));
}

static void
command__parse__missing_argument_shows_usage(void **state)
{
	(void)state;
	parses("/go", CMD_ERROR, "usage: /go NAME|N");
	parses("/me", CMD_ERROR, "usage: /me TEXT");
	parses("/search   ", CMD_ERROR, "usage: /search TEXT");
	parses("/new", CMD_ERROR, "usage: /new TITLE MEMBER...");
	parses("/new lonely", CMD_ERROR, "usage: /new TITLE MEMBER...");
}

static void
command__new__title_and_members(void **state)
{
	(void)state;
	struct command c;
	command_parse("/new lunch bob @carol", &c);
	assert_int_equal(c.kind, CMD_NEW);
	assert_int_equal(c.argc, 3);
	assert_string_equal(c.argv[0], "lunch");
	assert_string_equal(c.argv[1], "bob");
	assert_string_equal(c.argv[2], "carol");
	command_free(&c);
}

static void
command__new__quoted_title(void **state)
{
	(void)state;
	struct command c;
	command_parse("/new \"Lunch \\\"plans\\\" 🍜\" bob", &c);
	assert_int_equal(c.kind, CMD_NEW);
	assert_int_equal(c.argc, 2);
	assert_string_equal(c.argv[0], "Lunch \"plans\" 🍜");
	assert_string_equal(c.argv[1], "bob");
	command_free(&c);
	parses("/new \"open bob", CMD_ERROR, "unterminated quote in /new");
	parses("/new \"\" bob", CMD_ERROR, "a title is 1 to 256 bytes: /new TITLE MEMBER...");
}

static void
command__new__rejects_bad_member_names(void **state)
{
	(void)state;
	struct command c;
	command_parse("/new t Bob", &c);
	assert_int_equal(c.kind, CMD_ERROR);
	assert_non_null(strstr(c.text, "not a user name: Bob"));
	command_free(&c);
	command_parse("/new t -bob", &c);
	assert_int_equal(c.kind, CMD_ERROR);
	command_free(&c);
	command_parse("/new t abcdefghijklmnopqrstuvwxyz0123456", &c);
	assert_int_equal(c.kind, CMD_ERROR);
	command_free(&c);
	command_parse("/new t a.b_c-d", &c);
	assert_int_equal(c.kind, CMD_NEW);
	command_free(&c);
}

static void
command__unknown__same_words_as_the_parser(void **state)
{
	(void)state;
	struct command c;
	char *why = command_unknown("foo", 3);
	assert_string_equal(why, "unknown command /foo: /help lists the commands");
	command_parse("/foo", &c);
	assert_int_equal(c.kind, CMD_ERROR);
	assert_true(strncmp(c.text, why, strlen(why)) == 0);
	command_free(&c);
	free(why);
	why = command_unknown("c", 1);
	assert_string_equal(why, "ambiguous command /c: /clear, /close");
	free(why);
}

static void
command__table__every_command_has_help(void **state)
{
	(void)state;
	assert_int_equal(command_count, 19);
	for (size_t i = 0; i < command_count; i++) {
		assert_true(command_table[i].usage[0] == '/');
		assert_true(strlen(command_table[i].help) > 0);
		assert_ptr_equal(
		    command_lookup(command_table[i].name, strlen(command_table[i].name)),
		    &command_table[i]);
		assert_non_null(command_table[i].run);
		if (i > 0)
			assert_true(strcmp(command_table[i - 1].name, command_table[i].name) < 0);
	}
}

static void
command__table__parsed_commands_carry_their_entry(void **state)
{
	(void)state;
	struct command c;
	command_parse("/sea needle", &c);
	assert_ptr_equal(c.info, command_lookup("search", 6));
	assert_int_equal(c.kind, c.info->kind);
	command_free(&c);
	command_parse("/new t bob", &c);
	assert_ptr_equal(c.info, command_lookup("new", 3));
	command_free(&c);
	/* Messages and errors run no handler. */
	static const char *const none[] = {"hello", "//x", "/go", "/frob", "/new t", "  "};
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		command_parse(none[i], &c);
		assert_null(c.info);
		command_free(&c);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(command__parse__plain_text_is_a_message),
	    cmocka_unit_test(command__parse__blank_is_empty),
	    cmocka_unit_test(command__parse__double_slash_sends_slash),
	    cmocka_unit_test(command__parse__unknown_is_inline_error),
	    cmocka_unit_test(command__parse__simple_commands),
	    cmocka_unit_test(command__parse__abbreviations),
	    cmocka_unit_test(command__parse__missing_argument_shows_usage),
	    cmocka_unit_test(command__new__title_and_members),
	    cmocka_unit_test(command__new__quoted_title),
	    cmocka_unit_test(command__new__rejects_bad_member_names),
	    cmocka_unit_test(command__unknown__same_words_as_the_parser),
	    cmocka_unit_test(command__table__every_command_has_help),
	    cmocka_unit_test(command__table__parsed_commands_carry_their_entry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
