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

static void
coalesce__one_message__sender_in_title(void **state)
{
	(void)state;
	struct message m[] = {msg("c1", "bob", 1, 10, "hello")};
	struct note_list l = {0};
	coalesce(m, 1, title, NULL, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].summary, "bob in proj");
	assert_string_equal(l.v[0].body, "hello");
	assert_string_equal(l.v[0].conv, "c1");
	assert_int_equal(l.v[0].count, 1);
	note_list_free(&l);
}

static void
coalesce__burst__counted_with_newest_body(void **state)
{
	(void)state;
	struct message m[] = {
	    msg("c1", "bob", 1, 10, "first"),
	    msg("c1", "carol", 1, 30, "third"),
	    msg("c1", "bob", 2, 20, "second"),
	};
	struct note_list l = {0};
	coalesce(m, 3, title, NULL, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].summary, "3 new messages in proj");
	assert_string_equal(l.v[0].body, "carol: third");
	assert_int_equal(l.v[0].count, 3);
	note_list_free(&l);
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
	coalesce(m, 4, title, NULL, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].summary, "3 new messages in lunch");
	/* Same timestamp: the later event is the newest. */
	assert_string_equal(l.v[0].body, "dave: ok, 12:30");
	assert_string_equal(l.v[1].summary, "bob in proj");
	assert_string_equal(l.v[1].body, "build is red");
	note_list_free(&l);
}

static void
coalesce__unknown_title__uses_conversation_id(void **state)
{
	(void)state;
	struct message m[] = {msg("c5d1e0f3a9b27c4e1", "bob", 4, 10, "hi")};
	struct note_list l = {0};
	coalesce(m, 1, title, NULL, &l);
	assert_string_equal(l.v[0].summary, "bob in c5d1e0f3a9b27c4e1");
	note_list_free(&l);
	coalesce(m, 1, NULL, NULL, &l);
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
	struct message m[] = {msg("evil", "bob", 1, 10, body)};
	struct note_list l = {0};
	coalesce(m, 1, title, NULL, &l);
	assert_true(harmless(l.v[0].summary, false));
	assert_true(harmless(l.v[0].body, true));
	assert_non_null(strstr(l.v[0].body, "red"));
	assert_non_null(strstr(l.v[0].body, "line two"));
	assert_non_null(strstr(l.v[0].summary, "pwned"));
	char *line = notify_line(&l.v[0]);
	assert_true(harmless(line, false));
	assert_null(strchr(line, '\n'));
	free(line);
	note_list_free(&l);
}

static void
coalesce__long_text__truncated_by_character(void **state)
{
	(void)state;
	struct buf b = {0};
	for (int i = 0; i < 1000; i++)
		buf_puts(&b, "é");
	struct message m[] = {msg("c1", "bob", 1, 10, b.data)};
	struct note_list l = {0};
	coalesce(m, 1, title, NULL, &l);
	assert_true(utf8_valid(l.v[0].body, strlen(l.v[0].body)));
	assert_int_equal(utf8_chars(l.v[0].body, strlen(l.v[0].body)), BODY_MAX);
	assert_non_null(strstr(l.v[0].body, "…"));
	note_list_free(&l);
	/* A name of 300 wide characters still gives a short summary. */
	buf_free(&b);
	for (int i = 0; i < 300; i++)
		buf_puts(&b, "語");
	struct message m2[] = {msg(b.data, "bob", 1, 10, "x")};
	coalesce(m2, 1, NULL, NULL, &l);
	assert_true(utf8_chars(l.v[0].summary, strlen(l.v[0].summary)) <= SUMMARY_MAX);
	assert_true(utf8_valid(l.v[0].summary, strlen(l.v[0].summary)));
	note_list_free(&l);
	buf_free(&b);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(coalesce__one_message__sender_in_title),
	    cmocka_unit_test(coalesce__burst__counted_with_newest_body),
	    cmocka_unit_test(coalesce__two_conversations__one_note_each_in_order),
	    cmocka_unit_test(coalesce__unknown_title__uses_conversation_id),
	    cmocka_unit_test(coalesce__hostile_text__sanitised),
	    cmocka_unit_test(coalesce__long_text__truncated_by_character),
	    cmocka_unit_test(notify__backend_parse__names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
