/* Tests of read marks in history.db (core/readmark.c) and the unread counts they give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "history.h"
#include "readmark.h"
#include "testlib.h"

/* A history with conversation c1 (alice, bob, carol) and messages of bob and carol. */
static void
setup_conv(struct history *h, uint64_t bob, uint64_t carol)
{
	struct err e = {0};
	if (history_open_memory(h, &e) < 0)
		fail_msg("open: %s", e.msg);
	char *mem[] = {"alice", "bob", "carol"};
	struct conversation c = {.id = "c1", .title = "t", .members = mem, .nmembers = 3};
	assert_int_equal(history_put_convs(h, &c, 1, &e), 0);
	int64_t ts = 100;
	for (uint64_t i = 1; i <= bob || i <= carol; i++) {
		struct message m[2] = {
		    {.conv = "c1", .sender = "bob", .seq = i, .ts = ts, .body = "b"},
		    {.conv = "c1", .sender = "carol", .seq = i, .ts = ts + 1, .body = "c"},
		};
		ts += 2;
		if (i <= bob)
			assert_int_equal(history_insert(h, &m[0], 1, NULL, &e), 0);
		if (i <= carol)
			assert_int_equal(history_insert(h, &m[1], 1, NULL, &e), 0);
	}
}

/* alice's unread count in c1. */
static uint64_t
unread(struct history *h)
{
	struct conversation *v;
	size_t n;
	struct err e = {0};
	assert_int_equal(history_list_convs(h, "alice", &v, &n, &e), 0);
	assert_int_equal(n, 1);
	uint64_t u = v[0].unread;
	conversations_free(v, n);
	return u;
}

/* Marks from the server only raise, count per sender, and say when they moved. */
static void
readmark__merge__rises_per_sender(void **state)
{
	(void)state;
	struct history h;
	setup_conv(&h, 5, 3);
	struct err e = {0};
	assert_int_equal(unread(&h), 8);
	struct marks m = {0};
	marks_raise(&m, "bob", 4);
	bool moved;
	assert_int_equal(history_read_merge(&h, "c1", &m, &moved, &e), 0);
	assert_true(moved);
	assert_int_equal(unread(&h), 4); /* bob 5, carol 1-3 */
	assert_int_equal(history_read_merge(&h, "c1", &m, &moved, &e), 0);
	assert_false(moved);
	marks_free(&m);
	marks_raise(&m, "bob", 2);
	marks_raise(&m, "carol", 3);
	assert_int_equal(history_read_merge(&h, "c1", &m, &moved, &e), 0);
	assert_true(moved); /* carol rose; bob's lower mark changed nothing */
	assert_int_equal(unread(&h), 1);
	assert_false(readmark_pending(&h)); /* what the server sent is what it has */
	marks_free(&m);
	history_close(&h);
}

/* Marking read locally covers every sender's newest held message and waits to be sent. */
static void
readmark__mark_read__pending_until_the_server_has_it(void **state)
{
	(void)state;
	struct history h;
	setup_conv(&h, 3, 2);
	struct err e = {0};
	assert_false(readmark_pending(&h));
	assert_int_equal(history_mark_read(&h, "c1", &e), 0);
	assert_int_equal(unread(&h), 0);
	assert_true(readmark_pending(&h));
	struct marks m = {0};
	marks_raise(&m, "bob", 3);
	bool moved;
	assert_int_equal(history_read_merge(&h, "c1", &m, &moved, &e), 0);
	assert_false(moved);
	assert_true(readmark_pending(&h)); /* carol's mark is still only here */
	marks_raise(&m, "carol", 2);
	assert_int_equal(history_read_merge(&h, "c1", &m, &moved, &e), 0);
	assert_false(moved);
	assert_false(readmark_pending(&h));
	marks_free(&m);
	history_close(&h);
}

/* With a hole in what is held, the mark is the newest held: the hole is not unread. */
static void
readmark__mark_read__holes_and_later_messages(void **state)
{
	(void)state;
	struct history h;
	setup_conv(&h, 2, 0);
	struct err e = {0};
	struct message late = {.conv = "c1", .sender = "bob", .seq = 9, .ts = 900, .body = "x"};
	assert_int_equal(history_insert(&h, &late, 1, NULL, &e), 0);
	assert_int_equal(history_mark_read(&h, "c1", &e), 0);
	assert_int_equal(unread(&h), 0);
	struct message hole = {.conv = "c1", .sender = "bob", .seq = 5, .ts = 500, .body = "y"};
	assert_int_equal(history_insert(&h, &hole, 1, NULL, &e), 0);
	assert_int_equal(unread(&h), 0); /* older than what was read: filled, not new */
	struct message next = {.conv = "c1", .sender = "bob", .seq = 10, .ts = 1000, .body = "z"};
	assert_int_equal(history_insert(&h, &next, 1, NULL, &e), 0);
	assert_int_equal(unread(&h), 1);
	history_close(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(readmark__merge__rises_per_sender),
	    cmocka_unit_test(readmark__mark_read__pending_until_the_server_has_it),
	    cmocka_unit_test(readmark__mark_read__holes_and_later_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
