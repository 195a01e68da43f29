/* Unit tests of the server's pure parts and of the store's sync selection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include <cmocka.h>

#include "codec.h"
#include "db.h"

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
	    store_conv_create(s, uids[0], "t", others, 2, false, &conv, &unknown, &woken, &nw, &e),
	    0);
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

/* A newest-first sync equals the naive "the newest N missing, oldest first; older when more". */
static void
server__sync__newest_matches_naive_model(void **state)
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
	    store_conv_create(s, uids[0], "t", others, 2, false, &conv, &unknown, &woken, &nw, &e),
	    0);
	free(woken);
	assert_int_equal(store_conv_member(s, uids[0], conv.id, &cid, &e), 0);
	store_conv_free(&conv);
	enum { N = 300 };
	struct model_msg msgs[N];
	uint64_t last[3] = {0};
	for (int i = 0; i < N; i++) {
		/* Runs of one sender, so that a sender's window can lie wholly below another's. */
		int who = (int)((next_rand() % 8 == 0 ? (uint64_t)i / 40 : next_rand()) % 3);
		char client[32];
		snprintf(client, sizeof(client), "n%d", i);
		struct store_message out;
		bool created;
		assert_int_equal(
		    store_send(s, uids[who], cid, client, "b", 1, &out, &created, &woken, &nw, &e),
		    0);
		free(woken);
		msgs[i] = (struct model_msg){.id = i + 1, .sender = who, .seq = out.seq};
		last[who] = out.seq;
		store_message_free(&out);
	}
	for (int round = 0; round < 200; round++) {
		struct sync_req q = {0};
		struct sync_conv sc = {.conv = cid};
		for (int w = 0; w < 3; w++) {
			uint64_t kind = next_rand() % 5;
			if (kind == 0)
				continue;
			struct seqset *row = vector_row(&sc.have, names[w]);
			if (kind == 4) {
				/* The top held, as after a window: the hole is below. */
				seqset_add_range(
				    row, last[w] - next_rand() % (last[w] + 1) + 1, last[w] + 2);
				continue;
			}
			uint64_t density = next_rand() % 4;
			for (uint64_t x = 1; x <= last[w] + 3; x++)
				if (next_rand() % 4 < density)
					seqset_add(row, x);
		}
		q.convs = &sc;
		q.n = 1;
		q.newest = 1 + (int)(next_rand() % 120);
		struct sync_answer a;
		assert_int_equal(store_sync(s, &q, &a, &e), 0);
		/* The naive answer: the missing ones, the newest q.newest, oldest first. */
		int missing[N], nm = 0;
		for (int i = 0; i < N; i++) {
			const struct seqset *held = vector_get(&sc.have, names[msgs[i].sender]);
			if (held == NULL || !seqset_contains(held, msgs[i].seq))
				missing[nm++] = i;
		}
		int from = nm > q.newest ? nm - q.newest : 0;
		assert_int_equal(a.nmsgs, (size_t)(nm - from));
		for (int k = from; k < nm; k++) {
			const struct store_message *m = &a.msgs[k - from];
			assert_string_equal(m->sender, names[msgs[missing[k]].sender]);
			assert_int_equal(m->seq, msgs[missing[k]].seq);
		}
		assert_int_equal(a.more, nm > q.newest);
		assert_int_equal(a.older[0], nm > q.newest);
		store_sync_free(&a);
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
	    store_conv_create(s, a, "t", others, 1, false, &conv, &unknown, &woken, &nw, &e), 0);
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
	    store_conv_create(s, a, "t", nobody, 1, false, &conv, &unknown, &woken, &nw, &e), 1);
	assert_string_equal(unknown, "nobody");
	free(unknown);
	const char *others[] = {"amy"};
	assert_int_equal(
	    store_conv_create(s, a, "t", others, 1, false, &conv, &unknown, &woken, &nw, &e), 0);
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
	/* A URL names a backend: SQLite files, memory and (with libpq) postgresql://. */
	assert_int_equal(store_open(&s, "mysql://localhost/natter", 1000, &e), -1);
	assert_int_equal(e.kind, ERR_USAGE);
}

/* Creates a conversation of a with the named others; returns its internal id. */
static int64_t
new_conv(struct store *s, int64_t a, const char *title, const char *other, char **pubid)
{
	struct err e = {0};
	struct store_conv conv;
	char *unknown;
	int64_t *woken, cid;
	size_t nw;
	const char *others[] = {other};
	assert_int_equal(
	    store_conv_create(s, a, title, others, 1, false, &conv, &unknown, &woken, &nw, &e), 0);
	free(woken);
	assert_int_equal(store_conv_member(s, a, conv.id, &cid, &e), 0);
	if (pubid != NULL)
		*pubid = xstrdup(conv.id);
	store_conv_free(&conv);
	return cid;
}

/* Sends body as uid in conv with a fresh client id. */
static void
send_one(struct store *s, int64_t uid, int64_t conv, const char *body)
{
	static int n;
	char client[32];
	snprintf(client, sizeof(client), "u%d", ++n);
	struct err e = {0};
	struct store_message out;
	bool created;
	int64_t *woken;
	size_t nw;
	assert_int_equal(
	    store_send(s, uid, conv, client, body, strlen(body), &out, &created, &woken, &nw, &e),
	    0);
	assert_true(created);
	free(woken);
	store_message_free(&out);
}

/* The titles of a changes answer, and their meta flags as + or -. */
static char *
changes_text(const struct changes_answer *a)
{
	struct buf b = {0};
	buf_printf(&b, "%s", a->full ? "full:" : "");
	for (size_t i = 0; i < a->n; i++)
		buf_printf(
		    &b, "%s%s%c", i > 0 ? " " : "", a->convs[i].title, a->meta[i] ? '+' : '-');
	return b.data != NULL ? b.data : xstrdup("");
}

/* Checks store_changes(uid, since) against the expected text. */
static void
expect_changes(struct store *s, int64_t uid, uint64_t since, const char *want)
{
	struct err e = {0};
	struct changes_answer a;
	assert_int_equal(store_changes(s, uid, since, &a, &e), 0);
	assert_int_equal(a.cursor, store_cursor(s));
	char *got = changes_text(&a);
	assert_string_equal(got, want);
	free(got);
	store_changes_free(&a);
}

/* Changes: full, unchanged, from the inbox, and from the log after retention. */
static void
server__changes__inbox_and_after_retention(void **state)
{
	(void)state;
	struct store *s;
	struct err e = {0};
	assert_int_equal(store_open(&s, NULL, 3, &e), 0);
	int64_t a, b, c, conv[5];
	assert_int_equal(store_user_create(s, "ann", "x", &a, &e), 0);
	assert_int_equal(store_user_create(s, "ben", "x", &b, &e), 0);
	assert_int_equal(store_user_create(s, "cid", "x", &c, &e), 0);
	const char *titles[] = {"t0", "t1", "t2", "t3", "t4"};
	for (int i = 0; i < 5; i++)
		conv[i] = new_conv(s, a, titles[i], "ben", NULL);
	uint64_t c0 = store_cursor(s);
	expect_changes(s, a, 0, "full:t0+ t1+ t2+ t3+ t4+");
	expect_changes(s, a, c0 + 1, "full:t0+ t1+ t2+ t3+ t4+");
	expect_changes(s, a, c0, "");
	expect_changes(s, c, 0, "full:");
	send_one(s, b, conv[2], "x");
	expect_changes(s, a, c0, "t2-");
	expect_changes(s, b, c0, "t2-");
	expect_changes(s, c, c0, "");
	/* Inside the retention: the inbox answers, ordered by the latest event. */
	send_one(s, a, conv[4], "y");
	send_one(s, b, conv[2], "z");
	expect_changes(s, a, c0, "t4- t2-");
	/* Beyond it (3 events per user): the log answers the same. */
	uint64_t c1 = store_cursor(s);
	new_conv(s, c, "late", "ann", NULL);
	for (int i = 0; i < 4; i++)
		send_one(s, b, conv[1], "w");
	send_one(s, a, conv[3], "v");
	struct event_answer ev;
	assert_true(store_events(s, a, c0, EVENTS_PER_ANSWER, &ev, &e) >= 0);
	assert_true(ev.gap);
	store_events_free(&ev);
	expect_changes(s, a, c0, "t4- t2- late+ t1- t3-");
	expect_changes(s, a, c1, "late+ t1- t3-");
	expect_changes(s, c, c1, "late+");
	expect_changes(s, a, store_cursor(s), "");
	/* The digest of a listed conversation is of its current vector. */
	struct changes_answer ans;
	assert_int_equal(store_changes(s, a, c1, &ans, &e), 0);
	assert_int_equal(ans.convs[1].nmembers, 2);
	assert_int_equal(ans.convs[1].members[1].last_seq, 4);
	store_changes_free(&ans);
	/* The backend's two ways agree where both can answer. */
	struct store_change *x, *y;
	size_t nx, ny;
	uint64_t dropped;
	uint64_t c2 = store_cursor(s) - 2;
	assert_int_equal(s->ops->changes_inbox(s, a, c2, &x, &nx, &dropped, &e), 0);
	assert_true(dropped <= c2);
	assert_int_equal(s->ops->changes_log(s, a, c2, &y, &ny, &e), 0);
	assert_int_equal(nx, ny);
	for (size_t i = 0; i < nx; i++) {
		assert_int_equal(x[i].conv, y[i].conv);
		assert_int_equal(x[i].cursor, y[i].cursor);
		assert_int_equal(x[i].joined, y[i].joined);
	}
	free(x);
	free(y);
	store_close(s);
}

/* A chain of continuations returns what one unlimited sync would, once each, in order. */
static void
server__sync__continuation_chain_matches_naive(void **state)
{
	(void)state;
	struct store *s;
	struct err e = {0};
	assert_int_equal(store_open(&s, NULL, 1000, &e), 0);
	const char *names[] = {"ann", "ben"};
	int64_t uids[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(store_user_create(s, names[i], "x", &uids[i], &e), 0);
	int64_t cid = new_conv(s, uids[0], "t", "ben", NULL);
	enum { N = 200 };
	struct model_msg msgs[N];
	uint64_t last[2] = {0};
	for (int i = 0; i < N; i++) {
		int who = (int)(next_rand() % 2);
		send_one(s, uids[who], cid, who == 0 ? "aa" : "b");
		msgs[i] = (struct model_msg){.id = i + 1, .sender = who, .seq = ++last[who]};
	}
	for (int round = 0; round < 40; round++) {
		struct sync_conv sc = {.conv = cid};
		for (int w = 0; w < 2; w++)
			for (uint64_t x = 1; x <= last[w]; x++)
				if (next_rand() % 3 == 0)
					seqset_add(vector_row(&sc.have, names[w]), x);
		struct sync_req q = {.convs = &sc, .n = 1, .limit = 1 + (int)(next_rand() % 40)};
		q.max_bytes = next_rand() % 2 ? 0 : 1 + next_rand() % 30;
		int wi = 0, pages = 0;
		bool more = true;
		while (more) {
			struct sync_answer ans;
			assert_int_equal(store_sync(s, &q, &ans, &e), 0);
			assert_true(ans.nmsgs > 0 || !ans.more);
			for (size_t k = 0; k < ans.nmsgs; k++) {
				while (wi < N &&
				    seqset_contains(
					vector_get(&sc.have, names[msgs[wi].sender]), msgs[wi].seq))
					wi++;
				assert_true(wi < N);
				assert_string_equal(ans.msgs[k].sender, names[msgs[wi].sender]);
				assert_int_equal(ans.msgs[k].seq, msgs[wi].seq);
				wi++;
			}
			more = ans.more;
			q.after = ans.last;
			store_sync_free(&ans);
			pages++;
		}
		while (wi < N &&
		    seqset_contains(vector_get(&sc.have, names[msgs[wi].sender]), msgs[wi].seq))
			wi++;
		assert_int_equal(wi, N);
		assert_true(pages >= 1);
		vector_free(&sc.have);
	}
	store_close(s);
}

/* Continuations: found by their user only, refreshed, expired. */
static void
server__sync__continuation_owner_and_expiry(void **state)
{
	(void)state;
	struct store *s;
	struct err e = {0};
	assert_int_equal(store_open(&s, NULL, 1000, &e), 0);
	int64_t a, b;
	assert_int_equal(store_user_create(s, "ann", "x", &a, &e), 0);
	assert_int_equal(store_user_create(s, "ben", "x", &b, &e), 0);
	char *id, *have, *scope;
	assert_int_equal(store_continuation_new(s, a, "{\"h\":1}", "[1]", &id, &e), 0);
	assert_int_equal(strlen(id), 32);
	assert_int_equal(store_continuation_get(s, id, a, &have, &scope, &e), 0);
	assert_string_equal(have, "{\"h\":1}");
	assert_string_equal(scope, "[1]");
	free(have);
	free(scope);
	assert_int_equal(store_continuation_get(s, id, b, &have, &scope, &e), 2);
	assert_int_equal(store_continuation_get(s, "0123", a, &have, &scope, &e), 1);
	/* Not used for longer than its life: unknown, then deleted by the next chain. */
	int64_t old = now_ms() - STORE_CONTINUATION_TTL - 1;
	assert_int_equal(s->ops->continuation_put(s, "old", a, old, "{}", "[]", &e), 0);
	int64_t owner, used;
	assert_int_equal(s->ops->continuation_get(s, "old", &owner, &used, &have, &scope, &e), 0);
	assert_int_equal(used, old);
	free(have);
	free(scope);
	assert_int_equal(store_continuation_get(s, "old", a, &have, &scope, &e), 1);
	char *id2;
	assert_int_equal(store_continuation_new(s, a, "{}", "[]", &id2, &e), 0);
	assert_string_not_equal(id, id2);
	assert_int_equal(s->ops->continuation_get(s, "old", &owner, &used, &have, &scope, &e), 1);
	assert_int_equal(s->ops->continuation_get(s, id, &owner, &used, &have, &scope, &e), 0);
	free(have);
	free(scope);
	free(id);
	free(id2);
	store_close(s);
}

/* Items: targets checked, a delete erases text, server-made items take the actor's next seq. */
static void
server__store__items_checked_erased_and_appended(void **state)
{
	(void)state;
	struct store *s;
	struct err e = {0};
	assert_int_equal(store_open(&s, NULL, 1000, &e), 0);
	int64_t a, b;
	assert_int_equal(store_user_create(s, "ann", "x", &a, &e), 0);
	assert_int_equal(store_user_create(s, "ben", "x", &b, &e), 0);
	int64_t cid = new_conv(s, a, "t", "ben", NULL);
	send_one(s, a, cid, "hello");
	struct store_message out;
	bool created;
	enum store_refusal why;
	int64_t *woken;
	size_t nw;
	struct store_item ed = {
	    .kind = "edit", .body = "hi", .bodylen = 2, .target_sender = "ann", .target_seq = 1};
	assert_int_equal(
	    store_send_item(s, b, cid, "x1", &ed, &out, &created, &why, &woken, &nw, &e), 0);
	assert_int_equal(why, STORE_NOT_YOURS);
	assert_false(created);
	ed.target_seq = 9;
	assert_int_equal(
	    store_send_item(s, a, cid, "x2", &ed, &out, &created, &why, &woken, &nw, &e), 0);
	assert_int_equal(why, STORE_NO_TARGET);
	ed.target_seq = 1;
	assert_int_equal(
	    store_send_item(s, a, cid, "x3", &ed, &out, &created, &why, &woken, &nw, &e), 0);
	assert_int_equal(why, STORE_OK);
	assert_true(created);
	assert_int_equal(out.seq, 2);
	assert_true(out.receipt);
	free(woken);
	store_message_free(&out);
	struct store_item del = {.kind = "delete", .target_sender = "ann", .target_seq = 1};
	assert_int_equal(
	    store_send_item(s, a, cid, "x4", &del, &out, &created, &why, &woken, &nw, &e), 0);
	assert_int_equal(out.seq, 3);
	free(woken);
	store_message_free(&out);
	assert_int_equal(
	    store_send_item(s, a, cid, "x5", &ed, &out, &created, &why, &woken, &nw, &e), 0);
	assert_int_equal(why, STORE_DELETED);
	/* The server's own item: ann's next seq, inside the caller's transaction, with its event. */
	struct store_item mem = {.kind = "member", .op = "add", .users = "ben"};
	uint64_t seq;
	int64_t ts;
	assert_int_equal(s->ops->begin(s, &e), 0);
	assert_int_equal(store_item_append(s, cid, a, &mem, &seq, &ts, &woken, &nw, &e), 0);
	assert_int_equal(s->ops->commit(s, &e), 0);
	assert_int_equal(seq, 4);
	assert_int_equal(nw, 2);
	free(woken);
	struct sync_req q = {.convs = &(struct sync_conv){.conv = cid}, .n = 1, .limit = 100};
	struct sync_answer ans;
	assert_int_equal(store_sync(s, &q, &ans, &e), 0);
	assert_int_equal(ans.nmsgs, 4);
	assert_true(ans.msgs[0].deleted);
	assert_null(ans.msgs[0].body);
	assert_true(ans.msgs[1].deleted);
	assert_string_equal(ans.msgs[1].kind, "edit");
	assert_string_equal(ans.msgs[2].kind, "delete");
	assert_string_equal(ans.msgs[3].kind, "member");
	assert_string_equal(ans.msgs[3].users, "ben");
	store_sync_free(&ans);
	store_close(s);
}

/* A database of the first schema (no continuations, events(conv) index, reads, items, roles) is upgraded. */
static void
server__store__upgrades_first_schema(void **state)
{
	(void)state;
	char dir[] = "/tmp/natter-storetest.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = xasprintf("%s/server.db", dir);
	struct store *s;
	struct err e = {0};
	assert_int_equal(store_open(&s, path, 1000, &e), 0);
	int64_t a, b;
	assert_int_equal(store_user_create(s, "ann", "x", &a, &e), 0);
	assert_int_equal(store_user_create(s, "ben", "x", &b, &e), 0);
	int64_t cid = new_conv(s, a, "t", "ben", NULL);
	send_one(s, b, cid, "kept");
	store_close(s);
	/* Back to version 1, as a server from before this change left it. */
	struct db db;
	const char *const as_is[] = {"", "", "", "", "", "", ""};
	assert_int_equal(db_open(&db, path, as_is, 7, 0, &e), 0);
	assert_int_equal(
	    db_exec(&db,
		"DROP TABLE sync_continuations; DROP INDEX events_conv; DROP TABLE reads;"
		" DROP TABLE epoch_bases;"
		" DROP INDEX messages_target; ALTER TABLE messages DROP COLUMN kind;"
		" ALTER TABLE messages DROP COLUMN target_sender;"
		" ALTER TABLE messages DROP COLUMN target_seq;"
		" ALTER TABLE messages DROP COLUMN action; ALTER TABLE messages DROP COLUMN remove;"
		" ALTER TABLE messages DROP COLUMN op; ALTER TABLE messages DROP COLUMN users;"
		" ALTER TABLE messages DROP COLUMN deleted;"
		" DROP INDEX convs_direct; DROP TABLE blocks; ALTER TABLE convs DROP COLUMN direct;"
		" ALTER TABLE members DROP COLUMN state; ALTER TABLE members DROP COLUMN role;"
		" ALTER TABLE members DROP COLUMN inviter;"
		" DROP INDEX tokens_user; ALTER TABLE tokens DROP COLUMN used;"
		" DROP INDEX users_skeleton; ALTER TABLE users DROP COLUMN skeleton;"
		" ALTER TABLE users DROP COLUMN disabled; PRAGMA user_version = 1;",
		&e),
	    0);
	db_close(&db);
	assert_int_equal(store_open(&s, path, 1000, &e), 0);
	expect_changes(s, a, 0, "full:t+");
	expect_changes(s, a, 1, "t-");
	char *id, *have, *scope;
	assert_int_equal(store_continuation_new(s, a, "{}", "[]", &id, &e), 0);
	assert_int_equal(store_continuation_get(s, id, a, &have, &scope, &e), 0);
	free(have);
	free(scope);
	free(id);
	struct store_marks m;
	assert_int_equal(store_read_get(s, a, cid, &m, &e), 0);
	assert_int_equal(m.n, 0);
	store_close(s);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(path);
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

/* Look-alike names share a skeleton; other names do not. */
static void
server__rules__skeleton(void **state)
{
	(void)state;
	const char *same[][2] = {{"bob", "bob."}, {"bob", "b0b"}, {"bob", "8_o-b"},
	    {"alice", "al1ce"}, {"alice", "a.lice"}, {"mary", "rnary"}, {"will", "vvi11"},
	    {"steve", "5teve"}, {"eve", "3v3"}};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		char *a = rules_skeleton(same[i][0]), *b = rules_skeleton(same[i][1]);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	char *a = rules_skeleton("bob"), *b = rules_skeleton("bobby");
	assert_string_not_equal(a, b);
	free(a);
	free(b);
	a = rules_skeleton("al1ce");
	assert_string_equal(a, "allce");
	free(a);
}

/* Password rules count characters and refuse common passwords and the name. */
static void
server__rules__password(void **state)
{
	(void)state;
	assert_int_equal(rules_chars("\xf0\x9f\x98\x80\xf0\x9f\x98\x80"), 2);
	assert_non_null(rules_password_problem("ann", "\xf0\x9f\x98\x80\xf0\x9f\x98\x80"));
	assert_null(rules_password_problem("ann", "correct horse"));
	assert_non_null(rules_password_problem("ann", "Password"));
	assert_non_null(rules_password_problem("ann", "QWERTYUIOP"));
	assert_non_null(rules_password_problem("margaret", "MARGARET"));
	assert_non_null(rules_password_problem("ann", "zzzzzzzzzz"));
	assert_non_null(rules_password_problem("ann", "natter123"));
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

/* Login throttling: free attempts, then 1 s, 2 s, 4 s from the last answer, capped; a success resets. */
static void
server__throttle__exponential_per_name_and_address(void **state)
{
	(void)state;
	assert_true(sodium_init() >= 0);
	throttle_init(3, 5);
	int64_t t = 1000000;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(throttle_attempt("ann", NULL, t), 0);
		throttle_failure("ann", NULL, t);
	}
	assert_int_equal(throttle_attempt("ann", NULL, t), 1);
	assert_int_equal(throttle_attempt("ann", NULL, t + 999), 1);
	assert_int_equal(throttle_attempt("ann", NULL, t + 1000), 0);
	throttle_failure("ann", NULL, t + 1000);
	assert_int_equal(throttle_attempt("ann", NULL, t + 1500), 2);
	assert_int_equal(throttle_attempt("ann", NULL, t + 3000), 0);
	throttle_failure("ann", NULL, t + 3000);
	assert_int_equal(throttle_attempt("ann", NULL, t + 3000), 4);
	assert_int_equal(throttle_attempt("ann", NULL, t + 7000), 0);
	throttle_failure("ann", NULL, t + 7000);
	assert_int_equal(throttle_attempt("ann", NULL, t + 7000), 5); /* 8 s capped at 5 */
	/* Another name from the same address: free (the address has 12). */
	assert_int_equal(throttle_attempt("ben", NULL, t + 7000), 0);
	throttle_success("ben", NULL);
	/* ann's right password after the wait resets ann. */
	assert_int_equal(throttle_attempt("ann", NULL, t + 12000), 0);
	throttle_success("ann", NULL);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(throttle_attempt("ann", NULL, t + 12000), 0);
		throttle_failure("ann", NULL, t + 12000);
	}
	assert_int_equal(throttle_attempt("ann", NULL, t + 12000), 1);
	/*
	 * The address: 12 free attempts across names, then it waits too. Its
	 * count was forgotten at t + 12000 (5 s, a cap, after its last wait):
	 * ann's 3 are counted, 9 more names are free.
	 */
	for (int i = 0; i < 9; i++) {
		char name[8];
		snprintf(name, sizeof(name), "u%d", i);
		assert_int_equal(throttle_attempt(name, NULL, t + 12000), 0);
		throttle_failure(name, NULL, t + 12000);
	}
	assert_true(throttle_attempt("fresh", NULL, t + 12000) > 0);
	throttle_init(0, 300);
	assert_int_equal(throttle_attempt("fresh", NULL, t + 12000), 0);
}

/* Runs the server's unit tests. */
/* Read marks equal the model "max of min(asked, last seq)"; only a move makes an event. */
static void
server__read__marks_rise_like_the_model(void **state)
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
	    store_conv_create(s, uids[0], "t", others, 2, false, &conv, &unknown, &woken, &nw, &e),
	    0);
	free(woken);
	assert_int_equal(store_conv_member(s, uids[0], conv.id, &cid, &e), 0);
	store_conv_free(&conv);
	uint64_t last[3] = {0}, model[3] = {0};
	struct event_answer ea;
	assert_true(store_events(s, uids[0], 0, 1000, &ea, &e) >= 0);
	uint64_t after = ea.cursor;
	store_events_free(&ea);
	int moves = 0;
	for (int round = 0; round < 400; round++) {
		int who = 1 + (int)(next_rand() % 2);
		if (next_rand() % 3 == 0) {
			char cl[32];
			snprintf(cl, sizeof(cl), "m%d", round);
			struct store_message out;
			bool created;
			assert_int_equal(store_send(s, uids[who], cid, cl, "x", 1, &out, &created,
					     &woken, &nw, &e),
			    0);
			last[who] = out.seq;
			store_message_free(&out);
			free(woken);
			continue;
		}
		/* ann marks ben, cid and herself at random heights, past the end too. */
		struct store_mark in[3];
		for (int i = 0; i < 3; i++)
			in[i] = (struct store_mark){(char *)names[i], next_rand() % 40};
		bool moved, want = false;
		for (int i = 1; i < 3; i++) {
			uint64_t v = in[i].seq < last[i] ? in[i].seq : last[i];
			if (v > model[i]) {
				model[i] = v;
				want = true;
			}
		}
		struct store_marks now;
		assert_int_equal(
		    store_read_raise(s, uids[0], cid, in, 3, &moved, &now, &woken, &nw, &e), 0);
		assert_int_equal(moved, want);
		assert_int_equal(nw, want ? 1 : 0);
		if (want)
			assert_int_equal(woken[0], uids[0]);
		free(woken);
		moves += want;
		size_t k = 0;
		for (int i = 1; i < 3; i++) {
			if (model[i] == 0)
				continue;
			assert_true(k < now.n);
			assert_string_equal(now.v[k].sender, names[i]);
			assert_int_equal(now.v[k].seq, model[i]);
			k++;
		}
		assert_int_equal(now.n, k);
		store_marks_free(&now);
	}
	assert_true(moves > 10);
	/* ann's log has one read event per move; ben's has none. */
	assert_true(store_events(s, uids[0], after, 1000, &ea, &e) >= 0);
	int reads = 0;
	for (size_t i = 0; i < ea.n; i++)
		reads += ea.ev[i].type == STORE_EV_READ;
	assert_int_equal(reads, moves);
	store_events_free(&ea);
	assert_true(store_events(s, uids[1], after, 1000, &ea, &e) >= 0);
	for (size_t i = 0; i < ea.n; i++)
		assert_int_not_equal(ea.ev[i].type, STORE_EV_READ);
	store_events_free(&ea);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(server__sync__matches_naive_model),
	    cmocka_unit_test(server__sync__newest_matches_naive_model),
	    cmocka_unit_test(server__events__gap_after_retention),
	    cmocka_unit_test(server__store__send_idempotent_and_conv_members),
	    cmocka_unit_test(server__changes__inbox_and_after_retention),
	    cmocka_unit_test(server__read__marks_rise_like_the_model),
	    cmocka_unit_test(server__sync__continuation_chain_matches_naive),
	    cmocka_unit_test(server__sync__continuation_owner_and_expiry),
	    cmocka_unit_test(server__store__upgrades_first_schema),
	    cmocka_unit_test(server__store__items_checked_erased_and_appended),
	    cmocka_unit_test(server__json_depth__skips_strings),
	    cmocka_unit_test(server__names__grammar),
	    cmocka_unit_test(server__rules__skeleton),
	    cmocka_unit_test(server__rules__password),
	    cmocka_unit_test(server__faults__parse),
	    cmocka_unit_test(server__ratelimit__bucket),
	    cmocka_unit_test(server__throttle__exponential_per_name_and_address),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
