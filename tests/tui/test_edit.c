/* Unit tests of the input line editor (tui/edit.c). */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "edit.h"

/* Types UTF-8 s as keystrokes. */
static void
type(struct edit *e, const char *s)
{
	size_t n = mbstowcs(NULL, s, 0);
	assert_true(n != (size_t)-1);
	wchar_t *w = calloc(n + 1, sizeof(*w));
	mbstowcs(w, s, n + 1);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(edit_insert(e, w[i]), 0);
	free(w);
}

/* Asserts the line's text. */
static void
line_is(const struct edit *e, const char *want)
{
	char *s = edit_string(e);
	assert_string_equal(s, want);
	free(s);
}

static void
edit__insert__cursor_moves_in_columns(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 0);
	type(&e, "a中😀");
	line_is(&e, "a中😀");
	assert_int_equal(e.len, 3);
	assert_int_equal(edit_cursor_col(&e), 5);
	edit_fn(&e, EDIT_LEFT);
	assert_int_equal(edit_cursor_col(&e), 3);
	edit_fn(&e, EDIT_LEFT);
	assert_int_equal(edit_cursor_col(&e), 1);
	type(&e, "b");
	line_is(&e, "ab中😀");
	assert_int_equal(edit_cursor_col(&e), 2);
	edit_free(&e);
}

static void
edit__insert__refuses_controls(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 0);
	assert_int_equal(edit_insert(&e, L'\033'), -1);
	assert_int_equal(edit_insert(&e, 0x7f), -1);
	assert_int_equal(edit_insert(&e, 0x9b), -1);
	assert_int_equal(edit_insert(&e, 0xd800), -1);
	assert_int_equal(edit_insert(&e, L'\n'), -1);
	assert_int_equal(e.len, 0);
	edit_free(&e);
}

static void
edit__move__skips_combining_marks(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 0);
	/* "e" + COMBINING ACUTE + "x": the accent is one column with its base. */
	type(&e, "e\xcc\x81x");
	assert_int_equal(e.len, 3);
	assert_int_equal(edit_cursor_col(&e), 2);
	edit_fn(&e, EDIT_LEFT);
	assert_int_equal(e.pos, 2);
	edit_fn(&e, EDIT_LEFT);
	assert_int_equal(e.pos, 0);
	edit_fn(&e, EDIT_RIGHT);
	assert_int_equal(e.pos, 2);
	assert_int_equal(edit_cursor_col(&e), 1);
	edit_free(&e);
}

static void
edit__backspace__removes_base_and_marks(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 0);
	type(&e, "ae\xcc\x81");
	assert_int_equal(edit_fn(&e, EDIT_BACKSPACE), 0);
	line_is(&e, "a");
	assert_int_equal(e.bytes, 1);
	assert_int_equal(edit_fn(&e, EDIT_BACKSPACE), 0);
	assert_int_equal(edit_fn(&e, EDIT_BACKSPACE), -1);
	edit_free(&e);
}

static void
edit__delete__at_cursor(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 0);
	type(&e, "中文");
	edit_fn(&e, EDIT_HOME);
	assert_int_equal(edit_fn(&e, EDIT_DELETE), 0);
	line_is(&e, "文");
	assert_int_equal(edit_cursor_col(&e), 0);
	edit_fn(&e, EDIT_END);
	assert_int_equal(edit_fn(&e, EDIT_DELETE), -1);
	edit_free(&e);
}

static void
edit__home_end__move_to_edges(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 0);
	type(&e, "hello");
	edit_fn(&e, EDIT_HOME);
	assert_int_equal(e.pos, 0);
	assert_int_equal(edit_fn(&e, EDIT_LEFT), -1);
	edit_fn(&e, EDIT_END);
	assert_int_equal(e.pos, 5);
	assert_int_equal(edit_fn(&e, EDIT_RIGHT), -1);
	edit_free(&e);
}

static void
edit__word_motion__alnum_words(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 0);
	type(&e, "foo-bar  baz");
	edit_fn(&e, EDIT_WORD_LEFT);
	assert_int_equal(e.pos, 9);
	edit_fn(&e, EDIT_WORD_LEFT);
	assert_int_equal(e.pos, 4);
	edit_fn(&e, EDIT_WORD_LEFT);
	assert_int_equal(e.pos, 0);
	assert_int_equal(edit_fn(&e, EDIT_WORD_LEFT), -1);
	edit_fn(&e, EDIT_WORD_RIGHT);
	assert_int_equal(e.pos, 3);
	edit_fn(&e, EDIT_WORD_RIGHT);
	assert_int_equal(e.pos, 7);
	edit_fn(&e, EDIT_WORD_RIGHT);
	assert_int_equal(e.pos, 12);
	edit_free(&e);
}

static void
edit__kill_word__backwards(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 0);
	type(&e, "say héllo-wörld  ");
	assert_int_equal(edit_fn(&e, EDIT_KILL_WORD_BACK), 0);
	line_is(&e, "say ");
	assert_int_equal(edit_fn(&e, EDIT_KILL_WORD_BACK), 0);
	line_is(&e, "");
	assert_int_equal(edit_fn(&e, EDIT_KILL_WORD_BACK), -1);
	/* The last kill is what C-y brings back. */
	assert_int_equal(edit_fn(&e, EDIT_YANK), 0);
	line_is(&e, "say ");
	edit_free(&e);
}

static void
edit__kill_word__forwards(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 0);
	type(&e, "one two");
	edit_fn(&e, EDIT_HOME);
	assert_int_equal(edit_fn(&e, EDIT_KILL_WORD_FWD), 0);
	line_is(&e, " two");
	assert_int_equal(e.pos, 0);
	edit_free(&e);
}

static void
edit__kill_head_tail__then_yank(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 0);
	type(&e, "hello 世界");
	edit_fn(&e, EDIT_WORD_LEFT);
	assert_int_equal(edit_fn(&e, EDIT_KILL_TAIL), 0);
	line_is(&e, "hello ");
	edit_fn(&e, EDIT_HOME);
	assert_int_equal(edit_fn(&e, EDIT_YANK), 0);
	line_is(&e, "世界hello ");
	assert_int_equal(edit_cursor_col(&e), 4);
	assert_int_equal(edit_fn(&e, EDIT_KILL_HEAD), 0);
	line_is(&e, "hello ");
	assert_int_equal(e.pos, 0);
	edit_fn(&e, EDIT_END);
	edit_fn(&e, EDIT_YANK);
	line_is(&e, "hello 世界");
	/* An empty kill does not clobber the ring. */
	assert_int_equal(edit_fn(&e, EDIT_KILL_TAIL), -1);
	edit_fn(&e, EDIT_YANK);
	line_is(&e, "hello 世界世界");
	edit_free(&e);
}

static void
edit__yank__empty_ring(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 0);
	assert_int_equal(edit_fn(&e, EDIT_YANK), -1);
	edit_free(&e);
}

static void
edit__max__counts_utf8_bytes(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 7);
	type(&e, "中文"); /* 6 bytes */
	assert_int_equal(edit_insert(&e, L'a'), 0);
	assert_int_equal(edit_insert(&e, L'b'), -1);
	assert_int_equal(edit_fn(&e, EDIT_BACKSPACE), 0);
	assert_int_equal(edit_insert(&e, 0x4e2d), -1);
	assert_int_equal(e.bytes, 6);
	line_is(&e, "中文");
	edit_free(&e);
}

static void
edit__max__yank_all_or_nothing(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 8);
	type(&e, "abcde");
	edit_fn(&e, EDIT_KILL_HEAD);
	type(&e, "xyzw");
	assert_int_equal(edit_fn(&e, EDIT_YANK), -1);
	line_is(&e, "xyzw");
	edit_free(&e);
}

static void
edit__paste__normalises_breaks_and_controls(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 0);
	const char in[] = "a\r\nb\rc\td\033[2Je\xff";
	assert_int_equal(edit_paste(&e, in, sizeof(in) - 1), 12);
	line_is(&e, "a\nb\nc d[2Je\xef\xbf\xbd");
	edit_free(&e);
}

static void
edit__paste__stops_at_max_on_char_boundary(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 5);
	const char in[] = "ab中文";
	assert_int_equal(edit_paste(&e, in, sizeof(in) - 1), 3);
	line_is(&e, "ab中");
	assert_int_equal(e.bytes, 5);
	edit_free(&e);
}

static void
edit__paste__emoji_zwj_sequence(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 0);
	/* WOMAN ZWJ LAPTOP: the ZWJ is a zero-width mark of the woman. */
	const char in[] = "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb";
	assert_int_equal(edit_paste(&e, in, sizeof(in) - 1), 3);
	edit_fn(&e, EDIT_LEFT);
	assert_int_equal(e.pos, 2);
	edit_fn(&e, EDIT_LEFT);
	assert_int_equal(e.pos, 0);
	edit_free(&e);
}

static void
edit__history__up_down_keeps_draft(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 0);
	type(&e, "first");
	free(edit_take(&e));
	type(&e, "second");
	free(edit_take(&e));
	type(&e, "draft");
	assert_int_equal(edit_fn(&e, EDIT_HISTORY_NEXT), -1);
	assert_int_equal(edit_fn(&e, EDIT_HISTORY_PREV), 0);
	line_is(&e, "second");
	assert_int_equal(e.pos, 6);
	assert_int_equal(edit_fn(&e, EDIT_HISTORY_PREV), 0);
	line_is(&e, "first");
	assert_int_equal(edit_fn(&e, EDIT_HISTORY_PREV), -1);
	line_is(&e, "first");
	assert_int_equal(edit_fn(&e, EDIT_HISTORY_NEXT), 0);
	assert_int_equal(edit_fn(&e, EDIT_HISTORY_NEXT), 0);
	line_is(&e, "draft");
	assert_int_equal(edit_fn(&e, EDIT_HISTORY_NEXT), -1);
	edit_free(&e);
}

static void
edit__history__skips_empty_and_repeats(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 0);
	free(edit_take(&e));
	type(&e, "same");
	free(edit_take(&e));
	type(&e, "same");
	char *s = edit_take(&e);
	assert_string_equal(s, "same");
	free(s);
	assert_int_equal(e.nhist, 1);
	assert_int_equal(e.len, 0);
	edit_free(&e);
}

static void
edit__history__bounded(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 0);
	for (int i = 0; i < EDIT_HISTORY + 20; i++) {
		char b[16];
		snprintf(b, sizeof(b), "line %d", i);
		type(&e, b);
		free(edit_take(&e));
	}
	assert_int_equal(e.nhist, EDIT_HISTORY);
	assert_string_equal(e.hist[0], "line 20");
	edit_free(&e);
}

static void
edit__replace__range_with_utf8(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 0);
	type(&e, "hi al");
	assert_int_equal(edit_replace(&e, 3, 5, "álice "), 0);
	line_is(&e, "hi álice ");
	assert_int_equal(e.pos, 9);
	assert_int_equal(edit_replace(&e, 3, 99, "x"), -1);
	edit_free(&e);
}

static void
edit__scroll__keeps_cursor_visible(void **state)
{
	(void)state;
	struct edit e;
	edit_init(&e, 0);
	size_t col;
	type(&e, "abc");
	assert_int_equal(edit_scroll(&e, 10, &col), 0);
	assert_int_equal(col, 3);
	edit_clear(&e);
	/* 8 wide characters = 16 columns in a 10-column field. */
	type(&e, "一二三四五六七八");
	size_t start = edit_scroll(&e, 10, &col);
	assert_int_equal(start, 4);
	assert_int_equal(col, 8);
	edit_fn(&e, EDIT_HOME);
	assert_int_equal(edit_scroll(&e, 10, &col), 0);
	assert_int_equal(col, 0);
	edit_free(&e);
}

int
main(void)
{
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "en_US.UTF-8");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(edit__insert__cursor_moves_in_columns),
	    cmocka_unit_test(edit__insert__refuses_controls),
	    cmocka_unit_test(edit__move__skips_combining_marks),
	    cmocka_unit_test(edit__backspace__removes_base_and_marks),
	    cmocka_unit_test(edit__delete__at_cursor),
	    cmocka_unit_test(edit__home_end__move_to_edges),
	    cmocka_unit_test(edit__word_motion__alnum_words),
	    cmocka_unit_test(edit__kill_word__backwards),
	    cmocka_unit_test(edit__kill_word__forwards),
	    cmocka_unit_test(edit__kill_head_tail__then_yank),
	    cmocka_unit_test(edit__yank__empty_ring),
	    cmocka_unit_test(edit__max__counts_utf8_bytes),
	    cmocka_unit_test(edit__max__yank_all_or_nothing),
	    cmocka_unit_test(edit__paste__normalises_breaks_and_controls),
	    cmocka_unit_test(edit__paste__stops_at_max_on_char_boundary),
	    cmocka_unit_test(edit__paste__emoji_zwj_sequence),
	    cmocka_unit_test(edit__history__up_down_keeps_draft),
	    cmocka_unit_test(edit__history__skips_empty_and_repeats),
	    cmocka_unit_test(edit__history__bounded),
	    cmocka_unit_test(edit__replace__range_with_utf8),
	    cmocka_unit_test(edit__scroll__keeps_cursor_visible),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
