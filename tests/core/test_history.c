/* Tests of history.db (core/history.c): migrations, range vectors, outbox, identity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fold.h"
#include "history.h"
#include "testlib.h"

/* Opens a fresh in-memory history. */
static void
open_mem(struct history *h)
{
	struct err e = {0};
	if (history_open_memory(h, &e) < 0)
		fail_msg("open: %s", e.msg);
}

/* Inserts one message with a body derived from its key; returns inserted count. */
static size_t
put(struct history *h, const char *conv, const char *sender, uint64_t seq, int64_t ts)
{
	char body[64];
	snprintf(body, sizeof(body), "%s/%s/%llu", conv, sender, (unsigned long long)seq);
	struct message m = {
	    .conv = (char *)conv, .sender = (char *)sender, .seq = seq, .ts = ts, .body = body};
	size_t n = 0;
	struct err e = {0};
	if (history_insert(h, &m, 1, &n, &e) < 0)
		fail_msg("insert: %s", e.msg);
	return n;
}

/* Returns the canonical text of a conversation's vector. */
static char *
vec_text(struct history *h, const char *conv)
{
	struct vector v;
	struct err e = {0};
	if (history_vector(h, conv, &v, &e) < 0)
		fail_msg("vector: %s", e.msg);
	struct buf b = {0};
	vector_canonical(&v, &b);
	vector_free(&v);
	return b.data ? b.data : xstrdup("");
}

/* A window folds with the items acting on it and its reply targets, found by index. */
static void
history__fold__window_with_acts_and_reply_targets(void **state)
{
	(void)state;
	struct history h;
	open_mem(&h);
	struct err e = {0};
	struct message v[] = {
	    {.conv = "c1", .sender = "ann", .seq = 1, .ts = 1, .body = "old question"},
	    {.conv = "c1", .sender = "ann", .seq = 2, .ts = 2, .body = "lunch?"},
	    {.conv = "c1",
		.sender = "ann",
		.seq = 3,
		.ts = 3,
		.body = "lunch at one?",
		.kind = "edit",
		.target_sender = "ann",
		.target_seq = 2},
	    {.conv = "c1",
		.sender = "bob",
		.seq = 1,
		.ts = 4,
		.body = "+1",
		.kind = "react",
		.target_sender = "ann",
		.target_seq = 2},
	    {.conv = "c1",
		.sender = "bob",
		.seq = 2,
		.ts = 5,
		.body = "answer",
		.target_sender = "ann",
		.target_seq = 1},
	    {.conv = "c1",
		.sender = "ann",
		.seq = 4,
		.ts = 6,
		.body = "",
		.kind = "delete",
		.target_sender = "ann",
		.target_seq = 1},
	};
	assert_int_equal(history_insert(&h, v, 6, NULL, &e), 0);
	struct message *lines;
	size_t n;
	/* The window holds the last two lines: ann:2 and bob:2 (whose target is outside). */
	assert_int_equal(history_messages(&h, "c1", 0, 2, &lines, &n, &e), 0);
	assert_int_equal(n, 2);
	struct folded *f;
	assert_int_equal(history_fold(&h, "c1", lines, n, &f, &e), 0);
	assert_string_equal(f[0].text, "lunch at one?");
	assert_true(f[0].edited);
	assert_int_equal(f[0].nreactions, 1);
	assert_string_equal(f[0].reactions[0].who[0], "bob");
	assert_true(f[1].reply);
	assert_true(f[1].quote.known);
	assert_true(f[1].quote.deleted);
	folds_free(f, n);
	messages_free(lines, n);
	sqlite3_stmt *st;
	assert_int_equal(db_prepare(&h.db, &st,
			     "EXPLAIN QUERY PLAN SELECT id FROM messages WHERE conv = 'c1'"
			     " AND target_sender = 'ann' AND target_seq = 2"
			     " AND kind IN ('edit', 'delete', 'react')",
			     &e),
	    0);
	assert_int_equal(db_step(&h.db, st, &e), SQLITE_ROW);
	assert_non_null(strstr((const char *)sqlite3_column_text(st, 3), "messages_target"));
	sqlite3_finalize(st);
	history_close(&h);
}

/* Items are held (their seqs in the vector) with their fields; only lines are listed. */
static void
history__items__held_in_vector_lines_listed(void **state)
{
	(void)state;
	struct history h;
	open_mem(&h);
	struct err e = {0};
	struct message v[] = {
	    {.conv = "c1", .sender = "ann", .seq = 1, .ts = 1, .body = "hi", .action = true},
	    {.conv = "c1",
		.sender = "ann",
		.seq = 2,
		.ts = 2,
		.body = "hey",
		.kind = "edit",
		.target_sender = "ann",
		.target_seq = 1},
	    {.conv = "c1",
		.sender = "bob",
		.seq = 1,
		.ts = 3,
		.body = "+1",
		.kind = "react",
		.target_sender = "ann",
		.target_seq = 1,
		.remove = true},
	    {.conv = "c1",
		.sender = "bob",
		.seq = 2,
		.ts = 4,
		.body = "",
		.kind = "member",
		.op = "add",
		.users = "cy dee"},
	    {.conv = "c1", .sender = "bob", .seq = 3, .ts = 5, .body = "", .kind = "poll"},
	    {.conv = "c1", .sender = "bob", .seq = 4, .ts = 6, .body = "", .deleted = true},
	};
	size_t n = 0;
	assert_int_equal(history_insert(&h, v, 6, &n, &e), 0);
	assert_int_equal(n, 6);
	char *t = vec_text(&h, "c1");
	assert_string_equal(t, "ann:1-2\nbob:1-4\n");
	free(t);
	struct message *out;
	assert_int_equal(history_messages(&h, "c1", 0, 10, &out, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_string_equal(out[0].body, "hi");
	assert_true(out[0].action);
	assert_null(out[0].kind);
	assert_string_equal(out[1].kind, "member");
	assert_string_equal(out[1].users, "cy dee");
	assert_true(out[2].deleted);
	messages_free(out, n);
	/* An edit without a delete keeps its text (a query's "changes" once erased it). */
	struct message ed;
	assert_int_equal(history_get(&h, "c1", "ann", 2, &ed, &e), 0);
	assert_string_equal(ed.body, "hey");
	assert_false(ed.deleted);
	message_free(&ed);
	history_close(&h);
}

/* The schema is created at its last version and reopening keeps the data. */
static void
history__open__migrates_and_reopens(void **state)
{
	(void)state;
	char *path = test_path("history.db");
	struct history h;
	struct err e = {0};
	assert_int_equal(history_open(&h, path, &e), 0);
	put(&h, "c1", "alice", 1, 10);
	history_close(&h);
	assert_int_equal(history_open(&h, path, &e), 0);
	sqlite3_stmt *st;
	assert_int_equal(db_prepare(&h.db, &st, "PRAGMA user_version", &e), 0);
	assert_int_equal(db_step(&h.db, st, &e), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 5);
	sqlite3_finalize(st);
	char *t = vec_text(&h, "c1");
	assert_string_equal(t, "alice:1\n");
	free(t);
	history_close(&h);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 077, 0);
	free(path);
}

/* Ranges merge left, right, both, and keep holes. */
static void
history__vector__ranges_merge_and_keep_holes(void **state)
{
	(void)state;
	struct history h;
	open_mem(&h);
	put(&h, "c", "bob", 5, 1);
	put(&h, "c", "bob", 7, 1);
	put(&h, "c", "bob", 6, 1); /* joins both sides */
	put(&h, "c", "bob", 1, 1);
	put(&h, "c", "bob", 2, 1); /* joins left */
	put(&h, "c", "bob", 4, 1); /* joins right */
	put(&h, "c", "bob", 10, 1);
	put(&h, "c", "alice", 3, 1);
	char *t = vec_text(&h, "c");
	assert_string_equal(t, "alice:3\nbob:1-2,4-7,10\n");
	free(t);
	sqlite3_stmt *st;
	struct err e = {0};
	assert_int_equal(
	    db_prepare(&h.db, &st, "SELECT count(*) FROM ranges WHERE conv = 'c'", &e), 0);
	assert_int_equal(db_step(&h.db, st, &e), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 4);
	sqlite3_finalize(st);
	history_close(&h);
}

/* Duplicates are ignored and do not disturb the ranges. */
static void
history__insert__ignores_duplicates(void **state)
{
	(void)state;
	struct history h;
	open_mem(&h);
	assert_int_equal(put(&h, "c", "bob", 1, 1), 1);
	assert_int_equal(put(&h, "c", "bob", 1, 1), 0);
	struct message batch[3] = {{.conv = "c", .sender = "bob", .seq = 1, .ts = 1, .body = "x"},
	    {.conv = "c", .sender = "bob", .seq = 2, .ts = 2, .body = "y"},
	    {.conv = "c", .sender = "bob", .seq = 2, .ts = 2, .body = "y"}};
	size_t n = 9;
	struct err e = {0};
	assert_int_equal(history_insert(&h, batch, 3, &n, &e), 0);
	assert_int_equal(n, 1);
	char *t = vec_text(&h, "c");
	assert_string_equal(t, "bob:1-2\n");
	free(t);
	history_close(&h);
}

/* messages_between: since <= ts < until, the last `limit` of them, oldest first. */
static void
history__messages_between__bounds_and_limit(void **state)
{
	(void)state;
	struct history h;
	open_mem(&h);
	for (int i = 1; i <= 5; i++)
		assert_int_equal(put(&h, "c", "bob", (uint64_t)i, i * 1000), 1);
	assert_int_equal(put(&h, "d", "bob", 1, 2500), 1);
	struct message *m;
	size_t n;
	struct err e = {0};
	assert_int_equal(history_messages_between(&h, "c", 2000, 4000, SIZE_MAX, &m, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(m[0].ts, 2000);
	assert_int_equal(m[1].ts, 3000);
	messages_free(m, n);
	assert_int_equal(history_messages_between(&h, "c", INT64_MIN, INT64_MAX, 2, &m, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(m[0].seq, 4);
	assert_int_equal(m[1].seq, 5);
	messages_free(m, n);
	assert_int_equal(history_messages_between(&h, "c", 5001, INT64_MAX, 10, &m, &n, &e), 0);
	assert_int_equal(n, 0);
	messages_free(m, n);
	history_close(&h);
}

/* The vector from the ranges equals a naive one built from every message. */
static void
history__vector__matches_naive_scan(void **state)
{
	(void)state;
	struct history h;
	open_mem(&h);
	static const char *const senders[] = {"alice", "bob", "carol"};
	srand(42);
	for (int i = 0; i < 3000; i++) {
		const char *s = senders[rand() % 3];
		uint64_t seq = (uint64_t)(rand() % 400) + 1;
		put(&h, rand() % 2 ? "c1" : "c2", s, seq, i);
	}
	const char *convs[] = {"c1", "c2"};
	for (size_t k = 0; k < 2; k++) {
		struct vector naive = {0};
		sqlite3_stmt *st;
		struct err e = {0};
		assert_int_equal(
		    db_prepare(&h.db, &st, "SELECT sender, seq FROM messages WHERE conv = ?1", &e),
		    0);
		db_bind_text(st, 1, convs[k]);
		while (db_step(&h.db, st, &e) == SQLITE_ROW)
			vector_add(&naive, (const char *)sqlite3_column_text(st, 0),
			    (uint64_t)sqlite3_column_int64(st, 1));
		sqlite3_finalize(st);
		struct vector fast;
		assert_int_equal(history_vector(&h, convs[k], &fast, &e), 0);
		assert_true(vector_equal(&naive, &fast));
		assert_true(vector_count(&fast) > 0);
		vector_free(&naive);
		vector_free(&fast);
	}
	/* A conversation with no messages has the empty vector. */
	struct vector none;
	struct err e = {0};
	assert_int_equal(history_vector(&h, "c3", &none, &e), 0);
	assert_int_equal(none.n, 0);
	vector_free(&none);
	history_close(&h);
}

/* The outbox keeps sending order; an ack moves an item into history with its seq. */
static void
history__outbox__keeps_order_and_moves_acked(void **state)
{
	(void)state;
	struct history h;
	open_mem(&h);
	struct err e = {0};
	struct outbox_item a, b, c;
	assert_int_equal(history_outbox_add(&h, "c", "first", &a, &e), 0);
	assert_int_equal(history_outbox_add(&h, "c", "second", &b, &e), 0);
	assert_int_equal(history_outbox_add(&h, "d", "third", &c, &e), 0);
	assert_true(a.id < b.id && b.id < c.id);
	assert_string_not_equal(a.client_id, b.client_id);
	assert_int_equal(strlen(a.client_id), 32);

	struct message ack = {.conv = "c", .sender = "me", .seq = 7, .ts = 1234};
	assert_int_equal(history_outbox_done(&h, b.id, &ack, &e), 0);
	assert_int_equal(history_outbox_done(&h, c.id, NULL, &e), 0); /* dropped */

	struct outbox_item *v;
	size_t n;
	assert_int_equal(history_outbox_list(&h, &v, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].body, "first");
	assert_string_equal(v[0].client_id, a.client_id);
	outbox_items_free(v, n);

	struct message *m;
	assert_int_equal(history_messages(&h, "c", 0, 10, &m, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(m[0].body, "second");
	assert_int_equal(m[0].seq, 7);
	messages_free(m, n);
	assert_int_equal(history_messages(&h, "d", 0, 10, &m, &n, &e), 0);
	assert_int_equal(n, 0);
	messages_free(m, n);
	char *t = vec_text(&h, "c");
	assert_string_equal(t, "me:7\n");
	free(t);
	outbox_item_free(&a);
	outbox_item_free(&b);
	outbox_item_free(&c);
	history_close(&h);
}

/* A store bound to one account refuses another and accepts the same one. */
static void
history__bind__refuses_another_account(void **state)
{
	(void)state;
	struct history h;
	open_mem(&h);
	struct err e = {0};
	assert_int_equal(history_bind(&h, "http://a", "alice", "/d", &e), 0);
	assert_int_equal(history_bind(&h, "http://a", "alice", "/d", &e), 0);
	assert_int_equal(history_bind(&h, "http://a", "bob", "/d", &e), -1);
	assert_int_equal(e.kind, ERR_USAGE);
	assert_non_null(strstr(e.msg, "-D"));
	assert_int_equal(history_bind(&h, "http://b", "alice", "/d", &e), -1);
	char *s, *u;
	assert_int_equal(history_identity(&h, &s, &u, &e), 0);
	assert_string_equal(s, "http://a");
	assert_string_equal(u, "alice");
	free(s);
	free(u);
	history_close(&h);
}

/* Conversations resolve by id or unique title; unknown and ambiguous are errors. */
static void
history__resolve__id_title_ambiguous_unknown(void **state)
{
	(void)state;
	struct history h;
	open_mem(&h);
	char *mem[] = {"alice", "bob"};
	struct conversation cs[3] = {
	    {.id = "c1", .title = "proj", .members = mem, .nmembers = 2, .created = 1},
	    {.id = "c2", .title = "lunch", .members = mem, .nmembers = 2, .created = 2},
	    {.id = "c3", .title = "lunch", .members = mem, .nmembers = 1, .created = 3},
	};
	struct err e = {0};
	assert_int_equal(history_put_convs(&h, cs, 3, &e), 0);
	char *id;
	assert_int_equal(history_resolve_conv(&h, "c2", &id, &e), 0);
	assert_string_equal(id, "c2");
	free(id);
	assert_int_equal(history_resolve_conv(&h, "proj", &id, &e), 0);
	assert_string_equal(id, "c1");
	free(id);
	assert_int_equal(history_resolve_conv(&h, "lunch", &id, &e), -1);
	assert_int_equal(e.kind, ERR_USAGE);
	assert_int_equal(history_resolve_conv(&h, "nope", &id, &e), -1);
	assert_int_equal(e.kind, ERR_NOTFOUND);

	struct conversation *v;
	size_t n;
	assert_int_equal(history_list_convs(&h, "alice", &v, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].id, "c1");
	assert_int_equal(v[0].nmembers, 2);
	assert_string_equal(v[0].members[1], "bob");
	assert_int_equal(v[2].nmembers, 1);
	conversations_free(v, n);
	history_close(&h);
}

/*
 * Prefixes of title or id, case aside; invitations never count unless asked
 * for; a conversation left counts only when nothing else matches; an
 * ambiguous name lists the candidates with their members.
 */
static void
history__resolve__prefixes_invitations_and_left(void **state)
{
	(void)state;
	struct history h;
	open_mem(&h);
	char *ab[] = {"alice", "bob"}, *ac[] = {"alice", "carol"};
	struct conversation cs[4] = {
	    {.id = "c1",
		.title = "Lunch plans",
		.members = ab,
		.nmembers = 2,
		.created = 1,
		.has_state = true},
	    {.id = "c2",
		.title = "proj",
		.members = ab,
		.nmembers = 2,
		.created = 2,
		.has_state = true},
	    {.id = "c3",
		.title = "proj",
		.members = ac,
		.nmembers = 2,
		.created = 3,
		.has_state = true,
		.state = CONV_INVITED,
		.inviter = "bob."},
	    {.id = "d4",
		.title = "old",
		.members = ac,
		.nmembers = 2,
		.created = 4,
		.has_state = true,
		.state = CONV_LEFT},
	};
	struct err e = {0};
	assert_int_equal(history_put_convs(&h, cs, 4, &e), 0);
	char *id;
	assert_int_equal(history_resolve_conv(&h, "lunch", &id, &e), 0);
	assert_string_equal(id, "c1");
	free(id);
	assert_int_equal(history_resolve_conv(&h, "PROJ", &id, &e), 0);
	assert_string_equal(id, "c2");
	free(id);
	assert_int_equal(history_resolve_conv(&h, "ol", &id, &e), 0);
	assert_string_equal(id, "d4");
	free(id);
	assert_int_equal(history_resolve_conv(&h, "c", &id, &e), -1);
	assert_int_equal(e.kind, ERR_USAGE);
	assert_string_equal(e.msg,
	    "several conversations match c; use an id: c1 (Lunch plans: alice,bob), c2 (proj: "
	    "alice,bob)");
	assert_int_equal(history_resolve_conv_in(&h, "proj", true, &id, &e), -1);
	assert_int_equal(e.kind, ERR_USAGE);
	assert_int_equal(history_resolve_conv(&h, "", &id, &e), -1);
	enum conv_state st;
	char *title;
	assert_int_equal(history_conv_state(&h, "c3", &st, &title, &e), 0);
	assert_int_equal(st, CONV_INVITED);
	assert_string_equal(title, "proj");
	free(title);
	assert_int_equal(history_conv_state(&h, "zz", &st, NULL, &e), 1);
	history_close(&h);
}

/* Putting a conversation again writes only what changed: members added, members gone, the title. */
static void
history__put_convs__rewrites_only_changes(void **state)
{
	(void)state;
	struct history h;
	open_mem(&h);
	char *mem[] = {"alice", "bob", "carol"};
	struct conversation c = {
	    .id = "c1", .title = "t", .members = mem, .nmembers = 3, .created = 5};
	struct err e = {0};
	assert_int_equal(history_put_convs(&h, &c, 1, &e), 0);
	int before = sqlite3_total_changes(h.db.h);
	assert_int_equal(history_put_convs(&h, &c, 1, &e), 0);
	assert_int_equal(sqlite3_total_changes(h.db.h), before);
	/* created 0 (unknown) keeps the stored one and writes nothing either. */
	c.created = 0;
	assert_int_equal(history_put_convs(&h, &c, 1, &e), 0);
	assert_int_equal(sqlite3_total_changes(h.db.h), before);
	char *mem2[] = {"alice", "dave"};
	c.members = mem2;
	c.nmembers = 2;
	c.title = "u";
	assert_int_equal(history_put_convs(&h, &c, 1, &e), 0);
	/* The title, bob and carol out, dave in. */
	assert_int_equal(sqlite3_total_changes(h.db.h), before + 4);
	struct conversation *v;
	size_t n;
	size_t count;
	assert_int_equal(history_count_convs(&h, &count, &e), 0);
	assert_int_equal(count, 1);
	assert_int_equal(history_list_convs(&h, "alice", &v, &n, &e), 0);
	assert_string_equal(v[0].title, "u");
	assert_int_equal(v[0].created, 5);
	assert_int_equal(v[0].nmembers, 2);
	assert_string_equal(v[0].members[1], "dave");
	conversations_free(v, n);
	history_close(&h);
}

/* Unread counts others' messages after the read position; mark_read clears them. */
static void
history__unread__counts_and_clears(void **state)
{
	(void)state;
	struct history h;
	open_mem(&h);
	char *mem[] = {"alice", "bob"};
	struct conversation c = {.id = "c1", .title = "t", .members = mem, .nmembers = 2};
	struct err e = {0};
	assert_int_equal(history_put_convs(&h, &c, 1, &e), 0);
	put(&h, "c1", "bob", 1, 100);
	put(&h, "c1", "alice", 1, 101);
	put(&h, "c1", "bob", 2, 102);
	struct conversation *v;
	size_t n;
	assert_int_equal(history_list_convs(&h, "alice", &v, &n, &e), 0);
	assert_int_equal(v[0].unread, 2);
	assert_int_equal(v[0].messages, 3);
	conversations_free(v, n);
	assert_int_equal(history_mark_read(&h, "c1", &e), 0);
	put(&h, "c1", "bob", 3, 103);
	assert_int_equal(history_list_convs(&h, "alice", &v, &n, &e), 0);
	assert_int_equal(v[0].unread, 1);
	conversations_free(v, n);
	history_close(&h);
}

/* Counting unread stops at HISTORY_UNREAD_CAP, so listing stays fast with a huge backlog. */
static void
history__unread__capped(void **state)
{
	(void)state;
	struct history h;
	open_mem(&h);
	char *mem[] = {"alice", "bob"};
	struct conversation c = {.id = "c1", .title = "t", .members = mem, .nmembers = 2};
	struct err e = {0};
	assert_int_equal(history_put_convs(&h, &c, 1, &e), 0);
	size_t n = HISTORY_UNREAD_CAP + 5;
	struct message *m = xcalloc(n, sizeof(*m));
	for (size_t i = 0; i < n; i++)
		m[i] = (struct message){.conv = "c1",
		    .sender = "bob",
		    .seq = i + 1,
		    .ts = (int64_t)(1000 + i),
		    .body = "x"};
	assert_int_equal(history_insert(&h, m, n, NULL, &e), 0);
	free(m);
	struct conversation *v;
	size_t nv;
	assert_int_equal(history_list_convs(&h, "alice", &v, &nv, &e), 0);
	assert_int_equal(v[0].unread, HISTORY_UNREAD_CAP);
	assert_int_equal(v[0].messages, n);
	conversations_free(v, nv);
	history_close(&h);
}

/* A window of messages comes oldest first, in time order, before a position. */
static void
history__messages__window_in_time_order(void **state)
{
	(void)state;
	struct history h;
	open_mem(&h);
	for (uint64_t i = 1; i <= 10; i++)
		put(&h, "c", "bob", i, (int64_t)(100 - i)); /* inserted newest first */
	struct message *v;
	size_t n;
	struct err e = {0};
	assert_int_equal(history_messages(&h, "c", 0, 3, &v, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].seq, 3);
	assert_int_equal(v[2].seq, 1);
	int64_t before = v[0].id;
	messages_free(v, n);
	assert_int_equal(history_messages(&h, "c", before, 100, &v, &n, &e), 0);
	assert_int_equal(n, 7);
	assert_int_equal(v[0].seq, 10);
	assert_int_equal(v[6].seq, 4);
	messages_free(v, n);
	history_close(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(history__open__migrates_and_reopens),
	    cmocka_unit_test(history__items__held_in_vector_lines_listed),
	    cmocka_unit_test(history__fold__window_with_acts_and_reply_targets),
	    cmocka_unit_test(history__vector__ranges_merge_and_keep_holes),
	    cmocka_unit_test(history__insert__ignores_duplicates),
	    cmocka_unit_test(history__messages_between__bounds_and_limit),
	    cmocka_unit_test(history__put_convs__rewrites_only_changes),
	    cmocka_unit_test(history__vector__matches_naive_scan),
	    cmocka_unit_test(history__outbox__keeps_order_and_moves_acked),
	    cmocka_unit_test(history__bind__refuses_another_account),
	    cmocka_unit_test(history__resolve__id_title_ambiguous_unknown),
	    cmocka_unit_test(history__resolve__prefixes_invitations_and_left),
	    cmocka_unit_test(history__unread__counts_and_clears),
	    cmocka_unit_test(history__unread__capped),
	    cmocka_unit_test(history__messages__window_in_time_order),
	};
	return cmocka_run_group_tests(tests, test_dir_setup, test_dir_teardown);
}
