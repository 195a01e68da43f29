/*
 * Tests of the server epoch's pure parts (core/epoch.c) and of what a
 * restore does to the stores (core/lost.c through history-epoch.c and
 * syncstore-epoch.c, and the merge of sync.db's lost messages).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "epoch.h"
#include "history.h"
#include "merge.h"
#include "syncstore.h"
#include "testlib.h"

#define ID1 "0123456789abcdef0123456789abcdef"
#define ID2 "fedcba9876543210fedcba9876543210"

/* An epoch object is optional; when present it is checked whole. */
static void
epoch_from_json__absent_known_or_refused(void **state)
{
	(void)state;
	struct epoch ep;
	struct err e = {0};
	assert_int_equal(epoch_from_json(NULL, &ep, &e), 0);
	assert_false(ep.known);
	json_t *j = json_pack("{s:s, s:i}", "server", ID1, "generation", 2);
	assert_int_equal(epoch_from_json(j, &ep, &e), 0);
	assert_true(ep.known);
	assert_string_equal(ep.server, ID1);
	assert_int_equal(ep.generation, 2);
	json_decref(j);
	const char *bad[] = {"{\"server\":\"ABC\",\"generation\":1}",
	    "{\"server\":\"" ID1 "\",\"generation\":0}", "{\"server\":\"" ID1 "\"}", "[1]",
	    "{\"server\":\"" ID1 "x\",\"generation\":1}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		j = json_loads(bad[i], 0, NULL);
		assert_int_equal(epoch_from_json(j, &ep, &e), -1);
		assert_int_equal(e.kind, ERR_PROTOCOL);
		json_decref(j);
	}
}

/* Same identity and generation: the same; another generation: a restore; another identity: a reset. */
static void
epoch_compare__same_restored_reset_unknown(void **state)
{
	(void)state;
	struct epoch a, b, c, none = {0};
	epoch_decode(ID1 " 1", &a);
	epoch_decode(ID1 " 2", &b);
	epoch_decode(ID2 " 1", &c);
	assert_true(a.known && b.known && c.known);
	assert_int_equal(epoch_compare(&a, &a), EPOCH_SAME);
	assert_int_equal(epoch_compare(&a, &b), EPOCH_RESTORED);
	assert_int_equal(epoch_compare(&a, &c), EPOCH_RESET);
	assert_int_equal(epoch_compare(&none, &a), EPOCH_SAME);
	assert_int_equal(epoch_compare(&a, &none), EPOCH_SAME);
	char *s = epoch_encode(&b);
	assert_string_equal(s, ID1 " 2");
	free(s);
	struct epoch d;
	epoch_decode("nonsense 2", &d);
	assert_false(d.known);
	epoch_decode(ID1 " 2 extra", &d);
	assert_false(d.known);
	epoch_decode(NULL, &d);
	assert_false(d.known);
}

/* A listed conversation's unnamed senders kept nothing; unlisted ones lost nothing; a reset lost all. */
static void
epoch_base__listed_unlisted_reset(void **state)
{
	(void)state;
	const char *body = "{\"since\":1,\"cursor\":40,\"conversations\":["
			   "{\"id\":\"cz\",\"bases\":{\"bob\":5}},"
			   "{\"id\":\"ca\",\"bases\":{\"bob\":2,\"alice\":0}}],"
			   "\"epoch\":{\"server\":\"" ID1 "\",\"generation\":2}}";
	struct epoch_bases b;
	struct epoch ep;
	struct err e = {0};
	assert_int_equal(epoch_parse_bases(body, strlen(body), &b, &ep, &e), 0);
	assert_int_equal(b.cursor, 40);
	assert_int_equal(ep.generation, 2);
	uint64_t base = 99;
	assert_int_equal(epoch_base(&b, "cz", "bob", &base), 1);
	assert_int_equal(base, 5);
	assert_int_equal(epoch_base(&b, "ca", "bob", &base), 1);
	assert_int_equal(base, 2);
	assert_int_equal(epoch_base(&b, "cz", "carol", &base), 1);
	assert_int_equal(base, 0);
	assert_int_equal(epoch_base(&b, "cq", "bob", &base), 0);
	b.reset = true;
	assert_int_equal(epoch_base(&b, "cq", "bob", &base), 1);
	assert_int_equal(base, 0);
	epoch_bases_free(&b);
	const char *bad = "{\"conversations\":[{\"id\":\"c\",\"bases\":{\"bob\":-1}}]}";
	assert_int_equal(epoch_parse_bases(bad, strlen(bad), &b, NULL, &e), -1);
	assert_int_equal(epoch_parse_bases("{}", 2, &b, NULL, &e), -1);
}

/* The words name the server and count the messages kept. */
static void
epoch_notice__words(void **state)
{
	(void)state;
	char *t = epoch_notice("http://h:1", EPOCH_RESTORED, 3);
	assert_string_equal(t,
	    "The server at http://h:1 was restored from a backup: 3 messages this "
	    "device holds are no longer on it; they are kept and marked.");
	free(t);
	t = epoch_notice("http://h:1", EPOCH_RESTORED, 1);
	assert_non_null(strstr(t, "1 message this device holds is no longer on it; it is kept"));
	free(t);
	t = epoch_notice("http://h:1", EPOCH_RESET, 0);
	assert_non_null(strstr(t, "another database"));
	assert_non_null(strstr(t, "every message this device holds is still on it"));
	free(t);
}

/* Stores bob's messages lo..hi of conv "c" with body "old N". */
static void
put_history(struct history *h, uint64_t lo, uint64_t hi)
{
	struct err e = {0};
	for (uint64_t x = lo; x <= hi; x++) {
		char body[32];
		snprintf(body, sizeof(body), "old %llu", (unsigned long long)x);
		struct message m = {
		    .conv = "c", .sender = "bob", .seq = x, .ts = (int64_t)x * 1000, .body = body};
		assert_int_equal(history_insert(h, &m, 1, NULL, &e), 0);
	}
}

/* A restore keeping bob's 5: 6-8 are kept marked lost, the vector is 1-5, new 6-8 go in. */
static void
history_epoch_apply__keeps_marks_and_makes_room(void **state)
{
	(void)state;
	struct history h;
	struct err e = {0};
	assert_int_equal(history_open_memory(&h, &e), 0);
	put_history(&h, 1, 8);
	struct epoch now;
	epoch_decode(ID1 " 2", &now);
	const char *body = "{\"conversations\":[{\"id\":\"c\",\"bases\":{\"bob\":5}}]}";
	struct epoch_bases b;
	assert_int_equal(epoch_parse_bases(body, strlen(body), &b, NULL, &e), 0);
	uint64_t lost = 0;
	assert_int_equal(history_epoch_apply(&h, &b, &now, &lost, &e), 0);
	assert_int_equal(lost, 3);
	struct vector v;
	assert_int_equal(history_vector(&h, "c", &v, &e), 0);
	assert_int_equal(vector_count(&v), 5);
	vector_free(&v);
	struct message nm = {.conv = "c", .sender = "bob", .seq = 6, .ts = 9000, .body = "new 6"};
	size_t ins = 0;
	assert_int_equal(history_insert(&h, &nm, 1, &ins, &e), 0);
	assert_int_equal(ins, 1);
	struct message *lines;
	size_t n;
	assert_int_equal(history_messages(&h, "c", 0, 100, &lines, &n, &e), 0);
	assert_int_equal(n, 9);
	assert_true(lines[5].lost && lines[5].seq == 6);
	assert_string_equal(lines[7].body, "old 8");
	assert_true(lines[7].lost && lines[7].seq == 8);
	assert_false(lines[8].lost);
	assert_string_equal(lines[8].body, "new 6");
	messages_free(lines, n);
	struct epoch held;
	assert_int_equal(history_epoch_get(&h, &held, &e), 0);
	assert_int_equal(epoch_compare(&held, &now), EPOCH_SAME);
	/* A second restore keeping 5 again moves the new 6 below the old lost ones. */
	assert_int_equal(history_epoch_apply(&h, &b, &now, &lost, &e), 0);
	assert_int_equal(lost, 1);
	assert_int_equal(test_count(&h.db, "SELECT count(*) FROM messages WHERE lost > 0"), 4);
	assert_int_equal(test_count(&h.db, "SELECT count(DISTINCT seq) FROM messages"), 9);
	epoch_bases_free(&b);
	history_close(&h);
}

/* The notifier moved first: its lost messages reach history once, as lost, never twice. */
static void
merge_from_store__takes_lost_messages_once(void **state)
{
	(void)state;
	struct history h;
	struct syncstore s;
	struct err e = {0};
	assert_int_equal(history_open_memory(&h, &e), 0);
	assert_int_equal(syncstore_open(&s, NULL, DB_MEMORY, &e), 0);
	put_history(&h, 1, 5);
	for (uint64_t x = 1; x <= 8; x++) {
		char body[32];
		snprintf(body, sizeof(body), "old %llu", (unsigned long long)x);
		struct message m = {
		    .conv = "c", .sender = "bob", .seq = x, .ts = (int64_t)x * 1000, .body = body};
		assert_int_equal(syncstore_insert(&s, &m, 1, NULL, NULL, &e), 0);
	}
	struct epoch now;
	epoch_decode(ID1 " 2", &now);
	const char *body = "{\"conversations\":[{\"id\":\"c\",\"bases\":{\"bob\":5}}]}";
	struct epoch_bases b;
	assert_int_equal(epoch_parse_bases(body, strlen(body), &b, NULL, &e), 0);
	uint64_t lost = 0;
	assert_int_equal(syncstore_epoch_apply(&s, &b, &now, &lost, &e), 0);
	assert_int_equal(lost, 3);
	struct message nm = {.conv = "c", .sender = "bob", .seq = 6, .ts = 9000, .body = "new 6"};
	assert_int_equal(syncstore_insert(&s, &nm, 1, NULL, NULL, &e), 0);
	assert_int_equal(history_epoch_apply(&h, &b, &now, &lost, &e), 0);
	assert_int_equal(lost, 0);
	uint64_t merged = 0;
	assert_int_equal(merge_from_store(&h, &s, &merged, &e), 0);
	assert_int_equal(merged, 4);
	assert_int_equal(merge_from_store(&h, &s, &merged, &e), 0);
	assert_int_equal(merged, 0);
	assert_int_equal(test_count(&h.db, "SELECT count(*) FROM messages"), 9);
	assert_int_equal(test_count(&h.db, "SELECT count(*) FROM messages WHERE lost > 0"), 3);
	epoch_bases_free(&b);
	syncstore_close(&s);
	history_close(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(epoch_from_json__absent_known_or_refused),
	    cmocka_unit_test(epoch_compare__same_restored_reset_unknown),
	    cmocka_unit_test(epoch_base__listed_unlisted_reset),
	    cmocka_unit_test(epoch_notice__words),
	    cmocka_unit_test(history_epoch_apply__keeps_marks_and_makes_room),
	    cmocka_unit_test(merge_from_store__takes_lost_messages_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
