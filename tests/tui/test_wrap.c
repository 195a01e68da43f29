/* Unit tests of wrapping (tui/wrap.c), the message view (tui/view.c) and name colours. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "color.h"
#include "util.h"
#include "view.h"
#include "width.h"
#include "wrap.h"

/* Wraps s and checks the lines against want (NULL-terminated). */
static void
wraps(const char *s, size_t first, size_t rest, const char *const *want)
{
	struct wrap w = {0};
	wrap_text(&w, s, strlen(s), first, rest);
	size_t n = 0;
	while (want[n])
		n++;
	for (size_t i = 0; i < w.n && i < n; i++) {
		char got[256];
		snprintf(got, sizeof(got), "%.*s", (int)w.v[i].len, s + w.v[i].off);
		assert_string_equal(got, want[i]);
	}
	assert_int_equal(w.n, n);
	wrap_free(&w);
}

static void
wrap__text__breaks_after_spaces(void **state)
{
	(void)state;
	wraps("the quick brown fox", 10, 10, (const char *[]){"the quick", "brown fox", NULL});
	wraps("aa bb", 5, 5, (const char *[]){"aa bb", NULL});
	wraps("aa bb cc", 5, 5, (const char *[]){"aa bb", "cc", NULL});
}

static void
wrap__text__hard_breaks_long_words(void **state)
{
	(void)state;
	wraps("abcdefghij", 4, 4, (const char *[]){"abcd", "efgh", "ij", NULL});
	wraps("hi abcdefghij", 4, 4, (const char *[]){"hi", "abcd", "efgh", "ij", NULL});
}

static void
wrap__text__hanging_indent_widths(void **state)
{
	(void)state;
	wraps("one two three four", 4, 9, (const char *[]){"one", "two three", "four", NULL});
}

static void
wrap__wide__never_split_at_edge(void **state)
{
	(void)state;
	wraps("a中中中", 4, 4, (const char *[]){"a中", "中中", NULL});
	wraps("😀😀😀", 5, 5, (const char *[]){"😀😀", "😀", NULL});
}

static void
wrap__wide__wider_than_line_stands_alone(void **state)
{
	(void)state;
	wraps("中a中", 1, 1, (const char *[]){"中", "a", "中", NULL});
}

static void
wrap__combining__stays_with_base(void **state)
{
	(void)state;
	/* "abé" with a combining acute is three columns. */
	wraps("abe\xcc\x81", 3, 3, (const char *[]){"abe\xcc\x81", NULL});
	wraps("abce\xcc\x81x", 4, 4, (const char *[]){"abce\xcc\x81", "x", NULL});
}

static void
wrap__newline__forces_a_break(void **state)
{
	(void)state;
	wraps("a\nb", 10, 10, (const char *[]){"a", "b", NULL});
	wraps("a\n\nb\n", 10, 10, (const char *[]){"a", "", "b", "", NULL});
}

static void
wrap__text__empty_and_zero_first_width(void **state)
{
	(void)state;
	wraps("", 10, 10, (const char *[]){"", NULL});
	wraps("abc", 0, 5, (const char *[]){"", "abc", NULL});
	wraps("abc", 0, 0, (const char *[]){"", "a", "b", "c", NULL});
}

static void
wrap__invalid_utf8__counts_as_replacement(void **state)
{
	(void)state;
	/* Each invalid byte is one U+FFFD column. */
	assert_int_equal(utf8_width("\xff\xfe", 2), 2);
	wraps("\xff\xff\xff", 2, 2, (const char *[]){"\xff\xff", "\xff", NULL});
}

/* Checks that lines cover s in order and each fits its width (or holds one character). */
static void
check_cover(const char *s, size_t len, size_t first, size_t rest, const struct wrap *w)
{
	size_t at = 0;
	for (size_t i = 0; i < w->n; i++) {
		assert_true(w->v[i].off >= at);
		/* Only a space or a newline may be skipped between lines. */
		for (size_t k = at; k < w->v[i].off; k++)
			assert_true(s[k] == ' ' || s[k] == '\n');
		size_t cols = utf8_width(s + w->v[i].off, w->v[i].len);
		size_t max = i == 0 ? first : rest;
		if (cols > max) {
			/* Only one wide character (and its marks) may overflow a line. */
			if (cols != 2 || max != 1)
				fprintf(stderr, "line %zu of \"%s\" (%zu/%zu): %zu cols > %zu\n", i,
				    s, first, rest, cols, max);
			assert_int_equal(cols, 2);
			assert_int_equal(max, 1);
		}
		at = w->v[i].off + w->v[i].len;
	}
	assert_int_equal(at, len);
}

static void
wrap__property__lines_cover_text_and_fit(void **state)
{
	(void)state;
	static const char *const pieces[] = {
	    "a", "b", " ", "中", "😀", "e\xcc\x81", "\n", "ab", "  ", "\xe2\x80\x8d"};
	srand(7);
	for (int round = 0; round < 2000; round++) {
		char s[256];
		size_t len = 0;
		int n = rand() % 40;
		for (int i = 0; i < n; i++) {
			const char *p = pieces[rand() % (int)nitems(pieces)];
			memcpy(s + len, p, strlen(p));
			len += strlen(p);
		}
		s[len] = '\0';
		size_t first = (size_t)(rand() % 12);
		size_t rest = 1 + (size_t)(rand() % 12);
		struct wrap w = {0};
		wrap_text(&w, s, len, first, rest);
		check_cover(s, len, first, rest, &w);
		wrap_free(&w);
	}
}

/* Seconds of CPU to wrap a 1 MB line made by repeating unit. */
static double
wrap_megabyte(const char *unit, size_t width, size_t *lines)
{
	size_t len = 1 << 20;
	char *s = xmalloc(len + 1);
	size_t ul = strlen(unit);
	for (size_t i = 0; i + ul <= len; i += ul)
		memcpy(s + i, unit, ul);
	len -= len % ul;
	s[len] = '\0';
	struct wrap w = {0};
	clock_t t0 = clock();
	wrap_text(&w, s, len, width - 12, width - 12);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	check_cover(s, len, width - 12, width - 12, &w);
	*lines = w.n;
	wrap_free(&w);
	free(s);
	return secs;
}

static void
wrap__megabyte_line__wraps_in_linear_time(void **state)
{
	(void)state;
	size_t lines;
	/* A quadratic wrap would take minutes here; linear takes milliseconds. */
	assert_true(wrap_megabyte("x", 80, &lines) < 1.0);
	assert_int_equal(lines, ((1 << 20) + 67) / 68);
	assert_true(wrap_megabyte("word ", 80, &lines) < 1.0);
	assert_true(lines > 10000);
	assert_true(wrap_megabyte("中", 80, &lines) < 1.0);
	assert_int_equal(lines, ((1 << 20) / 3 + 33) / 34);
}

/* Local noon on 2026-11-20 plus d days, h hours, in ms (TZ is UTC here). */
static int64_t
day_ms(int d, int h)
{
	return (1795176000LL + d * 86400LL + h * 3600LL) * 1000;
}

/* The text of a TEXT row. */
static char *
row_text(const struct view_row *r)
{
	return xstrndup(r->msg->body + r->off, r->len);
}

static void
view__layout__shows_the_bottom(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, 0);
	for (int i = 0; i < 10; i++) {
		char b[16];
		snprintf(b, sizeof(b), "m%d", i);
		view_append(&v, day_ms(0, 0), "bob", b, strlen(b), 0);
	}
	struct view_row rows[4];
	size_t scroll = 0;
	assert_int_equal(view_layout(&v, 40, 4, &scroll, rows), 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(rows[i].kind, VIEW_ROW_TEXT);
		assert_true(rows[i].first);
		char *t = row_text(&rows[i]);
		char want[8];
		snprintf(want, sizeof(want), "m%d", 6 + i);
		assert_string_equal(t, want);
		free(t);
	}
	/* "12:00 <bob> " is 12 columns. */
	assert_int_equal(rows[0].indent, 12);
	view_free(&v);
}

static void
view__layout__scroll_up_and_clamp(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, 0);
	for (int i = 0; i < 10; i++)
		view_append(&v, day_ms(0, 0), "bob", "x", 1, 0);
	struct view_row rows[4];
	size_t scroll = 3;
	assert_int_equal(view_layout(&v, 40, 4, &scroll, rows), 4);
	assert_int_equal(scroll, 3);
	assert_int_equal(rows[3].index, 6);
	/* 10 messages + 1 day separator = 11 rows: at most 7 up. */
	scroll = 100;
	assert_int_equal(view_layout(&v, 40, 4, &scroll, rows), 4);
	assert_int_equal(scroll, 7);
	assert_int_equal(rows[0].kind, VIEW_ROW_DAY);
	assert_int_equal(rows[1].index, 0);
	view_free(&v);
}

static void
view__layout__short_history_top_aligned(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, 0);
	view_append(&v, day_ms(0, 0), "bob", "hi", 2, 0);
	struct view_row rows[5];
	size_t scroll = 2;
	assert_int_equal(view_layout(&v, 40, 5, &scroll, rows), 2);
	assert_int_equal(scroll, 0);
	assert_int_equal(rows[0].kind, VIEW_ROW_DAY);
	assert_string_equal(rows[0].text, "Fri 20 Nov 2026");
	assert_int_equal(rows[1].kind, VIEW_ROW_TEXT);
	view_free(&v);
}

static void
view__layout__day_separators_between_days(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, 0);
	view_append(&v, day_ms(0, 0), "bob", "a", 1, 0);
	view_append(&v, day_ms(0, 11), "bob", "b", 1, 0); /* 23:00 the same day */
	view_append(&v, day_ms(1, -11), "bob", "c", 1, 0); /* 01:00 the next day */
	struct view_row rows[10];
	size_t scroll = 0;
	assert_int_equal(view_layout(&v, 40, 10, &scroll, rows), 5);
	assert_int_equal(rows[0].kind, VIEW_ROW_DAY);
	assert_int_equal(rows[1].kind, VIEW_ROW_TEXT);
	assert_int_equal(rows[2].kind, VIEW_ROW_TEXT);
	assert_int_equal(rows[3].kind, VIEW_ROW_DAY);
	assert_string_equal(rows[3].text, "Sat 21 Nov 2026");
	assert_int_equal(rows[4].kind, VIEW_ROW_TEXT);
	char hm[6];
	view_time(rows[4].msg->ts, hm);
	assert_string_equal(hm, "01:00");
	view_free(&v);
}

static void
view__layout__unread_marker_above_first_unread(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, 0);
	for (int i = 0; i < 4; i++)
		view_append(&v, day_ms(0, 0), "bob", "x", 1, 0);
	view_mark_unread(&v, 2, "— new since you left: 2 from the notifier —");
	struct view_row rows[10];
	size_t scroll = 0;
	assert_int_equal(view_layout(&v, 40, 10, &scroll, rows), 6);
	assert_int_equal(rows[3].kind, VIEW_ROW_UNREAD);
	assert_int_equal(rows[3].index, 2);
	assert_string_equal(v.marker, "— new since you left: 2 from the notifier —");
	/* Moving it leaves a single marker. */
	view_mark_unread(&v, 0, "m");
	assert_int_equal(view_layout(&v, 40, 10, &scroll, rows), 6);
	assert_int_equal(rows[0].kind, VIEW_ROW_DAY);
	assert_int_equal(rows[1].kind, VIEW_ROW_UNREAD);
	assert_int_equal(rows[2].kind, VIEW_ROW_TEXT);
	view_free(&v);
}

static void
view__layout__hanging_indent_on_continuations(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, 0);
	/* Prefix "12:00 <bob> " = 12 columns; width 30 leaves 18 for text. */
	const char *body = "aaaa bbbb cccc dddd eeee";
	view_append(&v, day_ms(0, 0), "bob", body, strlen(body), 0);
	struct view_row rows[5];
	size_t scroll = 0;
	assert_int_equal(view_layout(&v, 30, 5, &scroll, rows), 3);
	char *t = row_text(&rows[1]);
	assert_string_equal(t, "aaaa bbbb cccc");
	free(t);
	assert_int_equal(rows[2].indent, 12);
	assert_false(rows[2].first);
	t = row_text(&rows[2]);
	assert_string_equal(t, "dddd eeee");
	free(t);
	/* On a narrow screen the indent shrinks to half the width. */
	scroll = 0;
	view_layout(&v, 16, 5, &scroll, rows);
	assert_int_equal(rows[4].indent, 8);
	view_free(&v);
}

static void
view__append__sanitises_hostile_text(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, 0);
	const char body[] = "\033]0;pwned\007\033[2J\xc2\x9b\xff ok";
	struct view_msg *m = view_append(&v, 0, "ev\033il", body, sizeof(body) - 1, 0);
	assert_null(strchr(m->body, '\033'));
	assert_null(strchr(m->body, '\007'));
	assert_null(strstr(m->body, "\xc2\x9b"));
	assert_non_null(strstr(m->body, "\xef\xbf\xbd ok"));
	assert_null(strchr(m->sender, '\033'));
	view_free(&v);
}

static void
view__window__keeps_only_the_newest(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, 8);
	for (int i = 0; i < 100; i++) {
		char b[16];
		snprintf(b, sizeof(b), "m%d", i);
		struct view_msg *m = view_append(&v, day_ms(0, 0), "bob", b, strlen(b), VIEW_OWN);
		m->cid = xasprintf("cid%d", i);
		assert_true(v.n <= 8);
	}
	assert_string_equal(v.msgs[v.n - 1]->body, "m99");
	assert_string_equal(v.msgs[v.n - 2]->cid, "cid98");
	bool old = false;
	for (size_t i = 0; i < v.n; i++)
		old = old || strcmp(v.msgs[i]->cid, "cid3") == 0;
	assert_false(old);
	view_free(&v);
}

static void
view__layout__tiny_screens_do_not_overflow(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, 0);
	const char *bodies[] = {"中文😀 e\xcc\x81 long long long words", "x", "", "\n\n\n",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
	for (size_t i = 0; i < nitems(bodies); i++)
		view_append(
		    &v, day_ms((int)i, 0), "someone-long-name", bodies[i], strlen(bodies[i]), 0);
	view_mark_unread(&v, 3, "new");
	for (size_t w = 0; w <= 20; w++) {
		for (size_t h = 0; h <= 5; h++) {
			for (size_t sc = 0; sc < 40; sc += 7) {
				struct view_row rows[5];
				size_t scroll = sc;
				size_t n = view_layout(&v, w, h, &scroll, rows);
				assert_true(n <= h);
				for (size_t i = 0; i < n; i++) {
					if (rows[i].kind != VIEW_ROW_TEXT || rows[i].first)
						continue;
					assert_true(rows[i].indent < w || w == 0);
				}
			}
		}
	}
	view_free(&v);
}

static void
view__layout__scroll_counts_rows_from_the_bottom(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, 0);
	for (int i = 0; i < 20; i++)
		view_append(&v, day_ms(0, 0), "bob", "x", 1, 0);
	struct view_row rows[5];
	size_t scroll = 5;
	assert_int_equal(view_layout(&v, 40, 5, &scroll, rows), 5);
	assert_int_equal(scroll, 5);
	assert_int_equal(rows[0].index, 10);
	view_free(&v);
}

static void
color__of_name__stable_and_spread(void **state)
{
	(void)state;
	assert_int_equal(color_of_name("alice", 12), color_of_name("alice", 12));
	assert_true(color_of_name("bob", 12) < 12);
	assert_int_equal(color_of_name("x", 0), 0);
	/* Twenty names land on several colours, not one. */
	int used[12] = {0};
	int distinct = 0;
	for (int i = 0; i < 20; i++) {
		char name[16];
		snprintf(name, sizeof(name), "user%d", i);
		size_t c = color_of_name(name, 12);
		if (!used[c]++)
			distinct++;
	}
	assert_true(distinct >= 6);
}

int
main(void)
{
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "en_US.UTF-8");
	setenv("TZ", "UTC", 1);
	tzset();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(wrap__text__breaks_after_spaces),
	    cmocka_unit_test(wrap__text__hard_breaks_long_words),
	    cmocka_unit_test(wrap__text__hanging_indent_widths),
	    cmocka_unit_test(wrap__wide__never_split_at_edge),
	    cmocka_unit_test(wrap__wide__wider_than_line_stands_alone),
	    cmocka_unit_test(wrap__combining__stays_with_base),
	    cmocka_unit_test(wrap__newline__forces_a_break),
	    cmocka_unit_test(wrap__text__empty_and_zero_first_width),
	    cmocka_unit_test(wrap__invalid_utf8__counts_as_replacement),
	    cmocka_unit_test(wrap__property__lines_cover_text_and_fit),
	    cmocka_unit_test(wrap__megabyte_line__wraps_in_linear_time),
	    cmocka_unit_test(view__layout__shows_the_bottom),
	    cmocka_unit_test(view__layout__scroll_up_and_clamp),
	    cmocka_unit_test(view__layout__short_history_top_aligned),
	    cmocka_unit_test(view__layout__day_separators_between_days),
	    cmocka_unit_test(view__layout__unread_marker_above_first_unread),
	    cmocka_unit_test(view__layout__hanging_indent_on_continuations),
	    cmocka_unit_test(view__append__sanitises_hostile_text),
	    cmocka_unit_test(view__window__keeps_only_the_newest),
	    cmocka_unit_test(view__layout__tiny_screens_do_not_overflow),
	    cmocka_unit_test(view__layout__scroll_counts_rows_from_the_bottom),
	    cmocka_unit_test(color__of_name__stable_and_spread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
