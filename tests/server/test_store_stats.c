/* Tests of the store's figures for the metrics (server-mock/store-stats.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store.h"

/* The sum of a histogram's buckets. */
static uint64_t
total(const struct store_histogram *h)
{
	uint64_t n = 0;
	for (size_t i = 0; i < STORE_BUCKETS; i++)
		n += h->count[i];
	return n;
}

/* Transactions of any connection are counted by outcome and timed; the backend is named. */
static void
store_stats__counts_commits_rollbacks_and_snapshots(void **state)
{
	(void)state;
	struct store *s, *more;
	struct err e = {0};
	assert_int_equal(store_open(&s, NULL, 1000, &e), 0);
	assert_int_equal(store_open_more(s, &more, &e), 0);
	struct store_stats a, b;
	store_stats(s, &a);
	assert_string_equal(a.backend, "sqlite");
	assert_true(a.size > 0);

	assert_int_equal(s->ops->begin(s, &e), 0);
	assert_int_equal(s->ops->commit(s, &e), 0);
	assert_int_equal(more->ops->begin(more, &e), 0);
	more->ops->rollback(more);
	assert_int_equal(more->ops->read_begin(more, &e), 0);
	more->ops->read_end(more);

	store_stats(more, &b);
	assert_int_equal(b.commits - a.commits, 1);
	assert_int_equal(b.rollbacks - a.rollbacks, 1);
	assert_int_equal(total(&b.write) - total(&a.write), 2);
	assert_int_equal(total(&b.read) - total(&a.read), 1);
	/* Both connections share the one wrapped table of their backend. */
	assert_ptr_equal(s->ops, more->ops);
	store_close(more);
	store_close(s);
}

/* Without a store the figures still render, with no backend and no size. */
static void
store_stats__without_a_store(void **state)
{
	(void)state;
	struct store_stats st;
	store_stats(NULL, &st);
	assert_string_equal(st.backend, "unknown");
	assert_int_equal(st.size, -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(store_stats__counts_commits_rollbacks_and_snapshots),
	    cmocka_unit_test(store_stats__without_a_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
