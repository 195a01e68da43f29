/* Unit tests of the server's pure parts and of the store's sync selection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec.h"

/* A tiny deterministic generator, so a failure can be replayed. */
static uint64_t rng = 88172645463325252ull;

/* xorshift64. */
static uint64_t
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct model_msg {
	int64_t id;
	int sender;
	uint64_t seq;
};

/* Sync selection equals the naive "every message not in have, by id, first limit". */
static void
server__sync__matches_naive_model(void **state)
{
	(void)state;
	struct store *s;
	struct err e = {0};
	assert_int_equal(store_open(&s, NULL, 1000, &e), 0);
	const char *names[] = {"ann", "ben", "cid"};
	int64_t uids[3];
	for (int i = 0; i < 3; i++)
		assert_int_equal(store_user_create(s, names[i], "x", &uids[i], &e), 0);
	struct store_conv conv;
	char *unknown;
	int64_t *woken, cid;
	size_t nw;
	const char *others[] = {"ben", "cid"};
	assert_int_equal(
	    store_conv_create(s, uids[0], "t", others, 2, &conv, &unknown, &woken, &nw, &e), 0);
	free(woken);
	assert_int_equal(store_conv_member(s, uids[0], conv.id, &cid, &e), 0);
	store_conv_free(&conv);

	enum { N = 300 };
	struct model_msg msgs[N];
	uint64_t last[3] = {0};
	for (int i = 0; i < N; i++) {
		int who = (int)(next_rand() % 3);
		char client[32];
		snprintf(client, sizeof(client), "m%d", i);
		struct store_message out;
		bool created;
		assert_int_equal(
		    store_send(s, uids[who], cid, client, "b", 1, &out, &created, &woken, &nw, &e),
		    0);
		free(woken);
		assert_true(created);
		msgs[i].sender = who;
		msgs[i].seq = out.seq;
		msgs[i].id = i + 1;
		assert_int_equal(msgs[i].seq, ++last[who]);
		store_message_free(&out);
	}

	for (int round = 0; round < 200; round++) {
		struct sync_req q = {0};
		struct sync_conv sc = {.conv = cid};
		for (int w = 0; w < 3; w++) {
			uint64_t kind = next_rand() % 5;
			if (kind == 0)
				continue; /* sender absent: holds nothing */
			struct seqset *row = vector_row(&sc.have, names[w]);
			if (kind == 4) {
				/* Holds all (and more), so one sender alone can be lacking. */
				seqset_add_range(row, 1, last[w] + 5);
				continue;
			}
			uint64_t density = next_rand() % 4;
			for (uint64_t x = 1; x <= last[w] + 3; x++)
				if (next_rand() % 4 < density)
					seqset_add(row, x);
		}
		q.convs = &sc;
		q.n = 1;
		q.limit = 1 + (int)(next_rand() % 120);
		int64_t *ids;
		size_t n;
		bool more;
		assert_int_equal(store_sync_ids(s, &q, &ids, &n, &more, &e), 0);

		size_t want = 0, wi = 0;
		for (int i = 0; i < N; i++) {
			const struct seqset *held = vector_get(&sc.have, names[msgs[i].sender]);
			if (held != NULL && seqset_contains(held, msgs[i].seq))
				continue;
			if (want < (size_t)q.limit) {
				assert_true(wi < n);
				assert_int_equal(ids[wi], msgs[i].id);
				wi++;
			}
			want++;
		}
		assert_int_equal(n, want < (size_t)q.limit ? want : (size_t)q.limit);
		assert_int_equal(more, want > (size_t)q.limit);
		free(ids);
		vector_free(&sc.have);
	}
	store_close(s);
}

/* Retention: only the last N events per user are kept; older cursors see a gap. */
static void
server__events__gap_after_retention(void **state)
{
	(void)state;
	struct store *s;
	struct err e = {0};
	assert_int_equal(store_open(&s, NULL, 2, &e), 0);
	int64_t a, b, cid, *woken;
	size_t nw;
	assert_int_equal(store_user_create(s, "ann", "x", &a, &e), 0);
	assert_int_equal(store_user_create(s, "ben", "x", &b, &e), 0);
	struct store_conv conv;
	struct store_message out;
	struct event_answer events;
	char *unknown;
	const char *others[] = {"ben"};
	assert_int_equal(
	    store_conv_create(s, a, "t", others, 1, &conv, &unknown, &woken, &nw, &e), 0);
	free(woken);
	assert_int_equal(nw, 2);
	store_conv_member(s, b, conv.id, &cid, &e);
	store_conv_free(&conv);
	uint64_t start = store_cursor(s);
	bool created;
	for (int i = 0; i < 3; i++) {
		char client[8];
		snprintf(client, sizeof(client), "c%d", i);
		assert_int_equal(
		    store_send(s, a, cid, client, "x", 1, &out, &created, &woken, &nw, &e), 0);
		store_message_free(&out);
		free(woken);
	}
	assert_int_equal(store_events(s, b, start, EVENTS_PER_ANSWER, &events, &e), 2);
	assert_true(events.gap);
	assert_int_equal(events.cursor, store_cursor(s));
	store_events_free(&events);
	assert_int_equal(
	    store_events(s, b, store_cursor(s) - 1, EVENTS_PER_ANSWER, &events, &e), 1);
	assert_false(events.gap);
	assert_int_equal(events.ev[0].type, STORE_EV_MESSAGE);
	assert_string_equal(events.ev[0].msg.sender, "ann");
	assert_int_equal(events.ev[0].msg.seq, 3);
	assert_string_equal(events.ev[0].msg.body, "x");
	store_events_free(&events);
	assert_int_equal(
	    store_events(s, b, store_cursor(s) + 5, EVENTS_PER_ANSWER, &events, &e), 0);
	assert_true(events.gap);
	store_events_free(&events);
	store_close(s);
}

/* A send is idempotent by client id; a conversation names its members in order. */
static void
server__store__send_idempotent_and_conv_members(void **state)
{
	(void)state;
	struct store *s;
	struct err e = {0};
	assert_int_equal(store_open(&s, NULL, 1000, &e), 0);
	int64_t a, b, cid, *woken;
	size_t nw;
	assert_int_equal(store_user_create(s, "zed", "x", &a, &e), 0);
	assert_int_equal(store_user_create(s, "amy", "x", &b, &e), 0);
	assert_int_equal(store_user_create(s, "amy", "x", &b, &e), 1);
	struct store_conv conv;
	char *unknown;
	const char *nobody[] = {"nobody"};
	assert_int_equal(
	    store_conv_create(s, a, "t", nobody, 1, &conv, &unknown, &woken, &nw, &e), 1);
	assert_string_equal(unknown, "nobody");
	free(unknown);
	const char *others[] = {"amy"};
	assert_int_equal(
	    store_conv_create(s, a, "t", others, 1, &conv, &unknown, &woken, &nw, &e), 0);
	free(woken);
	assert_int_equal(conv.nmembers, 2);
	assert_string_equal(conv.members[0].name, "amy");
	assert_string_equal(conv.members[1].name, "zed");
	assert_int_equal(store_conv_member(s, b, conv.id, &cid, &e), 0);
	store_conv_free(&conv);
	struct store_message m1, m2;
	bool created;
	assert_int_equal(store_send(s, a, cid, "k", "one", 3, &m1, &created, &woken, &nw, &e), 0);
	assert_true(created);
	assert_int_equal(nw, 2);
	free(woken);
	assert_null(m1.body);
	assert_int_equal(store_send(s, a, cid, "k", "two", 3, &m2, &created, &woken, &nw, &e), 0);
	assert_false(created);
	assert_int_equal(nw, 0);
	free(woken);
	assert_int_equal(m2.seq, m1.seq);
	assert_int_equal(m2.ts, m1.ts);
	assert_string_equal(m2.sender, "zed");
	store_message_free(&m1);
	store_message_free(&m2);
	struct store_conv *list;
	size_t n;
	assert_int_equal(store_conv_list(s, b, &list, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].members[0].last_seq, 0);
	assert_int_equal(list[0].members[1].last_seq, 1);
	store_convs_free(list, n);
	store_close(s);
	/* A URL names a backend; only SQLite files (and memory) are built in. */
	assert_int_equal(store_open(&s, "postgresql://localhost/natter", 1000, &e), -1);
	assert_int_equal(e.kind, ERR_USAGE);
}

/* JSON depth counts brackets outside strings. */
static void
server__json_depth__skips_strings(void **state)
{
	(void)state;
	assert_int_equal(request_json_depth("{}", 2), 1);
	assert_int_equal(request_json_depth("{\"a\":[[1]]}", 11), 3);
	const char *s = "{\"a\":\"[[[{{\\\"[\"}";
	assert_int_equal(request_json_depth(s, strlen(s)), 1);
}

/* User names follow the protocol's grammar. */
static void
server__names__grammar(void **state)
{
	(void)state;
	assert_true(auth_name_valid("alice"));
	assert_true(auth_name_valid("a.b_c-9"));
	assert_true(auth_name_valid("0"));
	assert_false(auth_name_valid(""));
	assert_false(auth_name_valid("Alice"));
	assert_false(auth_name_valid(".a"));
	assert_false(auth_name_valid("a b"));
	assert_false(auth_name_valid("abcdefghijklmnopqrstuvwxyz0123456"));
	assert_true(auth_name_valid("abcdefghijklmnopqrstuvwxyz012345"));
}

/* --faults specs: good ones parse, bad ones are refused. */
static void
server__faults__parse(void **state)
{
	(void)state;
	struct err e = {0};
	assert_int_equal(faults_parse("drop=0.5,delay=10,close=0", &e), 0);
	assert_int_equal(faults_delay_ms(), 10);
	assert_int_equal(faults_parse("drop=2", &e), -1);
	assert_int_equal(faults_parse("delay=x", &e), -1);
	assert_int_equal(faults_parse("what=1", &e), -1);
	assert_int_equal(faults_parse("drop", &e), -1);
	assert_int_equal(faults_parse("drop=1", &e), 0);
	assert_true(faults_drop());
	assert_int_equal(faults_parse("drop=0,delay=0", &e), 0);
	assert_false(faults_drop());
}

/* The token bucket allows the burst, then asks to wait, then refills. */
static void
server__ratelimit__bucket(void **state)
{
	(void)state;
	ratelimit_init(2, 2);
	assert_int_equal(ratelimit_take(NULL, 1000), 0);
	assert_int_equal(ratelimit_take(NULL, 1000), 0);
	assert_true(ratelimit_take(NULL, 1000) >= 1);
	assert_int_equal(ratelimit_take(NULL, 1600), 0);
	ratelimit_init(0, 0);
}

/* Runs the server's unit tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(server__sync__matches_naive_model),
	    cmocka_unit_test(server__events__gap_after_retention),
	    cmocka_unit_test(server__store__send_idempotent_and_conv_members),
	    cmocka_unit_test(server__json_depth__skips_strings),
	    cmocka_unit_test(server__names__grammar),
	    cmocka_unit_test(server__faults__parse),
	    cmocka_unit_test(server__ratelimit__bucket),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
