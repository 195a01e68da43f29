/*
 * Unit tests of what the message window draws for message operations
 * (tui/view.c): the selection (which messages, moving, scrolling it into
 * sight), edited and deleted texts, actions, the quote above a reply and
 * the reactions under a message, packed by terminal columns.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"
#include "view.h"
#include "width.h"

/* Noon on a fixed day: every message on the same day, one day rule on top. */
#define NOON 1700049600000LL

/* Appends a history row (id, seq) by sender. */
static struct view_msg *
row(struct view *v, int64_t id, const char *sender, const char *body, int flags)
{
	struct view_msg *m = view_append(v, NOON + id, sender, body, strlen(body), flags);
	m->id = id;
	m->seq = (uint64_t)id;
	return m;
}

/* The text of a laid-out row. */
static char *
row_text(const struct view_row *r)
{
	const char *base = r->kind == VIEW_ROW_QUOTE ? r->msg->quote
	    : r->kind == VIEW_ROW_REACT              ? r->msg->react
						     : r->msg->body;
	return xstrndup(base + r->off, r->len);
}

static void
select__step__skips_notices_pending_and_deleted(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, 0);
	row(&v, 1, "bob", "one", 0);
	view_append(&v, NOON + 2, "", "a notice", 8, VIEW_INFO);
	row(&v, 3, "me", "gone", VIEW_OWN | VIEW_DELETED);
	row(&v, 4, "carol", "carol joined", VIEW_EVENT);
	row(&v, 5, "me", "two", VIEW_OWN);
	struct view_msg *p = view_append(&v, NOON + 6, "me", "sending", 7, VIEW_OWN | VIEW_PENDING);
	p->cid = xstrdup("cid");
	assert_int_equal(view_select_newest(&v), 4);
	assert_int_equal(view_select_step(&v, 4, -1), 0);
	assert_int_equal(view_select_step(&v, 0, -1), SIZE_MAX);
	assert_int_equal(view_select_step(&v, 0, 1), 4);
	assert_int_equal(view_select_step(&v, 4, 1), SIZE_MAX);
	assert_int_equal(view_find(&v, 5), 4);
	assert_int_equal(view_find(&v, 99), SIZE_MAX);
	assert_int_equal(view_find(&v, 0), SIZE_MAX);
	view_clear(&v);
	assert_int_equal(view_select_newest(&v), SIZE_MAX);
	view_free(&v);
}

static void
select__scroll_to__brings_the_message_into_sight(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, 0);
	for (int64_t i = 1; i <= 30; i++)
		row(&v, i, "bob", "x", 0);
	/* One row each, a day rule above the first: 31 rows. */
	assert_int_equal(view_scroll_to(&v, 29, 40, 10, 0), 0);
	assert_int_equal(view_scroll_to(&v, 20, 40, 10, 0), 0);
	/* Message 19 has 10 below it: its row is the 11th from the bottom. */
	assert_int_equal(view_scroll_to(&v, 19, 40, 10, 0), 1);
	assert_int_equal(view_scroll_to(&v, 0, 40, 10, 0), 21);
	/* Scrolled up past it: down until it is the bottom row. */
	assert_int_equal(view_scroll_to(&v, 29, 40, 10, 15), 0);
	assert_int_equal(view_scroll_to(&v, 25, 40, 10, 15), 4);
	/* Already in sight: no move. */
	assert_int_equal(view_scroll_to(&v, 10, 40, 10, 15), 15);
	/* Taller than the screen: its top shows. */
	row(&v, 31, "bob", "a b c d e f g h i j k l m n o p q r s t u v w x y z", 0);
	size_t rows = view_scroll_to(&v, 30, 14, 3, 0);
	assert_true(rows > 0);
	size_t scroll = rows;
	struct view_row out[3];
	assert_int_equal(view_layout(&v, 14, 3, &scroll, out), 3);
	assert_true(out[0].first);
	assert_ptr_equal(out[0].msg, v.msgs[30]);
	view_free(&v);
}

static void
view__set_text__marks_edited_deleted_and_actions(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, 0);
	struct view_msg *m = row(&v, 1, "alice", "fixed typo", VIEW_EDITED);
	assert_string_equal(m->body, "fixed typo (edited)");
	assert_int_equal(m->marklen, strlen(" (edited)"));
	char *t = view_msg_text(m);
	assert_string_equal(t, "fixed typo");
	free(t);
	/* "HH:MM <alice> " */
	assert_int_equal(m->prefixw, 6 + 1 + 5 + 2);
	view_msg_set_text(m, "secret", 6, VIEW_DELETED);
	assert_string_equal(m->body, "(deleted)");
	assert_null(strstr(m->body, "secret"));
	assert_true(m->flags & VIEW_DELETED);
	assert_false(m->flags & VIEW_EDITED);
	t = view_msg_text(m);
	assert_string_equal(t, "");
	free(t);
	/* "HH:MM * alice waves" */
	struct view_msg *a = row(&v, 2, "alice", "waves", VIEW_ACTION);
	assert_int_equal(a->prefixw, 6 + 2 + 5 + 1);
	struct view_msg *n = row(&v, 3, "carol", "carol joined", VIEW_EVENT);
	assert_int_equal(n->prefixw, 6 + 4);
	/* A control character in an edit is sanitised like any text. */
	view_msg_set_text(a, "a\x1b[31mb", 8, VIEW_EDITED);
	assert_null(strchr(a->body, '\x1b'));
	view_free(&v);
}

static void
view__reactions__counts_and_who(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, 0);
	struct view_msg *m = row(&v, 1, "bob", "lunch?", 0);
	const char *up[] = {"alice", "bob"};
	const char *party[] = {"carol", "dave", "erin", "frank", "gina"};
	struct view_reaction r[] = {
	    {.emoji = "👍", .who = up, .n = 2},
	    {.emoji = "🎉", .who = party, .n = 5},
	    {.emoji = "x", .who = NULL, .n = 0},
	};
	view_msg_set_reactions(m, r, 3);
	assert_string_equal(m->react, "👍 2 alice, bob  🎉 5 carol, dave, erin +2");
	view_msg_set_reactions(m, r, 0);
	assert_null(m->react);
	view_free(&v);
}

/* Packs text into width columns and checks the lines against want (NULL-terminated). */
static void
packs(const char *text, size_t width, const char *const *want)
{
	struct wrap w = {0};
	view_pack_units(&w, text, strlen(text), width);
	size_t n = 0;
	while (want[n])
		n++;
	for (size_t i = 0; i < w.n && i < n; i++) {
		char *got = xstrndup(text + w.v[i].off, w.v[i].len);
		assert_string_equal(got, want[i]);
		free(got);
	}
	assert_int_equal(w.n, n);
	wrap_free(&w);
}

static void
view__pack_units__whole_reactions_by_columns(void **state)
{
	(void)state;
	/* "👍 2 alice, bob" is 15 columns: the emoji takes two. */
	assert_int_equal(utf8_width("👍 2 alice, bob", strlen("👍 2 alice, bob")), 15);
	const char *t = "👍 2 alice, bob  🎉 1 carol";
	packs(t, 40, (const char *const[]){"👍 2 alice, bob  🎉 1 carol", NULL});
	packs(t, 27, (const char *const[]){"👍 2 alice, bob  🎉 1 carol", NULL});
	packs(t, 26, (const char *const[]){"👍 2 alice, bob", "🎉 1 carol", NULL});
	/* Wider than a line: it stands alone. */
	packs(t, 5, (const char *const[]){"👍 2 alice, bob", "🎉 1 carol", NULL});
	packs("", 10, (const char *const[]){NULL});
}

static void
view__layout__quote_text_and_reactions_rows(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, 0);
	row(&v, 1, "alice", "first words of a long message\nsecond line", 0);
	struct view_msg *m = row(&v, 2, "bob", "yes", 0);
	view_msg_set_quote(m, "alice", "first words of a long message\nsecond line");
	assert_string_equal(m->quote, "↱ alice: first words of a long message…");
	const char *who[] = {"alice", "carol"};
	struct view_reaction r = {.emoji = "👍", .who = who, .n = 2};
	view_msg_set_reactions(m, &r, 1);
	size_t scroll = 0;
	struct view_row out[4];
	assert_int_equal(view_layout(&v, 30, 4, &scroll, out), 4);
	/* alice's second line, the quote (cut with "…" at the edge), bob's text, reactions. */
	assert_int_equal(out[0].kind, VIEW_ROW_TEXT);
	assert_int_equal(out[1].kind, VIEW_ROW_QUOTE);
	assert_int_equal(out[1].indent, 6);
	assert_true(out[1].cut);
	char *q = row_text(&out[1]);
	assert_int_equal(utf8_width(q, strlen(q)), 30 - 6 - 1);
	free(q);
	assert_int_equal(out[2].kind, VIEW_ROW_TEXT);
	assert_true(out[2].first);
	assert_ptr_equal(out[2].msg, m);
	assert_int_equal(out[3].kind, VIEW_ROW_REACT);
	assert_int_equal(out[3].indent, m->prefixw);
	char *t = row_text(&out[3]);
	assert_string_equal(t, "👍 2 alice, carol");
	free(t);
	/* The rows scroll_to counts are the rows laid out: the oldest is at the very top. */
	size_t top = SIZE_MAX / 2;
	struct view_row three[3];
	view_layout(&v, 30, 3, &top, three);
	assert_int_equal(view_scroll_to(&v, 0, 30, 3, 0), top);
	view_free(&v);
}

int
main(void)
{
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "en_US.UTF-8");
	setenv("TZ", "UTC", 1);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(select__step__skips_notices_pending_and_deleted),
	    cmocka_unit_test(select__scroll_to__brings_the_message_into_sight),
	    cmocka_unit_test(view__set_text__marks_edited_deleted_and_actions),
	    cmocka_unit_test(view__reactions__counts_and_who),
	    cmocka_unit_test(view__pack_units__whole_reactions_by_columns),
	    cmocka_unit_test(view__layout__quote_text_and_reactions_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
