/* Tests of sync.db (core/syncstore.c): inserts, vectors, ledger, focus, mute, cursor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "syncstore.h"
#include "testlib.h"

/* Returns a fresh database path inside the test directory. */
static char *
path_for(const char *name)
{
	char *p = test_path(name);
	unlink(p);
	char *w = xasprintf("%s-wal", p);
	unlink(w);
	free(w);
	return p;
}

/* Opens a fresh on-disk store. */
static void
open_fresh(struct syncstore *s, const char *name)
{
	struct err e = {0};
	char *p = path_for(name);
	if (syncstore_open(s, p, 0, &e) < 0)
		fail_msg("open: %s", e.msg);
	free(p);
}

/* A message with static strings. */
static struct message
msg(const char *conv, const char *sender, uint64_t seq)
{
	static char body[64];
	snprintf(body, sizeof(body), "%s/%s/%llu", conv, sender, (unsigned long long)seq);
	return (struct message){.conv = (char *)conv,
	    .sender = (char *)sender,
	    .seq = seq,
	    .ts = (int64_t)seq * 10,
	    .body = body};
}

/* Inserts one message; returns whether it was new. */
static bool
put(struct syncstore *s, const char *conv, const char *sender, uint64_t seq)
{
	struct message m = msg(conv, sender, seq);
	struct err e = {0};
	bool added = false;
	size_t n = 0;
	if (syncstore_insert(s, &m, 1, &added, &n, &e) < 0)
		fail_msg("insert: %s", e.msg);
	assert_int_equal(n, added ? 1 : 0);
	return added;
}

/* The canonical text of the stored vector of conv. */
static char *
vector_text(struct syncstore *s, enum syncstore_set set, const char *conv)
{
	struct vector v = {0};
	struct err e = {0};
	assert_int_equal(syncstore_set_vector(s, set, conv, &v, &e), 0);
	struct buf b = {0};
	vector_canonical(&v, &b);
	vector_free(&v);
	char *t = xstrdup(b.data ? b.data : "");
	buf_free(&b);
	return t;
}

/* Reads one integer with a query on the store's connection. */
static int64_t
query_int(struct syncstore *s, const char *sql)
{
	sqlite3_stmt *st;
	struct err e;
	assert_int_equal(db_prepare(&s->db, &st, sql, &e), 0);
	assert_int_equal(db_step(&s->db, st, &e), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A delete erases its target's text and its edits' (also an edit arriving after it); no byte stays in the files. */
static void
syncstore__insert__delete_erases_text_and_edits(void **state)
{
	(void)state;
	struct syncstore s;
	open_fresh(&s, "erase.db");
	struct err e = {0};
	struct message m[] = {
	    {.conv = "c1", .sender = "bob", .seq = 1, .ts = 1, .body = "meet zanzibarquux"},
	    {.conv = "c1",
		.sender = "bob",
		.seq = 2,
		.ts = 2,
		.body = "meet wombatquux",
		.kind = "edit",
		.target_sender = "bob",
		.target_seq = 1},
	    {.conv = "c1", .sender = "ann", .seq = 1, .ts = 3, .body = "keep kangaroo"},
	};
	assert_int_equal(syncstore_insert(&s, m, 3, NULL, NULL, &e), 0);
	struct message del = {.conv = "c1",
	    .sender = "bob",
	    .seq = 3,
	    .ts = 4,
	    .body = "",
	    .kind = "delete",
	    .target_sender = "bob",
	    .target_seq = 1};
	struct message late = {.conv = "c1",
	    .sender = "bob",
	    .seq = 4,
	    .ts = 5,
	    .body = "late platypus",
	    .kind = "edit",
	    .target_sender = "bob",
	    .target_seq = 1};
	assert_int_equal(syncstore_insert(&s, &del, 1, NULL, NULL, &e), 0);
	assert_int_equal(syncstore_insert(&s, &late, 1, NULL, NULL, &e), 0);
	assert_int_equal(
	    query_int(&s, "SELECT count(*) FROM messages WHERE deleted = 1 AND body = ''"), 3);
	assert_int_equal(
	    query_int(&s, "SELECT count(*) FROM messages WHERE body = 'keep kangaroo'"), 1);
	syncstore_close(&s);
	char *p = test_path("erase.db");
	char *cmd = xasprintf("cat '%s'* | grep -aqe zanzibar -e wombat -e platypus", p);
	assert_int_not_equal(system(cmd), 0);
	free(cmd);
	cmd = xasprintf("cat '%s'* | grep -aq kangaroo", p);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(p);
}

static void
syncstore__open__private_wal_with_schema_version(void **state)
{
	(void)state;
	umask(022);
	struct syncstore s;
	open_fresh(&s, "mode.db");
	char *p = test_path("mode.db");
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(query_int(&s, "PRAGMA user_version"), 5);
	sqlite3_stmt *q;
	struct err e;
	assert_int_equal(db_prepare(&s.db, &q, "PRAGMA journal_mode", &e), 0);
	assert_int_equal(db_step(&s.db, q, &e), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
	sqlite3_finalize(q);
	syncstore_close(&s);
	/* Reopening keeps the data and the version. */
	struct syncstore s2;
	assert_int_equal(syncstore_open(&s2, p, 0, &e), 0);
	assert_int_equal(query_int(&s2, "PRAGMA user_version"), 5);
	syncstore_close(&s2);
	free(p);
}

static void
syncstore__insert__same_message_twice_is_harmless(void **state)
{
	(void)state;
	struct syncstore s;
	open_fresh(&s, "idem.db");
	assert_true(put(&s, "c1", "bob", 1));
	assert_false(put(&s, "c1", "bob", 1));
	struct message batch[3] = {msg("c1", "bob", 1), msg("c1", "bob", 2), msg("c1", "bob", 2)};
	bool added[3];
	size_t n = 9;
	struct err e;
	assert_int_equal(syncstore_insert(&s, batch, 3, added, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_false(added[0]);
	assert_true(added[1]);
	assert_false(added[2]);
	int64_t count = test_count(&s.db, "SELECT count(*) FROM messages");
	assert_true(count >= 0);
	assert_int_equal(count, 2);
	char *t = vector_text(&s, SYNC_HELD, "c1");
	assert_string_equal(t, "bob:1-2\n");
	free(t);
	syncstore_close(&s);
}

static void
syncstore__insert__rejects_bad_sequence_numbers(void **state)
{
	(void)state;
	struct syncstore s;
	open_fresh(&s, "bad.db");
	struct message m[2] = {msg("c1", "bob", 1), msg("c1", "bob", 0)};
	struct err e = {0};
	size_t n = 5;
	assert_int_equal(syncstore_insert(&s, m, 2, NULL, &n, &e), -1);
	assert_int_equal(e.kind, ERR_PROTOCOL);
	int64_t count = test_count(&s.db, "SELECT count(*) FROM messages");
	assert_true(count >= 0);
	assert_int_equal(count, 0);
	syncstore_close(&s);
}

static void
syncstore__vector__ranges_equal_naive_vector(void **state)
{
	(void)state;
	static const char *senders[] = {"alice", "bob", "carol"};
	struct syncstore s;
	open_fresh(&s, "vec.db");
	struct vector naive = {0};
	srand(7);
	/* Random order with holes and duplicates, over two conversations. */
	for (int i = 0; i < 3000; i++) {
		const char *who = senders[rand() % 3];
		uint64_t seq = 1 + (uint64_t)(rand() % 400);
		bool in = seqset_contains(
		    vector_get(&naive, who) ? vector_get(&naive, who) : &(struct seqset){0}, seq);
		assert_int_equal(put(&s, "c1", who, seq), !in);
		vector_add(&naive, who, seq);
		put(&s, "c2", who, seq % 7 + 1);
	}
	struct vector got = {0};
	struct err e;
	assert_int_equal(syncstore_vector(&s, "c1", &got, &e), 0);
	assert_true(vector_equal(&got, &naive));
	/* The ranges table holds exactly the canonical ranges, no more. */
	size_t nranges = 0;
	for (size_t i = 0; i < naive.n; i++)
		nranges += naive.rows[i].set.n;
	assert_int_equal(
	    query_int(&s, "SELECT count(*) FROM ranges WHERE kind = 0 AND conv = 'c1'"), nranges);
	char *t = vector_text(&s, SYNC_HELD, "c2");
	assert_string_equal(t, "alice:1-7\nbob:1-7\ncarol:1-7\n");
	free(t);
	t = vector_text(&s, SYNC_HELD, "nope");
	assert_string_equal(t, "");
	free(t);
	vector_free(&got);
	vector_free(&naive);
	syncstore_close(&s);
}

static void
syncstore__messages__returns_exactly_the_wanted_set(void **state)
{
	(void)state;
	struct syncstore s;
	open_fresh(&s, "msgs.db");
	for (uint64_t i = 1; i <= 20; i++) {
		put(&s, "c1", "alice", i);
		if (i % 2)
			put(&s, "c1", "bob", i);
		put(&s, "c2", "alice", i);
	}
	struct vector want = {0}, have = {0}, sync = {0}, diff = {0};
	struct err e;
	assert_int_equal(syncstore_vector(&s, "c1", &sync, &e), 0);
	/* history holds alice 1-15 and bob 1-5: the diff is alice 16-20, bob 7..19 odd. */
	seqset_add_range(vector_row(&have, "alice"), 1, 15);
	seqset_add_range(vector_row(&have, "bob"), 1, 5);
	vector_diff(&diff, &sync, &have);
	/* Asking for numbers that are not stored skips them. */
	vector_diff(&want, &sync, &have);
	seqset_add_range(vector_row(&want, "bob"), 100, 200);
	struct message_list out = {0};
	assert_int_equal(syncstore_messages(&s, "c1", &want, &out, &e), 0);
	assert_int_equal(out.n, 5 + 7);
	struct vector back = {0};
	for (size_t i = 0; i < out.n; i++) {
		assert_string_equal(out.v[i].conv, "c1");
		assert_int_equal(vector_add(&back, out.v[i].sender, out.v[i].seq), 1);
		char body[64];
		snprintf(body, sizeof(body), "c1/%s/%llu", out.v[i].sender,
		    (unsigned long long)out.v[i].seq);
		assert_string_equal(out.v[i].body, body);
		if (i)
			assert_true(out.v[i - 1].ts <= out.v[i].ts);
	}
	assert_true(vector_equal(&back, &diff));
	message_list_free(&out);
	vector_free(&want);
	vector_free(&have);
	vector_free(&sync);
	vector_free(&diff);
	vector_free(&back);
	syncstore_close(&s);
}

static void
syncstore__ledger__announced_or_shown_is_notified(void **state)
{
	(void)state;
	struct syncstore s;
	open_fresh(&s, "ledger.db");
	struct err e;
	bool yes = true;
	assert_int_equal(syncstore_was_notified(&s, "c1", "bob", 3, &yes, &e), 0);
	assert_false(yes);
	struct message a[2] = {msg("c1", "bob", 3), msg("c1", "bob", 4)};
	assert_int_equal(syncstore_mark_announced(&s, a, 2, &e), 0);
	assert_int_equal(syncstore_was_notified(&s, "c1", "bob", 3, &yes, &e), 0);
	assert_true(yes);
	assert_int_equal(syncstore_was_notified(&s, "c1", "bob", 5, &yes, &e), 0);
	assert_false(yes);
	assert_int_equal(syncstore_was_notified(&s, "c2", "bob", 3, &yes, &e), 0);
	assert_false(yes);
	/* natter shows many separate pieces, then one range swallowing them all. */
	struct vector v = {0};
	for (uint64_t i = 10; i < 60; i += 2)
		vector_add(&v, "carol", i);
	assert_int_equal(syncstore_mark_shown(&s, "c1", &v, &e), 0);
	char *t = vector_text(&s, SYNC_SHOWN, "c1");
	assert_string_equal(t,
	    "carol:10,12,14,16,18,20,22,24,26,28,30,32,34,36,38,40,42,44,"
	    "46,48,50,52,54,56,58\n");
	free(t);
	vector_free(&v);
	seqset_add_range(vector_row(&v, "carol"), 5, 100);
	assert_int_equal(syncstore_mark_shown(&s, "c1", &v, &e), 0);
	t = vector_text(&s, SYNC_SHOWN, "c1");
	assert_string_equal(t, "carol:5-100\n");
	free(t);
	assert_int_equal(syncstore_was_notified(&s, "c1", "carol", 77, &yes, &e), 0);
	assert_true(yes);
	assert_int_equal(syncstore_was_notified(&s, "c1", "carol", 101, &yes, &e), 0);
	assert_false(yes);
	/* Announced stays separate from shown. */
	t = vector_text(&s, SYNC_ANNOUNCED, "c1");
	assert_string_equal(t, "bob:3-4\n");
	free(t);
	vector_free(&v);
	syncstore_close(&s);
}

/* Ranges added in any order merge as the in-memory seqset does (core/ranges.c). */
static void
syncstore__ranges__random_adds_match_seqset(void **state)
{
	(void)state;
	struct syncstore s;
	open_fresh(&s, "ranges.db");
	struct err e;
	struct seqset model = {0};
	srand(7);
	for (int i = 0; i < 300; i++) {
		uint64_t lo = (uint64_t)(rand() % 500) + 1, len = (uint64_t)(rand() % 12);
		struct vector one = {0};
		seqset_add_range(vector_row(&one, "dave"), lo, lo + len);
		assert_int_equal(syncstore_mark_shown(&s, "c1", &one, &e), 0);
		seqset_add_range(&model, lo, lo + len);
		vector_free(&one);
		if (i % 50 == 49) {
			struct vector got = {0};
			assert_int_equal(syncstore_set_vector(&s, SYNC_SHOWN, "c1", &got, &e), 0);
			assert_true(seqset_equal(vector_get(&got, "dave"), &model));
			vector_free(&got);
		}
	}
	for (uint64_t x = 1; x <= 520; x++) {
		bool yes;
		assert_int_equal(syncstore_was_notified(&s, "c1", "dave", x, &yes, &e), 0);
		assert_int_equal(yes, seqset_contains(&model, x));
	}
	seqset_free(&model);
	syncstore_close(&s);
}

static void
syncstore__focus__stale_heartbeat_means_no_focus(void **state)
{
	(void)state;
	struct syncstore s;
	open_fresh(&s, "focus.db");
	struct err e;
	char *conv = (char *)"x";
	assert_int_equal(syncstore_get_focus(&s, SYNCSTORE_FOCUS_STALE_MS, &conv, NULL, &e), 0);
	assert_null(conv);
	assert_int_equal(syncstore_set_focus(&s, "c1", &e), 0);
	assert_int_equal(syncstore_get_focus(&s, SYNCSTORE_FOCUS_STALE_MS, &conv, NULL, &e), 0);
	assert_string_equal(conv, "c1");
	free(conv);
	/* A natter that died 20 s ago without clearing its row. */
	assert_int_equal(db_exec(&s.db, "UPDATE focus SET heartbeat = heartbeat - 20000", &e), 0);
	assert_int_equal(syncstore_get_focus(&s, SYNCSTORE_FOCUS_STALE_MS, &conv, NULL, &e), 0);
	assert_null(conv);
	assert_int_equal(syncstore_set_focus(&s, "c2", &e), 0);
	assert_int_equal(syncstore_get_focus(&s, SYNCSTORE_FOCUS_STALE_MS, &conv, NULL, &e), 0);
	assert_string_equal(conv, "c2");
	free(conv);
	assert_int_equal(syncstore_clear_focus(&s, &e), 0);
	assert_int_equal(syncstore_get_focus(&s, SYNCSTORE_FOCUS_STALE_MS, &conv, NULL, &e), 0);
	assert_null(conv);
	syncstore_close(&s);
}

static void
syncstore__mute__toggles_per_conversation(void **state)
{
	(void)state;
	struct syncstore s;
	open_fresh(&s, "mute.db");
	struct err e;
	bool m = true;
	assert_int_equal(syncstore_is_muted(&s, "c1", &m, &e), 0);
	assert_false(m);
	assert_int_equal(syncstore_set_muted(&s, "c1", true, &e), 0);
	assert_int_equal(syncstore_set_muted(&s, "c1", true, &e), 0);
	assert_int_equal(syncstore_is_muted(&s, "c1", &m, &e), 0);
	assert_true(m);
	assert_int_equal(syncstore_is_muted(&s, "c2", &m, &e), 0);
	assert_false(m);
	assert_int_equal(syncstore_set_muted(&s, "c1", false, &e), 0);
	assert_int_equal(syncstore_is_muted(&s, "c1", &m, &e), 0);
	assert_false(m);
	syncstore_close(&s);
}

static void
syncstore__cursor__kept_per_origin_with_gap_flag(void **state)
{
	(void)state;
	struct syncstore s;
	open_fresh(&s, "cursor.db");
	struct err e;
	int64_t c = -1, since = -1;
	char *o1 = syncstore_origin("http://127.0.0.1:1", "alice");
	char *o2 = syncstore_origin("http://127.0.0.1:2", "alice");
	assert_int_equal(syncstore_get_cursor(&s, o1, &c, &e), 0);
	assert_int_equal(syncstore_set_cursor(&s, o1, 42, &e), 0);
	assert_int_equal(syncstore_set_cursor(&s, o1, 43, &e), 0);
	assert_int_equal(syncstore_get_cursor(&s, o1, &c, &e), 1);
	assert_int_equal(c, 43);
	assert_int_equal(syncstore_get_cursor(&s, o2, &c, &e), 0);
	assert_int_equal(syncstore_get_gap(&s, &since, &e), 0);
	assert_int_equal(since, 0);
	assert_int_equal(syncstore_set_gap(&s, &e), 0);
	assert_int_equal(syncstore_get_gap(&s, &since, &e), 0);
	assert_true(since > 0);
	assert_int_equal(syncstore_clear_gap(&s, &e), 0);
	assert_int_equal(syncstore_get_gap(&s, &since, &e), 0);
	assert_int_equal(since, 0);
	free(o1);
	free(o2);
	syncstore_close(&s);
}

/* The launch caches every conversation at once; unchanged ones are not rewritten. */
static void
syncstore__put_conversations__batch_skips_unchanged(void **state)
{
	(void)state;
	struct syncstore s;
	open_fresh(&s, "batch.db");
	struct err e;
	char *members[] = {"alice", "bob"};
	struct conversation v[3] = {
	    {.id = "c1", .title = "one", .members = members, .nmembers = 2, .created = 1},
	    {.id = "c2", .title = "two", .members = members, .nmembers = 2, .created = 2},
	    {.id = "c3", .title = "three", .members = members, .nmembers = 1, .created = 3}};
	assert_int_equal(syncstore_put_conversations(&s, v, 3, &e), 0);
	int before = sqlite3_total_changes(s.db.h);
	assert_int_equal(syncstore_put_conversations(&s, v, 3, &e), 0);
	assert_int_equal(sqlite3_total_changes(s.db.h), before);
	v[1].title = "renamed";
	assert_int_equal(syncstore_put_conversations(&s, v, 3, &e), 0);
	assert_int_equal(sqlite3_total_changes(s.db.h), before + 1);
	struct conversation got;
	assert_int_equal(syncstore_get_conversation(&s, "c2", &got, &e), 1);
	assert_string_equal(got.title, "renamed");
	conversation_free(&got);
	assert_int_equal(syncstore_get_conversation(&s, "c3", &got, &e), 1);
	assert_int_equal(got.nmembers, 1);
	conversation_free(&got);
	syncstore_close(&s);
}

static void
syncstore__conversations__lists_cached_and_held(void **state)
{
	(void)state;
	struct syncstore s;
	open_fresh(&s, "convs.db");
	struct err e;
	put(&s, "c9", "bob", 1);
	char *members[] = {"alice", "bob"};
	struct conversation c = {
	    .id = "c1", .title = "proj", .members = members, .nmembers = 2, .created = 1234};
	assert_int_equal(syncstore_put_conversation(&s, &c, &e), 0);
	/* A later event without a title keeps the known one. */
	c.title = NULL;
	assert_int_equal(syncstore_put_conversation(&s, &c, &e), 0);
	struct conversation got;
	assert_int_equal(syncstore_get_conversation(&s, "c1", &got, &e), 1);
	assert_string_equal(got.title, "proj");
	assert_int_equal(got.nmembers, 2);
	assert_string_equal(got.members[1], "bob");
	assert_int_equal(got.created, 1234);
	conversation_free(&got);
	assert_int_equal(syncstore_get_conversation(&s, "c2", &got, &e), 0);
	struct conversation_list l = {0};
	assert_int_equal(syncstore_conversations(&s, &l, &e), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].id, "c1");
	assert_string_equal(l.v[0].title, "proj");
	assert_string_equal(l.v[1].id, "c9");
	assert_null(l.v[1].title);
	assert_int_equal(l.v[1].nmembers, 0);
	conversation_list_free(&l);
	syncstore_close(&s);
}

static void
syncstore__insert__two_processes_at_once_no_busy_no_duplicate(void **state)
{
	(void)state;
	char *p = path_for("race.db");
	struct syncstore s;
	struct err e = {0};
	assert_int_equal(syncstore_open(&s, p, 0, &e), 0);
	syncstore_close(&s);
	pid_t kids[2];
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		assert_true(kids[k] >= 0);
		if (kids[k] == 0) {
			struct syncstore c;
			if (syncstore_open(&c, p, 0, &e) < 0)
				_exit(3);
			/* Both write the same messages, in opposite orders, one at a time. */
			for (int i = 0; i < 400; i++) {
				uint64_t seq = k ? 400 - (uint64_t)i : 1 + (uint64_t)i;
				struct message m = msg("c1", k ? "bob" : "alice", seq);
				struct message m2 = msg("c1", "carol", seq);
				struct message two[2] = {m, m2};
				two[0].body = two[1].body = (char *)"x";
				if (syncstore_insert(&c, two, 2, NULL, NULL, &e) < 0)
					_exit(4);
				char *f = NULL;
				if (syncstore_get_focus(&c, 1000, &f, NULL, &e) < 0)
					_exit(5);
				free(f);
			}
			syncstore_close(&c);
			free(p);
			_exit(0);
		}
	}
	for (int k = 0; k < 2; k++) {
		int st;
		assert_int_equal(waitpid(kids[k], &st, 0), kids[k]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	assert_int_equal(syncstore_open(&s, p, 0, &e), 0);
	char *t = vector_text(&s, SYNC_HELD, "c1");
	assert_string_equal(t, "alice:1-400\nbob:1-400\ncarol:1-400\n");
	free(t);
	int64_t count = test_count(&s.db, "SELECT count(*) FROM messages");
	assert_true(count >= 0);
	assert_int_equal(count, 1200);
	syncstore_close(&s);
	free(p);
}

static void
syncstore__mute_until__ends_by_itself(void **state)
{
	(void)state;
	struct syncstore s;
	struct err e;
	open_fresh(&s, "mute.db");
	int64_t until;
	assert_int_equal(syncstore_mute_until(&s, "c1", now_ms() + 60000, &e), 0);
	assert_int_equal(syncstore_mute_until(&s, "c2", now_ms() - 1, &e), 0);
	assert_int_equal(syncstore_set_muted(&s, "c3", true, &e), 0);
	assert_int_equal(syncstore_muted(&s, "c1", &until, &e), 1);
	assert_true(until > now_ms());
	assert_int_equal(syncstore_muted(&s, "c2", &until, &e), 0);
	assert_int_equal(syncstore_muted(&s, "c3", &until, &e), 1);
	assert_int_equal(until, 0);
	char **v;
	size_t n;
	assert_int_equal(syncstore_muted_list(&s, &v, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "c1");
	assert_string_equal(v[1], "c3");
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	assert_int_equal(syncstore_set_muted(&s, "c1", false, &e), 0);
	assert_int_equal(syncstore_muted(&s, "c1", NULL, &e), 0);
	syncstore_close(&s);
}

static void
syncstore__dnd__on_until_off(void **state)
{
	(void)state;
	struct syncstore s;
	struct err e;
	int64_t until;
	open_fresh(&s, "dnd.db");
	assert_int_equal(syncstore_get_dnd(&s, &until, &e), 0);
	assert_int_equal(syncstore_set_dnd(&s, 0, &e), 0);
	assert_int_equal(syncstore_get_dnd(&s, &until, &e), 1);
	assert_int_equal(until, 0);
	assert_int_equal(syncstore_set_dnd(&s, now_ms() - 1, &e), 0);
	assert_int_equal(syncstore_get_dnd(&s, &until, &e), 0);
	assert_int_equal(syncstore_set_dnd(&s, now_ms() + 60000, &e), 0);
	assert_int_equal(syncstore_get_dnd(&s, &until, &e), 1);
	assert_int_equal(syncstore_set_dnd(&s, -1, &e), 0);
	assert_int_equal(syncstore_get_dnd(&s, &until, &e), 0);
	syncstore_close(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(syncstore__open__private_wal_with_schema_version),
	    cmocka_unit_test(syncstore__insert__delete_erases_text_and_edits),
	    cmocka_unit_test(syncstore__mute_until__ends_by_itself),
	    cmocka_unit_test(syncstore__dnd__on_until_off),
	    cmocka_unit_test(syncstore__insert__same_message_twice_is_harmless),
	    cmocka_unit_test(syncstore__insert__rejects_bad_sequence_numbers),
	    cmocka_unit_test(syncstore__vector__ranges_equal_naive_vector),
	    cmocka_unit_test(syncstore__messages__returns_exactly_the_wanted_set),
	    cmocka_unit_test(syncstore__ledger__announced_or_shown_is_notified),
	    cmocka_unit_test(syncstore__ranges__random_adds_match_seqset),
	    cmocka_unit_test(syncstore__focus__stale_heartbeat_means_no_focus),
	    cmocka_unit_test(syncstore__mute__toggles_per_conversation),
	    cmocka_unit_test(syncstore__cursor__kept_per_origin_with_gap_flag),
	    cmocka_unit_test(syncstore__put_conversations__batch_skips_unchanged),
	    cmocka_unit_test(syncstore__conversations__lists_cached_and_held),
	    cmocka_unit_test(syncstore__insert__two_processes_at_once_no_busy_no_duplicate),
	};
	return cmocka_run_group_tests(tests, test_dir_setup, test_dir_teardown);
}
