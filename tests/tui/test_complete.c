/* Unit tests of Tab completion (tui/complete.c). */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "complete.h"
#include "edit.h"

struct fixture {
	struct edit e;
	struct complete c;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	edit_init(&f->e, 0);
	complete_init(&f->c);
	/* Touched oldest first: "bob" spoke last. */
	complete_touch(&f->c, "carol");
	complete_touch(&f->c, "alice");
	complete_touch(&f->c, "albert");
	complete_touch(&f->c, "bob");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	edit_free(&f->e);
	complete_free(&f->c);
	free(f);
	return 0;
}

/* Replaces the line with UTF-8 s, cursor at the end. */
static void
set_line(struct edit *e, const char *s)
{
	edit_clear(e);
	assert_int_equal(edit_replace(e, 0, 0, s), 0);
}

static void
line_is(const struct edit *e, const char *want)
{
	char *s = edit_string(e);
	assert_string_equal(s, want);
	free(s);
}

static void
complete__tab__name_at_line_start_gets_colon(void **state)
{
	struct fixture *f = *state;
	set_line(&f->e, "ca");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), 0);
	line_is(&f->e, "carol: ");
	assert_int_equal(f->e.pos, 7);
}

static void
complete__tab__name_mid_line_gets_at_and_space(void **state)
{
	struct fixture *f = *state;
	set_line(&f->e, "thanks 中文 CA");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), 0);
	line_is(&f->e, "thanks 中文 @carol ");
}

static void
complete__tab__at_name_at_line_start_gets_no_colon(void **state)
{
	struct fixture *f = *state;
	set_line(&f->e, "@ca");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), 0);
	line_is(&f->e, "@carol ");
}

static void
complete__tab__titles_after_go_and_mute(void **state)
{
	struct fixture *f = *state;
	char *titles[] = {"Lunch plans", "lunar", "proj"};
	complete_set_titles(&f->c, titles, 3);
	set_line(&f->e, "/go lun");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), 0);
	line_is(&f->e, "/go Lunch plans");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), 0);
	line_is(&f->e, "/go lunar");
	complete_reset(&f->c);
	/* A title with a space: all of what follows the command is the prefix. */
	set_line(&f->e, "/mute Lunch p");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), 0);
	line_is(&f->e, "/mute Lunch plans");
	complete_reset(&f->c);
	set_line(&f->e, "/go ");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), 0);
	line_is(&f->e, "/go Lunch plans");
	complete_reset(&f->c);
	set_line(&f->e, "/close pr");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), 0);
	line_is(&f->e, "/close proj");
}

static void
complete__tab__command_names_after_help(void **state)
{
	struct fixture *f = *state;
	set_line(&f->e, "/help se");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), 0);
	line_is(&f->e, "/help search");
}

static void
complete__tab__cycles_most_recent_first(void **state)
{
	struct fixture *f = *state;
	set_line(&f->e, "hi al");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), 0);
	line_is(&f->e, "hi @albert ");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), 0);
	line_is(&f->e, "hi @alice ");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), 0);
	line_is(&f->e, "hi @albert ");
	assert_int_equal(complete_tab(&f->c, &f->e, -1), 0);
	line_is(&f->e, "hi @alice ");
}

static void
complete__tab__backwards_starts_at_last(void **state)
{
	struct fixture *f = *state;
	set_line(&f->e, "al");
	assert_int_equal(complete_tab(&f->c, &f->e, -1), 0);
	line_is(&f->e, "alice: ");
}

static void
complete__tab__reset_starts_a_new_word(void **state)
{
	struct fixture *f = *state;
	set_line(&f->e, "al");
	complete_tab(&f->c, &f->e, 1);
	complete_reset(&f->c);
	assert_int_equal(edit_insert(&f->e, L'b'), 0);
	/* "albert: b" now completes "b" on its own. */
	assert_int_equal(complete_tab(&f->c, &f->e, 1), 0);
	line_is(&f->e, "albert: @bob ");
}

static void
complete__tab__at_sign_kept(void **state)
{
	struct fixture *f = *state;
	set_line(&f->e, "cc @bo");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), 0);
	line_is(&f->e, "cc @bob ");
}

static void
complete__tab__no_match_changes_nothing(void **state)
{
	struct fixture *f = *state;
	set_line(&f->e, "zed");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), -1);
	line_is(&f->e, "zed");
	set_line(&f->e, "hi ");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), -1);
	line_is(&f->e, "hi ");
	set_line(&f->e, "ça");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), -1);
}

static void
complete__tab__commands_at_line_start(void **state)
{
	struct fixture *f = *state;
	set_line(&f->e, "/se");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), 0);
	line_is(&f->e, "/search ");
	complete_reset(&f->c);
	set_line(&f->e, "/");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), 0);
	line_is(&f->e, "/clear ");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), 0);
	line_is(&f->e, "/close ");
	complete_reset(&f->c);
	/* Not at the start of the line: a slash word is not a command. */
	set_line(&f->e, "see /se");
	assert_int_equal(complete_tab(&f->c, &f->e, 1), -1);
}

static void
complete__tab__completes_word_before_cursor(void **state)
{
	struct fixture *f = *state;
	set_line(&f->e, "ask bo now");
	edit_fn(&f->e, EDIT_WORD_LEFT);
	edit_fn(&f->e, EDIT_LEFT);
	assert_int_equal(complete_tab(&f->c, &f->e, 1), 0);
	line_is(&f->e, "ask @bob  now");
	assert_int_equal(f->e.pos, 9);
}

static void
complete__touch__moves_to_front(void **state)
{
	struct fixture *f = *state;
	complete_touch(&f->c, "alice");
	assert_int_equal(f->c.n, 4);
	assert_string_equal(f->c.names[0], "alice");
	assert_string_equal(f->c.names[1], "bob");
	set_line(&f->e, "a");
	complete_tab(&f->c, &f->e, 1);
	line_is(&f->e, "alice: ");
	complete_clear(&f->c);
	assert_int_equal(f->c.n, 0);
}

static void
complete__tab__respects_max_length(void **state)
{
	(void)state;
	struct edit e;
	struct complete c;
	edit_init(&e, 5);
	complete_init(&c);
	complete_touch(&c, "alexandra");
	assert_int_equal(edit_replace(&e, 0, 0, "al"), 0);
	assert_int_equal(complete_tab(&c, &e, 1), -1);
	line_is(&e, "al");
	edit_free(&e);
	complete_free(&c);
}

int
main(void)
{
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "en_US.UTF-8");
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(complete__tab__name_at_line_start_gets_colon),
	    T(complete__tab__name_mid_line_gets_at_and_space),
	    T(complete__tab__at_name_at_line_start_gets_no_colon),
	    T(complete__tab__titles_after_go_and_mute),
	    T(complete__tab__command_names_after_help),
	    T(complete__tab__cycles_most_recent_first),
	    T(complete__tab__backwards_starts_at_last),
	    T(complete__tab__reset_starts_a_new_word),
	    T(complete__tab__at_sign_kept),
	    T(complete__tab__no_match_changes_nothing),
	    T(complete__tab__commands_at_line_start),
	    T(complete__tab__completes_word_before_cursor),
	    T(complete__touch__moves_to_front),
	    T(complete__tab__respects_max_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
