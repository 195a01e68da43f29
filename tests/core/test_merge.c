/* Tests of the launch's local merge (core/merge.c): sync.db into history.db. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "merge.h"
#include "testlib.h"

struct fixture {
	struct history h;
	struct syncstore s;
};

/* Opens both stores in memory. */
static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct err e = {0};
	if (history_open_memory(&f->h, &e) < 0 || syncstore_open(&f->s, NULL, DB_MEMORY, &e) < 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	*state = f;
	return 0;
}

/* Closes both stores. */
static int
teardown(void **state)
{
	struct fixture *f = *state;
	history_close(&f->h);
	syncstore_close(&f->s);
	free(f);
	return 0;
}

/* Stores messages sender lo..hi of conv in sync.db, as the notifier would. */
static void
notifier_got(struct fixture *f, const char *conv, const char *sender, uint64_t lo, uint64_t hi)
{
	struct err e = {0};
	for (uint64_t x = lo; x <= hi; x++) {
		char body[64];
		snprintf(body, sizeof(body), "%s says %llu", sender, (unsigned long long)x);
		struct message m = {.conv = (char *)conv,
		    .sender = (char *)sender,
		    .seq = x,
		    .ts = (int64_t)(1000 * x),
		    .body = body};
		assert_int_equal(syncstore_insert(&f->s, &m, 1, NULL, NULL, &e), 0);
	}
}

/* Stores messages in history.db, as an earlier launch would have. */
static void
history_got(struct fixture *f, const char *conv, const char *sender, uint64_t lo, uint64_t hi)
{
	struct err e = {0};
	for (uint64_t x = lo; x <= hi; x++) {
		char body[64];
		snprintf(body, sizeof(body), "%s says %llu", sender, (unsigned long long)x);
		struct message m = {.conv = (char *)conv,
		    .sender = (char *)sender,
		    .seq = x,
		    .ts = (int64_t)(1000 * x),
		    .body = body};
		assert_int_equal(history_insert(&f->h, &m, 1, NULL, &e), 0);
	}
}

/* Returns the canonical text of history's vector of conv. */
static char *
history_text(struct fixture *f, const char *conv)
{
	struct vector v = {0};
	struct err e = {0};
	struct buf b = {0};
	assert_int_equal(history_vector(&f->h, conv, &v, &e), 0);
	vector_canonical(&v, &b);
	vector_free(&v);
	return b.data;
}

static void
merge__from_store__copies_only_missing(void **state)
{
	struct fixture *f = *state;
	struct err e = {0};
	uint64_t merged = 99;
	notifier_got(f, "c1", "alice", 1, 10);
	notifier_got(f, "c1", "bob", 1, 4);
	history_got(f, "c1", "alice", 1, 6);
	history_got(f, "c1", "carol", 1, 2);
	assert_int_equal(merge_from_store(&f->h, &f->s, &merged, &e), 0);
	assert_int_equal(merged, 4 + 4);
	char *t = history_text(f, "c1");
	assert_string_equal(t, "alice:1-10\nbob:1-4\ncarol:1-2\n");
	free(t);
	/* The merged bodies are the notifier's, intact. */
	struct message *v;
	size_t n;
	assert_int_equal(history_messages(&f->h, "c1", 0, 100, &v, &n, &e), 0);
	assert_int_equal(n, 10 + 4 + 2);
	bool seen = false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].sender, "bob") == 0 && v[i].seq == 3) {
			assert_string_equal(v[i].body, "bob says 3");
			seen = true;
		}
	assert_true(seen);
	messages_free(v, n);
}

static void
merge__from_store__second_run_merges_nothing(void **state)
{
	struct fixture *f = *state;
	struct err e = {0};
	uint64_t merged;
	notifier_got(f, "c1", "alice", 1, 5);
	assert_int_equal(merge_from_store(&f->h, &f->s, &merged, &e), 0);
	assert_int_equal(merged, 5);
	assert_int_equal(merge_from_store(&f->h, &f->s, &merged, &e), 0);
	assert_int_equal(merged, 0);
}

static void
merge__from_store__keeps_holes_exact(void **state)
{
	struct fixture *f = *state;
	struct err e = {0};
	uint64_t merged;
	/* The notifier missed 11-14 (a gap); history has an older prefix. */
	notifier_got(f, "c1", "alice", 1, 10);
	notifier_got(f, "c1", "alice", 15, 20);
	history_got(f, "c1", "alice", 1, 5);
	assert_int_equal(merge_from_store(&f->h, &f->s, &merged, &e), 0);
	assert_int_equal(merged, 5 + 6);
	char *t = history_text(f, "c1");
	assert_string_equal(t, "alice:1-10,15-20\n");
	free(t);
}

static void
merge__from_store__adopts_unknown_conversation(void **state)
{
	struct fixture *f = *state;
	struct err e = {0};
	uint64_t merged;
	char *members[] = {"alice", "bob"};
	struct conversation c = {
	    .id = "c9", .title = "lunch plans", .members = members, .nmembers = 2, .created = 1234};
	assert_int_equal(syncstore_put_conversation(&f->s, &c, &e), 0);
	notifier_got(f, "c9", "bob", 1, 3);
	notifier_got(f, "c8", "bob", 1, 1); /* no cached title */
	assert_false(history_has_conv(&f->h, "c9"));
	assert_int_equal(merge_from_store(&f->h, &f->s, &merged, &e), 0);
	assert_int_equal(merged, 4);
	assert_true(history_has_conv(&f->h, "c9"));
	assert_true(history_has_conv(&f->h, "c8"));
	char *id = NULL;
	assert_int_equal(history_resolve_conv(&f->h, "lunch plans", &id, &e), 0);
	assert_string_equal(id, "c9");
	free(id);
}

static void
merge__write_back__notifier_sees_fetched(void **state)
{
	struct fixture *f = *state;
	struct err e = {0};
	struct message m[2] = {
	    {.conv = "c1", .sender = "bob", .seq = 1, .ts = 1000, .body = "first"},
	    {.conv = "c1", .sender = "bob", .seq = 2, .ts = 2000, .body = "second"},
	};
	notifier_got(f, "c1", "bob", 1, 1);
	assert_int_equal(syncstore_insert(&f->s, m, 2, NULL, NULL, &e), 0);
	struct vector v = {0};
	assert_int_equal(syncstore_vector(&f->s, "c1", &v, &e), 0);
	assert_int_equal(vector_count(&v), 2);
	vector_free(&v);
	int64_t count = test_count(&f->s.db, "SELECT count(*) FROM messages");
	assert_true(count >= 0);
	assert_int_equal(count, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		merge__from_store__copies_only_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		merge__from_store__second_run_merges_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(merge__from_store__keeps_holes_exact, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		merge__from_store__adopts_unknown_conversation, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		merge__write_back__notifier_sees_fetched, setup, teardown),
	};
	return cmocka_run_group_tests_name("merge", tests, NULL, NULL);
}
