/* Tests of burst coalescing and note text (notifier/coalesce.c, notify.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "notifyd.h"
#include "text.h"

/* A message with static strings. */
static struct message
msg(const char *conv, const char *sender, uint64_t seq, int64_t ts, const char *body)
{
	return (struct message){.conv = (char *)conv,
	    .sender = (char *)sender,
	    .seq = seq,
	    .ts = ts,
	    .body = (char *)body};
}

/* Titles of the test conversations. */
static const char *
title(void *arg, const char *conv)
{
	(void)arg;
	if (strcmp(conv, "c1") == 0)
		return "proj";
	if (strcmp(conv, "c2") == 0)
		return "lunch";
	if (strcmp(conv, "evil") == 0)
		return "a\x1b]0;pwned\x07title\xe2\x80\xae";
	return NULL;
}

/* True when s has no C0 control other than allowed_nl newlines, no DEL, no bidi override. */
static bool
harmless(const char *s, bool allow_nl)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n' && allow_nl)
			continue;
		if (*p < 0x20 || *p == 0x7f)
			return false;
	}
	return strstr(s, "\xe2\x80\xae") == NULL && strstr(s, "\xe2\x81\xa6") == NULL &&
	    strstr(s, "\xc2\x9b") == NULL && utf8_valid(s, strlen(s));
}

/* One batch into a fresh coalescer with no rate limit; the notes in l. */
static void
once(const struct message *m, size_t n, title_fn *t, struct note_list *l)
{
	struct coalescer c;
	coalesce_init(&c, 0, 0);
	coalesce_add(&c, m, NULL, n, 1000);
	coalesce_take(&c, 1000, t, NULL, l);
	coalesce_free(&c);
}

/* An edit changes its line quietly; a delete takes it out, and withdraws a note left empty. */
static void
coalesce__edit_delete__line_changes_or_goes(void **state)
{
	(void)state;
	struct coalescer c;
	coalesce_init(&c, 60000, 0);
	struct message m[] = {msg("c1", "bob", 1, 10, "lunch at noon"),
	    msg("c1", "carol", 1, 20, "ok"), msg("c2", "bob", 2, 30, "oops")};
	coalesce_add(&c, m, NULL, 3, 1000);
	struct note_list l = {0};
	coalesce_take(&c, 1000, title, NULL, &l);
	note_list_free(&l);
	struct message ed = msg("c1", "bob", 3, 40, "lunch at one");
	ed.kind = "edit";
	ed.target_sender = "bob";
	ed.target_seq = 1;
	assert_int_equal(coalesce_item(&c, &ed), COALESCE_UPDATED);
	coalesce_take(&c, 90000, title, NULL, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].body, "bob: lunch at one\ncarol: ok");
	assert_true(l.v[0].quiet);
	note_list_free(&l);
	/* Another sender's "edit", or an item of no note, changes nothing. */
	struct message forged = ed;
	forged.sender = "carol";
	assert_int_equal(coalesce_item(&c, &forged), COALESCE_NONE);
	struct message del = msg("c1", "bob", 4, 50, "");
	del.kind = "delete";
	del.target_sender = "bob";
	del.target_seq = 1;
	assert_int_equal(coalesce_item(&c, &del), COALESCE_UPDATED);
	coalesce_take(&c, 90000, title, NULL, &l);
	assert_string_equal(l.v[0].body, "ok");
	assert_string_equal(l.v[0].summary, "bob, carol in proj");
	note_list_free(&l);
	struct message del2 = msg("c2", "bob", 5, 60, "");
	del2.kind = "delete";
	del2.target_sender = "bob";
	del2.target_seq = 2;
	assert_int_equal(coalesce_item(&c, &del2), COALESCE_EMPTIED);
	assert_int_equal(coalesce_item(&c, &del2), COALESCE_NONE);
	coalesce_free(&c);
	/* A member change reads as its notice, an action as "sender text". */
	struct message mem = msg("c1", "ann", 1, 10, "");
	mem.kind = "member";
	mem.op = "add";
	mem.users = "cy";
	struct message act = msg("c1", "bob", 1, 20, "waves");
	act.action = true;
	struct message two[] = {mem, act};
	once(two, 2, title, &l);
	assert_string_equal(l.v[0].body, "ann added cy\nbob waves");
	note_list_free(&l);
}

static void
coalesce__one_message__sender_in_title(void **state)
{
	(void)state;
	struct message m[] = {msg("c1", "bob", 1, 10, "hello")};
	struct note_list l = {0};
	once(m, 1, title, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].summary, "bob in proj");
	assert_string_equal(l.v[0].body, "hello");
	assert_string_equal(l.v[0].conv, "c1");
	assert_int_equal(l.v[0].count, 1);
	assert_int_equal(l.v[0].kind, NOTE_CONV);
	note_list_free(&l);
}

static void
coalesce__burst__senders_count_and_last_lines(void **state)
{
	(void)state;
	struct message m[] = {
	    msg("c1", "bob", 1, 10, "first"),
	    msg("c1", "carol", 1, 20, "second"),
	    msg("c1", "bob", 2, 30, "third"),
	    msg("c1", "dave", 1, 40, "fourth"),
	};
	struct note_list l = {0};
	once(m, 4, title, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].summary, "bob, carol, dave in proj (4)");
	assert_string_equal(l.v[0].body, "carol: second\nbob: third\ndave: fourth");
	assert_int_equal(l.v[0].count, 4);
	note_list_free(&l);
}

static void
coalesce__many_batches__one_note_per_conversation_updated(void **state)
{
	(void)state;
	struct coalescer c;
	coalesce_init(&c, 0, 0);
	const char *who[] = {"bob", "carol", "dave"};
	size_t notes = 0, last1 = 0, last2 = 0;
	/* 200 messages in 40 batches of 5, into two conversations. */
	for (int b = 0; b < 40; b++) {
		struct message m[5];
		for (int k = 0; k < 5; k++) {
			int i = b * 5 + k;
			m[k] = msg(i % 5 < 3 ? "c1" : "c2", who[i % 3], (uint64_t)i + 1, i, "x");
		}
		struct note_list l = {0};
		coalesce_add(&c, m, NULL, 5, 1000 + b * 50);
		coalesce_take(&c, 1000 + b * 50, title, NULL, &l);
		assert_true(l.n <= 2);
		for (size_t k = 0; k < l.n; k++) {
			assert_int_equal(l.v[k].kind, NOTE_CONV);
			if (strcmp(l.v[k].conv, "c1") == 0)
				last1 = l.v[k].count;
			else
				last2 = l.v[k].count;
		}
		notes += l.n;
		note_list_free(&l);
	}
	assert_int_equal(notes, 80);
	assert_int_equal(last1, 120);
	assert_int_equal(last2, 80);
	coalesce_free(&c);
}

static void
coalesce__nothing_new__no_note(void **state)
{
	(void)state;
	struct coalescer c;
	coalesce_init(&c, 0, 0);
	struct message m[] = {msg("c1", "bob", 1, 10, "hello")};
	struct note_list l = {0};
	coalesce_add(&c, m, NULL, 1, 1000);
	coalesce_take(&c, 1000, title, NULL, &l);
	note_list_free(&l);
	coalesce_take(&c, 2000, title, NULL, &l);
	assert_int_equal(l.n, 0);
	coalesce_free(&c);
}

static void
coalesce__two_conversations__one_note_each_in_order(void **state)
{
	(void)state;
	struct message m[] = {
	    msg("c2", "dave", 1, 10, "pizza?"),
	    msg("c1", "bob", 1, 11, "build is red"),
	    msg("c2", "erin", 1, 12, "yes"),
	    msg("c2", "dave", 2, 12, "ok, 12:30"),
	};
	struct note_list l = {0};
	once(m, 4, title, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].summary, "dave, erin in lunch (3)");
	assert_string_equal(l.v[0].body, "dave: pizza?\nerin: yes\ndave: ok, 12:30");
	assert_string_equal(l.v[1].summary, "bob in proj");
	assert_string_equal(l.v[1].body, "build is red");
	note_list_free(&l);
}

static void
coalesce__many_conversations__summary_note(void **state)
{
	(void)state;
	struct coalescer c;
	coalesce_init(&c, 0, 0);
	struct message m[12];
	const char *convs[] = {"c1", "c2", "c3", "c4", "c5", "c6"};
	for (int i = 0; i < 12; i++)
		m[i] = msg(convs[i % 6], "bob", (uint64_t)i + 1, i, "hi");
	struct note_list l = {0};
	coalesce_add(&c, m, NULL, 12, 1000);
	coalesce_take(&c, 1000, title, NULL, &l);
	assert_int_equal(l.n, 7);
	assert_int_equal(l.v[6].kind, NOTE_SUMMARY);
	assert_string_equal(l.v[6].summary, "natter: 12 new in 6 conversations");
	assert_int_equal(l.v[6].count, 12);
	note_list_free(&l);
	/* Three live conversations are a few: no summary. */
	coalesce_closed(&c, "c1");
	coalesce_closed(&c, "c2");
	coalesce_closed(&c, "c3");
	coalesce_closed(&c, "c4");
	coalesce_add(&c, m, NULL, 1, 2000);
	coalesce_take(&c, 2000, title, NULL, &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].kind, NOTE_CONV);
	note_list_free(&l);
	coalesce_free(&c);
}

static void
coalesce__update_within_quiet__updates_silently(void **state)
{
	(void)state;
	struct coalescer c;
	coalesce_init(&c, 10000, 0);
	struct message m[] = {msg("c1", "bob", 1, 10, "a"), msg("c1", "bob", 2, 11, "b"),
	    msg("c1", "bob", 3, 12, "c")};
	struct note_list l = {0};
	coalesce_add(&c, m, NULL, 1, 5000);
	coalesce_take(&c, 5000, title, NULL, &l);
	assert_false(l.v[0].quiet);
	note_list_free(&l);
	/* 9.999 s later: still within the limit, so no sound. */
	coalesce_add(&c, m + 1, NULL, 1, 14999);
	coalesce_take(&c, 14999, title, NULL, &l);
	assert_true(l.v[0].quiet);
	assert_int_equal(l.v[0].count, 2);
	note_list_free(&l);
	/* 10 s after it last popped up, it may again. */
	coalesce_add(&c, m + 2, NULL, 1, 15000);
	coalesce_take(&c, 15000, title, NULL, &l);
	assert_false(l.v[0].quiet);
	assert_int_equal(l.v[0].count, 3);
	note_list_free(&l);
	coalesce_free(&c);
}

static void
coalesce__closed__next_message_starts_fresh(void **state)
{
	(void)state;
	struct coalescer c;
	coalesce_init(&c, 0, 0);
	struct message m[] = {msg("c1", "bob", 1, 10, "a"), msg("c1", "carol", 1, 11, "b"),
	    msg("c1", "dave", 1, 12, "c")};
	struct note_list l = {0};
	coalesce_add(&c, m, NULL, 2, 1000);
	coalesce_take(&c, 1000, title, NULL, &l);
	assert_int_equal(l.v[0].count, 2);
	note_list_free(&l);
	coalesce_closed(&c, "c1");
	coalesce_add(&c, m + 2, NULL, 1, 2000);
	coalesce_take(&c, 2000, title, NULL, &l);
	assert_int_equal(l.v[0].count, 1);
	assert_string_equal(l.v[0].summary, "dave in proj");
	assert_string_equal(l.v[0].body, "c");
	note_list_free(&l);
	coalesce_free(&c);
}

static void
coalesce__fresh_after__note_without_close_ends(void **state)
{
	(void)state;
	struct coalescer c;
	coalesce_init(&c, 0, 60000);
	struct message m[] = {msg("c1", "bob", 1, 10, "a"), msg("c1", "bob", 2, 11, "b"),
	    msg("c1", "bob", 3, 12, "c")};
	struct note_list l = {0};
	coalesce_add(&c, m, NULL, 1, 1000);
	coalesce_add(&c, m + 1, NULL, 1, 60999);
	coalesce_take(&c, 60999, title, NULL, &l);
	assert_int_equal(l.v[0].count, 2);
	note_list_free(&l);
	coalesce_add(&c, m + 2, NULL, 1, 60999 + 60000);
	coalesce_take(&c, 60999 + 60000, title, NULL, &l);
	assert_int_equal(l.v[0].count, 1);
	note_list_free(&l);
	coalesce_free(&c);
}

static void
coalesce__gap__count_includes_missed(void **state)
{
	(void)state;
	struct coalescer c;
	coalesce_init(&c, 0, 0);
	struct message m[5];
	for (int i = 0; i < 5; i++)
		m[i] = msg("c1", "bob", (uint64_t)i + 16, i, "late");
	struct note_list l = {0};
	coalesce_missed(&c, "c1", 15, 1000);
	coalesce_add(&c, m, NULL, 5, 1000);
	coalesce_take(&c, 1000, title, NULL, &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].count, 20);
	assert_string_equal(l.v[0].summary, "bob in proj (20)");
	assert_non_null(strstr(l.v[0].body, "15 messages were missed: open natter"));
	note_list_free(&l);
	coalesce_free(&c);
}

static void
coalesce__gap_of_unknown_size__says_some_were_missed(void **state)
{
	(void)state;
	struct coalescer c;
	coalesce_init(&c, 0, 0);
	struct note_list l = {0};
	coalesce_missed(&c, NULL, 0, 1000);
	coalesce_take(&c, 1000, title, NULL, &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].kind, NOTE_PROBLEM);
	assert_string_equal(l.v[0].summary, "natter: some messages were missed");
	note_list_free(&l);
	coalesce_take(&c, 2000, title, NULL, &l);
	assert_int_equal(l.n, 0);
	coalesce_free(&c);
}

static void
coalesce__urgency__highest_message_wins(void **state)
{
	(void)state;
	struct coalescer c;
	coalesce_init(&c, 0, 0);
	struct message m[] = {msg("c1", "bob", 1, 10, "a"), msg("c1", "bob", 2, 11, "alice: b"),
	    msg("c1", "bob", 3, 12, "c")};
	enum urgency u[] = {URGENCY_LOW, URGENCY_NORMAL, URGENCY_LOW};
	struct note_list l = {0};
	coalesce_add(&c, m, u, 1, 1000);
	coalesce_take(&c, 1000, title, NULL, &l);
	assert_int_equal(l.v[0].urgency, URGENCY_LOW);
	note_list_free(&l);
	coalesce_add(&c, m + 1, u + 1, 2, 2000);
	coalesce_take(&c, 2000, title, NULL, &l);
	assert_int_equal(l.v[0].urgency, URGENCY_NORMAL);
	note_list_free(&l);
	coalesce_free(&c);
}

static void
coalesce__unknown_title__uses_conversation_id(void **state)
{
	(void)state;
	struct message m[] = {msg("c5d1e0f3a9b27c4e1", "bob", 4, 10, "hi")};
	struct note_list l = {0};
	once(m, 1, title, &l);
	assert_string_equal(l.v[0].summary, "bob in c5d1e0f3a9b27c4e1");
	note_list_free(&l);
	once(m, 1, NULL, &l);
	assert_string_equal(l.v[0].summary, "bob in c5d1e0f3a9b27c4e1");
	note_list_free(&l);
}

static void
coalesce__hostile_text__sanitised(void **state)
{
	(void)state;
	const char *body = "\x1b[2J\x1b[31mred\r\nline two\xe2\x80\xae"
			   "txt.exe\xc2\x9b"
			   "6n\x7f\xff end";
	struct message m[] = {
	    msg("evil", "b\x1b]0;x\x07ob", 1, 10, body), msg("evil", "carol", 1, 11, body)};
	struct note_list l = {0};
	for (size_t n = 1; n <= 2; n++) {
		once(m, n, title, &l);
		assert_true(harmless(l.v[0].summary, false));
		assert_true(harmless(l.v[0].body, true));
		assert_true(harmless(l.v[0].sender, false));
		assert_non_null(strstr(l.v[0].body, "red"));
		assert_non_null(strstr(l.v[0].body, "line two"));
		assert_non_null(strstr(l.v[0].summary, "pwned"));
		char *line = notify_line(&l.v[0]);
		assert_true(harmless(line, false));
		assert_null(strchr(line, '\n'));
		free(line);
		note_list_free(&l);
	}
}

static void
coalesce__long_text__truncated_by_character(void **state)
{
	(void)state;
	struct buf b = {0};
	for (int i = 0; i < 1000; i++)
		buf_puts(&b, "é");
	struct message m[] = {msg("c1", "bob", 1, 10, b.data), msg("c1", "bob", 2, 11, b.data)};
	struct note_list l = {0};
	for (size_t n = 1; n <= 2; n++) {
		once(m, n, title, &l);
		assert_true(utf8_valid(l.v[0].body, strlen(l.v[0].body)));
		assert_true(utf8_chars(l.v[0].body, strlen(l.v[0].body)) <= BODY_MAX);
		assert_non_null(strstr(l.v[0].body, "…"));
		note_list_free(&l);
	}
	once(m, 1, title, &l);
	assert_int_equal(utf8_chars(l.v[0].body, strlen(l.v[0].body)), BODY_MAX - 5);
	note_list_free(&l);
	/* A name of 300 wide characters still gives a short summary. */
	buf_free(&b);
	for (int i = 0; i < 300; i++)
		buf_puts(&b, "語");
	struct message m2[] = {msg(b.data, "bob", 1, 10, "x")};
	once(m2, 1, NULL, &l);
	assert_true(utf8_chars(l.v[0].summary, strlen(l.v[0].summary)) <= SUMMARY_MAX);
	assert_true(utf8_valid(l.v[0].summary, strlen(l.v[0].summary)));
	note_list_free(&l);
	buf_free(&b);
}

static void
names_user__words__mentions_only(void **state)
{
	(void)state;
	assert_true(names_user("alice: the build is red", "alice"));
	assert_true(names_user("ping @alice", "alice"));
	assert_true(names_user("thanks Alice.", "alice"));
	assert_true(names_user("ALICE?", "alice"));
	assert_true(names_user("(alice) and bob", "alice"));
	assert_true(names_user("x malice alice", "alice"));
	assert_false(names_user("malice", "alice"));
	assert_false(names_user("alicebot", "alice"));
	assert_false(names_user("alice-bot said", "alice"));
	assert_false(names_user("alice_2 said", "alice"));
	assert_false(names_user("bob.alice", "alice"));
	assert_false(names_user("", "alice"));
	assert_false(names_user("alice", ""));
	assert_true(names_user("hi al.ice-x!", "al.ice-x"));
}

static void
notify__backend_parse__names(void **state)
{
	(void)state;
	enum backend b;
	struct err e = {0};
	assert_int_equal(backend_parse("stdout", &b, &e), 0);
	assert_int_equal(b, BACKEND_STDOUT);
	assert_int_equal(backend_parse("none", &b, &e), 0);
	assert_int_equal(b, BACKEND_NONE);
	assert_int_equal(backend_parse("growl", &b, &e), -1);
	assert_int_equal(e.kind, ERR_USAGE);
	assert_string_equal(backend_name(BACKEND_LIBNOTIFY), "libnotify");
}

/* A read that covers what a note stands for withdraws it; a partial one does not. */
static void
coalesce__read__covering_read_withdraws_the_note(void **state)
{
	(void)state;
	struct coalescer c;
	coalesce_init(&c, 0, 0);
	struct message m[] = {
	    msg("c1", "bob", 4, 10, "one"),
	    msg("c1", "carol", 2, 20, "two"),
	    msg("c1", "bob", 5, 30, "three"),
	    msg("c2", "bob", 1, 40, "lunch"),
	};
	coalesce_add(&c, m, NULL, 4, 1000);
	struct note_list l = {0};
	coalesce_take(&c, 1000, title, NULL, &l);
	assert_int_equal(l.n, 2);
	note_list_free(&l);
	struct marks r = {0};
	marks_raise(&r, "bob", 5);
	assert_false(coalesce_read(&c, "c1", &r)); /* carol's is unread */
	assert_false(coalesce_read(&c, "c3", &r)); /* no note */
	marks_raise(&r, "carol", 1);
	assert_false(coalesce_read(&c, "c1", &r)); /* carol 2 is past her mark */
	marks_raise(&r, "carol", 2);
	assert_true(coalesce_read(&c, "c1", &r));
	assert_false(coalesce_read(&c, "c1", &r)); /* gone: nothing more to withdraw */
	marks_free(&r);
	/* The next message of c1 starts a fresh note, counting from one. */
	struct message next = msg("c1", "bob", 6, 50, "four");
	coalesce_add(&c, &next, NULL, 1, 2000);
	coalesce_take(&c, 2000, title, NULL, &l);
	size_t k = l.v[0].kind == NOTE_CONV && strcmp(l.v[0].conv, "c1") == 0 ? 0 : 1;
	assert_string_equal(l.v[k].summary, "bob in proj");
	assert_int_equal(l.v[k].count, 1);
	note_list_free(&l);
	coalesce_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(coalesce__one_message__sender_in_title),
	    cmocka_unit_test(coalesce__edit_delete__line_changes_or_goes),
	    cmocka_unit_test(coalesce__burst__senders_count_and_last_lines),
	    cmocka_unit_test(coalesce__many_batches__one_note_per_conversation_updated),
	    cmocka_unit_test(coalesce__nothing_new__no_note),
	    cmocka_unit_test(coalesce__two_conversations__one_note_each_in_order),
	    cmocka_unit_test(coalesce__many_conversations__summary_note),
	    cmocka_unit_test(coalesce__update_within_quiet__updates_silently),
	    cmocka_unit_test(coalesce__closed__next_message_starts_fresh),
	    cmocka_unit_test(coalesce__read__covering_read_withdraws_the_note),
	    cmocka_unit_test(coalesce__fresh_after__note_without_close_ends),
	    cmocka_unit_test(coalesce__gap__count_includes_missed),
	    cmocka_unit_test(coalesce__gap_of_unknown_size__says_some_were_missed),
	    cmocka_unit_test(coalesce__urgency__highest_message_wins),
	    cmocka_unit_test(coalesce__unknown_title__uses_conversation_id),
	    cmocka_unit_test(coalesce__hostile_text__sanitised),
	    cmocka_unit_test(coalesce__long_text__truncated_by_character),
	    cmocka_unit_test(names_user__words__mentions_only),
	    cmocka_unit_test(notify__backend_parse__names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
