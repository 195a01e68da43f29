/* Unit tests of /search over history.db (tui/search.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "history.h"
#include "natter.h"

static int
setup(void **state)
{
	struct history *h = calloc(1, sizeof(*h));
	struct err e = {0};
	assert_int_equal(history_open_memory(h, &e), 0);
	static const struct {
		const char *conv, *sender, *body;
		int64_t ts;
	} rows[] = {
	    {"c1", "bob", "lunch at noon?", 1000},
	    {"c1", "amy", "Lunch sounds good", 2000},
	    {"c2", "bob", "100% sure_thing", 3000},
	    {"c2", "amy", "100 percent", 4000},
	    {"c1", "bob", "中文 lunch 😀", 5000},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct message m = {.conv = (char *)rows[i].conv,
		    .sender = (char *)rows[i].sender,
		    .seq = i + 1,
		    .ts = rows[i].ts,
		    .body = (char *)rows[i].body};
		assert_int_equal(history_insert(h, &m, 1, NULL, &e), 0);
	}
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	history_close(*state);
	free(*state);
	return 0;
}

static void
search__messages__newest_first_then_older(void **state)
{
	struct history *h = *state;
	struct err e = {0};
	struct message hit;
	size_t total;
	assert_int_equal(search_messages(NULL, h, "lunch", 0, &hit, &total, &e), 1);
	assert_int_equal(total, 3);
	assert_string_equal(hit.body, "中文 lunch 😀");
	assert_string_equal(hit.conv, "c1");
	message_free(&hit);
	assert_int_equal(search_messages(NULL, h, "lunch", 1, &hit, &total, &e), 1);
	assert_string_equal(hit.body, "Lunch sounds good");
	message_free(&hit);
	assert_int_equal(search_messages(NULL, h, "lunch", 2, &hit, &total, &e), 1);
	assert_string_equal(hit.sender, "bob");
	assert_int_equal(hit.ts, 1000);
	message_free(&hit);
	assert_int_equal(search_messages(NULL, h, "lunch", 3, &hit, &total, &e), 0);
}

static void
search__messages__wildcards_are_literal(void **state)
{
	struct history *h = *state;
	struct err e = {0};
	struct message hit;
	size_t total;
	assert_int_equal(search_messages(NULL, h, "100%", 0, &hit, &total, &e), 1);
	assert_int_equal(total, 1);
	assert_string_equal(hit.body, "100% sure_thing");
	message_free(&hit);
	assert_int_equal(search_messages(NULL, h, "e_t", 0, &hit, &total, &e), 1);
	assert_int_equal(total, 1);
	message_free(&hit);
	assert_int_equal(search_messages(NULL, h, "%", 0, &hit, &total, &e), 1);
	assert_int_equal(total, 1);
	message_free(&hit);
	assert_int_equal(search_messages(NULL, h, "zebra", 0, &hit, &total, &e), 0);
	assert_int_equal(total, 0);
}

static void
search__messages__wide_text(void **state)
{
	struct history *h = *state;
	struct err e = {0};
	struct message hit;
	size_t total;
	assert_int_equal(search_messages(NULL, h, "中文", 0, &hit, &total, &e), 1);
	assert_int_equal(hit.seq, 5);
	message_free(&hit);
}

/* Opens a search index in a fresh temporary directory. */
static void
open_index(struct search *s, char dir[64])
{
	struct err e = {0};
	snprintf(dir, 64, "%s", "/tmp/natter-search.XXXXXX");
	assert_non_null(mkdtemp(dir));
	char path[96];
	snprintf(path, sizeof(path), "%s/search.db", dir);
	assert_int_equal(search_open(s, path, &e), 0);
}

/* Closes the index and removes its files. */
static void
close_index(struct search *s, const char *dir)
{
	search_close(s);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void
search__index__finds_words_newest_first(void **state)
{
	struct history *h = *state;
	struct search s;
	char dir[64];
	struct err e = {0};
	struct message hit;
	size_t total;
	open_index(&s, dir);
	assert_int_equal(s.indexed, 0);
	assert_int_equal(search_messages(&s, h, "lunch", 0, &hit, &total, &e), 1);
	assert_int_equal(s.indexed, 5);
	assert_int_equal(total, 3);
	assert_string_equal(hit.body, "中文 lunch 😀");
	message_free(&hit);
	assert_int_equal(search_messages(&s, h, "lunch", 2, &hit, &total, &e), 1);
	assert_string_equal(hit.body, "lunch at noon?");
	message_free(&hit);
	assert_int_equal(search_messages(&s, h, "lunch", 3, &hit, &total, &e), 0);
	/* Words are prefixes, all required, case ignored. */
	assert_int_equal(search_messages(&s, h, "LUN sound", 0, &hit, &total, &e), 1);
	assert_int_equal(total, 1);
	assert_string_equal(hit.body, "Lunch sounds good");
	message_free(&hit);
	assert_int_equal(search_messages(&s, h, "  ", 0, &hit, &total, &e), 0);
	close_index(&s, dir);
}

static void
search__index__follows_new_messages_and_accents(void **state)
{
	struct history *h = *state;
	struct search s;
	char dir[64];
	struct err e = {0};
	struct message hit;
	size_t total;
	open_index(&s, dir);
	assert_int_equal(search_index(&s, h, 2, &e), 2);
	assert_int_equal(search_index(&s, h, 100, &e), 3);
	assert_int_equal(search_index(&s, h, 100, &e), 0);
	struct message m = {
	    .conv = "c2", .sender = "amy", .seq = 9, .ts = 9000, .body = "Un café \"très\" bien"};
	assert_int_equal(history_insert(h, &m, 1, NULL, &e), 0);
	assert_int_equal(search_messages(&s, h, "cafe TRES", 0, &hit, &total, &e), 1);
	assert_string_equal(hit.body, "Un café \"très\" bien");
	assert_string_equal(hit.conv, "c2");
	message_free(&hit);
	assert_int_equal(search_messages(&s, h, "\"tr", 0, &hit, &total, &e), 1);
	message_free(&hit);
	close_index(&s, dir);
}

/* A deletion erases the text from the index too: no match, no byte left in search.db. */
static void
search__index__forgets_deleted_text(void **state)
{
	struct history *h = *state;
	struct search s;
	char dir[64];
	struct err e = {0};
	struct message hit;
	size_t total;
	open_index(&s, dir);
	struct message m = {
	    .conv = "c2", .sender = "amy", .seq = 9, .ts = 9000, .body = "meet at zanzibarquux"};
	assert_int_equal(history_insert(h, &m, 1, NULL, &e), 0);
	assert_int_equal(search_messages(&s, h, "zanzibarq", 0, &hit, &total, &e), 1);
	message_free(&hit);
	/* An edit's text finds the message it edits; a reaction is no text. */
	struct message ed = {.conv = "c2",
	    .sender = "amy",
	    .seq = 11,
	    .ts = 9050,
	    .body = "meet at wombatquux",
	    .kind = "edit",
	    .target_sender = "amy",
	    .target_seq = 9};
	struct message re = {.conv = "c2",
	    .sender = "bob",
	    .seq = 12,
	    .ts = 9060,
	    .body = "lunch",
	    .kind = "react",
	    .target_sender = "amy",
	    .target_seq = 9};
	assert_int_equal(history_insert(h, &ed, 1, NULL, &e), 0);
	assert_int_equal(history_insert(h, &re, 1, NULL, &e), 0);
	assert_int_equal(search_messages(&s, h, "wombatq", 0, &hit, &total, &e), 1);
	assert_int_equal(hit.seq, 9);
	assert_string_equal(hit.body, "meet at zanzibarquux");
	message_free(&hit);
	assert_int_equal(search_messages(&s, h, "lunch", 0, &hit, &total, &e), 1);
	assert_int_equal(total, 3);
	message_free(&hit);
	struct message del = {.conv = "c2",
	    .sender = "amy",
	    .seq = 10,
	    .ts = 9100,
	    .body = "",
	    .kind = "delete",
	    .target_sender = "amy",
	    .target_seq = 9};
	assert_int_equal(history_insert(h, &del, 1, NULL, &e), 0);
	assert_int_equal(search_messages(&s, h, "zanzibarq", 0, &hit, &total, &e), 0);
	assert_int_equal(search_messages(&s, h, "wombatq", 0, &hit, &total, &e), 0);
	assert_int_equal(search_messages(NULL, h, "wombatq", 0, &hit, &total, &e), 0);
	assert_int_equal(search_messages(&s, h, "lunch", 0, &hit, &total, &e), 1);
	message_free(&hit);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "cat '%s'/search.db* | grep -aqe zanzibar -e wombat", dir);
	assert_int_not_equal(system(cmd), 0);
	close_index(&s, dir);
}

static void
search__query__quotes_each_word(void **state)
{
	(void)state;
	char *q = search_query(" say \"hi\"  there ");
	assert_string_equal(q, "\"say\"* \"\"\"hi\"\"\"* \"there\"*");
	free(q);
	assert_null(search_query(" \t "));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		search__messages__newest_first_then_older, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		search__messages__wildcards_are_literal, setup, teardown),
	    cmocka_unit_test_setup_teardown(search__messages__wide_text, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		search__index__finds_words_newest_first, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		search__index__follows_new_messages_and_accents, setup, teardown),
	    cmocka_unit_test(search__query__quotes_each_word),
	    cmocka_unit_test_setup_teardown(search__index__forgets_deleted_text, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
