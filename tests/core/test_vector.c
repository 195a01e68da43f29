/* Unit and property tests of the sequence-vector type (core/vector.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vector.h"

/* Parses text into a set, failing the test if it is refused. */
static struct seqset
parse_ok(const char *text)
{
	struct seqset s = {0};
	struct err e = {0};
	size_t pos = 0;
	if (seqset_parse(&s, text, strlen(text), &pos, &e) < 0)
		fail_msg("parse(\"%s\") failed: %s", text, e.msg);
	return s;
}

/* dst = dst ∪ src, row by row (what a fetch does to the vector it had). */
static void
union_rows(struct vector *dst, const struct vector *src)
{
	for (size_t i = 0; i < src->n; i++)
		seqset_union(vector_row(dst, src->rows[i].sender), &src->rows[i].set);
}

/* Asserts that s formats as want. */
static void
assert_text(const struct seqset *s, const char *want)
{
	char *got = seqset_to_string(s);
	assert_string_equal(got, want);
	free(got);
}

static void
vector__add__merges_neighbours(void **state)
{
	(void)state;
	struct seqset s = {0};
	assert_int_equal(seqset_add(&s, 5), 1);
	assert_int_equal(seqset_add(&s, 3), 1);
	assert_text(&s, "3,5");
	assert_int_equal(seqset_add(&s, 4), 1);
	assert_text(&s, "3-5");
	assert_int_equal(s.n, 1);
	assert_int_equal(seqset_add(&s, 4), 0);
	assert_int_equal(seqset_add(&s, 0), -1);
	assert_int_equal(seqset_add(&s, SEQ_MAX + 1), -1);
	assert_int_equal(seqset_add(&s, SEQ_MAX), 1);
	assert_text(&s, "3-5,9007199254740992");
	seqset_free(&s);
}

static void
vector__add_range__swallows_covered_ranges(void **state)
{
	(void)state;
	struct seqset s = parse_ok("1,3,5-6,8,20");
	assert_int_equal(seqset_add_range(&s, 2, 9), 0);
	assert_text(&s, "1-9,20");
	assert_int_equal(seqset_add_range(&s, 11, 12), 0);
	assert_text(&s, "1-9,11-12,20");
	assert_int_equal(seqset_add_range(&s, 5, 4), -1);
	assert_int_equal(seqset_add_range(&s, 0, 4), -1);
	seqset_free(&s);
}

static void
vector__contains__checks_bounds(void **state)
{
	(void)state;
	struct seqset s = parse_ok("2-4,10");
	assert_false(seqset_contains(&s, 1));
	assert_true(seqset_contains(&s, 2));
	assert_true(seqset_contains(&s, 4));
	assert_false(seqset_contains(&s, 5));
	assert_true(seqset_contains(&s, 10));
	assert_false(seqset_contains(&s, 11));
	struct seqset empty = {0};
	assert_false(seqset_contains(&empty, 1));
	seqset_free(&s);
}

static void
vector__union__interleaved(void **state)
{
	(void)state;
	struct seqset a = parse_ok("1-3,10-12,20");
	struct seqset b = parse_ok("4-9,15,21-30");
	seqset_union(&a, &b);
	assert_text(&a, "1-12,15,20-30");
	struct seqset empty = {0};
	seqset_union(&a, &empty);
	assert_text(&a, "1-12,15,20-30");
	seqset_union(&empty, &b);
	assert_text(&empty, "4-9,15,21-30");
	seqset_free(&a);
	seqset_free(&b);
	seqset_free(&empty);
}

static void
vector__diff__holes_and_edges(void **state)
{
	(void)state;
	struct seqset b = parse_ok("1-100");
	struct seqset a = parse_ok("1-10,20,50-60,100");
	struct seqset d = {0};
	seqset_diff(&d, &b, &a);
	assert_text(&d, "11-19,21-49,61-99");
	assert_int_equal(seqset_count(&d), 9 + 29 + 39);
	seqset_diff(&d, &a, &b);
	assert_text(&d, "");
	struct seqset empty = {0};
	seqset_diff(&d, &b, &empty);
	assert_text(&d, "1-100");
	seqset_diff(&d, &empty, &b);
	assert_int_equal(d.n, 0);
	seqset_free(&a);
	seqset_free(&b);
	seqset_free(&d);
}

static void
vector__count__sums_ranges(void **state)
{
	(void)state;
	struct seqset s = parse_ok("1-1000000,1000002,2000000-2000009");
	assert_int_equal(seqset_count(&s), 1000000 + 1 + 10);
	assert_int_equal(s.r[s.n - 1].hi, 2000009);
	seqset_free(&s);
}

static void
vector__ranges__ascending(void **state)
{
	(void)state;
	struct seqset s = parse_ok("2-4,7,9-10");
	uint64_t got[8];
	size_t n = 0;
	for (size_t i = 0; i < s.n; i++)
		for (uint64_t x = s.r[i].lo; x <= s.r[i].hi && n < 8; x++)
			got[n++] = x;
	assert_int_equal(n, 6);
	uint64_t want[] = {2, 3, 4, 7, 9, 10};
	for (size_t i = 0; i < n; i++)
		assert_int_equal(got[i], want[i]);
	seqset_free(&s);
}

static void
vector__parse__accepts_grammar(void **state)
{
	(void)state;
	struct seqset s = parse_ok("");
	assert_int_equal(s.n, 0);
	seqset_free(&s);
	s = parse_ok("1-3,4");
	assert_text(&s, "1-4");
	seqset_free(&s);
	s = parse_ok("1-40,42,45-50");
	assert_text(&s, "1-40,42,45-50");
	seqset_free(&s);
	s = parse_ok("9007199254740992");
	assert_int_equal(s.r[s.n - 1].hi, SEQ_MAX);
	seqset_free(&s);
}

/* Asserts that text is refused with the error at byte pos. */
static void
assert_parse_error(const char *text, size_t pos)
{
	struct seqset s = {0};
	struct err e = {0};
	size_t got = 999;
	if (seqset_parse(&s, text, strlen(text), &got, &e) == 0)
		fail_msg("parse(\"%s\") was accepted", text);
	if (got != pos)
		fail_msg("parse(\"%s\"): error at %zu, want %zu (%s)", text, got, pos, e.msg);
	assert_non_null(strstr(e.msg, "invalid ranges"));
	assert_int_equal(s.n, 0);
	seqset_free(&s);
}

static void
vector__parse__rejects_empty_items(void **state)
{
	(void)state;
	assert_parse_error(",1", 0);
	assert_parse_error("1,,2", 2);
	assert_parse_error("1,", 2);
}

static void
vector__parse__rejects_zero_and_signs(void **state)
{
	(void)state;
	assert_parse_error("0", 0);
	assert_parse_error("1,0-3", 2);
	assert_parse_error("01", 0);
	assert_parse_error("-3", 0);
	assert_parse_error("+1", 0);
	assert_parse_error(" 1", 0);
}

static void
vector__parse__rejects_reversed_and_overlapping(void **state)
{
	(void)state;
	assert_parse_error("5-2", 2);
	assert_parse_error("3-3", 2);
	assert_parse_error("1-5,4", 4);
	assert_parse_error("7,3", 2);
	assert_parse_error("1-5,5-9", 4);
}

static void
vector__parse__rejects_huge_numbers(void **state)
{
	(void)state;
	assert_parse_error("9007199254740993", 0);
	assert_parse_error("1-99999999999999999999999", 2);
}

static void
vector__parse__rejects_trailing_junk(void **state)
{
	(void)state;
	assert_parse_error("1-3x", 3);
	assert_parse_error("1 ", 1);
	assert_parse_error("1-", 2);
	assert_parse_error("1--3", 2);
}

static void
vector__vector_diff__per_sender(void **state)
{
	(void)state;
	struct vector have = {0}, server = {0}, d = {0};
	for (uint64_t i = 1; i <= 10; i++) {
		vector_add(&server, "alice", i);
		vector_add(&server, "bob", i);
		if (i % 3 != 0)
			vector_add(&have, "alice", i);
	}
	vector_add(&server, "carol", 1);
	vector_add(&have, "dave", 4);
	vector_diff(&d, &server, &have);
	assert_int_equal(d.n, 3);
	assert_string_equal(d.rows[0].sender, "alice");
	assert_text(&d.rows[0].set, "3,6,9");
	assert_string_equal(d.rows[1].sender, "bob");
	assert_text(&d.rows[1].set, "1-10");
	assert_string_equal(d.rows[2].sender, "carol");
	assert_int_equal(vector_count(&d), 3 + 10 + 1);
	union_rows(&have, &d);
	vector_diff(&d, &server, &have);
	assert_int_equal(d.n, 0);
	vector_free(&have);
	vector_free(&server);
	vector_free(&d);
}

static void
vector__digest__canonical_and_order_free(void **state)
{
	(void)state;
	struct vector a = {0}, b = {0}, empty = {0};
	char da[DIGEST_HEXLEN + 1], db[DIGEST_HEXLEN + 1];
	vector_digest(&empty, da);
	assert_string_equal(da, "e3b0c44298fc1c149afbf4c8996fb924");
	for (uint64_t i = 1; i <= 40; i++)
		vector_add(&a, "alice", i);
	vector_add(&a, "alice", 42);
	for (uint64_t i = 7; i >= 1; i--)
		vector_add(&b, "bob", i);
	vector_row(&b, "zed"); /* an empty row does not count */
	for (uint64_t i = 42; i >= 1; i--)
		if (i != 41)
			vector_add(&b, "alice", i);
	for (uint64_t i = 1; i <= 7; i++)
		vector_add(&a, "bob", i);
	struct buf text = {0};
	vector_canonical(&b, &text);
	assert_string_equal(text.data, "alice:1-40,42\nbob:1-7\n");
	buf_free(&text);
	vector_digest(&a, da);
	vector_digest(&b, db);
	assert_string_equal(da, db);
	assert_true(vector_equal(&a, &b));
	vector_add(&b, "bob", 9);
	vector_digest(&b, db);
	assert_string_not_equal(da, db);
	assert_false(vector_equal(&a, &b));
	vector_free(&a);
	vector_free(&b);
}

/* A deterministic generator, so failures reproduce. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t
next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

#define MODEL_N 300

/* Fills a random set and the same set as a bitmap model. */
static void
random_set(struct seqset *s, unsigned char *model)
{
	memset(model, 0, MODEL_N + 1);
	seqset_clear(s);
	int style = (int)(next_random() % 3);
	int ops = (int)(next_random() % 40);
	for (int k = 0; k < ops; k++) {
		uint64_t lo = 1 + next_random() % MODEL_N;
		uint64_t len = style == 0 ? 0 : next_random() % (style == 1 ? 5 : 60);
		uint64_t hi = lo + len > MODEL_N ? MODEL_N : lo + len;
		if (next_random() % 2)
			seqset_add_range(s, lo, hi);
		else
			for (uint64_t x = lo; x <= hi; x++)
				seqset_add(s, x);
		for (uint64_t x = lo; x <= hi; x++)
			model[x] = 1;
	}
}

/* Checks that s is well-formed and holds exactly the model's members. */
static void
assert_matches(const struct seqset *s, const unsigned char *model)
{
	uint64_t count = 0;
	for (size_t i = 0; i < s->n; i++) {
		assert_true(s->r[i].lo >= 1 && s->r[i].lo <= s->r[i].hi);
		if (i > 0)
			assert_true(s->r[i - 1].hi + 1 < s->r[i].lo);
	}
	for (uint64_t x = 1; x <= MODEL_N; x++) {
		assert_int_equal(seqset_contains(s, x), model[x]);
		count += model[x];
	}
	assert_int_equal(seqset_count(s), count);
}

static void
vector__property__matches_bitmap_model(void **state)
{
	(void)state;
	struct seqset a = {0}, b = {0}, u = {0}, d = {0}, back = {0};
	unsigned char ma[MODEL_N + 1], mb[MODEL_N + 1], mu[MODEL_N + 1], md[MODEL_N + 1];
	for (int iter = 0; iter < 3000; iter++) {
		random_set(&a, ma);
		random_set(&b, mb);
		assert_matches(&a, ma);
		for (int x = 0; x <= MODEL_N; x++) {
			mu[x] = ma[x] | mb[x];
			md[x] = mb[x] & !ma[x];
		}
		seqset_copy(&u, &a);
		seqset_union(&u, &b);
		assert_matches(&u, mu);
		seqset_diff(&d, &b, &a);
		assert_matches(&d, md);
		char *text = seqset_to_string(&a);
		struct err e;
		assert_int_equal(seqset_parse(&back, text, strlen(text), NULL, &e), 0);
		assert_true(seqset_equal(&a, &back));
		free(text);
		uint64_t prev = 0, n = 0;
		for (size_t i = 0; i < a.n; i++) {
			for (uint64_t x = a.r[i].lo; x <= a.r[i].hi; x++) {
				assert_true(x > prev && ma[x]);
				prev = x;
				n++;
			}
		}
		assert_int_equal(n, seqset_count(&a));
	}
	seqset_free(&a);
	seqset_free(&b);
	seqset_free(&u);
	seqset_free(&d);
	seqset_free(&back);
}

static void
vector__property__vector_diff_then_union_restores(void **state)
{
	(void)state;
	static const char *senders[] = {"alice", "bob", "carol", "dave"};
	unsigned char model[MODEL_N + 1];
	for (int iter = 0; iter < 500; iter++) {
		struct vector have = {0}, server = {0}, d = {0};
		for (size_t k = 0; k < 4; k++) {
			if (next_random() % 4 == 0)
				continue;
			random_set(vector_row(&server, senders[k]), model);
			if (next_random() % 3)
				random_set(vector_row(&have, senders[k]), model);
		}
		vector_diff(&d, &server, &have);
		for (size_t r = 0; r < d.n; r++) {
			struct seqset *h = vector_get(&have, d.rows[r].sender);
			const struct seqset *ds = &d.rows[r].set;
			for (size_t i = 0; i < ds->n; i++) {
				for (uint64_t x = ds->r[i].lo; x <= ds->r[i].hi; x++) {
					assert_true(seqset_contains(
					    vector_get(&server, d.rows[r].sender), x));
					assert_true(h == NULL || !seqset_contains(h, x));
				}
			}
		}
		union_rows(&have, &d);
		struct vector again = {0};
		vector_diff(&again, &server, &have);
		assert_int_equal(vector_count(&again), 0);
		vector_free(&again);
		vector_free(&have);
		vector_free(&server);
		vector_free(&d);
	}
}

static void
vector__scale__million_members_thousand_holes(void **state)
{
	(void)state;
	struct seqset s = {0}, full = {0}, d = {0};
	seqset_add_range(&full, 1, 1000000);
	seqset_add_range(&s, 1, 1000000);
	struct seqset holes = {0};
	for (uint64_t k = 1; k <= 1000; k++)
		seqset_add(&holes, k * 997);
	seqset_diff(&s, &full, &holes);
	assert_int_equal(s.n, 1001);
	assert_int_equal(seqset_count(&s), 1000000 - 1000);
	seqset_diff(&d, &full, &s);
	assert_true(seqset_equal(&d, &holes));
	seqset_free(&s);
	seqset_free(&full);
	seqset_free(&d);
	seqset_free(&holes);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(vector__add__merges_neighbours),
	    cmocka_unit_test(vector__add_range__swallows_covered_ranges),
	    cmocka_unit_test(vector__contains__checks_bounds),
	    cmocka_unit_test(vector__union__interleaved),
	    cmocka_unit_test(vector__diff__holes_and_edges),
	    cmocka_unit_test(vector__count__sums_ranges),
	    cmocka_unit_test(vector__ranges__ascending),
	    cmocka_unit_test(vector__parse__accepts_grammar),
	    cmocka_unit_test(vector__parse__rejects_empty_items),
	    cmocka_unit_test(vector__parse__rejects_zero_and_signs),
	    cmocka_unit_test(vector__parse__rejects_reversed_and_overlapping),
	    cmocka_unit_test(vector__parse__rejects_huge_numbers),
	    cmocka_unit_test(vector__parse__rejects_trailing_junk),
	    cmocka_unit_test(vector__vector_diff__per_sender),
	    cmocka_unit_test(vector__digest__canonical_and_order_free),
	    cmocka_unit_test(vector__property__matches_bitmap_model),
	    cmocka_unit_test(vector__property__vector_diff_then_union_restores),
	    cmocka_unit_test(vector__scale__million_members_thousand_holes),
	};
	return cmocka_run_group_tests_name("vector", tests, NULL, NULL);
}
