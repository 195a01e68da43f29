/*
 * Unit tests of the message window's content (tui/timeline.c): a merge of
 * the newest rows gives the window a fresh fill would, keeps the messages
 * it held (and their wrapping), and refuses rows that do not join.
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

#include "timeline.h"
#include "util.h"
#include "view.h"

#define ROWS 40

/* Rows 1..ROWS of conversation "c": ts 1000 apart, every third by "me". */
static struct message rows[ROWS];

static int
setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < ROWS; i++) {
		rows[i].id = (int64_t)i + 1;
		rows[i] = (struct message){.id = rows[i].id,
		    .conv = xstrdup("c"),
		    .sender = xstrdup(i % 3 == 0 ? "me" : "bob"),
		    .seq = i + 1,
		    .ts = 1000 * ((int64_t)i + 1),
		    .body =
			xasprintf("message %zu, long enough to wrap on a narrow screen", i + 1)};
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < ROWS; i++)
		message_free(&rows[i]);
	return 0;
}

/* Checks that a and b hold the same messages in the same order. */
static void
same_window(const struct view *a, const struct view *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct view_msg *x = a->msgs[i], *y = b->msgs[i];
		assert_int_equal(x->id, y->id);
		assert_int_equal(x->ts, y->ts);
		assert_int_equal(x->flags & ~VIEW_UNREAD, y->flags & ~VIEW_UNREAD);
		assert_string_equal(x->sender, y->sender);
		assert_string_equal(x->body, y->body);
		assert_true((x->cid == NULL) == (y->cid == NULL));
		if (x->cid)
			assert_string_equal(x->cid, y->cid);
	}
}

/* Merges rows [held, upto) into a window filled with rows [0, held), as window.c does. */
static int
merge_upto(struct view *v, size_t held, size_t upto, const struct timeline *t)
{
	size_t fresh = upto - held;
	size_t batch = fresh + TIMELINE_OVERLAP;
	size_t from = batch < upto ? upto - batch : 0;
	return timeline_merge(v, rows + from, upto - from, fresh, t);
}

static void
timeline__merge__equals_a_fresh_fill(void **state)
{
	(void)state;
	struct notice notes[] = {
	    {.ts = 500, .conv = NULL, .text = "before everything"},
	    {.ts = 30500, .conv = "c", .text = "between the old rows"},
	    {.ts = 30500, .conv = "other", .text = "elsewhere: never shown"},
	    {.ts = 36000, .conv = "c", .text = "on the same ms as row 36"},
	    {.ts = 38500, .conv = "c", .text = "between the new rows"},
	    {.ts = 99000, .conv = "c", .text = "after everything"},
	};
	struct outbox_item ob[] = {
	    {.id = 1, .conv = "c", .client_id = "cid-1", .body = "on its way", .created = 50000},
	    {.id = 2, .conv = "other", .client_id = "cid-2", .body = "elsewhere", .created = 50001},
	};
	struct timeline t = {.me = "me",
	    .conv = "c",
	    .notices = notes,
	    .nnotices = nitems(notes),
	    .outbox = ob,
	    .noutbox = 2};
	struct view v, want;
	view_init(&v, 0);
	view_init(&want, 0);
	for (size_t start = 30; start < ROWS; start += 3) {
		timeline_fill(&v, rows, start, &t);
		/* One row at a time, then several at once. */
		size_t held = start;
		for (size_t upto = start; upto <= ROWS; upto += upto < start + 3 ? 1 : 4) {
			assert_int_equal(merge_upto(&v, held, upto, &t), (int)(upto - held));
			timeline_fill(&want, rows, upto, &t);
			same_window(&v, &want);
			held = upto;
		}
	}
	view_free(&v);
	view_free(&want);
}

static void
timeline__merge__keeps_messages_and_their_wrapping(void **state)
{
	(void)state;
	struct timeline t = {.me = "me", .conv = "c"};
	struct view v;
	view_init(&v, 0);
	timeline_fill(&v, rows, ROWS - 1, &t);
	size_t scroll = 0;
	struct view_row out[10];
	view_layout(&v, 30, 10, &scroll, out);
	struct view_msg *kept = v.msgs[v.n - 1];
	assert_int_equal(kept->wrapw, 30);
	size_t lines = kept->wrap.n;
	assert_true(lines > 1);
	assert_int_equal(merge_upto(&v, ROWS - 1, ROWS, &t), 1);
	/* The old message is the same object, still wrapped; only the new one needs wrapping. */
	assert_ptr_equal(v.msgs[v.n - 2], kept);
	assert_int_equal(kept->wrapw, 30);
	assert_int_equal(kept->wrap.n, lines);
	assert_int_equal(v.msgs[v.n - 1]->id, ROWS);
	assert_int_equal(v.msgs[v.n - 1]->wrapw, 0);
	view_layout(&v, 30, 10, &scroll, out);
	assert_int_equal(v.msgs[v.n - 1]->wrapw, 30);
	/* A resize reflows what is shown, for the new width. */
	view_layout(&v, 60, 10, &scroll, out);
	assert_int_equal(kept->wrapw, 60);
	assert_true(kept->wrap.n < lines);
	view_free(&v);
}

static void
timeline__merge__renews_pending_sends(void **state)
{
	(void)state;
	struct outbox_item ob = {
	    .id = 1, .conv = "c", .client_id = "cid-1", .body = "sending", .created = 99000};
	struct timeline t = {.me = "me", .conv = "c", .outbox = &ob, .noutbox = 1};
	struct view v;
	view_init(&v, 0);
	timeline_fill(&v, rows, ROWS - 1, &t);
	assert_true(v.msgs[v.n - 1]->flags & VIEW_PENDING);
	assert_string_equal(v.msgs[v.n - 1]->cid, "cid-1");
	/* Acknowledged: the send leaves the outbox and comes back as a history row. */
	t.noutbox = 0;
	assert_int_equal(merge_upto(&v, ROWS - 1, ROWS, &t), 1);
	assert_int_equal(v.n, ROWS - 1 + 1);
	assert_int_equal(v.msgs[v.n - 1]->id, ROWS);
	for (size_t i = 0; i < v.n; i++)
		assert_false(v.msgs[i]->flags & VIEW_PENDING);
	/* Nothing new in history: only the sends are renewed. */
	t.noutbox = 1;
	assert_int_equal(merge_upto(&v, ROWS, ROWS, &t), 0);
	assert_int_equal(v.n, ROWS + 1);
	assert_true(v.msgs[v.n - 1]->flags & VIEW_PENDING);
	view_free(&v);
}

static void
timeline__merge__refuses_rows_that_do_not_join(void **state)
{
	(void)state;
	struct timeline t = {.me = "me", .conv = "c"};
	struct view v;
	view_init(&v, 0);
	timeline_fill(&v, rows, 20, &t);
	struct view_msg *last = v.msgs[v.n - 1];
	/* More new rows than were read: the oldest read is not in the window. */
	assert_int_equal(timeline_merge(&v, rows + 25, 10, 10, &t), -1);
	/* A row came in older than those read: the count does not match. */
	assert_int_equal(timeline_merge(&v, rows + 15, 6, 2, &t), -1);
	assert_int_equal(timeline_merge(&v, rows, 0, 0, &t), -1);
	assert_int_equal(v.n, 20);
	assert_ptr_equal(v.msgs[v.n - 1], last);
	view_free(&v);
}

static void
timeline__fill__marks_own_and_hit(void **state)
{
	(void)state;
	struct timeline t = {.me = "me", .conv = "c", .hit = 5};
	struct view v;
	view_init(&v, 0);
	timeline_fill(&v, rows, 6, &t);
	assert_int_equal(v.n, 6);
	assert_true(v.msgs[0]->flags & VIEW_OWN);
	assert_false(v.msgs[1]->flags & VIEW_OWN);
	assert_true(v.msgs[4]->flags & VIEW_HIT);
	assert_false(v.msgs[3]->flags & VIEW_HIT);
	view_free(&v);
}

static void
timeline__fill__draws_rows_as_folded(void **state)
{
	(void)state;
	struct timeline t = {.me = "me", .conv = "c"};
	struct folded f[5] = {0};
	/* 0 edited, 1 deleted (an action), 2 a reply with reactions, 3 a notice, 4 unknown target. */
	f[0].text = "message 1 fixed";
	f[0].edited = true;
	f[1].deleted = true;
	f[1].action = true;
	f[2].text = "message 3";
	f[2].reply = true;
	f[2].quote = (struct fold_quote){.sender = "me", .seq = 1, .known = true, .text = "a\nb"};
	char *up[] = {"bob", "me"};
	struct fold_reaction r = {.text = "👍", .who = up, .n = 2};
	f[2].reactions = &r;
	f[2].nreactions = 1;
	f[3].notice = "carol joined";
	f[4].text = "message 5";
	f[4].reply = true;
	f[4].quote = (struct fold_quote){.sender = "bob", .seq = 7};
	t.folds = f;
	struct view v;
	view_init(&v, 0);
	timeline_fill(&v, rows, 5, &t);
	assert_int_equal(v.n, 5);
	assert_string_equal(v.msgs[0]->body, "message 1 fixed (edited)");
	assert_true(v.msgs[0]->flags & VIEW_EDITED);
	assert_string_equal(v.msgs[1]->body, "(deleted)");
	assert_false(v.msgs[1]->flags & VIEW_ACTION);
	assert_false(view_selectable(&v, 1));
	assert_string_equal(v.msgs[2]->quote, "↱ me: a…");
	assert_string_equal(v.msgs[2]->react, "👍 2 bob, me");
	assert_string_equal(v.msgs[3]->body, "carol joined");
	assert_true(v.msgs[3]->flags & VIEW_EVENT);
	assert_false(view_selectable(&v, 3));
	assert_string_equal(v.msgs[4]->quote, "↱ bob:7");
	view_free(&v);
}

static void
timeline__fill__until_leaves_later_notices_out(void **state)
{
	(void)state;
	/* A window ending at a hit (row 3, ts 3000): the notice made later is not under it. */
	struct notice notes[] = {
	    {.ts = 2500, .conv = "c", .text = "before the hit"},
	    {.ts = 9000, .conv = "c", .text = "after the hit"},
	};
	struct timeline t = {
	    .me = "me", .conv = "c", .notices = notes, .nnotices = 2, .hit = 3, .until = 3000};
	struct view v;
	view_init(&v, 0);
	timeline_fill(&v, rows, 3, &t);
	assert_int_equal(v.n, 4);
	assert_string_equal(v.msgs[2]->body, "before the hit");
	assert_true(v.msgs[3]->flags & VIEW_HIT);
	view_free(&v);
}

static void
timeline__fill__marks_mentions_of_others(void **state)
{
	(void)state;
	struct message m[] = {
	    {.id = 1, .conv = "c", .sender = "bob", .ts = 1, .body = "ask ME: now"},
	    {.id = 2, .conv = "c", .sender = "bob", .ts = 2, .body = "meme"},
	    {.id = 3, .conv = "c", .sender = "me", .ts = 3, .body = "me myself"},
	};
	struct timeline t = {.me = "me", .conv = "c", .mention = "me"};
	struct view v;
	view_init(&v, 0);
	timeline_fill(&v, m, 3, &t);
	assert_true(v.msgs[0]->flags & VIEW_MENTION);
	assert_false(v.msgs[1]->flags & VIEW_MENTION);
	assert_false(v.msgs[2]->flags & VIEW_MENTION);
	view_free(&v);
}

int
main(void)
{
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "en_US.UTF-8");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(timeline__merge__equals_a_fresh_fill),
	    cmocka_unit_test(timeline__merge__keeps_messages_and_their_wrapping),
	    cmocka_unit_test(timeline__merge__renews_pending_sends),
	    cmocka_unit_test(timeline__merge__refuses_rows_that_do_not_join),
	    cmocka_unit_test(timeline__fill__marks_own_and_hit),
	    cmocka_unit_test(timeline__fill__draws_rows_as_folded),
	    cmocka_unit_test(timeline__fill__until_leaves_later_notices_out),
	    cmocka_unit_test(timeline__fill__marks_mentions_of_others),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
