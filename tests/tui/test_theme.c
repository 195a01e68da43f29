/* Unit tests of the color.* and key.* options (tui/color.c, tui/keymap.c). */
#include <curses.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "color.h"
#include "keymap.h"

/* Sets a colour option that must be accepted, and checks how it reads back. */
static void
color_ok(struct theme *t, const char *key, const char *value, const char *back)
{
	struct err e = {0};
	if (theme_set(t, key, value, &e) != 0)
		fail_msg("%s = %s refused: %s", key, value, e.msg);
	char *got = theme_get(t, key);
	assert_string_equal(got, back);
	free(got);
}

/* A colour option that must be refused with msg in its error, leaving t as it was. */
static void
color_bad(struct theme *t, const char *key, const char *value, const char *msg)
{
	struct err e = {0};
	struct theme before = *t;
	if (theme_set(t, key, value, &e) != -1)
		fail_msg("%s = %s accepted", key, value);
	assert_int_equal(e.kind, ERR_USAGE);
	if (strstr(e.msg, msg) == NULL)
		fail_msg("%s = %s: \"%s\" does not say \"%s\"", key, value, e.msg, msg);
	assert_memory_equal(&before, t, sizeof(before));
}

static void
theme_set__colours_attributes_and_backgrounds(void **state)
{
	(void)state;
	struct theme t;
	theme_default(&t);
	char *v = theme_get(&t, "color.mention");
	assert_string_equal(v, "bold yellow");
	free(v);
	v = theme_get(&t, "color.names");
	assert_string_equal(v, "red green yellow blue magenta cyan");
	free(v);
	color_ok(&t, "color.own", "red", "red");
	assert_int_equal(t.part[COLOR_OWN].fg, 1);
	assert_int_equal(t.part[COLOR_OWN].bg, COLOR_KEEP);
	color_ok(&t, "color.time", "underline 244 on black bold", "bold underline 244 on black");
	color_ok(&t, "color.status", "on blue", "on blue");
	color_ok(&t, "color.marker", "  default   reverse ", "reverse default");
	color_ok(&t, "color.day", "none", "none");
	assert_int_equal(t.part[COLOR_DAY].attrs, 0);
	color_ok(&t, "color.names", "1 2  white 200", "red green white 200");
	assert_int_equal(t.nnames, 4);
	assert_null(theme_get(&t, "color.nope"));
	assert_null(theme_get(&t, "key.next"));
}

static void
theme_set__bad_values_say_why_and_change_nothing(void **state)
{
	(void)state;
	struct theme t;
	theme_default(&t);
	color_bad(&t, "color.own", "purpel", "cannot read \"purpel\"");
	color_bad(&t, "color.own", "red blue", "cannot read \"blue\"");
	color_bad(&t, "color.own", "256", "cannot read \"256\"");
	color_bad(&t, "color.own", "red on", "\"on\" wants a background colour");
	color_bad(&t, "color.own", "on purple", "unknown background colour \"purple\"");
	color_bad(&t, "color.own", "", "empty: write none");
	color_bad(&t, "color.own", "red # mine", "cannot read \"#\"");
	color_bad(&t, "color.names", "", "want one colour");
	color_bad(&t, "color.names", "red -1", "unknown colour \"-1\"");
	color_bad(&t, "color.names", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", "at most 16");
	color_bad(&t, "color.frame", "red", "no colour option color.frame");
}

/* Sets a key option that must be accepted and checks how it reads back. */
static void
key_ok(struct keymap *m, const char *key, const char *value, const char *back)
{
	struct err e = {0};
	if (keymap_set(m, key, value, &e) != 0)
		fail_msg("%s = %s refused: %s", key, value, e.msg);
	char *got = keymap_get(m, key);
	assert_string_equal(got, back);
	free(got);
}

static void
keymap__defaults_bindings_and_lookup(void **state)
{
	(void)state;
	struct keymap m;
	keymap_default(&m);
	assert_int_equal(keymap_lookup(&m, false, false, 14), KEYACT_NEXT);
	assert_int_equal(keymap_lookup(&m, false, false, 3), KEYACT_QUIT);
	assert_int_equal(keymap_lookup(&m, true, false, KEY_PPAGE), KEYACT_PAGE_UP);
	assert_int_equal(keymap_lookup(&m, false, true, 'n'), KEYACT_NONE);
	char *v = keymap_get(&m, "key.page_down");
	assert_string_equal(v, "PageDown");
	free(v);

	key_ok(&m, "key.next", "M-n  F6 Down", "M-n F6 Down");
	assert_int_equal(keymap_lookup(&m, false, true, 'n'), KEYACT_NEXT);
	assert_int_equal(keymap_lookup(&m, true, false, KEY_F(6)), KEYACT_NEXT);
	assert_int_equal(keymap_lookup(&m, true, false, KEY_DOWN), KEYACT_NEXT);
	/* The old key is free again: C-n is no longer "next". */
	assert_int_equal(keymap_lookup(&m, false, false, 14), KEYACT_NONE);
	assert_int_equal(keymap_lookup(&m, false, false, 'n'), KEYACT_NONE);
	key_ok(&m, "key.quit", "none", "none");
	assert_int_equal(keymap_lookup(&m, false, false, 3), KEYACT_NONE);
	key_ok(&m, "key.redraw", "C-r F12", "C-r F12");
	key_ok(&m, "key.prev", "M-P", "M-P");
	assert_null(keymap_get(&m, "key.jump"));
}

static void
keymap__bad_keys_say_why_and_change_nothing(void **state)
{
	(void)state;
	static const char *const bad[][2] = {
	    {"key.next", "Ctrl-n"},
	    {"key.next", "C-i"},
	    {"key.next", "C-N"},
	    {"key.next", "F13"},
	    {"key.next", "F0"},
	    {"key.next", "M-"},
	    {"key.next", "pageup"},
	    {"key.next", ""},
	    {"key.next", "none C-n"},
	    {"key.next", "C-a C-b C-d C-e C-f"},
	    {"key.jump", "C-j"},
	};
	for (size_t i = 0; i < nitems(bad); i++) {
		struct keymap m, before;
		keymap_default(&m);
		before = m;
		struct err e = {0};
		if (keymap_set(&m, bad[i][0], bad[i][1], &e) != -1)
			fail_msg("%s = %s accepted", bad[i][0], bad[i][1]);
		assert_int_equal(e.kind, ERR_USAGE);
		assert_memory_equal(&m, &before, sizeof(m));
	}
	struct keymap m;
	keymap_default(&m);
	struct err e = {0};
	keymap_set(&m, "key.next", "Ctrl-n", &e);
	assert_non_null(strstr(e.msg, "cannot read the key \"Ctrl-n\": write C-x"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(theme_set__colours_attributes_and_backgrounds),
	    cmocka_unit_test(theme_set__bad_values_say_why_and_change_nothing),
	    cmocka_unit_test(keymap__defaults_bindings_and_lookup),
	    cmocka_unit_test(keymap__bad_keys_say_why_and_change_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
